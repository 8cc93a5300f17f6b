/**
 * @fileoverview Files configure writes from a `NAME.in` template (`foo.spec`, `foo.pc`, a Lisp
 * system definition) and that `make dist` ships: explained when every line is the template's line
 * with its `@VARIABLE@` placeholders filled in, and nothing else.
 */
import type { Difference } from '../compare.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

const PLACEHOLDER = /@[A-Za-z_][A-Za-z0-9_]*@/g
const MAX_LINES = 20_000

const linePattern = (line: string): RegExp => {
  const pieces = line.split(PLACEHOLDER).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
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

export function templateExplainer(): Explainer {
  return {
    name: 'template',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (difference.status !== 'only-in-artifact' || difference.artifact?.kind !== 'file') return undefined
      const templatePath = `${difference.path}.in`
      const template = (await view.sourceText(templatePath)) ?? view.artifactText(templatePath)
      const text = view.artifactText(difference.path)
      if (template === undefined || text === undefined) return undefined
      if (template === text) return explained(difference.path, 'generated', `written by configure from ${templatePath}, which has no placeholders: the same bytes`, true, false)
      if (!fillsTemplate(template, text)) return undefined
      return explained(difference.path, 'generated', `written by configure from ${templatePath}: every line is the template's, with its @VARIABLES@ filled in`, false, true)
    },
  }
}
