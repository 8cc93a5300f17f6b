import { existsSync, lstatSync, readdirSync, readlinkSync, writeFileSync, mkdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openRepository, readSourceTree, resolveRef } from '../../src/sources/git/index.js'
import type { Repository } from '../../src/sources/git/types.js'
import { gitIn, isolateGitConfig, makeRepo, removeTempDirs, sh, tempDir } from './fixtures.js'

isolateGitConfig()
afterAll(removeTempDirs)

const open = (dir: string): Promise<Repository> => openRepository(dir, { cacheDir: tempDir(), offline: true })

interface Shipped {
  readonly files: Map<string, string>
  readonly links: Map<string, string>
}

/** What a real `git archive <ref> | tar -x` produces: blob ids of files (by `git hash-object`) and symlink targets. */
function realArchive(gitDir: string, ref: string): Shipped {
  const out = tempDir('sl-archive-')
  const tarFile = join(tempDir(), 'a.tar')
  sh('git', [`--git-dir=${gitDir}`, 'archive', '--format=tar', `--output=${tarFile}`, ref])
  sh('tar', ['-x', '-f', tarFile, '-C', out])
  const files = new Map<string, string>()
  const links = new Map<string, string>()
  const paths: string[] = []
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, d.name)
      if (d.isSymbolicLink()) links.set(relative(out, full), readlinkSync(full))
      else if (d.isDirectory()) walk(full)
      else paths.push(relative(out, full))
    }
  }
  walk(out)
  const ids = sh('git', ['hash-object', '--no-filters', '--stdin-paths'], { cwd: out, input: paths.join('\n') + '\n' }).stdout.trim().split('\n')
  paths.forEach((p, i) => files.set(p, ids[i] ?? ''))
  return { files, links }
}

const FILES = {
  'README': 'Project readme\n',
  'src/main.c': 'int main(void) { return 0; }\n',
  'build.sh': { content: '#!/bin/sh\necho build\n', executable: true },
  'secret.txt': 'internal notes\n',
  'notes.log': 'log\n',
  'deep/dir/trace.log': 'log\n',
  'docs/index.md': '# docs\n',
  'docs/api/ref.md': 'ref\n',
  'tests/t1.sh': 'test\n',
  'keep/tests/t2.sh': 'nested tests dir is not the root one\n',
  'version.txt': 'commit $Format:%H$\nshort $Format:%h$\ndate $Format:%cI$\nsubject $Format:%s$\nunchanged line\n',
  'lib/ident.c': '/* $Id$ */\nint x;\n',
  'win.bat': 'echo one\necho two\n',
  'sub/.gitattributes': 'private/** export-ignore\nstamp.h export-subst\n',
  'sub/private/key.pem': 'not shipped\n',
  'sub/stamp.h': '#define STAMP "$Format:%H$"\n',
  'sub/plain.h': '#define PLAIN "$Format:%H$"\n',
  'link-to-readme': { symlink: 'README' },
  'links/up': { symlink: '../src' },
  '.gitattributes': ['/secret.txt export-ignore', 'docs export-ignore', '/tests/ export-ignore', '*.log export-ignore', 'version.txt export-subst', 'lib/ident.c ident', 'win.bat text eol=crlf', ''].join('\n'),
} as const

