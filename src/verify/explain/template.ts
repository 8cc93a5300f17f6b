/**
 * @fileoverview Files configure writes from a `NAME.in` template (`foo.spec`, `foo.pc`, a Lisp
 * system definition), or a bootstrap script writes with `sed … < TEMPLATE > NAME` (or `cat
 * TEMPLATE | sed … | tr … > NAME`), and that `make dist` ships: explained when every line is the
 * template's line with its `@VARIABLE@` placeholders filled in, and nothing else; where `tr` splits
 * a placeholder that stands alone into lines, those lines hold only names. A sed of plain-text
 * substitutions (`s,$(libx_srcpath),libx,g`) is replayed: the same bytes, reproduced.
 */
import { logicalLines } from '../../rules/shell/lines.js'
import { basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { bootstrapScripts, perTree } from './per-tree.js'
import { addedFileText, explained, type Explainer, type Judgement, type TreeView } from './types.js'
import { escapeRegExp } from '../../util/regexp.js'

const PLACEHOLDER = /@[A-Za-z_][A-Za-z0-9_]*@/g
const MAX_LINES = 20_000

const linePattern = (line: string): RegExp => {
  const pieces = line.split(PLACEHOLDER).map(escapeRegExp)
  return new RegExp(`^${pieces.join('.*')}$`)
}

/** a line of a make list: names (of files, of programs) and a continuation, nothing that runs */
const LIST_LINE = /^[\t ]*[\w.+/-]+(?:[\t ]+[\w.+/-]+)*[\t ]*\\?$/
const LONE_PLACEHOLDER = /^[\t ]*@[A-Za-z_][A-Za-z0-9_]*@[\t ]*$/

export interface FillOptions {
  /** a placeholder alone on its line may be filled with several lines of names (a bootstrap's `tr` splitting a list) */
  readonly listLines?: boolean
}

/** Does `text` follow `template` line for line, differing only where the template has placeholders? */
export function fillsTemplate(template: string, text: string, options: FillOptions = {}): boolean {
  const t = template.split('\n')
  const x = text.split('\n')
  if (t.length > MAX_LINES || x.length > MAX_LINES) return false
  if (!PLACEHOLDER.test(template)) return false
  PLACEHOLDER.lastIndex = 0
  const fills = (line: string, filled: string | undefined): boolean => line === filled || (filled !== undefined && line.includes('@') && linePattern(line).test(filled))
  if (!options.listLines) return t.length === x.length && t.every((line, i) => fills(line, x[i]))
  let j = 0
  for (let i = 0; i < t.length; i++) {
    const line = t[i] ?? ''
    if (!LONE_PLACEHOLDER.test(line)) {
      if (!fills(line, x[j])) return false
      j++
      continue
    }
    // lines of names, up to the line the template has next
    const next = t[i + 1]
    while (j < x.length && LIST_LINE.test(x[j] ?? '') && !(next !== undefined && fills(next, x[j]))) j++
  }
  return j === x.length
}

/** `sed -e "s;@VERSION@;$V;" < configure.raw > configure.ac`: the template, then the file written */
const SED_TEMPLATE = /\bsed\b(?:"[^"]*"|'[^']*'|[^;|&'"])*?(?:<\s*|\s)([^\s<>;|&"'`$]+)\s*>\s*([^\s<>;|&"'`$]+)/g
/** `cat Makefile.am.gen | sed "s/@FILES@/$files/g" | tr '!?' '\t\n' > Makefile.am`: the template through sed and tr only */
const CAT_TEMPLATE = /\bcat\s+([^\s<>;|&"'`$]+)\s*((?:\|\s*(?:sed|tr)\b(?:"[^"]*"|'[^']*'|[^;|&'"<>])*)+)>\s*([^\s<>;|&"'`$]+)/g

/** `-e 's,$(libglnx_srcpath),libglnx,g'`: a substitution of plain text (no `.`, `*`, `[`, `^` or `\\` to read as a pattern) */
const LITERAL_S = /-e\s*(['"])s([,|/#:])((?:(?!\2)[\w$(){}@/+-])+)\2((?:(?!\2)[\w$(){}@/.+-])*)\2(g?)\1/g

interface Substitution {
  readonly from: string
  readonly to: string
  readonly global: boolean
}

/** The sed's expressions when every one is a plain-text substitution; undefined when any is more. */
function literalSubstitutions(sedCall: string): Substitution[] | undefined {
  const all = [...sedCall.matchAll(LITERAL_S)]
  if (all.length === 0 || all.length !== (sedCall.match(/(?:^|\s)-e\b/g) ?? []).length) return undefined
  return all.map((m) => ({ from: m[3] ?? '', to: m[4] ?? '', global: m[5] === 'g' }))
}

/** What sed writes for `template` with these substitutions, line by line. */
const replay = (template: string, subs: readonly Substitution[]): string =>
  template
    .split('\n')
    .map((line) => subs.reduce((l, { from, to, global }) => (global ? l.split(from).join(to) : l.replace(from, () => to)), line))
    .join('\n')

interface Written {
  readonly template: string
  readonly script: string
  readonly line: number
  /** `tr` turns characters into newlines: a placeholder may stand for several lines */
  readonly splitsLines: boolean
  /** the sed only replaces plain text: the file can be made again from the template */
  readonly substitutions?: readonly Substitution[]
}

/** The templates the tag's bootstrap scripts fill with sed, by the name of the file each writes. */
async function sedTemplates(view: TreeView): Promise<Map<string, Written[]>> {
  const out = new Map<string, Written[]>()
  for (const { path: script, text } of await bootstrapScripts(view)) {
    for (const { line: start, text: line } of logicalLines(text)) {
      for (const m of line.matchAll(SED_TEMPLATE)) {
        const name = basenameOf(m[2] ?? '')
        const substitutions = literalSubstitutions(m[0])
        out.set(name, [...(out.get(name) ?? []), { template: m[1] ?? '', script, line: start, splitsLines: false, ...(substitutions ? { substitutions } : {}) }])
      }
      for (const m of line.matchAll(CAT_TEMPLATE)) {
        const name = basenameOf(m[3] ?? '')
        const splitsLines = /\btr\b[^|]*\\n/.test(m[2] ?? '')
        out.set(name, [...(out.get(name) ?? []), { template: m[1] ?? '', script, line: start, splitsLines }])
      }
    }
  }
  return out
}

export function templateExplainer(): Explainer {
  const scriptedOf = perTree(sedTemplates)
  const templateText = async (view: TreeView, path: string): Promise<string | undefined> => (await view.sourceText(path)) ?? view.artifactText(path)
  return {
    name: 'template',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const text = addedFileText(difference, view)
      if (text === undefined) return undefined
      const templatePath = `${difference.path}.in`
      const template = await templateText(view, templatePath)
      if (template !== undefined) {
        if (template === text) return explained(difference.path, 'generated', `written by configure from ${templatePath}, which has no placeholders: the same bytes`, true, false)
        if (fillsTemplate(template, text)) return explained(difference.path, 'generated', `written by configure from ${templatePath}: every line is the template's, with its @VARIABLES@ filled in`, false, true)
      }
      // a bootstrap script's sed names the template relative to where it runs: beside the file, or from the top
      for (const written of (await scriptedOf(view)).get(basenameOf(difference.path)) ?? []) {
        for (const candidate of new Set([joinPath(dirnameOf(difference.path), basenameOf(written.template)), joinPath('', written.template)])) {
          // a template the release ships (one of a submodule, say) is judged on its own like every file
          const filled = await templateText(view, candidate)
          if (filled === undefined) continue
          if (written.substitutions && replay(filled, written.substitutions) === text) {
            return explained(difference.path, 'generated', `written by ${written.script}:${written.line} from ${candidate}: its sed replaces plain text only, and replaying it gives the same bytes`, true, false)
          }
          if (!fillsTemplate(filled, text, { listLines: written.splitsLines })) continue
          return explained(difference.path, 'generated', `written by ${written.script}:${written.line} from ${candidate}: every line is the template's, with its @VARIABLES@ filled in${written.splitsLines ? ' (a list of names where one stands alone)' : ''}`, false, true)
        }
      }
      return undefined
    },
  }
}
