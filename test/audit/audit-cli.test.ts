import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/index.js'
import { stagelight } from '../helpers/cli.js'
import { startRegistry, type LocalRegistry } from '../helpers/registry.js'
import { sarifErrors } from '../helpers/sarif.js'

let registry: LocalRegistry
let root: string
let project: string
let osv: string

const pkgOf = (f: { data?: Record<string, unknown> }): string | undefined => (f.data?.['package'] as { name?: string } | undefined)?.name

async function auditJson(args: readonly string[], cwd = project): Promise<{ code: number | null; report: Report; stderr: string }> {
  const r = await stagelight(['audit', ...args, '--registry', registry.url, '--format', 'json', '--cache-dir', join(root, 'cache')], { cwd, env: { HOME: root } })
  let report: Report
  try {
    report = JSON.parse(r.stdout) as Report
  } catch {
    throw new Error(`no JSON report (exit ${r.code}): ${r.stderr.slice(0, 500)}`)
  }
  return { code: r.code, report, stderr: r.stderr }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-audit-'))
  registry = await startRegistry()
  await registry.publish('alice', { name: 'tidy-helper', version: '1.0.0', license: 'MIT', repository: 'github:alice/tidy-helper' }, { 'index.js': 'module.exports = 1\n' })
  await registry.publish('alice', { name: 'tidy-helper', version: '1.1.0', license: 'MIT', repository: 'github:alice/tidy-helper', scripts: { postinstall: 'node setup.js' } }, { 'index.js': 'module.exports = 1\n', 'setup.js': 'require("child_process").exec("id")\n' })
  await registry.publish('bob', { name: 'old-parser', version: '1.0.0', license: 'MIT', repository: 'github:bob/old-parser' }, { 'index.js': 'module.exports = 2\n' })
  await registry.publish('bob', { name: 'old-parser', version: '1.0.1', license: 'MIT', repository: 'github:bob/old-parser' }, { 'index.js': 'module.exports = 2\n' })
  project = join(root, 'app')
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: { 'tidy-helper': '1.1.0', 'old-parser': '1.0.0' } }))
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--registry', registry.url], { cwd: project, env: { ...process.env, HOME: root, npm_config_cache: join(root, 'npm-cache') }, stdio: 'ignore' })
  osv = join(root, 'osv')
  mkdirSync(osv)
  writeFileSync(
    join(osv, 'GHSA-test-0001.json'),
    JSON.stringify({
      schema_version: '1.6.0',
      id: 'GHSA-test-0001',
      modified: '2025-01-01T00:00:00Z',
      aliases: ['CVE-2025-00001'],
      summary: 'old-parser reads past the end of its input',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [{ package: { ecosystem: 'npm', name: 'old-parser' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.1' }] }] }],
    }),
  )
}, 900_000)

afterAll(async () => {
  await registry?.stop()
  rmSync(root, { recursive: true, force: true })
})

describe('stagelight audit on a real lockfile against a real registry', () => {
  it('reports the advisory with the version to move to, and the install script new in the locked version', async () => {
    const { code, report } = await auditJson(['.', '--advisories', osv])
    expect(code).toBe(1)
    expect(report.command).toBe('audit')
    const vuln = report.findings.find((f) => f.ruleId === 'audit/known-vulnerability')
    expect(pkgOf(vuln ?? {})).toBe('old-parser')
    expect(vuln?.severity).toBe('critical')
    expect(`${vuln?.message} ${vuln?.explanation}`).toContain('1.0.1')
    const script = report.findings.find((f) => f.ruleId === 'audit/install-script' && pkgOf(f) === 'tidy-helper')
    expect(script?.evidence).toContain('node setup.js')
    expect(script?.message).toMatch(/1\.0\.0/)
    expect(report.facts.find((f) => f.label === 'OSV advisories')?.value).toMatch(/^1 record/)
    // the registry's bulk advisory endpoint either answered or is said not to have been consulted
    expect(report.facts.find((f) => f.label === 'npm advisories')?.value).toMatch(/^(consulted|not consulted: .+)/)
    const listed = report.summary['packages'] as { name: string; findings: unknown[] }[]
    expect(listed.map((p) => p.name).sort()).toEqual(['old-parser', 'tidy-helper'])
  })

  it('honours the policy file: a current ignore hides its finding, an expired one is reported', async () => {
    const config = join(root, 'policy.json')
    writeFileSync(
      config,
      JSON.stringify({
        audit: {
          ignore: [
            { rule: 'audit/known-vulnerability', package: 'old-parser', reason: 'not reachable from our code', expires: '2999-01-01' },
            { rule: 'audit/install-script', package: 'tidy-helper', reason: 'reviewed in March', expires: '2001-01-01' },
          ],
        },
      }),
    )
    const { report } = await auditJson(['.', '--advisories', osv, '--config', config])
    expect(report.findings.some((f) => f.ruleId === 'audit/known-vulnerability')).toBe(false)
    expect(report.findings.find((f) => f.ruleId === 'policy/expired-ignore')?.message).toContain('2001-01-01')
    expect(report.findings.some((f) => f.ruleId === 'audit/install-script' && pkgOf(f) === 'tidy-helper')).toBe(true)
    expect(report.facts.find((f) => f.label === 'ignored by policy')?.value).toMatch(/^1 finding/)
  })

  it('runs offline from its cache, and says the remote advisory source was not consulted', async () => {
    await auditJson(['.'])
    const { report } = await auditJson(['.', '--offline'])
    expect(report.facts.find((f) => f.label === 'npm advisories')?.value).toBe('not consulted (--offline)')
    expect(report.facts.find((f) => f.label === 'registry')?.value).toMatch(/0 request/)
    expect(report.findings.some((f) => f.ruleId === 'audit/install-script')).toBe(true)
  })

  it('writes SARIF that validates, located in the lockfile', async () => {
    const r = await stagelight(['audit', '.', '--registry', registry.url, '--advisories', osv, '--format', 'sarif', '--cache-dir', join(root, 'cache')], { cwd: project, env: { HOME: root } })
    expect(sarifErrors(r.stdout)).toEqual([])
    const results = (JSON.parse(r.stdout) as { runs: { results: { locations: { physicalLocation?: { artifactLocation: { uri: string } } }[] }[] }[] }).runs[0]?.results ?? []
    expect(results.length).toBeGreaterThan(0)
    expect(results.every((x) => x.locations[0]?.physicalLocation?.artifactLocation.uri === 'package-lock.json')).toBe(true)
  })

  it('rejects an invalid policy file and a missing inventory with one line and exit 2', async () => {
    const bad = join(root, 'bad.json')
    writeFileSync(bad, JSON.stringify({ audit: { ignore: [{ rule: 'x' }] } }))
    const r = await stagelight(['audit', '.', '--config', bad, '--registry', registry.url], { cwd: project, env: { HOME: root } })
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('bad.json')
    const empty = join(root, 'empty')
    mkdirSync(empty)
    const missing = await stagelight(['audit', empty, '--registry', registry.url], { cwd: root, env: { HOME: root } })
    expect(missing.code).toBe(2)
  })
})
