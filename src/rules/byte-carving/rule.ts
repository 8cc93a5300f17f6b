import { pipelineFacts } from '../shell/facts.js'
import { pipelineRule } from '../pipeline-rule.js'

const rule = pipelineRule(
  {
    id: 'scan/byte-carving',
    title: 'Byte ranges carved out of a file',
    short: 'Chained `head -c`/`tail -c`/`dd skip=` steps cut a hidden payload out of a larger file.',
    motivation: 'Carving byte ranges in sequence, or feeding carved bytes to a decoder or shell, extracts data that was hidden inside another file.',
    remediation: 'Find the file being carved and decode the ranges by hand, outside the build.',
    defaultSeverity: 'medium',
    defaultConfidence: 'medium',
  },
  (p, hits) => {
    const f = pipelineFacts(p)
    if (f.carvers === 0) return
    const chained = f.sinkIndex > 0 || f.decoders.length > 0 || f.swaps > 0
    if (f.carvers < 2 && !chained) return
    hits.push({ line: p.line, message: `${f.carvers} byte-carving step(s)${chained ? ' feeding a decoder or shell' : ' in one pipeline'}`, evidence: `${p.line}: ${p.text}`, severity: chained ? 'high' : 'medium' })
  },
)
export default rule
