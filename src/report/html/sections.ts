/** @fileoverview The part of the page each command adds: explained differences, a dependency table, charts. */
import { SEVERITIES, severityRank, type Severity } from '../../model/finding.js'
import type { Explained, Report } from '../../model/report.js'
import { esc } from './escape.js'
import { historySection } from './history.js'
import { canarySection } from './canary.js'

function explainedSection(explained: readonly Explained[]): string {
  if (explained.length === 0) return ''
  const groups = new Map<string, Explained[]>()
  for (const e of explained) groups.set(e.category, [...(groups.get(e.category) ?? []), e])
  const reproduced = explained.filter((e) => e.reproduced).length
  return `<section class="explained" aria-labelledby="explained-h"><h2 id="explained-h">Explained differences</h2>
<p>${explained.length} difference(s) explained, ${reproduced} reproduced byte for byte; the others were found consistent with their inputs.</p>
${[...groups]
  .sort((a, b) => b[1].length - a[1].length)
  .map(
    ([category, items]) => `<details><summary><strong>${esc(category)}</strong> — ${items.length} file(s)</summary>
<table><thead><tr><th scope="col">path</th><th scope="col">how</th><th scope="col">reproduced</th></tr></thead><tbody>${items
      .map((e) => `<tr><td><code>${esc(e.path)}</code></td><td>${esc(e.how)}</td><td>${e.reproduced ? 'yes' : 'consistent'}</td></tr>`)
      .join('')}</tbody></table></details>`,
  )
  .join('\n')}
</section>`
}

interface AuditPackage {
  readonly name: string
  readonly version: string
  readonly ecosystem: string
  readonly source: string
  readonly dev: boolean
  readonly findings: readonly { ruleId: string; severity: Severity }[]
}

function ruleChart(packages: readonly AuditPackage[]): string {
  const counts = new Map<string, Record<Severity, number>>()
  for (const p of packages) {
    for (const f of p.findings) {
      const row = counts.get(f.ruleId) ?? { info: 0, low: 0, medium: 0, high: 0, critical: 0 }
      row[f.severity]++
      counts.set(f.ruleId, row)
    }
  }
  if (counts.size === 0) return ''
  const rows = [...counts].sort((a, b) => Object.values(b[1]).reduce((x, y) => x + y, 0) - Object.values(a[1]).reduce((x, y) => x + y, 0))
  const max = Math.max(...rows.map(([, r]) => Object.values(r).reduce((x, y) => x + y, 0)))
  const barHeight = 18
  const labelWidth = 260
  const width = 640
  const bars = rows
    .map(([rule, r], i) => {
      let x = labelWidth
      const y = i * (barHeight + 6)
      const segments = [...SEVERITIES]
        .reverse()
        .filter((s) => r[s] > 0)
        .map((s) => {
          const w = (r[s] / max) * (width - labelWidth - 40)
          const rect = `<rect class="fill-${s}" x="${x.toFixed(1)}" y="${y}" width="${Math.max(1, w).toFixed(1)}" height="${barHeight}"><title>${esc(rule)}: ${r[s]} ${s}</title></rect>`
          x += w
          return rect
        })
        .join('')
      const total = Object.values(r).reduce((a, b) => a + b, 0)
      return `<text x="${labelWidth - 6}" y="${y + 13}" text-anchor="end">${esc(rule)}</text>${segments}<text x="${(x + 4).toFixed(1)}" y="${y + 13}">${total}</text>`
    })
    .join('')
  const height = rows.length * (barHeight + 6)
  const present = [...SEVERITIES].reverse().filter((s) => rows.some(([, r]) => r[s] > 0))
  const legend = `<p class="legend" aria-hidden="true">${present.map((s) => `<span><i class="swatch-${s}"></i>${s}</span>`).join('')}</p>`
  return `<figure><svg class="chart" id="signals-chart" role="img" aria-label="signals and advisories by rule and severity" viewBox="0 0 ${width} ${height}">${bars}</svg><figcaption>Packages with each signal or advisory, by severity.${legend}</figcaption></figure>`
}

function auditSection(report: Report): string {
  const listed: unknown = report.summary['packages']
  const packages: readonly AuditPackage[] = Array.isArray(listed) ? (listed as AuditPackage[]) : []
  if (packages.length === 0) return ''
  const worst = (p: AuditPackage): Severity | undefined => p.findings.reduce<Severity | undefined>((w, f) => (w === undefined || severityRank(f.severity) > severityRank(w) ? f.severity : w), undefined)
  const rows = [...packages]
    .sort((a, b) => (worst(b) ? severityRank(worst(b) ?? 'info') + 1 : 0) - (worst(a) ? severityRank(worst(a) ?? 'info') + 1 : 0) || b.findings.length - a.findings.length || a.name.localeCompare(b.name))
    .map((p: AuditPackage) => {
      const w = worst(p)
      const rules = [...new Set(p.findings.map((f) => f.ruleId))].join(', ')
      return `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.version)}</td><td class="wide">${esc(p.ecosystem)}</td><td class="wide">${esc(p.source)}${p.dev ? ' (dev)' : ''}</td><td data-sort="${w ? severityRank(w) + 1 : 0}">${w ? `<span class="badge sev-${w}">${w}</span>` : ''}</td><td data-sort="${p.findings.length}">${p.findings.length}</td><td class="wide">${esc(rules)}</td></tr>`
    })
    .join('\n')
  return `<section aria-labelledby="deps-h"><h2 id="deps-h">Dependencies</h2>
${ruleChart(packages)}
<p><label for="deps-filter">Filter</label> <input type="search" id="deps-filter" data-filter-table="deps" placeholder="name, rule, severity…"> <span data-count-for="deps">${packages.length}</span> of ${packages.length} shown</p>
<div class="table-scroll"><table id="deps" data-sortable><thead><tr>${['package', 'version', 'ecosystem', 'source', 'worst', 'findings', 'rules'].map((h) => `<th scope="col"${['ecosystem', 'source', 'rules'].includes(h) ? ' class="wide"' : ''}><button class="sort" type="button">${h}</button></th>`).join('')}</tr></thead>
<tbody>${rows}</tbody></table></div>
</section>`
}

/** The command's own sections, placed after the findings and the facts. */
export function commandSections(report: Report): string {
  switch (report.command) {
    case 'verify':
      return explainedSection(report.explained)
    case 'audit':
      return auditSection(report)
    case 'history':
      return historySection(report)
    case 'canary':
      return canarySection(report)
    default:
      return ''
  }
}
