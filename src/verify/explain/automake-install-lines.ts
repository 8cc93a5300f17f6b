/**
 * @fileoverview The rules automake writes to install and uninstall what a Makefile.am lists
 * (`install-binPROGRAMS`, `install-dist_docDATA`, `uninstall-man1`…) and everything
 * (`install-exec-am`, `installdirs`, `install-strip`…) come line for line from its templates
 * (`lib/am/progs.am`, `data.am`, `mans.am`, `install.am`…), with the directory's name, the
 * primary and the man section put in. So do the rules `make` runs as it builds (remaking the
 * Makefile and configure, the configuration header from its stamp, the build directories' stamps,
 * the loop over subdirectories), those of the test harness `make check` runs (`check-TESTS`, each
 * test's log rule), those `make clean` and `make distclean` run, and the variables those templates
 * set, which the rules run (`NORMAL_INSTALL = :`, `am__mv = mv -f`). The few rules automake's
 * program writes itself (`all`, `check-am`, the removals of what a Makefile.am lists) are held to
 * their shapes. So do the rules that make a manual from Texinfo, a parser from a grammar, the tags
 * and the dependency files' placeholders, and the rules automake writes with no recipe (an object's
 * wait for its directory's stamps, `am--depfiles`) hold no line at all.
 * `make install` usually runs as root and distributions run `make check` on every build, so a line
 * no template writes — a `chmod 4755`, a copy into `/etc` or over a built library, a document run —
 * is a change made after automake ran.
 *
 * The templates of every automake release are known as hashes of their lines
 * (`data/automake-install-lines.txt`) and the names of the variables they set
 * (`data/automake-variables.txt`), made by `scripts/automake-install-lines.ts`, joined with the
 * templates of the automake installed here. A Makefile.in line is looked up the same way, with the
 * rule's own directory name put back as the placeholder. Reading only: nothing here runs automake.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { oneBlankBeforeContinuation, withoutContinuation } from '../../util/blanks.js'
import { bundledList } from '../../util/bundled-data.js'
import { escapeRegExp } from '../../util/regexp.js'
import { installedFiles } from '../../util/installed-files.js'
import { ruleOf } from '../../rules/shell/make.js'
import { ASSIGNMENT, asConfigured, continuedLines, DIST_RULE, compileRuleOf, joined, makefileAmRuleFor, STAMPED_HEADER_RULE, VERSION_TEXI, writtenByMakefileAm, type UntemplatedRecipe } from './automake-recipes.js'

/** the list of hashed template lines of every automake release */
export const INSTALL_LINES_FILE = 'automake-install-lines.txt'
/** the list of the variables automake's templates set */
export const VARIABLES_FILE = 'automake-variables.txt'
/** where an installed automake keeps its templates (`/usr/share/automake-1.16/am`) */
const INSTALL_ROOTS = ['/usr/share', '/usr/local/share']
/** the newest release the bundled lists hold, as their first line names it (`… v1.18.1)`) */
const NEWEST_LISTED = /v(\d+)\.(\d+)[.\d]*\)/

/** the primaries of what is installed, each with the singular automake writes in `INSTALL_%ONE_PRIMARY%` */
const PRIMARIES: ReadonlyMap<string, string> = new Map([
  ['PROGRAMS', 'PROGRAM'],
  ['LTLIBRARIES', 'LTLIBRARY'],
  ['LIBRARIES', 'LIBRARY'],
  ['SCRIPTS', 'SCRIPT'],
  ['DATA', 'DATA'],
  ['HEADERS', 'HEADER'],
  ['LISP', 'LISP'],
  ['PYTHON', 'PYTHON'],
  ['JAVA', 'JAVA'],
])
/** the man sections automake knows (`man_MANS` pages go to `man1`…`man9`, `mann`, `manl`) */
const MAN_SECTIONS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'n', 'l']
/** a rule automake writes for one directory and primary: `install-nobase_dist_pkgdataDATA`, `clean-noinstLTLIBRARIES` */
const DIRECTORY_RULE = new RegExp(`^((?:install|uninstall|installcheck|(?:mostly|dist|maintainer-)?clean)-((?:nobase_|nodist_|dist_|notrans_)*)([\\w@]*?)(${[...PRIMARIES.keys()].join('|')})):(?![=:])`)
/** automake's rules that install, uninstall or make the directories of everything a Makefile.in lists, and its manuals */
const FIXED_RULE = /^((?:install|uninstall|installcheck)-(?:(?:exec|data|info|html|dvi|pdf|ps)-)?am|install-strip|installdirs(?:-am)?|(?:install|uninstall)-man):(?![=:])/
/**
 * automake's rules that run while `make` builds: remaking the Makefile, configure and aclocal.m4
 * when their inputs change, the configuration header from its stamp, and the stamps of the build
 * directories; what fills their lines (automake's options, the Makefile's path, the stamp's name,
 * the directory) is masked on both sides
 */
