import { SEVERITIES, atLeast, type Finding, type Severity } from '../model/finding.js'
import type { Verdict } from '../model/report.js'

/** `fail` when any finding is high or worse, `review` when any is medium, else `pass`; gaps in the analysis never pass. */
export function verdictOf(findings: readonly Finding[], incomplete: readonly string[] = []): Verdict {
  if (findings.some((f) => atLeast(f.severity, 'high'))) return 'fail'
  if (incomplete.length > 0 || findings.some((f) => atLeast(f.severity, 'medium'))) return 'review'
  return 'pass'
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>
  for (const f of findings) counts[f.severity] += 1
  return counts
}

/** The exit status the policy asks for: 1 when a finding reaches the threshold. */
export function breachesThreshold(findings: readonly Finding[], failOn: Severity | 'none'): boolean {
  if (failOn === 'none') return false
  return findings.some((f) => atLeast(f.severity, failOn))
}
