/*
 * stagelight benchmarks: `npm run bench [-- --only verify|releases|scan|entries|npm|audit|audit-typosquat|advisories|history|history-corpus|canary|watch] [--quick] [--runs N] [--diffoscope-timeout S]`.
 * Each prints medians and ratios against a peer tool or a raw baseline measured in the same run.
 */
import { option } from './common.js'
import { benchAdvisoryScaling, benchAudit } from './audit.js'
import { benchAuditTyposquat } from './audit-typosquat.js'
import { benchCanary } from './canary.js'
import { benchEntries } from './entries.js'
import { benchHistory } from './history.js'
import { benchHistoryCorpus } from './history-corpus.js'
import { benchNpm } from './npm.js'
import { benchScan } from './scan.js'
import { benchReleases } from './releases.js'
import { benchVerify } from './verify.js'
import { benchWatch } from './watch.js'

const only = option('--only')
const PARTS = ['verify', 'releases', 'scan', 'entries', 'npm', 'audit', 'audit-typosquat', 'advisories', 'history', 'history-corpus', 'canary', 'watch']
if (only !== undefined && !PARTS.includes(only)) {
  process.stderr.write(`bench: --only takes ${PARTS.join(', ')}, not ${only}\n`)
  process.exit(2)
}
if (only === undefined || only === 'verify') await benchVerify()
if (only === 'releases') await benchReleases()
if (only === undefined || only === 'scan') await benchScan()
if (only === 'entries') await benchEntries()
if (only === undefined || only === 'npm') await benchNpm()
if (only === undefined || only === 'audit') await benchAudit()
if (only === undefined || only === 'audit' || only === 'advisories') await benchAdvisoryScaling()
if (only === 'audit-typosquat') await benchAuditTyposquat()
if (only === undefined || only === 'history') await benchHistory()
if (only === 'history-corpus') await benchHistoryCorpus()
if (only === undefined || only === 'canary') await benchCanary()
if (only === undefined || only === 'watch') await benchWatch()
