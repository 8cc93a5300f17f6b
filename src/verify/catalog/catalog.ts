import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { StagelightError } from '../../errors.js'
import { bundledDataPath } from '../../util/bundled-data.js'
import type { CatalogEntry } from './entry.js'
import { sha256Hex } from './fingerprint.js'
import { CatalogFormatError, openRawCatalog } from './format.js'
import { readObject, readStore, storeVersion } from './store.js'
import { defaultSystemDirs, scanSystem } from './system.js'
import { isVendoredName } from './vendorable.js'

export type { CatalogEntry, CatalogOrigin } from './entry.js'

export const BUNDLED_CATALOG_FILE = 'autotools-catalog.bin.gz'

export interface CatalogLoadOptions {
  /** directory of the user's catalog (`stagelight catalog add`); none when absent */
  readonly userStore?: string
  /** directories or files installed by the system's package manager; `false` for none, absent for the standard ones */
  readonly systemDirs?: readonly string[] | false
  /** a file where the scan of the system files is kept between runs; unchanged files are not read again */
  readonly systemCacheFile?: string
}

/** A group of entries with its indexes; built once per source and shared by every Catalog. */
interface Layer {
  readonly size: number
  /** what the layer was built from, for caches derived from it */
  readonly identity: string
  withSha(sha256: string): readonly CatalogEntry[] | undefined
  withLoose(looseSha256: string): readonly CatalogEntry[] | undefined
  withName(basename: string): readonly CatalogEntry[] | undefined
  hasName(basename: string): boolean
}

/** A layer of entries held as objects: the user's store and the system's files. */
function entryLayer(entries: readonly CatalogEntry[]): Layer {
  const bySha = new Map<string, CatalogEntry[]>()
  const byLoose = new Map<string, CatalogEntry[]>()
  const byName = new Map<string, CatalogEntry[]>()
  const add = (map: Map<string, CatalogEntry[]>, key: string, entry: CatalogEntry): void => {
    const list = map.get(key)
    if (list) list.push(entry)
    else map.set(key, [entry])
  }
  for (const e of entries) {
    add(bySha, e.sha256, e)
    add(byLoose, e.looseSha256, e)
    add(byName, e.basename, e)
  }
  return {
    size: entries.length,
    identity: '',
    withSha: (sha) => bySha.get(sha),
    withLoose: (sha) => byLoose.get(sha),
    withName: (name) => byName.get(name),
    hasName: (name) => byName.has(name),
  }
}

const EMPTY: readonly CatalogEntry[] = Object.freeze([])

/** The shipped catalog: `data/` at the package root, found from this module. */
export const bundledCatalogPath = (): string => bundledDataPath(BUNDLED_CATALOG_FILE, 'catalog')

const gunzipAsync = promisify(gunzip)

async function loadBundled(): Promise<Layer> {
  const path = bundledCatalogPath()
  try {
    const data = await readFile(path)
    // inflated on libuv's threads, while the main one goes on with the release
    const raw = await gunzipAsync(data).catch((err: unknown) => {
      throw new CatalogFormatError(`not gzip data or truncated (${err instanceof Error ? err.message : String(err)})`)
    })
    const opened = openRawCatalog(raw)
    return {
      size: opened.count,
      identity: sha256Hex(data),
      withSha: opened.withSha,
      withLoose: opened.withLoose,
      withName: opened.withName,
      hasName: opened.hasName,
    }
  } catch (err) {
    if (err instanceof CatalogFormatError) throw new StagelightError('E_INTERNAL', `${path}: damaged catalog data (${err.message})`, { path }, { cause: err })
    throw err
  }
}

// Caches for one process: the shipped data and the system files do not change while it runs;
// a user store does (catalog add), so its cache is keyed by the state of its index.
let bundled: Promise<Layer> | undefined
const systems = new Map<string, Promise<Layer>>()
const users = new Map<string, { version: string; layer: Promise<Layer> }>()

function cached<T>(promise: Promise<T>, forget: () => void): Promise<T> {
  promise.catch(forget)
  return promise
}

function bundledLayer(): Promise<Layer> {
  bundled ??= cached(loadBundled(), () => (bundled = undefined))
  return bundled
}

async function systemLayer(dirs: readonly string[] | false | undefined, known: Layer, cacheFile: string | undefined): Promise<Layer> {
  if (dirs === false) return entryLayer([])
  const roots = dirs ?? (await defaultSystemDirs())
  const key = JSON.stringify(roots)
  let layer = systems.get(key)
  if (!layer) {
    const isKnownName = (name: string): boolean => known.hasName(name)
    const twin = (sha: string): CatalogEntry | undefined => known.withSha(sha)?.[0]
    layer = cached(
      scanSystem(roots, isKnownName, twin, cacheFile !== undefined ? { file: cacheFile, against: known.identity } : undefined).then(entryLayer),
      () => systems.delete(key),
    )
    systems.set(key, layer)
  }
  return layer
}

