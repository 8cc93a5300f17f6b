/*
 * `npm run bench -- --only releases [--mirrors DIR] [--filter NAME[,NAME…]] [--shard I/N] [--no-tamper] [--tamper-only]
 *   [--tamper-max N] [--tamper-kind KIND] [--no-speed] [--runs N] [--diffoscope] [--diffoscope-timeout S] [--write FILE]`
 *
 * `stagelight verify` on real upstream releases (bench/corpus/releases.json): every clean release,
 * then the same releases with tampering injected (each kind of release takes its injections in
 * turn; --tamper-kind gives one injection, named, to every release that can take it, including the
 * ones outside the turn), then the time against the raw floor measured in
 * the same run: verify and the floor each the median of --runs runs (3 by default; the clean run is
 * one of verify's), diffoscope once (the tarball against the tag's `git archive` under the
 * tarball's top directory, so that it compares the files both have). Tarballs come from Debian
 * (`apt-get source --download-only` where deb-src lines know the release's suite, else by name
 * from the archive's pool at $STAGELIGHT_DEBIAN_MIRROR, default http://deb.debian.org/debian,
 * with curl) into
 * $STAGELIGHT_CORPUS_DIR (default ~/.cache/stagelight-corpus). Upstream repositories are not
 * fetched by this script: point --mirrors (or STAGELIGHT_MIRRORS) at a directory holding them as
 * `<owner>+<name>/repo`, `<owner>+<name>` or `<owner>/<name>` (bare or not), e.g. made with
 * `git clone --mirror https://…/<owner>/<name> <dir>/<owner>+<name>/repo`.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { argv, bin, has, log, mirrorsDir, option } from './common.js'
import { measure, median } from './measure.js'
import { corpusCache, loadCorpus, repositoryOf, sha256File, gnulibArgs, submoduleArgs, tarballOf, type Release } from './releases-corpus.js'
import {
  applicableCmakeKinds,
  applicableKinds,
  applicableMesonKinds,
  applicableNpmKinds,
  applicablePlainKinds,
  applicablePythonKinds,
  CMAKE_TAMPER_KINDS,
  EXTRA_TAMPER_KINDS,
  MESON_TAMPER_KINDS,
  NPM_TAMPER_KINDS,
  PLAIN_TAMPER_KINDS,
  PYTHON_TAMPER_KINDS,
  TAMPER_KINDS,
  tamperTarball,
  tarballFiles,
  type TamperKind,
  type Tampering,
} from './releases-tamper.js'

interface Finding {
  readonly ruleId: string
  readonly severity: string
  readonly path?: string
  readonly message: string
}
interface Outcome {
  readonly verdict: string
  readonly code: number | null
  readonly seconds: number
  readonly serious: readonly Finding[]
  readonly top?: Finding
  /** verify wrote a report (an error, exit 2, writes none) */
  readonly reported: boolean
}

const SERIOUS = new Set(['critical', 'high', 'medium'])
const mirrors = mirrorsDir
const filter = option('--filter')
/** `--shard 1/3`: every third release from the first, so parts of the corpus can run side by side */
const shard = option('--shard')?.split('/').map(Number)
/** at most this many tampered releases (in corpus order, the injections taken in turn) */
const tamperMax = Number(option('--tamper-max') ?? Infinity)
const ALL_TAMPER_KINDS: readonly string[] = [...new Set([...TAMPER_KINDS, ...PYTHON_TAMPER_KINDS, ...NPM_TAMPER_KINDS, ...CMAKE_TAMPER_KINDS, ...MESON_TAMPER_KINDS, ...PLAIN_TAMPER_KINDS, ...EXTRA_TAMPER_KINDS])]
/** one injection for every release that can take it, instead of the kinds in turn */
const forcedKind = ((): TamperKind | undefined => {
  const kind = option('--tamper-kind')
  if (kind !== undefined && !ALL_TAMPER_KINDS.includes(kind)) throw new Error(`--tamper-kind: unknown injection ${kind} (known: ${ALL_TAMPER_KINDS.join(', ')})`)
  return kind as TamperKind | undefined
})()
const diffoscopeTimeout = Number(option('--diffoscope-timeout') ?? 120)
const scratch = join(corpusCache, 'scratch')

