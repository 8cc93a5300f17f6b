/**
 * @fileoverview Does a Makefile.in that automake wrote say what its Makefile.am says about what is
 * built? automake copies the variables a Makefile.am sets — what each program or library is made
 * from, linked with and compiled with, the directories built — into the Makefile.in word for word,
 * and writes the few it leaves unset as fixed defaults. A word in one of those variables that the
 * Makefile.am, with the fragments it includes, never writes was put there after automake ran: an
 * object linked into a library, a flag that includes a header from test data. Reading only: nothing
 * here runs automake.
 */
import type { Finding } from '../../model/finding.js'
import { dirnameOf, joinPath } from '../../util/paths.js'
import { makeAssignments, resolveWord } from './make-index.js'
import type { TreeView } from './types.js'

/** what automake copies from a Makefile.am (and configure's substitutions it writes as `@NAME@`) */
const COPIED = /^(?:[A-Za-z0-9_@]+_)?(?:SOURCES|LIBADD|LDADD|LDFLAGS|LIBTOOLFLAGS|CFLAGS|CPPFLAGS|CXXFLAGS|OBJCFLAGS|OBJCXXFLAGS|FCFLAGS|FFLAGS|CCASFLAGS|LFLAGS|YFLAGS|VALAFLAGS)$|^(?:SUBDIRS|BUILT_SOURCES|LIBS|LIBOBJS|LTLIBOBJS|DEFS|am__append_\d+)$/
/** the lists automake makes of every `*_SOURCES` itself */
const AUTOMAKE_LISTS: ReadonlySet<string> = new Set(['SOURCES', 'DIST_SOURCES'])
/** `@AM_CONDITION_TRUE@` before a line automake wrote for one branch of a Makefile.am's `if` */
const CONDITION_PREFIX = /^(?:@[A-Za-z0-9_]+@)+(?=[A-Za-z_])/gm
const SUBSTITUTION = /@[A-Za-z_][A-Za-z0-9_]*@/g
/** a conditional part automake names (`$(am__append_1)`), or a program's default libraries */
const AUTOMAKE_WORD = /^\$[({](?:am__\w+|LDADD)[)}]$/
/** the directories a fragment automake pastes in may be named from */
const PASTED_FROM = /^\$[({](?:top_)?srcdir[)}]\//
/** fragments a Makefile.am includes, followed this deep */
const MAX_INCLUDE_DEPTH = 8

export interface UncopiedWords {
  readonly variable: string
  /** the line of the Makefile.in where the variable is set */
  readonly line: number
  /** its value there, continuation lines joined */
  readonly value: string
  readonly words: readonly string[]
}

const wordsOf = (value: string): string[] => value.split(' ').filter((w) => w !== '')

/** a word configure fills in whole (`@LIBS@`, `-I@top_srcdir@`), or one automake writes */
const automakes = (word: string): boolean => word.replace(SUBSTITUTION, '') === '' || AUTOMAKE_WORD.test(word)

/**
 * The words of the variables automake copies that the Makefile.am texts (the file and every
 * fragment it includes) never write. A program whose `*_SOURCES` the Makefile.am leaves unset gets
 * automake's default (`prog.c`), which is not checked.
 */
export function wordsNotFromMakefileAm(makefileIn: string, makefileAm: readonly string[]): UncopiedWords[] {
  const written = new Set<string>()
  const assigned = new Set<string>()
  for (const text of makefileAm) {
    for (const a of makeAssignments(text)) {
      assigned.add(a.name)
      for (const w of wordsOf(a.value)) written.add(w)
    }
    // and every word of every line: a name built from a substitution (`libx_@API@_la_CFLAGS +=`) is
    // no assignment to the reader above, though automake copies its value all the same
    for (const w of text.split(/\s+/)) written.add(w)
  }
  const out: UncopiedWords[] = []
  for (const a of makeAssignments(makefileIn.replace(CONDITION_PREFIX, ''))) {
    if (!COPIED.test(a.name) || AUTOMAKE_LISTS.has(a.name)) continue
    if (a.name.endsWith('_SOURCES') && !assigned.has(a.name)) continue
    const words = wordsOf(a.value).filter((w) => !written.has(w) && !automakes(w))
    if (words.length > 0) out.push({ variable: a.name, line: a.line, value: a.value, words })
  }
  return out
}

