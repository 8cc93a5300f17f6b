/**
 * The library as a user imports it: every analysis from the package root, typed; render() without
 * options; and the JSON report valid against the published schema (schema/report.schema.json).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as stagelight from '../../src/index.js'
import type { AuditOptions, HistoryOptions, Report, ScanOptions, VerifyOptions, CanaryRunOptions } from '../../src/index.js'

const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as object
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-lib-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const lock = (name: string, packages: Record<string, object>): string => {
  const file = join(root, name)
  writeFileSync(file, JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: Object.fromEntries(Object.keys(packages).map((k) => [k.replace('node_modules/', ''), '*'])) }, ...packages } }))
  return file
}

describe('the package root', () => {
  it('exports every command’s analysis', () => {
    for (const name of ['verify', 'scan', 'history', 'audit', 'canaryRun', 'canaryNpm', 'readInventory', 'updateDatabase', 'render'] as const) expect(typeof stagelight[name]).toBe('function')
    // the option types are exported too: these only compile if they are
    const options: [VerifyOptions['artifact'], ScanOptions['target'], HistoryOptions['source'], AuditOptions['target'], CanaryRunOptions['workloads'] | undefined] = ['a.tgz', '.', '.', '.', undefined]
    expect(options).toHaveLength(5)
  })

  it('audit through the library: a report that renders without options and validates against the schema', async () => {
    const target = lock('package-lock.json', {
      'node_modules/a': { version: '1.0.0', resolved: 'http://registry.npmjs.org/a/-/a-1.0.0.tgz', integrity: 'sha512-AAAA' },
      'node_modules/b': { version: '2.0.0', resolved: 'https://registry.npmjs.org/b/-/b-2.0.0.tgz' },
    })
    const report: Report = await stagelight.audit({ target, cwd: root, env: {}, cacheDir: join(root, 'cache'), offline: true, registrySignals: false })
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(['audit/lockfile-insecure-url', 'audit/lockfile-missing-integrity'])
    const json = JSON.parse(stagelight.render(report, 'json')) as unknown
    expect(validate(json) ? [] : validate.errors).toEqual([])
    // no database and --offline: incomplete, and still valid
    expect(report.incomplete?.length).toBe(1)
    expect(stagelight.render(report, 'text')).not.toMatch(/\x1b\[/)
  })

  it('the schema refuses what a report must not be', () => {
    const good = { tool: 'stagelight', schemaVersion: 1, version: '0.1.0', command: 'audit', verdict: 'pass', subject: {}, facts: [], findings: [], explained: [], summary: { findings: { info: 0, low: 0, medium: 0, high: 0, critical: 0 } } }
    expect(validate(good)).toBe(true)
    expect(validate({ ...good, verdict: 'ok' })).toBe(false)
    expect(validate({ ...good, findings: [{ ruleId: 'audit/x', severity: 'severe', confidence: 'high', message: 'm' }] })).toBe(false)
    expect(validate({ ...good, findings: [{ ruleId: 'audit/x', severity: 'low', confidence: 'high', message: 'm', path: '/etc/passwd' }] })).toBe(false)
    expect(validate({ ...good, incomplete: [] })).toBe(false)
  })
})
