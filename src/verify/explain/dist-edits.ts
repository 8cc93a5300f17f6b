/**
 * @fileoverview Edits a project's `make dist` rules make to files of the distribution directory
 * with `sed -i 's/…/…/' $(distdir)/FILE`: replayed on the tag's file (the release's version in
 * place of `$(VERSION)`) and explained when the result is the release's file byte for byte. Only
 * `s` commands are replayed; anything else leaves the file to the other explainers.
 */
import { basenameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { isMakefile } from './make-index.js'
import { perTree } from './per-tree.js'
import { applySed, parseSedScript, type SedSubstitution } from './sed-replay.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

const WORD = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g

/** The `s` expressions and target files of `sed -i … $(distdir)/FILE` commands in a recipe line. */
function sedEdits(line: string): { expressions: string[]; files: string[] } | undefined {
  const at = line.search(/\bsed\s/)
  if (at < 0 || !line.includes('$(distdir)') || !/\s-i\b|--in-place/.test(line)) return undefined
  const words: string[] = []
  for (const m of line.slice(at + 3).matchAll(WORD)) {
    const bare = m[3]
    // the command ends at an unquoted separator
    if (bare !== undefined && /^(?:\||\|\||&&|;)$/.test(bare)) break
    words.push(m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? bare?.replace(/;$/, '') ?? '')
    if (bare?.endsWith(';')) break
  }
  const expressions: string[] = []
  const files: string[] = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? ''
    if (w === '-e' || w === '--expression') expressions.push(words[++i] ?? '')
    else if (w.startsWith('-')) continue
    else if (/^\$[({]distdir[)}]\//.test(w)) files.push(w.replace(/^\$[({]distdir[)}]\//, ''))
    else if (expressions.length === 0) expressions.push(w)
  }
  return expressions.length > 0 && files.length > 0 ? { expressions, files } : undefined
}

const withVersion = (text: string, version: string): string => text.replace(/\$[({](?:VERSION|PACKAGE_VERSION)[)}]|@(?:PACKAGE_)?VERSION@/g, version)

export function distEditsExplainer(version: string | undefined): Explainer {
  const editsOf = perTree(async (view: TreeView): Promise<Map<string, { where: string; substitutions: SedSubstitution[] }[]>> => {
    const out = new Map<string, { where: string; substitutions: SedSubstitution[] }[]>()
    for (const path of view.sourcePaths()) {
      if (!isMakefile(path) || path.includes('/')) continue
      const text = (await view.sourceText(path)) ?? ''
      if (!text.includes('$(distdir)')) continue
      text.split('\n').forEach((line, i) => {
        const edit = sedEdits(line)
        if (!edit) return
        // make turns `$$` into the `$` the shell sees
        const parsed = edit.expressions.map((e) => parseSedScript(withVersion(e, version ?? '$(VERSION)').replace(/\$\$/g, '$')))
        if (parsed.some((s) => s === undefined)) return
        const substitutions = parsed.flatMap((s) => s ?? [])
        for (const file of edit.files) out.set(file, [...(out.get(file) ?? []), { where: `${path}:${i + 1}: \`${line.trim().slice(0, 120)}\``, substitutions }])
      })
    }
    return out
  })
  return {
    name: 'dist-edits',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (difference.status !== 'content-differs' || !version) return undefined
      const candidates = (await editsOf(view)).get(difference.path)
      if (!candidates) return undefined
      const before = await view.sourceText(difference.path)
      const after = view.artifactText(difference.path)
      if (before === undefined || after === undefined) return undefined
      for (const { where, substitutions } of candidates) {
        if (applySed(before, substitutions) === after) return explained(difference.path, 'dist-rewritten', `edited by make dist (${where}); replaying the edit on the tag's ${basenameOf(difference.path)} gives the release's bytes`, true)
      }
      return undefined
    },
  }
}
