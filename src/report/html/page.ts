/**
 * @fileoverview One self-contained HTML file per report: inline CSS, inline script, inline SVG, no
 * request leaves the page. Readable in light and dark mode, printable, usable with a keyboard.
 */
import { SEVERITIES, bySeverityOnly, type Finding, type Severity } from '../../model/finding.js'
import type { Report } from '../../model/report.js'
import type { RuleInfo } from '../../rules/types.js'
import { STYLE } from './style.js'
import { SCRIPT } from './script.js'
import { esc } from './escape.js'
import { commandSections } from './sections.js'

const VERDICT: Readonly<Record<Report['verdict'], string>> = { fail: 'FAIL', review: 'REVIEW', pass: 'PASS' }

/** A diff or evidence block, with added and removed lines marked so they stand out. */
export function evidenceBlock(text: string): string {
  const lines = text.split('\n').map((line) => {
    const cls = /^\+(?!\+\+ )/.test(line) ? 'add' : /^-(?!-- )/.test(line) ? 'del' : /^@@/.test(line) ? 'hunk' : ''
    return cls ? `<span class="${cls}">${esc(line)}</span>` : esc(line)
  })
  return `<pre class="evidence" tabindex="0">${lines.join('\n')}</pre>`
}

/** The finding's references as links (http and https only; opening one loads nothing into this page). */
function references(f: Finding): string {
  const links = (f.references ?? []).filter((r) => /^https?:\/\/[^\s]+$/i.test(r))
  if (links.length === 0) return ''
  return `<ul class="refs">${links.map((r) => `<li><a href="${esc(r)}" rel="noopener noreferrer nofollow" target="_blank">${esc(r)}</a></li>`).join('')}</ul>`
}

function findingItem(f: Finding, rules: ReadonlyMap<string, RuleInfo>): string {
  const rule = rules.get(f.ruleId)
  const where = f.path ? `<code class="where">${esc(f.path)}${f.line ? `:${f.line}` : ''}</code>` : ''
  // a package finding: where in the dependency tree, which the file alone does not say
  const chain = f.data?.['dependencyPath']
  const via = Array.isArray(chain) && chain.length > 0 && chain.every((p) => typeof p === 'string') ? `<code class="where via" title="dependency path">${esc(chain.join(' > '))}</code>` : ''
  return `<li class="finding sev-${f.severity}" data-severity="${f.severity}" data-rule="${esc(f.ruleId)}">
<details${f.severity === 'critical' || f.severity === 'high' ? ' open' : ''}>
<summary><span class="badge sev-${f.severity}">${f.severity}</span> <code class="rule">${esc(f.ruleId)}</code> ${where}${via}<span class="message">${esc(f.message)}</span></summary>
${f.evidence ? evidenceBlock(f.evidence) : ''}
${f.explanation ? `<p class="explanation">${esc(f.explanation)}</p>` : rule ? `<p class="explanation">${esc(rule.motivation)} ${esc(rule.remediation)}</p>` : ''}
${references(f)}
</details>
</li>`
}

function severityBar(report: Report): string {
  const counts = SEVERITIES.map((s) => [s, report.summary.findings[s]] as const).reverse()
  const total = counts.reduce((n, [, c]) => n + c, 0)
  if (total === 0) return '<p class="none">No findings.</p>'
  const width = 600
  let x = 0
  const parts = counts
    .filter(([, c]) => c > 0)
    .map(([s, c]) => {
      const w = Math.max(2, (c / total) * width)
      const rect = `<rect class="fill-${s}" x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="18"><title>${c} ${s}</title></rect>`
      x += w
      return rect
    })
  const legend = counts
    .filter(([, c]) => c > 0)
    .map(([s, c]) => `<span class="badge sev-${s}">${c} ${s}</span>`)
    .join(' ')
  return `<figure class="severity-bar"><svg role="img" aria-label="findings by severity" viewBox="0 0 ${width} 18" preserveAspectRatio="none">${parts.join('')}</svg><figcaption>${legend}</figcaption></figure>`
}

/**
 * Renders a report as one HTML document.
 * @param rules rule definitions, for explanations of findings that carry none
 */
export function renderHtml(report: Report, rules: readonly RuleInfo[]): string {
  const byId = new Map(rules.map((r) => [r.id, r]))
  // the producer ordered findings of equal severity (verify: the decisive one first); a renderer keeps that order
  const findings = [...report.findings].sort(bySeverityOnly)
  const title = `stagelight ${report.command}: ${VERDICT[report.verdict]} — ${Object.values(report.subject)[0] ?? ''}`
  const filters = SEVERITIES.slice()
    .reverse()
    .filter((s: Severity) => report.summary.findings[s] > 0)
    .map((s) => `<label><input type="checkbox" data-filter-severity="${s}" checked> ${s}</label>`)
    .join(' ')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1><span class="verdict verdict-${report.verdict}">${VERDICT[report.verdict]}</span> stagelight ${esc(report.command)}</h1>
<p class="subject">${Object.entries(report.subject)
    .map(([k, v]) => `${esc(k)} <code>${esc(v)}</code>`)
    .join(' · ')}</p>
</header>
<main>
${report.incomplete?.length ? `<div class="incomplete" role="note"><strong>Incomplete:</strong><ul>${report.incomplete.map((i) => `<li>${esc(i)}</li>`).join('')}</ul></div>` : ''}
<section aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>
${severityBar(report)}
${findings.length ? `<div class="filters" role="group" aria-label="show severities">${filters}</div>` : ''}
<ol class="findings">${findings.map((f) => findingItem(f, byId)).join('\n')}</ol>
</section>
<section aria-labelledby="facts-h"><h2 id="facts-h">Facts</h2>
<table class="facts"><tbody>${report.facts.map((f) => `<tr><th scope="row">${esc(f.label)}</th><td>${esc(f.value)}</td></tr>`).join('')}</tbody></table>
</section>
${commandSections(report)}
</main>
<footer><p>stagelight ${esc(report.version)} · report schema ${report.schemaVersion}</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`
}
