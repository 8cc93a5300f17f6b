import { describe, expect, it } from 'vitest'
import { bootstrapPairedRatio, bootstrapRatio, compare, describe as describeComparison, mannWhitney, median, normalCdf, quantile } from '../../src/canary/stats.js'

const noisy = (base: number, n: number, seed: number): number[] => {
  let s = seed
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return base * (1 + ((s / 2147483648) - 0.5) * 0.04)
  })
}

describe('canary statistics', () => {
  it('computes medians and quantiles', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 2, 3])).toBe(2.5)
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2)
    expect(normalCdf(0)).toBeCloseTo(0.5, 6)
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3)
  })

  it('gives the textbook Mann-Whitney U and a small p for separated samples', () => {
    // all candidate values above all baseline values: U = n1*n2
    const r = mannWhitney([1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16])
    expect(r.u).toBe(64)
    expect(r.p).toBeLessThan(0.001)
    const same = mannWhitney([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6])
    expect(same.p).toBeGreaterThan(0.9)
  })

  it('brackets the true ratio with the bootstrap interval', () => {
    const a = noisy(100, 20, 1)
    const b = noisy(130, 20, 2)
    for (const r of [bootstrapRatio(a, b), bootstrapPairedRatio(a, b)]) {
      expect(r.low).toBeGreaterThan(1.2)
      expect(r.high).toBeLessThan(1.4)
      expect(r.low).toBeLessThanOrEqual(r.ratio)
      expect(r.high).toBeGreaterThanOrEqual(r.ratio)
    }
  })

  it('gives a verdict only when the interval excludes the tolerance', () => {
    const a = noisy(100, 20, 3)
    expect(compare('wall', a, noisy(130, 20, 4), 0.05).outcome).toBe('regressed')
    expect(compare('wall', a, noisy(100, 20, 5), 0.05).outcome).toBe('within')
    expect(compare('wall', a, noisy(70, 20, 6), 0.05).outcome).toBe('improved')
    // wild noise around a 5% shift: neither a regression nor a pass
    const wild = [50, 150, 80, 120, 100, 60, 140, 90, 110, 70]
    expect(compare('wall', wild, wild.map((v) => v * 1.05), 0.05).outcome).toBe('inconclusive')
    const c = compare('wall', a, noisy(130, 20, 4), 0.05)
    expect(describeComparison(c)).toMatch(/^slower by 3\d% \[\d+%, \d+%\], p<0\.001$/)
  })
})
