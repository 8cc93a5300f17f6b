import pc from 'picocolors'
import { SEVERITIES, bySeverityOnly, type Finding, type Severity } from '../model/finding.js'
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
 * evidence. With `verbose`, every explained file is listed too, after the findings: a release with
 * thousands of generated files would otherwise push the decisive finding thousands of lines down.
 * Every analysed string is escaped as it enters (names and messages as one line, evidence line by
 * line), so nothing from the input can move the cursor or forge a line.
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
  if (!options.verbose) renderExplained(c, report.explained, false, out)
  // the producer ordered findings of equal severity (verify: the decisive one first); a renderer keeps that order
  const findings = [...report.findings].sort(bySeverityOnly)
  if (findings.length > 0 && report.command === 'verify' && !options.verbose) renderByFile(c, findings, out)
  else if (findings.length > 0) {
    out.push('', c.bold('Findings'))
    for (const f of findings) {
      const where = f.path ? `${escapeLine(f.path)}${f.line ? `:${f.line}` : ''}` : ''
      out.push(`  ${severityColor(c, f.severity)(f.severity.toUpperCase().padEnd(8))} ${escapeLine(f.ruleId)}${where ? `  ${c.bold(where)}` : ''}`)
      out.push(`           ${escapeLine(f.message)}`)
      if (f.evidence) out.push(c.dim(indent(escapeBlock(f.evidence), '           │ ')))
      if (f.explanation && options.verbose) out.push(indent(escapeBlock(f.explanation), '           '))
    }
  }
  if (options.verbose) renderExplained(c, report.explained, true, out)
  return `${out.join('\n')}\n`
}

/** One line per category of explained differences, most files first; with `paths`, each file under its category. */
function renderExplained(c: Colors, explained: readonly Explained[], paths: boolean, out: string[]): void {
  const groups = groupExplained(explained)
  if (groups.size === 0) return
  out.push('', c.bold('Explained differences'))
  for (const [category, items] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    const reproduced = items.filter((i) => i.reproduced).length
    const how = reproduced === items.length ? 'all reproduced or matched exactly' : `${reproduced} reproduced or matched, ${items.length - reproduced} consistent but not reproduced`
    out.push(`  ${category.padEnd(16)} ${String(items.length).padStart(5)}  ${c.dim(how)}`)
    if (paths) for (const i of items) out.push(`      ${escapeLine(i.path)}  ${c.dim(escapeLine(i.how))}`)
  }
}

/** A verify report fits one screen unless --verbose: about this many lines. */
const SCREEN_LINES = 60
/** evidence lines shown under each of the first files */
const EVIDENCE_LINES = 8
/** files whose evidence is shown; later files get their headline only */
const FILES_WITH_EVIDENCE = 3

/**
 * One verdict per file, the most serious file first: its worst finding with a few lines of
 * evidence, the file's other findings as one line each. What does not fit one screen is counted,
 * and shown by --verbose, JSON and HTML.
 */
function renderByFile(c: Colors, findings: readonly Finding[], out: string[]): void {
  const byFile = new Map<string, Finding[]>()
  for (const f of findings) {
    const key = f.path ?? ''
    const list = byFile.get(key) ?? []
    list.push(f)
    byFile.set(key, list)
  }
  out.push('', c.bold('Findings, most serious file first'))
  let shownFiles = 0
  let hidden = 0
  let hiddenFiles = 0
  for (const [path, list] of byFile) {
    const [worst, ...rest] = list
    if (!worst) continue
    if (out.reduce((n, l) => n + l.split('\n').length, 0) >= SCREEN_LINES) {
      hidden += list.length
      hiddenFiles += 1
      continue
    }
    const where = path ? c.bold(escapeLine(path)) : '(release)'
    out.push(`  ${severityColor(c, worst.severity)(worst.severity.toUpperCase().padEnd(8))} ${where}  ${c.dim(escapeLine(worst.ruleId))}${worst.line ? c.dim(` line ${worst.line}`) : ''}`)
    out.push(`           ${escapeLine(worst.message)}`)
    if (worst.evidence && shownFiles < FILES_WITH_EVIDENCE) {
      const lines = escapeBlock(worst.evidence).split('\n')
      out.push(c.dim(indent(lines.slice(0, EVIDENCE_LINES).join('\n'), '           │ ')))
      if (lines.length > EVIDENCE_LINES) out.push(c.dim(`           │ … ${lines.length - EVIDENCE_LINES} more line(s) (--verbose)`))
    }
    const others = rest.map((f) => `${f.severity} ${escapeLine(f.ruleId)}${f.line ? `:${f.line}` : ''}`)
    if (others.length > 0) out.push(c.dim(`           also: ${others.slice(0, 4).join(', ')}${others.length > 4 ? `, +${others.length - 4} more` : ''}`))
    shownFiles += 1
  }
  if (hidden > 0) out.push('', c.dim(`  … ${hidden} more finding(s) in ${hiddenFiles} file(s), none more serious than those above: --verbose, --format json or html shows them`))
}
