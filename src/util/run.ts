import { spawn, type SpawnOptions } from 'node:child_process'

export interface RunResult {
  readonly code: number | null
  readonly stdout: Buffer
  readonly stderr: string
  readonly timedOut: boolean
}

export interface RunOptions {
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  readonly timeoutMs?: number
  readonly input?: Buffer | string
  /** stdout beyond this is an error, so a runaway tool cannot exhaust memory */
  readonly maxStdoutBytes?: number
}

/** Runs a program with an argument array (never through a shell) and collects its output. */
export function run(program: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const maxStdout = options.maxStdoutBytes ?? 64 * 1024 * 1024
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = { stdio: ['pipe', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.env ? { env: options.env } : {}) }
    const child = spawn(program, args, spawnOptions)
    const out: Buffer[] = []
    let outBytes = 0
    let err = ''
    let timedOut = false
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true
          child.kill('SIGKILL')
        }, options.timeoutMs)
      : undefined
    child.stdout?.on('data', (chunk: Buffer) => {
      outBytes += chunk.length
      if (outBytes > maxStdout) {
        child.kill('SIGKILL')
        return
      }
      out.push(chunk)
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      if (err.length < 64 * 1024) err += chunk.toString('utf8')
    })
    child.on('error', (e) => {
      if (timer) clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code) => {
      if (timer) clearTimeout(timer)
      resolve({ code, stdout: Buffer.concat(out), stderr: err, timedOut })
    })
    child.stdin?.on('error', () => undefined)
    child.stdin?.end(options.input ?? '')
  })
}

/** The first line of `program --version`, or undefined when the program is not installed. */
export async function toolVersion(program: string): Promise<string | undefined> {
  try {
    const r = await run(program, ['--version'], { timeoutMs: 10_000 })
    if (r.code !== 0) return undefined
    return r.stdout.toString('utf8').split('\n')[0]?.trim()
  } catch {
    return undefined
  }
}

/** The trailing version number of a `--version` line: "autoconf (GNU Autoconf) 2.71" → "2.71". */
export const versionNumber = (line: string | undefined): string | undefined => line?.match(/(\d+(?:\.\d+)+[a-z]?)\s*$/)?.[1]
