/**
 * @fileoverview Does a Makefile.in that automake wrote say what its Makefile.am says about what is
 * built? automake copies the variables a Makefile.am sets — what each program or library is made
 * from, linked with and compiled with, the directories built — into the Makefile.in word for word,
 * and writes the few it leaves unset as fixed defaults. A word in one of those variables that the
 * Makefile.am, with the fragments it includes, never writes was put there after automake ran: an
 * object linked into a library, a flag that includes a header from test data. The compile and link
 * commands automake writes from its own templates (COMPILE, LINK, `prog_LINK`, DEFAULT_INCLUDES)
 * hold only references to other variables and a few fixed flags (DEFAULT_INCLUDES, below the build
 * tree's top, only the directories of the configuration headers configure.ac names), the object
 * lists it derives (`am_prog_OBJECTS`) only objects of sources the Makefile.am names, and the
 * variables configure substitutes (`CC = @CC@`) only configure's value. Reading only: nothing here
 * runs automake.
 */
import { posix } from 'node:path'
import type { Finding } from '../../model/finding.js'
import { dirnameOf, joinPath } from '../../util/paths.js'
import { installLinesNotFromTemplates, knownTemplateLines, valueLineKey, variableLinesNotFromTemplates } from './automake-install-lines.js'
import { prerequisitesNotFromTemplates, recipeWordsNotFromTemplates, type UntemplatedRecipe } from './automake-recipes.js'
import { configFilesNamed, configHeadersNamed, configureInputOf, type ConfigureInput } from './configure-outputs.js'
import { makeAssignments, resolveWord } from './make-index.js'
import { textForWords, type TreeView } from './types.js'

/** what automake copies from a Makefile.am (and configure's substitutions it writes as `@NAME@`) */
const COPIED = /^(?:[A-Za-z0-9_@]+_)?(?:SOURCES|LIBADD|LDADD|LDFLAGS|LIBTOOLFLAGS|CFLAGS|CPPFLAGS|CXXFLAGS|OBJCFLAGS|OBJCXXFLAGS|FCFLAGS|FFLAGS|CCASFLAGS|LFLAGS|YFLAGS|VALAFLAGS)$|^(?:SUBDIRS|BUILT_SOURCES|LIBS|LIBOBJS|LTLIBOBJS|DEFS|am__append_\d+)$/
/**
 * the variables a Makefile.am may set that automake's rules run: the test harness's on `make check`
 * (the tests' environment and redirection, each suffix's compiler and its options), and the options
 * every recursive make of automake's is given (`$(MAKE) $(AM_MAKEFLAGS) …`)
 */
const RUN_SLOT = /^(?:AM_)?TESTS_ENVIRONMENT$|^AM_TESTS_FD_REDIRECT$|^(?:AM_)?(?:[A-Z0-9_]+_)?LOG_(?:COMPILER|FLAGS)$|^AM_MAKEFLAGS$/
/** a fragment's name for its own directory, relative to the Makefile.am that includes it */
const RELDIR = /^%(?:reldir|D)%\/(.+)$/
/** what automake appends to a program's name in the lists it copies (`bin_PROGRAMS`, `TESTS`) */
const EXEEXT = /\$\(EXEEXT\)$/
/** the lists automake makes of every `*_SOURCES` itself */
const AUTOMAKE_LISTS: ReadonlySet<string> = new Set(['SOURCES', 'DIST_SOURCES'])
/** `@AM_CONDITION_TRUE@` before a line automake wrote for one branch of a Makefile.am's `if` */
const CONDITION_PREFIX = /^(?:@[A-Za-z0-9_]+@)+(?=[A-Za-z_])/gm
const SUBSTITUTION = /@[A-Za-z_][A-Za-z0-9_]*@/g
/**
 * the values older automakes wrote themselves for names configure substitutes too: automake 1.6's
 * `oldincludedir = /usr/include`, the way up to the top of the build tree before 1.10
 * (`top_builddir = ../..`), and the program the ansi2knr option names from another directory
 * (`AUTOMAKE_OPTIONS = ../lib/ansi2knr` → `ANSI2KNR = ../lib/ansi2knr`)
 */
