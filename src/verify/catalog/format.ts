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

/** Decodes the shipped format into entries with origin `bundled`, in file order. */
export function decodeCatalog(gzipped: Buffer): { header: CatalogHeader; entries: CatalogEntry[] } {
  let raw: Buffer
  try {
    raw = gunzipSync(gzipped)
  } catch {
    throw new CatalogFormatError('not gzip data or truncated')
  }
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

  const hexCache: (string | undefined)[] = new Array<string | undefined>(header.hashes)
  const hex = (i: number): string => {
    if (i >= header.hashes) throw new CatalogFormatError(`hash index ${i} out of range`)
    return (hexCache[i] ??= raw.toString('hex', hashStart + i * 32, hashStart + i * 32 + 32))
  }
  const column = (name: Column): ((i: number) => number) => {
    const start = starts.get(name) ?? 0
    const width = WIDTH.get(name)
    if (width === 1) return (i) => raw.readUInt8(start + i)
    if (width === 2) return (i) => raw.readUInt16LE(start + i * 2)
    return (i) => raw.readUInt32LE(start + i * 4)
  }
  const lookup = (table: readonly string[], i: number, what: string): string => {
    const value = table[i]
    if (value === undefined) throw new CatalogFormatError(`${what} index ${i} out of range`)
    return value
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
  const entries: CatalogEntry[] = new Array<CatalogEntry>(n)
  // entries share commit dates; each distinct date is formatted once
  const dates = new Map<number, string>()
  const dateOf = (seconds: number): string => {
    let iso = dates.get(seconds)
    if (iso === undefined) dates.set(seconds, (iso = isoFromSeconds(seconds)))
    return iso
  }
  for (let i = 0; i < n; i++) {
    const basename = lookup(tables.basename, col.basename(i), 'basename')
    const serial = col.serial(i)
    const stamp = col.stamp(i)
    const firstSeen = col.firstSeen(i)
    const firstRelease = col.firstRelease(i)
    const size = col.size(i)
    const entry: Mutable<CatalogEntry> = {
      basename,
      path: pathFrom(lookup(tables.pathPrefix, col.pathPrefix(i), 'path'), basename),
      project: lookup(tables.project, col.project(i), 'project'),
      source: lookup(tables.source, col.source(i), 'source'),
      sha256: hex(col.sha256(i)),
      looseSha256: hex(col.looseSha256(i)),
      origin: 'bundled',
    }
    if (serial) entry.serial = lookup(tables.serial, serial - 1, 'serial')
    if (stamp) entry.stamp = lookup(tables.stamp, stamp - 1, 'stamp')
    if (firstSeen) entry.firstSeen = dateOf(firstSeen)
    if (firstRelease) entry.firstRelease = lookup(tables.firstRelease, firstRelease - 1, 'first release')
    if (size) entry.size = size - 1
    entries[i] = entry
  }
  return { header, entries }
}
