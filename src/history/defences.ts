import { ByteReader } from '../sources/git/byte-reader.js'
import { gitStream, type GitStream } from '../sources/git/exec.js'
import type { Repository } from '../sources/git/types.js'
import { MAILMAP_CONFIG } from './git-facts.js'
import { DIFF_PATHSPECS, isBuild, isCi, isFuzz, isSecurityPolicy, isUrlFile } from './paths.js'

/** What a change to a defence-holding file did. */
export type DefenceKind =
  | 'hardening-flag-removed'
  | 'sanitizer-removed'
  | 'hardening-disabled'
  | 'sandbox-check-broken'
  | 'sandbox-disabled'
  | 'fuzzing-disabled'
  | 'tests-disabled'
  | 'security-contact-changed'

export interface DiffObservation {
  readonly commit: string
  readonly authorName: string
  readonly authorEmail: string
  readonly authorTime: number
  readonly path: string
  /** 'urls': the project's URLs were changed; otherwise a weakened defence */
  readonly kind: DefenceKind | 'urls'
  readonly detail: string
  /** the diff lines that show it, each prefixed with + or - */
  readonly evidence: readonly string[]
}

const HARDENING = /-fstack-protector[\w-]*|_FORTIFY_SOURCE|-fstack-clash-protection|-fcf-protection[\w=-]*|-Wl,-z,(?:relro|now|noexecstack)|-z\s*(?:relro|now|noexecstack)|-fPIE|(?<![\w-])-pie\b|-D_GLIBCXX_ASSERTIONS|-Werror=format-security|-ftrivial-auto-var-init[\w=-]*|\/guard:cf|\/GS\b|-mshstk|-fzero-call-used-regs[\w=-]*/g
const SANITIZER = /-fsanitize=[\w,-]+|\bASAN\b|\bUBSAN\b|\bMSAN\b|\bTSAN\b/g
const DISABLING = /-fno-stack-protector|-U_FORTIFY_SOURCE|_FORTIFY_SOURCE=0|-fno-sanitize|-no-pie|-fno-PIE|-Wl,-z,(?:norelro|lazy|execstack)|-z\s*(?:norelro|execstack)/
const SANDBOX = /landlock|seccomp|pledge|unveil|capsicum|cap_rights_limit|cap_enter|PR_SET_NO_NEW_PRIVS|sandbox/i
// a lone quote closes a CMake or meson string and a lone `;` is an empty C statement: neither breaks a check
const BREAKER = /^\s*[.,`\\]\s*$|#\s*error\b/
const SANDBOX_OFF = /(sandbox|landlock|seccomp|capsicum|pledge)[^\n]*\b(OFF|no|false|disabled?|none)\b/i
const TEST_RUN = /\b(make\s+(?:-\S+\s+)*(?:check|test|distcheck)|ctest|meson\s+test|ninja\s+test|npm\s+(?:run\s+)?test|yarn\s+test|pytest|tox|cargo\s+test|go\s+test|mvn\s+(?:\S+\s+)*(?:test|verify))\b/
const TEST_OFF = /--disable-(?:tests?|check|fuzz\w*)|-D\w*(?:TEST|FUZZ)\w*=(?:OFF|0|NO|FALSE)\b|\bSKIP_TESTS?\b|\bif:\s*(?:false|\$\{\{\s*false\s*\}\})/i
const FUZZ_WORD = /fuzz/i
const EMAIL_OR_URL = /[\w.+-]+@[\w-]+\.[\w.-]+|https?:\/\/[^\s"'<>)]+/g
const URL = /https?:\/\/[^\s"'<>)\]]+/g

interface FileDiff {
  path: string
  deleted: boolean
  added: string[]
  removed: string[]
  /** hunks: context and changed lines, for checks that need the surrounding code */
  hunks: string[][]
}

const tokens = (lines: readonly string[], re: RegExp): Set<string> => {
  const out = new Set<string>()
  for (const l of lines) for (const m of l.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`))) out.add(m[0])
  return out
}

const sample = (lines: readonly string[], re: RegExp, sign: string): string[] =>
  lines
    .filter((l) => re.test(l))
    .slice(0, 4)
    .map((l) => `${sign}${l.slice(0, 200)}`)

