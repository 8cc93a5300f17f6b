import { Command, Option } from 'commander'
import { StagelightError } from '../../errors.js'
import { allRules } from '../../rules/catalog.js'
import type { Rule, RuleInfo } from '../../rules/types.js'
import type { CliIO } from '../io.js'

const EXAMPLES = `
Examples:
  $ stagelight rules                      # one line per rule
  $ stagelight rules scan/sed-as-cat      # the full documentation of one rule
  $ stagelight rules 'npm/*' --format json`

const appliesTo = (rule: RuleInfo): string => ('appliesTo' in rule ? (rule as Rule).appliesTo.join(', ') : rule.id.startsWith('npm/') ? 'npm packages' : rule.id.startsWith('data/') ? 'data files' : 'build files')

const matches = (pattern: string, id: string): boolean =>
  new RegExp(`^${pattern.replace(/\/$/, '/*').split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(id)

function describe(rule: RuleInfo): string {
  return [
    `${rule.id} — ${rule.title}`,
    `  default severity: ${rule.defaultSeverity}, confidence: ${rule.defaultConfidence}`,
    `  applies to: ${appliesTo(rule)}`,
    '',
    `  ${rule.short}`,
    '',
    `  Why: ${rule.motivation}`,
    '',
    `  What to do: ${rule.remediation}`,
    '',
  ].join('\n')
}

export function rulesCommand(io: CliIO, setExit: (code: number) => void): Command {
  return new Command('rules')
    .summary('list the rules behind every finding, with their documentation')
    .argument('[pattern]', 'a rule id, family (npm/) or glob: show the full documentation of the matching rules')
    .addOption(new Option('-f, --format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addHelpText('after', EXAMPLES)
    .action((pattern: string | undefined, flags: { format: 'text' | 'json' }) => {
      const all = allRules()
      const chosen = pattern ? all.filter((r) => matches(pattern, r.id)) : all
      if (chosen.length === 0) throw new StagelightError('E_USAGE', `no rule matches ${JSON.stringify(pattern)}; run \`stagelight rules\` for the list`)
      if (flags.format === 'json') {
        io.stdout.write(`${JSON.stringify(chosen.map((r) => ({ id: r.id, title: r.title, short: r.short, motivation: r.motivation, remediation: r.remediation, defaultSeverity: r.defaultSeverity, defaultConfidence: r.defaultConfidence, appliesTo: appliesTo(r) })), null, 2)}\n`)
      } else if (pattern) {
        io.stdout.write(chosen.map(describe).join('\n'))
      } else {
        const width = Math.max(...chosen.map((r) => r.id.length))
        io.stdout.write(`${chosen.map((r) => `${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(8)}  ${r.title}`).join('\n')}\n\n${chosen.length} rules; \`stagelight rules <id>\` shows one in full.\n`)
      }
      setExit(0)
    })
}
