import { substitutions, splitPipelines } from '../shell/lex.js'
import { decoderKind, isEval, program } from '../shell/commands.js'
import { pipelineFacts, transforms } from '../shell/facts.js'
import { pipelineRule } from '../pipeline-rule.js'

const rule = pipelineRule(
  {
    id: 'scan/data-to-shell-pipeline',
    title: 'Decoded data executed by a shell',
    short: 'Output of a decoder, decompressor or byte transformation is executed by a shell or eval.',
    motivation: 'Build steps have no reason to decode stored bytes and run the result; this is how payloads hidden in data files are started.',
    remediation: 'Find the file that feeds the pipeline and what it decodes to; a legitimate build never needs this.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  (p, hits) => {
    const f = pipelineFacts(p)
    if (f.sinkIndex > 0) {
      const feeders = p.commands.slice(0, f.sinkIndex)
      const evalFed = feeders.some(isEval)
      if (transforms(f) > 0 || evalFed) {
        const what = [...f.decoders, ...(f.carvers ? ['byte carving'] : []), ...(f.swaps ? ['character swapping'] : []), ...(f.disguisedCats ? ['sed as cat'] : []), ...(evalFed ? ['eval of a variable'] : [])]
        hits.push({
          line: p.line,
          message: `the output of ${what.join(', ')} is piped into a shell`,
          evidence: `${p.line}: ${p.text}`,
          severity: f.carvers || f.swaps ? 'critical' : 'high',
        })
      }
      return
    }
    // eval "$(… | xz -d)" and its kin: the substitution's output is executed
    for (const cmd of p.commands) {
      if (!isEval(cmd) && !/^(sh|bash)$/.test(program(cmd).name)) continue
      const subs = cmd.words.flatMap(substitutions).flatMap((s) => splitPipelines(s, p.line))
      const decoders = subs.flatMap((s) => s.commands.map(decoderKind)).filter(Boolean)
      if (decoders.length > 0) hits.push({ line: p.line, message: `${program(cmd).name} runs the output of ${decoders.join(', ')}`, evidence: `${p.line}: ${p.text}` })
    }
  },
)
export default rule
