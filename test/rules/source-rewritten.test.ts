import { describe, expect, it } from 'vitest'
import { analyseText, CHAIN_RULE_ID } from '../../src/rules/engine.js'
import { isCodePath } from '../../src/rules/source-rewritten/rule.js'

const RULE = 'scan/source-rewritten'

/** a small tree: sources, headers, build files, documents and a test directory */
const TREE = new Set([
  'configure',
  'configure.ac',
  'Makefile.in',
  'CMakeLists.txt',
  'src/auth.c',
  'src/login.c',
  'src/crc.S',
  'src/hash.cc',
  'src/Makefile.in',
  'src/parse.y',
  'src/parse.c',
  'src/version.h',
  'include/api.h',
  'lib/impl.h',
  'lib/symbols.map',
  'm4/probe.m4',
  'doc/manual.txt',
  'doc/tool.1',
  'README',
  'tests/files/fix.diff',
  'tests/run.sh',
  'tests/data/blob.bin',
])

const hits = (path: string, text: string, paths: ReadonlySet<string> = TREE, sourcePaths?: ReadonlySet<string>) =>
  analyseText(path, text, { paths, ...(sourcePaths ? { sourcePaths } : {}) }, { skip: [CHAIN_RULE_ID] }).filter((f) => f.ruleId === RULE)

/** [configure step, text, the file it rewrites, whether it replaces the whole file] — each writes a source another way */
const positives: (readonly [string, string, string, 'edits' | 'replaces'])[] = [
  ['configure', `#!/bin/sh\nsed -i 's/return 0;/return 1;/' "$srcdir/src/auth.c"\n`, 'src/auth.c', 'edits'],
  ['configure', `#!/bin/sh\nsed --in-place=.orig -e '/check_pw/d' src/auth.c\n`, 'src/auth.c', 'edits'],
  ['configure', `#!/bin/sh\nf="$srcdir/src/login.c"\nperl -pi -e 's/strcmp/strncmp/' "$f"\n`, 'src/login.c', 'edits'],
  ['configure', `#!/bin/sh\nperl -i.bak -p -e 's/a/b/' $ac_srcdir/src/hash.cc\n`, 'src/hash.cc', 'edits'],
  ['m4/probe.m4', `AC_DEFUN([P_PROBE], [\n  printf '%s\\n' '#define P_BYPASS 1' >> "$srcdir/lib/impl.h"\n])\n`, 'lib/impl.h', 'edits'],
  ['configure.ac', 'AC_INIT([x], [1])\ncat "$srcdir/tests/data/blob.bin" >> src/hash.cc\nAC_OUTPUT\n', 'src/hash.cc', 'edits'],
  ['configure', `#!/bin/sh\ndd if="$srcdir/README" of="$srcdir/src/crc.S" bs=1 seek=40 conv=notrunc 2>/dev/null\n`, 'src/crc.S', 'edits'],
  ['CMakeLists.txt', 'file(APPEND ${CMAKE_SOURCE_DIR}/src/login.c "int backdoor = 1;")\n', 'src/login.c', 'edits'],
  ['configure', `#!/bin/sh\necho 'VERS_1 { global: *; };' | tee -a lib/symbols.map >/dev/null\n`, 'lib/symbols.map', 'edits'],
  ['configure', `#!/bin/sh\ngawk -i inplace '{ sub(/auth_ok = 0/, "auth_ok = 1") } 1' src/auth.c\n`, 'src/auth.c', 'edits'],
  ['configure', `#!/bin/sh\nprintf '/check/d\\nw\\nq\\n' | ed -s "$srcdir/src/login.c"\n`, 'src/login.c', 'edits'],
  ['configure', `#!/bin/sh\nsed -i '/^LIBS =/s/$/ crc_fast.o/' src/Makefile.in\n`, 'src/Makefile.in', 'edits'],
  ['configure', `#!/bin/sh\necho 'm4_define([x])' >> "$srcdir/m4/probe.m4"\n`, 'm4/probe.m4', 'edits'],
  ['configure', `#!/bin/sh\npatch -s -p1 < "$srcdir/tests/files/fix.diff" >/dev/null 2>&1\n`, 'tests/files/fix.diff', 'edits'],
  ['configure', `#!/bin/sh\npatch -p0 -i tests/files/fix.diff\n`, 'tests/files/fix.diff', 'edits'],
  // from a directory a cd went into: the name climbs out of it, to a file the tree holds
  ['configure', `#!/bin/sh\n(cd "$srcdir/src" && patch -p0 < ../README) >/dev/null 2>&1\n`, 'README', 'edits'],
  ['configure', `#!/bin/sh\ncd "$srcdir/lib/" || exit 1\npatch -p2 -i ../../tests/files/fix.diff\n`, 'tests/files/fix.diff', 'edits'],
  ['configure', `#!/bin/sh\ncp "$srcdir/doc/manual.txt" "$srcdir/src/auth.c"\n`, 'src/auth.c', 'replaces'],
  ['configure', `#!/bin/sh\ncp -f "$srcdir/tests/data/blob.bin" "$srcdir/include/api.h" 2>/dev/null || :\n`, 'include/api.h', 'replaces'],
  ['configure', `#!/bin/sh\nmv conftest.h "$srcdir/include/"\n`, 'include/conftest.h', 'replaces'],
  ['configure', `#!/bin/sh\ncp -p conftest.h "$srcdir/include"\n`, 'include/conftest.h', 'replaces'],
  // written into config.status, which runs it as configure ends (AC_CONFIG_COMMANDS)
  ['configure', `#!/bin/sh\ncat >>$CONFIG_STATUS <<_ACEOF || ac_write_fail=1\nif test -f src/auth.c; then sed -i 's/0/1/' src/auth.c; fi\n_ACEOF\n`, 'src/auth.c', 'edits'],
  ['CMakeLists.txt', 'file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/src/auth.c "int check(void) { return 1; }")\n', 'src/auth.c', 'replaces'],
  ['meson.build', "run_command('sh', '-c', 'sed -i s/0/1/ src/auth.c', check: false)\n", 'src/auth.c', 'edits'],
]