const AUTOMAKE_OWN_VALUE: Readonly<Record<string, (word: string, makefile: { written: ReadonlySet<string>; topBuilddir?: string }) => boolean>> = {
  oldincludedir: (word) => word === '/usr/include',
  top_builddir: (word, { topBuilddir }) => word === topBuilddir,
  ANSI2KNR: (word, { written }) => /(^|\/)ansi2knr$/.test(word) && written.has(word),
}
/** a conditional part automake names (`$(am__append_1)`), or a program's default libraries */
const AUTOMAKE_WORD = /^\$[({](?:am__\w+|LDADD)[)}]$/
/** the directories a fragment automake pastes in may be named from */
const PASTED_FROM = /^\$[({](?:top_)?srcdir[)}]\//
/**
 * commands automake writes from its templates when a Makefile.am leaves them unset: how each
 * language compiles (COMPILE, LTCOMPILE, CXXCOMPILE…) and links (LINK, CCLD, `prog_LINK`…), and
 * where headers are looked for first (DEFAULT_INCLUDES)
 */
const TEMPLATE = /^(?:[A-Z0-9]*COMPILE|[A-Z0-9]*LINK|[A-Z0-9]*LD|[A-Za-z0-9_@]+_LINK|DEFAULT_INCLUDES)$/
/**
 * what a program or library is remade after (`libfoo_la_DEPENDENCIES`, `EXTRA_foo_DEPENDENCIES`,
 * automake's `am__DEPENDENCIES_N`), and `configure` and `config.status` after: make runs the rule of
 * each word first, so a rule of any kind is hooked into the build by naming it here
 */
const DEPENDENCY_LIST = /^(?:[A-Za-z0-9_@]+_DEPENDENCIES|am__DEPENDENCIES_\d+)$/
/** the libraries a program or library is linked with, which automake derives its dependencies from */
const LINK_LIST = /(?:^|_)(?:LIBADD|LDADD)$/
/** the object lists automake derives from the sources of each program and library */
const OBJECT_LIST = /^(?:[A-Za-z0-9_@]+_OBJECTS|am__objects_\d+)$/
/** a whole reference to another variable (`$(CC)`, `${AM_CFLAGS}`), which make expands */
const REFERENCE = /^\$(?:\([^()\s]+\)|\{[^{}\s]+\})$/
/**
 * the words of automake's templates that are not references: the output flag and target, libtool's
 * tag and mode, and the header directories of the build tree (`-I.`, `-I$(srcdir)`, `-I$(top_builddir)`)
 */
const TEMPLATE_WORD = /^(?:-o|\$@|--tag=\w+|--mode=(?:compile|link)|-I(?:\.|\$\(srcdir\)|\$\(top_builddir\))(?:@am__isrc@)?)$/
/**
 * the directory of a configuration header below the top of the build tree, which automake puts in
 * DEFAULT_INCLUDES for each header configure.ac names outside the Makefile's own directory
 */
const HEADER_DIRECTORY = /^-I\$\(top_builddir\)\/([\w.+/-]+)$/
/** is this directory, below `$(top_builddir)`, where a configuration header is written? */
type HeaderDirectory = (dir: string) => boolean
/** when the configuration headers are not known, any directory of the build tree */
const ANY_DIRECTORY: HeaderDirectory = () => true
const headerDirectoryOf = (word: string): string | undefined => {
  const dir = HEADER_DIRECTORY.exec(word)?.[1]?.replace(/\/+$/, '')
  return dir === undefined || dir.split('/').some((segment) => segment === '..' || segment === '') ? undefined : dir
}
/** an object automake names after its source: `file.$(OBJEXT)`, `lib_la-file.lo`, old ansi2knr's `file$U.o` */
const OBJECT = /^(.*?)(?:\$U|\$\{U\})?\.(?:\$\(OBJEXT\)|\$\{OBJEXT\}|@OBJEXT@|lo|o|obj)$/
/** a substitution reference (`$(headers:.h=_moc.cpp)`), which automake expands in a list of sources: what it turns names into */
const SUBSTITUTION_REFERENCE = /\$[({][A-Za-z0-9_@]+:[^=)}]*=([^)}]*)[)}]/g
/** fragments a Makefile.am includes, followed this deep */
const MAX_INCLUDE_DEPTH = 8

