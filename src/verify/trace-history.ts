import type { Finding } from '../model/finding.js'
import type { TreeEntry } from '../model/tree.js'
import { ancestorBeforeChanges, findBlobsInHistory, treeDifferences, type BlobInHistory } from '../sources/git/blob-history.js'
import { git } from '../sources/git/exec.js'
import type { Repository } from '../sources/git/types.js'

/** findings on a file whose bytes may come from another commit than the tag's */
const TRACED_RULES = new Set(['verify/source-modified', 'verify/unexplained-file'])
/** the first findings only (they are sorted by severity): one git log over their paths */
const MAX_TRACED = 50

const WHERE: Record<BlobInHistory['relation'], string> = {
  after: 'a commit after the tag: the release was made from a later tree',
  before: 'a commit before the tag: the release ships an older version',
  elsewhere: 'a commit on another line of history than the tag',
}

/** what a finding about bytes the maintainers published after the tag may weigh at most */
const PUBLISHED_LATER: Finding['severity'] = 'low'
const LOWERED = new Set<Finding['severity']>(['medium', 'high'])

/**
 * Says, on findings about files that differ from the tag, whether the release's bytes were ever
 * committed at that path: a file from a commit after the tag is a release made from the wrong
 * tree, one found nowhere was written outside version control. The release is not its tag either
 * way, but bytes a branch published after the tag are the project's public history, where they
 * can be read and reviewed like any commit: such a finding is low. An older version (a fix
 * undone), bytes from another line of history or from a ref anyone can create (a pull request)
 * keep their severity, unless the whole release is one older commit of the tag's own history (see
 * {@link releaseCommitBefore}). What the rules find in the file is reported on its own and keeps its own.
 */
export async function traceInHistory(findings: readonly Finding[], repo: Repository, tagCommit: string, artifactEntries: ReadonlyMap<string, TreeEntry>, directory?: string): Promise<Finding[]> {
  // the release's paths are below `directory` in the repository when it was made from one
  const inRepo = (path: string): string => (directory ? `${directory}/${path}` : path)
  const wanted = new Map<string, string>()
  for (const f of findings) {
    if (wanted.size >= MAX_TRACED) break
    if (!f.path || !TRACED_RULES.has(f.ruleId) || f.severity === 'info' || f.severity === 'low') continue
    const entry = artifactEntries.get(f.path)
    if (entry?.kind === 'file' && entry.gitBlob) wanted.set(inRepo(f.path), entry.gitBlob)
  }
  // a history that cannot be searched leaves the findings as they are: they stand without it
  const found = await findBlobsInHistory(repo, wanted, tagCommit).catch(() => new Map<string, BlobInHistory>())
  if (found.size === 0) return [...findings]
  const at = (path: string, c: { commit: string; date: string; subject: string }): string => `${path} at ${c.commit.slice(0, 12)} (${c.date.slice(0, 10)}, ${JSON.stringify(c.subject)})`
  const older = new Map([...found].filter(([, hit]) => hit.relation === 'before' && !hit.onBranchAfter).map(([path]) => [path, wanted.get(path) ?? '']))
  // the release's files that something about counts: a difference nothing explained, or what a rule found
  const unexplained = new Set(findings.filter((f) => f.path && (LOWERED.has(f.severity) || f.severity === 'critical')).map((f) => f.path ?? ''))
  const release = await releaseCommitBefore(repo, tagCommit, older, artifactEntries, unexplained, directory)
  return findings.map((f) => {
    if (!f.path || !TRACED_RULES.has(f.ruleId)) return f
    const path = inRepo(f.path)
    const hit = found.get(path)
    if (release?.holds.has(path) && !hit?.onBranchAfter && LOWERED.has(f.severity)) {
      const behind = `${release.behind} commit${release.behind === 1 ? '' : 's'} before the tag`
      return {
        ...f,
        severity: PUBLISHED_LATER,
        message: `${f.message}; the release was made from ${release.commit.slice(0, 12)} (${release.date.slice(0, 10)}, ${JSON.stringify(release.subject)}), ${behind}: it holds that commit's bytes wherever the commit and the tag differ`,
        data: { ...f.data, inHistory: { ...(hit ? { commit: hit.commit, date: hit.date, subject: hit.subject, relation: hit.relation } : {}), releaseCommit: { commit: release.commit, date: release.date, subject: release.subject, behind: release.behind }, severityBefore: f.severity } },
        explanation: `The release was not made from its tag but from an older commit of the tag's own history, whose files it matches wherever that commit and the tag differ. It leaves out what the tag added since: ${release.left.join('; ')}${release.behind > release.left.length ? `; … (git log ${release.commit.slice(0, 12)}..${tagCommit.slice(0, 12)})` : ''}.`,
      }
    }
    if (!hit) return f
    const inHistory = { commit: hit.commit, date: hit.date, subject: hit.subject, relation: hit.relation }
    const later = hit.onBranchAfter
    if (later && LOWERED.has(f.severity)) {
      return {
        ...f,
        severity: PUBLISHED_LATER,
        message: `${f.message}; the repository has these bytes: ${at(path, later)}, a commit after the tag on a branch: the release was made from a later tree of the published history`,
        data: { ...f.data, inHistory: { ...inHistory, publishedAfterTag: { commit: later.commit, date: later.date, subject: later.subject }, severityBefore: f.severity } },
        explanation: 'The release was not made from its tag, but every byte of this file is what a branch of the repository published after the tag: read that commit to see what changed.',
      }
    }
    return {
      ...f,
      message: `${f.message}; the repository has these bytes: ${at(path, hit)}, ${WHERE[hit.relation]}`,
      data: { ...f.data, inHistory },
    }
  })
}

