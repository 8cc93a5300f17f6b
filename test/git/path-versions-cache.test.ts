import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openRepository } from '../../src/sources/git/index.js'
import { pathVersions, type PathHistory } from '../../src/sources/git/blob-history.js'
import type { Repository } from '../../src/sources/git/types.js'
import { commitFiles, gitIn, isolateGitConfig, makeRepo, removeTempDirs, tempDir } from './fixtures.js'

isolateGitConfig()
afterAll(removeTempDirs)

const open = (dir: string): Promise<Repository> => openRepository(dir, { cacheDir: tempDir(), offline: true })
const blobOf = (dir: string, spec: string): string => gitIn(dir, 'rev-parse', spec)
const blobs = (versions: PathHistory, path: string): string[] => [...(versions.get(path)?.keys() ?? [])].sort()
const cacheFiles = (cacheDir: string): string[] => {
  try {
    return readdirSync(join(cacheDir, 'path-versions')).filter((f) => !f.endsWith('.tmp'))
  } catch {
    return []
  }
}
const keptFile = (cacheDir: string): string => join(cacheDir, 'path-versions', cacheFiles(cacheDir)[0] ?? '')

describe('pathVersions kept between runs', () => {
  it('reads a kept answer for the same refs, and the repository again once a ref moves', async () => {
    const dir = makeRepo({ 'lib/a.c': 'int a;\n', 'src/main.c': 'int main;\n' })
    const first = blobOf(dir, 'HEAD:lib/a.c')
    commitFiles(dir, { 'lib/a.c': 'int a = 1;\n' }, 'second')
    const second = blobOf(dir, 'HEAD:lib/a.c')
    const cacheDir = tempDir()
    const repo = await open(dir)

    const read = await pathVersions(repo, ['lib'], cacheDir)
    expect(blobs(read, 'lib/a.c')).toEqual([first, second].sort())
    expect(read.has('src/main.c')).toBe(false)
    expect(cacheFiles(cacheDir)).toHaveLength(1)

    // a version planted in the kept file is what the next run on the same refs gets: it was not read from git
    const planted = 'f'.repeat(40)
    const path = keptFile(cacheDir)
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^(lib\/a\.c\t.*)$/m, `$1\t${planted} 0 2001-02-03`))
    const kept = await pathVersions(repo, ['lib'], cacheDir)
    expect(blobs(kept, 'lib/a.c')).toEqual([first, second, planted].sort())
    expect(kept.get('lib/a.c')?.get(first)).toEqual(read.get('lib/a.c')?.get(first))
    expect(kept.has('lib/a.c')).toBe(true)
    expect(kept.has('src/main.c')).toBe(false)
    expect(kept.get('lib/none.c')).toBeUndefined()
    // other paths asked make another answer
    expect(blobs(await pathVersions(repo, ['src'], cacheDir), 'src/main.c')).toEqual([blobOf(dir, 'HEAD:src/main.c')])

    // a commit moves the branch: the history is read again, the planted version is gone
    commitFiles(dir, { 'lib/a.c': 'int a = 2;\n' }, 'third')
    const moved = await pathVersions(repo, ['lib'], cacheDir)
    expect(blobs(moved, 'lib/a.c')).toEqual([first, second, blobOf(dir, 'HEAD:lib/a.c')].sort())
    expect(moved.get('lib/a.c')?.get(first)?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    // so does a new tag pointing at a commit already there
    gitIn(dir, 'tag', 'v1', 'HEAD~2')
    await pathVersions(repo, ['lib'], cacheDir)
    expect(cacheFiles(cacheDir)).toHaveLength(4)
    // a fifth answer pushes the oldest out: the directory does not grow with every fetch
    gitIn(dir, 'tag', 'v2', 'HEAD~1')
    const fifth = await pathVersions(repo, ['lib'], cacheDir)
    expect(cacheFiles(cacheDir)).toHaveLength(4)
    expect(blobs(fifth, 'lib/a.c')).toEqual(blobs(moved, 'lib/a.c'))
  })

  /** A repository with one m4 file, its versions read once and kept: what the tests below spoil. */
  const keptOnce = async (name: string): Promise<{ repo: Repository; cacheDir: string; path: string; blob: string }> => {
    const dir = makeRepo({ [name]: `# ${name}\n` })
    const cacheDir = tempDir()
    const repo = await open(dir)
    await pathVersions(repo, ['m4'], cacheDir)
    return { repo, cacheDir, path: keptFile(cacheDir), blob: blobOf(dir, `HEAD:${name}`) }
  }

  it('reads the repository again over a kept file cut short or malformed, and rewrites it', async () => {
    const { repo, cacheDir, path, blob } = await keptOnce('m4/x.m4')
    const kept = readFileSync(path, 'utf8')
    const lines = kept.split('\n')
    for (const broken of [kept.slice(0, kept.length - 5), kept.replace(/^[0-9a-f]{40}$/m, 'not an id'), lines.filter((l) => !l.startsWith('m4/')).join('\n').replace('\nend', '\nm4/x.m4 without a tab\nend'), `other-format\n${lines.slice(1).join('\n')}`]) {
      writeFileSync(path, broken)
      expect(blobs(await pathVersions(repo, ['m4'], cacheDir), 'm4/x.m4')).toEqual([blob])
      expect(readFileSync(path, 'utf8')).toBe(kept)
    }
  })

  it('never takes a version it cannot read for a known one', async () => {
    const { repo, cacheDir, path, blob } = await keptOnce('m4/y.m4')
    const odd = ['abc 0 2001-02-03', `${'a'.repeat(40)} 9 2001-02-03`, `${'b'.repeat(40)} 0 yesterday`, `${'c'.repeat(40)} x 2001-02-03`]
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^(m4\/y\.m4\t.*)$/m, `$1\t${odd.join('\t')}`))
    expect(blobs(await pathVersions(repo, ['m4'], cacheDir), 'm4/y.m4')).toEqual([blob])
  })

  it('answers from git when the cache directory cannot be written', async () => {
    const dir = makeRepo({ 'lib/b.c': 'int b;\n' })
    const blocked = join(tempDir(), 'a-file')
    writeFileSync(blocked, 'not a directory\n')
    const versions = await pathVersions(await open(dir), ['lib'], blocked)
    expect(blobs(versions, 'lib/b.c')).toEqual([blobOf(dir, 'HEAD:lib/b.c')])
  })
})
