/** Turns comparisons, traces and memcheck results into findings with evidence. */
import type { Finding, Severity } from '../model/finding.js'
import { canaryRule } from './rules.js'
import { describe, formatP, type Comparison } from './stats.js'
import type { MemcheckError } from './memcheck.js'
import type { NewBehaviour } from './trace.js'

export interface MetricInfo {
  readonly label: string
  readonly unit: string
  readonly words: { more: string; less: string }
  readonly rule: 'canary/slower' | 'canary/more-memory'
}

export const METRICS: Record<string, MetricInfo> = {
  wall: { label: 'wall time', unit: 's', words: { more: 'slower', less: 'faster' }, rule: 'canary/slower' },
  cpu: { label: 'CPU time (user+system)', unit: 's', words: { more: 'slower', less: 'faster' }, rule: 'canary/slower' },
  peakRssKiB: { label: 'peak memory', unit: 'KiB', words: { more: 'more memory', less: 'less memory' }, rule: 'canary/more-memory' },
  instructions: { label: 'instructions', unit: '', words: { more: 'more instructions', less: 'fewer instructions' }, rule: 'canary/slower' },
}

const info = (metric: string): MetricInfo => METRICS[metric] ?? { label: metric, unit: '', words: { more: 'more', less: 'less' }, rule: 'canary/slower' }

const show = (v: number, unit: string): string => (unit === 's' ? `${v.toFixed(4)} s` : unit === 'KiB' ? `${Math.round(v)} KiB` : String(Math.round(v)))

export const describeMetric = (c: Comparison): string => `${info(c.metric).label}: ${describe(c, info(c.metric).words)}`

function numbers(c: Comparison, baseline: readonly number[], candidate: readonly number[]): string {
  const unit = info(c.metric).unit
  return [
    `median baseline ${show(c.baselineMedian, unit)}, candidate ${show(c.candidateMedian, unit)}`,
    `ratio ${c.ratio.toFixed(3)}${c.paired ? ' (median of per-pair ratios of interleaved runs)' : ''}, 95% bootstrap interval [${c.low.toFixed(3)}, ${c.high.toFixed(3)}], Mann-Whitney ${formatP(c.p)}, tolerance ±${(c.tolerance * 100).toFixed(1)}%`,
    `baseline runs:  ${baseline.map((v) => show(v, unit)).join(', ')}`,
    `candidate runs: ${candidate.map((v) => show(v, unit)).join(', ')}`,
  ].join('\n')
}

const finding = (id: string, severity: Severity | undefined, body: Omit<Finding, 'ruleId' | 'severity' | 'confidence' | 'explanation'> & { confidence?: Finding['confidence'] }): Finding => {
  const rule = canaryRule(id)
  return { ruleId: id, severity: severity ?? rule.defaultSeverity, confidence: body.confidence ?? rule.defaultConfidence, ...body, explanation: `${rule.motivation} ${rule.remediation}` }
}

/** Regressions beyond the tolerance are findings; an interval crossing it is inconclusive, never a pass. */
export function comparisonFindings(workload: string, comparisons: readonly { c: Comparison; baseline: readonly number[]; candidate: readonly number[] }[], options: { inconclusiveSeverity?: Severity; regressionSeverity?: Severity } = {}): Finding[] {
  const out: Finding[] = []
  for (const { c, baseline, candidate } of comparisons) {
    const m = info(c.metric)
    if (c.outcome === 'regressed') {
      out.push(finding(m.rule, options.regressionSeverity, { path: workload, message: `${workload}: candidate ${describeMetric(c)}`, evidence: numbers(c, baseline, candidate), data: { ...c } }))
    } else if (c.outcome === 'inconclusive') {
      out.push(finding('canary/inconclusive', options.inconclusiveSeverity, { path: workload, message: `${workload}: ${describeMetric(c)}`, evidence: numbers(c, baseline, candidate), data: { ...c } }))
    }
  }
  return out
}

const RULE_OF: Record<NewBehaviour['kind'], string> = {
  process: 'canary/new-process',
  network: 'canary/new-network',
  dns: 'canary/new-network',
  'file-write': 'canary/new-file-write',
  'file-delete': 'canary/new-file-write',
  'env-read': 'canary/new-env-read',
}

const WHAT: Record<NewBehaviour['kind'], string> = {
  process: 'executes',
  network: 'connects to',
  dns: 'sends a DNS query to',
  'file-write': 'writes',
  'file-delete': 'deletes',
  'env-read': 'reads the environment through',
}

export function behaviourFindings(workload: string, phase: string, news: readonly NewBehaviour[], limit = 40): Finding[] {
  const out = news.slice(0, limit).map((n) => {
    // a local socket (nscd, a daemon) is worth less than the internet
    const severity: Severity | undefined = n.kind === 'network' && (n.key.startsWith('unix ') || n.key.startsWith('socket ')) ? 'medium' : undefined
    return finding(RULE_OF[n.kind], severity, {
      path: workload,
      message: `${workload}: ${phase}candidate ${WHAT[n.kind]} ${n.key}, which the baseline never did${n.count > 1 ? ` (${n.count} times)` : ''}`,
      evidence: n.evidence.join('\n'),
      data: { behaviour: n.kind, key: n.key, count: n.count },
    })
  })
  if (news.length > limit) out.push(finding('canary/new-process', 'info', { path: workload, message: `${workload}: ${news.length - limit} further new behaviours not listed` }))
  return out
}

export function memcheckFindings(workload: string, baseline: readonly MemcheckError[], candidate: readonly MemcheckError[]): Finding[] {
  const seen = new Set(baseline.map((e) => e.key))
  const out: Finding[] = []
  const reported = new Set<string>()
  for (const e of candidate) {
    if (seen.has(e.key) || reported.has(e.key)) continue
    reported.add(e.key)
    out.push(finding('canary/new-memcheck-error', undefined, { path: workload, message: `${workload}: memcheck reports "${e.key}" in the candidate only`, evidence: e.evidence, data: { key: e.key } }))
  }
  return out
}
