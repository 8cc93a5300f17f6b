/*
 * npm package benchmark of `stagelight scan`:
 *  1. recall on reconstructed npm attacks (bench/npm-corpus.ts: install-time and load-time) and
 *     silence on hard-benign look-alikes, one row per sample;
 *  2. false positives on popular real packages (bench/corpus/npm-popular.json), each flagged
 *     package listed; tarballs are fetched with `npm pack` into a cache outside the repository;
 *  3. median scan time per package, and its ratio to a previous build's time on the same packages
 *     (`--prev <dir>`: a checkout whose dist/ was built, e.g. a `git worktree` of an older commit).
 * Options: --quick (first 60 popular packages), --out <file> (write the tables as Markdown).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { log, option, quick, root } from './common.js'
import { median } from './measure.js'
import { SAMPLES, type CorpusSample, type Expect } from './npm-corpus.js'

interface FindingShape {
  readonly ruleId: string
  readonly severity: string
  readonly path?: string
  readonly line?: number
  readonly message: string
}
interface ReportShape {
  readonly findings: readonly FindingShape[]
}
type ScanFn = (options: { target: string; cwd: string; env: NodeJS.ProcessEnv; cacheDir: string; offline?: boolean }) => Promise<ReportShape>

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const cacheRoot = process.env.STAGELIGHT_CORPUS_CACHE ?? join(homedir(), '.cache', 'stagelight-corpus')
const SERIOUS = new Set(['high', 'critical'])
const RANK: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 }

async function loadScan(distRoot: string): Promise<ScanFn> {
  const mod = (await import(pathToFileURL(join(distRoot, 'src', 'scan', 'scan.js')).href)) as { scan: ScanFn }
  return mod.scan
}

const worst = (findings: readonly FindingShape[]): FindingShape | undefined => [...findings].sort((a, b) => (RANK[b.severity] ?? 0) - (RANK[a.severity] ?? 0))[0]

function writeSample(dir: string, sample: CorpusSample): void {
  rmSync(dir, { recursive: true, force: true })
  for (const [rel, content] of Object.entries(sample.files)) {
    const file = join(dir, rel)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, content.startsWith('base64:') ? Buffer.from(content.slice(7), 'base64') : content)
  }
}

interface Row {
  readonly id: string
  readonly expect: Expect
  readonly flagged: boolean
  readonly ok: boolean
  readonly top: string
}

async function corpusRecall(scan: ScanFn, lines: string[]): Promise<void> {
  const dir = join(root, 'npm-corpus')
  const rows: Row[] = []
  for (const sample of SAMPLES) {
    const at = join(dir, sample.id)
    writeSample(at, sample)
    let report: ReportShape
    try {
      report = await scan({ target: at, cwd: at, env: {}, cacheDir: join(root, 'cache'), offline: true })
    } catch (err) {
      rows.push({ id: sample.id, expect: sample.expect, flagged: false, ok: sample.expect === 'none', top: `error: ${err instanceof Error ? err.message : String(err)}` })
      continue
    }
    const top = worst(report.findings)
    const flagged = report.findings.some((f) => SERIOUS.has(f.severity))
    rows.push({ id: sample.id, expect: sample.expect, flagged, ok: flagged === (sample.expect !== 'none'), top: top ? `${top.severity} ${top.ruleId}: ${top.message.slice(0, 110)}` : '—' })
  }
  const rate = (e: Expect): string => {
    const of = rows.filter((r) => r.expect === e)
    const hit = of.filter((r) => r.flagged).length
    return `${hit}/${of.length} (${((100 * hit) / Math.max(1, of.length)).toFixed(0)} %)`
  }
  lines.push('## Reconstructed attacks and hard-benign look-alikes', '')
  lines.push(`- install-time attacks flagged high or critical: ${rate('install')}`)
  lines.push(`- load-time attacks flagged high or critical: ${rate('load')}`)
  lines.push(`- hard-benign look-alikes flagged high or critical: ${rate('none')}`, '')
  lines.push('| sample | expected | flagged | as expected | worst finding |', '|---|---|---|---|---|')
  for (const r of rows) lines.push(`| ${r.id} | ${r.expect} | ${r.flagged ? 'yes' : 'no'} | ${r.ok ? 'yes' : '**no**'} | ${r.top.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`)
  lines.push('')
}

interface Popular {
  readonly name: string
  readonly version: string
}

/** `npm pack` into the cache the tarballs not there yet, in batches; returns name@version → tarball. */
function fetchPopular(list: readonly Popular[]): Map<string, string> {
  const dir = join(cacheRoot, 'npm-popular')
  mkdirSync(dir, { recursive: true })
  const file = (p: Popular): string => join(dir, `${p.name.replace(/^@/, '').replace(/\//g, '-')}-${p.version}.tgz`)
  const missing = list.filter((p) => !existsSync(file(p)))
  for (let i = 0; i < missing.length; i += 25) {
    const batch = missing.slice(i, i + 25).map((p) => `${p.name}@${p.version}`)
    log(`• npm pack ${batch.length} packages into ${dir}`)
    try {
      execFileSync('npm', ['pack', '--silent', ...batch], { cwd: dir, stdio: 'ignore', timeout: 600_000 })
    } catch {
      for (const spec of batch) {
        try {
          execFileSync('npm', ['pack', '--silent', spec], { cwd: dir, stdio: 'ignore', timeout: 120_000 })
        } catch {
          log(`  npm pack ${spec} failed; skipped`)
        }
      }
    }
  }
  return new Map(list.filter((p) => existsSync(file(p))).map((p) => [`${p.name}@${p.version}`, file(p)]))
}

