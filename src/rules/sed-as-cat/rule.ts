import { evidenceLines, spanLines } from '../evidence.js'
import { BUILD_LOGIC } from '../scope.js'
import { analyse } from '../shell/analysis.js'
import type { Rule, RuleHit } from '../types.js'

const rule: Rule = {
  id: 'scan/sed-as-cat',
  title: 'sed used as cat',
  short: 'A sed whose script does nothing (`sed "r\\n"`, `sed \'\'`, `sed -n p`) copies a file while looking like text processing.',
  motivation:
    'A command disguised as another only makes sense when someone wants a read to go unnoticed: `sed "r\\n" FILE` reads as an edit but is a plain copy of FILE into the next command.',
  remediation: 'Check which file is read and where its bytes go; a real copy would be written as `cat`.',
  defaultSeverity: 'medium',
  defaultConfidence: 'medium',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const a = analyse(file)
    const hits: RuleHit[] = []
    for (const cmd of a.commands) {
      if (!a.facts(cmd).sedCat) continue
      const flow = a.flow(cmd)
      const chained = flow.decoding || flow.executions.length > 0
      const numbers = [...spanLines(cmd.line, cmd.endLine), ...(chained ? flow.sites.map((s) => s.pipeline.line) : []), ...flow.executions.map((e) => e.sink.line)]
      hits.push({
        line: cmd.line,
        message: `sed with a do-nothing script copies its input${chained ? ' into a pipeline that decodes or executes it' : ''}`,
        evidence: evidenceLines(a.lines, numbers),
        severity: chained ? 'high' : 'medium',
        confidence: chained ? 'high' : 'medium',
      })
    }
    return hits
  },
}
export default rule
