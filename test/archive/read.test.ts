import { execFileSync } from 'node:child_process'
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import tarStream from 'tar-stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TreeEntry } from '../../src/model/tree.js'
import { openArtifact, type ArtifactTree } from '../../src/sources/archive/index.js'

let dir: string
const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: dir })

async function all(tree: ArtifactTree): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>()
  for await (const e of tree.entries()) out.set(e.path, e)
  return out
}

async function packTar(file: string, entries: { name: string; type?: string; linkname?: string; body?: string; pax?: Record<string, string> }[]): Promise<void> {
  const pack = tarStream.pack()
  const done = pipeline(pack, createWriteStream(file))
  for (const e of entries) {
    pack.entry({ name: e.name, type: (e.type ?? 'file') as 'file', ...(e.linkname ? { linkname: e.linkname } : {}), ...(e.pax ? { pax: e.pax } : {}), size: e.body?.length ?? 0, mode: 0o644 }, e.body ?? '')
  }
  pack.finalize()
  await done
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stagelight-archive-'))
  mkdirSync(join(dir, 'proj-1.0/sub'), { recursive: true })
  writeFileSync(join(dir, 'proj-1.0/README'), 'hello\n')
  writeFileSync(join(dir, 'proj-1.0/sub/run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 })
  writeFileSync(join(dir, 'proj-1.0/sub/data.bin'), Buffer.alloc(300_000, 7))
  symlinkSync('../README', join(dir, 'proj-1.0/sub/link'))
  sh('tar -cf p.tar proj-1.0 && gzip -k p.tar && xz -k p.tar && bzip2 -k p.tar && zstd -q p.tar && zip -qry p.zip proj-1.0')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('openArtifact formats', () => {
  for (const [file, format] of [
    ['p.tar', 'tar'],
    ['p.tar.gz', 'tar.gz'],
    ['p.tar.xz', 'tar.xz'],
    ['p.tar.bz2', 'tar.bz2'],
    ['p.tar.zst', 'tar.zst'],
    ['p.zip', 'zip'],
    ['proj-1.0', 'directory'],
  ] as const) {
    it(`reads ${file} by its bytes, with hashes equal to git's and sha256sum's`, async () => {
      const renamed = join(dir, `renamed-${file}.bin`)
      if (format !== 'directory') writeFileSync(renamed, readFileSync(join(dir, file)))
      const tree = await openArtifact(format === 'directory' ? join(dir, file) : renamed)
      expect(tree.format).toBe(format)
      const entries = await all(tree)
      if (format !== 'directory') expect(tree.prefix()).toBe('proj-1.0')
      const run = entries.get('sub/run.sh')
      expect(run?.gitBlob).toBe(execFileSync('git', ['hash-object', join(dir, 'proj-1.0/sub/run.sh')], { encoding: 'utf8' }).trim())
      expect(run?.sha256).toBe(execFileSync('sha256sum', [join(dir, 'proj-1.0/sub/run.sh')], { encoding: 'utf8' }).split(' ')[0])
      expect(run?.mode).toBe(0o755)
      expect(run?.content?.toString()).toBe('#!/bin/sh\necho hi\n')
      expect(entries.get('sub/link')).toMatchObject({ kind: 'symlink', linkTarget: '../README' })
      expect(entries.get('sub/data.bin')?.size).toBe(300_000)
      expect(tree.issues).toEqual([])
    })
  }

  it('keeps no bytes for files over the content limit but still hashes them', async () => {
    const entries = await all(await openArtifact(join(dir, 'p.tar.gz'), { limits: { maxContentBytes: 1000 } }))
    const data = entries.get('sub/data.bin')
    expect(data?.content).toBeUndefined()
    expect(data?.gitBlob).toBe(execFileSync('git', ['hash-object', join(dir, 'proj-1.0/sub/data.bin')], { encoding: 'utf8' }).trim())
  })
})

describe('bad input', () => {
  it('missing file → E_INPUT_NOT_FOUND; text file → E_INPUT_INVALID', async () => {
    await expect(openArtifact(join(dir, 'nope'))).rejects.toMatchObject({ code: 'E_INPUT_NOT_FOUND' })
    writeFileSync(join(dir, 'notes.txt'), 'just text, not an archive\n'.repeat(40))
    await expect(openArtifact(join(dir, 'notes.txt'))).rejects.toMatchObject({ code: 'E_INPUT_INVALID' })
  })

  for (const file of ['p.tar.gz', 'p.tar.xz', 'p.tar.bz2', 'p.tar.zst', 'p.zip', 'p.tar']) {
    it(`a truncated ${file} → E_ARCHIVE_CORRUPT`, async () => {
      const bytes = readFileSync(join(dir, file))
      const cut = join(dir, `cut-${file}`)
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
      await expect(openArtifact(cut).then(all)).rejects.toMatchObject({ code: 'E_ARCHIVE_CORRUPT' })
    })
  }

  it('corrupted gzip data → E_ARCHIVE_CORRUPT', async () => {
    const bytes = Buffer.from(readFileSync(join(dir, 'p.tar.gz')))
    for (let i = 40; i < 200; i++) bytes[i] = (bytes[i] ?? 0) ^ 0x5a
    writeFileSync(join(dir, 'bad.tgz'), bytes)
    await expect(openArtifact(join(dir, 'bad.tgz')).then(all)).rejects.toMatchObject({ code: 'E_ARCHIVE_CORRUPT' })
  })
})

describe('hostile archives are findings, not crashes', () => {
  it('reports traversal, absolute paths, escaping links, devices, duplicates and PAX overrides, and reads on', async () => {
    const file = join(dir, 'hostile.tar')
    await packTar(file, [
      { name: 'pkg/', type: 'directory' },
      { name: 'pkg/ok.txt', body: 'fine' },
      { name: 'pkg/../../escape.txt', body: 'x' },
      { name: '/etc/cron.d/evil', body: 'x' },
      { name: 'pkg/up', type: 'symlink', linkname: '../../../home/user/.ssh/authorized_keys' },
      { name: 'pkg/abs', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'pkg/hard', type: 'link', linkname: '../outside' },
      { name: 'pkg/dev', type: 'character-device' },
      { name: 'pkg/ok.txt', body: 'replaced' },
      { name: 'pkg/short', body: 'p', pax: { path: 'pkg/other-name' } },
      { name: 'pkg/last.txt', body: 'still read' },
    ])
    const tree = await openArtifact(file)
    const entries = await all(tree)
    const codes = tree.issues.map((i) => i.code).sort()
    expect(codes).toEqual(['ARCHIVE_ABSOLUTE_PATH', 'ARCHIVE_DEVICE', 'ARCHIVE_DUPLICATE_PATH', 'ARCHIVE_LINK_ESCAPE', 'ARCHIVE_LINK_ESCAPE', 'ARCHIVE_LINK_ESCAPE', 'ARCHIVE_PATH_TRAVERSAL', 'ARCHIVE_PAX_OVERRIDE'])
    expect(entries.get('last.txt')?.content?.toString()).toBe('still read')
    expect(entries.get('ok.txt')?.content?.toString()).toBe('replaced')
    expect([...entries.keys()].some((p) => p.includes('..') || p.startsWith('/'))).toBe(false)
  })

  it('stops a decompression bomb with a limit issue, in bounded time and memory', async () => {
    const bomb = join(dir, 'bomb.tar.gz')
    const pack = tarStream.pack()
    const size = 3 * 1024 ** 3
    const zeros = Buffer.alloc(1024 * 1024)
    const write = pipeline(pack, createGzip({ level: 9 }), createWriteStream(bomb))
    const entry = pack.entry({ name: 'pkg/zeros', size }, () => undefined)
    await pipeline(
      Readable.from(
        (function* () {
          for (let i = 0; i < size / zeros.length; i++) yield zeros
        })(),
      ),
      entry,
    )
    pack.finalize()
    await write
    const rss = process.memoryUsage().rss
    const started = Date.now()
    const tree = await openArtifact(bomb)
    await all(tree)
    expect(tree.truncated()).toBe(true)
    expect(tree.issues.map((i) => i.code)).toContain('ARCHIVE_LIMIT_EXCEEDED')
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(process.memoryUsage().rss - rss).toBeLessThan(300 * 1024 ** 2)
  }, 120_000)

  it('does not strip when entries have several top-level directories', async () => {
    const file = join(dir, 'multi.tar')
    await packTar(file, [{ name: 'a/one', body: '1' }, { name: 'b/two', body: '2' }])
    const tree = await openArtifact(file)
    await all(tree)
    expect(tree.prefixHeld()).toBe(false)
    const again = await all(await openArtifact(file, { stripPrefix: false }))
    expect([...again.keys()].sort()).toEqual(['a/one', 'b/two'])
  })

  it('reports a link in a directory artifact that escapes it', async () => {
    mkdirSync(join(dir, 'tree'))
    symlinkSync('../../..', join(dir, 'tree', 'up'))
    const tree = await openArtifact(join(dir, 'tree'))
    await all(tree)
    expect(tree.issues.map((i) => i.code)).toEqual(['ARCHIVE_LINK_ESCAPE'])
  })
})
