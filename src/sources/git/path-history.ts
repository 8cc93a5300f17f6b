import { createInterface } from 'node:readline'
import { gitStream } from './exec.js'
import type { Repository } from './types.js'

/** One version a path had in a repository's history: the blob, and the first commit that wrote it. */
export interface PathVersion {
  readonly commit: string
  /** committer date of that commit, YYYY-MM-DD */
  readonly date: string
}

/** at most this many blob versions are kept: gnulib's lib/, m4/ and build-aux/ have about 150,000 */
const MAX_VERSIONS = 1_000_000

/**
 * Every version each path under `dirs` ever had on any branch or tag (`git log --all --raw`): a
 * blob id per path, with the oldest commit that wrote it. Streamed; renames are not followed, so a
 * version counts only under the path it was committed at.
 */
export async function pathVersions(repo: Repository, dirs: readonly string[]): Promise<Map<string, Map<string, PathVersion>>> {
  const out = new Map<string, Map<string, PathVersion>>()
  const proc = gitStream(
    repo.gitDir,
    ['log', '--all', '--no-color', '--no-renames', '--raw', '--no-abbrev', '--format=C %H %cs', '--', ...dirs],
    `reading the history of ${dirs.join(', ')} in ${repo.spec}`,
  )
  let current: PathVersion | undefined
  let kept = 0
  try {
    for await (const line of createInterface({ input: proc.stdout, crlfDelay: Infinity })) {
      if (line.startsWith('C ')) {
        const [, commit = '', date = ''] = line.split(' ')
        current = { commit, date }
        continue
      }
      // `:100644 100644 <old> <new> M\tpath`: the new blob is the version this commit wrote
      const tab = line.indexOf('\t')
      if (!current || !line.startsWith(':') || tab < 0) continue
      const fields = line.slice(1, tab).split(' ')
      const blob = fields[3]
      if (!blob || /^0+$/.test(blob) || fields[1] === '120000' || fields[1] === '160000') continue
      const path = line.slice(tab + 1)
      let versions = out.get(path)
      if (!versions) out.set(path, (versions = new Map()))
      // newest first: the last commit seen that wrote a blob is the oldest
      if (!versions.has(blob)) kept += 1
      versions.set(blob, current)
      if (kept >= MAX_VERSIONS) break
    }
    await proc.done
  } finally {
    proc.stop()
  }
  return out
}
