import { changedAtLeast, countItems, lineDiff } from '../../util/line-diff.js'
import { unifiedDiff, unifiedDiffOfChanges, type LineChange } from '../../util/diff.js'
import { linesOf } from '../../util/lines.js'
import type { Catalog, CatalogEntry } from './catalog.js'

export interface NumberedLine {
  /** 1-based line number in the file the line belongs to */
  readonly line: number
  readonly text: string
}

export interface NearestVersion {
  readonly entry: CatalogEntry
  /** lines of the given file that the known version does not have, numbered in the given file */
  readonly addedLines: readonly NumberedLine[]
  /** lines of the known version that the given file does not have, numbered in the known version */
  readonly removedLines: readonly NumberedLine[]
  /** unified diff from the known version to the given file */
  readonly unifiedDiff: string
  /** share of lines the two have in common, 0..1 */
  readonly similarity: number
}

/**
 * A version from which the file differs in more lines than this is not near enough to compare: the
 * diff stops there (libtool 2.4.2's ltmain.sh is about 8,000 changed lines from 2.4.7's). Bounds on
 * edit length and on the candidates tried, not a clock, so a slow or loaded machine gives the same
 * answer.
 */
const MAX_CHANGED_LINES = 20_000
const MAX_CANDIDATES = 8

/** Lines as latin1 strings (one character per byte, so comparison is byte-exact), without the LF; a CR stays. */
const byteLines = (content: Buffer): string[] => linesOf(content.toString('latin1'))

const display = (line: string): string => Buffer.from(line.replace(/\r$/, ''), 'latin1').toString('utf8')

interface Measured {
  readonly entry: CatalogEntry
  readonly knownContent: Buffer
  readonly known: readonly string[]
  readonly added: NumberedLine[]
  readonly removed: NumberedLine[]
  readonly common: number
  /** the diff as runs of shared, added or removed lines, for showing it */
  readonly runs: readonly { readonly count: number; readonly added?: boolean; readonly removed?: boolean }[]
}

function measure(entry: CatalogEntry, knownContent: Buffer, known: string[], given: string[], maxEditLength: number): Measured | undefined {
  const diff = lineDiff(known, given, maxEditLength)
  if (!diff) return undefined
  const added: NumberedLine[] = []
  const removed: NumberedLine[] = []
  let oldLine = 0
  let newLine = 0
  let common = 0
  for (const change of diff) {
    const count = change.value.length
    if (change.added) for (let k = 0; k < count; k++) added.push({ line: ++newLine, text: display(given[newLine - 1] ?? '') })
    else if (change.removed) for (let k = 0; k < count; k++) removed.push({ line: ++oldLine, text: display(known[oldLine - 1] ?? '') })
    else {
      oldLine += count
      newLine += count
      common += count
    }
  }
  const runs = diff.map((c) => ({ count: c.value.length, ...(c.added ? { added: true } : c.removed ? { removed: true } : {}) }))
  return { entry, knownContent, known, added, removed, common, runs }
}

/** The line diff of the nearest version, as the lines to show. */
function changesOf(best: Measured, given: readonly string[]): LineChange[] {
  let oldLine = 0
  let newLine = 0
  return best.runs.map((run) => {
    const side = run.removed ? best.known.slice(oldLine, oldLine + run.count) : given.slice(newLine, newLine + run.count)
    if (!run.added) oldLine += run.count
    if (!run.removed) newLine += run.count
    return { value: side.map(display), ...(run.added ? { added: true } : run.removed ? { removed: true } : {}) }
  })
}

const endsWithNewline = (content: Buffer): boolean => content.length === 0 || content[content.length - 1] === 0x0a

const labelOf = (entry: CatalogEntry): string =>
  `${entry.origin.startsWith('system:') ? entry.origin.slice('system:'.length) : `${entry.origin}:${entry.path}`}${entry.serial ? ` (serial ${entry.serial})` : entry.stamp ? ` (${entry.stamp})` : ''}`

