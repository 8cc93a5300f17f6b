/**
 * @fileoverview Files a bootstrap script of the tag writes with a here-document (`cat >
 * gl/Makefile.am <<EOF` … `EOF` in bootstrap.conf): explained when the shipped file is the
 * document's text, where an unquoted document lets the shell substitute a plain value (a version,
 * a date, a script's name: no quote, bracket or operator that code would need) for each expansion.
 * Generated, not reproduced: the file is still scanned by the rules.
 */
import type { Difference } from '../compare.js'
import { escapeRegExp } from '../../util/regexp.js'
import { VALUE } from './echoed.js'
import { bootstrapScripts, perTree } from './per-tree.js'
import { addedFileText, explained, type Explainer, type Judgement, type TreeView } from './types.js'

/** what gnulib's bootstrap sources before it runs, and has no `#!` line of its own */
const SOURCED_CONFIGURATION = ['bootstrap.conf']

interface HereDocument {
  /** the script and the line the document starts on */
  readonly script: string
  readonly line: number
  readonly target: string
  /** what the shell writes: the whole file as a pattern */
  readonly pattern: RegExp
}

/** `cat > FILE <<EOF`, `cat <<'EOF' >FILE`, `cat >"$srcdir/FILE" <<-EOF`: the document's delimiter and the file it writes */
const DELIMITER = /<<(-?)\s*(['"]?)\\?([A-Za-z_]\w*)\2/
/** one `>` (not `>>`, `2>`, `>&`), then the file */
const TARGET = /(?:^|[^<>&\d])>\s*("?)([^\s"';&|<>]+)\1(?=\s|$)/
const STARTS_CAT = /(?:^|[;&|({]|\b(?:then|do|else))\s*cat(?:\s+-)?\s/

/** Where a target the script names lands in the tag's tree: `./x`, `$srcdir/x` and `${srcdir}/x` are `x`. */
const treePath = (target: string): string | undefined => {
  const path = target.replace(/^(?:\$\{?srcdir\}?\/|\.\/)+/, '')
  return /[$`*?[\]{}~]/.test(path) || path.startsWith('/') || path.split('/').includes('..') ? undefined : path
}

/** The pattern of one line of an unquoted here-document: its expansions stand for plain values. */
function linePattern(line: string): string {
  let out = ''
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? ''
    if (c === '\\' && i + 1 < line.length && '$`\\'.includes(line[i + 1] ?? '')) {
      out += escapeRegExp(line[i + 1] ?? '')
      i++
    } else if (c === '$' && /[\w{(@*#?$!-]/.test(line[i + 1] ?? '')) {
      i = expansionEnd(line, i) - 1
      out += VALUE
    } else if (c === '`') {
      const close = line.indexOf('`', i + 1)
      if (close < 0) return escapeRegExp(line.slice(i)) + '(?!)'
      i = close
      out += VALUE
    } else out += escapeRegExp(c)
  }
  return out
}

/** The index after the expansion at `i` (a `$`): `$name`, `$0`, `${…}`, `$(…)`. */
function expansionEnd(line: string, i: number): number {
  const open = line[i + 1]
  if (open === '{' || open === '(') {
    const close = open === '{' ? '}' : ')'
    let depth = 0
    for (let j = i + 1; j < line.length; j++) {
      if (line[j] === open) depth++
      else if (line[j] === close && --depth === 0) return j + 1
    }
    return line.length
  }
  let j = i + 1
  if (/\w/.test(line[j] ?? '') && !/\d/.test(line[j] ?? '')) while (/\w/.test(line[j] ?? '')) j++
  else j++
  return j
}

/** The here-documents of a script that write a whole file. */
export function hereDocuments(script: string, text: string): HereDocument[] {
  const lines = text.split('\n')
  const out: HereDocument[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (/^\s*#/.test(line) || !STARTS_CAT.test(line)) continue
    const delimiter = DELIMITER.exec(line)
    const target = TARGET.exec(line.replace(DELIMITER, ' '))
    if (!delimiter || !target) continue
    const stripTabs = delimiter[1] === '-'
    const quoted = delimiter[2] !== '' || line.includes(`\\${delimiter[3] ?? ''}`)
    const body: string[] = []
    let end = i + 1
    for (; end < lines.length; end++) {
      const raw = lines[end] ?? ''
      const l = stripTabs ? raw.replace(/^\t+/, '') : raw
      if (l === delimiter[3]) break
      body.push(l)
    }
    const path = treePath(target[2] ?? '')
    if (end < lines.length && path !== undefined) {
      const pattern = body.map((l) => (quoted ? escapeRegExp(l) : linePattern(l))).join('\n')
      out.push({ script, line: i + 1, target: path, pattern: new RegExp(`^${pattern}\n$`) })
    }
    i = end
  }
  return out
}

const documentsOf = perTree(async (view: TreeView): Promise<readonly HereDocument[]> => {
  const scripts = [...(await bootstrapScripts(view))]
  for (const path of SOURCED_CONFIGURATION) {
    const text = scripts.some((s) => s.path === path) ? undefined : await view.sourceText(path)
    if (text !== undefined) scripts.push({ path, text })
  }
  return scripts.flatMap((s) => hereDocuments(s.path, s.text))
})

export function heredocWrittenExplainer(): Explainer {
  return {
    name: 'heredoc-written',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const text = addedFileText(difference, view)
      if (text === undefined) return undefined
      const document = (await documentsOf(view)).find((d) => d.target === difference.path && d.pattern.test(text))
      if (!document) return undefined
      return explained(difference.path, 'generated', `written by the here-document at ${document.script}:${document.line}; every line is the document's, substituted parts plain values; not regenerated`, false, true)
    },
  }
}
