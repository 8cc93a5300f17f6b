/**
 * @fileoverview Files copied out of a submodule into the release (gnulib-tool's lib/, m4/ and
 * tests, a bundled library's headers): explained when the file's bytes are a file of the
 * submodule's tree at the commit the tag pins, under the same name, or are such a file with only
 * the rewrites the copying tool is known to make (gnulib-tool turns `#ifdef HAVE_CONFIG_H` into
 * `#if 1` when the project always has a config.h, and moves license notices to the project's
 * license).
 */
import { readBlob } from '../../sources/git/index.js'
import { StagelightError } from '../../errors.js'
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

type Substitution = readonly [RegExp, string]
const apply = (line: string, script: readonly Substitution[]): string => script.reduce((l, [from, to]) => l.replace(from, to), line)

/** gnulib-tool's license update of a copied file (gnulib-tool, `sed_transform_*_lib_file`): to the GPL, or with --lgpl to the LGPL 3 or 2.1 */
const TO_GPL: readonly Substitution[] = [
  [/GNU Lesser General/g, 'GNU General'],
  [/Lesser General Public License/g, 'General Public License'],
  [/GNU Library General/g, 'GNU General'],
  [/Library General Public License/g, 'General Public License'],
  [/version 2(?:\.1)?([ ,])/g, 'version 3$1'],
]
const TO_LGPL: readonly Substitution[] = [
  [/GNU General/g, 'GNU Lesser General'],
  [/General Public License/g, 'Lesser General Public License'],
  [/Lesser Lesser General Public License/g, 'Lesser General Public License'],
]
const TO_LGPL2: readonly Substitution[] = [...TO_LGPL, [/version [23]([ ,])/g, 'version 2.1$1']]

/** line rewrites a copying tool makes: what the copy may hold instead of the submodule's line */
const COPY_REWRITES: readonly { readonly rewrite: (line: string) => readonly string[]; readonly tool: string }[] = [
  { rewrite: (line) => (/^#ifdef[\t ]*HAVE_CONFIG_H[\t ]*$/.test(line) ? ['#if 1'] : []), tool: 'gnulib-tool' },
  { rewrite: (line) => (/General Public License|General|version 2/.test(line) ? [TO_GPL, TO_LGPL, TO_LGPL2].map((script) => apply(line, script)) : []), tool: 'gnulib-tool' },
]

/** The number of lines rewritten when `copy` is `original` with only known rewrites; undefined otherwise. */
export function rewrittenCopy(original: string, copy: string): { lines: number; tool: string } | undefined {
  const a = original.split('\n')
  const b = copy.split('\n')
  if (a.length !== b.length) return undefined
  let lines = 0
  let tool = ''
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue
    const rewrite = COPY_REWRITES.find((r) => r.rewrite(a[i] ?? '').includes(b[i] ?? ''))
    if (!rewrite) return undefined
    lines += 1
    tool = rewrite.tool
  }
  return lines > 0 ? { lines, tool } : undefined
}

/** Could the text be a copy some rewrite changed: does it hold what one writes? */
const mayBeRewritten = (text: string): boolean => text.includes('#if 1') || /General Public License|version [23]\b/.test(text)

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
      if (text === undefined || !mayBeRewritten(text) || candidates.length > MAX_CANDIDATES) return undefined
      for (const candidate of candidates) {
        const original = await readBlob(candidate.submodule.repo, candidate.blob).catch((err: unknown) => {
          // a partial clone lists blobs it does not hold: that candidate cannot be compared, the others still can
          if (err instanceof StagelightError && err.code === 'E_INPUT_NOT_FOUND') return undefined
          throw err
        })
        const rewritten = original === undefined ? undefined : rewrittenCopy(original.toString('utf8'), text)
        if (!rewritten) continue
        return explained(
          difference.path,
          'vendored',
          `${candidate.submodule.path}/${candidate.path} of the submodule at ${candidate.submodule.commit.slice(0, 12)} as ${rewritten.tool} copies it (${rewritten.lines} line(s) rewritten the way it always does: the config.h guard, the license notice)`,
          true,
        )
      }
      return undefined
    },
  }
}
