import { allPipelines } from '../shell/lex.js'
import { pipelineFacts, sedAsCat } from '../shell/facts.js'
import { BUILD_LOGIC } from '../scope.js'
import type { Rule, RuleHit } from '../types.js'

const rule: Rule = {
  id: 'scan/sed-as-cat',
  title: 'sed used as cat',
  short: 'A sed whose script does nothing copies a file while looking like text processing.',
  motivation: 'A command disguised as another (`sed "r\\n"` for `cat`) only makes sense when someone wants the read to go unnoticed.',
  remediation: 'Check which file is read and where its bytes go.',
  defaultSeverity: 'medium',
  defaultConfidence: 'medium',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const hits: RuleHit[] = []
    for (const p of allPipelines(file.text)) {
      if (!p.commands.some(sedAsCat)) continue
      const f = pipelineFacts(p)
      const chained = f.sinkIndex > 0 || f.decoders.length > 0 || f.swaps > 0 || f.evals > 0
      hits.push({ line: p.line, message: `sed with a do-nothing script copies its input${chained ? ' into a decoding or executing pipeline' : ''}`, evidence: `${p.line}: ${p.text}`, severity: chained ? 'high' : 'medium' })
    }
    return hits
  },
}
export default rule
