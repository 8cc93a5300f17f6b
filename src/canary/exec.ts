/** Running the workloads: one timed run, one traced run, instruction counts. canary executes what it measures, on purpose. */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StagelightError } from '../errors.js'

export interface Side {
  readonly label: 'baseline' | 'candidate'
  readonly command: string
  readonly env: Readonly<Record<string, string>>
  readonly cwd: string
}

export interface RunSample {
  /** wall clock, seconds */
  readonly wall: number
  /** user and system CPU of the whole process tree (getrusage of the children), seconds; undefined without GNU time */
  readonly user?: number
  readonly sys?: number
  readonly cpu?: number
  /** largest resident set of any process of the tree, KiB */
  readonly peakRssKiB?: number
  readonly exitCode: number | null
}

export interface RawResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly wall: number
}

const cap = (s: string, c: Buffer): string => (s.length < 1024 * 1024 ? s + c.toString('utf8') : s)

/** Spawns a program, collecting (bounded) output and the wall time. */
export function spawnCollect(program: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number }): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(program, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout = cap(stdout, c)))
    child.stderr.on('data', (c: Buffer) => (stderr = cap(stderr, c)))
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined
    child.on('error', (err) => {
      if (timer) clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, wall: Number(process.hrtime.bigint() - started) / 1e9 })
    })
  })
}

export const hasProgram = (name: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export const GNU_TIME = '/usr/bin/time'
export const hasGnuTime = (): boolean => existsSync(GNU_TIME)

export const sideEnv = (side: Side, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...base, ...side.env })

/**
 * One measured run: `/usr/bin/time -f` reports the children's getrusage (user, system, max RSS)
 * into a file of its own, so the workload's stderr stays untouched; the wall time is ours.
 */
export async function timedRun(side: Side, baseEnv: NodeJS.ProcessEnv, scratch: string, prefix: readonly string[] = []): Promise<RunSample & { stderr: string }> {
  const env = sideEnv(side, baseEnv)
  if (!hasGnuTime()) {
    const [program = 'sh', ...rest]: string[] = [...prefix, 'sh', '-c', side.command]
    const r = await spawnCollect(program, rest, { env, cwd: side.cwd })
    return { wall: r.wall, exitCode: r.code, stderr: r.stderr }
  }
  const out = join(scratch, `time-${side.label}.txt`)
  const [program = GNU_TIME, ...rest]: string[] = [...prefix, GNU_TIME, '-o', out, '-f', 'STAGELIGHT %U %S %M', 'sh', '-c', side.command]
  const r = await spawnCollect(program, rest, { env, cwd: side.cwd })
  const text = await readFile(out, 'utf8').catch(() => '')
  const m = /STAGELIGHT (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)/.exec(text)
  if (!m) return { wall: r.wall, exitCode: r.code, stderr: r.stderr }
  const user = Number(m[1])
  const sys = Number(m[2])
  return { wall: r.wall, user, sys, cpu: Math.round((user + sys) * 1000) / 1000, peakRssKiB: Number(m[3]), exitCode: r.code, stderr: r.stderr }
}

/** Fails with one line when a command cannot start at all (not found, not executable). */
export function assertStarted(side: Side, sample: { exitCode: number | null; stderr: string }): void {
  if (sample.exitCode === 127 || sample.exitCode === 126) {
    const why = sample.stderr.split('\n').find((l) => l.trim()) ?? `exit status ${sample.exitCode}`
    throw new StagelightError('E_INPUT_INVALID', `the ${side.label} command cannot start: ${why.trim()}`, { command: side.command })
  }
}

export type InstructionSource = 'perf' | 'callgrind'

let perfUsable: boolean | undefined
/** `perf stat` is often unusable in containers: a trial counts instructions of `true`. */
export function perfWorks(): boolean {
  if (perfUsable !== undefined) return perfUsable
  try {
    const out = execFileSync('perf', ['stat', '-x,', '-e', 'instructions:u', 'true'], { stdio: ['ignore', 'ignore', 'pipe'] }).toString()
    perfUsable = /^\d+,/m.test(out)
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? ''
    perfUsable = /^\d+,/m.test(stderr)
  }
  return perfUsable
}

export function instructionSource(): InstructionSource | undefined {
  if (hasProgram('perf') && perfWorks()) return 'perf'
  if (hasProgram('valgrind')) return 'callgrind'
  return undefined
}

/** Instructions retired by the whole tree: perf stat when usable, else callgrind (deterministic, ~50x slower). */
export async function countInstructions(side: Side, baseEnv: NodeJS.ProcessEnv, source: InstructionSource): Promise<number | undefined> {
  const env = sideEnv(side, baseEnv)
  const dir = await mkdtemp(join(tmpdir(), 'stagelight-instr-'))
  try {
    if (source === 'perf') {
      const out = join(dir, 'perf.csv')
      await spawnCollect('perf', ['stat', '-x,', '-o', out, '-e', 'instructions:u', '--', 'sh', '-c', side.command], { env, cwd: side.cwd })
      const m = /^(\d+),/m.exec(await readFile(out, 'utf8').catch(() => ''))
      return m ? Number(m[1]) : undefined
    }
    const r = await spawnCollect('valgrind', ['--tool=callgrind', '--trace-children=yes', `--callgrind-out-file=${join(dir, 'cg.%p')}`, `--log-file=${join(dir, 'log.%p')}`, 'sh', '-c', side.command], { env, cwd: side.cwd })
    void r
    let total = 0
    let seen = false
    for (const name of await readdir(dir)) {
      if (!name.startsWith('log.')) continue
      const m = /Collected\s*:\s*(\d+)/.exec(await readFile(join(dir, name), 'utf8'))
      if (m) {
        total += Number(m[1])
        seen = true
      }
    }
    return seen ? total : undefined
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
