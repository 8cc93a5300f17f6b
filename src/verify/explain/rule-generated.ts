/**
 * @fileoverview Files a project's own make rules generate before release (a parser from its
 * grammar, a help text from its man page, RPC stubs from their description, tables from data
 * files): explained when a rule of any makefile of the tag names the file as a target and its
 * inputs are in the tag — directly, through intermediate targets, or through a recursive make into
 * another directory. Generated is not reproduced: the file is still scanned by the rules.
 */
import type { Difference } from '../compare.js'
import { derive, makeIndexOf } from './make-index.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

export { makeRules, type MakeRule } from './make-index.js'

export function ruleGeneratedExplainer(): Explainer {
  return {
    name: 'rule-generated',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (difference.status !== 'only-in-artifact' || difference.artifact?.kind !== 'file') return undefined
      const derivation = derive(await makeIndexOf(view), difference.path, (p) => view.sourceHas(p))
      if (!derivation) return undefined
      const via = derivation.via.length > 0 ? ` via ${derivation.via.slice(0, 3).join(', ')}` : ''
      return explained(
        difference.path,
        'generated',
        `made by the rule \`${derivation.text.slice(0, 140)}\` (${derivation.makefile}:${derivation.line})${via} from ${derivation.inputs.slice(0, 3).join(', ')} of the tag; not regenerated`,
        false,
        true,
      )
    },
  }
}
