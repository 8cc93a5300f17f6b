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
import { applySed, parseSedScript, type SedSubstitution } from './sed-replay.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

const WORD = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g

/** a file of the distribution directory a make recipe names: `$(distdir)/NEWS` → `NEWS` */
const distdirFile = (word: string): string | undefined => (/^\$[({]distdir[)}]\//.test(word) ? word.replace(/^\$[({]distdir[)}]\//, '') : undefined)
/** a file a release script names from the top of the exported tree: a plain relative path, nothing the shell expands */
const treeFile = (word: string): string | undefined => (/^(?:\.\/)?[\w.+@-]+(?:\/[\w.+@-]+)*$/.test(word) && !word.startsWith('-') ? word.replace(/^\.\//, '') : undefined)

/** The `s` expressions and target files (as `fileOf` reads them) of `sed -i …` commands in a line. */
function sedEdits(line: string, fileOf: (word: string) => string | undefined): { expressions: string[]; files: string[] } | undefined {
  const at = line.search(/\bsed\s/)
  if (at < 0 || !/\s-i\b|--in-place/.test(line)) return undefined
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
    const file = fileOf(w)
    if (w === '-e' || w === '--expression') expressions.push(words[++i] ?? '')
    else if (w.startsWith('-')) continue
    else if (expressions.length === 0 && !words.includes('-e') && !words.includes('--expression')) expressions.push(w)
    else if (file !== undefined) files.push(file)
  }
  return expressions.length > 0 && files.length > 0 ? { expressions, files } : undefined
}

const withVersion = (text: string, version: string): string => text.replace(/\$[({](?:VERSION|PACKAGE_VERSION)[)}]|@(?:PACKAGE_)?VERSION@/g, version)

type Edits = Map<string, { where: string; by: string; substitutions: SedSubstitution[] }[]>

export function distEditsExplainer(version: string | undefined): Explainer {
  /** an edit's substitutions, by the file it edits; `unescape` turns the text into what the shell hands sed (make's `$$` into `$`) */
  const note = (out: Edits, by: string, path: string, line: number, text: string, edit: ReturnType<typeof sedEdits>, unescape: (e: string) => string): void => {
    if (!edit) return
    const parsed = edit.expressions.map((e) => parseSedScript(unescape(withVersion(e, version ?? '$(VERSION)'))))
    if (parsed.some((s) => s === undefined)) return
    const substitutions = parsed.flatMap((s) => s ?? [])
    for (const file of edit.files) out.set(file, [...(out.get(file) ?? []), { where: `${path}:${line}: \`${text.trim().slice(0, 120)}\``, by, substitutions }])
  }
  const editsOf = perTree(async (view: TreeView): Promise<Edits> => {
    const out: Edits = new Map()
    for (const path of view.sourcePaths()) {
      if (!isMakefile(path) || path.includes('/')) continue
      const text = (await view.sourceText(path)) ?? ''
      if (!text.includes('$(distdir)')) continue
      text.split('\n').forEach((line, i) => {
        if (line.includes('$(distdir)')) note(out, 'make dist', path, i + 1, line, sedEdits(line, distdirFile), (e) => e.replace(/\$\$/g, '$'))
      })
    }
    for (const { path, text } of await releaseScripts(view)) {
      if (!/\bsed\s/.test(text)) continue
      for (const { line, text: command } of logicalLines(text)) note(out, 'the release script', path, line, command, sedEdits(command, treeFile), (e) => e)
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