async function runVerify(tarball: string, repo: string, release: Release, reportFile?: string): Promise<Outcome> {
  const args = [bin, 'verify', tarball, '--source', repo, '--ref', release.tag, ...(submoduleArgs(release, mirrors) ?? []), ...gnulibArgs(release, repo, mirrors), '--format', 'json', '--quiet', '--offline', '--cache-dir', join(scratch, 'cache')]
  const s = await measure(process.execPath, args)
  let report: { verdict: string; findings: Finding[] } | undefined
  try {
    const parsed = JSON.parse(s.stdout) as Partial<{ verdict: string; findings: Finding[] }>
    // an error (exit 2) prints an error object, not a report: the row says so and the run goes on
    report = typeof parsed.verdict === 'string' && Array.isArray(parsed.findings) ? { verdict: parsed.verdict, findings: parsed.findings } : undefined
  } catch {
    report = undefined
  }
  if (reportFile && report) writeFileSync(reportFile, s.stdout)
  const serious = (report?.findings ?? []).filter((f) => SERIOUS.has(f.severity))
  return { verdict: report?.verdict ?? `no report (exit ${s.code})`, code: s.code, seconds: s.seconds, serious, reported: report !== undefined, ...(report?.findings[0] ? { top: report.findings[0] } : {}) }
}

/**
 * Whether git can write the tag's tree at all: a mirror may lack some blobs (large files left out),
 * and then neither the floor nor diffoscope has a source to read. Checked outside the timing.
 */
