// One catalog record (a line of JSON Lines, the format of ../shared/data/autotools-catalog.jsonl)
// for the exact bytes of one file: facts only — hashes, serial, stamp, size — never the content.
import { gitBlobId } from '../src/sources/archive/hash.js'
import { fingerprint } from '../src/verify/catalog/fingerprint.js'

export interface RecordOrigin {
  /** the path inside the repository, package or tarball the file was read from */
  readonly path: string
  readonly project: string
  /** `git:<owner>/<name>`, `debian-<suite>:<package>=<version>`, … */
  readonly source: string
  /** ISO time the content first appeared, when known */
  readonly firstSeen?: string | undefined
  readonly firstCommit?: string | undefined
  /** the first release that shipped the content, when known */
  readonly firstRelease?: string | undefined
}

export function catalogRecord(origin: RecordOrigin, bytes: Buffer): string {
  const basename = origin.path.slice(origin.path.lastIndexOf('/') + 1)
  const f = fingerprint(basename, bytes)
  return `${JSON.stringify({
    basename,
    path: origin.path,
    project: origin.project,
    source: origin.source,
    sha256: f.sha256,
    git_blob: gitBlobId(bytes),
    size: f.size,
    serial: f.serial ?? null,
    stamp: f.stamp ?? null,
    first_seen: origin.firstSeen ?? null,
    first_commit: origin.firstCommit ?? null,
    first_release: origin.firstRelease ?? null,
    sha256_loose: f.looseSha256,
  })}\n`
}
