/**
 * @fileoverview A registry client for `audit`: full package documents (the abbreviated install
 * format lacks maintainers, publishers, times, repositories and licenses), `.npmrc` honoured
 * (registry, scoped registries, tokens — sent, never printed), an on-disk cache revalidated with
 * ETag / Last-Modified and kept for a freshness lifetime that depends on what the registry lets it
 * revalidate with (see {@link freshnessLifetime}), a concurrency limit, retries with backoff, time-outs, `--offline`, and
 * counters for the benchmark.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadRegistryConfig, type RegistryConfig } from '../../sources/npm/npmrc.js'
import { boundedRequest, HttpError } from '../http.js'
import type { Packument } from './types.js'
import { reducePackument } from './facts.js'
import { Limiter } from '../../util/limiter.js'

export interface RegistryClientOptions {
  /** where cached documents live (`<cacheDir>/registry/<registry hash>/<name>.json`) */
  readonly cacheDir: string
  /** the project directory whose `.npmrc` is read (default: process.cwd()) */
  readonly cwd?: string
  /** environment for `.npmrc` expansion and `npm_config_*` (default: process.env) */
  readonly env?: NodeJS.ProcessEnv
  /** `--registry`: one registry for every package, scoped registries ignored */
  readonly registry?: string
  /** a ready configuration instead of reading `.npmrc` */
  readonly config?: RegistryConfig
  /** answer from the cache only; a document not cached is "unavailable (not cached)" */
  readonly offline?: boolean
  /** simultaneous requests (default 16) */
  readonly concurrency?: number
  /** per request, including the body (default 30 s) */
  readonly timeoutMs?: number
  /** retries after the first attempt on network errors, time-outs, 5xx and 429 (default 3) */
  readonly retries?: number
  /** first backoff delay, doubled per retry with jitter; a 429's Retry-After is honoured up to 30 s (default 250 ms) */
  readonly backoffMs?: number
  /** a document larger than this is refused (default 100 MiB; the largest public packuments are a few tens of MiB) */
  readonly maxDocumentBytes?: number
  /** hosts a registry may redirect to besides its own (default none: a redirect elsewhere is refused) */
  readonly redirectHosts?: readonly string[]
  /** a cached document younger than this is used without asking the registry (default 5 minutes; 0 always asks) */
  readonly maxAgeMs?: number
  /**
   * how long a document the registry sent without ETag or Last-Modified is used without asking again
   * (default 1 hour; 0 when `maxAgeMs` is 0). Asking again means downloading it whole, since nothing
   * lets the registry answer 304; a Cache-Control max-age from the registry lengthens it.
   */
  readonly unvalidatedMaxAgeMs?: number
  readonly onProgress?: (message: string) => void
}

/** Where a document came from. */
export type DocumentSource = 'network' | 'cache' | 'revalidated' | 'stale-cache'

export type PackumentResult =
  | { readonly kind: 'found'; readonly name: string; readonly registry: string; readonly doc: Packument; readonly source: DocumentSource; readonly warning?: string }
  | { readonly kind: 'not-found'; readonly name: string; readonly registry: string; readonly source: DocumentSource }
  | {
      readonly kind: 'unavailable'
      readonly name: string
      readonly registry: string
      /** `not-cached`: --offline and never fetched; `network`: unreachable, timed out or 5xx after retries; `http`: another status (401, 403…); `invalid`: not JSON */
      readonly cause: 'not-cached' | 'network' | 'http' | 'invalid'
      readonly reason: string
    }

export interface RegistryStats {
  /** HTTP requests sent, retries included */
  requests: number
  /** documents answered from the cache without a request (fresh or offline) */
  cacheHits: number
  /** revalidations answered 304 Not Modified */
  notModified: number
  /** full documents downloaded (200) */
  downloaded: number
  retries: number
  /** bytes of document bodies downloaded */
  bytes: number
}

