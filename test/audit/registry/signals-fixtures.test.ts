/**
 * Signals on fields Verdaccio does not serve — `_npmUser` (publisher), top-level `maintainers`,
 * `dist.signatures`, `dist.attestations`, `time.unpublished` — on package documents built by hand
 * in the shape registry.npmjs.org serves them, plus name-only signals (dependency confusion,
 * typosquat) whose inputs are names and registry URLs.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_SIGNAL_POLICY, PopularIndex, integrityMatches, normaliseRepositoryUrl, registryRules, registrySignals, versionFacts, type Packument, type PackumentVersion } from '../../../src/audit/registry/index.js'
import type { PackageRef } from '../../../src/audit/types.js'
import type { Finding } from '../../../src/model/finding.js'

const NPMJS = 'https://registry.npmjs.org/'
const now = new Date('2025-06-01T00:00:00Z')
const popular = new PopularIndex(['react', 'lodash', 'express', 'cross-env', 'electron', '@babel/core', '@types/node', '@types/react', '@types/ms', 'chalk', 'ms', 'qs'])
const ref = (name: string, version: string, extra: Partial<PackageRef> = {}): PackageRef => ({ ecosystem: 'npm', name, version, purl: `pkg:npm/${name}@${version}`, source: 'registry', ...extra })
const ids = (f: readonly Finding[]): string[] => f.map((x) => x.ruleId).sort()
const signals = (pkg: PackageRef, doc: Packument | undefined, extra: Partial<Parameters<typeof registrySignals>[2]> = {}): Finding[] => registrySignals(pkg, doc, { now, policy: DEFAULT_SIGNAL_POLICY, popular, registry: NPMJS, ...extra })

const attest = (name: string, v: string) => ({ url: `https://registry.npmjs.org/-/npm/v1/attestations/${name}@${v}`, provenance: { predicateType: 'https://slsa.dev/provenance/v1' } })
const sig = [{ keyid: 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA', sig: 'MEUCIQ…' }]

/** A document as npmjs serves it: per-version maintainers and _npmUser, signatures, optional attestations. */
function npmjsDoc(name: string, versions: { v: string; at: string; by: string; maintainers?: string[]; provenance?: boolean; extra?: Partial<PackumentVersion> }[], top: Partial<Packument> = {}): Packument {
  const out: Record<string, PackumentVersion> = {}
  const time: Record<string, string> = { created: versions[0]!.at, modified: versions.at(-1)!.at }
  for (const x of versions) {
    out[x.v] = {
      name,
      version: x.v,
      license: 'MIT',
      repository: { type: 'git', url: `git+https://github.com/owner/${name}.git` },
      maintainers: (x.maintainers ?? ['alice']).map((m) => ({ name: m, email: `${m}@example.org` })),
      _npmUser: { name: x.by, email: `${x.by}@example.org` },
      dist: { integrity: `sha512-${Buffer.alloc(64, x.v.length).toString('base64')}`, shasum: 'a'.repeat(40), tarball: `${NPMJS}${name}/-/${name}-${x.v}.tgz`, signatures: sig, ...(x.provenance ? { attestations: attest(name, x.v) } : {}) },
      ...x.extra,
    }
    time[x.v] = x.at
  }
  return { name, 'dist-tags': { latest: versions.at(-1)!.v }, versions: out, time, maintainers: [{ name: 'alice', email: 'alice@example.org' }, { name: 'bob', email: 'bob@example.org' }], ...top }
}

describe('rules metadata', () => {
  it('documents every rule with an audit/ id', () => {
    expect(registryRules.length).toBeGreaterThanOrEqual(16)
    for (const r of registryRules) {
      expect(r.id).toMatch(/^audit\/[a-z-]+$/)
      expect(r.title && r.short && r.motivation && r.remediation).toBeTruthy()
    }
    expect(new Set(registryRules.map((r) => r.id)).size).toBe(registryRules.length)
  })
})

