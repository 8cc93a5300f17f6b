/**
 * @fileoverview Bounded decoding of one compressed stream, and where that stream ends. The end is
 * found from the format's own structure (xz footers, zstd block headers, the bzip2 end-of-stream
 * marker, the end of each gzip member's deflate data), so bytes hidden after a valid stream are
 * seen rather than silently ignored or mistaken for corruption.
 */
import { createInflateRaw, crc32 } from 'node:zlib'
import { decompress } from '../sources/archive/decompress.js'
import type { Codec } from './magic.js'

/** Shared by every stream decoded for one file: what may still be produced. */
export interface DecodeBudget {
  remaining: number
  readonly maxRatio: number
  readonly ratioGraceBytes: number
}

export type DecodeStatus = 'ok' | 'error' | 'limit'

/** which limit stopped decoding: output budget, expansion ratio, nesting depth, member count */
export type LimitReason = 'total' | 'ratio' | 'depth' | 'members'

export interface StreamResult {
  readonly status: DecodeStatus
  /** the decoder's error, or which limit stopped decoding */
  readonly message?: string
  readonly limit?: LimitReason
  /** decoded bytes (all of them unless a limit or an error stopped decoding) */
  readonly output: Buffer
  /** offset just after the last complete stream (members, frames, concatenated streams, padding); undefined if not found */
  readonly end?: number
}

const INPUT_SLICE = 64 * 1024
/** concatenated gzip members read from one file: each costs a decoder, and a hostile file can hold millions */
const GZIP_MAX_MEMBERS = 10_000

class Stop extends Error {
  readonly limit: LimitReason
  constructor(message: string, limit: LimitReason) {
    super(message)
    this.limit = limit
  }
}

/** Collects decoded chunks, and stops decoding once the budget or the ratio is exceeded. */
class Sink {
  readonly chunks: Buffer[] = []
  total = 0
  private readonly budget: DecodeBudget
  constructor(budget: DecodeBudget) {
    this.budget = budget
  }

  take(chunk: Buffer, consumed: number): void {
    const room = this.budget.remaining
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk
    if (kept.length > 0) this.chunks.push(Buffer.from(kept))
    this.total += kept.length
    this.budget.remaining -= kept.length
    if (chunk.length > room) throw new Stop(`decoded output reached the limit of the bytes this file may decode to`, 'total')
    const { maxRatio, ratioGraceBytes } = this.budget
    if (this.total > ratioGraceBytes && this.total > Math.max(1, consumed) * maxRatio) {
      throw new Stop(`${this.total} bytes decoded from ${consumed} compressed bytes, a ratio above ${maxRatio}:1`, 'ratio')
    }
  }

  output(): Buffer {
    return Buffer.concat(this.chunks, this.total)
  }
}

const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ').trim() || 'unreadable data'

function result(sink: Sink, err: unknown, end: number | undefined): StreamResult {
  const base = end === undefined ? {} : { end }
  if (err === undefined) return { status: 'ok', output: sink.output(), ...base }
  if (err instanceof Stop) return { status: 'limit', message: err.message, limit: err.limit, output: sink.output(), ...base }
  return { status: 'error', message: oneLine(err), output: sink.output(), ...base }
}

/** Decodes the stream at the start of `data`, within the budget. Never throws for bad data. */
export async function decodeStream(data: Buffer, codec: Codec, budget: DecodeBudget): Promise<StreamResult> {
  if (codec === 'gzip') return gunzipMembers(data, budget)
  // legacy .lzma marks no end the bytes can be checked against: the whole input is handed over
  const end = codec === 'xz' ? xzEnd(data) : codec === 'zstd' ? zstdEnd(data) : codec === 'lzma' ? undefined : bzip2End(data)
  const input = end === undefined ? data : data.subarray(0, end)
  const sink = new Sink(budget)
  let fed = 0
  async function* slices(): AsyncGenerator<Buffer> {
    for (let i = 0; i < input.length; i += INPUT_SLICE) {
      const slice = input.subarray(i, i + INPUT_SLICE)
      fed += slice.length
      yield slice
    }
  }
  try {
    for await (const chunk of decompress(slices(), codec)) sink.take(chunk, fed)
  } catch (err) {
    return result(sink, err, end)
  }
  return result(sink, undefined, end)
}

// ---------------------------------------------------------------------------------------- gzip

/** Offset of the deflate data after a gzip member header at `pos`, or an error message. */
function gzipBody(data: Buffer, pos: number): number | string {
  if (data[pos] !== 0x1f || data[pos + 1] !== 0x8b) return 'not a gzip member header'
  if (data[pos + 2] !== 8) return `unknown gzip compression method ${data[pos + 2] ?? 'missing'}`
  const flags = data[pos + 3] ?? 0
  let at = pos + 10
  if (flags & 0x04) {
    if (at + 2 > data.length) return 'gzip header truncated'
    at += 2 + data.readUInt16LE(at)
  }
  for (const flag of [0x08, 0x10]) {
    if (flags & flag) {
      const zero = data.indexOf(0, at)
      if (zero < 0) return 'gzip header truncated'
      at = zero + 1
    }
  }
  if (flags & 0x02) at += 2
  return at > data.length ? 'gzip header truncated' : at
}

