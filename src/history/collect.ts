import type { CommitFacts } from './git-facts.js'
import { isDefenceKind, type DiffObservation } from './defences.js'
import type { IdentityBook } from './identities.js'
import type { FileAuthorship, TruckFactor } from './metrics.js'
import { truckFactor } from './metrics.js'
import { areasOf, type Area } from './paths.js'
import type { HistoryPolicy } from './policy.js'

export type WindowSize = 'month' | 'quarter' | 'year'

/** Month number since year 0 (UTC), the unit every window is built from. */
export const monthOf = (epochSeconds: number): number => {
  const d = new Date(epochSeconds * 1000)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

export const windowOfMonth = (month: number, size: WindowSize): number => (size === 'month' ? month : size === 'quarter' ? Math.floor(month / 3) : Math.floor(month / 12))

export function windowLabel(index: number, size: WindowSize): string {
  if (size === 'year') return String(index)
  if (size === 'quarter') return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}

export function windowBounds(index: number, size: WindowSize): { start: string; end: string } {
  const firstMonth = size === 'month' ? index : size === 'quarter' ? index * 3 : index * 12
  const months = size === 'month' ? 1 : size === 'quarter' ? 3 : 12
  const iso = (m: number): string => new Date(Date.UTC(Math.floor(m / 12), m % 12, 1)).toISOString().slice(0, 10)
  return { start: iso(firstMonth), end: iso(firstMonth + months) }
}

export type EventKind = 'first-commit' | 'commit-access' | 'direct-push' | 'web-merge' | 'release-tag' | 'version-bump' | 'publish-workflow' | 'signed-tag' | 'new-signing-key' | 'dependency-added' | 'hand-over' | Area | 'weakened-defence'

/** Kinds that give the power to ship a release: a tag, a version bump, a publishing workflow. */
export const RELEASE_POWER: readonly EventKind[] = ['release-tag', 'version-bump', 'publish-workflow']
/** Kinds that show the power to change the default branch. */
export const PUSH_POWER: readonly EventKind[] = ['commit-access', 'direct-push', 'web-merge']

/**
 * Automation, never a person who gains or shares power: forge bots, and the service accounts
 * that import, mirror or sync code (`Copybara-Service`, `Biz Ops Github Access <…-importer@…>`,
 * `snappy.mirrorbot@…`), whose commits someone else's tooling makes, and the converters that
 * carried a history over from another version control system (`hg convert` commits its tags as
 * `convert-repo <convert-repo@localhost>`).
 */
const AUTOMATION_NAME = /\[bot\]|^dependabot|^renovate|^github-actions|^greenkeeper|^(?:convert-repo|cvs2svn|cvs2git|svn2git|hg-git|fast-export|tailor)$|\b(?:robot|automation|automated|importer|copybara|buildbot|mirrorbot|syncbot)\b|\bgit(?:hub|lab)[ -](?:access|actions?|automation|service)\b|[- ]service$/i
const AUTOMATION_EMAIL = /\[bot\]@|^bot@|(?:^|[._+-])(?:bot|robot|mirrorbot|buildbot|syncbot|[a-z]+-bot|automation|importer|copybara(?:-worker)?)(?:[._+-][^@]*)?@/i
export const isBot = (name: string, email: string): boolean => AUTOMATION_NAME.test(name) || AUTOMATION_EMAIL.test(email) || (/noreply@github\.com$/.test(email) && /bot/i.test(name + email))

/** A commit subject that announces a change of maintainer or owner (a fact for the report, never a verdict). */
const HAND_OVER = /\b(new (?:maintainer|owner)s?|hand(?:ed|ing)? (?:it |the project )?over|transfer(?:red|ring)? (?:ownership|the project|maintenance)|(?:looking|search(?:ing)?) for (?:a )?(?:new )?maintainers?|step(?:ping|ped)? down|no longer maintain|unmaintained|maintainer wanted|add(?:ed|ing)? .{0,40} as (?:a )?(?:co-?)?maintainer)/i

export interface LedgerEvent {
  readonly kind: EventKind
  /** epoch seconds */
  readonly time: number
  /** raw identity key (resolved later) */
  readonly who: string
  readonly commit?: string
  readonly tag?: string
  readonly path?: string
  readonly keyId?: string
  readonly detail?: string
  readonly evidence?: string
}

export interface Stamp {
  readonly time: number
  readonly commit: string
}

interface KeyState {
  commits: number
  merges: number
  lines: number
  signed: number
  firstAuthored?: Stamp
  lastAuthored?: Stamp
  firstCommitted?: Stamp
  lastCommitted?: Stamp
  /** committed someone else's work, how many times */
  committedForOthers: number
  /** newer commit time while streaming newest first, for gaps */
  previousTime?: number
  longestGap?: { days: number; from: number; to: number }
}

const MAX_WEAKENED = 500

/**
 * Everything `history` keeps while commits stream past: per identity and per month counts,
 * first/last stamps, the earliest event of each kind per identity, and per-file authorship for
 * the truck factor. Its size grows with identities, months and files — never with commits.
 */
export class HistoryAggregate {
  readonly book: IdentityBook
  readonly policy: HistoryPolicy
  readonly windowSize: WindowSize
  readonly keys = new Map<string, KeyState>()
  readonly monthly = new Map<string, Map<number, number>>()
  readonly events = new Map<string, Map<EventKind, LedgerEvent>>()
  readonly weakened: LedgerEvent[] = []
  weakenedDropped = 0
  readonly files = new Map<string, FileAuthorship>()
  readonly renamed = new Map<string, string>()
  readonly #windowFiles = new Map<number, Map<string, FileAuthorship>>()
  readonly windowTruck = new Map<number, TruckFactor>()
  commits = 0
  merges = 0
  first?: Stamp
  last?: Stamp
  /** commits whose parents are missing (shallow boundary) */
  readonly boundary: Stamp[] = []
  /** the first-parent line from HEAD still to be met while streaming (usually one id) */
  readonly #mainline = new Set<string>()
  #headSeen = false
  /** commits authored after this (epoch seconds) are not analysed: the report is as of this date */
  asOf = Number.POSITIVE_INFINITY
  /** commits streamed but after the as-of date */
  later = 0
  /** commits whose changes git could not read */
  unreadable = 0

  constructor(book: IdentityBook, policy: HistoryPolicy, windowSize: WindowSize) {
    this.book = book
    this.policy = policy
    this.windowSize = windowSize
  }

  #key(key: string): KeyState {
    let s = this.keys.get(key)
    if (!s) this.keys.set(key, (s = { commits: 0, merges: 0, lines: 0, signed: 0, committedForOthers: 0 }))
    return s
  }

  /** Keeps the earliest event of this kind for this identity. */
  event(e: LedgerEvent): void {
    let m = this.events.get(e.who)
    if (!m) this.events.set(e.who, (m = new Map()))
    const known = m.get(e.kind)
    if (!known || e.time <= known.time) m.set(e.kind, e)
  }

  #resolvePath(path: string): string {
    let p = path
    for (let i = 0; i < 50; i++) {
      const next = this.renamed.get(p)
      if (next === undefined || next === p) break
      p = next
    }
    return p
  }

  #authorship(map: Map<string, FileAuthorship>, path: string, who: string): void {
    let f = map.get(path)
    if (!f) map.set(path, (f = { changes: new Map() }))
    f.changes.set(who, (f.changes.get(who) ?? 0) + 1)
    f.creator = who // streaming newest first: the last seen is the earliest
  }

  #closeWindowsAbove(current: number): void {
    for (const [index, map] of this.#windowFiles) {
      if (index > current + 1) {
        this.windowTruck.set(index, this.#truck(map.values()))
        this.#windowFiles.delete(index)
      }
    }
  }

  #truck(files: Iterable<FileAuthorship>): TruckFactor {
    return truckFactor(files, { normalized: this.policy.doaNormalizedThreshold, absolute: this.policy.doaAbsoluteThreshold, orphanShare: this.policy.truckFactorOrphanShare })
  }

  finishWindows(): void {
    for (const [index, map] of this.#windowFiles) this.windowTruck.set(index, this.#truck(map.values()))
    this.#windowFiles.clear()
  }

  addCommit(c: CommitFacts): void {
    // the first-parent line from HEAD: a commit on it was pushed (or merged) to the default branch
    if (!this.#headSeen) {
      this.#headSeen = true
      this.#mainline.add(c.id)
    }
    const onMainline = this.#mainline.delete(c.id)
    if (onMainline && c.parents[0]) this.#mainline.add(c.parents[0])
    if (c.authorTime > this.asOf && c.committerTime > this.asOf) {
      this.later += 1
      return
    }
    if (c.unreadable) this.unreadable += 1
    const author = this.book.see(c.authorName, c.authorEmail)
    const committer = this.book.see(c.committerName, c.committerEmail, 0)
    const stamp: Stamp = { time: c.authorTime, commit: c.id }
    const a = this.#key(author)
    const merge = c.parents.length > 1
    if (merge) {
      this.merges += 1
      a.merges += 1
    } else {
      this.commits += 1
      a.commits += 1
      const month = monthOf(c.authorTime)
      let m = this.monthly.get(author)
      if (!m) this.monthly.set(author, (m = new Map()))
      m.set(month, (m.get(month) ?? 0) + 1)
    }
    if (!a.lastAuthored || c.authorTime > a.lastAuthored.time) a.lastAuthored = stamp
    if (!a.firstAuthored || c.authorTime <= a.firstAuthored.time) a.firstAuthored = stamp
    if (a.previousTime !== undefined && a.previousTime >= c.authorTime) {
      const days = (a.previousTime - c.authorTime) / 86400
      if (!a.longestGap || days > a.longestGap.days) a.longestGap = { days, from: c.authorTime, to: a.previousTime }
    }
    a.previousTime = c.authorTime
    if (!this.first || c.authorTime <= this.first.time) this.first = stamp
    if (!this.last || c.authorTime > this.last.time) this.last = stamp
    if (c.parents.length === 0 && this.boundary.length < 10) this.boundary.push(stamp)

    const k = this.#key(committer)
    const cstamp: Stamp = { time: c.committerTime, commit: c.id }
    if (!k.lastCommitted || c.committerTime > k.lastCommitted.time) k.lastCommitted = cstamp
    if (!k.firstCommitted || c.committerTime <= k.firstCommitted.time) k.firstCommitted = cstamp
    const forge = this.policy.forgeCommitters.includes(c.committerEmail.toLowerCase()) || /\[bot\]|^github$|^gitlab$/i.test(c.committerName)
    const bot = isBot(c.authorName, c.authorEmail)
    const sameName = c.committerName.trim().toLowerCase() === c.authorName.trim().toLowerCase()
    if (committer !== author && !forge && !sameName) {
      k.committedForOthers += 1
      this.event({ kind: 'commit-access', time: c.committerTime, who: committer, commit: c.id, detail: `committed work authored by ${c.authorName} <${c.authorEmail}>` })
    }
    if (onMainline && !merge && !forge && !bot && (committer === author || sameName)) this.event({ kind: 'direct-push', time: c.committerTime, who: author, commit: c.id, detail: 'committed directly to the default branch' })
    if (onMainline && merge && forge && !bot) this.event({ kind: 'web-merge', time: c.committerTime, who: author, commit: c.id, detail: 'merged into the default branch on the forge' })
    this.event({ kind: 'first-commit', time: c.authorTime, who: author, commit: c.id })
    if (HAND_OVER.test(c.subject)) this.event({ kind: 'hand-over', time: c.authorTime, who: author, commit: c.id, detail: c.subject.slice(0, 160) })

    if (merge) return
    const window = windowOfMonth(monthOf(c.authorTime), this.windowSize)
    this.#closeWindowsAbove(window)
    let wf = this.#windowFiles.get(window)
    if (!wf && !this.windowTruck.has(window)) this.#windowFiles.set(window, (wf = new Map()))
    for (const f of c.files) {
      if (f.from !== undefined && f.from !== f.path) this.renamed.set(f.from, this.#resolvePath(f.path))
      const path = this.#resolvePath(f.path)
      a.lines += f.added + f.deleted
      this.#authorship(this.files, path, author)
      if (wf) this.#authorship(wf, path, author)
      for (const area of areasOf(f.path, f.binary)) this.event({ kind: area, time: c.authorTime, who: author, commit: c.id, path: f.path })
    }
  }

  addObservation(o: DiffObservation): void {
    if (o.authorTime > this.asOf) return
    const who = this.book.see(o.authorName, o.authorEmail, 0)
    const base = { time: o.authorTime, who, commit: o.commit, path: o.path, detail: o.detail, evidence: o.evidence.join('\n') }
    if (!isDefenceKind(o.kind)) {
      const kind: EventKind = o.kind === 'security-contact' ? 'security-policy' : o.kind === 'dependency-added' ? 'dependency-added' : o.kind
      this.event({ ...base, kind })
      return
    }
    const e: LedgerEvent = { ...base, kind: 'weakened-defence', detail: `${o.kind}: ${o.detail}` }
    this.event(e)
    if (this.weakened.length < MAX_WEAKENED) this.weakened.push(e)
    else this.weakenedDropped += 1
  }

  /** Commits per raw key, for choosing an identity's main e-mail. */
  weightOf = (key: string): number => (this.keys.get(key)?.commits ?? 0) + (this.keys.get(key)?.merges ?? 0)
}
