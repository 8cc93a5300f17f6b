/** @fileoverview Canary measurements as box plots, baseline against candidate, one plot per figure. */
import type { Report } from '../../model/report.js'
import { esc } from './escape.js'

interface Run {
  readonly wall: number
  readonly cpu?: number
  readonly peakRssKiB?: number
}

interface Workload {
  readonly name: string
  readonly baseline: { readonly command: string; readonly runs: readonly Run[] }
  readonly candidate: { readonly command: string; readonly runs: readonly Run[] }
}

const FIGURES: readonly { key: keyof Run; label: string; scale: (v: number) => number; unit: string }[] = [
  { key: 'wall', label: 'wall time', scale: (v) => v * 1000, unit: 'ms' },
  { key: 'cpu', label: 'CPU time', scale: (v) => v * 1000, unit: 'ms' },
  { key: 'peakRssKiB', label: 'peak memory', scale: (v) => v / 1024, unit: 'MiB' },
]

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (pos - lo)
}

/** One horizontal box: whiskers at min and max, the box from the first to the third quartile, the median marked. */
function box(values: readonly number[], y: number, x: (v: number) => number, cls: string, label: string, unit: string): string {
  const s = [...values].sort((a, b) => a - b)
  const [min, q1, med, q3, max] = [s[0] ?? 0, quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75), s[s.length - 1] ?? 0]
  const title = `${label}: median ${med.toFixed(1)} ${unit}, quartiles ${q1.toFixed(1)}–${q3.toFixed(1)}, range ${min.toFixed(1)}–${max.toFixed(1)}, ${s.length} runs`
  const dots = s.map((v) => `<circle cx="${x(v).toFixed(1)}" cy="${y}" r="1.6" class="dot"/>`).join('')
  return `<g class="box ${cls}"><title>${esc(title)}</title><line x1="${x(min).toFixed(1)}" x2="${x(max).toFixed(1)}" y1="${y}" y2="${y}" stroke="currentColor"/><rect x="${x(q1).toFixed(1)}" y="${y - 9}" width="${Math.max(1, x(q3) - x(q1)).toFixed(1)}" height="18" class="${cls}-fill" fill-opacity="0.6" stroke="currentColor"/><line x1="${x(med).toFixed(1)}" x2="${x(med).toFixed(1)}" y1="${y - 9}" y2="${y + 9}" stroke="currentColor" stroke-width="2.5"/>${dots}</g>`
}

function plot(workload: Workload, figure: (typeof FIGURES)[number], index: number): string {
  const pick = (runs: readonly Run[]): number[] | undefined => {
    const v = runs.map((r) => r[figure.key])
    return v.every((n): n is number => typeof n === 'number') ? v.map(figure.scale) : undefined
  }
  const a = pick(workload.baseline.runs)
  const b = pick(workload.candidate.runs)
  if (!a || !b || a.length === 0 || b.length === 0) return ''
  const lo = Math.min(...a, ...b)
  const hi = Math.max(...a, ...b)
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1
  const width = 640
  const left = 90
  const x = (v: number): number => left + ((v - (lo - pad)) / (hi - lo + 2 * pad)) * (width - left - 20)
  return `<figure><svg class="chart canary-plot" id="canary-${index}-${figure.key}" role="img" aria-label="${esc(figure.label)} of ${esc(workload.name)}: baseline and candidate" viewBox="0 0 ${width} 84">
<text x="${left - 8}" y="24" text-anchor="end">baseline</text>${box(a, 20, x, 'baseline', 'baseline', figure.unit)}
<text x="${left - 8}" y="58" text-anchor="end">candidate</text>${box(b, 54, x, 'candidate', 'candidate', figure.unit)}
<text x="${left}" y="80">${(lo - pad).toFixed(1)} ${figure.unit}</text><text x="${width - 20}" y="80" text-anchor="end">${(hi + pad).toFixed(1)} ${figure.unit}</text></svg>
<figcaption>${esc(figure.label)} (${esc(figure.unit)})</figcaption></figure>`
}

export function canarySection(report: Report): string {
  const workloads = Array.isArray(report.summary['workloads']) ? (report.summary['workloads'] as Workload[]) : []
  if (workloads.length === 0) return ''
  return `<section aria-labelledby="measurements-h"><h2 id="measurements-h">Measurements</h2>
${workloads
  .map(
    (w, i) => `<h3>${esc(w.name)}</h3><p><code>${esc(w.baseline.command)}</code> against <code>${esc(w.candidate.command)}</code></p>
${FIGURES.map((f) => plot(w, f, i)).join('')}`,
  )
  .join('\n')}
</section>`
}
