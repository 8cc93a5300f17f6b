import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { advisoryFindings, bulkKey, queryNpmBulkAdvisories } from '../../../src/audit/advisories/index.js'
import { npmPkg } from './helpers.js'

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void

/** A local stand-in for a registry; each test sets how it answers. */
let handler: Handler = (_req, _body, res) => res.writeHead(500).end()
const requests: { method: string; url: string; body: string; headers: IncomingMessage['headers'] }[] = []
let server: Server
let base: string
const hanging = new Set<ServerResponse>()

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      requests.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers })
      handler(req, body, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterEach(() => {
  requests.length = 0
  for (const res of hanging) res.destroy()
  hanging.clear()
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const ADVISORIES = {
  lodash: [
    {
      id: 1106913,
      url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
      title: 'Command Injection in lodash',
      severity: 'high',
      vulnerable_versions: '<4.17.21',
      cwe: ['CWE-77', 'CWE-94'],
      cvss: { score: 7.2, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' },
    },
    {
      id: 1094500,
      url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw',
      title: 'Prototype Pollution in lodash',
      severity: 'moderate',
      vulnerable_versions: '>=3.7.0 <4.17.19',
      cwe: ['CWE-770', 'CWE-1321'],
      cvss: { score: 7.4, vectorString: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H' },
    },
  ],
  'multi-line': [
    { id: 1, url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc', title: 'Two lines', severity: 'critical', vulnerable_versions: '>=1.0.0 <1.2.3 || >=2.0.0 <2.1.0', cwe: [], cvss: { score: 0, vectorString: null } },
  ],
  'evil-colors': [{ id: 2, url: 'https://github.com/advisories/GHSA-mal0-mal0-mal0', title: 'Malware in evil-colors', severity: 'critical', vulnerable_versions: '>=0', cwe: ['CWE-506'], cvss: { score: 0, vectorString: null } }],
}

const answering: Handler = (req, body, res) => {
  if (req.method !== 'POST' || !req.url?.endsWith('/-/npm/v1/security/advisories/bulk')) return void res.writeHead(404).end('{"error":"not found"}')
  const asked = JSON.parse(body) as Record<string, string[]>
  const answer = Object.fromEntries(Object.keys(asked).flatMap((name) => (name in ADVISORIES ? [[name, ADVISORIES[name as keyof typeof ADVISORIES]]] : [])))
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
}

describe('queryNpmBulkAdvisories', () => {
  it('posts the npm audit bulk body and maps the answer per installed version', async () => {
    handler = answering
    const result = await queryNpmBulkAdvisories(`${base}/`, [
      { name: 'lodash', version: '4.17.15' },
      { name: 'lodash', version: '4.17.20' },
      { name: 'lodash', version: '4.17.21' },
      { name: 'multi-line', version: '1.1.0' },
      { name: 'evil-colors', version: '1.4.1' },
      { name: 'left-pad', version: '1.3.0' },
    ], { authorization: 'Bearer secret-token' })
    expect(result).toMatchObject({ consulted: true })
    expect(result.reason).toBeUndefined()
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/-/npm/v1/security/advisories/bulk' })
    expect(requests[0]?.headers['content-type']).toBe('application/json')
    expect(requests[0]?.headers.authorization).toBe('Bearer secret-token')
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ lodash: ['4.17.15', '4.17.20', '4.17.21'], 'multi-line': ['1.1.0'], 'evil-colors': ['1.4.1'], 'left-pad': ['1.3.0'] })

    const old = result.matches.get(bulkKey('lodash', '4.17.15')) ?? []
    expect(old.map((m) => m.id)).toEqual(['GHSA-35jh-r3h4-6jhm', 'GHSA-p6mc-m468-83gw'])
    expect(old[0]).toMatchObject({
      aliases: ['NPM-1106913'],
      summary: 'Command Injection in lodash',
      severity: 'high',
      cvssScore: 7.2,
      malicious: false,
      fixedVersions: ['4.17.21'],
      range: { kind: 'range', ecosystem: 'npm', text: 'vulnerable_versions <4.17.21' },
      references: ['https://github.com/advisories/GHSA-35jh-r3h4-6jhm'],
      cwe: ['CWE-77', 'CWE-94'],
      withdrawn: false,
      source: `npm-bulk:${base}/`,
    })
    expect(old[1]).toMatchObject({ severity: 'medium', fixedVersions: ['4.17.19'] })
    expect(result.matches.get(bulkKey('lodash', '4.17.20'))?.map((m) => m.id)).toEqual(['GHSA-35jh-r3h4-6jhm'])
    expect(result.matches.get(bulkKey('lodash', '4.17.21'))).toEqual([])
    expect(result.matches.get(bulkKey('left-pad', '1.3.0'))).toEqual([])
    expect(result.matches.get(bulkKey('multi-line', '1.1.0'))?.[0]).toMatchObject({ severity: 'critical', fixedVersions: ['1.2.3', '2.1.0'] })
    expect(result.matches.get(bulkKey('multi-line', '1.1.0'))?.[0]?.cvssScore).toBeUndefined()
    const evil = result.matches.get(bulkKey('evil-colors', '1.4.1')) ?? []
    expect(evil[0]).toMatchObject({ malicious: true, fixedVersions: [] })
    expect(advisoryFindings(npmPkg('evil-colors', '1.4.1'), evil)[0]?.ruleId).toBe('audit/malicious-package')
  })

  it('adds the trailing slash and keeps a registry path prefix', async () => {
    handler = answering
    const result = await queryNpmBulkAdvisories(`${base}/npm/registry`, [{ name: 'lodash', version: '4.17.20' }])
    expect(result.consulted).toBe(true)
    expect(requests[0]?.url).toBe('/npm/registry/-/npm/v1/security/advisories/bulk')
  })

  it('says it was not consulted when the endpoint does not exist (404), without retrying', async () => {
    handler = (_req, _body, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}')
    const result = await queryNpmBulkAdvisories(base, [{ name: 'lodash', version: '4.17.20' }])
    expect(result.consulted).toBe(false)
    expect(result.reason).toBe(`${base}: the bulk advisory endpoint answered HTTP 404`)
    expect(result.matches.size).toBe(0)
    expect(requests).toHaveLength(1)
  })

  it('retries once after a server error', async () => {
    let calls = 0
    handler = (req, body, res) => (++calls === 1 ? res.writeHead(503).end() : answering(req, body, res))
    const result = await queryNpmBulkAdvisories(base, [{ name: 'lodash', version: '4.17.20' }])
    expect(result.consulted).toBe(true)
    expect(requests).toHaveLength(2)
    expect(result.matches.get(bulkKey('lodash', '4.17.20'))).toHaveLength(1)
  })

  it('times out on a registry that never answers, after one retry', async () => {
    handler = (_req, _body, res) => void hanging.add(res)
    const result = await queryNpmBulkAdvisories(base, [{ name: 'lodash', version: '4.17.20' }], { timeoutMs: 300 })
    expect(result.consulted).toBe(false)
    expect(result.reason).toBe(`${base}: the bulk advisory endpoint did not answer within 300 ms`)
    expect(requests).toHaveLength(2)
  })

  it('says it was not consulted when nothing listens', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const result = await queryNpmBulkAdvisories(`http://127.0.0.1:${port}/`, [{ name: 'lodash', version: '4.17.20' }], { timeoutMs: 2000 })
    expect(result.consulted).toBe(false)
    expect(result.reason).toMatch(/could not be reached: .*ECONNREFUSED/)
  })

  it('refuses an answer that is not JSON', async () => {
    handler = (_req, _body, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>')
    const result = await queryNpmBulkAdvisories(base, [{ name: 'lodash', version: '4.17.20' }])
    expect(result).toMatchObject({ consulted: false, reason: `${base}: the bulk advisory endpoint answered with something that is not JSON` })
  })

  it('asks in batches and reports a batch that failed', async () => {
    let calls = 0
    handler = (req, body, res) => (++calls === 2 ? res.writeHead(404).end() : answering(req, body, res))
    const result = await queryNpmBulkAdvisories(base, [
      { name: 'lodash', version: '4.17.20' },
      { name: 'left-pad', version: '1.3.0' },
    ], { batchSize: 1 })
    expect(requests.map((r) => Object.keys(JSON.parse(r.body) as object))).toEqual([['lodash'], ['left-pad']])
    expect(result.consulted).toBe(false)
    expect(result.matches.has(bulkKey('lodash', '4.17.20'))).toBe(true)
    expect(result.matches.has(bulkKey('left-pad', '1.3.0'))).toBe(false)
  })

  it('does not claim to have consulted anything for no packages', async () => {
    const result = await queryNpmBulkAdvisories(base, [])
    expect(result).toMatchObject({ consulted: false, reason: 'no npm packages to ask about' })
    expect(requests).toHaveLength(0)
  })
})
