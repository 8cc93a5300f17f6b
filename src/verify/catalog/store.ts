import { appendFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'
import { StagelightError } from '../../errors.js'
import type { CatalogEntry } from './entry.js'
import { sha256Hex } from './fingerprint.js'

/**
 * The user's catalog: files the user declared as known upstream versions (`stagelight catalog add`).
 *
 *   <store>/index.jsonl                 one line per (basename, content), in the schema of the
 *                                       bundled catalog's source data (sha256_loose, first_seen, …)
 *   <store>/objects/<ab>/<sha256>.gz    the bytes, gzip, named by their SHA-256
 *
 * Keeping the bytes is what lets a modified copy be shown as a diff against a known version.
 */

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

export const INDEX_FILE = 'index.jsonl'

export interface StoreLine {
  readonly basename: string
  readonly path: string
  readonly project: string
  readonly source: string
  readonly sha256: string
  readonly sha256_loose: string
  readonly size: number
  readonly serial: string | null
  readonly stamp: string | null
  readonly first_seen: null
  readonly first_release: null
  readonly added_at: string
}

const HEX = /^[0-9a-f]{64}$/

export const objectPath = (store: string, sha256: string): string => join(store, 'objects', sha256.slice(0, 2), `${sha256}.gz`)

function entryFrom(line: unknown, where: string): CatalogEntry {
  const o = (typeof line === 'object' && line !== null ? line : {}) as Record<string, unknown>
  const text = (key: string): string => {
    const value = o[key]
    if (typeof value !== 'string' || value === '') throw new StagelightError('E_INPUT_INVALID', `${where}: field "${key}" is missing or not a string`)
    return value
  }
  const optional = (key: string): string | undefined => (typeof o[key] === 'string' ? (o[key] as string) : undefined)
  const sha256 = text('sha256')
  const loose = text('sha256_loose')
  if (!HEX.test(sha256) || !HEX.test(loose)) throw new StagelightError('E_INPUT_INVALID', `${where}: sha256 is not a lowercase SHA-256`)
  const serial = optional('serial')
  const stamp = optional('stamp')
  return {
    basename: text('basename'),
    path: text('path'),
    project: text('project'),
    source: text('source'),
    sha256,
    looseSha256: loose,
    ...(serial !== undefined ? { serial } : {}),
    ...(stamp !== undefined ? { stamp } : {}),
    ...(typeof o['size'] === 'number' ? { size: o['size'] } : {}),
    origin: 'user',
  }
}

/** Entries of a store; an absent store is empty. A damaged index line is an error naming the file and line. */
export async function readStore(store: string): Promise<CatalogEntry[]> {
  const file = join(store, INDEX_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return []
    throw new StagelightError('E_INPUT_INVALID', `${file}: cannot read the catalog index (${(err as Error).message})`, { file }, { cause: err })
  }
  const entries: CatalogEntry[] = []
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch (err) {
      throw new StagelightError('E_INPUT_INVALID', `${file}:${i + 1}: not valid JSON`, { file, line: i + 1 }, { cause: err })
    }
    entries.push(entryFrom(parsed, `${file}:${i + 1}`))
  })
  return entries
}

/** A fingerprint of the index file, to notice that another call added entries. */
export async function storeVersion(store: string): Promise<string> {
  const info = await stat(join(store, INDEX_FILE)).catch(() => undefined)
  return info ? `${info.size}:${info.mtimeMs}` : 'absent'
}

/** The stored bytes of `sha256`, or undefined when absent or damaged (the hash is checked). */
export async function readObject(store: string, sha256: string): Promise<Buffer | undefined> {
  try {
    const content = await gunzipAsync(await readFile(objectPath(store, sha256)))
    return sha256Hex(content) === sha256 ? content : undefined
  } catch {
    return undefined
  }
}

/** Stores bytes under their hash; a write interrupted half-way never leaves a damaged object. */
export async function writeObject(store: string, sha256: string, content: Buffer): Promise<void> {
  const path = objectPath(store, sha256)
  if (await readObject(store, sha256)) return
  await mkdir(join(store, 'objects', sha256.slice(0, 2)), { recursive: true })
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`
  await writeFile(temporary, await gzipAsync(content))
  await rename(temporary, path)
}

export async function appendIndex(store: string, lines: readonly StoreLine[]): Promise<void> {
  if (lines.length === 0) return
  await mkdir(store, { recursive: true })
  await appendFile(join(store, INDEX_FILE), lines.map((l) => `${JSON.stringify(l)}\n`).join(''))
}
