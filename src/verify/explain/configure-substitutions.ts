/**
 * @fileoverview Which variables configure substitutes (`@CC@`, `@INSTALL@`): what its configure.ac
 * is sure to substitute, and the generated configure's own list where the release ships one. A
 * Makefile.in automake wrote holds configure's value alone for each of them that its Makefile.am
 * leaves unset.
 */
/** autoconf's list, in the configure it writes, of the variables config.status substitutes (`ac_subst_vars='…'`) */
const SUBST_LIST = /^ac_subst_vars='([^']*)'/m
/** the ones config.status fills in for each file, relative to its directory (`s&@INSTALL@&$ac_INSTALL&;t t`) */
const PER_FILE_SUBSTITUTION = /^s([&,|])@([A-Za-z_][A-Za-z0-9_]*)@\1/gm

/**
 * The variables a generated configure substitutes (`AC_SUBST`, from configure.ac and every macro it
 * calls, and those config.status fills in per file), by autoconf's own list and commands in it;
 * undefined when configure has no such list (autoconf before 2.50).
 */
export function substitutedVariables(configure: string): ReadonlySet<string> | undefined {
  const list = SUBST_LIST.exec(configure)?.[1]
  if (list === undefined) return undefined
  const names = new Set(list.split(/\s+/).filter((name) => name !== ''))
  for (const m of configure.matchAll(PER_FILE_SUBSTITUTION)) names.add(m[2] ?? '')
  names.delete('')
  return names
}

/**
 * what every configure autoconf and automake write substitutes, whatever configure.ac says: autoconf's
 * directories, package names and per-file names, and the programs AM_INIT_AUTOMAKE looks for
 */
const ALWAYS_SUBSTITUTED = [
  'ACLOCAL', 'AMTAR', 'AUTOCONF', 'AUTOHEADER', 'AUTOMAKE', 'AWK', 'DEFS', 'ECHO_C', 'ECHO_N', 'ECHO_T', 'INSTALL', 'INSTALL_DATA',
  'INSTALL_PROGRAM', 'INSTALL_SCRIPT', 'INSTALL_STRIP_PROGRAM', 'LIBOBJS', 'LIBS', 'LTLIBOBJS', 'MAKEINFO', 'PACKAGE', 'PACKAGE_BUGREPORT',
  'PACKAGE_NAME', 'PACKAGE_STRING', 'PACKAGE_TARNAME', 'PACKAGE_VERSION', 'PATH_SEPARATOR', 'SET_MAKE', 'SHELL', 'STRIP', 'VERSION',
  'abs_builddir', 'abs_srcdir', 'abs_top_builddir', 'abs_top_srcdir', 'bindir', 'build_alias', 'builddir', 'configure_input', 'datadir',
  'exec_prefix', 'host_alias', 'includedir', 'infodir', 'install_sh', 'libdir', 'libexecdir', 'localstatedir', 'mandir', 'oldincludedir',
  'prefix', 'program_transform_name', 'sbindir', 'sharedstatedir', 'srcdir', 'sysconfdir', 'target_alias', 'top_builddir', 'top_srcdir',
]
/** what the common program checks substitute */
const SUBSTITUTED_BY_MACRO: Readonly<Record<string, readonly string[]>> = {
  AC_PROG_CC: ['CC', 'CFLAGS', 'CPPFLAGS', 'LDFLAGS', 'EXEEXT', 'OBJEXT'],
  AC_PROG_CXX: ['CXX', 'CXXFLAGS', 'CPPFLAGS', 'LDFLAGS', 'EXEEXT', 'OBJEXT'],
  AC_PROG_CPP: ['CPP', 'CPPFLAGS'],
  LT_INIT: ['LIBTOOL'],
  AC_PROG_LIBTOOL: ['LIBTOOL'],
  AM_PROG_LIBTOOL: ['LIBTOOL'],
  AM_PROG_AS: ['CCAS', 'CCASFLAGS'],
  AC_PROG_RANLIB: ['RANLIB'],
  AM_PROG_AR: ['AR'],
  AC_PROG_MKDIR_P: ['MKDIR_P'],
  AC_PROG_SED: ['SED'],
  AC_PROG_LN_S: ['LN_S'],
  AC_PROG_YACC: ['YACC', 'YFLAGS'],
  AC_PROG_LEX: ['LEX'],
  AC_PROG_GREP: ['GREP'],
  AC_PROG_EGREP: ['EGREP'],
}
/** an m4 comment (`dnl …`, `# …`), in which no macro is expanded */
const M4_COMMENT = /(?:^|[ \t])(?:dnl\b|#).*$/gm

/**
 * The variables a configure.ac is sure to have substituted, for a release that ships no configure to
 * read them from: those every configure of autoconf and automake substitutes, those of the program
 * checks it calls, and those it names in `AC_SUBST` itself. Fewer than configure's own list (a macro
 * of a library substitutes more), never more.
 */
export function substitutedByInput(configureAc: string): ReadonlySet<string> {
  const text = configureAc.replace(M4_COMMENT, '')
  const names = new Set(ALWAYS_SUBSTITUTED)
  for (const m of text.matchAll(/^[ \t]*(A[CM]_PROG_\w+|LT_INIT)\b/gm)) for (const name of SUBSTITUTED_BY_MACRO[m[1] ?? ''] ?? []) names.add(name)
  for (const m of text.matchAll(/\bAC_SUBST\(\s*\[?([A-Za-z_][A-Za-z0-9_]*)\]?\s*[,)]/g)) names.add(m[1] ?? '')
  names.delete('')
  return names
}

/**
 * The variables a package's configure substitutes: configure's own list, joined with what its
 * configure.ac is sure to substitute. configure is generated and compared with nothing, configure.ac
 * with the tag, so a name struck from the list (to let a Makefile.in hold a value of its own in its
 * place) is still held to configure's value when configure.ac's macros substitute it.
 */
export function substitutedNames(configure: string | undefined, configureAc: string): ReadonlySet<string> {
  const sure = substitutedByInput(configureAc)
  const listed = configure === undefined ? undefined : substitutedVariables(configure)
  return listed === undefined ? sure : new Set([...listed, ...sure])
}