const BUILD_RULES: readonly RegExp[] = [
  /^(Makefile|\$\(srcdir\)\/Makefile\.in|\$\(top_srcdir\)\/configure|\$\(ACLOCAL_M4\)|\$\(top_builddir\)\/config\.status|am--refresh|(?:[^\s:=#$]+\/)?stamp-h\d*):(?![=:])/,
  // a file configure makes from a template (`AC_CONFIG_FILES([src/version.h])`), remade through config.status
  /^([^\s:=#]+):[ \t]+\$\(top_builddir\)\/config\.status[ \t]+[^\s:=#]+[ \t]*$/,
  STAMPED_HEADER_RULE,
  /^(\$\((?:top_)?srcdir\)\/\S+):\s+(?:@MAINTAINER_MODE_TRUE@\s+)?\$\(am__configure_deps\)(?:\s+\$\(top_srcdir\)\/acconfig\.h)?\s*$/,
  /^((\S+?)\/\$\(am__dirstamp\)):(?![=:])/,
]
/**
 * automake's rules that run the tests as `make check` runs them (distributions' builds do): the
 * harness's own (`check-TESTS`, `$(TEST_SUITE_LOG)`, `recheck`), and the rule of each test's log,
 * for a suffix (`.test.log:`, `.sh$(EXEEXT).log:`) or for one test (`t-version.log: t-version$(EXEEXT)`);
 * the test's name and the driver, its options and its compiler are filled in
 */
const CHECK_RULES: readonly RegExp[] = [
  /^(check-TESTS|recheck|\$\(TEST_SUITE_LOG\)|\.log\.trs|am--force-recheck):(?![=:])/,
  /^(\.[\w+-]+(?:\$\(EXEEXT\))?\.log):[ \t]*$/,
  /^([^\s:=#$]+\.log):[ \t]+[^\s:=#]+[ \t]*$/,
]
/**
 * automake's rules that have no recipe at all: the build directories' stamps an object in a
 * subdirectory waits for (`lib/x.lo: lib/$(am__dirstamp) lib/$(DEPDIR)/$(am__dirstamp)`), the
 * dependency files `config.status` makes while `configure` runs (`am--depfiles:`), the inputs of
 * `aclocal.m4` and of the Makefile (`$(am__aclocal_m4_deps):`, `$(srcdir)/x.am $(am__empty):`) and
 * the tests' logs, remade on `recheck` (`am--fnord $(TEST_LOGS) …:`). A recipe given to one runs
 * instead of the compiler or the test (make takes an explicit rule's recipe over a suffix rule's)
 * or while `configure` runs; automake never writes one.
 */
const RECIPELESS_RULES: readonly RegExp[] = [
  /^([^\s:=#]+\.(?:\$\(OBJEXT\)|\$\{OBJEXT\}|lo|o|obj)):[ \t]+(?:[^\s:=#]*\$\(am__dirstamp\)[ \t]*)+$/,
  /^(am--depfiles):[ \t]+\$\(am__depfiles_remade\)[ \t]*$/,
  /^(\$\(am__aclocal_m4_deps\)):[ \t]*$/,
  /^((?:[^\s:=#]+[ \t]+)+\$\(am__empty\)):[ \t]*$/,
  /^(am--fnord[ \t].*?):[ \t]+\$\(am__force_recheck\)[ \t]*$/,
  // a directory with nothing to tag, BSD make's list of recursive targets, and the targets a
  // configure.ac adds to the recursion (AM_EXTRA_RECURSIVE_TARGETS: `doc: doc-recursive`, `doc-am: doc-local`)
  /^(tags TAGS|ctags CTAGS|cscope cscopelist):[ \t]*$/,
  /^(\.MAKE):(?![=:])/,
  /^([\w-]+):[ \t]+\1-(?:recursive|am)[ \t]*$/,
  /^([\w-]+)-am:[ \t]+\1-local[ \t]*$/,
  // the empty `-local` rule it writes for each of those the Makefile.am does not (not for its own hooks, `install-data-local`…,
  // which it never writes), and 1.17's end to GNU make's built-in rules (`%:: %,v`)
  /^((?!(?:all|check|installcheck|install|install-data|install-exec|uninstall|installdirs|(?:mostly|dist|maintainer-)?clean|info|dvi|pdf|ps|html|tags|ctags|cscope|distdir|dist)-local:)[\w-]+-local):[ \t]*$/,
  /^(%::[ \t]+(?:%,v|RCS\/%,v|RCS\/%|s\.%|SCCS\/s\.%))[ \t]*$/,
  // the Makefile.am's fragments, before 1.16 without `$(am__empty)`
  /^((?:[^\s:=#]+\.am[ \t]+)*[^\s:=#]+\.am):[ \t]*$/,
]
/**
 * automake's rules that make what is not built by default, line for line from its templates with no
 * name put in: the dependency files' placeholders (`$(am__depfiles_remade):`), the tag files
 * (`tags`, `ctags`, `ID`, `GTAGS`, `cscope`…) and the manuals in other formats (`dvi`, `pdf`,
 * `html`, `install-pdf`…)
 */
const UNNAMED_RULES =
  /^(\$\(am__depfiles_remade\)|(?:tags|TAGS|ctags|CTAGS|ID|GTAGS|cscope|cscopelist|cscope\.files)(?:-am|-recursive)?|(?:dvi|pdf|ps|html|info)(?:-am)?|install-(?:dvi|pdf|ps|html|info)):(?![=:])/
/**
 * automake's rules that make a manual from its Texinfo source (`.texi.info:`, `doc/foo.pdf: doc/foo.texi …`,
 * the version stamp `$(srcdir)/stamp-vti: foo.texi $(top_srcdir)/configure`) and a parser or
 * scanner from its grammar (`.y.c:`, `parse.c: parse.y`), and Emacs Lisp's `.el.elc:`, which make
 * runs whenever the output is older than its source; the names in the header are put back as the
 * template's placeholders, and the rest of what automake fills in (see {@link SOURCE_FILLS}) masked
 */
const SOURCE_RULES: readonly RegExp[] = [
  /^(\.(?:texi|texinfo|txi)\.(?:info|dvi|pdf|html)|\.dvi\.ps|\.(?:y|yy|yxx|ypp|y\+\+|l|ll|lxx|lpp|l\+\+)\.(?:c|cc|cxx|cpp|c\+\+|h|hh|hxx|hpp|h\+\+)|\.el\.elc):[ \t]*$/,
  /^((?:\$\(srcdir\)\/)?([^\s:=#$]+)\.(?:info|dvi|pdf|html|ps)):[ \t]+(?:\$\(srcdir\)\/)?([^\s:=#]+\.(?:texi|texinfo|txi))(?:[ \t]|$)/,
  /^((?:\$\(srcdir\)\/)?(?:[^\s:=#$]+\/)?stamp-[\w.-]+):[ \t]+([^\s:=#]+\.(?:texi|texinfo|txi))[ \t]+\$\(top_srcdir\)\/configure[ \t]*$/,
  new RegExp(String.raw`^((?:\$\(srcdir\)\/)?(?:[^\s:=#$]+\/)?${VERSION_TEXI}):[ \t]+(?:@MAINTAINER_MODE_TRUE@[ \t]+)?\S*stamp-[\w.-]+[ \t]*$`),
  /^(([^\s:=#$]+)\.(?:c|cc|cxx|cpp|c\+\+|h|hh|hxx|hpp|h\+\+)):[ \t]+(?:\$\(srcdir\)\/)?([^\s:=#]+\.(?:y|yy|yxx|ypp|y\+\+|l|ll|lxx|lpp|l\+\+))[ \t]*$/,
  /^([^\s:=#$]+\.(?:h|hh|hxx|hpp|h\+\+)):[ \t]+([^\s:=#$]+\.(?:c|cc|cxx|cpp|c\+\+))[ \t]*$/,
]
/**
 * what automake fills into those rules besides the names: the silent-rules prefixes, makeinfo's
 * include directories, the grammar's compile command, the version file and its temporary, the
 * directory of `mdate-sh`; only names and make references, never a command
 */
const SOURCE_FILLS: readonly [RegExp, string][] = [
  [/\$\(AM_V_(?:MAKEINFO|TEXI2DVI|TEXI2PDF|DVIPS|texinfo|texidevnull|YACC|LEX|ELC|GEN)\)/g, '%X%'],
  [/^\t\$\(AM_V_at\)/, '\t%X%'],
  [/((?:\$\(MAKEINFOFLAGS\)|\$\(AM_TEXI2FLAGS\)) )-I ?[^\s'\\;&|`]+(?: -I ?[^\s'\\;&|`]+)*/, `$1${'%X%'}`],
  [/( -- )(?:\$\((?:YACC|LEX)COMPILE\)|\$\(YACC\) \$\(\w+_YFLAGS\) \$\(YFLAGS\)|\$\(LEX\) \$\(\w+_LFLAGS\) \$\(LFLAGS\))$/, `$1${'%X%'}`],
  // automake takes any `vers*.texi` a manual includes for its version file, and numbers the stamps after the first
  [new RegExp(String.raw`(?:\$\((?:top_)?srcdir\)\/)?(?:[\w.-]+\/)*${VERSION_TEXI}\b`, 'g'), '%X%'],
  [/\b(?:vti|\d+)(?=\.tmp)/g, '%X%'],
  [/(?<=\$\(SHELL\) )\$\((?:top_)?srcdir\)\/(?:[\w-][\w.-]*\/){0,2}(?=mdate-sh\b)/, '%X%'],
  [/[^\s'"`;&|]*\$\(am__dirstamp\)/g, '%X%'],
]
/** a rule's source, target and stem as automake's suffix rules name them, each tried where the template has a placeholder */
const AUTOMATIC: readonly RegExp[] = [/\$</g, /\$[<@*]/g]

/** the rules whose lines are looked up with what automake fills into them masked */
const MASKED_RULES: readonly RegExp[] = [...BUILD_RULES, ...CHECK_RULES]
/**
 * automake's rules that clean (`clean-generic`, `distclean-compile`, `mostlyclean-libtool`,
 * `maintainer-clean`…), which distributions' builds run (`make distclean` in a configured tree),
 * and the rule that runs a target in every subdirectory (`$(am__recursive_targets)`, older
 * `$(RECURSIVE_TARGETS)`, `$(RECURSIVE_CLEAN_TARGETS)`), which every recursive `make` runs
 */
const CLEAN_AND_RECURSIVE_RULE =
  /^((?:mostly|dist|maintainer-)?clean(?:-[\w-]+)?|\$\((?:am__recursive_targets|RECURSIVE_TARGETS|RECURSIVE_CLEAN_TARGETS)\)(?:[ \t]+\$\((?:RECURSIVE_CLEAN_TARGETS|am__extra_recursive_targets)\))*):(?![=:])/
/** a word a removal automake's program writes may hold: a relative name, a glob, a make variable (`$(TEST_LOGS:.log=.trs)`) */
const REMOVED = String.raw`(?:[\w.*+,@-]|\$\([A-Za-z_]\w*(?::[\w.%-]*=[\w.%-]*)?\))(?:[\w./*+,@~-]|\$\([A-Za-z_]\w*(?::[\w.%-]*=[\w.%-]*)?\))*`
/** one removal: `rm -f W…`, `rm -rf W…`, 1.18's `$(am__rm_f) W…`, its output dropped; or the test before it, `test -z "W…"` */
const REMOVAL = String.raw`(?:(?:(?:/bin/)?rm -r?f|\$\(am__rm_r?f\))(?:[ \t]+${REMOVED})+(?:[ \t]*>[ \t]*/dev/null)?(?:[ \t]*2>&1)?|test -z "${REMOVED}(?:[ \t]+${REMOVED})*")`
/** a cleaning rule's target */
const CLEANING = /^(?:mostly|dist|maintainer-)?clean-/
/**
 * a line automake's program writes into a cleaning rule, removals joined by `||` and nothing else:
 * what the Makefile.am lists (`-rm -f $(CLEANFILES)`, `-test -z "$(CLEANFILES)" || rm -f $(CLEANFILES)`),
 * the objects, build directories' stamps, dependency files and libtool's directories of each
 * source directory (`-rm -f src/*.$(OBJEXT)`, `-rm -rf src/.libs src/_libs`), a manual's outputs
 * (`-test -z "foo.dvi foo.pdf" || rm -rf foo.dvi foo.pdf`, continued over lines); and a project's
 * release script may turn a removal's failure into another (`|| /bin/rm -f $(bin_PROGRAMS)`)
 */
const REMOVAL_LINE = new RegExp(String.raw`^\t[ \t]*-?${REMOVAL}(?:[ \t]*\|\|[ \t]*${REMOVAL})*[ \t]*$`)
/**
 * the recipe of `all`, `check`, `install` and `install-exec`, which automake's program writes when
 * built sources or a configuration header come first (`$(MAKE) $(AM_MAKEFLAGS) all-recursive`);
 * `all-am`, `install-data`, `uninstall` and `installcheck`, which it writes with none
 */
const AGGREGATE_RECIPE_RULE = /^(all|all-am|check|install|install-exec|install-data|uninstall|installcheck):(?![=:])/
const AGGREGATE_LINE = /^\t\$\(MAKE\) \$\(AM_MAKEFLAGS\) (?:all|check|install|install-exec)-(?:am|recursive)[ \t]*$/
/** what automake fills into the lines of those rules */
const BUILD_FILLS: readonly [RegExp, string][] = [
  // words, each ended by blanks or the line's end or quote (so that no word splits two ways), then nothing else
  [/(\$\(AUTOMAKE\) )(?:[\w./+=%-]+(?:[ \t]+|(?=['\\]|$)))*(?=['\\]|$)/g, `$1${'%X%'}`],
  [/(\.\/config\.status )(?!--recheck\b)[^\s;']+/g, `$1${'%X%'}`],
  // a configuration header's stamp, in its directory (`lib/stamp-h1`)
  [/(?:[\w.+-]+\/)*\bstamp-h\d*/g, '%X%'],
  // a test's log rule: the test (`p='t-version$(EXEEXT)'`, `b='t-version'`), its driver, the driver's options and the compiler
  [/^(\t@?[pb]=')(?:\$<|[\w./+-]+(?:\$\(EXEEXT\))?)(?=';)/g, `$1${'%X%'}`],
  [/\$\((?:[A-Z0-9_]+_)?LOG_(?:DRIVER|COMPILE)\)/g, '%X%'],
  [/\$\(AM_((?:[A-Z0-9_]+_)?)LOG_DRIVER_FLAGS\) \$\(\1LOG_DRIVER_FLAGS\)/g, '%X%'],
]
/** a rule automake writes for one man section: `install-man1` */
const MAN_RULE = /^((?:install|uninstall)-man[0-9nl]):(?![=:])/
/** what automake's conditions in a template put before a line: `?BASE?`, `?!EXEC?`, `?am__installdirs?` */
const TEMPLATE_CONDITIONS = /^(?:\?!?[A-Za-z_-]+\?)+/
/** a choice in a template's line, `%LIBTOOL? || test -f $$p1%` or `%BASE?s|.*|.|:s|[^/]*$$||%`: the text when the condition holds, else the other */
const CHOICE = /%!?[A-Z_]+\?([^%:]*)(?::([^%]*))?%/
/** a placeholder of a template, filled by automake */
const PLACEHOLDER = /%[?!]*[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*%/g
/** the placeholder every filled-in name becomes on both sides */
const FILLED = '%X%'
/** the installation directories automake lists in `installdirs` (`for dir in "$(DESTDIR)$(bindir)" "$(DESTDIR)$(man1dir)"; do`, 1.6's `$(mkinstalldirs) $(DESTDIR)$(bindir)`) */
const FILLED_DIRECTORIES = /(\bfor dir in |^\t\$\(mkinstalldirs\) )(?:(?:"?\$\(DESTDIR\)\$\([\w@]+\)"?|%X%)[ \t]*)+(;|$)/g
/**
 * a list automake fills in with names and references (`list1='foo.1 bar.1'`, `l2='$(man_MANS)'`):
 * they are the Makefile.am's, not the template's; a make function (`$(shell …)`) is neither
 */
const FILLED_LIST = /\b(list\d?|l\d)='(?:[\w./+@%-]|\$\(\w+\)|[ \t])*'/g

/** a recipe line as both sides are compared: its end trimmed, a filled list emptied */
const normalised = (line: string): string =>
  line
    .trimEnd()
    .replace(FILLED_LIST, `$1='${FILLED}'`)
    .replace(FILLED_DIRECTORIES, `$1${FILLED}$2`)

/** the key of a normalised recipe line: 16 hexadecimal digits of its SHA-256 */
export const lineKey = (line: string): string => createHash('sha256').update(normalised(line)).digest('hex').slice(0, 16)
/** the key of a recipe line of a rule that runs while `make` builds, with what automake fills in masked, apart from the others' */
export const buildLineKey = (line: string): string => lineKey(`!${BUILD_FILLS.reduce((l, [fill, mask]) => l.replace(fill, mask), line)}`)
/** the key of a line of a variable's value, apart from the recipe lines', with the blanks before its continuation one (automake rewraps them) */
export const valueLineKey = (line: string): string => lineKey(`=${oneBlankBeforeContinuation(line)}`)
/** what only `make dist` and `make distcheck` read (`top_distdir`, `am__remove_distdir`), on the maintainer's machine: not judged */
const DIST_ONLY = /dist/i

/**
 * The keys of a template's recipe lines and of the lines of the variables it sets, each with the
 * primary and man section filled in every way automake fills them and every other placeholder made
 * one.
 */
export function templateLineKeys(template: string): Set<string> {
  const keys = new Set<string>()
  const add = (line: string, key: (l: string) => string): void => {
    for (const filled of chosen(line).flatMap(filledIn)) keys.add(key(filled.replace(PLACEHOLDER, FILLED)))
  }
  // the lines of an assignment, its continuations included; a recipe line's continuation needs no tab (1.17's test-suite log), and is looked up with one
  let assigning = false
  let recipe = false
  for (const line of templateLines(template)) {
    if (!recipe && (assigning || ASSIGNMENT.test(line))) {
      add(line, valueLineKey)
      assigning = line.endsWith('\\')
    } else if (recipe || line.startsWith('\t')) {
      const tabbed = line.startsWith('\t') ? line : `\t${line}`
      add(tabbed, lineKey)
      add(tabbed, buildLineKey)
      recipe = line.endsWith('\\')
    }
  }
  return keys
}

/**
 * The variables a template sets with `=` (`am__mv`, `NORMAL_INSTALL`, `am__uninstall_files_from_dir`),
 * as automake copies them (`set`); and those it gathers over templates with `+=`
 * (`am__installdirs`) or fills in (`MANS = %MANS%`), whose values are the Makefile.am's
 * (`gathered`). Variables named by a placeholder are neither.
 */
export function templateVariables(template: string): { set: Set<string>; gathered: Set<string> } {
  const set = new Set<string>()
  const gathered = new Set<string>()
  let name: string | undefined
  let continued = false
  for (const line of templateLines(template)) {
    const m = continued ? null : ASSIGNMENT.exec(line)
    continued = line.endsWith('\\')
    if (m !== null) name = (m[1] ?? '').includes('%') || DIST_ONLY.test(m[1] ?? '') ? undefined : m[1]
    else if (!continued && !line.startsWith('\t') && line.trim() !== '') name = undefined
    if (name === undefined) continue
    // a value automake fills in (`MANS = %MANS%`) is the Makefile.am's, not the template's
    if (m?.[2] === '+' || line.search(PLACEHOLDER) !== -1 || CHOICE.test(line)) gathered.add(name)
    else if (m !== null) set.add(name)
  }
  return { set, gathered }
}

/** a template's lines as automake reads them: its conditions taken off, its `##` comments dropped (also between a value's continuations) */
const templateLines = (template: string): string[] =>
  template
    .split('\n')
    .map((raw) => raw.replace(/\r$/, '').replace(TEMPLATE_CONDITIONS, ''))
    .filter((line) => !line.startsWith('##'))

/** the line with each choice made both ways */
function chosen(line: string): string[] {
  const choice = CHOICE.exec(line)
  if (choice === null) return [line]
  const [all, then, otherwise] = choice
  return [then ?? '', otherwise ?? ''].flatMap((text) => chosen(line.replace(all, () => text)))
}

function filledIn(line: string): string[] {
  const sections = line.includes('%SECTION%') ? MAN_SECTIONS.map((s) => line.split('%SECTION%').join(s)) : [line]
  if (!/%(?:ONE_)?PRIMARY%/.test(line)) return sections
  return sections.flatMap((l) => [...PRIMARIES].map(([many, one]) => l.split('%ONE_PRIMARY%').join(one).split('%PRIMARY%').join(many)))
}

/**
 * The template directories of the automakes installed under `roots` that are newer than the
 * releases a bundled list holds (`listed`, its first line): an older one's lines are in the list.
 */
export function newerTemplateDirs(roots: readonly string[], listed: string): string[] {
  const [, major = '0', minor = '0'] = NEWEST_LISTED.exec(listed) ?? []
  const newer = (name: string): boolean => {
    // a name without a version gives NaN, newer than nothing
    const [, m, n] = /^automake-(\d+)\.(\d+)$/.exec(name) ?? []
    return Number(m) > Number(major) || (Number(m) === Number(major) && Number(n) > Number(minor))
  }
  return roots.flatMap((root) => installedFiles([root], '').filter((dir) => newer(dir.slice(root.length + 1)))).map((dir) => `${dir}/am`)
}

/** `entries` with those the templates of an automake installed here, newer than the list, give */
function withInstalled(entries: Set<string>, listed: string, fromTemplate: (template: string) => Iterable<string>): Set<string> {
  for (const path of installedFiles(newerTemplateDirs(INSTALL_ROOTS, listed), '.am')) for (const entry of fromTemplate(readFileSync(path, 'utf8'))) entries.add(entry)
  return entries
}

/** the keys of every automake release's template lines and of the lines its program writes */
export const releasedTemplateLines = (): Set<string> => releasedLines().entries

function releasedLines(): { entries: Set<string>; listed: string } {
  const { entries, header } = bundledList(INSTALL_LINES_FILE, "list of automake's template lines")
  return { entries: new Set([...entries, ...PROGRAM_LINES.map(lineKey), ...PROGRAM_BUILD_LINES.map(buildLineKey)]), listed: header }
}

let known: ReadonlySet<string> | undefined

/** the same, with the lines of an installed automake newer than those releases */
export const knownTemplateLines = (): ReadonlySet<string> =>
  (known ??= (() => {
    const { entries, listed } = releasedLines()
    return withInstalled(entries, listed, templateLineKeys)
  })())

/** The lines of those rules automake's program writes itself, not a template: the calls of the Makefile.am's `-hook` rules. */
const PROGRAM_LINES = [
  ...['install-exec-hook', 'install-data-hook', 'uninstall-hook'].map((hook) => `\t$(MAKE) $(AM_MAKEFLAGS) ${hook}`),
  // a parser's header remade with its parser (`parse.h: parse.c`), the parser masked
  '\t@if test ! -f $@; then rm -f %X%; else :; fi',
  '\t@if test ! -f $@; then $(MAKE) $(AM_MAKEFLAGS) %X%; else :; fi',
  // the loop of `tags-recursive:` and `ctags-recursive:` until 1.11
  "\tlist='$(SUBDIRS)'; for subdir in $$list; do \\",
  ...['tags', 'ctags'].flatMap((target) => ['$(am__cd)', 'cd'].map((cd) => `\t  test "$$subdir" = . || (${cd} $$subdir && $(MAKE) $(AM_MAKEFLAGS) ${target}); \\`)),
]
/** and the stamp of a build directory, made by the version's mkdir (the directory masked) */
const PROGRAM_BUILD_LINES = [
  ...['$(MKDIR_P)', '$(mkdir_p)', '$(mkinstalldirs)'].flatMap((mkdir) => ['%X%', '%X%/', './%X%'].map((dir) => `\t@${mkdir} ${dir}`)),
  ...['> ', '>>'].map((write) => `\t@: ${write}%X%/$(am__dirstamp)`),
]

/**
 * `check-am:`, whose recipe automake's program writes: `$(MAKE) $(AM_MAKEFLAGS)` and what is built
 * for the tests (`$(check_PROGRAMS)`, `$(dist_check_SCRIPTS)`) then the harnesses and the
 * Makefile.am's hook (`check-TESTS`, `check-DEJAGNU`, `check-local`), continued over lines
 */
const CHECK_AM_RULE = /^(check-am):(?![=:])/
const CHECK_AM_LINE = /^\t(?:\$\(MAKE\) \$\(AM_MAKEFLAGS\))?(?:[ \t]+(?:\$\((?:(?:dist|nodist|nobase)_)*check_[A-Z]+\)|check-(?:TESTS|DEJAGNU|local)))*[ \t]*\\?$/

/** where a template puts a directory's name: not inside a word (`inst` of `$(instdir)`, not of `uninstall`), save `class%DIR%.stamp` */
const nameIn = (name: string): RegExp => new RegExp(`(?<=^|[^A-Za-z0-9_]|\\bclass)${escapeRegExp(name)}`, 'g')

interface InstallRule {
  readonly target: string
  /** where automake put in the names for `%DIR%` and `%NDIR%` (or a stamp's directory), longest first */
  readonly names: readonly RegExp[]
  /** a rule that runs while `make` builds or checks, its lines looked up with what automake fills masked */
  readonly build?: true
  /** a rule automake's program writes, not a template: the shape of its lines */
  readonly shape?: RegExp
  /** the shape's make references are to variables the Makefile.in sets (`$(CLEANFILES)`, not `$(HOME)`) */
  readonly setReferences?: true
  /** a rule the Makefile.am texts write, whose recipe automake copies line for line (and adds its own lines to, where the target is one of its own) */
  readonly own?: true
  /** a rule automake writes with no recipe: every line is someone else's */
  readonly none?: true
  /** a rule of {@link SOURCE_RULES}, its lines looked up with {@link SOURCE_FILLS} masked */
  readonly filled?: true
}

/** a line of a rule of {@link SOURCE_RULES} as its template may have it: what automake fills masked, and the automatic variables each way */
function filledCandidates(line: string): string[] {
  const masked = SOURCE_FILLS.reduce((l, [fill, mask]) => l.replace(fill, mask), line)
  return [line, masked, ...AUTOMATIC.map((automatic) => masked.replace(automatic, FILLED))]
}

/** a rule of the Makefile.in: automake's, the Makefile.am's, or neither (undefined) */
function installRuleOf(header: string, makefileAm: readonly string[]): InstallRule | undefined {
  const automake = automakeRuleOf(header)
  const targets = automake?.target ?? ruleOf(header)?.target
  const target = targets?.split(/[ \t]+/)[0]
  if (targets === undefined || target === undefined || !writtenByMakefileAm(target, makefileAm)) return automake
  // beside the Makefile.am's rule for several targets, automake still writes its compile and link rules for each of them
  if (!makefileAmRuleFor(targets, makefileAm) && compileRuleOf(header) !== undefined) return automake
  // the Makefile.am's rule that only `make dist` runs (`dist-hook:`, `dist-clean-local:`) is left alone
  if (DIST_RULE.test(target)) return undefined
  // automake adds its own lines to a rule for a file configure makes (`cd $(top_builddir) && $(SHELL) ./config.status $(subdir)/$@`)
  return { ...(automake ?? { target, names: [], build: true }), own: true }
}

/** one of automake's rules whose lines are held to its templates or its program's shapes, by the header's target */
function automakeRuleOf(header: string): InstallRule | undefined {
  const directory = DIRECTORY_RULE.exec(header)
  const other = directory ? undefined : (MAN_RULE.exec(header) ?? FIXED_RULE.exec(header))
  const build = directory ?? other ? undefined : MASKED_RULES.map((r) => r.exec(header)).find((m) => m !== null)
  const written = directory ?? other ?? build ? undefined : (CHECK_AM_RULE.exec(header) ?? AGGREGATE_RECIPE_RULE.exec(header))
  const cleaning = directory ?? other ?? build ?? written ? undefined : CLEAN_AND_RECURSIVE_RULE.exec(header)
  const target = directory?.[1] ?? other?.[1] ?? build?.[1] ?? written?.[1] ?? cleaning?.[1]
  if (target === undefined) return otherAutomakeRuleOf(header)
  if (written) return { target, names: [], shape: target === 'check-am' ? CHECK_AM_LINE : AGGREGATE_LINE }
  if (cleaning) return { target, names: [], shape: REMOVAL_LINE, setReferences: true }
  if (build) return { target, names: build[2] === undefined ? [] : [nameIn(build[2])], build: true }
  const base = directory?.[3] ?? ''
  const names = directory ? [...new Set([`${directory[2] ?? ''}${base}`, base])].filter((n) => n !== '').sort((a, b) => b.length - a.length) : []
  return { target, names: names.map(nameIn), ...(CLEANING.test(target) ? { shape: REMOVAL_LINE, setReferences: true } : {}) }
}

/** automake's rules with no recipe, those from a template with no name put in, and those that make something from a source */
function otherAutomakeRuleOf(header: string): InstallRule | undefined {
  const recipeless = RECIPELESS_RULES.map((r) => r.exec(header)).find((m) => m !== null)?.[1]
  if (recipeless !== undefined) return { target: recipeless, names: [], none: true }
  const unnamed = UNNAMED_RULES.exec(header)?.[1]
  if (unnamed !== undefined) return { target: unnamed, names: [] }
  const source = SOURCE_RULES.map((r) => r.exec(header)).find((m) => m !== null)
  if (source === undefined) return undefined
  // the names the header gives (the output, its source, its stem), longest first so that none is put back inside another
  const named = [...new Set(source.slice(1).filter((n): n is string => n !== undefined && n !== ''))].sort((a, b) => b.length - a.length)
  return { target: source[1] ?? '', names: named.map(nameIn), filled: true }
}

/** Does one of automake's templates (or its program) write `line`, as the rule's names and fills are put back? */
function heldByTemplates(rule: InstallRule, asTemplate: string, templateLines: ReadonlySet<string>): boolean {
  if (rule.filled === true) return filledCandidates(asTemplate).some((l) => templateLines.has(lineKey(l)))
  return templateLines.has(rule.build === true ? buildLineKey(asTemplate) : lineKey(asTemplate))
}

/**
 * The recipe lines of the rules automake wrote into a Makefile.in (install, build, check, clean)
 * that none of its templates writes, and of the rules the Makefile.am texts write that none of
 * their lines is: automake copies those word for word, with a fragment's directory put in, and
 * adds only its own lines to them.
 */
export function installLinesNotFromTemplates(makefileIn: string, makefileAm: readonly string[], templateLines: ReadonlySet<string> = knownTemplateLines()): UntemplatedRecipe[] {
  const out: UntemplatedRecipe[] = []
  const lines = makefileIn.split('\n')
  let rule: InstallRule | undefined
  // a line continued from a recipe line is recipe too, tab or none; from any other line (a rule's header, a
  // value, a comment), it is part of that line, read with it
  let continued = false
  let header = false
  // the last line of a command that fits its rule's shape
  let shapedThrough = -1
  let assigned: ReadonlySet<string> | undefined
  let ownLines: ((line: string) => boolean) | undefined
  for (let i = 0; i < lines.length; i++) {
    const written = lines[i] ?? ''
    const line = asConfigured(written)
    if (header) {
      header = line.endsWith('\\')
      continue
    }
    const recipe: boolean = line.startsWith('\t') || (continued && rule !== undefined)
    const startsLogicalLine = recipe && !continued
    continued = recipe && line.endsWith('\\')
    if (!recipe) {
      // a header is read whole: an object's stamps may follow on continued lines
      if (!/^\s*(?:#|$)/.test(line)) rule = installRuleOf(line.endsWith('\\') ? joined(continuedLines(lines, i)) : line, makefileAm)
      header = line.endsWith('\\')
      // a variable set for the rule's recipe alone (`install-binPROGRAMS: INSTALL_STRIP_FLAG = …`): automake writes none
      if (rule !== undefined && ASSIGNMENT.test(line) && !(rule.own === true && (ownLines ??= linesOf(makefileAm))(line))) out.push({ target: rule.target, line: i + 1, text: written, words: [shown(line)] })
      continue
    }
    if (rule === undefined) continue
    // a shape is a whole command's: a manual's outputs listed over continued lines are one removal
    if (startsLogicalLine && rule.shape !== undefined) {
      const physical = continuedLines(lines, i)
      const command = `\t${joined(physical)}`
      const referencesSet = (): boolean => [...command.matchAll(REFERENCED)].every(([, name]) => (assigned ??= assignedIn(lines)).has(name ?? ''))
      shapedThrough = rule.shape.test(command) && (rule.setReferences !== true || referencesSet()) ? i + physical.length - 1 : -1
    }
    const asTemplate = rule.names.reduce((l, name) => l.replace(name, FILLED), line.startsWith('\t') ? line : `\t${line}`)
    const copied = rule.own === true && (ownLines ??= linesOf(makefileAm))(line)
    const fromAutomake = copied || (rule.none !== true && (i <= shapedThrough || heldByTemplates(rule, asTemplate, templateLines)))
    if (!fromAutomake) out.push({ target: rule.target, line: i + 1, text: written, words: [shown(line)], ...(rule.own ? { own: true as const } : rule.none ? { recipeless: true as const } : {}) })
  }
  return out
}

let variables: ReadonlySet<string> | undefined

/** the variables automake's templates set, of every release and of an installed automake newer than those */
export const templateVariableNames = (): ReadonlySet<string> =>
  (variables ??= (() => {
    const { entries, header } = bundledList(VARIABLES_FILE, "list of automake's template variables")
    return withInstalled(new Set(entries), header, (template) => {
      const found = templateVariables(template)
      return [...found.set].filter((name) => !found.gathered.has(name))
    })
  })())

/** configure's value, which the check of substituted variables holds: `AR = @AR@` */
const SUBSTITUTED = /^([A-Za-z_]\w*)\s*=\s*@\1@\s*$/

/**
 * The lines of the variables automake's templates set (`NORMAL_INSTALL = :`, `am__mv = mv -f`,
 * `am__uninstall_files_from_dir = { …`) that none of its templates writes, where the Makefile.am
 * texts do not set the variable themselves: the install rules run them as they run their own lines.
 */
export function variableLinesNotFromTemplates(makefileIn: string, makefileAm: readonly string[], templateLines: ReadonlySet<string> = knownTemplateLines(), names: ReadonlySet<string> = templateVariableNames()): UntemplatedRecipe[] {
  const out: UntemplatedRecipe[] = []
  const lines = makefileIn.split('\n')
  // the variables the Makefile.am texts set themselves, for every target or for one
  const own = assignedIn(makefileAm.flatMap((text) => text.split('\n')))
  let judged: string | undefined
  // a variable automake's program writes is judged by its whole value, on its first line
  let shaped = false
  let continued = false
  for (let i = 0; i < lines.length; i++) {
    const written = lines[i] ?? ''
    const line = asConfigured(written)
    let fromAutomake = true
    // the whole value of a variable automake's program writes, which its finding names
    let value: string | undefined
    if (!continued) {
      const name = ASSIGNMENT.exec(line)?.[1]
      const shape = name === undefined ? undefined : programValue(name)
      shaped = shape !== undefined
      judged = name !== undefined && (names.has(name) || shaped) && !SUBSTITUTED.test(line) && !own.has(name) ? name : undefined
      if (judged !== undefined && shape) fromAutomake = shape.test((value = logicalValue(lines, i)))
      else if (judged !== undefined) fromAutomake = templateLines.has(valueLineKey(line))
    } else if (judged !== undefined && !shaped) fromAutomake = templateLines.has(valueLineKey(line))
    continued = line.endsWith('\\')
    if (judged !== undefined && !fromAutomake) out.push({ target: judged, line: i + 1, text: written, words: [shown(value ?? line.replace(ASSIGNMENT, ''))], variable: true })
  }
  return out
}

/**
 * The value set at line `at`, its continuations joined as make joins them; blanks inside it kept
 * (`am__v_CC_0 = @echo "  CC      " $@;`), which `makeAssignments` makes one.
 */
function logicalValue(lines: readonly string[], at: number): string {
  return joined(continuedLines(lines, at).map((line, k) => (k === 0 ? line.replace(ASSIGNMENT, '') : line)))
}

/** Is a line one of the Makefile.am texts' (as automake reads them), as automake copies a rule's recipe: word for word? */
function linesOf(makefileAm: readonly string[]): (line: string) => boolean {
  const exact = new Set(makefileAm.flatMap((text) => text.split('\n').map((l) => l.replace(/\r$/, '').trimEnd())))
  return (line) => exact.has(line.trimEnd())
}

/** a make reference's name: `CLEANFILES` of `$(CLEANFILES)` and of `$(TEST_LOGS:.log=.trs)` */
const REFERENCED = /\$\((\w+)/g

/** the variables a makefile's lines set, in any of make's ways, for every target or for one */
const assignedIn = (lines: readonly string[]): Set<string> => new Set(lines.flatMap((line) => ASSIGNMENT.exec(asConfigured(line))?.[1] ?? []))

/**
 * The variables automake's program writes, not a template, each with the values it gives them:
 * the silent-rules variables for each tool (1.11 to 1.18; `X` is the tool), and the test
 * harness's driver, compiler and lists of logs for each test suffix (`P` is the suffix's prefix,
 * `SH_`). Any other silent-rules name is none of automake's.
 */
const PROGRAM_VALUES: readonly [RegExp, (named: RegExpExecArray) => RegExp][] = [
  [/^AM_V_(\w+)$/, ([, x]) => new RegExp(`^\\$\\(am__v_${x}_(?:@AM_V@|\\$\\(V\\))\\)$`)],
  [/^am__v_(\w+)_$/, ([, x]) => new RegExp(`^\\$\\(am__v_${x}_(?:@AM_DEFAULT_V@|\\$\\(AM_DEFAULT_VERBOSITY\\))\\)$`)],
  [/^am__v_\w+_0$/, () => /^(?:@echo " {2}[\w+.-]+ *" \$@;|@|false|--silent|> \/dev\/null|-q)$/],
  [/^am__v_\w+_1$/, () => /^:?$/],
  [/^(?:AM_V_|am__v_)\w+$/, () => /(?!)/],
  [/^(?:[A-Z0-9_]+_)?LOG_DRIVER$/, () => /^\$\(SHELL\) \$\(top_srcdir\)\/(?:[\w.+-]+\/)*test-driver$/],
  [/^((?:[A-Z0-9_]+_)?)LOG_COMPILE$/, ([, p]) => new RegExp(`^\\$\\(${p}LOG_COMPILER\\) \\$\\(AM_${p}LOG_FLAGS\\) \\$\\(${p}LOG_FLAGS\\)$`)],
  [/^TEST_SUITE_LOG$/, () => /^[\w./-]+\.log$/],
  [/^(?:TEST_LOGS|am__test_logs\d+)$/, () => /^\$\((?:TESTS|am__test_logs\d+):(?:@EXEEXT@|\.[\w+-]+)?(?:\.log)?=\.log\)$/],
  [/^TEST_EXTENSIONS$/, () => /^(?:@EXEEXT@ )?\.[\w+-]+(?: \.[\w+-]+)*$/],
]

/** the values automake's program gives the variable, if it writes it */
function programValue(name: string): RegExp | undefined {
  for (const [named, shape] of PROGRAM_VALUES) {
    const m = named.exec(name)
    if (m !== null) return shape(m)
  }
  return undefined
}

/** at most this many characters of a line in a finding's message */
const SHOWN_LINE = 80
const shown = (line: string): string => {
  const text = withoutContinuation(line.trim())
  return text.length > SHOWN_LINE ? `${text.slice(0, SHOWN_LINE)}…` : text
}
