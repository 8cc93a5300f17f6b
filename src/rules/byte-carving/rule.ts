import { allPipelines } from '../shell/lex.js'
import { pipelineFacts } from '../shell/facts.js'
import { BUILD_LOGIC } from '../scope.js'
import type { Rule, RuleHit } from '../types.js'

const rule: Rule = {
  id: 'scan/byte-carving',
  title: 'Byte ranges carved out of a file',
  short: 'Chained `head -c`/`tail -c`/`dd skip=` steps cut a hidden payload out of a larger file.',
  motivation: 'Carving byte ranges in sequence, or feeding carved bytes to a decoder or shell, extracts data that was hidden inside another file.',
  remediation: 'Find the file being carved and decode the ranges by hand, outside the build.',
  defaultSeverity: 'medium',
  defaultConfidence: 'medium',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const hits: RuleHit[] = []
    for (const p of allPipelines(file.text)) {
      const f = pipelineFacts(p)
      if (f.carvers === 0) continue
      const chained = f.sinkIndex > 0 || f.decoders.length > 0 || f.swaps > 0
      if (f.carvers < 2 && !chained) continue
      hits.push({ line: p.line, message: `${f.carvers} byte-carving step(s)${chained ? ' feeding a decoder or shell' : ' in one pipeline'}`, evidence: `${p.line}: ${p.text}`, severity: chained ? 'high' : 'medium' })
    }
    return hits
  },
}
export default rule
