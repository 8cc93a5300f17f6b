/** @fileoverview The one place a Report is assembled: the verdict and the counts follow from the findings. */
import { bySeverityDesc, type Finding } from '../model/finding.js'
import { SCHEMA_VERSION, type Explained, type Fact, type Report } from '../model/report.js'
import { VERSION } from '../version.js'
import { uncheckedGaps } from './coverage.js'
import { countBySeverity, verdictOf } from './verdict.js'

export interface ReportParts {
  readonly command: string
  readonly subject: Readonly<Record<string, string>>
  readonly facts: readonly Fact[]
  readonly findings: readonly Finding[]
  readonly explained?: readonly Explained[]
  /** command-specific figures; `findings` (the counts per severity) is added here */
  readonly summary: Readonly<Record<string, unknown>>
  readonly incomplete?: readonly string[]
  /** how findings of equal severity are ordered, when the command knows better than by path (verify: the decisive one first) */
  readonly order?: (a: Finding, b: Finding) => number
}

export function assembleReport(parts: ReportParts): Report {
  // what the command reports as missed, then what no command may pass over (coverage.ts)
  const incomplete = [...(parts.incomplete ?? []), ...uncheckedGaps(parts.command, parts.summary, parts.findings)]
  return {
    tool: 'stagelight',
    schemaVersion: SCHEMA_VERSION,
    version: VERSION,
    command: parts.command,
    verdict: verdictOf(parts.findings, incomplete),
    subject: parts.subject,
    facts: parts.facts,
    // most serious first; renderers keep this order among equals
    findings: [...parts.findings].sort(parts.order ?? bySeverityDesc),
    explained: parts.explained ?? [],
    summary: { findings: countBySeverity(parts.findings), ...parts.summary },
    ...(incomplete.length ? { incomplete } : {}),
  }
}
