/**
 * @fileoverview What a file does in a build, so a difference in it is weighed by what it can do:
 * build logic runs and code is compiled (high when unexplained); tests too, since `make check` runs
 * them on the builder's machine (distributions run it for every package); documentation,
 * translations and data are shipped or installed, never run (low).
 */
import type { Severity } from '../../model/finding.js'
import { isExecutableMode } from '../../model/tree.js'
import { classifyFile, isUnderTestDir } from '../../rules/classify.js'
import { basenameOf } from '../../util/paths.js'
import { hasAppleDoubleMagic } from './apple-double.js'
import { BUILD_KINDS } from './build-kinds.js'
import { makeRules } from './make-index.js'

export type FileRole = 'build' | 'code' | 'test' | 'doc' | 'translation' | 'data'

const CODE = /\.(?:c|h|cc|cpp|cxx|c\+\+|hh|hpp|hxx|inc|def|s|S|asm|y|yy|l|ll|go|rs|java|py|pyc|pyo|pyx|pxd|pl|pm|tcl|lua|rb|php|js|mjs|cjs|ts|swift|m|mm|f|f90|d|zig|cs|vala|ld|lds|ver|map|sym|exp|awk|sed)$/
const DOC = /\.(?:[1-9][a-z]*|man|mdoc|html?|xhtml|css|pdf|ps|eps|dvi|txt|md|markdown|rst|adoc|asciidoc|texi|texinfo|txi|info(?:-\d+)?|tex|sgml|docbook|dox|pod|rtf|odt|png|jpe?g|gif|svg|ico|bmp|webp|xpm|xcf|ttf|otf|woff2?|js\.map)$/
const DOC_NAME = /^(?:README|NEWS|ChangeLog|CHANGELOG|Changelog|CHANGES|AUTHORS|THANKS|COPYING|COPYRIGHT|LICENSE|LICENCE|INSTALL|TODO|HACKING|BUGS|FAQ|NOTICE|CONTRIBUTING|MAINTAINERS|ABOUT-NLS|HISTORY|RELEASE-NOTES|CREDITS)(?:[._-][\w.-]*)?$/
const DOC_DIR = /(?:^|\/)(?:doc|docs|man|man\d|html|manual|documentation|info)\//i
const TRANSLATION = /\.(?:po|pot|gmo|mo|qm|ts|xlf|xliff)$/
/** test scripts and the sources of compiled test programs (C and C++: `tests/base64_vector.cc` is test code, not test data) */
const TEST_CODE = /\.(?:sh|exp|tcl|py|pl|at|test|tst|t|bash|awk|sed|c|h|cc|cpp|cxx|c\+\+|hh|hpp|hxx)$|^(?:run|test)[\w-]*$/

/**
 * Files other builds read as instructions: pkg-config's flags go into the compile and link of every
 * program that uses the library; `rpmbuild -ta` runs a tarball's spec, and its scriptlets run as
 * root on every install; Doxygen runs the commands its configuration names on every source file
 * when the documentation is built, which distributions do for every package that has it. Each with
 * the words that say so.
 */
const BUILD_INSTRUCTIONS: readonly (readonly [RegExp, string])[] = [
  [/\.pc(?:\.in)?$/, 'a pkg-config file (its flags go into the build of every program that uses the library)'],
  [/\.spec(?:\.in)?$/, 'an RPM spec (rpmbuild -ta runs it; its scriptlets run as root on every install)'],
  [/^Doxyfile(?:[._-][\w-]+)*(?:\.in)?$|\.doxyfile(?:\.in)?$/i, 'a Doxygen configuration (building the documentation runs the commands its INPUT_FILTER, FILTER_PATTERNS and FILE_VERSION_FILTER name)'],
]

/** What a file other builds read as instructions is, in words; undefined for any other file. */
export const buildInstructionsOf = (path: string): string | undefined => {
  const name = basenameOf(path)
  return BUILD_INSTRUCTIONS.find(([pattern]) => pattern.test(name))?.[1]
}

