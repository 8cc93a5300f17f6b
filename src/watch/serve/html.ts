/**
 * @fileoverview The dashboard's pages as HTML strings. Every name, message and piece of evidence
 * comes from analysed packages and is hostile: all of it goes through `text`, which escapes markup
 * and shows control characters as visible escapes instead of passing them to the browser.
 */
import { createHash } from 'node:crypto'
import { SEVERITIES, severityRank, type Severity } from '../../model/finding.js'
import type { Report } from '../../model/report.js'
import { esc } from '../../report/html/escape.js'
import type { Target, WatchEvent } from '../model.js'
import type { RespondResult } from '../respond/respond.js'

/** C0 controls other than tab and newline, DEL, C1 controls, and the bidirectional overrides that can disguise text. */
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

const visible = (c: string): string => {
  const code = c.codePointAt(0)!
  return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`
}

/** Hostile text made safe and visible: ESC is shown as the four characters `\x1b`, RLO as `\u202e`. */
export const text = (value: unknown): string => esc(String(value ?? '').replace(INVISIBLE, visible))

/** A query-string value for a link (then escaped again as an attribute value). */
const q = (value: string): string => esc(encodeURIComponent(value))

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#666;--line:#ddd;--critical:#8b0000;--high:#c0392b;--medium:#b9770e;--low:#2e6da4;--info:#777}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--bg:#161616;--muted:#aaa;--line:#333}}
body{font:15px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:72rem;padding:1rem}
nav a{margin-right:1rem}a{color:inherit}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
code,pre{font-family:ui-monospace,monospace;font-size:.9em;overflow-wrap:break-word}pre{overflow-wrap:anywhere;white-space:pre-wrap;border:1px solid var(--line);padding:.5rem;max-height:20rem;overflow:auto}
.badge{display:inline-block;padding:0 .4rem;border-radius:.3rem;color:#fff;font-size:.8em;font-weight:600}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.fill-critical{fill:var(--critical)}.fill-high{fill:var(--high)}.fill-medium{fill:var(--medium)}.fill-low{fill:var(--low)}.fill-info{fill:var(--info)}.fill-none{fill:var(--line)}
svg text{fill:var(--fg);font-size:11px}.muted{color:var(--muted)}form{margin:.5rem 0}
`

/** The Content-Security-Policy: nothing loads, no script runs, only this exact stylesheet applies. */
export const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${text(title)} · stagelight watch</title><style>${STYLE}</style></head>
<body><nav><a href="/">Targets</a><a href="/events">Events</a><a href="/respond">Respond</a></nav>
<main><h1>${text(title)}</h1>
${body}
</main></body></html>
`
}

const badge = (s: Severity): string => `<span class="badge sev-${s}">${s}</span>`
const targetLink = (key: string): string => `<a href="/target?key=${q(key)}">${text(key)}</a>`
const reportLink = (job: string): string => `<a href="/report?job=${q(job)}">report</a>`

export function targetsPage(targets: readonly Target[], jobs: Readonly<Record<string, number>>): string {
  const rows = targets.map((t) => `<tr><td>${targetLink(t.key)}</td><td>${text(t.kind)}</td><td>${t.polledAt ? text(t.polledAt) : '<span class="muted">not polled yet</span>'}</td><td>${text(t.origins.join(', '))}</td></tr>`)
  return page(
    'Watched targets',
    `<p class="muted">jobs: ${Object.entries(jobs).map(([s, n]) => `${n} ${text(s)}`).join(', ')}</p>
${rows.length ? `<table><thead><tr><th>target</th><th>kind</th><th>last poll</th><th>origins</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>` : '<p>Nothing watched yet.</p>'}`,
  )
}

/** Most severe first, then most recent. */
export const bySeverityThenTime = (a: WatchEvent, b: WatchEvent): number => severityRank(b.severity) - severityRank(a.severity) || b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id)

function eventTable(events: readonly WatchEvent[], showTarget: boolean): string {
  if (events.length === 0) return '<p>No events.</p>'
  const rows = [...events].sort(bySeverityThenTime).map(
    (e) => `<tr class="event" data-severity="${e.severity}"><td>${badge(e.severity)}</td>${showTarget ? `<td>${targetLink(e.target)}</td>` : ''}<td>${text(e.version)}</td><td><code>${text(e.ruleId)}</code></td><td>${text(e.message)}${e.evidence ? `<pre>${text(e.evidence)}</pre>` : ''}</td><td>${text(e.createdAt)}</td><td>${reportLink(e.job)}</td></tr>`,
  )
  return `<table><thead><tr><th>severity</th>${showTarget ? '<th>target</th>' : ''}<th>version</th><th>rule</th><th>message</th><th>when</th><th></th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`
}

export function eventsPage(events: readonly WatchEvent[], minSeverity: Severity | undefined, limit: number): string {
  const options = ['', ...SEVERITIES].map((s) => `<option value="${s}"${s === (minSeverity ?? '') ? ' selected' : ''}>${s || 'all'}</option>`).join('')
  return page(
    'Events',
    `<form method="get" action="/events"><label>severity at or above <select name="severity">${options}</select></label> <button>filter</button></form>
${events.length >= limit ? `<p class="muted">Only the newest ${limit} events: choose a severity to see older severe ones.</p>` : ''}${eventTable(events, true)}`,
  )
}

/** One dot per release along time, coloured by the worst event of that version. */
function timeline(releases: readonly { version: string; seenAt: string }[], worst: ReadonlyMap<string, Severity>): string {
  if (releases.length === 0) return ''
  const step = 90
  const width = Math.max(200, releases.length * step + 40)
  const dots = releases.map((r, i) => {
    const x = 30 + i * step
    const s = worst.get(r.version)
    return `<g><circle class="fill-${s ?? 'none'}" cx="${x}" cy="20" r="8"><title>${text(r.version)}: ${s ?? 'no events'}</title></circle><text x="${x}" y="46" text-anchor="middle">${text(r.version.length > 14 ? `${r.version.slice(0, 13)}…` : r.version)}</text></g>`
  })
  return `<svg class="timeline" role="img" aria-label="releases over time, coloured by their worst event" width="${width}" height="56" viewBox="0 0 ${width} 56"><line x1="20" y1="20" x2="${width - 10}" y2="20" stroke="currentColor" stroke-opacity=".3"/>${dots.join('')}</svg>`
}

export function targetPage(target: Target, releases: readonly { version: string; seenAt: string; baseline: boolean }[], events: readonly WatchEvent[]): string {
  const worst = new Map<string, Severity>()
  for (const e of events) {
    const w = worst.get(e.version)
    if (!w || severityRank(e.severity) > severityRank(w)) worst.set(e.version, e.severity)
  }
  const list = releases.map((r) => `<li>${text(r.version)} <span class="muted">seen ${text(r.seenAt)}${r.baseline ? ' (first poll)' : ''}</span> ${worst.has(r.version) ? badge(worst.get(r.version)!) : ''}</li>`)
  return page(
    target.key,
    `<p>${text(target.kind)} target, added ${text(target.addedAt)}, ${target.polledAt ? `last polled ${text(target.polledAt)}` : 'not polled yet'}.</p>
<h2>Trust timeline</h2>${timeline(releases, worst)}
<ol class="releases">${list.join('\n')}</ol>
<h2>Events</h2>${eventTable(events, false)}`,
  )
}

export function reportPage(job: string, report: Report): string {
  const findings = report.findings.map(
    (f) => `<li class="finding">${badge(f.severity)} <code>${text(f.ruleId)}</code> ${f.path ? `<code>${text(f.path)}${f.line ? `:${f.line}` : ''}</code> ` : ''}${text(f.message)}${f.evidence ? `<pre>${text(f.evidence)}</pre>` : ''}${f.explanation ? `<p>${text(f.explanation)}</p>` : ''}</li>`,
  )
  const subject = Object.entries(report.subject).map(([k, v]) => `<dt>${text(k)}</dt><dd><code>${text(v)}</code></dd>`)
  return page(
    `Report: ${job}`,
    `<p>${text(report.command)}: verdict <strong>${text(report.verdict)}</strong></p><dl>${subject.join('')}</dl>
${report.incomplete?.length ? `<p>Incomplete: ${text(report.incomplete.join('; '))}</p>` : ''}
${findings.length ? `<ol class="findings">${findings.join('\n')}</ol>` : '<p>No findings.</p>'}`,
  )
}

export function respondPage(query: string, result: RespondResult | undefined, error: string | undefined): string {
  const form = `<form method="get" action="/respond"><label>advisory id or package@version <input name="q" value="${text(query)}" size="40"></label> <button>search</button></form>`
  if (error) return page('Respond', `${form}<p role="alert">${text(error)}</p>`)
  if (!result) return page('Respond', `${form}<p class="muted">Which inventories hold an affected version, and what to roll back or upgrade to.</p>`)
  const rows = result.affected.map(
    (a) => `<tr class="affected"><td>${text(a.inventory)}</td><td>${text(a.name)}@${text(a.version)}${a.dev ? ' (dev)' : ''}</td><td>${text(a.path.join(' > '))}</td><td>${text(a.rollback ?? 'none known')}</td><td>${text(a.fix ?? 'none known')}</td></tr>`,
  )
  const inventories = new Set(result.affected.map((a) => a.inventory)).size
  return page(
    'Respond',
    `${form}<p>${text(result.query)}${result.advisory ? ` — ${text(result.advisory.summary)} (${text(result.advisory.severity)})` : ''}: <strong>${inventories} of ${result.inventoriesSearched}</strong> inventories affected.</p>
${rows.length ? `<table><thead><tr><th>inventory</th><th>installed</th><th>dependency path</th><th>rollback</th><th>fix</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>` : ''}`,
  )
}
