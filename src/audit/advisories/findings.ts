/** @fileoverview Advisory matches as findings: known vulnerabilities, malicious versions, ranges that could not be evaluated. */
import type { Finding } from '../../model/finding.js'
import type { RuleInfo } from '../../rules/types.js'
import type { PackageRef } from '../types.js'
import type { AdvisoryMatch, UnevaluatedRange } from './types.js'

export const KNOWN_VULNERABILITY = 'audit/known-vulnerability'
export const MALICIOUS_PACKAGE = 'audit/malicious-package'
export const ADVISORY_RANGE_UNEVALUATED = 'audit/advisory-range-unevaluated'

/** ranges listed in the evidence of one unevaluated advisory; a record can hold thousands */
const MAX_EVIDENCE_RANGES = 20

export const advisoryRules: RuleInfo[] = [
  {
    id: KNOWN_VULNERABILITY,
    title: 'Known vulnerability',
    short: 'The installed version lies in the affected range of a published advisory.',
    motivation:
      'An advisory database (OSV, the npm registry) states that this exact version carries a vulnerability. ' +
      'The match follows the advisory’s own ranges in the ecosystem’s version ordering (semver for npm, dpkg for Debian), so it is not a guess from names.',
    remediation:
      'Move to the fixed version the finding names (the smallest fixed version above the installed one); when none exists, remove or replace the package or apply the advisory’s mitigation. ' +
      'If the advisory does not apply to how the package is used, ignore it in the policy with a reason and an expiry date.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: MALICIOUS_PACKAGE,
    title: 'Malicious package version',
    short: 'The installed version is recorded as malware (an OSV MAL- record or a registry malware advisory).',
    motivation:
      'The version was published to attack whoever installs it: install scripts that steal tokens, backdoors, cryptominers. ' +
      'Unlike a vulnerability, it needs no attacker to exploit it — installing it was the attack.',
    remediation:
      'Remove the package and any lockfile entry resolving to it. Treat every machine and CI runner that installed it as compromised: ' +
      'rotate the credentials they could reach (registry tokens, cloud keys, SSH keys) and review what they published since.',
    defaultSeverity: 'critical',
    defaultConfidence: 'high',
  },
  {
    id: ADVISORY_RANGE_UNEVALUATED,
    title: 'Advisory range not evaluated',
    short: 'An advisory names this package with a range that cannot be compared with the installed version (a GIT commit range, an unparsable version).',
    motivation:
      'Silence would read as "not affected". A GIT range needs the repository’s commit graph, and a version outside the range’s ordering cannot be placed in it, ' +
      'so the advisory was neither confirmed nor ruled out.',
    remediation: 'Read the advisory and check by hand whether the installed version contains the vulnerable commits.',
    defaultSeverity: 'info',
    defaultConfidence: 'low',
  },
]

/** `GHSA-35jh-r3h4-6jhm (CVE-2021-23337)`: the id, with the CVE ids it is known by. */
export function advisoryLabel(match: { readonly id: string; readonly aliases: readonly string[] }): string {
  const cves = match.aliases.filter((a) => a.startsWith('CVE-') && a !== match.id)
  return cves.length > 0 ? `${match.id} (${cves.join(', ')})` : match.id
}

/** `5.6.1+really5.4.5-1` packages upstream 5.4.5 under a higher version: moving to it is a downgrade of the code. */
const reallyNote = (version: string): string => {
  const really = /\+really([^-]+)/.exec(version)?.[1]
  return really ? ` — it carries upstream ${really}: a downgrade of the code under a higher version number` : ''
}

/** What to do, in one or two sentences: "Upgrade to 5.4.6 …". */
export function remediationFor(pkg: PackageRef, match: AdvisoryMatch): string {
  const [first, ...others] = match.fixedVersions
  if (first !== undefined) {
    const rest = others.length > 0 ? ` Later fixed versions: ${others.join(', ')}.` : ''
    return `Upgrade ${pkg.name} to ${first}${reallyNote(first)} (the smallest fixed version above ${pkg.version}).${rest}`
  }
  if (match.lastAffected.length > 0) {
    return (
      `No fixed version is published; the advisory states ${match.lastAffected.join(', ')} as the last affected version, so later versions are thought unaffected ` +
      `(a bound set at publication: check the advisory before relying on it).`
    )
  }
  return `No fixed version is known: remove or replace ${pkg.name}, or apply the mitigation the advisory describes.`
}

const osvLink = (match: AdvisoryMatch): string[] => (match.source.startsWith('osv:') ? [`https://osv.dev/vulnerability/${match.id}`] : [])

const references = (match: AdvisoryMatch): string[] => [...new Set([...osvLink(match), ...match.references])]

