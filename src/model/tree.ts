/** What a file-tree entry is, whatever it came from (archive, directory, git tree). */
export type EntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'submodule' | 'other'

export interface TreeEntry {
  /** posix, relative to the tree root, never absolute and never containing `..` after normalisation */
  readonly path: string
  readonly kind: EntryKind
  /** permission bits (e.g. 0o755); 0 where unknown */
  readonly mode: number
  readonly size: number
  readonly linkTarget?: string
  readonly sha256?: string
  /** git blob object id of the content (sha1), so the entry compares directly with a git tree */
  readonly gitBlob?: string
  /**
   * A source file `git archive` rewrites (export-subst's `$Format:%ct$`, `ident`'s `$Id$`, an
   * `eol=crlf` line end): the blob as committed, which a checkout holds for export-subst and a
   * release made from a committed tree ships.
   */
  readonly committedBlob?: string
  /** The bytes, for files no larger than the reader's content limit; undefined for larger files. */
  readonly content?: Buffer
}

export const isExecutableMode = (mode: number): boolean => (mode & 0o111) !== 0
