/**
 * @fileoverview Every version of some paths of a repository, kept between runs. Reading them is one
 * `git log` over the whole history (gnulib's lib/, m4/, tests/…: some 45,000 commits and several
 * seconds), and the answer changes only when what that log walks does: the refs, HEAD, or how
 * much history a shallow clone holds.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { writeCacheFile } from '../../util/cache-file.js'
import { git } from './exec.js'
import { isObjectId } from './object-id.js'
import type { Repository } from './types.js'

/** One version a path had: the oldest commit that wrote those bytes there, and its date. */
export interface PathVersion {
  /** the oldest commit that wrote these bytes at the path */
  readonly commit: string
  /** committer date, YYYY-MM-DD */
  readonly date: string
}

/** every version of each path, by path and then by blob */
export type PathVersions = Map<string, Map<string, PathVersion>>

/** What is asked of a path's versions: a map, or the versions a cache file holds, read path by path. */
export interface PathHistory {
  has(path: string): boolean
  get(path: string): ReadonlyMap<string, PathVersion> | undefined
}

/**
 * A line per commit, then a blank line, then a line per path (`path<TAB>blob index date<TAB>…`,
 * the index into the commits), then `end`: reading one is a split into lines, and a path's
 * versions are made the first time it is asked for (a release holds a few hundred of gnulib's
 * 11,000 paths).
 */
const FORMAT = 'stagelight-path-versions-2'
const END = 'end'
const DATE = /^\d{4}-\d{2}-\d{2}$/
/** a repository fetched again gets a file of its own (gnulib's: 12 MB); the oldest go beyond this many */
const KEPT_FILES = 4

export interface PathVersionsCache {
  read(): Promise<PathHistory | undefined>
  write(versions: PathVersions): Promise<void>
}

/**
 * The cache of `dirs`' versions in `repo`, under `cacheDir`: named by what the history walk
 * reads, so a fetch that moves a ref (or deepens a shallow clone) makes another. Undefined when
 * the repository has no refs to list.
 */
export async function pathVersionsCache(repo: Repository, dirs: readonly string[], cacheDir: string): Promise<PathVersionsCache | undefined> {
  // HEAD and every ref, as `git log --all` walks them, from one git process
  const [refs, shallow] = await Promise.all([git(['show-ref', '--head'], { gitDir: repo.gitDir }), readFile(join(repo.gitDir, 'shallow')).catch(() => Buffer.alloc(0))])
  if (refs.code !== 0) return undefined
  const key = createHash('sha256')
  for (const part of [FORMAT, JSON.stringify(dirs), refs.stdout, shallow]) key.update(part).update('\0')
  const file = join(cacheDir, 'path-versions', key.digest('hex'))
  return {
    read: () => readVersions(file),
    write: async (versions) => {
      const text = serialized(versions)
      if (text === undefined) return
      await writeCacheFile(file, text)
      await keepNewest(dirname(file), KEPT_FILES)
    },
  }
}

/** The cache file's text; undefined when a path holds a tab or a line end (git quotes such paths; nothing is kept rather than a path cut short). */
function serialized(versions: PathVersions): string | undefined {
  const index = new Map<string, number>()
  const rows: string[] = []
  for (const [path, byBlob] of versions) {
    if (/[\t\n]/.test(path)) return undefined
    const items = [path]
    for (const [blob, v] of byBlob) {
      let i = index.get(v.commit)
      if (i === undefined) index.set(v.commit, (i = index.size))
      items.push(`${blob} ${i} ${v.date}`)
    }
    rows.push(items.join('\t'))
  }
  return [FORMAT, ...index.keys(), '', ...rows, END, ''].join('\n')
}

/** The versions a cache file holds; undefined for a missing, unreadable, cut short or malformed one, which is then read from git again. */
async function readVersions(file: string): Promise<PathHistory | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return undefined
  }
  const lines = text.split('\n')
  const blank = lines.indexOf('')
  if (lines[0] !== FORMAT || blank < 0 || lines[lines.length - 2] !== END || lines[lines.length - 1] !== '') return undefined
  const commits = lines.slice(1, blank)
  if (!commits.every(isObjectId)) return undefined
  const rows = new Map<string, string>()
  for (let i = blank + 1; i < lines.length - 2; i++) {
    const line = lines[i] ?? ''
    const tab = line.indexOf('\t')
    if (tab <= 0) return undefined
    rows.set(line.slice(0, tab), line.slice(tab + 1))
  }
  return new KeptVersions(commits, rows)
}

class KeptVersions implements PathHistory {
  readonly #commits: readonly string[]
  readonly #rows: ReadonlyMap<string, string>
  readonly #made = new Map<string, ReadonlyMap<string, PathVersion>>()

  constructor(commits: readonly string[], rows: ReadonlyMap<string, string>) {
    this.#commits = commits
    this.#rows = rows
  }

  has(path: string): boolean {
    return this.#rows.has(path)
  }

  get(path: string): ReadonlyMap<string, PathVersion> | undefined {
    const made = this.#made.get(path)
    if (made) return made
    const row = this.#rows.get(path)
    if (row === undefined) return undefined
    const byBlob = new Map<string, PathVersion>()
    for (const item of row.split('\t')) {
      const [blob = '', at = '', date = ''] = item.split(' ')
      const commit = /^\d+$/.test(at) ? this.#commits[Number(at)] : undefined
      // a version the file does not spell right is not known: the copy is then reported, never passed
      if (isObjectId(blob) && commit !== undefined && DATE.test(date)) byBlob.set(blob, { commit, date })
    }
    this.#made.set(path, byBlob)
    return byBlob
  }
}

/** Removes all but the `count` most recently written files of `dir`; what cannot be removed stays. */
async function keepNewest(dir: string, count: number): Promise<void> {
  try {
    const names = (await readdir(dir)).filter((name) => !name.endsWith('.tmp'))
    if (names.length <= count) return
    const written = await Promise.all(names.map(async (name) => ({ name, at: (await stat(join(dir, name))).mtimeMs })))
    written.sort((a, b) => b.at - a.at)
    await Promise.all(written.slice(count).map(({ name }) => rm(join(dir, name), { force: true })))
  } catch {
    // the cache only grows until the next write that can tidy it
  }
}
