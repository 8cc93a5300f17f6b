/**
 * @fileoverview Decoders as async generators over byte chunks: the consumer pulls, so a decoder
 * never runs further ahead than one bounded step, and errors surface in whoever awaits the
 * next chunk. Each decoder's input is hostile; each note below says what bounds it.
 */
import { pipeline, Readable, type Transform } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { deferred } from '../../util/deferred.js'
import { Unsupported } from './failures.js'
import { bunzip2WithProcess, systemDecoderAvailable, unxzWithProcess } from './decoder-process.js'

/** `lzma` (the legacy LZMA-alone format) is only decoded where the system's xz is installed */
export type Compression = 'gzip' | 'xz' | 'lzma' | 'bzip2' | 'zstd'

export function decompress(input: AsyncIterable<Buffer>, compression: Compression): AsyncGenerator<Buffer> {
  switch (compression) {
    case 'gzip':
      return throughTransform(input, createGunzip({ chunkSize: 256 * 1024 }))
    case 'xz':
      return systemDecoderAvailable('xz') ? unxzWithProcess(input) : unxz(input)
    case 'lzma':
      if (!systemDecoderAvailable('xz')) return unsupported('legacy .lzma data needs the xz program (xz-utils) to decode')
      return unxzWithProcess(input, 'lzma')
    case 'bzip2':
      if (systemDecoderAvailable('bzip2')) return bunzip2WithProcess(input)
      // the decoders other than gzip are loaded by the first archive that needs them
      return deferred(async () => (await import('./bzip2.js')).bunzip2(input))
    case 'zstd':
      return unzstd(input)
  }
}

// eslint-disable-next-line require-yield
async function* unsupported(message: string): AsyncGenerator<Buffer> {
  throw new Unsupported(message)
}

/** A node transform (zlib keeps its output bounded and respects backpressure). */
async function* throughTransform(input: AsyncIterable<Buffer>, transform: Transform): AsyncGenerator<Buffer> {
  // pipeline forwards an input error into the transform, so the loop below rejects with it
  pipeline(Readable.from(input, { objectMode: false }), transform, () => undefined)
  try {
    for await (const chunk of transform as AsyncIterable<Buffer>) yield chunk
  } finally {
    transform.destroy()
  }
}

/**
 * xz through the WASM decoder's web stream. It decodes one process-wide stream at a time and
 * only lets the next one start once a stream is finished, failed or cancelled, so an abandoned
 * read is always cancelled here.
 */
async function* unxz(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const { default: xzDecompress } = await import('xz-decompress')
  const iterator = input[Symbol.asyncIterator]()
  const compressed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel() {
      await iterator.return?.()
    },
  })
  const reader = new xzDecompress.XzReadableStream(compressed).getReader()
  let finished = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (value.length > 0) yield Buffer.from(value.buffer, value.byteOffset, value.length)
    }
    finished = true
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined)
    reader.releaseLock()
  }
}

/** zstd's own decoder refuses windows above 2^27 bytes unless told otherwise; so do we. */
const ZSTD_MAX_WINDOW = 2 ** 27
/** at most this many bytes reach the decoder between frames: a frame header and nothing after it */
const ZSTD_FRAME_HEADER_MAX = 18
/**
 * Input slice inside a frame. fzstd decodes everything it is given in one call, and a 4-byte
 * RLE block can expand to 2 MiB, so the slice bounds what one call can produce (32 MiB).
 */
const ZSTD_SLICE = 64

interface ZstdFrameState {
  /** window size declared by the frame header */
  readonly e?: number
}

/**
 * zstd through fzstd's streaming decoder. fzstd allocates the window a frame header asks for
 * (up to 2 GiB) and touches all of it per block, so each frame's window is checked before any
 * block of that frame is decoded. The check reads fzstd's frame state (a private field of
 * fzstd 0.1); if that field is ever missing, slicing still bounds each call.
 */
async function* unzstd(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const { Decompress: ZstdDecoder } = await import('fzstd')
  const output: Buffer[] = []
  const decoder = new ZstdDecoder((chunk) => {
    if (chunk.length > 0) output.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length))
  })
  const frame = (): unknown => (decoder as unknown as { s?: unknown }).s
  for await (const chunk of input) {
    let rest = chunk
    while (rest.length > 0) {
      const state = frame()
      const inFrame = typeof state === 'object' && state !== null
      const skipping = typeof state === 'number' && state > 0 ? state : 0
      const size = inFrame ? ZSTD_SLICE : skipping > 0 ? skipping : ZSTD_FRAME_HEADER_MAX
      decoder.push(rest.subarray(0, size))
      rest = rest.subarray(size)
      const after = frame()
      const window = typeof after === 'object' && after !== null ? (after as ZstdFrameState).e : undefined
      if (window !== undefined && window > ZSTD_MAX_WINDOW) {
        throw new Unsupported(`zstd frame needs a ${Math.ceil(window / 2 ** 20)} MiB window, more than the ${ZSTD_MAX_WINDOW / 2 ** 20} MiB zstd accepts by default`)
      }
      if (output.length > 0) yield* output.splice(0)
    }
  }
  decoder.push(new Uint8Array(0), true)
  yield* output.splice(0)
}
