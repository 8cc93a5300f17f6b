/**
 * @fileoverview Entries of a zip file, read lazily through its central directory with yauzl.
 * Names come raw (decodeStrings: false) so they are judged here, not rejected or rewritten by
 * the parser; every byte yauzl reads goes through a counting reader, so the compression ratio
 * is measured on the real reads (overlapping entries included); entry CRCs are checked, which
 * yauzl leaves to its caller.
 */
import { isUtf8 } from 'node:buffer'
import { close, fstat, open, read } from 'node:fs'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import * as zlib from 'node:zlib'
import yauzl from 'yauzl'
import type { EntryKind } from '../../model/tree.js'
import { asDataError, DataError, Unsupported } from './failures.js'
import { quote, trailingData, unsafeName } from './issues.js'
import { judgeName } from './paths.js'
import type { RawEntry, SourceContext } from './raw.js'

const S_IFMT = 0o170000
const KIND_BY_TYPE: ReadonlyMap<number, EntryKind> = new Map([
  [0o120000, 'symlink'],
  [0o040000, 'directory'],
  [0o020000, 'device'],
  [0o060000, 'device'],
  [0o010000, 'fifo'],
  [0o140000, 'other'],
])
const HOST_UNIX = 3
const HOST_MACOS = 19
const MSDOS_DIRECTORY = 0x10
const MAX_LINK_TARGET = 4096
const END_OF_CENTRAL_DIRECTORY = 0x06054b50
const END_RECORD_BYTES = 22

const crc32: (data: Buffer, value: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (data, value) => zlib.crc32(data, value) : crc32Portable

/** For Node versions before zlib.crc32 (20.15). */
function crc32Portable(data: Buffer, value: number): number {
  let crc = ~value >>> 0
  for (const byte of data) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return ~crc >>> 0
}

const RANGE_CHUNK = 64 * 1024
/**
 * Small reads are served from a few windows of the file read ahead: yauzl reads a few dozen bytes
 * per entry, several times per entry, alternating between the central directory and the local
 * headers, so one window per region is kept.
 */
const WINDOW_BYTES = 256 * 1024
const WINDOWS = 4

const readAt = (fd: number, buffer: Buffer, position: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, buffer, 0, buffer.length, position, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead))))

interface Window {
  readonly start: number
  readonly bytes: Buffer
}

/**
 * The file's bytes by position, with small reads served from windows read ahead. Without them,
 * a zip of 100,000 entries costs half a million reads of a few bytes each; with them, the central
 * directory and the small entries cost a read per window. Only bytes read from disk are counted,
 * so re-reading the same bytes (overlapping entries) never lowers the measured ratio.
 */
class FileWindow {
  private readonly fd: number
  private readonly onRead: (bytes: number) => void
  /** most recently used last */
  private readonly windows: Window[] = []

  constructor(fd: number, onRead: (bytes: number) => void) {
    this.fd = fd
    this.onRead = onRead
  }

  /** Up to `length` bytes at `position`: fewer only at the end of the file. */
  async bytes(position: number, length: number): Promise<Buffer> {
    for (let i = this.windows.length - 1; i >= 0; i--) {
      const w = this.windows[i] as Window
      const offset = position - w.start
      if (offset < 0 || offset + length > w.bytes.length) continue
      if (i !== this.windows.length - 1) this.windows.push(...this.windows.splice(i, 1))
      return w.bytes.subarray(offset, offset + length)
    }
    const size = Math.max(length, WINDOW_BYTES)
    const fresh = Buffer.allocUnsafe(size)
    const got = await readAt(this.fd, fresh, position)
    this.onRead(got)
    if (length >= WINDOW_BYTES / 2) return fresh.subarray(0, got)
    this.windows.push({ start: position, bytes: fresh.subarray(0, got) })
    if (this.windows.length > WINDOWS) this.windows.shift()
    return fresh.subarray(0, Math.min(length, got))
  }
}

