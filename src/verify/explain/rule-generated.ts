/**
 * @fileoverview Files a project's own make rules generate before release (a parser from its
 * grammar, a help text from its man page, RPC stubs from their description): explained when a rule
 * of the tag's Makefile.am names the file as a target and its inputs exist in the tag. Generated
 * is not reproduced: the file is still scanned by the rules.
 */
import { basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

export interface MakeRule {
  readonly line: number
  readonly targets: readonly string[]
  readonly prerequisites: readonly string[]
  readonly text: string
}

const RULE = /^([^\t#=:][^=:]*?)\s*::?(?!=)\s*(.*)$/
const DIR_VARIABLE = /^\$[({](?:srcdir|top_srcdir|builddir|top_builddir|abs_srcdir|abs_top_srcdir)[)}]\/|^\.\//

/** The rules of a Makefile (targets and prerequisites), continuation lines joined. */
export function makeRules(text: string): MakeRule[] {
  const rules: MakeRule[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? ''
    const start = i
    while (/\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + (lines[++i] ?? '')
    if (line.startsWith('\t') || /^\s*#/.test(line)) continue
    const m = RULE.exec(line)
    if (!m) continue
    const targets = (m[1] ?? '').trim().split(/\s+/).filter(Boolean)
    if (targets.some((t) => t.startsWith('.') && !t.includes('/'))) continue
    rules.push({ line: start + 1, targets, prerequisites: (m[2] ?? '').split(';')[0]?.trim().split(/\s+/).filter(Boolean) ?? [], text: line.trim() })
  }
  return rules
}

const plain = (name: string): string => name.replace(DIR_VARIABLE, '')

/** The Makefile.am files whose rules may make `path`: its own directory's, then the top one. */
const makefilesFor = (path: string): string[] => [...new Set([joinPath(dirnameOf(path), 'Makefile.am'), 'Makefile.am'])]

/** `include test/include.am`: fragments automake pastes into a Makefile.am, relative to it */
const includedFragments = (makefile: string, text: string): string[] =>
  [...text.matchAll(/^include\s+(?:\$\((?:top_)?srcdir\)\/)?(\S+\.am)\s*$/gm)].map((m) => joinPath(dirnameOf(makefile), m[1] ?? ''))

export function ruleGeneratedExplainer(): Explainer {
  return {
    name: 'rule-generated',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (difference.status !== 'only-in-artifact' || difference.artifact?.kind !== 'file') return undefined
      const name = basenameOf(difference.path)
      const dir = dirnameOf(difference.path)
      const queue = makefilesFor(difference.path)
      const seen = new Set<string>()
      while (queue.length > 0) {
        const makefile = queue.shift() ?? ''
        if (seen.has(makefile) || seen.size > 32) continue
        seen.add(makefile)
        const text = await view.sourceText(makefile)
        if (!text) continue
        queue.push(...includedFragments(makefile, text))
        if (!text.includes(name) && !text.includes('%')) continue
        // rules in a fragment are written relative to the Makefile.am that includes it (the top one here)
        const base = makefile.endsWith('.am') && !/(^|\/)Makefile\.am$/.test(makefile) ? '' : dirnameOf(makefile)
        for (const rule of makeRules(text)) {
          let stem: string | undefined
          const made = rule.targets.some((t) => {
            const p = plain(t)
            if (p.includes('%')) {
              // a pattern rule: `%-gnu.S: %.s`
              const [pre = '', post = ''] = p.split('%')
              const rel = base && difference.path.startsWith(`${base}/`) ? difference.path.slice(base.length + 1) : difference.path
              for (const candidate of [rel, name]) {
                if (candidate.startsWith(pre) && candidate.endsWith(post) && candidate.length > pre.length + post.length) {
                  stem = candidate.slice(pre.length, candidate.length - post.length)
                  return true
                }
              }
              return false
            }
            return joinPath(base, p) === difference.path || (p === name && base === dir)
          })
          if (!made) continue
          const inputs = rule.prerequisites.map(plain).map((p) => (stem !== undefined ? p.replace('%', stem) : p)).filter((p) => !p.includes('$') && p !== name)
          const present = inputs.filter((p) => view.sourceHas(joinPath(base, p)) || view.sourceHas(p) || view.sourceHas(joinPath(dir, p)))
          if (present.length === 0) continue
          return explained(difference.path, 'generated', `made by the rule \`${rule.text.slice(0, 140)}\` (${makefile}:${rule.line}) from ${present.slice(0, 3).join(', ')} of the tag; not regenerated`, false, true)
        }
      }
      return undefined
    },
  }
}
