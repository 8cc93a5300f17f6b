/**
 * @fileoverview Rule hits in a generated configure script whose lines come from an m4 macro file:
 * the macro file (shipped in the release or installed with the autotools) is where such code is
 * written and where it is judged, so the hit in configure is kept as info that names it. A line
 * that no macro file holds keeps its severity.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Finding } from '../model/finding.js'

const SYSTEM_ACLOCAL = ['/usr/share/aclocal', '/usr/share/aclocal-1.16', '/usr/share/aclocal-1.17', '/usr/share/aclocal-1.15']
const TOKEN = /[A-Za-z0-9_.-]{3,}/g

export type MacroTexts = ReadonlyMap<string, ReadonlySet<string>>

const tokensOf = (text: string): Set<string> => new Set(text.match(TOKEN) ?? [])
/** libtool expands `_LT_TAGVAR(name, $1)` to `name_CXX`, `name_F77`…: the macro file has `name` */
const untagged = (token: string): string => token.replace(/_(?:CXX|F77|FC|GO|GCJ|RC)$/, '')
/** share of a line's tokens a macro file must hold: expansion renames a few (quoting, tags) */
const HELD = 0.9

/** Token sets of the given m4 texts plus the system's installed macros. */
export async function macroTexts(shipped: ReadonlyMap<string, string>): Promise<MacroTexts> {
  const out = new Map<string, Set<string>>()
  for (const [path, text] of shipped) out.set(path, tokensOf(text))
  for (const dir of SYSTEM_ACLOCAL) {
    const names = await readdir(dir).catch(() => [] as string[])
    for (const name of names.filter((n) => n.endsWith('.m4'))) {
      const text = await readFile(join(dir, name), 'utf8').catch(() => '')
      if (text) out.set(join(dir, name), tokensOf(text))
    }
  }
  return out
}

/** Evidence lines as rules write them: `123: code` */
const evidenceLines = (evidence: string): string[] =>
  evidence
    .split('\n')
    .map((l) => l.replace(/^\s*\d+:\s?/, '').trim())
    .filter((l) => l !== '')

/** The macro file that holds every token of every evidence line of the finding, if one does. */
export function inheritedFrom(finding: Finding, macros: MacroTexts): string | undefined {
  if (!finding.evidence) return undefined
  const lines = evidenceLines(finding.evidence)
  if (lines.length === 0) return undefined
  let source: string | undefined
  for (const line of lines) {
    const tokens = [...tokensOf(line)]
    if (tokens.length === 0) continue
    const holder = [...macros].find(([, set]) => tokens.filter((t) => set.has(t) || set.has(untagged(t))).length >= HELD * tokens.length)
    if (!holder) return undefined
    source ??= holder[0]
  }
  return source
}

/** Token sets of texts by path, for `attributeToInputs`. */
export const inputTexts = (texts: ReadonlyMap<string, string>): MacroTexts => new Map([...texts].map(([path, text]) => [path, tokensOf(text)]))

/**
 * Rule hits of generated files (a configure script, a Makefile.in), turned into info where an input
 * the file was generated from (an m4 macro, the tag's Makefile.am) holds their lines: that input is
 * where the code is written and where it is judged.
 */
export function attributeToInputs(findings: readonly Finding[], inputsOf: (path: string) => MacroTexts | undefined): Finding[] {
  return findings.map((f) => {
    if (f.ruleId.startsWith('verify/') || !f.path) return f
    const inputs = inputsOf(f.path)
    const from = inputs && inheritedFrom(f, inputs)
    return from ? { ...f, severity: 'info', message: `${f.message} (written in ${from}, which is judged on its own)` } : f
  })
}
