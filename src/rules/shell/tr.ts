/** @fileoverview `tr` sets as tr reads them, and whether a translation only permutes characters. */

const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const UPPER = LOWER.toUpperCase()
const DIGIT = '0123456789'
const PUNCT = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'
const CLASSES: Readonly<Record<string, string>> = {
  lower: LOWER,
  upper: UPPER,
  digit: DIGIT,
  alpha: LOWER + UPPER,
  alnum: LOWER + UPPER + DIGIT,
  xdigit: DIGIT + 'ABCDEFabcdef',
  space: ' \t\n\r\f\v',
  blank: ' \t',
  punct: PUNCT,
  cntrl: Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\x7f',
  print: Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join(''),
  graph: Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join(''),
}
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' }
/** tr sets of real scripts are short; a bound keeps hostile ranges and repeats cheap */
const MAX_SET = 4096

/**
 * Expands a tr set (escapes, octal, ranges, `[:class:]`, `[=c=]`, `[c*n]`) into characters.
 * `fillTo` is the length SET1 has, for SET2's `[c*]`.
 * @example expandTrSet('a-c\\t') // ['a', 'b', 'c', '\t']
 */
export function expandTrSet(set: string, fillTo = 0): string[] {
  const chars: string[] = []
  let i = 0
  const one = (): string | undefined => {
    const c = set[i]
    if (c === undefined) return undefined
    if (c === '\\' && i + 1 < set.length) {
      const oct = /^[0-7]{1,3}/.exec(set.slice(i + 1, i + 4))
      if (oct) {
        i += 1 + oct[0].length
        return String.fromCharCode(parseInt(oct[0], 8) & 0xff)
      }
      const e = set[i + 1] ?? ''
      i += 2
      return ESCAPES[e] ?? e
    }
    i++
    return c
  }
  let fillAt = -1
  let fillChar = ''
  while (i < set.length && chars.length < MAX_SET) {
    const rest = set.slice(i, i + 16)
    const cls = /^\[:([a-z]+):\]/.exec(rest)
    if (cls && CLASSES[cls[1] ?? ''] !== undefined) {
      chars.push(...(CLASSES[cls[1] ?? ''] ?? ''))
      i += cls[0].length
      continue
    }
    const equiv = /^\[=(.)=\]/s.exec(rest)
    if (equiv) {
      chars.push(equiv[1] ?? '')
      i += equiv[0].length
      continue
    }
    const repeat = /^\[(\\[0-7]{1,3}|\\.|[^\\\]])\*(\d*)\]/s.exec(set.slice(i, i + 24))
    if (repeat) {
      const c = expandTrSet(repeat[1] ?? '')[0] ?? ''
      const countText = repeat[2] ?? ''
      i += repeat[0].length
      if (countText === '' || /^0+$/.test(countText)) {
        fillAt = chars.length
        fillChar = c
      } else {
        const count = Math.min(MAX_SET, countText.startsWith('0') ? parseInt(countText, 8) : parseInt(countText, 10))
        for (let k = 0; k < count && chars.length < MAX_SET; k++) chars.push(c)
      }
      continue
    }
    const c = one()
    if (c === undefined) break
    if (set[i] === '-' && i + 1 < set.length) {
      const save = i
      i++
      const end = one()
      if (end === undefined || end.charCodeAt(0) < c.charCodeAt(0)) {
        i = save
        chars.push(c)
        continue
      }
      for (let code = c.charCodeAt(0); code <= end.charCodeAt(0) && chars.length < MAX_SET; code++) chars.push(String.fromCharCode(code))
    } else chars.push(c)
  }
  if (fillAt >= 0) {
    const missing = Math.max(0, fillTo - chars.length)
    chars.splice(fillAt, 0, ...Array.from({ length: Math.min(missing, MAX_SET) }, () => fillChar))
  }
  return chars
}

export interface Translation {
  /** each character of SET1 and what it becomes (last mapping wins, as in GNU tr) */
  readonly map: ReadonlyMap<string, string>
}

/** What `tr SET1 SET2` does, GNU-style: a short SET2 is padded with its last character. */
export function translation(set1: string, set2: string): Translation | undefined {
  const a = expandTrSet(set1)
  const b = expandTrSet(set2, a.length)
  if (a.length === 0 || b.length === 0) return undefined
  const map = new Map<string, string>()
  a.forEach((c, i) => map.set(c, b[Math.min(i, b.length - 1)] ?? ''))
  return { map }
}

/**
 * A translation that only shuffles characters among themselves (a swap, a rotation, a byte
 * permutation): it undoes an obfuscation rather than doing a text job. Case folding and mapping
 * onto other characters are not permutations.
 * @example isCharacterSwap('A-Za-z', 'N-ZA-Mn-za-m') // true
 */
export function isCharacterSwap(set1: string, set2: string): boolean {
  const t = translation(set1, set2)
  if (!t || t.map.size < 2) return false
  const image = new Set(t.map.values())
  if (image.size !== t.map.size) return false
  for (const c of image) if (!t.map.has(c)) return false
  for (const [from, to] of t.map) if (from !== to) return true
  return false
}
