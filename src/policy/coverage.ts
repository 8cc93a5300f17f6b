/**
 * @fileoverview "Could not check" is never a pass. Whatever a command's analysis says, a report
 * whose input yielded nothing to check, or where a rule could not run on a file, names the gap
 * in `incomplete` (verdict at least review, exit 3). The figures come from each command's
 * summary, so every command is held to the same rule in one place.
 */
import type { Finding } from '../model/finding.js'

/** A finding that records a check which could not run (a rule that failed on a file, code nested past the parser's limit). */
const COULD_NOT_CHECK: ReadonlySet<string> = new Set(['internal/rule-error', 'internal/nesting-limit'])

const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)

/** Inputs that held nothing to compare or scan, read from the summary figures of each command. */
function emptyInput(command: string, summary: Readonly<Record<string, unknown>>): string[] {
  if (command === 'verify') {
    const artifactFiles = count(summary['artifactFiles'])
    if (artifactFiles !== 0) return []
    const inSource = count(summary['onlyInSource']) ?? 0
    return [`the artifact holds no files${inSource > 0 ? ` while the source holds ${inSource}` : ''}: nothing was compared, so the release is not verified`]
  }
  if (command === 'scan') {
    const files = count(summary['files'])
    return files === 0 ? ['the target holds no files: nothing was scanned'] : []
  }
  return []
}

/** The gaps a report must carry besides those its command found: empty inputs and checks that could not run. */
export function uncheckedGaps(command: string, summary: Readonly<Record<string, unknown>>, findings: readonly Finding[]): string[] {
  const failed = findings.filter((f) => COULD_NOT_CHECK.has(f.ruleId)).map((f) => `${f.path ? `${f.path}: ` : ''}${f.message}`)
  return [...emptyInput(command, summary), ...failed]
}
