import { diffArrays } from 'diff'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lineDiff, type Run } from '../../src/util/line-diff.js'

const sideA = <T>(runs: readonly Run<T>[]): T[] => runs.filter((r) => !r.added).flatMap((r) => [...r.value])
const sideB = <T>(runs: readonly Run<T>[]): T[] => runs.filter((r) => !r.removed).flatMap((r) => [...r.value])
const changedIn = <T>(runs: readonly Run<T>[]): number => runs.filter((r) => r.added || r.removed).reduce((n, r) => n + r.value.length, 0)

const edited = (base: readonly string[], edits: readonly [number, number, string[]][]): string[] => {
  const changed = [...base]
  for (const [at, remove, insert] of edits) changed.splice(at % (changed.length + 1), remove, ...insert)
  return changed
}

const line = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'fi', 'dnl x', '')
const edits = fc.array(fc.tuple(fc.nat(80), fc.nat(3), fc.array(line, { maxLength: 4 })), { maxLength: 6 })

/** The diff rebuilds both sides and changes as few lines as jsdiff's finds. */
function expectMinimal(base: string[], changed: string[]): Run<string>[] {
  const runs = lineDiff(base, changed)
  expect(runs).toBeDefined()
  if (!runs) return []
  expect(sideA(runs)).toEqual(base)
  expect(sideB(runs)).toEqual(changed)
  const reference = diffArrays(base, changed).filter((c) => c.added || c.removed).reduce((n, c) => n + c.value.length, 0)
  expect(changedIn(runs)).toBe(reference)
  return runs
}

describe('lineDiff', () => {
  it('rebuilds both sides and changes as few lines as jsdiff finds, on random edits', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), edits, (base, e) => {
        expectMinimal(base, edited(base, e))
      }),
      { numRuns: 400 },
    )
  })

  it('stays minimal where most changed lines are held by one side only', () => {
    // lines of their own on each side, mixed with shared ones: the diff leaves the former out of its search
    const own = (side: string) => fc.oneof(line, fc.nat(40).map((n) => `${side} ${n}`))
    fc.assert(
      fc.property(fc.array(own('base'), { maxLength: 60 }), fc.array(fc.tuple(fc.nat(80), fc.nat(4), fc.array(own('edit'), { maxLength: 5 })), { maxLength: 8 }), (base, e) => {
        const runs = expectMinimal(base, edited(base, e))
        const isChange = (r: Run<string> | undefined): boolean => Boolean(r?.added || r?.removed)
        for (let i = 1; i < runs.length; i++) expect(isChange(runs[i]) || isChange(runs[i - 1])).toBe(true)
      }),
      { numRuns: 400 },
    )
  })

  it('puts what is removed before what replaces it, and never two shared runs in a row', () => {
    const runs = lineDiff(['keep', 'old 1', 'old 2', 'keep too', 'same'], ['keep', 'new', 'keep too', 'same'])
    expect(runs).toEqual([{ value: ['keep'] }, { value: ['old 1', 'old 2'], removed: true }, { value: ['new'], added: true }, { value: ['keep too', 'same'] }])
  })

  it('gives up when more lines change than allowed, on short and on long inputs alike', () => {
    const short = Array.from({ length: 100 }, (_, i) => `line ${i}`)
    const shortEdited = short.map((l, i) => (i % 2 === 0 ? `${l} changed` : l))
    expect(lineDiff(short, shortEdited, 99)).toBeUndefined()
    expect(changedIn(lineDiff(short, shortEdited, 100) ?? [])).toBe(100)

    // long enough for the bounded path: 30,000 lines, every tenth changed
    const long = Array.from({ length: 15_000 }, (_, i) => `line ${i}`)
    const longEdited = long.map((l, i) => (i % 10 === 0 ? `${l} changed` : l))
    expect(lineDiff(long, longEdited, 2_999)).toBeUndefined()
    const runs = lineDiff(long, longEdited, 3_000)
    expect(runs && changedIn(runs)).toBe(3_000)
    expect(runs && sideB(runs)).toEqual(longEdited)
  })
})
