import type { Finding, Severity } from '../model/finding.js'
import { SEVERITIES } from '../model/finding.js'
import type { EventKind, HistoryAggregate, LedgerEvent, WindowSize } from './collect.js'
import { monthOf, windowBounds, windowLabel, windowOfMonth } from './collect.js'
import type { TagRecord } from './git-facts.js'
import type { Identity } from './identities.js'
import { rawKey } from './identities.js'
import { busFactor, gini, hhi, truckFactor, type FileAuthorship } from './metrics.js'
import type { HistoryPolicy } from './policy.js'
import { judgeRises } from './takeover.js'
import type { SignatureFact } from './signatures.js'

const DAY = 86400
export const isoDay = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10)
const pct = (x: number): string => `${Math.round(x * 100)}%`
const short = (id: string | undefined): string => (id ?? '').slice(0, 12)

export interface WindowSummary {
  readonly window: string
  readonly start: string
  readonly end: string
  readonly commits: number
  readonly activeAuthors: number
  readonly topAuthor: string | null
  readonly topShare: number
  readonly hhi: number
  readonly gini: number
  readonly busFactor: number
  readonly truckFactor: number | null
  /** commits per identity id in this window */
  readonly shares: Readonly<Record<string, number>>
}

export interface IdentitySummary {
  readonly id: string
  readonly name: string
  readonly emails: readonly string[]
  readonly names: readonly string[]
  readonly commits: number
  readonly merges: number
  readonly share: number
  readonly signedCommits: number
  readonly committedForOthers: number
  readonly firstAuthored: string | null
  readonly lastAuthored: string | null
  readonly firstCommitted: string | null
  readonly lastCommitted: string | null
  readonly firstRelease: string | null
  readonly lastRelease: string | null
  readonly releases: number
  readonly longestSilenceDays: number
}

export interface EventSummary {
  readonly date: string
  readonly time: number
  readonly identity: string
  readonly name: string
  readonly kind: EventKind
  readonly commit?: string
  readonly tag?: string
  readonly path?: string
  readonly keyId?: string
  readonly detail?: string
  /** a power event (push, merge, release, signing key, weakened defence), as counted in the facts */
  readonly power: boolean
}

/** The ledger kinds that are powers gained or used; the facts and the HTML list count the same ones. */
export const POWER_KINDS: readonly EventKind[] = ['commit-access', 'direct-push', 'web-merge', 'release-tag', 'version-bump', 'publish-workflow', 'signed-tag', 'new-signing-key', 'weakened-defence']

export interface Analysis {
  readonly findings: Finding[]
  readonly windows: WindowSummary[]
  readonly identities: IdentitySummary[]
  readonly events: EventSummary[]
  readonly patterns: Record<string, unknown>
  readonly overall: Record<string, unknown>
  readonly facts: { label: string; value: string }[]
}

interface Release {
  readonly tag: TagRecord
  readonly who: string
}


