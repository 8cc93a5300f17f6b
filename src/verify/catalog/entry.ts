/** Where a catalog entry comes from: the data shipped with stagelight, the user's store, or a file installed on this system. */
export type CatalogOrigin = 'bundled' | 'user' | `system:${string}`

/** One known upstream version of a vendored file, seen at one source. */
export interface CatalogEntry {
  readonly basename: string
  /** path inside the upstream repository or package (for system files, the installed path without the leading `/`) */
  readonly path: string
  /** upstream project (`gnulib`, `gettext`, `libtool`, …) or Debian package name */
  readonly project: string
  /** where this content was seen: `git:<owner>/<repo>`, `debian-bookworm:<pkg>=<version>`, `user:<dir>`, `system` */
  readonly source: string
  /** SHA-256 of the exact bytes, lowercase hex */
  readonly sha256: string
  /** SHA-256 of the content without serial, copyright, stamp, SPDX and blank lines (see fingerprint.ts) */
  readonly looseSha256: string
  readonly serial?: string
  readonly stamp?: string
  /** ISO-8601 UTC date of the earliest commit that introduced this content */
  readonly firstSeen?: string
  /** earliest release tag that contains this content */
  readonly firstRelease?: string
  readonly size?: number
  readonly origin: CatalogOrigin
}
