/** @fileoverview What an artifact is, from its bytes: a file name says nothing an attacker cannot change. */
import type { Compression } from './decompress.js'
import { looksLikeEmptyTar, looksLikeTarHeader } from './tar-header.js'
import type { ArtifactFormat } from './types.js'

export type Detected = { readonly container: 'zip' } | { readonly container: 'tar'; readonly compression?: Compression }

const startsWith = (head: Buffer, magic: readonly number[]): boolean => head.length >= magic.length && magic.every((byte, i) => head[i] === byte)

const MAGIC: readonly (readonly [Compression, readonly number[]])[] = [
  ['gzip', [0x1f, 0x8b]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]], // 'BZh'
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
]

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04]
const ZIP_EMPTY_ARCHIVE = [0x50, 0x4b, 0x05, 0x06]

/** The container and compression of a file, from its first 512 bytes; undefined when it is neither. */
export function detectFormat(head: Buffer): Detected | undefined {
  for (const [compression, magic] of MAGIC) if (startsWith(head, magic)) return { container: 'tar', compression }
  if (startsWith(head, ZIP_LOCAL_HEADER) || startsWith(head, ZIP_EMPTY_ARCHIVE)) return { container: 'zip' }
  if (isTarStart(head)) return { container: 'tar' }
  return undefined
}

/** Uncompressed bytes that begin a tar archive (a header, or the end-of-archive blocks of an empty one). */
export const isTarStart = (head: Buffer): boolean => looksLikeTarHeader(head) || looksLikeEmptyTar(head)

// legacy .lzma has no magic number to detect an artifact by: it is only decoded inside data files
const TAR_FORMAT: Readonly<Partial<Record<Compression, ArtifactFormat>>> = { gzip: 'tar.gz', xz: 'tar.xz', bzip2: 'tar.bz2', zstd: 'tar.zst' }

export const formatOf = (detected: Detected): ArtifactFormat =>
  detected.container === 'zip' ? 'zip' : detected.compression ? (TAR_FORMAT[detected.compression] ?? 'tar') : 'tar'
