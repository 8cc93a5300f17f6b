/**
 * @fileoverview The few fields of a tar header block needed to frame an archive, decoded by the
 * same rules tar-stream applies (checksum, octal and base-256 numbers, ustar prefix), so that
 * the framer and the extractor agree on where every header is.
 */

export const BLOCK = 512
/** tar-stream refuses PAX and GNU long-name payloads above this size */
export const MAX_META_BYTES = 4 * 1024 * 1024

export const TYPE = {
  file: 0,
  directory: 5,
  gnuLongLink: 27, // 'K'
  gnuLongPath: 28, // 'L'
  gnuLongPathOld: 30, // 'N'
  paxGlobal: 55, // 'g'
  pax: 72, // 'x'
} as const

export interface TarHeader {
  /** ustar prefix and name joined, as stored */
  readonly name: string
  readonly linkname: string
  readonly size: number
  /** the type byte minus '0', or 0 for NUL, as tar-stream computes it */
  readonly typeflag: number
}

export type Block = { readonly kind: 'zero' } | { readonly kind: 'bad' } | { readonly kind: 'header'; readonly header: TarHeader }

const decodeString = (block: Buffer, offset: number, length: number): string => {
  const field = block.subarray(offset, offset + length)
  const end = field.indexOf(0)
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8')
}

/** GNU base-256 numbers; tar-stream accepts only 0x80 (positive) and 0xff (negative) as the first byte. */
function decodeBase256(field: Buffer): number {
  if (field[0] !== 0x80 && field[0] !== 0xff) return NaN
  const positive = field[0] === 0x80
  let sum = 0
  let scale = 1
  for (let i = field.length - 1; i > 0; i--) {
    const byte = field[i] ?? 0
    sum += (positive ? byte : 0xff - byte) * scale
    scale *= 256
  }
  return positive ? sum : -1 * sum
}

/** An octal field: leading spaces and NULs skipped, up to the first space, as tar-stream reads it. */
export function decodeNumber(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length)
  if ((field[0] ?? 0) & 0x80) return decodeBase256(field)
  let start = 0
  while (start < field.length && field[start] === 0x20) start++
  let end = field.indexOf(0x20, start)
  if (end < 0) end = field.length
  while (start < end && field[start] === 0) start++
  if (start === end) return 0
  return parseInt(field.subarray(start, end).toString('latin1'), 8)
}

/** The header checksum: every byte summed, the checksum field itself counted as spaces. */
export function checksum(block: Buffer): number {
  let sum = 8 * 0x20
  for (let i = 0; i < 148; i++) sum += block[i] ?? 0
  for (let i = 156; i < BLOCK; i++) sum += block[i] ?? 0
  return sum
}

const isUstar = (block: Buffer): boolean => block.subarray(257, 263).toString('latin1') === 'ustar\0'

export function decodeBlock(block: Buffer): Block {
  const sum = checksum(block)
  if (sum === 8 * 0x20) return { kind: 'zero' }
  if (sum !== decodeNumber(block, 148, 8)) return { kind: 'bad' }
  let name = decodeString(block, 0, 100)
  if (isUstar(block) && block[345]) name = `${decodeString(block, 345, 155)}/${name}`
  const typeByte = block[156] ?? 0
  return {
    kind: 'header',
    header: {
      name,
      linkname: block[157] === 0 ? '' : decodeString(block, 157, 100),
      size: decodeNumber(block, 124, 12),
      typeflag: typeByte === 0 ? 0 : typeByte - 0x30,
    },
  }
}

export const isMetaType = (typeflag: number): boolean =>
  typeflag === TYPE.pax || typeflag === TYPE.paxGlobal || typeflag === TYPE.gnuLongPath || typeflag === TYPE.gnuLongPathOld || typeflag === TYPE.gnuLongLink

/**
 * tar-stream reads no data for a directory, and takes the type from the type flag alone: a plain
 * file whose stored name ends in '/' keeps its data (GNU tar cuts a long name there, before the
 * long-name header gives the whole one).
 */
export const isDirectoryHeader = (header: TarHeader): boolean => header.typeflag === TYPE.directory

/** PAX records (`<length> key=value\n`), parsed as tar-stream parses them. */
export function decodePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {}
  let rest = data
  while (rest.length) {
    let i = 0
    while (i < rest.length && rest[i] !== 0x20) i++
    const length = parseInt(rest.subarray(0, i).toString('utf8'), 10)
    if (!length) return records
    const record = rest.subarray(i + 1, length - 1).toString('utf8')
    const eq = record.indexOf('=')
    if (eq === -1) return records
    records[record.slice(0, eq)] = record.slice(eq + 1)
    rest = rest.subarray(length)
  }
  return records
}

/** Bytes of padding after `size` bytes of data, up to the next block. */
export const padding = (size: number): number => {
  const over = size % BLOCK
  return over === 0 ? 0 : BLOCK - over
}

/** A file's first block is a tar header: ustar magic, or an old (v7) header whose checksum adds up. */
export function looksLikeTarHeader(head: Buffer): boolean {
  if (head.length < BLOCK) return false
  const block = head.subarray(0, BLOCK)
  const magic = block.subarray(257, 262).toString('latin1')
  // a damaged ustar header is still a tar: reading it reports the damage
  if (magic === 'ustar') return true
  const decoded = decodeBlock(block)
  return decoded.kind === 'header' && decoded.header.name !== ''
}

/** An empty archive: nothing but end-of-archive blocks. */
export const looksLikeEmptyTar = (head: Buffer): boolean => head.length >= BLOCK && head.subarray(0, BLOCK).every((byte) => byte === 0)
