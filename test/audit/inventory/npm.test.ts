/**
 * package-lock.json, npm-shrinkwrap.json, node_modules/.package-lock.json and npm's own SBOMs,
 * produced by the real npm against the registry; git, http and foreign-host entries are
 * hand-written into copies of them (the test network reaches no git host).
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readInventory } from '../../../src/audit/inventory/index.js'
import type { Inventory } from '../../../src/audit/types.js'

const run = promisify(execFile)
const root = mkdtempSync(join(tmpdir(), 'inv-npm-'))
const IS_NUMBER = {
  resolved: 'https://registry.npmjs.org/is-number/-/is-number-7.0.0.tgz',
  integrity: 'sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==',
}

/** npm with the settings that shape lockfiles pinned, whatever the user's .npmrc says */
const npm = async (cwd: string, ...args: string[]): Promise<string> =>
  (await run('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund', '--registry=https://registry.npmjs.org/'], { cwd, env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 64 << 20 })).stdout

const project = (name: string, manifest: Record<string, unknown>): string => {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }, null, 2))
  return dir
}
const BASE = { dependencies: { 'is-number': '^7.0.0' }, devDependencies: { '@babel/helper-plugin-utils': '^7.0.0' } }
const lock = (dir: string, version: number, omitResolved = false) =>
  npm(dir, 'install', '--package-lock-only', `--lockfile-version=${version}`, `--omit-lockfile-registry-resolved=${omitResolved}`)

const summary = (inv: Inventory) => inv.packages.map((p) => `${p.purl} ${p.source}${p.dev === true ? ' dev' : ''} ${p.location ?? '-'}`)
const rules = (inv: Inventory) => inv.findings.map((f) => `${f.ruleId} ${f.severity} ${String(f.data?.['location'] ?? f.data?.['name'])}`).sort()

