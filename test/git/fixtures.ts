import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const made: string[] = []

export function tempDir(prefix = 'stagelight-git-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/**
 * Keeps the host's git configuration out of every git process of the test file, the library's
 * included: a temporary HOME, no system config, and a fixed identity.
 */
export function isolateGitConfig(): string {
  const home = tempDir('stagelight-git-home-')
  process.env.HOME = home
  process.env.XDG_CONFIG_HOME = join(home, '.config')
  process.env.GIT_CONFIG_NOSYSTEM = '1'
  delete process.env.GIT_CONFIG_GLOBAL
  process.env.GIT_AUTHOR_NAME = 'Ada Tester'
  process.env.GIT_AUTHOR_EMAIL = 'ada@example.org'
  process.env.GIT_COMMITTER_NAME = 'Ada Tester'
  process.env.GIT_COMMITTER_EMAIL = 'ada@example.org'
  return home
}

export interface Ran {
  readonly stdout: string
  readonly stderr: string
  readonly status: number | null
}

/** Runs a program (argument array, no shell); throws when it fails unless `allowFailure`. */
export function sh(program: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string>; input?: string | Buffer; allowFailure?: boolean } = {}): Ran {
  const r = spawnSync(program, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, input: options.input, maxBuffer: 256 * 1024 * 1024 })
  const out = { stdout: r.stdout?.toString('utf8') ?? '', stderr: r.stderr?.toString('utf8') ?? '', status: r.status }
  if (!options.allowFailure && (r.error || r.status !== 0)) throw new Error(`${program} ${args.join(' ')} failed (${r.status}): ${out.stderr}${r.error?.message ?? ''}`)
  return out
}

export const gitIn = (dir: string, ...args: string[]): string => sh('git', ['-C', dir, ...args]).stdout.trim()

export type FileSpec = string | { readonly content: string | Buffer; readonly executable?: boolean } | { readonly symlink: string }

/** Writes files (and symlinks) under `root`. */
export function writeFiles(root: string, files: Readonly<Record<string, FileSpec>>): void {
  for (const [path, spec] of Object.entries(files)) {
    const full = join(root, path)
    mkdirSync(dirname(full), { recursive: true })
    if (typeof spec === 'string') writeFileSync(full, spec)
    else if ('symlink' in spec) symlinkSync(spec.symlink, full)
    else {
      writeFileSync(full, spec.content)
      if (spec.executable) chmodSync(full, 0o755)
    }
  }
}

/** The files of `repo` at `tag` with `files` written over them, packed under `top/` as `top.tar.gz`, as a release script packs a checkout. */
export function releaseTarball(repo: string, tag: string, files: Readonly<Record<string, FileSpec>>, top = 'demo-1.0'): string {
  const dir = join(tempDir('stagelight-release-'), top)
  sh('git', ['clone', '-q', '--branch', tag, repo, dir])
  rmSync(join(dir, '.git'), { recursive: true, force: true })
  writeFiles(dir, files)
  const tarball = join(dir, '..', `${top}.tar.gz`)
  sh('tar', ['-czf', tarball, '-C', join(dir, '..'), top])
  return tarball
}

/** A work-tree repository with one commit holding `files`, tagged `tag` when given. */
export function makeRepo(files: Readonly<Record<string, FileSpec>>, options: { tag?: string; annotated?: boolean; message?: string } = {}): string {
  const dir = tempDir('stagelight-git-repo-')
  sh('git', ['init', '--quiet', '--initial-branch=main', dir])
  commitFiles(dir, files, options.message ?? 'Initial import')
  if (options.tag) {
    if (options.annotated === false) gitIn(dir, 'tag', options.tag)
    else gitIn(dir, 'tag', '-a', '-m', `Release ${options.tag}`, options.tag)
  }
  return dir
}

export function commitFiles(dir: string, files: Readonly<Record<string, FileSpec>>, message: string, env: Record<string, string> = {}): string {
  writeFiles(dir, files)
  sh('git', ['-C', dir, 'add', '-A'])
  sh('git', ['-C', dir, 'commit', '--quiet', '--no-verify', '-m', message], { env })
  return gitIn(dir, 'rev-parse', 'HEAD')
}

/** Catches the error a promise rejects with (or fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string; data?: Record<string, unknown> }> {
  try {
    await promise
  } catch (err) {
    return err as { code?: string; message: string; data?: Record<string, unknown> }
  }
  throw new Error('expected a rejection')
}

export function thrown(fn: () => unknown): { code?: string; message: string; data?: Record<string, unknown> } {
  try {
    fn()
  } catch (err) {
    return err as { code?: string; message: string; data?: Record<string, unknown> }
  }
  throw new Error('expected an error')
}
