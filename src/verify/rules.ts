/** @fileoverview What each finding of `verify` means: the metadata `stagelight rules` and SARIF show. */
import type { RuleInfo } from '../rules/types.js'

const rule = (id: string, title: string, short: string, motivation: string, remediation: string, defaultSeverity: RuleInfo['defaultSeverity'] = 'high'): RuleInfo => ({
  id,
  title,
  short,
  motivation,
  remediation,
  defaultSeverity,
  defaultConfidence: 'high',
})

const REVIEW = 'Read the evidence (the diff or the file) and find out who put it into the release and why; rebuild the release from the tag and compare.'

export const verifyRules: readonly RuleInfo[] = [
  rule('verify/source-modified', 'File differs from the tag', 'A file that exists at the tag has different bytes in the artifact.', 'A release should be built from its tag; a source file that changed on the way is code nobody reviewed.', REVIEW),
  rule('verify/unexplained-file', 'File only in the artifact', 'A file the tag does not have, neither a known vendored file nor generated output.', 'Release tarballs of XZ Utils 5.6.0 and 5.6.1 carried a build-to-host.m4 that git never had; extra files are where release-time tampering hides.', REVIEW),
  rule('verify/modified-vendored-file', 'Vendored file matches no known version', 'A file with the name of a known upstream file (an m4 macro, a build-aux script) whose bytes match none of its known versions.', 'Vendored files are copied, not written, so nobody reads them; the XZ backdoor started in a modified copy of gnulib\'s build-to-host.m4.', 'Compare with the nearest known version (the evidence shows the added lines); check the claimed serial against upstream.'),
  rule('verify/generated-without-input', 'Generated file without its input', 'A file that says it was generated (configure, Makefile.in) whose input exists nowhere in the tag or the artifact.', 'Generated files are trusted because they can be regenerated; one without an input cannot be checked.', 'Regenerate from the tag (--regenerate) and compare, or find where the file came from.', 'medium'),
  rule('verify/generated-disagrees', 'Generated file says what its input does not', "A Makefile.in automake wrote names, in what a program or library is built from, linked with or compiled with (or in the directories built), a word its Makefile.am and the fragments it includes never write, or adds to automake's own compile and link commands, header directories (only those of the configuration headers configure.ac names) or object lists, or to configure's value of a variable it leaves unset (`CC = @CC@`), or puts another value in its place, or runs in a compile or link rule automake wrote a word none of its templates writes (`-Dmemcmp=x`, an object, a source in place of `$<`, `&& echo … >> x.c`), or hooks a rule of its own into automake's `all-am`, `install-exec-am`…, or holds in an install or uninstall rule automake wrote (`install-binPROGRAMS`, `uninstall-man1`, `install-exec-am`, `installdirs`), or in one that runs while make builds (`Makefile:`, `stamp-h1:`, `src/$(am__dirstamp):`) or make check runs (`check-TESTS`, `$(TEST_SUITE_LOG)`, `.test.log:`, `check-am`), a line none of its templates writes, or a value none writes in a variable its templates set (`NORMAL_INSTALL = :`, `am__mv`), or a value automake's program never gives one it writes (`am__v_CC_0`, `SH_LOG_DRIVER`, `LOG_COMPILE`); or a config.h.in autoheader wrote carries a line no input of autoheader writes.", 'automake copies those variables word for word and writes its commands from fixed templates; autoheader writes #undef templates and the text its inputs give it. An object linked, a flag or header added after they ran builds what no reviewed input says, as the XZ backdoor linked an object its Makefile.am never named.', 'Compare the variable or line with its input; regenerate from the tag (--regenerate) and compare.'),
  rule('verify/regeneration-mismatch', 'Generated file differs from regeneration', 'With --regenerate: the artifact\'s generated file differs from what the same tool version produces from the tag.', 'A configure or Makefile.in edited after generation runs code no input shows.', 'Read the diff against the regenerated file.'),
  rule('verify/not-compared', 'Files from another repository not compared', 'Files that come from another repository, not compared because that repository was not given: a submodule or a meson subproject the tag pins (low for a commit id, which anyone with that repository can check; medium for a branch or tag name when the build compiles or runs some of them), or copies a bootstrap made from a gnulib no commit of the tag pins (high).', 'Copied code is read by nobody, and without the repository it came from nothing says it is a copy at all; the XZ backdoor started in a copied gnulib file.', 'Give the repository (--submodule PATH=REPO, --gnulib REPO) and verify again: every file must then be what that repository has.'),
  rule('verify/translation-changed', 'Translation not explained by the source', 'A translation catalog carries lines the source and its history do not contain.', 'Catalogs are large and unreviewed; only msgmerge refreshes are explained.', REVIEW, 'medium'),
  rule('verify/changelog-not-from-history', 'ChangeLog not written from history', 'A ChangeLog that the build writes from git log carries lines the history does not contain.', 'A generated ChangeLog should repeat the history, nothing more.', REVIEW, 'low'),
  rule('verify/built-file-exceeds-sources', 'Built file does what its sources do not', "A file of an npm package that the tag's build writes (dist/, a bundle) can do something none of the tag's sources names: launch a process through a module no source loads, talk to a new host, read a secret or the whole environment, run decoded code, load a module, carry a data blob.", 'Published packages are built on the maintainer\'s machine or in CI and never compared with git; the code that runs is the built code. A compiler or bundler does not add capabilities, so one the sources lack was added after the build or by another build.', 'Rebuild the package from the tag and compare, or install from the repository; read the named lines.'),
  rule('verify/manifest-changed', 'package.json differs in what installing does', "The published package.json differs from the tag's in an install script (critical), a dependency or an entry point (high), beyond what publishing changes (the version, dropped development fields, npm's bookkeeping).", 'npm runs install scripts with the installing user\'s rights and installs every dependency the manifest names; a hook or dependency added at publishing runs code the repository never had.', 'Compare the fields the evidence lists with the tag; do not install the version until the change is accounted for.'),
  rule('verify/type-changed', 'File type changed', 'A file became a link, a directory or another kind of entry.', 'A link where the tag had a file can point a build at anything.', REVIEW),
  rule('verify/mode-changed', 'Executable bit changed', 'A file\'s executable bit differs from the tag.', 'A data file made executable, or a script made runnable, changes what the build can run.', REVIEW, 'low'),
  rule('verify/tag-unsigned', 'Tag not signed', 'With --keyring: the tag carries no signature.', 'A keyring says whose releases to trust; an unsigned tag proves nothing about who made it.', 'Ask the project to sign release tags; compare with how earlier tags were signed.'),
  rule('verify/tag-signature-invalid', 'Tag signature not valid for the keyring', 'With --keyring: the tag is signed, but not by a key in the keyring, or the signature is bad.', 'A new or unknown key on a release is how a changed release manager shows.', 'Find out whose key signed the tag and whether the project announced it.'),
]

