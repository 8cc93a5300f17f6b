import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asAutomakeReads, makefileAmTexts, wordsNotFromMakefileAm } from '../../src/verify/explain/automake-agreement.js'
import { configFilesNamed } from '../../src/verify/explain/configure-outputs.js'
import { substitutedByInput, substitutedVariables } from '../../src/verify/explain/configure-substitutions.js'
import { generatedExplainer } from '../../src/verify/explain/generated.js'
import { writeFiles } from '../git/fixtures.js'
import { autoreconfProject, autotool } from '../helpers/automake-project.js'
import { addedFile, memoryView } from '../helpers/tree-view.js'

// a project with what automake copies in several shapes: conditionals, `+=`, an included
// fragment, libtool libraries, programs with and without their own sources and libraries
const PROJECT: Record<string, string> = {
  'configure.ac': `AC_INIT([demo], [1.0])
AC_CONFIG_MACRO_DIRS([m4])
AM_INIT_AUTOMAKE([foreign subdir-objects])
AC_PROG_CC
AM_PROG_AR
LT_INIT
AM_CONDITIONAL([WITH_EXTRA], [test "x$with_extra" = xyes])
AC_SUBST([PLUGIN_VERSION], [1])
AC_SUBST([EXTRA_MAKEFILE], [/dev/null])
AC_CONFIG_FILES([Makefile lib/Makefile src/Makefile tests/Makefile])
AC_OUTPUT
`,
  'Makefile.am': 'SUBDIRS = lib src tests\nACLOCAL_AMFLAGS = -I m4\nEXTRA_DIST = common.am\n',
  // a relative name in a fragment is read from the including Makefile.am's directory
  'common.am': 'COMMON_CPPFLAGS = -I$(top_srcdir)/include -DCOMMON\ninclude local.am\n',
  'lib/local.am': 'LOCAL_CPPFLAGS = -DLOCAL\n',
  'lib/Makefile.am': `include $(top_srcdir)/common.am # what every directory shares
lib_LTLIBRARIES = libdemo.la
libdemo_la_SOURCES = a.c b.c
libdemo_la_CPPFLAGS = $(COMMON_CPPFLAGS) $(LOCAL_CPPFLAGS) -DLIB
libdemo_la_LDFLAGS = -version-info 1:0:0
if WITH_EXTRA
libdemo_la_SOURCES += extra.c
libdemo_la_LIBADD = -lm
endif
`,
  // a fragment named through another variable is make's to include, not automake's
  'src/Makefile.am': `include $(EXTRA_MAKEFILE)
bin_PROGRAMS = demo other
lib_LTLIBRARIES = libplug-@PLUGIN_VERSION@.la
libplug_@PLUGIN_VERSION@_la_SOURCES = plug.c
libplug_@PLUGIN_VERSION@_la_CFLAGS = -DPLUG
if WITH_EXTRA
libplug_@PLUGIN_VERSION@_la_CFLAGS += -fvisibility=hidden
endif
AM_CFLAGS = -Wall
demo_SOURCES = main.c \\
	util.c
demo_LDADD = ../lib/libdemo.la
demo_CFLAGS = $(AM_CFLAGS) -O2
`,
  // tests run by automake's harness, a program among them; a fragment names its own directory as
  // automake fills it in for the Makefile.am that includes it
  'tests/Makefile.am': `include extra/extra.am
TESTS = t1 t.sh
check_PROGRAMS = t1
AM_TESTS_ENVIRONMENT = LC_ALL=C; export LC_ALL;
`,
  'tests/extra/extra.am': "EXTRA_DIST = %reldir%/notes.txt\n%reldir%/notes.stamp: %reldir%/notes.txt\n\t$(MKDIR_P) '%reldir%/out' && echo %canon_reldir%_notes > $@\n",
}

let dir: string
/** each Makefile.in as automake wrote it here, by the path of its Makefile.am */
const generated = new Map<string, string>()

