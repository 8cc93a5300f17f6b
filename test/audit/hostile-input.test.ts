/**
 * Hostile inventories and advisory data given to `audit`: each becomes a one-line exit-2 error, an
 * "incomplete" report or a finding, never a crash (exit 70), a hang or a leaked secret. Hangs are
 * guarded by the tests' own time-outs, never by measuring time.
 */
import { execFileSync } from 'node:child_process'
import { linkSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdvisoryStore } from '../../src/audit/advisories/index.js'
import { runMain, type InProcessRun } from '../helpers/in-process.js'
import type { Report } from '../../src/model/report.js'

let root: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-audit-hostile-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const run = (args: readonly string[]): Promise<InProcessRun> => runMain(args, { cwd: root, env: { STAGELIGHT_CACHE: join(root, 'cache') } })

const write = (name: string, text: string): string => {
  const path = join(root, name)
  writeFileSync(path, text)
  return path
}

/** `audit <file>` without network: inventory and hygiene only (no registry documents, no advisory databases). */
const auditFile = (file: string, format = 'json') => run(['audit', file, '--offline', '--no-registry-signals', '--no-advisory-database', '--format', format])

const firstErrorLine = (stderr: string): string => stderr.split('\n')[0] ?? ''

describe('credentials in lockfiles', () => {
  it('never shows the user information or token of a resolved URL, in any format', async () => {
    const lock = write(
      'creds-lock.json',
      JSON.stringify({
        name: 'app',
        lockfileVersion: 3,
        packages: {
          '': { name: 'app' },
          'node_modules/left-pad': { version: '1.3.0', resolved: 'https://deploy:hunter2-s3cret@npm.corp.example/left-pad/-/left-pad-1.3.0.tgz', integrity: 'sha512-AAAA' },
          'node_modules/is-odd': { version: '3.0.1', resolved: 'https://files.example/is-odd.tgz?token=tok-9f8e7d6c', integrity: 'sha512-BBBB' },
          'node_modules/git-dep': { version: '1.0.0', resolved: 'git+https://ghp_abcdefSECRET@github.com/o/git-dep.git#0123456789abcdef0123456789abcdef01234567' },
        },
      }),
    )
    for (const format of ['json', 'text', 'markdown', 'sarif', 'html']) {
      const r = await auditFile(lock, format)
      const all = r.stdout + r.stderr
      expect(all).not.toContain('hunter2')
      expect(all).not.toContain('tok-9f8e7d6c')
      expect(all).not.toContain('ghp_abcdefSECRET')
    }
    const r = await auditFile(lock)
    const report = JSON.parse(r.stdout) as Report
    const hosts = report.findings.filter((f) => f.ruleId === 'audit/lockfile-unexpected-host')
    expect(hosts.map((f) => f.message).join('\n')).toContain('npm.corp.example')
    expect(JSON.stringify(report)).toContain('https://***@npm.corp.example/left-pad')
  })
})

describe('SBOMs whose package lists are not lists', () => {
  it('a CycloneDX whose components is a string is unreadable input, not a pass with 0 packages', async () => {
    const r = await auditFile(write('string.cdx.json', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: 'pkg:npm/left-pad@1.3.0' })))
    expect(r.code).toBe(2)
    expect(firstErrorLine(r.stderr)).toMatch(/string\.cdx\.json: components is a string, not an array/)
    expect(r.stdout).toContain('"code": "E_INPUT_INVALID"')
  })

  it('an SPDX whose packages is an object is unreadable input', async () => {
    const r = await auditFile(write('object.spdx.json', JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', packages: { name: 'left-pad' } })))
    expect(r.code).toBe(2)
    expect(firstErrorLine(r.stderr)).toMatch(/object\.spdx\.json: packages is an object, not an array/)
  })

  it('a nested components value that is not a list is unreadable input as well', async () => {
    const r = await auditFile(write('nested.cdx.json', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ name: 'outer', purl: 'pkg:npm/outer@1.0.0', components: 7 }] })))
    expect(r.code).toBe(2)
    expect(firstErrorLine(r.stderr)).toContain('the components of pkg:npm/outer@1.0.0 is a number')
  })

  it('an SBOM that lists no package is incomplete (exit 3, verdict review), never a pass', async () => {
    const r = await auditFile(write('empty.cdx.json', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [] })))
    expect(r.code).toBe(3)
    const report = JSON.parse(r.stdout) as Report
    expect(report.verdict).toBe('review')
    expect(report.incomplete?.join('\n')).toMatch(/names no package audit can check/)
  })
})

