import { pipelineFacts, trSwap } from '../shell/facts.js'
import { pipelineRule } from '../pipeline-rule.js'

const rule = pipelineRule(
  {
    id: 'scan/tr-obfuscation',
    title: 'Character-swapping tr',
    short: '`tr` maps a set of characters onto a permutation of itself: it undoes an obfuscation.',
    motivation: 'Swapping characters (rot13, swapped whitespace and punctuation) is no text-processing job; it hides data from scanners and from readers.',
    remediation: 'Find what the swapped data is and where it goes.',
    defaultSeverity: 'medium',
    defaultConfidence: 'high',
  },
  (p, hits) => {
    if (!p.commands.some(trSwap)) return
    const f = pipelineFacts(p)
    const chained = f.sinkIndex > 0 || f.decoders.length > 0 || f.evals > 0
    hits.push({ line: p.line, message: `tr swaps characters among themselves${chained ? ' and feeds a decoder or shell' : ''}`, evidence: `${p.line}: ${p.text}`, severity: chained ? 'high' : 'medium' })
  },
)
export default rule
