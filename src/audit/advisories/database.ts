/**
 * @fileoverview Local OSV databases, as osv-scanner keeps them: one `all.zip` per ecosystem from
 * osv.dev's export bucket, stored in the cache with what the server said about it (ETag,
 * Last-Modified) and what was measured (size, SHA-256). Updates are conditional requests; a
 * download is checked against the digest the server announces (`x-goog-hash` MD5,
 * `Content-MD5`), must be a readable zip, and replaces the cached copy only then. A copy whose
 * bytes no longer match the recorded SHA-256 is not used.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import yauzl from 'yauzl'
import { StagelightError } from '../../errors.js'
import { boundedDownload, HttpError, shownUrl } from '../http.js'
import type { Ecosystem } from '../types.js'

/** osv.dev's export bucket: `<base><ecosystem>/all.zip`. */
export const OSV_EXPORT_URL = 'https://osv-vulnerabilities.storage.googleapis.com/'

/**
 * The ecosystems `advisories update` fetches when none is named. GIT holds the CVE records of
 * upstream projects (repository, affected release tags, CVSS): the severities behind Debian's
 * records, and the advisories Debian never recorded for the project a package packages.
 */
export const DEFAULT_DATABASE_ECOSYSTEMS: readonly string[] = ['npm', 'Debian', 'GIT']

/** A database checked this recently is used as it is; older ones are revalidated (a conditional request) before an online audit. */
export const DATABASE_MAX_AGE_MS = 24 * 60 * 60 * 1000

const DEFAULT_MAX_ARCHIVE_BYTES = 4 * 1024 ** 3
const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000

/** The OSV ecosystem holding the advisories for packages of one of audit's ecosystems. */
export const osvEcosystemOf = (ecosystem: Ecosystem): string => (ecosystem === 'npm' ? 'npm' : 'Debian')

/** Every OSV database an audit of packages of this ecosystem needs: Debian packages need their upstream projects' CVE records too. */
export const osvDatabasesFor = (ecosystem: Ecosystem): readonly string[] => (ecosystem === 'npm' ? ['npm'] : ['Debian', 'GIT'])

export interface DatabaseMeta {
  readonly ecosystem: string
  readonly url: string
  readonly etag?: string
  /** the server's Last-Modified: when osv.dev last rebuilt the export */
  readonly lastModified?: string
  /** when these bytes were downloaded (ISO 8601) */
  readonly downloadedAt: string
  /** when the server was last asked whether they are current (ISO 8601) */
  readonly checkedAt: string
  readonly bytes: number
  readonly sha256: string
}

export interface Database {
  readonly ecosystem: string
  /** the cached `all.zip` */
  readonly path: string
  readonly meta: DatabaseMeta
}

export interface UpdateOptions {
  readonly cacheDir: string
  /** the export bucket (default {@link OSV_EXPORT_URL}) */
  readonly baseUrl?: string
  /** hosts the bucket may redirect to */
  readonly redirectHosts?: readonly string[]
  /** an archive larger than this is refused (default 4 GiB) */
  readonly maxBytes?: number
  /** for one archive (default 30 minutes) */
  readonly timeoutMs?: number
  readonly now?: () => Date
}

export interface UpdateResult {
  readonly database: Database
  /** `downloaded`: new bytes; `not-modified`: the server confirmed the cached copy */
  readonly outcome: 'downloaded' | 'not-modified'
}

/** Ecosystem names go into a path and a URL: only osv.dev's own spelling (`npm`, `Debian`, `Alpine:v3.20`, `GIT`). */
function checkEcosystem(ecosystem: string): void {
  if (!/^[A-Za-z][A-Za-z0-9.+-]*(?::[A-Za-z0-9.+-]+)?$/.test(ecosystem)) throw new StagelightError('E_USAGE', `not an OSV ecosystem name: ${JSON.stringify(ecosystem)}`)
}

const databaseDir = (cacheDir: string, ecosystem: string): string => join(cacheDir, 'osv', ecosystem.replace(/:/g, '_'))

