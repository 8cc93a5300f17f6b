/**
 * OSV databases the way osv-scanner keeps them, against a local HTTP server (loopback only) that
 * serves real-shaped OSV records as `<ecosystem>/all.zip` with ETag, Last-Modified and GCS's
 * `x-goog-hash`, and answers conditional requests with 304.
 */
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMain, type InProcessRun } from '../../helpers/in-process.js'
import type { Report } from '../../../src/model/report.js'

const RECORDS = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'osv-db')
const LAST_MODIFIED = 'Sun, 01 Dec 2024 06:00:00 GMT'

let root: string
let server: Server
let baseUrl: string
const zips = new Map<string, Buffer>()
const requests: { path: string; headers: IncomingHttpHeaders; status: number }[] = []
/** serve wrong bytes under the announced MD5 */
let corrupt = false

/** `<ecosystem>/all.zip` built with the real `zip` from the fixture records. */
function buildZip(ecosystem: string): Buffer {
  const dir = join(root, 'build', ecosystem)
  mkdirSync(dir, { recursive: true })
  cpSync(join(RECORDS, ecosystem), dir, { recursive: true })
  execFileSync('sh', ['-c', 'zip -q -X all.zip *.json'], { cwd: dir })
  return readFileSync(join(dir, 'all.zip'))
}

