import { program } from '../shell/commands.js'
import { pipelineRule } from '../pipeline-rule.js'

/** grep's options, not its patterns: stop at `--` and skip the values of -e/-f/-m. */
function optionsOf(args: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '--') break
    if (!a.startsWith('-')) continue
    out.push(a)
    if (/^-[efmABC]$|^--(regexp|file|max-count)$/.test(a)) i++
  }
  return out
}

const rule = pipelineRule(
  {
    id: 'scan/binary-marker-grep',
    title: 'Grep for a marker inside binary files',
    short: 'grep treats binary files as text and searches a tree to find a file by a byte marker.',
    motivation: 'Build logic that locates a file by a marker in its bytes, instead of by name, is looking for a payload it does not want to name.',
    remediation: 'Run the same grep yourself and inspect the files it finds.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  (p, hits) => {
    for (const cmd of p.commands) {
      const { name, args } = program(cmd)
      if (!/^(grep|egrep|fgrep|\$\{?GREP\}?|\$\{?EGREP\}?)$/.test(name)) continue
      const flags = optionsOf(args).join(' ')
      const binaryAsText = /(^|\s)-[a-zA-Z]*a|--binary-files=text|--text/.test(flags)
      const searchesTree = /(^|\s)-[a-zA-Z]*[rRlL]|--recursive|--files-with(out)?-match/.test(flags)
      if (binaryAsText && searchesTree) hits.push({ line: p.line, message: 'grep searches files as text for a marker and lists where it is', evidence: `${p.line}: ${p.text}` })
    }
  },
)
export default rule
