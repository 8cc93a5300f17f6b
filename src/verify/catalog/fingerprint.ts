import { createHash } from 'node:crypto'

/**
 * Fingerprints of vendored autotools files, computed exactly as the bundled catalog computed them
 * (data/README.md): the full SHA-256, a "loose" SHA-256 that ignores header lines, the `serial`
 * of an m4 file and the version stamp of a helper script.
 *
 * Text is handled as latin1 so that one character is one byte: the rules are about bytes, and a
 * file with invalid UTF-8 must hash the same as it did when the catalog was built.
 */

export const sha256Hex = (buf: Uint8Array): string => createHash('sha256').update(buf).digest('hex')

/** One line with its terminator (LF, CRLF or CR); the last line may have none. */
const LINE = /[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g
const COPYRIGHT = /copyright/i
const YEAR = /(?:19|20)[0-9]{2}/
const STAMP_LINE = /^(?:scriptversion=|timestamp=|\\def\\texinfoversion\{)/
const BLANK = /^[ \t\n\r\f\v]*$/
const FSF = 'Free Software Foundation, Inc.'

const isWhitespace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d)
/** Characters a comment prefix may start with: whitespace, `#`, `;`, `*`, `/`, `-` and the letters of `dnl`. */
const isLeader = (c: number): boolean =>
  isWhitespace(c) || c === 0x23 || c === 0x3b || c === 0x2a || c === 0x2f || c === 0x2d || c === 0x64 || c === 0x6e || c === 0x6c
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39

/** Length of a year 19xx/20xx at `i`, or 0. */
function yearAt(s: string, i: number): number {
  const a = s.charCodeAt(i)
  const b = s.charCodeAt(i + 1)
  const century = (a === 0x31 && b === 0x39) || (a === 0x32 && b === 0x30)
  return century && isDigit(s.charCodeAt(i + 2)) && isDigit(s.charCodeAt(i + 3)) && !isDigit(s.charCodeAt(i + 4)) ? 4 : 0
}

/** Length of a year or a year range (`2001-2005`, `2001 - 2005`) at `i`, or 0. */
function yearOrRangeAt(s: string, i: number): number {
  const first = yearAt(s, i)
  if (first === 0) return 0
  let j = i + first
  while (s.charCodeAt(j) === 0x20 || s.charCodeAt(j) === 0x09) j++
  if (s.charCodeAt(j) !== 0x2d) return first
  j++
  while (s.charCodeAt(j) === 0x20 || s.charCodeAt(j) === 0x09) j++
  const second = yearAt(s, j)
  return second === 0 ? first : j + second - i
}

/**
 * A copyright continuation line: after a comment prefix, only years or year ranges separated by
 * commas or whitespace, optionally followed by "Free Software Foundation, Inc.". Scanned by hand,
 * in linear time, because the equivalent regular expression backtracks badly on long lines.
 */
export function isCopyrightContinuation(line: string): boolean {
  let i = 0
  while (i < line.length && isLeader(line.charCodeAt(i))) i++
  let n = yearOrRangeAt(line, i)
  if (n === 0) return false
  i += n
  for (;;) {
    let j = i
    while (j < line.length && (isWhitespace(line.charCodeAt(j)) || line.charCodeAt(j) === 0x2c)) j++
    n = j > i ? yearOrRangeAt(line, j) : 0
    if (n === 0) {
      i = j
      break
    }
    i = j + n
  }
  if (line.startsWith(FSF, i)) i += FSF.length
  while (i < line.length && isWhitespace(line.charCodeAt(i))) i++
  return i === line.length
}

/** Lines the loose hash ignores besides the first serial line. */
function isHeaderLine(line: string): boolean {
  return (
    (COPYRIGHT.test(line) && YEAR.test(line)) ||
    isCopyrightContinuation(line) ||
    STAMP_LINE.test(line) ||
    line.includes('SPDX-License-Identifier') ||
    BLANK.test(line)
  )
}

/**
 * SHA-256 of the content without its serial line, copyright lines, version stamps, SPDX tags and
 * blank lines. Two files with the same loose hash differ only in those header lines.
 */
export function looseHash(buf: Buffer): string {
  const text = buf.toString('latin1')
  const hash = createHash('sha256')
  let serialDropped = false
  LINE.lastIndex = 0
  for (let m = LINE.exec(text); m !== null && m[0] !== ''; m = LINE.exec(text)) {
    const line = m[0]
    if (!serialDropped && line.includes('serial')) {
      serialDropped = true
      continue
    }
    if (isHeaderLine(line)) continue
    hash.update(buf.subarray(m.index, m.index + line.length))
  }
  return hash.digest('hex')
}

const SERIAL = /^[ \t]*(#+|dnl)[^\n]*?\bserial[ \t]+(\d+(\.\d+)*)/
const MAX_STAMP = 64

/** The `serial` of an m4 file (`# serial 30`, `dnl serial 11 (pkg-config-0.29)`), from its first serial line. */
export function parseSerial(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = SERIAL.exec(line)
    if (m?.[2] !== undefined) return m[2]
  }
  return undefined
}

const firstValue = (lines: readonly string[], prefix: string): string | undefined => {
  const line = lines.find((l) => l.startsWith(prefix))
  return line === undefined ? undefined : line.slice(prefix.length)
}

/** `2018-03-07.03; # UTC` → `2018-03-07.03`; `'2022-01-09'` → `2022-01-09`. A trailing CR is kept, as the catalog keeps it. */
const assignedValue = (raw: string): string => raw.replace(/[;# \t].*$/s, '').replace(/^['"]|['"]$/g, '').slice(0, MAX_STAMP)

/**
 * The version stamp of a helper script: `scriptversion=`, config.guess/config.sub `timestamp=`,
 * texinfo.tex `\def\texinfoversion{…}`, po/Makefile.in.in `# Origin: gettext-X.Y`, and for
 * `ltmain.*` the `VERSION=` or `package_revision=` assignment, tried in that order.
 */
export function parseStamp(basename: string, text: string): string | undefined {
  const lines = text.split('\n')
  for (const prefix of ['scriptversion=', 'timestamp=']) {
    const value = firstValue(lines, prefix)
    if (value !== undefined) return assignedValue(value)
  }
  const texinfo = /\\def\\texinfoversion\{([^}\n]*)\}/.exec(text)
  if (texinfo?.[1] !== undefined) return texinfo[1].slice(0, MAX_STAMP)
  for (const line of lines) {
    const origin = /^# Origin: (gettext-[0-9][0-9.]*)/.exec(line)
    if (origin?.[1] !== undefined) return origin[1].slice(0, MAX_STAMP)
  }
  if (basename.startsWith('ltmain.')) {
    const value = firstValue(lines, 'VERSION=') ?? firstValue(lines, 'package_revision=')
    if (value !== undefined) return assignedValue(value)
  }
  return undefined
}

/** All fingerprints of one file's bytes. */
export interface Fingerprint {
  readonly sha256: string
  readonly looseSha256: string
  readonly serial?: string
  readonly stamp?: string
  readonly size: number
}

export function fingerprint(basename: string, buf: Buffer): Fingerprint {
  const text = buf.toString('latin1')
  const serial = parseSerial(text)
  const stamp = parseStamp(basename, text)
  return {
    sha256: sha256Hex(buf),
    looseSha256: looseHash(buf),
    size: buf.length,
    ...(serial !== undefined ? { serial } : {}),
    ...(stamp !== undefined ? { stamp } : {}),
  }
}
