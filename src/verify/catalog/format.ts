import { gunzipSync, gzipSync, constants } from 'node:zlib'
import type { CatalogEntry } from './entry.js'

/**
 * The shipped catalog file (data/README.md): a gzip stream holding
 *
 *   magic "SLCAT\x01\n\0" (8 bytes) · u32 LE header length · header (UTF-8 JSON)
 *   · hash table (32 bytes per distinct SHA-256, exact and loose together)
 *   · one column per field, in header order, each `entries` little-endian values
 *
 * Strings repeat a lot (2,500 basenames over 55,000 entries), so each string field is an index
 * into a table in the header; nullable fields use 0 for "absent" and index + 1 otherwise.
 * Columns rather than rows keep similar bytes together, which gzip compresses well.
 */

export type CatalogRecord = Omit<CatalogEntry, 'origin'>

export const CATALOG_MAGIC = Buffer.from('SLCAT\x01\n\0', 'latin1')
export const CATALOG_FORMAT_VERSION = 1

type Width = 1 | 2 | 4
const COLUMNS = [
  ['basename', 2],
  ['pathPrefix', 2],
  ['project', 1],
  ['source', 1],
  ['sha256', 4],
  ['looseSha256', 4],
  ['serial', 2],
  ['stamp', 2],
  ['firstSeen', 4],
  ['firstRelease', 2],
  ['size', 4],
] as const satisfies readonly (readonly [string, Width])[]
type Column = (typeof COLUMNS)[number][0]
const WIDTH: ReadonlyMap<Column, Width> = new Map(COLUMNS)

interface Tables {
  basename: string[]
  /** `dir/` or `` (the path is prefix + basename), or a whole path when it does not end in the basename */
  pathPrefix: string[]
  project: string[]
  source: string[]
  serial: string[]
  stamp: string[]
  firstRelease: string[]
}

export interface CatalogHeader {
  readonly format: 'stagelight-autotools-catalog'
  readonly version: number
  readonly entries: number
  readonly hashes: number
  readonly columns: readonly (readonly [string, number])[]
  readonly tables: Tables
  /** free-form facts about the input: file name, its SHA-256, when it was converted */
  readonly input?: Readonly<Record<string, string | number>>
}

class Interner {
  readonly values: string[] = []
  readonly #index = new Map<string, number>()
  readonly #limit: number
  readonly #name: string
  constructor(limit: number, name: string) {
    this.#limit = limit
    this.#name = name
  }
  add(value: string): number {
    let i = this.#index.get(value)
    if (i === undefined) {
      i = this.values.length
      if (i >= this.#limit) throw new Error(`catalog: more than ${this.#limit} distinct ${this.#name} values`)
      this.values.push(value)
      this.#index.set(value, i)
    }
    return i
  }
}

const pathPrefixOf = (path: string, basename: string): string =>
  path === basename ? '' : path.endsWith(`/${basename}`) ? path.slice(0, path.length - basename.length) : path

const pathFrom = (prefix: string, basename: string): string => (prefix === '' || prefix.endsWith('/') ? prefix + basename : prefix)

const HEX = /^[0-9a-f]{64}$/

/** Seconds since the epoch for a `YYYY-MM-DDTHH:MM:SSZ` date; throws when the date would not come back unchanged. */
function epochSeconds(iso: string): number {
  const ms = Date.parse(iso)
  const seconds = ms / 1000
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > 0xffffffff || isoFromSeconds(seconds) !== iso) {
    throw new Error(`catalog: date ${JSON.stringify(iso)} is not of the form YYYY-MM-DDTHH:MM:SSZ`)
  }
  return seconds
}
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const isoFromSeconds = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')

