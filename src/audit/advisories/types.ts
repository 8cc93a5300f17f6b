/** @fileoverview What the advisory store answers about one package. */
import type { Severity } from '../../model/finding.js'
import type { Ecosystem } from '../types.js'

export type OsvRangeType = 'SEMVER' | 'ECOSYSTEM' | 'GIT'

/** One event of an OSV range: exactly one of the four kinds. */
export type OsvEvent =
  | { readonly introduced: string }
  | { readonly fixed: string }
  | { readonly last_affected: string }
  | { readonly limit: string }

/** The package version to look up. `release` (`12`, `bookworm`) restricts `Debian:<release>` entries to that release. */
export interface AdvisoryQuery {
  readonly ecosystem: Ecosystem
  readonly name: string
  readonly version: string
  readonly release?: string
}

/** Why the package matched: a listed version, or the range it lies in (for evidence). */
export interface MatchedRange {
  readonly kind: 'versions' | 'range'
  /** the advisory's own ecosystem string: `npm`, `Debian`, `Debian:12` */
  readonly ecosystem: string
  /** for `range`: SEMVER or ECOSYSTEM (GIT ranges never match a version) */
  readonly type?: 'SEMVER' | 'ECOSYSTEM'
  /** for `range`: the events, sorted as they were evaluated */
  readonly events?: readonly OsvEvent[]
  /** `listed version 1.2.3`, `introduced 5.6.0-0.1, fixed 5.6.1+really5.4.5-1`, `vulnerable_versions <4.17.21` */
  readonly text: string
}

export interface AdvisoryMatch {
  /** `GHSA-…`, `DEBIAN-CVE-…`, `MAL-…`, or the GHSA id behind an npm bulk advisory */
  readonly id: string
  /** other ids of the same vulnerability (CVE ids, npm advisory numbers) */
  readonly aliases: readonly string[]
  readonly summary: string
  readonly severity: Severity
  /** how the severity was found: `CVSS:3.1/… (9.8)`, `database_specific.severity HIGH`, `not stated` */
  readonly severitySource: string
  /** false when no record states a severity for it: `severity` is then a stand-in, and reports say "unknown" */
  readonly severityKnown?: boolean
  /** the CVSS base score when a vector was scored */
  readonly cvssScore?: number
  /** a MAL- record (or an advisory aliasing one): the version is malware, not a bug */
  readonly malicious: boolean
  /** fixed versions above the installed one, smallest first: the versions to move to */
  readonly fixedVersions: readonly string[]
  /** `last_affected` bounds above the installed one, when the advisory gives no fix */
  readonly lastAffected: readonly string[]
  readonly range: MatchedRange
  /** matched through the upstream project a distribution package packages (a GIT record's release tags) */
  readonly upstream?: { readonly repository: string; readonly tag: string; readonly upstreamVersion: string }
  readonly references: readonly string[]
  readonly withdrawn: false
  /** where the record came from: `osv:<file>` or `npm-bulk:<registry>` */
  readonly source: string
  readonly cwe?: readonly string[]
  readonly published?: string
  readonly modified?: string
}

/** A range of an advisory for this package that could not be evaluated (a GIT range, an unparsable version). */
export interface UnevaluatedRange {
  readonly id: string
  readonly aliases: readonly string[]
  readonly summary: string
  readonly ecosystem: string
  readonly type: OsvRangeType
  readonly repo?: string
  readonly events: readonly OsvEvent[]
  readonly reason: string
  readonly source: string
}

export interface AdvisoryLookup {
  readonly matches: readonly AdvisoryMatch[]
  /** ranges of advisories that did not match otherwise and could not be evaluated: not "safe", not "affected" */
  readonly unevaluated: readonly UnevaluatedRange[]
}

export interface SkippedRecord {
  /** `file.json`, `all.zip!GHSA-xxxx.json` */
  readonly where: string
  readonly reason: string
}

export interface AdvisoryStoreStats {
  readonly sources: readonly string[]
  /** JSON documents read */
  readonly files: number
  /** valid records kept (withdrawn ones excluded) */
  readonly records: number
  /** records for ecosystems audit does not know (PyPI, Go…): valid, not indexed */
  readonly otherEcosystems: number
  readonly withdrawn: number
  readonly withdrawnIds: readonly string[]
  /** records seen twice (the most recently modified one is kept) */
  readonly duplicates: number
  readonly skipped: readonly SkippedRecord[]
  /** records left out because they name no package of the inventory */
  readonly filtered?: number
  /** the latest `modified` among the records read: how current the data is */
  readonly newestModified?: string
}
