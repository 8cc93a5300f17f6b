/**
 * @fileoverview Edits a project's `make dist` rules make to files of the distribution directory
 * with `sed -i 's/…/…/' $(distdir)/FILE`, and its release scripts make to files of the exported
 * tree (`sed -e "s/THIS_IS_NOT_TARBALL//" -i Makefile.in`): replayed on the tag's file (the
 * release's version in place of `$(VERSION)`) and explained when the result is the release's file
 * byte for byte. Only `s` commands are replayed; anything else leaves the file to the other explainers.
 */
import { logicalLines } from '../../rules/shell/lines.js'
import { basenameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { isMakefile } from './make-index.js'
import { perTree, releaseScripts } from './per-tree.js'
import { applySed, type SedSubstitution } from './sed-replay.js'
import { literalOf, sedInvocations, sedSubstitutions } from './sed-writes.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

/** a file a release script names from the top of the exported tree: a plain relative path, nothing the shell expands */
const treeFile = (word: string): string | undefined => (/^(?:\.\/)?[\w.+@-]+(?:\/[\w.+@-]+)*$/.test(word) && !word.startsWith('-') ? word.replace(/^\.\//, '') : undefined)

/** the release's version where make or configure puts it into a recipe */
const MAKE_VERSION = /\$[({](?:VERSION|PACKAGE_VERSION)[)}]|@(?:PACKAGE_)?VERSION@/g
/** `$(distdir)`, kept through the shell's reading as a mark the shell leaves alone */
const DISTDIR = /\$[({]distdir[)}]/g
const DISTDIR_MARK = '\u0001distdir\u0001'
/** a file of the distribution directory a make recipe names: `$(distdir)/NEWS` → `NEWS` */
const distdirFile = (word: string): string | undefined => (word.startsWith(`${DISTDIR_MARK}/`) ? word.slice(DISTDIR_MARK.length + 1) : undefined)

interface Edit {
  readonly substitutions: SedSubstitution[]
  readonly files: string[]
}

/**
 * The `s` edits and target files of the in-place seds of a line: a make recipe's (`$(VERSION)` is
 * the release's version, `$(distdir)/FILE` a file of the release) or a release script's (`$VERSION`
 * is the release's version, a file a plain path from the top of the tree).
 */
function inPlaceEdits(line: string, make: boolean, version: string): Edit[] {
  const text = make ? line.replace(MAKE_VERSION, () => version).replace(DISTDIR, DISTDIR_MARK) : line
  const fileOf = make ? distdirFile : treeFile
  const valueOf = (name: string | undefined): string | undefined => (name === 'VERSION' || name === 'PACKAGE_VERSION' ? version : undefined)
  const out: Edit[] = []
  for (const sed of sedInvocations(text, make)) {
    if (!sed.inPlace || !sed.replayable || sed.input || sed.output) continue
    const substitutions = sedSubstitutions(sed, make ? () => undefined : valueOf)
    const files = sed.operands.map((w) => {
      const literal = literalOf(w)
      return literal === undefined ? undefined : fileOf(literal)
    })
    if (substitutions && files.length > 0 && files.every((f): f is string => f !== undefined)) out.push({ substitutions, files })
  }
  return out
}

type Edits = Map<string, { where: string; by: string; substitutions: SedSubstitution[] }[]>

export function distEditsExplainer(version: string | undefined): Explainer {
  const note = (out: Edits, by: string, path: string, line: number, text: string, make: boolean): void => {
    for (const { substitutions, files } of inPlaceEdits(text, make, version ?? '')) {
      for (const file of files) out.set(file, [...(out.get(file) ?? []), { where: `${path}:${line}: \`${text.trim().slice(0, 120)}\``, by, substitutions }])
    }
  }
  const editsOf = perTree(async (view: TreeView): Promise<Edits> => {
    const out: Edits = new Map()
    for (const path of view.sourcePaths()) {
      if (!isMakefile(path) || path.includes('/')) continue
      const text = (await view.sourceText(path)) ?? ''
      if (!text.includes('$(distdir)')) continue
      text.split('\n').forEach((line, i) => {
        if (line.includes('$(distdir)')) note(out, 'make dist', path, i + 1, line, true)
      })
    }
    for (const { path, text } of await releaseScripts(view)) {
      if (!/\bsed\s/.test(text)) continue
      for (const { line, text: command } of logicalLines(text)) note(out, 'the release script', path, line, command, false)
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
      for (const { where, by, substitutions } of candidates) {
        if (applySed(before, substitutions) === after) return explained(difference.path, 'dist-rewritten', `edited by ${by} (${where}); replaying the edit on the tag's ${basenameOf(difference.path)} gives the release's bytes`, true)
      }
      return undefined
    },
  }
}
