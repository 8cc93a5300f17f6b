/*
 * stagelight benchmarks: `npm run bench [-- --only verify|scan] [--quick] [--runs N] [--diffoscope-timeout S]`.
 * Each prints medians and ratios against a peer tool or a raw baseline measured in the same run.
 */
import { option } from './common.js'
import { benchScan } from './scan.js'
import { benchVerify } from './verify.js'

const only = option('--only')
if (only !== undefined && only !== 'verify' && only !== 'scan') {
  process.stderr.write(`bench: --only takes verify or scan, not ${only}\n`)
  process.exit(2)
}
if (only !== 'scan') await benchVerify()
if (only !== 'verify') await benchScan()
