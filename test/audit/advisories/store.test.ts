import { execFileSync } from 'node:child_process'
import { chmod, copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { AdvisoryStore, type AdvisoryMatch } from '../../../src/audit/advisories/index.js'
import { isStagelightError } from '../../../src/errors.js'
import { FIXTURES, record, withTempDir } from './helpers.js'

const ids = (matches: readonly AdvisoryMatch[]): string[] => matches.map((m) => m.id)

describe('AdvisoryStore on the fixture directory', () => {
  let store: AdvisoryStore

  beforeAll(async () => {
    store = await AdvisoryStore.load([FIXTURES])
  })

  it('loads every record, counts the withdrawn one and the foreign ecosystem', () => {
    expect(store.stats.skipped).toEqual([])
    expect(store.stats.withdrawn).toBe(1)
    expect(store.stats.withdrawnIds).toEqual(['GHSA-wwww-wwww-wwww'])
    expect(store.stats.otherEcosystems).toBe(1)
    expect(store.stats.records).toBe(12)
    expect(store.stats.files).toBe(13)
  })

  it('matches a fixed SEMVER range and ignores the withdrawn record', () => {
    const [match, ...rest] = store.match({ ecosystem: 'npm', name: 'lodash', version: '4.17.20' })
    expect(rest).toEqual([])
    expect(match).toMatchObject({
      id: 'GHSA-35jh-r3h4-6jhm',
      aliases: ['CVE-2021-23337'],
      summary: 'Command Injection in lodash',
      severity: 'high',
      cvssScore: 7.2,
      malicious: false,
      fixedVersions: ['4.17.21'],
      withdrawn: false,
      cwe: ['CWE-77', 'CWE-94'],
      range: { kind: 'range', ecosystem: 'npm', type: 'SEMVER', text: 'SEMVER range: introduced 0, fixed 4.17.21' },
    })
    expect(match?.references).toContain('https://nvd.nist.gov/vuln/detail/CVE-2021-23337')
    expect(match?.source).toMatch(/^osv:.*GHSA-35jh-r3h4-6jhm\.json$/)
    expect(store.match({ ecosystem: 'npm', name: 'lodash', version: '4.17.21' })).toEqual([])
    expect(store.match({ ecosystem: 'npm', name: 'lodash', version: '5.0.0' })).toEqual([])
    // the same name in another ecosystem is another package
    expect(store.match({ ecosystem: 'deb', name: 'lodash', version: '4.17.20' })).toEqual([])
  })

  it('evaluates several introduced/fixed pairs given out of order', () => {
    const affected = (version: string): boolean => store.match({ ecosystem: 'npm', name: 'multi-range', version }).length > 0
    const table: [string, boolean][] = [
      ['0.9.0', false],
      ['1.0.0-rc.1', false],
      ['1.0.0', true],
      ['1.2.2', true],
      ['1.2.3', false],
      ['1.9.9', false],
      ['2.0.0', true],
      ['2.0.5-rc.1', true],
      ['2.1.0', false],
      ['2.9.9', false],
      ['3.0.0-beta.1', false],
      ['3.0.0-beta.2', true],
      ['3.0.0', true],
      ['99.0.0', true],
    ]
    for (const [version, expected] of table) expect(affected(version), version).toBe(expected)
    const [m] = store.match({ ecosystem: 'npm', name: 'multi-range', version: '1.1.0' })
    expect(m?.fixedVersions).toEqual(['1.2.3', '2.1.0'])
    expect(m?.range.text).toBe('SEMVER range: introduced 1.0.0, fixed 1.2.3, introduced 2.0.0, fixed 2.1.0, introduced 3.0.0-beta.2')
    expect(m?.severity).toBe('medium') // CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N = 5.4
    expect(m?.cvssScore).toBe(5.4)
    expect(store.match({ ecosystem: 'npm', name: 'multi-range', version: '2.0.1' })[0]?.fixedVersions).toEqual(['2.1.0'])
    expect(store.match({ ecosystem: 'npm', name: 'multi-range', version: '3.1.0' })[0]?.fixedVersions).toEqual([])
  })

  it('includes last_affected itself and nothing above it', () => {
    const at = store.match({ ecosystem: 'npm', name: 'last-affected', version: '2.1.214' })
    expect(ids(at)).toEqual(['GHSA-last-affe-cted'])
    expect(at[0]).toMatchObject({ fixedVersions: [], lastAffected: ['2.1.214'], severity: 'medium', severitySource: 'database_specific.severity MODERATE' })
    expect(store.match({ ecosystem: 'npm', name: 'last-affected', version: '0.0.1' })).toHaveLength(1)
    expect(store.match({ ecosystem: 'npm', name: 'last-affected', version: '2.1.215' })).toEqual([])
    expect(store.match({ ecosystem: 'npm', name: 'last-affected', version: '2.1.215-alpha' })).toEqual([])
  })

  it('honours limit events: below at least one limit, "*" is infinity', () => {
    const affected = (version: string): boolean => store.match({ ecosystem: 'npm', name: 'limited', version }).length > 0
    const table: [string, boolean][] = [
      ['0.9.9', false],
      ['1.0.0', true],
      ['1.4.9', true],
      ['1.5.0', false],
      ['3.0.0', false],
      ['4.0.0', true],
      ['4.1.9', true],
      ['4.2.0', false],
      ['7.0.0', true],
      ['7.5.0', true],
      ['8.1.9', true],
      ['8.2.0', false],
    ]
    for (const [version, expected] of table) expect(affected(version), version).toBe(expected)
    // a limit is not a fix; the fix of another line is a version the advisory clears
    expect(store.match({ ecosystem: 'npm', name: 'limited', version: '1.2.0' })[0]).toMatchObject({ severity: 'low', fixedVersions: ['4.2.0'] })
    expect(store.match({ ecosystem: 'npm', name: 'limited', version: '7.2.0' })[0]).toMatchObject({ fixedVersions: [] })
  })

  it('uses SemVer precedence for pre-releases, not npm range rules', () => {
    const affected = (version: string): boolean => store.match({ ecosystem: 'npm', name: 'prerelease-pkg', version }).length > 0
    const table: [string, boolean][] = [
      ['1.0.0-alpha', true],
      ['2.0.0-rc.1', true],
      ['2.0.0', false],
      ['2.0.0+build.5', false],
      ['3.0.0-alpha.1', false],
      ['3.0.0-alpha.2', true],
      ['3.0.0-alpha.10', true],
      ['3.0.0-beta', true],
      ['3.0.0-rc.1', false],
      ['3.0.0', false],
    ]
    for (const [version, expected] of table) expect(affected(version), version).toBe(expected)
    // the package-level severity wins over the record's
    expect(store.match({ ecosystem: 'npm', name: 'prerelease-pkg', version: '1.0.0' })[0]).toMatchObject({ severity: 'critical', cvssScore: 9.8, fixedVersions: ['2.0.0', '3.0.0-rc.1'] })
    expect(store.match({ ecosystem: 'npm', name: 'prerelease-pkg', version: '3.0.0-beta' })[0]?.fixedVersions).toEqual(['3.0.0-rc.1'])
  })

  it('flags MAL- records as malicious, matching the listed versions only', () => {
    const [m] = store.match({ ecosystem: 'npm', name: 'evil-colors', version: '1.4.2' })
    expect(m).toMatchObject({ id: 'MAL-2024-0001', malicious: true, aliases: ['GHSA-mal0-mal0-mal0'], range: { kind: 'versions', text: 'listed affected version 1.4.2' } })
    expect(store.match({ ecosystem: 'npm', name: 'evil-colors', version: '1.4.0' })).toEqual([])
    expect(store.match({ ecosystem: 'npm', name: 'evil-colors', version: '1.4.3' })).toEqual([])
  })

  it('reports GIT ranges as unmatched instead of ignoring them', () => {
    const lookup = store.lookup({ ecosystem: 'npm', name: 'git-ranged', version: '1.0.0' })
    expect(lookup.matches).toEqual([])
    expect(lookup.unevaluated).toHaveLength(2)
    expect(lookup.unevaluated.map((u) => u.id).sort()).toEqual(['GHSA-gitr-ange-only', 'GHSA-gitv-ersi-ons0'])
    expect(lookup.unevaluated[0]).toMatchObject({ type: 'GIT', repo: 'https://github.com/example/git-ranged' })
    expect(lookup.unevaluated[0]?.reason).toMatch(/^unmatched GIT range/)
    // a listed version still matches, and then the GIT range is not reported
    const listed = store.lookup({ ecosystem: 'npm', name: 'git-ranged', version: '0.9.1' })
    expect(ids(listed.matches)).toEqual(['GHSA-gitv-ersi-ons0'])
    expect(listed.unevaluated.map((u) => u.id)).toEqual(['GHSA-gitr-ange-only'])
  })

  it('reports a version a SEMVER range cannot place', () => {
    const lookup = store.lookup({ ecosystem: 'npm', name: 'lodash', version: 'github:lodash/lodash#abc' })
    expect(lookup.matches).toEqual([])
    expect(lookup.unevaluated[0]?.reason).toMatch(/not a semantic version/)
  })

  it('matches the XZ backdoor in Debian with dpkg ordering, and points to the +really downgrade', () => {
    const q = (version: string): AdvisoryMatch[] => store.match({ ecosystem: 'deb', name: 'xz-utils', version })
    const [m] = q('5.6.1-1')
    expect(m).toMatchObject({
      id: 'DEBIAN-CVE-2024-3094',
      aliases: ['CVE-2024-3094'],
      severity: 'critical',
      cvssScore: 10,
      fixedVersions: ['5.6.1+really5.4.5-1'],
      range: { kind: 'range', ecosystem: 'Debian:13', type: 'ECOSYSTEM', text: 'ECOSYSTEM range: introduced 5.6.0-0.1, fixed 5.6.1+really5.4.5-1' },
    })
    expect(q('5.6.0-0.1')).toHaveLength(1)
    expect(q('5.6.0-0.2')).toHaveLength(1)
    expect(q('5.4.5-0.3')).toEqual([])
    expect(q('5.4.1-0.2')).toEqual([])
    expect(q('5.6.0-0.1~bpo1')).toEqual([])
    expect(q('5.6.1+really5.4.5-1')).toEqual([])
    expect(q('5.6.2-1')).toEqual([])
    expect(store.match({ ecosystem: 'deb', name: 'xz-utils', version: '5.6.1-1', release: '13' })).toHaveLength(1)
    expect(store.match({ ecosystem: 'deb', name: 'xz-utils', version: '5.6.1-1', release: '12' })).toEqual([])
  })

  it('orders Debian ranges with epochs and tildes, release by release', () => {
    const q = (version: string, release?: string): AdvisoryMatch[] =>
      store.match({ ecosystem: 'deb', name: 'epochpkg', version, ...(release !== undefined ? { release } : {}) })
    expect(q('2.9-1', '12')).toHaveLength(1) // epoch 0 sorts before epoch 1
    expect(q('1:1.9-1', '12')).toHaveLength(1)
    expect(q('1:2.0~beta1-1', '12')).toHaveLength(1)
    expect(q('1:2.0~rc1-1', '12')).toEqual([])
    expect(q('1:2.0-1', '12')).toEqual([])
    expect(q('1:1.9-1', '11')).toEqual([])
    expect(q('1:1.9-1~deb11u0', '11')).toHaveLength(1)
    // without a release every Debian release counts; fixed versions come from the entries that matched
    expect(q('1:1.9-1')[0]?.fixedVersions).toEqual(['1:2.0~rc1-1'])
    expect(q('1:1.8-1')[0]?.fixedVersions).toEqual(['1:1.9-1~deb11u1', '1:2.0~rc1-1'])
    expect(q('1:1.8-1')[0]).toMatchObject({ severity: 'high', cvssScore: 7.5 }) // CVSS v2 AV:N/AC:L/Au:N/C:P/I:P/A:P
  })

  it('evaluates two Debian introduced/fixed pairs given out of order', () => {
    const affected = (version: string): boolean => store.match({ ecosystem: 'deb', name: 'tildepkg', version }).length > 0
    const table: [string, boolean][] = [
      ['0.9-1', false],
      ['1.0-0.1', false],
      ['1.0-1', true],
      ['1.0-1+deb10u1', false],
      ['1.0-2', false],
      ['2.0~alpha1', false],
      ['2.0~beta1', true],
      ['2.0', true],
      ['2.0-1', true],
      ['2.0.2-9', true],
      ['2.0.3-1', false],
      ['1:0.1', false],
    ]
    for (const [version, expected] of table) expect(affected(version), version).toBe(expected)
    expect(store.match({ ecosystem: 'deb', name: 'tildepkg', version: '2.0-1' })[0]).toMatchObject({ severity: 'info', severitySource: 'Ubuntu priority negligible' })
  })
})

describe('AdvisoryStore sources', () => {
  it('reads a zip export built with zip, the same as the directory', async () => {
    await withTempDir(async (tmp) => {
      const flat = join(tmp, 'flat')
      await mkdir(flat)
      for (const dir of ['npm', 'debian']) for (const f of await readdir(join(FIXTURES, dir))) await copyFile(join(FIXTURES, dir, f), join(flat, f))
      await writeFile(join(flat, 'broken.json'), '{ "id": "GHSA-brok-en00-0000", ')
      await writeFile(join(flat, 'README.txt'), 'not a record')
      execFileSync('zip', ['-q', '-j', join(tmp, 'all.zip'), ...(await readdir(flat)).map((f) => join(flat, f))])
      const store = await AdvisoryStore.load([join(tmp, 'all.zip')])
      expect(store.stats.records).toBe(11)
      expect(store.stats.withdrawn).toBe(1)
      expect(store.stats.skipped).toEqual([{ where: `${join(tmp, 'all.zip')}!broken.json`, reason: expect.stringMatching(/^not JSON/) as unknown }])
      expect(store.match({ ecosystem: 'deb', name: 'xz-utils', version: '5.6.1-1' })[0]?.source).toBe(`osv:${join(tmp, 'all.zip')}!DEBIAN-CVE-2024-3094.json`)
      expect(store.match({ ecosystem: 'npm', name: 'multi-range', version: '2.0.0' })).toHaveLength(1)
      // the format is read from the bytes, not the name
      await copyFile(join(tmp, 'all.zip'), join(tmp, 'export.data'))
      expect((await AdvisoryStore.load([join(tmp, 'export.data')])).stats.records).toBe(11)
    })
  })

  it('refuses a damaged zip with one line', async () => {
    await withTempDir(async (tmp) => {
      execFileSync('zip', ['-q', '-j', join(tmp, 'all.zip'), join(FIXTURES, 'npm', 'GHSA-35jh-r3h4-6jhm.json')])
      const bytes = await readFile(join(tmp, 'all.zip'))
      await writeFile(join(tmp, 'cut.zip'), bytes.subarray(0, bytes.length - 30))
      const err: unknown = await AdvisoryStore.load([join(tmp, 'cut.zip')]).catch((e: unknown) => e)
      expect(isStagelightError(err, 'E_INPUT_INVALID')).toBe(true)
      expect((err as Error).message).toMatch(/cut\.zip/)
      expect((err as Error).message).not.toContain('\n')
    })
  })

  it('reads single record files, arrays of records and osv.dev answers', async () => {
    await withTempDir(async (tmp) => {
      const a = record('GHSA-aaaa-aaaa-aaaa', 'npm', 'pkg-a', [{ introduced: '0' }, { fixed: '1.0.0' }])
      const b = record('GHSA-bbbb-bbbb-bbbb', 'npm', 'pkg-b', [{ introduced: '0' }])
      await writeFile(join(tmp, 'one.json'), JSON.stringify(a))
      await writeFile(join(tmp, 'many.json'), JSON.stringify([b, { id: 'no-modified' }]))
      await writeFile(join(tmp, 'answer.json'), JSON.stringify({ vulns: [record('GHSA-cccc-cccc-cccc', 'npm', 'pkg-c', [{ introduced: '2.0.0' }])] }))
      const store = await AdvisoryStore.load([join(tmp, 'one.json'), join(tmp, 'many.json'), join(tmp, 'answer.json')])
      expect(store.stats.records).toBe(3)
      expect(store.stats.skipped).toEqual([{ where: `${join(tmp, 'many.json')}[1]`, reason: 'no-modified: no modified timestamp' }])
      expect(store.match({ ecosystem: 'npm', name: 'pkg-a', version: '0.5.0' })).toHaveLength(1)
      expect(store.match({ ecosystem: 'npm', name: 'pkg-b', version: '9.0.0' })).toHaveLength(1)
      expect(store.match({ ecosystem: 'npm', name: 'pkg-c', version: '2.0.0' })).toHaveLength(1)
      expect(store.match({ ecosystem: 'npm', name: 'pkg-c', version: '1.9.9' })).toEqual([])
    })
  })

  it('counts and skips invalid records with a reason, and keeps the newest duplicate', async () => {
    await withTempDir(async (tmp) => {
      const dir = join(tmp, 'db')
      await mkdir(join(dir, 'nested', 'deeper'), { recursive: true })
      await mkdir(join(dir, '.git'), { recursive: true })
      const write = (path: string, value: unknown): Promise<void> => writeFile(join(dir, path), typeof value === 'string' ? value : JSON.stringify(value))
      await write('ok.json', record('GHSA-okok-okok-okok', 'npm', 'ok', [{ introduced: '0' }, { fixed: '1.0.0' }]))
      await write('nested/deeper/newer.json', record('GHSA-okok-okok-okok', 'npm', 'ok', [{ introduced: '0' }, { fixed: '2.0.0' }], { modified: '2025-01-01T00:00:00Z' }))
      await write('nested/older.json', record('GHSA-okok-okok-okok', 'npm', 'ok', [{ introduced: '0' }, { fixed: '0.5.0' }], { modified: '2020-01-01T00:00:00Z' }))
      await write('no-id.json', { modified: '2024-01-01T00:00:00Z', affected: [] })
      await write('two-keys.json', record('X-1', 'npm', 'x', [{ introduced: '0', fixed: '1.0.0' }]))
      await write('bad-type.json', { id: 'X-2', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVERISH', events: [{ introduced: '0' }] }] }] })
      await write('mixed.json', record('X-3', 'npm', 'x', [{ introduced: '0' }, { fixed: '1.0.0' }, { last_affected: '0.9.0' }]))
      await write('no-introduced.json', record('X-4', 'npm', 'x', [{ fixed: '1.0.0' }]))
      await write('no-name.json', { id: 'X-5', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm' } }] })
      await write('git-no-repo.json', { id: 'X-6', modified: '2024-01-01T00:00:00Z', affected: [{ ranges: [{ type: 'GIT', events: [{ introduced: '0' }] }] }] })
      await write('versions-not-strings.json', { id: 'X-7', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions: [1, 2] }] })
      await write('not-json.json', 'this is { not json')
      await write('array-root.json', '42')
      await write('.git/ignored.json', 'not json either, and never read')
      await write('notes.txt', 'ignored')
      const store = await AdvisoryStore.load([dir])
      const reasons = Object.fromEntries(store.stats.skipped.map((s) => [s.where.slice(dir.length + 1), s.reason]))
      expect(reasons).toEqual({
        'no-id.json': 'no id',
        'two-keys.json': 'affected[0].ranges[0].events[0] must have exactly one of introduced, fixed, last_affected, limit',
        'bad-type.json': 'affected[0].ranges[0].type "SEMVERISH" is not SEMVER, ECOSYSTEM or GIT',
        'mixed.json': 'affected[0].ranges[0] mixes fixed and last_affected events',
        'no-introduced.json': 'affected[0].ranges[0] has no introduced event',
        'no-name.json': 'affected[0].package needs an ecosystem and a name',
        'git-no-repo.json': 'affected[0].ranges[0] is a GIT range without repo',
        'versions-not-strings.json': 'affected[0].versions is not an array of strings',
        'not-json.json': expect.stringMatching(/^not JSON: /) as unknown,
        'array-root.json': 'not a JSON object',
      })
      expect(store.stats.records).toBe(1)
      expect(store.stats.duplicates).toBe(2)
      const [m] = store.match({ ecosystem: 'npm', name: 'ok', version: '1.5.0' })
      expect(m?.fixedVersions).toEqual(['2.0.0'])
      expect(m?.source).toBe(`osv:${join(dir, 'nested', 'deeper', 'newer.json')}`)
    })
  })

  it('says which source is missing or unreadable, in one line', async () => {
    await withTempDir(async (tmp) => {
      const missing: unknown = await AdvisoryStore.load([join(tmp, 'nope')]).catch((e: unknown) => e)
      expect(isStagelightError(missing, 'E_INPUT_NOT_FOUND')).toBe(true)
      expect((missing as Error).message).toBe(`advisories: ${join(tmp, 'nope')} does not exist`)
      await writeFile(join(tmp, 'garbage.json'), 'not json at all')
      const garbage: unknown = await AdvisoryStore.load([join(tmp, 'garbage.json')]).catch((e: unknown) => e)
      expect(isStagelightError(garbage, 'E_INPUT_INVALID')).toBe(true)
      expect((garbage as Error).message).toMatch(/garbage\.json is neither an OSV JSON file nor a zip export/)
      if (process.getuid?.() !== 0) {
        await writeFile(join(tmp, 'locked.json'), '{}')
        await chmod(join(tmp, 'locked.json'), 0)
        const locked: unknown = await AdvisoryStore.load([join(tmp, 'locked.json')]).catch((e: unknown) => e)
        expect(isStagelightError(locked, 'E_INPUT_INVALID')).toBe(true)
        expect((locked as Error).message).toMatch(/cannot read/)
      }
    })
  })
})
