// Lists every version of chosen files in a git repository's whole history as catalog records
// (JSON Lines, the format of ../shared/data/autotools-catalog.jsonl), for tools whose installed
// files release tarballs carry but the main catalog does not cover (gtk-doc's gtkdocize, …).
// Facts only — hashes, serials, dates — never the files' content. Run after `npm run build`:
//
//   node dist/scripts/catalog-from-git.js <git-dir> <project> <owner/name> <basename-regex> [path-regex] >> data/catalog-extra.jsonl
//
// A path regex keeps only the files under chosen directories (libtool's `^libltdl/`, whose
// sources `libtoolize --ltdl` copies, without the same names elsewhere in its history).
//
// Reads the repository with plain `git` plumbing (log, cat-file); runs nothing from it.
import { git } from './git-plumbing.js'
import { posix } from 'node:path'
import { fingerprint } from '../src/verify/catalog/fingerprint.js'
import { catalogRecord } from './catalog-record.js'

function main(argv: readonly string[]): void {
  const [gitDir, project, repository, pattern, pathPattern] = argv
  if (!gitDir || !project || !repository || !pattern) throw new Error('usage: catalog-from-git <git-dir> <project> <owner/name> <basename-regex> [path-regex]')
  const wanted = new RegExp(pattern)
  const under = pathPattern === undefined ? undefined : new RegExp(pathPattern)
  // oldest first, so the first time a content is seen is its first commit
  const log = git(gitDir, ['log', '--all', '--date-order', '--reverse', '--diff-filter=AMR', '--format=@%H %cI', '--name-only']).toString('utf8')
  const seen = new Set<string>()
  let commit = ''
  let date = ''
  for (const line of log.split('\n')) {
    if (line.startsWith('@')) {
      ;[commit, date] = line.slice(1).split(' ') as [string, string]
      continue
    }
    if (line === '' || !wanted.test(posix.basename(line)) || (under !== undefined && !under.test(line))) continue
    let bytes: Buffer
    try {
      bytes = git(gitDir, ['cat-file', 'blob', `${commit}:${line}`])
    } catch {
      continue
    }
    const key = `${line}\0${fingerprint(posix.basename(line), bytes).sha256}`
    if (seen.has(key)) continue
    seen.add(key)
    const firstRelease = git(gitDir, ['tag', '--contains', commit, '--sort=creatordate']).toString('utf8').split('\n')[0] || undefined
    process.stdout.write(
      catalogRecord({ path: line, project, source: `git:${repository}`, firstSeen: new Date(date).toISOString().replace('.000', ''), firstCommit: commit.slice(0, 12), firstRelease }, bytes),
    )
  }
}

try {
  main(process.argv.slice(2))
} catch (err) {
  console.error(`catalog-from-git: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
}
