/**
 * Debian packages matched to their upstream projects' CVE records (OSV's GIT ecosystem), with the
 * databases `advisories update` downloads by default, served by a local HTTP server (loopback) from
 * hand-written records (fixtures/osv-upstream/README.md). Two sets are served: `full/` (Debian
 * records for xz-utils and nghttp2) and `sparse/` (a Debian database that never recorded xz).
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tagMatchesVersion, upstreamRepositories, upstreamVersion, versionTokens } from '../../../src/audit/advisories/upstream.js'
import type { Report } from '../../../src/model/report.js'
import { runMain } from '../../helpers/in-process.js'

const RECORDS = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'osv-upstream')

let root: string
let server: Server
let baseUrl: string
const zips = new Map<string, Buffer>()

function buildZip(set: string, ecosystem: string, files: readonly string[]): Buffer {
  const dir = join(root, 'build', set, ecosystem)
  mkdirSync(dir, { recursive: true })
  for (const f of files) cpSync(join(RECORDS, ecosystem, f), join(dir, f))
  execFileSync('zip', ['-q', '-X', 'all.zip', ...files], { cwd: dir })
  return readFileSync(join(dir, 'all.zip'))
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-upstream-'))
  const git = ['CVE-2024-3094.json', 'CVE-2024-6387.json', 'CVE-2023-44487.json']
  zips.set('full/Debian', buildZip('full', 'Debian', ['DEBIAN-CVE-2024-3094.json', 'DEBIAN-CVE-2023-44487.json']))
  zips.set('full/GIT', buildZip('full', 'GIT', git))
  zips.set('full/npm', buildZip('full', 'npm', ['GHSA-axio-scas-e000.json']))
  zips.set('sparse/Debian', buildZip('sparse', 'Debian', ['DEBIAN-CVE-2023-44487.json']))
  zips.set('sparse/GIT', buildZip('sparse', 'GIT', git))
  server = createServer((req, res) => {
    const m = /^\/([^/]+\/[^/]+)\/all\.zip$/.exec(req.url ?? '')
    const body = m ? zips.get(decodeURIComponent(m[1] ?? '')) : undefined
    if (!body) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(body.length), 'last-modified': 'Sun, 01 Dec 2024 06:00:00 GMT' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}, 60_000)

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
  rmSync(root, { recursive: true, force: true })
})

const run = (args: readonly string[]) => runMain(args, { cwd: root })

/** the default databases (no --ecosystem) of one served set, in a cache of their own */
async function defaultDatabases(set: 'full' | 'sparse'): Promise<string> {
  const dir = join(root, `cache-${set}`)
  const update = await run(['advisories', 'update', '--osv-url', `${baseUrl}${set}/`, '--cache-dir', dir, '--ecosystem', 'Debian', '--ecosystem', 'GIT'])
  expect(update.code).toBe(0)
  return dir
}

type Pkg = { name: string; version: string; source?: string }
function status(file: string, packages: readonly Pkg[]): string {
  const path = join(root, file)
  writeFileSync(
    path,
    packages.map((p) => [`Package: ${p.name}`, 'Status: install ok installed', 'Architecture: amd64', ...(p.source ? [`Source: ${p.source}`] : []), `Version: ${p.version}`, ''].join('\n')).join('\n'),
  )
  return path
}

async function audit(target: string, cache: string): Promise<{ code: number; report: Report; vulns: [string, string, string][] }> {
  const r = await run(['audit', target, '--offline', '--no-registry-signals', '--cache-dir', cache, '--format', 'json'])
  const report = JSON.parse(r.stdout) as Report
  const vulns = report.findings
    .filter((f) => f.ruleId === 'audit/known-vulnerability')
    .map((f) => {
      const pkg = f.data?.['package'] as { name: string; version: string }
      return [`${pkg.name} ${pkg.version}`, String(f.data?.['advisory']), f.severity] as [string, string, string]
    })
  return { code: r.code, report, vulns }
}

describe('advisories update, by default', () => {
  it('downloads the GIT database (upstream projects) besides npm and Debian', async () => {
    const dir = join(root, 'cache-default')
    const r = await run(['advisories', 'update', '--osv-url', `${baseUrl}full/`, '--cache-dir', dir])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^npm: downloaded/m)
    expect(r.stdout).toMatch(/^Debian: downloaded/m)
    expect(r.stdout).toMatch(/^GIT: downloaded/m)
  })

  it('an offline audit of Debian packages without the GIT database is incomplete (exit 3)', async () => {
    const dir = join(root, 'cache-debian-only')
    expect((await run(['advisories', 'update', '--osv-url', `${baseUrl}full/`, '--cache-dir', dir, '--ecosystem', 'Debian'])).code).toBe(0)
    const { code, report } = await audit(status('status-nogit', [{ name: 'xz-utils', version: '5.4.5-0.3' }]), dir)
    expect(code).toBe(3)
    expect(report.incomplete?.join('\n')).toMatch(/upstream projects' advisories \(OSV GIT database\) were not checked/)
  })
})

