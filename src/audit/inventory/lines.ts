/** @fileoverview Line numbers from character offsets, computed once per file (lockfiles can be tens of MB). */

export { LineIndex } from '../../util/lines.js'

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
