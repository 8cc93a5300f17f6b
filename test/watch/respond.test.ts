/**
 * `respond` on a fleet of 100 generated inventories (package-lock files of several shapes and dpkg
 * status files). The expected answer comes from the generator's own record of what it put where,
 * never from the code under test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerInventory } from '../../src/watch/inventories.js'
import { WatchStore } from '../../src/watch/store/store.js'
import { cli } from './helpers/cli.js'

let root: string
let db: string
/** inventory name → [version of lib-x, dependency path] for each holding the generator placed */
const placed = new Map<string, { version: string; path: string[] }[]>()
const debHolders = new Map<string, string>()

const LIB_VERSIONS = ['2.2.0', '2.3.0', '2.3.1', '2.3.2', '2.4.0']
// a deterministic pseudo-random sequence, so a failure can be replayed
let seed = 42
const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!

function lockfile(name: string): object {
  const packages: Record<string, object> = { '': { name, version: '1.0.0' } }
  const holdings: { version: string; path: string[] }[] = []
  for (let i = 0; i < 40; i++) packages[`node_modules/filler-${i}`] = { version: `1.${i % 7}.0`, resolved: `https://registry.npmjs.org/filler-${i}/-/filler-${i}-1.${i % 7}.0.tgz` }
  const shape = pick(['direct', 'nested', 'both', 'none'])
  if (shape === 'direct' || shape === 'both') {
    const version = pick(LIB_VERSIONS)
    packages['node_modules/lib-x'] = { version, resolved: `https://registry.npmjs.org/lib-x/-/lib-x-${version}.tgz` }
    holdings.push({ version, path: ['lib-x'] })
  }
  if (shape === 'nested' || shape === 'both') {
    const version = pick(LIB_VERSIONS)
    packages['node_modules/framework'] = { version: '5.0.0', resolved: 'https://registry.npmjs.org/framework/-/framework-5.0.0.tgz' }
    packages['node_modules/framework/node_modules/lib-x'] = { version, resolved: `https://registry.npmjs.org/lib-x/-/lib-x-${version}.tgz` }
    holdings.push({ version, path: ['framework', 'lib-x'] })
  }
  placed.set(name, holdings)
  return { name, version: '1.0.0', lockfileVersion: 3, requires: true, packages }
}

