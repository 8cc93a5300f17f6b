/**
 * @fileoverview New versions of a Debian source package, from an archive's `Sources` index
 * (`dists/<suite>/<component>/source/Sources.xz`): each version of the package the index lists is
 * a release, and its upstream tarball (`.orig.tar.*`, or the one tarball of a native package) is
 * what is scanned and verified against the upstream tag. An index is read once per round for
 * every package watched in it.
 */
import { createReadStream } from 'node:fs'
import { resolve } from 'node:path'
import { Readable } from 'node:stream'
import { decompress, type Compression } from '../../sources/archive/decompress.js'
import type { WatchContext } from '../context.js'
import type { Release, Target } from '../model.js'
import { RetryableError } from '../analyses/types.js'

/** One version of a source package as the index describes it. */
export interface SourceEntry {
  readonly version: string
  readonly directory: string
  /** file name → SHA-256 (from Checksums-Sha256) */
  readonly files: ReadonlyMap<string, string>
  /** the binary packages built from it (what dpkg status files list) */
  readonly binaries: readonly string[]
}

const MAX_INDEX_BYTES = 512 * 1024 * 1024
const isUrl = (location: string): boolean => /^https?:\/\//i.test(location)

const compressionOf = (location: string): Compression | undefined => {
  if (/\.xz$/i.test(location)) return 'xz'
  if (/\.gz$/i.test(location)) return 'gzip'
  if (/\.bz2$/i.test(location)) return 'bzip2'
  if (/\.zst$/i.test(location)) return 'zstd'
  return undefined
}

/** The archive root an index belongs to: everything before `/dists/`, where `Directory:` paths start. */
export function archiveRoot(index: string): string {
  const at = index.lastIndexOf('/dists/')
  if (at === -1) throw new RetryableError(`${index} is not under a dists/ directory: the pool of its files cannot be found`)
  return index.slice(0, at + 1)
}

