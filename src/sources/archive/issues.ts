/** @fileoverview One builder per kind of hostile content, so every message says what an extracting tool would have done. */
import { LIMITS } from './limits.js'
import type { UnsafeNameCode } from './paths.js'
import type { ArchiveIssue } from './types.js'

/** Quoted with escapes, so control characters in a hostile name cannot disturb a terminal or a log line. */
export const quote = (name: string): string => JSON.stringify(name)

export function unsafeName(name: string, code: UnsafeNameCode, reason: string): ArchiveIssue {
  switch (code) {
    case 'ARCHIVE_ABSOLUTE_PATH':
      return { code, severity: 'critical', path: name, message: `entry ${quote(name)} has an absolute path: extraction would write outside the target directory` }
    case 'ARCHIVE_PATH_TRAVERSAL':
      return { code, severity: 'critical', path: name, message: `entry ${quote(name)} climbs out of the tree with '..': extraction would write outside the target directory` }
    case 'ARCHIVE_BAD_NAME':
      return { code, severity: 'high', path: name, message: `entry ${quote(name)} has an unusable name (${reason}): it was not read` }
  }
}

export const throughSymlink = (name: string, link: string, linkEscapes: boolean): ArchiveIssue => ({
  code: 'ARCHIVE_PATH_TRAVERSAL',
  severity: linkEscapes ? 'critical' : 'high',
  path: name,
  message: `entry ${quote(name)} lies under the symlink ${quote(link)}: extraction would write ${linkEscapes ? 'outside the tree' : 'wherever the link points'}, not at the named path`,
})

export const linkEscape = (path: string, kind: 'symlink' | 'hardlink', target: string): ArchiveIssue => ({
  code: 'ARCHIVE_LINK_ESCAPE',
  severity: 'critical',
  path,
  message: `${kind} ${quote(path)} points outside the tree (→ ${quote(target)})`,
  linkTarget: target,
})

export const linkLoop = (path: string, target: string): ArchiveIssue => ({
  code: 'ARCHIVE_LINK_ESCAPE',
  severity: 'high',
  path,
  message: `symlink ${quote(path)} (→ ${quote(target)}) leads through a cycle or more than ${LIMITS.maxSymlinkHops} links: where it lands cannot be known, and extracting tools disagree`,
})

export const hardlinkToUnknown = (path: string, target: string): ArchiveIssue => ({
  code: 'ARCHIVE_LINK_ESCAPE',
  severity: 'high',
  path,
  message: `hardlink ${quote(path)} → ${quote(target)} names no earlier entry of the archive: extraction would link to whatever is on disk there`,
})

export const deviceEntry = (path: string, kind: 'device' | 'fifo'): ArchiveIssue => ({
  code: 'ARCHIVE_DEVICE',
  severity: 'high',
  path,
  message: `${quote(path)} is a ${kind === 'fifo' ? 'named pipe' : 'device file'}: a source release has no reason to ship one`,
})

/**
 * A path that appears twice: which entry an extractor keeps decides the content, unless both hold
 * the same bytes (a packer that lists a file twice), when only the later entry's mode wins.
 */
export const duplicatePath = (path: string, sameBytes = false): ArchiveIssue => ({
  code: 'ARCHIVE_DUPLICATE_PATH',
  severity: sameBytes ? 'low' : 'high',
  path,
  message: sameBytes
    ? `${quote(path)} appears more than once, each time with the same bytes: whichever entry extraction keeps, the content is the same`
    : `${quote(path)} appears more than once: extraction keeps the later entry and silently drops the earlier one`,
})

export const paxOverride = (name: string, overrides: readonly string[], via: string): ArchiveIssue => ({
  code: 'ARCHIVE_PAX_OVERRIDE',
  severity: 'medium',
  path: name,
  message: `${via} changes ${quote(name)} where the plain header needed no help: readers that ignore it see a different entry`,
  detail: overrides.join('; '),
})

export const globalPaxOverride = (keys: readonly string[]): ArchiveIssue => ({
  code: 'ARCHIVE_PAX_OVERRIDE',
  severity: 'medium',
  path: '',
  message: `a global PAX header sets ${keys.join(', ')} for every following entry: tools disagree on whether to apply it`,
  detail: keys.join(', '),
})

export const limitExceeded = (reason: string, entry: string): ArchiveIssue => ({
  code: 'ARCHIVE_LIMIT_EXCEEDED',
  severity: 'critical',
  path: entry,
  message: `reading stopped${entry ? ` at ${quote(entry)}` : ''}: ${reason}; a decompression bomb or an oversized artifact, and everything after this point was not read`,
})

export const trailingData = (bytes: number, what: string, detail?: string): ArchiveIssue => ({
  code: 'ARCHIVE_TRAILING_DATA',
  severity: 'medium',
  path: '',
  message: `${bytes} bytes of data follow the end of the ${what}: extracting tools ignore them`,
  ...(detail ? { detail } : {}),
})
