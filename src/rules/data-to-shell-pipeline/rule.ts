import type { Severity } from '../../model/finding.js'
import { executionHit } from '../evidence.js'
import { BUILD_LOGIC } from '../scope.js'
import { analyse, type Execution, type Step } from '../shell/analysis.js'
import { isObfuscatingStep } from '../shell/commands.js'
import type { Rule, RuleHit } from '../types.js'

/** What a step does, in the words of the message. */
export function describeStep(s: Step): string[] {
  const out: string[] = []
  if (s.facts.decoder) out.push(s.facts.decoder)
  if (s.facts.carving) out.push(`byte carving (${s.facts.carving})`)
  if (s.facts.charMap === 'swap') out.push('character swapping')
  else if (s.facts.charMap) out.push('character mapping')
  if (s.facts.sedCat) out.push('sed used as cat')
  return out
}

function hitFor(e: Execution, lines: readonly string[]): RuleHit | undefined {
  const strong = e.feeders.filter((s) => isObfuscatingStep(s.facts))
  if (strong.length === 0) return undefined
  const carves = strong.some((s) => s.facts.carving !== undefined)
  const maps = strong.some((s) => s.facts.charMap !== undefined)
  const severity: Severity = carves || maps ? 'critical' : 'high'
  const what = [...new Set(strong.flatMap(describeStep))]
  return executionHit(e, lines, `the output of ${what.join(', ')} is executed by ${e.how}`, severity, { steps: what })
}

const rule: Rule = {
  id: 'scan/data-to-shell-pipeline',
  title: 'Decoded data executed by a shell',
  short: 'The output of a decoder, decompressor, character mapping or byte carving, or text spelled as escapes (`printf "\\x72\\x6d"`), is executed by a shell or eval, or run as the command.',
  motivation:
    'A build has no reason to decode stored bytes and run the result: this is how a payload kept in a data file (a "test file", an image, a blob in m4) is started while the build scripts stay short and innocent-looking.',
  remediation: 'Reproduce the chain by hand outside the build, with the final shell replaced by `cat`, and read what it would have executed; remove the chain or explain it.',
  defaultSeverity: 'high',
  defaultConfidence: 'high',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const a = analyse(file)
    return a.executions.map((e) => hitFor(e, a.lines)).filter((h): h is RuleHit => h !== undefined)
  },
}
export default rule
