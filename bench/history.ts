/*
 * Benchmark of `stagelight history`: wall time, CPU time and peak memory on a generated
 * repository of 200,000 commits and on a real history of 50,000+ commits (git's own, fetched into
 * STAGELIGHT_BIG_REPO), each against the floor measured side by side in the same run:
 * `git log --numstat --all` and `git log --numstat HEAD` (the range history reads) to /dev/null.
 * CPU time (user + system of the whole process tree) is printed too: on a shared, loaded
 * machine it is the steadier measure. `--no-big` / `--no-generated` skip a part.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { argv, flag, fmt, log, mib, mirrorsDir, option, quick, root } from './common.js'
import { measure, median } from './measure.js'

const COMMITS = flag('--history-commits', 200_000)
/** a ≥ 50,000-commit history: STAGELIGHT_BIG_REPO, else a clone of git/git among the mirrors */
const BIG_REPO = process.env.STAGELIGHT_BIG_REPO ?? join(mirrorsDir, 'git+git', 'repo')
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
  const started = Date.now()
  const r = spawnSync('git', ['-C', dir, 'fast-import', '--quiet'], { input: fastImportStream(commits), maxBuffer: 64 * 1024 * 1024 })
  log(`  generated in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  if (r.status !== 0) throw new Error(`git fast-import failed: ${r.stderr.toString()}`)
  execFileSync('git', ['-C', dir, 'symbolic-ref', 'HEAD', 'refs/heads/main'])
  execFileSync('touch', [join(dir, '.complete')])
  return dir
}

/** The history command run through commander on its own (the same code path as `stagelight history`). */
function cliPrefix(): string[] {
  const command = new URL('../src/cli/commands/history.js', import.meta.url).href
  const program = `import { Command } from 'commander'; import { historyCommand } from ${JSON.stringify(command)};
let code = 0; const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
await new Command('stagelight').addCommand(historyCommand(io, (c) => (code = c))).parseAsync(['history', ...process.argv.slice(1)], { from: 'user' });
process.exitCode = code`
  return ['--input-type=module', '-e', program]
}

interface Timed {
  readonly wall: number
  readonly cpu: number
  readonly peakMiB: number
  readonly stdout: string
  readonly code: number | null
}

/** One run under GNU time: wall clock, CPU of the whole tree (user + system) and peak memory. */
async function timed(program: string, args: readonly string[]): Promise<Timed> {
  const file = join(root, `time-${process.pid}.txt`)
  const s = await measure('/usr/bin/time', ['-o', file, '-f', '%e %U %S %M', program, ...args])
  const [wall = '0', user = '0', sys = '0', kib = '0'] = readFileSync(file, 'utf8').trim().split('\n').pop()?.split(' ') ?? []
  return { wall: Number(wall), cpu: Number(user) + Number(sys), peakMiB: Number(kib) / 1024, stdout: s.stdout, code: s.code }
}

/**
 * The big history as the baseline can read it: a `--shared` bare clone of the mirror (objects
 * borrowed, nothing copied) holding its branches and tags. A forge mirror also carries
 * refs/pull/* and notes, some pointing at objects its snapshot lacks, on which
 * `git log --all` stops early: the time of a failed run is no baseline.
 */
function branchesAndTags(mirror: string): string {
  const dir = join(root, 'big-history')
  if (existsSync(join(dir, '.complete'))) return dir
  rmSync(dir, { recursive: true, force: true })
  execFileSync('git', ['clone', '--quiet', '--bare', '--shared', mirror, dir])
  execFileSync('touch', [join(dir, '.complete')])
  return dir
}

/** A baseline run that failed says so instead of giving its (short) time. */
function succeeded(t: Timed, what: string): Timed {
  if (t.code !== 0) throw new Error(`${what} failed (exit ${String(t.code)}): not a baseline`)
  return t
}

async function compare(title: string, dir: string): Promise<string[]> {
  const args = [dir, '--format', 'json', '--quiet', '--fail-on', 'none', '--cache-dir', join(root, 'cache')]
  const ours: Timed[] = []
  const all: Timed[] = []
  const head: Timed[] = []
  // side by side: each round runs the three one after the other
  for (let i = 0; i < runs; i++) {
    all.push(succeeded(await timed('sh', ['-c', 'git -C "$1" log --numstat --all > /dev/null', 'sh', dir]), 'git log --numstat --all'))
    head.push(succeeded(await timed('sh', ['-c', 'git -C "$1" log --numstat HEAD > /dev/null', 'sh', dir]), 'git log --numstat HEAD'))
    ours.push(await timed(process.execPath, [...cliPrefix(), ...args]))
  }
  let summary = 'no report'
  const last = ours[ours.length - 1]
  try {
    const report = JSON.parse(last?.stdout ?? '') as { verdict: string; summary: { overall: { commits: number; merges: number } } }
    summary = `verdict ${report.verdict}, ${report.summary.overall.commits} commits + ${report.summary.overall.merges} merges`
  } catch {
    summary = `no report (exit ${String(last?.code)})`
  }
  const med = (xs: Timed[], k: 'wall' | 'cpu' | 'peakMiB'): number => median(xs.map((x) => x[k]))
  const row = (name: string, xs: Timed[]): string => `| ${name} | ${fmt(med(xs, 'wall'))} | ${fmt(med(xs, 'cpu'))} | ${mib(med(xs, 'peakMiB'))} |`
  return [
    `### ${title}`,
    '',
    `${summary}; medians of ${runs} run(s)`,
    '',
    '| command | wall | CPU (user+sys) | peak RSS |',
    '| --- | ---: | ---: | ---: |',
    row('stagelight history', ours),
    row('git log --numstat --all', all),
    row('git log --numstat HEAD', head),
    '',
    `ratio history / \`git log --numstat --all\`: wall ${(med(ours, 'wall') / med(all, 'wall')).toFixed(2)}×, CPU ${(med(ours, 'cpu') / med(all, 'cpu')).toFixed(2)}×; against the same range (HEAD): wall ${(med(ours, 'wall') / med(head, 'wall')).toFixed(2)}×, CPU ${(med(ours, 'cpu') / med(head, 'cpu')).toFixed(2)}×`,
    '',
  ]
}

/** The history benchmark: stagelight history against `git log --numstat` on the same repositories. */
export async function benchHistory(): Promise<void> {
  mkdirSync(root, { recursive: true })
  const lines = [`stagelight history benchmark — ${cpus().length} cores, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`, '']
  const out = option('--out')
  // each part is printed (and written) as soon as it is measured: a stopped run keeps what it has
  const add = (part: string[]): void => {
    lines.push(...part)
    log(part.join('\n'))
    if (out) writeFileSync(out, `${lines.join('\n')}\n`)
  }
  if (existsSync(BIG_REPO) && !argv.includes('--no-big')) add(await compare(`real history: ${basename(dirname(BIG_REPO)).replace('+', '/')} (branches and tags of the mirror)`, branchesAndTags(BIG_REPO)))
  else log(`• no real big history at ${BIG_REPO} (set STAGELIGHT_BIG_REPO to a bare clone of a 50,000+ commit repository)`)
  if (!argv.includes('--no-generated')) add(await compare(`generated history (${COMMITS} commits, git fast-import)`, generated(COMMITS)))
  console.log(lines.join('\n'))
}
