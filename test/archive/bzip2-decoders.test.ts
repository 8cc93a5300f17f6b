import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bunzip2 } from '../../src/sources/archive/bzip2.js'
import { bunzip2WithProcess, systemDecoderAvailable } from '../../src/sources/archive/decoder-process.js'
import { asDataError, DataError } from '../../src/sources/archive/failures.js'

/** Real bzip2 output: the format's own encoder, at a chosen block size. */
const compress = (data: Buffer, level = 9): Buffer => execFileSync('bzip2', [`-${level}`, '-c'], { input: data, maxBuffer: 1 << 28 })

async function* inChunks(data: Buffer, size = 7_919): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size)
}

async function decodeWith(decoder: (input: AsyncIterable<Buffer>) => AsyncGenerator<Buffer>, data: Buffer): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of decoder(inChunks(data))) parts.push(chunk)
  return Buffer.concat(parts)
}

const outcome = async (decoder: (input: AsyncIterable<Buffer>) => AsyncGenerator<Buffer>, data: Buffer): Promise<string> => {
  try {
    return `ok ${createHash('sha256').update(await decodeWith(decoder, data)).digest('hex')}`
  } catch (err) {
    // the archive reader hands every decoder error through asDataError
    return asDataError(err) instanceof DataError ? 'data error' : `other error: ${String(err)}`
  }
}

const text = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'abc'.repeat(i % 7)}\n`).join(''))
const mixed = Buffer.concat([text, randomBytes(300_000), Buffer.alloc(200_000, 0x41), text])

const decoders = [
  ['the system bzip2 in a child process', bunzip2WithProcess],
  ['the JavaScript fallback', bunzip2],
] as const

describe('bzip2: the system decoder and the JavaScript fallback agree', () => {
  it('bzip2 is installed here (the faster path is the one measured)', () => {
    expect(systemDecoderAvailable('bzip2')).toBe(true)
  })

  for (const [name, decoder] of decoders) {
    describe(name, () => {
      it('decodes several blocks and concatenated streams byte for byte', async () => {
        const small = compress(mixed, 1)
        const whole = Buffer.concat([small, compress(text, 9), small])
        const out = await decodeWith(decoder, whole)
        expect(out.equals(Buffer.concat([mixed, text, mixed]))).toBe(true)
      })

      it('refuses data cut short, damaged in a block, or followed by stray bytes, as data errors', async () => {
        const good = compress(mixed, 1)
        const damaged = Buffer.from(good)
        for (let i = Math.floor(good.length / 3); i < Math.floor(good.length / 3) + 32; i++) damaged[i] = (damaged[i] ?? 0) ^ 0x5a
        expect(await outcome(decoder, good.subarray(0, Math.floor(good.length * 0.7)))).toBe('data error')
        expect(await outcome(decoder, damaged)).toBe('data error')
        expect(await outcome(decoder, Buffer.concat([good, Buffer.from('not bzip2 at all, just text\n')]))).toBe('data error')
        expect(await outcome(decoder, Buffer.from('BZh9 and then nothing a decoder could read'))).toBe('data error')
      })
    })
  }

  it('a reader that stops early leaves no decoder behind and gets the first bytes right', async () => {
    const data = compress(mixed, 1)
    const it = bunzip2WithProcess(inChunks(data))
    const first = await it.next()
    await it.return(undefined)
    expect(first.done).toBe(false)
    const head = first.value as Buffer
    expect(head.equals(mixed.subarray(0, head.length))).toBe(true)
  })
})
