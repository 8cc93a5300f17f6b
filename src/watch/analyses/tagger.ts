/**
 * @fileoverview Who tagged a new release, compared with who tagged the earlier ones: a first-time
 * tagger, a release that is no longer signed, or one signed with a key never used before. This is
 * the moment a newcomer's gained power is exercised for the first time.
 */
import type { Finding } from '../../model/finding.js'
import { assembleReport } from '../../policy/report.js'
import { openRepository, readTagFacts } from '../../sources/git/index.js'
import type { TagFacts } from '../../sources/git/types.js'
import { eventsOf } from './events.js'
import type { AnalysisHandler } from './types.js'

export interface TagSummary {
  readonly tag: string
  readonly tagger: string | undefined
  readonly signed: boolean
  readonly keyId: string | undefined
}

export const summariseTag = (facts: TagFacts): TagSummary => ({
  tag: facts.name,
  tagger: facts.tagger ? `${facts.tagger.name} <${facts.tagger.email}>` : undefined,
  signed: facts.signed,
  keyId: facts.keyId,
})

/** What a poll stores about a tag, so later analyses need not read every earlier tag again. */
export const tagRecord = (facts: TagFacts): Record<string, unknown> => ({
  ...summariseTag(facts),
  commit: facts.commit,
  ...(facts.tagger ? { taggedAt: facts.tagger.date } : {}),
})

/** A stored tag record read back; undefined when the release was stored without one. */
const fromRecord = (facts: Readonly<Record<string, unknown>>): (TagSummary & { taggedAt: string | undefined }) | undefined =>
  typeof facts.tag === 'string' && typeof facts.signed === 'boolean'
    ? {
        tag: facts.tag,
        tagger: typeof facts.tagger === 'string' ? facts.tagger : undefined,
        signed: facts.signed,
        keyId: typeof facts.keyId === 'string' ? facts.keyId : undefined,
        taggedAt: typeof facts.taggedAt === 'string' ? facts.taggedAt : undefined,
      }
    : undefined

/** The findings of the new tag against every earlier tag of the repository. */
export function taggerDeltas(current: TagSummary, earlier: readonly TagSummary[]): Finding[] {
  if (earlier.length === 0) return []
  const out: Finding[] = []
  const taggers = new Set(earlier.map((t) => t.tagger).filter((t): t is string => t !== undefined))
  if (current.tagger && taggers.size > 0 && !taggers.has(current.tagger)) {
    out.push({
      ruleId: 'watch/new-tagger',
      severity: 'medium',
      confidence: 'high',
      message: `${current.tag} is the first release tagged by ${current.tagger}`,
      evidence: `earlier releases were tagged by: ${[...taggers].join(', ')}`,
      explanation: 'Release power passing to someone new is when a patient attacker acts; compare this release with its source before trusting it.',
    })
  }
  const signedBefore = earlier.filter((t) => t.signed)
  if (!current.signed && signedBefore.length > 0) {
    out.push({
      ruleId: 'watch/tag-unsigned',
      severity: 'high',
      confidence: 'high',
      message: `${current.tag} is not signed; ${signedBefore.at(-1)!.tag} was`,
    })
  }
  const keys = new Set(signedBefore.map((t) => t.keyId).filter((k): k is string => k !== undefined))
  if (current.signed && current.keyId && keys.size > 0 && !keys.has(current.keyId)) {
    out.push({
      ruleId: 'watch/tag-key-changed',
      severity: 'medium',
      confidence: 'high',
      message: `${current.tag} is signed with key ${current.keyId}, never used for an earlier release`,
      evidence: `earlier keys: ${[...keys].join(', ')}`,
    })
  }
  return out
}

export const taggerAnalysis: AnalysisHandler = {
  name: 'tagger',
  applies: (target) => target.kind === 'git',
  async run(release, context) {
    const { target, store } = { target: release.target, store: context.store }
    const repo = await openRepository(target.name, { cacheDir: context.cacheDir, offline: false })
    const ref = release.ref ?? release.version
    const facts = await readTagFacts(repo, ref)
    const current = summariseTag(facts)
    const when = facts.tagger ? Date.parse(facts.tagger.date) : Number.NaN
    const earlier: TagSummary[] = []
    for (const r of await store.releases(target.key)) {
      if (r.version === release.version || !r.ref) continue
      let other = fromRecord(r.facts)
      if (!other) {
        const read = await readTagFacts(repo, r.ref)
        other = { ...summariseTag(read), taggedAt: read.tagger?.date }
      }
      // tags that came later are not history for this one (several tags can arrive in one poll)
      if (other.taggedAt && !Number.isNaN(when) && Date.parse(other.taggedAt) > when) continue
      earlier.push({ tag: other.tag, tagger: other.tagger, signed: other.signed, keyId: other.keyId })
    }
    const findings = taggerDeltas(current, earlier)
    const report = assembleReport({
      command: 'watch tagger',
      subject: { source: target.name, tag: ref },
      facts: [
        { label: 'tagger', value: current.tagger ?? 'none (lightweight tag)' },
        { label: 'signature', value: current.signed ? `signed${current.keyId ? ` with key ${current.keyId}` : ''}` : 'unsigned' },
        { label: 'compared with', value: `${earlier.length} earlier release tag${earlier.length === 1 ? '' : 's'}` },
      ],
      findings,
      summary: {},
    })
    return { report, events: eventsOf(report) }
  },
}