/**
 * The locally available known version of `basename` (user store or system files) from which
 * `content` differs by the fewest changed lines, with those lines. Undefined when no version of
 * that name has its bytes available here.
 */
export async function nearestKnownVersion(basename: string, content: Buffer, catalog: Catalog): Promise<NearestVersion | undefined> {
  const candidates = await catalog.contents(basename)
  if (candidates.length === 0) return undefined
  const given = byteLines(content)
  const givenCounts = countItems(given)
  const ranked = candidates
    .map((c) => {
      const lines = byteLines(c.content)
      return { ...c, lines, bound: changedAtLeast(lines, givenCounts, given.length) }
    })
    .sort((a, b) => a.bound - b.bound)

  let best: Measured | undefined
  for (const candidate of ranked.slice(0, MAX_CANDIDATES)) {
    const bestChanged = best ? best.added.length + best.removed.length : Infinity
    // sorted by lower bound: no later candidate can beat the best any more
    if (candidate.bound >= bestChanged || candidate.bound > MAX_CHANGED_LINES) break
    const measured = measure(candidate.entry, candidate.content, candidate.lines, given, Math.min(bestChanged - 1, MAX_CHANGED_LINES))
    if (measured && measured.added.length + measured.removed.length < bestChanged) best = measured
  }
  if (!best) return undefined
  const total = best.known.length + given.length
  return {
    entry: best.entry,
    addedLines: best.added,
    removedLines: best.removed,
    unifiedDiff: endsWithNewline(best.knownContent) && endsWithNewline(content) ? unifiedDiffOfChanges(labelOf(best.entry), basename, changesOf(best, given)) : unifiedDiff(labelOf(best.entry), basename, best.knownContent.toString('utf8'), content.toString('utf8')),
    similarity: total === 0 ? 1 : (2 * best.common) / total,
  }
}

const SEPARATOR = '–'
const MAX_PIECES = 8
const MAX_STAMPS = 5

const compareDotted = (a: string, b: string): number => {
  const x = a.split('.').map(Number)
  const y = b.split('.').map(Number)
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1)
    if (d !== 0) return d
  }
  return 0
}

/** `1, 2, 3, 4, 5, 7` → `1–5, 7`; a long list becomes `first … last (N distinct)`. */
function compactSerials(serials: readonly string[]): string {
  const pieces: string[] = []
  let start: string | undefined
  let previous: string | undefined
  const flush = (): void => {
    if (start === undefined || previous === undefined) return
    pieces.push(start === previous ? start : `${start}${SEPARATOR}${previous}`)
  }
  for (const s of serials) {
    const consecutive = previous !== undefined && /^\d+$/.test(s) && /^\d+$/.test(previous) && Number(s) === Number(previous) + 1
    if (!consecutive) {
      flush()
      start = s
    }
    previous = s
  }
  flush()
  if (pieces.length <= MAX_PIECES) return pieces.join(', ')
  return `${serials[0]} … ${serials[serials.length - 1]} (${serials.length} distinct)`
}

/**
 * The serials known for this name, compact and sorted (`serials 1–5`), or its stamps when it has
 * no serials (`stamps 2018-03-07.03, 2020-11-14.01`); empty when neither is known.
 */
export function describeKnownVersions(basename: string, catalog: Catalog): string {
  const versions = catalog.versionsOf(basename)
  const serials = [...new Set(versions.flatMap((v) => (v.serial !== undefined ? [v.serial] : [])))].sort(compareDotted)
  if (serials.length > 0) return `${serials.length === 1 ? 'serial' : 'serials'} ${compactSerials(serials)}`
  const stamps = [...new Set(versions.flatMap((v) => (v.stamp !== undefined ? [v.stamp] : [])))].sort()
  if (stamps.length === 0) return ''
  if (stamps.length <= MAX_STAMPS) return `${stamps.length === 1 ? 'stamp' : 'stamps'} ${stamps.join(', ')}`
  return `stamps ${stamps[0]} … ${stamps[stamps.length - 1]} (${stamps.length} distinct)`
}