describe('versionFacts on an npmjs-shaped document', () => {
  const doc = npmjsDoc('sig-pkg', [
    { v: '1.0.0', at: '2024-01-01T00:00:00Z', by: 'alice', provenance: true },
    { v: '1.1.0', at: '2024-02-01T00:00:00Z', by: 'alice' },
  ])
  it('reads publisher, maintainers, signatures and attestations, and says absent only when the document uses the field', () => {
    const a = versionFacts(doc, '1.0.0')!
    const b = versionFacts(doc, '1.1.0')!
    expect(a.publisher).toEqual({ known: true, value: { name: 'alice', email: 'alice@example.org' } })
    expect(a.signatures).toEqual({ known: true, value: sig })
    expect(a.attestations).toMatchObject({ known: true, value: { predicateType: 'https://slsa.dev/provenance/v1' } })
    expect(b.attestations).toEqual({ known: true, value: null })
    const bare: Packument = { name: 'x', versions: { '1.0.0': { name: 'x', version: '1.0.0' } } }
    const f = versionFacts(bare, '1.0.0')!
    for (const k of ['publisher', 'maintainers', 'publishedAt', 'integrity', 'signatures', 'attestations'] as const) expect(f[k].known).toBe(false)
    expect(versionFacts(bare, '2.0.0')).toBeUndefined()
  })
  it('derives a sha1 integrity from a legacy shasum and an implied node-gyp step from gypfile', () => {
    const legacy: Packument = { versions: { '1.0.0': { gypfile: true, dist: { shasum: '0123456789abcdef0123456789abcdef01234567' } } } }
    const f = versionFacts(legacy, '1.0.0')!
    expect(f.integrity).toEqual({ known: true, value: `sha1-${Buffer.from('0123456789abcdef0123456789abcdef01234567', 'hex').toString('base64')}` })
    expect(f.installScripts.implied).toEqual(['node-gyp rebuild (gypfile: binding.gyp)'])
  })
  it('normalises repository URLs', () => {
    for (const raw of ['git+https://github.com/Owner/Repo.git', 'git@github.com:owner/repo.git', 'github:owner/repo', 'owner/repo', 'https://www.github.com/owner/repo/tree/main/packages/x', 'git://github.com/owner/repo', 'ssh://git@github.com/owner/repo.git#v1'])
      expect(normaliseRepositoryUrl(raw), raw).toBe('github.com/owner/repo')
    expect(normaliseRepositoryUrl('https://git.example.org:8443/team/Proj.git')).toBe('git.example.org/team/Proj')
  })
})

