/**
 * @fileoverview Replays the `s` commands of a project's own sed on a file of the tag, as GNU sed
 * would, without running anything: basic (or extended) regular expressions translated to
 * JavaScript, replacements with `&` and `\1`, line by line. A replacement may hold a value the
 * shell substitutes (`${VERSION}`): it becomes a slot the result leaves open, matched later against
 * the values the script can give it.
 */
import { escapeRegExp } from '../../util/regexp.js'

/** A part of a replacement: literal text, a group of the match (0 for `&`), or a slot the shell fills. */
export type ReplacementPart = { readonly text: string } | { readonly group: number } | { readonly slot: number }

export interface SedSubstitution {
  readonly pattern: RegExp
  readonly replacement: readonly ReplacementPart[]
}

/** In the text a replay writes, where a slot stands (never in real text: it holds a NUL). */
const SLOT = /\u0000(\d+)\u0000/g
export const slotMark = (slot: number): string => `\u0000${slot}\u0000`

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
}

/** A bracket expression from `[` at `i`: its JavaScript form and the index after it; undefined when not closed. */
function bracketToJs(re: string, i: number): { js: string; end: number } | undefined {
  let j = i + 1
  let out = '['
  if (re[j] === '^') {
    out += '^'
    j++
  }
  // a `]` first in the list is a member, not the end
  if (re[j] === ']') {
    out += '\\]'
    j++
  }
  for (; j < re.length; j++) {
    const c = re[j] ?? ''
    if (c === ']') return { js: `${out}]`, end: j + 1 }
    if (c === '[' && re[j + 1] === ':') {
      const close = re.indexOf(':]', j + 2)
      const members = close < 0 ? undefined : POSIX_CLASSES[re.slice(j + 2, close)]
      if (members === undefined) return undefined
      out += members
      j = close + 1
      continue
    }
    // a backslash in a bracket expression is itself, not an escape
    out += c === '\\' || c === '[' ? `\\${c}` : c
  }
  return undefined
}

/**
 * A POSIX regular expression (GNU flavour) as a JavaScript one: in a basic one `\(`, `\{`, `\|`,
 * `\+`, `\?` are the operators and the bare characters literal; `^` and `$` anchor only at the ends;
 * bracket expressions keep backslashes literal and know the `[:alpha:]` classes.
 * Undefined for what does not translate (an unclosed bracket, an unknown class).
 */
export function posixToJs(re: string, extended = false): string | undefined {
  let out = ''
  for (let i = 0; i < re.length; i++) {
    const c = re[i] ?? ''
    if (c === '\\' && i + 1 < re.length) {
      const n = re[++i] ?? ''
      if (n === '<' || n === '>') out += '\\b'
      else if (!extended && '(){}|+?'.includes(n)) out += n
      else if (/[ntwWsSbB.*[\]^$\\/\d]/.test(n) || '(){}|+?'.includes(n)) out += `\\${n}`
      else out += escapeRegExp(n)
      continue
    }
    if (c === '[') {
      const bracket = bracketToJs(re, i)
      if (!bracket) return undefined
      out += bracket.js
      i = bracket.end - 1
      continue
    }
    if (c === '^') out += i === 0 || (!extended && re.slice(i - 2, i) === '\\(') || (extended && '(|'.includes(re[i - 1] ?? '')) ? '^' : '\\^'
    else if (c === '$') out += i === re.length - 1 || (!extended && re.slice(i + 1, i + 3) === '\\)') || (extended && ')|'.includes(re[i + 1] ?? '')) ? '$' : '\\$'
    else if (!extended && '(){}|+?'.includes(c)) out += `\\${c}`
    else if (c === ']' || c === '/') out += `\\${c}`
    else out += c
  }
  return out
}

/** The parts of a sed replacement: `&`, `\1`…`\9`, `\n`, escaped characters; slots marked by {@link slotMark}. */
function replacementParts(replacement: string): ReplacementPart[] | undefined {
  const parts: ReplacementPart[] = []
  let text = ''
  const flush = () => {
    if (text) parts.push({ text })
    text = ''
  }
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i] ?? ''
    if (c === '\u0000') {
      const close = replacement.indexOf('\u0000', i + 1)
      if (close < 0) return undefined
      flush()
      parts.push({ slot: Number(replacement.slice(i + 1, close)) })
      i = close
    } else if (c === '&') {
      flush()
      parts.push({ group: 0 })
    } else if (c === '\\' && i + 1 < replacement.length) {
      const n = replacement[++i] ?? ''
      if (/[1-9]/.test(n)) {
        flush()
        parts.push({ group: Number(n) })
      } else if (n === 'n') text += '\n'
      else if (n === 't') text += '\t'
      else if (/[LUluE]/.test(n)) return undefined // GNU case conversion: not replayed
      else text += n
    } else text += c
  }
  flush()
  return parts
}