async function userLayer(store: string | undefined): Promise<Layer> {
  if (store === undefined) return entryLayer([])
  const version = await storeVersion(store)
  const hit = users.get(store)
  if (hit && hit.version === version) return hit.layer
  const layer = cached(
    readStore(store).then(entryLayer),
    () => users.delete(store),
  )
  users.set(store, { version, layer })
  return layer
}

const systemPath = (entry: CatalogEntry): string | undefined => (entry.origin.startsWith('system:') ? entry.origin.slice('system:'.length) : undefined)

/**
 * Every known upstream version of the vendored autotools files: the catalog shipped with
 * stagelight (hashes and facts, no content), the user's store (with content), and the files this
 * system's package manager installed (with content). Lookups return bundled entries first, then
 * the user's, then the system's.
 */
export class Catalog {
  readonly #layers: readonly Layer[]
  readonly #bundled: Layer
  readonly #userStore: string | undefined
  readonly #versions = new Map<string, readonly CatalogEntry[]>()

  private constructor(bundledData: Layer, user: Layer, system: Layer, userStore: string | undefined) {
    this.#bundled = bundledData
    this.#layers = [bundledData, user, system]
    this.#userStore = userStore
  }

  /** Reads a user's store alone (kept for the later load): a broken store fails here, before the shipped data is opened. */
  static async checkStore(store: string): Promise<void> {
    await userLayer(store)
  }

  /** Loads (or reuses, within one process) the bundled data, the user store and the system files. */
  static async load(options: CatalogLoadOptions = {}): Promise<Catalog> {
    const base = await bundledLayer()
    const [user, system] = await Promise.all([userLayer(options.userStore), systemLayer(options.systemDirs, base, options.systemCacheFile)])
    return new Catalog(base, user, system, options.userStore)
  }

  #collect(pick: (layer: Layer) => readonly CatalogEntry[] | undefined): readonly CatalogEntry[] {
    const found = this.#layers.map(pick).filter((l): l is readonly CatalogEntry[] => l !== undefined && l.length > 0)
    if (found.length === 0) return EMPTY
    return found.length === 1 ? (found[0] ?? EMPTY) : found.flat()
  }

  /** Every provenance of exactly these bytes. */
  exact(sha256: string): readonly CatalogEntry[] {
    const key = sha256.toLowerCase()
    return this.#collect((l) => l.withSha(key))
  }

  /** Every entry whose content equals these bytes except for header lines (see looseHash). */
  loose(looseSha256: string): readonly CatalogEntry[] {
    const key = looseSha256.toLowerCase()
    return this.#collect((l) => l.withLoose(key))
  }

  /** One entry per distinct content known under this name, oldest first where dates are known. */
  versionsOf(basename: string): readonly CatalogEntry[] {
    let versions = this.#versions.get(basename)
    if (!versions) {
      const distinct = new Map<string, CatalogEntry>()
      for (const e of this.#collect((l) => l.withName(basename))) if (!distinct.has(e.sha256)) distinct.set(e.sha256, e)
      versions = [...distinct.values()]
      this.#versions.set(basename, versions)
    }
    return versions
  }

  /**
   * Whether this is the name of a vendored upstream file with a known history: a name from the
   * bundled data or the user's store. A name seen only among the system's files does not count
   * (one installed version says nothing about the versions a project may have copied), and
   * neither do names every project writes for itself (Makefile.in, README, version.c).
   */
  isKnownName(basename: string): boolean {
    if (!isVendoredName(basename)) return false
    return this.#bundled.hasName(basename) || (this.#layers[1]?.hasName(basename) ?? false)
  }

  /** The known versions of this name whose bytes are available here (user store and system files), each content once. */
  async contents(basename: string): Promise<readonly { entry: CatalogEntry; content: Buffer }[]> {
    const out: { entry: CatalogEntry; content: Buffer }[] = []
    const seen = new Set<string>()
    for (const entry of this.#collect((l) => l.withName(basename))) {
      if (seen.has(entry.sha256)) continue
      const content = await this.#read(entry)
      if (!content) continue
      seen.add(entry.sha256)
      out.push({ entry, content })
    }
    return out
  }

  async #read(entry: CatalogEntry): Promise<Buffer | undefined> {
    if (entry.origin === 'user') return this.#userStore === undefined ? undefined : readObject(this.#userStore, entry.sha256)
    const path = systemPath(entry)
    if (path === undefined) return undefined
    const content = await readFile(path).catch(() => undefined)
    // the file may have been upgraded since the catalog was loaded
    return content && sha256Hex(content) === entry.sha256 ? content : undefined
  }

  /** How many entries each source holds. */
  get counts(): { readonly bundled: number; readonly user: number; readonly system: number } {
    return { bundled: this.#layers[0]?.size ?? 0, user: this.#layers[1]?.size ?? 0, system: this.#layers[2]?.size ?? 0 }
  }
}
