import { randomBytes } from 'node:crypto'
import { chmod, copyFile, link, lstat, mkdir, readdir, readFile, readlink, symlink } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TreeEntry } from '../../src/model/tree.js'
import { gitBlobId, openArtifact, sha256Hex } from '../../src/sources/archive/index.js'
import { ProgressTicker } from '../../src/sources/archive/walk.js'
import { buildZip, byPath, entriesOf, gitHashObject, run, runBytes, scratch, sha256sum, write } from './fixtures.js'

let dir: string
let cleanup: () => Promise<void>
const PROJECT = 'proj-1.0'

/** What every reader must report for the fixture tree, computed from the files with independent tools. */
interface Expected {
  readonly kind: TreeEntry['kind']
  readonly mode: number
  readonly gitBlob?: string
  readonly sha256?: string
  readonly linkTarget?: string
  readonly content?: Buffer
}
const expected = new Map<string, Expected>()

async function describeTree(root: string, at = root): Promise<void> {
  for (const name of (await readdir(at)).sort()) {
    const full = join(at, name)
    const path = relative(root, full)
    const info = await lstat(full)
    if (info.isSymbolicLink()) expected.set(path, { kind: 'symlink', mode: info.mode & 0o7777, linkTarget: await readlink(full) })
    else if (info.isDirectory()) {
      expected.set(path, { kind: 'directory', mode: info.mode & 0o7777 })
      await describeTree(root, full)
    } else {
      expected.set(path, { kind: 'file', mode: info.mode & 0o7777, gitBlob: gitHashObject(full), sha256: sha256sum(full), content: await readFile(full) })
    }
  }
}

beforeAll(async () => {
  ;({ dir, cleanup } = await scratch('formats'))
  const root = join(dir, PROJECT)
  await mkdir(join(root, 'sub/deep/er'), { recursive: true })
  await mkdir(join(root, 'm4'))
  await write(join(root, 'README'), 'hello\n')
  await write(join(root, 'empty'), '')
  await write(join(root, 'sub/run.sh'), '#!/bin/sh\necho hi\n')
  await chmod(join(root, 'sub/run.sh'), 0o755)
  await write(join(root, 'sub/data.bin'), randomBytes(300_000))
  await write(join(root, 'sub/deep/er/crlf.txt'), 'line one\r\nline two\r\n')
  await write(join(root, 'm4/build-to-host.m4'), '# serial 3\ndnl a macro\n'.repeat(200))
  await write(join(root, 'naïve-ünïcode.txt'), 'non-ASCII name\n')
  await symlink('../README', join(root, 'sub/link'))
  await symlink('deep/er', join(root, 'sub/dirlink'))
  for (const d of [root, join(root, 'sub'), join(root, 'sub/deep'), join(root, 'sub/deep/er'), join(root, 'm4')]) await chmod(d, 0o755)
  await describeTree(root)

  run(dir, 'tar', ['--format=gnu', '-cf', 'p.tar', PROJECT])
  run(dir, 'tar', ['--format=posix', '-cf', 'pax.tar', PROJECT])
  run(dir, 'tar', ['--format=ustar', '-cf', 'ustar.tar', PROJECT])
  run(dir, 'gzip', ['-k', 'p.tar'])
  run(dir, 'xz', ['-k', '-T1', 'p.tar'])
  run(dir, 'bzip2', ['-k', 'p.tar'])
  run(dir, 'zstd', ['-q', '-k', 'p.tar'])
  run(dir, 'zip', ['-qry', 'p.zip', PROJECT])
  // the bytes decide the format: every artifact is read under a name that says nothing
  for (const file of ['p.tar', 'pax.tar', 'ustar.tar', 'p.tar.gz', 'p.tar.xz', 'p.tar.bz2', 'p.tar.zst', 'p.zip']) await copyFile(join(dir, file), join(dir, `${file}.artifact`))
})
afterAll(() => cleanup())