/** Judges one file's diff: the weakened defences and URL changes it shows. */
export function judgeFileDiff(file: FileDiff): { kind: DefenceKind | 'urls'; detail: string; evidence: string[] }[] {
  const out: { kind: DefenceKind | 'urls'; detail: string; evidence: string[] }[] = []
  const build = isBuild(file.path) || isCi(file.path) || /(^|\/)(Makefile(\.in)?|[^/]*\.mk)$/.test(file.path)
  if (build) {
    for (const [re, kind, what] of [
      [HARDENING, 'hardening-flag-removed', 'hardening flag'],
      [SANITIZER, 'sanitizer-removed', 'sanitizer'],
    ] as const) {
      const gone = [...tokens(file.removed, re)].filter((t) => !tokens(file.added, re).has(t))
      if (gone.length) out.push({ kind, detail: `${what}${gone.length > 1 ? 's' : ''} removed: ${gone.join(', ')}`, evidence: sample(file.removed, new RegExp(gone.map((g) => g.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')), '-') })
    }
    const off = file.added.filter((l) => DISABLING.test(l))
    if (off.length) out.push({ kind: 'hardening-disabled', detail: 'a hardening feature is switched off', evidence: off.slice(0, 4).map((l) => `+${l}`) })
    for (const hunk of file.hunks) {
      if (!hunk.some((l) => SANDBOX.test(l))) continue
      // a check that arrives already broken weakens nothing that was there: the change must touch an existing check
      if (!hunk.some((l) => !l.startsWith('+'))) continue
      const breakers = hunk.filter((l) => l.startsWith('+') && BREAKER.test(l.slice(1)))
      if (breakers.length) {
        out.push({ kind: 'sandbox-check-broken', detail: 'a line that cannot compile was added inside a sandboxing feature check, so the check can never succeed and the sandbox is silently disabled', evidence: hunk.slice(0, 12).map((l) => l.slice(0, 200)) })
        break
      }
    }
    const sandboxOff = file.added.filter((l) => SANDBOX_OFF.test(l) && !file.removed.some((r) => r === l))
    if (sandboxOff.length && file.removed.some((l) => SANDBOX.test(l))) out.push({ kind: 'sandbox-disabled', detail: 'a sandboxing option now defaults to off', evidence: [...sample(file.removed, SANDBOX, '-'), ...sandboxOff.slice(0, 2).map((l) => `+${l}`)] })
    const removedSandbox = file.removed.filter((l) => SANDBOX.test(l))
    if (removedSandbox.length >= 2 && !file.added.some((l) => SANDBOX.test(l)) && !out.some((o) => o.kind.startsWith('sandbox'))) out.push({ kind: 'sandbox-disabled', detail: 'sandboxing detection or setup was removed from the build', evidence: removedSandbox.slice(0, 4).map((l) => `-${l}`) })
    const testsGone = file.removed.filter((l) => TEST_RUN.test(l))
    if (isCi(file.path) && testsGone.length && !file.added.some((l) => TEST_RUN.test(l))) out.push({ kind: 'tests-disabled', detail: 'CI no longer runs the test suite', evidence: testsGone.slice(0, 4).map((l) => `-${l}`) })
    const testsOff = file.added.filter((l) => TEST_OFF.test(l) && !file.removed.includes(l))
    if (testsOff.length) out.push({ kind: FUZZ_WORD.test(testsOff.join('\n')) ? 'fuzzing-disabled' : 'tests-disabled', detail: 'tests or fuzzing are switched off', evidence: testsOff.slice(0, 4).map((l) => `+${l}`) })
    const fuzzGone = file.removed.filter((l) => FUZZ_WORD.test(l))
    if (fuzzGone.length >= 2 && !file.added.some((l) => FUZZ_WORD.test(l))) out.push({ kind: 'fuzzing-disabled', detail: 'fuzzing was removed from the build or CI', evidence: fuzzGone.slice(0, 4).map((l) => `-${l}`) })
  }
  if (file.deleted && isFuzz(file.path) && file.removed.length > 0) out.push({ kind: 'fuzzing-disabled', detail: `fuzzing file ${file.path} deleted`, evidence: [`deleted ${file.path}`] })
  if (isSecurityPolicy(file.path)) {
    const before = tokens(file.removed, EMAIL_OR_URL)
    const after = tokens(file.added, EMAIL_OR_URL)
    const gone = [...before].filter((t) => !after.has(t))
    if (gone.length) out.push({ kind: 'security-contact-changed', detail: `security contact changed: ${gone.join(', ')} → ${[...after].filter((t) => !before.has(t)).join(', ') || '(none)'}`, evidence: [...sample(file.removed, EMAIL_OR_URL, '-'), ...sample(file.added, EMAIL_OR_URL, '+')] })
  }
  if (isUrlFile(file.path)) {
    const before = tokens(file.removed, URL)
    const after = tokens(file.added, URL)
    const host = (u: string): string => u.replace(/^https?:\/\//, '').split('/')[0] ?? ''
    const beforeHosts = new Set([...before].map(host))
    const newHosts = [...after].filter((u) => !beforeHosts.has(host(u)))
    if (before.size > 0 && newHosts.length > 0) out.push({ kind: 'urls', detail: `project URL changed to ${newHosts.slice(0, 3).join(', ')}`, evidence: [...sample(file.removed, URL, '-'), ...sample(file.added, URL, '+')] })
  }
  return out
}

const unquote = (p: string): string => (p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1).replace(/\\(.)/g, '$1') : p)

/**
 * One `git log -p` over the defence-holding files only (build system, CI, security policy,
 * manifests, fuzzing), parsed line by line; a commit's diff is judged and dropped before the next.
 */
export interface DefenceReader {
  /** hands over one commit (touching a defence-holding file) to be diffed */
  add(commit: string): Promise<void>
  /** no more commits; resolves with what the diffs show */
  readonly observations: Promise<DiffObservation[]>
  end(): void
}

/** Whether a changed path can hold a defence, a URL or a security contact (decides which commits the diff pass reads). */
export const holdsDefence = (path: string): boolean => isBuild(path) || isCi(path) || isSecurityPolicy(path) || isUrlFile(path) || isFuzz(path) || /(^|\/)(Makefile(\.in)?|[^/]*\.mk)$/.test(path)

/**
 * The diff pass: one `git log -p --no-walk --stdin` fed the ids of the commits the numstat pass
 * saw touching defence-holding files, limited to those files; each commit's diff is judged and
 * dropped before the next. Reading only the candidates keeps it a small fraction of the floor.
 */
export function defenceReader(repo: Repository, maxLines: number): DefenceReader {
  const args = [...MAILMAP_CONFIG, 'log', '--no-walk', '--stdin', '-p', '-U6', '--no-merges', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--encoding=UTF-8', '--format=%x01%H%x00%aN%x00%aE%x00%at', '--', ...DIFF_PATHSPECS]
  const proc = gitStream(repo.gitDir, args, `reading build-system changes of ${repo.spec}`)
  const observations = (async () => {
    const out: DiffObservation[] = []
    for await (const o of parseDefenceDiffs(proc, repo, maxLines)) out.push(o)
    return out
  })()
  observations.catch(() => undefined)
  return { add: (commit) => proc.write(`${commit}\n`), observations, end: () => proc.endInput() }
}

async function* parseDefenceDiffs(proc: GitStream, _repo: Repository, maxLines: number): AsyncGenerator<DiffObservation> {
  const reader = new ByteReader(proc.stdout)
  let commit: { id: string; name: string; email: string; time: number } | undefined
  let file: FileDiff | undefined
  let hunk: string[] | undefined
  let lines = 0
  const results: DiffObservation[] = []
  const closeFile = (): void => {
    if (file && commit) for (const j of judgeFileDiff(file)) results.push({ commit: commit.id, authorName: commit.name, authorEmail: commit.email, authorTime: commit.time, path: file.path, ...j })
    file = undefined
    hunk = undefined
  }
  try {
    for (;;) {
      const raw = await reader.readUntil(0x0a)
      if (raw === undefined) break
      const line = raw.length > 2000 ? raw.toString('utf8', 0, 2000) : raw.toString('utf8')
      if (line.startsWith('\x01')) {
        closeFile()
        for (const r of results.splice(0)) yield r
        const [id = '', name = '', email = '', time = '0'] = line.slice(1).split('\0')
        commit = { id, name, email, time: Number(time) }
        lines = 0
        continue
      }
      if (line.startsWith('diff --git ')) {
        closeFile()
        file = { path: '', deleted: false, added: [], removed: [], hunks: [] }
        continue
      }
      if (!file) continue
      if (hunk === undefined) {
        if (line.startsWith('+++ ')) {
          if (line !== '+++ /dev/null') file.path = unquote(line.slice(4)).replace(/^b\//, '')
        } else if (line.startsWith('--- ')) {
          if (line !== '--- /dev/null' && file.path === '') file.path = unquote(line.slice(4)).replace(/^a\//, '')
        } else if (line.startsWith('deleted file mode')) file.deleted = true
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
    closeFile()
    for (const r of results.splice(0)) yield r
    await proc.done
  } finally {
    proc.stop()
  }
}
