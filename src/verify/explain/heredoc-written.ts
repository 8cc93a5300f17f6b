/**
 * @fileoverview Files a bootstrap script of the tag writes with a here-document (`cat >
 * gl/Makefile.am <<EOF` … `EOF` in bootstrap.conf), or a make rule of the tag does in its recipe
 * (`sed >$@ 's/ *\\$$//' <<\END`): explained when the shipped file is the document's text (through
 * the rule's sed of `s` commands, if it has one), where make or the shell substitutes a plain value
 * (a version, a date, a path: no quote, bracket or operator that code would need) for each
 * expansion. Generated, not reproduced: the file is still scanned by the rules.
 */
import type { Difference } from '../compare.js'
import { escapeRegExp } from '../../util/regexp.js'
import { skipSubstitution, VALUE } from './echoed.js'
import { makeIndexOf } from './make-index.js'
import { bootstrapScripts, perTree } from './per-tree.js'
import { applySed, matchesReplay, parseSedScript, slotMark } from './sed-replay.js'
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
      i = skipSubstitution(line, i) - 1
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

/** the command that writes a recipe's document: `cat`, or one sed whose script (of `s` commands) is its single-quoted word */
const RECIPE_WRITER = /^[@+-]*\s*(?:cat|sed(?:\s+(?:>\s*\S+|-e))*\s+'([^']*)')(?=\s)/
/** what make and the shell substitute in a recipe: `$(VAR)`, `${VAR}`, `$@` and the like, `$$x` (the shell's) */
const RECIPE_EXPANSION = /\$\$\{[^}]*\}|\$\$\([^)]*\)|\$\$\w+|\$[({][^)}]*[)}]|\$[@<*^?%+|]/g

/**
 * The here-documents a make rule of the tag writes this path with, as the text make hands the
 * shell (one tab off each recipe line, continuation lines kept) with each expansion an open value,
 * and the sed they go through.
 */
async function recipeDocuments(path: string, view: TreeView): Promise<{ at: string; replayed: string }[]> {
  const out: { at: string; replayed: string }[] = []
  for (const { entry } of (await makeIndexOf(view)).rulesFor(path)) {
    const lines = ((await view.sourceText(entry.makefile)) ?? '').split('\n')
    const raw: string[] = []
    for (let i = entry.rule.line; i < lines.length && ((lines[i] ?? '').startsWith('\t') || (lines[i - 1] ?? '').endsWith('\\')); i++) raw.push((lines[i] ?? '').replace(/^\t/, ''))
    const start = raw.findIndex((l) => DELIMITER.test(l))
    const command = raw[start] ?? ''
    const writer = RECIPE_WRITER.exec(command)
    const delimiter = DELIMITER.exec(command)
    const target = TARGET.exec(command.replace(DELIMITER, ' '))?.[2]
    if (!writer || !delimiter || (target !== '$@' && treePath(target ?? '') !== path)) continue
    const sed = writer[1] === undefined ? [] : parseSedScript(writer[1].replace(/\$\$/g, '$'))
    if (sed === undefined) continue
    const end = raw.findIndex((l, k) => k > start && (delimiter[1] === '-' ? l.replace(/^\t+/, '') : l) === delimiter[3])
    if (end < 0) continue
    const document = raw.slice(start + 1, end).map((l) => (delimiter[1] === '-' ? l.replace(/^\t+/, '') : l).replace(RECIPE_EXPANSION, (e) => (e === '$$' ? '$' : slotMark(0))))
    out.push({ at: `${entry.makefile}:${entry.rule.line}`, replayed: applySed(`${document.join('\n')}\n`, sed) })
  }
  return out
}

export function heredocWrittenExplainer(): Explainer {
  return {
    name: 'heredoc-written',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const text = addedFileText(difference, view)
      if (text === undefined) return undefined
      const document = (await documentsOf(view)).find((d) => d.target === difference.path && d.pattern.test(text))
      if (!document) {
        const recipe = (await recipeDocuments(difference.path, view)).find((d) => matchesReplay(d.replayed, text, () => VALUE))
        return recipe ? explained(difference.path, 'generated', `written by the here-document of the rule at ${recipe.at}; every line is the document's, substituted parts plain values; not regenerated`, false, true) : undefined
      }
      return explained(difference.path, 'generated', `written by the here-document at ${document.script}:${document.line}; every line is the document's, substituted parts plain values; not regenerated`, false, true)
    },
  }
}
