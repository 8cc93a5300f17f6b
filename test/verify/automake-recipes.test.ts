import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prerequisitesNotFromTemplates, recipeWordsNotFromTemplates, writtenByMakefileAm } from '../../src/verify/explain/automake-recipes.js'
import { installLinesNotFromTemplates } from '../../src/verify/explain/automake-install-lines.js'
import { generatedExplainer } from '../../src/verify/explain/generated.js'
import { autoreconfProject } from '../helpers/automake-project.js'
import { addedFile, memoryView } from '../helpers/tree-view.js'

// rules automake writes in several shapes: suffix rules with and without libtool, per-object rules
// (a target with flags of its own), objects in subdirectories, a static library, a program, and one
// object the Makefile.am builds with a rule of its own
const PROJECT: Record<string, string> = {
  'configure.ac': `AC_INIT([demo], [1.0])
AC_CONFIG_MACRO_DIRS([m4])
AM_INIT_AUTOMAKE([foreign subdir-objects])
AC_CONFIG_HEADERS([config.h])
AC_PROG_CC
AM_PROG_AR
LT_INIT
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
`,
  'Makefile.am': `ACLOCAL_AMFLAGS = -I m4
lib_LTLIBRARIES = libdemo.la
libdemo_la_SOURCES = lib/a.c lib/b.c
libdemo_la_CFLAGS = -DLIB
noinst_LIBRARIES = libstatic.a
libstatic_a_SOURCES = s.c
bin_PROGRAMS = demo
demo_SOURCES = main.c util/u.c
demo_LDADD = libdemo.la libstatic.a special.o

special.o: special.c
	$(CC) -DSPECIAL -c -o $@ $(srcdir)/special.c

# prerequisites for several objects at once: automake still writes its own rule for each
lib/libdemo_la-b.lo lib/b.lo: lib/b.c config.h
`,
}

let dir: string
let makefileIn = ''
const am = [PROJECT['Makefile.am'] ?? '']

