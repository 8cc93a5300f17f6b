import { createTwoFilesPatch } from 'diff'

const MAX_DIFF_LINES = 200

/** A unified diff, cut to a readable length; the header says what was compared. */
export function unifiedDiff(oldLabel: string, newLabel: string, oldText: string, newText: string, context = 3): string {
  const patch = createTwoFilesPatch(oldLabel, newLabel, oldText, newText, undefined, undefined, { context })
  const lines = patch.split('\n').filter((l) => !l.startsWith('====='))
  if (lines.length <= MAX_DIFF_LINES) return lines.join('\n').trimEnd()
  return [...lines.slice(0, MAX_DIFF_LINES), `… ${lines.length - MAX_DIFF_LINES} more diff lines`].join('\n')
}
