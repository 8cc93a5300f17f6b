/**
 * @fileoverview The history timeline: commit share per identity per window as a stacked area,
 * the power events as markers with their detail on hover and focus, the bus and truck factor over
 * time, and an escalation pattern, when there is one, highlighted.
 */
import type { Report } from '../../model/report.js'
import { esc } from './escape.js'

interface Window {
  readonly window: string
  readonly start: string
  readonly commits: number
  readonly busFactor: number
  readonly truckFactor: number | null
  readonly shares: Readonly<Record<string, number>>
}

interface Identity {
  readonly id: string
  readonly name: string
  readonly commits: number
}

interface Event {
  readonly date: string
  readonly time: number
  readonly identity: string
  readonly name: string
  readonly kind: string
  readonly commit?: string
  readonly tag?: string
  readonly path?: string
  readonly detail?: string
  /** counted as a power event (the facts row counts the same ones) */
  readonly power?: boolean
}

interface Escalation {
  readonly identity: string
  readonly name: string
  readonly severity: string
  readonly timeline?: readonly { time?: number; date?: string; kind?: string }[]
}

/** Colours that stay apart in light and dark mode; identities past the palette share a grey "others" band. */
const PALETTE = ['#0969da', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7d8c', '#bc4c00']
const MAX_SERIES = PALETTE.length

const MARKER: Readonly<Record<string, string>> = {
  'first-commit': '●',
  'commit-access': '▲',
  'direct-push': '▲',
  'web-merge': '▲',
  'version-bump': '◆',
  'publish-workflow': '◆',
  'release-tag': '◆',
  'signed-tag': '◆',
  'new-signing-key': '★',
  'weakened-defence': '✖',
}

const array = <T>(value: unknown): readonly T[] => (Array.isArray(value) ? (value as T[]) : [])

/**
 * The identities drawn as their own series: the ones with most commits, plus every identity
 * that has an escalation pattern, whatever its rank.
 */
function seriesOf(identities: readonly Identity[], escalations: readonly Escalation[]): Identity[] {
  const ranked = [...identities].sort((a, b) => b.commits - a.commits)
  const flagged = new Set(escalations.filter((e) => e.severity !== 'none').map((e) => e.identity))
  const chosen = ranked.filter((i) => flagged.has(i.id)).slice(0, MAX_SERIES - 1)
  for (const i of ranked) if (chosen.length < MAX_SERIES - 1 && !chosen.includes(i)) chosen.push(i)
  return chosen
}

export function historySection(report: Report): string {
  const windows = array<Window>(report.summary['windows'])
  const identities = array<Identity>(report.summary['identities'])
  const events = array<Event>(report.summary['events'])
  const patterns = (report.summary['patterns'] ?? {}) as { escalation?: unknown }
  const escalations = array<Escalation>(patterns.escalation)
  if (windows.length === 0) return '<section aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2><p class="none">No commits in the range.</p></section>'

  const series = seriesOf(identities, escalations)
  const flagged = new Set(escalations.filter((e) => e.severity !== 'none').map((e) => e.identity))
  const width = 900
  const height = 280
  const left = 40
  const top = 10
  const plotW = width - left - 10
  // below the plot: four rows of event markers, then the window labels, each in its own band
  const plotH = height - top - 62
  const markerTop = top + plotH + 10
  const labelY = height - 4
  const step = windows.length > 1 ? plotW / (windows.length - 1) : plotW
  const x = (i: number): number => left + (windows.length > 1 ? i * step : plotW / 2)
  const y = (share: number): number => top + plotH * (1 - share)

  // shares per window, in series order, with the rest as "others"
  const stacks = windows.map((w) => {
    const total = Object.values(w.shares).reduce((a, b) => a + b, 0) || 1
    const parts = series.map((s) => (w.shares[s.id] ?? 0) / total)
    return [...parts, Math.max(0, 1 - parts.reduce((a, b) => a + b, 0))]
  })
  const bands = [...series.map((s, i) => ({ id: s.id, name: s.name, color: PALETTE[i] ?? '#888' })), { id: 'others', name: 'others', color: '#8c959f' }]
  const paths = bands
    .map((band, b) => {
      const lower = stacks.map((st) => st.slice(0, b).reduce((a, v) => a + v, 0))
      const upper = stacks.map((st, i) => (lower[i] ?? 0) + (st[b] ?? 0))
      if (upper.every((u, i) => u - (lower[i] ?? 0) < 1e-9)) return ''
      const forward = upper.map((u, i) => `${x(i).toFixed(1)},${y(u).toFixed(1)}`)
      const back = lower.map((l, i) => `${x(i).toFixed(1)},${y(l).toFixed(1)}`).reverse()
      const highlight = flagged.has(band.id) ? ' stroke="currentColor" stroke-width="2"' : ''
      return `<polygon class="series" data-series="${esc(band.id)}" points="${[...forward, ...back].join(' ')}" fill="${band.color}" fill-opacity="0.75"${highlight}><title>${esc(band.name)}</title></polygon>`
    })
    .join('')

  // bus factor as a line on its own scale (right-hand numbers)
  const maxBus = Math.max(1, ...windows.map((w) => Math.max(w.busFactor, w.truckFactor ?? 0)))
  const busLine = windows.map((w, i) => `${x(i).toFixed(1)},${(top + plotH * (1 - w.busFactor / maxBus)).toFixed(1)}`).join(' ')

  // events on the window they fall in
  const windowIndex = (date: string): number => {
    let idx = 0
    windows.forEach((w, i) => {
      if (w.start <= date) idx = i
    })
    return idx
  }
  const markerEvents = events.filter((e) => MARKER[e.kind] !== undefined || /build|ci|release|security|test-data|url/.test(e.kind))
  const markers = markerEvents
    .map((e, n) => {
      const i = windowIndex(e.date)
      const row = n % 4
      const detail = `${e.date} ${e.name}: ${e.kind}${e.tag ? ` ${e.tag}` : ''}${e.commit ? ` ${e.commit.slice(0, 12)}` : ''}${e.path ? ` ${e.path}` : ''}${e.detail ? ` — ${e.detail}` : ''}`
      const escalated = flagged.has(e.identity) ? ' escalation' : ''
      return `<text class="marker${escalated}" tabindex="0" data-kind="${esc(e.kind)}" x="${x(i).toFixed(1)}" y="${markerTop + row * 8}" text-anchor="middle" aria-label="${esc(detail)}">${MARKER[e.kind] ?? '•'}<title>${esc(detail)}</title></text>`
    })
    .join('')
  const labels = windows
    .map((w, i) => (windows.length <= 12 || i % Math.ceil(windows.length / 12) === 0 ? `<text class="window-label" x="${x(i).toFixed(1)}" y="${labelY}" text-anchor="middle">${esc(w.window)}</text>` : ''))
    .join('')
  const legend = bands.map((b) => `<span${flagged.has(b.id) ? ' class="escalation"' : ''}><i style="background:${b.color}"></i>${esc(b.name)}${flagged.has(b.id) ? ' (escalation)' : ''}</span>`).join('')
  const power = events.filter((e) => e.power === true)
  const ledger = power
    .map((e) => `<tr${flagged.has(e.identity) ? ' class="escalation"' : ''}><td>${esc(e.date)}</td><td>${esc(e.name)}</td><td>${esc(e.kind)}</td><td><code>${esc(e.commit?.slice(0, 12) ?? e.tag ?? '')}</code></td><td>${esc(e.path ?? e.detail ?? '')}</td></tr>`)
    .join('')
  return `<section aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>
<figure><svg class="chart" id="history-chart" role="img" aria-label="commit share per identity per ${esc(String(report.summary['window'] ?? 'window'))}, with power events" viewBox="0 0 ${width} ${height}">
<line class="axis" x1="${left}" y1="${top + plotH}" x2="${width - 10}" y2="${top + plotH}"/><text x="${left - 4}" y="${top + 8}" text-anchor="end">100%</text><text x="${left - 4}" y="${top + plotH}" text-anchor="end">0</text>
${paths}
<polyline id="bus-factor" points="${busLine}" fill="none" stroke="currentColor" stroke-dasharray="4 3" stroke-width="1.5"><title>bus factor per window (dashed; top = ${maxBus})</title></polyline>
${markers}${labels}</svg>
<figcaption class="legend">${legend}<span>- - bus factor</span><span>● first commit ▲ commit or merge access ◆ release (tag or version bump) ★ new signing key ✖ weakened defence • sensitive area</span></figcaption></figure>
<details><summary>Power events (${power.length} of ${events.length} ledger events)</summary><table><thead><tr><th scope="col">date</th><th scope="col">who</th><th scope="col">event</th><th scope="col">commit or tag</th><th scope="col">path or detail</th></tr></thead><tbody>${ledger}</tbody></table></details>
</section>`
}