interface CacheMeta {
  readonly url: string
  readonly status: 200 | 404
  readonly etag?: string
  readonly lastModified?: string
  /** the registry's Cache-Control max-age, in seconds, when it sent one (and no no-cache/no-store) */
  readonly maxAge?: number
  readonly fetchedAt: number
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/**
 * How long a cached document is used without asking the registry.
 * - With an ETag, asking is cheap (a 304 with no body): `maxAgeMs`.
 * - With only Last-Modified, a 304 may come too, and the document's age says how often it changes:
 *   10% of the time since it last changed, as HTTP caches do (RFC 9111 §4.2.2), between `maxAgeMs`
 *   and the unvalidated lifetime.
 * - With neither, asking again costs the whole document: the unvalidated lifetime.
 * A Cache-Control max-age from the registry is honoured when it is longer. `maxAgeMs: 0` always asks.
 */
export function freshnessLifetime(meta: Pick<CacheMeta, 'etag' | 'lastModified' | 'maxAge' | 'fetchedAt'>, maxAgeMs: number, unvalidatedMaxAgeMs: number): number {
  if (maxAgeMs === 0) return 0
  let lifetime: number
  if (meta.etag !== undefined) lifetime = maxAgeMs
  else if (meta.lastModified !== undefined && Number.isFinite(Date.parse(meta.lastModified))) {
    const unchangedFor = Math.max(0, meta.fetchedAt - Date.parse(meta.lastModified))
    lifetime = Math.min(Math.max(unchangedFor / 10, maxAgeMs), Math.max(unvalidatedMaxAgeMs, maxAgeMs))
  } else lifetime = Math.max(unvalidatedMaxAgeMs, maxAgeMs)
  return meta.maxAge !== undefined ? Math.max(lifetime, meta.maxAge * 1000) : lifetime
}

/** `max-age` of a Cache-Control header that allows caching at all, in seconds */
export function cacheControlMaxAge(header: string | undefined): number | undefined {
  if (header === undefined) return undefined
  const directives = header.toLowerCase().split(',').map((d) => d.trim())
  if (directives.some((d) => d === 'no-cache' || d === 'no-store' || d === 'private')) return undefined
  const age = directives.map((d) => /^max-age=(\d{1,9})$/.exec(d)?.[1]).find((v) => v !== undefined)
  return age !== undefined ? Number(age) : undefined
}

const DEFAULTS = { concurrency: 16, timeoutMs: 30_000, retries: 3, backoffMs: 250, maxAgeMs: 5 * MINUTE, unvalidatedMaxAgeMs: HOUR, maxDocumentBytes: 100 * 1024 * 1024 }

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`)

/** The URL of a package document: `@scope/name` is sent as `@scope%2fname`, as npm does. */
export const packumentUrl = (registry: string, name: string): string => `${withSlash(registry)}${name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)}`

const describe = (err: unknown): string => {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out'
    const cause = err.cause instanceof Error ? err.cause : undefined
    return cause ? `${cause.message}${'code' in cause && typeof cause.code === 'string' && !cause.message.includes(cause.code) ? ` (${cause.code})` : ''}` : err.message
  }
  return String(err)
}

class HttpFailure extends Error {
  readonly retryable: boolean
  readonly status: number | undefined
  constructor(message: string, retryable: boolean, status?: number) {
    super(message)
    this.retryable = retryable
    this.status = status
  }
}

export class RegistryClient {
  private readonly options: RegistryClientOptions
  private readonly config: RegistryConfig
  private readonly limiter: Limiter
  private readonly inFlight = new Map<string, Promise<PackumentResult>>()
  private readonly counters: RegistryStats = { requests: 0, cacheHits: 0, notModified: 0, downloaded: 0, retries: 0, bytes: 0 }

  constructor(options: RegistryClientOptions) {
    this.options = options
    this.config = options.config ?? loadRegistryConfig(options.cwd ?? process.cwd(), options.env ?? process.env, options.registry)
    this.limiter = new Limiter(options.concurrency ?? DEFAULTS.concurrency)
  }

  /** The registry a package is fetched from (scoped registries honoured). */
  registryFor(name: string): string {
    return this.config.registryFor(name)
  }

  /** A copy of the counters so far. */
  stats(): RegistryStats {
    return { ...this.counters }
  }

  /**
   * The full document of a package; one fetch per name and client, however often it is asked.
   * `refresh` asks the registry even when the cached copy is within its freshness lifetime (a
   * lockfile naming a version the cached copy lacks was resolved after it was cached).
   */
  fetchPackument(name: string, options: { readonly refresh?: boolean } = {}): Promise<PackumentResult> {
    const registry = this.config.registryFor(name)
    const refresh = options.refresh === true
    const key = `${registry} ${name}${refresh ? ' refresh' : ''}`
    let pending = this.inFlight.get(key)
    if (!pending) {
      pending = this.limiter.run(() => this.load(name, registry, refresh))
      this.inFlight.set(key, pending)
    }
    return pending
  }

  private cachePaths(registry: string, name: string): { dir: string; body: string; meta: string } {
    const dir = join(this.options.cacheDir, 'registry', createHash('sha256').update(registry).digest('hex').slice(0, 16))
    const file = encodeURIComponent(name)
    return { dir, body: join(dir, `${file}.json`), meta: join(dir, `${file}.meta.json`) }
  }

  private async readCache(registry: string, name: string): Promise<{ meta: CacheMeta; body: string | undefined } | undefined> {
    const paths = this.cachePaths(registry, name)
    try {
      const meta = JSON.parse(await readFile(paths.meta, 'utf8')) as CacheMeta
      if (meta.status === 404) return { meta, body: undefined }
      return { meta, body: await readFile(paths.body, 'utf8') }
    } catch {
      return undefined
    }
  }

  private async writeCache(registry: string, name: string, meta: CacheMeta, body: string | undefined): Promise<void> {
    const paths = this.cachePaths(registry, name)
    await mkdir(paths.dir, { recursive: true })
    const tmp = `.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
    if (body !== undefined) {
      await writeFile(paths.body + tmp, body)
      await rename(paths.body + tmp, paths.body)
    }
    await writeFile(paths.meta + tmp, JSON.stringify(meta))
    await rename(paths.meta + tmp, paths.meta)
  }

  private fromCache(name: string, registry: string, cached: { meta: CacheMeta; body: string | undefined }, source: DocumentSource, warning?: string): PackumentResult {
    if (cached.meta.status === 404 || cached.body === undefined) return { kind: 'not-found', name, registry, source }
    try {
      const doc = JSON.parse(cached.body) as Packument
      return warning ? { kind: 'found', name, registry, doc, source, warning } : { kind: 'found', name, registry, doc, source }
    } catch {
      return { kind: 'unavailable', name, registry, cause: 'invalid', reason: 'the cached document is not JSON' }
    }
  }

  private async load(name: string, registry: string, refresh = false): Promise<PackumentResult> {
    const cached = await this.readCache(registry, name)
    if (this.options.offline) {
      if (!cached) return { kind: 'unavailable', name, registry, cause: 'not-cached', reason: `${name} is not cached and --offline forbids fetching it from ${registry}` }
      this.counters.cacheHits++
      return this.fromCache(name, registry, cached, 'cache')
    }
    const maxAge = this.options.maxAgeMs ?? DEFAULTS.maxAgeMs
    const unvalidated = this.options.unvalidatedMaxAgeMs ?? (maxAge === 0 ? 0 : DEFAULTS.unvalidatedMaxAgeMs)
    if (cached && !refresh && Date.now() - cached.meta.fetchedAt < freshnessLifetime(cached.meta, maxAge, unvalidated)) {
      this.counters.cacheHits++
      return this.fromCache(name, registry, cached, 'cache')
    }

    const url = packumentUrl(registry, name)
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'stagelight' }
    const authorization = this.config.authorizationFor(url)
    if (authorization) headers.authorization = authorization
    if (cached?.meta.status === 200 && cached.body !== undefined) {
      if (cached.meta.etag) headers['if-none-match'] = cached.meta.etag
      if (cached.meta.lastModified) headers['if-modified-since'] = cached.meta.lastModified
      // fetch() otherwise adds `cache-control: no-cache` to conditional requests, and servers then never answer 304
      if (cached.meta.etag || cached.meta.lastModified) headers['cache-control'] = 'max-age=0'
    }
    this.options.onProgress?.(`fetching ${name} from ${registry}`)

    let response: Awaited<ReturnType<RegistryClient['request']>>
    try {
      response = await this.request(url, headers)
    } catch (err) {
      const reason = err instanceof HttpFailure ? err.message : describe(err)
      const status = err instanceof HttpFailure ? err.status : undefined
      const cause = status !== undefined && status < 500 && status !== 429 ? 'http' : 'network'
      if (cached && cause === 'network') return this.fromCache(name, registry, cached, 'stale-cache', `${registry} could not be reached (${reason}); the cached document from ${new Date(cached.meta.fetchedAt).toISOString()} was used`)
      return { kind: 'unavailable', name, registry, cause, reason: `${new URL(url).origin}: ${reason}` }
    }

    if (response.status === 304 && cached) {
      this.counters.notModified++
      await this.writeCache(registry, name, { ...cached.meta, fetchedAt: Date.now() }, undefined)
      return this.fromCache(name, registry, cached, 'revalidated')
    }
    if (response.status === 404) {
      await this.writeCache(registry, name, { url, status: 404, fetchedAt: Date.now() }, undefined)
      return { kind: 'not-found', name, registry, source: 'network' }
    }
    if (response.status !== 200) return { kind: 'unavailable', name, registry, cause: 'http', reason: `${new URL(url).origin} answered HTTP ${response.status}` }
    let doc: Packument
    try {
      doc = JSON.parse(response.body) as Packument
    } catch {
      return { kind: 'unavailable', name, registry, cause: 'invalid', reason: `${new URL(url).origin} sent a document for ${name} that is not JSON` }
    }
    this.counters.downloaded++
    this.counters.bytes += Buffer.byteLength(response.body)
    const serverMaxAge = cacheControlMaxAge(response.cacheControl)
    const meta: CacheMeta = {
      url,
      status: 200,
      fetchedAt: Date.now(),
      ...(response.etag ? { etag: response.etag } : {}),
      ...(response.lastModified ? { lastModified: response.lastModified } : {}),
      ...(serverMaxAge !== undefined ? { maxAge: serverMaxAge } : {}),
    }
    await this.writeCache(registry, name, meta, JSON.stringify(reducePackument(doc)))
    return { kind: 'found', name, registry, doc, source: 'network' }
  }

  /** One GET with time-out and retries; answers 2xx, 304, 404 and other 4xx, throws after the last retry. */
  private async request(
    url: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: string; etag: string | undefined; lastModified: string | undefined; cacheControl?: string | undefined }> {
    const retries = this.options.retries ?? DEFAULTS.retries
    const backoff = this.options.backoffMs ?? DEFAULTS.backoffMs
    let last: unknown
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        this.counters.retries++
        const retryAfter = last instanceof HttpFailure && last.status === 429 && last.message.match(/retry after (\d+)s/)?.[1]
        const delay = retryAfter ? Math.min(30_000, Number(retryAfter) * 1000) : backoff * 2 ** (attempt - 1) * (0.5 + Math.random())
        await new Promise((r) => setTimeout(r, delay))
      }
      this.counters.requests++
      try {
        const response = await boundedRequest(url, {
          headers,
          maxBytes: this.options.maxDocumentBytes ?? DEFAULTS.maxDocumentBytes,
          timeoutMs: this.options.timeoutMs ?? DEFAULTS.timeoutMs,
          ...(this.options.redirectHosts ? { redirectHosts: this.options.redirectHosts } : {}),
        })
        if (response.status >= 500 || response.status === 429) {
          const after = response.headers.get('retry-after')
          last = new HttpFailure(`HTTP ${response.status}${after && /^\d+$/.test(after) ? ` (retry after ${after}s)` : ''}`, true, response.status)
          continue
        }
        if (response.status !== 200) {
          if (response.status === 304 || response.status === 404) return { status: response.status, body: '', etag: undefined, lastModified: undefined }
          throw new HttpFailure(`HTTP ${response.status}${response.status === 401 || response.status === 403 ? ' (check the token configured for this registry in .npmrc)' : ''}`, false, response.status)
        }
        return {
          status: 200,
          body: response.body.toString('utf8'),
          etag: response.headers.get('etag') ?? undefined,
          lastModified: response.headers.get('last-modified') ?? undefined,
          cacheControl: response.headers.get('cache-control') ?? undefined,
        }
      } catch (err) {
        if (err instanceof HttpError) throw new HttpFailure(err.message, false, err.status)
        if (err instanceof HttpFailure && !err.retryable) throw err
        last = err
      }
    }
    if (last instanceof HttpFailure) throw new HttpFailure(`${last.message} after ${retries + 1} attempts`, false, last.status)
    throw new HttpFailure(`${describe(last)} after ${retries + 1} attempts`, false)
  }
}
