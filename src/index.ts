/**
 * @fileoverview The library: every command's analysis, typed, from the package root. Each analysis
 * returns a {@link Report}; {@link render} turns it into text, JSON, SARIF, Markdown or HTML.
 *
 * @example
 * import { audit, render } from 'stagelight'
 * const report = await audit({ target: '.', cwd: process.cwd(), env: process.env, cacheDir: '.cache/stagelight', offline: true })
 * console.log(report.verdict, report.summary.findings)
 * process.stdout.write(render(report, 'sarif'))
 */

// verify: does a release artifact contain exactly what its source tag produces?
//   const report = await verify({ artifact: 'foo-1.2.3.tar.gz', source: '/path/to/foo.git', ref: 'v1.2.3', cacheDir: '.cache/stagelight' })
export { verify, type VerifyOptions } from './verify/verify.js'
export { openArtifact } from './sources/archive/index.js'

// scan: build-step and npm payload forensics.
//   const report = await scan({ target: 'foo-1.2.3.tar.gz', cwd: process.cwd(), env: process.env, cacheDir: '.cache/stagelight' })
export { scan, type ScanOptions } from './scan/scan.js'

// history: who gained which powers when.
//   const report = await history({ source: '/path/to/repo', cacheDir: '.cache/stagelight', window: 'quarter' })
export { history, type HistoryOptions } from './history/history.js'

// audit: every dependency's registry signals and known advisories.
//   const report = await audit({ target: '.', cwd: process.cwd(), env: process.env, cacheDir: '.cache/stagelight', offline: true })
export { audit, type AuditOptions } from './audit/audit.js'
export {
  AdvisoryStore,
  DEFAULT_DATABASE_ECOSYSTEMS,
  OSV_EXPORT_URL,
  readDatabase,
  updateDatabase,
  type AdvisoryMatch,
  type AdvisoryStoreOptions,
  type Database,
  type UpdateOptions,
} from './audit/advisories/index.js'
export { readInventory, type ReadInventoryOptions } from './audit/inventory/index.js'
export type { Inventory, PackageRef } from './audit/types.js'

// canary: behaviour and performance of a candidate against a baseline (executes both).
//   see CanaryRunOptions: workloads, each a baseline and a candidate command; runs and threshold
export { canaryRun, type CanaryRunOptions } from './canary/run.js'
export { canaryNpm, type CanaryNpmOptions } from './canary/npm.js'

export { StagelightError, EXIT, exitCodeFor, type ErrorCode } from './errors.js'
export type { Finding, Severity, Confidence } from './model/finding.js'
export type { Report, Explained, Verdict, Fact } from './model/report.js'
export type { ProgressEvent } from './model/progress.js'
export type { TreeEntry, EntryKind } from './model/tree.js'
export { render, FORMATS, type Format, type RenderOptions } from './report/index.js'
export { rules } from './rules/index.js'