/** Encodes records into the shipped format (gzip level 9). */
export function encodeCatalog(records: readonly CatalogRecord[], input?: Readonly<Record<string, string | number>>): Buffer {
  const t = {
    basename: new Interner(0xffff, 'basename'),
    pathPrefix: new Interner(0xffff, 'path prefix'),
    project: new Interner(0xff, 'project'),
    source: new Interner(0xff, 'source'),
    serial: new Interner(0xfffe, 'serial'),
    stamp: new Interner(0xfffe, 'stamp'),
    firstRelease: new Interner(0xfffe, 'first release'),
  }
  const hashes = new Map<string, number>()
  const hashIndex = (hex: string): number => {
    if (!HEX.test(hex)) throw new Error(`catalog: ${JSON.stringify(hex)} is not a lowercase SHA-256`)
    let i = hashes.get(hex)
    if (i === undefined) hashes.set(hex, (i = hashes.size))
    return i
  }
  const optional = (interner: Interner, value: string | undefined): number => (value === undefined ? 0 : interner.add(value) + 1)

  const n = records.length
  const columns = new Map<Column, Buffer>(COLUMNS.map(([name, width]) => [name, Buffer.alloc(n * width)]))
  const put = (name: Column, i: number, value: number): void => {
    const width = WIDTH.get(name)
    const buf = columns.get(name)
    if (!buf || width === undefined) throw new Error(`catalog: unknown column ${name}`)
    if (width === 1) buf.writeUInt8(value, i)
    else if (width === 2) buf.writeUInt16LE(value, i * 2)
    else buf.writeUInt32LE(value, i * 4)
  }
  records.forEach((r, i) => {
    put('basename', i, t.basename.add(r.basename))
    put('pathPrefix', i, t.pathPrefix.add(pathPrefixOf(r.path, r.basename)))
    put('project', i, t.project.add(r.project))
    put('source', i, t.source.add(r.source))
    put('sha256', i, hashIndex(r.sha256))
    put('looseSha256', i, hashIndex(r.looseSha256))
    put('serial', i, optional(t.serial, r.serial))
    put('stamp', i, optional(t.stamp, r.stamp))
    put('firstSeen', i, r.firstSeen === undefined ? 0 : epochSeconds(r.firstSeen))
    put('firstRelease', i, optional(t.firstRelease, r.firstRelease))
    if (r.size !== undefined && (!Number.isInteger(r.size) || r.size < 0 || r.size >= 0xffffffff)) throw new Error(`catalog: bad size ${r.size}`)
    // sizes are stored + 1 so that 0 can mean "unknown"
    put('size', i, r.size === undefined ? 0 : r.size + 1)
  })

  const hashTable = Buffer.alloc(hashes.size * 32)
  for (const [hex, i] of hashes) hashTable.write(hex, i * 32, 'hex')
  const header: CatalogHeader = {
    format: 'stagelight-autotools-catalog',
    version: CATALOG_FORMAT_VERSION,
    entries: n,
    hashes: hashes.size,
    columns: COLUMNS.map(([name, width]) => [name, width]),
    tables: {
      basename: t.basename.values,
      pathPrefix: t.pathPrefix.values,
      project: t.project.values,
      source: t.source.values,
      serial: t.serial.values,
      stamp: t.stamp.values,
      firstRelease: t.firstRelease.values,
    },
    ...(input ? { input } : {}),
  }
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8')
  const length = Buffer.alloc(4)
  length.writeUInt32LE(headerBytes.length)
  const raw = Buffer.concat([CATALOG_MAGIC, length, headerBytes, hashTable, ...COLUMNS.map(([name]) => columns.get(name) ?? Buffer.alloc(0))])
  return gzipSync(raw, { level: constants.Z_BEST_COMPRESSION })
}

/** Thrown for a file that is not a catalog of this format; the caller names the file. */
export class CatalogFormatError extends Error {}

function readHeader(raw: Buffer): { header: CatalogHeader; offset: number } {
  if (raw.length < 12 || !raw.subarray(0, 8).equals(CATALOG_MAGIC)) throw new CatalogFormatError('not a stagelight catalog (bad magic)')
  const length = raw.readUInt32LE(8)
  if (12 + length > raw.length) throw new CatalogFormatError('truncated header')
  let header: CatalogHeader
  try {
    header = JSON.parse(raw.toString('utf8', 12, 12 + length)) as CatalogHeader
  } catch {
    throw new CatalogFormatError('unreadable header')
  }
  if (header.format !== 'stagelight-autotools-catalog' || header.version !== CATALOG_FORMAT_VERSION) {
    throw new CatalogFormatError(`unsupported format ${String(header.format)} version ${String(header.version)}`)
  }
  const expected = JSON.stringify(COLUMNS)
  if (JSON.stringify(header.columns) !== expected) throw new CatalogFormatError('unexpected column layout')
  return { header, offset: 12 + length }
}

/**
 * The shipped catalog opened for lookups without building every entry: entries are made when
 * asked for, and the indexes by hash and by name are arrays of entry numbers. Loading it costs
 * one pass over the columns instead of fifty thousand objects.
 */
