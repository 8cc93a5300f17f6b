import { createInterface } from 'node:readline'
import { git, gitStream } from './exec.js'
import { isObjectId } from './object-id.js'
import type { Repository } from './types.js'

export interface BlobInHistory {
  /** the oldest commit, on any branch or tag, that wrote these bytes to the path */
  readonly commit: string
  /** committer date, strict ISO 8601 */
  readonly date: string
  readonly subject: string
  /** after `since` (descends from it), before it (one of its ancestors), or on another line of history */
  readonly relation: 'after' | 'before' | 'elsewhere'
}

const COMMIT_MARK = '\u0001'
/** `:100644 100644 <old> <new> M<TAB>path`, as `git log --raw --no-abbrev` prints a changed file */
const RAW_LINE = /^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) [A-Z]\d*\t(.+)$/

/**
 * Where in the repository's history (every ref) the given bytes were committed at the given
 * paths: one `git log` over those paths only. A release file that differs from its tag but equals
 * a later commit's was made from another tree than the tag's; one found nowhere was written
 * outside version control.
 */
export async function findBlobsInHistory(repo: Repository, wanted: ReadonlyMap<string, string>, since: string): Promise<Map<string, BlobInHistory>> {
  const found = new Map<string, Omit<BlobInHistory, 'relation'>>()
  if (wanted.size === 0) return new Map()
  const proc = gitStream(
    repo.gitDir,
    // the paths come from the artifact: never read as pathspec magic or globs
    ['--literal-pathspecs', '-c', 'core.quotePath=false', 'log', '--all', '--no-color', '--no-decorate', '--no-renames', '--raw', '--no-abbrev', `--format=${COMMIT_MARK}%H %cI %s`, '--', ...wanted.keys()],
    `searching the history of ${repo.spec}`,
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
      // newest first: the last commit seen with the bytes is the one that wrote them first
      if (raw && current && wanted.get(raw[2]!) === raw[1]) found.set(raw[2]!, current)
    }
    await proc.done
  } finally {
    proc.stop()
  }
  const isAncestor = async (older: string, newer: string): Promise<boolean> => (await git(['merge-base', '--is-ancestor', older, newer], { gitDir: repo.gitDir })).code === 0
  const relations = new Map<string, BlobInHistory['relation']>()
  const out = new Map<string, BlobInHistory>()
  for (const [path, hit] of found) {
    let relation = relations.get(hit.commit)
    if (relation === undefined) {
      relation = (await isAncestor(since, hit.commit)) ? 'after' : (await isAncestor(hit.commit, since)) ? 'before' : 'elsewhere'
      relations.set(hit.commit, relation)
    }
    out.set(path, { ...hit, relation })
  }
  return out
}
