/** @fileoverview Evidence: the offending lines of a file, verbatim, with their numbers. */
import type { Severity } from '../model/finding.js'
import type { Execution } from './shell/analysis.js'
import type { RuleHit } from './types.js'

const MAX_LINES = 16
const MAX_LINE_CHARS = 400

/**
 * Renders the given line numbers of a file as `N: text`, in order, without repeats.
 * @example evidenceLines(['a', 'b', 'c'], [3, 1]) // '1: a\n3: c'
 */
export function evidenceLines(lines: readonly string[], numbers: Iterable<number>): string {
  const wanted = [...new Set(numbers)].filter((n) => n >= 1 && n <= lines.length).sort((a, b) => a - b)
  const shown = wanted.length > MAX_LINES ? [...wanted.slice(0, MAX_LINES - 1), wanted[wanted.length - 1] ?? 0] : wanted
  const out: string[] = []
  shown.forEach((n, i) => {
    if (i === MAX_LINES - 1 && wanted.length > MAX_LINES) out.push(`… ${wanted.length - MAX_LINES} more lines`)
    const text = (lines[n - 1] ?? '').replace(/\s+$/, '')
    out.push(`${n}: ${text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text}`)
  })
  return out.join('\n')
}

/** The physical lines a command spans, at most a few. */
export function spanLines(from: number, to: number, max = 6): number[] {
  const out: number[] = []
  for (let n = from; n <= Math.min(to, from + max - 1); n++) out.push(n)
  return out
}

/** The lines of an execution: where it runs, and every step that feeds it (through variables too). */
export const executionLines = (e: Execution): number[] => [
  ...spanLines(e.sink.line, e.sink.endLine),
  ...e.feeders.flatMap((s) => [...spanLines(s.origin.line, s.origin.endLine), ...s.via]),
]

/** A hit at an execution: evidence from every line that feeds it, and those lines in the data. */
export function executionHit(e: Execution, lines: readonly string[], message: string, severity: Severity, data: Record<string, unknown>): RuleHit {
  const numbers = executionLines(e)
  return {
    line: e.sink.line,
    message,
    evidence: evidenceLines(lines, numbers),
    severity,
    confidence: 'high',
    data: { sink: e.how, kind: e.kind, ...data, lines: [...new Set(numbers)].sort((a, b) => a - b) },
  }
}
