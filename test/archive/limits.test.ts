import { createWriteStream } from 'node:fs'
import { mkdir, stat, truncate } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { join } from 'node:path'
import { createGzip, constants as zlib } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS, openArtifact, type ArchiveLimits, type ArtifactTree } from '../../src/sources/archive/index.js'
import { END_OF_ARCHIVE, entriesOf, failure, packTar, rawHeader, run, runBytes, scratch, write } from './fixtures.js'

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => ({ dir, cleanup } = await scratch('limits')))
afterAll(() => cleanup())

const MiB = 1024 ** 2
const GiB = 1024 ** 3

/** Reads everything, measuring resident memory growth (time is for bench/, and hangs for the test's timeout). */
async function readMeasured(file: string, limits?: Partial<ArchiveLimits>) {
  global.gc?.()
  const rss = process.memoryUsage().rss
  let peak = rss
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  try {
    const tree = await openArtifact(file, limits ? { limits } : {})
    const entries = await entriesOf(tree)
    peak = Math.max(peak, process.memoryUsage().rss)
    return { tree, entries, grewBy: peak - rss }
  } finally {
    clearInterval(timer)
  }
}

/** A tar stream holding one file of `size` zero bytes, generated without holding it. */
function* zeroTar(name: string, size: number): Generator<Buffer> {
  yield rawHeader({ name, size })
  const zeros = Buffer.alloc(MiB)
  for (let left = size; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left)
  yield END_OF_ARCHIVE
}

/**
 * The same tar, compressed as concatenated streams: the header, the zeros (compressed by the
 * real tool from a sparse file, so nothing is held in memory) and the end blocks.
 */
async function zeroTarWithTool(tool: string, args: readonly string[], size: number): Promise<string> {
  const sparse = join(dir, `zeros-${tool}`)
  await write(sparse, '')
  await truncate(sparse, size)
  const header = join(dir, `header-${tool}`)
  const end = join(dir, `end-${tool}`)
  await write(header, rawHeader({ name: 'bomb-1.0/zeros', size }))
  await write(end, END_OF_ARCHIVE)
  const parts = [header, sparse, end].map((file) => runBytes(dir, tool, [...args, '-c', file]))
  const file = join(dir, `bomb.${tool}`)
  await write(file, Buffer.concat(parts))
  return file
}

/**
 * A zstd frame built by hand: a raw block holding a tar header, then RLE blocks of zeros of
 * the largest size the block header can state, 4 bytes each.
 */
function rleZstd(windowLog: number, blocks: number): Buffer {
  const rleSize = 2 ** 21 - 1
  const header = rawHeader({ name: 'bomb-1.0/zeros', size: blocks * rleSize })
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (windowLog - 10) << 3])]
  const blockHeader = (size: number, type: number, last: boolean) => {
    const value = (size << 3) | (type << 1) | (last ? 1 : 0)
    return Buffer.from([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff])
  }
  parts.push(blockHeader(512, 0, false), header)
  for (let i = 0; i < blocks; i++) parts.push(blockHeader(rleSize, 1, i === blocks - 1), Buffer.from([0]))
  return Buffer.concat(parts)
}

