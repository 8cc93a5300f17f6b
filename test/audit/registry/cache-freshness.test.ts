/**
 * How long the registry cache keeps a document, against a real registry (Verdaccio) seen through a
 * proxy that rewrites its response headers the way other registries answer: no ETag at all (as the
 * npm mirror this project is developed against does), or a Cache-Control max-age. Verdaccio itself
 * sends an ETag and no Last-Modified. A document's age is set by rewriting its cache record's
 * fetch time, so nothing here waits.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs'
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cacheControlMaxAge, freshnessLifetime } from '../../../src/audit/registry/client.js'
import { RegistryClient, type PackumentResult } from '../../../src/audit/registry/index.js'
import { startRegistry, type LocalRegistry } from '../../helpers/registry.js'
import { runMain } from '../../helpers/in-process.js'
import type { Report } from '../../../src/model/report.js'

let registry: LocalRegistry
let root: string
let proxy: Server
let proxyUrl: string
const seen: { path: string; headers: IncomingHttpHeaders; status?: number | undefined }[] = []
/** response headers the proxy removes, and adds */
let drop: string[] = []
let add: Record<string, string> = {}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-cache-fresh-'))
  registry = await startRegistry()
  const target = new URL(registry.url)
  proxy = createServer((req, res) => {
    const entry: (typeof seen)[number] = { path: req.url ?? '', headers: req.headers }
    seen.push(entry)
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
      entry.status = up.statusCode
      const headers = { ...up.headers, ...add }
      for (const name of drop) delete headers[name]
      res.writeHead(up.statusCode ?? 502, headers)
      up.pipe(res)
    })
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`
  for (const name of ['lantern', 'spotlight', 'footlight']) await registry.publish('alice', { name, version: '1.0.0', license: 'MIT' }, { 'index.js': '1\n' })
}, 900_000)

afterAll(async () => {
  await new Promise((r) => proxy?.close(r))
  await registry?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

beforeEach(() => {
  seen.length = 0
  drop = []
  add = {}
})

let counter = 0
const freshCache = (): string => join(root, `cache-${counter++}`)
const client = (cacheDir: string): RegistryClient => new RegistryClient({ cacheDir, registry: proxyUrl, cwd: root, env: { HOME: root }, retries: 0 })
const source = (r: PackumentResult): string => (r.kind === 'found' ? r.source : r.kind)

/** makes the cached record of `name` as old as `ageMs` */
function age(cacheDir: string, name: string, ageMs: number): void {
  const dir = join(cacheDir, 'registry')
  const [hash] = readdirSync(dir)
  const file = join(dir, hash as string, `${name}.meta.json`)
  const meta = JSON.parse(readFileSync(file, 'utf8')) as { fetchedAt: number }
  writeFileSync(file, JSON.stringify({ ...meta, fetchedAt: Date.now() - ageMs }))
}

const MINUTE = 60_000

describe('registry cache freshness', () => {
  it('a document sent without ETag or Last-Modified is not downloaded again on every run after five minutes', async () => {
    drop = ['etag', 'last-modified']
    const cache = freshCache()
    expect(source(await client(cache).fetchPackument('lantern'))).toBe('network')
    age(cache, 'lantern', 10 * MINUTE)
    const second = client(cache)
    expect(source(await second.fetchPackument('lantern'))).toBe('cache')
    expect(second.stats()).toMatchObject({ requests: 0, cacheHits: 1, downloaded: 0 })
    // past the unvalidated lifetime (1 hour) it is fetched whole again, with nothing to make it conditional
    age(cache, 'lantern', 61 * MINUTE)
    const third = client(cache)
    expect(source(await third.fetchPackument('lantern'))).toBe('network')
    expect(third.stats()).toMatchObject({ requests: 1, downloaded: 1 })
    expect(seen.at(-1)?.headers['if-none-match']).toBeUndefined()
    expect(seen.at(-1)?.headers['if-modified-since']).toBeUndefined()
  })

  it('a document with an ETag is revalidated after five minutes, and the 304 costs no download', async () => {
    const cache = freshCache()
    await client(cache).fetchPackument('spotlight')
    age(cache, 'spotlight', 10 * MINUTE)
    const second = client(cache)
    expect(source(await second.fetchPackument('spotlight'))).toBe('revalidated')
    expect(seen.at(-1)?.status).toBe(304)
    expect(second.stats()).toMatchObject({ requests: 1, notModified: 1, downloaded: 0 })
  })

  it("the registry's Cache-Control max-age keeps a document longer", async () => {
    drop = ['etag']
    add = { 'cache-control': 'public, max-age=10800' }
    const cache = freshCache()
    await client(cache).fetchPackument('footlight')
    age(cache, 'footlight', 2 * 60 * MINUTE)
    const second = client(cache)
    expect(source(await second.fetchPackument('footlight'))).toBe('cache')
    expect(second.stats().requests).toBe(0)
  })
})

describe('a lockfile newer than the cached document', () => {
  it('refresh asks the registry within the freshness lifetime', async () => {
    drop = ['etag', 'last-modified']
    const cache = freshCache()
    await registry.publish('alice', { name: 'beacon-lamp', version: '1.0.0', license: 'MIT' }, { 'index.js': '1\n' })
    await client(cache).fetchPackument('beacon-lamp')
    await registry.publish('alice', { name: 'beacon-lamp', version: '1.1.0', license: 'MIT' }, { 'index.js': '2\n' })
    const cached = await client(cache).fetchPackument('beacon-lamp')
    expect(cached.kind === 'found' && Object.keys(cached.doc.versions ?? {})).toEqual(['1.0.0'])
    const refreshed = await client(cache).fetchPackument('beacon-lamp', { refresh: true })
    expect(refreshed.kind === 'found' && refreshed.source).toBe('network')
    expect(refreshed.kind === 'found' && Object.keys(refreshed.doc.versions ?? {}).sort()).toEqual(['1.0.0', '1.1.0'])
  })

  it('audit asks again for a package whose locked version the cached document lacks, instead of reporting it missing', async () => {
    drop = ['etag', 'last-modified']
    const cache = freshCache()
    await registry.publish('alice', { name: 'signal-flare', version: '1.0.0', license: 'MIT' }, { 'index.js': '1\n' })
    await client(cache).fetchPackument('signal-flare')
    await registry.publish('alice', { name: 'signal-flare', version: '1.1.0', license: 'MIT' }, { 'index.js': '2\n' })
    const project = join(root, 'flare-app')
    mkdirSync(project, { recursive: true })
    writeFileSync(join(project, '.npmrc'), `registry=${proxyUrl}\n`)
    writeFileSync(
      join(project, 'package-lock.json'),
      JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: { 'signal-flare': '1.1.0' } }, 'node_modules/signal-flare': { version: '1.1.0', resolved: `${proxyUrl}signal-flare/-/signal-flare-1.1.0.tgz` } } }),
    )
    seen.length = 0
    const r = await runMain(['audit', project, '--no-advisory-database', '--cache-dir', cache, '--format', 'json', '--fail-on', 'none'], { cwd: project, env: { HOME: project } })
    const report = JSON.parse(r.stdout) as Report
    expect(report.findings.filter((f) => f.ruleId === 'audit/version-missing')).toEqual([])
    expect(seen.filter((x) => x.path === '/signal-flare')).toHaveLength(1)
  })
})

describe('freshnessLifetime', () => {
  const now = Date.parse('2026-01-10T00:00:00Z')
  it.each([
    ['ETag', { etag: '"x"', fetchedAt: now }, 5 * MINUTE],
    ['nothing to revalidate with', { fetchedAt: now }, 60 * MINUTE],
    // unchanged for 100 minutes: 10 minutes
    ['Last-Modified 100 minutes before', { lastModified: new Date(now - 100 * MINUTE).toUTCString(), fetchedAt: now }, 10 * MINUTE],
    // unchanged for a year: capped at the unvalidated lifetime
    ['Last-Modified a year before', { lastModified: new Date(now - 365 * 24 * 60 * MINUTE).toUTCString(), fetchedAt: now }, 60 * MINUTE],
    // unchanged for 10 minutes: not less than maxAgeMs
    ['Last-Modified 10 minutes before', { lastModified: new Date(now - 10 * MINUTE).toUTCString(), fetchedAt: now }, 5 * MINUTE],
    ['an unreadable Last-Modified', { lastModified: 'yesterday', fetchedAt: now }, 60 * MINUTE],
    ['ETag and Cache-Control max-age=3600', { etag: '"x"', maxAge: 3600, fetchedAt: now }, 60 * MINUTE],
  ])('%s', (_label, meta, expected) => {
    expect(freshnessLifetime(meta, 5 * MINUTE, 60 * MINUTE)).toBe(expected)
  })

  it('maxAgeMs 0 always asks, whatever the registry sent', () => {
    expect(freshnessLifetime({ maxAge: 3600, fetchedAt: now }, 0, 60 * MINUTE)).toBe(0)
  })

  it.each([
    ['public, max-age=300', 300],
    ['max-age=300, no-cache', undefined],
    ['no-store', undefined],
    ['private, max-age=60', undefined],
    ['s-maxage=10', undefined],
    [undefined, undefined],
  ])('Cache-Control %s → %s', (header, expected) => {
    expect(cacheControlMaxAge(header)).toBe(expected)
  })
})