function dpkgStatus(host: string): string {
  const version = pick(['5.4.5-0.3', '5.6.0-0.1', '5.6.1-1', '5.6.1+really5.4.5-1'])
  debHolders.set(host, version)
  const stanza = (pkg: string, v: string) => `Package: ${pkg}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${v}\nMaintainer: Someone <someone@example.org>\nDescription: ${pkg}\n`
  return [stanza('xz-utils', version), stanza('coreutils', '9.1-1'), stanza('openssh-server', '1:9.2p1-2')].join('\n')
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-respond-'))
  db = join(root, 'watch.sqlite')
  const store = await WatchStore.open(db)
  const context = { store, cwd: root, env: { HOME: root }, cacheDir: join(root, 'cache') }
  for (let i = 0; i < 100; i++) {
    if (i % 10 === 9) {
      const file = join(root, `host-${i}`, 'status')
      mkdirSync(join(root, `host-${i}`))
      writeFileSync(file, dpkgStatus(`host-${i}`))
      await registerInventory(context, file, { name: `host-${i}`, watchFile: false })
    } else {
      const dir = join(root, `app-${i}`)
      mkdirSync(dir)
      writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lockfile(`app-${i}`)))
      await registerInventory(context, dir, { name: `app-${i}` })
    }
  }
  // versions of lib-x the registry has, as the watch's first poll records them (a pre-release among them)
  await store.addTarget({ key: 'npm:lib-x', kind: 'npm', name: 'lib-x' }, 'manual')
  await store.addReleases('npm:lib-x', [...LIB_VERSIONS, '2.5.0', '3.0.0-beta.1'].map((version) => ({ version })), true)
  await store.close()
  writeFileSync(
    join(root, 'advisory.json'),
    JSON.stringify({
      schema_version: '1.6.0',
      id: 'GHSA-2x3v-7c5q-wq9p',
      modified: '2026-01-01T00:00:00Z',
      aliases: ['CVE-2026-11111'],
      summary: 'lib-x evaluates attacker-controlled templates',
      database_specific: { severity: 'HIGH' },
      affected: [{ package: { ecosystem: 'npm', name: 'lib-x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '2.3.1' }, { fixed: '2.4.0' }] }] }],
    }),
  )
}, 300_000)

afterAll(() => rmSync(root, { recursive: true, force: true }))

interface Json {
  inventoriesSearched: number
  affected: { inventory: string; name: string; version: string; path: string[]; rollback?: string; fix?: string; latest?: string }[]
  advisory?: { id: string }
}

describe('respond on 100 inventories', () => {
  it('finds every holding of an advisory’s affected versions, by id or alias, with path, rollback and fix', async () => {
    const expected = [...placed]
      .flatMap(([inventory, holdings]) => holdings.filter((h) => h.version === '2.3.1' || h.version === '2.3.2').map((h) => ({ inventory, version: h.version, path: h.path })))
      .sort((a, b) => a.inventory.localeCompare(b.inventory) || a.path.join('/').localeCompare(b.path.join('/')))
    expect(expected.length).toBeGreaterThan(5)
    for (const id of ['GHSA-2x3v-7c5q-wq9p', 'CVE-2026-11111']) {
      const r = await cli(['respond', id, '--advisories', 'advisory.json', '--db', db, '--format', 'json'], root)
      expect(r.code, r.stderr).toBe(1)
      const result = JSON.parse(r.stdout) as Json
      expect(result.inventoriesSearched).toBe(100)
      expect(result.advisory?.id).toBe('GHSA-2x3v-7c5q-wq9p')
      expect(result.affected.map((a) => ({ inventory: a.inventory, version: a.version, path: a.path }))).toEqual(expected)
      // the newest unaffected below is 2.3.0; the nearest above is 2.4.0, the newest 2.5.0 (the pre-release is no answer)
      expect(new Set(result.affected.map((a) => `${a.rollback} ${a.fix} ${a.latest}`))).toEqual(new Set(['2.3.0 2.4.0 2.5.0']))
    }
  })

  it('answers for one bad release, as text and as a patch-ready list', async () => {
    const holders = [...placed].filter(([, hs]) => hs.some((h) => h.version === '2.3.2')).map(([name]) => name)
    const text = await cli(['respond', 'lib-x@2.3.2', '--db', db], root)
    expect(text.code).toBe(1)
    expect(text.stdout).toContain(`${holders.length} of 100 inventories affected`)
    // a single bad release: the version just below it is a fine rollback
    expect(text.stdout).toContain('rollback: 2.3.1   fix: 2.4.0')
    const patch = await cli(['respond', 'lib-x@2.3.2', '--db', db, '--format', 'patch'], root)
    const blocks = patch.stdout.split('\n# ').length
    expect(blocks).toBe(holders.length)
    expect(patch.stdout).toContain('package.json "overrides": {"lib-x":"2.4.0"}')
    const direct = [...placed].filter(([, hs]) => hs.some((h) => h.version === '2.3.2' && h.path.length === 1)).length
    expect(patch.stdout.split('npm install --save-exact lib-x@2.4.0').length - 1).toBe(direct)
  })

  it('answers for Debian hosts with dpkg version ordering', async () => {
    const hit = [...debHolders].filter(([, v]) => v === '5.6.0-0.1' || v === '5.6.1-1').map(([h]) => h).sort()
    const r = await cli(['respond', 'deb:xz-utils@5.6.0-0.1,5.6.1-1', '--db', db, '--format', 'json'], root)
    const result = JSON.parse(r.stdout) as Json
    expect(result.affected.map((a) => a.inventory).sort()).toEqual(hit)
    for (const a of result.affected) {
      expect(a.rollback).toBe(debHolders.size > 0 && [...debHolders.values()].includes('5.4.5-0.3') ? '5.4.5-0.3' : undefined)
      // 5.6.1+really5.4.5-1 sorts above 5.6.1-1 in dpkg order: it is the fix when some host holds it
      expect(a.fix).toBe([...debHolders.values()].includes('5.6.1+really5.4.5-1') ? '5.6.1+really5.4.5-1' : undefined)
    }
  })

  it('finds nothing for a version nobody holds, and rejects what is neither an id nor a release', async () => {
    const none = await cli(['respond', 'lib-x@9.9.9', '--db', db, '--format', 'json'], root)
    expect(none.code).toBe(0)
    expect((JSON.parse(none.stdout) as Json).affected).toEqual([])
    const bad = await cli(['respond', 'not a query', '--db', db], root)
    expect(bad.code).toBe(2)
    const noData = await cli(['respond', 'GHSA-2x3v-7c5q-wq9p', '--db', db], root)
    expect(noData.code).toBe(2)
    expect(noData.stderr).toContain('--advisories')
  })
})
