/**
 * Registry signals on documents served by a real registry (Verdaccio), filled by the real
 * `npm publish` / `npm deprecate` / `npm unpublish` under several accounts.
 *
 * What Verdaccio 6 actually serves (checked here, see "what the registry records"): `time` per
 * version, `deprecated`, `repository`, `license`, `scripts`, `dist.integrity`/`shasum`/`tarball`;
 * `maintainers` only when the published package.json carries it (npmjs sets it itself); no
 * `_npmUser` (who published is not recorded), no top-level `maintainers`, no `dist.signatures`,
 * no `dist.attestations`. Signals on those fields are tested on hand-built documents in
 * signals-fixtures.test.ts.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SIGNAL_POLICY, RegistryClient, loadPopularNames, registrySignals, versionFacts, type Packument } from '../../../src/audit/registry/index.js'
import type { PackageRef } from '../../../src/audit/types.js'
import type { Finding } from '../../../src/model/finding.js'
import { startRegistry, type LocalRegistry } from '../../helpers/registry.js'

const run = promisify(execFile)
let registry: LocalRegistry
let root: string
let client: RegistryClient
let popular: Set<string>
const later = new Date(Date.now() + 30 * 86_400_000) // a month on: nothing is "fresh"

const ref = (name: string, version: string, extra: Partial<PackageRef> = {}): PackageRef => ({ ecosystem: 'npm', name, version, purl: `pkg:npm/${name.replace('@', '%40')}@${version}`, source: 'registry', ...extra })

async function doc(name: string): Promise<Packument> {
  const result = await client.fetchPackument(name)
  if (result.kind !== 'found') throw new Error(`${name}: ${result.kind}`)
  return result.doc
}

async function signals(name: string, version: string, options: { now?: Date; lockIntegrity?: string } = {}): Promise<Finding[]> {
  return registrySignals(ref(name, version), await doc(name), { now: options.now ?? later, policy: DEFAULT_SIGNAL_POLICY, popular, registry: registry.url, ...(options.lockIntegrity ? { lockIntegrity: options.lockIntegrity } : {}) })
}

const ids = (findings: readonly Finding[]): string[] => findings.map((f) => f.ruleId).sort()
const one = (findings: readonly Finding[], id: string): Finding => {
  const found = findings.filter((f) => f.ruleId === id)
  expect(found, `${id} in ${JSON.stringify(ids(findings))}`).toHaveLength(1)
  return found[0]!
}
const npm = async (user: string, args: string[]): Promise<void> => {
  await run('npm', [...args, '--userconfig', await registry.userConfig(user), '--registry', registry.url], { env: { ...process.env, npm_config_cache: join(root, 'npm-cache') } })
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-audit-registry-'))
  registry = await startRegistry()
  popular = await loadPopularNames()
  const repo = (owner: string, name: string) => ({ type: 'git', url: `git+https://github.com/${owner}/${name}.git` })
  // a clean package: two releases by the same account, same repository and license
  await registry.publish('alice', { name: 'quiet-harbour', version: '1.0.0', license: 'MIT', repository: repo('alice', 'quiet-harbour') }, { 'index.js': 'module.exports = 1\n' })
  await registry.publish('alice', { name: 'quiet-harbour', version: '1.1.0', license: 'MIT', repository: repo('alice', 'quiet-harbour') }, { 'index.js': 'module.exports = 2\n' })
  // a takeover: bob publishes 1.0.1 with a postinstall script, another repository and license, and adds himself as maintainer
  await registry.publish('alice', { name: 'lantern-utils', version: '1.0.0', license: 'MIT', repository: repo('alice', 'lantern-utils'), maintainers: [{ name: 'alice', email: 'alice@example.org' }] }, { 'index.js': 'module.exports = 1\n' })
  await registry.publish('bob', { name: 'lantern-utils', version: '1.0.1', license: 'ISC', repository: repo('bob', 'lantern-utils'), maintainers: [{ name: 'alice', email: 'alice@example.org' }, { name: 'bob', email: 'bob@example.org' }], scripts: { postinstall: 'node setup.js' } }, { 'index.js': 'module.exports = 1\n', 'setup.js': 'require("child_process").exec("id")\n' })
  await npm('alice', ['deprecate', 'lantern-utils@1.0.0', 'please upgrade'])
  // an old line updated after a newer one
  await registry.publish('carol', { name: 'ember-lines', version: '1.0.0', license: 'MIT', repository: repo('carol', 'ember-lines') }, { 'index.js': '1\n' })
  await registry.publish('carol', { name: 'ember-lines', version: '2.0.0', license: 'MIT', repository: repo('carol', 'ember-lines') }, { 'index.js': '2\n' })
  await registry.publish('dave', { name: 'ember-lines', version: '1.0.1', license: 'MIT', repository: repo('carol', 'ember-lines'), publishConfig: { tag: 'v1-lts' } }, { 'index.js': '1\n' })
  // a native addon (binding.gyp) with no declared install script, and no repository
  await registry.publish('carol', { name: 'gyp-thing', version: '0.1.0', license: 'MIT', gypfile: true }, { 'binding.gyp': '{"targets":[{"target_name":"x","sources":["x.cc"]}]}', 'x.cc': 'int x;\n' })
  // a version that gets unpublished
  await registry.publish('alice', { name: 'fading-ink', version: '1.0.0', license: 'MIT', repository: repo('alice', 'fading-ink') }, { 'index.js': '1\n' })
  await registry.publish('alice', { name: 'fading-ink', version: '1.0.1', license: 'MIT', repository: repo('alice', 'fading-ink') }, { 'index.js': '2\n' })
  await npm('alice', ['unpublish', 'fading-ink@1.0.1'])
  client = new RegistryClient({ cacheDir: join(root, 'cache'), registry: registry.url, cwd: root, env: { HOME: root } })
}, 900_000)

afterAll(async () => {
  await registry?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

describe('what the registry records', () => {
  it('serves time, deprecation, repository, license, scripts and integrity, but no publisher, signatures or attestations', async () => {
    const d = await doc('lantern-utils')
    const old = versionFacts(d, '1.0.0')!
    const cur = versionFacts(d, '1.0.1')!
    expect(old.publishedAt.known && cur.publishedAt.known).toBe(true)
    expect(old.deprecated).toBe('please upgrade')
    expect(cur.deprecated).toBeUndefined()
    expect(old.repository?.normalised).toBe('github.com/alice/lantern-utils')
    expect(cur.license).toBe('ISC')
    expect(cur.installScripts.declared).toEqual({ postinstall: 'node setup.js' })
    expect(cur.integrity.known && cur.integrity.value).toMatch(/^sha512-/)
    // passed through from package.json, not recorded by Verdaccio itself
    expect(cur.maintainers).toEqual({ known: true, value: ['alice', 'bob'] })
    // Verdaccio does not record who published: unknown, not guessed
    expect(cur.publisher.known).toBe(false)
    expect(d.versions?.['1.0.1']?._npmUser).toBeUndefined()
    expect(d.maintainers).toBeUndefined()
    expect(cur.signatures.known).toBe(false)
    expect(cur.attestations.known).toBe(false)
    expect(versionFacts(await doc('quiet-harbour'), '1.0.0')!.maintainers.known).toBe(false)
  })
})

describe('registry signals on real documents', () => {
  it('reports nothing for a clean package once it is older than the fresh-publish threshold', async () => {
    expect(await signals('quiet-harbour', '1.1.0')).toEqual([])
    expect(await signals('quiet-harbour', '1.0.0')).toEqual([])
  })

  it('reports a fresh publish on the day it was published', async () => {
    const f = one(await signals('quiet-harbour', '1.1.0', { now: new Date() }), 'audit/fresh-publish')
    expect(f.message).toContain('quiet-harbour@1.1.0')
    expect(f.evidence).toContain('time["1.1.0"]')
  })

  it('flags the takeover version: new install script, repository, license and maintainers changed', async () => {
    const findings = await signals('lantern-utils', '1.0.1')
    expect(ids(findings)).toEqual(['audit/install-script', 'audit/license-changed', 'audit/maintainers-changed', 'audit/repository-changed'])
    const script = one(findings, 'audit/install-script')
    expect(script.severity).toBe('high')
    expect(script.data).toMatchObject({ newInThisVersion: true, previousVersion: '1.0.0', scripts: { postinstall: 'node setup.js' } })
    expect(script.evidence).toContain('scripts.postinstall: "node setup.js"')
    expect(script.evidence).toContain('previous version 1.0.0')
    expect(one(findings, 'audit/repository-changed').message).toContain('github.com/alice/lantern-utils to github.com/bob/lantern-utils')
    expect(one(findings, 'audit/license-changed').data).toMatchObject({ previous: 'MIT', current: 'ISC' })
    expect(one(findings, 'audit/maintainers-changed').data).toMatchObject({ added: ['bob'], removed: [], newToPackage: ['bob'] })
    // the publisher is unknown on Verdaccio: no publisher-changed, and the finding data says what was not checked
    expect(findings.some((f) => f.ruleId === 'audit/publisher-changed')).toBe(false)
    expect(JSON.stringify(findings[0]?.data?.unknownFacts)).toContain('publisher')
  })

  it('reports the deprecated version and its single declared maintainer', async () => {
    const findings = await signals('lantern-utils', '1.0.0')
    expect(ids(findings)).toEqual(['audit/deprecated', 'audit/single-maintainer'])
    expect(one(findings, 'audit/deprecated').message).toContain('please upgrade')
  })

  it('reports an old line updated after a newer one', async () => {
    const f = one(await signals('ember-lines', '1.0.1'), 'audit/out-of-order-publish')
    expect(f.data).toMatchObject({ line: '1', newerVersion: '2.0.0', previousInLine: '1.0.0' })
    expect(f.severity).toBe('low') // the 1.x line was not dormant: minutes, not months
    expect(await signals('ember-lines', '2.0.0')).toEqual([])
  })

  it('reports the implied node-gyp install step and the missing repository', async () => {
    const findings = await signals('gyp-thing', '0.1.0')
    expect(ids(findings)).toEqual(['audit/install-script', 'audit/repository-missing'])
    // npm publish itself adds `install: node-gyp rebuild` for a package with binding.gyp
    expect(one(findings, 'audit/install-script').evidence).toMatch(/node-gyp rebuild/)
  })

  it('reports an unpublished version and a version the registry never had', async () => {
    const d = await doc('fading-ink')
    expect(Object.keys(d.versions ?? {})).toEqual(['1.0.0'])
    const gone = await signals('fading-ink', '1.0.1')
    // Verdaccio drops the version's `time` entry on unpublish (npmjs keeps it), so the trace is gone:
    // the version is reported as missing, with the versions that remain
    expect(d.time?.['1.0.1']).toBeUndefined()
    expect(ids(gone)).toEqual(['audit/version-missing'])
    expect(gone[0]?.evidence).toContain('versions the registry has: 1.0.0')
    const never = one(await signals('quiet-harbour', '7.7.7'), 'audit/version-missing')
    expect(never.evidence).toContain('1.1.0')
  })

  it('compares the lockfile integrity with the registry: equal is silent, different is critical', async () => {
    const d = await doc('quiet-harbour')
    const integrity = d.versions?.['1.1.0']?.dist?.integrity ?? ''
    expect(await signals('quiet-harbour', '1.1.0', { lockIntegrity: integrity })).toEqual([])
    const wrong = `sha512-${Buffer.alloc(64, 7).toString('base64')}`
    const f = one(await signals('quiet-harbour', '1.1.0', { lockIntegrity: wrong }), 'audit/integrity-mismatch')
    expect(f.severity).toBe('critical')
    expect(f.evidence).toContain(integrity)
  })
})