export const exportUrl = (baseUrl: string, ecosystem: string): string => `${baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`}${encodeURIComponent(ecosystem)}/all.zip`

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

async function readMeta(dir: string): Promise<DatabaseMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as DatabaseMeta
    return typeof meta.sha256 === 'string' && typeof meta.bytes === 'number' ? meta : undefined
  } catch {
    return undefined
  }
}

/**
 * The cached database of one ecosystem, or why there is none usable. `verify` rehashes the archive
 * (what `audit` does before trusting it); without it only the size is compared.
 */
export async function readDatabase(cacheDir: string, ecosystem: string, verify = true): Promise<{ database: Database } | { missing: string }> {
  checkEcosystem(ecosystem)
  const dir = databaseDir(cacheDir, ecosystem)
  const meta = await readMeta(dir)
  const path = join(dir, 'all.zip')
  if (!meta) return { missing: `no ${ecosystem} database in ${join(cacheDir, 'osv')}` }
  const size = (await stat(path).catch(() => undefined))?.size
  if (size !== meta.bytes) return { missing: `the cached ${ecosystem} database is ${size === undefined ? 'gone' : `${size} bytes, not the ${meta.bytes} downloaded`}` }
  if (verify && (await sha256Of(path)) !== meta.sha256) return { missing: `the cached ${ecosystem} database no longer matches its recorded SHA-256` }
  return { database: { ecosystem, path, meta } }
}

/** The digest the server announces for the body: GCS's `x-goog-hash: md5=…`, else `Content-MD5`. */
const announcedMd5 = (headers: Headers): string | undefined => {
  const goog = headers.get('x-goog-hash')
  const fromGoog = goog
    ?.split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith('md5='))
    ?.slice(4)
  return fromGoog ?? headers.get('content-md5') ?? undefined
}

function checkZip(path: string): Promise<number> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err) return reject(err)
      const entries = zip.entryCount
      zip.close()
      resolve(entries)
    }),
  )
}

/** Downloads (or confirms) the `all.zip` of one ecosystem into the cache. */
export async function updateDatabase(ecosystem: string, options: UpdateOptions): Promise<UpdateResult> {
  checkEcosystem(ecosystem)
  const now = options.now ?? (() => new Date())
  const dir = databaseDir(options.cacheDir, ecosystem)
  await mkdir(dir, { recursive: true })
  const url = exportUrl(options.baseUrl ?? OSV_EXPORT_URL, ecosystem)
  const shown = shownUrl(new URL(url))
  const cached = await readDatabase(options.cacheDir, ecosystem, false)
  const headers: Record<string, string> = { 'user-agent': 'stagelight' }
  if ('database' in cached) {
    if (cached.database.meta.etag) headers['if-none-match'] = cached.database.meta.etag
    if (cached.database.meta.lastModified) headers['if-modified-since'] = cached.database.meta.lastModified
    // fetch() otherwise adds `cache-control: no-cache` to conditional requests, and servers then never answer 304
    headers['cache-control'] = 'max-age=0'
  }
  const tmp = join(dir, `.all.zip.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`)
  const sha256 = createHash('sha256')
  const md5 = createHash('md5')
  try {
    let result
    try {
      result = await boundedDownload(url, tmp, {
        headers,
        maxBytes: options.maxBytes ?? DEFAULT_MAX_ARCHIVE_BYTES,
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...(options.redirectHosts ? { redirectHosts: options.redirectHosts } : {}),
        onChunk: (chunk) => {
          sha256.update(chunk)
          md5.update(chunk)
        },
      })
    } catch (err) {
      const reason = err instanceof HttpError ? err.message : err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)
      throw new StagelightError('E_NETWORK', `could not download the ${ecosystem} advisory database from ${shown}: ${reason}`, { url: shown }, { cause: err })
    }
    if (result.status === 304 && 'database' in cached) {
      const meta: DatabaseMeta = { ...cached.database.meta, checkedAt: now().toISOString() }
      await writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 2))
      return { database: { ...cached.database, meta }, outcome: 'not-modified' }
    }
    if (result.status !== 200) {
      const code = result.status === 404 ? 'E_INPUT_NOT_FOUND' : 'E_NETWORK'
      throw new StagelightError(code, `could not download the ${ecosystem} advisory database: ${shown} answered HTTP ${result.status}${result.status === 404 ? ' (is the ecosystem spelled as osv.dev spells it?)' : ''}`, { url: shown })
    }
    const announced = announcedMd5(result.headers)
    const measured = md5.digest('base64')
    if (announced !== undefined && announced !== measured) {
      throw new StagelightError('E_NETWORK', `the ${ecosystem} advisory database from ${shown} does not match the MD5 the server announced (${announced}, received ${measured}); the cached copy was kept`, { url: shown })
    }
    const declared = Number(result.headers.get('content-length') ?? NaN)
    if (Number.isFinite(declared) && declared !== result.bytes) {
      throw new StagelightError('E_NETWORK', `the ${ecosystem} advisory database from ${shown} was cut short (${result.bytes} of ${declared} bytes); the cached copy was kept`, { url: shown })
    }
    await checkZip(tmp).catch((err: unknown) => {
      throw new StagelightError('E_NETWORK', `the ${ecosystem} advisory database from ${shown} is not a readable zip (${err instanceof Error ? err.message : String(err)}); the cached copy was kept`, { url: shown })
    })
    const at = now().toISOString()
    const etag = result.headers.get('etag') ?? undefined
    const lastModified = result.headers.get('last-modified') ?? undefined
    const meta: DatabaseMeta = { ecosystem, url: shown, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}), downloadedAt: at, checkedAt: at, bytes: result.bytes, sha256: sha256.digest('hex') }
    const path = join(dir, 'all.zip')
    await rename(tmp, path)
    await writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 2))
    return { database: { ecosystem, path, meta }, outcome: 'downloaded' }
  } finally {
    await rm(tmp, { force: true })
  }
}

/** `as of 2026-12-01 (Last-Modified), checked 2026-12-02 05:00 UTC`: what a report says about a database's age. */
export function describeDatabase(database: Database, newestRecord?: string): string {
  const asOf = database.meta.lastModified ? new Date(database.meta.lastModified) : newestRecord ? new Date(newestRecord) : undefined
  const day = (d: Date): string => (Number.isNaN(d.getTime()) ? 'unknown' : d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC')
  return `${asOf ? `as of ${day(asOf)}` : 'date unknown'}, downloaded ${day(new Date(database.meta.downloadedAt))}, checked ${day(new Date(database.meta.checkedAt))}`
}
