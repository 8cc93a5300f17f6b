import type { Finding } from '../model/finding.js'
import type { TreeEntry } from '../model/tree.js'
import { findBlobsInHistory, type BlobInHistory } from '../sources/git/blob-history.js'
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
 * keep their severity. What the rules find in the file is reported on its own and keeps its own.
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
  return findings.map((f) => {
    const hit = f.path && TRACED_RULES.has(f.ruleId) ? found.get(inRepo(f.path)) : undefined
    if (!hit) return f
    const path = inRepo(f.path ?? '')
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
