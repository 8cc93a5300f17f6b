import type { Severity } from '../../model/finding.js'
import type { TreeEntry } from '../../model/tree.js'

export type ArtifactFormat = 'directory' | 'tar' | 'tar.gz' | 'tar.xz' | 'tar.bz2' | 'tar.zst' | 'zip'

/** Hostile or odd content met while reading a readable archive. Never a crash: verify turns these into findings. */
export type ArchiveIssueCode =
  | 'ARCHIVE_ABSOLUTE_PATH'
  | 'ARCHIVE_PATH_TRAVERSAL'
  | 'ARCHIVE_BAD_NAME' // NUL, backslash, empty or otherwise unusable name
  | 'ARCHIVE_LINK_ESCAPE' // symlink or hardlink target outside the tree
  | 'ARCHIVE_DEVICE' // character/block device or fifo
  | 'ARCHIVE_DUPLICATE_PATH' // a later entry silently replaces an earlier one
  | 'ARCHIVE_PAX_OVERRIDE' // PAX header changes path/linkpath/size in a way a casual reader would miss
  | 'ARCHIVE_LIMIT_EXCEEDED' // entries, size or compression ratio over the limit: reading stopped
  | 'ARCHIVE_TRAILING_DATA' // data after the end of the archive

export interface ArchiveIssue {
  readonly code: ArchiveIssueCode
  readonly severity: Severity
  /** the entry's name as stored in the archive (not normalised), or '' for the archive as a whole */
  readonly path: string
  readonly message: string
  readonly detail?: string
  /** for a link: where it points, as stored */
  readonly linkTarget?: string
}

export interface ArchiveLimits {
  readonly maxEntries: number
  readonly maxEntryBytes: number
  readonly maxTotalBytes: number
  /** uncompressed/compressed ratio allowed once more than ratioGraceBytes have been produced */
  readonly maxRatio: number
  readonly ratioGraceBytes: number
  /** files up to this size carry their bytes in TreeEntry.content */
  readonly maxContentBytes: number
}

export interface OpenOptions {
  readonly limits?: Partial<ArchiveLimits>
  /** 'auto' strips a single common top-level directory (`xz-5.6.1/`, npm `package/`); false keeps paths */
  readonly stripPrefix?: 'auto' | false
  readonly onProgress?: (bytesRead: number, totalBytes: number | undefined) => void
  /** directories only: paths (relative, posix) that are neither yielded nor descended into, such as `.git` */
  readonly exclude?: (path: string) => boolean
}

export interface ArtifactTree {
  readonly format: ArtifactFormat
  /** the directory that was stripped from every path ('' when none) */
  readonly prefix: () => string
  /** false when an entry outside the assumed prefix was met: re-open with stripPrefix: false */
  readonly prefixHeld: () => boolean
  /** streamed entries, each path already normalised and stripped; unsafe entries are reported in issues and not yielded */
  entries(): AsyncGenerator<TreeEntry>
  /** issues met so far; complete once entries() has finished */
  readonly issues: ArchiveIssue[]
  /** true when a limit stopped reading before the end */
  readonly truncated: () => boolean
}
