import { describe, expect, it } from 'vitest'
import type { TreeEntry } from '../../src/model/tree.js'
import { gitBlobId } from '../../src/sources/archive/index.js'
import type { SourceTree } from '../../src/sources/git/types.js'
import type { ComparedTrees } from '../../src/verify/compare.js'
import { releaseSubdirectory, sourceBelow } from '../../src/verify/subdirectory.js'

const file = (path: string, content: string): TreeEntry => {
  const buf = Buffer.from(content)
  return { path, kind: 'file', mode: 0o644, size: buf.length, gitBlob: gitBlobId(buf) }
}
const tree = (files: Record<string, string>): Map<string, TreeEntry> => new Map(Object.entries(files).map(([p, c]) => [p, file(p, c)]))
const source = (files: Record<string, string>): SourceTree => ({ ref: 'v1', commit: 'c'.repeat(40), entries: tree(files), exportIgnored: new Map(), exportSubst: [] })
const compared = (files: Record<string, string>, identical = 0): ComparedTrees => {
  const entries = tree(files)
  return { differences: [], identical, artifactFiles: entries.size, artifactPaths: new Set(entries.keys()), artifactEntries: entries, contentDropped: [] }
}

const lib = { 'configure.ac': 'AC_INIT([lib])\n', 'Makefile.am': 'SUBDIRS = lib\n', 'lib/a.c': 'int a;\n', 'lib/b.c': 'int b;\n', 'lib/c.h': 'int c;\n', 'README': 'lib\n' }
const repository = { ...Object.fromEntries(Object.entries(lib).map(([p, c]) => [`src/${p}`, c])), 'README.md': 'the project\n', 'python/setup.py': 'setup()\n', '.github/ci.yml': 'on: push\n' }