describe('publisher and maintainers', () => {
  const doc = npmjsDoc('harbor-kit', [
    { v: '1.0.0', at: '2024-01-01T00:00:00Z', by: 'alice' },
    { v: '1.1.0', at: '2024-03-01T00:00:00Z', by: 'bob', maintainers: ['alice', 'bob'] },
    { v: '1.2.0', at: '2024-05-01T00:00:00Z', by: 'alice', maintainers: ['alice', 'bob'] },
    { v: '1.3.0', at: '2024-07-01T00:00:00Z', by: 'bob', maintainers: ['alice', 'bob'] },
    { v: '1.4.0', at: '2025-05-30T00:00:00Z', by: 'mallory', maintainers: ['mallory'] },
  ])
  it('reports a publisher who never published the package before, and the maintainer swap', () => {
    const f = signals(ref('harbor-kit', '1.4.0'), doc)
    expect(ids(f)).toEqual(['audit/fresh-publish', 'audit/maintainers-changed', 'audit/publisher-changed'])
    const p = f.find((x) => x.ruleId === 'audit/publisher-changed')!
    expect(p.severity).toBe('high')
    expect(p.data).toMatchObject({ publisher: 'mallory', previousPublisher: 'bob', firstPublishByThisAccount: true, listedAsMaintainerBefore: false })
    expect(p.message).toContain('mallory never published this package before')
    const m = f.find((x) => x.ruleId === 'audit/maintainers-changed')!
    expect(m.data).toMatchObject({ added: ['mallory'], removed: ['alice', 'bob'], newToPackage: ['mallory'] })
    expect(m.severity).toBe('high')
    expect(f.find((x) => x.ruleId === 'audit/fresh-publish')?.message).toContain('2 days ago')
  })
  it('says "1 day ago", not "1 days ago"', () => {
    const yesterday = new Date(now.getTime() - 30 * 3600_000).toISOString()
    const fresh = signals(ref('lantern-kit', '1.0.0'), npmjsDoc('lantern-kit', [{ v: '1.0.0', at: yesterday, by: 'x' }])).find((x) => x.ruleId === 'audit/fresh-publish')
    expect(fresh?.message).toMatch(/^.*published 1 day ago \(policy: 7 days\)$/)
  })
  it('reports a known co-maintainer taking turns as low, and a maintainer added as medium', () => {
    const turn = signals(ref('harbor-kit', '1.3.0'), doc).find((x) => x.ruleId === 'audit/publisher-changed')!
    expect(turn.severity).toBe('low')
    expect(turn.data).toMatchObject({ firstPublishByThisAccount: false })
    const added = signals(ref('harbor-kit', '1.1.0'), doc)
    expect(added.find((x) => x.ruleId === 'audit/maintainers-changed')?.severity).toBe('medium')
    expect(added.find((x) => x.ruleId === 'audit/publisher-changed')?.data).toMatchObject({ firstPublishByThisAccount: true, listedAsMaintainerBefore: false })
  })
  it('reports a single maintainer from the document’s current list', () => {
    const single = npmjsDoc('solo', [{ v: '1.0.0', at: '2024-01-01T00:00:00Z', by: 'alice' }], { maintainers: [{ name: 'alice' }] })
    expect(ids(signals(ref('solo', '1.0.0'), single))).toEqual(['audit/single-maintainer'])
  })
})

describe('provenance, signatures and out-of-order releases', () => {
  it('reports provenance present before and absent now', () => {
    const doc = npmjsDoc('attested', [
      { v: '2.0.0', at: '2024-01-01T00:00:00Z', by: 'alice', provenance: true },
      { v: '2.0.1', at: '2024-02-01T00:00:00Z', by: 'alice', provenance: true },
      { v: '2.0.2', at: '2024-03-01T00:00:00Z', by: 'alice' },
    ])
    const f = signals(ref('attested', '2.0.2'), doc)
    expect(ids(f)).toEqual(['audit/provenance-lost'])
    expect(f[0]?.severity).toBe('high')
    expect(f[0]?.evidence).toContain('attestations/attested@2.0.1')
    expect(signals(ref('attested', '2.0.1'), doc)).toEqual([])
  })
  it('never reports provenance lost where the registry records no attestations at all', () => {
    const doc = npmjsDoc('plain', [
      { v: '1.0.0', at: '2024-01-01T00:00:00Z', by: 'alice' },
      { v: '1.0.1', at: '2024-02-01T00:00:00Z', by: 'alice' },
    ])
    expect(signals(ref('plain', '1.0.1'), doc)).toEqual([])
  })
  it('reports a dormant old line suddenly updated as medium', () => {
    const doc = npmjsDoc('old-line', [
      { v: '1.0.0', at: '2020-01-01T00:00:00Z', by: 'alice' },
      { v: '2.0.0', at: '2021-01-01T00:00:00Z', by: 'alice' },
      { v: '3.0.0', at: '2022-01-01T00:00:00Z', by: 'alice' },
      { v: '1.0.1', at: '2024-06-01T00:00:00Z', by: 'alice' },
    ])
    const f = signals(ref('old-line', '1.0.1'), doc).find((x) => x.ruleId === 'audit/out-of-order-publish')!
    expect(f.severity).toBe('medium')
    expect(f.data).toMatchObject({ line: '1', newerVersion: '3.0.0', previousInLine: '1.0.0' })
    expect(f.message).toMatch(/no release for 1613 days/)
  })
})

