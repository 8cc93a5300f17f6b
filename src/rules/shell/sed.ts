/** @fileoverview Reading a sed invocation: its scripts, and whether they do anything at all. */
import type { Word } from './ast.js'

export interface SedInvocation {
  readonly quiet: boolean
  readonly inPlace: boolean
  /** undefined when a script comes from a file (`-f`): it cannot be judged */
  readonly scripts: readonly string[] | undefined
  readonly files: readonly string[]
  /** a script word whose quote never closed: its real text spans lines we did not join */
  readonly unterminated: boolean
}

/** Options and scripts of `sed ARGS`, GNU-style. */
export function sedInvocation(args: readonly Word[]): SedInvocation {
  let quiet = false
  let inPlace = false
  let fromFile = false
  let unterminated = false
  const scripts: string[] = []
  const rest: Word[] = []
  // a script we cannot read (missing, or built from a variable) is never judged a no-op
  const take = (w: Word | undefined): string => {
    if (!w || w.unterminated || (w.text === '' && !w.quoted) || (/\$[\w{(]/.test(w.text) && !w.raw.startsWith("'"))) unterminated = true
    return w?.text ?? ''
  }
  for (let i = 0; i < args.length; i++) {
    const w = args[i]
    if (!w) continue
    const a = w.text
    if (a === '--') {
      rest.push(...args.slice(i + 1))
      break
    }
    if (a === '--quiet' || a === '--silent') quiet = true
    else if (a.startsWith('--expression=')) scripts.push(a.slice(13))
    else if (a === '--expression') scripts.push(take(args[++i]))
    else if (a.startsWith('--file') || a === '-f') {
      fromFile = true
      if (a === '-f' || a === '--file') i++
    } else if (a.startsWith('--in-place')) inPlace = true
    else if (a.startsWith('--')) continue
    else if (/^-[A-Za-z]/.test(a)) {
      const flags = a.slice(1)
      for (let k = 0; k < flags.length; k++) {
        const f = flags[k]
        if (f === 'n') quiet = true
        else if (f === 'i') {
          inPlace = true
          break
        } else if (f === 'e' || f === 'f') {
          const inline = flags.slice(k + 1)
          const value = inline !== '' ? inline : take(args[++i])
          if (f === 'e') scripts.push(value)
          else fromFile = true
          break
        } else if (f === 'l') {
          if (k === flags.length - 1) i++
          break
        }
      }
    } else rest.push(w)
  }
  if (scripts.length === 0 && !fromFile) {
    const first = rest.shift()
    if (first) scripts.push(take(first))
  }
  return { quiet, inPlace, scripts: fromFile ? undefined : scripts, files: rest.map((w) => w.text), unterminated }
}

/** One layer of quotes left over from an `eval` of escaped quotes: `\"r\n\"` reaches sed as `"rn"`. */
const unwrap = (script: string): string => /^(["'])(.*)\1$/s.exec(script.trim())?.[2] ?? script

/** An `r` file name that reads nothing: empty, `n` or `\n` left over from escaping, or /dev/null. */
const EMPTY_READ = /^(?:\s*|\\?n|\/dev\/null|["']{1,2})$/

/**
 * A sed that copies its input unchanged: `sed ''`, `sed -n p`, `sed 'r\n'`, `sed 's/^//'`.
 * @example isNoOpSed(sedInvocation(words('-n', 'p'))) // true
 */
export function isNoOpSed(inv: SedInvocation): boolean {
  if (inv.inPlace || inv.unterminated || inv.scripts === undefined || inv.scripts.length === 0) return false
  let printsAll = false
  for (const raw of inv.scripts) {
    const verdict = scriptVerdict(unwrap(raw), inv.quiet)
    if (verdict === 'changes') return false
    if (verdict === 'prints-all') printsAll = true
  }
  return inv.quiet ? printsAll : true
}

type Verdict = 'nothing' | 'prints-all' | 'changes'

function scriptVerdict(script: string, quiet: boolean): Verdict {
  let verdict: Verdict = 'nothing'
  let i = 0
  const n = script.length
  for (let guard = 0; guard < 1000 && i < n; guard++) {
    while (i < n && /[\s;{}]/.test(script[i] ?? '')) i++
    if (i >= n) break
    if (script[i] === '#') {
      i = lineEnd(script, i)
      continue
    }
    const addr = readAddress(script, i)
    if (addr === undefined) return 'changes'
    i = addr.end
    while (i < n && /\s/.test(script[i] ?? '')) i++
    const cmd = script[i] ?? ''
    i++
    const everyLine = !addr.present || addr.everyLine
    if (cmd === 'p') {
      if (!quiet || !everyLine) return 'changes'
      verdict = 'prints-all'
    } else if (cmd === 'r' || cmd === 'R') {
      const end = lineEnd(script, i)
      const file = script.slice(i, end).trim()
      i = end
      if (addr.present || !EMPTY_READ.test(file)) return 'changes'
    } else if (cmd === 's') {
      const s = readSubstitution(script, i)
      if (!s || !isIdentitySubstitution(s.pattern, s.replacement, s.flags)) return 'changes'
      i = s.end
    } else if (cmd === ':') {
      i = lineEnd(script, i)
    } else if (cmd === 'b' || cmd === 't' || cmd === 'T') {
      while (i < n && !/[;\n}]/.test(script[i] ?? '')) i++
    } else if (cmd === 'n') {
      if (quiet) return 'changes'
    } else return 'changes'
  }
  return verdict
}

const lineEnd = (s: string, from: number): number => {
  const k = s.indexOf('\n', from)
  return k < 0 ? s.length : k
}

function readAddress(s: string, from: number): { end: number; present: boolean; everyLine: boolean } | undefined {
  const one = (at: number): { end: number; text: string } | undefined => {
    const c = s[at]
    if (c === undefined) return undefined
    if (/\d/.test(c)) {
      let k = at
      while (/\d/.test(s[k] ?? '')) k++
      return { end: k, text: s.slice(at, k) }
    }
    if (c === '$') return { end: at + 1, text: '$' }
    if (c === '/' || c === '\\') {
      const delim = c === '\\' ? s[at + 1] : '/'
      if (delim === undefined) return undefined
      let k = c === '\\' ? at + 2 : at + 1
      while (k < s.length && s[k] !== delim) k += s[k] === '\\' ? 2 : 1
      let end = k + 1
      while (/[IM]/.test(s[end] ?? '')) end++
      return { end, text: s.slice(at, k + 1) }
    }
    return undefined
  }
  const first = one(from)
  if (!first) return { end: from, present: false, everyLine: true }
  let end = first.end
  let text = first.text
  if (s[end] === ',') {
    const second = one(end + 1)
    if (!second) return undefined
    end = second.end
    text += `,${second.text}`
  }
  const negated = s[end] === '!'
  if (negated) end++
  const everyLine = !negated && ['1,$', '/^/', '/.*/', '/$/', '/^.*$/', '/^/,$', '/.*/,$'].includes(text)
  return { end, present: true, everyLine }
}

function readSubstitution(s: string, from: number): { pattern: string; replacement: string; flags: string; end: number } | undefined {
  const delim = s[from]
  if (delim === undefined || delim === '\n' || delim === '\\') return undefined
  const parts: string[] = []
  let k = from + 1
  for (let part = 0; part < 2; part++) {
    let text = ''
    while (k < s.length && s[k] !== delim) {
      if (s[k] === '\\' && k + 1 < s.length) {
        text += s.slice(k, k + 2)
        k += 2
      } else text += s[k++]
    }
    if (k >= s.length) return undefined
    parts.push(text)
    k++
  }
  let flagsEnd = k
  while (flagsEnd < s.length && /[gpIiMme0-9]/.test(s[flagsEnd] ?? '')) flagsEnd++
  return { pattern: parts[0] ?? '', replacement: parts[1] ?? '', flags: s.slice(k, flagsEnd), end: flagsEnd }
}

function isIdentitySubstitution(pattern: string, replacement: string, flags: string): boolean {
  if (/[pwe]/.test(flags)) return false
  if ((pattern === '^' || pattern === '$') && replacement === '') return true
  if (/^\^?(?:\.\*|\\\(\.\*\\\)|\(\.\*\))\$?$/.test(pattern) && (replacement === '&' || replacement === '\\1')) return true
  return pattern === replacement && pattern !== '' && !/[.[\]*^$\\+?(){}|&]/.test(pattern)
}

/** `y/abc/bca/` commands of a script, as character lists. */
export function sedTransliterations(script: string): { from: string[]; to: string[] }[] {
  const out: { from: string[]; to: string[] }[] = []
  const s = unwrap(script)
  for (let i = s.indexOf('y'); i >= 0 && out.length < 32; i = s.indexOf('y', i + 1)) {
    // y starts a command: at the start, after ; { } or a newline, or after an address (the blanks
    // before it skipped by hand: `\s+$` on everything before it backtracked over a long run of blanks)
    let j = i - 1
    while (j >= 0 && /\s/.test(s[j] ?? '')) j--
    if (j >= 0 && !/[;{}\n\d$/]/.test(s[j] ?? '')) continue
    const delim = s[i + 1]
    if (delim === undefined || /[\s\\\w]/.test(delim)) continue
    const parts: string[][] = []
    let k = i + 2
    for (let part = 0; part < 2 && k <= s.length; part++) {
      const chars: string[] = []
      while (k < s.length && s[k] !== delim) {
        if (s[k] === '\\' && k + 1 < s.length) {
          const e = s[k + 1] ?? ''
          chars.push(e === 'n' ? '\n' : e === 't' ? '\t' : e)
          k += 2
        } else chars.push(s[k++] ?? '')
      }
      parts.push(chars)
      k++
    }
    const [from, to] = parts
    if (from && to && from.length === to.length && from.length > 0) out.push({ from, to })
  }
  return out
}
