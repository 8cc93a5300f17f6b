/**
 * @fileoverview Line numbers from character offsets. The index of line starts is built on first
 * use only, once per text: lockfiles and minified bundles run to tens of megabytes.
 */

export class LineIndex {
  readonly text: string
  readonly #firstLine: number
  #starts: number[] | undefined

  /** @param firstLine the number of the text's first line, for text cut out of a larger file */
  constructor(text: string, firstLine = 1) {
    this.text = text
    this.#firstLine = firstLine
  }

  /** offsets where each line starts */
  get starts(): readonly number[] {
    if (!this.#starts) {
      const starts = [0]
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1)
      this.#starts = starts
    }
    return this.#starts
  }

  get count(): number {
    return this.starts.length
  }

  /** the line number of a character offset */
  lineAt(offset: number): number {
    const starts = this.starts
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((starts[mid] ?? 0) <= offset) lo = mid
      else hi = mid - 1
    }
    return this.#firstLine + lo
  }

  /** the text of a line (by its number), without its end of line */
  lineText(line: number): string {
    const index = line - this.#firstLine
    const start = this.starts[index]
    if (start === undefined) return ''
    const end = this.starts[index + 1]
    return this.text.slice(start, end === undefined ? undefined : end - 1).replace(/\r$/, '')
  }
}

/** A text's lines without their LF, and without the empty one after a last LF (a CR stays). */
export function linesOf(text: string): string[] {
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}
