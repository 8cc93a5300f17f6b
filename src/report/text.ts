import pc from 'picocolors'
import { SEVERITIES, bySeverityDesc, type Severity } from '../model/finding.js'
import type { Explained, Report } from '../model/report.js'
import { escapeBlock, escapeLine } from './escape.js'

export interface TextOptions {
  readonly color: boolean
  /** show every explained path, not only the counts per category */
  readonly verbose?: boolean
  readonly width?: number
}

type Colors = ReturnType<typeof pc.createColors>

const severityColor = (c: Colors, s: Severity): ((t: string) => string) =>
  ({ critical: (t: string) => c.bold(c.red(t)), high: c.red, medium: c.yellow, low: c.cyan, info: c.dim })[s]

const verdictLine = (c: Colors, report: Report): string => {
  const word = report.verdict.toUpperCase()
  const painted = report.verdict === 'fail' ? c.bold(c.red(word)) : report.verdict === 'review' ? c.bold(c.yellow(word)) : c.bold(c.green(word))
  const counts = SEVERITIES.slice()
    .reverse()
    .map((s) => [s, report.summary.findings[s]] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
  return `${painted}  stagelight ${report.command}${counts.length ? ` — ${counts.join(', ')}` : ' — no findings'}`
}

function groupExplained(explained: readonly Explained[]): Map<string, Explained[]> {
  const groups = new Map<string, Explained[]>()
  for (const e of explained) {
    const list = groups.get(escapeLine(e.category)) ?? []
    list.push(e)
    groups.set(escapeLine(e.category), list)
  }
  return groups
}

const indent = (text: string, prefix: string): string =>
  text
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n')

/**
 * Verdict first, then what was explained (one line per category), then each finding with its
 * evidence. Every analysed string is escaped as it enters (names and messages as one line,
 * evidence line by line), so nothing from the input can move the cursor or forge a line.
 */
export function renderText(report: Report, options: TextOptions): string {
  const c = pc.createColors(options.color)
  const out: string[] = [verdictLine(c, report)]
  // a fact may span lines (a list of events): its lines stay, each escaped and indented under the fact
  for (const fact of report.facts) out.push(`  ${c.dim(`${escapeLine(fact.label)}:`)} ${escapeBlock(fact.value).split('\n').join('\n    ')}`)
  if (report.incomplete?.length) {
    out.push('', c.yellow('Incomplete analysis:'))
    for (const gap of report.incomplete) out.push(`  - ${escapeLine(gap)}`)
  }
  const groups = groupExplained(report.explained)
  if (groups.size > 0) {
    out.push('', c.bold('Explained differences'))
    for (const [category, items] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
      const reproduced = items.filter((i) => i.reproduced).length
      const how = reproduced === items.length ? 'all reproduced or matched exactly' : `${reproduced} reproduced or matched, ${items.length - reproduced} consistent but not reproduced`
      out.push(`  ${category.padEnd(16)} ${String(items.length).padStart(5)}  ${c.dim(how)}`)
      if (options.verbose) for (const i of items) out.push(`      ${escapeLine(i.path)}  ${c.dim(escapeLine(i.how))}`)
    }
  }
  const findings = [...report.findings].sort(bySeverityDesc)
  if (findings.length > 0) {
    out.push('', c.bold('Findings'))
    for (const f of findings) {
      const where = f.path ? `${escapeLine(f.path)}${f.line ? `:${f.line}` : ''}` : ''
      out.push(`  ${severityColor(c, f.severity)(f.severity.toUpperCase().padEnd(8))} ${escapeLine(f.ruleId)}${where ? `  ${c.bold(where)}` : ''}`)
      out.push(`           ${escapeLine(f.message)}`)
      if (f.evidence) out.push(c.dim(indent(escapeBlock(f.evidence), '           │ ')))
      if (f.explanation && options.verbose) out.push(indent(escapeBlock(f.explanation), '           '))
    }
  }
  return `${out.join('\n')}\n`
}
