import { describe, expect, it } from 'vitest'
import { makeAssignments, makeRules } from '../../src/verify/explain/make-index.js'

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

describe("a makefile's rules", () => {
  it("keeps a recipe after a conditional's lines with the rule before them, as make and automake read it", () => {
    const am = 'if DOT_SVN\nversion.h: .svn/entries\nelse\nversion.h:\nendif\n\techo \\#define REV \\"r`svnversion`\\" > version.h\n'
    const rules = makeRules(am)
    expect(rules.map((r) => [r.targets, r.prerequisites, r.recipe.length])).toEqual([
      [['version.h'], ['.svn/entries'], 0],
      [['version.h'], [], 1],
    ])
    const gnu = 'all: x\nifeq ($(V),1)\n\techo loud\nelse\n\t@echo quiet\nendif\n'
    expect(makeRules(gnu)[0]?.recipe).toEqual(['echo loud', '@echo quiet'])
    // a line that is neither ends the rule: a tab line after it belongs to no rule
    for (const ender of ['X = 1', 'include other.mk', 'elsewhere = 2', 'endif_x := 3']) {
      expect(makeRules(`version.h:\n${ender}\n\techo r1 > version.h\n`)[0]?.recipe, ender).toEqual([])
    }
  })
})