/** Turns the streamed aggregate and the tags into metrics, the ledger, patterns and findings. */
export function analyse(agg: HistoryAggregate, tags: readonly TagRecord[], tagKeys: ReadonlyMap<TagRecord, string>, resolved: { identities: Map<string, Identity>; idOf: Map<string, string> }, headPaths: ReadonlySet<string> | undefined, options: { policy: HistoryPolicy; window: WindowSize; shallow: boolean; signatures?: ReadonlyMap<string, SignatureFact> }): Analysis {
  const { policy, window: size } = options
  const { identities, idOf } = resolved
  const id = (key: string): string => idOf.get(key) ?? key
  const nameOf = (identity: string): string => identities.get(identity)?.name ?? identity
  const who = (identity: string): string => {
    const i = identities.get(identity)
    return i ? `${i.name} <${i.emails[0] ?? i.id}>` : identity
  }

  // ---- per identity, per month (merged identities)
  const monthly = new Map<string, Map<number, number>>()
  for (const [key, months] of agg.monthly) {
    const target = monthly.get(id(key)) ?? new Map<number, number>()
    for (const [m, n] of months) target.set(m, (target.get(m) ?? 0) + n)
    monthly.set(id(key), target)
  }
  const countIn = (identity: string, fromMonth: number, toMonth: number): number => {
    let n = 0
    for (const [m, c] of monthly.get(identity) ?? []) if (m >= fromMonth && m <= toMonth) n += c
    return n
  }
  const totalIn = (fromMonth: number, toMonth: number): Map<string, number> => {
    const out = new Map<string, number>()
    for (const identity of monthly.keys()) {
      const n = countIn(identity, fromMonth, toMonth)
      if (n > 0) out.set(identity, n)
    }
    return out
  }

  // ---- releases
  const releasePattern = new RegExp(policy.releaseTagPattern)
  const releases: Release[] = tags
    .filter((t) => releasePattern.test(t.name) && t.time > 0)
    .map((t) => ({ tag: t, who: id(tagKeys.get(t) ?? rawKey(t.personName, t.personEmail)) }))
    .sort((a, b) => a.tag.time - b.tag.time || a.tag.name.localeCompare(b.tag.name))
  const releaseEvents: LedgerEvent[] = []
  const seenKeys = new Set<string>()
  const released = new Set<string>()
  const signedBy = new Set<string>()
  for (const r of releases) {
    if (!released.has(r.who)) {
      released.add(r.who)
      releaseEvents.push({ kind: 'release-tag', time: r.tag.time, who: r.who, tag: r.tag.name, commit: r.tag.commit, ...(r.tag.inferred ? { detail: 'lightweight tag: the tagger is inferred from the tagged commit’s committer' } : {}) })
    }
    if (r.tag.signed) {
      const key = r.tag.keyId ?? 'unknown key'
      if (!signedBy.has(r.who)) {
        signedBy.add(r.who)
        const sig = r.tag.object ? options.signatures?.get(r.tag.object) : undefined
        releaseEvents.push({ kind: 'signed-tag', time: r.tag.time, who: r.who, tag: r.tag.name, keyId: key, commit: r.tag.commit, ...(sig ? { detail: sig.detail } : {}) })
      }
      if (!seenKeys.has(key)) {
        if (seenKeys.size > 0) releaseEvents.push({ kind: 'new-signing-key', time: r.tag.time, who: r.who, tag: r.tag.name, keyId: key, commit: r.tag.commit, detail: `releases were signed before with ${[...seenKeys].join(', ')}` })
        seenKeys.add(key)
      }
    }
  }

  // ---- the ledger: earliest event of each kind per merged identity
  const ledger = new Map<string, Map<EventKind, LedgerEvent>>()
  const put = (e: LedgerEvent): void => {
    const identity = id(e.who)
    let m = ledger.get(identity)
    if (!m) ledger.set(identity, (m = new Map()))
    const known = m.get(e.kind)
    if (!known || e.time < known.time) m.set(e.kind, { ...e, who: identity })
  }
  for (const m of agg.events.values()) for (const e of m.values()) put(e)
  for (const e of releaseEvents) {
    const m = ledger.get(e.who) ?? new Map<EventKind, LedgerEvent>()
    ledger.set(e.who, m)
    if (e.kind === 'new-signing-key') {
      // every new key is an event, keyed by the key
      const k = `new-signing-key` as const
      if (!m.has(k)) m.set(k, e)
    } else put(e)
  }
  const events: EventSummary[] = []
  for (const [identity, m] of ledger) for (const e of m.values()) events.push(toEvent(e, identity))
  for (const e of releaseEvents.filter((e) => e.kind === 'new-signing-key')) if (!events.some((x) => x.kind === 'new-signing-key' && x.keyId === e.keyId)) events.push(toEvent(e, e.who))
  for (const w of agg.weakened) {
    const identity = id(w.who)
    if (!events.some((x) => x.kind === 'weakened-defence' && x.commit === w.commit && x.path === w.path)) events.push(toEvent({ ...w, who: identity }, identity))
  }
  events.sort((a, b) => a.time - b.time || a.kind.localeCompare(b.kind))
  function toEvent(e: LedgerEvent, identity: string): EventSummary {
    return { date: isoDay(e.time), time: e.time, identity, name: nameOf(identity), kind: e.kind, power: POWER_KINDS.includes(e.kind), ...(e.commit ? { commit: e.commit } : {}), ...(e.tag ? { tag: e.tag } : {}), ...(e.path ? { path: e.path } : {}), ...(e.keyId ? { keyId: e.keyId } : {}), ...(e.detail ? { detail: e.detail } : {}) }
  }

  // ---- identities
  const totalCommits = agg.commits
  const idStats = new Map<string, { commits: number; merges: number; signed: number; others: number; fa?: number | undefined; la?: number | undefined; fc?: number | undefined; lc?: number | undefined; gap: number }>()
  for (const [key, s] of agg.keys) {
    const identity = id(key)
    const t = idStats.get(identity) ?? { commits: 0, merges: 0, signed: 0, others: 0, gap: 0 }
    t.commits += s.commits
    t.merges += s.merges
    t.signed += s.signed
    t.others += s.committedForOthers
    const min = (x: number | undefined, y: number | undefined): number | undefined => (x === undefined ? y : y === undefined ? x : Math.min(x, y))
    const max = (x: number | undefined, y: number | undefined): number | undefined => (x === undefined ? y : y === undefined ? x : Math.max(x, y))
    t.fa = min(t.fa, s.firstAuthored?.time)
    t.la = max(t.la, s.lastAuthored?.time)
    t.fc = min(t.fc, s.firstCommitted?.time)
    t.lc = max(t.lc, s.lastCommitted?.time)
    t.gap = Math.max(t.gap, s.longestGap?.days ?? 0)
    idStats.set(identity, t)
  }
  const releasesBy = (identity: string): Release[] => releases.filter((r) => r.who === identity)
  const identitySummaries: IdentitySummary[] = [...idStats]
    .map(([identity, s]) => {
      const rs = releasesBy(identity)
      const i = identities.get(identity)
      const day = (t: number | undefined): string | null => (t === undefined ? null : isoDay(t))
      return {
        id: identity,
        name: i?.name ?? identity,
        emails: i?.emails ?? [],
        names: i?.names ?? [],
        commits: s.commits,
        merges: s.merges,
        share: totalCommits ? s.commits / totalCommits : 0,
        signedCommits: s.signed,
        committedForOthers: s.others,
        firstAuthored: s.commits + s.merges > 0 ? day(s.fa) : null,
        lastAuthored: s.commits + s.merges > 0 ? day(s.la) : null,
        firstCommitted: day(s.fc),
        lastCommitted: day(s.lc),
        firstRelease: rs[0] ? isoDay(rs[0].tag.time) : null,
        lastRelease: rs.length ? isoDay(rs[rs.length - 1]?.tag.time ?? 0) : null,
        releases: rs.length,
        longestSilenceDays: Math.round(s.gap),
      }
    })
    .filter((s) => s.commits + s.merges + s.releases + s.committedForOthers > 0)
    .sort((a, b) => b.commits - a.commits || a.id.localeCompare(b.id))
  const firstAuthoredTime = (identity: string): number | undefined => (idStats.get(identity)?.commits ? idStats.get(identity)?.fa : undefined)

  // ---- windows
  const windows: WindowSummary[] = []
  const firstMonth = agg.first ? monthOf(agg.first.time) : 0
  const lastMonth = agg.last ? monthOf(agg.last.time) : -1
  const truckByWindow = new Map<number, number>()
  for (const [w, tf] of agg.windowTruck) truckByWindow.set(w, tf.truckFactor)
  if (agg.first && agg.last) {
    const firstWindow = windowOfMonth(firstMonth, size)
    const lastWindow = windowOfMonth(lastMonth, size)
    const counts = new Map<number, Map<string, number>>()
    for (const [identity, months] of monthly)
      for (const [m, n] of months) {
        const w = windowOfMonth(m, size)
        const c = counts.get(w) ?? new Map<string, number>()
        c.set(identity, (c.get(identity) ?? 0) + n)
        counts.set(w, c)
      }
    for (let w = firstWindow; w <= lastWindow; w++) {
      const c = counts.get(w) ?? new Map<string, number>()
      const values = [...c.values()]
      const total = values.reduce((a, b) => a + b, 0)
      const top = [...c].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]
      windows.push({
        window: windowLabel(w, size),
        ...windowBounds(w, size),
        commits: total,
        activeAuthors: c.size,
        topAuthor: top?.[0] ?? null,
        topShare: top && total ? top[1] / total : 0,
        hhi: round(hhi(values)),
        gini: round(gini(values)),
        busFactor: busFactor(values, policy.busFactorCoverage),
        truckFactor: truckByWindow.get(w) ?? (total === 0 ? 0 : null),
        shares: Object.fromEntries([...c].sort((a, b) => b[1] - a[1])),
      })
    }
  }

  // ---- overall metrics
  const overallCounts = identitySummaries.map((s) => s.commits).filter((n) => n > 0)
  const files: FileAuthorship[] = []
  for (const [path, f] of agg.files) {
    if (headPaths && !headPaths.has(path)) continue
    const merged = new Map<string, number>()
    for (const [k, n] of f.changes) merged.set(id(k), (merged.get(id(k)) ?? 0) + n)
    files.push({ changes: merged, ...(f.creator ? { creator: id(f.creator) } : {}) })
  }
  const tf = truckFactor(files, { normalized: policy.doaNormalizedThreshold, absolute: policy.doaAbsoluteThreshold, orphanShare: policy.truckFactorOrphanShare })
  const lastYear = totalIn(lastMonth - 11, lastMonth)
  const lastYearValues = [...lastYear.values()]
  const lastYearTotal = lastYearValues.reduce((a, b) => a + b, 0)
  const lastYearTop = [...lastYear].sort((a, b) => b[1] - a[1])[0]
  const overall = {
    commits: totalCommits,
    merges: agg.merges,
    signedTags: releases.filter((r) => r.tag.signed).length,
    identities: identitySummaries.filter((s) => s.commits > 0).length,
    first: agg.first ? { date: isoDay(agg.first.time), commit: agg.first.commit } : null,
    last: agg.last ? { date: isoDay(agg.last.time), commit: agg.last.commit } : null,
    topAuthor: identitySummaries[0]?.id ?? null,
    topShare: identitySummaries[0]?.share ?? 0,
    hhi: round(hhi(overallCounts)),
    gini: round(gini(overallCounts)),
    busFactor: busFactor(overallCounts, policy.busFactorCoverage),
    truckFactor: tf.truckFactor,
    truckFactorAuthors: tf.authors,
    truckFactorFiles: tf.files,
    lastYear: { commits: lastYearTotal, activeAuthors: lastYear.size, topAuthor: lastYearTop?.[0] ?? null, topShare: lastYearTop && lastYearTotal ? lastYearTop[1] / lastYearTotal : 0, hhi: round(hhi(lastYearValues)), busFactor: busFactor(lastYearValues, policy.busFactorCoverage) },
    releases: releases.length,
    releaseManagers: [...new Set(releases.map((r) => r.who))],
  }

  const findings: Finding[] = []
  const projectStart = startOf(monthly, agg.first?.time ?? 0)
  const end = agg.last?.time ?? 0

  // ---- maintainer fatigue
  const fatigue: Record<string, unknown>[] = []
  const fatigued = new Set<string>()
  for (const s of identitySummaries) {
    const st = idStats.get(s.id)
    if (!st || st.fa === undefined || st.la === undefined) continue
    const longStanding = (st.la - st.fa) / DAY >= policy.longStandingDays || (s.releases > 0 && (end - st.fa) / DAY >= policy.longStandingDays)
    if (!longStanding || (s.share < policy.maintainerMinShare && s.id !== identitySummaries[0]?.id)) continue
    const recent = countIn(s.id, lastMonth - 11, lastMonth)
    // their own past: the average year of the three before the last (a slow fade counts too)
    const prior = Math.round(countIn(s.id, lastMonth - 47, lastMonth - 12) / 3)
    const drop = prior > 0 ? Math.max(0, 1 - recent / prior) : 0
    const silence = (end - st.la) / DAY
    const signals: string[] = []
    if (prior >= 4 && drop >= policy.fatigueDrop) signals.push(`activity dropped ${pct(drop)} (${prior} commits a year in the three years before, ${recent} in the last year)`)
    if (silence >= policy.fatigueSilenceDays) signals.push(`silent for ${Math.round(silence)} days (last commit ${isoDay(st.la)})`)
    if (signals.length === 0) continue
    const concentrated = lastYearTop !== undefined && lastYearTotal > 0 && lastYearTop[1] / lastYearTotal >= policy.concentrationShare
    if (concentrated) signals.push(`load concentrated: ${nameOf(lastYearTop[0])} made ${pct(lastYearTop[1] / lastYearTotal)} of the last year's commits`)
    const severity: Severity = signals.length >= 2 ? 'medium' : 'low'
    fatigued.add(s.id)
    fatigue.push({ identity: s.id, name: s.name, recent, prior, drop: round(drop), silenceDays: Math.round(silence), longestSilenceDays: s.longestSilenceDays, signals, severity })
    findings.push({
      ruleId: 'history/maintainer-fatigue',
      severity,
      confidence: 'medium',
      message: `${who(s.id)}, maintaining since ${s.firstAuthored ?? '?'}, shows fatigue: ${signals.join('; ')}`,
      evidence: signals.map((x) => `- ${x}`).join('\n'),
      data: { identity: s.id, recent, prior, drop, silenceDays: Math.round(silence) },
    })
  }

  // ---- rapid trust escalation: takeover or succession
  const lastBefore = (identity: string, month: number): number | undefined => {
    let last: number | undefined
    for (const [mm, c] of monthly.get(identity) ?? []) if (c > 0 && mm < month && (last === undefined || mm > last)) last = mm
    return last
  }
  const { rises, findings: riseFindings } = judgeRises({
    ledger,
    newKeys: releaseEvents.filter((e) => e.kind === 'new-signing-key'),
    weakened: agg.weakened.map((w) => ({ ...w, who: id(w.who) })),
    // everyone in the ledger: a maintainer who only merges or commits others' work holds power too
    identities: [...new Set([...monthly.keys(), ...ledger.keys()])],
    countIn,
    lastBefore,
    firstAuthored: firstAuthoredTime,
    nameOf,
    who,
    emailsOf: (identity) => identities.get(identity)?.emails ?? [],
    projectStart,
    end,
    policy,
  })
  const escalations = rises as unknown as Record<string, unknown>[]
  const escalated = new Map<string, Severity>()
  for (const f of riseFindings) {
    escalated.set(String((f.data as { identity: string }).identity), f.severity)
    findings.push(f)
  }

  // ---- weakened defences
  for (const w of agg.weakened) {
    const identity = id(w.who)
    const esc = escalated.get(identity)
    const severity: Severity = esc && SEVERITIES.indexOf(esc) >= SEVERITIES.indexOf('high') ? 'high' : 'medium'
    findings.push({
      ruleId: 'history/weakened-defence',
      severity,
      confidence: 'medium',
      ...(w.path ? { path: w.path } : {}),
      message: `${w.detail ?? 'a defence was weakened'} — commit ${short(w.commit)} by ${who(identity)} on ${isoDay(w.time)}${esc ? ' (an identity flagged for rapid trust escalation)' : ''}`,
      ...(w.evidence ? { evidence: w.evidence } : {}),
      data: { commit: w.commit, date: isoDay(w.time), identity, kind: w.detail?.split(':')[0] ?? '' },
    })
  }

  // ---- release-manager change
  const managerChanges: Record<string, unknown>[] = []
  const managersSoFar: string[] = []
  const keysSoFar: string[] = []
  let streak = 0
  for (let i = 0; i < releases.length; i++) {
    const r = releases[i]
    const prev = releases[i - 1]
    if (!r) continue
    const key = r.tag.signed ? (r.tag.keyId ?? 'unknown key') : undefined
    if (prev && r.who !== prev.who && !managersSoFar.includes(r.who)) {
      const firstCommit = firstAuthoredTime(r.who)
      const newcomer = firstCommit === undefined || r.tag.time - firstCommit <= policy.escalationWindowDays * DAY
      const rotation = managersSoFar.length >= policy.rotationMinManagers - 1 && streak < 3
      let severity: Severity = rotation ? 'info' : 'low'
      if (!rotation && newcomer && streak >= 2) severity = 'medium'
      if (escalated.has(r.who)) severity = 'medium'
      managerChanges.push({ date: isoDay(r.tag.time), tag: r.tag.name, from: prev.who, to: r.who, previousReleases: streak, newcomer, rotation, keyId: key ?? null, severity })
      findings.push({
        ruleId: 'history/release-manager-change',
        severity,
        confidence: r.tag.inferred ? 'medium' : 'high',
        message: `release ${r.tag.name} (${isoDay(r.tag.time)}) was ${r.tag.inferred ? 'committed' : 'tagged'}${key ? ` and signed with key ${key}` : ''} by ${who(r.who)}, who had never released before; the previous ${streak} release(s) were by ${who(prev.who)}${newcomer ? `; ${nameOf(r.who)}'s first commit was ${firstCommit ? isoDay(firstCommit) : 'never'}` : ''}${rotation ? ' (the project already rotates release managers)' : ''}`,
        evidence: releases
          .slice(Math.max(0, i - 3), i + 2)
          .map((x) => `${isoDay(x.tag.time)}  ${x.tag.name.padEnd(14)} ${nameOf(x.who)}${x.tag.signed ? ` signed ${x.tag.keyId ?? ''}` : ''}`)
          .join('\n'),
        data: { tag: r.tag.name, commit: r.tag.commit, from: prev.who, to: r.who, keyId: key ?? null },
      })
    } else if (key && keysSoFar.length > 0 && !keysSoFar.includes(key) && prev?.who === r.who) {
      managerChanges.push({ date: isoDay(r.tag.time), tag: r.tag.name, from: prev.who, to: r.who, keyId: key, newKey: true, severity: 'low' })
      findings.push({ ruleId: 'history/release-manager-change', severity: 'low', confidence: 'high', message: `release ${r.tag.name} (${isoDay(r.tag.time)}) is signed with a new key ${key} (earlier releases: ${keysSoFar.join(', ')})`, data: { tag: r.tag.name, keyId: key } })
    }
    streak = prev && prev.who === r.who ? streak + 1 : 1
    if (!managersSoFar.includes(r.who)) managersSoFar.push(r.who)
    if (key && !keysSoFar.includes(key)) keysSoFar.push(key)
  }

  // ---- single point of failure
  const active = windows.filter((w) => w.commits > 0)
  const recentWindows = active.slice(-policy.spofWindows)
  const sustained = recentWindows.length >= policy.spofWindows && recentWindows.every((w) => w.busFactor === 1)
  const spofPerson = sustained ? recentWindows[recentWindows.length - 1]?.topAuthor ?? undefined : undefined
  const recentReleasers = [...new Set(releases.filter((r) => end - r.tag.time <= 2 * 365 * DAY).map((r) => r.who))]
  const allReleasers = [...new Set(releases.map((r) => r.who))]
  const soleReleaser = allReleasers.length === 1 ? allReleasers[0] : undefined
  const spofSignals: string[] = []
  if (sustained) spofSignals.push(`bus factor 1 in each of the last ${recentWindows.length} active ${size}s (${recentWindows.map((w) => `${w.window}: ${nameOf(w.topAuthor ?? '')} ${pct(w.topShare)}`).join(', ')})`)
  if (soleReleaser) spofSignals.push(`${nameOf(soleReleaser)} made all ${releases.length} releases: no one else has release history`)
  else if (recentReleasers.length === 1 && releases.length > 1) spofSignals.push(`${nameOf(recentReleasers[0] ?? '')} made every release of the last two years`)
  const spofIdentity = spofPerson ?? soleReleaser ?? (recentReleasers.length === 1 ? recentReleasers[0] : undefined)
  const singlePointOfFailure = { sustainedBusFactor1: sustained, soleReleaser: soleReleaser ?? null, identity: spofIdentity ?? null, signals: spofSignals }
  if (spofSignals.length > 0 && spofIdentity !== undefined) {
    const severity: Severity = spofSignals.length >= 2 && fatigued.has(spofIdentity) ? 'medium' : 'low'
    findings.push({ ruleId: 'history/single-point-of-failure', severity, confidence: 'high', message: `${who(spofIdentity)} is a single point of failure: ${spofSignals.join('; ')}${fatigued.has(spofIdentity) ? '; and shows fatigue' : ''}`, evidence: spofSignals.map((s) => `- ${s}`).join('\n'), data: singlePointOfFailure })
  }

  // ---- notable power events as info findings
  const founders = new Set(identitySummaries.filter((s) => s.firstAuthored !== null && firstAuthoredTime(s.id) !== undefined && (firstAuthoredTime(s.id) ?? 0) - projectStart < policy.newcomerAfterDays * DAY).map((s) => s.id))
  const notable = events.filter((e) => (e.kind === 'commit-access' || e.kind === 'direct-push' || e.kind === 'version-bump' || e.kind === 'release-tag' || e.kind === 'new-signing-key' || (e.kind === 'signed-tag' && !founders.has(e.identity))) && (!founders.has(e.identity) || e.kind === 'new-signing-key'))
  for (const e of notable.slice(0, policy.maxEventFindings)) {
    findings.push({ ruleId: 'history/power-event', severity: 'info', confidence: 'high', ...(e.path ? { path: e.path } : {}), message: `${e.date} ${e.name}: ${describeEvent(e)}`, data: { ...e } })
  }

  const facts = makeFacts()
  function makeFacts(): { label: string; value: string }[] {
    const out: { label: string; value: string }[] = []
    if (!agg.first || !agg.last) return out
    out.push({ label: 'history', value: `${totalCommits} commits and ${agg.merges} merges by ${overall.identities} identities, ${isoDay(agg.first.time)} → ${isoDay(agg.last.time)}` })
    const maintainers = [...lastYear].sort((a, b) => b[1] - a[1]).slice(0, 3)
    out.push({ label: 'maintainers (last year)', value: maintainers.length ? maintainers.map(([i, n]) => `${nameOf(i)} ${pct(n / lastYearTotal)}`).join(', ') : 'no commits in the last year of the range' })
    out.push({ label: 'all-time top authors', value: identitySummaries.slice(0, 3).map((s) => `${s.name} ${pct(s.share)} (${s.firstAuthored} → ${s.lastAuthored})`).join(', ') })
    out.push({ label: 'concentration', value: `top author ${pct(overall.topShare)}, HHI ${overall.hhi}, Gini ${overall.gini}; last year top ${pct(overall.lastYear.topShare)}, HHI ${overall.lastYear.hhi}` })
    out.push({ label: 'bus / truck factor', value: `bus factor ${overall.busFactor} (last year ${overall.lastYear.busFactor}), truck factor ${tf.truckFactor}${tf.authors.length ? ` (${tf.authors.map(nameOf).join(', ')})` : ''} over ${tf.files} files` })
    if (fatigue.length) out.push({ label: 'fatigue', value: fatigue.map((f) => `${String(f.name)}: ${(f.signals as string[])[0] ?? ''}`).join('; ') })
    const lastRelease = releases[releases.length - 1]
    out.push({ label: 'releases', value: releases.length ? `${releases.length} release tags by ${allReleasers.map(nameOf).join(', ')}; latest ${lastRelease?.tag.name} ${isoDay(lastRelease?.tag.time ?? 0)} by ${nameOf(lastRelease?.who ?? '')}${lastRelease?.tag.signed ? ` signed ${lastRelease.tag.keyId ?? ''}` : ' unsigned'}` : 'no release tags' })
    const power = events.filter((e) => e.power)
    if (power.length) {
      // the newest eight by date, and who holds them all, so a long-time founder does not hide the rest
      const holders = [...new Set(power.map((e) => e.name))]
      out.push({ label: 'power events', value: `${power.length} (by ${holders.length} identit${holders.length === 1 ? 'y' : 'ies'}: ${holders.slice(0, 6).join(', ')}${holders.length > 6 ? ', …' : ''})${power.length > 8 ? '; the latest 8:' : ':'}\n${power.slice(-8).map((e) => `    ${e.date}  ${e.name}: ${describeEvent(e)}`).join('\n')}` })
    }
    const signedTags = releases.filter((r) => r.tag.signed)
    if (signedTags.length) {
      const facts = signedTags.map((r) => (r.tag.object ? options.signatures?.get(r.tag.object) : undefined))
      const kinds = new Map<string, number>()
      for (const f of facts) kinds.set(f?.kind ?? 'openpgp', (kinds.get(f?.kind ?? 'openpgp') ?? 0) + 1)
      const good = facts.filter((f) => f?.verified === true).length
      const bad = facts.filter((f) => f?.verified === false).length
      out.push({ label: 'signatures', value: `${signedTags.length} of ${releases.length} release tags signed (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}); ${good} verified against the key they carry${bad ? `, ${bad} DO NOT match their content` : ''}; OpenPGP and X.509 signatures are reported by key, unverified (no trusted keyring given); commit signatures are read only for identities under suspicion` })
    }
    const esc = escalations.filter((e) => e.severity !== 'none')
    out.push({ label: 'escalation', value: esc.length ? esc.map((e) => `${String(e.name)} (${String(e.severity)}, score ${String(e.score)})`).join(', ') : 'no rapid trust escalation' })
    return out
  }

  return {
    findings,
    windows,
    identities: identitySummaries,
    events,
    patterns: { escalation: escalations, releaseManagerChanges: managerChanges, singlePointOfFailure, fatigue },
    overall,
    facts,
  }
}

