import { describe, expect, it } from 'vitest'
import { analyseText, CHAIN_RULE_ID } from '../../src/rules/engine.js'
import { hitsOf } from './helpers.js'

const RULE = 'scan/test-data-read'
const severities = (path: string, text: string) => hitsOf(RULE, path, text).map((h) => h.severity)

describe('scan/test-data-read', () => {
  it('high when build logic decodes or runs test data', () => {
    expect(severities('Makefile.am', 'all-local:\n\tcat $(srcdir)/tests/files/good-1.xz | xz -dc > obj.o\n')).toEqual(['high'])
    expect(severities('m4/b.m4', 'AC_DEFUN([B], [xz -dc $srcdir/tests/files/$b_name | sh])\n')).toEqual(['high'])
    expect(severities('CMakeLists.txt', 'execute_process(COMMAND base64 -d ${CMAKE_SOURCE_DIR}/testdata/blob.b64 COMMAND bash)\n')).toEqual(['high'])
    expect(severities('autogen.sh', '#!/bin/sh\n. "$srcdir/fixtures/env.dat"\n')).toEqual(['medium'])
    // read through a descriptor the script opened on it: the opening is a read, the decoding too
    expect(severities('configure', '#!/bin/sh\nexec 4<"$srcdir/tests/files/blob.bin"\nxz -dc <&4 | sh\n')).toEqual(['medium', 'high'])
    expect(severities('build.sh', '#!/bin/sh\nexec 5<tests/files/blob.bin\nbase64 -d /dev/fd/5 > obj.o\n')).toEqual(['medium', 'high'])
  })

  it('medium when build logic only reads or copies binary test data', () => {
    expect(severities('configure.ac', 'AC_INIT([x], [1])\ncp "$srcdir/tests/files/crc.o" src/\n')).toEqual(['medium'])
    expect(severities('CMakeLists.txt', 'file(READ "${CMAKE_SOURCE_DIR}/tests/fixtures/key.bin" KEY HEX)\n')).toEqual(['medium'])
    expect(severities('build.sh', '#!/bin/sh\nwhile read -r l; do :; done < "$srcdir/samples/sound.wav"\n')).toEqual(['medium'])
  })

  it('stays silent on the test harness, distribution rules and data that builds', () => {
    expect(severities('Makefile.am', 'TESTS = tests/run.sh\nEXTRA_DIST = tests/files/good-1.xz tests/files/bad-2.lzma\n')).toEqual([])
    expect(severities('Makefile.am', 'check-local:\n\txz -dc $(srcdir)/tests/files/good-1.xz > /dev/null\n')).toEqual([])
    expect(severities('Makefile.am', 'dist-hook:\n\tcp -p $(srcdir)/tests/files/*.xz $(distdir)/tests/files/\n')).toEqual([])
    expect(severities('Makefile.am', '$(srcdir)/tests/package.m4: $(top_srcdir)/configure.ac\n\tcat $(srcdir)/tests/header.at > $@\n')).toEqual([])
    expect(severities('Makefile.am', 'foo.desktop: $(srcdir)/data/foo.desktop.in\n\tsed -e "s|@bindir@|$(bindir)|" $(srcdir)/data/foo.desktop.in > $@\n')).toEqual([])
    expect(severities('configure.ac', 'AC_INIT([x], [1])\nAC_CONFIG_TESTDIR([tests])\nAC_CONFIG_FILES([tests/Makefile tests/atlocal])\nAC_OUTPUT\n')).toEqual([])
    expect(severities('tests/run.sh', '#!/bin/sh\nxz -dc "$srcdir/files/good-1.xz" | cmp - expected\n')).toEqual([])
    expect(severities('build.sh', '#!/bin/sh\nsed -n 1p "$srcdir/tests/README"\n')).toEqual([])
    // code held by the test driver's variables runs at `make check`, not while building
    expect(severities('Makefile.in', 'TESTS_ENVIRONMENT = \\\n  . $(srcdir)/testsuite/envvar-check; \\\n  export LC_ALL=C\n')).toEqual([])
    expect(severities('Makefile.am', 'AM_TESTS_ENVIRONMENT = . $(srcdir)/tests/fixtures/env.sh;\n')).toEqual([])
  })

  it('high when the compiler is told to include test data as code, outside the tests', () => {
    expect(severities('src/Makefile.in', '.c.lo:\n\t$(AM_V_CC)$(LTCOMPILE) -MT $@ -include $(top_srcdir)/tests/files/endian.h -c -o $@ $<\n')).toEqual(['high'])
    expect(severities('configure', '#!/bin/sh\nCFLAGS="$CFLAGS -imacros $srcdir/testdata/probe.h"\n')).toEqual(['high'])
    expect(severities('CMakeLists.txt', 'add_compile_options(-include ${CMAKE_SOURCE_DIR}/fixtures/cpu.h)\n')).toEqual(['high'])
    // the tests' own build, the configuration header, and a directory of test headers on the path are no such thing
    expect(severities('tests/Makefile.in', 'check_PROGRAMS = t\nt.o: t.c\n\t$(COMPILE) -include $(srcdir)/files/common.h -c t.c\n')).toEqual([])
    expect(severities('Makefile.in', 'check-local:\n\t$(COMPILE) -include $(srcdir)/tests/common.h -c tests/t.c\n')).toEqual([])
    expect(severities('src/Makefile.in', '.c.o:\n\t$(COMPILE) -include $(top_builddir)/config.h -I$(top_srcdir)/tests -c -o $@ $<\n')).toEqual([])
  })

  it('high when build logic links an object of test data that the release ships', () => {
    const shipped = new Set(['tests/files/good-2-lzma2.o', 'test/data/blob.a', 'src/util.o', 'tests/files/crc.o'])
    const linked = (path: string, text: string) =>
      analyseText(path, text, { paths: shipped }, { skip: [CHAIN_RULE_ID] })
        .filter((f) => f.ruleId === RULE)
        .map((f) => [f.severity, f.data?.['path']])
    expect(linked('src/liblzma/Makefile.in', 'liblzma.la: $(liblzma_la_OBJECTS)\n\t$(AM_V_CCLD)$(liblzma_la_LINK) -rpath $(libdir) $(liblzma_la_OBJECTS) $(top_srcdir)/tests/files/good-2-lzma2.o $(LIBS)\n')).toEqual([['high', 'tests/files/good-2-lzma2.o']])
    expect(linked('src/Makefile', 'prog: main.o\n\tgcc -o prog main.o ../test/data/blob.a\n')).toEqual([['high', 'test/data/blob.a']])
    expect(linked('Makefile.in', 'EXTRA_OBJS = util.o $(top_srcdir)/tests/files/crc.o\nprog: main.o\n\t$(CCLD) -o prog main.o $(EXTRA_OBJS)\n')).toEqual([['high', 'tests/files/crc.o']])
    expect(linked('CMakeLists.txt', 'target_link_libraries(prog ${CMAKE_SOURCE_DIR}/test/data/blob.a)\n')).toEqual([['high', 'test/data/blob.a']])
    // an object built from the tests' sources is no file of the release; one outside test data is no test data; a copy is a read
    expect(linked('src/Makefile', 'bench: bench.o\n\tgcc -o bench bench.o ../tests/helper.o ../src/util.o\n')).toEqual([])
    expect(linked('configure', '#!/bin/sh\ncp "$srcdir/tests/files/crc.o" src/\n')).toEqual([['medium', '$srcdir/tests/files/crc.o']])
    // the tests' own link is theirs
    expect(linked('Makefile.in', 'check-local:\n\t$(LINK) t.o $(top_srcdir)/tests/files/good-2-lzma2.o\n')).toEqual([])
  })

  it("reads a test directory given to a generator as the files in it, and a blob without a name's kind as one", () => {
    const tree = new Set(['lib/tests/spec/image/manifest.json', 'lib/tests/spec/config.json', 'tests/files/payload'])
    const read = (path: string, text: string) =>
      analyseText(path, text, { paths: tree }, { skip: [CHAIN_RULE_ID] })
        .filter((f) => f.ruleId === RULE)
        .map((f) => f.severity)
    const generator = 'PYTHON = @PYTHON@\nsrc/gen.c: gen.py\n\t$(PYTHON) $(srcdir)/gen.py --root=$(srcdir)/tests/spec $(srcdir)/tests/spec/image\n'
    expect(read('lib/Makefile.in', generator)).toEqual([])
    // the same command on a file of the tree with no extension, or on a path the tree lacks, is still read as test data
    expect(read('Makefile.in', 'PYTHON = @PYTHON@\nsrc/gen.c: gen.py\n\t$(PYTHON) $(srcdir)/gen.py $(srcdir)/tests/files/payload\n')).toEqual(['medium'])
    expect(read('lib/Makefile.in', generator.replace('tests/spec/image', 'tests/spec/imag'))).toEqual(['medium'])
  })

  it('still judges code held by other variables', () => {
    expect(severities('Makefile.am', 'BUILD_HOOK = cat $(srcdir)/tests/files/good-1.xz | xz -dc | sh\n')).toEqual(['high'])
  })
})
