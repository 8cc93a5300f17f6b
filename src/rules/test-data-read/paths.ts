/** @fileoverview Which paths are test data, and which of those hold bytes rather than text. */
import { dirnameOf, joinPath } from '../../util/paths.js'

/** directories that hold test inputs and nothing a build needs */
const TEST_DIR = /(?:^|[/"'}()=:])(?:tests?|testdata|test[-_]data|testsuite|test[-_]?files|fixtures?|__tests__|testing)\//i
/** directories that sometimes hold build inputs too: only binary-looking files in them count */
const DATA_DIR = /(?:^|[/"'}()=:])(?:data|samples?|files)\//i
const BINARY_EXTENSION = /\.(?:xz|lzma|lz|lz4|gz|tgz|bz2|zst|z|7z|zip|rar|bin|dat|data|raw|img|iso|o|obj|a|so|dll|exe|pyc|class|jar|blob|enc|gpg|asc|pem|der|png|jpe?g|gif|bmp|ico|webp|wav|mp3|ogg|pdf|tar|pack|db|sqlite)$/i
const TEXT_EXTENSION = /\.(?:in|am|ac|m4|sh|bash|c|h|cc|cpp|cxx|hh|hpp|py|pl|pm|rb|js|ts|txt|md|rst|at|exp|sed|awk|json|xml|ya?ml|cfg|conf|ini|pc|desktop|po|pot|html?|css|tex|texi|[1-9]|mk|cmake|log|trs|out|ok|expected|err|diff|patch)$/i

const TEXT_NAME = /^(?:README|NEWS|ChangeLog|COPYING|AUTHORS|THANKS|TODO|LICENSE|NOTICE|INSTALL|Makefile|GNUmakefile|CMakeLists\.txt|meson\.build|atlocal|atconfig|testsuite|local\.at)(?:\..*)?$/i

export type TestDataKind = 'binary' | 'unknown' | 'text'

/** How a path read by the build relates to test data, or undefined when it is not test data. */
export function testDataKind(path: string): TestDataKind | undefined {
  const clean = path.replace(/["']/g, '')
  const base = clean.replace(/^.*\//, '')
  const binary = BINARY_EXTENSION.test(base)
  if (TEST_DIR.test(clean)) return binary ? 'binary' : TEXT_EXTENSION.test(base) || TEXT_NAME.test(base) || base === '' || /[*?]/.test(base) ? 'text' : 'unknown'
  if (DATA_DIR.test(clean) && binary) return 'binary'
  return undefined
}

/** A file that is itself part of a test suite: reading test data is its job. */
export const isTestPath = (path: string): boolean => TEST_DIR.test(`/${path}`)

/** Makefile rules that run or prepare tests, or build the distribution (which ships test data). */
export const isTestTarget = (target: string): boolean =>
  /(?:^|[\s/$({_.-])(?:check|checks|test|tests|testsuite|installcheck|distcheck|dist|distdir|atconfig|atlocal|valgrind|coverage|lcov|fuzz\w*)(?:$|[\s/)}_.:-])|\.(?:log|trs)\b|TEST_SUITE_LOG|TESTSUITE/i.test(target)

/** a man page section only after a name (`tool.1`, `foo_bar.3ssl`), never a version (`python3.8`, `lua5.3`) */
const DOC_EXTENSION = /(?:[A-Za-z_-]\.[1-9][a-z]*|\.(?:man|txt|md|markdown|rst|adoc|asciidoc|html?|xhtml|texi|texinfo|info|tex|pdf|ps|dvi|docbook|sgml|rtf|odt|docx?|epub))$/
/** the upper-case names of a project's documents (`install-sh` is a script, `INSTALL` a document) */
const DOC_NAME = /^(?:README|NEWS|ChangeLog|Changelog|CHANGELOG|CHANGES|HISTORY|COPYING|AUTHORS|THANKS|TODO|LICENSE|NOTICE|INSTALL|CONTRIBUTING|MAINTAINERS|BUGS|FAQ)(?:\.(?:md|txt|rst|markdown|adoc))?$/
const DOC_DIR = /(?:^|[/"'}()=:])(?:doc|docs|man|manual|html|info)\//i

/**
 * A path that holds documentation or data rather than code, by its name alone: a man page, a
 * README, a text or markup file, an image, an archive or a blob. Nothing a build should run.
 */
export function nonCodeKind(path: string): 'documentation' | 'data' | undefined {
  const clean = path.replace(/["']/g, '')
  const base = clean.replace(/^.*\//, '')
  if (base === '' || /[*?$]/.test(base)) return undefined
  if (DOC_NAME.test(base) || DOC_EXTENSION.test(base)) return 'documentation'
  if (BINARY_EXTENSION.test(base)) return 'data'
  if (DOC_DIR.test(clean) && !/\.(?:sh|bash|pl|pm|py|rb|awk|sed|m4|in|am|mk|cmake|js|lua|tcl)$/i.test(base) && /\./.test(base)) return 'documentation'
  return undefined
}

/** objects and libraries: what a compiler links or an archiver packs, never a script or a text */
const OBJECT_FILE = /\.(?:o|obj|a|so|dylib|dll)$/i
/** the top of the source tree, as make, configure or CMake name it */
const TOP = /^(?:\$[({]?(?:ac_)?(?:abs_)?top_srcdir[)}]?|@(?:abs_)?top_srcdir@|\$\{(?:CMAKE|PROJECT)_SOURCE_DIR\})\//
/** the source directory of the build file itself */
const SOURCE_HERE = /^(?:\$[({]?(?:ac_)?(?:abs_)?srcdir[)}]?|@(?:abs_)?srcdir@|\$\{CMAKE_CURRENT_SOURCE_DIR\})\//

/** Does the word name a file through the source directory (`$(srcdir)/x`, `$top_srcdir/x`), not the one the build runs in? */
export const inSourceDirectory = (word: string): boolean => {
  const clean = word.replace(/["']/g, '')
  return TOP.test(clean) || SOURCE_HERE.test(clean)
}

/** Where in the tree a word of the build file at `from` may point (`$(top_srcdir)/x`, `$(srcdir)/x`, `x`), below its top. */
export function treeCandidates(word: string, from: string): string[] {
  const clean = word.replace(/["']/g, '')
  const dir = dirnameOf(from)
  // `./x` is the directory the build runs in: the build file's own, in a build inside the tree
  const here = SOURCE_HERE.test(clean) ? clean.replace(SOURCE_HERE, '') : clean.startsWith('./') ? clean.slice(2) : undefined
  const candidates = TOP.test(clean) ? [clean.replace(TOP, '')] : here !== undefined ? [joinPath(dir, here)] : clean.startsWith('/') || clean.includes('$') ? [] : [joinPath(dir, clean), joinPath('', clean)]
  return candidates.filter((c) => !c.startsWith('../') && c !== '..')
}

/**
 * An object file of test data that the release ships, as a word of the build file at `from` names
 * it (`$(top_srcdir)/tests/files/x.o`, `../tests/x.a`): where it is in the tree, or undefined when
 * the word names none that the tree holds.
 */
export function shippedTestObject(word: string, from: string, paths: ReadonlySet<string>): string | undefined {
  if (!OBJECT_FILE.test(word.replace(/["']/g, '')) || testDataKind(word) !== 'binary') return undefined
  return treeCandidates(word, from).find((c) => paths.has(c))
}

const shipping = new WeakMap<ReadonlySet<string>, boolean>()
/** Does the tree hold any object file of test data at all? Asked once per tree: almost none does, and then no command links one. */
export function shipsTestObjects(paths: ReadonlySet<string>): boolean {
  let ships = shipping.get(paths)
  if (ships === undefined) {
    ships = false
    for (const p of paths) if (OBJECT_FILE.test(p) && testDataKind(p) === 'binary') ships = true
    shipping.set(paths, ships)
  }
  return ships
}

/** Is the word a directory of the tree (`--root=$(srcdir)/tests/spec` given to a generator), which holds files rather than a blob? */
export function isTreeDirectory(word: string, from: string, paths: ReadonlySet<string>): boolean {
  const prefixes = treeCandidates(word, from).map((c) => `${c}/`)
  if (prefixes.length === 0) return false
  for (const p of paths) if (prefixes.some((prefix) => p.startsWith(prefix))) return true
  return false
}
