import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openArtifact } from '../../src/sources/archive/index.js'
import { buildZip, END_OF_ARCHIVE, entriesOf, failure, fileEntry, packTar, rawHeader, run, runBytes, scratch, write } from './fixtures.js'

let dir: string
let cleanup: () => Promise<void>
const COMPRESSED = ['p.tar.gz', 'p.tar.xz', 'p.tar.bz2', 'p.tar.zst'] as const

beforeAll(async () => {
  ;({ dir, cleanup } = await scratch('corrupt'))
  await mkdir(join(dir, 'proj-2.1/src'), { recursive: true })
  for (let i = 0; i < 8; i++) await write(join(dir, `proj-2.1/src/file${i}.c`), `/* file ${i} */\n${'int x = 1;\n'.repeat(2000 + i)}`)
  await write(join(dir, 'proj-2.1/blob.bin'), randomBytes(150_000))
  run(dir, 'tar', ['-cf', 'p.tar', 'proj-2.1'])
  run(dir, 'gzip', ['-k', 'p.tar'])
  run(dir, 'xz', ['-k', '-T1', 'p.tar'])
  run(dir, 'bzip2', ['-k', 'p.tar'])
  run(dir, 'zstd', ['-q', '-k', 'p.tar'])
  run(dir, 'zip', ['-qr', 'p.zip', 'proj-2.1'])
  await write(join(dir, 'notes.txt'), 'just text, not an archive\n'.repeat(40))
})
afterAll(() => cleanup())

/** Reads everything; resolves to the error entries() threw. */
const readFailure = async (file: string) => failure(openArtifact(file).then(entriesOf))

async function variant(name: string, from: string, change: (bytes: Buffer) => Buffer): Promise<string> {
  const file = join(dir, name)
  await write(file, change(Buffer.from(await readFile(join(dir, from)))))
  return file
}

function expectCorrupt(err: { code?: string; message: string }, file: string): void {
  expect(err.code).toBe('E_ARCHIVE_CORRUPT')
  expect(err.message).toContain(file)
  expect(err.message).not.toContain('\n')
}

/** Offsets of the block headers of the first zstd frame. */
function zstdBlockOffsets(bytes: Buffer): number[] {
  const descriptor = bytes[4] ?? 0
  const singleSegment = (descriptor >> 5) & 1
  const dictBytes = [0, 1, 2, 4][descriptor & 3] ?? 0
  const sizeFlag = descriptor >> 6
  const sizeBytes = sizeFlag === 0 ? singleSegment : [1, 2, 4, 8][sizeFlag] ?? 0
  let at = 5 + (singleSegment ? 0 : 1) + dictBytes + sizeBytes
  const offsets: number[] = []
  for (;;) {
    offsets.push(at)
    const header = (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16)
    const type = (header >> 1) & 3
    const size = header >> 3
    at += 3 + (type === 1 ? 1 : size)
    if (header & 1 || at >= bytes.length) return offsets
  }
}

describe('truncated and corrupt data → E_ARCHIVE_CORRUPT from entries()', () => {
  for (const file of [...COMPRESSED, 'p.tar', 'p.zip']) {
    it(`${file} cut short`, async () => {
      const cut = await variant(`cut-${file}`, file, (bytes) => bytes.subarray(0, Math.floor(bytes.length * 0.6)))
      expectCorrupt(await readFailure(cut), cut)
    })
  }

  for (const file of [...COMPRESSED, 'p.zip']) {
    it(`${file} cut to its first bytes`, async () => {
      const cut = await variant(`stub-${file}`, file, (bytes) => bytes.subarray(0, 24))
      expectCorrupt(await readFailure(cut), cut)
    })
  }

  for (const file of ['p.tar.gz', 'p.tar.xz', 'p.tar.bz2']) {
    it(`${file} with damaged bytes in the middle`, async () => {
      const damaged = await variant(`damaged-${file}`, file, (bytes) => {
        const middle = Math.floor(bytes.length / 2)
        for (let i = middle; i < middle + 64; i++) bytes[i] = (bytes[i] ?? 0) ^ 0x5a
        return bytes
      })
      expectCorrupt(await readFailure(damaged), damaged)
    })
  }

  it('p.tar.zst with a broken block in the middle, after some entries were read', async () => {
    const damaged = await variant('damaged.tar.zst', 'p.tar.zst', (bytes) => {
      const offsets = zstdBlockOffsets(bytes)
      const at = offsets[Math.floor(offsets.length / 2)] ?? 0
      bytes[at] = (bytes[at] ?? 0) | 0x06 // block type 3 is reserved
      return bytes
    })
    const seen: string[] = []
    const tree = await openArtifact(damaged)
    const err = await failure(
      (async () => {
        for await (const entry of tree.entries()) seen.push(entry.path)
      })(),
    )
    expectCorrupt(err, damaged)
    expect(seen.length).toBeGreaterThan(0)
  })

  it('data after the end of the gzip stream (gzip and tar reject it too)', async () => {
    const file = await variant('garbage.tar.gz', 'p.tar.gz', (bytes) => Buffer.concat([bytes, Buffer.from('TRAILING GARBAGE')]))
    expectCorrupt(await readFailure(file), file)
  })

  it('a tar header whose checksum does not add up, after earlier entries were read', async () => {
    const good = await packTar([{ name: 'pkg/first.txt', body: 'ok' }, { name: 'pkg/second.txt', body: 'broken header' }])
    const broken = Buffer.from(good)
    broken[1024 + 10] = 0x41 // inside the second header's name field
    const file = join(dir, 'checksum.tar')
    await write(file, broken)
    const tree = await openArtifact(file)
    const seen: string[] = []
    const err = await failure(
      (async () => {
        for await (const entry of tree.entries()) seen.push(entry.path)
      })(),
    )
    expectCorrupt(err, file)
    expect(seen).toEqual(['first.txt'])
  })

  it('a plain tar that stops at a block boundary, without the end-of-archive marker', async () => {
    const file = join(dir, 'no-end.tar')
    await write(file, Buffer.concat([fileEntry('pkg/a.txt', 'a'), fileEntry('pkg/b.txt', 'b')]))
    expectCorrupt(await readFailure(file), file)
  })

  it('a tar entry whose size field is not a number', async () => {
    const header = rawHeader({ name: 'pkg/bad-size', size: 10 })
    header.write('9999999999\0', 124, 'latin1') // 9 is not an octal digit
    let sum = 0
    header.fill(0x20, 148, 156)
    for (const byte of header) sum += byte
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
    const file = join(dir, 'bad-size.tar')
    await write(file, Buffer.concat([fileEntry('pkg/ok', 'ok'), header, Buffer.alloc(512), END_OF_ARCHIVE]))
    expectCorrupt(await readFailure(file), file)
  })

  it('a zip whose central directory is damaged', async () => {
    const file = await variant('central.zip', 'p.zip', (bytes) => {
      const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
      bytes.fill(0xee, central, central + 8)
      return bytes
    })
    expectCorrupt(await readFailure(file), file)
  })

  it('a zip entry whose bytes fail their CRC', async () => {
    const file = join(dir, 'crc.zip')
    await write(file, buildZip([{ name: 'pkg/', unixMode: 0o40755 }, { name: 'pkg/a.txt', data: 'payload', crc: 0x12345678 }]))
    expectCorrupt(await readFailure(file), file)
  })

  it('a zip whose local header is damaged', async () => {
    const file = await variant('local.zip', 'p.zip', (bytes) => {
      const local = bytes.indexOf(Buffer.from('proj-2.1/src/file3.c')) - 30
      bytes.fill(0, local, local + 4)
      return bytes
    })
    expectCorrupt(await readFailure(file), file)
  })
})

