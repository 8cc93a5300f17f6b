/** `stagelight canary run`: the same workload against a baseline and a candidate, measured and compared. */
import { assembleReport } from '../policy/report.js'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { StagelightError } from '../errors.js'
import type { Fact, Report } from '../model/report.js'
import type { Finding } from '../model/finding.js'
import { bySeverityDesc } from '../model/finding.js'
import { assertStarted, countInstructions, hasGnuTime, hasProgram, instructionSource, sideEnv, timedRun, type RunSample, type Side } from './exec.js'
import { behaviourFindings, comparisonFindings, describeMetric, memcheckFindings } from './findings.js'
import { memcheck, type MemcheckResult } from './memcheck.js'
import { canaryRule } from './rules.js'
import { compare, median, type Comparison } from './stats.js'
import { newBehaviour, traceRun, type TraceSummary } from './trace.js'

export const EXECUTES_NOTICE = 'canary executes both commands on this machine, on purpose: only compare code you would run anyway, or run it in a sandbox'

export interface Workload {
  readonly name: string
  readonly baseline: Side
  readonly candidate: Side
}

export interface CanaryRunOptions {
  readonly workloads: readonly Workload[]
  readonly runs: number
  readonly warmup: number
  /** tolerance as a fraction: 0.05 for 5% */
  readonly threshold: number
  readonly trace: boolean
  readonly valgrind: boolean
  readonly instructions: boolean
  readonly env: NodeJS.ProcessEnv
  readonly onProgress?: (message: string) => void
}

export interface WorkloadResult {
  readonly name: string
  readonly baseline: { readonly command: string; readonly env: Readonly<Record<string, string>>; readonly runs: RunSample[] }
  readonly candidate: { readonly command: string; readonly env: Readonly<Record<string, string>>; readonly runs: RunSample[] }
  readonly comparisons: Comparison[]
  readonly instructions?: { readonly source: string; readonly baseline: number; readonly candidate: number; readonly ratio: number }
  readonly trace?: { readonly baseline: TraceSummary; readonly candidate: TraceSummary }
  readonly memcheck?: { readonly baseline: MemcheckResult; readonly candidate: MemcheckResult }
  readonly findings: Finding[]
  readonly facts: Fact[]
}

const strip = (s: RunSample & { stderr?: string }): RunSample => {
  const { stderr: _stderr, ...rest } = s as RunSample & { stderr?: string }
  return rest
}

const series = (runs: readonly RunSample[], key: 'wall' | 'cpu' | 'peakRssKiB'): number[] | undefined => {
  const values = runs.map((r) => r[key])
  return values.every((v): v is number => typeof v === 'number') ? values : undefined
}

/**
 * Below these absolute differences no verdict is possible or useful: CPU time comes in 10 ms
 * steps from getrusage via GNU time, and peak RSS of a small process moves by pages with ASLR.
 */
export const ABSOLUTE_FLOOR = { wall: 0, cpu: 0.01, peakRssKiB: 1024 } as const

export function compareRuns(baseline: readonly RunSample[], candidate: readonly RunSample[], threshold: number): { c: Comparison; baseline: number[]; candidate: number[] }[] {
  const out: { c: Comparison; baseline: number[]; candidate: number[] }[] = []
  for (const key of ['wall', 'cpu', 'peakRssKiB'] as const) {
    const a = series(baseline, key)
    const b = series(candidate, key)
    if (!a || !b) continue
    const m = median(a)
    const tolerance = m > 0 ? Math.max(threshold, ABSOLUTE_FLOOR[key] / m) : threshold
    out.push({ c: compare(key, a, b, tolerance, { paired: true }), baseline: a, candidate: b })
  }
  return out
}