/** `(a*)*`, `(x+y)+`: a repeated group that repeats inside, which can make matching take exponential time; such a sed is not replayed */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[*+}]|\\[1-9])(?:[^()\\]|\\.)*\)[*+{?]/

/** Lines longer than this are left as they are (not matched by any pattern), so a hostile template cannot make a pattern run long. */
const MAX_REPLAYED_LINE = 16_384

/** Reads up to the unescaped delimiter `d` from `i`; the text (escaped delimiters unescaped) and the index of the delimiter. */
function readPart(script: string, i: number, d: string): { text: string; end: number } | undefined {
  let text = ''
  for (let j = i; j < script.length; j++) {
    const c = script[j] ?? ''
    if (c === '\\' && j + 1 < script.length) {
      const n = script[j + 1] ?? ''
      text += n === d ? d : `\\${n}`
      j++
    } else if (c === d) return { text, end: j }
    else if (c === '\n') return undefined
    else text += c
  }
  return undefined
}

/** the address from the first line to the last, which sed's commands take as no address at all */
const EVERY_LINE = /1\s*,\s*\$\s*/y

/**
 * The `s` commands of a sed script (`s/a/b/g; s|^x|y|`); undefined when it holds anything else
 * (an address other than `1,$`, `d`, `y`, `p`, an empty pattern, a slot in a pattern) or a pattern that does not translate.
 * @example parseSedScript('s/@VERSION@/1.2/g')?.length // 1
 */
export function parseSedScript(script: string, extended = false): SedSubstitution[] | undefined {
  const out: SedSubstitution[] = []
  let i = 0
  for (;;) {
    while (i < script.length && /[\s;]/.test(script[i] ?? '')) i++
    if (i >= script.length) return out.length > 0 ? out : undefined
    // `1,$s/…/…/`: an address that selects every line is no address; any other is not replayed
    EVERY_LINE.lastIndex = i
    if (EVERY_LINE.test(script)) i = EVERY_LINE.lastIndex
    if (script[i] !== 's' || i + 1 >= script.length) return undefined
    const d = script[i + 1] ?? ''
    if (/[\s\\\n]/.test(d)) return undefined
    const search = readPart(script, i + 2, d)
    if (!search || search.text === '' || search.text.includes('\u0000')) return undefined
    const replacement = readPart(script, search.end + 1, d)
    if (!replacement) return undefined
    const flags = /^[gI0-9]*/.exec(script.slice(replacement.end + 1))?.[0] ?? ''
    // `s/x/y/2`: only the second match; not replayed
    const nth = flags.replace(/[gI]/g, '')
    if (nth !== '' && nth !== '1') return undefined
    i = replacement.end + 1 + flags.length
    if (i < script.length && !/[\s;]/.test(script[i] ?? '')) return undefined
    const js = posixToJs(search.text, extended)
    const parts = replacementParts(replacement.text)
    if (js === undefined || !parts || NESTED_QUANTIFIER.test(js)) return undefined
    let pattern: RegExp
    try {
      // without `g` the pattern replaces the first match of a line only, as sed does
      pattern = new RegExp(js, `${flags.includes('g') ? 'g' : ''}${flags.includes('I') ? 'i' : ''}`)
    } catch {
      return undefined
    }
    // sed refuses a reference to a group the pattern does not have
    const groups = (new RegExp(`${js}|`).exec('')?.length ?? 1) - 1
    if (parts.some((p) => 'group' in p && p.group > groups)) return undefined
    out.push({ pattern, replacement: parts })
  }
}

/** One line through the substitutions, in order, as sed applies its commands to each line. */
function substituteLine(line: string, subs: readonly SedSubstitution[]): string {
  if (line.length > MAX_REPLAYED_LINE) return line
  let out = line
  for (const s of subs) {
    out = out.replace(s.pattern, (...m: unknown[]) => s.replacement.map((p) => ('text' in p ? p.text : 'group' in p ? String(m[p.group] ?? '') : slotMark(p.slot))).join(''))
  }
  return out
}

/** What sed writes for `text`: each line through the substitutions. */
export const applySed = (text: string, subs: readonly SedSubstitution[]): string =>
  text
    .split('\n')
    .map((line) => substituteLine(line, subs))
    .join('\n')

/**
 * A replay with open values is matched by regular expressions, one per line: these bounds keep a
 * hostile template (many values on long lines) from making the matching take forever. Real release
 * scripts put in a version or a date on a few lines.
 */
const MAX_OPEN_LINES = 64
const MAX_SLOTS_PER_LINE = 3
const MAX_OPEN_LINE_CHARS = 2_000

/**
 * Does `written` equal what the replay wrote, where each slot is one of its values (a pattern, as
 * a regular expression source, when the values are not known)? Lines are compared one by one.
 */
export function matchesReplay(replayed: string, written: string, slotPattern: (slot: number) => string): boolean {
  if (!replayed.includes('\u0000')) return replayed === written
  const r = replayed.split('\n')
  const w = written.split('\n')
  if (r.length !== w.length) return false
  let open = 0
  return r.every((line, k) => {
    const other = w[k] ?? ''
    if (!line.includes('\u0000')) return line === other
    const pieces = line.split(SLOT)
    if (++open > MAX_OPEN_LINES || pieces.length > 2 * MAX_SLOTS_PER_LINE + 1 || other.length > MAX_OPEN_LINE_CHARS) return false
    const source = pieces.map((piece, n) => (n % 2 === 0 ? escapeRegExp(piece) : `(?:${slotPattern(Number(piece))})`)).join('')
    return new RegExp(`^${source}$`).test(other)
  })
}
