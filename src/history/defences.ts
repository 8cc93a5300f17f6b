import { ByteReader } from '../sources/git/byte-reader.js'
import { git, gitStream } from '../sources/git/exec.js'
import type { Repository } from '../sources/git/types.js'
import { MAILMAP_CONFIG, missingObjectIn, type CommitFacts } from './git-facts.js'
import { CI_PATHSPECS, isBuild, isCi, isDependencyManifest, isFuzz, isSecurityPolicy, isUrlFile, isVersionFile, type DiffPaths } from './paths.js'

/** What a change to a defence-holding file did (read by meaning: what runs before and after). */
export type DefenceKind = 'hardening-flag-removed' | 'sanitizer-removed' | 'hardening-disabled' | 'feature-check-broken' | 'sandbox-disabled' | 'fuzzing-disabled' | 'tests-disabled'

/** Other facts the diff pass reads: release power without tags, new dependencies, contacts, URLs. */
export type ChangeKind = 'urls' | 'version-bump' | 'dependency-added' | 'publish-workflow' | 'security-contact'

export interface DiffObservation {
  readonly commit: string
  readonly authorName: string
  readonly authorEmail: string
  readonly authorTime: number
  readonly path: string
  readonly kind: DefenceKind | ChangeKind
  readonly detail: string
  /** the lines that show it: before (-) and after (+) */
  readonly evidence: readonly string[]
  readonly unlessStill?: StillThere
}

export const isDefenceKind = (k: DefenceKind | ChangeKind): k is DefenceKind => !['urls', 'version-bump', 'dependency-added', 'publish-workflow', 'security-contact'].includes(k)