/** `{"dependencies":{"d0":{"version":"1.0.0","dependencies":{"d1":…}}}}` as text, without building the object. */
function nestedLockV1(depth: number): string {
  let open = ''
  for (let i = 0; i < depth; i++) open += `"d${i}":{"version":"1.0.${i}","resolved":"https://registry.npmjs.org/d${i}/-/d${i}-1.0.${i}.tgz","integrity":"sha512-AAAA","dependencies":{`
  return `{"name":"deep","lockfileVersion":1,"dependencies":{${open}${'}}'.repeat(depth)}}}`
}

function nestedCycloneDx(depth: number): string {
  let open = ''
  for (let i = 0; i < depth; i++) open += `{"type":"library","name":"c${i}","version":"1.0.0","purl":"pkg:npm/c${i}@1.0.0","components":[`
  return `{"bomFormat":"CycloneDX","specVersion":"1.5","components":[${open}${']}'.repeat(depth)}]}`
}

describe('deep nesting', () => {
  it('a package-lock v1 nested 3,000 deep is a one-line exit-2 error, not a stack overflow', async () => {
    const r = await auditFile(write('deep-lock.json', nestedLockV1(3000)))
    expect(r.code).toBe(2)
    expect(firstErrorLine(r.stderr)).toMatch(/deep-lock\.json: dependencies nested deeper than 1000 levels/)
    expect(r.stderr).not.toMatch(/call stack|internal error/i)
  })

  it('a package-lock v1 nested 900 deep is read whole, in document order', async () => {
    const r = await auditFile(write('deep-ok-lock.json', nestedLockV1(900)))
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as Report
    const packages = (report.summary['packages'] as { name: string }[]).map((p) => p.name)
    expect(packages).toHaveLength(900)
    expect(packages.slice(0, 3)).toEqual(['d0', 'd1', 'd2'])
    expect(packages.at(-1)).toBe('d899')
  })

  it('a CycloneDX SBOM nested 5,000 deep is a one-line exit-2 error, not a stack overflow', async () => {
    const r = await auditFile(write('deep.cdx.json', nestedCycloneDx(5000)))
    expect(r.code).toBe(2)
    expect(firstErrorLine(r.stderr)).toMatch(/deep\.cdx\.json: components nested deeper than 1000 levels/)
  })

  it('a CycloneDX SBOM nested 900 deep is read whole', async () => {
    const r = await auditFile(write('deep-ok.cdx.json', nestedCycloneDx(900)))
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as Report).summary['inventory']).toMatchObject({ count: 900 })
  })
})

describe('yarn.lock with an unterminated string', () => {
  it('a 55-byte yarn.lock fails at once with exit 2 (the parser would grow a buffer until memory ran out)', async () => {
    const text = '# yarn lockfile v1\n\n"left-pad@^1":\n  version "1.3.0\n\n'
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(55)
    const r = await auditFile(write('yarn.lock', text))
    expect(r.code).toBe(2)
    expect(firstErrorLine(r.stderr)).toBe('stagelight: error: yarn.lock: not a valid yarn.lock (classic): line 4 has a string that is never closed')
  }, 300_000)

  it('a backslash at the end of a line does not continue the string', async () => {
    const r = await auditFile(write('yarn.lock', '# yarn lockfile v1\n\n"a@^1":\n  version "1.0.0\\\n  resolved "x"\n'))
    expect(r.code).toBe(2)
    expect(firstErrorLine(r.stderr)).toContain('line 4 has a string that is never closed')
  }, 300_000)

  it('escaped quotes and # inside strings are not mistaken for the end or a comment', async () => {
    const ok = '# yarn lockfile v1\n\n"a@^1":\n  version "1.0.0"\n  resolved "https://registry.yarnpkg.com/a/-/a-1.0.0.tgz#0123456789abcdef0123456789abcdef01234567"\n'
    const r = await auditFile(write('yarn.lock', ok))
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as Report).summary['inventory']).toMatchObject({ count: 1 })
  })
})

