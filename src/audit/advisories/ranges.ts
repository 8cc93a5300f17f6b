/**
 * @fileoverview The OSV evaluation algorithm (schema § "Evaluation"): a version is affected when it
 * is listed in `versions`, or lies in a range — events sorted in the range's ordering
 * (`introduced: "0"` first, `limit: "*"` last), walked in order: at or above `introduced` turns
 * affected on, at or above `fixed` or above `last_affected` turns it off; and the version must be
 * below at least one `limit` when any is given. SEMVER ranges use SemVer 2.0 precedence
 * (pre-releases sort before their release, build metadata is ignored); ECOSYSTEM ranges use the
 * ecosystem's own ordering: semver for npm, dpkg for Debian. GIT ranges need the repository's
 * commit graph and are never evaluated against a version.
 */
import semver from 'semver'
import type { Ecosystem } from '../types.js'
import { compareDebianVersions } from './debian-version.js'
import { eventKind, eventVersion, type OsvRange } from './osv.js'
import type { OsvEvent } from './types.js'

export interface VersionOrdering {
  readonly name: string
  /** why the version cannot be placed in this ordering, or undefined */
  problem(version: string): string | undefined
  compare(a: string, b: string): number
}

const parseSemver = (version: string): semver.SemVer | null => semver.parse(version.trim(), { loose: true })

export const SEMVER_ORDERING: VersionOrdering = {
  name: 'SemVer 2.0',
  problem: (v) => (parseSemver(v) ? undefined : `${JSON.stringify(v)} is not a semantic version`),
  compare: (a, b) => {
    const x = parseSemver(a)
    const y = parseSemver(b)
    if (!x || !y) return a === b ? 0 : a < b ? -1 : 1
    return x.compare(y)
  },
}

export const DPKG_ORDERING: VersionOrdering = {
  name: 'dpkg',
  problem: (v) => (v.trim() === '' ? 'empty version' : undefined),
  compare: compareDebianVersions,
}

/** The ordering a range of this type uses for a package of this ecosystem. */
export function orderingFor(ecosystem: Ecosystem, type: 'SEMVER' | 'ECOSYSTEM'): VersionOrdering {
  if (type === 'SEMVER' || ecosystem === 'npm') return SEMVER_ORDERING
  return DPKG_ORDERING
}

const isZero = (e: OsvEvent): boolean => 'introduced' in e && e.introduced === '0'
const isInfinity = (e: OsvEvent): boolean => 'limit' in e && e.limit.includes('*')

/** Events sorted by version; the sort is stable, so events at the same version keep the record's order. */
export function sortEvents(events: readonly OsvEvent[], ordering: VersionOrdering): OsvEvent[] {
  const rank = (e: OsvEvent): number => (isZero(e) ? -1 : isInfinity(e) ? 1 : 0)
  return [...events].sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 ? ordering.compare(eventVersion(a), eventVersion(b)) : 0))
}

export type RangeResult =
  | { readonly evaluated: true; readonly affected: boolean; readonly events: readonly OsvEvent[] }
  | { readonly evaluated: false; readonly reason: string }

/** Whether `version` lies in a SEMVER or ECOSYSTEM range, following the schema's pseudocode. */
export function evaluateRange(version: string, range: OsvRange, ordering: VersionOrdering): RangeResult {
  if (range.type === 'GIT') return { evaluated: false, reason: `unmatched GIT range: commits of ${range.repo ?? 'an unnamed repository'} cannot be compared with a version` }
  const versionProblem = ordering.problem(version)
  if (versionProblem) return { evaluated: false, reason: `installed version ${versionProblem} (${range.type} range needs ${ordering.name} ordering)` }
  for (const e of range.events) {
    if (isZero(e) || isInfinity(e)) continue
    const problem = ordering.problem(eventVersion(e))
    if (problem) return { evaluated: false, reason: `${eventKind(e)} ${problem} (${ordering.name} ordering)` }
  }
  const events = sortEvents(range.events, ordering)
  const limits = events.filter((e): e is { limit: string } => 'limit' in e)
  const beforeLimits = limits.length === 0 || limits.some((e) => isInfinity(e) || ordering.compare(version, e.limit) < 0)
  if (!beforeLimits) return { evaluated: true, affected: false, events }
  let affected = false
  for (const e of events) {
    if ('introduced' in e) {
      if (isZero(e) || ordering.compare(version, e.introduced) >= 0) affected = true
    } else if ('fixed' in e) {
      if (ordering.compare(version, e.fixed) >= 0) affected = false
    } else if ('last_affected' in e) {
      if (ordering.compare(version, e.last_affected) > 0) affected = false
    }
  }
  return { evaluated: true, affected, events }
}

/** Whether two versions are the same version in this ordering (`1.0` and `0:1.0` for dpkg; build metadata counts for npm). */
export function sameVersion(a: string, b: string, ecosystem: Ecosystem): boolean {
  if (a === b) return true
  if (ecosystem === 'deb') return a.trim() !== '' && b.trim() !== '' && compareDebianVersions(a, b) === 0
  const x = parseSemver(a)
  const y = parseSemver(b)
  return !!x && !!y && semver.compareBuild(x, y) === 0
}
