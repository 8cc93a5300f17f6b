import { createTwoFilesPatch } from 'diff'
import { lineDiff, UNBOUNDED_MAX_ITEMS, type Run } from './line-diff.js'
import { linesOf } from './lines.js'

const MAX_DIFF_LINES = 200

/** A run of lines the two sides share (neither flag), or that only one side has: `lineDiff`'s runs, or jsdiff's changes. */
export type LineChange = Run<string>


/**
 * A unified diff, cut to a readable length; the header says what was compared. Texts that end with
 * a newline (nearly all) are diffed by `lineDiff`, whose cost stays bounded on a file rewritten
 * from end to end; the others by jsdiff, which marks a last line without one.
 */
export function unifiedDiff(oldLabel: string, newLabel: string, oldText: string, newText: string, context = 3, newLineNumbers?: readonly number[]): string {
  if ((oldText === '' || oldText.endsWith('\n')) && (newText === '' || newText.endsWith('\n'))) {
    const before = linesOf(oldText)
    const after = linesOf(newText)
    // shorter texts are diffed whatever changed; longer ones only when few of their lines did
    const runs = lineDiff(before, after, before.length + after.length <= UNBOUNDED_MAX_ITEMS ? Number.POSITIVE_INFINITY : undefined)
    if (!runs) return `--- ${oldLabel}\n+++ ${newLabel}\n… the files differ in too many lines to show`
    return unifiedDiffOfChanges(oldLabel, newLabel, runs, context, newLineNumbers)
  }
  const patch = createTwoFilesPatch(oldLabel, newLabel, oldText, newText, undefined, undefined, { context })
  return cut(patch.split('\n').filter((l) => !l.startsWith('=====')))
}

/**
 * The same unified diff, from a line diff already computed (both texts end with a newline): a
 * caller that has diffed two files to rank them need not diff them again to show the result.
 * `newLineNumbers` (1-based, one per line of the new text) numbers the new side's hunks by the
 * lines of the file the text was taken from, when the caller left lines out before diffing; a
 * hunk's count then spans the lines left out inside it too.
 */
export function unifiedDiffOfChanges(oldLabel: string, newLabel: string, changes: readonly LineChange[], context = 3, newLineNumbers?: readonly number[]): string {
  interface Op {
    readonly mark: ' ' | '-' | '+'
    readonly text: string
    /** lines of each side before this one */
    readonly oldBefore: number
    readonly newBefore: number
  }
  const ops: Op[] = []
  let oldLine = 0
  let newLine = 0
  for (const change of changes) {
    const mark = change.added ? '+' : change.removed ? '-' : ' '
    for (const text of change.value) {
      ops.push({ mark, text, oldBefore: oldLine, newBefore: newLine })
      if (mark !== '+') oldLine++
      if (mark !== '-') newLine++
    }
  }
  const out = [`--- ${oldLabel}`, `+++ ${newLabel}`]
  let first = 0
  for (;;) {
    while (first < ops.length && ops[first]?.mark === ' ') first++
    if (first >= ops.length) break
    // a hunk runs on while the unchanged lines between two changes are at most twice the context
    let last = first
    for (let k = first + 1; k < ops.length; k++) {
      if (ops[k]?.mark === ' ') continue
      if (k - last - 1 > 2 * context) break
      last = k
    }
    const from = Math.max(0, first - context)
    const to = Math.min(ops.length, last + context + 1)
    const body = ops.slice(from, to)
    const start = ops[from] as Op
    const oldCount = body.filter((op) => op.mark !== '+').length
    const newCount = body.filter((op) => op.mark !== '-').length
    // an empty side is numbered by the line before it, as diff does
    const oldStart = oldCount === 0 ? start.oldBefore : start.oldBefore + 1
    const newStart = newCount === 0 ? start.newBefore : start.newBefore + 1
    const [shownStart, shownCount] = newLineNumbers ? inFile(newLineNumbers, newStart, newCount) : [newStart, newCount]
    out.push(`@@ -${oldStart},${oldCount} +${shownStart},${shownCount} @@`, ...body.map((op) => `${op.mark}${op.text}`))
    first = last + 1
  }
  return cut(out)
}

/** a hunk's start and count on the new side (1-based lines of the diffed text), as lines of the file it was taken from */
function inFile(numbers: readonly number[], start: number, count: number): [number, number] {
  const at = (line: number): number => (line <= 0 ? 0 : (numbers[line - 1] ?? line))
  if (count === 0) return [at(start), 0]
  const first = at(start)
  return [first, at(start + count - 1) - first + 1]
}

function cut(lines: readonly string[]): string {
  // only the newline after the last line goes: a last context line that is empty keeps its space
  if (lines.length <= MAX_DIFF_LINES) return lines.join('\n').replace(/\n+$/, '')
  return [...lines.slice(0, MAX_DIFF_LINES), `… ${lines.length - MAX_DIFF_LINES} more diff lines`].join('\n')
}