describe('unpublished packages and versions', () => {
  it('reports a package unpublished as a whole (npmjs keeps time.unpublished)', () => {
    const doc: Packument = { name: 'gone', time: { created: '2024-01-01T00:00:00Z', modified: '2024-02-01T00:00:00Z', unpublished: { time: '2024-02-01T00:00:00Z', versions: ['1.0.0'] } } }
    const f = signals(ref('gone', '1.0.0'), doc)
    expect(ids(f)).toEqual(['audit/unpublished'])
    expect(f[0]?.message).toContain('2024-02-01')
  })
  it('reports a version unpublished while its time entry remains', () => {
    const doc = npmjsDoc('partly', [{ v: '1.0.0', at: '2024-01-01T00:00:00Z', by: 'alice' }])
    const withTrace: Packument = { ...doc, time: { ...doc.time, '1.0.1': '2024-01-05T00:00:00Z' } }
    expect(ids(signals(ref('partly', '1.0.1'), withTrace))).toEqual(['audit/unpublished'])
  })
})

describe('integrity', () => {
  it('compares on the strongest shared algorithm, and not at all when none is shared', () => {
    const a = `sha512-${Buffer.alloc(64, 1).toString('base64')}`
    const b = `sha512-${Buffer.alloc(64, 2).toString('base64')}`
    const s1 = `sha1-${Buffer.alloc(20, 3).toString('base64')}`
    expect(integrityMatches(a, a)).toEqual({ match: true, algorithm: 'sha512' })
    expect(integrityMatches(`${s1} ${a}`, b)).toEqual({ match: false, algorithm: 'sha512' })
    expect(integrityMatches(s1, a)).toBeUndefined()
  })
})

describe('dependency confusion (conservative)', () => {
  const planted = npmjsDoc('@corp/billing', [{ v: '99.0.0', at: '2025-05-20T00:00:00Z', by: 'stranger' }])
  it('reports a scoped package served by the public registry when the scope has its own registry', () => {
    const f = signals(ref('@corp/billing', '99.0.0'), planted, { scopedRegistries: { '@corp': 'https://npm.corp.example/' } }).find((x) => x.ruleId === 'audit/dependency-confusion')!
    expect(f).toMatchObject({ severity: 'high', confidence: 'high' })
    expect(f.evidence).toContain('@corp has its own registry (https://npm.corp.example/)')
    expect(f.evidence).toContain('99.0.0')
  })
  it('reports a scope listed as internal in the policy, and an internal-looking unscoped name with low confidence', () => {
    expect(signals(ref('@corp/billing', '99.0.0'), planted, { policy: { ...DEFAULT_SIGNAL_POLICY, internalScopes: ['corp'] } }).some((x) => x.ruleId === 'audit/dependency-confusion')).toBe(true)
    const internal = npmjsDoc('payments-internal', [{ v: '1.0.0', at: '2020-01-01T00:00:00Z', by: 'alice' }, { v: '1.0.1', at: '2020-02-01T00:00:00Z', by: 'alice' }, { v: '1.0.2', at: '2020-03-01T00:00:00Z', by: 'alice' }])
    const f = signals(ref('payments-internal', '1.0.2'), internal).find((x) => x.ruleId === 'audit/dependency-confusion')!
    expect(f).toMatchObject({ severity: 'medium', confidence: 'low' })
  })
  it('stays silent for ordinary scoped packages, and for internal names served by a private registry', () => {
    expect(signals(ref('@corp/billing', '99.0.0'), planted).some((x) => x.ruleId === 'audit/dependency-confusion')).toBe(false)
    const internal = npmjsDoc('payments-internal', [{ v: '1.0.0', at: '2020-01-01T00:00:00Z', by: 'alice' }])
    expect(signals(ref('payments-internal', '1.0.0'), internal, { registry: 'https://npm.corp.example/' }).some((x) => x.ruleId === 'audit/dependency-confusion')).toBe(false)
    expect(signals(ref('@corp/billing', '99.0.0'), planted, { registry: 'https://npm.corp.example/', scopedRegistries: { '@corp': 'https://npm.corp.example/' } }).some((x) => x.ruleId === 'audit/dependency-confusion')).toBe(false)
  })
  it('uses the lockfile’s resolved URL: an internal scope resolved from the public registry', () => {
    const f = signals(ref('@corp/billing', '99.0.0', { resolved: 'https://registry.npmjs.org/@corp/billing/-/billing-99.0.0.tgz' }), undefined, { registry: 'https://npm.corp.example/', scopedRegistries: { '@corp': 'https://npm.corp.example/' } })
    expect(ids(f)).toEqual(['audit/dependency-confusion'])
  })
})

