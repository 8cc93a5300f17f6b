/**
 * @fileoverview The compile and link rules automake writes into a Makefile.in from its templates:
 * each recipe line holds only references to make variables (whose values the variable check holds
 * to the Makefile.am), the rule's own object and source, automake's dependency-tracking files and a
 * few fixed words. A word beyond them (`-Dmemcmp=my_memcmp`, an object of test data, `&& echo … >>
 * src.c`, a source in place of `$<`) was added after automake ran, and make builds with it.
 */
import { AUTOMAKE_CONDITION_PREFIX, ruleOf as makeRuleOf } from '../../rules/shell/make.js'
import { withoutContinuation } from '../../util/blanks.js'
import { SPECIAL_TARGET } from './make-index.js'

/** a compile rule of a language: `.c.o:`, `.cc.lo:`, `.S.obj:` */
const SUFFIX_RULE = /^(\.[\w+-]+\.(?:o|obj|lo)):\s*$/
/** a compile rule of one object: `libfoo_la-bar.lo: bar.c` (not a pattern rule, which automake 1.4 wrote in shapes of its own) */
const OBJECT_RULE = /^([^\s%]+\.(?:o|obj|lo)):\s+([^\s\\]\S*)\s*$/
/** a link rule: `prog$(EXEEXT): $(prog_OBJECTS) $(prog_DEPENDENCIES) …`, `libfoo.la: …`, `libfoo.a: …` */
const LINK_RULE = /^(\S+):\s+\$\((\w+)_OBJECTS\)\s+\$\(\2_DEPENDENCIES\)/
/** a word made only of make references and configure substitutions (`$(AM_V_CC)$(LTCOMPILE)`, `$(DEPDIR)/$*.Tpo` is not) */
const REFERENCES = /^(?:\$\((?:[^()]|\([^()]*\))*\)|\$\{[^{}]*\}|\$[@<*?^%]|@[A-Za-z_][A-Za-z0-9_]*@)+$/
/** leading references, to reach what a word glues to them (`$(FCFLAGS_f90)$<`) */
const LEADING_REFERENCES = /^(?:\$\((?:[^()]|\([^()]*\))*\)|\$\{[^{}]*\}|@[A-Za-z_][A-Za-z0-9_]*@)+/
/** the words automake's compile and link templates write themselves, in every version since 1.6 */
const TEMPLATE_WORDS: ReadonlySet<string> = new Set(['-MT', '-MD', '-MP', '-MF', '-c', '-o', '-rpath', '--mode=compile', '--mode=link', '&&', '\\', ';', 'libtool=yes', 'libtool=no', 'if', 'then', 'else', 'fi', 'mv', 'rm', '-f', 'exit', '1'])
/** make's own prefixes of a command (`@rm`, `-rm`) */
const MAKE_PREFIX = /^[@+-]+(?=[a-z$])/
/** a dependency-tracking file beside the object (`src/$(DEPDIR)/foo-bar.Tpo`, `$(DEPDIR)/$*.Po`, `$$depbase.Tpo`) */
const DEPENDENCY_FILE = /^(?:(?:[\w.+@/-]|\$\([\w]+\))*\/)?(?:\$\(DEPDIR\)\/(?:[\w.+@-]+|\$\*)|\$\$depbase)\.(?:Tpo|Po|Plo|TPo|TPlo)$/
/** a backquoted expression, the placeholder it becomes once known */
const BACKQUOTED = /`([^`]*)`/g
const KNOWN_EXPRESSION = '\u0001'
/** the backquoted forms automake writes around a rule's source (`%S`) */
const SOURCE_EXPRESSIONS: ReadonlySet<string> = new Set([
  "test -f '%S' || echo '$(srcdir)/'",
  "if test -f '%S'; then $(CYGPATH_W) '%S'; else $(CYGPATH_W) '$(srcdir)/%S'; fi",
  "$(CYGPATH_W) '%S'",
  "$(CYGPATH_W) '$(srcdir)/%S'",
  'cygpath -w %S',
])
/** the directory of an object's dependency files, from its name (`echo $@ | sed 's|[^/]*$$|$(DEPDIR)/&|;s|\.o$$||'`) */
const DEPBASE_EXPRESSION = /^echo \S+ \| sed 's\|\[\^\/\]\*\$\$\|\$\(DEPDIR\)\/&\|;s\|\\\.(?:o|obj|lo)\$\$\|\|'$/
/** `name=value` words of depcomp's calling convention, with what each may hold */
const DEPCOMP_SETTING = /^(source|object|depfile|tmpdepfile|depbase|DEPDIR)=(.*)$/

/** automake's rules that make, install, check and clean what the Makefile.am lists, whose prerequisites it writes itself */
const AGGREGATE_RULE = /^(all|all-am|check|check-am|install|install-am|install-exec|install-exec-am|install-data|install-data-am|installdirs|installcheck-am|uninstall-am|(?:mostly|dist|maintainer-)?clean(?:-am)?)\s*:(?![=:])\s*(.*)$/
/**
 * the targets automake names as such prerequisites: its own rules for each directory and primary
 * (`install-binPROGRAMS`, `uninstall-dist_docDATA`, `install-man1`), the recursive and `-am` steps,
 * and its cleaning rules (`clean-generic`, `mostlyclean-compile`, `distclean-tags`), whose lines are
 * held to its templates; a `-local` rule only when the Makefile.am writes it
 */
const AUTOMAKE_TARGET =
  /^(?:Makefile|(?:mostly|dist|maintainer-)?clean-(?!local$)[\w@-]+|(?:all|check|install|install-exec|install-data|installdirs|installcheck|uninstall|info|dvi|pdf|ps|html)-(?:am|recursive)|(?:install|uninstall|installcheck)-(?:(?:nobase_|nodist_|dist_|notrans_)*[\w@]*(?:PROGRAMS|LTLIBRARIES|LIBRARIES|SCRIPTS|DATA|HEADERS|LISP|PYTHON|JAVA|TEXINFOS|MANS)|man\w*|(?:info|dvi|html|pdf|ps)(?:-am)?)|classnoinst\.stamp)$/

export interface Rule {
  /** the rule's target as its header writes it (`.c.o`, `foo-bar.o`, `prog$(EXEEXT)`) */
  readonly target: string
  /** the object it makes (`$@` for a suffix rule) */
  readonly object: string
  /** its source (`$<` for a suffix rule); none for a link */
  readonly source: string | undefined
}

export interface UntemplatedRecipe {
  /** the rule's target as the Makefile.in writes it */
  readonly target: string
  /** the line of the Makefile.in */
  readonly line: number
  /** the recipe line as written */
  readonly text: string
  readonly words: readonly string[]
  /** set when `target` names a variable of automake's templates, not a rule */
  readonly variable?: true
  /** set when the Makefile.am texts write the rule themselves, and none of them has the line */
  readonly own?: true
  /** set when automake writes the rule with no recipe at all */
  readonly recipeless?: true
}

/**
 * a variable set in a template or a Makefile.in: `am__mv = mv -f`, `am__installdirs += …`, and in
 * any of make's other ways (`override X = …`, `X != cmd`, which runs cmd as make reads the file), or
 * for one target's recipe only (`install-binPROGRAMS: NORMAL_INSTALL = …`, held with the recipe)
 */
export const ASSIGNMENT = /^(?:[^\s:=#][^:=#]*:(?![:=])[ \t]*)?(?:(?:override|export|private)[ \t]+)*([A-Za-z_%][\w%]*)[ \t]*(::|[+:?!])?=/

/** the line at `at` and those its backslashes continue it over, as configure writes them */
export function continuedLines(lines: readonly string[], at: number): string[] {
  const out: string[] = []
  for (let k = at; k < lines.length; k++) {
    const line = asConfigured(lines[k] ?? '')
    out.push(line)
    if (!line.endsWith('\\')) break
  }
  return out
}

/** continued lines joined as make and the shell join them, each line's blanks at its ends made one */
export const joined = (physical: readonly string[]): string =>
  physical
    .map((l) => withoutContinuation(l).trim())
    .filter((l) => l !== '')
    .join(' ')

/** a Makefile.in line as configure writes it where automake's conditions hold */
export const asConfigured = (line: string): string => line.replace(AUTOMAKE_CONDITION_PREFIX, '').replace(/\r$/, '')

/**
 * The words of the compile and link recipes automake wrote into a Makefile.in that none of its
 * templates writes. A rule the Makefile.am texts write themselves for the same target is theirs, not
 * automake's, and is left to the rules.
 */
export function recipeWordsNotFromTemplates(makefileIn: string, makefileAm: readonly string[]): UntemplatedRecipe[] {
  const out: UntemplatedRecipe[] = []
  const lines = makefileIn.split('\n')
  let rule: Rule | undefined
  // a rule's header continued on tab-indented lines is no recipe
  let inHeader = false
  let continued = false
  for (let i = 0; i < lines.length; i++) {
    const written = lines[i] ?? ''
    const line = asConfigured(written)
    const recipe = line.startsWith('\t') && !(continued && inHeader)
    continued = line.endsWith('\\')
    if (!recipe) {
      if (inHeader) {
        inHeader = continued
        continue
      }
      inHeader = continued && !line.startsWith('\t')
      rule = ruleOf(line, makefileAm)
      continue
    }
    if (rule === undefined) continue
    const words = untemplatedWords(line.slice(1), rule)
    if (words.length > 0) out.push({ target: rule.target, line: i + 1, text: written, words })
  }
  return out
}

function ruleOf(header: string, makefileAm: readonly string[]): Rule | undefined {
  const rule = compileRuleOf(header)
  return rule === undefined || makefileAmRuleFor(rule.target, makefileAm) ? undefined : rule
}

/** A rule header of the shape automake writes to compile or link (`.c.o:`, `prog-main.o: main.c`, `prog$(EXEEXT): $(prog_OBJECTS) …`). */
export function compileRuleOf(header: string): Rule | undefined {
  const suffix = SUFFIX_RULE.exec(header)
  const object = suffix ? undefined : OBJECT_RULE.exec(header)
  const link = suffix || object ? undefined : LINK_RULE.exec(header)
  const rule: Rule | undefined = suffix
    ? { target: suffix[1] ?? '', object: '$@', source: '$<' }
    : object
      ? { target: object[1] ?? '', object: object[1] ?? '', source: object[2] }
      : link
        ? { target: link[1] ?? '', object: link[1] ?? '', source: undefined }
        : undefined
  return rule
}

/** Does a Makefile.am text write a rule of its own for `target`, alone or among others (`a b: c`)? */
export function writtenByMakefileAm(target: string, makefileAm: readonly string[]): boolean {
  return ruleTargetsOf(makefileAm).each.has(target)
}

/**
 * Does a Makefile.am text write a rule for exactly these targets (`foo.o: gen.h`, with a recipe or
 * not)? automake keys rules by their whole list of targets: a rule of the Makefile.am for `foo.o`
 * alone replaces automake's rule for it, while one for several (`foo.o bar.o: gen.h`) adds
 * prerequisites and leaves automake's rule for each in the Makefile.in beside it.
 */
export function makefileAmRuleFor(targets: string, makefileAm: readonly string[]): boolean {
  return ruleTargetsOf(makefileAm).lists.has(targetList(targets))
}

/** a rule's targets as automake keys them: spaced alike, `prog$(EXEEXT)` as `prog` */
const targetList = (targets: string): string =>
  targets
    .split(/[ \t]+/)
    .filter((t) => t !== '')
    .map((t) => t.replace(/\$\(EXEEXT\)$/, ''))
    .join(' ')

interface RuleTargets {
  /** every target of every rule */
  readonly each: ReadonlySet<string>
  /** each rule's list of targets (see {@link targetList}) */
  readonly lists: ReadonlySet<string>
}

/** the targets of every rule the Makefile.am texts write, read once for each set of texts */
const RULE_TARGETS = new WeakMap<readonly string[], RuleTargets>()

function ruleTargetsOf(makefileAm: readonly string[]): RuleTargets {
  const known = RULE_TARGETS.get(makefileAm)
  if (known !== undefined) return known
  const each = new Set<string>()
  const lists = new Set<string>()
  for (const text of makefileAm) {
    let continued = false
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\r$/, '')
      // a line a backslash continues (a value's, a recipe's) is no rule's header
      const rule = continued ? undefined : makeRuleOf(line)
      continued = line.endsWith('\\')
      if (rule === undefined) continue
      for (const t of rule.target.split(/[ \t]+/)) if (t !== '') each.add(t)
      lists.add(targetList(rule.target))
    }
  }
  const found = { each, lists }
  RULE_TARGETS.set(makefileAm, found)
  return found
}

function untemplatedWords(recipe: string, rule: Rule): string[] {
  const source = rule.source
  const withExpressions = recipe.replace(BACKQUOTED, (all, inner: string) => {
    const shape = source === undefined ? inner : inner.split(source).join('%S')
    return SOURCE_EXPRESSIONS.has(shape) || DEPBASE_EXPRESSION.test(shape) ? KNOWN_EXPRESSION : all
  })
  return withExpressions.split(/[ \t]+/).filter((word) => word !== '' && !templateWord(word, rule))
}

function templateWord(word: string, rule: Rule): boolean {
  const names = [rule.object, ...(rule.source === undefined ? [] : [rule.source, `./${rule.source}`, `${KNOWN_EXPRESSION}${rule.source}`])]
  const fixed = (w: string): boolean => w === '' || w === KNOWN_EXPRESSION || TEMPLATE_WORDS.has(w) || REFERENCES.test(w) || names.includes(w)
  const bare = word.replace(/(?:;|\\|&&)+$/, '').replace(/^(["'])(.*)\1$/, '$2')
  if (fixed(bare) || /^--tag=\w+$/.test(bare) || DEPENDENCY_FILE.test(bare)) return true
  // what follows the silent-rules prefix or make's own (`$(AM_V_CC)$(FCFLAGS_f90)$<`, `$(AM_V_at)-rm`, `@rm`)
  const prefixed = bare.replace(LEADING_REFERENCES, '')
  if (fixed(prefixed.replace(MAKE_PREFIX, ''))) return true
  const setting = DEPCOMP_SETTING.exec(prefixed)
  if (setting === null) return false
  const value = (setting[2] ?? '').replace(/^'(.*)'$/, '$1')
  switch (setting[1]) {
    case 'source':
      return value === rule.source
    case 'object':
      return value === rule.object
    case 'depbase':
      return value === KNOWN_EXPRESSION
    case 'DEPDIR':
      return value === '$(DEPDIR)'
    default:
      return DEPENDENCY_FILE.test(value)
  }
}

/**
 * The prerequisites of automake's rules that make, install and check the directory (`all-am:
 * Makefile $(PROGRAMS) config.h`) that neither automake nor the Makefile.am texts write: a rule of
 * any kind hooked into every build. A configuration header is one of `configHeaders` (by name),
 * or, where those are not known, any header the Makefile.in makes from a stamp as automake does.
 */
export function prerequisitesNotFromTemplates(makefileIn: string, makefileAm: readonly string[], configHeaders: () => readonly string[] | undefined): UntemplatedRecipe[] {
  // every word of the Makefile.am texts, a rule's target without its colon (`all-local:`) or a recipe on its line (`clean-local:; rm x`)
  const written = new Set(makefileAm.flatMap((text) => text.split(/[\s:;]+/)))
  // the configuration headers, by name, asked for only when a prerequisite is left to judge by them
  let headers: ReadonlySet<string> | undefined
  const isHeader = (w: string): boolean => (headers ??= new Set((configHeaders() ?? stampedHeaders(makefileIn)).map((h) => h.split('/').pop() ?? h))).has(w)
  const out: UntemplatedRecipe[] = []
  const lines = makefileIn.split('\n')
  let continued = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const configured = asConfigured(line)
    // a line a backslash continues is no rule's header, nor is a recipe line
    const header = !continued && !configured.startsWith('\t')
    continued = configured.endsWith('\\')
    const rule = header ? (aggregateRuleOf(configured) ?? ownRuleOf(configured, makefileAm)) : undefined
    if (rule === undefined) continue
    // the prerequisites may run on over continuation lines
    const prerequisites = rule.prerequisites.endsWith('\\') ? joined([rule.prerequisites, ...continuedLines(lines, i).slice(1)]) : rule.prerequisites
    const words = prerequisites.split(/[ \t]+/).filter((w) => w !== '' && !REFERENCES.test(w) && !AUTOMAKE_TARGET.test(w) && !AUTOMAKE_INPUT.test(w) && !written.has(w) && !written.has(w.replace(SOURCE_DIRECTORY, '')) && !isHeader(w))
    if (words.length > 0) out.push({ target: rule.target, line: i + 1, text: line, words, ...(rule.own ? { own: true as const } : {}) })
  }
  return out
}

/**
 * a manual's version file: automake takes any `vers*.texi` the manual includes (`version.texi`,
 * `vers-other.texi`, `versionmaint.texi`), as its program's scan of the manual reads it
 */
export const VERSION_TEXI = String.raw`vers[^.\s/:;&|\`'"=#]*\.texi`

/**
 * what automake adds to a rule's prerequisites itself: a build directory's stamps for each object
 * built in it (`src/$(am__dirstamp)`), `config.status` for a file configure makes, a manual's
 * version file (`$(srcdir)/version.texi`)
 */
const AUTOMAKE_INPUT = new RegExp(String.raw`^(?:(?:[\w.+@-]+\/)*(?:\$\(DEPDIR\)\/)?\$\(am__dirstamp\)|\$\(top_builddir\)\/config\.status|\$\(srcdir\)\/(?:[\w.+-]+\/)*${VERSION_TEXI})$`)
/** a name automake reads from the source tree (`$(srcdir)/table.conf.in` of the Makefile.am's `table.conf.in`) */
const SOURCE_DIRECTORY = /^\$\((?:top_)?srcdir\)\//

function aggregateRuleOf(header: string): { target: string; prerequisites: string; own?: true } | undefined {
  const m = AGGREGATE_RULE.exec(header)
  return m === null ? undefined : { target: m[1] ?? '', prerequisites: m[2] ?? '' }
}

/** what only `make dist` and `make distcheck` run, on the maintainer's machine (`dist-hook`, `distdir`), not `distclean` */
export const DIST_RULE = /^dist(?!clean(?:-|$))/

/**
 * A rule the Makefile.am texts write (not a pattern rule, nor one only `make dist` runs), whose
 * prerequisites automake copies and adds only its own to: a rule of any kind hooked into it, say
 * `gen.h: gen.h.in evil`, runs whenever it does.
 */
function ownRuleOf(header: string, makefileAm: readonly string[]): { target: string; prerequisites: string; own: true } | undefined {
  const rule = makeRuleOf(header)
  const target = rule?.target.split(/[ \t]+/)[0]
  if (rule === undefined || target === undefined || SPECIAL_TARGET.test(target) || ASSIGNMENT.test(header) || `${rule.target}${rule.rest}`.includes('%') || DIST_RULE.test(target) || !writtenByMakefileAm(target, makefileAm)) return undefined
  // a recipe on the header's line (`x: y ; cmd`) is the recipe's, held with the recipe's lines
  return { target, prerequisites: rule.rest.replace(/;.*$/, '').trimEnd(), own: true }
}

/** the rule automake writes for each configuration header, from its stamp file (`config.h: stamp-h1`, `lib/config.h: lib/stamp-h1`) */
export const STAMPED_HEADER_RULE = /^([^\s:$]+):\s+(?:[^\s:=#$]+\/)?stamp-h\d*\s*$/

/** the headers a Makefile.in makes from a stamp file */
function stampedHeaders(makefileIn: string): string[] {
  return [...makefileIn.matchAll(new RegExp(STAMPED_HEADER_RULE.source, 'gm'))].map((m) => m[1] ?? '')
}