function describeEvent(e: EventSummary): string {
  switch (e.kind) {
    case 'commit-access':
      return `first committed someone else's work (${short(e.commit)}; ${e.detail ?? ''})`
    case 'direct-push':
      return `first commit straight to the default branch (${short(e.commit)})`
    case 'web-merge':
      return `first merge on the forge (${short(e.commit)})`
    case 'version-bump':
      return `first version bump ${e.detail ?? ''} in ${e.path ?? '?'} (${short(e.commit)})`
    case 'publish-workflow':
      return `first publishing workflow in ${e.path ?? '?'} (${short(e.commit)})`
    case 'release-tag':
      return `first release tag ${e.tag ?? ''}`
    case 'signed-tag':
      return `first signed release ${e.tag ?? ''} with key ${e.keyId ?? '?'}`
    case 'new-signing-key':
      return `release ${e.tag ?? ''} signed with a new key ${e.keyId ?? '?'}`
    case 'weakened-defence':
      return `weakened a defence in ${e.path ?? '?'} (${short(e.commit)}): ${(e.detail ?? '').split('\n')[0] ?? ''}`
    default:
      return `first ${e.kind} change ${e.path ?? ''} (${short(e.commit)})`
  }
}

/**
 * The project's start: the first month from which commits keep coming (three within a year), so
 * a stray commit authored years before the rest (an import, a wrong clock) does not move it.
 */
function startOf(monthly: ReadonlyMap<string, ReadonlyMap<number, number>>, first: number): number {
  const all = new Map<number, number>()
  for (const months of monthly.values()) for (const [m, n] of months) all.set(m, (all.get(m) ?? 0) + n)
  const months = [...all.keys()].sort((a, b) => a - b)
  for (const m of months) {
    let n = 0
    for (const [k, c] of all) if (k >= m && k < m + 12) n += c
    if (n >= 3) return Math.max(first, Date.UTC(Math.floor(m / 12), m % 12, 1) / 1000)
  }
  return first
}
const round = (x: number): number => Math.round(x * 1000) / 1000
