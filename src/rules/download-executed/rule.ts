import { executionHit } from '../evidence.js'
import { BUILD_LOGIC } from '../scope.js'
import { analyse, type Execution } from '../shell/analysis.js'
import type { Rule, RuleHit } from '../types.js'

function hitFor(e: Execution, lines: readonly string[]): RuleHit | undefined {
  const fetchers = e.feeders.filter((s) => s.facts.fetch !== undefined)
  if (fetchers.length === 0) return undefined
  const tools = [...new Set(fetchers.map((s) => s.facts.fetch))]
  return executionHit(e, lines, `what ${tools.join(' and ')} downloads is executed by ${e.how}`, 'critical', { fetchers: tools })
}

const rule: Rule = {
  id: 'scan/download-executed',
  title: 'Downloaded code executed by the build',
  short: 'The output of curl, wget or another network client is executed by a shell, eval or an interpreter while configuring or building.',
  motivation:
    'A release whose build runs code fetched at build time is not the release that was reviewed: whoever controls the server (or the network) decides what runs, and can serve the payload only to chosen machines.',
  remediation: 'Fetch the URL by hand and read what it serves; vendor what the build needs into the release, pinned by hash, or remove the step.',
  defaultSeverity: 'critical',
  defaultConfidence: 'high',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const a = analyse(file)
    return a.executions.map((e) => hitFor(e, a.lines)).filter((h): h is RuleHit => h !== undefined)
  },
}
export default rule
