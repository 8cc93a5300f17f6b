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
