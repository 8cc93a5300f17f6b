import { describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import { SCHEMA_VERSION, type Report } from '../../src/model/report.js'
import { countBySeverity, verdictOf, breachesThreshold } from '../../src/policy/verdict.js'
import { render } from '../../src/report/index.js'

const f = (severity: Finding['severity'], ruleId = 'verify/x', path = 'a'): Finding => ({ ruleId, severity, confidence: 'high', path, message: `${severity} thing`, evidence: 'line 1\nline 2' })

const report = (findings: Finding[]): Report => ({
  tool: 'stagelight',
  schemaVersion: SCHEMA_VERSION,
  version: '0.0.0',
  command: 'verify',
  verdict: verdictOf(findings),
  subject: {},
  facts: [{ label: 'artifact', value: 'x.tar.gz' }],
  findings,
  explained: [
    { path: 'configure', category: 'generated', how: 'autoconf', reproduced: false },
    { path: 'm4/a.m4', category: 'vendored', how: 'gnulib', reproduced: true },
    { path: 'm4/b.m4', category: 'vendored', how: 'gnulib', reproduced: true },
  ],
  summary: { findings: countBySeverity(findings) },
})

describe('verdict policy', () => {
  it('fails on high, reviews on medium or gaps, passes otherwise', () => {
    expect(verdictOf([f('low'), f('critical')])).toBe('fail')
    expect(verdictOf([f('medium'), f('info')])).toBe('review')
    expect(verdictOf([f('low')])).toBe('pass')
    expect(verdictOf([], ['archive read only up to a limit'])).toBe('review')
  })
  it('breaches the threshold at or above it, never with none', () => {
    expect(breachesThreshold([f('medium')], 'medium')).toBe(true)
    expect(breachesThreshold([f('medium')], 'high')).toBe(false)
    expect(breachesThreshold([f('critical')], 'none')).toBe(false)
  })
})

describe('text report', () => {
  it('puts the verdict first, counts explained categories and orders findings by severity', () => {
    const text = render(report([f('low', 'r/low', 'z'), f('critical', 'r/crit', 'b'), f('medium', 'r/med', 'c')]), 'text', { color: false })
    const lines = text.split('\n')
    expect(lines[0]).toMatch(/^FAIL\s+stagelight verify — 1 critical, 1 medium, 1 low$/)
    expect(text).toMatch(/vendored\s+2\s+all reproduced/)
    expect(text).toMatch(/generated\s+1\s+0 reproduced or matched, 1 consistent but not reproduced/)
    const order = ['r/crit', 'r/med', 'r/low'].map((id) => text.indexOf(id))
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(text).toContain('│ line 2')
    expect(text).not.toMatch(/\x1b\[/)
  })
  it('paints only when asked', () => {
    expect(render(report([f('high')]), 'text', { color: true })).toMatch(/\x1b\[/)
  })
  it('json is one parseable object with the contract fields', () => {
    const parsed = JSON.parse(render(report([f('high')]), 'json', { color: false })) as Report
    expect(parsed).toMatchObject({ tool: 'stagelight', schemaVersion: SCHEMA_VERSION, command: 'verify', verdict: 'fail' })
    expect(parsed.findings[0]).toMatchObject({ ruleId: 'verify/x', severity: 'high', confidence: 'high', path: 'a' })
  })
})
