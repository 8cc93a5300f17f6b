/**
 * @fileoverview Edits `gettextize` makes to a project's makefiles when its bootstrap script runs
 * it: the names of the files it installs (config.rpath, gettext's m4 macros) added to EXTRA_DIST
 * and the like. Explained when the tag holds a script that runs gettextize and the release's file
 * is the tag's, line for line, with nothing but such names inserted into lines of the tag.
 */
import type { Difference } from '../compare.js'
import { bootstrapScripts, perTree } from './per-tree.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

/** what gettextize copies into a project, so what it lists in the project's makefiles */
const GETTEXT_FILES = new Set([
  'ABOUT-NLS',
  'config.rpath',
  'mkinstalldirs',
  ...[
    'build-to-host', 'codeset', 'extern-inline', 'fcntl-o', 'gettext', 'glibc2', 'glibc21', 'host-cpu-c-abi', 'iconv', 'intdiv0', 'intl', 'intldir', 'intlmacosx', 'intmax',
    'inttypes-pri', 'inttypes_h', 'lcmessage', 'lib-ld', 'lib-link', 'lib-prefix', 'lock', 'longlong', 'nls', 'po', 'printf-posix', 'progtest', 'size_max', 'stdint_h', 'threadlib',
    'uintmax_t', 'visibility', 'wchar_t', 'wint_t', 'xsize',
  ].map((m) => `${m}.m4`),
])

const MAKEFILE_AM = /(^|\/)Makefile\.am$/
const RUNS_GETTEXTIZE = /(?:^|[\s;&|`(])(?:\S*\/)?gettextize\b/m

/** The words inserted when `after` is `before` with words added; undefined when anything else changed. */
export function insertedWords(before: string, after: string): string[] | undefined {
  const a = before.split(/(\s+)/)
  const b = after.split(/(\s+)/)
  const words = (parts: string[]) => parts.filter((p, i) => i % 2 === 0 && p !== '')
  const [wa, wb] = [words(a), words(b)]
  const inserted: string[] = []
  let i = 0
  for (const w of wb) {
    if (i < wa.length && wa[i] === w) i++
    else inserted.push(w)
  }
  return i === wa.length ? inserted : undefined
}

/** Lines of `after` against `before`, paired one to one: how many gained only gettext file names; undefined when a line changed otherwise. */
export function gettextizeEdit(before: string, after: string): number | undefined {
  const a = before.split('\n')
  const b = after.split('\n')
  if (a.length !== b.length) return undefined
  let edited = 0
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue
    const inserted = insertedWords(a[i] ?? '', b[i] ?? '')
    if (!inserted || inserted.length === 0 || !inserted.every((w) => GETTEXT_FILES.has(w))) return undefined
    edited += 1
  }
  return edited > 0 ? edited : undefined
}

export function gettextizeExplainer(): Explainer {
  const runner = perTree(async (view: TreeView): Promise<string | undefined> => (await bootstrapScripts(view)).find((s) => RUNS_GETTEXTIZE.test(s.text))?.path)
  return {
    name: 'gettextize',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (difference.status !== 'content-differs' || !MAKEFILE_AM.test(difference.path)) return undefined
      const before = await view.sourceText(difference.path)
      const after = view.artifactText(difference.path)
      if (before === undefined || after === undefined) return undefined
      const edited = gettextizeEdit(before, after)
      if (edited === undefined) return undefined
      const script = await runner(view)
      if (!script) return undefined
      return explained(difference.path, 'dist-rewritten', `edited by gettextize, which ${script} runs: ${edited} line(s) of the tag's file with only the names of gettext's own files inserted`, false, true)
    },
  }
}