describe('a release made from one directory of the repository', () => {
  it('finds the directory whose files the release holds at the same relative paths', () => {
    // generated files the tag holds nowhere do not count against it
    expect(releaseSubdirectory(compared({ ...lib, configure: '#!/bin/sh\n', 'Makefile.in': 'all:\n', 'lib/Makefile.in': 'all:\n' }), source(repository))).toBe('src')
  })
  it('keeps the top when the release matches the top as well', () => {
    // the repository holds a copy of the project under src/ too: the top, where all six match, wins
    expect(releaseSubdirectory(compared(lib, 6), source({ ...repository, ...lib }))).toBeUndefined()
    expect(releaseSubdirectory(compared(lib, 0), source({ ...repository, ...lib }))).toBe('src')
  })
  it('needs most of the files, and more than a handful, to match', () => {
    // two files of the release that happen to sit in a directory of the repository
    expect(releaseSubdirectory(compared({ 'lib/a.c': 'int a;\n', 'lib/b.c': 'int b;\n', 'main.c': 'int main;\n' }), source({ 'vendor/lib/a.c': 'int a;\n', 'vendor/lib/b.c': 'int b;\n', 'main.c': 'int x;\n' }))).toBeUndefined()
    const half = { ...lib, 'x/1.c': '1', 'x/2.c': '2', 'x/3.c': '3', 'x/4.c': '4', 'x/5.c': '5', 'x/6.c': '6', 'x/7.c': '7' }
    expect(releaseSubdirectory(compared(half), source({ ...repository, '1.c': '1', '2.c': '2', '3.c': '3', '4.c': '4', '5.c': '5', '6.c': '6', '7.c': '7' }))).toBeUndefined()
  })
  it('counts a link of a directory as the file it leads to, where most of the directory links to shared sources', () => {
    // the tool's directory holds two files of its own and links to five sources it shares with the top
    const shared = { 'common/a.cc': 'int a;\n', 'common/b.cc': 'int b;\n', 'common/c.cc': 'int c;\n', 'common/d.hh': 'int d;\n', 'common/e.hh': 'int e;\n' }
    const entries = tree({ ...shared, 'tool/configure.ac': 'AC_INIT([tool])\n', 'tool/main.cc': 'int main;\n', 'README.md': 'all\n' })
    for (const path of Object.keys(shared)) {
      const name = path.slice('common/'.length)
      entries.set(`tool/${name}`, { path: `tool/${name}`, kind: 'symlink', mode: 0o777, size: 10, linkTarget: `../common/${name}` })
    }
    const release = { 'configure.ac': 'AC_INIT([tool])\n', 'main.cc': 'int main;\n', ...Object.fromEntries(Object.entries(shared).map(([p, c]) => [p.slice('common/'.length), c])) }
    const repo: SourceTree = { ref: 'v1', commit: 'c'.repeat(40), entries, exportIgnored: new Map(), exportSubst: [] }
    expect(releaseSubdirectory(compared(release), repo)).toBe('tool')
    // without the links, the shared directory holds more of the release than the tool's own
    const unlinked = new Map([...entries].filter(([, e]) => e.kind !== 'symlink'))
    expect(releaseSubdirectory(compared(release), { ...repo, entries: unlinked })).toBe('common')
  })
  it('sees the tag from that directory, nothing outside it', () => {
    const below = sourceBelow(source(repository), 'src')
    expect([...below.entries.keys()].sort()).toEqual(Object.keys(lib).sort())
    expect(below.entries.get('lib/a.c')?.path).toBe('lib/a.c')
  })
  it('sees a link out of the directory as the file it leads to, and a link inside it as a link', () => {
    const tree = source(repository)
    const entries = new Map(tree.entries)
    entries.set('LICENSE', file('LICENSE', 'MIT\n'))
    entries.set('src/LICENSE.txt', { path: 'src/LICENSE.txt', kind: 'symlink', mode: 0o777, size: 10, linkTarget: '../LICENSE' })
    entries.set('src/COPYING', { path: 'src/COPYING', kind: 'symlink', mode: 0o777, size: 11, linkTarget: 'LICENSE.txt' })
    entries.set('src/docs', { path: 'src/docs', kind: 'symlink', mode: 0o777, size: 10, linkTarget: '../../etc' })
    const below = sourceBelow({ ...tree, entries }, 'src')
    expect(below.entries.get('LICENSE.txt')).toMatchObject({ path: 'LICENSE.txt', kind: 'file', gitBlob: gitBlobId(Buffer.from('MIT\n')) })
    expect(below.entries.get('COPYING')).toMatchObject({ kind: 'symlink', linkTarget: 'LICENSE.txt' })
    // a link that leaves the repository stays a link
    expect(below.entries.get('docs')?.kind).toBe('symlink')
  })
  it('sees a link out of the directory to a directory as the files below it, links among them followed', () => {
    const tree = source({ ...repository, 'ext/json/json.hpp': 'struct json;\n', 'ext/json/include/api.hpp': 'void api();\n', 'ext/json/LICENSE': 'MIT\n' })
    const entries = new Map(tree.entries)
    // written with a trailing slash, as `ln -s ../../ext/json/ ext/json` leaves it
    entries.set('src/ext/json', { path: 'src/ext/json', kind: 'symlink', mode: 0o777, size: 15, linkTarget: '../../ext/json/' })
    entries.set('ext/json/COPYING', { path: 'ext/json/COPYING', kind: 'symlink', mode: 0o777, size: 7, linkTarget: 'LICENSE' })
    entries.set('src/ext/gone', { path: 'src/ext/gone', kind: 'symlink', mode: 0o777, size: 14, linkTarget: '../../ext/gone' })
    const below = sourceBelow({ ...tree, entries }, 'src')
    expect(below.entries.get('ext/json/include/api.hpp')).toMatchObject({ path: 'ext/json/include/api.hpp', kind: 'file', gitBlob: gitBlobId(Buffer.from('void api();\n')) })
    expect(below.entries.get('ext/json/COPYING')).toMatchObject({ kind: 'file', gitBlob: gitBlobId(Buffer.from('MIT\n')) })
    expect(below.entries.has('ext/json')).toBe(false)
    // a link to a directory the tag does not have stays a link
    expect(below.entries.get('ext/gone')?.kind).toBe('symlink')
    // the files outside the directory are still not seen at their own paths
    expect(below.entries.has('json.hpp')).toBe(false)
  })
})
