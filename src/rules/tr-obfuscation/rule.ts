import { allPipelines } from '../shell/lex.js'
import { pipelineFacts, trSwap } from '../shell/facts.js'
import { BUILD_LOGIC } from '../scope.js'
import type { Rule, RuleHit } from '../types.js'

const rule: Rule = {
  id: 'scan/tr-obfuscation',
  title: 'Character-swapping tr',
  short: '`tr` maps a set of characters onto a permutation of itself: it undoes an obfuscation.',
  motivation: 'Swapping characters (rot13, swapped whitespace and punctuation) is no text-processing job; it hides data from scanners and from readers.',
  remediation: 'Find what the swapped data is and where it goes.',
  defaultSeverity: 'medium',
  defaultConfidence: 'high',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const hits: RuleHit[] = []
    for (const p of allPipelines(file.text)) {
      if (!p.commands.some(trSwap)) continue
      const f = pipelineFacts(p)
      const chained = f.sinkIndex > 0 || f.decoders.length > 0 || f.evals > 0
      hits.push({ line: p.line, message: `tr swaps characters among themselves${chained ? ' and feeds a decoder or shell' : ''}`, evidence: `${p.line}: ${p.text}`, severity: chained ? 'high' : 'medium' })
    }
    return hits
  },
}
export default rule