describe(RULE, () => {
  for (const [file, text, rewritten, how] of positives) {
    const line = text.split('\n').find((l) => /sed|perl|>|cp|mv|tee|awk|ed |dd|file\(|patch/.test(l))?.trim()
    it(`is high for ${file} that ${how} ${rewritten} the tag holds: ${line}`, () => {
      const found = hits(file, text, new Set([...TREE, rewritten]), new Set([...TREE, rewritten]))
      expect(found.map((f) => f.severity)).toEqual(['high'])
      expect(found[0]?.data?.path).toBe(rewritten)
    })
    it(`is ${how === 'edits' ? 'high' : 'low'} for it in a tree scanned alone, where a shipped file may be one a release generated`, () => {
      expect(hits(file, text, new Set([...TREE, rewritten])).map((f) => f.severity)).toEqual([how === 'edits' ? 'high' : 'low'])
    })
  }

  it('says which file and how', () => {
    const [hit] = hits('configure.ac', 'AC_INIT([x], [1])\ncat "$srcdir/tests/data/blob.bin" >> src/hash.cc\n')
    expect(hit?.message).toBe('appends to src/hash.cc, a file the tree holds as code (>>)')
    const tree = new Set([...TREE, 'src/_stdint.h'])
    expect(hits('configure.ac', 'AC_INIT([x], [1])\ncat "$srcdir/tests/data/blob.bin" >> src/hash.cc\n', tree, TREE)[0]?.message).toBe('appends to src/hash.cc, a file the tag holds as code (>>)')
    expect(hits('configure', '#!/bin/sh\nsed -i "s/a/b/" src/_stdint.h\n', tree, TREE)[0]?.message).toBe('edits src/_stdint.h, code the release ships and the tag does not hold (sed -i)')
    expect(hit?.evidence).toBe('2: cat "$srcdir/tests/data/blob.bin" >> src/hash.cc')
  })

  /** look-alikes: what configure writes as it should, files that are not code, and code that is not configure's */
  const negatives: (readonly [string, string])[] = [
    // configure's own test programs and outputs: names built at run time, or files the tree does not hold
    ['configure', '#!/bin/sh\ncat > conftest.$ac_ext <<_ACEOF\nint main(void) { return 0; }\n_ACEOF\ncat confdefs.h - <<_ACEOF >conftest.c\n_ACEOF\n'],
    ['configure', '#!/bin/sh\nsed -i "s/x/y/" "$ac_file"\nmv -f "$ac_tmp/out" "$ac_file"\n'],
    ['configure', '#!/bin/sh\ncp "$srcdir/include/api.h" include/api.h\nln -s "$srcdir/lib/impl.h" lib/impl.h 2>/dev/null\n'],
    ['configure', '#!/bin/sh\nsed "s/@VERSION@/1.2/" "$srcdir/src/version.h" > version.h.tmp\n'],
    // a hand-written configure making a header from its template, over the copy the tag holds
    ['configure', '#!/bin/sh\nSRCDIR=`dirname $0`/\nsed < ${SRCDIR}include/api.h.in "s/@X@/1/" > include/api.h\n'],
    // documents
    ['configure', `#!/bin/sh\nsed -i 's/@DATE@/2024-01-01/' "$srcdir/doc/manual.txt" "$srcdir/doc/tool.1"\n`],
    // a patch from outside the tree, climbing out of it (`../` past the top names nothing the tree holds)
    ['configure', '#!/bin/sh\n(cd "$srcdir/src" && patch -p1 < ../../fixes/local.diff)\n'],
    // reads, not writes
    ['configure', `#!/bin/sh\nsed -n '/VERSION/p' "$srcdir/src/version.h"\ngrep -q auth "$srcdir/src/auth.c" > /dev/null\n`],
    ['configure', `#!/bin/sh\nperl -ne 'print if /x/' src/auth.c\ninstall -d "$srcdir/lib" "$srcdir/src/auth.c"\n`],
    // a Makefile's rules write files: verify holds their lines to the Makefile.am and automake's templates
    ['Makefile.in', 'all-local:\n\tcat $(srcdir)/tests/data/blob.bin > $(top_srcdir)/src/hash.cc\n'],
    ['src/Makefile.in', '$(srcdir)/parse.c: $(srcdir)/parse.y\n\t$(YACC) -o $@ $<\n\tsed -i "s/yyparse/x_parse/" $(srcdir)/parse.c\n'],
    // CMake's generator expressions hold no redirection
    ['src/app/CMakeLists.txt', 'add_executable(app\n  main.c\n  $<$<BOOL:${WIN32}>:../../include/api.h>)\n'],
    // a maintainer's script, and a test's
    ['autogen.sh', '#!/bin/sh\nsed -i "s/AC_INIT(\\[x\\], \\[1\\])/AC_INIT([x], [2])/" configure.ac\n'],
    ['tests/run.sh', '#!/bin/sh\nsed -i "s/a/b/" ../src/auth.c\n'],
  ]
  for (const [file, text] of negatives) {
    it(`is quiet on ${file}: ${text.split('\n').slice(1, 3).join(' ').trim().slice(0, 70)}`, () => {
      expect(hits(file, text, TREE, TREE)).toEqual([])
    })
  }

  it('is low for a file written whole in the directory configure runs in, which is the tree only in a build inside it', () => {
    const text = '#!/bin/sh\nif test "$abs_curr_dir" != "$abs_top_dir"; then\n  echo "TOP_DIR := $abs_top_dir" > Makefile.in\nfi\n'
    expect(hits('configure', text, TREE, TREE).map((f) => f.severity)).toEqual(['low'])
    expect(hits('configure', '#!/bin/sh\necho "TOP_DIR := x" > "$srcdir/Makefile.in"\n', TREE, TREE).map((f) => f.severity)).toEqual(['high'])
    // edited in place, the file is the tree's in a build inside it, and nothing else
    expect(hits('configure', '#!/bin/sh\nsed -i "s/a/b/" src/auth.c\n', TREE, TREE).map((f) => f.severity)).toEqual(['high'])
  })

  describe('a file the release generated, which the tag does not hold', () => {
    const tree = new Set([...TREE, 'src/_stdint.h'])
    const text = '#!/bin/sh\ncat > "src/_stdint.h" <<EOF\n#include <stdint.h>\nEOF\ncat >> "src/_stdint.h" <<EOF\ntypedef int x_t;\nEOF\nsed -i "s/x_t/y_t/" src/_stdint.h\n'
    it('is made again by configure, once, then built up: one low finding when the tag is known', () => {
      expect(hits('configure', text, tree, TREE).map((f) => [f.line, f.severity])).toEqual([[2, 'low']])
      expect(hits('configure', '#!/bin/sh\necho "#define X 1" > "$srcdir/src/_stdint.h"\n', tree, TREE).map((f) => f.severity)).toEqual(['low'])
    })
    it('is replaced once, then built up: one low finding in a tree scanned alone', () => {
      expect(hits('configure', text, tree).map((f) => [f.line, f.severity])).toEqual([[2, 'low']])
    })
    it('edited in place without being written first, it is high in a tree scanned alone', () => {
      expect(hits('configure', '#!/bin/sh\nsed -i "s/a/b/" src/_stdint.h\n', tree).map((f) => f.severity)).toEqual(['high'])
    })
  })

  it('is quiet when the tree is not known: whether the file is shipped cannot be told', () => {
    expect(hits('configure', `#!/bin/sh\nsed -i 's/0/1/' "$srcdir/src/auth.c"\n`, new Set())).toEqual([])
  })

  it('reads a macro file as part of the configure script above it', () => {
    const tree = new Set(['sub/configure.ac', 'sub/m4/x.m4', 'sub/src/a.c', 'src/a.c'])
    const [hit] = hits('sub/m4/x.m4', 'AC_DEFUN([X], [sed -i "s/a/b/" "$srcdir/src/a.c"])\n', tree, tree)
    expect(hit?.data?.path).toBe('sub/src/a.c')
  })
})

describe('isCodePath', () => {
  it.each(['src/a.c', 'include/x.hpp', 'lib/crc64_x86.S', 'm4/x.m4', 'Makefile.in', 'src/Makefile.am', 'configure.ac', 'build-aux/ltmain.sh', 'config.h.in', 'lib/exports.map', 'CMakeLists.txt', 'meson.build'])('%s is code', (path) => {
    expect(isCodePath(path)).toBe(true)
  })
  it.each(['README', 'doc/tool.1', 'doc/manual.txt', 'po/de.po', 'NEWS.md', 'tests/files/good.xz', 'data/logo.png'])('%s is not', (path) => {
    expect(isCodePath(path)).toBe(false)
  })
})
