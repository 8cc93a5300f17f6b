/**
 * Which sensitive area a changed path belongs to. Judged from the path alone (the ledger needs a
 * decision per changed file of every commit, so it must be cheap).
 */
export const AREAS = ['build', 'ci', 'release', 'security-policy', 'test-data', 'urls', 'fuzzing', 'dependencies'] as const
export type Area = (typeof AREAS)[number]

const BUILD = /(^|\/)(configure\.(ac|in)|CMakeLists\.txt|Makefile\.am|GNUmakefile\.am|meson\.build|meson_options\.txt|meson\.options|Kbuild|SConstruct|SConscript|BUILD\.bazel|WORKSPACE|build\.gradle(\.kts)?|pom\.xml)$|(^|\/)m4\/|\.m4$|\.cmake$|(^|\/)cmake\/.+|(^|\/)build-aux\//
const CI = /^\.github\/(workflows|actions)\/|^\.gitlab-ci\.ya?ml$|^\.gitlab\/ci\/|^\.travis\.ya?ml$|^\.circleci\/|^\.cirrus\.ya?ml$|^appveyor\.ya?ml$|^\.appveyor\.ya?ml$|^azure-pipelines\.ya?ml$|^Jenkinsfile$|^\.buildkite\/|^\.drone\.ya?ml$|^\.woodpecker(\.ya?ml|\/)|^\.builds\/|^\.ci\/|^ci\/|(^|\/)\.?ci-?[\w-]*\.(sh|ya?ml)$/
const RELEASE_DIR = /(^|\/)(debian|rpm|packaging|pkg|release|releases|dist-scripts|snap|flatpak|nsis|msi|homebrew)\//
const RELEASE_NAME = /(^|[-_./])(release|make-?dist|dist|package|packaging|publish|deploy|sign|tarball|version-?bump|bump-?version|mkrelease)([-_.]|$)[^/]*\.(sh|bash|py|pl|rb|mk|ya?ml|js|mjs|ps1|bat|cmd)$|(^|\/)(\.goreleaser\.ya?ml|PKGBUILD|[^/]+\.spec(\.in)?|[^/]+\.nuspec|setup\.py|pyproject\.toml|setup\.cfg|Cargo\.toml|package\.json|[^/]+\.gemspec|[^/]+\.podspec|autogen\.sh|bootstrap(\.sh)?|dist\.sh|release\.sh)$/
const SECURITY = /(^|\/)(SECURITY(\.(md|rst|txt|adoc))?|security\.txt|SECURITY-POLICY\.md|\.well-known\/security\.txt)$/i
const TEST_DIR = /(^|\/)(tests?|testdata|test-data|test_data|testsuite|test-suite|testing|fixtures?|__tests__|spec|files\/test)\//i
const URL_FILES = /^(README[^/]*|[^/]*\.doap|CITATION\.cff|AUTHORS)$|(^|\/)(configure\.(ac|in)|CMakeLists\.txt|meson\.build|package\.json|setup\.py|setup\.cfg|pyproject\.toml|Cargo\.toml|[^/]+\.gemspec|[^/]+\.spec(\.in)?|debian\/(control|copyright|watch|upstream\/metadata)|\.github\/FUNDING\.ya?ml)$/
const FUZZ = /(^|\/)[^/]*fuzz[^/]*(\/|$)|(^|\/)oss-fuzz/i
const DEPENDENCY = /(^|\/)(package\.json|go\.mod|Cargo\.toml|requirements[^/]*\.txt|pyproject\.toml|setup\.py|Gemfile|[^/]+\.gemspec|composer\.json|pom\.xml|build\.gradle(\.kts)?|vcpkg\.json|conanfile\.(txt|py))$|^\.gitmodules$/
const VERSION_FILE = /(^|\/)(package\.json|manifest\.json|Cargo\.toml|pyproject\.toml|setup\.py|setup\.cfg|configure\.(ac|in)|CMakeLists\.txt|meson\.build|[\w-]*version\.h)$/