interface Timed {
  /** wall-clock seconds */
  readonly seconds: number
  /** CPU seconds of this process (user + system): steadier than wall time on a shared machine */
  readonly cpu: number
  readonly report?: ReportShape
  readonly error?: string
}

async function timeEach(label: string, scan: ScanFn, tarballs: Map<string, string>): Promise<Map<string, Timed>> {
  const out = new Map<string, Timed>()
  let n = 0
  for (const [spec, tgz] of tarballs) {
    if (++n % 50 === 0) log(`  ${label}: ${n}/${tarballs.size}`)
    const started = process.hrtime.bigint()
    const cpu = process.cpuUsage()
    const time = (): { seconds: number; cpu: number } => {
      const used = process.cpuUsage(cpu)
      return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpu: (used.user + used.system) / 1e6 }
    }
    try {
      const report = await scan({ target: tgz, cwd: dirname(tgz), env: {}, cacheDir: join(root, 'cache'), offline: true })
      out.set(spec, { ...time(), report })
    } catch (err) {
      out.set(spec, { ...time(), error: err instanceof Error ? err.message : String(err) })
    }
  }
  return out
}

async function popularFalsePositives(scan: ScanFn, lines: string[]): Promise<void> {
  const all = (JSON.parse(readFileSync(join(repoRoot, 'bench', 'corpus', 'npm-popular.json'), 'utf8')) as { packages: Popular[] }).packages
  const list = quick ? all.slice(0, 60) : all
  const tarballs = fetchPopular(list)
  log(`• scanning ${tarballs.size} popular packages`)
  const ours = await timeEach('this build', scan, tarballs)
  const flagged = [...ours].filter(([, r]) => r.report?.findings.some((f) => SERIOUS.has(f.severity)))
  const errors = [...ours].filter(([, r]) => r.error !== undefined)
  const t = median([...ours.values()].map((r) => r.seconds))
  const c = median([...ours.values()].map((r) => r.cpu))
  lines.push('## Popular packages (false positives)', '')
  lines.push(`- ${ours.size} packages scanned (of ${list.length} listed): ${flagged.length} flagged high or critical (${((100 * flagged.length) / Math.max(1, ours.size)).toFixed(1)} %)${errors.length ? `, ${errors.length} errors` : ''}`)
  lines.push(`- median scan time per package: ${(t * 1000).toFixed(0)} ms wall, ${(c * 1000).toFixed(0)} ms CPU (in-process, tarball read included); slowest (CPU): ${[...ours].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, 3).map(([s, r]) => `${s} ${r.cpu.toFixed(2)} s`).join(', ')}`)
  const prevDir = option('--prev')
  if (prevDir) {
    const prevScan = await loadScan(join(prevDir, 'dist'))
    const prev = await timeEach('previous build', prevScan, tarballs)
    const p = median([...prev.values()].map((r) => r.seconds))
    const pc = median([...prev.values()].map((r) => r.cpu))
    const prevFlagged = [...prev].filter(([, r]) => r.report?.findings.some((f) => SERIOUS.has(f.severity))).length
    // per package, then the median of the ratios: the same package under both builds
    const ratios = [...ours].map(([spec, r]) => r.cpu / Math.max(1e-3, prev.get(spec)?.cpu ?? r.cpu))
    lines.push(`- previous build (${option('--prev-label') ?? prevDir}): median ${(p * 1000).toFixed(0)} ms wall, ${(pc * 1000).toFixed(0)} ms CPU per package, ${prevFlagged} flagged; ratio this / previous: ${(c / pc).toFixed(2)}× (median CPU), median per-package ratio ${median(ratios).toFixed(2)}×, total CPU ${([...ours.values()].reduce((a, r) => a + r.cpu, 0) / Math.max(1e-3, [...prev.values()].reduce((a, r) => a + r.cpu, 0))).toFixed(2)}×`)
  }
  lines.push('')
  if (flagged.length > 0) {
    lines.push('| package | worst finding |', '|---|---|')
    for (const [spec, r] of flagged) {
      const top = worst(r.report?.findings ?? [])
      lines.push(`| ${spec} | ${top ? `${top.severity} ${top.ruleId} ${top.path ?? ''}${top.line ? `:${top.line}` : ''}: ${top.message.slice(0, 140).replace(/\|/g, '\\|')}` : ''} |`)
    }
    lines.push('')
  }
  for (const [spec, r] of errors) lines.push(`- error on ${spec}: ${r.error ?? ''}`)
}

/** The npm benchmark: corpus recall, then popular packages. */
export async function benchNpm(): Promise<void> {
  mkdirSync(root, { recursive: true })
  const scan = await loadScan(join(repoRoot, 'dist'))
  const lines: string[] = [`# stagelight scan on npm packages`, '', `node ${process.version}, ${new Date().toISOString().slice(0, 10)}`, '']
  await corpusRecall(scan, lines)
  if (!process.argv.includes('--corpus-only')) await popularFalsePositives(scan, lines)
  const text = lines.join('\n')
  console.log(text)
  const out = option('--out')
  if (out) writeFileSync(out, `${text}\n`)
  if (existsSync(join(root, 'npm-corpus'))) for (const d of readdirSync(join(root, 'npm-corpus'))) rmSync(join(root, 'npm-corpus', d), { recursive: true, force: true })
}