function expectMatchesFixture(entries: readonly TreeEntry[], options: { symlinkModes?: boolean } = {}): void {
  const seen = new Map(entries.map((e) => [e.path, e]))
  expect([...seen.keys()].sort()).toEqual([...expected.keys()].sort())
  for (const [path, want] of expected) {
    const got = seen.get(path)
    expect(got?.kind, path).toBe(want.kind)
    if (want.kind !== 'symlink' || options.symlinkModes) expect(got?.mode, path).toBe(want.mode)
    if (want.kind === 'file') {
      expect(got?.gitBlob, path).toBe(want.gitBlob)
      expect(got?.sha256, path).toBe(want.sha256)
      expect(got?.size, path).toBe(want.content?.length)
      expect(got?.content?.equals(want.content ?? Buffer.alloc(0)), path).toBe(true)
    }
    if (want.kind === 'symlink') {
      expect(got?.linkTarget, path).toBe(want.linkTarget)
      // as git stores a symlink: a blob holding the target
      expect(got?.gitBlob, path).toBe(gitBlobId(Buffer.from(want.linkTarget ?? '')))
    }
  }
}

describe('every format round-trips paths, modes, links and hashes', () => {
  for (const [file, format] of [
    ['p.tar', 'tar'],
    ['pax.tar', 'tar'],
    ['ustar.tar', 'tar'],
    ['p.tar.gz', 'tar.gz'],
    ['p.tar.xz', 'tar.xz'],
    ['p.tar.bz2', 'tar.bz2'],
    ['p.tar.zst', 'tar.zst'],
    ['p.zip', 'zip'],
  ] as const) {
    it(`${file} read as ${format}`, async () => {
      const tree = await openArtifact(join(dir, `${file}.artifact`))
      expect(tree.format).toBe(format)
      const entries = await entriesOf(tree)
      expect(tree.prefix()).toBe(PROJECT)
      expect(tree.prefixHeld()).toBe(true)
      expectMatchesFixture(entries)
      expect(tree.issues).toEqual([])
      expect(tree.truncated()).toBe(false)
      for (const e of entries) expect(e.path.startsWith('./') || e.path.endsWith('/') || e.path.startsWith('/')).toBe(false)
    })
  }

  it('a directory, without stripping and without following links', async () => {
    const tree = await openArtifact(join(dir, PROJECT))
    expect(tree.format).toBe('directory')
    const entries = await entriesOf(tree)
    expect(tree.prefix()).toBe('')
    expectMatchesFixture(entries, { symlinkModes: true })
    expect(entries.some((e) => e.path.startsWith('sub/dirlink/'))).toBe(false)
    expect(tree.issues).toEqual([])
  })

  it('an old v7 tar (automake dist) without ustar magic', async () => {
    run(join(dir, PROJECT), 'tar', ['--format=v7', '-cf', '../v7.tar', 'README', 'sub/run.sh', 'sub/link'])
    const tree = await openArtifact(join(dir, 'v7.tar'))
    expect(tree.format).toBe('tar')
    const entries = await byPath(tree)
    expect(entries.get('sub/run.sh')).toMatchObject({ kind: 'file', mode: 0o755, gitBlob: expected.get('sub/run.sh')?.gitBlob })
    expect(entries.get('sub/link')).toMatchObject({ kind: 'symlink', linkTarget: '../README' })
    expect(tree.issues).toEqual([])
  })

  it('a git archive tarball: every blob id equals the one in the git tree', async () => {
    const repo = join(dir, 'repo')
    await mkdir(repo)
    run(repo, 'git', ['init', '-q'])
    await write(join(repo, 'a.txt'), 'alpha\n')
    await mkdir(join(repo, 'src'))
    await write(join(repo, 'src/main.c'), 'int main(void) { return 0; }\n')
    await write(join(repo, 'tool.sh'), '#!/bin/sh\n')
    await chmod(join(repo, 'tool.sh'), 0o755)
    run(repo, 'git', ['add', '.'])
    run(repo, 'git', ['-c', 'user.name=T', '-c', 'user.email=t@example.org', 'commit', '-qm', 'init'])
    run(repo, 'git', ['archive', '--format=tar.gz', '--prefix=repo-2.0/', '-o', '../repo.tgz', 'HEAD'])
    const tree = await openArtifact(join(dir, 'repo.tgz'))
    const entries = await byPath(tree)
    expect(tree.prefix()).toBe('repo-2.0')
    const listing = run(repo, 'git', ['ls-tree', '-r', 'HEAD']).trim().split('\n')
    for (const line of listing) {
      const [meta = '', path = ''] = line.split('\t')
      const [mode, , oid] = meta.split(' ')
      expect(entries.get(path)?.gitBlob, path).toBe(oid)
      expect((entries.get(path)?.mode ?? 0) & 0o100, path).toBe(mode === '100755' ? 0o100 : 0)
    }
    // git's PAX global header (the commit id) is metadata, not an override
    expect(tree.issues).toEqual([])
  })

  it('long names through PAX or GNU long-name headers are legitimate, not overrides', async () => {
    const longDir = join(dir, 'long-1.0', 'a'.repeat(60), 'b'.repeat(60))
    await mkdir(longDir, { recursive: true })
    await write(join(longDir, `${'c'.repeat(80)}.txt`), 'deep\n')
    await symlink(`../${'b'.repeat(60)}/${'c'.repeat(80)}.txt`, join(longDir, 'long-link'))
    for (const format of ['gnu', 'posix']) {
      run(dir, 'tar', [`--format=${format}`, '-cf', `long-${format}.tar`, 'long-1.0'])
      const tree = await openArtifact(join(dir, `long-${format}.tar`))
      const entries = await byPath(tree)
      const name = `${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(80)}.txt`
      expect(entries.get(name)?.content?.toString(), format).toBe('deep\n')
      expect(entries.get(`${'a'.repeat(60)}/${'b'.repeat(60)}/long-link`)?.linkTarget, format).toBe(`../${'b'.repeat(60)}/${'c'.repeat(80)}.txt`)
      expect(tree.issues, format).toEqual([])
    }
  })

  it('reads a long name whose first hundred characters end at a slash as the file it names', async () => {
    // GNU tar stores the first 100 characters in the plain header: `cut-1.0/ddd…/`, as a directory would be
    const parent = 'd'.repeat(91)
    await mkdir(join(dir, 'cut-1.0', parent), { recursive: true })
    await write(join(dir, 'cut-1.0', parent, 'test_stream.py'), 'x = 1\n')
    await write(join(dir, 'cut-1.0', 'after.txt'), 'after\n')
    for (const format of ['gnu', 'posix']) {
      run(dir, 'tar', [`--format=${format}`, '-cf', `cut-${format}.tar`, 'cut-1.0'])
      const tree = await openArtifact(join(dir, `cut-${format}.tar`))
      const entries = await byPath(tree)
      expect(entries.get(`${parent}/test_stream.py`)?.content?.toString(), format).toBe('x = 1\n')
      expect(entries.get('after.txt')?.content?.toString(), format).toBe('after\n')
      expect(tree.issues, format).toEqual([])
    }
  })

  it('hardlinks carry their target and its digests', async () => {
    const root = join(dir, 'hard-1.0')
    await mkdir(root)
    await write(join(root, 'original'), 'shared bytes\n')
    await link(join(root, 'original'), join(root, 'copy'))
    run(dir, 'tar', ['-cf', 'hard.tar', 'hard-1.0/copy', 'hard-1.0/original'])
    const tree = await openArtifact(join(dir, 'hard.tar'))
    const entries = await byPath(tree)
    const blob = gitHashObject(join(root, 'original'))
    expect(entries.get('copy')).toMatchObject({ kind: 'file', gitBlob: blob })
    expect(entries.get('original')).toMatchObject({ kind: 'hardlink', linkTarget: 'copy', gitBlob: blob, sha256: sha256Hex(Buffer.from('shared bytes\n')) })
    expect(tree.issues).toEqual([])
  })

  it('concatenated compressed streams read as one (pigz, pbzip2 and multi-frame zstd write them)', async () => {
    const root = join(dir, 'multi-1.0')
    await mkdir(root)
    await write(join(root, 'one'), 'first\n')
    await write(join(root, 'two'), 'second\n')
    run(dir, 'tar', ['-cf', 'multi.tar', 'multi-1.0'])
    const tar = await readFile(join(dir, 'multi.tar'))
    const cut = 1536 // after the first file's header and data
    for (const [tool, args] of [
      ['gzip', ['-c']],
      ['bzip2', ['-c']],
      ['xz', ['-c', '-T1']],
      ['zstd', ['-q', '-c']],
    ] as const) {
      await write(join(dir, 'part-a'), tar.subarray(0, cut))
      await write(join(dir, 'part-b'), tar.subarray(cut))
      const first = runBytes(dir, tool, [...args, 'part-a'])
      const second = runBytes(dir, tool, [...args, 'part-b'])
      await write(join(dir, `multi.${tool}`), Buffer.concat([first, second]))
      const entries = await byPath(await openArtifact(join(dir, `multi.${tool}`)))
      expect(entries.get('two')?.content?.toString(), tool).toBe('second\n')
    }
  })
})

