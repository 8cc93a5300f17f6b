/** @fileoverview One match per vulnerability when several sources (OSV files, the npm registry) report it. */
import { severityRank } from '../../model/finding.js'
import type { AdvisoryMatch } from './types.js'

const ids = (m: AdvisoryMatch): string[] => [m.id, ...m.aliases]

/**
 * Merges matches that share an id or an alias (GHSA-… from OSV and from the npm registry, or a
 * GHSA and a CVE record): the first match of a group is kept, with the union of aliases,
 * references and fixed versions, the highest severity, and malicious if any says so.
 */
export function mergeAdvisoryMatches(...lists: readonly (readonly AdvisoryMatch[])[]): AdvisoryMatch[] {
  const groups: AdvisoryMatch[][] = []
  for (const match of lists.flat()) {
    const keys = new Set(ids(match))
    const found = groups.filter((g) => g.some((m) => ids(m).some((k) => keys.has(k))))
    if (found.length === 0) {
      groups.push([match])
      continue
    }
    const [target, ...rest] = found as [AdvisoryMatch[], ...AdvisoryMatch[][]]
    target.push(match)
    for (const other of rest) {
      target.push(...other)
      groups.splice(groups.indexOf(other), 1)
    }
  }
  return groups.map((group) => {
    const [first, ...others] = group as [AdvisoryMatch, ...AdvisoryMatch[]]
    if (others.length === 0) return first
    const strongest = group.reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a))
    const fixed = [...new Set(group.flatMap((m) => m.fixedVersions))]
    return {
      ...first,
      aliases: [...new Set(group.flatMap(ids))].filter((a) => a !== first.id),
      summary: first.summary || others.find((m) => m.summary)?.summary || '',
      severity: strongest.severity,
      severitySource: strongest.severitySource,
      ...(strongest.cvssScore !== undefined ? { cvssScore: strongest.cvssScore } : {}),
      malicious: group.some((m) => m.malicious),
      fixedVersions: first.fixedVersions.length > 0 ? [...first.fixedVersions, ...fixed.filter((v) => !first.fixedVersions.includes(v))] : fixed,
      references: [...new Set(group.flatMap((m) => m.references))],
      source: [...new Set(group.map((m) => m.source))].join(', '),
    }
  })
}