/** The areas a change to `path` touches; `binary` (numstat `-`) tells test data from test code. */
export function areasOf(path: string, binary: boolean): Area[] {
  const out: Area[] = []
  if (BUILD.test(path)) out.push('build')
  if (CI.test(path)) out.push('ci')
  if (RELEASE_DIR.test(path) || RELEASE_NAME.test(path)) out.push('release')
  if (SECURITY.test(path)) out.push('security-policy')
  if (binary && TEST_DIR.test(path)) out.push('test-data')
  if (FUZZ.test(path)) out.push('fuzzing')
  if (DEPENDENCY.test(path)) out.push('dependencies')
  return out
}

export const isUrlFile = (path: string): boolean => URL_FILES.test(path)
export const isSecurityPolicy = (path: string): boolean => SECURITY.test(path)
export const isCi = (path: string): boolean => CI.test(path)
export const isBuild = (path: string): boolean => BUILD.test(path)
export const isFuzz = (path: string): boolean => FUZZ.test(path)
export const isDependencyManifest = (path: string): boolean => DEPENDENCY.test(path)
export const isVersionFile = (path: string): boolean => VERSION_FILE.test(path)

/**
 * The files the diff pass reads (weakened defences, URL and security-contact changes, version
 * bumps, new dependencies): build system, CI, security policy, URL-holding manifests and fuzzing.
 * One list gives both the pathspecs handed to git and the test on each path the commit pass sees,
 * so only commits that touch such a file are diffed.
 */
const DIFF_GLOBS: readonly string[] = [
  '**/configure.ac',
  '**/configure.in',
  '**/*.m4',
  '**/CMakeLists.txt',
  '**/*.cmake',
  '**/Makefile.am',
  '**/meson.build',
  '**/meson_options.txt',
  '**/meson.options',
  '.github/**',
  '.gitlab-ci.yml',
  '.travis.yml',
  '.circleci/**',
  '.cirrus.yml',
  'appveyor.yml',
  'azure-pipelines.yml',
  '**/SECURITY*',
  '**/security.txt',
  '**/package.json',
  '**/manifest.json',
  '**/*version.h',
  '**/go.mod',
  '**/requirements*.txt',
  '.gitmodules',
  '**/Makefile.in',
  '**/*.mk',
  '**/setup.py',
  '**/setup.cfg',
  '**/pyproject.toml',
  '**/Cargo.toml',
  'README*',
  '**/*fuzz*',
  '**/*fuzz*/**',
]

/** A git `:(glob)` pattern as a regular expression over the whole path (`**` spans directories, `*` stays inside one). */
export function globRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] ?? ''
    if (glob.startsWith('**/', i)) {
      re += '(?:.*/)?'
      i += 2
    } else if (glob.startsWith('/**', i) && i + 3 === glob.length) {
      re += '/.*'
      i += 2
    } else if (ch === '*') re += '[^/]*'
    else if (ch === '?') re += '[^/]'
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

export interface DiffPaths {
  /** pathspecs for git */
  readonly pathspecs: readonly string[]
  /** whether a changed path is one of them */
  readonly matches: (path: string) => boolean
}

/**
 * The diff pass's files for one repository. Where automake generates Makefile.in from
 * Makefile.am (a Makefile.am at HEAD), Makefile.in is output, often thousands of lines per
 * regeneration, and says nothing Makefile.am and configure.ac do not: it is left out. A
 * hand-written Makefile.in (autoconf without automake) is build logic and is read.
 */
export function diffPaths(options: { readonly automake: boolean }): DiffPaths {
  const globs = DIFF_GLOBS.filter((g) => !(options.automake && g === '**/Makefile.in'))
  const any = new RegExp(globs.map((g) => globRegExp(g).source).join('|'))
  return { pathspecs: globs.map((g) => `:(glob)${g}`), matches: (path) => any.test(path) }
}

/** Pathspecs for the diff pass with every file it can read. */
export const DIFF_PATHSPECS: readonly string[] = diffPaths({ automake: false }).pathspecs

/** Where a CI system reads what it runs (to check whether tests still run after a change). */
export const CI_PATHSPECS: readonly string[] = ['.github/workflows/**', '.gitlab-ci.yml', '.gitlab/ci/**', '.travis.yml', '.circleci/**', '.cirrus.yml', 'appveyor.yml', '.appveyor.yml', 'azure-pipelines.yml', 'Jenkinsfile', '.buildkite/**', '.drone.yml', '.builds/**', 'ci/**', '.ci/**', '**/Makefile*', '**/package.json', '**/tox.ini', '**/noxfile.py'].map((p) => `:(glob)${p}`)