describe('typosquat', () => {
  const young = (name: string): Packument => npmjsDoc(name, [{ v: '1.0.0', at: '2025-05-01T00:00:00Z', by: 'x' }])
  it('reports near names, separator tricks, dropped scopes and added affixes', () => {
    const cases: [string, string, string][] = [
      ['expresss', 'express', 'distance'],
      ['lodahs', 'lodash', 'distance'],
      ['electorn', 'electron', 'distance'],
      ['crossenv', 'cross-env', 'separators'],
      ['cross_env', 'cross-env', 'separators'],
      ['babel-core', '@babel/core', 'missing-scope'],
      ['types-node', '@types/node', 'missing-scope'],
      ['reactjs', 'react', 'affix'],
      ['node-lodash', 'lodash', 'affix'],
      ['@babe1/core', '@babel/core', 'distance'],
      // a scope one swap away, and a package name one edit away within the scope
      ['@typse/node', '@types/node', 'distance'],
      ['@types/raect', '@types/react', 'distance'],
    ]
    for (const [name, target, trick] of cases) {
      const f = signals(ref(name, '1.0.0'), young(name)).find((x) => x.ruleId === 'audit/typosquat')
      expect(f?.data?.targets, name).toEqual(expect.arrayContaining([expect.objectContaining({ target, trick })]))
      expect(f?.severity, name).toBe('high') // first published a month ago
    }
  })
  it('stays silent for popular names themselves, short names and far names', () => {
    // `@types/pg` is two edits from `@types/ms`, but within one scope only `pg` and `ms` differ: short names collide by chance
    for (const name of ['express', 'react', 'ms', 'qs', 'ws', 'chalk', 'expressive-tea', '@babel/cli', 'lodash-es-extra', '@types/pg', '@types/ws', '@types/qs']) {
      expect(signals(ref(name, '1.0.0'), undefined).filter((x) => x.ruleId === 'audit/typosquat'), name).toEqual([])
    }
  })
  it('does not report a near name that has been on the registry for years (typosquats are taken down within weeks)', () => {
    const old = npmjsDoc('chalky', [{ v: '1.0.0', at: '2015-01-01T00:00:00Z', by: 'x' }])
    expect(signals(ref('chalky', '1.0.0'), old).find((x) => x.ruleId === 'audit/typosquat')).toBeUndefined()
  })
})

describe('a patch to an old line is judged against that line', () => {
  it('compares install scripts with the previous version of the same line, not the newest major published before it', () => {
    const doc = npmjsDoc('linepkg', [
      { v: '7.6.5', at: '2025-01-01T00:00:00Z', by: 'alice', extra: { scripts: { postinstall: 'node scripts/postinstall' } } },
      { v: '8.0.0', at: '2025-02-01T00:00:00Z', by: 'alice' },
      { v: '7.6.6', at: '2025-03-01T00:00:00Z', by: 'alice', extra: { scripts: { postinstall: 'node scripts/postinstall' } } },
    ])
    const found = signals(ref('linepkg', '7.6.6'), doc)
    const install = found.find((f) => f.ruleId === 'audit/install-script')
    expect(install?.message).not.toMatch(/did not have/)
    expect(install?.severity).not.toBe('high')
  })

  it('says nothing about publish order when the registry stamps the versions with the same time', () => {
    const same = '2024-02-23T00:00:00Z'
    const doc = npmjsDoc('stamped', [
      { v: '4.1.0', at: same, by: 'alice' },
      { v: '5.0.0', at: same, by: 'alice' },
    ])
    expect(ids(signals(ref('stamped', '4.1.0'), doc))).not.toContain('audit/out-of-order-publish')
  })
})

