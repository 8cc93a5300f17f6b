/**
 * canary: harness overhead against hyperfine timing the same pair in the same run; the smallest
 * synthetic slowdown detected reliably at 20 runs per side; the false-alarm rate of identical pairs.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { canaryRun, type Workload } from '../src/canary/run.js'
import { flag, has, log, quick } from './common.js'
import { median } from './measure.js'

const burn = (n: number): string => `i=0; while [ $i -lt ${n} ]; do i=$((i+1)); done`
const pair = (base: number, slowdown: number): Workload => ({
  name: `slowdown-${Math.round(slowdown * 100)}%`,
  baseline: { label: 'baseline', command: burn(base), env: {}, cwd: tmpdir() },
  candidate: { label: 'candidate', command: burn(Math.round(base * (1 + slowdown))), env: {}, cwd: tmpdir() },
})

const timeIt = async <T>(f: () => Promise<T>): Promise<{ seconds: number; value: T }> => {
  const t = process.hrtime.bigint()
  const value = await f()
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, value }
}

const run = (program: string, args: readonly string[]): Promise<number | null> =>
  new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', resolve)
  })

async function trial(base: number, slowdown: number, threshold: number, runs: number): Promise<{ slower: boolean; inconclusive: boolean }> {
  const report = await canaryRun({ workloads: [pair(base, slowdown)], runs, warmup: 1, threshold, trace: false, valgrind: false, instructions: false, env: process.env })
  return { slower: report.findings.some((f) => f.ruleId === 'canary/slower'), inconclusive: report.findings.some((f) => f.ruleId === 'canary/inconclusive') }
}

export async function benchCanary(): Promise<void> {
  const runs = 20
  const base = flag('--canary-iterations', 30_000)
  const trials = flag('--canary-trials', quick ? 3 : 5)
  const alarmTrials = flag('--canary-alarm-trials', quick ? 6 : 20)
  log(`canary: workload = a shell loop of ${base} iterations; ${runs} runs per side`)

  // 1. overhead against hyperfine on the same pair
  if (has('hyperfine')) {
    const dir = await mkdtemp(join(tmpdir(), 'stagelight-bench-canary-'))
    try {
      const w = pair(base, 0)
      const json = join(dir, 'hf.json')
      const hf = await timeIt(() => run('hyperfine', ['-N', '--warmup', '1', '--runs', String(runs), '--export-json', json, `sh -c '${w.baseline.command}'`, `sh -c '${w.candidate.command}'`]))
      const hfResults = (JSON.parse(await readFile(json, 'utf8')) as { results: { median: number }[] }).results
      const sl = await timeIt(() => canaryRun({ workloads: [w], runs, warmup: 1, threshold: 0.05, trace: false, valgrind: false, instructions: false, env: process.env }))
      const walls = (sl.value.summary.workloads as { baseline: { runs: { wall: number }[] } }[])[0]?.baseline.runs.map((r) => r.wall) ?? []
      const hfMedian = hfResults[0]?.median ?? Number.NaN
      log(`canary overhead: stagelight canary ${sl.seconds.toFixed(2)} s vs hyperfine ${hf.seconds.toFixed(2)} s for the same pair (${runs}+1 runs per side): ${((sl.seconds / hf.seconds - 1) * 100).toFixed(0)}% more wall time in total`)
      log(`canary per-run median: ${(median(walls) * 1000).toFixed(1)} ms (through /usr/bin/time) vs hyperfine ${(hfMedian * 1000).toFixed(1)} ms: ${(((median(walls) - hfMedian) * 1000)).toFixed(1)} ms added per run`)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  } else log('canary overhead: hyperfine is not installed, skipped')

  // 2. sensitivity sweep, at the default 5% tolerance and at 1%
  for (const threshold of [0.05, 0.01]) {
    let reliable: number | undefined
    for (const slowdown of [0.02, 0.05, 0.1, 0.3]) {
      let detected = 0
      let inconclusive = 0
      for (let i = 0; i < trials; i++) {
        const t = await trial(base, slowdown, threshold, runs)
        if (t.slower) detected++
        else if (t.inconclusive) inconclusive++
      }
      log(`canary sensitivity (tolerance ${threshold * 100}%): +${slowdown * 100}% slowdown detected in ${detected}/${trials} trials, inconclusive in ${inconclusive}/${trials}`)
      if (reliable === undefined && detected / trials >= 0.8) reliable = slowdown
    }
    log(`canary: smallest slowdown detected reliably (≥80% of trials) at ${runs} runs per side, tolerance ${threshold * 100}%: ${reliable === undefined ? 'none of the sweep' : `${reliable * 100}%`}`)
  }

  // 3. false alarms of identical pairs
  let alarms = 0
  let inconclusive = 0
  for (let i = 0; i < alarmTrials; i++) {
    const t = await trial(base, 0, 0.05, runs)
    if (t.slower) alarms++
    else if (t.inconclusive) inconclusive++
  }
  log(`canary false alarms: identical pair flagged slower in ${alarms}/${alarmTrials} trials (${((alarms / alarmTrials) * 100).toFixed(0)}%), inconclusive in ${inconclusive}/${alarmTrials}, tolerance 5%`)
}