export interface OpenedCatalog {
  readonly header: CatalogHeader
  readonly count: number
  /** entry `i`, built on first use */
  entry(i: number): CatalogEntry
  /** entries with these exact bytes / this loose hash / this basename, in file order */
  withSha(sha256: string): readonly CatalogEntry[] | undefined
  withLoose(looseSha256: string): readonly CatalogEntry[] | undefined
  withName(basename: string): readonly CatalogEntry[] | undefined
  hasName(basename: string): boolean
}

/** Entry numbers grouped by a key number: `items[offsets[k] … offsets[k + 1]]` have key `k`. */
function groupBy(count: number, keys: number, keyOf: (i: number) => number): { offsets: Int32Array; items: Int32Array } {
  const offsets = new Int32Array(keys + 1)
  for (let i = 0; i < count; i++) (offsets[keyOf(i) + 1] as number)++
  for (let k = 0; k < keys; k++) offsets[k + 1] = (offsets[k + 1] as number) + (offsets[k] as number)
  const fill = offsets.slice(0, keys)
  const items = new Int32Array(count)
  for (let i = 0; i < count; i++) items[(fill[keyOf(i)] as number)++] = i
  return { offsets, items }
}

/** Opens the shipped format: the layout and every index are checked now, entries are built later. */
export function openCatalog(gzipped: Buffer): OpenedCatalog {
  let raw: Buffer
  try {
    raw = gunzipSync(gzipped)
  } catch {
    throw new CatalogFormatError('not gzip data or truncated')
  }
  return openRawCatalog(raw)
}

