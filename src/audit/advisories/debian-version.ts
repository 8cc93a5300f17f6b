/**
 * @fileoverview Debian version ordering, exactly as dpkg implements it (`lib/dpkg/version.c`):
 * `[epoch:]upstream[-revision]`, epochs compared as numbers, then upstream and revision with
 * `verrevcmp` — alternating non-digit runs (compared character by character, `~` before the end
 * of the string, the end before letters, letters before every other character) and digit runs
 * (compared as numbers of any length).
 */

export interface DebianVersion {
  /** digits only; `0` when absent */
  readonly epoch: string
  readonly upstream: string
  /** empty when the version has no `-` */
  readonly revision: string
}

/** Splits a version the way dpkg's `parseversion` does: epoch before the first `:`, revision after the last `-`. */
export function parseDebianVersion(version: string): DebianVersion {
  const text = version.trim()
  const colon = text.indexOf(':')
  const epoch = colon >= 0 ? text.slice(0, colon) : '0'
  const rest = colon >= 0 ? text.slice(colon + 1) : text
  const hyphen = rest.lastIndexOf('-')
  return {
    epoch: epoch === '' ? '0' : epoch,
    upstream: hyphen >= 0 ? rest.slice(0, hyphen) : rest,
    revision: hyphen >= 0 ? rest.slice(hyphen + 1) : '',
  }
}

/** Why dpkg would refuse this version, or undefined when it is well formed. */
export function debianVersionProblem(version: string): string | undefined {
  const text = version.trim()
  if (text === '') return 'empty version'
  if (/\s/.test(text)) return 'version contains whitespace'
  const { epoch, upstream, revision } = parseDebianVersion(text)
  if (!/^\d+$/.test(epoch)) return 'epoch is not a number'
  if (Number(epoch) > 2 ** 31 - 1) return 'epoch is too big'
  if (upstream === '') return 'empty upstream version'
  if (!/^\d/.test(upstream)) return 'upstream version does not start with a digit'
  if (/[^A-Za-z0-9.+~:-]/.test(upstream)) return 'invalid character in upstream version'
  if (text.includes('-') && revision === '') return 'empty revision'
  if (/[^A-Za-z0-9.+~]/.test(revision)) return 'invalid character in revision'
  return undefined
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

/** dpkg's `order()`: digits and the end of the string weigh 0, `~` -1, letters their code, anything else its code + 256. */
function order(c: number | undefined): number {
  if (c === undefined || isDigit(c)) return 0
  if (isAlpha(c)) return c
  if (c === 126) return -1 // ~
  return c + 256
}

/** dpkg's `verrevcmp` on one part (upstream or revision). */
function verrevcmp(a: string, b: string): number {
  let i = 0
  let j = 0
  const at = (s: string, k: number): number | undefined => (k < s.length ? s.charCodeAt(k) : undefined)
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(at(a, i))
      const bc = order(at(b, j))
      if (ac !== bc) return ac - bc
      i++
      j++
    }
    while (at(a, i) === 48) i++
    while (at(b, j) === 48) j++
    let firstDiff = 0
    while (i < a.length && j < b.length && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j)
      i++
      j++
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1
    if (firstDiff !== 0) return firstDiff
  }
  return 0
}

/** Compares two epochs given as digit strings of any length. */
function compareEpoch(a: string, b: string): number {
  const x = a.replace(/^0+/, '')
  const y = b.replace(/^0+/, '')
  if (x.length !== y.length) return x.length - y.length
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * Orders two Debian versions as `dpkg --compare-versions` does: negative when `a` sorts before
 * `b`, 0 when they are equal (`1.0` equals `0:1.0` and `1.0-0`), positive otherwise. The result
 * is -1, 0 or 1.
 */
export function compareDebianVersions(a: string, b: string): number {
  const x = parseDebianVersion(a)
  const y = parseDebianVersion(b)
  const result = compareEpoch(x.epoch, y.epoch) || verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision)
  return Math.sign(result)
}