/** where a variable's words must come from: the Makefile.am's, automake's template for a command, the sources an object list is derived from, or configure alone */
export type WordOrigin = 'copied' | 'template' | 'objects' | 'substituted' | 'derived'

export interface UncopiedWords {
  readonly variable: string
  readonly origin: WordOrigin
  /** the line of the Makefile.in where the variable is set */
  readonly line: number
  /** its value there, continuation lines joined */
  readonly value: string
  readonly words: readonly string[]
}

const wordsOf = (value: string): string[] => value.split(' ').filter((w) => w !== '')

/** a word configure fills in whole (`@LIBS@`, `-I@top_srcdir@`), or one automake writes */
const automakes = (word: string): boolean => word.replace(SUBSTITUTION, '') === '' || AUTOMAKE_WORD.test(word)

/** `dir/file.c` → `file` */
const stemOf = (word: string): string => (word.split('/').pop() ?? '').replace(/\.[^.]*$/, '')

interface SourceNames {
  /** the stems of every word the Makefile.am texts write */
  readonly stems: ReadonlySet<string>
  /** what their substitution references append to a stem (`_moc` of `$(h:.h=_moc.cpp)`) */
  readonly suffixes: readonly string[]
}

function sourceNames(written: ReadonlySet<string>, makefileAm: readonly string[]): SourceNames {
  const suffixes = new Set<string>()
  for (const text of makefileAm) for (const m of text.matchAll(SUBSTITUTION_REFERENCE)) suffixes.add(stemOf((m[1] ?? '').replace('%', '')))
  suffixes.delete('')
  return { stems: new Set([...written].map(stemOf)), suffixes: [...suffixes] }
}

/**
 * Is this an object automake derives from a source the Makefile.am names? Its name is the source's
 * stem, after a per-target prefix (`libfoo_la-`) when the target has flags of its own.
 */
function objectOfNamedSource(word: string, names: SourceNames): boolean {
  const object = OBJECT.exec(word.split('/').pop() ?? '')?.[1]
  if (object === undefined) return false
  const dash = object.indexOf('-')
  const named = (stem: string): boolean => names.stems.has(stem) || names.suffixes.some((s) => stem.endsWith(s) && names.stems.has(stem.slice(0, -s.length)))
  return named(object) || (dash > 0 && named(object.slice(dash + 1)))
}

/** what else a Makefile.in is judged by, where it is known */
export interface JudgedBy {
  /** the directories below the top of the build tree a configuration header is written to */
  readonly headerDirectory?: HeaderDirectory
  /** the variables the package's configure substitutes */
  readonly substituted?: ReadonlySet<string> | undefined
  /** the way from the Makefile's directory up to the package's (`..`) */
  readonly topBuilddir?: string | undefined
  /** configure.ac names the Makefile as an output: every variable the Makefile.am sets is judged, not only those the build reads */
  readonly made?: boolean
  /** the hashed lines of automake's templates, whose variables' lines (`pkgdatadir = $(datadir)/@PACKAGE@`) are automake's */
  readonly templateLines?: ReadonlySet<string>
}

/**
 * The words of the variables automake copies that the Makefile.am texts (the file and every
 * fragment it includes) never write. A program whose `*_SOURCES` the Makefile.am leaves unset gets
 * automake's default (`prog.c`), which is not checked.
 */