describe('decompression bombs stop with a limit issue, in bounded memory', () => {
  it('gzip: several GB of zeros in a few MB', async () => {
    const gz = join(dir, 'bomb.tar.gz')
    // the zeros stream through gzip into the file; nothing is held in memory
    await pipeline(Readable.from(zeroTar('bomb-1.0/zeros', 3 * GiB)), createGzip({ level: 9, strategy: zlib.Z_RLE }), createWriteStream(gz))
    expect((await stat(gz)).size).toBeLessThan(10 * MiB)

    const { tree, grewBy } = await readMeasured(gz)
    expect(tree.truncated()).toBe(true)
    expect(tree.issues.map((i) => [i.code, i.severity])).toEqual([['ARCHIVE_LIMIT_EXCEEDED', 'critical']])
    expect(tree.issues[0]?.message).toMatch(/ratio/)
    expect(grewBy).toBeLessThan(300 * MiB)
  }, 300_000)

  it('zstd: zeros that expand thousands of times', async () => {
    const bomb = await zeroTarWithTool('zstd', ['-q', '-1'], 256 * MiB)
    const { tree, grewBy } = await readMeasured(bomb)
    expect(tree.truncated()).toBe(true)
    expect(tree.issues.map((i) => i.code)).toEqual(['ARCHIVE_LIMIT_EXCEEDED'])
    expect(grewBy).toBeLessThan(300 * MiB)
  }, 300_000)

  it('zstd: hand-made RLE blocks of 2 MiB from 4 bytes each', async () => {
    const bomb = join(dir, 'rle.tar.zst')
    await write(bomb, rleZstd(23, 4096))
    const { tree, grewBy } = await readMeasured(bomb)
    expect(tree.truncated()).toBe(true)
    expect(tree.issues.map((i) => i.code)).toEqual(['ARCHIVE_LIMIT_EXCEEDED'])
    expect(grewBy).toBeLessThan(300 * MiB)
  }, 300_000)

  it('zstd: a frame asking for a window beyond what zstd accepts is refused before a block is decoded', async () => {
    const file = join(dir, 'window.tar.zst')
    await write(file, rleZstd(30, 4))
    const tree = await openArtifact(file).catch((err: unknown) => err)
    const err = await failure(entriesOf(tree as ArtifactTree))
    expect(err.code).toBe('E_INPUT_INVALID')
  })

  it('bzip2: blocks of runs', async () => {
    const bomb = await zeroTarWithTool('bzip2', ['-1'], 96 * MiB)
    const { tree, grewBy } = await readMeasured(bomb, { ratioGraceBytes: 8 * MiB })
    expect(tree.truncated()).toBe(true)
    expect(tree.issues.map((i) => i.code)).toEqual(['ARCHIVE_LIMIT_EXCEEDED'])
    expect(grewBy).toBeLessThan(300 * MiB)
  }, 300_000)

  it('zip: a deflated entry of zeros, the ratio measured on bytes actually read', async () => {
    await mkdir(join(dir, 'zipbomb'))
    await write(join(dir, 'zipbomb/zeros'), '')
    await truncate(join(dir, 'zipbomb/zeros'), 160 * MiB)
    run(dir, 'zip', ['-q', '-9', '-r', 'bomb.zip', 'zipbomb'])
    const { tree, grewBy } = await readMeasured(join(dir, 'bomb.zip'), { ratioGraceBytes: 16 * MiB })
    expect(tree.truncated()).toBe(true)
    expect(tree.issues.map((i) => i.code)).toEqual(['ARCHIVE_LIMIT_EXCEEDED'])
    expect(grewBy).toBeLessThan(300 * MiB)
  }, 300_000)
})

describe('count and size limits', () => {
  const many = Array.from({ length: 30 }, (_, i) => ({ name: `pkg/file${String(i).padStart(2, '0')}`, body: `content ${i}` }))

  it('maxEntries stops reading cleanly: entries() ends normally, truncated() is true', async () => {
    await write(join(dir, 'many.tar'), await packTar(many))
    const { tree, entries } = await readMeasured(join(dir, 'many.tar'), { maxEntries: 10 })
    expect(entries).toHaveLength(10)
    expect(tree.truncated()).toBe(true)
    expect(tree.issues.map((i) => i.code)).toEqual(['ARCHIVE_LIMIT_EXCEEDED'])
  })

  it('maxEntryBytes names the entry; what came before is kept', async () => {
    await write(join(dir, 'big.tar'), await packTar([{ name: 'pkg/small', body: 'x' }, { name: 'pkg/big', body: Buffer.alloc(100_000, 1) }, { name: 'pkg/after', body: 'y' }]))
    const { tree, entries } = await readMeasured(join(dir, 'big.tar'), { maxEntryBytes: 50_000 })
    expect(entries.map((e) => e.path)).toEqual(['small'])
    expect(tree.issues.map((i) => [i.code, i.path])).toEqual([['ARCHIVE_LIMIT_EXCEEDED', 'pkg/big']])
  })

  it('maxTotalBytes applies to zip and directories too', async () => {
    await mkdir(join(dir, 'total/pkg'), { recursive: true })
    for (const n of [1, 2, 3]) await write(join(dir, `total/pkg/f${n}`), Buffer.alloc(40_000, n))
    run(join(dir, 'total'), 'zip', ['-q', '-r', '../total.zip', 'pkg'])
    for (const file of [join(dir, 'total.zip'), join(dir, 'total')]) {
      const { tree, entries } = await readMeasured(file, { maxTotalBytes: 100_000 })
      expect(tree.truncated(), file).toBe(true)
      expect(entries.filter((e) => e.kind === 'file').length, file).toBeLessThan(3)
    }
  })

  it('has defaults that fit real releases', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxEntries: 1_000_000, maxEntryBytes: 8 * GiB, maxTotalBytes: 32 * GiB, maxRatio: 200, ratioGraceBytes: 64 * MiB, maxContentBytes: 4 * MiB })
  })

  it('rejects a limit that is not a number', async () => {
    await expect(openArtifact(join(dir, 'many.tar'), { limits: { maxEntries: Number.NaN } })).rejects.toMatchObject({ code: 'E_USAGE' })
  })
})
