import type { Finding, Severity } from '../model/finding.js'
import { PUSH_POWER, RELEASE_POWER, isBot, monthOf, type EventKind, type LedgerEvent } from './collect.js'
import type { HistoryPolicy } from './policy.js'

const DAY = 86400
const isoDay = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10)
const short = (id: string | undefined): string => (id ?? '').slice(0, 12)
const days = (seconds: number): number => Math.round(seconds / DAY)

/** What the takeover judgement reads from the analysed history (identities already merged). */
export interface RiseInputs {
  readonly ledger: ReadonlyMap<string, ReadonlyMap<EventKind, LedgerEvent>>
  /** every new-signing-key event (a project can change keys more than once) */
  readonly newKeys: readonly LedgerEvent[]
  /** weakened defences, identities resolved */
  readonly weakened: readonly LedgerEvent[]
  readonly identities: readonly string[]
  countIn(identity: string, fromMonth: number, toMonth: number): number
  lastBefore(identity: string, month: number): number | undefined
  readonly firstAuthored: (identity: string) => number | undefined
  readonly nameOf: (identity: string) => string
  readonly who: (identity: string) => string
  readonly emailsOf: (identity: string) => readonly string[]
  /** the project's start (robust to a stray commit dated years before the rest) and end */
  readonly projectStart: number
  readonly end: number
  readonly policy: HistoryPolicy
}

export interface Rise {
  readonly identity: string
  readonly name: string
  readonly firstCommit: string
  readonly power: string
  readonly score: number
  readonly severity: Severity | 'none'
  readonly signals: readonly string[]
  readonly context: readonly string[]
  readonly timeline: readonly { date: string; time: number; kind: string; commit?: string; tag?: string; path?: string; keyId?: string; detail?: string }[]
}

const SEVERITY_OF = (score: number, t: HistoryPolicy['escalationScore']): Severity | undefined => (score >= t.critical ? 'critical' : score >= t.high ? 'high' : score >= t.medium ? 'medium' : score >= t.low ? 'low' : undefined)
const capAt = (s: Severity | undefined, cap: Severity): Severity | undefined => {
  const order: Severity[] = ['info', 'low', 'medium', 'high', 'critical']
  return s === undefined ? undefined : order.indexOf(s) > order.indexOf(cap) ? cap : s
}

/** Mail providers and forge addresses anyone can have: they say nothing about an employer. */
const OPEN_MAIL = /^(?:gmail|googlemail|yahoo|ymail|rocketmail|hotmail|outlook|live|msn|aol|icloud|me|mac|protonmail|proton|pm|gmx|web|mail|email|yandex|qq|163|126|yeah|sina|sohu|aliyun|foxmail|fastmail|fastmail\.fm|zoho|tutanota|tuta|posteo|mailbox|hey|duck|seznam|naver|hanmail|daum|rediffmail|free|orange|wanadoo|laposte|sfr|t-online|libero|virgilio|rambler|inbox|ukr|bk|list|op|interia|o2|wp|onet|comcast|verizon|att|sbcglobal|bigpond|optusnet|shaw|rogers|btinternet|ntlworld|blueyonder|gmx\.net)\.[a-z.]+$|(?:^|\.)(?:users\.noreply\.github\.com|noreply\.github\.com|users\.sourceforge\.net|users\.noreply\.gitlab\.com|github\.com|gitlab\.com|invalid|localhost|localdomain|local|test|example|example\.com|example\.org|example\.net|\(none\))$/

/**
 * The organisation an address belongs to: its registrable domain (`us.ibm.com` → `ibm.com`,
 * `dev.example.co.uk` → `example.co.uk`), or undefined for an open mail provider or a forge address.
 */