/** One stanza's Package, Version, Directory and Checksums-Sha256 list (a continuation field). */
function parseStanza(stanza: string): { name: string; entry: SourceEntry } | undefined {
  let name: string | undefined
  let version: string | undefined
  let directory: string | undefined
  let binaries: string[] = []
  const files = new Map<string, string>()
  let field = ''
  for (const line of stanza.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue
    if (line[0] === ' ' || line[0] === '\t') {
      if (field === 'checksums-sha256') {
        const [sha, , file] = line.trim().split(/\s+/)
        if (sha && file && /^[0-9a-f]{64}$/i.test(sha) && !file.includes('/')) files.set(file, sha.toLowerCase())
      }
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    field = line.slice(0, colon).toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (field === 'package') name = value
    else if (field === 'version') version = value
    else if (field === 'directory') directory = value
    else if (field === 'binary') binaries = value.split(',').map((b) => b.trim()).filter((b) => /^[a-z0-9][a-z0-9+.-]+$/.test(b))
  }
  // a Directory that leaves the pool would make a download reach elsewhere on the host
  if (!name || !version || !directory || directory.split('/').includes('..') || directory.startsWith('/')) return undefined
  return { name, entry: { version, directory, files, binaries } }
}

/**
 * Reads the stanzas of a Sources index; with `wanted`, only those of these packages (an index has
 * tens of thousands: a stanza is parsed only when its Package line names a wanted one).
 */
export function parseSources(text: string, wanted?: ReadonlySet<string>): Map<string, SourceEntry[]> {
  const packages = new Map<string, SourceEntry[]>()
  const add = (parsed: { name: string; entry: SourceEntry } | undefined): void => {
    if (!parsed || (wanted && !wanted.has(parsed.name))) return
    const list = packages.get(parsed.name) ?? []
    list.push(parsed.entry)
    packages.set(parsed.name, list)
  }
  if (!wanted) {
    for (const stanza of text.split(/\r?\n(?:[ \t]*\r?\n)+/)) add(parseStanza(stanza))
    return packages
  }
  // Package is the first field of a Sources stanza; each one found is checked by name before anything else is read
  for (let at = text.startsWith('Package:') ? 0 : text.indexOf('\nPackage:'); at !== -1; at = text.indexOf('\nPackage:', at + 1)) {
    const start = text[at] === '\n' ? at + 1 : at
    const lineEnd = text.indexOf('\n', start)
    const name = text.slice(start + 'Package:'.length, lineEnd === -1 ? undefined : lineEnd).trim()
    if (!wanted.has(name)) continue
    const end = text.slice(start).search(/\r?\n[ \t]*\r?\n/)
    add(parseStanza(end === -1 ? text.slice(start) : text.slice(start, start + end)))
  }
  return packages
}

/** The upstream tarball of a version: the `.orig.tar.*` (not a component, not a signature), else a native package's one tarball. */
export function upstreamTarball(entry: SourceEntry): string | undefined {
  const names = [...entry.files.keys()]
  return names.find((n) => /\.orig\.tar\.[a-z0-9]+$/i.test(n)) ?? names.find((n) => /\.tar\.[a-z0-9]+$/i.test(n) && !/\.debian\.tar\./i.test(n))
}

/** One round's reads of Sources indexes: the packages watched in each, and each index read once. */
export interface IndexCache {
  readonly wanted: ReadonlyMap<string, ReadonlySet<string>>
  readonly read: Map<string, Promise<Map<string, SourceEntry[]>>>
}

/** The cache for a round that polls these targets. */
export function indexCache(targets: readonly Target[]): IndexCache {
  const wanted = new Map<string, Set<string>>()
  for (const t of targets) if (t.kind === 'debian' && t.options.index) wanted.set(t.options.index, (wanted.get(t.options.index) ?? new Set()).add(t.name))
  return { wanted, read: new Map() }
}

async function readIndex(location: string, wanted: ReadonlySet<string>, context: WatchContext): Promise<Map<string, SourceEntry[]>> {
  let body: AsyncIterable<Buffer>
  if (isUrl(location)) {
    let response: Response
    try {
      response = await fetch(location, { signal: AbortSignal.timeout(300_000) })
    } catch (err) {
      throw new RetryableError(`cannot read the Sources index ${location}: ${(err as Error).message}`, { cause: err })
    }
    if (!response.ok || !response.body) throw new RetryableError(`the Sources index ${location} answered HTTP ${response.status}`)
    body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream)
  } else {
    body = createReadStream(resolve(context.cwd, location.replace(/^file:\/\//, '')))
  }
  const compression = compressionOf(location)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of compression ? decompress(body, compression) : body) {
    size += chunk.length
    if (size > MAX_INDEX_BYTES) throw new Error(`the Sources index ${location} is larger than ${MAX_INDEX_BYTES} bytes unpacked`)
    chunks.push(chunk)
  }
  return parseSources(Buffer.concat(chunks).toString('utf8'), wanted)
}

/** Every version of the package the index lists, oldest first, each with the URL (or path) of its upstream tarball. */
export async function pollDebian(target: Target, context: WatchContext, round: IndexCache = indexCache([target])): Promise<Release[]> {
  const index = target.options.index ?? ''
  let packages = round.read.get(index)
  if (!packages) {
    packages = readIndex(index, new Set([...(round.wanted.get(index) ?? []), target.name]), context)
    round.read.set(index, packages)
  }
  const root = archiveRoot(index)
  const entries = (await packages).get(target.name) ?? []
  const { compareDebianVersions } = await import('../../audit/advisories/index.js')
  return [...entries]
    .sort((a, b) => compareDebianVersions(a.version, b.version))
    .map((e) => {
      const file = upstreamTarball(e)
      const tarball = file ? `${root}${e.directory}/${file}` : undefined
      return { version: e.version, facts: { binaries: e.binaries, ...(tarball ? { tarball: isUrl(tarball) ? tarball : resolve(context.cwd, tarball), sha256: e.files.get(file!) } : {}) } }
    })
}
