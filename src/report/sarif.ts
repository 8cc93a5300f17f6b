/**
 * @fileoverview SARIF 2.1.0 for code scanning: rule metadata from the rule definitions, results
 * located by path relative to the analysed root, and fingerprints that survive line shifts.
 */
import { createHash } from 'node:crypto'
import type { Location, Log, ReportingDescriptor, Result } from 'sarif'
import type { Finding, Severity } from '../model/finding.js'
import type { Report } from '../model/report.js'
import type { RuleInfo } from '../rules/types.js'
import { VERSION } from '../version.js'

const SCHEMA = 'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json'

const LEVEL: Readonly<Record<Severity, Result.level>> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' }
/** GitHub code scanning ranks security alerts by this number (0–10). */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' }

function descriptor(rule: RuleInfo): ReportingDescriptor {
  const help = `${rule.short}\n\nWhy it matters: ${rule.motivation}\n\nWhat to do: ${rule.remediation}`
  return {
    id: rule.id,
    name: rule.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.short },
    help: { text: help, markdown: `${rule.short}\n\n**Why it matters.** ${rule.motivation}\n\n**What to do.** ${rule.remediation}` },
    defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
    properties: { tags: ['security', 'supply-chain', rule.id.split('/')[0] ?? 'stagelight'], 'security-severity': SECURITY_SEVERITY[rule.defaultSeverity], precision: rule.defaultConfidence === 'high' ? 'high' : rule.defaultConfidence === 'medium' ? 'medium' : 'low' },
  }
}

/** Metadata for a rule id no definition describes (it still gets a descriptor, so results can point at it). */
function fallbackDescriptor(id: string, severity: Severity): ReportingDescriptor {
  return { id, name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')), shortDescription: { text: id }, defaultConfiguration: { level: LEVEL[severity] }, properties: { tags: ['security'], 'security-severity': SECURITY_SEVERITY[severity] } }
}

/**
 * The same finding keeps its fingerprint when lines move: rule, path and the message, not the line
 * number — or the identity an analysis states (`data.identity`: audit's rule, package, version and
 * dependency path), where numbers in the message are what tells two findings apart.
 */
const fingerprint = (f: Finding): string => {
  const identity = typeof f.data?.['identity'] === 'string' ? f.data['identity'] : undefined
  return createHash('sha256').update(`${f.ruleId}\u0000${f.path ?? ''}\u0000${identity ?? f.message.replace(/\d+/g, '#')}`).digest('hex').slice(0, 32)
}

/** Relative, `/`-separated, percent-encoded where a URI needs it. */
const uriOf = (path: string): string => path.split('/').map(encodeURIComponent).join('/')

function location(f: Finding, report: Report): Location {
  if (f.path) {
    // a package finding also names where the package sits in the dependency graph (`vitest>vite>esbuild`)
    const logical = typeof f.data?.['logicalLocation'] === 'string' ? f.data['logicalLocation'] : undefined
    return {
      physicalLocation: {
        artifactLocation: { uri: uriOf(f.path) },
        ...(f.line && f.line >= 1 ? { region: { startLine: f.line } } : {}),
      },
      ...(logical ? { logicalLocations: [{ fullyQualifiedName: logical, name: logical.slice(logical.lastIndexOf('>') + 1), kind: 'module' }] } : {}),
    }
  }
  // findings about the input as a whole (a tag, a history pattern, a measurement) have no file
  const subject = Object.values(report.subject)[0] ?? report.command
  return { logicalLocations: [{ name: subject, kind: 'module' }] }
}

/**
 * Renders a report as SARIF 2.1.0.
 * @param rules the definitions the results' rule ids are described by
 */
export function renderSarif(report: Report, rules: readonly RuleInfo[]): string {
  const known = new Map(rules.map((r) => [r.id, r]))
  const descriptors: ReportingDescriptor[] = []
  const index = new Map<string, number>()
  const indexOf = (f: Finding): number => {
    let i = index.get(f.ruleId)
    if (i === undefined) {
      const rule = known.get(f.ruleId)
      i = descriptors.push(rule ? descriptor(rule) : fallbackDescriptor(f.ruleId, f.severity)) - 1
      index.set(f.ruleId, i)
    }
    return i
  }
  const results: Result[] = report.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: indexOf(f),
    level: LEVEL[f.severity],
    message: { text: f.evidence ? `${f.message}\n\n${f.evidence}` : f.message },
    locations: [location(f, report)],
    partialFingerprints: { 'stagelightFinding/v1': fingerprint(f) },
    properties: {
      severity: f.severity,
      confidence: f.confidence,
      'security-severity': SECURITY_SEVERITY[f.severity],
      ...(f.explanation ? { explanation: f.explanation } : {}),
      ...(f.data ? { data: f.data } : {}),
    },
  }))
  const log: Log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'stagelight', semanticVersion: VERSION, version: VERSION, rules: descriptors } },
        invocations: [
          {
            executionSuccessful: !report.incomplete?.length,
            ...(report.incomplete?.length
              ? { toolExecutionNotifications: report.incomplete.map((text) => ({ level: 'warning' as const, message: { text } })) }
              : {}),
            properties: { command: report.command, subject: report.subject, verdict: report.verdict },
          },
        ],
        results,
        properties: { verdict: report.verdict, facts: report.facts, summary: report.summary },
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}
