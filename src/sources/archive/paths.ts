/** @fileoverview Entry names and link targets are attacker-controlled: judge them before using them as paths. */
export type UnsafeNameCode = 'ARCHIVE_BAD_NAME' | 'ARCHIVE_ABSOLUTE_PATH' | 'ARCHIVE_PATH_TRAVERSAL'

export type NameVerdict =
  /** `path` is '' for the archive root itself (`./`) */
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly code: UnsafeNameCode; readonly reason: string }

const isAbsolute = (name: string): boolean => name.startsWith('/') || /^[A-Za-z]:/.test(name)

/**
 * Normalises an entry name to a posix path relative to the tree root. Any `..` component is
 * refused, even one that would normalise away: on extraction it is resolved through whatever
 * the components before it are on disk, symlinks included.
 */
export function judgeName(raw: string): NameVerdict {
  if (raw === '') return { ok: false, code: 'ARCHIVE_BAD_NAME', reason: 'empty name' }
  if (raw.includes('\0')) return { ok: false, code: 'ARCHIVE_BAD_NAME', reason: 'name contains a NUL byte' }
  if (raw.includes('\\')) return { ok: false, code: 'ARCHIVE_BAD_NAME', reason: 'name contains a backslash' }
  if (isAbsolute(raw)) return { ok: false, code: 'ARCHIVE_ABSOLUTE_PATH', reason: 'absolute path' }
  const parts = raw.split('/')
  if (parts.includes('..')) return { ok: false, code: 'ARCHIVE_PATH_TRAVERSAL', reason: "path contains '..'" }
  return { ok: true, path: parts.filter((part) => part !== '' && part !== '.').join('/') }
}
