import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { writeCacheFile } from '../../util/cache-file.js'
import type { CatalogEntry } from './entry.js'
import { fingerprint, sha256Hex, type Fingerprint } from './fingerprint.js'
import { isVendorable, MAX_VENDORED_BYTES } from './vendorable.js'
import { walkFiles, type WalkedFile } from './walk.js'

/**
 * Autotools files installed on this machine by the operating system's package manager: aclocal
 * macros, gnulib, automake's and libtool's helper scripts, gettext's po/ machinery, config.guess.
 * The package manager vouches for them, so they count as known versions, and their bytes are
 * available for showing diffs.
 */

/** Prefixes that package managers install into (Debian/Fedora/Arch, Homebrew, MacPorts, pkgsrc). */
const PREFIXES = ['/usr', '/opt/homebrew', '/opt/local', '/usr/pkg']
const FIXED = [
  'aclocal',
  'gnulib/m4',
  'gnulib/build-aux',
  'gnulib/top',
  'autoconf/build-aux',
  'libtool/build-aux',
  'libtool/config',
  'gettext/po',
  'gettext/m4',
  'gettext/config.rpath',
  'gettext/ABOUT-NLS',
  'misc/config.guess',
  'misc/config.sub',
]
/** aclocal-1.16, automake-1.16, …: one directory per installed automake version. */
const VERSIONED = /^(?:aclocal|automake)-\d+(?:\.\d+)*$/

const LIMITS = { maxDepth: 3, maxFiles: 20_000 }
const READ_CONCURRENCY = 16

/** The standard directories (and single files) to look at, for the prefixes present on this machine. */
export async function defaultSystemDirs(): Promise<string[]> {
  const dirs: string[] = []
  for (const prefix of PREFIXES) {
    const share = join(prefix, 'share')
    let names: string[]
    try {
      names = await readdir(share)
    } catch {
      continue
    }
    dirs.push(...FIXED.map((d) => join(share, d)))
    dirs.push(...names.filter((n) => VERSIONED.test(n)).sort().map((n) => join(share, n)))
  }
  return dirs
}

const PROJECT_BY_DIR: readonly (readonly [RegExp, string])[] = [
  [/\/gnulib\//, 'gnulib'],
  [/\/(?:automake|aclocal)-\d/, 'automake'],
  [/\/libtool\//, 'libtool'],
  [/\/autoconf\//, 'autoconf'],
  [/\/gettext\//, 'gettext'],
  [/\/misc\/config\.(?:guess|sub)$/, 'gnu-config'],
]

const serialAndStamp = (e: CatalogEntry): { serial?: string; stamp?: string } => ({
  ...(e.serial !== undefined ? { serial: e.serial } : {}),
  ...(e.stamp !== undefined ? { stamp: e.stamp } : {}),
})

const projectOf = (path: string): string => PROJECT_BY_DIR.find(([re]) => re.test(path))?.[1] ?? 'system'

/**
 * Catalog entries for the vendorable files under `roots` (directories or files), origin
 * `system:<absolute path>`. A bounded walk: at most {@link LIMITS} files, three levels deep.
 * `known` finds content the bundled catalog already describes; its project is a better name than
 * the directory's. With a `cache`, files unchanged since the last scan are not read again.
 */
export async function scanSystem(
  roots: readonly string[],
  isKnownName: (basename: string) => boolean,
  known: (sha256: string) => CatalogEntry | undefined,
  cache?: SystemScanCache,
): Promise<CatalogEntry[]> {
  const files: WalkedFile[] = []
  const seen = new Set<string>()
  for (const root of roots) {
    if (files.length >= LIMITS.maxFiles) break
    const walked = await walkFiles(root, { maxDepth: LIMITS.maxDepth, maxFiles: LIMITS.maxFiles - files.length })
    for (const file of walked.files) {
      if (seen.has(file.realPath) || file.size > MAX_VENDORED_BYTES) continue
      seen.add(file.realPath)
      files.push(file)
    }
  }
  const previous = cache ? await readScanCache(cache) : new Map<string, CachedFile>()
  const current = new Map<string, CachedFile>()
  const entries = await mapConcurrently(files, READ_CONCURRENCY, async (file): Promise<CatalogEntry | undefined> => {
    const hit = previous.get(file.path)
    if (hit && hit.size === file.size && hit.mtimeMs === file.mtimeMs && hit.ino === file.ino) {
      current.set(file.path, hit)
      return hit.entry ?? undefined
    }
    const entry = await readSystemFile(file, isKnownName, known)
    current.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino, entry: entry ?? null })
    return entry
  })
  if (cache && (current.size !== previous.size || [...current].some(([path, c]) => previous.get(path) !== c))) await writeScanCache(cache, current)
  return entries.filter((e): e is CatalogEntry => e !== undefined)
}

/** What was read of one installed file, valid while its size, modification time and inode stay. */
interface CachedFile {
  readonly size: number
  readonly mtimeMs: number
  readonly ino: number
  readonly entry: CatalogEntry | null
}

/** Where the scan of installed files is kept between runs, and what it was computed against. */
export interface SystemScanCache {
  readonly file: string
  /** identifies the data `known` and `isKnownName` answer from: a scan made against other data is not reused */
  readonly against: string
}

const CACHE_FORMAT = 'stagelight-system-catalog-1'

async function readScanCache(cache: SystemScanCache): Promise<Map<string, CachedFile>> {
  const out = new Map<string, CachedFile>()
  try {
    const data = JSON.parse(await readFile(cache.file, 'utf8')) as { format?: unknown; against?: unknown; files?: unknown }
    if (data.format !== CACHE_FORMAT || data.against !== cache.against || typeof data.files !== 'object' || data.files === null) return out
    for (const [path, c] of Object.entries(data.files as Record<string, CachedFile>)) {
      const valid = typeof c?.size === 'number' && typeof c.mtimeMs === 'number' && typeof c.ino === 'number' && (c.entry === null || (typeof c.entry?.sha256 === 'string' && c.entry.origin === `system:${path}`))
      if (valid) out.set(path, c)
    }
  } catch {
    // no cache yet, or an unreadable one: the files are read again
  }
  return out
}

const writeScanCache = (cache: SystemScanCache, files: ReadonlyMap<string, CachedFile>): Promise<void> =>
  writeCacheFile(cache.file, JSON.stringify({ format: CACHE_FORMAT, against: cache.against, files: Object.fromEntries(files) }))

async function readSystemFile(file: WalkedFile, isKnownName: (basename: string) => boolean, known: (sha256: string) => CatalogEntry | undefined): Promise<CatalogEntry | undefined> {
  {
    const name = basename(file.path)
    const content = await readFile(file.path).catch(() => undefined)
    if (!content || !isVendorable(name, content, isKnownName)) return undefined
    const sha256 = sha256Hex(content)
    const twin = known(sha256)
    // the bundled data already holds the fingerprints of most installed files
    const print: Fingerprint = twin ? { sha256, looseSha256: twin.looseSha256, size: content.length, ...serialAndStamp(twin) } : fingerprint(name, content)
    return {
      basename: name,
      path: file.path.replace(/^\/+/, ''),
      project: twin?.project ?? projectOf(file.path),
      source: 'system',
      ...print,
      origin: `system:${file.path}`,
    }
  }
}

/** `work` over `items` with at most `limit` running at once, results in input order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