async function runWorkload(w: Workload, options: CanaryRunOptions, scratch: string): Promise<WorkloadResult> {
  const progress = options.onProgress ?? (() => undefined)
  const samples = { baseline: [] as RunSample[], candidate: [] as RunSample[] }
  const once = async (side: Side, first: boolean): Promise<RunSample> => {
    const s = await timedRun(side, options.env, scratch)
    if (first) assertStarted(side, s)
    return strip(s)
  }
  // warm-up (at least the start check), alternating which side goes first
  for (let i = 0; i < Math.max(1, options.warmup); i++) {
    progress(`${w.name}: warm-up ${i + 1}`)
    const pair = i % 2 === 0 ? [w.baseline, w.candidate] : [w.candidate, w.baseline]
    for (const side of pair) {
      const s = await once(side, i === 0)
      if (options.warmup === 0) samples[side.label].push(s)
    }
  }
  for (let i = samples.baseline.length; i < options.runs; i++) {
    progress(`${w.name}: run ${i + 1}/${options.runs}`)
    const pair = i % 2 === 0 ? [w.baseline, w.candidate] : [w.candidate, w.baseline]
    for (const side of pair) samples[side.label].push(await once(side, false))
  }
  const comparisons = compareRuns(samples.baseline, samples.candidate, options.threshold)
  const findings = comparisonFindings(w.name, comparisons)
  const facts: Fact[] = comparisons.map(({ c }) => ({ label: `${w.name}`, value: describeMetric(c) }))

  const codes = (runs: readonly RunSample[]) => [...new Set(runs.map((r) => r.exitCode))].sort().join(', ')
  if (codes(samples.baseline) !== codes(samples.candidate)) {
    const rule = canaryRule('canary/exit-status')
    findings.push({ ruleId: rule.id, severity: rule.defaultSeverity, confidence: rule.defaultConfidence, path: w.name, message: `${w.name}: exit status differs: baseline ${codes(samples.baseline)}, candidate ${codes(samples.candidate)}`, evidence: `baseline: ${w.baseline.command}\ncandidate: ${w.candidate.command}` })
  }

  let instructions: WorkloadResult['instructions']
  if (options.instructions) {
    const source = instructionSource()
    if (!source) throw new StagelightError('E_TOOL_MISSING', '--instructions needs perf (with hardware counters) or valgrind')
    progress(`${w.name}: counting instructions with ${source}`)
    const a = await countInstructions(w.baseline, options.env, source)
    const b = await countInstructions(w.candidate, options.env, source)
    if (a !== undefined && b !== undefined && a > 0) {
      instructions = { source, baseline: a, candidate: b, ratio: b / a }
      const pct = Math.round((b / a - 1) * 100)
      facts.push({ label: `${w.name}`, value: `instructions (${source}): ${b >= a ? 'more' : 'fewer'} by ${Math.abs(pct)}% (${b} vs ${a})` })
      if (b / a > 1 + options.threshold) {
        const rule = canaryRule('canary/slower')
        findings.push({ ruleId: rule.id, severity: rule.defaultSeverity, confidence: source === 'callgrind' ? 'high' : 'medium', path: w.name, message: `${w.name}: candidate executes ${pct}% more instructions (${source})`, evidence: `baseline ${a} instructions, candidate ${b} instructions, ratio ${(b / a).toFixed(3)} (${source}${source === 'callgrind' ? ', deterministic' : ''})`, data: { metric: 'instructions', source, baseline: a, candidate: b } })
      }
    } else facts.push({ label: `${w.name}`, value: `instructions: ${source} could not count them` })
  }

  let trace: WorkloadResult['trace']
  if (options.trace) {
    if (!hasProgram('strace')) throw new StagelightError('E_TOOL_MISSING', '--trace needs strace')
    const traced = async (side: Side): Promise<TraceSummary> => {
      const home = sideEnv(side, options.env).HOME
      progress(`${w.name}: tracing the ${side.label}`)
      const r = await traceRun(['sh', '-c', side.command], sideEnv(side, options.env), { cwd: side.cwd, insideDirs: [], placeholders: home ? [[home, '<home>']] : [], skipRootExec: true })
      return r.summary
    }
    trace = { baseline: await traced(w.baseline), candidate: await traced(w.candidate) }
    const news = newBehaviour(trace.baseline, trace.candidate)
    findings.push(...behaviourFindings(w.name, '', news))
    const count = (t: TraceSummary) => Object.entries(t.behaviours).map(([k, v]) => `${v.length} ${k}`).join(', ')
    facts.push({ label: `${w.name} trace`, value: `baseline: ${count(trace.baseline)}; candidate: ${count(trace.candidate)}; new in candidate: ${news.length}` })
  }

  let mem: WorkloadResult['memcheck']
  if (options.valgrind) {
    if (!hasProgram('valgrind')) throw new StagelightError('E_TOOL_MISSING', '--valgrind needs valgrind')
    progress(`${w.name}: memcheck`)
    mem = { baseline: await memcheck(w.baseline, options.env), candidate: await memcheck(w.candidate, options.env) }
    findings.push(...memcheckFindings(w.name, mem.baseline.errors, mem.candidate.errors))
    facts.push({ label: `${w.name} memcheck`, value: `baseline ${mem.baseline.errors.length} error(s), candidate ${mem.candidate.errors.length} error(s)` })
  }

  return {
    name: w.name,
    baseline: { command: w.baseline.command, env: w.baseline.env, runs: samples.baseline },
    candidate: { command: w.candidate.command, env: w.candidate.env, runs: samples.candidate },
    comparisons: comparisons.map(({ c }) => c),
    ...(instructions ? { instructions } : {}),
    ...(trace ? { trace } : {}),
    ...(mem ? { memcheck: mem } : {}),
    findings,
    facts,
  }
}

/** The worst comparison, as one line: "wall time: slower by 31% [24%, 38%], p<0.001". */
function headline(results: readonly WorkloadResult[]): string {
  const all = results.flatMap((r) => r.comparisons.map((c) => ({ r, c })))
  const rank = { regressed: 3, inconclusive: 2, improved: 1, within: 0 } as const
  const worst = all.sort((x, y) => rank[y.c.outcome] - rank[x.c.outcome] || y.c.ratio - x.c.ratio)[0]
  if (!worst) return 'no measurements'
  const prefix = results.length > 1 ? `${worst.r.name}: ` : ''
  return `${prefix}${describeMetric(worst.c)}`
}

