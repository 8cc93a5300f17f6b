import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { StagelightError } from '../errors.js'
import { archiveStream } from '../sources/git/index.js'
import type { Repository } from '../sources/git/types.js'
import { run, toolVersion, versionNumber } from '../util/run.js'

export interface ToolVersions {
  readonly autoconf?: string
  readonly automake?: string
  readonly libtool?: string
  readonly gettext?: string
}

export interface Regeneration {
  /** sha256 and text of every file the regeneration produced, by path relative to the tree root */
  readonly files: ReadonlyMap<string, { readonly sha256: string; readonly bytes: Buffer }>
  readonly tools: ToolVersions
  readonly command: string
}

const REGENERATE_TIMEOUT_MS = 10 * 60 * 1000
const MAX_KEPT_BYTES = 8 * 1024 * 1024

export async function installedAutotools(): Promise<ToolVersions> {
  const [autoconf, automake, libtool, gettext] = await Promise.all([
    toolVersion('autoconf'),
    toolVersion('automake'),
    toolVersion('libtoolize'),
    toolVersion('autopoint'),
  ])
  const pick = (line: string | undefined) => versionNumber(line)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries({ autoconf: pick(autoconf), automake: pick(automake), libtool: pick(libtool), gettext: pick(gettext) })) if (v) out[k] = v
  return out
}

async function exportTree(repo: Repository, commit: string, dest: string): Promise<void> {
  const archive = await archiveStream(repo, commit)
  const tar = spawn('tar', ['-x', '-C', dest], { stdio: ['pipe', 'ignore', 'pipe'] })
  archive.stdout.pipe(tar.stdin)
  const extracted = new Promise<void>((resolve, reject) => {
    tar.on('error', reject)
    tar.on('close', (code) => (code === 0 ? resolve() : reject(new StagelightError('E_INCOMPLETE', `could not export ${commit} for regeneration: tar exited ${code}`))))
  })
  await Promise.all([archive.done, extracted])
}

async function* walkFiles(root: string): AsyncGenerator<string> {
  for (const dirent of await readdir(root, { withFileTypes: true })) {
    const full = join(root, dirent.name)
    if (dirent.isDirectory()) {
      if (dirent.name === 'autom4te.cache') continue
      yield* walkFiles(full)
    } else if (dirent.isFile()) yield full
  }
}

/**
 * Regenerates the autotools outputs from the tag with `autoreconf -fi`, in a scratch directory
 * that is removed afterwards. This runs the project's m4 input through m4 (which can run commands),
 * which is why it only happens when the user asks for it.
 */
export async function regenerate(repo: Repository, commit: string, directory?: string): Promise<Regeneration> {
  const tools = await installedAutotools()
  if (!tools.autoconf || !tools.automake) {
    throw new StagelightError('E_TOOL_MISSING', '--regenerate needs autoconf and automake installed (apt-get install autoconf automake libtool autopoint)')
  }
  const dir = await mkdtemp(join(tmpdir(), 'stagelight-regen-'))
  try {
    await exportTree(repo, commit, dir)
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LC_ALL: 'C', TZ: 'UTC' }
    // a release made from one directory of the repository is regenerated there
    const top = directory ? join(dir, directory) : dir
    const result = await run('autoreconf', ['-fi'], { cwd: top, env, timeoutMs: REGENERATE_TIMEOUT_MS })
    if (result.code !== 0) {
      const why = result.timedOut ? 'timed out' : (result.stderr.trim().split('\n').slice(-2).join(' ') || `exit ${result.code}`)
      throw new StagelightError('E_INCOMPLETE', `autoreconf -fi failed on the source tree: ${why}`)
    }
    const files = new Map<string, { sha256: string; bytes: Buffer }>()
    for await (const full of walkFiles(top)) {
      const bytes = await readFile(full)
      if (bytes.length > MAX_KEPT_BYTES) continue
      files.set(relative(top, full).split(sep).join('/'), { sha256: createHash('sha256').update(bytes).digest('hex'), bytes })
    }
    return { files, tools, command: 'autoreconf -fi' }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
