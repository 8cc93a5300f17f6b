import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

export interface Sample {
  readonly seconds: number
  /** peak resident set of the measured process tree's main process, in MiB (0 when unknown) */
  readonly peakMiB: number
  readonly code: number | null
  readonly stdout: string
  readonly timedOut: boolean
}

function vmHwmKiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/** Runs a command once, timing its wall clock and sampling its peak memory from /proc. */
export function measure(program: string, args: readonly string[], options: { timeoutMs?: number; cwd?: string } = {}): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'ignore'], ...(options.cwd ? { cwd: options.cwd } : {}) })
    let stdout = ''
    let peak = 0
    let timedOut = false
    child.stdout.on('data', (c: Buffer) => {
      if (stdout.length < 32 * 1024 * 1024) stdout += c.toString('utf8')
    })
    const poll = setInterval(() => (peak = Math.max(peak, vmHwmKiB(child.pid ?? 0))), 20)
    const timer = options.timeoutMs ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), options.timeoutMs) : undefined
    child.on('error', reject)
    child.on('close', (code) => {
      clearInterval(poll)
      if (timer) clearTimeout(timer)
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMiB: peak / 1024, code, stdout, timedOut })
    })
  })
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}
