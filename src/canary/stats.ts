/** Small, dependency-free statistics for comparing two samples: medians, a bootstrap interval, a rank test. */

export const median = (xs: readonly number[]): number => quantile(xs, 0.5)

/** Linear-interpolated quantile (type 7); NaN for an empty sample. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  const a = s[lo] ?? Number.NaN
  const b = s[hi] ?? Number.NaN
  return a + (b - a) * (pos - lo)
}

/** A seeded PRNG (mulberry32), so a report is reproducible from its inputs. */
export function prng(seed: number): () => number {
  let t = seed >>> 0
  return () => {
    t = (t + 0x6d2b79f5) >>> 0
    let r = Math.imul(t ^ (t >>> 15), 1 | t)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
}

export interface RatioInterval {
  readonly ratio: number
  readonly low: number
  readonly high: number
}

/** Ratio of medians candidate/baseline with a percentile bootstrap interval (each sample resampled independently). */
export function bootstrapRatio(baseline: readonly number[], candidate: readonly number[], options: { resamples?: number; confidence?: number; seed?: number } = {}): RatioInterval {
  const resamples = options.resamples ?? 2000
  const confidence = options.confidence ?? 0.95
  const random = prng(options.seed ?? 0x5eed)
  const ratio = median(candidate) / median(baseline)
  const draw = (xs: readonly number[]): number[] => xs.map(() => xs[Math.floor(random() * xs.length)] ?? Number.NaN)
  const ratios: number[] = []
  for (let i = 0; i < resamples; i++) {
    const a = median(draw(baseline))
    const b = median(draw(candidate))
    if (a > 0) ratios.push(b / a)
  }
  const alpha = (1 - confidence) / 2
  return { ratio, low: quantile(ratios, alpha), high: quantile(ratios, 1 - alpha) }
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x)
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2
}

/**
 * For interleaved runs: the median of the per-pair ratios candidate_i/baseline_i, with a bootstrap
 * over pairs. Adjacent runs share the machine's state (frequency, other load), so drift cancels.
 */
export function bootstrapPairedRatio(baseline: readonly number[], candidate: readonly number[], options: { resamples?: number; confidence?: number; seed?: number } = {}): RatioInterval {
  const resamples = options.resamples ?? 2000
  const confidence = options.confidence ?? 0.95
  const random = prng(options.seed ?? 0x5eed)
  const pairs: number[] = []
  for (let i = 0; i < Math.min(baseline.length, candidate.length); i++) {
    const a = baseline[i] ?? 0
    const b = candidate[i] ?? 0
    if (a > 0) pairs.push(b / a)
  }
  const ratio = median(pairs)
  const ratios: number[] = []
  for (let i = 0; i < resamples; i++) ratios.push(median(pairs.map(() => pairs[Math.floor(random() * pairs.length)] ?? Number.NaN)))
  const alpha = (1 - confidence) / 2
  return { ratio, low: quantile(ratios, alpha), high: quantile(ratios, 1 - alpha) }
}

export interface RankTest {
  /** U statistic of the candidate sample */
  readonly u: number
  readonly z: number
  /** two-sided p-value */
  readonly p: number
}

/** Mann-Whitney U test, normal approximation with tie and continuity corrections. */
export function mannWhitney(baseline: readonly number[], candidate: readonly number[]): RankTest {
  const n1 = baseline.length
  const n2 = candidate.length
  if (n1 === 0 || n2 === 0) return { u: Number.NaN, z: 0, p: 1 }
  const all = [...baseline.map((v) => ({ v, c: false })), ...candidate.map((v) => ({ v, c: true }))].sort((a, b) => a.v - b.v)
  const n = all.length
  let rankSumCandidate = 0
  let tieTerm = 0
  for (let i = 0; i < n; ) {
    let j = i
    while (j + 1 < n && all[j + 1]?.v === all[i]?.v) j++
    const rank = (i + j) / 2 + 1
    const t = j - i + 1
    tieTerm += t ** 3 - t
    for (let k = i; k <= j; k++) if (all[k]?.c) rankSumCandidate += rank
    i = j + 1
  }
  const u = rankSumCandidate - (n2 * (n2 + 1)) / 2
  const mean = (n1 * n2) / 2
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)))
  if (variance <= 0) return { u, z: 0, p: 1 }
  const diff = u - mean
  const z = (Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5)) / Math.sqrt(variance)
  return { u, z, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) }
}

export type Outcome = 'regressed' | 'improved' | 'within' | 'inconclusive'

export interface Comparison extends RatioInterval {
  readonly metric: string
  readonly baselineMedian: number
  readonly candidateMedian: number
  readonly p: number
  readonly outcome: Outcome
  /** the tolerance the interval was judged against, as a fraction */
  readonly tolerance: number
  /** true when the interval is over per-pair ratios of interleaved runs */
  readonly paired: boolean
}

/**
 * A verdict only when the interval excludes the tolerance: regressed when it lies wholly above
 * 1+tolerance (and the rank test agrees), within when it lies wholly inside ±tolerance, improved
 * when wholly below 1-tolerance; anything else is inconclusive.
 */
export function compare(metric: string, baseline: readonly number[], candidate: readonly number[], tolerance: number, options: { alpha?: number; paired?: boolean } = {}): Comparison {
  const alpha = options.alpha ?? 0.05
  const baselineMedian = median(baseline)
  const candidateMedian = median(candidate)
  const { p } = mannWhitney(baseline, candidate)
  if (!(baselineMedian > 0)) {
    // a zero baseline (e.g. CPU time below the clock's resolution) has no ratio
    const equal = baseline.every((v) => v === 0) && candidate.every((v) => v === 0)
    return { metric, baselineMedian, candidateMedian, ratio: equal ? 1 : Number.NaN, low: equal ? 1 : Number.NaN, high: equal ? 1 : Number.NaN, p, outcome: equal ? 'within' : 'inconclusive', tolerance, paired: false }
  }
  const paired = (options.paired ?? false) && baseline.length === candidate.length && baseline.every((v) => v > 0)
  const interval = paired ? bootstrapPairedRatio(baseline, candidate) : bootstrapRatio(baseline, candidate)
  let outcome: Outcome = 'inconclusive'
  if (interval.low > 1 + tolerance && p < alpha) outcome = 'regressed'
  else if (interval.high < 1 - tolerance && p < alpha) outcome = 'improved'
  else if (interval.low >= 1 - tolerance && interval.high <= 1 + tolerance) outcome = 'within'
  return { metric, baselineMedian, candidateMedian, ...interval, p, outcome, tolerance, paired }
}

const pct = (r: number): string => `${Math.round((r - 1) * 100)}%`
export const formatP = (p: number): string => (p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`)

/** "slower by 31% [24%, 38%], p<0.001" (the words depend on the metric). */
export function describe(c: Comparison, words: { more: string; less: string } = { more: 'slower', less: 'faster' }): string {
  if (!Number.isFinite(c.ratio)) return `no ratio (baseline median ${c.baselineMedian}), inconclusive`
  const up = c.ratio >= 1
  const amount = up ? pct(c.ratio) : `${Math.round((1 - c.ratio) * 100)}%`
  const range = `[${pct(c.low)}, ${pct(c.high)}]`
  const head = `${up ? words.more : words.less} by ${amount} ${range}, ${formatP(c.p)}`
  const tol = `±${(c.tolerance * 100).toFixed(1).replace(/\.0$/, '')}%`
  if (c.outcome === 'inconclusive') return `${head} — inconclusive: the interval crosses the tolerance (${tol})`
  if (c.outcome === 'within') return `${head} — within tolerance (${tol})`
  return head
}
