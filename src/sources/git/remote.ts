import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { StagelightError, type ErrorCode } from '../../errors.js'
import { firstErrorLine, git } from './exec.js'
import type { Repository } from './types.js'

const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//
/** `user@host:path`, git's scp-like syntax (a colon before any slash) */
const SCP_LIKE = /^[^/\s@:]+@[^/\s:]+:/
const ALLOWED_SCHEMES = new Set(['https', 'http', 'ssh', 'git', 'file', 'git+ssh', 'ssh+git'])

export const looksLikeUrl = (spec: string): boolean => URL_SCHEME.test(spec) || SCP_LIKE.test(spec)

/** The URL for messages, with any password or token in it masked. */
export const displayUrl = (url: string): string => url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*:[^/@]*@/, '$1***@')

/** Where a URL's bare mirror lives in the cache: a readable name plus a hash of the exact URL. */
export function cachePathFor(cacheDir: string, url: string): string {
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 20)
  const last = url.replace(/[/:]+$/, '').split(/[/:]/).pop() ?? ''
  const slug = last
    .replace(/\.git$/, '')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 40)
  return join(cacheDir, 'git', `${slug || 'repo'}-${hash}.git`)
}

/** What git prints when the remote answered but holds no such repository, or will not show it to us. */
const NOT_THERE =
  /repository .*not found|does not appear to be a git repository|does not exist|no such file or directory|could not read (username|password)|authentication failed|terminal prompts disabled|permission denied|returned error: 40[134]/i

/** Tells a remote that answered "no such repository" (E_INPUT_NOT_FOUND) from one that could not be reached. */
export const remoteFailureCode = (stderr: string): ErrorCode => (NOT_THERE.test(stderr) ? 'E_INPUT_NOT_FOUND' : 'E_NETWORK')

const redact = (text: string, url: string, shown: string): string => (url === shown ? text : text.split(url).join(shown))

const exists = async (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  )

function checkScheme(url: string): void {
  const scheme = URL_SCHEME.exec(url)?.[1]?.toLowerCase()
  if (scheme !== undefined && !ALLOWED_SCHEMES.has(scheme)) throw new StagelightError('E_INPUT_INVALID', `unsupported git URL scheme ${scheme}: in ${displayUrl(url)}`, { url: displayUrl(url) })
}

export interface RemoteOptions {
  readonly cacheDir: string
  readonly offline: boolean
  readonly onProgress?: (msg: string) => void
}

/**
 * A bare mirror of `url` in the cache: cloned the first time, fetched afterwards (unless
 * offline). A clone goes to a temporary directory first, so a failure leaves nothing behind.
 */
export async function openRemote(url: string, options: RemoteOptions): Promise<Repository> {
  checkScheme(url)
  const shown = displayUrl(url)
  const progress = options.onProgress ?? (() => undefined)
  const gitDir = cachePathFor(options.cacheDir, url)
  if (await exists(join(gitDir, 'HEAD'))) {
    if (options.offline) {
      progress(`using the cached clone of ${shown} (offline)`)
      return { gitDir, spec: shown }
    }
    progress(`updating the cached clone of ${shown}`)
    const r = await git(['fetch', '--quiet', '--tags', '--prune', '--no-recurse-submodules', 'origin'], { gitDir })
    if (r.code !== 0) {
      const code = remoteFailureCode(r.stderr)
      throw new StagelightError(code, `could not update ${shown}: ${redact(firstErrorLine(r.stderr), url, shown)}${code === 'E_NETWORK' ? ' (use --offline to work from the cached copy)' : ''}`, { url: shown, cache: gitDir })
    }
    return { gitDir, spec: shown }
  }
  if (options.offline) throw new StagelightError('E_INPUT_NOT_FOUND', `${shown} is not in the cache (${options.cacheDir}) and --offline forbids cloning it`, { url: shown, cacheDir: options.cacheDir })

  const parent = join(options.cacheDir, 'git')
  await mkdir(parent, { recursive: true })
  const temporary = await mkdtemp(join(parent, '.clone-'))
  try {
    progress(`cloning ${shown} into the cache`)
    const r = await git(['clone', '--mirror', '--quiet', '--no-local', '--', url, temporary], { cwd: parent })
    if (r.code !== 0) {
      const code = remoteFailureCode(r.stderr)
      throw new StagelightError(code, `could not clone ${shown}: ${redact(firstErrorLine(r.stderr), url, shown)}`, { url: shown })
    }
    try {
      await rename(temporary, gitDir)
    } catch (err) {
      // another run finished the same clone first; theirs is as good as ours
      if (!(await exists(join(gitDir, 'HEAD')))) throw err
    }
  } finally {
    await rm(temporary, { recursive: true, force: true })
  }
  return { gitDir, spec: shown }
}