describe('advisory data at scale and hostile archives', () => {
  it('one OSV record with 10,000 affected entries for one package is matched (linear, no quadratic pass)', async () => {
    const affected = Array.from({ length: 10_000 }, (_, i) => ({
      package: { ecosystem: 'npm', name: 'left-pad' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: `${i}.0.0` }, { fixed: `${i}.0.5` }] }],
    }))
    const dir = join(root, 'osv-wide')
    execFileSync('mkdir', ['-p', dir])
    writeFileSync(join(dir, 'GHSA-wide-wide-wide.json'), JSON.stringify({ id: 'GHSA-wide-wide-wide', modified: '2024-01-01T00:00:00Z', affected }))
    const store = await AdvisoryStore.load([dir])
    const hit = store.lookup({ ecosystem: 'npm', name: 'left-pad', version: '4321.0.2' })
    expect(hit.matches).toHaveLength(1)
    expect(hit.matches[0]?.fixedVersions[0]).toBe('4321.0.5')
    expect(store.lookup({ ecosystem: 'npm', name: 'left-pad', version: '4321.0.7' }).matches).toHaveLength(0)
  }, 300_000)

  it('10,000 GIT-only entries give one info finding whose evidence is capped', async () => {
    const affected = Array.from({ length: 10_000 }, (_, i) => ({
      package: { ecosystem: 'npm', name: 'is-odd' },
      ranges: [{ type: 'GIT', repo: `https://git.example/r${i}`, events: [{ introduced: '0' }, { fixed: 'a'.repeat(40) }] }],
    }))
    const dir = join(root, 'osv-git')
    execFileSync('mkdir', ['-p', dir])
    writeFileSync(join(dir, 'GHSA-gitg-itgi-tgit.json'), JSON.stringify({ id: 'GHSA-gitg-itgi-tgit', modified: '2024-01-01T00:00:00Z', affected }))
    const lock = write('gitadv-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/is-odd': { version: '3.0.1', resolved: 'https://registry.npmjs.org/is-odd/-/is-odd-3.0.1.tgz', integrity: 'sha512-AAAA' } } }))
    const r = await run(['audit', lock, '--offline', '--no-registry-signals', '--advisories', dir, '--format', 'json'])
    const report = JSON.parse(r.stdout) as Report
    const info = report.findings.filter((f) => f.ruleId === 'audit/advisory-range-unevaluated')
    expect(info).toHaveLength(1)
    expect(info[0]?.evidence?.split('\n')).toHaveLength(21)
    expect(info[0]?.evidence).toContain('and 9980 more range(s)')
  }, 300_000)

  it('a zip export that expands past 200 times its size is refused as a bomb (exit 2, limit exceeded)', async () => {
    const dir = join(root, 'bomb')
    execFileSync('mkdir', ['-p', dir])
    // 8 names for one 10 MiB file of whitespace inside a JSON array: 80 MiB from ~80 KiB of zip
    writeFileSync(join(dir, 'r0.json'), `[${' '.repeat(10 * 1024 * 1024)}]`)
    for (let i = 1; i < 8; i++) linkSync(join(dir, 'r0.json'), join(dir, `r${i}.json`))
    execFileSync('zip', ['-q', '-9', 'bomb.zip', ...Array.from({ length: 8 }, (_, i) => `r${i}.json`)], { cwd: dir })
    const lock = write('bomb-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { '': {} } }))
    const r = await run(['audit', lock, '--offline', '--no-registry-signals', '--advisories', join(dir, 'bomb.zip')])
    expect(r.code).toBe(2)
    expect(firstErrorLine(r.stderr)).toMatch(/bomb\.zip: limit exceeded: \d+ bytes expanded from a \d+-byte zip, a ratio above 200:1/)
  }, 300_000)

  it('a zip export with more entries than the limit is refused', async () => {
    const dir = join(root, 'many')
    execFileSync('mkdir', ['-p', dir])
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, `MAL-2024-${i}.json`), JSON.stringify({ id: `MAL-2024-${i}`, modified: '2024-01-01T00:00:00Z' }))
    execFileSync('sh', ['-c', 'zip -q many.zip MAL-*.json'], { cwd: dir })
    await expect(AdvisoryStore.load([join(dir, 'many.zip')], { maxZipEntries: 20 })).rejects.toThrow(/many\.zip: limit exceeded: more than 20 entries/)
    const store = await AdvisoryStore.load([join(dir, 'many.zip')], { maxZipEntries: 30 })
    expect(store.stats.records).toBe(30)
  })
})