function archivable(repo: string, tag: string): boolean {
  try {
    execFileSync('git', ['-C', repo, 'archive', '--format=tar', '-o', '/dev/null', tag], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

async function floorSeconds(tarball: string, repo: string, tag: string): Promise<number> {
  const a = mkdtempSync(join(scratch, 'floor-a-'))
  const b = mkdtempSync(join(scratch, 'floor-b-'))
  try {
    const s = await measure('sh', ['-c', 'tar -xf "$1" -C "$2" && git -C "$3" archive "$4" | tar -x -C "$5"', 'sh', tarball, a, repo, tag, b])
    return s.seconds
  } finally {
    rmSync(a, { recursive: true, force: true })
    rmSync(b, { recursive: true, force: true })
  }
}

async function medianOf(runs: number, once: () => Promise<number>, done: readonly number[] = []): Promise<number> {
  const seconds = [...done]
  while (seconds.length < runs) seconds.push(await once())
  return median(seconds)
}

async function diffoscopeSeconds(tarball: string, repo: string, tag: string): Promise<{ seconds: number; timedOut: boolean } | undefined> {
  if (!has('diffoscope')) return undefined
  const source = join(scratch, 'source.tar.gz')
  // the tag's files under the tarball's top directory: without it no path matches and diffoscope
  // only lists the two file lists, comparing no file's content
  const top = /^([^/]+)\//.exec(execFileSync('sh', ['-c', 'tar -tf "$1" | head -n 1', 'sh', tarball], { encoding: 'utf8' }))?.[1]
  execFileSync('sh', ['-c', 'git -C "$1" archive --format=tar.gz ${4:+--prefix="$4/"} -o "$2" "$3"', 'sh', repo, source, tag, top ?? ''])
  const s = await measure('diffoscope', ['--no-progress', '--text', '/dev/null', tarball, source], { timeoutMs: diffoscopeTimeout * 1000 })
  return { seconds: s.seconds, timedOut: s.timedOut }
}

const label = (r: Release): string => `${r.name} ${r.version}`
const counts = (fs: readonly Finding[]): string => ['critical', 'high', 'medium'].map((s) => fs.filter((f) => f.severity === s).length).join('/')
const short = (f: Finding | undefined): string => (f ? `${f.severity} ${f.ruleId.replace(/^verify\//, '')} ${f.path ?? ''}` : '—')

interface Row {
  readonly release: Release
  readonly tarball: string
  readonly repo: string
  readonly outcome: Outcome
  floor?: number
  /** verify's median time in the speed section */
  verify?: number
  diffoscope?: { seconds: number; timedOut: boolean }
}

/** The injections each kind of release takes, and which of them one release can take. */
const TAMPERING: Partial<Record<Release['kind'], { kinds: readonly TamperKind[]; applicable: (files: readonly string[]) => TamperKind[] }>> = {
  autotools: { kinds: TAMPER_KINDS, applicable: applicableKinds },
  python: { kinds: PYTHON_TAMPER_KINDS, applicable: applicablePythonKinds },
  npm: { kinds: NPM_TAMPER_KINDS, applicable: applicableNpmKinds },
  cmake: { kinds: CMAKE_TAMPER_KINDS, applicable: applicableCmakeKinds },
  meson: { kinds: MESON_TAMPER_KINDS, applicable: applicableMesonKinds },
  plain: { kinds: PLAIN_TAMPER_KINDS, applicable: applicablePlainKinds },
}

/**
 * Releases that can be tampered with, and which injection each gets: each kind of release takes
 * its kinds in turn, so each is used about equally, and adding releases of one kind does not
 * move another kind's turn.
 */
function tamperPlan(rows: readonly Row[]): { row: Row; kind: TamperKind }[] {
  if (forcedKind !== undefined) return rows.filter((row) => TAMPERING[row.release.kind]?.applicable(tarballFiles(row.tarball)).includes(forcedKind)).map((row) => ({ row, kind: forcedKind }))
  const plan: { row: Row; kind: TamperKind }[] = []
  const turns = new Map<Release['kind'], number>()
  for (const row of rows) {
    const tampering = TAMPERING[row.release.kind]
    if (!tampering) continue
    const turn = turns.get(row.release.kind) ?? 0
    const applicable = tampering.applicable(tarballFiles(row.tarball))
    const kind = tampering.kinds.map((_, i) => tampering.kinds[(turn + i) % tampering.kinds.length] as TamperKind).find((k) => applicable.includes(k))
    if (!kind) continue
    plan.push({ row, kind })
    turns.set(row.release.kind, turn + 1)
  }
  return plan
}

export async function benchReleases(): Promise<void> {
  mkdirSync(scratch, { recursive: true })
  const reports = join(corpusCache, 'reports')
  mkdirSync(reports, { recursive: true })
  const out: string[] = []
  const say = (line = ''): void => {
    console.log(line)
    out.push(line)
  }
  const wanted = filter?.split(',').map((f) => f.trim())
  const corpus = loadCorpus()
    .filter((r) => !wanted || wanted.includes(r.name) || wanted.includes(label(r)))
    .filter((_, i) => !shard || i % (shard[1] ?? 1) === (shard[0] ?? 1) - 1)
  say(`stagelight verify on ${corpus.length} real upstream releases — ${cpus().length} cores, node ${process.version}`)
  say()
  say('## Clean releases')
  say()
  say('| release | build | sha256 (tarball) | expected | verdict | crit/high/med | top finding | verify s |')
  say('|---|---|---|---|---|---|---|---|')
  const rows: Row[] = []
  const missing: string[] = []
  for (const release of corpus) {
    const tarball = tarballOf(release)
    const repo = repositoryOf(release, mirrors)
    if (!tarball || !repo || !submoduleArgs(release, mirrors)) {
      missing.push(`${label(release)} (${!tarball ? 'no tarball' : !repo ? `no repository ${release.repository} under ${mirrors}` : `no repository for a submodule (${Object.values(release.submodules ?? {}).join(', ')}) under ${mirrors}`})`)
      continue
    }
    const sha = sha256File(tarball)
    if (release.sha256 && release.sha256 !== sha) {
      missing.push(`${label(release)} (tarball sha256 ${sha} differs from the corpus)`)
      continue
    }
    if (argv.includes('--tamper-only')) {
      rows.push({ release, tarball, repo, outcome: { verdict: 'not run', code: null, seconds: 0, serious: [], reported: false } })
      continue
    }
    log(`• ${label(release)}`)
    const outcome = await runVerify(tarball, repo, release, join(reports, `${release.name}-${release.version}.json`))
    rows.push({ release, tarball, repo, outcome })
    say(`| ${label(release)} | ${release.kind} | ${sha.slice(0, 12)} | ${release.expected} | ${outcome.verdict} | ${counts(outcome.serious)} | ${short(outcome.serious[0])} | ${outcome.seconds.toFixed(2)} |`)
  }
  const clean = rows.filter((r) => r.release.expected === 'pass')
  // a release verify stopped on (exit 2) did not pass, whatever it did not find
  const passed = clean.filter((r) => r.outcome.reported && r.outcome.serious.length === 0)
  say()
  // with --tamper-only the clean releases were not run: no share of them to give
  if (!argv.includes('--tamper-only')) say(`Clean releases with no finding at medium or above: ${passed.length} of ${clean.length} (${((100 * passed.length) / Math.max(1, clean.length)).toFixed(1)} %)`)
  if (missing.length > 0) say(`Not run: ${missing.join('; ')}`)

  if (!argv.includes('--no-tamper')) {
    say()
    say('## Tampered releases')
    say()
    say('| release | injection | what | verdict | top finding | top on the tampered path | a rule names the path |')
    say('|---|---|---|---|---|---|---|')
    const tamperDir = join(corpusCache, 'tampered')
    mkdirSync(tamperDir, { recursive: true })
    let caught = 0
    let named = 0
    let total = 0
    for (const { row, kind } of tamperPlan(rows).slice(0, tamperMax)) {
      const name = `${row.release.name}-${row.release.version}-${kind}.tar.gz`
      let tampering: Tampering
      try {
        tampering = tamperTarball(row.tarball, join(tamperDir, name), kind, label(row.release))
      } catch (err) {
        log(`  could not inject ${kind} into ${label(row.release)}: ${(err as Error).message}`)
        continue
      }
      log(`• ${label(row.release)} + ${kind}`)
      const outcome = await runVerify(join(tamperDir, name), row.repo, row.release, join(reports, `${row.release.name}-${row.release.version}-${kind}.json`))
      const onPath = outcome.top?.path === tampering.path
      const ok = outcome.verdict === 'fail' && onPath
      // beyond "differs from the tag": a rule of scan's, which judges the code itself, at medium or above
      const byRule = outcome.serious.some((f) => f.ruleId.startsWith('scan/') && f.path === tampering.path)
      if (byRule) named += 1
      total += 1
      if (ok) caught += 1
      say(`| ${label(row.release)} | ${kind} | ${tampering.description.replace(/\|/g, '\\|').slice(0, 120)} | ${outcome.verdict} | ${short(outcome.top)} | ${ok ? 'yes' : 'NO'} | ${byRule ? 'yes' : 'no'} |`)
    }
    say()
    say(`Tampered releases that fail with the top finding on the tampered path: ${caught} of ${total}`)
    say(`Tampered releases where a scan rule at medium or above names the tampered path: ${named} of ${total} (a changed line of C is the tag's difference only, never a rule's)`)
  }

  if (!argv.includes('--no-speed') && !argv.includes('--tamper-only')) {
    say()
    say('## Speed')
    say()
    const withPeer = argv.includes('--diffoscope') && has('diffoscope')
    const runs = Math.max(1, Number(option('--runs') ?? 3))
    const unmeasured: string[] = []
    for (const row of rows) {
      if (!archivable(row.repo, row.release.tag)) {
        unmeasured.push(label(row.release))
        continue
      }
      log(`• speed ${label(row.release)}`)
      row.verify = await medianOf(runs, async () => (await runVerify(row.tarball, row.repo, row.release)).seconds, [row.outcome.seconds])
      row.floor = await medianOf(runs, () => floorSeconds(row.tarball, row.repo, row.release.tag))
      if (withPeer) {
        const d = await diffoscopeSeconds(row.tarball, row.repo, row.release.tag)
        if (d) row.diffoscope = d
      }
    }
    const timed = rows.filter((r): r is Row & { verify: number; floor: number } => r.verify !== undefined && r.floor !== undefined)
    const ratios = timed.map((r) => r.verify / r.floor)
    const worst = timed[ratios.indexOf(Math.max(...ratios))]
    say(`${timed.length} releases, verify and floor each the median of ${runs} run(s)${unmeasured.length ? `; not measured (the mirror cannot write the tag's tree): ${unmeasured.join(', ')}` : ''}`)
    say(`median verify ${median(timed.map((r) => r.verify)).toFixed(2)} s; median raw floor (tar -x + git archive | tar -x) ${median(timed.map((r) => r.floor)).toFixed(2)} s`)
    say(`verify / floor: median ${median(ratios).toFixed(2)}×, ${ratios.filter((x) => x <= 5).length} of ${timed.length} at or below 5×, max ${Math.max(...ratios).toFixed(2)}×${worst ? ` (${label(worst.release)})` : ''}`)
    if (withPeer) {
      const peer = timed.filter((r) => r.diffoscope)
      const slower = peer.filter((r) => (r.diffoscope?.seconds ?? 0) > r.verify)
      say(`diffoscope (timeout ${diffoscopeTimeout} s, one run): median ${median(peer.map((r) => r.diffoscope?.seconds ?? 0)).toFixed(2)} s; slower than verify on ${slower.length} of ${peer.length}; timed out on ${peer.filter((r) => r.diffoscope?.timedOut).length}`)
      say(`diffoscope / verify: median ${median(peer.map((r) => (r.diffoscope?.seconds ?? 0) / r.verify)).toFixed(2)}×, min ${Math.min(...peer.map((r) => (r.diffoscope?.seconds ?? 0) / r.verify)).toFixed(2)}×`)
    } else say('diffoscope: not measured (pass --diffoscope; needs `apt-get install diffoscope`)')
    say()
    say('| release | verify s | floor s | ratio | diffoscope s |')
    say('|---|---|---|---|---|')
    for (const r of timed) say(`| ${label(r.release)} | ${r.verify.toFixed(2)} | ${r.floor.toFixed(2)} | ${(r.verify / r.floor).toFixed(2)} | ${r.diffoscope ? `${r.diffoscope.timedOut ? '>' : ''}${r.diffoscope.seconds.toFixed(2)}` : '—'} |`)
  }
  const write = option('--write')
  if (write) writeFileSync(write, `${out.join('\n')}\n`)
}
