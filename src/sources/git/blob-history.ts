import { createInterface } from 'node:readline'
import { git, gitStream } from './exec.js'
import { isObjectId } from './object-id.js'
import { pathVersionsCache, type PathHistory, type PathVersions } from './path-versions-cache.js'
import type { Repository } from './types.js'

export type { PathHistory, PathVersion } from './path-versions-cache.js'

export interface BlobInHistory {
  /** the oldest commit, on any branch or tag, that wrote these bytes to the path */
  readonly commit: string
  /** committer date, strict ISO 8601 */
  readonly date: string
  readonly subject: string
  /** after `since` (descends from it), before it (one of its ancestors), or on another line of history */
  readonly relation: 'after' | 'before' | 'elsewhere'
  /**
   * The oldest commit on a branch (local or remote-tracking) that descends from `since` and wrote
   * these bytes: what the maintainers published after the tag. Refs anyone can create, such as a
   * pull request's head, do not count.
   */
  readonly onBranchAfter?: { readonly commit: string; readonly date: string; readonly subject: string }
}

const COMMIT_MARK = '\u0001'
/** `:100644 100644 <old> <new> M<TAB>path`, as `git log --raw --no-abbrev` prints a changed file */
const RAW_LINE = /^:\d+ (\d+) [0-9a-f]+ ([0-9a-f]+) [A-Z]\d*\t(.+)$/
const NO_BLOB = /^0+$/

/** One file a commit wrote: its path, the blob and the entry's mode. */
interface RawChange {
  readonly commit: string
  /** committer date, strict ISO 8601 */
  readonly date: string
  readonly subject: string
  readonly path: string
  readonly blob: string
  readonly mode: string
}

/**
 * Every file every commit on the given revisions (every ref by default) wrote under `paths`,
 * newest commit first: one streamed `git log --raw`. Deletions are left out; paths are taken
 * literally, never as pathspec magic.
 */
async function* rawChanges(repo: Repository, paths: readonly string[], what: string, revisions: readonly string[] = ['--all']): AsyncGenerator<RawChange> {
  const proc = gitStream(
    repo.gitDir,
    ['--literal-pathspecs', '-c', 'core.quotePath=false', 'log', ...revisions, '--no-color', '--no-decorate', '--no-renames', '--raw', '--no-abbrev', `--format=${COMMIT_MARK}%H %cI %s`, '--', ...paths],
    what,
  )
  let current: { commit: string; date: string; subject: string } | undefined
  try {
    for await (const line of createInterface({ input: proc.stdout, crlfDelay: Infinity })) {
      if (line.startsWith(COMMIT_MARK)) {
        const [commit = '', date = '', ...subject] = line.slice(1).split(' ')
        current = isObjectId(commit) ? { commit, date, subject: subject.join(' ') } : undefined
        continue
      }
      const raw = RAW_LINE.exec(line)
      if (raw && current && !NO_BLOB.test(raw[2] ?? '')) yield { ...current, mode: raw[1] ?? '', blob: raw[2] ?? '', path: raw[3] ?? '' }
    }
    await proc.done
  } finally {
    proc.stop()
  }
}

/**
 * Where in the repository's history (every ref) the given bytes were committed at the given
 * paths, and whether a branch published them after `since`: two `git log` runs over those paths
 * only. A release file that differs from its tag but equals a later commit's was made from
 * another tree than the tag's; one found nowhere was written outside version control.
 */
export async function findBlobsInHistory(repo: Repository, wanted: ReadonlyMap<string, string>, since: string): Promise<Map<string, BlobInHistory>> {
  if (wanted.size === 0) return new Map()
  type Writer = Omit<BlobInHistory, 'relation' | 'onBranchAfter'>
  /** per path, every commit that wrote the wanted bytes there, oldest first */
  const writers = async (revisions?: readonly string[]): Promise<Map<string, Writer[]>> => {
    const found = new Map<string, Writer[]>()
    for await (const change of rawChanges(repo, [...wanted.keys()], `searching the history of ${repo.spec}`, revisions)) {
      if (wanted.get(change.path) !== change.blob) continue
      const list = found.get(change.path) ?? []
      list.push({ commit: change.commit, date: change.date, subject: change.subject })
      found.set(change.path, list)
    }
    // the stream is newest first
    for (const list of found.values()) list.reverse()
    return found
  }
  const found = await writers()
  if (found.size === 0) return new Map()
  const ancestry = new Map<string, boolean>()
  const isAncestor = async (older: string, newer: string): Promise<boolean> => {
    const key = `${older} ${newer}`
    let known = ancestry.get(key)
    if (known === undefined) ancestry.set(key, (known = (await git(['merge-base', '--is-ancestor', older, newer], { gitDir: repo.gitDir })).code === 0))
    return known
  }
  const published = new Map<string, Writer>()
  // only commits the branches hold and the tag does not; of those, the oldest that descends from the tag
  for (const [path, list] of await writers(['--branches', '--remotes', '--not', since])) {
    for (const hit of list) {
      if (!(await isAncestor(since, hit.commit))) continue
      published.set(path, hit)
      break
    }
  }
  const out = new Map<string, BlobInHistory>()
  for (const [path, list] of found) {
    const hit = list[0]
    if (!hit) continue
    const relation = (await isAncestor(since, hit.commit)) ? 'after' : (await isAncestor(hit.commit, since)) ? 'before' : 'elsewhere'
    const onBranchAfter = published.get(path)
    out.set(path, { ...hit, relation, ...(onBranchAfter ? { onBranchAfter } : {}) })
  }
  return out
}

