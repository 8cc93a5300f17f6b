/**
 * @fileoverview The shortest line diff of two sequences, as runs of shared, removed and added items
 * (removed before added where one replaces the other, as `diff` prints them).
 *
 * Most inputs go to Jest's diff-sequences, a linear-space Myers diff over indices that is an order
 * of magnitude faster than building the edit paths as objects. Its cost grows with the number of
 * items times the number of changes and it has no bound on the latter, so very long inputs go to
 * jsdiff, which stops at a given edit length: a crafted file can make the diff give up, not run on.
 */
import { createRequire } from 'node:module'
import { diffArrays } from 'diff'

export interface Run<T> {
  readonly value: readonly T[]
  readonly added?: boolean
  readonly removed?: boolean
}

// a CommonJS module whose default export bundlers and Node import differently; require reads it one way
type DiffSequences = (aLength: number, bLength: number, isCommon: (aIndex: number, bIndex: number) => boolean, foundSubsequence: (count: number, aStart: number, bStart: number) => void) => void
const diffSequences = (createRequire(import.meta.url)('@jest/diff-sequences') as { default: DiffSequences }).default

/** Up to this many items on both sides together, the unbounded diff stays near a second even when every item moved. */
export const UNBOUNDED_MAX_ITEMS = 24_000
/** More changed items than this, and two sequences are not one edited from the other. */
const DEFAULT_MAX_EDIT_LENGTH = 5_000

/** Items as small integers, equal where the items are: the diff then compares numbers. */
function interned<T>(a: readonly T[], b: readonly T[]): { a: Int32Array; b: Int32Array } {
  const ids = new Map<T, number>()
  const idOf = (item: T): number => {
    let id = ids.get(item)
    if (id === undefined) ids.set(item, (id = ids.size))
    return id
  }
  return { a: Int32Array.from(a, idOf), b: Int32Array.from(b, idOf) }
}

/** The indices of `items` whose id `other` holds too. */
function heldByOther(items: Int32Array, other: Int32Array): Int32Array {
  const held = new Set<number>(other)
  const kept = new Int32Array(items.length)
  let n = 0
  for (let i = 0; i < items.length; i++) if (held.has(items[i] ?? -1)) kept[n++] = i
  return kept.subarray(0, n)
}

/** How often each item occurs. */
export function countItems<T>(items: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>()
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1)
  return counts
}

/** A lower bound on the items a diff of `a` and `b` changes: those one side holds more often than the other. */
export function changedAtLeast<T>(a: readonly T[], bCounts: ReadonlyMap<T, number>, bLength: number): number {
  const remaining = new Map(bCounts)
  let common = 0
  for (const item of a) {
    const n = remaining.get(item) ?? 0
    if (n > 0) {
      common++
      remaining.set(item, n - 1)
    }
  }
  return a.length + bLength - 2 * common
}

/**
 * The runs turning `a` into `b` with the fewest changed items, or undefined when more than
 * `maxEditLength` items would change.
 */
export function lineDiff<T>(a: readonly T[], b: readonly T[], maxEditLength = DEFAULT_MAX_EDIT_LENGTH): Run<T>[] | undefined {
  if (a.length + b.length > UNBOUNDED_MAX_ITEMS) {
    // every item one side has more often than the other is a change: past the bound, no diff is needed to know
    if (changedAtLeast(a, countItems(b), b.length) > maxEditLength) return undefined
    return diffArrays([...a], [...b], { maxEditLength })
  }
  const ids = interned(a, b)
  // An item the other side never holds cannot be shared: the diff of the rest finds the same shared
  // items, and costs a fraction where two versions differ mostly in lines of their own (GNU diff
  // discards such lines the same way).
  const keptA = heldByOther(ids.a, ids.b)
  const keptB = heldByOther(ids.b, ids.a)
  const runs: Run<T>[] = []
  let ai = 0
  let bi = 0
  let changed = 0
  const changesUpTo = (aEnd: number, bEnd: number): void => {
    if (aEnd > ai) runs.push({ value: a.slice(ai, aEnd), removed: true })
    if (bEnd > bi) runs.push({ value: b.slice(bi, bEnd), added: true })
    changed += aEnd - ai + (bEnd - bi)
  }
  const sharedAt = (aStart: number, bStart: number, count: number): void => {
    changesUpTo(aStart, bStart)
    const last = runs[runs.length - 1]
    const shared = a.slice(aStart, aStart + count)
    // the diff may report one shared stretch in pieces
    if (last && !last.added && !last.removed) runs[runs.length - 1] = { value: [...last.value, ...shared] }
    else runs.push({ value: shared })
    ai = aStart + count
    bi = bStart + count
  }
  diffSequences(
    keptA.length,
    keptB.length,
    (i: number, j: number) => ids.a[keptA[i] ?? -1] === ids.b[keptB[j] ?? -1],
    (count: number, aStart: number, bStart: number) => {
      // items left out may sit between kept ones: a shared stretch is shared where both stay consecutive
      let k = 0
      while (k < count) {
        const aFrom = keptA[aStart + k] ?? 0
        const bFrom = keptB[bStart + k] ?? 0
        let length = 1
        while (k + length < count && keptA[aStart + k + length] === aFrom + length && keptB[bStart + k + length] === bFrom + length) length++
        sharedAt(aFrom, bFrom, length)
        k += length
      }
    },
  )
  changesUpTo(a.length, b.length)
  return changed > maxEditLength ? undefined : runs
}
