/**
 * Lockfile hygiene on par with lockfile-lint (a resolved URL naming another package, SHA-1-only
 * integrity), integrity compared on every algorithm, and a typosquat signal that leaves popular
 * names' legitimate neighbours alone by rule.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readInventory, tarballOf } from '../../../src/audit/inventory/index.js'
import { DEFAULT_SIGNAL_POLICY, integrityMatches, loadPopularNames, registrySignals, type Packument } from '../../../src/audit/registry/index.js'
import type { PackageRef } from '../../../src/audit/types.js'

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-hygiene-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const SHA512 = 'sha512-' + Buffer.alloc(64, 1).toString('base64')
const SHA1 = 'sha1-' + Buffer.alloc(20, 2).toString('base64')

describe('resolved URLs and integrity in the lockfile', () => {
  it('reports a registry entry resolved to another package’s tarball, and SHA-1-only integrity, on their lines', async () => {
    const file = join(root, 'package-lock.json')
    writeFileSync(
      file,
      JSON.stringify(
        {
          name: 'app',
          lockfileVersion: 3,
          packages: {
            '': { name: 'app', dependencies: { lodash: '^4', '@babel/core': '^7', 'left-pad': '^1', semver: '^7' } },
            'node_modules/lodash': { version: '4.17.21', resolved: 'https://registry.npmjs.org/flatmap-stream/-/flatmap-stream-0.1.1.tgz', integrity: SHA512 },
            'node_modules/@babel/core': { version: '7.24.0', resolved: 'https://registry.npmjs.org/@babel/core/-/core-7.24.0.tgz', integrity: SHA512 },
            'node_modules/left-pad': { version: '1.3.0', resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz', integrity: SHA1 },
            'node_modules/semver': { version: '7.6.0', resolved: 'https://registry.npmjs.org/semver/-/semver-7.5.0.tgz', integrity: `${SHA512} ${SHA1}` },
          },
        },
        null,
        2,
      ),
    )
    const inv = await readInventory(file)
    const summary = inv.findings.map((f) => `${f.ruleId} ${f.severity} ${(f.data?.['name'] as string) ?? ''}@${f.line ?? '-'}`)
    expect(summary).toEqual([
      'audit/lockfile-resolved-mismatch high lodash@16',
      'audit/lockfile-weak-integrity medium left-pad@26',
      'audit/lockfile-resolved-mismatch high semver@31',
    ])
    expect(inv.findings[0]?.message).toBe('lodash@4.17.21 is resolved to the tarball of flatmap-stream@0.1.1: https://registry.npmjs.org/flatmap-stream/-/flatmap-stream-0.1.1.tgz')
  })

  it('reads the package a tarball URL names, scoped in either spelling', () => {
    expect(tarballOf('https://registry.yarnpkg.com/@babel/core/-/core-7.0.0-beta.4.tgz')).toEqual({ name: '@babel/core', version: '7.0.0-beta.4' })
    expect(tarballOf('https://npm.example/repo/@types%2fnode/-/node-20.1.0.tgz')).toEqual({ name: '@types/node', version: '20.1.0' })
    expect(tarballOf('https://registry.npmjs.org/lodash/-/event-stream-3.3.6.tgz')).toEqual({ name: 'event-stream', version: '3.3.6' })
    expect(tarballOf('https://example.org/files/thing.tgz')).toBeUndefined()
  })

  it('compares every algorithm both integrity strings have: a matching SHA-512 does not excuse a different SHA-1', () => {
    const otherSha1 = 'sha1-' + Buffer.alloc(20, 3).toString('base64')
    expect(integrityMatches(`${SHA512} ${SHA1}`, `${SHA512} ${otherSha1}`)).toEqual({ match: false, algorithm: 'sha1' })
    expect(integrityMatches(`${SHA512} ${SHA1}`, `${SHA512} ${SHA1}`)).toEqual({ match: true, algorithm: 'sha512' })
    expect(integrityMatches(SHA1, SHA512)).toBeUndefined()
  })
})

describe('typosquat signal and legitimate neighbours', () => {
  const now = new Date('2026-12-01T00:00:00Z')
  const ref = (name: string, dependencyPath?: string[]): PackageRef => ({ ecosystem: 'npm', name, version: '1.0.0', purl: `pkg:npm/${name}@1.0.0`, source: 'registry', ...(dependencyPath ? { dependencyPath } : {}) })
  const doc = (name: string, created: string): Packument => ({ name, time: { created, '1.0.0': created }, versions: { '1.0.0': { name, version: '1.0.0' } }, 'dist-tags': { latest: '1.0.0' } }) as unknown as Packument
  const typosquats = async (pkg: PackageRef, created: string): Promise<string[]> => {
    const popular = await loadPopularNames()
    return registrySignals(pkg, doc(pkg.name, created), { now, policy: DEFAULT_SIGNAL_POLICY, popular, registry: 'https://registry.npmjs.org/' })
      .filter((f) => f.ruleId === 'audit/typosquat')
      .map((f) => f.message)
  }

  it('a young name near a popular one that the project itself names is reported', async () => {
    // names built for this test, each one trick away from a popular name, first published a week ago
    for (const name of ['safer-buffre', 'vite-node', 'is-streams', 'expresss']) expect(await typosquats(ref(name, [name]), '2026-11-24T00:00:00Z')).toHaveLength(1)
  })

  it('the same names are not reported when a dependency pulls them in (its maintainers chose the name)', async () => {
    expect(await typosquats(ref('vite-node', ['vitest', 'vite-node']), '2026-11-24T00:00:00Z')).toEqual([])
    expect(await typosquats(ref('is-streams', ['some-tool', 'is-streams']), '2026-11-24T00:00:00Z')).toEqual([])
  })

  it('nor when the package has been on the registry for over a year', async () => {
    expect(await typosquats(ref('safer-buffre', ['safer-buffre']), '2018-03-22T00:00:00Z')).toEqual([])
  })
})