export async function canaryRun(options: CanaryRunOptions): Promise<Report> {
  if (options.workloads.length === 0) throw new StagelightError('E_USAGE', 'no workloads to compare')
  const started = Date.now()
  const scratch = await mkdtemp(join(tmpdir(), 'stagelight-canary-'))
  const results: WorkloadResult[] = []
  try {
    for (const w of options.workloads) results.push(await runWorkload(w, options, scratch))
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
  const findings = results.flatMap((r) => r.findings).sort(bySeverityDesc)
  const gnuTime = hasGnuTime()
  const facts: Fact[] = [
    { label: 'verdict', value: headline(results) },
    { label: 'executes code', value: EXECUTES_NOTICE },
    { label: 'runs', value: `${options.runs} per side, interleaved (alternating which side goes first) after ${options.warmup} warm-up pair(s); tolerance ±${(options.threshold * 100).toFixed(1).replace(/\.0$/, '')}%; 95% bootstrap intervals of the ratio of medians, Mann-Whitney U test` },
    { label: 'measured with', value: gnuTime ? 'wall clock (monotonic), user/system CPU and peak RSS of the whole process tree from getrusage via /usr/bin/time' : 'wall clock only (/usr/bin/time is not installed: no CPU or memory figures)' },
    ...results.flatMap((r) => r.facts),
  ]
  const subject: Record<string, string> = options.workloads.length === 1 && options.workloads[0]
    ? { baseline: options.workloads[0].baseline.command, candidate: options.workloads[0].candidate.command }
    : { workloads: options.workloads.map((w) => w.name).join(', ') }
  return assembleReport({
    command: 'canary',
    subject,
    facts,
    findings,
    summary: {
      mode: 'run',
      runs: options.runs,
      warmup: options.warmup,
      threshold: options.threshold,
      workloads: results.map(({ findings: _f, facts: _x, ...rest }) => rest),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    },
  })
}

/** Parses `K=V` assignments from --env-baseline / --env-candidate. */
export function parseAssignments(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const v of values) {
    const i = v.indexOf('=')
    if (i <= 0) throw new StagelightError('E_USAGE', `expected K=V, not ${JSON.stringify(v)}`)
    out[v.slice(0, i)] = v.slice(i + 1)
  }
  return out
}

export interface SuiteConfig {
  readonly runs?: number
  readonly warmup?: number
  readonly threshold?: string | number
  readonly workloads: readonly { name?: string; baseline: string; candidate: string; cwd?: string; env?: Record<string, string>; envBaseline?: Record<string, string>; envCandidate?: Record<string, string> }[]
}

/** Reads a suite: `{ "runs": 20, "threshold": "5%", "workloads": [ { "name", "baseline", "candidate", "cwd"?, "env"?, "envBaseline"?, "envCandidate"? } ] }`. */
export async function loadSuite(path: string, cwd: string): Promise<{ config: SuiteConfig; workloads: Workload[] }> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new StagelightError('E_INPUT_NOT_FOUND', `${path}: cannot read the suite file`)
  }
  let config: SuiteConfig
  try {
    config = JSON.parse(text) as SuiteConfig
  } catch (err) {
    throw new StagelightError('E_INPUT_INVALID', `${path}: not JSON: ${(err as Error).message}`)
  }
  if (!config || !Array.isArray(config.workloads) || config.workloads.length === 0) throw new StagelightError('E_INPUT_INVALID', `${path}: expected a "workloads" array with at least one entry`)
  const base = dirname(resolve(cwd, path))
  const workloads = config.workloads.map((w, i): Workload => {
    if (typeof w?.baseline !== 'string' || typeof w?.candidate !== 'string') throw new StagelightError('E_INPUT_INVALID', `${path}: workload ${i + 1} needs "baseline" and "candidate" commands`)
    const dir = w.cwd ? resolve(base, w.cwd) : cwd
    const name = w.name ?? `workload-${i + 1}`
    return {
      name,
      baseline: { label: 'baseline', command: w.baseline, env: { ...w.env, ...w.envBaseline }, cwd: dir },
      candidate: { label: 'candidate', command: w.candidate, env: { ...w.env, ...w.envCandidate }, cwd: dir },
    }
  })
  return { config, workloads }
}

/** "5%", "0.05" or 5 → 0.05 */
export function parseThreshold(value: string | number): number {
  const text = String(value).trim()
  const m = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(text)
  if (!m) throw new StagelightError('E_USAGE', `expected a tolerance such as 5% or 0.05, not ${JSON.stringify(text)}`)
  const n = Number(m[1])
  const fraction = m[2] === '%' || n >= 1 ? n / 100 : n
  if (!(fraction >= 0 && fraction < 10)) throw new StagelightError('E_USAGE', `tolerance out of range: ${text}`)
  return fraction
}
