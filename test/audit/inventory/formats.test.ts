import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { debianSource, readInventory } from '../../../src/audit/inventory/index.js'
import type { Inventory } from '../../../src/audit/types.js'

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const rules = (inv: Inventory) => inv.findings.map((f) => `${f.ruleId} ${f.severity} ${String(f.data?.['name'])}@${f.line ?? '-'}`).sort()

/** a fixture copied under a neutral name, so detection cannot lean on the file name */
const scratch = mkdtempSync(join(tmpdir(), 'inv-fmt-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
const renamed = (name: string): string => {
  const file = join(scratch, `${name}.inventory`)
  writeFileSync(file, readFileSync(fixture(name)))
  return file
}

describe('yarn.lock (classic)', () => {
  it('reads every entry once, with aliases, git, file and integrity from the resolved URL hash', async () => {
    const inv = await readInventory(renamed('yarn-classic.lock'))
    expect(inv.format).toBe('yarn.lock (classic)')
    expect(inv.packages.map((p) => `${p.purl} ${p.source}`)).toEqual([
      'pkg:npm/%40babel/helper-plugin-utils@7.24.8 registry',
      'pkg:npm/is-number@7.0.0 registry',
      'pkg:npm/left-pad@1.3.0 registry',
      'pkg:npm/my-fork@2.0.1 git',
      'pkg:npm/is-number@6.0.0 registry',
      'pkg:npm/private-utils@1.4.2 registry',
      'pkg:npm/vendored@0.1.0 file',
    ])
    const leftPad = inv.packages.find((p) => p.name === 'left-pad')
    // no integrity line: the sha1 in the URL fragment is the tarball's shasum
    expect(leftPad).toMatchObject({ resolved: 'http://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz', integrity: `sha1-${Buffer.from('5b8a3a7765dfe001261dde915589e782f8c94d1e', 'hex').toString('base64')}` })
    expect(inv.packages.find((p) => p.name === 'my-fork')?.resolved).toBe('git+ssh://git@github.com/acme/my-fork.git#0c4d2e1f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d')
  })

  it('reports http, git, files and foreign hosts, but not registry.yarnpkg.com, on the resolved line', async () => {
    const inv = await readInventory(fixture('yarn-classic.lock'))
    expect(rules(inv)).toEqual([
      'audit/lockfile-insecure-url high left-pad@17',
      'audit/lockfile-non-registry-source low vendored@33',
      'audit/lockfile-non-registry-source medium my-fork@21',
      'audit/lockfile-unexpected-host medium private-utils@30',
      // no integrity line: only the sha1 of the URL fragment protects it
      'audit/lockfile-weak-integrity medium left-pad@17',
    ])
    expect(inv.findings.every((f) => f.path === 'yarn-classic.lock')).toBe(true)
    expect(inv.findings.find((f) => f.data?.['name'] === 'left-pad')?.evidence).toContain('resolved "http://registry.yarnpkg.com/left-pad')
  })

  it('accepts the private registry when it is the configured or an allowed one', async () => {
    const configured = await readInventory(fixture('yarn-classic.lock'), { registry: 'https://npm.internal.example.com/' })
    // the configured registry replaces npmjs: now the public ones are unexpected
    expect(configured.findings.filter((f) => f.ruleId === 'audit/lockfile-unexpected-host').map((f) => f.data?.['name']).sort()).toEqual(['@babel/helper-plugin-utils', 'is-number', 'is-number', 'left-pad'])
    const allowed = await readInventory(fixture('yarn-classic.lock'), { allowedRegistries: ['https://npm.internal.example.com/'] })
    expect(allowed.findings.some((f) => f.ruleId === 'audit/lockfile-unexpected-host')).toBe(false)
  })
})

describe('yarn.lock (berry)', () => {
  it('v8: npm, workspace, file, git and patch resolutions', async () => {
    const inv = await readInventory(renamed('yarn-berry-v8.lock'))
    expect(inv.format).toBe('yarn.lock (berry)')
    expect(inv.packages.map((p) => `${p.purl} ${p.source} ${p.resolved ?? '-'}`)).toEqual([
      'pkg:npm/%40acme/utils link workspace:packages/utils',
      'pkg:npm/%40babel/helper-plugin-utils@7.24.8 registry -',
      'pkg:npm/is-number@7.0.0 registry -',
      'pkg:npm/left-pad@1.3.0 registry -',
      'pkg:npm/local-tool@0.2.0 file file:../tools/local-tool.tgz',
      'pkg:npm/my-fork@2.0.1 git https://github.com/acme/my-fork.git#commit=0c4d2e1f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d',
      // the builtin compat patch of resolve is not a second package; a user patch stands for its package
      'pkg:npm/resolve@1.22.8 registry -',
      'pkg:npm/tiny-patched@1.0.0 registry -',
    ])
    // berry's checksum hashes yarn's zip archive, not the npm tarball: it is not SRI integrity
    expect(inv.packages.every((p) => p.integrity === undefined)).toBe(true)
    expect(rules(inv)).toEqual(['audit/lockfile-missing-integrity medium left-pad@30', 'audit/lockfile-non-registry-source low local-tool@36', 'audit/lockfile-non-registry-source medium my-fork@58'])
  })

  it('v6: npm aliases resolve to the real package, links outside the project are reported', async () => {
    const inv = await readInventory(fixture('yarn-berry-v6.lock'))
    expect(inv.packages.map((p) => `${p.name}@${p.version} ${p.source}`)).toEqual(['is-number@7.0.0 registry', 'is-number@6.0.0 registry', 'shared@ link'])
    expect(inv.packages[2]?.purl).toBe('pkg:npm/shared')
    expect(rules(inv)).toEqual(['audit/lockfile-non-registry-source low shared@32'])
  })
})

describe('pnpm-lock.yaml', () => {
  it('v9: packages keyed name@version, dev computed from importers and snapshots, git and links', async () => {
    const inv = await readInventory(renamed('pnpm-v9.yaml'))
    expect(inv.format).toBe('pnpm-lock.yaml v9.0')
    expect(inv.packages.map((p) => `${p.purl} ${p.source}${p.dev === true ? ' dev' : ''}`)).toEqual([
      'pkg:npm/%40babel/core@7.24.9 registry',
      'pkg:npm/%40babel/helper-plugin-utils@7.24.8 registry dev',
      'pkg:npm/git-tool@1.0.0 git dev',
      'pkg:npm/is-number@7.0.0 registry',
      'pkg:npm/my-fork@2.0.1 git',
      'pkg:npm/plugin-host@1.2.0 registry',
      'pkg:npm/%40acme/shared link',
      'pkg:npm/outside link',
    ])
    expect(inv.packages.find((p) => p.name === 'is-number')?.integrity).toBe('sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==')
    expect(rules(inv)).toEqual([
      'audit/lockfile-insecure-url high plugin-host@63',
      'audit/lockfile-non-registry-source low outside@-',
      'audit/lockfile-non-registry-source medium git-tool@50',
      'audit/lockfile-non-registry-source medium my-fork@58',
      'audit/lockfile-unexpected-host medium plugin-host@63',
    ])
  })

  it('v6: /name@version keys, peer suffixes folded, dev flags, directory dependencies', async () => {
    const inv = await readInventory(fixture('pnpm-v6.yaml'))
    expect(inv.format).toBe('pnpm-lock.yaml v6.0')
    expect(inv.packages.map((p) => `${p.name}@${p.version} ${p.source}${p.dev === true ? ' dev' : ''}`)).toEqual([
      '@babel/core@7.24.9 registry',
      '@babel/helper-plugin-utils@7.24.8 registry dev',
      'is-number@7.0.0 registry',
      'plugin-host@1.2.0 registry',
      'local-dir@0.3.0 file',
    ])
    expect(rules(inv)).toEqual(['audit/lockfile-non-registry-source low local-dir@48'])
  })

  it('v5.4: /name/version keys with _peer suffixes and remote tarballs', async () => {
    const inv = await readInventory(fixture('pnpm-v5.yaml'))
    expect(inv.format).toBe('pnpm-lock.yaml v5.4')
    expect(inv.packages.map((p) => `${p.purl} ${p.source}`)).toEqual([
      'pkg:npm/%40babel/core@7.24.9 registry',
      'pkg:npm/%40babel/helper-plugin-utils@7.24.8 registry',
      'pkg:npm/is-number@7.0.0 registry',
      'pkg:npm/plugin-host@1.2.0 registry',
      'pkg:npm/remote-tar@1.0.0 tarball',
    ])
    expect(inv.packages[1]?.dev).toBe(true)
    expect(rules(inv)).toEqual(['audit/lockfile-missing-integrity medium remote-tar@43', 'audit/lockfile-non-registry-source medium remote-tar@43'])
  })
})

describe('SBOMs', () => {
  it('CycloneDX 1.6: npm and deb components, nested ones, hashes as SRI, distribution URLs, vcs_url', async () => {
    const inv = await readInventory(renamed('image.cdx.json'))
    expect(inv.format).toBe('CycloneDX 1.6')
    // metadata.component is the subject; pypi and purl-less components are not audited
    expect(inv.packages.map((p) => `${p.purl} ${p.source}`)).toEqual([
      'pkg:deb/debian/liblzma5@5.6.1-1?arch=amd64&upstream=xz-utils registry',
      'pkg:npm/%40babel/helper-plugin-utils@7.24.8 registry',
      'pkg:npm/legacy-dep@0.1.0 registry',
      'pkg:npm/forked@3.0.0 git',
    ])
    expect(inv.packages[0]).toMatchObject({ ecosystem: 'deb', name: 'liblzma5', version: '5.6.1-1' })
    expect(debianSource(inv.packages[0] ?? ({} as never))).toEqual({ name: 'xz-utils', version: '5.6.1-1' })
    // SHA-512 preferred over SHA-1
    expect(inv.packages[1]).toMatchObject({ name: '@babel/helper-plugin-utils', integrity: 'sha512-FFWx5142D8h2Mgr/iPVGH5G7w6jDn4jUSpZTyDnQO0Yn7Ks2Kuz6Pci8H6MPCoUJegd/UZQ3tAvfLCxQSnWWwg==' })
    // SBOMs often have no hashes: no missing-integrity findings for them
    expect(rules(inv)).toEqual(['audit/lockfile-insecure-url high legacy-dep@36', 'audit/lockfile-non-registry-source medium forked@50', 'audit/lockfile-unexpected-host medium legacy-dep@36'])
  })

  it('CycloneDX 1.4', async () => {
    const inv = await readInventory(fixture('legacy.cdx.json'))
    expect(inv).toMatchObject({ format: 'CycloneDX 1.4', packages: [{ purl: 'pkg:npm/is-number@7.0.0', source: 'registry' }], findings: [] })
  })

  it('SPDX 2.3: purls from externalRefs, described package skipped, checksums, dev relationships', async () => {
    const inv = await readInventory(renamed('project.spdx.json'))
    expect(inv.format).toBe('SPDX 2.3')
    expect(inv.packages.map((p) => `${p.purl} ${p.source}${p.dev === true ? ' dev' : ''}`)).toEqual([
      'pkg:npm/is-number@7.0.0 registry',
      'pkg:npm/%40acme/tool@2.1.0 git dev',
      'pkg:deb/debian/xz-utils@5.4.1-0.2?arch=amd64 registry',
    ])
    expect(inv.packages[0]?.integrity).toBe('sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==')
    expect(rules(inv)).toEqual(['audit/lockfile-non-registry-source medium @acme/tool@30'])
  })
})

describe('dpkg status', () => {
  it('reads installed packages only, with arch and source package in the purl', async () => {
    const inv = await readInventory(renamed('dpkg-status'))
    expect(inv.format).toBe('dpkg status')
    expect(inv.packages.map((p) => p.purl)).toEqual([
      'pkg:deb/debian/xz-utils@5.6.1-1?arch=amd64',
      'pkg:deb/debian/liblzma5@5.6.1-1?arch=amd64&upstream=xz-utils',
      'pkg:deb/debian/liblzma5@5.6.1-1?arch=i386&upstream=xz-utils',
      'pkg:deb/debian/libgcc-s1@12.2.0-14%2Bb1?arch=amd64&upstream=gcc-12%4012.2.0-14',
      'pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&upstream=util-linux%402.38.1-5%2Bdeb12u3',
    ])
    expect(inv.packages.some((p) => p.name === 'old-daemon' || p.name === 'half-gone' || p.name === 'not-a-package')).toBe(false)
    expect(inv.packages.find((p) => p.name === 'bsdutils')).toMatchObject({ ecosystem: 'deb', version: '1:2.38.1-5+deb12u3', source: 'registry' })
    expect(debianSource(inv.packages[3] ?? ({} as never))).toEqual({ name: 'gcc-12', version: '12.2.0-14' })
    expect(debianSource(inv.packages[0] ?? ({} as never))).toEqual({ name: 'xz-utils', version: '5.6.1-1' })
    expect(inv.findings).toEqual([])
  })

  it.runIf(existsSync('/var/lib/dpkg/status'))('reads this machine’s /var/lib/dpkg/status as dpkg-query sees it', async () => {
    const inv = await readInventory('/var/lib/dpkg/status')
    const installed = execFileSync('dpkg-query', ['-W', '-f', '${Package}\t${Version}\t${Architecture}\t${db:Status-Status}\n'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.split('\t'))
      .filter((f) => f[3] === 'installed')
    for (const name of ['dpkg', 'coreutils']) {
      const [, version, arch] = installed.find((f) => f[0] === name) ?? []
      expect(version).toBeDefined()
      const ref = inv.packages.find((p) => p.name === name)
      expect(ref).toMatchObject({ ecosystem: 'deb', version, purl: expect.stringMatching(new RegExp(`^pkg:deb/debian/${name}@[^?]+\\?arch=${arch ?? ''}(&|$)`)) })
    }
    expect(inv.packages.length).toBe(installed.length)
  })

  it.runIf(existsSync('/var/lib/dpkg/info'))('finds the status file in a dpkg administrative directory', async () => {
    const inv = await readInventory('/var/lib/dpkg')
    expect(inv.format).toBe('dpkg status')
    expect(inv.path).toBe(join('/var/lib/dpkg', 'status'))
  })
})