const run = (args: readonly string[]): Promise<InProcessRun> => runMain(args, { cwd: root })

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-osvdb-'))
  for (const ecosystem of ['npm', 'Debian', 'GIT']) zips.set(ecosystem, buildZip(ecosystem))
  server = createServer((req, res) => {
    const m = /^\/([^/]+)\/all\.zip$/.exec(req.url ?? '')
    const body = m ? zips.get(decodeURIComponent(m[1] ?? '')) : undefined
    const answer = (status: number): void => void requests.push({ path: req.url ?? '', headers: req.headers, status })
    if (!body) {
      answer(404)
      return void res.writeHead(404).end()
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`
    if (req.headers['if-none-match'] === etag) {
      answer(304)
      return void res.writeHead(304, { etag }).end()
    }
    answer(200)
    const md5 = createHash('md5').update(body).digest('base64')
    const sent = corrupt ? Buffer.concat([body.subarray(0, body.length - 1), Buffer.from([body[body.length - 1]! ^ 0xff])]) : body
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(sent.length), etag, 'last-modified': LAST_MODIFIED, 'x-goog-hash': `crc32c=AAAAAA==,md5=${md5}` })
    res.end(sent)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}, 60_000)

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
  rmSync(root, { recursive: true, force: true })
})

const cache = (name: string): string => join(root, name)

const lockfile = (name: string, packages: Record<string, string>): string => {
  const file = join(root, name)
  const entries = Object.fromEntries(Object.entries(packages).map(([n, v]) => [`node_modules/${n}`, { version: v, resolved: `https://registry.npmjs.org/${n}/-/${n}-${v}.tgz`, integrity: 'sha512-AAAA' }]))
  writeFileSync(file, JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app' }, ...entries } }))
  return file
}

const dpkgStatus = (name: string): string => {
  const file = join(root, name)
  writeFileSync(
    file,
    ['Package: xz-utils', 'Status: install ok installed', 'Architecture: amd64', 'Version: 5.6.1-1', '', 'Package: liblzma5', 'Status: install ok installed', 'Architecture: amd64', 'Source: xz-utils', 'Version: 5.6.1-1', ''].join('\n'),
  )
  return file
}

describe('stagelight advisories update', () => {
  it('downloads each ecosystem once, then revalidates with a conditional request', async () => {
    const dir = cache('c1')
    const first = await run(['advisories', 'update', '--osv-url', baseUrl, '--cache-dir', dir])
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^npm: downloaded [\d.]+ MiB, as of 2024-12-01 06:00 UTC/m)
    expect(first.stdout).toMatch(/^Debian: downloaded/m)
    expect(readFileSync(join(dir, 'osv', 'npm', 'all.zip')).equals(zips.get('npm')!)).toBe(true)
    const before = requests.length
    const second = await run(['advisories', 'update', '--osv-url', baseUrl, '--cache-dir', dir, '--ecosystem', 'npm'])
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/^npm: not modified/m)
    const asked = requests.slice(before)
    expect(asked).toHaveLength(1)
    expect(asked[0]?.headers['if-none-match']).toMatch(/^"[0-9a-f]{16}"$/)
    expect(asked[0]?.headers['if-modified-since']).toBe(LAST_MODIFIED)
    expect(asked[0]?.status).toBe(304)
    const status = await run(['advisories', 'status', '--cache-dir', dir])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/^npm: [\d.]+ MiB, as of 2024-12-01 06:00 UTC, downloaded/m)
  })

  it('refuses bytes that do not match the announced MD5 and keeps the cached copy (exit 3)', async () => {
    const dir = cache('c2')
    expect((await run(['advisories', 'update', '--osv-url', baseUrl, '--cache-dir', dir, '--ecosystem', 'npm'])).code).toBe(0)
    // a changed export (new ETag), served damaged
    const original = zips.get('npm')!
    zips.set('npm', buildZipWithExtra())
    corrupt = true
    try {
      const r = await run(['advisories', 'update', '--osv-url', baseUrl, '--cache-dir', dir, '--ecosystem', 'npm'])
      expect(r.code).toBe(3)
      expect(r.stderr.split('\n')[0]).toMatch(/does not match the MD5 the server announced .*the cached copy was kept/)
      expect(readFileSync(join(dir, 'osv', 'npm', 'all.zip')).equals(original)).toBe(true)
    } finally {
      corrupt = false
      zips.set('npm', original)
    }
  })

  it('an ecosystem the server does not have is exit 2 with the reason; a name that is not an ecosystem is refused before asking', async () => {
    const r = await run(['advisories', 'update', '--osv-url', baseUrl, '--cache-dir', cache('c3'), '--ecosystem', 'Nonesuch'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toMatch(/answered HTTP 404/)
    const before = requests.length
    const bad = await run(['advisories', 'update', '--osv-url', baseUrl, '--cache-dir', cache('c3'), '--ecosystem', '../../etc'])
    expect(bad.code).toBe(2)
    expect(requests.length).toBe(before)
    expect(existsSync(join(root, 'etc'))).toBe(false)
  })
})

/** A second build of the npm export with one more record, so its ETag changes. */
function buildZipWithExtra(): Buffer {
  const dir = join(root, 'build', 'npm-extra')
  mkdirSync(dir, { recursive: true })
  cpSync(join(RECORDS, 'npm'), dir, { recursive: true })
  writeFileSync(join(dir, 'GHSA-extr-aext-raex.json'), JSON.stringify({ id: 'GHSA-extr-aext-raex', modified: '2024-12-01T00:00:00Z', affected: [] }))
  execFileSync('sh', ['-c', 'zip -q -X all.zip *.json'], { cwd: dir })
  return readFileSync(join(dir, 'all.zip'))
}

describe('audit with the downloaded databases', () => {
  const auditJson = async (target: string, dir: string, extra: string[] = []): Promise<{ code: number; report: Report; stderr: string }> => {
    const r = await run(['audit', target, '--cache-dir', dir, '--osv-url', baseUrl, '--no-registry-signals', '--format', 'json', ...extra])
    return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr }
  }

  it('uses them by default: a record naming `Axios` matches axios, malware is critical, an unstated severity is unknown; the report gives the database date', async () => {
    const dir = cache('a1')
    const lock = lockfile('lock-a1.json', { axios: '0.21.1', 'ua-parser-js': '0.7.29', 'left-pad': '1.3.0' })
    // --offline: no bulk endpoint; the database comes from the cache filled by update
    expect((await run(['advisories', 'update', '--osv-url', baseUrl, '--cache-dir', dir])).code).toBe(0)
    const { code, report } = await auditJson(lock, dir, ['--offline'])
    expect(code).toBe(1)
    const byPackage = (name: string) => report.findings.filter((f) => (f.data?.['package'] as { name?: string } | undefined)?.name === name)
    const axios = byPackage('axios')
    expect(axios.map((f) => [f.ruleId, f.severity])).toEqual([['audit/known-vulnerability', 'medium']])
    expect(axios[0]?.message).toContain('fixed in 0.28.0')
    const ua = byPackage('ua-parser-js')
    expect(ua.map((f) => [f.ruleId, f.severity])).toEqual([['audit/malicious-package', 'critical']])
    expect(ua[0]?.message).toMatch(/is malware/)
    expect(ua[0]?.evidence).toContain('severity: critical — malware')
    expect(ua[0]?.evidence).not.toMatch(/medium|assumed/)
    const pad = byPackage('left-pad')
    expect(pad[0]?.message).toContain('(severity unknown)')
    expect(pad[0]?.evidence).toMatch(/severity: unknown/)
    const facts = Object.fromEntries(report.facts.map((f) => [f.label, f.value]))
    expect(facts['OSV npm database']).toMatch(/^as of 2024-12-01 06:00 UTC, downloaded/)
    expect(report.incomplete).toBeUndefined()
  })

  it('xz-utils 5.6.1-1 from a dpkg status against the Debian record is critical through its CVE, and exits 1', async () => {
    const dir = cache('a2')
    expect((await run(['advisories', 'update', '--osv-url', baseUrl, '--cache-dir', dir, '--ecosystem', 'Debian', '--ecosystem', 'GIT'])).code).toBe(0)
    const { code, report } = await auditJson(dpkgStatus('status-a2'), dir, ['--offline'])
    expect(code).toBe(1)
    const xz = report.findings.filter((f) => f.ruleId === 'audit/known-vulnerability')
    expect(xz.map((f) => [(f.data?.['package'] as { name: string }).name, f.severity])).toEqual([
      ['xz-utils', 'critical'],
      ['liblzma5', 'critical'],
    ])
    expect(xz[0]?.evidence).toMatch(/severity: critical, from CVE-2024-3094, an alias: CVSS:3\.1\/AV:N\/AC:L\/PR:N\/UI:N\/S:C\/C:H\/I:H\/A:H \(base score 10\.0\)/)
    expect(report.verdict).toBe('fail')
  })

  it('without the CVE records the same finding says its severity is unknown, not "medium assumed"', async () => {
    const dir = cache('a3')
    expect((await run(['advisories', 'update', '--osv-url', baseUrl, '--cache-dir', dir, '--ecosystem', 'Debian'])).code).toBe(0)
    const { report } = await auditJson(dpkgStatus('status-a3'), dir, ['--offline'])
    const xz = report.findings.find((f) => f.ruleId === 'audit/known-vulnerability')
    expect(xz?.message).toContain('(severity unknown)')
    expect(xz?.evidence).not.toContain('assumed')
  })

  it('online, a missing database is downloaded first; offline, a missing database makes the audit incomplete (exit 3), never "no advisories"', async () => {
    const online = await auditJson(lockfile('lock-a4.json', { 'ua-parser-js': '0.7.29' }), cache('a4'), ['--registry', `${baseUrl}registry/`])
    expect(online.report.findings.some((f) => f.ruleId === 'audit/malicious-package')).toBe(true)
    expect(existsSync(join(cache('a4'), 'osv', 'npm', 'all.zip'))).toBe(true)

    const offline = await auditJson(lockfile('lock-a5.json', { 'ua-parser-js': '0.7.29' }), cache('a5'), ['--offline'])
    expect(offline.code).toBe(3)
    expect(offline.report.verdict).toBe('review')
    expect(offline.report.incomplete?.join('\n')).toMatch(/advisories for npm packages were not checked: no npm database .* --offline forbids downloading it/)
  })
})
