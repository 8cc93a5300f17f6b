/**
 * @fileoverview A makefile whose release copy only gained or lost dependency lines — what
 * `makedepend`, `gcc -MM` or a project's `mkdep` script writes (`obj.o: src.c header.h`, no recipe)
 * in place of an `include` of a dependency file. Dependency lines add no command: make can only run
 * the recipes the tag already has. Any other changed line (a recipe, a variable, a function call)
 * leaves the file unexplained. So does the dependency file itself that a release ships from a built
 * tree (`src/.deps/x.Po`): explained when it holds only dependency lines and comments (automake's
 * `# dummy` placeholder), build logic like any makefile otherwise.
 */
import { lineDiff } from '../../util/line-diff.js'
import type { Difference } from '../compare.js'
import { isMakefile } from './make-index.js'
import { MAKE_DEPENDENCY_FILE } from './role.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

/** Logical lines: continuation lines joined. */
const logical = (text: string): string[] => text.replace(/\\\n/g, ' ').split('\n')

/** `a.$(O) b.o: c.c include/d.h \` — words are paths or plain `$(VAR)` references, never a function call or shell */
const DEPENDENCY = /^(?:[\w./+-]|\$[({]\w+[)}])+(?:\s+(?:[\w./+-]|\$[({]\w+[)}])+)*\s*:(?!=)\s*(?:(?:[\w./+-]|\$[({]\w+[)}])+\s*)*$/
const COMMENT_OR_BLANK = /^\s*(?:#.*)?$/
const INCLUDE = /^-?s?include\s+[\w./$(){}-]+\s*$/
/** `FLAG = 1` → `FLAG = 0`: a variable switched between plain literal values */
const LITERAL_ASSIGNMENT = /^\s*(\w+)\s*[:?]?=\s*(?:\d+|yes|no|true|false)?\s*$/

/** a generated dependency list runs to thousands of lines; more changed than this is another file */
const MAX_CHANGED_LINES = 50_000

export function dependencyLinesExplainer(): Explainer {
  return {
    name: 'dependency-lines',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (difference.status === 'only-in-artifact' && MAKE_DEPENDENCY_FILE.test(difference.path)) return shippedDependencyFile(difference.path, view)
      if (difference.status !== 'content-differs' || !isMakefile(difference.path)) return undefined
      const before = await view.sourceText(difference.path)
      const after = view.artifactText(difference.path)
      if (before === undefined || after === undefined) return undefined
      let added = 0
      const switched: string[] = []
      const assignments = new Map<string, number>()
      const parts = lineDiff(logical(before), logical(after), MAX_CHANGED_LINES)
      if (!parts) return undefined
      for (const part of parts) {
        if (!part.added && !part.removed) continue
        for (const line of part.value) {
          if (COMMENT_OR_BLANK.test(line)) continue
          if (part.added && DEPENDENCY.test(line)) {
            added += 1
            continue
          }
          if (part.removed && INCLUDE.test(line)) continue
          const literal = LITERAL_ASSIGNMENT.exec(line)
          if (literal?.[1]) {
            assignments.set(literal[1], (assignments.get(literal[1]) ?? 0) + (part.added ? 1 : -1))
            switched.push(line.trim())
            continue
          }
          return undefined
        }
      }
      // a literal may only be switched (removed once, added once), never introduced
      if (added === 0 || [...assignments.values()].some((n) => n !== 0)) return undefined
      const also = switched.length > 0 ? `; also switched ${switched.join(' → ')}` : ''
      return explained(difference.path, 'generated', `gained ${added} dependency line(s) (targets and prerequisites only, no recipe) in place of an include of a dependency file${also}`, false, true)
    },
  }
}

/** A dependency file the release ships: only targets, prerequisites and comments, or it is left to the rules. */
function shippedDependencyFile(path: string, view: TreeView): Judgement | undefined {
  const text = view.artifactText(path)
  if (text === undefined) return undefined
  let dependencies = 0
  for (const line of logical(text)) {
    if (COMMENT_OR_BLANK.test(line)) continue
    if (!DEPENDENCY.test(line)) return undefined
    dependencies += 1
  }
  const what = dependencies === 0 ? "automake's placeholder (comments only)" : `${dependencies} dependency line(s), targets and prerequisites only, no recipe`
  return explained(path, 'generated', `a dependency file of a built tree, which the Makefile includes: ${what}`, false, true)
}
