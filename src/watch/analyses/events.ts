/** @fileoverview A stored report's findings become events; info-level findings stay in the report only. */
import { atLeast, bySeverityDesc } from '../../model/finding.js'
import type { Report } from '../../model/report.js'
import type { NewEvent } from '../model.js'

/** At most this many events per job: a release with thousands of findings is one report to open, not a flood. */
const MAX_EVENTS = 50

export function eventsOf(report: Report): NewEvent[] {
  const findings = report.findings.filter((f) => atLeast(f.severity, 'low')).sort(bySeverityDesc)
  const events: NewEvent[] = findings.slice(0, MAX_EVENTS).map((f) => ({
    severity: f.severity,
    ruleId: f.ruleId,
    message: f.path ? `${f.path}${f.line ? `:${f.line}` : ''}: ${f.message}` : f.message,
    evidence: f.evidence,
  }))
  if (findings.length > MAX_EVENTS) {
    events.push({ severity: 'info', ruleId: 'watch/more-findings', message: `${findings.length - MAX_EVENTS} further findings are in the report`, evidence: undefined })
  }
  for (const gap of report.incomplete ?? []) events.push({ severity: 'medium', ruleId: 'watch/analysis-incomplete', message: gap, evidence: undefined })
  return events
}
