import tarStream from 'tar-stream'
import { gitStream } from './exec.js'
import type { Repository } from './types.js'

/** Keeps one `git archive` command line well under the kernel's argument limit. */
const MAX_PATHSPEC_BYTES = 96 * 1024

function chunksOf(paths: readonly string[]): string[][] {
  const chunks: string[][] = []
  let current: string[] = []
  let bytes = 0
  for (const path of paths) {
    const size = Buffer.byteLength(path) + 1
    if (current.length > 0 && bytes + size > MAX_PATHSPEC_BYTES) {
      chunks.push(current)
      current = []
      bytes = 0
    }
    current.push(path)
    bytes += size
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

/**
 * The bytes `git archive` writes for these files of `commit` (with export-subst, ident and
 * line-end conversion applied), handed to `onFile` one at a time.
 */
export async function archivedFiles(repo: Repository, commit: string, paths: readonly string[], onFile: (path: string, content: Buffer) => void): Promise<void> {
  if (paths.length === 0) return
  // filter drivers, personal attributes and everything else a repository could run are switched off for every git process (safe-config.ts)
  const settings = ['-c', 'core.autocrlf=false', '-c', 'core.eol=lf', '--literal-pathspecs']
  for (const chunk of chunksOf(paths)) {
    const proc = gitStream(repo.gitDir, [...settings, 'archive', '--format=tar', commit, '--', ...chunk], `exporting ${chunk.length} file(s) of ${commit} with git archive`)
    const extract = tarStream.extract()
    proc.stdout.pipe(extract)
    try {
      for await (const entry of extract) {
        const parts: Buffer[] = []
        for await (const part of entry) parts.push(part as Buffer)
        if (entry.header.type === 'file') onFile(entry.header.name, Buffer.concat(parts))
      }
      await proc.done
    } catch (err) {
      // a git failure explains a broken tar stream better than the tar parser does
      await proc.done
      throw err
    } finally {
      proc.stop()
    }
  }
}

/**
 * The whole tree of a commit as `git archive` writes it, with the repository's own filter
 * drivers and personal attributes switched off, as a tar byte stream.
 */
export function archiveStream(repo: Repository, commit: string): Promise<ReturnType<typeof gitStream>> {
  return Promise.resolve(gitStream(repo.gitDir, ['archive', '--format=tar', commit], `git archive ${commit}`))
}
