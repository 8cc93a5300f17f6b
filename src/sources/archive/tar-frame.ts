/**
 * @fileoverview Frames a tar stream block by block in front of the extractor. tar-stream reads
 * past the end-of-archive marker and replaces header fields with PAX values; the framer keeps
 * what it needs to report both: where the archive really ends, what follows it, and each
 * entry's fields as stored before any PAX or GNU long-name header changed them. It is strict:
 * a block it cannot frame is a data error before the extractor ever sees it.
 */
import { DataError } from './failures.js'
import { BLOCK, decodeBlock, decodePax, isDirectoryHeader, isMetaType, MAX_META_BYTES, padding, TYPE, type TarHeader } from './tar-header.js'

const ZERO_BLOCK = Buffer.alloc(BLOCK)
const ZEROS = Buffer.alloc(64 * 1024)

/** One entry header as stored, with the extension headers that preceded it. */
export interface FramedEntry {
  /** offset of the entry's data in the uncompressed stream (tar-stream's `header.byteOffset`) */
  readonly dataOffset: number
  readonly stored: Pick<TarHeader, 'name' | 'linkname' | 'size'>
  readonly pax?: Readonly<Record<string, string>>
  readonly longPath?: string
  readonly longLink?: string
}

export interface TrailingData {
  /** bytes from the first non-zero byte after the end-of-archive marker to the end of the stream */
  readonly bytes: number
  /** the name in a tar header found there, if the data starts with one */
  readonly hiddenEntry?: string
}

interface Meta {
  readonly typeflag: number
  readonly size: number
  readonly parts: Buffer[]
  collected: number
}

const firstNonZero = (chunk: Buffer): number => {
  for (let start = 0; start < chunk.length; start += ZEROS.length) {
    const slice = chunk.subarray(start, start + ZEROS.length)
    if (slice.equals(ZEROS.subarray(0, slice.length))) continue
    for (let i = 0; i < slice.length; i++) if (slice[i] !== 0) return start + i
  }
  return -1
}

const decodeLongName = (data: Buffer): string => {
  const end = data.indexOf(0)
  return data.subarray(0, end < 0 ? data.length : end).toString('utf8')
}

export class TarFramer {
  private offset = 0
  private state: 'header' | 'data' | 'meta' | 'end' | 'failed' = 'header'
  private error: DataError | undefined
  private remaining = 0
  private blockParts: Buffer[] = []
  private blockBytes = 0
  private heldZero = false
  private meta: Meta | undefined
  private pax: Record<string, string> | undefined
  private paxGlobal: Record<string, string> | undefined
  private longPath: string | undefined
  private longLink: string | undefined
  private readonly framed: FramedEntry[] = []
  private trailingStart = 0
  private nonZeroAt = -1
  private readonly hiddenBlock: Buffer[] = []
  private hiddenBytes = 0
  private readonly onGlobalOverride: (keys: readonly string[]) => void

  constructor(onGlobalOverride: (keys: readonly string[]) => void) {
    this.onGlobalOverride = onGlobalOverride
  }

  /** true once the end-of-archive marker has been met: nothing more goes to the extractor */
  get ended(): boolean {
    return this.state === 'end'
  }

  /** the block that could not be framed; everything framed before it was whole */
  get failure(): DataError | undefined {
    return this.error
  }

  /** true between entries, where the data seen so far forms whole entries */
  get atEntryBoundary(): boolean {
    return this.state === 'header' && this.blockBytes === 0
  }

  /** The bytes of `chunk` the extractor should see, in order; stops before a block that cannot be framed. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = []
    try {
      this.frame(chunk, out)
    } catch (err) {
      if (!(err instanceof DataError)) throw err
      this.error = err
      this.state = 'failed'
    }
    return out
  }

  private frame(chunk: Buffer, out: Buffer[]): void {
    let rest = chunk
    while (rest.length > 0) {
      if (this.state === 'failed') return
      if (this.state === 'end') {
        this.scanTrailing(rest)
        break
      }
      if (this.state === 'data' || this.state === 'meta') {
        const part = rest.subarray(0, Math.min(this.remaining, rest.length))
        out.push(part)
        if (this.meta) this.collectMeta(this.meta, part)
        this.offset += part.length
        this.remaining -= part.length
        rest = rest.subarray(part.length)
        if (this.remaining === 0) this.endOfData()
        continue
      }
      const part = rest.subarray(0, Math.min(BLOCK - this.blockBytes, rest.length))
      this.blockParts.push(part)
      this.blockBytes += part.length
      rest = rest.subarray(part.length)
      if (this.blockBytes < BLOCK) break
      const block = this.blockParts.length === 1 ? part : Buffer.concat(this.blockParts, BLOCK)
      this.blockParts = []
      this.blockBytes = 0
      this.onBlock(block, out)
    }
  }

  /** Entries framed so far, in order, each taken once by the extractor side. */
  nextEntry(): FramedEntry | undefined {
    return this.framed.shift()
  }

