/**
 * @fileoverview The files gnulib-tool copied into a release, read from the release's own
 * gnulib-comp.m4 (its `gl_FILE_LIST`, in gnulib's layout) and the directories its invocation
 * names (`--source-base=lib --tests-base=gnulib-tests …`, recorded in the makefile it wrote).
 * Only the list: whether each file is gnulib's is for the pinned gnulib repository to say.
 */
import { basenameOf, dirnameOf, joinPath } from '../util/paths.js'

const FILE_LIST = /AC_DEFUN\(\[gl_FILE_LIST\], \[\n([\s\S]*?)\n\]\)/g
const INVOCATION = /^#+\s*gnulib-tool --import\b(?:.*\\\n)*.*$/gm
const OPTION = /--(source-base|m4-base|tests-base|aux-dir|doc-base)=(\S+)/g
const MAX_LISTED = 50_000

/** where gnulib-tool puts each part of gnulib's layout when its invocation does not say */
const DEFAULT_BASES: Readonly<Record<string, string>> = { 'source-base': 'lib', 'tests-base': 'tests', 'aux-dir': 'build-aux', 'doc-base': 'doc' }

/** `lib/x.c` of gnulib's layout → its path in the release */
function placed(listed: string, bases: Readonly<Record<string, string>>): string | undefined {
  const m = /^(tests=lib|lib|tests|m4|build-aux|doc|top)\/(.+)$/.exec(listed)
  if (!m) return undefined
  const [, part, rest = ''] = m
  const base = { 'tests=lib': bases['tests-base'], lib: bases['source-base'], tests: bases['tests-base'], m4: bases['m4-base'], 'build-aux': bases['aux-dir'], doc: bases['doc-base'], top: '' }[part ?? '']
  return base === undefined ? undefined : joinPath(base, rest)
}

/** A file gnulib-tool's list names: where the list is, and the file's path in gnulib's own tree. */
export interface GnulibCopy {
  readonly list: string
  /** `lib/foo.c`, `m4/foo.m4`, `tests/test-foo.c` (a `tests=lib/` file is gnulib's `lib/`) */
  readonly name: string
}

/** The release paths gnulib-tool's list in the release names, with where the list is and gnulib's name for each. */
export function gnulibListed(paths: Iterable<string>, text: (path: string) => string | undefined): Map<string, GnulibCopy> {
  const all = [...paths]
  const bases: Record<string, string> = { ...DEFAULT_BASES }
  for (const path of all) {
    if (basenameOf(path) !== 'gnulib.mk' && !/(^|\/)Makefile\.am$/.test(path)) continue
    const t = text(path)
    if (!t?.includes('gnulib-tool --import')) continue
    for (const invocation of t.matchAll(INVOCATION)) for (const [, name = '', value = ''] of invocation[0].matchAll(OPTION)) bases[name] = value.replace(/\/+$/, '')
  }
  const listed = new Map<string, GnulibCopy>()
  for (const path of all) {
    if (basenameOf(path) !== 'gnulib-comp.m4') continue
    const t = text(path)
    if (!t) continue
    const withM4 = { ...bases, 'm4-base': bases['m4-base'] ?? dirnameOf(path) }
    for (const list of t.matchAll(FILE_LIST)) {
      for (const line of (list[1] ?? '').split('\n')) {
        const name = line.trim()
        const release = placed(name, withM4)
        if (release && listed.size < MAX_LISTED) listed.set(release, { list: path, name: name.replace(/^tests=lib\//, 'lib/') })
      }
    }
  }
  return listed
}