export function organisationOf(email: string): string | undefined {
  const domain = email.toLowerCase().split('@')[1]?.replace(/[>\s]+$/, '')
  if (!domain || !domain.includes('.') || OPEN_MAIL.test(domain)) return undefined
  const labels = domain.split('.')
  const tld = labels[labels.length - 1] ?? ''
  const second = labels[labels.length - 2] ?? ''
  const keep = tld.length === 2 && /^(?:co|com|ac|edu|gov|net|org|or|ne|go)$/.test(second) ? 3 : 2
  const org = labels.slice(-keep).join('.')
  return OPEN_MAIL.test(org) ? undefined : org
}

/**
 * Separates a takeover from a succession. For every identity that arrived after the founding
 * period and gained the power to change the default branch or ship a release, it reads the
 * context of that rise: the newcomer's footprint before (none vs. years of patches), the
 * incumbent's state at that moment (silent, fading) and afterwards (gone, or still working),
 * how many people share power afterwards (a committee or a group fork is no takeover), the
 * first acts of power (release, build, CI, dependencies, security policy, URLs), new signing
 * keys and weakened defences. Each is one signal; the severity follows how many co-occur.
 */
export function judgeRises(x: RiseInputs): { rises: Rise[]; findings: Finding[] } {
  const { policy } = x
  const rises: Rise[] = []
  const findings: Finding[] = []
  const earliest = (m: ReadonlyMap<EventKind, LedgerEvent>, kinds: readonly EventKind[]): LedgerEvent | undefined =>
    kinds
      .map((k) => m.get(k))
      .filter((e): e is LedgerEvent => e !== undefined)
      .sort((a, b) => a.time - b.time)[0]
  const powerOf = new Map<string, number>()
  for (const [identity, m] of x.ledger) {
    const p = earliest(m, [...PUSH_POWER, ...RELEASE_POWER])
    if (p) powerOf.set(identity, p.time)
  }
  const endMonth = monthOf(x.end)
  for (const [identity, m] of x.ledger) {
    const emails = x.emailsOf(identity)
    if (isBot(x.nameOf(identity), emails[0] ?? '')) continue
    const first = x.firstAuthored(identity) ?? m.get('first-commit')?.time
    if (first === undefined) continue
    // the founding period: everyone who builds a young project gains power fast
    if (first - x.projectStart < policy.foundingDays * DAY) continue
    const release = earliest(m, RELEASE_POWER)
    const push = earliest(m, PUSH_POWER)
    const power = earliest(m, [...PUSH_POWER, ...RELEASE_POWER])
    if (!power || power.time - first > policy.escalationWindowDays * DAY) continue
    const P = power.time
    const pm = monthOf(P)
    const fm = monthOf(first)
    const signals: string[] = []
    const context: string[] = []
    let score = 0
    const releaseWithin = release !== undefined && release.time - first <= policy.escalationWindowDays * DAY
    if (releaseWithin) {
      score += 1
      signals.push(`release power (${describePower(release)}) ${days(release.time - first)} days after the first commit`)
    }
    if (P - first <= policy.escalationFastDays * DAY) {
      score += 1
      signals.push(P - first < DAY ? 'power from the very first commit' : `power ${days(P - first)} days after the first commit`)
    }
    // the newcomer's footprint before the power
    const before = x.countIn(identity, fm, pm - 1) + (pm === fm ? 0 : 0)
    const spanDays = days(P - first)
    if (P - first < DAY && before === 0) {
      score += 2
      signals.push('no footprint before: the first commit already used the power')
    } else if (before < 3 || spanDays < 90) {
      score += 1
      signals.push(`almost no footprint before: ${before} earlier commit(s) over ${spanDays} days`)
    } else if (spanDays < 365 || before < 10) {
      score += 1
      signals.push(`a short footprint before: ${before} commits over ${spanDays} days`)
    } else context.push(`${before} commits over ${Math.round(spanDays / 36.5) / 10} years before gaining power`)
    // the incumbent: the most active other person in the two years before the rise
    const others = x.identities.filter((o) => o !== identity && !isBot(x.nameOf(o), x.emailsOf(o)[0] ?? ''))
    const ranked = (from: number, to: number): [string, number][] =>
      others
        .map((o) => [o, x.countIn(o, from, to)] as [string, number])
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])
    const incumbent = (ranked(pm - 24, pm - 1)[0] ?? ranked(0, pm - 1)[0])?.[0]
    let healthyIncumbent = false
    if (incumbent !== undefined) {
      const name = x.nameOf(incumbent)
      const last = x.lastBefore(incumbent, pm)
      const silentMonths = last === undefined ? Infinity : pm - last
      const recent = x.countIn(incumbent, pm - 12, pm - 1)
      const prior = x.countIn(incumbent, pm - 36, pm - 13) / 2
      const fading = prior >= 4 && recent <= prior * (1 - policy.incumbentFadeDrop)
      const after = x.countIn(incumbent, pm, Math.min(pm + 11, endMonth))
      const observedAfter = endMonth - pm
      if (silentMonths >= policy.fatigueSilenceDays / 30) {
        score += 1
        signals.push(`${name} (the incumbent) silent for ${silentMonths} months before`)
      } else if (fading) {
        score += 1
        signals.push(`${name} (the incumbent) fading: ${recent} commits in the year before, ${Math.round(prior)} a year before that`)
      }
      if (after === 0 && observedAfter >= 1) {
        score += 1
        signals.push(`${name} made no commit after`)
      }
      healthyIncumbent = silentMonths < policy.fatigueSilenceDays / 30 && !fading && after >= 3
      if (healthyIncumbent) context.push(`${name} kept working alongside (${after} commits in the year after)`)
    }
    // who else holds power in the year after: a committee or a group fork shares it
    // (someone who gained power around the same time counts even if they mostly commit others' work)
    const sharers = others.filter((o) => {
      const t = powerOf.get(o)
      return t !== undefined && t <= P + 365 * DAY && (x.countIn(o, pm, pm + 11) >= 3 || t >= P - 365 * DAY)
    })
    if (sharers.length === 0) {
      score += 1
      signals.push('holds that power alone')
    } else context.push(`power shared with ${sharers.slice(0, 4).map(x.nameOf).join(', ')}${sharers.length > 4 ? ` and ${sharers.length - 4} more` : ''}`)
    // power that passes within an organisation whose people already held it (a company's or a
    // university's project changing hands between colleagues): vouched for by that organisation.
    // Two colleagues at least, so that one person's own domain cannot vouch for a newcomer.
    const organisations = new Set(emails.map(organisationOf).filter((o): o is string => o !== undefined))
    const colleagues = others.filter((o) => {
      const t = powerOf.get(o)
      return t !== undefined && t < P && x.emailsOf(o).some((e) => { const org = organisationOf(e); return org !== undefined && organisations.has(org) })
    })
    const withinOrganisation = colleagues.length >= 2
    if (withinOrganisation) context.push(`power passed within ${[...organisations].join(', ')}, whose people held it before (${colleagues.slice(0, 3).map(x.nameOf).join(', ')}${colleagues.length > 3 ? ` and ${colleagues.length - 3} more` : ''})`)
    // the first acts of power
    // (CI and release scripts are every maintainer's daily work: only the acts that change what users get or whom they trust)
    const actKinds: EventKind[] = ['build', 'dependency-added', 'security-policy', 'urls', 'publish-workflow']
    const acts = actKinds.filter((k) => {
      const e = m.get(k)
      return e !== undefined && e.time >= first && e.time <= P + 180 * DAY
    })
    if (acts.length) {
      score += acts.length >= 3 ? 2 : 1
      signals.push(`first acts of power touch ${acts.join(', ')}`)
    }
    const newKey = x.newKeys.find((e) => e.who === identity && e.time >= first)
    if (newKey) {
      score += 1
      signals.push(`signed a release with a new key ${newKey.keyId ?? ''}`.trim())
    }
    // defences weakened while the rise is under way (from the first commit to two years after the power)
    const weakened = x.weakened.filter((w) => w.who === identity && w.time >= first && w.time <= P + 730 * DAY)
    if (weakened.length) {
      score += 2
      signals.push(`weakened ${weakened.length === 1 ? 'a defence' : `${weakened.length} defences`} (${[...new Set(weakened.map((w) => (w.detail ?? '').split(':')[0]))].join(', ')})`)
    }
    // a succession that held: years of stewardship with others contributing since
    const tenureYears = (x.end - P) / (365 * DAY)
    const contributorsSince = others.filter((o) => x.countIn(o, pm, endMonth) > 0).length
    const held = tenureYears >= 2 && x.countIn(identity, pm + 24, endMonth) > 0 && contributorsSince >= 5
    if (held) context.push(`still maintaining ${Math.floor(tenureYears)} years later, with ${contributorsSince} other contributors since`)
    // power not yet used on a release or a sensitive file is no excuse: a sold or abandoned project is
    // taken over before the harmful release, and the release may never be in git (a CDN, a store)
    let severity = SEVERITY_OF(score, policy.escalationScore)
    if (weakened.length === 0) {
      // a committee or a group fork: no escalation (the rise stays in the summary with its context)
      if (sharers.length >= 2) severity = undefined
      // power shared with another maintainer, an incumbent who keeps working, a succession that held,
      // or power passed between colleagues of the organisation that held it
      else if (sharers.length === 1 || healthyIncumbent || held || withinOrganisation) severity = capAt(severity, 'medium')
    }
    const timeline = [m.get('first-commit'), push, release, ...acts.map((k) => m.get(k)), newKey, ...weakened, m.get('hand-over')]
      .filter((e): e is LedgerEvent => e !== undefined)
      .filter((e, i, all) => all.indexOf(e) === i)
      .sort((a, b) => a.time - b.time)
      .map((e) => ({ date: isoDay(e.time), time: e.time, kind: e.kind, ...(e.commit ? { commit: e.commit } : {}), ...(e.tag ? { tag: e.tag } : {}), ...(e.path ? { path: e.path } : {}), ...(e.keyId ? { keyId: e.keyId } : {}), ...(e.detail ? { detail: e.detail } : {}) }))
    const rise: Rise = { identity, name: x.nameOf(identity), firstCommit: isoDay(first), power: isoDay(P), score, severity: severity ?? 'none', signals, context, timeline }
    rises.push(rise)
    if (!severity) continue
    const why = (sharers.length === 1 || healthyIncumbent || held || withinOrganisation) && weakened.length === 0 && severity === 'medium' && SEVERITY_OF(score, policy.escalationScore) !== 'medium' ? ' (capped: a succession, not a takeover)' : ''
    findings.push({
      ruleId: 'history/rapid-trust-escalation',
      severity,
      confidence: score >= policy.escalationScore.high ? 'high' : 'medium',
      message: `${x.who(identity)}, first commit ${isoDay(first)}, gained ${describePower(power)} on ${isoDay(P)}: ${signals.join('; ')} (${signals.length} co-occurring signals, score ${score})${why}${context.length ? `. Context: ${context.join('; ')}` : ''}`,
      evidence: timeline.map((e) => `${e.date}  ${e.kind.padEnd(16)} ${short(e.commit)}${e.tag ? ` ${e.tag}` : ''}${e.keyId ? ` key ${e.keyId}` : ''}${e.path ? ` ${e.path}` : ''}${e.detail ? `  ${e.detail.split('\n')[0]}` : ''}`).join('\n'),
      data: { identity, score, signals, context, firstCommit: isoDay(first), power: isoDay(P), timeline },
    })
  }
  return { rises, findings }
}

function describePower(e: LedgerEvent): string {
  switch (e.kind) {
    case 'release-tag':
      return `release tag ${e.tag ?? ''}`.trim()
    case 'version-bump':
      return `a version bump (${e.detail ?? ''}, no tag needed)`
    case 'publish-workflow':
      return `a publishing workflow in ${e.path ?? 'CI'}`
    case 'commit-access':
      return 'commit access (committing others’ work)'
    case 'direct-push':
      return 'push access to the default branch'
    case 'web-merge':
      return 'merge rights on the forge'
    default:
      return e.kind
  }
}