describe('inputs that are not supported archives', () => {
  it('a missing path → E_INPUT_NOT_FOUND', async () => {
    expect((await failure(openArtifact(join(dir, 'nope.tar.gz')))).code).toBe('E_INPUT_NOT_FOUND')
    expect((await failure(openArtifact(join(dir, 'notes.txt', 'below-a-file')))).code).toBe('E_INPUT_NOT_FOUND')
  })

  it('a text file, an empty file → E_INPUT_INVALID, naming the file', async () => {
    const text = await failure(openArtifact(join(dir, 'notes.txt')))
    expect(text.code).toBe('E_INPUT_INVALID')
    expect(text.message).toContain(join(dir, 'notes.txt'))
    await write(join(dir, 'empty'), '')
    expect((await failure(openArtifact(join(dir, 'empty')))).code).toBe('E_INPUT_INVALID')
  })

  for (const [tool, args] of [
    ['gzip', ['-c']],
    ['xz', ['-c']],
    ['bzip2', ['-c']],
    ['zstd', ['-q', '-c']],
  ] as const) {
    it(`${tool}-compressed data that is not a tar → E_INPUT_INVALID when opening`, async () => {
      const file = join(dir, `notes.${tool}`)
      await write(file, runBytes(dir, tool, [...args, 'notes.txt']))
      expect((await failure(openArtifact(file))).code).toBe('E_INPUT_INVALID')
    })
  }
})

describe('zip content stagelight does not read', () => {
  for (const [what, args] of [
    ['an encrypted entry', ['-P', 'secret']],
    ['an entry compressed with bzip2 (method 12)', ['-Z', 'bzip2']],
  ] as const) {
    it(`${what} → E_INPUT_INVALID from entries(), naming the file`, async () => {
      const file = join(dir, `unsupported-${args[0]}.zip`)
      run(dir, 'zip', ['-q', ...args, file, 'notes.txt'])
      const err = await readFailure(file)
      expect(err.code).toBe('E_INPUT_INVALID')
      expect(err.message).toContain(file)
    })
  }
})

describe('no reader is left holding a decoder', () => {
  it('an xz read abandoned early, or failed, does not block the next one', async () => {
    const first = await openArtifact(join(dir, 'p.tar.xz'))
    for await (const entry of first.entries()) if (entry.kind === 'file') break
    const cut = await variant('cut-again.tar.xz', 'p.tar.xz', (bytes) => bytes.subarray(0, 5000))
    expect((await readFailure(cut)).code).toBe('E_ARCHIVE_CORRUPT')
    const again = await entriesOf(await openArtifact(join(dir, 'p.tar.xz')))
    expect(again.filter((e) => e.kind === 'file')).toHaveLength(9)
  })

  it('a read abandoned after one entry closes its file, whatever the format', async () => {
    const openFiles = async () => (await readdir('/proc/self/fd')).length
    const before = await openFiles()
    for (const file of [...COMPRESSED, 'p.tar', 'p.zip', 'proj-2.1']) {
      const tree = await openArtifact(join(dir, file))
      for await (const entry of tree.entries()) if (entry.kind === 'file') break
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await openFiles()).toBeLessThanOrEqual(before)
  })

  it('artifacts of different formats read side by side', async () => {
    const trees = await Promise.all(['p.tar.gz', 'p.tar.zst', 'p.tar.bz2', 'p.zip', 'p.tar'].map((f) => openArtifact(join(dir, f))))
    const lists = await Promise.all(trees.map(entriesOf))
    for (const list of lists) expect(list.filter((e) => e.kind === 'file').map((e) => e.gitBlob).sort()).toEqual(lists[0]?.filter((e) => e.kind === 'file').map((e) => e.gitBlob).sort())
  })
})
