import type { ArtifactFormat } from './types.js'

export type Container = 'tar' | 'zip'
export type Compression = 'none' | 'gzip' | 'xz' | 'bzip2' | 'zstd'

const startsWith = (buf: Buffer, bytes: readonly number[]): boolean => bytes.every((b, i) => buf[i] === b)

export function detectCompression(head: Buffer): Compression | 'zip' | undefined {
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip'
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz'
  if (startsWith(head, [0x42, 0x5a, 0x68])) return 'bzip2'
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd'
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip'
  if (looksLikeTar(head)) return 'none'
  return undefined
}

/** ustar magic, or a v7 header whose checksum adds up. */
export function looksLikeTar(head: Buffer): boolean {
  if (head.length < 512) return false
  if (head.subarray(257, 262).toString('latin1') === 'ustar') return true
  const stored = parseInt(head.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/g, '').trim(), 8)
  if (!Number.isFinite(stored)) return false
  let sum = 0
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (head[i] ?? 0)
  return sum === stored && head[0] !== 0
}

export const FORMAT_OF: Record<Compression, ArtifactFormat> = { none: 'tar', gzip: 'tar.gz', xz: 'tar.xz', bzip2: 'tar.bz2', zstd: 'tar.zst' }