/** the subjects of the tag's later commits named in the explanation */
const LEFT_OUT_SHOWN = 5

interface ReleaseCommit {
  readonly commit: string
  readonly date: string
  readonly subject: string
  /** commits the tag has that this one lacks */
  readonly behind: number
  /** the subjects of the first of those, newest first */
  readonly left: readonly string[]
  /** the paths (in the repository) where the release holds this commit's bytes and not the tag's */
  readonly holds: ReadonlySet<string>
}

/**
 * The older commit of the tag's history a release was made from, when there is one: every file
 * the commit and the tag hold differently, the release holds as the commit does, or leaves out.
 * That is a release made before the tag was placed or moved, and its bytes are history anyone can
 * review, unlike a file put back to an older version while the rest follows the tag (a fix undone),
 * which no single commit's tree matches.
 */
async function releaseCommitBefore(repo: Repository, tagCommit: string, older: ReadonlyMap<string, string>, artifactEntries: ReadonlyMap<string, TreeEntry>, unexplained: ReadonlySet<string>, directory: string | undefined): Promise<ReleaseCommit | undefined> {
  // the line the tag was made on first (a branch merged into it is one change), then all its history
  for (const firstParent of [true, false]) {
    const commit = await ancestorBeforeChanges(repo, older, tagCommit, firstParent).catch(() => undefined)
    const release = commit ? await releasedFrom(repo, commit, tagCommit, artifactEntries, unexplained, directory) : undefined
    if (release) return release
  }
  return undefined
}

/** The commit as a release's source, when the release holds its bytes wherever it and the tag differ. */
async function releasedFrom(repo: Repository, commit: string, tagCommit: string, artifactEntries: ReadonlyMap<string, TreeEntry>, unexplained: ReadonlySet<string>, directory: string | undefined): Promise<ReleaseCommit | undefined> {
  const fromRepo = (path: string): string | undefined => (directory ? (path.startsWith(`${directory}/`) ? path.slice(directory.length + 1) : undefined) : path)
  const holds = new Set<string>()
  for (const difference of await treeDifferences(repo, commit, tagCommit, directory)) {
    const path = fromRepo(difference.path)
    const entry = path === undefined ? undefined : artifactEntries.get(path)
    // a file the release leaves out
    if (path === undefined || entry === undefined) continue
    const blob = entry.kind === 'file' ? entry.gitBlob : undefined
    if (blob !== undefined && blob === difference.from) {
      holds.add(difference.path)
      continue
    }
    // the tag's bytes where the commit has others: a mix of two trees, not one commit
    if (blob !== undefined && blob === difference.to) return undefined
    // bytes of neither: output of the release's own making that verify explained, or another source
    if (unexplained.has(path)) return undefined
  }
  if (holds.size === 0) return undefined
  const count = await git(['rev-list', '--count', `${commit}..${tagCommit}`], { gitDir: repo.gitDir })
  const left = await git(['log', '--no-color', `--max-count=${LEFT_OUT_SHOWN}`, '--format=%s', `${commit}..${tagCommit}`], { gitDir: repo.gitDir })
  const self = await git(['log', '-1', '--no-color', '--format=%cI %s', commit], { gitDir: repo.gitDir })
  const behind = Number(count.stdout.toString().trim())
  if (count.code !== 0 || left.code !== 0 || self.code !== 0 || !(behind > 0)) return undefined
  const [date = '', ...subject] = self.stdout.toString().trim().split(' ')
  const subjects = left.stdout.toString().split('\n').filter((l) => l !== '').map((l) => JSON.stringify(l))
  return { commit, date, subject: subject.join(' '), behind, left: subjects, holds }
}