/**
 * a dependency file of automake's build (`src/.deps/x.Plo`): each Makefile includes it, so make reads
 * whatever it holds as rules, recipes included
 */
export const MAKE_DEPENDENCY_FILE = /(?:^|\/)\.deps\/[^/]+\.(?:Plo|Po|Tpo|P)$/

/**
 * Kinds classifyFile can only read from content when the name says otherwise: a document that quotes
 * a sendmail m4 configuration, a `configure.ac` or a `Makefile.in` is still a document. A build that
 * reads it as code makes it more, through its uses; a shebang is not overruled, since the file runs.
 */
const CONTENT_SNIFFED_KINDS: ReadonlySet<string> = new Set(['m4', 'autoconf', 'configure', 'makefile-in'])

/** an editor's or patch's leftover copy (`x.sh.bak`, `x.c~`, `x.c.orig`): no build or test runner picks these names */
const BACKUP = /(?:~|\.(?:bak|orig|rej|swp))$/

/**
 * The file's role from its path, its first bytes and its mode. Build logic is decided by content
 * first (a shell script named `.txt` is build logic), then by what the name says; a document's name
 * wins over content that only looks like m4, autoconf or automake output.
 */
export function fileRole(path: string, mode: number, head: Buffer | string): FileRole {
  const name = basenameOf(path)
  // what the build reads by name is judged by its content; a leftover copy is only shipped
  if (BACKUP.test(name)) return 'data'
  // a Mac's metadata beside a packed file (`._NAME`): only a build that reads it by name makes it more
  if (name.startsWith('._') && hasAppleDoubleMagic(head)) return 'data'
  if (MAKE_DEPENDENCY_FILE.test(path)) return 'build'
  const kind = classifyFile(path, head)
  const underTests = isUnderTestDir(path)
  const documentation = DOC.test(name) || DOC_NAME.test(name)
  // `README.m4` is m4 by its name, whatever else the name says
  if (documentation && CONTENT_SNIFFED_KINDS.has(kind) && classifyFile(path, '') === 'text') return underTests ? 'data' : 'doc'
  if (BUILD_KINDS.has(kind)) return underTests && kind === 'shell' ? 'test' : 'build'
  // setup.py, setup.cfg and pyproject.toml say what building a Python package runs
  if (kind === 'python-build') return 'build'
  if (TRANSLATION.test(name) && !/\.ts$/.test(name)) return 'translation'
  if (underTests) return TEST_CODE.test(name) || isExecutableMode(mode) ? 'test' : 'data'
  if (buildInstructionsOf(name) !== undefined) return 'build'
  // a configure template (`config-win32.h.in`, `version.c.in`) is weighed as the file configure makes from it
  const made = name.replace(/\.in$/, '')
  if (CODE.test(made) && !(DOC_DIR.test(path) && /\.(?:css|js|map)$/.test(made))) return 'code'
  // a tarball made where files have no modes marks every file executable: the bit alone does not
  // make AUTHORS or a page of HTML into build logic (a script says so by its content, above)
  if (isExecutableMode(mode) && !documentation) return 'build'
  if (documentation || DOC_DIR.test(path)) return 'doc'
  return 'data'
}

