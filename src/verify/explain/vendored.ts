import type { Finding } from '../../model/finding.js'
import { basenameOf } from '../../util/paths.js'
import type { Catalog, CatalogEntry } from '../catalog/catalog.js'
import { looseHash, parseSerial } from '../catalog/fingerprint.js'
import { describeKnownVersions, nearestKnownVersion } from '../catalog/nearest.js'
import type { Difference } from '../compare.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

/** Content this short says too little to identify an upstream file under another name. */
const MIN_BYTES_FOR_RENAMED_MATCH = 256

const describeEntry = (e: CatalogEntry): string => {
  const version = e.serial ? `serial ${e.serial}` : e.stamp ? e.stamp : e.firstRelease ? `as in ${e.firstRelease}` : e.sha256.slice(0, 12)
  const where = e.origin === 'bundled' ? e.source : e.origin
  return `${e.project} ${e.path} (${version}; ${where})`
}

function pickMatch(entries: readonly CatalogEntry[], basename: string, size: number): CatalogEntry | undefined {
  return entries.find((e) => e.basename === basename) ?? (size >= MIN_BYTES_FOR_RENAMED_MATCH ? entries[0] : undefined)
}

/**
 * Vendored upstream files (m4 macros, build-aux helpers, gettext po/ machinery) are explained only
 * when byte-identical to a known upstream version. A known name with unknown bytes is reported
 * with the claimed serial, the nearest known version and the lines that differ from it.
 */
export function vendoredExplainer(catalog: Catalog): Explainer {
  return {
    name: 'vendored',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const entry = difference.artifact
      if (!entry || entry.kind !== 'file' || !entry.sha256) return undefined
      if (difference.status !== 'only-in-artifact' && difference.status !== 'content-differs') return undefined
      const basename = basenameOf(difference.path)
      const match = pickMatch(catalog.exact(entry.sha256), basename, entry.size)
      if (match) return explained(difference.path, 'vendored', `identical to ${describeEntry(match)}`, true)
      if (!catalog.isKnownName(basename)) return undefined

      const bytes = view.artifactBytes(difference.path)
      if (!bytes) {
        return {
          outcome: 'unexplained',
          scan: false,
          findings: [finding(difference.path, 'high', `${basename} carries the name of a known upstream file but matches no known version (too large to compare line by line)`)],
        }
      }
      const text = bytes.toString('utf8')
      const claimed = parseSerial(text)
      const known = describeKnownVersions(basename, catalog)
      const loose = catalog.loose(looseHash(bytes)).filter((e) => e.basename === basename)
      const nearest = await nearestKnownVersion(basename, bytes, catalog)
      const claimedText = claimed ? `claims serial ${claimed}` : 'carries no serial'
      const evidenceParts: string[] = [`${claimedText}; known versions: ${known || 'none with a serial'}`]
      if (nearest) {
        evidenceParts.push(`nearest known version: ${describeEntry(nearest.entry)} — ${nearest.addedLines.length} line(s) added, ${nearest.removedLines.length} removed`)
        evidenceParts.push(nearest.unifiedDiff.trimEnd())
      }
      const data = {
        basename,
        claimedSerial: claimed ?? null,
        knownVersions: known,
        nearest: nearest ? { sha256: nearest.entry.sha256, origin: nearest.entry.origin, serial: nearest.entry.serial ?? null, added: nearest.addedLines, removed: nearest.removedLines } : null,
      }
      if (loose[0]) {
        // Only serial, copyright, stamp, SPDX and blank lines differ: nothing that executes changed.
        return {
          outcome: 'unexplained',
          scan: true,
          findings: [
            finding(difference.path, 'low', `${basename} matches ${describeEntry(loose[0])} except for header lines (serial, copyright, stamps, blank lines)`, evidenceParts.join('\n'), data),
          ],
        }
      }
      return {
        outcome: 'unexplained',
        scan: true,
        findings: [
          finding(
            difference.path,
            'high',
            `${basename} carries the name of a known upstream file but matches none of its ${catalog.versionsOf(basename).length} known versions (${claimedText})`,
            evidenceParts.join('\n'),
            data,
          ),
        ],
      }
    },
  }
}

function finding(path: string, severity: Finding['severity'], message: string, evidence?: string, data?: Record<string, unknown>): Finding {
  return {
    ruleId: 'verify/modified-vendored-file',
    severity,
    confidence: 'high',
    path,
    message,
    ...(evidence ? { evidence } : {}),
    ...(data ? { data } : {}),
    explanation:
      'Release tarballs copy these files from upstream projects (gnulib, gettext, libtool, automake, autoconf-archive). A copy that matches no upstream version was edited by someone; read the added lines.',
  }
}