const HARDENING = /-fstack-protector[\w-]*|_FORTIFY_SOURCE|-fstack-clash-protection|-fcf-protection[\w=-]*|-Wl,-z,(?:relro|now|noexecstack)|-fPIE|(?<![\w-])-pie\b|-D_GLIBCXX_ASSERTIONS|-Werror=format-security|-ftrivial-auto-var-init[\w=-]*|\/guard:cf|-mshstk|-fzero-call-used-regs[\w=-]*/g
// -fno-sanitize-recover makes a sanitizer stricter: only -fno-sanitize= turns one off
const DISABLING = /-fno-stack-protector|-U_FORTIFY_SOURCE|_FORTIFY_SOURCE=0|-fno-sanitize=[\w,-]+|-no-pie\b|-fno-PIE|-Wl,-z,(?:norelro|lazy|execstack)/g
const SANDBOX_WORD = /landlock|seccomp|pledge|unveil|capsicum|cap_rights_limit|cap_enter|sandbox/i
/** a line no C compiler accepts, inside a source snippet of a feature check */
const BREAKER = /^\s*[.,`@$]\s*$/
/**
 * `#error` fails a check on purpose where it sits under a preprocessor conditional
 * (`#ifdef OPENSSL_NO_EC` / `# error`): that is how a check tests for a feature. Only an
 * unconditional one, in a snippet without any conditional, always fails.
 */
const ERROR_LINE = /^\s*#\s*error\b/
const CONDITIONAL = /^\s*#\s*(?:if|ifdef|ifndef|elif|else|endif)\b/
const COMPILE_CHECK = /check_c_source_compiles|check_cxx_source_compiles|check_c_source_runs|AC_(?:COMPILE|LINK|RUN)_IFELSE|AC_LANG_(?:SOURCE|PROGRAM)|cc\.(?:compiles|links|run)\s*\(|try_compile|#\s*include\s*</
const ON = /^(?:on|yes|true|enabled?|auto|1)$/i
const OFF = /^(?:off|no|false|disabled?|none|0)$/i
// a test run: the usual runners, a package script whose name says test or check (`npm run test-node:unit`,
// a reusable workflow's `npm-script: test-browser`), a make/ninja target, or a test program run by its
// path (`out\%CONFIGURATION%\snappy-unittest`, `./build/tests/foo_test --all`; not a report file such as
// `build/test-results.xml`). Also handed to `git grep -P`: PCRE syntax only (fixed-length lookbehinds).
export const TEST_RUN = /(?<![\w/\\.%$-])[\w%$.{}-]*(?:[\\/][\w%$.{}-]+)*[\\/][\w.%$-]*test[\w.-]*(?<!\.xml|\.json|\.log|\.txt|\.md|\.html|\.yml|\.yaml|\.out)(?=\s|$|['";&|)])|\b(make\s+(?:-\S+\s+)*(?:check|test|distcheck)|ctest|meson\s+test|ninja\s+(?:-\S+\s+)*test|(?:npm|yarn|pnpm)\s+(?:run\s+|start\s+)?[\w:.-]*\b(?:test|check)|npm\s+t\b|pytest|tox|nox|cargo\s+(?:test|nextest)|go\s+test|mvn\s+(?:\S+\s+)*(?:test|verify)|gradle\w*\s+(?:\S+\s+)*(?:test|check)|\.\/test\S*|run[-_]tests?\S*|[\w-]*script:\s*['"]?[\w:.-]*\b(?:test|check))/
const TEST_OFF = /--disable-(?:tests?|check|fuzz\w*)\b|-D\w*(?:TEST|FUZZ)\w*=(?:OFF|0|NO|FALSE)\b|\bSKIP_TESTS?\s*[=:]\s*(?:1|true|yes)|^\s*if:\s*(?:false|\$\{\{\s*false\s*\}\})\s*$/i
const PUBLISH = /\bnpm\s+publish\b|\byarn\s+(?:npm\s+)?publish\b|\bpnpm\s+publish\b|chrome-webstore-upload|web-ext\s+sign|mozilla\/addons|addons\.mozilla\.org|\btwine\s+upload\b|gh-action-pypi-publish|\bcargo\s+publish\b|\bgh\s+release\s+create\b|action-gh-release|goreleaser|vsce\s+publish|ovsx\s+publish|gem\s+push|\bpoetry\s+publish\b/
const EMAIL_OR_URL = /[\w.+-]+@[\w-]+\.[\w.-]+|https?:\/\/[^\s"'<>)]+/g
const URL = /https?:\/\/[^\s"'<>)\]]+/g

export interface FileDiff {
  path: string
  deleted: boolean
  created: boolean
  added: string[]
  removed: string[]
  /** hunks: context and changed lines (with their ' ', '+', '-' prefix) */
  hunks: string[][]
}

const tokens = (lines: readonly string[], re: RegExp): Set<string> => {
  const out = new Set<string>()
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)
  for (const l of lines) for (const m of l.matchAll(g)) out.add(m[0])
  return out
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const sample = (lines: readonly string[], re: RegExp, sign: string): string[] =>
  lines
    .filter((l) => new RegExp(re.source, re.flags.replace('g', '')).test(l))
    .slice(0, 4)
    .map((l) => `${sign}${l.trim().slice(0, 200)}`)

/** A commented-out line counts as removed: `# -fstack-protector` runs nothing. */
const live = (l: string): boolean => !/^\s*(#(?!\s*include)|dnl\b|\/\/|--)/.test(l)
/** The part of a line that runs: a trailing `# comment` (shell, YAML, CMake, make) dropped. */
const code = (l: string): string => l.replace(/\s#(?!\s*include).*$/, '')

/** Sanitizer kinds named by -fsanitize= flags (fuzzer-no-link is the fuzzer, built differently). */
const sanitizerKinds = (lines: readonly string[]): Set<string> => {
  const out = new Set<string>()
  for (const l of lines) for (const m of code(l).matchAll(/-fsanitize=([\w,-]+)/g)) for (const k of (m[1] ?? '').split(',')) if (k) out.add(k.replace(/-no-link$/, ''))
  return out
}

/** Where build logic lives, to tell a defence that moved from one that went. */
export const BUILD_LOGIC_PATHSPECS: readonly string[] = ['**/configure.ac', '**/configure.in', '**/*.m4', '**/CMakeLists.txt', '**/*.cmake', '**/Makefile*', '**/*.mk', '**/meson.build', '**/*.sh', '**/*.bash', '**/*.yml', '**/*.yaml', '**/*.toml', '**/*.cfg', '**/*.json', '**/*.py', '**/*.gradle', '**/Jenkinsfile', '**/*.bazel', '**/BUILD', '**/*.bzl'].map((p) => `:(glob)${p}`)

/** What must be gone from the tree after the commit for the judgement to hold (checked with git grep). */
export interface StillThere {
  readonly fixed?: readonly string[]
  readonly pcre?: string
  readonly pathspecs: readonly string[]
}

interface Judgement {
  readonly path: string
  readonly kind: DefenceKind | ChangeKind
  readonly detail: string
  readonly evidence: string[]
  /** the defence counts as removed only if none of this is left in the tree after the commit */
  readonly unlessStill?: StillThere
}

/** A boolean-ish switch named on a line: `option(ENABLE_SANDBOX "…" ON)`, `sandbox: 'enabled'`, `--enable-sandbox=yes`. */
function switches(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const l of lines) {
    if (!SANDBOX_WORD.test(l) || !live(l)) continue
    const name = /([\w-]*(?:landlock|seccomp|pledge|unveil|capsicum|sandbox)[\w-]*)/i.exec(l)?.[1]?.toLowerCase()
    const value = [...l.matchAll(/\b(ON|OFF|on|off|yes|no|true|false|enabled?|disabled?|auto|none)\b/g)].pop()?.[1]
    if (name && value) out.set(name, value)
  }
  return out
}

/**
 * Judges one commit's diffs of defence-holding files together (a flag moved from one file to
 * another was not removed): the weakened defences, each with before/after lines, and the
 * release, dependency, contact and URL changes.
 */
export function judgeCommit(files: readonly FileDiff[]): Judgement[] {
  const out: Judgement[] = []
  const buildFiles = files.filter((f) => isBuild(f.path) || isCi(f.path) || /(^|\/)(Makefile(\.in)?|[^/]*\.mk)$/.test(f.path))
  const addedAnywhere = buildFiles.flatMap((f) => f.added.filter(live))
  const removedAnywhere = buildFiles.flatMap((f) => f.removed.filter(live))
  for (const file of buildFiles) {
    const added = file.added.filter(live)
    const removed = file.removed.filter(live)
    const stillFlags = tokens(addedAnywhere.map(code), HARDENING)
    const goneFlags = [...tokens(removed.map(code), HARDENING)].filter((t) => !stillFlags.has(t))
    if (goneFlags.length) {
      const pick = new RegExp(goneFlags.map(escape).join('|'))
      out.push({ path: file.path, kind: 'hardening-flag-removed', detail: `hardening flag${goneFlags.length > 1 ? 's' : ''} no longer passed to the build: ${goneFlags.join(', ')}`, evidence: [...sample(file.removed, pick, '-'), ...file.added.slice(0, 2).map((l) => `+${l.trim().slice(0, 200)}`)], unlessStill: { fixed: goneFlags, pathspecs: BUILD_LOGIC_PATHSPECS } })
    }
    const stillKinds = sanitizerKinds(addedAnywhere)
    const goneKinds = [...sanitizerKinds(removed)].filter((k) => !stillKinds.has(k))
    if (goneKinds.length) out.push({ path: file.path, kind: 'sanitizer-removed', detail: `sanitizer${goneKinds.length > 1 ? 's' : ''} no longer built: ${goneKinds.join(', ')}`, evidence: [...sample(file.removed, /-fsanitize=/, '-'), ...file.added.slice(0, 2).map((l) => `+${l.trim().slice(0, 200)}`)], unlessStill: { pcre: `-fsanitize=[\\w,-]*\\b(?:${goneKinds.map(escape).join('|')})\\b`, pathspecs: BUILD_LOGIC_PATHSPECS } })
    const before = tokens(removedAnywhere.map(code), DISABLING)
    const off = [...tokens(added.map(code), DISABLING)].filter((t) => !before.has(t))
    if (off.length) out.push({ path: file.path, kind: 'hardening-disabled', detail: `a hardening feature is switched off: ${off.join(', ')}`, evidence: [...sample(file.removed, /\S/, '-').slice(0, 2), ...sample(added, new RegExp(off.map(escape).join('|')), '+')] })
    // a feature check whose test program can no longer compile: the feature is silently never used
    for (const hunk of file.hunks) {
      if (!hunk.some((l) => COMPILE_CHECK.test(l))) continue
      if (!hunk.some((l) => l.startsWith(' '))) continue // a check that arrives broken weakens nothing that was there
      const conditional = hunk.some((l) => !l.startsWith('-') && CONDITIONAL.test(l.slice(1)))
      const breakers = hunk.filter((l) => l.startsWith('+') && (BREAKER.test(l.slice(1)) || (!conditional && ERROR_LINE.test(l.slice(1)))) && !file.removed.includes(l.slice(1)))
      if (breakers.length) {
        const sandbox = hunk.some((l) => SANDBOX_WORD.test(l))
        out.push({ path: file.path, kind: 'feature-check-broken', detail: `a line that cannot compile was added inside a feature check, so the check always fails${sandbox ? ' and the sandbox it detects is never built' : ''}`, evidence: hunk.slice(0, 14).map((l) => l.slice(0, 200)) })
        break
      }
    }
    // a sandbox switch that was on and is now off (the same switch, by name)
    const was = switches(removed)
    const now = switches(added)
    for (const [name, value] of now) {
      const prior = was.get(name)
      if (prior !== undefined && ON.test(prior) && OFF.test(value)) out.push({ path: file.path, kind: 'sandbox-disabled', detail: `sandbox switch ${name} changed from ${prior} to ${value}`, evidence: [...sample(removed, new RegExp(escape(name), 'i'), '-'), ...sample(added, new RegExp(escape(name), 'i'), '+')] })
    }
    // sandbox detection or setup removed from the build and not moved anywhere in the commit
    const sandboxGone = removed.filter((l) => SANDBOX_WORD.test(l))
    if (sandboxGone.length >= 2 && !addedAnywhere.some((l) => SANDBOX_WORD.test(l)) && !out.some((o) => o.kind === 'sandbox-disabled' || o.kind === 'feature-check-broken')) out.push({ path: file.path, kind: 'sandbox-disabled', detail: 'sandbox detection or setup removed from the build (not moved elsewhere in the commit)', evidence: sandboxGone.slice(0, 4).map((l) => `-${l.trim().slice(0, 200)}`) })
    // tests or fuzzing switched off: an option whose default goes from on to off, or a CI job told
    // to skip them (confirmed later: another CI job may still run them)
    const optionFlip = /option\s*\(\s*(\w*(?:TEST|FUZZ|CHECK)\w*)\s+"[^"]*"\s+(ON|OFF)\s*\)/i
    for (const l of added) {
      const now = optionFlip.exec(l)
      const was = now ? removed.map((r) => optionFlip.exec(r)).find((r) => r?.[1] === now[1]) : undefined
      if (now && was && /ON/i.test(was[2] ?? '') && /OFF/i.test(now[2] ?? '')) out.push({ path: file.path, kind: /fuzz/i.test(now[1] ?? '') ? 'fuzzing-disabled' : 'tests-disabled', detail: `build option ${now[1] ?? ''} now defaults to OFF`, evidence: [`-${(was[0] ?? '').trim()}`, `+${l.trim()}`] })
    }
    if (isCi(file.path)) {
      const testsOff = added.filter((l) => TEST_OFF.test(code(l)) && !file.removed.includes(l))
      if (testsOff.length) out.push({ path: file.path, kind: /fuzz/i.test(testsOff.join('\n')) ? 'fuzzing-disabled' : 'tests-disabled', detail: 'CI told to skip tests or fuzzing', evidence: [...file.removed.slice(0, 2).map((l) => `-${l.trim()}`), ...testsOff.slice(0, 3).map((l) => `+${l.trim()}`)], unlessStill: { pcre: TEST_RUN.source, pathspecs: CI_PATHSPECS } })
    }
    // CI test commands removed: a candidate, confirmed later against the whole CI of the commit
    if (isCi(file.path)) {
      const testsGone = removed.filter((l) => TEST_RUN.test(l))
      if (testsGone.length && !addedAnywhere.some((l) => TEST_RUN.test(l))) out.push({ path: file.path, kind: 'tests-disabled', detail: 'CI no longer runs the test suite', evidence: [...testsGone.slice(0, 4).map((l) => `-${l.trim()}`), ...added.slice(0, 2).map((l) => `+${l.trim()}`)], unlessStill: { pcre: TEST_RUN.source, pathspecs: CI_PATHSPECS } })
      const publish = added.filter((l) => PUBLISH.test(l) && !file.removed.some((r) => PUBLISH.test(r)))
      if (publish.length) out.push({ path: file.path, kind: 'publish-workflow', detail: 'a workflow that publishes releases', evidence: publish.slice(0, 3).map((l) => `+${l.trim()}`) })
    }
  }
  // fuzz targets deleted, none added: renaming or moving them is not a removal
  const fuzzDeleted = files.filter((f) => f.deleted && isFuzz(f.path))
  if (fuzzDeleted.length && !files.some((f) => f.created && isFuzz(f.path))) out.push({ path: fuzzDeleted[0]?.path ?? '', kind: 'fuzzing-disabled', detail: `fuzzing removed: ${fuzzDeleted.length} fuzz file(s) deleted and none added`, evidence: fuzzDeleted.slice(0, 6).map((f) => `-${f.path}`) })
  for (const file of files) {
    if (isSecurityPolicy(file.path)) {
      const before = tokens(file.removed, EMAIL_OR_URL)
      const after = tokens(file.added, EMAIL_OR_URL)
      const gone = [...before].filter((t) => !after.has(t))
      const fresh = [...after].filter((t) => !before.has(t))
      if (gone.length || (file.created && fresh.length)) out.push({ path: file.path, kind: 'security-contact', detail: `security contact: ${gone.join(', ') || '(none)'} → ${fresh.join(', ') || '(none)'}`, evidence: [...sample(file.removed, EMAIL_OR_URL, '-'), ...sample(file.added, EMAIL_OR_URL, '+')] })
    }
    if (isUrlFile(file.path)) {
      const before = tokens(file.removed, URL)
      const after = tokens(file.added, URL)
      const host = (u: string): string => u.replace(/^https?:\/\//, '').split('/')[0] ?? ''
      const beforeHosts = new Set([...before].map(host))
      const newHosts = [...after].filter((u) => !beforeHosts.has(host(u)))
      if (before.size > 0 && newHosts.length > 0) out.push({ path: file.path, kind: 'urls', detail: `project URL changed to ${newHosts.slice(0, 3).join(', ')}`, evidence: [...sample(file.removed, URL, '-'), ...sample(file.added, URL, '+')] })
    }
    if (isVersionFile(file.path)) {
      const was = versionIn(file.path, file.removed)
      const now = versionIn(file.path, file.added)
      if (was && now && was !== now) out.push({ path: file.path, kind: 'version-bump', detail: `version ${was} → ${now}`, evidence: [`-${was}`, `+${now}`] })
    }
    if (isDependencyManifest(file.path)) {
      const deps = addedDependencies(file)
      if (deps.length) out.push({ path: file.path, kind: 'dependency-added', detail: `new dependenc${deps.length > 1 ? 'ies' : 'y'}: ${deps.slice(0, 5).join(', ')}`, evidence: deps.slice(0, 5).map((d) => `+${d}`) })
    }
  }
  return out
}

const VERSION_RES: readonly RegExp[] = [/#\s*define\s+\w*VERSION(?:_STRING)?\s+"(\d+\.\d+[\w.-]*)"/, /"version"\s*:\s*"([^"]+)"/, /^\s*version\s*=\s*["']([\w.+-]+)["']/, /AC_INIT\(\s*\[?[^,\]]*\]?\s*,\s*\[?([\w.+-]+)/, /project\s*\([^)]*\bVERSION\s+([\d.]+)/i, /^\s*version\s*:\s*'([^']+)'/, /\bversion\s*=\s*['"]([\w.+-]+)['"]/]

/** The version a manifest or build file declares on one of these lines. */
export function versionIn(path: string, lines: readonly string[]): string | undefined {
  for (const l of lines) for (const re of VERSION_RES) {
    const m = re.exec(l)
    if (m?.[1] && /\d/.test(m[1])) return m[1]
  }
  void path
  return undefined
}

/** Dependencies a manifest's diff adds (a name not removed in the same diff: an update is no addition). */
export function addedDependencies(file: FileDiff): string[] {
  const name = (l: string): string | undefined => {
    if (/package\.json$/.test(file.path)) return /^\s*"(@?[\w.-]+(?:\/[\w.-]+)?)"\s*:\s*"[^"]*"\s*,?\s*$/.exec(l)?.[1]
    if (/\.gitmodules$/.test(file.path)) return /^\s*\[submodule\s+"([^"]+)"\]/.exec(l)?.[1]
    if (/go\.mod$/.test(file.path)) return /^\s*(?:require\s+)?([\w.-]+\.[\w]+\/[\w./-]+)\s+v[\d.]/.exec(l)?.[1]
    if (/requirements[^/]*\.txt$/.test(file.path)) return /^\s*([A-Za-z][\w.-]*)\s*(?:[=<>~!]|$)/.exec(l)?.[1]
    if (/Cargo\.toml$/.test(file.path)) return /^\s*([\w-]+)\s*=\s*(?:"[\d^~=<>*.]|\{)/.exec(l)?.[1]
    return undefined
  }
  const removed = new Set(file.removed.map(name).filter((n): n is string => n !== undefined))
  const out: string[] = []
  for (const hunk of file.hunks) {
    // in package.json only the runtime blocks count: a new devDependency never reaches users
    let block: string | undefined
    for (const l of hunk) {
      const header = /^.\s*"(\w*[dD]ependencies)"\s*:/.exec(l)
      if (header) block = header[1]
      else if (/^.\s*\}/.test(l)) block = undefined
      if (!l.startsWith('+')) continue
      const n = name(l.slice(1))
      if (!n || removed.has(n) || n === 'version' || n === 'name') continue
      if (/package\.json$/.test(file.path) && block !== 'dependencies' && block !== 'optionalDependencies' && block !== 'peerDependencies') continue
      if (/Cargo\.toml$/.test(file.path) && /^(version|edition|name|authors|license|description|repository|homepage|readme)$/.test(n)) continue
      out.push(n)
    }
  }
  return [...new Set(out)]
}

const unquote = (p: string): string => (p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1).replace(/\\(.)/g, '$1') : p)

/** The diff pass, started with the main pass and fed by it. */
export interface DefenceReader {
  /** one commit from the commit pass: its diff is read if it touches a defence-holding file */
  offer(commit: CommitFacts): Promise<void>
  /** the commit pass is over */
  finish(): void
  /** what the diffs show, with the objects git could not read */
  readonly result: Promise<{ observations: DiffObservation[]; missing: string[] }>
  stop(): void
}

/**
 * The diff pass: one `git diff-tree --stdin` that the commit pass feeds, as it streams, with the
 * non-merge commits whose file list names a defence-holding file (build system, CI, security
 * policy, manifests, fuzzing); git diffs only those files of only those commits, in a process of
 * its own running beside the commit pass. Every commit reachable from HEAD is seen (what
 * `--full-history` would give) without git walking the history a second time. Each commit's
 * diff is judged and dropped before the next, so memory stays flat.
 */
export function defenceReader(repo: Repository, maxLines: number, paths: DiffPaths): DefenceReader {
  const args = [...MAILMAP_CONFIG, 'diff-tree', '--stdin', '--root', '-p', '-U6', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--encoding=UTF-8', '--format=%x01%H%x00%aN%x00%aE%x00%at', '--', ...paths.pathspecs]
  const proc = gitStream(repo.gitDir, args, `reading build-system changes of ${repo.spec}`)
  const result = (async () => {
    const observations: DiffObservation[] = []
    const missing: string[] = []
    try {
      for await (const o of parseDefenceDiffs(proc, maxLines)) observations.push(o)
    } catch (err) {
      const object = missingObjectIn((err as Error).message)
      if (!object) throw err
      missing.push(object)
    }
    return { observations: await confirmGone(repo, observations), missing }
  })()
  result.catch(() => undefined)
  const touches = (c: CommitFacts): boolean => c.files.some((f) => paths.matches(f.path) || (f.from !== undefined && paths.matches(f.from)))
  return {
    result,
    offer: (c) => (c.parents.length <= 1 && !c.unreadable && touches(c) ? proc.write(`${c.id}\n`) : Promise.resolve()),
    finish: () => proc.endInput(),
    stop: () => proc.stop(),
  }
}

/**
 * A defence counts as removed only if it is gone from the tree after the commit: a test step
 * moved into another workflow, or a sanitizer build moved into a script, disabled nothing. One
 * `git grep` per candidate (candidates are few; the check never runs per commit).
 */
async function confirmGone(repo: Repository, observations: DiffObservation[]): Promise<DiffObservation[]> {
  const out: DiffObservation[] = []
  for (const o of observations) {
    const still = o.unlessStill
    if (still) {
      const pattern = still.fixed ? ['-F', ...still.fixed.flatMap((f) => ['-e', f])] : ['-P', '-e', still.pcre ?? '']
      // on a git without PCRE, grep fails (exit 128) and the candidate stays
      const r = await git(['grep', '-q', '-I', ...pattern, o.commit, '--', ...still.pathspecs], { gitDir: repo.gitDir })
      if (r.code === 0) continue
    }
    out.push(o)
  }
  return out
}

async function* parseDefenceDiffs(proc: ReturnType<typeof gitStream>, maxLines: number): AsyncGenerator<DiffObservation> {
  const reader = new ByteReader(proc.stdout)
  let commit: { id: string; name: string; email: string; time: number } | undefined
  let files: FileDiff[] = []
  let file: FileDiff | undefined
  let hunk: string[] | undefined
  let lines = 0
  const closeCommit = function* (): Generator<DiffObservation> {
    if (commit) for (const j of judgeCommit(files)) yield { commit: commit.id, authorName: commit.name, authorEmail: commit.email, authorTime: commit.time, ...j }
    files = []
    file = undefined
    hunk = undefined
  }
  try {
    for (;;) {
      const raw = await reader.readUntil(0x0a)
      if (raw === undefined) break
      const line = raw.length > 2000 ? raw.toString('utf8', 0, 2000) : raw.toString('utf8')
      if (line.startsWith('\x01')) {
        yield* closeCommit()
        const [id = '', name = '', email = '', time = '0'] = line.slice(1).split('\0')
        commit = { id, name, email, time: Number(time) }
        lines = 0
        continue
      }
      if (line.startsWith('diff --git ')) {
        file = { path: '', deleted: false, created: false, added: [], removed: [], hunks: [] }
        files.push(file)
        hunk = undefined
        continue
      }
      if (!file) continue
      if (hunk === undefined) {
        if (line.startsWith('+++ ')) {
          if (line !== '+++ /dev/null') file.path = unquote(line.slice(4)).replace(/^b\//, '')
        } else if (line.startsWith('--- ')) {
          if (line !== '--- /dev/null' && file.path === '') file.path = unquote(line.slice(4)).replace(/^a\//, '')
        } else if (line.startsWith('deleted file mode')) file.deleted = true
        else if (line.startsWith('new file mode')) file.created = true
      }
      if (line.startsWith('@@')) {
        hunk = []
        file.hunks.push(hunk)
        continue
      }
      if (!hunk || ++lines > maxLines) continue
      if (line.startsWith('+')) file.added.push(line.slice(1))
      else if (line.startsWith('-')) file.removed.push(line.slice(1))
      else if (!line.startsWith(' ')) continue
      hunk.push(line)
    }
    yield* closeCommit()
    await proc.done
  } finally {
    proc.stop()
  }
}
