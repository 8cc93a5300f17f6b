/**
 * @fileoverview A compact Markdown summary for pull-request comments and CI job summaries:
 * the verdict, the facts, a table of findings, and the evidence of the serious ones folded away.
 * Analysed content is shown, never interpreted: prose is escaped, names are code spans, evidence
 * is fenced, and what sits inside raw HTML is entity-escaped (escape.ts).
 */
import { SEVERITIES, bySeverityOnly, type Finding } from '../model/finding.js'
import type { Report } from '../model/report.js'
import { escapeBlock, htmlText, markdownCode, markdownFence, markdownText } from './escape.js'

const MAX_ROWS = 50
const MAX_EVIDENCE = 12
const MAX_EVIDENCE_LINES = 30

const BADGE: Readonly<Record<Report['verdict'], string>> = { fail: '❌ FAIL', review: '⚠️ REVIEW', pass: '✅ PASS' }

/** Analysed prose for a table cell or a paragraph: bounded before escaping, so no escape is cut in half. */
const cell = (text: string, max = 160): string => {
  const flat = text.replace(/[ \t]+/g, ' ').trim()
  return markdownText(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat)
}

const location = (f: Finding): string => (f.path ? `${f.path}${f.line ? `:${f.line}` : ''}` : '')

const where = (f: Finding, inTable = false): string => (f.path ? markdownCode(location(f), inTable) : '')

/** Inside `<details><summary>` Markdown is not parsed: the location is entity-escaped HTML. */
const whereHtml = (f: Finding): string => (f.path ? `<code>${htmlText(location(f))}</code>` : '')

export function renderMarkdown(report: Report): string {
  const counts = [...SEVERITIES]
    .reverse()
    .filter((s) => report.summary.findings[s] > 0)
    .map((s) => `${report.summary.findings[s]} ${s}`)
  const out: string[] = [`### stagelight ${report.command}: ${BADGE[report.verdict]}${counts.length ? ` — ${counts.join(', ')}` : ' — no findings'}`, '']
  const subject = Object.entries(report.subject).map(([k, v]) => `${markdownText(k)} ${markdownCode(v)}`)
  if (subject.length) out.push(subject.join(' · '), '')
  if (report.facts.length) {
    out.push('| | |', '|---|---|', ...report.facts.map((f) => `| ${cell(f.label, 40)} | ${cell(f.value, 200)} |`), '')
  }
  if (report.incomplete?.length) out.push('**Incomplete:**', ...report.incomplete.map((i) => `- ${cell(i, 400)}`), '')
  // the producer ordered findings of equal severity (verify: the decisive one first); a renderer keeps that order
  const findings = [...report.findings].sort(bySeverityOnly)
  if (findings.length) {
    out.push('| severity | rule | where | finding |', '|---|---|---|---|')
    for (const f of findings.slice(0, MAX_ROWS)) out.push(`| ${f.severity} | ${markdownCode(f.ruleId, true)} | ${where(f, true)} | ${cell(f.message)} |`)
    if (findings.length > MAX_ROWS) out.push(`| | | | … and ${findings.length - MAX_ROWS} more (see the full report) |`)
    out.push('')
    const serious = findings.filter((f) => (f.severity === 'critical' || f.severity === 'high') && f.evidence).slice(0, MAX_EVIDENCE)
    for (const f of serious) {
      const lines = escapeBlock(f.evidence ?? '').split('\n')
      const shown = lines.slice(0, MAX_EVIDENCE_LINES).join('\n') + (lines.length > MAX_EVIDENCE_LINES ? `\n… ${lines.length - MAX_EVIDENCE_LINES} more lines` : '')
      const f3 = markdownFence(shown)
      out.push(`<details><summary><b>${f.severity}</b> <code>${htmlText(f.ruleId)}</code> ${whereHtml(f)}</summary>`, '', cell(f.message, 600), '', f3, shown, f3, '', '</details>', '')
    }
  }
  const explained = report.explained.length
  if (explained) out.push(`${explained} difference(s) explained (${report.explained.filter((e) => e.reproduced).length} reproduced byte for byte).`, '')
  return `${out.join('\n').trimEnd()}\n`
}