/** what a makefile that only typesets documentation runs */
const TYPESETTING = /^(?:latex|pdflatex|xelatex|lualatex|makeindex|bibtex|dvips|dvipdfmx?|ps2pdf|psnup|echo|rm|egrep|grep|expr|test|\[|[A-Za-z_]\w*=\S*)$/
const SHELL_KEYWORD = /^(?:while|until|do|done|if|then|else|elif|fi|!)$/

/**
 * The documentation tool whose output directory holds this makefile, when the makefile only
 * typesets that output: Doxygen writes one beside refman.tex and doxygen.sty that runs latex,
 * makeindex and dvips on them. Nothing of the build runs it; it is documentation.
 */
export function typesettingMakefileTool(path: string, text: string, beside: (name: string) => boolean): string | undefined {
  if (!/^[Mm]akefile$/.test(basenameOf(path)) || !beside('refman.tex') || !beside('doxygen.sty')) return undefined
  const recipes = makeRules(text).flatMap((r) => r.recipe)
  if (recipes.length === 0) return undefined
  for (const line of recipes) {
    for (const command of line.replace(/'[^']*'|"[^"]*"/g, 'Q').split(/;|&&|\|\||\||`/)) {
      const words = command.trim().replace(/^[@-]+/, '').split(/\s+/).filter(Boolean)
      while (words[0] !== undefined && SHELL_KEYWORD.test(words[0])) words.shift()
      if (words[0] !== undefined && !TYPESETTING.test(words[0])) return undefined
    }
  }
  return 'Doxygen'
}

/** roles whose files are shipped or installed, never run */
export const QUIET_ROLES: ReadonlySet<FileRole> = new Set(['doc', 'translation', 'data'])

/** How serious an unexplained difference in a file of this role is. */
export const ROLE_SEVERITY: Readonly<Record<FileRole, Severity>> = {
  build: 'high',
  code: 'high',
  test: 'high',
  doc: 'low',
  translation: 'low',
  data: 'low',
}

export const ROLE_WORDS: Readonly<Record<FileRole, string>> = {
  build: 'build logic (run while configuring or building)',
  code: 'source code (compiled or run)',
  test: 'a test script (run by make check)',
  doc: 'documentation (shipped or installed, never run)',
  translation: 'a translation catalog (installed, never run)',
  data: 'data (shipped, not run by the build)',
}

interface DocTool {
  readonly name: string
  readonly pattern: RegExp
}

/** Headers and markers documentation generators write into what they produce. */
const DOC_TOOLS: readonly DocTool[] = [
  { name: 'po4a', pattern: /\bpo4a\b/i },
  { name: 'Doxygen', pattern: /Generated (?:by|on .{0,80} by)\s*(?:<a [^>]*>\s*)?(?:<img [^>]*alt="?)?doxygen/i },
  { name: 'Doxygen', pattern: /<meta name="generator" content="Doxygen/i },
  { name: 'mandoc', pattern: /<meta name="generator" content="mandoc|\bmandoc\b/i },
  { name: 'groff', pattern: /Creator:\s*groff|<!-- Creator\s*: groff|produced by groff|%%Creator: groff|generator" content="groff/i },
  { name: 'asciidoc', pattern: /Generator:\s*DocBook XSL|generator" content="(?:AsciiDoc|Asciidoctor)|Title: .*\n.*Generator: DocBook|asciidoc/i },
  { name: 'Sphinx', pattern: /generator" content="Sphinx|Generated by Sphinx|Man page generated from reStructuredText/i },
  { name: 'texinfo', pattern: /produced by (?:makeinfo|texi2any)|generator" content="(?:makeinfo|texi2any)|Created by GNU Texinfo|This is \S+, produced by/i },
  { name: 'help2man', pattern: /generated by help2man/i },
  { name: 'pandoc', pattern: /generator" content="pandoc|Automatically generated by Pandoc/i },
  { name: 'DocBook', pattern: /Generator: DocBook XSL|generator" content="DocBook XSL/i },
  { name: 'ronn', pattern: /generated with Ronn|generator" content="Ronn/i },
  { name: 'LaTeX', pattern: /\/Producer \((?:pdfTeX|LuaTeX|XeTeX|GPL Ghostscript|dvipdfm)|\/Creator \((?:TeX|LaTeX|texinfo|groff|Doxygen)/i },
  { name: 'pod2man', pattern: /Automatically generated by Pod::Man|pod2man/i },
  { name: 'xsltproc', pattern: /Generator: DocBook XSL|<!-- Generated by xsltproc/i },
]

const DOC_HEAD_BYTES = 64 * 1024

/** The documentation tool that produced this file, from the markers such tools write. */
export function docToolOf(bytes: Buffer | undefined): string | undefined {
  if (!bytes) return undefined
  const head = bytes.subarray(0, DOC_HEAD_BYTES).toString('latin1')
  return DOC_TOOLS.find((t) => t.pattern.test(head))?.name
}
