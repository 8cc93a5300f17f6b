/**
 * @fileoverview Files that configure writes and that a release nevertheless ships (a header made by
 * `AX_CREATE_STDINT_H`, an `AC_CONFIG_FILES` output without placeholders): explained when a macro
 * call of the tag's configure.ac names the file as its output, because configure writes it again
 * when the user builds. The shipped copy is still scanned.
 */
import { dirnameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

const CONFIGURE_INPUTS = ['configure.ac', 'configure.in']
const MACRO_CALL = /\b(A[CMX]_[A-Z0-9_]+|LT_[A-Z0-9_]+|PKG_[A-Z0-9_]+|GTK_DOC_[A-Z0-9_]+)\(/g
const MAX_ARGUMENT = 8 * 1024

/** The first argument of a macro call starting at `open` (the index of its `(`), brackets balanced. */
function firstArgument(text: string, open: number): string {
  let depth = 0
  for (let i = open + 1; i < Math.min(text.length, open + MAX_ARGUMENT); i++) {
    const c = text[i]
    if (c === '[' || c === '(') depth++
    else if ((c === ']' || c === ')') && depth > 0) depth--
    else if ((c === ',' || c === ')') && depth === 0) return text.slice(open + 1, i)
  }
  return ''
}

/** The outputs a macro argument names: `[Makefile src/Makefile foo.h:foo.hin]` → Makefile, src/Makefile, foo.h */
const outputsOf = (argument: string): string[] =>
  argument
    .replace(/[[\]]/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '' && !w.includes('$'))
    .map((w) => w.split(':')[0] ?? w)

export function configureOutputsExplainer(): Explainer {
  return {
    name: 'configure-outputs',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (difference.status !== 'only-in-artifact' || difference.artifact?.kind !== 'file') return undefined
      for (const input of CONFIGURE_INPUTS) {
        const text = await view.sourceText(input)
        if (text === undefined) continue
        const rel = dirnameOf(input) ? difference.path.slice(dirnameOf(input).length + 1) : difference.path
        for (const m of text.matchAll(MACRO_CALL)) {
          const open = (m.index ?? 0) + (m[0]?.length ?? 1) - 1
          if (!outputsOf(firstArgument(text, open)).includes(rel)) continue
          const line = text.slice(0, open).split('\n').length
          return explained(difference.path, 'generated', `written by configure: ${input}:${line} names it as the output of ${m[1]}, so configure replaces the shipped copy; not regenerated`, false, true)
        }
      }
      return undefined
    },
  }
}