/** Bytes start..end of a file, read through the window: the descriptor stays owned by the reader. */
class RangeStream extends Readable {
  private readonly file: FileWindow
  private position: number
  private readonly end: number

  constructor(file: FileWindow, start: number, end: number) {
    super()
    this.file = file
    this.position = start
    this.end = end
  }

  override _read(): void {
    const length = Math.min(RANGE_CHUNK, this.end - this.position)
    if (length <= 0) return void this.push(null)
    this.file.bytes(this.position, length).then(
      (chunk) => {
        if (chunk.length === 0) return void this.destroy(new Error('unexpected end of file'))
        this.position += chunk.length
        // a copy: the window is replaced while consumers may still hold the chunk
        this.push(Buffer.from(chunk))
      },
      (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
    )
  }
}

/** yauzl's view of the file, with every read from disk counted. */
class CountingReader extends yauzl.RandomAccessReader {
  private readonly fd: number
  private readonly file: FileWindow
  private closed = false

  constructor(fd: number, onRead: (bytes: number) => void) {
    super()
    this.fd = fd
    this.file = new FileWindow(fd, onRead)
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return new RangeStream(this.file, start, end)
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    this.file.bytes(position, length).then(
      (chunk) => {
        chunk.copy(buffer, offset)
        callback(chunk.length < length ? new Error('unexpected end of file') : null)
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    )
  }

  override close(callback: (err: Error | null) => void): void {
    if (this.closed) return void setImmediate(() => callback(null))
    this.closed = true
    close(this.fd, (err) => callback(err ?? null))
  }
}

/**
 * Where the archive ends: just after the end-of-central-directory record and its comment.
 * yauzl refuses anything after that; here it is reported instead.
 */
async function findArchiveEnd(reader: CountingReader, size: number): Promise<number | undefined> {
  const tail = Buffer.alloc(Math.min(size, END_RECORD_BYTES + 0xffff + 20))
  const tailStart = size - tail.length
  await promisify(reader.read.bind(reader))(tail, 0, tail.length, tailStart)
  for (let i = tail.length - END_RECORD_BYTES; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== END_OF_CENTRAL_DIRECTORY) continue
    const end = i + END_RECORD_BYTES + tail.readUInt16LE(i + 20)
    if (end <= tail.length) return tailStart + end
  }
  return undefined
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry)
      zip.off('end', onEnd)
      zip.off('error', onError)
    }
    const onEntry = (entry: yauzl.Entry) => (cleanup(), resolve(entry))
    const onEnd = () => (cleanup(), resolve(undefined))
    const onError = (err: unknown) => (cleanup(), reject(err))
    zip.on('entry', onEntry)
    zip.on('end', onEnd)
    zip.on('error', onError)
    zip.readEntry()
  })
}

interface EntryType {
  readonly kind: EntryKind
  readonly mode: number
}

/** Kind and permissions from the external attributes: unix hosts keep st_mode in the high 16 bits. */
function entryType(entry: yauzl.Entry, name: string): EntryType {
  const host = entry.versionMadeBy >>> 8
  const unixMode = host === HOST_UNIX || host === HOST_MACOS ? (entry.externalFileAttributes >>> 16) & 0xffff : 0
  const mode = unixMode & 0o7777
  if (name.endsWith('/') || (unixMode === 0 && (entry.externalFileAttributes & MSDOS_DIRECTORY) !== 0)) return { kind: 'directory', mode }
  return { kind: KIND_BY_TYPE.get(unixMode & S_IFMT) ?? 'file', mode }
}

/** yauzl's callback as a promise, without building a promisified function for every entry. */
const openReadStream = (zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> =>
  new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(err ?? new Error('no stream')) : resolve(stream))))

