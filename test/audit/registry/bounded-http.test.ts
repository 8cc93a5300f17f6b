/**
 * Registry answers from a local HTTP server (loopback only): a body without end is cut at the cap,
 * a redirect to another host is refused (and the other host never asked), a redirect on the same
 * host is followed.
 */
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryNpmBulkAdvisories } from '../../../src/audit/advisories/index.js'
import { boundedRequest } from '../../../src/audit/http.js'
import { RegistryClient } from '../../../src/audit/registry/index.js'
import { loadRegistryConfig } from '../../../src/sources/npm/npmrc.js'

let home: Server
let elsewhere: Server
let homeUrl: string
let elsewhereUrl: string
let elsewhereHits = 0
let endlessBytesSent = 0
let cacheDir: string

const listen = (server: Server): Promise<number> => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))

const packument = (name: string): string => JSON.stringify({ name, 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': { name, version: '1.0.0' } }, time: { '1.0.0': '2020-01-01T00:00:00.000Z' } })

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'stagelight-bounded-'))
  elsewhere = createServer((req, res) => {
    elsewhereHits++
    res.setHeader('content-type', 'application/json')
    res.end(packument(decodeURIComponent((req.url ?? '/').slice(1))))
  })
  // `localhost` and `127.0.0.1` are different hosts to a URL, though the same machine
  elsewhereUrl = `http://localhost:${await listen(elsewhere)}/`
  home = createServer((req, res) => {
    const path = req.url ?? '/'
    if (path === '/endless') {
      // no content-length, and it never ends: only the client's cap stops it
      res.setHeader('content-type', 'application/json')
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) endlessBytesSent += chunk.length
        if (!res.destroyed) res.once('drain', pump)
      }
      res.on('close', () => undefined)
      pump()
      return
    }
    if (path === '/announced') {
      res.setHeader('content-length', String(1024 ** 3))
      res.write('{')
      return
    }
    if (path === '/away') return void res.writeHead(302, { location: `${elsewhereUrl}away` }).end()
    if (path === '/moved') return void res.writeHead(301, { location: '/stay' }).end()
    if (path === '/stay') {
      res.setHeader('content-type', 'application/json')
      return void res.end(packument('stay'))
    }
    if (path === '/-/npm/v1/security/advisories/bulk') return void res.writeHead(307, { location: `${elsewhereUrl}-/npm/v1/security/advisories/bulk` }).end()
    res.writeHead(404).end()
  })
  homeUrl = `http://127.0.0.1:${await listen(home)}/`
})

afterAll(async () => {
  home.closeAllConnections()
  elsewhere.closeAllConnections()
  await new Promise((r) => home.close(r))
  await new Promise((r) => elsewhere.close(r))
  rmSync(cacheDir, { recursive: true, force: true })
})

const client = (maxDocumentBytes?: number) =>
  new RegistryClient({ cacheDir, registry: homeUrl, config: loadRegistryConfig(cacheDir, {}, homeUrl), retries: 0, timeoutMs: 60_000, ...(maxDocumentBytes !== undefined ? { maxDocumentBytes } : {}) })

describe('registry responses are bounded', () => {
  it('a body that never ends is cut at the cap and the document reported unavailable', async () => {
    const result = await client(1024 * 1024).fetchPackument('endless')
    expect(result.kind).toBe('unavailable')
    expect(result.kind === 'unavailable' && result.reason).toMatch(/sent more than the 1048576-byte limit/)
    // the server kept writing only until the client hung up: far below what it would have sent
    expect(endlessBytesSent).toBeLessThan(256 * 1024 * 1024)
  }, 300_000)

  it('a body announced larger than the cap is refused before it is read', async () => {
    await expect(boundedRequest(`${homeUrl}announced`, { maxBytes: 1024, timeoutMs: 30_000 })).rejects.toThrow(/announced 1073741824 bytes, more than the 1024-byte limit/)
  }, 300_000)
})

describe('registry redirects', () => {
  it('a redirect to another host is refused and that host is never asked', async () => {
    const result = await client().fetchPackument('away')
    expect(result.kind).toBe('unavailable')
    expect(result.kind === 'unavailable' && result.reason).toMatch(/redirected to another host \(localhost:\d+\); not followed/)
    expect(elsewhereHits).toBe(0)
  }, 300_000)

  it('a redirect on the same host is followed', async () => {
    const result = await client().fetchPackument('moved')
    expect(result.kind).toBe('found')
    expect(result.kind === 'found' && result.doc.name).toBe('stay')
  }, 300_000)

  it('a host named by the caller may be redirected to', async () => {
    const response = await boundedRequest(`${homeUrl}away`, { maxBytes: 1 << 20, timeoutMs: 30_000, redirectHosts: [new URL(elsewhereUrl).host] })
    expect(response.status).toBe(200)
    expect(elsewhereHits).toBe(1)
  }, 300_000)

  it('the bulk advisory endpoint is not followed to another host either: not consulted, with the reason', async () => {
    const before = elsewhereHits
    const result = await queryNpmBulkAdvisories(homeUrl, [{ name: 'x', version: '1.0.0' }], { retries: 0 })
    expect(result.consulted).toBe(false)
    expect(result.reason).toMatch(/redirected to another host/)
    expect(elsewhereHits).toBe(before)
  }, 300_000)
})
