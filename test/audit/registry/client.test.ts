/**
 * The registry client against a real registry (Verdaccio), seen through a small counting proxy in
 * front of it that can also fail or stall on demand: requests made, cache hits, 304 revalidation,
 * --offline, retries, time-outs, the concurrency limit, and .npmrc (scoped registry, token).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { RegistryClient, type PackumentResult } from '../../../src/audit/registry/index.js'
import { startRegistry, type LocalRegistry } from '../../helpers/registry.js'

let registry: LocalRegistry
let root: string
let proxy: Server
let proxyUrl: string

interface Seen {
  readonly path: string
  readonly headers: IncomingHttpHeaders
  status?: number | undefined
}
const seen: Seen[] = []
let active = 0
let peak = 0
/** per path: answer these statuses first (then forward), or stall forever */
const faults = new Map<string, number[] | 'stall'>()
let delayMs = 0

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-audit-client-'))
  registry = await startRegistry()
  const target = new URL(registry.url)
  proxy = createServer((req, res) => {
    const entry: Seen = { path: req.url ?? '', headers: req.headers }
    seen.push(entry)
    active++
    peak = Math.max(peak, active)
    const done = (): void => {
      active--
    }
    const fault = faults.get(entry.path)
    if (fault === 'stall') {
      req.on('close', done)
      return
    }
    if (fault && fault.length > 0) {
      entry.status = fault.shift()
      res.writeHead(entry.status ?? 500, entry.status === 429 ? { 'retry-after': '0' } : {}).end('{"error":"injected"}')
      done()
      return
    }
    setTimeout(() => {
      const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
        entry.status = up.statusCode
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
        up.on('end', done)
      })
      upstream.on('error', () => {
        res.writeHead(502).end()
        done()
      })
      req.pipe(upstream)
    }, delayMs)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`
  await registry.publish('alice', { name: 'harbour-lights', version: '1.0.0', license: 'MIT' }, { 'index.js': '1\n' })
  await registry.publish('alice', { name: '@acme/beacon', version: '1.0.0', license: 'MIT' }, { 'index.js': '1\n' })
  for (let i = 0; i < 12; i++) await registry.publish('bob', { name: `fleet-${i}`, version: '1.0.0', license: 'MIT' }, { 'index.js': `${i}\n` })
}, 900_000)

afterAll(async () => {
  await new Promise((r) => proxy?.close(r))
  await registry?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

beforeEach(() => {
  seen.length = 0
  faults.clear()
  peak = 0
  delayMs = 0
})

let cacheCounter = 0
const freshCache = (): string => join(root, `cache-${cacheCounter++}`)
const client = (cacheDir: string, extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}): RegistryClient => new RegistryClient({ cacheDir, registry: proxyUrl, cwd: root, env: { HOME: root }, backoffMs: 10, ...extra })
const found = (r: PackumentResult): Extract<PackumentResult, { kind: 'found' }> => {
  if (r.kind !== 'found') throw new Error(`expected a document, got ${JSON.stringify(r)}`)
  return r
}

describe('RegistryClient', () => {
  it('fetches the full document (Accept: application/json), then answers from the cache', async () => {
    const cache = freshCache()
    const a = client(cache)
    const first = found(await a.fetchPackument('harbour-lights'))
    expect(first.source).toBe('network')
    expect(first.doc.time?.['1.0.0']).toBeDefined() // the abbreviated format has no time
    expect(seen).toHaveLength(1)
    expect(seen[0]?.headers.accept).toBe('application/json')
    expect(a.stats()).toMatchObject({ requests: 1, downloaded: 1, cacheHits: 0, notModified: 0 })
    // the same client asks once per name
    await a.fetchPackument('harbour-lights')
    expect(seen).toHaveLength(1)
    // a new client within maxAge: a cache hit, no request
    const b = client(cache)
    expect(found(await b.fetchPackument('harbour-lights')).source).toBe('cache')
    expect(seen).toHaveLength(1)
    expect(b.stats()).toMatchObject({ requests: 0, cacheHits: 1 })
  })

  it('revalidates with If-None-Match and takes a 304 as the cached document; a changed document is downloaded again', async () => {
    const cache = freshCache()
    await client(cache).fetchPackument('harbour-lights')
    const again = client(cache, { maxAgeMs: 0 })
    const r = found(await again.fetchPackument('harbour-lights'))
    expect(r.source).toBe('revalidated')
    expect(seen[1]?.headers['if-none-match']).toMatch(/^"[0-9a-f]+"$/)
    expect(seen[1]?.status).toBe(304)
    expect(again.stats()).toMatchObject({ requests: 1, notModified: 1, downloaded: 0 })
    expect(Object.keys(r.doc.versions ?? {})).toEqual(['1.0.0'])

    await registry.publish('alice', { name: 'harbour-lights', version: '1.1.0', license: 'MIT' }, { 'index.js': '2\n' })
    const third = client(cache, { maxAgeMs: 0 })
    const updated = found(await third.fetchPackument('harbour-lights'))
    expect(updated.source).toBe('network')
    expect(Object.keys(updated.doc.versions ?? {}).sort()).toEqual(['1.0.0', '1.1.0'])
    expect(third.stats()).toMatchObject({ requests: 1, notModified: 0, downloaded: 1 })
  })

  it('works --offline from the cache, and says "not cached" for a document it never fetched', async () => {
    const cache = freshCache()
    await client(cache).fetchPackument('harbour-lights')
    seen.length = 0
    const offline = client(cache, { offline: true })
    expect(found(await offline.fetchPackument('harbour-lights')).source).toBe('cache')
    const missing = await offline.fetchPackument('fleet-1')
    expect(missing).toMatchObject({ kind: 'unavailable', cause: 'not-cached', name: 'fleet-1' })
    expect(missing.kind === 'unavailable' && missing.reason).toMatch(/not cached.*--offline/)
    expect(seen).toHaveLength(0)
    expect(offline.stats()).toMatchObject({ requests: 0, cacheHits: 1 })
  })

  it('answers "not found" for an unknown package, and remembers it for --offline', async () => {
    const cache = freshCache()
    expect(await client(cache).fetchPackument('no-such-package-here')).toMatchObject({ kind: 'not-found', source: 'network' })
    expect(await client(cache, { offline: true }).fetchPackument('no-such-package-here')).toMatchObject({ kind: 'not-found', source: 'cache' })
  })

  it('retries 5xx and 429 with backoff, and gives up with a typed "unavailable" result', async () => {
    faults.set('/fleet-2', [503, 429])
    const c = client(freshCache(), { retries: 3 })
    expect(found(await c.fetchPackument('fleet-2')).source).toBe('network')
    expect(seen.map((s) => s.status)).toEqual([503, 429, 200])
    expect(c.stats()).toMatchObject({ requests: 3, retries: 2, downloaded: 1 })

    seen.length = 0
    faults.set('/fleet-3', [500, 500, 500])
    const d = client(freshCache(), { retries: 2 })
    const r = await d.fetchPackument('fleet-3')
    expect(r).toMatchObject({ kind: 'unavailable', cause: 'network' })
    expect(r.kind === 'unavailable' && r.reason).toContain('HTTP 500 after 3 attempts')
    expect(seen).toHaveLength(3)
  })

  it('times out a stalled request, and falls back to a stale cached copy when the registry cannot be reached', async () => {
    const cache = freshCache()
    await client(cache).fetchPackument('fleet-4')
    faults.set('/fleet-4', 'stall')
    faults.set('/fleet-5', 'stall')
    const c = client(cache, { timeoutMs: 300, retries: 1, maxAgeMs: 0 })
    const stale = found(await c.fetchPackument('fleet-4'))
    expect(stale.source).toBe('stale-cache')
    expect(stale.warning).toMatch(/timed out/)
    const none = await c.fetchPackument('fleet-5')
    expect(none).toMatchObject({ kind: 'unavailable', cause: 'network' })
    expect(none.kind === 'unavailable' && none.reason).toMatch(/timed out after 2 attempts/)
  })

  it('keeps at most `concurrency` requests in flight', async () => {
    delayMs = 50
    const c = client(freshCache(), { concurrency: 3 })
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => c.fetchPackument(`fleet-${i}`)))
    expect(results.every((r) => r.kind === 'found')).toBe(true)
    expect(seen).toHaveLength(12)
    expect(peak).toBe(3)
  })

  it('honours .npmrc: the scoped registry and its token from the environment, never shown in results', async () => {
    const project = mkdtempSync(join(root, 'project-'))
    const port = new URL(proxyUrl).port
    writeFileSync(join(project, '.npmrc'), `registry=http://127.0.0.1:9/\n@acme:registry=${proxyUrl}\n//127.0.0.1:${port}/:_authToken=\${ACME_TOKEN}\n`)
    const c = new RegistryClient({ cacheDir: freshCache(), cwd: project, env: { HOME: project, ACME_TOKEN: 's3cret-token-value' }, retries: 0, timeoutMs: 2000 })
    expect(c.registryFor('@acme/beacon')).toBe(proxyUrl)
    const scoped = found(await c.fetchPackument('@acme/beacon'))
    expect(scoped.doc.name).toBe('@acme/beacon')
    expect(seen[0]?.path).toMatch(/^\/@acme%2fbeacon$/i)
    expect(seen[0]?.headers.authorization).toBe('Bearer s3cret-token-value')
    // the default registry (a closed port) is unreachable: a typed result without the token
    const other = await c.fetchPackument('harbour-lights')
    expect(other).toMatchObject({ kind: 'unavailable', cause: 'network', registry: 'http://127.0.0.1:9/' })
    expect(JSON.stringify([scoped.registry, other])).not.toContain('s3cret')
  })
})