const ARCHIVE = (code: string, title: string, short: string, severity: RuleInfo['defaultSeverity']): RuleInfo =>
  rule(`archive/${code}`, title, short, 'An extracting tool could write outside its target directory, replace a file silently or exhaust the disk; stagelight reads archives as data and reports such entries instead.', 'Do not extract the archive with ordinary tools; find out who produced it.', severity)

/** Hostile or odd archive entries, reported by every command that reads archives. */
export const archiveRules: readonly RuleInfo[] = [
  ARCHIVE('path-traversal', 'Entry escapes the tree', 'An entry name contains `..` that leaves the archive root.', 'critical'),
  ARCHIVE('absolute-path', 'Absolute entry name', 'An entry name starts at the file system root.', 'high'),
  ARCHIVE('link-escape', 'Link escapes the tree', 'A symbolic or hard link points outside the archive root.', 'high'),
  ARCHIVE('device', 'Device or FIFO entry', 'A character or block device or a FIFO.', 'medium'),
  ARCHIVE('duplicate-path', 'Duplicate entry', 'A later entry silently replaces an earlier one with the same name.', 'high'),
  ARCHIVE('pax-override', 'PAX header override', 'A PAX header changes an entry\'s path, link or size in a way most listings do not show.', 'medium'),
  ARCHIVE('limit-exceeded', 'Reading stopped at a limit', 'Entries, size or compression ratio went over a safety limit.', 'medium'),
  ARCHIVE('trailing-data', 'Data after the end of the archive', 'Bytes follow the archive\'s end marker.', 'medium'),
  ARCHIVE('bad-name', 'Unusable entry name', 'An entry name with NUL, backslashes or nothing in it.', 'medium'),
]