beforeAll(async () => {
  dir = await autoreconfProject('stagelight-automake-', PROJECT)
  for (const am of ['Makefile.am', 'lib/Makefile.am', 'src/Makefile.am', 'tests/Makefile.am']) generated.set(am, readFileSync(join(dir, am.replace(/\.am$/, '.in')), 'utf8'))
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const makefileIn = (am: string): string => generated.get(am) ?? ''
const amTexts = (am: string): string[] =>
  am === 'lib/Makefile.am' ? [PROJECT[am] ?? '', PROJECT['common.am'] ?? '', PROJECT['lib/local.am'] ?? ''] : am === 'tests/Makefile.am' ? [PROJECT[am] ?? '', PROJECT['tests/extra/extra.am'] ?? ''] : [PROJECT[am] ?? '']
/** one line of a Makefile.in changed, as a release could be after automake ran */
function edit(text: string, line: RegExp, change: (l: string) => string): string {
  const lines = text.split('\n')
  const at = lines.findIndex((l) => line.test(l))
  expect(at, String(line)).toBeGreaterThanOrEqual(0)
  lines[at] = change(lines[at] as string)
  return lines.join('\n')
}


/** the generated explainer's judgement of `text` at `path`, in a tree whose source holds `source` */
const judgeAt = (path: string, text: string, source: Record<string, string>) => generatedExplainer().judge(addedFile(path, text), memoryView({ [path]: text }, source))
/** the project's files at `paths`, with its configure.ac */
const projectFiles = (...paths: string[]): Record<string, string> => Object.fromEntries([...paths, 'configure.ac'].map((p) => [p, PROJECT[p] ?? '']))
describe('a Makefile.in agrees with the Makefile.am automake wrote it from', () => {
  it('finds no word that the Makefile.am does not write in what the installed automake wrote', () => {
    for (const am of generated.keys()) expect(wordsNotFromMakefileAm(makefileIn(am), amTexts(am)), am).toEqual([])
  })

  it('reports a word added to what a library links, a program links, or a target is compiled with', () => {
    const lib = 'lib/Makefile.am'
    const src = 'src/Makefile.am'
    const cases: Array<[string, RegExp, (l: string) => string, string, string]> = [
      // a conditional branch: automake writes @WITH_EXTRA_TRUE@ before the line
      [lib, /^@WITH_EXTRA_TRUE@libdemo_la_LIBADD = /, (l) => `${l} $(top_srcdir)/tests/files/good-1.o`, 'libdemo_la_LIBADD', '$(top_srcdir)/tests/files/good-1.o'],
      [lib, /^libdemo_la_CPPFLAGS = /, (l) => `${l} -include tests/data/bad-2.h`, 'libdemo_la_CPPFLAGS', '-include'],
      // the `+=` inside the conditional, which automake names am__append_1
      [lib, /^@WITH_EXTRA_TRUE@am__append_\d+ = /, (l) => `${l} crc_fast.c`, 'am__append_1', 'crc_fast.c'],
      [src, /^demo_LDADD = /, (l) => `${l} ../tests/x86.o`, 'demo_LDADD', '../tests/x86.o'],
      // a program that names no libraries gets automake's default, `$(LDADD)`
      [src, /^other_LDADD = /, (l) => `${l} -Wl,--wrap=RSA_public_decrypt`, 'other_LDADD', '-Wl,--wrap=RSA_public_decrypt'],
      // a value on continuation lines
      [src, /^\s+util\.c$/, (l) => l.replace('util.c', 'util.c tests/files/helper.c'), 'demo_SOURCES', 'tests/files/helper.c'],
      // configure's substitution, with something after it
      [src, /^LIBS = @LIBS@$/, (l) => `${l} -lsneaky`, 'LIBS', '-lsneaky'],
      // the `+=` of a library whose name holds a substitution
      [src, /^@WITH_EXTRA_TRUE@am__append_\d+ = -fvisibility=hidden/, (l) => `${l} -include tests/files/x.h`, 'am__append_1', 'tests/files/x.h'],
      ['Makefile.am', /^SUBDIRS = /, (l) => `${l} tests/hidden`, 'SUBDIRS', 'tests/hidden'],
    ]
    for (const [am, line, change, variable, word] of cases) {
      const found = wordsNotFromMakefileAm(edit(makefileIn(am), line, change), amTexts(am))
      expect(found.map((f) => f.variable), variable).toEqual([variable])
      expect(found[0]?.words, variable).toContain(word)
    }
  })

  it("reports a word added to automake's own compile and link commands or to an object list", () => {
    const lib = 'lib/Makefile.am'
    const src = 'src/Makefile.am'
    const cases: Array<[string, RegExp, (l: string) => string, string, string, string]> = [
      [src, /^COMPILE = \$\(CC\) /, (l) => l.replace('$(CC) ', '$(CC) -include tests/files/x.h '), 'COMPILE', '-include', 'template'],
      [lib, /^LTCOMPILE = /, (l) => l.replace('$(LIBTOOL) ', '$(LIBTOOL) -DHIDDEN=1 '), 'LTCOMPILE', '-DHIDDEN=1', 'template'],
      // a program with flags of its own links with a command of its own
      [src, /^demo_LINK = /, (l) => `${l} ../tests/files/x86.o`, 'demo_LINK', '../tests/files/x86.o', 'template'],
      [src, /^DEFAULT_INCLUDES = /, (l) => `${l} -I$(top_srcdir)/tests/files`, 'DEFAULT_INCLUDES', '-I$(top_srcdir)/tests/files', 'template'],
      [src, /^DEFAULT_INCLUDES = /, (l) => `${l} -I$(top_builddir)/../outside`, 'DEFAULT_INCLUDES', '-I$(top_builddir)/../outside', 'template'],
      // objects are named after the sources, behind the target's prefix when it has flags of its own
      [src, /^am_demo_OBJECTS = /, (l) => l.replace('= ', '= demo-payload.$(OBJEXT) '), 'am_demo_OBJECTS', 'demo-payload.$(OBJEXT)', 'objects'],
      [lib, /^am_libdemo_la_OBJECTS = /, (l) => `${l} libdemo_la-crc64_fast.lo`, 'am_libdemo_la_OBJECTS', 'libdemo_la-crc64_fast.lo', 'objects'],
      [src, /^other_OBJECTS = /, (l) => `${l} ../tests/files/good.o`, 'other_OBJECTS', '../tests/files/good.o', 'objects'],
    ]
    for (const [am, line, change, variable, word, origin] of cases) {
      const found = wordsNotFromMakefileAm(edit(makefileIn(am), line, change), amTexts(am))
      expect(found.map((f) => [f.variable, f.origin]), variable).toEqual([[variable, origin]])
      expect(found[0]?.words, variable).toContain(word)
    }
  })

  it("reports a word added to configure's value of a variable the Makefile.am leaves to configure", () => {
    const lib = 'lib/Makefile.am'
    const src = 'src/Makefile.am'
    const cases: Array<[string, string, string[]]> = [
      [src, 'CC', ['-include', '$(top_srcdir)/tests/files/x.h']],
      [src, 'LDFLAGS', ['-Wl,--wrap=getenv']],
      [src, 'LIBTOOL', ['--preserve-dup-deps']],
      // a word the Makefile.am writes elsewhere (`libdemo_la_LIBADD = -lm`) is still no word of configure's
      [lib, 'LIBS', ['-lm']],
      [lib, 'CFLAGS', ['-DLIB']],
    ]
    for (const [am, variable, words] of cases) {
      const found = wordsNotFromMakefileAm(edit(makefileIn(am), new RegExp(`^${variable} = @${variable}@$`), (l) => `${l} ${words.join(' ')}`), amTexts(am))
      expect(found.map((f) => [f.variable, f.origin, f.words]), variable).toEqual([[variable, 'substituted', words]])
    }
    // one the Makefile.am sets itself is held to its words
    const am = 'bin_PROGRAMS = tool\nCFLAGS = @CFLAGS@ -O0\n'
    const header = '# Makefile.in generated by automake 1.16.5 from Makefile.am.\n'
    expect(wordsNotFromMakefileAm(`${header}CFLAGS = @CFLAGS@ -O0\n`, [am])).toEqual([])
    expect(wordsNotFromMakefileAm(`${header}CFLAGS = @CFLAGS@ -O0 -fno-stack-protector\n`, [am]).map((f) => [f.origin, f.words])).toEqual([['copied', ['-fno-stack-protector']]])
  })

  it("reports a value put in place of configure's, by the list of what the real configure substitutes", () => {
    const substituted = substitutedVariables(readFileSync(join(dir, 'configure'), 'utf8'))
    // what this test stands on: autoconf's list names the tools, libtool and the project's own substitutions
    for (const name of ['CC', 'AR', 'INSTALL', 'LIBTOOL', 'LIBS', 'PLUGIN_VERSION']) expect(substituted?.has(name), name).toBe(true)
    for (const am of generated.keys()) expect(wordsNotFromMakefileAm(makefileIn(am), amTexts(am), { substituted }), am).toEqual([])
    const lib = 'lib/Makefile.am'
    const src = 'src/Makefile.am'
    const cases: Array<[string, string, string, string[]]> = [
      [src, 'CC', 'gcc -include $(top_srcdir)/tests/files/x.h', ['gcc', '-include', '$(top_srcdir)/tests/files/x.h']],
      [lib, 'AR', '$(top_srcdir)/tests/files/ar', ['$(top_srcdir)/tests/files/ar']],
      [src, 'INSTALL', '$(SHELL) $(top_srcdir)/tests/install.sh', ['$(SHELL)', '$(top_srcdir)/tests/install.sh']],
      // configure's value kept, a word beside it: the earlier rule, by the list too
      [lib, 'LIBTOOL', '@LIBTOOL@ --preserve-dup-deps', ['--preserve-dup-deps']],
      // a substitution of the project's own
      [src, 'PLUGIN_VERSION', '1', ['1']],
      // a substitution of another name in its place is still configure's value
      [src, 'LIBS', '@LIBS@ @LTLIBOBJS@', []],
    ]
    for (const [am, variable, value, words] of cases) {
      const text = edit(makefileIn(am), new RegExp(`^${variable} = @${variable}@$`), () => `${variable} = ${value}`)
      const found = wordsNotFromMakefileAm(text, amTexts(am), { substituted })
      expect(found.map((f) => [f.variable, f.origin, f.words]), variable).toEqual(words.length > 0 ? [[variable, 'substituted', words]] : [])
    }
    // without configure's list a value with no `@NAME@` left cannot be told from a variable of automake's
    const replaced = edit(makefileIn(src), /^CC = @CC@$/, () => 'CC = gcc -include $(top_srcdir)/tests/files/x.h')
    expect(wordsNotFromMakefileAm(replaced, amTexts(src))).toEqual([])
  })

  it('takes the values older automakes wrote themselves for names configure substitutes', () => {
    const substituted = new Set(['oldincludedir', 'ANSI2KNR', 'top_builddir', 'CC'])
    const header = '# Makefile.in generated by automake 1.6.3 from Makefile.am.\n'
    const am = 'AUTOMAKE_OPTIONS = ../portab/ansi2knr\nbin_PROGRAMS = tool\n'
    expect(wordsNotFromMakefileAm(`${header}oldincludedir = /usr/include\nANSI2KNR = ../portab/ansi2knr\ntop_builddir = ../..\n`, [am], { substituted, topBuilddir: '../..' })).toEqual([])
    const found = wordsNotFromMakefileAm(`${header}oldincludedir = /tmp/include\nANSI2KNR = ../tests/ansi2knr\ntop_builddir = ..\n`, [am], { substituted, topBuilddir: '../..' })
    expect(found.map((f) => [f.variable, f.words])).toEqual([
      ['oldincludedir', ['/tmp/include']],
      ['ANSI2KNR', ['../tests/ansi2knr']],
      // one level short of the top: `$(top_builddir)/libtool` would be a file of the directory above
      ['top_builddir', ['..']],
    ])
  })

  it("reads autoconf's list of substituted variables, and none from a configure without one", () => {
    expect(substitutedVariables("#! /bin/sh\nac_subst_vars='am__EXEEXT_FALSE\nLTLIBOBJS\nCC\nSHELL'\nac_subst_files=''\n")).toEqual(new Set(['am__EXEEXT_FALSE', 'LTLIBOBJS', 'CC', 'SHELL']))
    // autoconf 2.13 kept no list
    expect(substitutedVariables('#! /bin/sh\n# Generated automatically using autoconf version 2.13\ns%@CC@%$CC%g\n')).toBeUndefined()
  })

  it("holds a command or object list the Makefile.am sets itself to the Makefile.am's words", () => {
    const am = 'bin_PROGRAMS = tool\ntool_SOURCES = tool.cc\ntool_LINK = $(CXXLD) -static -o $@\n'
    const header = '# Makefile.in generated by automake 1.16.5 from Makefile.am.\n'
    // -static is no word of automake's template, but this Makefile.am writes it
    expect(wordsNotFromMakefileAm(`${header}tool_LINK = $(CXXLD) -static -o $@\n`, [am])).toEqual([])
    const found = wordsNotFromMakefileAm(`${header}tool_LINK = $(CXXLD) -static -o $@ $(top_srcdir)/tests/x.o\n`, [am])
    expect(found.map((f) => [f.variable, f.origin, f.words])).toEqual([['tool_LINK', 'copied', ['$(top_srcdir)/tests/x.o']]])
  })

  it('takes objects automake names after sources it derives (substitution references, ansi2knr) as named', () => {
    const am = 'bin_PROGRAMS = viewer\nheaders = window.hpp dialog.hpp\nviewer_SOURCES = main.cpp $(headers:.hpp=_moc.cpp)\n'
    const objects = (list: string) => `# Makefile.in generated by automake 1.16.5 from Makefile.am.\nam_viewer_OBJECTS = ${list}\n`
    expect(wordsNotFromMakefileAm(objects('main.$(OBJEXT) window_moc.$(OBJEXT) dialog_moc.$(OBJEXT) main$U.$(OBJEXT)'), [am])).toEqual([])
    expect(wordsNotFromMakefileAm(objects('main.$(OBJEXT) payload_moc.$(OBJEXT) window_moc_x.$(OBJEXT)'), [am])[0]?.words).toEqual(['payload_moc.$(OBJEXT)', 'window_moc_x.$(OBJEXT)'])
  })

  it('reads a Makefile.am written with CRLF line ends as the same file', () => {
    for (const am of generated.keys()) {
      const crlf = amTexts(am).map((t) => t.replace(/\n/g, '\r\n'))
      expect(wordsNotFromMakefileAm(makefileIn(am), crlf), am).toEqual([])
      expect(wordsNotFromMakefileAm(makefileIn(am).replace(/\n/g, '\r\n'), crlf), am).toEqual([])
    }
    // and a word added to a Makefile.in with CRLF line ends is still found
    const lib = 'lib/Makefile.am'
    const linked = edit(makefileIn(lib), /^@WITH_EXTRA_TRUE@libdemo_la_LIBADD = /, (l) => `${l} ../tests/files/x.o`).replace(/\n/g, '\r\n')
    expect(wordsNotFromMakefileAm(linked, amTexts(lib)).map((f) => f.words)).toEqual([['../tests/files/x.o']])
  })

  it('reads the fragments a Makefile.am includes, and judges nothing when one cannot be read', async () => {
    const am = 'lib/Makefile.am'
    const all = memoryView({}, { [am]: PROJECT[am] ?? '', 'common.am': PROJECT['common.am'] ?? '', 'lib/local.am': PROJECT['lib/local.am'] ?? '' })
    // each with its directory as automake names it from the Makefile.am's: a relative name inside a fragment is read from the Makefile.am's directory
    expect(await makefileAmTexts(am, all)).toEqual([
      { text: PROJECT[am], reldir: '.' },
      { text: PROJECT['common.am'], reldir: '..' },
      { text: PROJECT['lib/local.am'], reldir: '.' },
    ])
    const src = 'src/Makefile.am'
    expect(await makefileAmTexts(src, memoryView({}, { [src]: PROJECT[src] ?? '' }))).toEqual([{ text: PROJECT[src], reldir: '.' }])
    const tests = 'tests/Makefile.am'
    expect((await makefileAmTexts(tests, memoryView({}, { [tests]: PROJECT[tests] ?? '', 'tests/extra/extra.am': PROJECT['tests/extra/extra.am'] ?? '' })))?.map((t) => t.reldir)).toEqual(['.', 'extra'])
    // the fragment holds COMMON_CPPFLAGS' words: without it (or the one it includes) they could come from anywhere
    expect(await makefileAmTexts(am, memoryView({}, { [am]: PROJECT[am] ?? '' }))).toBeUndefined()
    expect(await makefileAmTexts(am, memoryView({}, { [am]: PROJECT[am] ?? '', 'common.am': PROJECT['common.am'] ?? '' }))).toBeUndefined()
  })

  it("reads a fragment as automake does: its directory put in where it names its own, and `%reldir%/x` made `x` at the Makefile.am's", () => {
    const fragment = "%reldir%/a.stamp: %D%/a.txt\n\techo %canon_reldir%_a %C%_b > %reldir%/x\n"
    expect(asAutomakeReads({ text: fragment, reldir: 'extra/sub-1' })).toBe('extra/sub-1/a.stamp: extra/sub-1/a.txt\n\techo extra_sub_1_a extra_sub_1_b > extra/sub-1/x\n')
    expect(asAutomakeReads({ text: fragment, reldir: '.' })).toBe('a.stamp: a.txt\n\techo a b > x\n')
    expect(asAutomakeReads({ text: 'x = $(top_srcdir)/%reldir%\n', reldir: '..' })).toBe('x = $(top_srcdir)/..\n')
    expect(asAutomakeReads({ text: 'y = %reldir%\n', reldir: 'a$$b' })).toBe('y = a$$b\n')
  })

  it('holds the recipe of a rule a fragment writes to its lines as automake read them', async () => {
    const am = 'tests/Makefile.am'
    const judge = (text: string) => judgeAt('tests/Makefile.in', text, projectFiles(am, 'tests/extra/extra.am'))
    expect(makefileIn(am)).toMatch(/^extra\/notes\.stamp: extra\/notes\.txt\n\t\$\(MKDIR_P\) 'extra\/out' && echo extra_notes > \$@$/m)
    expect((await judge(makefileIn(am)))?.outcome).toBe('explained')
    const added = edit(makefileIn(am), /^\t\$\(MKDIR_P\) 'extra\/out'/, (l) => `${l}\n\tcp $(srcdir)/extra/notes.txt ../lib/.libs/libdemo.so.0`)
    const j = await judge(added)
    expect(j?.outcome).toBe('unexplained')
    expect(j?.findings?.[0]?.message).toMatch(/^the rule tests\/Makefile\.am writes for extra\/notes\.stamp holds cp \$\(srcdir\)\/extra\/notes\.txt \.\.\/lib\/\.libs\/libdemo\.so\.0, which neither tests\/Makefile\.am/)
    expect(j?.findings?.[0]?.evidence).toContain("not in tests/Makefile.am's or automake's rule for extra/notes.stamp")
    expect(j?.findings?.[0]?.data).toMatchObject({ recipes: [{ target: 'extra/notes.stamp', own: true }] })
  })

  it('says of a line given to a rule automake writes with no recipe that it writes none there', async () => {
    const am = 'lib/Makefile.am'
    const judge = (text: string) => judgeAt('lib/Makefile.in', text, projectFiles(am, 'common.am', 'lib/local.am'))
    const added = edit(makefileIn(am), /^am--depfiles: \$\(am__depfiles_remade\)$/, (l) => `${l}\n\t@cp $(srcdir)/local.am .libs/libdemo.so.0`)
    const j = await judge(added)
    expect(j?.outcome).toBe('unexplained')
    expect(j?.findings?.[0]?.severity).toBe('high')
    expect(j?.findings?.[0]?.message).toMatch(/^the rule automake wrote for am--depfiles holds @cp \$\(srcdir\)\/local\.am \.libs\/libdemo\.so\.0, though automake writes that rule with no recipe/)
    expect(j?.findings?.[0]?.evidence).toContain('automake writes no recipe for am--depfiles: @cp')
    expect(j?.findings?.[0]?.data).toMatchObject({ recipes: [{ target: 'am--depfiles', recipeless: true }] })
  })

  it('explains the Makefile.in automake wrote and reports one linking an object its Makefile.am never names', async () => {
    const am = 'lib/Makefile.am'
    const judge = (text: string) => judgeAt('lib/Makefile.in', text, projectFiles(am, 'common.am', 'lib/local.am'))
    expect((await judge(makefileIn(am)))?.outcome).toBe('explained')
    const linked = edit(makefileIn(am), /^@WITH_EXTRA_TRUE@libdemo_la_LIBADD = /, (l) => `${l} ../tests/files/good-large_compressed.o`)
    const j = await judge(linked)
    expect(j?.outcome).toBe('unexplained')
    const finding = j?.findings?.[0]
    expect(finding?.ruleId).toBe('verify/generated-disagrees')
    expect(finding?.severity).toBe('high')
    expect(finding?.message).toMatch(/^libdemo_la_LIBADD names \.\.\/tests\/files\/good-large_compressed\.o, which lib\/Makefile\.am never writes/)
    expect(linked.split('\n')[(finding?.line ?? 0) - 1]).toMatch(/libdemo_la_LIBADD = .*good-large_compressed\.o/)
    expect(finding?.evidence).toMatch(/^lib\/Makefile\.in:\d+: libdemo_la_LIBADD = -lm \.\.\/tests\/files\/good-large_compressed\.o\n {2}not in lib\/Makefile\.am: \.\.\/tests\/files\/good-large_compressed\.o$/)
  })

  it('holds the dependencies automake derives to what is linked, its variables expanded, and reports a rule hooked in through them', async () => {
    const am = 'src/Makefile.am'
    expect(makefileIn(am)).toMatch(/^demo_DEPENDENCIES = \.\.\/lib\/libdemo\.la$/m)
    expect(wordsNotFromMakefileAm(makefileIn(am), amTexts(am))).toEqual([])
    const hooked = edit(makefileIn(am), /^demo_DEPENDENCIES = /, (l) => `${l} stage-crc`)
    const reported = wordsNotFromMakefileAm(`${hooked}\nstage-crc:\n\tcp $(top_srcdir)/README ../lib/.libs/libdemo.so.0\n`, amTexts(am))
    expect(reported.map((u) => [u.variable, u.origin, u.words])).toEqual([['demo_DEPENDENCIES', 'derived', ['stage-crc']]])
    // what automake derives: the linked words, the variables they name expanded, a substitution reference's objects, its own lists
    const derived = (deps: string): string =>
      `X_LIBS = ../x/libx.la -lz\nSRCS = a.c $(MORE)\nMORE = b.c\nam__DEPENDENCIES_1 =\nfoo_LDADD = $(X_LIBS) $(SRCS:.c=.lo) $(Y_LIBS) @LTLIBINTL@\nY_LIBS = $(Z)\nZ = $(Y_LIBS) z.la\nfoo_DEPENDENCIES = ${deps}\n`
    const dependencies = (text: string, am = ['']) => wordsNotFromMakefileAm(text, am).filter((u) => u.variable.includes('DEPENDENCIES'))
    expect(dependencies(derived('../x/libx.la a.lo b.lo z.la $(am__DEPENDENCIES_1) @LTLIBINTL@'))).toEqual([])
    expect(dependencies(derived('../x/libx.la c.lo evil')).map((u) => u.words)).toEqual([['c.lo', 'evil']])
    // a list automake never writes, or writes empty, and a list the Makefile.am sets, which is copied as every other
    expect(dependencies(`${derived('')}EXTRA_foo_DEPENDENCIES = evil\nam__DEPENDENCIES_1 = evil\n`).map((u) => [u.variable, u.words])).toEqual([
      ['EXTRA_foo_DEPENDENCIES', ['evil']],
      ['am__DEPENDENCIES_1', ['evil']],
    ])
    expect(dependencies(derived('evil'), ['foo_DEPENDENCIES = evil\n'])).toEqual([])
    // the default every program without a list of its own is linked with
    expect(dependencies('LDADD = ../y/liby.la\nbar_DEPENDENCIES = ../y/liby.la\n')).toEqual([])
    expect(dependencies('bar_DEPENDENCIES = ../y/liby.la\n').map((u) => u.words)).toEqual([['../y/liby.la']])
    // a link list of the Makefile.am named in place of its words, as automake does where they are the same; not another variable
    expect(dependencies('LDADD = ../y/liby.la @LIBCURL@\ncleanup_LDADD = ../y/liby.la\nwait_LDADD = $(PTHREAD_LIBS) $(LDADD)\nwait_DEPENDENCIES = $(am__DEPENDENCIES_1) $(cleanup_LDADD)\n')).toEqual([])
    expect(dependencies('LDADD = ../y/liby.la\nHOOK = stage-crc\nwait_DEPENDENCIES = $(HOOK) ${HOOK}\n').map((u) => u.words)).toEqual([['$(HOOK)', '${HOOK}']])
    // variables that refer to each other, twice over, are each expanded once
    expect(dependencies('A = $(B) $(B) a.la\nB = $(A) $(A) b.la\nfoo_LDADD = $(A)\nfoo_DEPENDENCIES = a.la b.la\n')).toEqual([])
    const j = await generatedExplainer().judge(addedFile('src/Makefile.in', hooked), memoryView({ 'src/Makefile.in': hooked }, { [am]: PROJECT[am] ?? '', 'configure.ac': PROJECT['configure.ac'] ?? '' }))
    expect(j?.findings?.[0]?.message).toBe('demo_DEPENDENCIES names stage-crc, which is in none of the lists automake derives demo_DEPENDENCIES from (what is linked: *_LIBADD, *_LDADD) and src/Makefile.am never sets it')
  })

  it('expands a long chain of link variables to a bounded depth, and judges what lies deeper as not derived', () => {
    const chain = Array.from({ length: 5_000 }, (_, i) => `V${i} = w${i}.la $(V${i + 1})`).join('\n')
    const text = `${chain}\nfoo_LDADD = $(V0)\nfoo_DEPENDENCIES = w0.la w10.la w4999.la\n`
    expect(wordsNotFromMakefileAm(text, ['foo_LDADD = $(V0)\n']).map((u) => [u.variable, u.words])).toEqual([['foo_DEPENDENCIES', ['w4999.la']]])
  })

  it("reports a Makefile.in whose compiler is no longer configure's, by the package's configure", async () => {
    const am = 'src/Makefile.am'
    const configure = readFileSync(join(dir, 'configure'), 'utf8')
    const source = { [am]: PROJECT[am] ?? '', 'configure.ac': PROJECT['configure.ac'] ?? '' }
    const replaced = edit(makefileIn(am), /^CC = @CC@$/, () => 'CC = gcc -include $(top_srcdir)/tests/files/x.h')
    const judge = (files: Record<string, string>) => generatedExplainer().judge(addedFile('src/Makefile.in', replaced), memoryView({ 'src/Makefile.in': replaced, ...files }, source))
    const j = await judge({ configure })
    expect(j?.outcome).toBe('unexplained')
    expect(j?.findings?.[0]?.ruleId).toBe('verify/generated-disagrees')
    expect(j?.findings?.[0]?.message).toBe("CC names gcc -include $(top_srcdir)/tests/files/x.h, where automake writes only configure's value (CC = @CC@) and src/Makefile.am never sets it")
    expect(replaced.split('\n')[(j?.findings?.[0]?.line ?? 0) - 1]).toBe('CC = gcc -include $(top_srcdir)/tests/files/x.h')
    // libtool's RANLIB is only in configure's own list: the configure of another package (in a directory of its own) says nothing of this one
    const ranlib = edit(makefileIn(am), /^RANLIB = @RANLIB@$/, () => 'RANLIB = $(SHELL) $(top_srcdir)/tests/files/r.sh')
    const judgeRanlib = (files: Record<string, string>) => generatedExplainer().judge(addedFile('src/Makefile.in', ranlib), memoryView({ 'src/Makefile.in': ranlib, ...files }, source))
    expect((await judgeRanlib({ configure }))?.findings?.[0]?.data?.['variables']).toEqual([{ name: 'RANLIB', line: expect.any(Number), words: ['$(SHELL)', '$(top_srcdir)/tests/files/r.sh'] }])
    expect((await judgeRanlib({ 'other/configure': configure, 'other/configure.ac': PROJECT['configure.ac'] ?? '' }))?.outcome).toBe('explained')
  })

  it("holds a name struck from configure's list to configure's value when configure.ac's macros substitute it", async () => {
    const am = 'src/Makefile.am'
    const configure = readFileSync(join(dir, 'configure'), 'utf8')
    const source = { [am]: PROJECT[am] ?? '', 'configure.ac': PROJECT['configure.ac'] ?? '' }
    // the list edited with the Makefile.in: CC (AC_PROG_CC) and RANLIB (libtool's macro, unknown to configure.ac's reading) struck out
    const struck = configure.replace(/^ac_subst_vars='[^']*'/m, (list) => list.replace(/\nCC\n/, '\n').replace(/\nRANLIB\n/, '\n'))
    expect(struck).not.toBe(configure)
    expect(substitutedVariables(struck)?.has('CC')).toBe(false)
    const judge = async (line: RegExp, value: string) => {
      const text = edit(makefileIn(am), line, (l) => `${l.split(' = ')[0] ?? ''} = ${value}`)
      const j = await generatedExplainer().judge(addedFile('src/Makefile.in', text), memoryView({ 'src/Makefile.in': text, configure: struck }, source))
      return j?.outcome === 'explained' ? 'explained' : j?.findings?.[0]?.data?.['variables']
    }
    expect(await judge(/^CC = @CC@$/, 'gcc -include $(top_srcdir)/NEWS')).toEqual([{ name: 'CC', line: expect.any(Number), words: ['gcc', '-include', '$(top_srcdir)/NEWS'] }])
    expect(await judge(/^CC = @CC@$/, '@CC@')).toBe('explained')
    // what only the list said is gone with it: RANLIB, substituted by a library's macro configure.ac's reading does not know
    expect(await judge(/^RANLIB = @RANLIB@$/, 'ranlib')).toBe('explained')
  })

  it('holds a release that ships no configure to what its configure.ac is sure to substitute', async () => {
    const am = 'src/Makefile.am'
    const source = { [am]: PROJECT[am] ?? '', 'configure.ac': PROJECT['configure.ac'] ?? '' }
    const judge = async (line: RegExp, value: string) => {
      const text = edit(makefileIn(am), line, (l) => `${l.split(' = ')[0] ?? ''} = ${value}`)
      const j = await generatedExplainer().judge(addedFile('src/Makefile.in', text), memoryView({ 'src/Makefile.in': text }, source))
      return j?.outcome === 'explained' ? 'explained' : j?.findings?.[0]?.data?.['variables']
    }
    expect(await judge(/^INSTALL = @INSTALL@$/, '@INSTALL@')).toBe('explained')
    // every configure of autoconf and automake substitutes INSTALL; AC_PROG_CC, CC; configure.ac names PLUGIN_VERSION
    expect(await judge(/^INSTALL = @INSTALL@$/, '$(SHELL) $(top_srcdir)/tests/files/i.sh')).toEqual([{ name: 'INSTALL', line: expect.any(Number), words: ['$(SHELL)', '$(top_srcdir)/tests/files/i.sh'] }])
    expect(await judge(/^CC = @CC@$/, 'cc -include x.h')).toEqual([{ name: 'CC', line: expect.any(Number), words: ['cc', '-include', 'x.h'] }])
    expect(await judge(/^PLUGIN_VERSION = @PLUGIN_VERSION@$/, '2')).toEqual([{ name: 'PLUGIN_VERSION', line: expect.any(Number), words: ['2'] }])
  })

  it('claims from configure.ac only what configure is sure to substitute, nothing in a comment', () => {
    const names = substitutedByInput('AC_INIT([x], [1])\nAM_INIT_AUTOMAKE\nAC_PROG_CXX\nAC_SUBST([ZLIB_LIBS])\nAC_SUBST(ICON_DIR, [$datadir/icons])\n#AC_SUBST(OLD_FLAGS)\ndnl AC_SUBST([GONE])\nPKG_CHECK_MODULES([GLIB], [glib-2.0])\n')
    for (const name of ['SHELL', 'INSTALL', 'srcdir', 'CXX', 'CXXFLAGS', 'ZLIB_LIBS', 'ICON_DIR']) expect(names.has(name), name).toBe(true)
    // no C compiler checked, names commented out, and what a library's macro substitutes (read only from configure itself)
    for (const name of ['CC', 'OLD_FLAGS', 'GONE', 'GLIB_CFLAGS', 'LIBTOOL']) expect(names.has(name), name).toBe(false)
    // the test project's own configure substitutes all of them
    const list = substitutedVariables(readFileSync(join(dir, 'configure'), 'utf8'))
    expect([...substitutedByInput(PROJECT['configure.ac'] ?? '')].filter((name) => !list?.has(name))).toEqual([])
  })

  it('takes the way up to the top of the build tree that automakes before 1.10 wrote, from the Makefile.in to its package', async () => {
    const am = 'src/Makefile.am'
    const configure = readFileSync(join(dir, 'configure'), 'utf8')
    const judge = async (path: string, way: string) => {
      const text = edit(makefileIn(am), /^top_builddir = @top_builddir@$/, () => `top_builddir = ${way}`)
      const amPath = path.replace(/\.in$/, '.am')
      const j = await generatedExplainer().judge(addedFile(path, text), memoryView({ [path]: text, 'pkg/configure': configure }, { [amPath]: PROJECT[am] ?? '', 'pkg/configure.ac': PROJECT['configure.ac'] ?? '' }))
      return j?.outcome === 'explained' ? 'explained' : j?.findings?.[0]?.data?.['variables']
    }
    expect(await judge('pkg/src/Makefile.in', '..')).toBe('explained')
    expect(await judge('pkg/src/lib/Makefile.in', '../..')).toBe('explained')
    expect(await judge('pkg/Makefile.in', '.')).toBe('explained')
    expect(await judge('pkg/src/lib/Makefile.in', '..')).toEqual([{ name: 'top_builddir', line: expect.any(Number), words: ['..'] }])
    expect(await judge('pkg/src/Makefile.in', '.')).toEqual([{ name: 'top_builddir', line: expect.any(Number), words: ['.'] }])
  })

  it('leaves a Makefile that configure wrote from the Makefile.in (its substitutions made) to the rules', async () => {
    const am = 'src/Makefile.am'
    const configured = makefileIn(am).replace(/^LIBS = @LIBS@$/m, 'LIBS = -lz -lpthread')
    const source = { [am]: PROJECT[am] ?? '', 'configure.ac': PROJECT['configure.ac'] ?? '' }
    const j = await generatedExplainer().judge(addedFile('src/Makefile', configured), memoryView({ 'src/Makefile': configured }, source))
    expect(j?.findings?.some((f) => f.ruleId === 'verify/generated-disagrees') ?? false).toBe(false)
    const asIn = await generatedExplainer().judge(addedFile('src/Makefile.in', configured), memoryView({ 'src/Makefile.in': configured }, source))
    expect(asIn?.findings?.[0]?.ruleId).toBe('verify/generated-disagrees')
  })
})

// configuration headers in three directories: two that configure.ac names, one a macro of the project names
const HEADERS_PROJECT: Record<string, string> = {
  'configure.ac': `AC_INIT([hdr], [1.0])
AC_CONFIG_MACRO_DIRS([m4])
AM_INIT_AUTOMAKE([foreign])
AC_PROG_CC
AC_CONFIG_HEADERS([include/config.h lib/defs.h:lib/defs.hin])
HDR_SETUP
AC_CONFIG_FILES([Makefile src/Makefile])
AC_OUTPUT
`,
  // a prefix the macro pastes on, empty here
  'm4/setup.m4': 'm4_define([hdr_prefix], [])\nAC_DEFUN([HDR_SETUP], [AC_CONFIG_HEADERS(hdr_prefix[gen/private/conf.h])])\n',
  'include/config.h.in': '#undef PACKAGE\n',
  'lib/defs.hin': '#undef DEFS\n',
  'gen/private/conf.h.in': '#undef CONF\n',
  'Makefile.am': 'SUBDIRS = src\nACLOCAL_AMFLAGS = -I m4\n',
  'src/Makefile.am': 'bin_PROGRAMS = hdr\nhdr_SOURCES = main.c\n',
}

describe('every variable a Makefile.am sets, and the test harness\'s, hold only what the Makefile.am writes in a Makefile configure makes', () => {
  it('finds nothing in what the installed automake wrote: programs with $(EXEEXT), a fragment\'s own directory, a value commented out', () => {
    const src = makefileIn('tests/Makefile.am')
    expect(src).toMatch(/^TESTS = t1\$\(EXEEXT\) t\.sh$/m)
    expect(src).toMatch(/^EXTRA_DIST = extra\/notes\.txt$/m)
    for (const am of generated.keys()) expect(wordsNotFromMakefileAm(makefileIn(am), amTexts(am), { made: true }), am).toEqual([])
    // a list the Makefile.am comments out from one line on, which a Makefile.in written before still holds
    expect(wordsNotFromMakefileAm('noinst_HEADERS = a.h b.h c.h d.h\n', ['noinst_HEADERS = a.h \\\n\t#b.h \\\n\t#c.h \\\n\td.h\n'], { made: true })).toEqual([])
    // a fragment beside the Makefile.am: automake drops its `%reldir%/`
    expect(wordsNotFromMakefileAm('EXTRA_DIST = n.txt\n', ['include x.am\n', 'EXTRA_DIST = %reldir%/n.txt\n'], { made: true })).toEqual([])
    // automake's own line for a directory the Makefile.am sets again further on
    expect(wordsNotFromMakefileAm('pkgdatadir = $(datadir)/@PACKAGE@\npkgdatadir = ${datadir}/x\n', ['pkgdatadir = ${datadir}/x\n'], { made: true })).toEqual([])
  })

  it("reports a word added to a value the Makefile.am sets, and to the harness's variables it sets or leaves unset", () => {
    const am = 'tests/Makefile.am'
    const judged = (text: string) => wordsNotFromMakefileAm(text, amTexts(am), { made: true }).map((u) => [u.variable, u.words])
    const cases: [RegExp, (l: string) => string, string, string[]][] = [
      [/^AM_TESTS_ENVIRONMENT = /, (l) => `${l} cp $(top_srcdir)/README .libs/libx.so.0;`, 'AM_TESTS_ENVIRONMENT', ['cp', '$(top_srcdir)/README', '.libs/libx.so.0;']],
      [/^EXTRA_DIST = /, (l) => `${l} ../tests/files/x.o`, 'EXTRA_DIST', ['../tests/files/x.o']],
      [/^TESTS = /, (l) => `${l} $(shell sh README)`, 'TESTS', ['$(shell', 'sh', 'README)']],
      [/^TESTS = /, (l) => `TESTS_ENVIRONMENT = sh $(srcdir)/NEWS;\n${l}`, 'TESTS_ENVIRONMENT', ['sh', '$(srcdir)/NEWS;']],
      [/^TESTS = /, (l) => `SH_LOG_COMPILER = $(SHELL) $(srcdir)/NEWS\n${l}`, 'SH_LOG_COMPILER', ['$(SHELL)', '$(srcdir)/NEWS']],
      [/^TESTS = /, (l) => `AM_MAKEFLAGS = -f $(srcdir)/NEWS\n${l}`, 'AM_MAKEFLAGS', ['-f', '$(srcdir)/NEWS']],
    ]
    for (const [line, change, variable, words] of cases) expect(judged(edit(makefileIn(am), line, change)), variable).toEqual([[variable, words]])
    // a word of another of the Makefile.am's values passes (automake moves a conditional `+=` into its own variable); one of its recipes does not
    expect(judged(edit(makefileIn(am), /^EXTRA_DIST = /, (l) => `${l} t.sh`))).toEqual([])
    expect(wordsNotFromMakefileAm('TESTS_ENVIRONMENT = cp x y\n', ['TESTS = t\ngen:\n\tcp x y\n'], { made: true }).map((u) => u.words)).toEqual([['cp', 'x', 'y']])
    // configure's value of one, as automake writes it for what configure.ac substitutes
    expect(wordsNotFromMakefileAm('AM_MAKEFLAGS = @AM_MAKEFLAGS@\n', [''], { made: true })).toEqual([])
    expect(judged(edit(makefileIn(am), /^EXTRA_DIST = /, (l) => `${l} other/notes.txt.sh other/evilnotes.txt`))).toEqual([['EXTRA_DIST', ['other/notes.txt.sh', 'other/evilnotes.txt']]])
  })

  it('judges them only in a Makefile.in configure.ac names a Makefile of: a stale one nothing builds with may list what the Makefile.am no longer does', async () => {
    const am = 'tests/Makefile.am'
    const changed = edit(makefileIn(am), /^EXTRA_DIST = /, (l) => `${l} ../tests/files/x.o`)
    expect(wordsNotFromMakefileAm(changed, amTexts(am))).toEqual([])
    const source = (configure: string) => ({ [am]: PROJECT[am] ?? '', 'tests/extra/extra.am': PROJECT['tests/extra/extra.am'] ?? '', 'configure.ac': configure })
    const judge = async (configure: string) => (await generatedExplainer().judge(addedFile('tests/Makefile.in', changed), memoryView({ 'tests/Makefile.in': changed }, source(configure))))?.outcome
    expect(await judge(PROJECT['configure.ac'] ?? '')).toBe('unexplained')
    expect(await judge((PROJECT['configure.ac'] ?? '').replace(' tests/Makefile]', ']'))).toBe('explained')
  })

  it("reads the files configure.ac's AC_CONFIG_FILES and AC_OUTPUT name, not those named through a variable", () => {
    expect(configFilesNamed('AC_CONFIG_FILES([Makefile\n  src/Makefile:src/Makefile.in lib/x.pc])\nAC_CONFIG_FILES([$extra/Makefile])\nAC_OUTPUT(doc/Makefile)\n')).toEqual(['Makefile', 'src/Makefile', 'lib/x.pc', 'doc/Makefile'])
    expect(configFilesNamed('AC_OUTPUT\n')).toEqual([])
  })
})

describe("automake's DEFAULT_INCLUDES names only the directories of the configuration headers", () => {
  let project: string
  let makefile = ''
  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'stagelight-automake-headers-'))
    writeFiles(project, HEADERS_PROJECT)
    await autotool('aclocal', ['-I', 'm4'], project)
    await autotool('automake', ['--add-missing', '--foreign'], project)
    makefile = readFileSync(join(project, 'src/Makefile.in'), 'utf8')
  }, 120_000)
  afterAll(() => rmSync(project, { recursive: true, force: true }))

  const judge = (text: string, source: Record<string, string> = HEADERS_PROJECT) =>
    generatedExplainer().judge(addedFile('src/Makefile.in', text), memoryView({ 'src/Makefile.in': text }, source))
  const withInclude = (word: string) => edit(makefile, /^DEFAULT_INCLUDES = /, (l) => `${l} ${word}`)

  it('explains what automake wrote, the directory a macro names included', async () => {
    // what this test stands on: automake put each header's directory there
    expect(makefile).toMatch(/^DEFAULT_INCLUDES = .*-I\$\(top_builddir\)\/include -I\$\(top_builddir\)\/lib -I\$\(top_builddir\)\/gen\/private$/m)
    expect((await judge(makefile))?.outcome).toBe('explained')
  })

  it('reports a directory of the build tree no configuration header is written to', async () => {
    for (const word of ['-I$(top_builddir)/tests/files', '-I$(top_builddir)/include/../tests', '-I$(srcdir)/tests', '-I./tests/files', '-I$(top_builddir)/private']) {
      const j = await judge(withInclude(word))
      expect(j?.outcome, word).toBe('unexplained')
      expect(j?.findings?.[0]?.ruleId, word).toBe('verify/generated-disagrees')
      expect(j?.findings?.[0]?.message, word).toContain(`DEFAULT_INCLUDES names ${word}, which automake's command for it never holds`)
    }
  })

  it("reads the project's macros for the headers configure.ac does not name, and nothing without configure.ac", async () => {
    const { ['m4/setup.m4']: _macro, ...withoutMacro } = HEADERS_PROJECT
    const j = await judge(makefile, withoutMacro)
    expect(j?.findings?.[0]?.message).toContain('DEFAULT_INCLUDES names -I$(top_builddir)/gen/private,')
    // no configure.ac to say where the headers are: a directory of the build tree is not judged
    const { ['configure.ac']: _configure, ...withoutConfigure } = HEADERS_PROJECT
    const tests = withInclude('-I$(top_builddir)/tests/files')
    expect((await judge(tests, withoutConfigure))?.outcome).toBe('explained')
    // nor when configure.ac names a header through a variable, which only running it says
    const configure = HEADERS_PROJECT['configure.ac'] ?? ''
    const throughVariable = { ...HEADERS_PROJECT, 'configure.ac': configure.replace('lib/defs.h:lib/defs.hin', '$DEFS_H') }
    expect((await judge(tests, throughVariable))?.outcome).toBe('explained')
    // a configure.ac that names no header at all leaves automake no directory to add
    const noHeaders = { ...withoutMacro, 'configure.ac': configure.replace(/^AC_CONFIG_HEADERS.*\n/m, '').replace(/^HDR_SETUP\n/m, '') }
    const bare = edit(makefile, /^DEFAULT_INCLUDES = /, () => 'DEFAULT_INCLUDES = -I.@am__isrc@')
    expect((await judge(bare, noHeaders))?.outcome).toBe('explained')
    expect((await judge(`${bare.replace(/^DEFAULT_INCLUDES = .*$/m, (l) => `${l} -I$(top_builddir)/tests`)}`, noHeaders))?.findings?.[0]?.message).toContain('DEFAULT_INCLUDES names -I$(top_builddir)/tests,')
  })
})
