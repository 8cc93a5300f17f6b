import { pipelineFacts, sedAsCat } from '../shell/facts.js'
import { pipelineRule } from '../pipeline-rule.js'

const rule = pipelineRule(
  {
    id: 'scan/sed-as-cat',
    title: 'sed used as cat',
    short: 'A sed whose script does nothing copies a file while looking like text processing.',
    motivation: 'A command disguised as another (`sed "r\\n"` for `cat`) only makes sense when someone wants the read to go unnoticed.',
    remediation: 'Check which file is read and where its bytes go.',
    defaultSeverity: 'medium',
    defaultConfidence: 'medium',
  },
  (p, hits) => {
    if (!p.commands.some(sedAsCat)) return
    const f = pipelineFacts(p)
    const chained = f.sinkIndex > 0 || f.decoders.length > 0 || f.swaps > 0 || f.evals > 0
    hits.push({ line: p.line, message: `sed with a do-nothing script copies its input${chained ? ' into a decoding or executing pipeline' : ''}`, evidence: `${p.line}: ${p.text}`, severity: chained ? 'high' : 'medium' })
  },
)
export default rule
