import { describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import type { Report } from '../../src/model/report.js'
import { countBySeverity, verdictOf } from '../../src/policy/verdict.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { renderSarif } from '../../src/report/sarif.js'
import { allRules } from '../../src/rules/catalog.js'
import { sarifErrors } from '../helpers/sarif.js'

function report(findings: Finding[], incomplete: string[] = []): Report {
  return {
    tool: 'stagelight',
    schemaVersion: 1,
    version: '0.0.0',
    command: 'verify',
    verdict: verdictOf(findings, incomplete),
    subject: { artifact: 'x-1.0.tar.gz', source: '../x' },
    facts: [{ label: 'tag', value: 'v1.0 | signed' }],
    findings,
    explained: [],
    summary: { findings: countBySeverity(findings) },
    ...(incomplete.length ? { incomplete } : {}),
  }
}

const tagUnsigned: Finding = { ruleId: 'verify/tag-unsigned', severity: 'high', confidence: 'high', message: 'tag v1.0 is not signed' }
const odd: Finding = { ruleId: 'verify/source-modified', severity: 'medium', confidence: 'high', path: 'src/a b#1.c', line: 7, message: 'differs from the tag', evidence: '@@ -1 +1 @@\n-a\n+b' }
const unknownRule: Finding = { ruleId: 'future/thing', severity: 'low', confidence: 'low', path: 'x', message: 'something new' }

describe('SARIF', () => {
  it('the validator itself rejects a broken log', () => {
    expect(sarifErrors(JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ message: {} }] }] }))).not.toEqual([])
  })

  it('stays valid for findings without a file, paths that need escaping, rules without metadata and incomplete runs', () => {
    const text = renderSarif(report([tagUnsigned, odd, unknownRule], ['the artifact was read only up to a limit']), allRules())
    expect(sarifErrors(text)).toEqual([])
    const run = (JSON.parse(text) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleIndex: number; locations: unknown[] }[]; invocations: { executionSuccessful: boolean }[] }[] }).runs[0]
    expect(run?.invocations[0]?.executionSuccessful).toBe(false)
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual(['verify/tag-unsigned', 'verify/source-modified', 'future/thing'])
    expect(JSON.stringify(run?.results[0]?.locations)).toContain('logicalLocations')
    expect(JSON.stringify(run?.results[1]?.locations)).toContain('src/a%20b%231.c')
  })

  it('gives every rule an id, a name, descriptions, help and a level', () => {
    const text = renderSarif(report(allRules().map((r) => ({ ruleId: r.id, severity: r.defaultSeverity, confidence: 'high', path: 'f', line: 1, message: r.title }))), allRules())
    expect(sarifErrors(text)).toEqual([])
    const rules = (JSON.parse(text) as { runs: { tool: { driver: { rules: { name: string; help: { text: string }; fullDescription: { text: string } }[] } } }[] }).runs[0]?.tool.driver.rules ?? []
    expect(rules).toHaveLength(allRules().length)
    for (const r of rules) {
      expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]*$/)
      expect(r.fullDescription.text.length).toBeGreaterThan(10)
      expect(r.help.text).toContain('What to do')
    }
  })
})

describe('Markdown', () => {
  it('escapes table cells and fences evidence that itself contains backticks', () => {
    const tricky: Finding = { ruleId: 'scan/data-to-shell-pipeline', severity: 'critical', confidence: 'high', path: 'm4/x.m4', line: 3, message: 'a | b\nc', evidence: '3: x=```$(cat f | sh)```' }
    const md = renderMarkdown(report([tricky]))
    expect(md).toContain('| critical | `scan/data-to-shell-pipeline` | `m4/x.m4:3` | a \\| b\\\\nc |')
    expect(md).toContain('````\n3: x=```$(cat f | sh)```\n````')
    expect(md).toContain('| tag | v1\\.0 \\| signed |')
  })
})
