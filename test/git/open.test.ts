import { existsSync, readdirSync, realpathSync, renameSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { listTags, openRepository, readSourceTree, resolveRef } from '../../src/sources/git/index.js'
import { cachePathFor, displayUrl, looksLikeUrl } from '../../src/sources/git/remote.js'
import { commitFiles, gitIn, isolateGitConfig, makeRepo, rejection, removeTempDirs, sh, tempDir } from './fixtures.js'

isolateGitConfig()
afterAll(removeTempDirs)

const offline = (cacheDir: string) => ({ cacheDir, offline: true })
const online = (cacheDir: string) => ({ cacheDir, offline: false })

describe('openRepository on local paths', () => {
  it('opens a work tree by its top directory and reads its git directory', async () => {
    const dir = makeRepo({ 'README': 'hello\n' }, { tag: 'v1.0' })
    const repo = await openRepository(dir, offline(tempDir()))
    expect(repo.gitDir).toBe(join(realpathSync(dir), '.git'))
    expect(repo.spec).toBe(dir)
    expect(await listTags(repo)).toEqual(['v1.0'])
  })

  it('opens a bare repository', async () => {
    const work = makeRepo({ 'a.txt': 'a\n' }, { tag: 'v2.0' })
    const bare = join(tempDir(), 'project.git')
    sh('git', ['clone', '--quiet', '--bare', work, bare])
    const repo = await openRepository(bare, offline(tempDir()))
    expect(repo.gitDir).toBe(realpathSync(bare))
    const { commit } = await resolveRef(repo, 'v2.0')
    expect(commit).toBe(gitIn(work, 'rev-parse', 'v2.0^{commit}'))
  })

  it('opens a bare repository by name even where git may not discover bare repositories', async () => {
    const work = makeRepo({ 'a.txt': 'a\n' }, { tag: 'v2.1' })
    const bare = join(tempDir(), 'explicit.git')
    sh('git', ['clone', '--quiet', '--bare', work, bare])
    const globalConfig = join(tempDir(), 'gitconfig')
    writeFileSync(globalConfig, '[safe]\n\tbareRepository = explicit\n')
    process.env.GIT_CONFIG_GLOBAL = globalConfig
    try {
      const repo = await openRepository(bare, offline(tempDir()))
      expect(await listTags(repo)).toEqual(['v2.1'])
    } finally {
      delete process.env.GIT_CONFIG_GLOBAL
    }
  })

  it('rejects a directory that is not a git repository with E_INPUT_INVALID', async () => {
    const plain = tempDir()
    writeFileSync(join(plain, 'file.txt'), 'x')
    expect((await rejection(openRepository(plain, offline(tempDir())))).code).toBe('E_INPUT_INVALID')
  })

  it('does not mistake a plain subdirectory of a repository for the repository', async () => {
    const dir = makeRepo({ 'sub/file.txt': 'x\n' })
    expect((await rejection(openRepository(join(dir, 'sub'), offline(tempDir())))).code).toBe('E_INPUT_INVALID')
  })

  it('rejects a file and a missing path with distinct codes', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'not-a-repo.tar.gz'), 'x')
    expect((await rejection(openRepository(join(dir, 'not-a-repo.tar.gz'), offline(tempDir())))).code).toBe('E_INPUT_INVALID')
    expect((await rejection(openRepository(join(dir, 'missing'), offline(tempDir())))).code).toBe('E_INPUT_NOT_FOUND')
  })

  it('treats a transport-helper spec as a path, so it never runs as a command', async () => {
    const marker = join(tempDir(), 'ran')
    const err = await rejection(openRepository(`ext::sh -c touch% ${marker}`, online(tempDir())))
    expect(err.code).toBe('E_INPUT_NOT_FOUND')
    expect(existsSync(marker)).toBe(false)
  })
})

