/** @fileoverview Line numbers from character offsets, computed once per file (lockfiles can be tens of MB). */

export class LineIndex {
  readonly text: string
  private starts: number[] | undefined

  constructor(text: string) {
    this.text = text
  }

  private lineStarts(): number[] {
    if (this.starts === undefined) {
      const starts = [0]
      let i = this.text.indexOf('\n')
      while (i !== -1) {
        starts.push(i + 1)
        i = this.text.indexOf('\n', i + 1)
      }
      this.starts = starts
    }
    return this.starts
  }

  /** 1-based line of a character offset */
  lineAt(offset: number): number {
    const starts = this.lineStarts()
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((starts[mid] ?? 0) <= offset) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }

  /** the text of a 1-based line, without its end of line */
  lineText(line: number): string {
    const starts = this.lineStarts()
    const start = starts[line - 1]
    if (start === undefined) return ''
    const end = starts[line]
    return this.text.slice(start, end === undefined ? undefined : end - 1).replace(/\r$/, '')
  }
}

/**
 * Finds needles in document order: each search starts where the previous hit was, so walking a
 * parsed document in its own order costs one pass over the text. A needle not found leaves the
 * cursor where it was.
 */
export class SequentialFinder {
  private cursor = 0
  private readonly text: string

  constructor(text: string) {
    this.text = text
  }

  find(needle: string): number | undefined {
    const at = this.text.indexOf(needle, this.cursor)
    if (at === -1) return undefined
    this.cursor = at + needle.length
    return at
  }
}