/**
 * The Makefile.am and the fragments automake pastes into it, as the release has them (the tag's
 * where the release lacks one); undefined when one of them is in neither, so that no word is
 * judged without every text it may come from. automake pastes a fragment named literally or from
 * `$(srcdir)` or `$(top_srcdir)`, a relative name read from the Makefile.am's directory even inside
 * a fragment; a name through any other variable (`include $(INTROSPECTION_MAKEFILE)`), and make's
 * own `-include`, are left to make.
 */
export async function makefileAmTexts(path: string, view: TreeView): Promise<string[] | undefined> {
  const base = dirnameOf(path)
  const texts: string[] = []
  const seen = new Set<string>()
  const read = async (p: string, depth: number): Promise<boolean> => {
    if (seen.has(p)) return true
    seen.add(p)
    if (depth > MAX_INCLUDE_DEPTH) return false
    const text = view.artifactText(p) ?? (await view.sourceText(p))
    if (text === undefined) return false
    texts.push(text)
    for (const m of text.matchAll(/^include\s+(.+)$/gm)) {
      // `include $(srcdir)/x.am # an optional hook`: the comment names no file
      for (const word of (m[1] ?? '').replace(/\s+#.*$/, '').trim().split(/\s+/)) {
        if (PASTED_FROM.test(word) ? word.replace(PASTED_FROM, '').includes('$') : word.includes('$')) continue
        const [fragment] = resolveWord(word, [base])
        if (fragment === undefined || !(await read(fragment, depth + 1))) return false
      }
    }
    return true
  }
  return (await read(path, 0)) ? texts : undefined
}

/** the Makefile.am a Makefile.in names as its input (`# Makefile.in generated by automake … from Makefile.am.`) */
export const makefileAmOf = (makefileIn: string, input: string | undefined): string => joinPath(dirnameOf(makefileIn), input ?? 'Makefile.am')

/** at most this many characters of a variable's value in the evidence */
const SHOWN_VALUE = 240

/**
 * A high finding when a Makefile.in automake wrote builds with words its Makefile.am never writes;
 * undefined when they agree, or when a text the Makefile.am includes cannot be read.
 */
export async function uncopiedWordsFinding(path: string, text: string, input: string | undefined, view: TreeView): Promise<Finding | undefined> {
  const am = makefileAmOf(path, input)
  const sources = await makefileAmTexts(am, view)
  if (sources === undefined) return undefined
  const uncopied = wordsNotFromMakefileAm(text, sources)
  const first = uncopied[0]
  if (first === undefined) return undefined
  const named = first.words.slice(0, 3).join(' ')
  return {
    ruleId: 'verify/generated-disagrees',
    severity: 'high',
    confidence: 'high',
    path,
    line: first.line,
    message: `${first.variable} names ${named}${first.words.length > 3 ? ` and ${first.words.length - 3} more` : ''}, which ${am} never writes${uncopied.length > 1 ? ` (and ${uncopied.length - 1} more variable(s) likewise)` : ''}`,
    evidence: uncopied
      .map((u) => `${path}:${u.line}: ${u.variable} = ${u.value.length > SHOWN_VALUE ? `${u.value.slice(0, SHOWN_VALUE)}…` : u.value}\n  not in ${am}: ${u.words.join(' ')}`)
      .join('\n'),
    explanation: 'automake copies what a Makefile.am says each program or library is built from, linked with and compiled with into the Makefile.in word for word. A word only the Makefile.in has was added after automake ran, and make builds with it.',
    data: { input: am, variables: uncopied.map((u) => ({ name: u.variable, line: u.line, words: u.words })) },
  }
}
