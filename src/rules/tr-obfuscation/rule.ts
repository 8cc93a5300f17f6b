import { evidenceLines, spanLines } from '../evidence.js'
import { BUILD_LOGIC } from '../scope.js'
import { analyse } from '../shell/analysis.js'
import type { Command } from '../shell/ast.js'
import { program } from '../shell/words.js'
import type { Rule, RuleHit } from '../types.js'

const rule: Rule = {
  id: 'scan/tr-obfuscation',
  title: 'Character-swapping translation',
  short: '`tr` (or `sed y`) maps a set of characters onto a permutation of itself: it undoes an obfuscation.',
  motivation:
    'Swapping characters among themselves (rot13, swapped whitespace and punctuation, a shuffled byte table) is no text-processing job. It turns data that scanners and readers pass over into something else, typically just before it is decompressed or run.',
  remediation: 'Find the data the translation is applied to, apply it by hand, and see what comes out and where it goes.',
  defaultSeverity: 'medium',
  defaultConfidence: 'high',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const a = analyse(file)
    const hits: RuleHit[] = []
    // each swapping command once, where it first appears, with the command it was written as
    const candidates: { cmd: Command; origin: Command }[] = []
    const seen = new Set<Command>()
    const consider = (cmd: Command, origin: Command) => {
      if (a.facts(cmd).charMap !== 'swap' || seen.has(cmd)) return
      seen.add(cmd)
      candidates.push({ cmd, origin })
    }
    for (const cmd of a.commands) consider(cmd, cmd)
    // commands rebuilt from variables (`$TR "$from" "$to"`) are judged with their values; every
    // site's stages were expanded with the file, so when none of the rebuilt commands swaps, no site holds one
    if (a.rebuilt.some((s) => a.facts(s.command).charMap === 'swap')) {
      for (const site of a.sites) for (const s of a.steps(site.pipeline)) if (s.command.synthetic) consider(s.command, s.origin)
    }
    for (const { cmd, origin } of candidates) {
      const flow = a.flow(origin)
      const chained = flow.decoding || flow.executions.length > 0
      const numbers = [...spanLines(origin.line, origin.endLine)]
      if (chained) for (const site of flow.sites) numbers.push(site.pipeline.line)
      for (const e of flow.executions) numbers.push(e.sink.line)
      const tool = program(cmd).name === 'tr' ? 'tr' : program(cmd).name
      hits.push({
        line: origin.line,
        message: `${tool} swaps characters among themselves${chained ? ', in a pipeline that is decoded or executed' : ''}`,
        evidence: evidenceLines(a.lines, numbers),
        severity: chained ? 'high' : 'medium',
      })
    }
    return hits
  },
}
export default rule
