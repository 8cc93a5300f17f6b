/**
 * @fileoverview CVSS base scores from vector strings (v3.0/v3.1 and v2, the formulas of their
 * specifications) and the severity bucket an advisory falls in.
 */
import type { Severity } from '../../model/finding.js'

export interface CvssScore {
  readonly version: '2.0' | '3.0' | '3.1'
  readonly vector: string
  readonly score: number
}

const parseMetrics = (parts: readonly string[]): Map<string, string> | undefined => {
  const metrics = new Map<string, string>()
  for (const part of parts) {
    const [key, value, extra] = part.split(':')
    if (!key || !value || extra !== undefined || metrics.has(key)) return undefined
    metrics.set(key, value)
  }
  return metrics
}

/** CVSS v3.1 `Roundup`: the smallest number with one decimal at or above the input, robust to floating point. */
export function roundUp(value: number): number {
  const scaled = Math.round(value * 100000)
  return scaled % 10000 === 0 ? scaled / 100000 : (Math.floor(scaled / 10000) + 1) / 10
}

const V3 = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const

const pick = <T extends Record<string, number>>(table: T, value: string | undefined): number | undefined =>
  value !== undefined && Object.hasOwn(table, value) ? table[value as keyof T] : undefined

/** The base score of a CVSS v3.x vector (`CVSS:3.1/AV:N/AC:L/...`); undefined when it is not one. */
export function cvss3BaseScore(vector: string): CvssScore | undefined {
  const parts = vector.trim().split('/')
  const prefix = parts.shift()
  const version = prefix === 'CVSS:3.1' ? '3.1' : prefix === 'CVSS:3.0' ? '3.0' : undefined
  if (!version) return undefined
  const m = parseMetrics(parts)
  if (!m) return undefined
  const scope = m.get('S')
  if (scope !== 'U' && scope !== 'C') return undefined
  const av = pick(V3.AV, m.get('AV'))
  const ac = pick(V3.AC, m.get('AC'))
  const ui = pick(V3.UI, m.get('UI'))
  const pr = pick(scope === 'C' ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 }, m.get('PR'))
  const c = pick(V3.CIA, m.get('C'))
  const i = pick(V3.CIA, m.get('I'))
  const a = pick(V3.CIA, m.get('A'))
  if (av === undefined || ac === undefined || ui === undefined || pr === undefined || c === undefined || i === undefined || a === undefined) return undefined
  const iss = 1 - (1 - c) * (1 - i) * (1 - a)
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
  const exploitability = 8.22 * av * ac * pr * ui
  const score = impact <= 0 ? 0 : scope === 'U' ? roundUp(Math.min(impact + exploitability, 10)) : roundUp(Math.min(1.08 * (impact + exploitability), 10))
  return { version, vector: vector.trim(), score }
}

/** The base score of a CVSS v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally in parentheses). */
export function cvss2BaseScore(vector: string): CvssScore | undefined {
  const text = vector.trim().replace(/^\((.*)\)$/, '$1').replace(/^CVSS:2\.0\//, '')
  const m = parseMetrics(text.split('/'))
  if (!m) return undefined
  const av = pick({ L: 0.395, A: 0.646, N: 1.0 }, m.get('AV'))
  const ac = pick({ H: 0.35, M: 0.61, L: 0.71 }, m.get('AC'))
  const au = pick({ M: 0.45, S: 0.56, N: 0.704 }, m.get('Au'))
  const cia = { N: 0, P: 0.275, C: 0.66 }
  const c = pick(cia, m.get('C'))
  const i = pick(cia, m.get('I'))
  const a = pick(cia, m.get('A'))
  if (av === undefined || ac === undefined || au === undefined || c === undefined || i === undefined || a === undefined) return undefined
  const impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a))
  const exploitability = 20 * av * ac * au
  const f = impact === 0 ? 0 : 1.176
  const score = Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * f * 10) / 10
  return { version: '2.0', vector: vector.trim(), score: Math.max(0, score) }
}

/** The qualitative rating of a score: CVSS v3 bands (v2 has no critical band: 7.0–10.0 is high). */
export function severityOfScore(score: CvssScore): Severity {
  const s = score.score
  if (s === 0) return 'info'
  if (s < 4) return 'low'
  if (s < 7) return 'medium'
  if (score.version === '2.0' || s < 9) return 'high'
  return 'critical'
}

/** A severity word as databases write it (GHSA `MODERATE`, Ubuntu `negligible`, npm `moderate`). */
export function severityOfWord(word: string): Severity | undefined {
  switch (word.trim().toLowerCase()) {
    case 'critical':
      return 'critical'
    case 'high':
    case 'important':
      return 'high'
    case 'moderate':
    case 'medium':
      return 'medium'
    case 'low':
      return 'low'
    case 'negligible':
    case 'none':
    case 'info':
    case 'unimportant':
      return 'info'
    default:
      return undefined
  }
}