describe('Debian packages and their upstream projects', () => {
  it('xz-utils and liblzma5 5.6.1-1: Debian\'s record, critical through its CVE, once each, exit 1', async () => {
    const cache = await defaultDatabases('full')
    const { code, report, vulns } = await audit(status('status-xz', [{ name: 'xz-utils', version: '5.6.1-1' }, { name: 'liblzma5', version: '5.6.1-1', source: 'xz-utils' }]), cache)
    expect(vulns).toEqual([
      ['xz-utils 5.6.1-1', 'DEBIAN-CVE-2024-3094', 'critical'],
      ['liblzma5 5.6.1-1', 'DEBIAN-CVE-2024-3094', 'critical'],
    ])
    expect(code).toBe(1)
    expect(report.verdict).toBe('fail')
  })

  it('the rollback 5.6.1+really5.4.5-1 is clear, by Debian\'s record and by upstream 5.4.5', async () => {
    const cache = await defaultDatabases('full')
    const { code, vulns } = await audit(status('status-really', [{ name: 'liblzma5', version: '5.6.1+really5.4.5-1', source: 'xz-utils' }]), cache)
    expect(vulns).toEqual([])
    expect(code).toBe(0)
  })

  it('a Debian database that never recorded xz: liblzma5 5.6.0-0.1 is matched to tukaani-project/xz v5.6.0, critical, exit 1', async () => {
    const cache = await defaultDatabases('sparse')
    const { code, report, vulns } = await audit(status('status-sparse', [{ name: 'liblzma5', version: '5.6.0-0.1', source: 'xz-utils' }, { name: 'xz-utils', version: '5.4.5-0.3' }]), cache)
    expect(vulns).toEqual([['liblzma5 5.6.0-0.1', 'CVE-2024-3094', 'critical']])
    expect(code).toBe(1)
    const finding = report.findings.find((f) => f.ruleId === 'audit/known-vulnerability')
    expect(finding?.evidence).toContain('matched: GIT upstream release v5.6.0 of github.com/tukaani-project/xz (xz-utils 5.6.0-0.1 packages upstream 5.6.0)')
  })

  it('another project, by its tag convention: openssh 1:9.2p1 matches V_9_2_P1 of openssh-portable (high); 1:9.8p1 does not', async () => {
    const cache = await defaultDatabases('sparse')
    const { code, vulns } = await audit(
      status('status-ssh', [
        { name: 'openssh-server', version: '1:9.2p1-2+deb12u3', source: 'openssh' },
        { name: 'openssh-client', version: '1:9.8p1-1', source: 'openssh' },
      ]),
      cache,
    )
    expect(vulns).toEqual([['openssh-server 1:9.2p1-2+deb12u3', 'CVE-2024-6387', 'high']])
    expect(code).toBe(1)
  })

  it("where Debian has a record for the package, its verdict wins: a backported fix is not undone by the upstream tag", async () => {
    const cache = await defaultDatabases('full')
    const { vulns } = await audit(
      status('status-nghttp2', [
        { name: 'libnghttp2-14', version: '1.52.0-1+deb12u1', source: 'nghttp2' },
        { name: 'nghttp2', version: '1.52.0-1' },
      ]),
      cache,
    )
    // upstream 1.52.0 is listed by CVE-2023-44487, but Debian fixed it in 1.52.0-1+deb12u1
    expect(vulns).toEqual([['nghttp2 1.52.0-1', 'DEBIAN-CVE-2023-44487', 'high']])
  })

  it('a CycloneDX SBOM naming liblzma5 by purl (source package in the upstream qualifier) gives the same critical finding', async () => {
    const cache = await defaultDatabases('full')
    const sbom = join(root, 'image.cdx.json')
    writeFileSync(
      sbom,
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        components: [{ type: 'library', name: 'liblzma5', version: '5.6.1-1', purl: 'pkg:deb/debian/liblzma5@5.6.1-1?arch=amd64&upstream=xz-utils' }],
      }),
    )
    const { code, vulns } = await audit(sbom, cache)
    expect(vulns).toEqual([['liblzma5 5.6.1-1', 'DEBIAN-CVE-2024-3094', 'critical']])
    expect(code).toBe(1)
  })
})

describe('upstream names and versions', () => {
  it.each([
    ['5.6.1-1', '5.6.1'],
    ['1:9.2p1-2+deb12u3', '9.2p1'],
    ['5.6.1+really5.4.5-1', '5.4.5'],
    ['2.9.14+dfsg-1.3~deb12u1', '2.9.14'],
    ['1.0~rc1-2', '1.0~rc1'],
    ['20230311', '20230311'],
  ])('Debian %s packages upstream %s', (debian, upstream) => {
    expect(upstreamVersion(debian)).toBe(upstream)
  })

  it.each([
    ['v5.6.1', '5.6.1', true],
    ['xz-5.6.1', '5.6.1', true],
    ['V_9_7_P1', '9.7p1', true],
    ['OpenSSL_1_1_1w', '1.1.1w', true],
    ['curl-8_04_0', '8.4.0', true],
    ['v1.0-rc1', '1.0~rc1', true],
    ['v5.6.1', '5.6.10', false],
    ['v5.6', '5.6.1', false],
    ['v1.0', '1.0~rc1', false],
    ['nightly', '1.0', false],
    ['1.2.3-hotfix', '1.2.3', false],
  ])('tag %s names %s: %s', (tag, version, expected) => {
    expect(tagMatchesVersion(tag, version)).toBe(expected)
  })

  it('a tag with something other than letters and separators before its first digit is not a release tag', () => {
    expect(versionTokens('x@1.0')).toBeUndefined()
    expect(versionTokens('build#12')).toBeUndefined()
    expect(versionTokens('release/1.2')).toEqual(['1', '2'])
  })

  it('repositories: the known project list, then the project under its own name', () => {
    expect(upstreamRepositories('xz-utils')).toEqual(['github.com/tukaani-project/xz', 'git.tukaani.org/xz', 'github.com/xz-utils/xz-utils', 'gitlab.com/xz-utils/xz-utils'])
    expect(upstreamRepositories('nghttp2')).toEqual(['github.com/nghttp2/nghttp2', 'gitlab.com/nghttp2/nghttp2'])
  })
})
