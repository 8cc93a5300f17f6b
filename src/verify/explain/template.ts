/**
 * @fileoverview Files configure writes from a `NAME.in` template (`foo.spec`, `foo.pc`, a Lisp
 * system definition), or a bootstrap script writes with `sed … < TEMPLATE > NAME`, and that
 * `make dist` ships: explained when every line is the template's line with its `@VARIABLE@`
 * placeholders filled in, and nothing else.
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

/** Does `text` follow `template` line for line, differing only where the template has placeholders? */
export function fillsTemplate(template: string, text: string): boolean {
  const t = template.split('\n')
  const x = text.split('\n')
  if (t.length !== x.length || t.length > MAX_LINES) return false
  if (!PLACEHOLDER.test(template)) return false
  PLACEHOLDER.lastIndex = 0
  return t.every((line, i) => (line === x[i] ? true : line.includes('@') && linePattern(line).test(x[i] ?? '')))
}

/** `sed -e "s;@VERSION@;$V;" < configure.raw > configure.ac`: the template, then the file written */
const SED_TEMPLATE = /\bsed\b(?:"[^"]*"|'[^']*'|[^;|&'"])*?(?:<\s*|\s)([^\s<>;|&"'`$]+)\s*>\s*([^\s<>;|&"'`$]+)/g

interface Written {
  readonly template: string
  readonly script: string
  readonly line: number
}

/** The templates the tag's bootstrap scripts fill with sed, by the name of the file each writes. */
async function sedTemplates(view: TreeView): Promise<Map<string, Written[]>> {
  const out = new Map<string, Written[]>()
  for (const { path: script, text } of await bootstrapScripts(view)) {
    for (const { line: start, text: line } of logicalLines(text)) {
      for (const m of line.matchAll(SED_TEMPLATE)) {
        const name = basenameOf(m[2] ?? '')
        out.set(name, [...(out.get(name) ?? []), { template: m[1] ?? '', script, line: start }])
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
          const filled = await view.sourceText(candidate)
          if (filled === undefined || !fillsTemplate(filled, text)) continue
          return explained(difference.path, 'generated', `written by ${written.script}:${written.line} from ${candidate}: every line is the template's, with its @VARIABLES@ filled in`, false, true)
        }
      }
      return undefined
    },
  }
}
