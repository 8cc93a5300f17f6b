import { posix } from 'node:path'
import type { ArchiveIssue } from './types.js'

export type NameVerdict = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly issue: ArchiveIssue }

/** Normalises an entry name; names that could write outside the tree are refused with an issue. */
export function judgeName(raw: string): NameVerdict {
  if (raw.includes('\0') || raw.includes('\\')) {
    return { ok: false, issue: { code: 'ARCHIVE_BAD_NAME', severity: 'high', path: raw.replace(/\0/g, '\\0'), message: 'entry name contains a NUL byte or a backslash' } }
  }
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) {
    return { ok: false, issue: { code: 'ARCHIVE_ABSOLUTE_PATH', severity: 'critical', path: raw, message: `entry has an absolute path (${raw}): extraction would write outside the target directory` } }
  }
  const normal = posix.normalize(raw).replace(/\/+$/, '')
  if (normal === '..' || normal.startsWith('../')) {
    return { ok: false, issue: { code: 'ARCHIVE_PATH_TRAVERSAL', severity: 'critical', path: raw, message: `entry path climbs out of the tree (${raw})` } }
  }
  return { ok: true, path: normal === '.' ? '' : normal.replace(/^\.\//, '') }
}

/** Does a link at `path` pointing to `target` stay inside the tree? */
export function linkEscapes(path: string, target: string, hard: boolean): boolean {
  if (target.startsWith('/')) return true
  const resolved = hard ? posix.normalize(target) : posix.normalize(posix.join(posix.dirname(path), target))
  return resolved === '..' || resolved.startsWith('../')
}
