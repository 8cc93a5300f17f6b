import { describe, expect, it } from 'vitest'
import { SAMPLES } from '../../bench/npm-corpus.js'
import { judge } from './helpers.js'

/**
 * The reconstructed-attack corpus (bench/npm-corpus.ts, expectations written before the scanner
 * ran on it) as a regression floor, judged in memory: the benchmark runs the same samples through
 * the whole `scan` pipeline and prints the per-sample table.
 */
const flagged = (files: Readonly<Record<string, string>>): boolean => judge({ files: Object.fromEntries(Object.entries(files).filter(([, v]) => !v.startsWith('base64:'))) }).some((f) => f.severity === 'high' || f.severity === 'critical')

describe('reconstructed npm attacks and hard-benign look-alikes', () => {
  const rate = (expect: string): number => {
    const of = SAMPLES.filter((s) => s.expect === expect)
    return of.filter((s) => flagged(s.files)).length / of.length
  }

  it('install-time attacks: at least 90 % flagged high or critical', () => {
    expect(rate('install')).toBeGreaterThanOrEqual(0.9)
  })

  it('load-time attacks: at least 80 % flagged high or critical', () => {
    expect(rate('load')).toBeGreaterThanOrEqual(0.8)
  })

  it('no hard-benign look-alike is flagged high', () => {
    expect(SAMPLES.filter((s) => s.expect === 'none' && flagged(s.files)).map((s) => s.id)).toEqual([])
  })
})
