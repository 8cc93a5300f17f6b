/**
 * Dependency paths for yarn (classic and berry) and pnpm lockfiles, on lockfiles the package
 * managers themselves wrote (fixtures/real-tools/README.md says which versions and how). The
 * expected chains come from the projects' package.json and the packages' published dependencies.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readInventory } from '../../src/audit/inventory/index.js'
import { readYarnClassic } from '../../src/audit/inventory/yarn.js'
import type { Report } from '../../src/model/report.js'
import { runMain } from '../helpers/in-process.js'

const FIXTURES = join(import.meta.dirname, 'inventory', 'fixtures', 'real-tools')

/** what each package of the single project is reached by, shortest first */
const PROJECT_PATHS: Record<string, string> = {
  'chalk@2.4.2': 'chalk',
  'ansi-styles@3.2.1': 'chalk > ansi-styles',
  'color-convert@1.9.3': 'chalk > ansi-styles > color-convert',
  'color-name@1.1.3': 'chalk > ansi-styles > color-convert > color-name',
  'escape-string-regexp@1.0.5': 'chalk > escape-string-regexp',
  'supports-color@5.5.0': 'chalk > supports-color',
  'has-flag@3.0.0': 'chalk > supports-color > has-flag',
  'debug@2.6.9': 'debug',
  'ms@2.0.0': 'debug > ms',
  'ms@2.1.3': 'ms',
  'supports-color@7.2.0': 'supports-color',
  'has-flag@4.0.0': 'supports-color > has-flag',
}

async function pathsOf(file: string): Promise<Record<string, string | undefined>> {
  const inventory = await readInventory(file)
  return Object.fromEntries(inventory.packages.map((p) => [`${p.name}@${p.version}`, p.dependencyPath?.join(' > ')]))
}

describe('dependency paths from lockfiles written by yarn and pnpm', () => {
  it.each([
    ['yarn-classic', 'yarn.lock', 'yarn.lock (classic)'],
    ['yarn-berry', 'yarn.lock', 'yarn.lock (berry)'],
    ['pnpm-v9', 'pnpm-lock.yaml', 'pnpm-lock.yaml v9.0'],
    ['pnpm-v6', 'pnpm-lock.yaml', 'pnpm-lock.yaml v6.0'],
  ])('%s: every package has its shortest chain from the project', async (dir, file, format) => {
    expect((await readInventory(join(FIXTURES, dir, file))).format).toBe(format)
    expect(await pathsOf(join(FIXTURES, dir, file))).toEqual(PROJECT_PATHS)
  })

  it('pnpm: a package whose key carries a peer suffix is reached, and is not taken for a development dependency', async () => {
    const inventory = await readInventory(join(FIXTURES, 'pnpm-v9', 'pnpm-lock.yaml'))
    const byName = (n: string, v: string) => inventory.packages.find((p) => p.name === n && p.version === v)
    // debug@2.6.9(supports-color@7.2.0) is a production dependency, and so is its ms
    expect(byName('debug', '2.6.9')?.dev).toBeUndefined()
    expect(byName('ms', '2.0.0')?.dev).toBeUndefined()
    // debug's optional peer resolves to supports-color@7.2.0, so it and has-flag@4 are installed in
    // production too: pnpm 8 writes no `dev:` flag for them (both) in pnpm-v6 for the same project
    expect(byName('has-flag', '4.0.0')?.dev).toBeUndefined()
    const workspaces = await readInventory(join(FIXTURES, 'workspaces-pnpm', 'pnpm-lock.yaml'))
    expect(workspaces.packages.filter((p) => p.dev === true).map((p) => p.name)).toEqual(['has-flag'])
  })

  it.each([
    ['workspaces-berry', 'yarn.lock', { 'debug@2.6.9': 'web > debug', 'ms@2.0.0': 'web > debug > ms', 'ms@2.1.3': 'lib > ms', 'has-flag@4.0.0': 'has-flag', 'lib@': 'lib', 'web@': 'web' }],
    ['workspaces-pnpm', 'pnpm-lock.yaml', { 'debug@2.6.9': 'packages/web > debug', 'ms@2.0.0': 'packages/web > debug > ms', 'ms@2.1.3': 'packages/lib > ms', 'has-flag@4.0.0': 'has-flag', 'lib@': 'packages/web > lib' }],
  ])('%s: a workspace\'s dependencies start with the workspace', async (dir, file, expected) => {
    expect(await pathsOf(join(FIXTURES, dir, file))).toEqual(expected)
  })

  it('yarn classic: the package.json beside the lockfile makes a direct dependency a root even when another package also pulls it in', () => {
    const text = readFileSync(join(FIXTURES, 'yarn-classic', 'yarn.lock'), 'utf8')
    // the project also depends on ms@2.0.0 itself, with the range debug uses
    const manifest = { dependencies: { debug: '2.6.9', ms: '2.0.0' } }
    const withManifest = readYarnClassic(text, 'yarn.lock', manifest).entries.find((e) => e.ref.name === 'ms' && e.ref.version === '2.0.0')
    const without = readYarnClassic(text, 'yarn.lock').entries.find((e) => e.ref.name === 'ms' && e.ref.version === '2.0.0')
    expect(withManifest?.ref.dependencyPath).toEqual(['ms'])
    expect(without?.ref.dependencyPath).toEqual(['debug', 'ms'])
  })
})

describe('audit findings on a yarn or pnpm project name the path', () => {
  let root: string
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'stagelight-yarn-paths-'))
    mkdirSync(join(root, 'osv'))
    writeFileSync(
      join(root, 'osv', 'GHSA-msms-msms-msms.json'),
      JSON.stringify({
        id: 'GHSA-msms-msms-msms',
        modified: '2024-01-01T00:00:00Z',
        summary: 'ms is slow on long strings',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
        affected: [{ package: { ecosystem: 'npm', name: 'ms' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.1' }] }] }],
      }),
    )
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it.each(['yarn-classic', 'yarn-berry', 'pnpm-v9'])('%s: JSON data and text evidence carry `debug > ms`', async (dir) => {
    cpSync(join(FIXTURES, dir), join(root, dir), { recursive: true })
    const args = ['audit', join(root, dir), '--offline', '--no-registry-signals', '--advisories', join(root, 'osv')]
    const json = await runMain([...args, '--format', 'json'], { cwd: root })
    expect(json.code).toBe(1)
    const findings = (JSON.parse(json.stdout) as Report).findings.filter((f) => f.ruleId === 'audit/known-vulnerability')
    expect(findings.map((f) => f.data?.['dependencyPath'])).toEqual([['debug', 'ms']])
    const text = await runMain([...args, '--format', 'text'], { cwd: root })
    expect(text.stdout).toContain('dependency path: debug > ms')
  })
})
