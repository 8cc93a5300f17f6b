import type { Finding } from '../../model/finding.js'
import { basenameOf } from '../../util/paths.js'
import type { Catalog, CatalogEntry } from '../catalog/catalog.js'
import { looseHash, parseSerial } from '../catalog/fingerprint.js'
import { describeKnownVersions, nearestKnownVersion } from '../catalog/nearest.js'
import type { Difference } from '../compare.js'
import { analyseText } from '../../rules/engine.js'
import { fileRole, QUIET_ROLES, type FileRole } from './role.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'
import type { RuleContext } from '../../rules/types.js'

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
 * The catalog is opened by the first difference that needs it: a release identical to its tag
 * never pays for it.
 */
export function vendoredExplainer(openCatalog: () => Promise<Catalog>): Explainer {
  let opened: Promise<Catalog> | undefined
  return {
    name: 'vendored',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const entry = difference.artifact
      if (!entry || entry.kind !== 'file' || !entry.sha256) return undefined
      if (difference.status === 'type-differs') return installedLinkShipped(difference, entry.sha256, await (opened ??= openCatalog()))
      if (difference.status !== 'only-in-artifact' && difference.status !== 'content-differs') return undefined
      const catalog = await (opened ??= openCatalog())
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
      const data = {
        basename,
        claimedSerial: claimed ?? null,
        knownVersions: known,
        nearest: nearest ? { sha256: nearest.entry.sha256, origin: nearest.entry.origin, serial: nearest.entry.serial ?? null, added: nearest.addedLines, removed: nearest.removedLines } : null,
      }
      if (loose[0]) {
        // Only serial, copyright, stamp, SPDX and blank lines differ: nothing that executes changed.
        const evidence = [`${claimedText}; known versions: ${known || 'none with a serial'}`, nearest ? nearest.unifiedDiff.trimEnd() : ''].filter(Boolean).join('\n')
        return {
          outcome: 'unexplained',
          scan: true,
          findings: [finding(difference.path, 'low', `${basename} matches ${describeEntry(loose[0])} except for header lines (serial, copyright, stamps, blank lines)`, evidence, data)],
        }
      }
      return judgeByAddedLines(difference.path, basename, text, nearest, claimedText, known, data, fileRole(difference.path, entry.mode, bytes), view.ruleContext())
    },
  }
}

/**
 * A link the tag holds to a file of the tools installed where it was bootstrapped
 * (`COPYING -> /usr/share/automake-1.10/COPYING`: `automake --add-missing` links its files unless
 * told to copy), shipped as a file, as `make dist` stores a link: explained when the bytes are a
 * known upstream version of the file the link names. Any other bytes are judged as a changed type.
 */
function installedLinkShipped(difference: Difference, sha256: string, catalog: Catalog): Judgement | undefined {
  const target = difference.source?.kind === 'symlink' ? difference.source.linkTarget : undefined
  if (target === undefined || !target.startsWith('/')) return undefined
  const match = catalog.exact(sha256).find((e) => e.basename === basenameOf(target))
  if (!match) return undefined
  return explained(difference.path, 'vendored', `a link of the tag to ${target}, on the machine that bootstrapped it, shipped as that file: identical to ${describeEntry(match)}`, true)
}

/** `VERSION=2.4.7.4-1ec8f-dirty`, `macro_version='2.4.6.42-b88ce'`, `scriptversion=…`: the file's own version stamp. */
const STAMP_LINE = /^\s*(?:VERSION|macro_version|package_revision|scriptversion|timestamp|version)=['"]?([^'"\s;]+)|^#\s*serial\s+(\S+)/m
/** what a build from a version-control snapshot writes into its version */
const SNAPSHOT = /dirty|snapshot|[-.]g?[0-9a-f]{5,}\b|\b\d+\.\d+(?:\.\d+)?\.\d+-[0-9a-f]{4,}|git|\+\+|UNKNOWN|unknown/

export function versionStampOf(text: string): string | undefined {
  const m = STAMP_LINE.exec(text)
  return m ? (m[1] ?? m[2]) : undefined
}

/**
 * A vendored file of a version the catalog does not hold, judged by what it adds to the nearest
 * known version: the rules run on the whole file, and any hit on an added line makes it high,
 * with those lines first. When nothing added trips a rule, it is low: a version not in the
 * catalog, shown as the count of lines that differ.
 */
function judgeByAddedLines(
  path: string,
  basename: string,
  text: string,
  nearest: Awaited<ReturnType<typeof nearestKnownVersion>>,
  claimedText: string,
  known: string,
  data: Record<string, unknown>,
  role: FileRole,
  context: RuleContext,
): Judgement {
  const added = new Set((nearest?.addedLines ?? []).map((l) => l.line))
  // the rules run once here; their findings are returned with the verdict instead of scanning again
  const onAddedLine = (f: Finding): boolean => !nearest || (f.line !== undefined && added.has(f.line))
  // a hit on a line the known upstream version has too is upstream's code: kept, as info
  const ruleFindings = analyseText(path, text, context).map((f) =>
    onAddedLine(f) ? f : { ...f, severity: 'info' as const, message: `${f.message} (the same line is in ${nearest ? describeEntry(nearest.entry) : 'the known version'})` },
  )
  const hits = ruleFindings.filter((f) => f.severity !== 'info' && f.severity !== 'low' && onAddedLine(f))
  const stamp = versionStampOf(text)
  const near = nearest ? `${describeEntry(nearest.entry)}: ${nearest.addedLines.length} line(s) added, ${nearest.removedLines.length} removed` : undefined
  if (hits.length > 0) {
    const lines = text.split('\n')
    const hitLines = [...new Set(hits.map((h) => h.line ?? 0))].sort((a, b) => a - b).slice(0, 12).map((n) => `${n}: ${(lines[n - 1] ?? '').trim().slice(0, 200)}`)
    return {
      outcome: 'unexplained',
      scan: false,
      findings: [
        finding(
          path,
          'high',
          `${basename} matches no known version (${claimedText}) and ${nearest ? 'lines it adds to the nearest known version' : 'its content'} trip ${[...new Set(hits.map((h) => h.ruleId))].join(', ')}`,
          [`added lines the rules flag:`, ...hitLines, near ? `nearest known version: ${near}` : `known versions: ${known || 'none with a serial'}`, nearest ? nearest.unifiedDiff.trimEnd() : ''].filter(Boolean).join('\n'),
          data,
        ),
        ...ruleFindings,
      ],
    }
  }
  const snapshot = stamp !== undefined && SNAPSHOT.test(stamp)
  // without a version to compare with, what the file is decides: unknown build logic deserves a look, a licence text does not
  const severity = nearest || QUIET_ROLES.has(role) ? 'low' : 'medium'
  const what = nearest
    ? `vendored version not in the catalog${stamp ? ` (${snapshot ? 'a snapshot build, ' : ''}version ${stamp})` : ''}; ${nearest.addedLines.length + nearest.removedLines.length} line(s) differ from ${describeEntry(nearest.entry)}, none trips a rule`
    : `${basename} matches none of the known versions and none is near enough to compare (${claimedText}); no rule trips on it`
  return {
    outcome: 'unexplained',
    scan: false,
    findings: [finding(path, severity, what, [near ? `nearest known version: ${near}` : `known versions: ${known || 'none with a serial'}`, nearest ? nearest.unifiedDiff.trimEnd() : ''].filter(Boolean).join('\n'), { ...data, versionStamp: stamp ?? null, snapshot }), ...ruleFindings],
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
