/**
 * @fileoverview Rule hits in a generated configure script whose lines come from an m4 macro file:
 * the macro file (shipped in the release or installed with the autotools) is where such code is
 * written and where it is judged, so the hit in configure is kept as info that names it. A line
 * that no macro file holds keeps its severity.
 */
import { readFileSync } from 'node:fs'
import type { Finding } from '../model/finding.js'
import { M4_DEFINERS } from '../rules/shell/parse.js'
import { installedFiles } from '../util/installed-files.js'

const SYSTEM_ACLOCAL = ['/usr/share/aclocal', '/usr/share/aclocal-1.16', '/usr/share/aclocal-1.17', '/usr/share/aclocal-1.15']
/**
 * A line's tokens: its words of three characters or more, and every word that is nothing but a
 * path's punctuation (`/`, `~/`, `/*`, `"$HOME"/.*` leaves `/.*`). Those carry the whole meaning of
 * a line such as `rm -rf ~/`, which without them a macro file's `rm -rf .tst 2>/dev/null` would hold.
 */
const TOKEN = /[A-Za-z0-9_.-]{3,}|(?<![^\s"'=])[~/][~/*.]*(?![^\s"';|&)])/g

/** An input text's tokens, each with the numbers of the lines it is on, in order; with its lines where they were kept. */
export type TokenLines = ReadonlyMap<string, readonly number[]> & { readonly lines?: readonly string[] }
/** Inputs by path, in the order they are searched for a finding's lines. */
export type MacroTexts = Iterable<readonly [string, TokenLines]>

const tokensOf = (text: string): Set<string> => new Set(text.match(TOKEN) ?? [])
/** libtool expands `_LT_TAGVAR(name, $1)` to `name_CXX`, `name_F77`…: the macro file has `name` */
const untagged = (token: string): string => token.replace(/_(?:CXX|F77|FC|GO|GCJ|RC)$/, '')
/** share of a line's tokens a macro file must hold: expansion renames a few (quoting, tags) */
const HELD = 0.9
/**
 * Lines of the input the tokens must stand within: expansion keeps a macro's lines together, and
 * a large macro file holds almost any few words somewhere (`. "$srcdir/README" 2>/dev/null` is
 * not in a file that mentions README in a comment and /dev/null in a command far below).
 */
const WINDOW = 5

export function tokenLines(text: string): Map<string, number[]> & { readonly lines: readonly string[] } {
  const lines = text.split('\n')
  const out = Object.assign(new Map<string, number[]>(), { lines })
  lines.forEach((line, n) => {
    for (const token of line.match(TOKEN) ?? []) {
      const at = out.get(token)
      if (at === undefined) out.set(token, [n])
      else if (at[at.length - 1] !== n) at.push(n)
    }
  })
  return out
}

/** Do nearly all of `tokens` (a share of HELD) stand within WINDOW consecutive lines of the input? */
function heldTogether(tokens: readonly string[], input: TokenLines): boolean {
  const need = HELD * tokens.length
  const events: (readonly [line: number, token: number])[] = []
  tokens.forEach((t, i) => {
    for (const form of t === untagged(t) ? [t] : [t, untagged(t)]) for (const line of input.get(form) ?? []) events.push([line, i])
  })
  if (new Set(events.map(([, i]) => i)).size < need) return false
  events.sort((a, b) => a[0] - b[0])
  // a window slides over the lines: how many of the tokens it holds, each counted once
  const counts = new Map<number, number>()
  let first = 0
  for (const [line, i] of events) {
    counts.set(i, (counts.get(i) ?? 0) + 1)
    for (let e = events[first]; e && e[0] <= line - WINDOW; e = events[++first]) {
      const left = (counts.get(e[1]) ?? 1) - 1
      if (left === 0) counts.delete(e[1])
      else counts.set(e[1], left)
    }
    if (counts.size >= need) return true
  }
  return false
}

/**
 * Texts tokenised on first use, in order. A hit is nearly always held by a file searched early
 * (the release's own m4): the system's hundreds of installed macro files are read only for a line
 * that none before them holds, and then once.
 */
class LazyTokenLines implements Iterable<readonly [string, TokenLines]> {
  readonly #sources: readonly (readonly [string, () => string])[]
  readonly #tokens: (TokenLines | undefined)[] = []

  constructor(sources: readonly (readonly [string, () => string])[]) {
    this.#sources = sources
  }

  *[Symbol.iterator](): Iterator<readonly [string, TokenLines]> {
    for (const [i, [path, read]] of this.#sources.entries()) yield [path, (this.#tokens[i] ??= tokenLines(read()))]
  }
}

const textOrEmpty = (path: string): string => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** The tokens of the given m4 texts, then of the system's installed macros. */
export function macroTexts(shipped: ReadonlyMap<string, string>): MacroTexts {
  const sources: (readonly [string, () => string])[] = [...shipped].map(([path, text]) => [path, () => text] as const)
  for (const path of installedFiles(SYSTEM_ACLOCAL, '.m4')) sources.push([path, () => textOrEmpty(path)])
  return new LazyTokenLines(sources)
}

/** Evidence lines as rules write them: `123: code` */
const evidenceLines = (evidence: string): string[] =>
  evidence
    .split('\n')
    .map((l) => l.replace(/^\s*\d+:\s?/, '').trim())
    .filter((l) => l !== '')

/** The macro file that holds (nearly) every token of each evidence line of the finding together, if one does. */
export function inheritedFrom(finding: Finding, macros: MacroTexts): string | undefined {
  if (!finding.evidence) return undefined
  const lines = evidenceLines(finding.evidence)
  if (lines.length === 0) return undefined
  let source: string | undefined
  for (const line of lines) {
    const tokens = [...tokensOf(line)]
    if (tokens.length === 0) continue
    let holder: string | undefined
    for (const [path, input] of macros) {
      if (!heldTogether(tokens, input)) continue
      holder = path
      break
    }
    holder ??= heldThroughCall(tokens, macros)
    if (holder === undefined) return undefined
    source ??= holder
  }
  return source
}

/** the names autoconf's shell layer gives its own functions and variables, and the printf of its logging */
const AUTOCONF_OWN = /^(?:(?:as|ac)_[a-z_]+|LINENO|printf)[-.]*$/
/** `AC_DEFUN([NAME],`, `m4_define([NAME],`…: where a macro's definition starts, and its name */
const DEFINITION = new RegExp(String.raw`^\s*(?:${M4_DEFINERS})\(\[?([A-Za-z_][A-Za-z0-9_]*)`)
/** the most lines a macro's body is read to, and lines of one input tried as the place it is called */
const MAX_BODY_LINES = 400
const MAX_CALL_LINES = 64

/**
 * A line autoconf wrote by expanding a macro called with arguments: no input holds it, since the
 * macro's body gives some of its words and the call's arguments the others (libmicrohttpd's
 * `AX_APPEND_FLAG([-D_FORTIFY_SOURCE=0], [san_CFLAGS])` of configure.ac gives
 * `as_fn_append san_CFLAGS " -D_FORTIFY_SOURCE=0"` through the body in ax_append_flag.m4). Held
 * when nearly every token (autoconf's own names aside) stands either within WINDOW lines of a call
 * of a macro some input defines (a call in the project's own texts) or in that macro's definition; the
 * input of the call is named.
 */
function heldThroughCall(tokens: readonly string[], macros: MacroTexts): string | undefined {
  const inputs = [...macros]
  const bodies = new Map<string, { path: string; tokens: ReadonlySet<string> } | null>()
  const bodyOf = (name: string) => {
    if (bodies.has(name)) return bodies.get(name) ?? undefined
    let found: { path: string; tokens: Set<string> } | undefined
    for (const [path, input] of inputs) {
      const lines = input.lines ?? []
      for (const at of input.get(name) ?? []) {
        if (DEFINITION.exec(lines[at] ?? '')?.[1] !== name) continue
        const body = new Set<string>()
        for (let i = at; i < Math.min(lines.length, at + MAX_BODY_LINES); i++) {
          if (i > at && DEFINITION.test(lines[i] ?? '')) break
          for (const t of (lines[i] ?? '').match(TOKEN) ?? []) body.add(t)
        }
        found = { path, tokens: body }
        break
      }
      if (found) break
    }
    bodies.set(name, found ?? null)
    return found
  }
  // autoconf's own layer writes these around what a macro says (`as_fn_append` for AS_VAR_APPEND, `$as_me` and `$LINENO` of AC_RUN_LOG): no input's
  const meaningful = tokens.filter((t) => !AUTOCONF_OWN.test(t))
  if (meaningful.length === 0) return undefined
  const need = HELD * meaningful.length
  const has = (set: ReadonlySet<string>, t: string) => set.has(t) || set.has(untagged(t))
  // the calls are the project's (configure.ac, its own macros); a definition may be anywhere, the system's macros included
  for (const [path, input] of inputs) {
    if (path.startsWith('/')) continue
    const lines = input.lines ?? []
    if (lines.length === 0) continue
    // the lines that hold most of the tokens first: a common word (`for`, `flag`) is on hundreds
    const held = new Map<number, number>()
    for (const t of new Set(meaningful)) for (const line of input.get(t) ?? []) held.set(line, (held.get(line) ?? 0) + 1)
    const calls = [...held].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, MAX_CALL_LINES).map(([line]) => line)
    for (const at of calls) {
      const window = new Set<string>()
      for (let i = Math.max(0, at - WINDOW + 1); i < Math.min(lines.length, at + WINDOW); i++) for (const t of (lines[i] ?? '').match(TOKEN) ?? []) window.add(t)
      for (const name of window) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue
        const body = bodyOf(name)
        if (!body) continue
        const covered = meaningful.filter((t) => has(window, t) || has(body.tokens, t)).length
        if (covered >= need) return `${path}, by its call of ${name} (defined in ${body.path})`
      }
    }
  }
  return undefined
}

/** The tokens of texts by path, for `attributeToInputs`. */
export const inputTexts = (texts: ReadonlyMap<string, string>): MacroTexts => new Map([...texts].map(([path, text]) => [path, tokenLines(text)]))

/**
 * Rule hits of generated files (a configure script, a Makefile.in), turned into info where an input
 * the file was generated from (an m4 macro, the tag's Makefile.am) holds their lines: that input is
 * where the code is written and where it is judged. A medium hit on a line no input holds is
 * high: code a rule finds suspect that nothing the file was generated from writes was put there
 * after the generator ran (on the real releases measured, every medium hit in a generated file came
 * from its inputs).
 */
export function attributeToInputs(findings: readonly Finding[], inputsOf: (path: string) => MacroTexts | undefined): Finding[] {
  return findings.map((f) => {
    if (f.ruleId.startsWith('verify/') || !f.path) return f
    const inputs = inputsOf(f.path)
    if (inputs === undefined) return f
    const from = inheritedFrom(f, inputs)
    if (from) return { ...f, severity: 'info', message: `${f.message} (written in ${from}, which is judged on its own)` }
    if (f.severity !== 'medium') return f
    const names = Array.from(inputs, ([path]) => path)
    return { ...f, severity: 'high', message: `${f.message}; no input of this generated file (${names.slice(0, 3).join(', ') || 'none shipped'}${names.length > 3 ? ', …' : ''}) holds the line` }
  })
}
