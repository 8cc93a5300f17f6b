import { readFile, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, isAbsolute, join, resolve } from 'node:path'
import { StagelightError } from '../../errors.js'
import { Catalog } from './catalog.js'
import { fingerprint } from './fingerprint.js'
import { appendIndex, readStore, writeObject, type StoreLine } from './store.js'
import { isVendorable, MAX_VENDORED_BYTES } from './vendorable.js'
import { walkFiles } from './walk.js'

const ADD_LIMITS = { maxDepth: 12, maxFiles: 100_000 }

const nonEmpty = (value: string | undefined): string | undefined => (value !== undefined && value !== '' ? value : undefined)

/** `$STAGELIGHT_HOME/catalog`, else `$XDG_DATA_HOME/stagelight/catalog`, else `~/.local/share/stagelight/catalog`. */
export function defaultUserStore(env: NodeJS.ProcessEnv): string {
  const home = nonEmpty(env['STAGELIGHT_HOME'])
  if (home) return join(home, 'catalog')
  // the XDG base directory specification says to ignore a relative XDG_DATA_HOME
  const data = nonEmpty(env['XDG_DATA_HOME'])
  if (data && isAbsolute(data)) return join(data, 'stagelight', 'catalog')
  return join(nonEmpty(env['HOME']) ?? homedir(), '.local', 'share', 'stagelight', 'catalog')
}

/** The project a directory holds: its name, or its parent's for the usual sub-directories (gnulib/m4 → gnulib). */
function projectOfDir(dir: string): string {
  const name = basename(dir)
  return /^(?:m4|build-aux|top|config|po|aux|macros)$/.test(name) ? basename(resolve(dir, '..')) || name : name
}

export interface AddResult {
  /** vendorable files stored for the first time */
  readonly added: number
  /** vendorable files whose name and content the store already held */
  readonly alreadyKnown: number
  /** vendorable files looked at (other files are ignored) */
  readonly scanned: number
}

/**
 * Records every vendorable autotools file under `dir` (m4 macros, build-aux helper scripts,
 * gettext po/ machinery; see vendorable.ts) in the user's store at `store`, with its bytes.
 * Running it again on the same files adds nothing. Hidden directories such as .git are skipped.
 */
export async function addToCatalog(dir: string, store: string, options: { project?: string } = {}): Promise<AddResult> {
  const root = resolve(dir)
  const info = await stat(root).catch(() => undefined)
  if (!info) throw new StagelightError('E_INPUT_NOT_FOUND', `${dir}: no such directory`, { dir })
  if (!info.isDirectory()) throw new StagelightError('E_INPUT_INVALID', `${dir}: not a directory`, { dir })

  const { files, truncated } = await walkFiles(root, ADD_LIMITS)
  if (truncated) {
    throw new StagelightError(
      'E_INPUT_INVALID',
      `${dir}: more than ${ADD_LIMITS.maxFiles} files or ${ADD_LIMITS.maxDepth} levels of directories; add its m4/ or build-aux/ directory instead`,
      { dir },
    )
  }
  const catalog = await Catalog.load({ systemDirs: false })
  const known = new Set((await readStore(store)).map((e) => `${e.basename}\0${e.sha256}`))
  const project = options.project ?? projectOfDir(root)
  const addedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
  const lines: StoreLine[] = []
  let scanned = 0
  let alreadyKnown = 0

  for (const file of files) {
    if (file.size > MAX_VENDORED_BYTES) continue
    const name = basename(file.path)
    const content = await readFile(file.path).catch(() => undefined)
    if (!content || !isVendorable(name, content, (n) => catalog.isKnownName(n))) continue
    scanned++
    const print = fingerprint(name, content)
    // written even when known, so that a damaged or deleted object is restored
    await writeObject(store, print.sha256, content)
    const key = `${name}\0${print.sha256}`
    if (known.has(key)) {
      alreadyKnown++
      continue
    }
    known.add(key)
    lines.push({
      basename: name,
      path: file.relative,
      project,
      source: `user:${root}`,
      sha256: print.sha256,
      sha256_loose: print.looseSha256,
      size: print.size,
      serial: print.serial ?? null,
      stamp: print.stamp ?? null,
      first_seen: null,
      first_release: null,
      added_at: addedAt,
    })
  }
  await appendIndex(store, lines)
  return { added: lines.length, alreadyKnown, scanned }
}
