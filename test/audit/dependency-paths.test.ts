/**
 * Dependency paths on package findings, from the lockfile graph, and SARIF fingerprints that keep
 * one advisory at two versions or places as two alerts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dependencyPaths, dependencyPathsV1 } from '../../src/audit/inventory/graph.js'
import { runMain, type InProcessRun } from '../helpers/in-process.js'
import type { Report } from '../../src/model/report.js'
import { sarifErrors } from '../helpers/sarif.js'

let root: string
let osv: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-paths-'))
  osv = join(root, 'osv')
  mkdirSync(osv)
  writeFileSync(
    join(osv, 'GHSA-semv-erre-dos0.json'),
    JSON.stringify({
      id: 'GHSA-semv-erre-dos0',
      modified: '2024-01-01T00:00:00Z',
      summary: 'semver is slow on long ranges',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
      affected: [{ package: { ecosystem: 'npm', name: 'semver' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '7.5.2' }] }] }],
    }),
  )
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const run = (args: readonly string[]): Promise<InProcessRun> => runMain(args, { cwd: root })

const reg = (name: string, version: string, deps: Record<string, string> = {}) => ({
  version,
  resolved: `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${version}.tgz`,
  integrity: 'sha512-AAAA',
  ...(Object.keys(deps).length ? { dependencies: deps } : {}),
})

/** app → vitest → vite → esbuild; app → semver@7; app → legacy-tool → semver@5 (nested); a dev-only linter. */
const LOCK_V3 = {
  name: 'app',
  lockfileVersion: 3,
  packages: {
    '': { name: 'app', dependencies: { semver: '^7.0.0', 'legacy-tool': '^1.0.0' }, devDependencies: { vitest: '^1.0.0' } },
    'node_modules/vitest': { ...reg('vitest', '1.0.0', { vite: '^5.0.0' }), dev: true },
    'node_modules/vite': { ...reg('vite', '5.0.0', { esbuild: '^0.19.0' }), dev: true },
    'node_modules/esbuild': { ...reg('esbuild', '0.19.0'), dev: true },
    'node_modules/semver': reg('semver', '7.5.0'),
    'node_modules/legacy-tool': reg('legacy-tool', '1.0.0', { semver: '^5.0.0' }),
    'node_modules/legacy-tool/node_modules/semver': reg('semver', '5.7.1'),
    'node_modules/orphan': reg('orphan', '1.0.0'),
  },
}

describe('dependency paths from the lockfile graph', () => {
  it('resolves each dependency the way Node does and keeps the shortest chain', () => {
    const paths = dependencyPaths(LOCK_V3.packages)
    expect(paths.get('node_modules/esbuild')).toEqual(['vitest', 'vite', 'esbuild'])
    expect(paths.get('node_modules/semver')).toEqual(['semver'])
    expect(paths.get('node_modules/legacy-tool/node_modules/semver')).toEqual(['legacy-tool', 'semver'])
    // an entry nothing depends on has no path
    expect(paths.has('node_modules/orphan')).toBe(false)
  })

  it('in a v1 lockfile, follows `requires` to hoisted packages', () => {
    const paths = dependencyPathsV1(
      new Map([
        ['node_modules/app-cli', ['chalk']],
        ['node_modules/chalk', ['ansi-styles']],
        ['node_modules/ansi-styles', []],
        ['node_modules/chalk/node_modules/ansi-styles', []],
      ]),
    )
    expect(paths.get('node_modules/chalk')).toEqual(['app-cli', 'chalk'])
    // chalk's own nested copy shadows the hoisted one for chalk
    expect(paths.get('node_modules/chalk/node_modules/ansi-styles')).toEqual(['app-cli', 'chalk', 'ansi-styles'])
    expect(paths.get('node_modules/ansi-styles')).toEqual(['ansi-styles'])
  })

  it('a dependency cycle ends the walk', () => {
    const paths = dependencyPaths({ '': { dependencies: { a: '1' } }, 'node_modules/a': { version: '1.0.0', dependencies: { b: '1' } }, 'node_modules/b': { version: '1.0.0', dependencies: { a: '1' } } })
    expect(paths.get('node_modules/b')).toEqual(['a', 'b'])
  })
})

describe('package findings carry their path', () => {
  const lock = (): string => {
    const file = join(root, 'package-lock.json')
    writeFileSync(file, JSON.stringify(LOCK_V3, null, 2))
    return file
  }
  const audit = (format: string) => run(['audit', lock(), '--offline', '--no-registry-signals', '--advisories', osv, '--format', format])

  it('JSON and text show the chain from the project for each copy of a package', async () => {
    const r = await audit('json')
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as Report
    const semver = report.findings.filter((f) => f.ruleId === 'audit/known-vulnerability')
    expect(semver.map((f) => [(f.data?.['package'] as { version: string }).version, f.data?.['dependencyPath']])).toEqual([
      ['7.5.0', ['semver']],
      ['5.7.1', ['legacy-tool', 'semver']],
    ])
    expect(semver[1]?.evidence?.split('\n')[0]).toBe('dependency path: legacy-tool > semver')
    const text = await audit('text')
    expect(text.stdout).toContain('dependency path: legacy-tool > semver')
  })

  it('SARIF names the path as the logical location and fingerprints each (rule, package, version, path) apart', async () => {
    const r = await audit('sarif')
    expect(sarifErrors(r.stdout)).toEqual([])
    const results = (JSON.parse(r.stdout) as { runs: { results: { ruleId: string; partialFingerprints: Record<string, string>; locations: { logicalLocations?: { fullyQualifiedName: string }[] }[] }[] }[] }).runs[0]?.results ?? []
    const vulnerable = results.filter((x) => x.ruleId === 'audit/known-vulnerability')
    expect(vulnerable.map((x) => x.locations[0]?.logicalLocations?.[0]?.fullyQualifiedName)).toEqual(['semver', 'legacy-tool>semver'])
    const prints = results.map((x) => x.partialFingerprints['stagelightFinding/v1'])
    expect(new Set(prints).size).toBe(prints.length)
    // the same analysis again gives the same fingerprints
    const again = (JSON.parse((await audit('sarif')).stdout) as { runs: { results: { partialFingerprints: Record<string, string> }[] }[] }).runs[0]?.results.map((x) => x.partialFingerprints['stagelightFinding/v1'])
    expect(again).toEqual(prints)
  })
})