function evidence(pkg: PackageRef, match: AdvisoryMatch, remediation: string): string {
  const lines = [
    `advisory: ${match.id}${match.aliases.length > 0 ? ` (aliases: ${match.aliases.join(', ')})` : ''}`,
    `installed: ${pkg.name} ${pkg.version} (${pkg.purl})`,
    `matched: ${match.range.ecosystem} ${match.range.text}`,
    match.malicious
      ? 'severity: critical — malware, whatever the record states'
      : match.severityKnown === false
        ? `severity: unknown — ${match.severitySource}`
        : `severity: ${match.severity}, from ${match.severitySource}`,
    `fixed versions above the installed one: ${match.fixedVersions.length > 0 ? match.fixedVersions.join(', ') : 'none known'}`,
    `remediation: ${remediation}`,
    `source: ${match.source}`,
  ]
  return lines.join('\n')
}

const baseData = (pkg: PackageRef, match: AdvisoryMatch): Record<string, unknown> => ({
  purl: pkg.purl,
  ecosystem: pkg.ecosystem,
  package: pkg.name,
  version: pkg.version,
  ...(pkg.location !== undefined ? { location: pkg.location } : {}),
  advisory: match.id,
  aliases: match.aliases,
  malicious: match.malicious,
  fixedVersions: match.fixedVersions,
  lastAffected: match.lastAffected,
  range: match.range,
  severitySource: match.severitySource,
  severityKnown: match.malicious || match.severityKnown !== false,
  ...(match.cvssScore !== undefined ? { cvssScore: match.cvssScore } : {}),
  ...(match.cwe ? { cwe: match.cwe } : {}),
  source: match.source,
})

/** One finding per advisory: `audit/malicious-package` for malware, `audit/known-vulnerability` otherwise; and one info finding per advisory whose ranges could not be evaluated. */
export function advisoryFindings(pkg: PackageRef, matches: readonly AdvisoryMatch[], unevaluated: readonly UnevaluatedRange[] = []): Finding[] {
  const findings: Finding[] = []
  for (const match of matches) {
    const label = advisoryLabel(match)
    const summary = match.summary ? `: ${match.summary}` : ''
    const remediation = remediationFor(pkg, match)
    if (match.malicious) {
      findings.push({
        ruleId: MALICIOUS_PACKAGE,
        severity: 'critical',
        confidence: 'high',
        message: `${pkg.name} ${pkg.version} is malware: a known malicious version (${label})${summary}`,
        evidence: evidence(pkg, match, remediation),
        explanation:
          `${label} records this version as malware: installing it ran the attacker's code. Remove it, and treat every machine and CI runner that installed it as compromised — ` +
          `rotate the credentials they could reach.` +
          (match.fixedVersions.length > 0 ? ` Versions outside the malicious range: ${match.fixedVersions.join(', ')}.` : ''),
        references: references(match),
        data: baseData(pkg, match),
      })
      continue
    }
    const fixed = match.fixedVersions[0] !== undefined ? `; fixed in ${match.fixedVersions[0]}` : match.lastAffected.length > 0 ? '; no fixed version' : '; no fix known'
    const unknown = match.severityKnown === false ? ' (severity unknown)' : ''
    findings.push({
      ruleId: KNOWN_VULNERABILITY,
      severity: match.severity,
      confidence: 'high',
      message: `${pkg.name} ${pkg.version} is affected by ${label}${summary}${fixed}${unknown}`,
      evidence: evidence(pkg, match, remediation),
      explanation: `${pkg.version} lies in the affected range of ${label} (${match.range.text}). ${remediation}`,
      references: references(match),
      data: baseData(pkg, match),
    })
  }
  const byAdvisory = new Map<string, UnevaluatedRange[]>()
  for (const u of unevaluated) {
    const list = byAdvisory.get(u.id)
    if (list) list.push(u)
    else byAdvisory.set(u.id, [u])
  }
  for (const [id, ranges] of byAdvisory) {
    const first = ranges[0] as UnevaluatedRange
    const label = advisoryLabel(first)
    const git = ranges.some((r) => r.type === 'GIT')
    findings.push({
      ruleId: ADVISORY_RANGE_UNEVALUATED,
      severity: 'info',
      confidence: 'low',
      message: `${pkg.name} ${pkg.version}: ${label} was not evaluated (${git ? 'unmatched GIT range' : first.reason})`,
      evidence: ranges
        .slice(0, MAX_EVIDENCE_RANGES)
        .map((r) => `${r.ecosystem || '(no ecosystem)'} ${r.type} range${r.repo ? ` of ${r.repo}` : ''}: ${r.events.map((e) => Object.entries(e).map(([k, v]) => `${k} ${String(v)}`).join('')).join(', ')} — ${r.reason}`)
        .join('\n')
        .concat(ranges.length > MAX_EVIDENCE_RANGES ? `\n… and ${ranges.length - MAX_EVIDENCE_RANGES} more range(s)` : ''),
      explanation: `${label}${first.summary ? ` (${first.summary})` : ''} names ${pkg.name}, but with ranges that cannot be compared with version ${pkg.version}: neither affected nor cleared. Check the advisory by hand.`,
      references: [`https://osv.dev/vulnerability/${id}`],
      data: { purl: pkg.purl, package: pkg.name, version: pkg.version, advisory: id, aliases: first.aliases, ranges: ranges.slice(0, MAX_EVIDENCE_RANGES), rangeCount: ranges.length, source: first.source },
    })
  }
  return findings
}
