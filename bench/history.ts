/*
 * Benchmark of `stagelight history`: median wall time and peak memory on a generated repository
 * of 100,000+ commits, against the floor measured in the same run (`git log --numstat` of the
 * same range to /dev/null).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { bin, flag, fmt, log, mib, quick, repeat, root } from './common.js'
import { measure, median } from './measure.js'

const COMMITS = flag('--history-commits', 100_000)
const runs = flag('--runs', quick ? 1 : 3)

/** A deterministic fast-import stream: 60 authors with staggered tenures, 2,000 source files, some build/CI changes, tags. */
function fastImportStream(commits: number): Buffer {
  const chunks: string[] = []
  let seed = 42
  const rand = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32)
  const start = Date.UTC(2005, 0, 1) / 1000
  const step = Math.floor((19 * 365 * 86400) / commits)
  for (let i = 1; i <= commits; i++) {
    const time = start + i * step
    const active = Math.max(1, Math.floor(((i / commits) * 60) / 2) + 5)
    const a = Math.floor(rand() * active)
    const c = rand() < 0.1 ? Math.floor(rand() * active) : a
    const files: string[] = []
    const n = 1 + Math.floor(rand() * 3)
    for (let k = 0; k < n; k++) {
      const r = rand()
      const path = r < 0.01 ? 'configure.ac' : r < 0.015 ? '.github/workflows/ci.yml' : `src/dir${Math.floor(rand() * 40)}/file${Math.floor(rand() * 50)}.c`
      const body = `/* ${i}.${k} */\nint f${i}_${k}(void) { return ${i}; }\n`
      files.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(body)}\n${body}\n`)
    }
    const msg = `change ${i}\n`
    chunks.push(`commit refs/heads/main\nmark :${i}\nauthor Dev ${a} <dev${a}@example.org> ${time} +0000\ncommitter Dev ${c} <dev${c}@example.org> ${time} +0000\ndata ${msg.length}\n${msg}${i > 1 ? `from :${i - 1}\n` : ''}${files.join('')}\n`)
    if (i % 1000 === 0) chunks.push(`tag v1.${i / 1000}.0\nfrom :${i}\ntagger Dev ${a} <dev${a}@example.org> ${time + 60} +0000\ndata 8\nrelease\n\n`)
  }
  return Buffer.from(chunks.join(''))
}

function generated(commits: number): string {
  const dir = join(root, `history-${commits}`)
  if (existsSync(join(dir, '.complete'))) return dir
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  log(`• generating a ${commits}-commit repository with git fast-import in ${dir}`)
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', dir])
  const r = spawnSync('git', ['-C', dir, 'fast-import', '--quiet'], { input: fastImportStream(commits), maxBuffer: 64 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`git fast-import failed: ${r.stderr.toString()}`)
  execFileSync('git', ['-C', dir, 'symbolic-ref', 'HEAD', 'refs/heads/main'])
  execFileSync('git', ['-C', dir, 'gc', '--quiet', '--aggressive'], { stdio: 'ignore' })
  execFileSync('touch', [join(dir, '.complete')])
  return dir
}

/**
 * The CLI, as users run it; until `history` is registered in main.ts, the same command object
 * run through commander directly (same code path, same process shape).
 */
function cliPrefix(): string[] {
  const help = spawnSync(process.execPath, [bin, 'history', '--help'], { encoding: 'utf8' })
  if (help.status === 0 && /Usage: stagelight history/.test(help.stdout)) return [bin, 'history']
  const command = new URL('../src/cli/commands/history.js', import.meta.url).href
  const program = `import { Command } from 'commander'; import { historyCommand } from ${JSON.stringify(command)};
let code = 0; const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
await new Command('stagelight').addCommand(historyCommand(io, (c) => (code = c))).parseAsync(['history', ...process.argv.slice(1)], { from: 'user' });
process.exitCode = code`
  return ['--input-type=module', '-e', program]
}

/** The history benchmark: stagelight history against `git log --numstat` on the same repository. */
export async function benchHistory(): Promise<void> {
  mkdirSync(root, { recursive: true })
  console.log(`stagelight history benchmark — ${cpus().length} cores, node ${process.version}, medians of ${runs} run(s)`)
  const dir = generated(COMMITS)
  const args = [dir, '--format', 'json', '--quiet', '--fail-on', 'none', '--cache-dir', join(root, 'cache')]
  const ours = await repeat(runs, () => measure(process.execPath, [...cliPrefix(), ...args]))
  const floor = await repeat(runs, () => measure('sh', ['-c', 'git -C "$1" log --numstat -M HEAD > /dev/null', 'sh', dir]))
  const last = ours[ours.length - 1]
  let summary = 'no report'
  try {
    const report = JSON.parse(last?.stdout ?? '') as { verdict: string; summary: { overall: { commits: number; busFactor: number; truckFactor: number } } }
    summary = `verdict ${report.verdict}, ${report.summary.overall.commits} commits, bus factor ${report.summary.overall.busFactor}, truck factor ${report.summary.overall.truckFactor}`
  } catch {
    summary = `no report (exit ${last?.code})`
  }
  const t = median(ours.map((s) => s.seconds))
  const f = median(floor.map((s) => s.seconds))
  const m = median(ours.map((s) => s.peakMiB))
  const fm = median(floor.map((s) => s.peakMiB))
  console.log(`\ngenerated repository (${COMMITS} commits, fast-import)`)
  console.log(`  stagelight history  ${fmt(t).padStart(10)}  peak ${mib(m).padStart(8)}  ${summary}`)
  console.log(`  git log --numstat   ${fmt(f).padStart(10)}  peak ${mib(fm).padStart(8)}  (floor, to /dev/null)`)
  console.log(`  ratio history / floor: time ${(t / f).toFixed(2)}×, memory ${(m / Math.max(fm, 1)).toFixed(2)}×`)
}