/** at most this many versions are kept: gnulib's lib/, m4/ and build-aux/ have about 150,000 */
const MAX_VERSIONS = 1_000_000
/** links and submodules: no file bytes to compare */
const NOT_A_FILE = new Set(['120000', '160000'])

/**
 * Every version each file under `dirs` ever had on any ref, by path and then by blob, with the
 * oldest commit that wrote it. Renames are not followed: a version counts under the path it was
 * committed at. With `cacheDir`, the answer is kept there for the next run on the same refs.
 */
export async function pathVersions(repo: Repository, dirs: readonly string[], cacheDir?: string): Promise<PathHistory> {
  const cache = cacheDir === undefined ? undefined : await pathVersionsCache(repo, dirs, cacheDir)
  const kept = await cache?.read()
  if (kept) return kept
  const out = await readPathVersions(repo, dirs)
  await cache?.write(out)
  return out
}

async function readPathVersions(repo: Repository, dirs: readonly string[]): Promise<PathVersions> {
  const out: PathVersions = new Map()
  let kept = 0
  for await (const change of rawChanges(repo, dirs, dirs.length > 0 ? `reading the history of ${dirs.join(', ')} in ${repo.spec}` : `reading the history of ${repo.spec}`)) {
    if (NOT_A_FILE.has(change.mode)) continue
    let versions = out.get(change.path)
    if (!versions) out.set(change.path, (versions = new Map()))
    if (!versions.has(change.blob)) kept += 1
    // newest first: the last commit seen that wrote a blob is the oldest
    versions.set(change.blob, { commit: change.commit, date: change.date.slice(0, 10) })
    if (kept >= MAX_VERSIONS) break
  }
  return out
}

/**
 * The newest ancestor of `tip` that may hold every wanted blob at its path: the first parent of
 * the oldest commit, in `tip`'s history, that wrote any of those paths again after the wanted
 * bytes. Along first parents only, a merge is the commit that wrote what its branch brought. One
 * `git log` over the paths; whether the commit's tree really holds them all is left to the caller,
 * which compares whole trees.
 */
export async function ancestorBeforeChanges(repo: Repository, wanted: ReadonlyMap<string, string>, tip: string, firstParent = false): Promise<string | undefined> {
  if (wanted.size === 0) return undefined
  /** per path, the commit that last changed it as the walk goes back: newer than the entry at hand */
  const newer = new Map<string, string>()
  /** per path, the commit that replaced the wanted bytes */
  const replacedBy = new Map<string, string>()
  const position = new Map<string, number>()
  for await (const change of rawChanges(repo, [...wanted.keys()], `searching the history of ${repo.spec}`, firstParent ? ['--first-parent', '--diff-merges=first-parent', tip] : [tip])) {
    if (!position.has(change.commit)) position.set(change.commit, position.size)
    if (!replacedBy.has(change.path) && wanted.get(change.path) === change.blob) {
      const replacing = newer.get(change.path)
      // the tip itself holds these bytes: no older tree is needed for this path
      if (replacing === undefined) return undefined
      replacedBy.set(change.path, replacing)
    }
    newer.set(change.path, change.commit)
  }
  if (replacedBy.size !== wanted.size) return undefined
  // newest first: the replacing commit seen last is the oldest, and the release predates it
  const oldest = [...replacedBy.values()].reduce((a, b) => ((position.get(b) ?? 0) > (position.get(a) ?? 0) ? b : a))
  const parent = await git(['rev-parse', '--verify', '--quiet', `${oldest}^1^{commit}`], { gitDir: repo.gitDir })
  const commit = parent.stdout.toString().trim()
  return parent.code === 0 && isObjectId(commit) ? commit : undefined
}

/** A path two trees hold different bytes at, with each tree's blob (undefined where it lacks the path). */
export interface TreeDifference {
  readonly path: string
  readonly from: string | undefined
  readonly to: string | undefined
}

/** Every file that differs between two commits (`git diff --raw`, no renames). */
export async function treeDifferences(repo: Repository, from: string, to: string, under?: string): Promise<TreeDifference[]> {
  const out = await git(['--literal-pathspecs', '-c', 'core.quotePath=false', 'diff', '--raw', '--no-renames', '--no-abbrev', '-z', from, to, '--', ...(under ? [under] : [])], { gitDir: repo.gitDir })
  if (out.code !== 0) return []
  const parts = out.stdout.toString().split('\0')
  const found: TreeDifference[] = []
  const blob = (id: string | undefined): string | undefined => (id === undefined || NO_BLOB.test(id) ? undefined : id)
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) [A-Z]\d*$/.exec(parts[i] ?? '')
    if (meta) found.push({ path: parts[i + 1] ?? '', from: blob(meta[1]), to: blob(meta[2]) })
  }
  return found
}