beforeAll(async () => {
  await Promise.all(
    [1, 2, 3].map(async (v) => lock(project(`v${v}`, BASE), v)),
  )
  await lock(project('omitted', BASE), 3, true)
  const shrink = project('shrink', BASE)
  await lock(shrink, 3)
  await npm(shrink, 'shrinkwrap')
  // workspaces, an alias, a directory outside the project and a local tarball
  const ext = project('ext', {})
  writeFileSync(join(ext, 'package.json'), JSON.stringify({ name: 'ext', version: '2.0.0' }))
  const tb = project('tb', {})
  writeFileSync(join(tb, 'package.json'), JSON.stringify({ name: 'tbpkg', version: '3.1.0' }))
  const rich = project('rich', { workspaces: ['packages/*'], dependencies: { num: 'npm:is-number@7.0.0', ext: 'file:../ext', tbpkg: 'file:tbpkg-3.1.0.tgz', '@acme/a': '*' } })
  await npm(tb, 'pack', '--pack-destination', rich)
  mkdirSync(join(rich, 'packages/a'), { recursive: true })
  writeFileSync(join(rich, 'packages/a/package.json'), JSON.stringify({ name: '@acme/a', version: '0.1.0', dependencies: { 'is-number': '^7.0.0' } }))
  await lock(rich, 3)
  await npm(rich, 'sbom', '--package-lock-only', '--sbom-format=cyclonedx').then((out) => writeFileSync(join(root, 'rich.cdx.json'), out))
  await npm(rich, 'sbom', '--package-lock-only', '--sbom-format=spdx').then((out) => writeFileSync(join(root, 'rich.spdx.json'), out))
  // an installed tree whose lockfile was deleted: only node_modules/.package-lock.json is left
  const installed = project('installed', { dependencies: { 'is-number': '^7.0.0' } })
  await npm(installed, 'install', '--omit-lockfile-registry-resolved=false')
  rmSync(join(installed, 'package-lock.json'))
}, 900_000)

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('package-lock.json from the real npm', () => {
  it.each([1, 2, 3])('lockfile v%i: purls, dev flags, locations, resolved URLs and integrity; clean hygiene', async (v) => {
    const inv = await readInventory(join(root, `v${v}`))
    expect(inv.format).toBe(`package-lock.json v${v}`)
    expect(inv.path).toBe(join(root, `v${v}`, 'package-lock.json'))
    expect(summary(inv)).toEqual([
      expect.stringMatching(/^pkg:npm\/%40babel\/helper-plugin-utils@7\.\d+\.\d+ registry dev node_modules\/@babel\/helper-plugin-utils$/),
      'pkg:npm/is-number@7.0.0 registry node_modules/is-number',
    ])
    expect(inv.packages[1]).toMatchObject({ ecosystem: 'npm', name: 'is-number', version: '7.0.0', ...IS_NUMBER })
    expect(inv.packages[0]?.integrity).toMatch(/^sha512-/)
    expect(inv.findings).toEqual([])
  })

  it('lockfiles without resolved URLs (omit-lockfile-registry-resolved) are registry packages', async () => {
    const text = readFileSync(join(root, 'omitted/package-lock.json'), 'utf8')
    expect(text).not.toContain('"resolved"')
    const inv = await readInventory(join(root, 'omitted/package-lock.json'))
    expect(inv.packages.map((p) => `${p.name} ${p.source} ${p.resolved ?? '-'} ${p.integrity?.slice(0, 7) ?? '-'}`)).toEqual([
      '@babel/helper-plugin-utils registry - sha512-',
      'is-number registry - sha512-',
    ])
    expect(inv.findings).toEqual([])
  })

  it('prefers npm-shrinkwrap.json in a directory', async () => {
    const inv = await readInventory(join(root, 'shrink'))
    expect(inv.format).toBe('npm-shrinkwrap.json v3')
    expect(inv.packages).toHaveLength(2)
  })

  it('workspaces, aliases, file: directories and local tarballs', async () => {
    const inv = await readInventory(join(root, 'rich'))
    expect(summary(inv)).toEqual([
      'pkg:npm/%40acme/a@0.1.0 link node_modules/@acme/a',
      'pkg:npm/ext@2.0.0 link node_modules/ext',
      'pkg:npm/is-number@7.0.0 registry node_modules/is-number',
      // an alias is the package it installs
      'pkg:npm/is-number@7.0.0 registry node_modules/num',
      'pkg:npm/tbpkg@3.1.0 file node_modules/tbpkg',
    ])
    expect(inv.packages[1]?.resolved).toBe('../ext')
    expect(inv.packages[4]?.integrity).toMatch(/^sha512-/)
    // the workspace link is fine; the directory outside the project and the tarball file are reported
    expect(rules(inv)).toEqual(['audit/lockfile-non-registry-source low node_modules/ext', 'audit/lockfile-non-registry-source low node_modules/tbpkg'])
    const text = readFileSync(join(root, 'rich/package-lock.json'), 'utf8').split('\n')
    for (const f of inv.findings) {
      expect(f.path).toBe('package-lock.json')
      expect(text[(f.line ?? 0) - 1]).toContain('"resolved"')
    }
  })

  it('a directory with only node_modules/.package-lock.json', async () => {
    const inv = await readInventory(join(root, 'installed'))
    expect(inv.format).toBe('.package-lock.json v3')
    expect(inv.path).toBe(join(root, 'installed', 'node_modules', '.package-lock.json'))
    expect(inv.packages).toMatchObject([{ purl: 'pkg:npm/is-number@7.0.0', source: 'registry', location: 'node_modules/is-number', ...IS_NUMBER }])
  })

  it('npm sbom CycloneDX and SPDX give the same packages as the lockfile', async () => {
    const cdx = await readInventory(join(root, 'rich.cdx.json'))
    const spdx = await readInventory(join(root, 'rich.spdx.json'))
    expect(cdx.format).toBe('CycloneDX 1.5')
    expect(spdx.format).toBe('SPDX 2.3')
    for (const inv of [cdx, spdx]) {
      const isNumber = inv.packages.find((p) => p.name === 'is-number')
      expect(isNumber).toMatchObject({ purl: 'pkg:npm/is-number@7.0.0', source: 'registry', ...IS_NUMBER })
      expect(inv.packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@acme/a', 'ext', 'tbpkg']))
      expect(inv.packages.some((p) => p.name === 'rich')).toBe(false)
      expect(inv.findings.filter((f) => f.ruleId !== 'audit/lockfile-non-registry-source')).toEqual([])
    }
  })
})

describe('hand-edited lockfile entries', () => {
  const edited = async (name: string, edit: (doc: { packages: Record<string, Record<string, unknown>> }) => void): Promise<Inventory> => {
    const doc = JSON.parse(readFileSync(join(root, 'v3/package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> }
    edit(doc)
    const dir = join(root, name)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(doc, null, 2)}\n`)
    return readInventory(dir)
  }

  it('v3: git, http, foreign host, missing integrity, remote tarball, bundled', async () => {
    const inv = await edited('v3-edited', (doc) => {
      doc.packages['node_modules/my-fork'] = { version: '2.0.1', resolved: 'git+ssh://git@github.com/acme/my-fork.git#0c4d2e1f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d', license: 'MIT' }
      doc.packages['node_modules/left-pad'] = { version: '1.3.0', resolved: 'http://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz', integrity: 'sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQEjNcHqn4p+CkXZ0a2hSfDRbkNyQrJWgtcaYu3YHVg5rZsA==' }
      doc.packages['node_modules/private-utils'] = { version: '1.4.2', resolved: 'https://npm.evil.example/private-utils/-/private-utils-1.4.2.tgz', integrity: 'sha512-AAAA' }
      doc.packages['node_modules/no-hash'] = { version: '1.0.0', resolved: 'https://registry.npmjs.org/no-hash/-/no-hash-1.0.0.tgz' }
      doc.packages['node_modules/remote'] = { version: '0.1.0', resolved: 'https://downloads.example.com/remote.tgz', integrity: 'sha512-BBBB' }
      doc.packages['node_modules/remote/node_modules/inside'] = { version: '1.0.0', inBundle: true }
    })
    expect(inv.packages.find((p) => p.name === 'my-fork')).toMatchObject({ source: 'git', version: '2.0.1', purl: 'pkg:npm/my-fork@2.0.1' })
    expect(inv.packages.find((p) => p.name === 'inside')).toMatchObject({ source: 'registry', location: 'node_modules/remote/node_modules/inside' })
    expect(rules(inv)).toEqual([
      'audit/lockfile-insecure-url high node_modules/left-pad',
      'audit/lockfile-missing-integrity medium node_modules/no-hash',
      'audit/lockfile-non-registry-source medium node_modules/my-fork',
      'audit/lockfile-non-registry-source medium node_modules/remote',
      'audit/lockfile-unexpected-host medium node_modules/private-utils',
    ])
    const lines = readFileSync(join(root, 'v3-edited/package-lock.json'), 'utf8').split('\n')
    const line = (loc: string, rule: string) => lines[(inv.findings.find((f) => f.data?.['location'] === loc && f.ruleId === rule)?.line ?? 0) - 1]
    expect(line('node_modules/left-pad', 'audit/lockfile-insecure-url')).toContain('"resolved": "http://registry.npmjs.org/left-pad')
    expect(line('node_modules/no-hash', 'audit/lockfile-missing-integrity')).toContain('"resolved": "https://registry.npmjs.org/no-hash')
    expect(inv.findings.find((f) => f.ruleId === 'audit/lockfile-unexpected-host')?.message).toBe(
      'private-utils@1.4.2 is resolved from npm.evil.example, not from the configured registry registry.npmjs.org',
    )
  })

  it('v1: versions that are specs (git, file, URL, alias), nested and bundled dependencies', async () => {
    const doc = JSON.parse(readFileSync(join(root, 'v1/package-lock.json'), 'utf8')) as { dependencies: Record<string, unknown> }
    doc.dependencies = {
      ...doc.dependencies,
      'my-fork': { version: 'git+https://github.com/acme/my-fork.git#0c4d2e1f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d', from: 'git+https://github.com/acme/my-fork.git#v2' },
      ext: { version: 'file:../ext' },
      vendored: { version: 'file:vendor/vendored-0.1.0.tgz', integrity: 'sha512-CCCC' },
      remote: { version: 'https://downloads.example.com/remote.tgz', integrity: 'sha512-DDDD' },
      num: { version: 'npm:is-number@6.0.0', resolved: 'https://registry.npmjs.org/is-number/-/is-number-6.0.0.tgz', integrity: 'sha512-Wu1VHeILBK8KAWJUAiSZQX94GmOE45Rg6/538fKwiloUu21KncEkYGPqob2oSZ5mUT73vLGrHQjKw3KMPwfDzg==' },
      parent: {
        version: '1.0.0',
        resolved: 'https://registry.npmjs.org/parent/-/parent-1.0.0.tgz',
        integrity: 'sha512-EEEE',
        dependencies: { child: { version: '2.0.0', resolved: 'https://registry.npmjs.org/child/-/child-2.0.0.tgz' }, packed: { version: '3.0.0', bundled: true } },
      },
    }
    const dir = join(root, 'v1-edited')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(doc, null, 2))
    const inv = await readInventory(join(dir, 'package-lock.json'))
    expect(inv.packages.slice(2).map((p) => `${p.purl} ${p.source} ${p.location ?? '-'} ${p.resolved ?? '-'}`)).toEqual([
      'pkg:npm/my-fork@0c4d2e1f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d git node_modules/my-fork git+https://github.com/acme/my-fork.git#0c4d2e1f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d',
      'pkg:npm/ext link node_modules/ext file:../ext',
      'pkg:npm/vendored file node_modules/vendored file:vendor/vendored-0.1.0.tgz',
      'pkg:npm/remote tarball node_modules/remote https://downloads.example.com/remote.tgz',
      'pkg:npm/is-number@6.0.0 registry node_modules/num https://registry.npmjs.org/is-number/-/is-number-6.0.0.tgz',
      'pkg:npm/parent@1.0.0 registry node_modules/parent https://registry.npmjs.org/parent/-/parent-1.0.0.tgz',
      'pkg:npm/child@2.0.0 registry node_modules/parent/node_modules/child https://registry.npmjs.org/child/-/child-2.0.0.tgz',
      'pkg:npm/packed@3.0.0 registry node_modules/parent/node_modules/packed -',
    ])
    expect(rules(inv)).toEqual([
      'audit/lockfile-missing-integrity medium node_modules/parent/node_modules/child',
      'audit/lockfile-non-registry-source low node_modules/ext',
      'audit/lockfile-non-registry-source low node_modules/vendored',
      'audit/lockfile-non-registry-source medium node_modules/my-fork',
      'audit/lockfile-non-registry-source medium node_modules/remote',
    ])
    // nested entries are found in document order, not at the first key of that name
    const lines = readFileSync(join(dir, 'package-lock.json'), 'utf8').split('\n')
    const child = inv.findings.find((f) => f.data?.['name'] === 'child')
    expect(lines[(child?.line ?? 0) - 1]).toContain('"resolved": "https://registry.npmjs.org/child/')
  })
})
