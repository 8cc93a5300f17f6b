/**
 * @fileoverview Files a project's own make rules generate before release (a parser from its
 * grammar, a help text from its man page, RPC stubs from their description, tables from data
 * files): explained when a rule of any makefile of the tag names the file as a target and its
 * inputs are in the tag — directly, through intermediate targets, or through a recursive make into
 * another directory. Generated is not reproduced: the file is still scanned by the rules.
 */
import { readBlobs } from '../../sources/git/index.js'
import type { Difference } from '../compare.js'
import type { SubmoduleTree } from '../submodules.js'
import { derive, INDEX_LIMITS, isMakefile, makeIndexOf, MakeIndex, type Derivation } from './make-index.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

export { makeRules, type MakeRule } from './make-index.js'

/** The make rules of a submodule's tree at the commit the tag pins, under the submodule's path. */
async function submoduleIndex(submodule: SubmoduleTree): Promise<MakeIndex> {
  const makefiles = [...submodule.files].filter(([path]) => isMakefile(path)).slice(0, INDEX_LIMITS.maxFiles)
  const texts = new Map<string, string>()
  const pathsByBlob = new Map<string, string[]>()
  for (const [path, blob] of makefiles) pathsByBlob.set(blob, [...(pathsByBlob.get(blob) ?? []), path])
  for await (const blob of readBlobs(submodule.repo, [...pathsByBlob.keys()])) {
    for (const path of pathsByBlob.get(blob.oid) ?? []) texts.set(`${submodule.path}/${path}`, blob.content.toString('utf8'))
  }
  return MakeIndex.build(texts.keys(), async (p) => texts.get(p))
}

/**
 * @param submodules the submodules the tag pins: a file below one is traced through that
 * submodule's own make rules to its files (a bundled library's generated test stubs)
 */
export function ruleGeneratedExplainer(submodules: readonly SubmoduleTree[] = []): Explainer {
  const indexes = new Map<SubmoduleTree, Promise<MakeIndex>>()
  const inSubmodule = async (path: string): Promise<{ derivation: Derivation; submodule: SubmoduleTree } | undefined> => {
    const submodule = submodules.find((s) => path.startsWith(`${s.path}/`))
    if (!submodule) return undefined
    let index = indexes.get(submodule)
    if (!index) indexes.set(submodule, (index = submoduleIndex(submodule)))
    const prefix = `${submodule.path}/`
    const derivation = derive(await index, path, (p) => p.startsWith(prefix) && submodule.files.has(p.slice(prefix.length)))
    return derivation ? { derivation, submodule } : undefined
  }
  return {
    name: 'rule-generated',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (difference.status !== 'only-in-artifact' || difference.artifact?.kind !== 'file') return undefined
      const own = derive(await makeIndexOf(view), difference.path, (p) => view.sourceHas(p))
      const found = own ? { derivation: own, submodule: undefined } : await inSubmodule(difference.path)
      if (!found) return undefined
      const { derivation, submodule } = found
      // a rule that copies its input makes that input's bytes, and nothing else
      if (derivation.copies && !submodule) {
        const input = derivation.inputs[0] ?? ''
        const bytes = view.artifactBytes(difference.path)
        // the input as the release ships it (judged on its own where it differs from the tag), else the tag's
        const shipped = view.artifactBytes(input)
        const from = shipped && bytes?.equals(shipped) ? 'the release' : bytes && (await view.sourceBytes(input))?.equals(bytes) ? 'the tag' : undefined
        if (from === undefined) return undefined
        return explained(difference.path, 'generated', `copied by the rule \`${derivation.text.slice(0, 140)}\` (${derivation.makefile}:${derivation.line}) from ${input} of ${from}: the same bytes`, true)
      }
      const via = derivation.via.length > 0 ? ` via ${derivation.via.slice(0, 3).join(', ')}` : ''
      const of = submodule ? `the submodule ${submodule.path} at ${submodule.commit.slice(0, 12)}` : 'the tag'
      return explained(
        difference.path,
        'generated',
        `made by the rule \`${derivation.text.slice(0, 140)}\` (${derivation.makefile}:${derivation.line})${via} from ${derivation.inputs.slice(0, 3).join(', ')} of ${of}; not regenerated`,
        false,
        true,
      )
    },
  }
}
