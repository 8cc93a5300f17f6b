import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StagelightError } from '../errors.js'
import { run } from '../util/run.js'

/**
 * A small but real autotools project (automake + libtool + gettext), committed and tagged in git,
 * then released with `make dist`. The demo and the end-to-end tests build their releases with it.
 */
export interface SampleRelease {
  readonly repo: string
  readonly tag: string
  readonly tarball: string
  readonly name: string
  readonly version: string
}

export interface SampleOptions {
  readonly name?: string
  readonly version?: string
  /** extra files committed to the source, path → content */
  readonly extraFiles?: Readonly<Record<string, string>>
  /** appended to the top-level Makefile.am */
  readonly makefileAmExtra?: string
  /** dist compressor for make dist: gzip (default) or xz */
  readonly compression?: 'gzip' | 'xz'
}

const gitEnv = (home: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: home,
  LC_ALL: 'C',
  TZ: 'UTC',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Sample Maintainer',
  GIT_AUTHOR_EMAIL: 'maintainer@example.org',
  GIT_COMMITTER_NAME: 'Sample Maintainer',
  GIT_COMMITTER_EMAIL: 'maintainer@example.org',
  GIT_AUTHOR_DATE: '2024-01-02T03:04:05Z',
  GIT_COMMITTER_DATE: '2024-01-02T03:04:05Z',
})

async function must(program: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await run(program, args, { cwd, env, timeoutMs: 10 * 60 * 1000 })
  if (r.code !== 0) throw new StagelightError('E_INCOMPLETE', `${program} ${args.join(' ')} failed in ${cwd}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`)
}

function sourceFiles(name: string, version: string, options: SampleOptions): Record<string, string> {
  const id = name.replace(/\W/g, '_')
  return {
    'configure.ac': `AC_INIT([${name}], [${version}], [bugs@example.org])
AC_CONFIG_SRCDIR([src/main.c])
AC_CONFIG_AUX_DIR([build-aux])
AC_CONFIG_MACRO_DIRS([m4])
AC_CONFIG_HEADERS([config.h])
AM_INIT_AUTOMAKE([foreign -Wall ${options.compression === 'xz' ? 'dist-xz no-dist-gzip' : ''}])
AM_PROG_AR
AC_PROG_CC
LT_INIT
AC_CANONICAL_HOST
AM_GNU_GETTEXT([external])
AM_GNU_GETTEXT_VERSION([0.21])
case $host_os in
  linux*) AC_DEFINE([ON_LINUX], [1], [Building for Linux]) ;;
esac
AC_CONFIG_FILES([Makefile lib/Makefile src/Makefile po/Makefile.in])
AC_OUTPUT
`,
    'Makefile.am': `SUBDIRS = po lib src
ACLOCAL_AMFLAGS = -I m4
${options.makefileAmExtra ?? ''}`,
    'lib/Makefile.am': `lib_LTLIBRARIES = lib${id}.la
lib${id}_la_SOURCES = greet.c greet.h
lib${id}_la_LDFLAGS = -version-info 1:0:0
`,
    'lib/greet.h': `#ifndef GREET_H\n#define GREET_H\nconst char *greeting (void);\n#endif\n`,
    'lib/greet.c': `#include "greet.h"\nconst char *greeting (void) { return "Hello, world"; }\n`,
    'src/Makefile.am': `bin_PROGRAMS = ${name}
${id}_SOURCES = main.c
${id}_CPPFLAGS = -I$(top_srcdir)/lib -DLOCALEDIR=\\"$(localedir)\\"
${id}_LDADD = ../lib/lib${id}.la $(LIBINTL)
`,
    'src/main.c': `#include <config.h>
#include <stdio.h>
#include <libintl.h>
#include <locale.h>
#include "greet.h"
#define _(s) gettext (s)
int main (void) {
  setlocale (LC_ALL, "");
  bindtextdomain (PACKAGE, LOCALEDIR);
  textdomain (PACKAGE);
  printf ("%s\\n", _("Hello, world"));
  return 0;
}
`,
    'po/POTFILES.in': 'src/main.c\n',
    'po/LINGUAS': 'de\n',
    'po/Makevars': `DOMAIN = $(PACKAGE)
subdir = po
top_builddir = ..
XGETTEXT_OPTIONS = --keyword=_ --keyword=N_
COPYRIGHT_HOLDER = Sample Maintainer
PACKAGE_GNU =
MSGID_BUGS_ADDRESS = bugs@example.org
EXTRA_LOCALE_CATEGORIES =
USE_MSGCTXT = no
MSGMERGE_OPTIONS =
MSGINIT_OPTIONS =
PO_DEPENDS_ON_POT = no
DIST_DEPENDS_ON_UPDATE_PO = no
`,
    'po/de.po': `msgid ""
msgstr ""
"Project-Id-Version: ${name} ${version}\\n"
"Language: de\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"

#: src/main.c:11
msgid "Hello, world"
msgstr "Hallo, Welt"
`,
    'README': `${name} ${version}: a sample project.\n`,
    '.gitignore': 'autom4te.cache/\n',
    ...options.extraFiles,
  }
}

/** Writes, commits and tags the project in `root/source`, then builds `make dist` in a separate clone. */
export async function buildSampleRelease(root: string, options: SampleOptions = {}): Promise<SampleRelease> {
  const name = options.name ?? 'hello'
  const version = options.version ?? '1.0.0'
  const repo = join(root, 'source')
  const build = join(root, 'build')
  const home = join(root, 'home')
  await mkdir(home, { recursive: true })
  const env = gitEnv(home)
  for (const [path, content] of Object.entries(sourceFiles(name, version, options))) {
    await mkdir(join(repo, path, '..'), { recursive: true })
    await writeFile(join(repo, path), content)
  }
  await must('git', ['init', '-q', '-b', 'main'], repo, env)
  await must('git', ['add', '-A'], repo, env)
  await must('git', ['commit', '-q', '-m', `Release ${version}`], repo, env)
  const tag = `v${version}`
  await must('git', ['tag', '-a', tag, '-m', `${name} ${version}`], repo, env)
  await must('git', ['clone', '-q', repo, build], root, env)
  await must('autoreconf', ['-fi'], build, env)
  await must('./configure', ['--quiet'], build, env)
  await must('make', ['-s', 'dist'], build, { ...env, MAKEFLAGS: '' })
  const tarball = join(build, `${name}-${version}.tar.${options.compression === 'xz' ? 'xz' : 'gz'}`)
  return { repo, tag, tarball, name, version }
}