/** gzip members one after the other, as gunzip reads them; what follows the last member (other than zeros) is left as trailing bytes. */
async function gunzipMembers(data: Buffer, budget: DecodeBudget): Promise<StreamResult> {
  const sink = new Sink(budget)
  let pos = 0
  let end: number | undefined
  try {
    for (let member = 0; ; member++) {
      if (member === GZIP_MAX_MEMBERS) throw new Stop(`more than ${GZIP_MAX_MEMBERS} concatenated gzip members`, 'members')
      const body = gzipBody(data, pos)
      if (typeof body === 'string') throw new Error(body)
      const inflate = createInflateRaw()
      inflate.end(data.subarray(body))
      let crc = 0
      let size = 0
      try {
        for await (const chunk of inflate as AsyncIterable<Buffer>) {
          crc = crc32(chunk, crc)
          size += chunk.length
          sink.take(chunk, body - pos + inflate.bytesWritten)
        }
      } finally {
        inflate.destroy()
      }
      const trailer = body + inflate.bytesWritten
      if (trailer + 8 > data.length) throw new Error('gzip member ends without its CRC and size trailer (truncated)')
      if (data.readUInt32LE(trailer) !== crc >>> 0) throw new Error('gzip member CRC mismatch')
      if (data.readUInt32LE(trailer + 4) !== size % 2 ** 32) throw new Error('gzip member length mismatch')
      pos = trailer + 8
      end = pos
      if (data[pos] !== 0x1f || data[pos + 1] !== 0x8b) break
    }
  } catch (err) {
    return result(sink, err, end)
  }
  return result(sink, undefined, end)
}

// ------------------------------------------------------------------------------------------ xz

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])

/**
 * End of the xz stream(s) at the start of `data`: each stream's footer is the first `YZ` at a
 * 4-byte boundary whose CRC32 and flags agree with the header; stream padding (zeros, in 4-byte
 * groups) and further streams belong to the file.
 */
export function xzEnd(data: Buffer): number | undefined {
  let start = 0
  let end: number | undefined
  while (data.subarray(start, start + 6).equals(XZ_MAGIC) && start + 12 <= data.length) {
    const flags = data.readUInt16BE(start + 6)
    let footer: number | undefined
    for (let at = data.indexOf('YZ', start + 12, 'latin1'); at >= 0; at = data.indexOf('YZ', at + 1, 'latin1')) {
      if ((at + 2 - start) % 4 !== 0 || at - 10 < start + 12) continue
      if (data.readUInt16BE(at - 2) !== flags) continue
      if (crc32(data.subarray(at - 6, at)) !== data.readUInt32LE(at - 10)) continue
      footer = at + 2
      break
    }
    if (footer === undefined) return end
    end = footer
    let next = footer
    while (next + 4 <= data.length && data.readUInt32LE(next) === 0) next += 4
    end = next
    start = next
  }
  return end
}

// ---------------------------------------------------------------------------------------- zstd

/** End of the zstd frames (and skippable frames) at the start of `data`, from frame and block headers. */
export function zstdEnd(data: Buffer): number | undefined {
  let pos = 0
  let end: number | undefined
  while (pos + 4 <= data.length) {
    const magic = data.readUInt32LE(pos)
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (pos + 8 > data.length) return end
      const size = data.readUInt32LE(pos + 4)
      if (pos + 8 + size > data.length) return end
      pos += 8 + size
      end = pos
      continue
    }
    if (magic !== 0xfd2fb528) return end
    const fhd = data[pos + 4]
    if (fhd === undefined) return end
    const fcsFlag = fhd >> 6
    const single = (fhd >> 5) & 1
    const checksum = (fhd >> 2) & 1
    const dictBytes = [0, 1, 2, 4][fhd & 3] ?? 0
    const fcsBytes = [single ? 1 : 0, 2, 4, 8][fcsFlag] ?? 0
    let at = pos + 5 + (single ? 0 : 1) + dictBytes + fcsBytes
    for (;;) {
      if (at + 3 > data.length) return end
      const header = data.readUIntLE(at, 3)
      const last = header & 1
      const type = (header >> 1) & 3
      const size = header >> 3
      if (type === 3) return end
      at += 3 + (type === 1 ? 1 : size)
      if (at > data.length) return end
      if (last) break
    }
    at += checksum ? 4 : 0
    if (at > data.length) return end
    pos = at
    end = pos
  }
  return end
}

// --------------------------------------------------------------------------------------- bzip2

const BZ_EOS = 0x177245385090n

/** For each bit shift, the 7-byte window holding the 48-bit end-of-stream magic, and the masks of its partial first and last bytes. */
const EOS_WINDOWS = Array.from({ length: 8 }, (_, shift) => {
  const value = BZ_EOS << BigInt(8 - shift)
  const bytes = Buffer.alloc(7)
  for (let i = 0; i < 7; i++) bytes[i] = Number((value >> BigInt(8 * (6 - i))) & 0xffn)
  return { shift, bytes, firstMask: 0xff >> shift, lastMask: (0xff << (8 - shift)) & 0xff }
})

/**
 * End of the bzip2 stream(s) at the start of `data`: the end-of-stream magic is bit-aligned, so it
 * is searched at each of the eight shifts; the stream CRC and the padding to a byte follow it.
 */
export function bzip2End(data: Buffer): number | undefined {
  let start = 0
  let end: number | undefined
  while (data.subarray(start, start + 3).toString('latin1') === 'BZh') {
    let best: number | undefined
    for (const { shift, bytes, firstMask, lastMask } of EOS_WINDOWS) {
      const middle = bytes.subarray(1, 6)
      for (let at = data.indexOf(middle, start + 4); at >= 0; at = data.indexOf(middle, at + 1)) {
        const first = at - 1
        if (first < start + 4) continue
        if (((data[first] ?? 0) & firstMask) !== ((bytes[0] ?? 0) & firstMask)) continue
        if (lastMask !== 0 && ((data[at + 5] ?? -1) & lastMask) !== ((bytes[6] ?? 0) & lastMask)) continue
        const bit = first * 8 + shift
        if (best === undefined || bit < best) best = bit
        break
      }
    }
    if (best === undefined) return end
    const after = Math.ceil((best + 48 + 32) / 8)
    if (after > data.length) return end
    end = after
    start = after
  }
  return end
}