/** Reads an entry's bytes with its CRC checked; stops early past `maxBytes` when given. */
async function* entryBytes(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string, context: SourceContext, maxBytes?: number): AsyncGenerator<Buffer> {
  let stream: Readable
  try {
    stream = await openReadStream(zip, entry)
  } catch (err) {
    throw asDataError(err)
  }
  let crc = 0
  let seen = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc)
      seen += chunk.length
      context.budget.produce(chunk.length)
      yield chunk
      if (maxBytes !== undefined && seen > maxBytes) return
    }
  } catch (err) {
    throw asDataError(err)
  } finally {
    stream.destroy()
  }
  if (crc !== entry.crc32) throw new DataError(`entry ${quote(name)} fails its CRC check`)
}

async function linkTarget(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string, context: SourceContext): Promise<string | undefined> {
  const parts: Buffer[] = []
  let length = 0
  for await (const chunk of entryBytes(zip, entry, name, context, MAX_LINK_TARGET)) {
    parts.push(chunk)
    length += chunk.length
  }
  return length > MAX_LINK_TARGET ? undefined : Buffer.concat(parts).toString('utf8')
}

const UTF8_FLAG = 0x800

/**
 * The entry's name. Flagged names are UTF-8; an Info-ZIP unicode path field replaces the stored
 * name; unflagged names from unix tools are raw bytes in the writer's charset, UTF-8 in
 * practice, and only bytes that are not valid UTF-8 are read as the spec's CP437.
 */
function entryName(entry: yauzl.Entry, context: SourceContext): string {
  const flags = entry.generalPurposeBitFlag
  const raw = entry.fileNameRaw
  const decoded = yauzl.getFileNameLowLevel(flags, raw, [], true)
  const stored = (flags & UTF8_FLAG) === 0 && isUtf8(raw) ? raw.toString('utf8') : decoded
  const withField = yauzl.getFileNameLowLevel(flags, raw, entry.extraFields, true)
  if (withField === decoded) return stored
  // tools that ignore the unicode path field extract the stored name: judge it too
  const verdict = judgeName(stored)
  if (!verdict.ok) context.report(unsafeName(stored, verdict.code, `${verdict.reason}, in the stored name under a unicode path field`))
  return withField
}

const openFile = promisify(open)
const statFile = promisify(fstat)

export async function* readZip(context: SourceContext): AsyncGenerator<RawEntry, void, undefined> {
  const fd = await openFile(context.file, 'r')
  const reader = new CountingReader(fd, (bytes) => context.budget.read(bytes))
  let zip: yauzl.ZipFile | undefined
  try {
    const size = (await statFile(fd)).size
    const end = await findArchiveEnd(reader, size)
    if (end === undefined) throw new DataError('no end-of-central-directory record (truncated, or not a zip archive)')
    if (end < size) context.report(trailingData(size - end, 'zip archive (after its central directory)'))
    zip = await yauzl.fromRandomAccessReaderPromise(reader, end, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false, strictFileNames: true })
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      const name = entryName(entry, context)
      const { kind, mode } = entryType(entry, name)
      if (kind === 'directory' || kind === 'device' || kind === 'fifo' || kind === 'other') {
        yield { name, kind, mode, size: 0 }
        continue
      }
      if (entry.isEncrypted()) throw new Unsupported(`entry ${quote(name)} is encrypted: its content cannot be read`)
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        throw new Unsupported(`entry ${quote(name)} uses compression method ${entry.compressionMethod}; only stored and deflated entries are read`)
      }
      if (kind === 'symlink') {
        const target = await linkTarget(zip, entry, name, context)
        if (target === undefined) {
          context.report(unsafeName(name, 'ARCHIVE_BAD_NAME', `symlink target longer than ${MAX_LINK_TARGET} bytes`))
          continue
        }
        yield { name, kind, mode, size: 0, linkTarget: target }
        continue
      }
      yield { name, kind, mode, size: entry.uncompressedSize, body: entryBytes(zip, entry, name, context) }
    }
  } catch (err) {
    throw asDataError(err)
  } finally {
    zip?.close()
    reader.close(() => undefined)
  }
}
