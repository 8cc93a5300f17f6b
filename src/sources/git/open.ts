import { stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { StagelightError } from '../../errors.js'
import { firstErrorLine, git } from './exec.js'
import { looksLikeUrl, openRemote } from './remote.js'
import type { Repository } from './types.js'

export interface OpenOptions {
  readonly cacheDir: string
  readonly offline: boolean
  readonly onProgress?: (msg: string) => void
}

/**
 * A local repository (work tree or bare) by its top directory. Git is not allowed to look above
 * the named directory, so a plain directory inside some other repository is not mistaken for it.
 */
async function openLocal(spec: string): Promise<Repository> {
  const path = resolve(spec)
  let isDirectory: boolean
  try {
    isDirectory = (await stat(path)).isDirectory()
  } catch (err) {
    throw new StagelightError('E_INPUT_NOT_FOUND', `source ${spec} does not exist`, { source: spec }, { cause: err })
  }
  if (!isDirectory) throw new StagelightError('E_INPUT_INVALID', `source ${spec} is not a directory, so not a git repository`, { source: spec })
  let r = await git(['rev-parse', '--absolute-git-dir'], { cwd: path, env: { GIT_CEILING_DIRECTORIES: dirname(path) } })
  // a bare repository named explicitly, for setups where safe.bareRepository=explicit forbids finding it
  if (r.code !== 0) r = (await git(['rev-parse', '--absolute-git-dir'], { gitDir: path, cwd: path }).then((bare) => (bare.code === 0 ? bare : undefined))) ?? r
  if (r.code !== 0) {
    const why = firstErrorLine(r.stderr)
    const hint = /dubious ownership/.test(r.stderr) ? ` (it belongs to another user; add it to git's safe.directory if you trust it)` : ''
    throw new StagelightError('E_INPUT_INVALID', `source ${spec} is not a git repository: ${why}${hint}`, { source: spec })
  }
  return { gitDir: r.stdout.toString('utf8').replace(/\n$/, ''), spec }
}

/**
 * Opens the source of a release: a local repository, or a URL mirrored into `cacheDir` (cloned
 * once, fetched on later use unless offline).
 */
export async function openRepository(spec: string, options: OpenOptions): Promise<Repository> {
  if (spec === '') throw new StagelightError('E_USAGE', 'no source repository given', {})
  if (looksLikeUrl(spec)) {
    const local = await stat(spec).then(
      (s) => s.isDirectory(),
      () => false,
    )
    if (!local) return openRemote(spec, options)
  }
  return openLocal(spec)
}
