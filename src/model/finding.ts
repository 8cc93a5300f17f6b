export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

export const CONFIDENCES = ['low', 'medium', 'high'] as const
export type Confidence = (typeof CONFIDENCES)[number]

/** One observation an analysis makes. Paths are relative to the analysed root, with `/` separators. */
export interface Finding {
  readonly ruleId: string
  readonly severity: Severity
  readonly confidence: Confidence
  readonly path?: string
  readonly line?: number
  readonly message: string
  /** Human-readable proof: the offending lines, a diff, what is executed. */
  readonly evidence?: string
  /** Why this matters and what to do next. */
  readonly explanation?: string
  readonly references?: readonly string[]
  /** Structured facts behind the finding, for other tools. */
  readonly data?: Readonly<Record<string, unknown>>
}

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s)

export const isSeverity = (value: string): value is Severity => (SEVERITIES as readonly string[]).includes(value)

export const atLeast = (s: Severity, threshold: Severity): boolean => severityRank(s) >= severityRank(threshold)

/** Most serious first, keeping among equals the order the producer chose (a stable sort keeps it). */
export const bySeverityOnly = (a: Finding, b: Finding): number => severityRank(b.severity) - severityRank(a.severity)

export const bySeverityDesc = (a: Finding, b: Finding): number =>
  severityRank(b.severity) - severityRank(a.severity) ||
  (a.path ?? '').localeCompare(b.path ?? '') ||
  (a.line ?? 0) - (b.line ?? 0) ||
  a.ruleId.localeCompare(b.ruleId)