describe('readSourceTree', () => {
  it('reads the same tree from a ref resolved beforehand as from the ref itself, and only that commit', async () => {
    const dir = makeRepo(FILES, { tag: 'v1.0', message: 'Release preparation' })
    const repo = await open(dir)
    const byName = await readSourceTree(repo, 'v1.0')
    const byCommit = await readSourceTree(repo, await resolveRef(repo, 'v1.0'))
    expect([...byCommit.entries].sort()).toEqual([...byName.entries].sort())
    gitIn(dir, 'rm', '-q', 'README')
    gitIn(dir, 'commit', '-qm', 'later')
    const head = await resolveRef(repo, 'HEAD')
    expect((await readSourceTree(repo, head)).entries.has('README')).toBe(false)
    expect((await readSourceTree(repo, await resolveRef(repo, 'v1.0'))).entries.has('README')).toBe(true)
  })

  it('matches what git archive ships: export-ignore, export-subst, $Id$ and CRLF applied', async () => {
    const dir = makeRepo(FILES, { tag: 'v1.0', message: 'Release preparation' })
    const repo = await open(dir)
    const tree = await readSourceTree(repo, 'v1.0')
    const shipped = realArchive(repo.gitDir, 'v1.0')

    const files = new Map([...tree.entries].filter(([, e]) => e.kind === 'file').map(([p, e]) => [p, e.gitBlob]))
    expect(new Map([...files].sort())).toEqual(new Map([...shipped.files].sort()))
    const links = new Map([...tree.entries].filter(([, e]) => e.kind === 'symlink').map(([p, e]) => [p, e.linkTarget]))
    expect(links).toEqual(shipped.links)

    expect(tree.commit).toBe(gitIn(dir, 'rev-parse', 'v1.0^{commit}'))
    expect([...tree.exportIgnored.keys()]).toEqual(['deep/dir/trace.log', 'docs/api/ref.md', 'docs/index.md', 'notes.log', 'secret.txt', 'sub/private/key.pem', 'tests/t1.sh'])
    expect(tree.exportSubst).toEqual(['sub/stamp.h', 'version.txt'])
    expect(tree.entries.has('keep/tests/t2.sh')).toBe(true)

    const version = tree.entries.get('version.txt')
    expect(version?.content?.toString('utf8')).toContain(`commit ${tree.commit}\n`)
    expect(version?.content?.toString('utf8')).toContain('subject Release preparation\n')
    expect(version?.size).toBe(version?.content?.length)
    expect(version?.gitBlob).not.toBe(gitIn(dir, 'rev-parse', 'v1.0:version.txt'))
    // a checkout keeps the placeholders, and a release made from one ships them: the committed blob is kept beside
    expect(version?.committedBlob).toBe(gitIn(dir, 'rev-parse', 'v1.0:version.txt'))
    // so are line ends and `$Id$` as committed: both are the tag's bytes
    expect(tree.entries.get('lib/ident.c')?.committedBlob).toBe(gitIn(dir, 'rev-parse', 'v1.0:lib/ident.c'))
    expect(tree.entries.get('win.bat')?.committedBlob).toBe(gitIn(dir, 'rev-parse', 'v1.0:win.bat'))
    // a file git archive writes as committed has no second form
    expect(tree.entries.get('sub/plain.h')?.committedBlob).toBeUndefined()
    // only files marked export-subst are substituted
    expect(tree.entries.get('sub/plain.h')?.gitBlob).toBe(gitIn(dir, 'rev-parse', 'v1.0:sub/plain.h'))
    expect(tree.entries.get('sub/plain.h')?.content).toBeUndefined()
    expect(tree.entries.get('win.bat')?.size).toBe('echo one\r\necho two\r\n'.length)
  })

  it('records kinds, modes, sizes and symlink targets as git does', async () => {
    const dir = makeRepo({
      'bin/run': { content: '#!/bin/sh\n', executable: true },
      'data.txt': 'twelve bytes',
      'current': { symlink: 'bin/run' },
      'dangling': { symlink: '../../outside/the/tree' },
    }, { tag: 'v2' })
    const tree = await readSourceTree(await open(dir), 'v2')
    expect(tree.entries.get('bin/run')).toMatchObject({ kind: 'file', mode: 0o755, size: 10 })
    expect(tree.entries.get('data.txt')).toMatchObject({ kind: 'file', mode: 0o644, size: 12, gitBlob: gitIn(dir, 'rev-parse', 'v2:data.txt') })
    expect(tree.entries.get('current')).toMatchObject({ kind: 'symlink', linkTarget: 'bin/run' })
    expect(tree.entries.get('dangling')).toMatchObject({ kind: 'symlink', linkTarget: '../../outside/the/tree' })
    expect([...tree.exportIgnored.keys()]).toEqual([])
    expect(tree.exportSubst).toEqual([])
    expect(tree.entries.get('data.txt')?.content).toBeUndefined()
  })

  it('lists a submodule as a submodule entry', async () => {
    const inner = makeRepo({ 'x': 'x\n' })
    const outer = makeRepo({ 'y': 'y\n' })
    sh('git', ['-C', outer, '-c', 'protocol.file.allow=always', 'submodule', '--quiet', 'add', inner, 'vendor/inner'])
    sh('git', ['-C', outer, 'commit', '--quiet', '-m', 'Add submodule'])
    const tree = await readSourceTree(await open(outer), 'HEAD')
    expect(tree.entries.get('vendor/inner')).toMatchObject({ kind: 'submodule', gitBlob: gitIn(inner, 'rev-parse', 'HEAD') })
  })

  it('honours $GIT_DIR/info/attributes of a bare repository, like git archive', async () => {
    const work = makeRepo({ 'README': 'r\n', 'ChangeLog': 'c\n', 'src/a.c': 'a\n' }, { tag: 'v3' })
    const bare = join(tempDir(), 'bare.git')
    sh('git', ['clone', '--quiet', '--bare', work, bare])
    mkdirSync(join(bare, 'info'), { recursive: true })
    writeFileSync(join(bare, 'info', 'attributes'), 'ChangeLog export-ignore\n')
    const repo = await open(bare)
    const tree = await readSourceTree(repo, 'v3')
    expect([...tree.exportIgnored.keys()]).toEqual(['ChangeLog'])
    expect([...tree.entries.keys()].sort()).toEqual([...realArchive(repo.gitDir, 'v3').files.keys()].sort())
  })

  it('honours the shared info/attributes from a linked worktree, and none where there is none', async () => {
    const main = makeRepo({ 'README': 'r\n', 'ChangeLog': 'c\n' }, { tag: 'v6' })
    const linked = join(tempDir(), 'linked')
    sh('git', ['-C', main, 'worktree', 'add', '--quiet', '--detach', linked, 'v6'])
    const plain = await readSourceTree(await open(linked), 'v6')
    expect([...plain.exportIgnored.keys()]).toEqual([])
    mkdirSync(join(main, '.git', 'info'), { recursive: true })
    writeFileSync(join(main, '.git', 'info', 'attributes'), 'ChangeLog export-ignore\n')
    const repo = await open(linked)
    expect(repo.gitDir).toContain('worktrees')
    const tree = await readSourceTree(repo, 'v6')
    expect([...tree.exportIgnored.keys()]).toEqual(['ChangeLog'])
    expect([...tree.entries.keys()].sort()).toEqual([...realArchive(repo.gitDir, 'v6').files.keys()].sort())
  })

  it('never runs a filter driver configured in the repository', async () => {
    const dir = makeRepo({ '.gitattributes': 'stamp.txt export-subst filter=evil\n', 'stamp.txt': 'at $Format:%h$\n' }, { tag: 'v4' })
    const marker = join(tempDir(), 'filter-ran')
    gitIn(dir, 'config', 'filter.evil.smudge', `touch ${marker}; cat`)
    gitIn(dir, 'config', 'filter.evil.required', 'true')
    gitIn(dir, 'config', 'core.fsmonitor', `touch ${marker}`)
    const tree = await readSourceTree(await open(dir), 'v4')
    expect(existsSync(marker)).toBe(false)
    expect(tree.entries.get('stamp.txt')?.content?.toString('utf8')).toBe(`at ${gitIn(dir, 'rev-parse', '--short', 'v4^{commit}')}\n`)
  })

  it('fails with E_INPUT_NOT_FOUND for an unknown ref', async () => {
    const dir = makeRepo({ 'a': 'a\n' })
    await expect(readSourceTree(await open(dir), 'v404')).rejects.toMatchObject({ code: 'E_INPUT_NOT_FOUND' })
  })

  it('lists a 5,000-file tree quickly, attributes included', async () => {
    const dir = tempDir('sl-big-')
    sh('git', ['init', '--quiet', '--bare', dir])
    const parts: string[] = ['commit refs/heads/main', 'committer Ada Tester <ada@example.org> 1700000000 +0000', 'data 4', 'bulk']
    const blob = (path: string, text: string) => parts.push(`M 100644 inline ${path}`, `data ${Buffer.byteLength(text)}`, text)
    blob('.gitattributes', '*.skip export-ignore\n')
    for (let i = 0; i < 5000; i++) blob(`d${String(i % 50).padStart(2, '0')}/f${i}.${i % 10 === 0 ? 'skip' : 'txt'}`, `file ${i}\n`)
    sh('git', ['--git-dir', dir, 'fast-import', '--quiet'], { input: parts.join('\n') + '\n' })
    sh('git', ['--git-dir', dir, 'tag', 'v5000', 'main'])
    const repo = await open(dir)
    const tree = await readSourceTree(repo, 'v5000')
    expect(tree.entries.size).toBe(1 + 4500)
    expect(tree.exportIgnored.size).toBe(500)
    expect(tree.entries.get('d07/f7.txt')).toMatchObject({ kind: 'file', size: 'file 7\n'.length })
  })
})

describe('readSourceTree on unusual paths', () => {
  it('keeps names with spaces, quotes, newlines and non-ASCII characters intact', async () => {
    const names = ['with space.txt', 'quo"te.txt', 'new\nline.txt', 'ünï/cødé.txt', 'tab\there.txt']
    const dir = makeRepo(Object.fromEntries(names.map((n) => [n, `${n}\n`])), { tag: 'v1' })
    const tree = await readSourceTree(await open(dir), 'v1')
    expect([...tree.entries.keys()].sort()).toEqual([...names].sort())
    expect(lstatSync(join(dir, 'new\nline.txt')).isFile()).toBe(true)
  })
})
