import { applyPatch, createTwoFilesPatch, diffArrays } from 'diff'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { unifiedDiff, unifiedDiffOfChanges } from '../../src/util/diff.js'

const toText = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join('')

/** The diff built from a line diff computed elsewhere reads as jsdiff's own patch of the two texts. */
const fromChanges = (a: readonly string[], b: readonly string[]): string => unifiedDiffOfChanges('old', 'new', diffArrays([...a], [...b]))

/** jsdiff's own patch of two texts, as unifiedDiff once wrote it. */
const jsdiffPatch = (a: string, b: string): string =>
  createTwoFilesPatch('old', 'new', a, b, undefined, undefined, { context: 3 })
    .split('\n')
    .filter((l) => !l.startsWith('====='))
    .join('\n')
    .replace(/\n+$/, '')

const line = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'fi', 'dnl x', '')
const edited = fc.tuple(fc.array(line, { maxLength: 60 }), fc.array(fc.tuple(fc.nat(80), fc.nat(3), fc.array(line, { maxLength: 4 })), { maxLength: 6 })).map(([base, edits]) => {
  const changed = [...base]
  for (const [at, remove, insert] of edits) changed.splice(at % (changed.length + 1), remove, ...insert)
  return [base, changed] as const
})

describe('unifiedDiff', () => {
  it('writes a patch that turns the old text into the new one, on random edits, with or without a last newline', () => {
    fc.assert(
      fc.property(edited, fc.boolean(), ([base, changed], lastNewline) => {
        const a = toText(base)
        const b = lastNewline ? toText(changed) : toText(changed).replace(/\n$/, '')
        const patch = unifiedDiff('old', 'new', a, b)
        // equal texts: the header alone; otherwise a patch that applies
        if (a === b) expect(patch).toBe('--- old\n+++ new')
        else expect(applyPatch(a, `${patch}\n`)).toBe(b)
      }),
      { numRuns: 400 },
    )
  })

  it('gives up on two long files that share nothing instead of diffing them line by line', () => {
    const a = toText(Array.from({ length: 15_000 }, (_, i) => `old ${i}`))
    const b = toText(Array.from({ length: 15_000 }, (_, i) => `new ${i}`))
    expect(unifiedDiff('old', 'new', a, b)).toBe('--- old\n+++ new\n… the files differ in too many lines to show')
  })
})

describe('unifiedDiffOfChanges', () => {
  it('matches the patch jsdiff writes for the same two texts, on random edits', () => {
    fc.assert(
      fc.property(edited, ([base, changed]) => {
        expect(fromChanges(base, changed)).toBe(jsdiffPatch(toText(base), toText(changed)))
      }),
      { numRuns: 400 },
    )
  })

  it('numbers hunks by each side, merges changes closer than twice the context, and says how much was cut', () => {
    const base = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`)
    const changed = [...base]
    changed[4] = 'five'
    changed.splice(10, 0, 'inserted')
    changed.splice(30, 2)
    const diff = fromChanges(base, changed)
    expect(diff.split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ -2,12 +2,13 @@', '@@ -27,8 +28,6 @@'])
    const long = Array.from({ length: 400 }, (_, i) => `new ${i}`)
    const cut = fromChanges(base, long).split('\n')
    expect(cut).toHaveLength(201)
    expect(cut[200]).toBe(`… ${2 + 1 + 40 + 400 - 200} more diff lines`)
  })

  it('numbers the new side by the lines of the file it was taken from, when lines were left out before diffing', () => {
    const hunks = (d: string) => d.split('\n').filter((l) => l.startsWith('@@'))
    // the file was `a`, `#x`, `B`, `c`: `#x` was left out, so B is the file's line 3 and the hunk spans 4 of its lines
    expect(hunks(unifiedDiff('old', 'new', 'a\nb\nc\n', 'a\nB\nc\n', 3, [1, 3, 4]))).toEqual(['@@ -1,3 +1,4 @@'])
    expect(hunks(unifiedDiff('old', 'new', 'a\nb\nc\n', 'a\nB\nc\n'))).toEqual(['@@ -1,3 +1,3 @@'])
    // two lines left out above the change, none inside it
    const far = Array.from({ length: 20 }, (_, i) => `l${i}`)
    const edited = far.map((l, i) => (i === 15 ? 'edited' : l))
    const numbers = far.map((_, i) => i + 3)
    expect(hunks(unifiedDiff('old', 'new', `${far.join('\n')}\n`, `${edited.join('\n')}\n`, 3, numbers))).toEqual(['@@ -13,7 +15,7 @@'])
    // a hunk that only removes lines is numbered by the file's line before it
    expect(hunks(unifiedDiff('old', 'new', 'a\nb\n', 'a\n', 0, [5]))).toEqual(['@@ -2,1 +5,0 @@'])
  })
})
