import { allPipelines, type Pipeline } from './shell/lex.js'
import { BUILD_LOGIC } from './scope.js'
import type { Rule, RuleHit } from './types.js'

export type PipelineRuleMeta = Omit<Rule, 'run' | 'appliesTo'>

/** A build-logic rule that judges each pipeline of a file on its own. */
export function pipelineRule(meta: PipelineRuleMeta, judge: (pipeline: Pipeline, hits: RuleHit[]) => void): Rule {
  return {
    ...meta,
    appliesTo: BUILD_LOGIC,
    run(file) {
      const hits: RuleHit[] = []
      for (const p of allPipelines(file.text)) judge(p, hits)
      return hits
    },
  }
}