describe('edge shapes', () => {
  it('an empty tar and an empty zip have no entries and no issues', async () => {
    await write(join(dir, 'empty.list'), '')
    run(dir, 'tar', ['-cf', 'empty.tar', '-T', 'empty.list'])
    run(dir, 'gzip', ['-k', 'empty.tar'])
    await write(join(dir, 'empty.zip'), buildZip([]))
    for (const file of ['empty.tar', 'empty.tar.gz', 'empty.zip']) {
      const tree = await openArtifact(join(dir, file))
      expect(await entriesOf(tree), file).toEqual([])
      expect(tree.issues, file).toEqual([])
    }
  })

  it('a Zip64 archive', async () => {
    run(dir, 'zip', ['-q', '-y', '-fz', '-r', 'p64.zip', PROJECT])
    const tree = await openArtifact(join(dir, 'p64.zip'))
    expectMatchesFixture(await entriesOf(tree))
  })
})

describe('content is kept only for small files', () => {
  it('a file over maxContentBytes has no content but correct hashes', async () => {
    const tree = await openArtifact(join(dir, 'p.tar.xz.artifact'), { limits: { maxContentBytes: 1000 } })
    const entries = await byPath(tree)
    const data = entries.get('sub/data.bin')
    expect(data?.content).toBeUndefined()
    expect(data?.size).toBe(300_000)
    expect(data?.gitBlob).toBe(expected.get('sub/data.bin')?.gitBlob)
    expect(data?.sha256).toBe(expected.get('sub/data.bin')?.sha256)
    expect(entries.get('m4/build-to-host.m4')?.content).toBeUndefined()
    expect(entries.get('README')?.content?.toString()).toBe('hello\n')
  })

  it('an empty file has the empty blob id', async () => {
    const entries = await byPath(await openArtifact(join(dir, 'p.zip.artifact')))
    expect(entries.get('empty')).toMatchObject({ kind: 'file', size: 0, gitBlob: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391' })
  })
})

describe('progress', () => {
  it('is reported periodically with bytes read from the file, ending at its size', async () => {
    const file = join(dir, 'p.tar.bz2.artifact')
    const size = (await lstat(file)).size
    const calls: [number, number | undefined][] = []
    const tree = await openArtifact(file, { onProgress: (read, total) => calls.push([read, total]) })
    const entries = await entriesOf(tree)
    expect(entries.length).toBeGreaterThan(5)
    expect(calls.length).toBeGreaterThan(0)
    expect(calls.every(([, total]) => total === size)).toBe(true)
    expect(calls.map(([read]) => read)).toEqual([...calls.map(([read]) => read)].sort((a, b) => a - b))
    expect(calls.at(-1)?.[0]).toBe(size)
  })

  it('is throttled to one report per 250 ms of its clock, and the final one is always sent', () => {
    let now = 0
    const calls: number[] = []
    const ticker = new ProgressTicker((read) => calls.push(read), () => now, 100, () => now)
    for (now = 1; now <= 1000; now++) ticker.tick()
    expect(calls).toEqual([250, 500, 750, 1000])
    ticker.tick(true)
    expect(calls).toHaveLength(5)
  })
})
