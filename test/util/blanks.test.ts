import { describe, expect, it } from 'vitest'
import { oneBlankBeforeContinuation, withoutContinuation } from '../../src/util/blanks.js'

describe("a line's end", () => {
  it('makes the blanks before a continuation one, and leaves a line without them or without a backslash as it is', () => {
    expect(oneBlankBeforeContinuation('a \t  \\')).toBe('a \\')
    expect(oneBlankBeforeContinuation('a \\')).toBe('a \\')
    expect(oneBlankBeforeContinuation('a\\')).toBe('a\\')
    expect(oneBlankBeforeContinuation('a  ')).toBe('a  ')
    expect(oneBlankBeforeContinuation('  \\')).toBe(' \\')
  })

  it('drops a continuation and the white space before it', () => {
    expect(withoutContinuation('a b \t\\')).toBe('a b')
    expect(withoutContinuation('a b  ')).toBe('a b  ')
  })

  it('reads a million blanks that end in something else as they are', () => {
    const line = `a${' '.repeat(1_000_000)}b`
    expect(oneBlankBeforeContinuation(line)).toBe(line)
    expect(oneBlankBeforeContinuation(`${line}${' '.repeat(1_000_000)}\\`)).toBe(`${line} \\`)
    expect(withoutContinuation(line)).toBe(line)
  })
})