export function wordsNotFromMakefileAm(
  makefileIn: string,
  makefileAm: readonly string[],
  { headerDirectory = ANY_DIRECTORY, substituted, topBuilddir, made = false, templateLines = knownTemplateLines() }: JudgedBy = {},
): UncopiedWords[] {
  const written = new Set<string>()
  // the words of the values the Makefile.am texts set, whatever the variable (a conditional `+=` becomes automake's `am__append_N`),
  // and of what they comment out there (a stale Makefile.in still lists it)
  const valued = new Set<string>()
  const assigned = new Set<string>()
  for (const text of makefileAm) {
    for (const a of makeAssignments(text)) {
      assigned.add(a.name)
      for (const w of wordsOf(a.value)) {
        written.add(w)
        valued.add(w)
      }
      for (const w of wordsOf(a.comment)) valued.add(w.replace(/^#+/, ''))
    }
    // and every word of every line: a name built from a substitution (`libx_@API@_la_CFLAGS +=`) is
    // no assignment to the reader above, though automake copies its value all the same
    for (const w of text.split(/\s+/)) written.add(w)
  }
  // a fragment's `%reldir%/x` (`%D%/x`) is x below the fragment's directory, which the including Makefile.am's path decides
  const belowFragment = [...valued].flatMap((w) => RELDIR.exec(w)?.[1] ?? [])
  const fromValues = (w: string): boolean => valued.has(w) || belowFragment.some((tail) => w === tail || w.endsWith(`/${tail}`))
  const names = sourceNames(written, makefileAm)
  let linked: ReadonlySet<string> | undefined
  // a variable the Makefile.am sets is copied; one it leaves unset is automake's own
  const copied = (w: string): boolean => written.has(w) || automakes(w)
  const rule = (name: string, value: string): { origin: WordOrigin; ok: (word: string) => boolean } | undefined => {
    // automake writes `CC = @CC@` for each variable configure substitutes that the Makefile.am leaves unset: configure's value, whole,
    // whether the Makefile.in still holds `@CC@` or a value put in its place
    if (!assigned.has(name) && (value.includes(`@${name}@`) || substituted?.has(name) === true)) {
      const own = AUTOMAKE_OWN_VALUE[name]
      const makefile = topBuilddir === undefined ? { written } : { written, topBuilddir }
      return { origin: 'substituted', ok: (w) => w.replace(SUBSTITUTION, '') === '' || (own?.(w, makefile) ?? false) }
    }
    if (AUTOMAKE_LISTS.has(name) || (name.endsWith('_SOURCES') && !assigned.has(name))) return undefined
    // automake derives a program's dependencies from what it is linked with, the Makefile.am's variables in it expanded, and
    // writes its own lists (`$(am__DEPENDENCIES_1)`) for what configure substitutes there
    if (DEPENDENCY_LIST.test(name) && !assigned.has(name)) return { origin: 'derived', ok: (w) => (linked ??= linkedWords(makefileIn)).has(w) || automakes(w) }
    const own = TEMPLATE.test(name) ? 'template' : OBJECT_LIST.test(name) ? 'objects' : undefined
    if (COPIED.test(name) || (own !== undefined && assigned.has(name))) return { origin: 'copied', ok: copied }
    // any other variable the Makefile.am texts set is copied, and those automake's rules run are theirs or none: words of their values
    // alone, in a Makefile.in configure makes a Makefile of (a stale one nothing reads may list what the Makefile.am no longer does)
    if (own === undefined) {
      const judged = made && (assigned.has(name) || RUN_SLOT.test(name)) && !templateLines.has(valueLineKey(`${name} = ${value}`))
      return judged ? { origin: 'copied', ok: (w) => fromValues(w) || fromValues(w.replace(EXEEXT, '')) || automakes(w) } : undefined
    }
    if (own === 'template') {
      const inHeaderDirectory = (w: string): boolean => {
        const dir = headerDirectoryOf(w)
        return dir !== undefined && headerDirectory(dir)
      }
      return { origin: own, ok: (w) => REFERENCE.test(w) || TEMPLATE_WORD.test(w) || inHeaderDirectory(w) || automakes(w) }
    }
    return { origin: own, ok: (w) => REFERENCE.test(w) || automakes(w) || objectOfNamedSource(w, names) }
  }
  const out: UncopiedWords[] = []
  for (const a of makeAssignments(makefileIn.replace(CONDITION_PREFIX, ''))) {
    const check = rule(a.name, a.value)
    if (check === undefined) continue
    const words = wordsOf(a.value).filter((w) => !check.ok(w))
    if (words.length > 0) out.push({ variable: a.name, origin: check.origin, line: a.line, value: a.value, words })
  }
  return out
}

/**
 * The words of every list a program or library is linked with (`*_LIBADD`, `*_LDADD`, `LDADD`) in
 * a Makefile.in, with the variables they refer to expanded as automake expands them when it derives
 * the dependencies, substitution references (`$(CELT_SOURCES:.c=.lo)`) included; each reference
 * kept as well, and each variable expanded once.
 */
function linkedWords(makefileIn: string): Set<string> {
  const values = new Map<string, string[]>()
  for (const a of makeAssignments(makefileIn.replace(CONDITION_PREFIX, ''))) values.set(a.name, [...(values.get(a.name) ?? []), ...wordsOf(a.value)])
  const expansions = new Map<string, readonly string[]>()
  // words written out in all, however the variables nest: a chain of references each holding the next would otherwise grow with its square
  let budget = MAX_EXPANDED_WORDS
  const expanded = (name: string, depth = 0): readonly string[] => {
    const known = expansions.get(name)
    if (known !== undefined) return known
    if (depth > MAX_EXPANSION_DEPTH) return []
    // a variable that refers to itself, through others or not, is read once
    expansions.set(name, [])
    const out: string[] = []
    const add = (w: string): void => {
      if (budget-- > 0) out.push(w)
    }
    for (const w of values.get(name) ?? []) {
      add(w)
      const substitution = SUBSTITUTION_REFERENCE_WORD.exec(w)
      if (substitution !== null) {
        const [, listed = '', from = '', to = ''] = substitution
        for (const v of expanded(listed, depth + 1)) if (v.endsWith(from)) add(`${v.slice(0, v.length - from.length)}${to}`)
      } else if (REFERENCE.test(w)) for (const v of expanded(w.slice(2, -1), depth + 1)) add(v)
    }
    expansions.set(name, out)
    return out
  }
  const lists = [...values.keys()].filter((name) => LINK_LIST.test(name))
  // where a derived list's words are those of a link list the Makefile.am sets, automake may name that list instead
  // (libmicrohttpd's `test_get_wait_DEPENDENCIES = $(am__DEPENDENCIES_1) $(test_get_response_cleanup_LDADD)`)
  return new Set([...lists.flatMap((name) => expanded(name)), ...lists.flatMap((name) => [`$(${name})`, `\${${name}}`])])
}

/** at most this many words of expanded link lists: past it, a dependency is judged by what was expanded (and reported if not there) */
const MAX_EXPANDED_WORDS = 2_000_000
/** and references followed this deep (a Makefile.am nests a few): past it, what a variable refers to is not expanded */
const MAX_EXPANSION_DEPTH = 64
/** a substitution reference, whole: `$(SOURCES_SSE:.c=.lo)` */
const SUBSTITUTION_REFERENCE_WORD = /^\$[({]([A-Za-z0-9_@]+):([^=(){}\s]*)=([^(){}\s]*)[)}]$/

/**
 * The Makefile.am and the fragments automake pastes into it, as the release has them (the tag's
 * where the release lacks one); undefined when one of them is in neither, so that no word is
 * judged without every text it may come from. automake pastes a fragment named literally or from
 * `$(srcdir)` or `$(top_srcdir)`, a relative name read from the Makefile.am's directory even inside
 * a fragment; a name through any other variable (`include $(INTROSPECTION_MAKEFILE)`), and make's
 * own `-include`, are left to make.
 */
export async function makefileAmTexts(path: string, view: TreeView): Promise<MakefileAmText[] | undefined> {
  const base = dirnameOf(path)
  const texts: MakefileAmText[] = []
  const seen = new Set<string>()
  const read = async (p: string, depth: number): Promise<boolean> => {
    if (seen.has(p)) return true
    seen.add(p)
    if (depth > MAX_INCLUDE_DEPTH) return false
    const text = await textForWords(view, p)
    if (text === undefined) return false
    texts.push({ text, reldir: posix.relative(base === '' ? '.' : base, dirnameOf(p) === '' ? '.' : dirnameOf(p)) || '.' })
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

/** a Makefile.am or a fragment it includes, with the fragment's directory relative to the Makefile.am's (`.` for the same) */
export interface MakefileAmText {
  readonly text: string
  readonly reldir: string
}

/**
 * A Makefile.am text as automake reads it: where the fragment names its own directory
 * (`%reldir%`, `%D%`) and that name made canonical (`%canon_reldir%`, `%C%`), the fragment's
 * directory put in, and `%reldir%/x`, `%C%_x` made `x` in the Makefile.am's own directory.
 */
export function asAutomakeReads({ text, reldir }: MakefileAmText): string {
  const here = reldir === '.' ? text.replace(/%(?:D|reldir)%\//g, '').replace(/%(?:C|canon_reldir)%_/g, '') : text
  const canonical = reldir.replace(/[^A-Za-z0-9_@]/g, '_')
  return here.replace(/%(?:D|reldir)%/g, () => reldir).replace(/%(?:C|canon_reldir)%/g, () => canonical)
}

/** the Makefile.am a Makefile.in names as its input (`# Makefile.in generated by automake … from Makefile.am.`) */
export const makefileAmOf = (makefileIn: string, input: string | undefined): string => joinPath(dirnameOf(makefileIn), input ?? 'Makefile.am')

/** A generated file that says what its inputs do not: high, whatever the generator. */
export const disagreementFinding = (finding: Pick<Finding, 'path' | 'line' | 'message' | 'evidence' | 'explanation' | 'data'>): Finding => ({
  ruleId: 'verify/generated-disagrees',
  severity: 'high',
  confidence: 'high',
  ...finding,
})

/**
 * The configuration headers the configure.ac of the package a Makefile.in belongs to names, relative
 * to the top of its build tree; undefined when there is no configure.ac or it names a header through
 * a variable: nothing is judged without what it is judged by.
 */
function configHeadersOf(configure: ConfigureInput | undefined): readonly string[] | undefined {
  const named = configure === undefined ? undefined : configHeadersNamed(configure.text)
  return named === undefined || named.unread ? undefined : named.headers
}

/** where those headers and the ones `macroHeaders` name (macros configure.ac calls) are written; none when none is named */
function inDirectoryOf(headers: readonly string[] | undefined, macroHeaders: readonly string[] = []): HeaderDirectory {
  if (headers === undefined) return ANY_DIRECTORY
  const dirs = new Set([...headers, ...macroHeaders].map((header) => dirnameOf(header.replace(/^\.\//, ''))))
  return (dir) => dirs.has(dir)
}

/** What a Makefile.in is judged by beyond its Makefile.am, read once per run: from the package's macros and its configure. */
export interface AutomakePackages {
  /** the configuration headers the project's macros name */
  macroHeaders(): Promise<readonly string[]>
  /** the variables the package's configure substitutes, or, when the release has none to read, those its configure.ac is sure to */
  substituted(configure: ConfigureInput): Promise<ReadonlySet<string>>
}

/** `..` for each directory from `top` down to `dir` below it (`.` for `top` itself) */
function upTo(top: string, dir: string): string | undefined {
  const below = top === '' ? dir : dir.startsWith(`${top}/`) ? dir.slice(top.length + 1) : dir === top ? '' : undefined
  if (below === undefined) return undefined
  return below === '' ? '.' : below.split('/').map(() => '..').join('/')
}

/** at most this many characters of a variable's value in the evidence */
const SHOWN_VALUE = 240

/**
 * A high finding when a Makefile.in automake wrote builds with words its Makefile.am never writes,
 * in a variable or in a compile or link recipe of automake's; undefined when they agree, or when a
 * text the Makefile.am includes cannot be read.
 */
export async function uncopiedWordsFinding(path: string, text: string, input: string | undefined, view: TreeView, packages: AutomakePackages): Promise<Finding | undefined> {
  const am = makefileAmOf(path, input)
  const texts = await makefileAmTexts(am, view)
  if (texts === undefined) return undefined
  const sources = texts.map((t) => t.text)
  // the rules and the variables of automake's templates are judged by the texts as automake read them
  const read = texts.map(asAutomakeReads)
  const configure = await configureInputOf(path, view)
  const substituted = configure === undefined ? undefined : await packages.substituted(configure)
  // configure.ac's headers, read once and only when a check needs them: a Makefile.in that names a directory
  // below the top of the build tree, or a prerequisite of automake's rules that is none of automake's own
  let headersRead: { headers: readonly string[] | undefined } | undefined
  const configHeaders = (): readonly string[] | undefined => (headersRead ??= { headers: configHeadersOf(configure) }).headers
  const headers = text.includes('-I$(top_builddir)/') ? configHeaders() : undefined
  const topBuilddir = configure === undefined ? undefined : upTo(configure.dir, dirnameOf(path))
  const made = configure !== undefined && configFilesNamed(configure.text).includes(posix.relative(configure.dir, path.replace(/\.in$/, '')))
  let uncopied = wordsNotFromMakefileAm(text, sources, { headerDirectory: inDirectoryOf(headers), substituted, topBuilddir, made })
  // a macro may name headers too (a library's setup macro names its own): read only when configure.ac's do not account for one
  if (headers !== undefined && uncopied.some((u) => u.origin === 'template' && u.words.some((w) => headerDirectoryOf(w) !== undefined))) {
    uncopied = wordsNotFromMakefileAm(text, sources, { headerDirectory: inDirectoryOf(headers, await packages.macroHeaders()), substituted, topBuilddir, made })
  }
  const untemplated = [...prerequisitesNotFromTemplates(text, read, configHeaders), ...recipeWordsNotFromTemplates(text, read), ...installLinesNotFromTemplates(text, read), ...variableLinesNotFromTemplates(text, read)]
  const first = uncopied[0]
  if (first === undefined) return untemplated.length === 0 ? undefined : untemplatedRecipeFinding(path, am, untemplated)
  const named = first.words.slice(0, 3).join(' ')
  const which: Record<WordOrigin, string> = {
    copied: `which ${am} never writes`,
    template: `which automake's command for it never holds and ${am} never writes`,
    objects: `an object of no source ${am} names`,
    substituted: `where automake writes only configure's value (${first.variable} = @${first.variable}@) and ${am} never sets it`,
    derived: `which is in none of the lists automake derives ${first.variable} from (what is linked: *_LIBADD, *_LDADD) and ${am} never sets it`,
  }
  return disagreementFinding({
    path,
    line: first.line,
    message: `${first.variable} names ${named}${first.words.length > 3 ? ` and ${first.words.length - 3} more` : ''}, ${which[first.origin]}${uncopied.length > 1 ? ` (and ${uncopied.length - 1} more variable(s) likewise)` : ''}`,
    evidence: [
      ...uncopied.map((u) => `${path}:${u.line}: ${u.variable} = ${shown(u.value)}\n  not in ${am}: ${u.words.join(' ')}`),
      ...untemplated.map((r) => recipeEvidence(path, am, r)),
    ].join('\n'),
    explanation:
      "automake copies what a Makefile.am says each program or library is built from, linked with and compiled with into the Makefile.in word for word, and every other variable it sets; the compile and link commands it writes itself hold only references to those variables and a few fixed flags, and its object lists only objects of the sources the Makefile.am names. The variables its rules run that only a Makefile.am sets (the tests' environment and compilers, which make check runs, and AM_MAKEFLAGS) hold nothing else either. A word only the Makefile.in has was added after automake ran, and make builds or checks with it.",
    data: { input: am, variables: uncopied.map((u) => ({ name: u.variable, line: u.line, words: u.words })), recipes: untemplated.map(recipeData) },
  })
}

const shown = (text: string): string => (text.length > SHOWN_VALUE ? `${text.slice(0, SHOWN_VALUE)}…` : text)
const recipeEvidence = (path: string, am: string, r: UntemplatedRecipe): string =>
  `${path}:${r.line}: ${shown(r.text.trim())}\n  ${r.recipeless === true ? `automake writes no recipe for ${r.target}` : `not in ${r.own === true ? `${am}'s or automake's` : "automake's"} ${r.variable === true ? 'variable' : 'rule for'} ${r.target}`}: ${r.words.join(' ')}`
const recipeData = (r: UntemplatedRecipe) => ({
  target: r.target,
  line: r.line,
  words: r.words,
  ...(r.variable === true ? { variable: true } : {}),
  ...(r.own === true ? { own: true } : {}),
  ...(r.recipeless === true ? { recipeless: true } : {}),
})
/** what automake wrote that holds the words: a rule's recipe or a template's variable */
const writtenFor = (r: UntemplatedRecipe, am: string): string =>
  r.variable === true ? `the variable ${r.target} automake sets` : r.own === true ? `the rule ${am} writes for ${r.target}` : `the rule automake wrote for ${r.target}`

/** why the first such line is no one's */
const nobodyWrites = (r: UntemplatedRecipe, am: string): string =>
  r.variable === true
    ? `which automake never gives it, and ${am} has no value of its own for it`
    : r.own === true
      ? `which neither ${am} (with the fragments it includes) nor automake writes there, though automake copies such a rule word for word`
      : r.recipeless === true
        ? `though automake writes that rule with no recipe (a recipe there runs instead of the compiler or the test, or while configure runs), and ${am} has no rule of its own for it`
        : `which no template of automake writes, and ${am} has no rule of its own for it`

/** A high finding for recipes automake wrote (compile, link, install) or variables of its templates that hold what none of its templates writes. */
function untemplatedRecipeFinding(path: string, am: string, recipes: readonly UntemplatedRecipe[]): Finding {
  const [first, ...rest] = recipes as [UntemplatedRecipe, ...UntemplatedRecipe[]]
  return disagreementFinding({
    path,
    line: first.line,
    message: `${writtenFor(first, am)} holds ${first.words.slice(0, 3).join(' ')}${first.words.length > 3 ? ` and ${first.words.length - 3} more word(s)` : ''}, ${nobodyWrites(first, am)}${rest.length > 0 ? ` (and ${rest.length} more line(s) likewise)` : ''}`,
    evidence: recipes.map((r) => recipeEvidence(path, am, r)).join('\n'),
    explanation:
      "automake writes the rules that compile each source and link each program or library from fixed templates: references to variables (which hold the Makefile.am's words), the rule's object and source, dependency-tracking files and a few fixed options. Its rules that build, install and check the directory (all-am, install-exec-am…) name only its own steps, the configuration headers and the Makefile.am's -local rules. Its rules that install and uninstall each directory's programs, libraries, scripts, data and man pages (install-binPROGRAMS, uninstall-man1…) and everything (install-exec-am, installdirs…) hold, line for line, what one of its templates writes, with the directory's name put in; make install usually runs them as root. So do its rules that remake the Makefile and configure, make the configuration header from its stamp and stamp the build directories, which make runs as it builds, and the rules of its test harness (check-TESTS, each test's log rule), which make check runs on every distribution's build. It writes some rules with no recipe at all: an object's wait for its directory's stamps, the dependency files config.status makes while configure runs (am--depfiles), the inputs of aclocal.m4 and of the Makefile, the tests' logs remade on recheck; make runs a recipe given to one of those instead of compiling the object or running the test. Its rules that make the tag files and the manuals in other formats (tags, ID, cscope, pdf, html…) come from its templates too. The variables its templates set (NORMAL_INSTALL, am__mv, am__uninstall_files_from_dir…), which those rules run, hold their templates' lines too, and those its program writes (the silent-rules variables, the test harness's LOG_DRIVER and LOG_COMPILE) the values it gives them. A rule the Makefile.am writes itself is copied word for word, with only automake's own lines added. A define, an object, a source or a command in such a recipe, or a prerequisite in such a rule, that no template and no line of the Makefile.am writes was added after automake ran, and make runs it.",
    data: { input: am, variables: [], recipes: recipes.map(recipeData) },
  })
}
