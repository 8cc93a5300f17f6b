import { beforeAll, describe, expect, it } from 'vitest'
import { AdvisoryStore, advisoryFindings, advisoryRules, mergeAdvisoryMatches, type AdvisoryMatch } from '../../../src/audit/advisories/index.js'
import { isSeverity } from '../../../src/model/finding.js'
import { debPkg, FIXTURES, npmPkg } from './helpers.js'

describe('advisoryFindings', () => {
  let store: AdvisoryStore

  beforeAll(async () => {
    store = await AdvisoryStore.load([FIXTURES])
  })

  it('documents every rule it emits', () => {
    expect(advisoryRules.map((r) => r.id)).toEqual(['audit/known-vulnerability', 'audit/malicious-package', 'audit/advisory-range-unevaluated'])
    for (const rule of advisoryRules) {
      expect(isSeverity(rule.defaultSeverity)).toBe(true)
      expect(rule.short).not.toContain('\n')
      expect(rule.motivation.length).toBeGreaterThan(40)
      expect(rule.remediation.length).toBeGreaterThan(40)
    }
  })

  it('names the advisory, the installed version and the version to move to', () => {
    const pkg = npmPkg('lodash', '4.17.20')
    const [finding, ...rest] = advisoryFindings(pkg, store.match(pkg))
    expect(rest).toEqual([])
    expect(finding).toMatchObject({
      ruleId: 'audit/known-vulnerability',
      severity: 'high',
      confidence: 'high',
      message: 'lodash 4.17.20 is affected by GHSA-35jh-r3h4-6jhm (CVE-2021-23337): Command Injection in lodash; fixed in 4.17.21',
    })
    expect(finding?.explanation).toContain('Upgrade lodash to 4.17.21 (the smallest fixed version above 4.17.20)')
    expect(finding?.evidence).toContain('matched: npm SEMVER range: introduced 0, fixed 4.17.21')
    expect(finding?.evidence).toContain('severity: high, from CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H (base score 7.2)')
    expect(finding?.references?.[0]).toBe('https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm')
    expect(finding?.data).toMatchObject({ purl: 'pkg:npm/lodash@4.17.20', advisory: 'GHSA-35jh-r3h4-6jhm', fixedVersions: ['4.17.21'] })
    expect(JSON.parse(JSON.stringify(finding))).toEqual(finding)
  })

  it('explains the XZ fix as the downgrade it is', () => {
    const pkg = debPkg('xz-utils', '5.6.1-1')
    const [finding] = advisoryFindings(pkg, store.match(pkg))
    expect(finding?.severity).toBe('critical')
    expect(finding?.message).toBe(
      'xz-utils 5.6.1-1 is affected by DEBIAN-CVE-2024-3094 (CVE-2024-3094): xz-utils: malicious code in the liblzma build of the 5.6.0 and 5.6.1 release tarballs; fixed in 5.6.1+really5.4.5-1',
    )
    expect(finding?.explanation).toContain('Upgrade xz-utils to 5.6.1+really5.4.5-1 — it carries upstream 5.4.5: a downgrade of the code under a higher version number')
    expect(advisoryFindings(debPkg('xz-utils', '5.4.5-0.3'), store.match(debPkg('xz-utils', '5.4.5-0.3')))).toEqual([])
  })

  it('says when no fix exists', () => {
    const la = npmPkg('last-affected', '2.0.0')
    expect(advisoryFindings(la, store.match(la))[0]?.message).toMatch(/; no fixed version$/)
    expect(advisoryFindings(la, store.match(la))[0]?.explanation).toMatch(/2\.1\.214 as the last affected version/)
    const open = npmPkg('multi-range', '3.5.0')
    expect(advisoryFindings(open, store.match(open))[0]?.explanation).toMatch(/No fixed version is known: remove or replace multi-range/)
  })

  it('reports malware as malicious-package, critical, and not also as a vulnerability', () => {
    const pkg = npmPkg('evil-colors', '1.4.1')
    const findings = advisoryFindings(pkg, store.match(pkg))
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ ruleId: 'audit/malicious-package', severity: 'critical', confidence: 'high' })
    expect(findings[0]?.message).toBe('evil-colors 1.4.1 is malware: a known malicious version (MAL-2024-0001): Malicious code in evil-colors (npm)')
    expect(findings[0]?.explanation).toMatch(/rotate the credentials/)
  })

  it('turns unevaluated ranges into info findings', () => {
    const pkg = npmPkg('git-ranged', '1.0.0')
    const { matches, unevaluated } = store.lookup(pkg)
    const findings = advisoryFindings(pkg, matches, unevaluated)
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ['audit/advisory-range-unevaluated', 'info'],
      ['audit/advisory-range-unevaluated', 'info'],
    ])
    expect(findings[0]?.message).toMatch(/was not evaluated \(unmatched GIT range\)/)
    expect(findings[0]?.evidence).toMatch(/GIT range of https:\/\/github\.com\/example\/git-ranged: introduced 0{40}, fixed 1{40}/)
  })
})

describe('mergeAdvisoryMatches', () => {
  const base: AdvisoryMatch = {
    id: 'GHSA-35jh-r3h4-6jhm',
    aliases: ['CVE-2021-23337'],
    summary: 'Command Injection in lodash',
    severity: 'high',
    severitySource: 'x',
    malicious: false,
    fixedVersions: ['4.17.21'],
    lastAffected: [],
    range: { kind: 'range', ecosystem: 'npm', text: 't' },
    references: ['https://a'],
    withdrawn: false,
    source: 'osv:a.json',
  }

  it('keeps one match per vulnerability across sources', () => {
    const fromRegistry: AdvisoryMatch = { ...base, aliases: ['NPM-1'], severity: 'critical', references: ['https://b'], source: 'npm-bulk:r' }
    const other: AdvisoryMatch = { ...base, id: 'GHSA-other', aliases: [] }
    const merged = mergeAdvisoryMatches([base, other], [fromRegistry])
    expect(merged).toHaveLength(2)
    expect(merged[0]).toMatchObject({ id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337', 'NPM-1'], severity: 'critical', references: ['https://a', 'https://b'], source: 'osv:a.json, npm-bulk:r' })
    expect(merged[1]).toBe(other)
  })
})
