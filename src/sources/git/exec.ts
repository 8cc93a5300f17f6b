import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { StagelightError, type ErrorCode } from '../../errors.js'
import { BASE_OVERRIDES, fixedGitEnv, overridesFor } from './safe-config.js'

/**
 * The environment for a git process: fixed (see safe-config.ts), with every command-valued key
 * of the repository's configuration switched off, plus the caller's own variables (a temporary
 * index, a ceiling directory, a keyring).
 */
export function gitEnv(gitDir: string | undefined, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return fixedGitEnv(gitDir === undefined ? BASE_OVERRIDES : overridesFor(gitDir), extra)
}

/** The argument list for a git command against a git directory. */
export const gitArgs = (gitDir: string, args: readonly string[]): string[] => [`--git-dir=${resolve(gitDir)}`, ...args]

export interface GitOptions {
  /** run in this git directory (undefined: no repository, e.g. clone) */
  readonly gitDir?: string
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string>>
  readonly input?: Buffer | string
  readonly maxStdoutBytes?: number
}

export interface GitResult {
  readonly code: number | null
  readonly stdout: Buffer
  readonly stderr: string
}

const MAX_STDERR = 64 * 1024

/**
 * Why git could not be started: a missing working directory (the repository went away) or a
 * missing git, which both surface as ENOENT.
 */
function spawnFailure(err: unknown, cwd: string): unknown {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') return err
  if (!existsSync(cwd)) return new StagelightError('E_INPUT_NOT_FOUND', `git directory ${cwd} does not exist`, { gitDir: cwd }, { cause: err })
  return new StagelightError('E_TOOL_MISSING', 'git is not installed or not on PATH; stagelight needs it to read source repositories', { tool: 'git' }, { cause: err })
}

/** Runs git and collects its output; never throws for a non-zero exit (callers decide what it means). */
export function git(args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  const fullArgs = options.gitDir === undefined ? [...args] : gitArgs(options.gitDir, args)
  const maxStdout = options.maxStdoutBytes ?? 256 * 1024 * 1024
  const cwd = resolve(options.cwd ?? options.gitDir ?? process.cwd())
  let env: NodeJS.ProcessEnv
  try {
    env = gitEnv(options.gitDir, options.env)
  } catch (err) {
    // a repository whose configuration cannot be read, or cannot be made safe, is not run at all
    if (err instanceof StagelightError) return Promise.resolve({ code: 128, stdout: Buffer.alloc(0), stderr: `fatal: ${err.message}\n` })
    return Promise.reject(spawnFailure(err, cwd))
  }
  return new Promise((done, reject) => {
    const child = spawn('git', fullArgs, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let outBytes = 0
    let overflow = false
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length
      if (outBytes > maxStdout) {
        overflow = true
        child.kill('SIGKILL')
        return
      }
      out.push(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8')
    })
    child.on('error', (err) => reject(spawnFailure(err, cwd)))
    child.on('close', (code) => {
      if (overflow) reject(new StagelightError('E_INPUT_INVALID', `git ${args[0] ?? ''} produced more than ${maxStdout} bytes of output`))
      else done({ code, stdout: Buffer.concat(out), stderr })
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(options.input ?? '')
  })
}

/** The first meaningful line git wrote to stderr, for one-line error messages. */
export const firstErrorLine = (stderr: string): string => {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter(Boolean)
  return (lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? 'no error output').replace(/^(fatal|error):\s*/, '')
}

/** Runs git in a repository and returns stdout; a failure becomes a StagelightError with `code`. */
export async function gitOk(gitDir: string, args: readonly string[], what: string, code: ErrorCode = 'E_INPUT_INVALID', options: Omit<GitOptions, 'gitDir'> = {}): Promise<Buffer> {
  const result = await git(args, { ...options, gitDir })
  if (result.code !== 0) throw new StagelightError(code, `${what}: ${firstErrorLine(result.stderr)}`, { gitDir, command: `git ${args[0] ?? ''}` })
  return result.stdout
}

export interface GitStream {
  /** stdout, chunk by chunk */
  readonly stdout: Readable
  /** resolves when git exits 0; rejects with a StagelightError otherwise */
  readonly done: Promise<void>
  /** ends the process early (when the consumer stops reading) */
  stop(): void
  /** writes to stdin; resolves when the data has been handed over */
  write(data: Buffer | string): Promise<void>
  endInput(): void
}

/** Spawns git with streamed stdout, for output too large to collect (trees, logs, blobs). */
export function gitStream(gitDir: string, args: readonly string[], what: string, options: { readonly env?: Readonly<Record<string, string>> } = {}): GitStream {
  const cwd = resolve(gitDir)
  const child = spawn('git', gitArgs(gitDir, args), { cwd, env: gitEnv(gitDir, options.env), stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  let stopped = false
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8')
  })
  child.stdin.on('error', () => undefined)
  const done = new Promise<void>((finish, reject) => {
    child.on('error', (err) => reject(spawnFailure(err, cwd)))
    child.on('close', (code, signal) => {
      if (code === 0 || stopped) finish()
      else reject(new StagelightError('E_INPUT_INVALID', `${what}: ${signal ? `git was killed by ${signal}` : firstErrorLine(stderr)}`, { gitDir, command: `git ${args[0] ?? ''}` }))
    })
  })
  // The consumer awaits `done` after reading; until then a rejection must not count as unhandled.
  done.catch(() => undefined)
  return {
    stdout: child.stdout,
    done,
    stop() {
      stopped = true
      if (child.exitCode === null) child.kill('SIGKILL')
    },
    write: (data) =>
      new Promise((proceed) => {
        if (child.stdin.destroyed) proceed()
        else if (child.stdin.write(data)) proceed()
        else child.stdin.once('drain', proceed).once('close', proceed)
      }),
    endInput: () => child.stdin.end(),
  }
}
