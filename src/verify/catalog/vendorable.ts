/**
 * Which files are vendored autotools infrastructure: m4 macros, build-aux helper scripts and
 * gettext's po/ machinery, the kinds of files release tarballs copy in from upstream.
 */

/** Files this large are not helper scripts or macros (the largest known, texinfo.tex, is under 1 MiB). */
export const MAX_VENDORED_BYTES = 4 * 1024 * 1024

/**
 * Names that upstream projects ship but every project also writes or generates for itself: a
 * difference in one of these says nothing about vendored code, so the name alone is no evidence.
 */
const PROJECT_OWNED =
  /^(?:Makefile(?:\.am|\.in)?|ChangeLog.*|README|NEWS|AUTHORS|THANKS|TODO|VERSION|autogen\.sh|bootstrap\.conf|configure(?:\.ac|\.in)?|aclocal\.m4|config\.h(?:\.in)?)$/
/** Source files: projects have their own version.c or log.c; vendored C code is judged by the source tree. */
const SOURCE_CODE = /\.(?:c|h|cc|y|py|rc|css|diff|1)$/

const M4 = /\.m4$|^ltversion\.in$|^pkg\.m4\.in$/
/** gettext's po/ infrastructure, the files autopoint and gettextize copy. */
const PO_MACHINERY = /^(?:Makefile\.in\.in|Makevars\.template|Rules-[\w-]+|[\w@.-]+\.(?:sin|sed|header)|ABOUT-NLS|config\.rpath)$/
/** Helper scripts that the autotools copy into build-aux/ (automake --add-missing, libtoolize, autoreconf) and intltoolize into the top directory. */
const BUILD_AUX =
  /^(?:install-sh|depcomp|missing|compile|test-driver|ar-lib|py-compile|mdate-sh|ylwrap|tap-driver\.(?:sh|pl)|texinfo\.tex|config\.(?:guess|sub)|mkinstalldirs|elisp-comp|ltmain\.sh|INSTALL|COPYING(?:\.LIB)?|intltool-(?:extract|merge|update)\.in)$/

/** A name whose difference from upstream can point at tampering with vendored code. */
export const isVendoredName = (basename: string): boolean =>
  basename !== 'aclocal.m4' && !PROJECT_OWNED.test(basename) && !SOURCE_CODE.test(basename)

/** By name alone: a file the autotools copy into a project. */
export const hasVendorableName = (basename: string): boolean =>
  basename !== 'aclocal.m4' && (M4.test(basename) || PO_MACHINERY.test(basename) || BUILD_AUX.test(basename))

const HEAD_BYTES = 8192
/** A helper script carries its version in an assignment near the top. */
const SCRIPT_STAMP = /^(?:scriptversion|timestamp)=/m

/** Text, not binary: no NUL byte near the start. */
export const looksLikeText = (head: Buffer): boolean => !head.subarray(0, HEAD_BYTES).includes(0)

/**
 * Whether a file is worth cataloguing: its name says so (an m4 macro, po/ machinery, a known
 * helper script, or a name `isKnownName` accepts), or it is a script stamped like an autotools helper.
 * Binary files and files over {@link MAX_VENDORED_BYTES} never are.
 */
export function isVendorable(basename: string, content: Buffer, isKnownName?: (basename: string) => boolean): boolean {
  if (content.length > MAX_VENDORED_BYTES || !looksLikeText(content)) return false
  if (basename === 'aclocal.m4' || basename.startsWith('.')) return false
  if (hasVendorableName(basename)) return true
  if (isVendoredName(basename) && isKnownName?.(basename)) return true
  const head = content.subarray(0, HEAD_BYTES).toString('latin1')
  return head.startsWith('#!') && SCRIPT_STAMP.test(head)
}