/** The same from the bytes inside the gzip stream (a caller can gunzip off the main thread). */
export function openRawCatalog(raw: Buffer): OpenedCatalog {
  const { header, offset } = readHeader(raw)
  const n = header.entries
  const hashStart = offset
  let cursor = hashStart + header.hashes * 32
  const starts = new Map<Column, number>()
  for (const [name, width] of COLUMNS) {
    starts.set(name, cursor)
    cursor += n * width
  }
  if (cursor !== raw.length) throw new CatalogFormatError(`expected ${cursor} bytes, found ${raw.length}`)

  const column = (name: Column): ((i: number) => number) => {
    const start = starts.get(name) ?? 0
    const width = WIDTH.get(name)
    if (width === 1) return (i) => raw.readUInt8(start + i)
    if (width === 2) return (i) => raw.readUInt16LE(start + i * 2)
    return (i) => raw.readUInt32LE(start + i * 4)
  }
  const { tables } = header
  const col = {
    basename: column('basename'),
    pathPrefix: column('pathPrefix'),
    project: column('project'),
    source: column('source'),
    sha256: column('sha256'),
    looseSha256: column('looseSha256'),
    serial: column('serial'),
    stamp: column('stamp'),
    firstSeen: column('firstSeen'),
    firstRelease: column('firstRelease'),
    size: column('size'),
  }
  /** the largest value of a column, read in one tight loop (a call per value costs ten times as much) */
  const maxOf = (name: Column): number => {
    const start = starts.get(name) ?? 0
    const width = WIDTH.get(name) ?? 4
    let max = 0
    for (let p = start, end = start + n * width; p < end; p += width) {
      const v = width === 1 ? (raw[p] as number) : width === 2 ? (raw[p] as number) | ((raw[p + 1] as number) << 8) : raw.readUInt32LE(p)
      if (v > max) max = v
    }
    return max
  }
  // every index in range, so that building an entry later cannot fail (nullable columns hold index + 1)
  const checks: readonly [Column, number, string][] = [
    ['basename', tables.basename.length, 'basename'],
    ['pathPrefix', tables.pathPrefix.length, 'path'],
    ['project', tables.project.length, 'project'],
    ['source', tables.source.length, 'source'],
    ['sha256', header.hashes, 'hash'],
    ['looseSha256', header.hashes, 'hash'],
    ['serial', tables.serial.length + 1, 'serial'],
    ['stamp', tables.stamp.length + 1, 'stamp'],
    ['firstRelease', tables.firstRelease.length + 1, 'first release'],
  ]
  for (const [name, limit, what] of checks) {
    const max = n === 0 ? 0 : maxOf(name)
    if (n > 0 && max >= limit) throw new CatalogFormatError(`${what} index ${name === 'serial' || name === 'stamp' || name === 'firstRelease' ? max - 1 : max} out of range`)
  }

  const hexCache: (string | undefined)[] = new Array<string | undefined>(header.hashes)
  const hex = (i: number): string => (hexCache[i] ??= raw.toString('hex', hashStart + i * 32, hashStart + i * 32 + 32))
  // entries share commit dates; each distinct date is formatted once
  const dates = new Map<number, string>()
  const dateOf = (seconds: number): string => {
    let iso = dates.get(seconds)
    if (iso === undefined) dates.set(seconds, (iso = isoFromSeconds(seconds)))
    return iso
  }
  const built: (CatalogEntry | undefined)[] = new Array<CatalogEntry | undefined>(n)
  const entry = (i: number): CatalogEntry => {
    const done = built[i]
    if (done) return done
    const basename = tables.basename[col.basename(i)] as string
    const serial = col.serial(i)
    const stamp = col.stamp(i)
    const firstSeen = col.firstSeen(i)
    const firstRelease = col.firstRelease(i)
    const size = col.size(i)
    const made: Mutable<CatalogEntry> = {
      basename,
      path: pathFrom(tables.pathPrefix[col.pathPrefix(i)] as string, basename),
      project: tables.project[col.project(i)] as string,
      source: tables.source[col.source(i)] as string,
      sha256: hex(col.sha256(i)),
      looseSha256: hex(col.looseSha256(i)),
      origin: 'bundled',
    }
    if (serial) made.serial = tables.serial[serial - 1] as string
    if (stamp) made.stamp = tables.stamp[stamp - 1] as string
    if (firstSeen) made.firstSeen = dateOf(firstSeen)
    if (firstRelease) made.firstRelease = tables.firstRelease[firstRelease - 1] as string
    if (size) made.size = size - 1
    built[i] = made
    return made
  }

  // Hashes are found through an open-addressing table of hash numbers, placed by their first four
  // bytes (uniform: they are SHA-256) and compared whole: no Map of eighty thousand keys to build.
  let slots: Int32Array | undefined
  const mask = (1 << Math.max(4, Math.ceil(Math.log2(Math.max(1, header.hashes) * 2)))) - 1
  const hashIndex = (sha: string): number | undefined => {
    if (!/^[0-9a-f]{64}$/.test(sha)) return undefined
    if (!slots) {
      const table = new Int32Array(mask + 1).fill(-1)
      for (let h = 0; h < header.hashes; h++) {
        let slot = raw.readUInt32BE(hashStart + h * 32) & mask
        while ((table[slot] as number) !== -1) slot = (slot + 1) & mask
        table[slot] = h
      }
      slots = table
    }
    const wanted = Buffer.from(sha, 'hex')
    for (let slot = wanted.readUInt32BE(0) & mask; ; slot = (slot + 1) & mask) {
      const h = slots[slot] as number
      if (h === -1) return undefined
      if (raw.compare(wanted, 0, 32, hashStart + h * 32, hashStart + h * 32 + 32) === 0) return h
    }
  }
  const grouped = (group: () => { offsets: Int32Array; items: Int32Array }) => {
    let g: { offsets: Int32Array; items: Int32Array } | undefined
    const memo = new Map<number, readonly CatalogEntry[]>()
    return (key: number): readonly CatalogEntry[] | undefined => {
      let out = memo.get(key)
      if (out) return out
      g ??= group()
      const from = g.offsets[key] as number
      const to = g.offsets[key + 1] as number
      if (to === from) return undefined
      out = Array.from(g.items.subarray(from, to), entry)
      memo.set(key, out)
      return out
    }
  }
  const bySha = grouped(() => groupBy(n, header.hashes, col.sha256))
  const byLoose = grouped(() => groupBy(n, header.hashes, col.looseSha256))
  const byName = grouped(() => groupBy(n, tables.basename.length, col.basename))
  const nameIndex = new Map(tables.basename.map((name, i) => [name, i]))

  return {
    header,
    count: n,
    entry,
    withSha: (sha) => {
      const h = hashIndex(sha)
      return h === undefined ? undefined : bySha(h)
    },
    withLoose: (sha) => {
      const h = hashIndex(sha)
      return h === undefined ? undefined : byLoose(h)
    },
    withName: (name) => {
      const i = nameIndex.get(name)
      return i === undefined ? undefined : byName(i)
    },
    hasName: (name) => nameIndex.has(name),
  }
}

/** Decodes the shipped format into entries with origin `bundled`, in file order. */
export function decodeCatalog(gzipped: Buffer): { header: CatalogHeader; entries: CatalogEntry[] } {
  const opened = openCatalog(gzipped)
  return { header: opened.header, entries: Array.from({ length: opened.count }, (_, i) => opened.entry(i)) }
}
