/** @fileoverview Advisories for `stagelight audit`: OSV data in a local store, the npm registry's bulk endpoint, and the findings they produce. */
export { compareDebianVersions, debianVersionProblem, parseDebianVersion, type DebianVersion } from './debian-version.js'
export { cvss2BaseScore, cvss3BaseScore, severityOfScore, severityOfWord, type CvssScore } from './cvss.js'
export { mapEcosystem, parseOsvRecord, type OsvAffected, type OsvParse, type OsvRange, type OsvRecord, type OsvSeverity } from './osv.js'
export { DPKG_ORDERING, SEMVER_ORDERING, evaluateRange, orderingFor, sameVersion, sortEvents, type RangeResult, type VersionOrdering } from './ranges.js'
export { repositoryKey, tagMatchesVersion, upstreamRepositories, upstreamVersion, UPSTREAM_REPOSITORIES, versionTokens } from './upstream.js'
export { AdvisoryStore, advisorySeverity, isMaliciousRecord, packageKey, statedSeverity, UNKNOWN_SEVERITY_SOURCE, type AdvisoryStoreOptions } from './store.js'
export {
  DATABASE_MAX_AGE_MS,
  DEFAULT_DATABASE_ECOSYSTEMS,
  OSV_EXPORT_URL,
  describeDatabase,
  exportUrl,
  osvDatabasesFor,
  osvEcosystemOf,
  readDatabase,
  updateDatabase,
  type Database,
  type DatabaseMeta,
  type UpdateOptions,
  type UpdateResult,
} from './database.js'
export {
  ADVISORY_RANGE_UNEVALUATED,
  KNOWN_VULNERABILITY,
  MALICIOUS_PACKAGE,
  advisoryFindings,
  advisoryLabel,
  advisoryRules,
  remediationFor,
} from './findings.js'
export { bulkAdvisoryToMatch, bulkKey, queryNpmBulkAdvisories, type NpmBulkOptions, type NpmBulkResult } from './npm-bulk.js'
export { mergeAdvisoryMatches } from './merge.js'
export type {
  AdvisoryLookup,
  AdvisoryMatch,
  AdvisoryQuery,
  AdvisoryStoreStats,
  MatchedRange,
  OsvEvent,
  OsvRangeType,
  SkippedRecord,
  UnevaluatedRange,
} from './types.js'
