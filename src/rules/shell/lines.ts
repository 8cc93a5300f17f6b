/** @fileoverview Line bookkeeping shared by the lexers: offsets to line numbers, and logical lines. */
import { LIMITS } from '../../policy/limits.js'

export { LineIndex } from '../../util/lines.js'

export interface LogicalLine {
  /** number of the first physical line */
  readonly line: number
  /** number of the last physical line joined into it */
  readonly endLine: number
  /** the text with every backslash-newline removed */
  readonly text: string
  /** the text as written, backslash-newlines kept, for lexers that count lines themselves */
  readonly source: string
}

/** continuations stop joining past this many characters (policy/limits.ts) */
const MAX_LOGICAL_LINE = LIMITS.maxShellLine

/**
 * Splits a text into logical lines: a line ending in an unescaped backslash continues on the next.
 * @example logicalLines('a \\\n b\nc') // [{ line: 1, endLine: 2, text: 'a  b', ... }, { line: 3, ... }]
 */
export function logicalLines(text: string): LogicalLine[] {
  const physical = text.split('\n')
  const out: LogicalLine[] = []
  for (let i = 0; i < physical.length; i++) {
    const start = i
    const parts = [physical[i] ?? '']
    let size = parts[0]?.length ?? 0
    while (endsWithContinuation(parts[parts.length - 1] ?? '') && i + 1 < physical.length && size < MAX_LOGICAL_LINE) {
      const next = physical[++i] ?? ''
      parts.push(next)
      size += next.length
    }
    const source = parts.join('\n')
    out.push({ line: start + 1, endLine: i + 1, text: continuationsRemoved(source), source })
  }
  return out
}

/** A logical line's text from its source: every backslash-newline in it is a continuation, removed. */
export const continuationsRemoved = (source: string): string => source.replace(/\\\n/g, '')

/** An odd number of trailing backslashes: the last one escapes the newline. */
function endsWithContinuation(line: string): boolean {
  let n = 0
  for (let k = line.length - 1; k >= 0 && line[k] === '\\'; k--) n++
  return n % 2 === 1
}

/** A whole line of comment in shell, make, m4 (`dnl`), CMake or meson, or C within them (`//`). */
export const isCommentLine = (line: string): boolean => /^\s*(?:#|dnl\b|\/\/)/.test(line)