  /** Called at the end of the stream: a stream that stops before the end-of-archive marker was cut short. */
  finish(): void {
    if (this.error) throw this.error
    if (this.state === 'end') return
    if (this.state === 'header' && this.blockBytes === 0) {
      // one zero block and then the end of the data: old writers stop there
      if (this.heldZero) return
      throw new DataError(`tar data ends after byte ${this.offset} without an end-of-archive marker (truncated)`)
    }
    throw new DataError(`tar data ends inside ${this.state === 'header' ? 'a header block' : 'an entry'} at byte ${this.offset + this.blockBytes} (truncated)`)
  }

  trailing(): TrailingData | undefined {
    if (this.nonZeroAt < 0) return undefined
    const block = Buffer.concat(this.hiddenBlock)
    const decoded = block.length === BLOCK ? decodeBlock(block) : undefined
    return { bytes: this.offset - this.nonZeroAt, ...(decoded?.kind === 'header' ? { hiddenEntry: decoded.header.name } : {}) }
  }

  private onBlock(block: Buffer, out: Buffer[]): void {
    const at = this.offset
    const decoded = decodeBlock(block)
    this.offset += BLOCK
    if (decoded.kind === 'zero') {
      if (this.heldZero) {
        this.state = 'end'
        this.trailingStart = this.offset
      } else this.heldZero = true
      return
    }
    if (this.heldZero) {
      // a lone zero block: extractors skip it and read on, so the extractor sees it too
      out.push(ZERO_BLOCK)
      this.heldZero = false
    }
    if (decoded.kind === 'bad') throw new DataError(`tar header checksum mismatch at byte ${at}`)
    const header = decoded.header
    if (isMetaType(header.typeflag)) {
      if (!(header.size > 0) || header.size > MAX_META_BYTES) throw new DataError(`tar extension header at byte ${at} has an unusable size (${header.size})`)
      out.push(block)
      this.meta = { typeflag: header.typeflag, size: header.size, parts: [], collected: 0 }
      this.remaining = header.size + padding(header.size)
      this.state = 'meta'
      return
    }
    this.onEntryHeader(header, block, at, out)
  }

  private onEntryHeader(header: TarHeader, block: Buffer, at: number, out: Buffer[]): void {
    const pax = this.pax
    const size = pax?.['size'] ? parseInt(pax['size'], 10) : header.size
    if (!(size >= 0)) throw new DataError(`tar header at byte ${at} has an invalid size`)
    out.push(block)
    this.framed.push({
      dataOffset: this.offset,
      stored: { name: header.name, linkname: header.linkname, size: header.size },
      ...(pax ? { pax } : {}),
      ...(this.longPath !== undefined ? { longPath: this.longPath } : {}),
      ...(this.longLink !== undefined ? { longLink: this.longLink } : {}),
    })
    this.pax = undefined
    this.longPath = undefined
    this.longLink = undefined
    const dataBytes = isDirectoryHeader(header) ? 0 : size
    this.remaining = dataBytes + padding(dataBytes)
    this.state = this.remaining > 0 ? 'data' : 'header'
  }

  private collectMeta(meta: Meta, part: Buffer): void {
    const wanted = Math.min(part.length, meta.size - meta.collected)
    if (wanted <= 0) return
    meta.parts.push(part.subarray(0, wanted))
    meta.collected += wanted
  }

  private endOfData(): void {
    const meta = this.meta
    this.meta = undefined
    this.state = 'header'
    if (!meta) return
    const data = Buffer.concat(meta.parts, meta.size)
    switch (meta.typeflag) {
      case TYPE.pax:
        this.pax = { ...this.paxGlobal, ...decodePax(data) }
        break
      case TYPE.paxGlobal: {
        this.paxGlobal = decodePax(data)
        const keys = ['path', 'linkpath', 'size'].filter((key) => key in (this.paxGlobal ?? {}))
        if (keys.length > 0) this.onGlobalOverride(keys)
        break
      }
      case TYPE.gnuLongLink:
        this.longLink = decodeLongName(data)
        break
      default:
        this.longPath = decodeLongName(data)
    }
  }

  private scanTrailing(chunk: Buffer): void {
    const start = this.offset
    this.offset += chunk.length
    let from = 0
    if (this.nonZeroAt < 0) {
      const found = firstNonZero(chunk)
      if (found < 0) return
      this.nonZeroAt = start + found
      // the block holding it starts on a block boundary; everything before it there is zero
      const lead = (this.nonZeroAt - this.trailingStart) % BLOCK
      this.hiddenBlock.push(Buffer.alloc(lead))
      this.hiddenBytes = lead
      from = found
    }
    if (this.hiddenBytes < BLOCK) {
      const part = chunk.subarray(from, from + BLOCK - this.hiddenBytes)
      this.hiddenBlock.push(part)
      this.hiddenBytes += part.length
    }
  }
}
