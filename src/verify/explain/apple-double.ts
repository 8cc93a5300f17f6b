/**
 * @fileoverview The `._NAME` files a Mac's archiver stores beside each file it packs (AppleDouble:
 * the Finder information and extended attributes that other file systems cannot hold). A release
 * packed on a Mac carries one per file, and nothing in a build reads them. Explained when the file
 * is a well-formed AppleDouble header and the file it describes is in the release beside it; a
 * build that reads one as code still makes it unexplained (see judge.ts).
 */
import { basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import { explained, type Explainer } from './types.js'

const MAGIC = 0x00051607
const VERSION = 0x00020000
const HEADER_BYTES = 26
const ENTRY_BYTES = 12
/** the entry ids the format defines (data fork, resource fork, real name, comment, icons, dates, Finder info, …) */
const MAX_ENTRY_ID = 15

/** Whether the bytes start like an AppleDouble file (its magic number). */
export const hasAppleDoubleMagic = (head: Buffer | string): boolean =>
  typeof head === 'string' ? head.startsWith('\u0000\u0005\u0016\u0007') : head.length >= 4 && head.readUInt32BE(0) === MAGIC

/** A well-formed AppleDouble file: magic, version 2, and entries that lie inside the file. */
export function isAppleDouble(bytes: Buffer): boolean {
  if (bytes.length < HEADER_BYTES || !hasAppleDoubleMagic(bytes) || bytes.readUInt32BE(4) !== VERSION) return false
  const count = bytes.readUInt16BE(24)
  if (HEADER_BYTES + count * ENTRY_BYTES > bytes.length) return false
  for (let i = 0; i < count; i++) {
    const at = HEADER_BYTES + i * ENTRY_BYTES
    const id = bytes.readUInt32BE(at)
    const end = bytes.readUInt32BE(at + 4) + bytes.readUInt32BE(at + 8)
    if (id === 0 || id > MAX_ENTRY_ID || end > bytes.length) return false
  }
  return true
}

export function appleDoubleExplainer(): Explainer {
  return {
    name: 'apple-double',
    async judge(difference, view) {
      if (difference.status !== 'only-in-artifact' || difference.artifact?.kind !== 'file') return undefined
      const name = basenameOf(difference.path)
      if (!name.startsWith('._') || name.length < 3) return undefined
      const described = joinPath(dirnameOf(difference.path), name.slice(2))
      if (!view.artifactHas(described)) return undefined
      const bytes = view.artifactBytes(difference.path)
      if (!bytes || !isAppleDouble(bytes)) return undefined
      return explained(difference.path, 'archive-metadata', `macOS metadata (AppleDouble) that a Mac's archiver stored for ${described}; nothing in the build reads it`, false, false)
    },
  }
}