beforeAll(async () => {
  dir = await autoreconfProject('stagelight-recipes-', PROJECT)
  makefileIn = readFileSync(join(dir, 'Makefile.in'), 'utf8')
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** the Makefile.in with the first line `line` matches changed */
function edited(line: RegExp, change: (l: string) => string, text = makefileIn): { text: string; at: number } {
  const lines = text.split('\n')
  const at = lines.findIndex((l) => line.test(l))
  if (at < 0) throw new Error(`no line matches ${line}`)
  lines[at] = change(lines[at] ?? '')
  return { text: lines.join('\n'), at: at + 1 }
}

describe("automake's compile and link recipes hold only what its templates write", () => {
  it('finds nothing in what the installed automake wrote, its own rules of every shape included', () => {
    // the shapes are there to be judged: suffix, per-object, subdirectory and link rules
    expect(makefileIn).toMatch(/^\.c\.lo:$/m)
    expect(makefileIn).toMatch(/^lib\/libdemo_la-a\.lo: lib\/a\.c$/m)
    expect(makefileIn).toMatch(/depbase=`echo \$@ \| sed/)
    expect(makefileIn).toMatch(/^libstatic\.a: \$\(libstatic_a_OBJECTS\)/m)
    // the Makefile.am's rule for two objects, copied, and automake's own compile rule for one of them
    expect(makefileIn).toMatch(/^lib\/libdemo_la-b\.lo lib\/b\.lo: lib\/b\.c config\.h$/m)
    expect(makefileIn).toMatch(/^lib\/libdemo_la-b\.lo: lib\/b\.c$/m)
    expect(recipeWordsNotFromTemplates(makefileIn, am)).toEqual([])
    expect(installLinesNotFromTemplates(makefileIn, am)).toEqual([])
  })

  it('reports a word added to a compile rule, a link rule or an archive, on its line', () => {
    const cases: [RegExp, (l: string) => string, string, string[]][] = [
      [/^@am__fastdepCC_TRUE@\t.*\$\(LTCOMPILE\) -MT \$@/, (l) => l.replace(' -MT ', ' -Dmemcmp=my_memcmp -MT '), '.c.lo', ['-Dmemcmp=my_memcmp']],
      [/^@am__fastdepCC_TRUE@\t.*-o lib\/libdemo_la-b\.lo/, (l) => `${l} && echo 'int x;' >> $(srcdir)/lib/b.c`, 'lib/libdemo_la-b.lo', ['echo', "'int", "x;'", '>>', '$(srcdir)/lib/b.c']],
      [/^\t\$\(AM_V_CCLD\)\$\(libdemo_la_LINK\)/, (l) => `${l} $(top_srcdir)/tests/files/x.o`, 'libdemo.la', ['$(top_srcdir)/tests/files/x.o']],
      [/^\t\$\(AM_V_CCLD\)\$\(LINK\) \$\(demo_OBJECTS\)/, (l) => `${l} -Wl,--wrap=getenv`, 'demo$(EXEEXT)', ['-Wl,--wrap=getenv']],
      [/^\t\$\(AM_V_AR\)\$\(libstatic_a_AR\)/, (l) => `${l} tests/x.o`, 'libstatic.a', ['tests/x.o']],
    ]
    for (const [line, change, target, words] of cases) {
      const { text, at } = edited(line, change)
      expect(recipeWordsNotFromTemplates(text, am), target).toEqual([{ target, line: at, text: text.split('\n')[at - 1], words }])
    }
  })

  it('reports another source compiled in place of the rule own, and a line added to a rule', () => {
    const generic = edited(/^@am__fastdepCC_FALSE@\t.*\$\(COMPILE\) -c -o \$@ \$<$/, (l) => l.replace(/\$<$/, '$(srcdir)/main.c'))
    expect(recipeWordsNotFromTemplates(generic.text, am).map((r) => r.words)).toEqual([['$(srcdir)/main.c']])
    const perObject = edited(/`test -f 'lib\/a\.c' \|\| echo '\$\(srcdir\)\/'`lib\/a\.c$/, (l) => l.replace("`test -f 'lib/a.c' || echo '$(srcdir)/'`lib/a.c", "`test -f 'lib/b.c' || echo '$(srcdir)/'`lib/b.c"))
    expect(recipeWordsNotFromTemplates(perObject.text, am).map((r) => r.words)).toEqual([["`test", "'lib/b.c'", '||', 'echo', "'$(srcdir)/'`lib/b.c"]])
    // a line of its own, dressed as automake's: the silent-rules prefix is no explanation of what follows
    const added = edited(/^\.c\.o:$/, (l) => `${l}\n@am__fastdepCC_TRUE@\t$(AM_V_at)cp $(top_srcdir)/tests/files/x.o $@`)
    expect(recipeWordsNotFromTemplates(added.text, am)).toEqual([expect.objectContaining({ target: '.c.o', line: added.at + 1, words: ['$(AM_V_at)cp', '$(top_srcdir)/tests/files/x.o'] })])
  })

  it("leaves the Makefile.am's own rules to it, and judges what automake wrote in older versions", () => {
    // the Makefile.am compiles special.o itself, with a define: that recipe is the Makefile.am's
    expect(makefileIn).toContain('\t$(CC) -DSPECIAL -c -o $@ $(srcdir)/special.c')
    expect(recipeWordsNotFromTemplates(makefileIn, [])).toEqual([expect.objectContaining({ target: 'special.o', words: ['-DSPECIAL', '$(srcdir)/special.c'] })])
    // automake 1.6 (depcomp called with its files named) and 1.9 (the fast path in an if), as they wrote them
    const older = [
      '.c.o:',
      "@AMDEP_TRUE@\tsource='$<' object='$@' libtool=no @AMDEPBACKSLASH@",
      "@AMDEP_TRUE@\tdepfile='$(DEPDIR)/$*.Po' tmpdepfile='$(DEPDIR)/$*.TPo' @AMDEPBACKSLASH@",
      '@AMDEP_TRUE@\t$(CCDEPMODE) $(depcomp) @AMDEPBACKSLASH@',
      "\t$(COMPILE) -c `test -f '$<' || echo '$(srcdir)/'`$<",
      '',
      '.c.obj:',
      '\t$(COMPILE) -c `cygpath -w $<`',
      '',
      'x-y.o: y.c',
      "@am__fastdepCC_TRUE@\tif $(CC) $(DEFS) $(DEFAULT_INCLUDES) $(INCLUDES) $(x_CFLAGS) $(CFLAGS) -MT x-y.o -MD -MP -MF \"$(DEPDIR)/x-y.Tpo\" -c -o x-y.o `test -f 'y.c' || echo '$(srcdir)/'`y.c; \\",
      '@am__fastdepCC_TRUE@\tthen mv -f "$(DEPDIR)/x-y.Tpo" "$(DEPDIR)/x-y.Po"; else rm -f "$(DEPDIR)/x-y.Tpo"; exit 1; fi',
      '',
      'x$(EXEEXT): $(x_OBJECTS) $(x_DEPENDENCIES)',
      '\t@rm -f x$(EXEEXT)',
      '\t$(LINK) $(x_LDFLAGS) $(x_OBJECTS) $(x_LDADD) $(LIBS)',
      '',
    ].join('\n')
    expect(recipeWordsNotFromTemplates(older, [])).toEqual([])
    // automake 1.4's pattern rule, whose dependency tracking is a recipe of its own, is not judged
    const patternRule = "%.o: %.c\n\t@echo '$(COMPILE) -c $<'; \\\n\t$(COMPILE) -Wp,-MD,.deps/$(*F).pp -c $<\n\t@-cp .deps/$(*F).pp .deps/$(*F).P; \\\n"
    expect(recipeWordsNotFromTemplates(patternRule, [])).toEqual([])
    expect(recipeWordsNotFromTemplates(older.replace('$(LINK) $(x_LDFLAGS)', '$(LINK) -lbackdoor $(x_LDFLAGS)'), []).map((r) => r.words)).toEqual([['-lbackdoor']])
    expect(recipeWordsNotFromTemplates(older.replace("source='$<' object='$@'", "source='$<' object='x.o'"), []).map((r) => r.words)).toEqual([["object='x.o'"]])
  })

  it("reads a rule whose target is a substitution reference (`$(X_VALASOURCES:.vala=.c): stamp`) as the Makefile.am's, its colon and `=` the reference's", () => {
    const own = ['X_VALASOURCES = a.vala b.vala\nx_vala.stamp: $(X_VALASOURCES)\n\t$(VALAC) -C $(X_VALASOURCES)\n$(X_VALASOURCES:.vala=.c): x_vala.stamp\n']
    const copied = '$(X_VALASOURCES:.vala=.c): x_vala.stamp\n'
    expect(prerequisitesNotFromTemplates(copied, own, () => [])).toEqual([])
    // a prerequisite the Makefile.am's rule never names is still found
    expect(prerequisitesNotFromTemplates('$(X_VALASOURCES:.vala=.c): x_vala.stamp evil-hook\n', own, () => []).map((r) => [r.target, r.words])).toEqual([['$(X_VALASOURCES:.vala=.c)', ['evil-hook']]])
  })

  it('takes the continuation lines of a rule header for no recipe', () => {
    const header = 'lib/libdemo_la-a.lo:  \\\n\tlib/$(am__dirstamp) \\\n\tlib/$(DEPDIR)/$(am__dirstamp)\nFOO = a \\\n\tb\n'
    expect(recipeWordsNotFromTemplates(header, [])).toEqual([])
    // a link rule whose prerequisites run on: its recipe starts after them
    const link = 'libx.la: $(libx_la_OBJECTS) $(libx_la_DEPENDENCIES) \\\n\t$(EXTRA_libx_la_DEPENDENCIES) extra/dep.h\n\t$(AM_V_CCLD)$(libx_la_LINK) $(libx_la_OBJECTS) $(libx_la_LIBADD) $(LIBS)\n'
    expect(recipeWordsNotFromTemplates(link, [])).toEqual([])
    expect(recipeWordsNotFromTemplates(link.replace('$(LIBS)\n', '$(LIBS) extra/x.o\n'), []).map((r) => [r.line, r.words])).toEqual([[3, ['extra/x.o']]])
  })

  it("holds the prerequisites of automake's build, install, check and clean rules to its own steps, the headers and the Makefile.am's rules", () => {
    expect(makefileIn).toMatch(/^all-am: Makefile .*config\.h$/m)
    expect(makefileIn).toMatch(/^install-exec-am: install-binPROGRAMS install-libLTLIBRARIES$/m)
    expect(prerequisitesNotFromTemplates(makefileIn, am, () => ['config.h'])).toEqual([])
    // a rule hooked into every build, a -local rule the Makefile.am never writes, another header
    const hooked = edited(/^all-am: /, (l) => `${l} gen-x\ngen-x:\n\t$(CC) -shared -o .libs/libdemo.so.0 $(top_srcdir)/tests/x.c`)
    expect(prerequisitesNotFromTemplates(hooked.text, am, () => ['config.h'])).toEqual([{ target: 'all-am', line: hooked.at, text: hooked.text.split('\n')[hooked.at - 1], words: ['gen-x'] }])
    const local = edited(/^install-exec-am: /, (l) => `${l} install-exec-local`)
    expect(prerequisitesNotFromTemplates(local.text, am, () => ['config.h']).map((r) => r.words)).toEqual([['install-exec-local']])
    expect(prerequisitesNotFromTemplates(local.text, [`${am[0] ?? ''}\ninstall-exec-local:\n\ttrue\n`], () => ['config.h'])).toEqual([])
    const header = edited(/^all-am: /, (l) => `${l} evil.h`)
    expect(prerequisitesNotFromTemplates(header.text, am, () => ['config.h']).map((r) => r.words)).toEqual([['evil.h']])
    // where configure.ac's headers are not known, those made from a stamp as automake makes them
    expect(makefileIn).toMatch(/^config\.h: stamp-h1$/m)
    expect(prerequisitesNotFromTemplates(makefileIn, am, () => undefined)).toEqual([])
    expect(prerequisitesNotFromTemplates(header.text, am, () => undefined).map((r) => r.words)).toEqual([['evil.h']])
    // the cleaning rules: automake's own steps, a -local rule only when the Makefile.am writes it, however it writes it
    expect(makefileIn).toMatch(/^clean-am: clean-binPROGRAMS clean-generic /m)
    const cleaned = edited(/^clean-am: /, (l) => `wipe-home:\n\trm -rf $$HOME\n${l.replace('clean-am: ', 'clean-am: wipe-home ')}`)
    expect(prerequisitesNotFromTemplates(cleaned.text, am, () => ['config.h']).map((r) => [r.target, r.words])).toEqual([['clean-am', ['wipe-home']]])
    const cleanLocal = edited(/^distclean-am: /, (l) => l.replace('distclean-am: ', 'distclean-am: distclean-local '))
    expect(prerequisitesNotFromTemplates(cleanLocal.text, am, () => ['config.h']).map((r) => r.words)).toEqual([['distclean-local']])
    expect(prerequisitesNotFromTemplates(cleanLocal.text, [`${am[0] ?? ''}\ndistclean-local:; rm -f x\n`], () => ['config.h'])).toEqual([])
    // the cleaning step of a primary whose name configure fills in, as automake writes it
    const substituted = 'clean-am: clean-@DRIVER_NAME@_drv_laLTLIBRARIES clean-generic clean-libtool mostlyclean-am\n'
    const driverAm = ['@DRIVER_NAME@_drv_la_LTLIBRARIES = @DRIVER_NAME@_drv.la\n']
    expect(prerequisitesNotFromTemplates(substituted, driverAm, () => [])).toEqual([])
    expect(prerequisitesNotFromTemplates(substituted.replace('clean-generic', 'wipe-@HOME@'), driverAm, () => []).map((r) => r.words)).toEqual([['wipe-@HOME@']])
    // a rule the Makefile.am writes: its prerequisites and what automake adds to them, nothing else
    const own = ['gen.h: gen.h.in\n\tsed s/a/b/ gen.h.in > $@\nobj/x.o: obj/x.c\ntable.conf: table.conf.in\nx.pdf: x.texi\n']
    const ownIn = (gen: string): string =>
      `gen.h: ${gen}\n\tsed s/a/b/ gen.h.in > $@\nobj/x.o: obj/x.c obj/$(am__dirstamp) obj/$(DEPDIR)/$(am__dirstamp)\ntable.conf: $(top_builddir)/config.status $(srcdir)/table.conf.in\nx.pdf: x.texi $(srcdir)/version.texi\n`
    expect(prerequisitesNotFromTemplates(ownIn('gen.h.in'), own, () => [])).toEqual([])
    expect(prerequisitesNotFromTemplates(`${ownIn('gen.h.in evil')}evil:\n\tcp README .libs/libdemo.so.0\n`, own, () => []).map((r) => [r.target, r.line, r.words, r.own])).toEqual([['gen.h', 1, ['evil'], true]])
    expect(prerequisitesNotFromTemplates(ownIn('gen.h.in $(srcdir)/evil'), own, () => []).map((r) => r.words)).toEqual([['$(srcdir)/evil']])
    expect(prerequisitesNotFromTemplates(ownIn('gen.h.in ; sh evil'), own, () => [])).toEqual([])
    // any `vers*.texi` a manual includes is its version file to automake, not another name
    for (const version of ['vers-other.texi', 'versionmaint.texi', 'doc/version-stnd.texi']) {
      expect(prerequisitesNotFromTemplates(ownIn('gen.h.in').replace('version.texi', version), own, () => []), version).toEqual([])
    }
    expect(prerequisitesNotFromTemplates(ownIn('gen.h.in').replace('version.texi', 'evil.texi'), own, () => []).map((r) => r.words)).toEqual([['$(srcdir)/evil.texi']])
    // make's special targets, pattern rules, a target's own variable and a value continued over lines are no such rule
    const notRules = '.PHONY: gen.h evil\n$(HEADERS): %.h: %.c evil\ngen.h: CFLAGS = evil\nx_LDFLAGS = \\\n  -version-info $(A):$(B) evil\n'
    expect(prerequisitesNotFromTemplates(notRules, [...own, '.PHONY: gen.h\nx_LDFLAGS = \\\n  -version-info $(A):$(B)\n$(HEADERS): %.h: %.c\n'], () => [])).toEqual([])
    // a line a backslash continues is no rule's header, in the Makefile.in or the Makefile.am
    expect(prerequisitesNotFromTemplates('gen.h: gen.h.in\nLIST = \\\n  gen.h: evil\n', own, () => [])).toEqual([])
    expect(writtenByMakefileAm('evil', ['x_LDFLAGS = \\\n  evil: y\n'])).toBe(false)
    expect(writtenByMakefileAm('b', ['a b: c\n'])).toBe(true)
    expect(writtenByMakefileAm('X', ['X := 1\n'])).toBe(false)
    // prerequisites continued over half a million lines, read in one pass
    expect(prerequisitesNotFromTemplates(`all-am: Makefile \\\n${'\tconfig.h \\\n'.repeat(500_000)}\tgen-z\n`, [], () => ['config.h']).map((r) => r.words)).toEqual([['gen-z']])
    // prerequisites that run on over a continuation line under a condition
    const continued = 'all-am: Makefile $(PROGRAMS) \\\n@X_TRUE@\tconfig.h gen-y\n'
    expect(prerequisitesNotFromTemplates(continued, [], () => ['config.h']).map((r) => r.words)).toEqual([['gen-y']])
  })

  it('makes a high verify/generated-disagrees finding of it, the line and words in the evidence', async () => {
    const { text, at } = edited(/^\t\$\(AM_V_CCLD\)\$\(libdemo_la_LINK\)/, (l) => `${l} $(top_srcdir)/tests/files/good-large_compressed.o`)
    const source = { 'Makefile.am': PROJECT['Makefile.am'] ?? '', 'configure.ac': PROJECT['configure.ac'] ?? '' }
    const j = await generatedExplainer().judge(addedFile('Makefile.in', text), memoryView({ 'Makefile.in': text }, source))
    expect(j?.outcome).toBe('unexplained')
    const finding = j?.findings?.[0]
    expect(finding?.ruleId).toBe('verify/generated-disagrees')
    expect(finding?.severity).toBe('high')
    expect(finding?.line).toBe(at)
    expect(finding?.message).toBe('the rule automake wrote for libdemo.la holds $(top_srcdir)/tests/files/good-large_compressed.o, which no template of automake writes, and Makefile.am has no rule of its own for it')
    expect(finding?.evidence).toContain(`Makefile.in:${at}: `)
    expect(finding?.evidence).toContain("not in automake's rule for libdemo.la: $(top_srcdir)/tests/files/good-large_compressed.o")
    const hooked = edited(/^all-am: /, (l) => `${l} gen-x`)
    const h = await generatedExplainer().judge(addedFile('Makefile.in', hooked.text), memoryView({ 'Makefile.in': hooked.text }, source))
    expect(h?.findings?.[0]?.message).toBe('the rule automake wrote for all-am holds gen-x, which no template of automake writes, and Makefile.am has no rule of its own for it')
    expect(h?.findings?.[0]?.line).toBe(hooked.at)
    // and the same Makefile.in as automake wrote it is explained
    const clean = await generatedExplainer().judge(addedFile('Makefile.in', makefileIn), memoryView({ 'Makefile.in': makefileIn }, source))
    expect(clean?.outcome).toBe('explained')
  })
})
