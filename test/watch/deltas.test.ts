import { describe, expect, it } from 'vitest'
import type { VersionFacts } from '../../src/audit/registry/index.js'
import { signalDeltas } from '../../src/watch/analyses/signals.js'
import { taggerDeltas, type TagSummary } from '../../src/watch/analyses/tagger.js'
import { distTagMoves } from '../../src/watch/poll/npm.js'
import { dependencyPath, parseRespondQuery } from '../../src/watch/respond/respond.js'

const facts = (version: string, over: Partial<VersionFacts> = {}): VersionFacts => ({
  name: 'pkg',
  version,
  installScripts: { declared: {}, implied: [] },
  maintainers: { known: true, value: ['ann'] },
  publisher: { known: true, value: { name: 'ann' } },
  publishedAt: { known: true, value: '2026-01-01T00:00:00Z' },
  deprecated: undefined,
  repository: { raw: 'github:ann/pkg', normalised: 'github.com/ann/pkg' },
  license: 'MIT',
  dependencies: {},
  integrity: { known: true, value: 'sha512-x' },
  signatures: { known: true, value: [{ keyid: 'k', sig: 's' }] },
  attestations: { known: true, value: { url: 'https://x.invalid', predicateType: 'https://slsa.dev/provenance/v1' } },
  ...over,
})

const ids = (list: { ruleId: string; severity: string }[]) => list.map((f) => `${f.ruleId}:${f.severity}`).sort()

describe('audit-signal changes between versions', () => {
  it('reports nothing when nothing that matters changed', () => {
    expect(signalDeltas(facts('1.0.1'), facts('1.0.0'))).toEqual([])
  })

  it('reports a gained or changed install hook, an implied build step, provenance and signature lost', () => {
    const before = facts('1.0.0', { installScripts: { declared: { install: 'node build.js' }, implied: [] } })
    const after = facts('1.1.0', {
      installScripts: { declared: { install: 'node build.js && node x.js', preinstall: 'sh setup.sh' }, implied: ['node-gyp rebuild'] },
      attestations: { known: true, value: null },
      signatures: { known: true, value: [] },
    })
    expect(ids(signalDeltas(after, before))).toEqual([
      'watch/install-script-added:high',
      'watch/install-script-added:high',
      'watch/install-script-changed:high',
      'watch/provenance-lost:high',
      'watch/registry-signature-lost:medium',
    ])
  })

  it('rates a publisher who was no maintainer higher than one who was, and notices a hand-over', () => {
    const stranger = signalDeltas(facts('2.0.0', { publisher: { known: true, value: { name: 'eve' } }, maintainers: { known: true, value: ['eve'] } }), facts('1.9.0'))
    expect(ids(stranger)).toEqual(['watch/maintainer-added:medium', 'watch/publisher-changed:medium'])
    const colleague = signalDeltas(facts('2.0.0', { publisher: { known: true, value: { name: 'bob' } } }), facts('1.9.0', { maintainers: { known: true, value: ['ann', 'bob'] } }))
    expect(ids(colleague)).toEqual(['watch/publisher-changed:low'])
  })

  it('does not read an unknown fact as a change', () => {
    const after = facts('1.0.1', { publisher: { known: false, reason: 'mirror' }, maintainers: { known: false, reason: 'mirror' }, attestations: { known: false, reason: 'no registry support' } })
    expect(signalDeltas(after, facts('1.0.0'))).toEqual([])
  })

  it('reports a moved or dropped repository and new dependencies', () => {
    const after = facts('1.0.1', { repository: undefined, dependencies: { 'left-pad': '^1.0.0' } })
    expect(ids(signalDeltas(after, facts('1.0.0')))).toEqual(['watch/dependency-added:low', 'watch/repository-changed:medium'])
  })
})

describe('tagger changes between tags', () => {
  const tag = (name: string, tagger: string | undefined, signed = false, keyId?: string): TagSummary => ({ tag: name, tagger, signed, keyId })
  it('flags a first-time tagger, an unsigned tag after signed ones, and a new key', () => {
    const earlier = [tag('v1', 'Ann <a@x>', true, 'AAAA'), tag('v2', 'Ann <a@x>', true, 'AAAA')]
    expect(ids(taggerDeltas(tag('v3', 'Ann <a@x>', true, 'AAAA'), earlier))).toEqual([])
    expect(ids(taggerDeltas(tag('v3', 'Newcomer <n@y>', true, 'BBBB'), earlier))).toEqual(['watch/new-tagger:medium', 'watch/tag-key-changed:medium'])
    expect(ids(taggerDeltas(tag('v3', 'Ann <a@x>'), earlier))).toEqual(['watch/tag-unsigned:high'])
  })
  it('says nothing about a repository’s first tag or about lightweight tags among lightweight ones', () => {
    expect(taggerDeltas(tag('v1', 'Ann <a@x>'), [])).toEqual([])
    expect(taggerDeltas(tag('v2', undefined), [tag('v1', undefined)])).toEqual([])
  })
})

describe('dist-tag moves', () => {
  it('is quiet on the first poll, informs on a forward move, warns on a move back or a removal', () => {
    expect(distTagMoves('p', undefined, { latest: '1.0.0' })).toEqual([])
    expect(distTagMoves('p', { latest: '1.0.0' }, { latest: '1.1.0' }).map((e) => `${e.ruleId}:${e.severity}`)).toEqual(['watch/dist-tag-moved:info'])
    expect(distTagMoves('p', { latest: '2.0.0', next: '3.0.0-rc.1' }, { latest: '1.9.9' }).map((e) => `${e.ruleId}:${e.severity}`)).toEqual(['watch/dist-tag-moved-back:medium', 'watch/dist-tag-removed:low'])
  })
})

describe('respond queries and dependency paths', () => {
  it('tells advisory ids from releases', () => {
    expect(parseRespondQuery('GHSA-2x3v-7c5q-wq9p')).toEqual({ kind: 'advisory', id: 'GHSA-2x3v-7c5q-wq9p' })
    expect(parseRespondQuery('MAL-2025-1234')).toEqual({ kind: 'advisory', id: 'MAL-2025-1234' })
    expect(parseRespondQuery('@scope/pkg@1.0.0,1.0.1')).toEqual({ kind: 'release', ecosystem: 'npm', name: '@scope/pkg', versions: ['1.0.0', '1.0.1'] })
    expect(parseRespondQuery('deb:xz-utils@5.6.1-1')).toEqual({ kind: 'release', ecosystem: 'deb', name: 'xz-utils', versions: ['5.6.1-1'] })
    expect(() => parseRespondQuery('pkg')).toThrow(expect.objectContaining({ code: 'E_USAGE' }))
  })
  it('turns lockfile locations into paths', () => {
    expect(dependencyPath('node_modules/a/node_modules/@s/b', '@s/b')).toEqual(['a', '@s/b'])
    expect(dependencyPath('packages/web/node_modules/b', 'b')).toEqual(['packages/web', 'b'])
    expect(dependencyPath('', 'xz-utils')).toEqual(['xz-utils'])
  })
})