describe('openRepository on URLs', () => {
  it('recognises URL forms', () => {
    for (const url of ['https://example.org/x.git', 'ssh://git@example.org/x', 'git://example.org/x', 'file:///srv/x.git', 'git@example.org:owner/x.git']) expect(looksLikeUrl(url), url).toBe(true)
    for (const path of ['/srv/x.git', './x', 'x', 'C-drive/x:y']) expect(looksLikeUrl(path), path).toBe(false)
  })

  it('clones a file:// URL once into the cache, fetches new tags later, and works offline from the cache', async () => {
    const origin = makeRepo({ 'src/main.c': 'int main(void) { return 0; }\n' }, { tag: 'v1.0' })
    const url = `file://${origin}`
    const cacheDir = tempDir()
    const messages: string[] = []

    const first = await openRepository(url, { cacheDir, offline: false, onProgress: (m) => messages.push(m) })
    expect(first.gitDir).toBe(cachePathFor(cacheDir, url))
    expect(first.gitDir.startsWith(join(cacheDir, 'git'))).toBe(true)
    expect(await listTags(first)).toEqual(['v1.0'])
    expect(messages.some((m) => m.includes('cloning'))).toBe(true)
    expect(readdirSync(join(cacheDir, 'git'))).toHaveLength(1)

    commitFiles(origin, { 'src/main.c': 'int main(void) { return 1; }\n' }, 'Second')
    gitIn(origin, 'tag', 'v1.1')
    const second = await openRepository(url, online(cacheDir))
    expect(second.gitDir).toBe(first.gitDir)
    expect(await listTags(second)).toEqual(['v1.0', 'v1.1'])

    renameSync(origin, join(tempDir(), 'moved-away'))
    const cached = await openRepository(url, offline(cacheDir))
    const tree = await readSourceTree(cached, 'v1.1')
    expect(tree.entries.get('src/main.c')?.kind).toBe('file')
    // online, the vanished origin is reported rather than silently served from the cache
    expect((await rejection(openRepository(url, online(cacheDir)))).code).toBe('E_INPUT_NOT_FOUND')
  })

  it('refuses offline use of a URL that is not cached, naming the URL', async () => {
    const err = await rejection(openRepository('https://example.invalid/nothing.git', offline(tempDir())))
    expect(err.code).toBe('E_INPUT_NOT_FOUND')
    expect(err.message).toContain('https://example.invalid/nothing.git')
    expect(err.data?.url).toBe('https://example.invalid/nothing.git')
  })

  it('reports an unreachable host as E_NETWORK and leaves no half-written cache', async () => {
    const cacheDir = tempDir()
    const err = await rejection(openRepository('https://127.0.0.1:1/owner/project.git', online(cacheDir)))
    expect(err.code).toBe('E_NETWORK')
    expect(readdirSync(join(cacheDir, 'git'))).toEqual([])
  })

  it('reports a missing remote repository as E_INPUT_NOT_FOUND and leaves no cache entry', async () => {
    const cacheDir = tempDir()
    const missing = join(tempDir(), 'nothing-here.git')
    mkdirSync(join(cacheDir, 'git'), { recursive: true })
    const err = await rejection(openRepository(`file://${missing}`, online(cacheDir)))
    expect(err.code).toBe('E_INPUT_NOT_FOUND')
    expect(readdirSync(join(cacheDir, 'git'))).toEqual([])
  })

  it('masks a password or token in the URL in messages and in the repository spec', async () => {
    const url = 'https://user:s3cr3t@127.0.0.1:1/owner/project.git'
    expect(displayUrl(url)).toBe('https://***@127.0.0.1:1/owner/project.git')
    expect(displayUrl('ssh://git@example.org/x.git')).toBe('ssh://git@example.org/x.git')
    const err = await rejection(openRepository(url, online(tempDir())))
    expect(err.code).toBe('E_NETWORK')
    expect(err.message).not.toContain('s3cr3t')
    expect(JSON.stringify(err.data)).not.toContain('s3cr3t')
  })

  it('rejects URL schemes git should not use', async () => {
    expect((await rejection(openRepository('ftp://example.org/x.git', online(tempDir())))).code).toBe('E_INPUT_INVALID')
  })
})