describe('repository moves and untrustworthy times', () => {
  const withRepo = (url: string) => ({ repository: { type: 'git', url } })

  it('rates a move to another owner under the same name low, a move to another repository medium', () => {
    const transfer = npmjsDoc('movedpkg', [
      { v: '1.0.0', at: '2025-01-01T00:00:00Z', by: 'alice', extra: withRepo('git+https://github.com/isaacs/movedpkg.git') },
      { v: '1.0.1', at: '2025-02-01T00:00:00Z', by: 'alice', extra: withRepo('git+https://github.com/npm/movedpkg.git') },
    ])
    expect(signals(ref('movedpkg', '1.0.1'), transfer).find((f) => f.ruleId === 'audit/repository-changed')?.severity).toBe('low')
    const elsewhere = npmjsDoc('movedpkg', [
      { v: '1.0.0', at: '2025-01-01T00:00:00Z', by: 'alice', extra: withRepo('git+https://github.com/owner/movedpkg.git') },
      { v: '1.0.1', at: '2025-02-01T00:00:00Z', by: 'alice', extra: withRepo('git+https://github.com/stranger/other-thing.git') },
    ])
    expect(signals(ref('movedpkg', '1.0.1'), elsewhere).find((f) => f.ruleId === 'audit/repository-changed')?.severity).toBe('medium')
  })

  it('does not judge publish order when a lower version of the same line carries a later time', () => {
    const doc = npmjsDoc('shuffled', [
      { v: '5.0.0', at: '2024-02-23T00:00:01Z', by: 'alice' },
      { v: '4.1.0', at: '2024-02-23T00:00:02Z', by: 'alice' },
      { v: '4.0.0', at: '2024-02-23T00:00:03Z', by: 'alice' },
    ])
    expect(ids(signals(ref('shuffled', '4.1.0'), doc))).not.toContain('audit/out-of-order-publish')
    const real = npmjsDoc('backport', [
      { v: '4.0.0', at: '2020-01-01T00:00:00Z', by: 'alice' },
      { v: '5.0.0', at: '2021-01-01T00:00:00Z', by: 'alice' },
      { v: '4.0.1', at: '2025-01-01T00:00:00Z', by: 'alice' },
    ])
    expect(signals(ref('backport', '4.0.1'), real).find((f) => f.ruleId === 'audit/out-of-order-publish')?.severity).toBe('medium')
  })
})

describe('the cached, reduced document', () => {
  it('gives exactly the signals of the full document', async () => {
    const { reducePackument } = await import('../../../src/audit/registry/index.js')
    const doc = npmjsDoc('fullpkg', [
      { v: '1.0.0', at: '2024-01-01T00:00:00Z', by: 'alice', provenance: true, extra: { readme: 'x'.repeat(10_000), scripts: { test: 'jest', build: 'tsc' } } as Partial<PackumentVersion> },
      { v: '1.0.1', at: '2025-05-30T00:00:00Z', by: 'mallory', maintainers: ['mallory'], extra: { scripts: { postinstall: 'node x.js', test: 'jest' }, license: 'ISC', deprecated: 'use 2', repository: { type: 'git', url: 'git+https://github.com/mallory/x.git' } } },
    ])
    const reduced = reducePackument(doc)
    expect(JSON.stringify(reduced).length).toBeLessThan(JSON.stringify(doc).length / 2)
    for (const v of ['1.0.0', '1.0.1']) expect(signals(ref('fullpkg', v), reduced)).toEqual(signals(ref('fullpkg', v), doc))
  })
})
