import { describe, expect, it } from 'vitest'
import { makeAssignments } from '../../src/verify/explain/make-index.js'

describe("a makefile's assignments", () => {
  it('joins continued lines, drops a trailing comment and keeps what it says apart', () => {
    const text = 'A = x \\\n\ty # the rest \\\n\tz\nB += @B@\n\trecipe = not an assignment\nC := c#no comment\n'
    expect(makeAssignments(text).map(({ line, name, op, value, comment }) => ({ line, name, op, value, comment }))).toEqual([
      { line: 1, name: 'A', op: '=', value: 'x y', comment: 'the rest z' },
      { line: 4, name: 'B', op: '+=', value: '@B@', comment: '' },
      { line: 6, name: 'C', op: ':=', value: 'c#no comment', comment: '' },
    ])
  })

  it('reads a value with a long run of blanks, before a comment or not, as make does', () => {
    const blanks = ' \t'.repeat(500_000)
    expect(makeAssignments(`A = x${blanks}y\nB = x${blanks}#${blanks}c\n`).map(({ value, comment }) => ({ value, comment }))).toEqual([
      { value: 'x y', comment: '' },
      { value: 'x', comment: 'c' },
    ])
  })

  it('reads a value continued over half a million lines in one pass, each line break a blank', () => {
    const lines = 500_000
    const [a, b] = makeAssignments(`A = \\\n${'  w \\\n'.repeat(lines)}  end\nB = b\n`)
    expect(a?.value.split(' ')).toHaveLength(lines + 1)
    expect(a?.value.endsWith('w w end')).toBe(true)
    expect(b).toMatchObject({ line: lines + 3, name: 'B', value: 'b' })
  })
})
