import { describe, expect, it } from 'vitest'
import { cvss2BaseScore, cvss3BaseScore, severityOfScore, severityOfWord } from '../../../src/audit/advisories/index.js'
import { roundUp } from '../../../src/audit/advisories/cvss.js'

describe('CVSS base scores', () => {
  it('scores v3 vectors as the specification does', () => {
    const cases: [string, number][] = [
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0],
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
      ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
      ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', 7.2],
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N', 5.4],
      ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H', 6.5],
      ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5],
      ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 5.9],
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
      ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
      ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', 1.6],
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
    ]
    for (const [vector, score] of cases) expect(cvss3BaseScore(vector)?.score, vector).toBe(score)
  })

  it('refuses what is not a v3 vector', () => {
    expect(cvss3BaseScore('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toBeUndefined()
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:X/C:H/I:H/A:H')).toBeUndefined()
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H')).toBeUndefined()
    expect(cvss3BaseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N')).toBeUndefined()
  })

  it('scores v2 vectors', () => {
    expect(cvss2BaseScore('AV:N/AC:L/Au:N/C:P/I:P/A:P')?.score).toBe(7.5)
    expect(cvss2BaseScore('AV:N/AC:M/Au:N/C:N/I:P/A:N')?.score).toBe(4.3)
    expect(cvss2BaseScore('(AV:N/AC:L/Au:N/C:C/I:C/A:C)')?.score).toBe(10)
    expect(cvss2BaseScore('AV:L/AC:L/Au:N/C:N/I:N/A:N')?.score).toBe(0)
  })

  it('rounds up as CVSS 3.1 does, without floating-point surprises', () => {
    expect(roundUp(4.02)).toBe(4.1)
    expect(roundUp(4.0)).toBe(4.0)
    expect(roundUp(4.000001)).toBe(4.0)
  })

  it('buckets scores and words', () => {
    const v3 = (score: number) => severityOfScore({ version: '3.1', vector: '', score })
    expect([0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10].map(v3)).toEqual(['info', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical'])
    expect(severityOfScore({ version: '2.0', vector: '', score: 10 })).toBe('high')
    expect(['LOW', 'MODERATE', 'HIGH', 'CRITICAL', 'negligible', 'whatever'].map(severityOfWord)).toEqual(['low', 'medium', 'high', 'critical', 'info', undefined])
  })
})
