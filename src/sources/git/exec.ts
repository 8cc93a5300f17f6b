import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { StagelightError, type ErrorCode } from '../../errors.js'

/**
 * Settings that keep a repository's own configuration from running code or from changing what
 * we read: no hooks, no fsmonitor daemon, no signature checks through a configured program, no
 * pager, no `ext::` transport.
 */
export const SAFE_CONFIG: readonly string[] = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'core.splitIndex=false',
  'index.sparse=false',
  'log.showSignature=false',
  'gpg.program=gpg',
  'gpg.openpgp.program=gpg',
  'gpg.x509.program=gpgsm',
  'gpg.ssh.program=ssh-keygen',
  'protocol.ext.allow=never',
  'i18n.logOutputEncoding=UTF-8',
].flatMap((setting) => ['-c', setting])

/** Variables that would point git at another repository, index or object store than the one we name. */
const LOCATION_VARIABLES = new Set([
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_PREFIX',
  'GIT_QUARANTINE_PATH',
  'GIT_SHALLOW_FILE',
  'GIT_GRAFT_FILE',
  'GIT_REPLACE_REF_BASE',
  'GIT_LITERAL_PATHSPECS',
  'GIT_GLOB_PATHSPECS',
  'GIT_NOGLOB_PATHSPECS',
  'GIT_ICASE_PATHSPECS',
  'GIT_EXTERNAL_DIFF',
  'GIT_EDITOR',
  'GIT_SEQUENCE_EDITOR',
  'GIT_CONFIG',
])

/**
 * The environment for every git process: inherited, minus anything that redirects git elsewhere,
 * with prompts disabled and replace refs ignored (a replace ref would show other content than the
 * object ids we report).
 */
export function gitEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!LOCATION_VARIABLES.has(key)) env[key] = value
  env.GIT_TERMINAL_PROMPT = '0'
  env.GIT_PAGER = 'cat'
  env.GIT_NO_REPLACE_OBJECTS = '1'
  env.GIT_OPTIONAL_LOCKS = '0'
  env.LC_ALL = 'C'
  env.LANGUAGE = 'C'
  return { ...env, ...extra }
}

/** The argument list for a git command against a git directory. */
export const gitArgs = (gitDir: string, args: readonly string[]): string[] => [`--git-dir=${resolve(gitDir)}`, ...SAFE_CONFIG, ...args]

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
  const fullArgs = options.gitDir === undefined ? [...SAFE_CONFIG, ...args] : gitArgs(options.gitDir, args)
  const maxStdout = options.maxStdoutBytes ?? 256 * 1024 * 1024
  const cwd = resolve(options.cwd ?? options.gitDir ?? process.cwd())
  return new Promise((done, reject) => {
    const child = spawn('git', fullArgs, { cwd, env: gitEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] })
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
  const child = spawn('git', gitArgs(gitDir, args), { cwd, env: gitEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] })
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
