/**
 * @fileoverview Files copied out of a submodule into the release (gnulib-tool's lib/, m4/ and
 * tests, a bundled library's headers): explained when the file's bytes are a file of the
 * submodule's tree at the commit the tag pins, under the same name, or are such a file with only
 * the rewrite the copying tool is known to make (gnulib-tool turns `#ifdef HAVE_CONFIG_H` into
 * `#if 1` when the project always has a config.h).
 */
import { readBlob } from '../../sources/git/index.js'
import { basenameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import type { SubmoduleTree } from '../submodules.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

/** where the submodule's file is, under the same name as the release's: a copy, not a rename */
export function copiedFrom(path: string, gitBlob: string, submodules: readonly SubmoduleTree[]): { submodule: SubmoduleTree; path: string } | undefined {
  const name = basenameOf(path)
  for (const submodule of submodules) {
    const match = submodule.byBlob.get(gitBlob)?.find((p) => basenameOf(p) === name)
    if (match) return { submodule, path: match }
  }
  return undefined
}

/** line rewrites a copying tool makes: the submodule's line, then what the copy holds instead */
const COPY_REWRITES: readonly { readonly from: RegExp; readonly to: string; readonly tool: string }[] = [{ from: /^#ifdef[\t ]*HAVE_CONFIG_H[\t ]*$/, to: '#if 1', tool: 'gnulib-tool' }]

/** The number of lines rewritten when `copy` is `original` with only known rewrites; undefined otherwise. */
export function rewrittenCopy(original: string, copy: string): { lines: number; tool: string } | undefined {
  const a = original.split('\n')
  const b = copy.split('\n')
  if (a.length !== b.length) return undefined
  let lines = 0
  let tool = ''
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue
    const rewrite = COPY_REWRITES.find((r) => r.from.test(a[i] ?? '') && b[i] === r.to)
    if (!rewrite) return undefined
    lines += 1
    tool = rewrite.tool
  }
  return lines > 0 ? { lines, tool } : undefined
}

const MAX_CANDIDATES = 4

export function submoduleCopiesExplainer(submodules: readonly SubmoduleTree[]): Explainer {
  // the submodule's paths by file name, for copies that were rewritten on the way
  const byName = new Map<string, { submodule: SubmoduleTree; path: string; blob: string }[]>()
  for (const submodule of submodules) {
    for (const [path, blob] of submodule.files) {
      const name = basenameOf(path)
      byName.set(name, [...(byName.get(name) ?? []), { submodule, path, blob }])
    }
  }
  return {
    name: 'submodule-copies',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const artifact = difference.artifact
      if (submodules.length === 0 || difference.status !== 'only-in-artifact' || artifact?.kind !== 'file' || !artifact.gitBlob) return undefined
      const copy = copiedFrom(difference.path, artifact.gitBlob, submodules)
      if (copy) return explained(difference.path, 'vendored', `identical to ${copy.submodule.path}/${copy.path} of the submodule at ${copy.submodule.commit.slice(0, 12)} (${copy.submodule.spec})`, true)
      const text = view.artifactText(difference.path)
      const candidates = byName.get(basenameOf(difference.path)) ?? []
      if (text === undefined || !COPY_REWRITES.some((r) => text.includes(r.to)) || candidates.length > MAX_CANDIDATES) return undefined
      for (const candidate of candidates) {
        const rewritten = rewrittenCopy((await readBlob(candidate.submodule.repo, candidate.blob)).toString('utf8'), text)
        if (!rewritten) continue
        return explained(
          difference.path,
          'vendored',
          `${candidate.submodule.path}/${candidate.path} of the submodule at ${candidate.submodule.commit.slice(0, 12)} as ${rewritten.tool} copies it (${rewritten.lines} line(s) rewritten the way it always does)`,
          true,
        )
      }
      return undefined
    },
  }
}
