/**
 * @fileoverview bzip2 decoding with unbzip2-stream's block decoder, driven here rather than
 * through its stream wrapper: the wrapper collects each block as an array of numbers (hundreds
 * of MB for one hostile block) and ignores backpressure. Here a block's output goes straight
 * into buffers and is handed on before the next block is decoded.
 */
import { createRequire } from 'node:module'
import { DataError } from './failures.js'

type BitSource = (bits: number | null) => number

interface BlockDecoder {
  header(bits: BitSource): number
  /** the running stream CRC after one block, or null at the end-of-stream marker */
  decompress(bits: BitSource, emit: (byte: number) => void, work: Int32Array, workSize: number, streamCrc: number): number | null
}

const decoder = createRequire(import.meta.url)('unbzip2-stream/lib/bzip2.js') as BlockDecoder

const MASK = [0, 0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xff] as const
const OUTPUT_CHUNK = 64 * 1024
/** input to hold before decoding a block: the largest compressed block of the stream's block size */
const inputForBlock = (blockSize: number): number => 25_000 + 100_000 * blockSize

/** Reads bits most-significant first across queued buffers; `read(null)` aligns to the next byte. */
class BitQueue {
  private readonly queue: Buffer[] = []
  private current: Buffer = Buffer.alloc(0)
  private position = 0
  private bit = 0
  private queued = 0

  push(chunk: Buffer): void {
    this.queue.push(chunk)
    this.queued += chunk.length
  }

  get unread(): number {
    return this.queued + this.current.length - this.position
  }

  readonly read: BitSource = (count) => {
    if (count === null) {
      if (this.bit !== 0) {
        this.bit = 0
        this.position++
      }
      return 0
    }
    let n = count
    let result = 0
    while (n > 0) {
      if (this.position >= this.current.length) {
        const next = this.queue.shift()
        if (!next) throw new DataError('bzip2 data ends in the middle of a block (truncated)')
        this.queued -= next.length
        this.current = next
        this.position = 0
      }
      const byte = this.current[this.position] ?? 0
      const left = 8 - this.bit
      if (n >= left) {
        result = (result << left) | (byte & (MASK[left] ?? 0))
        this.bit = 0
        this.position++
        n -= left
      } else {
        result = (result << n) | ((byte >> (left - n)) & (MASK[n] ?? 0))
        this.bit += n
        n = 0
      }
    }
    return result
  }
}

/** Decodes bzip2 data, including several concatenated streams (as pbzip2 writes). */
export async function* bunzip2(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const bits = new BitQueue()
  let blockSize = 0
  let streamCrc = 0
  let work = new Int32Array(0)
  let out = Buffer.allocUnsafe(OUTPUT_CHUNK)
  let used = 0
  const ready: Buffer[] = []
  const emit = (byte: number): void => {
    out[used++] = byte
    if (used === OUTPUT_CHUNK) {
      ready.push(out)
      out = Buffer.allocUnsafe(OUTPUT_CHUNK)
      used = 0
    }
  }
  const step = (): void => {
    if (blockSize === 0) {
      blockSize = decoder.header(bits.read)
      streamCrc = 0
      if (work.length !== 100_000 * blockSize) work = new Int32Array(100_000 * blockSize)
      return
    }
    const crc = decoder.decompress(bits.read, emit, work, work.length, streamCrc)
    if (crc === null) blockSize = 0
    else streamCrc = crc
    if (used > 0) {
      ready.push(Buffer.from(out.subarray(0, used)))
      used = 0
    }
  }

  for await (const chunk of input) {
    bits.push(chunk)
    while (bits.unread >= inputForBlock(blockSize)) {
      step()
      yield* ready.splice(0)
    }
  }
  while (bits.unread > 0) {
    step()
    yield* ready.splice(0)
  }
  if (blockSize !== 0) throw new DataError('bzip2 data ends before its end-of-stream marker (truncated)')
}
