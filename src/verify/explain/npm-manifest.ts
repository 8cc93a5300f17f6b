/**
 * @fileoverview A package.json that differs from the tag's, read as npm reads it: field by field.
 * Publishing sets the version and may drop what only development needs (devDependencies, scripts
 * that are not run on install, tool settings) or add npm's own bookkeeping (`gitHead`, `_id`);
 * those are explained. What changes what installing or loading the package does is not: an
 * install script (critical), a dependency, or where the package's code is entered (high). A field
 * that only describes the package (its author, funding, keywords) is low, whatever changed.
 */
import semver from 'semver'
import { severityRank, type Finding, type Severity } from '../../model/finding.js'
import { CODE_ENTRY_FIELDS, INSTALL_SCRIPTS } from '../../npm/manifest.js'
import { isJsonObject, parseJsonObject, type JsonObject } from '../../util/json.js'
import { basenameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

interface Change {
  readonly field: string
  readonly severity: Severity
  readonly what: string
}

const DEPENDENCY_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies', 'overrides']
/** where the package's code is entered, how Node reads it (`type`), what npm links (`man`, `directories`), and `gypfile`, which makes npm build native code on install */
const ENTRY_FIELDS: readonly string[] = [...CODE_ENTRY_FIELDS, 'type', 'man', 'directories', 'gypfile']
/** what describes the package to people and registries: no installer, runtime or bundler acts on it */
const DESCRIPTIVE_FIELDS = new Set(['description', 'keywords', 'homepage', 'bugs', 'license', 'licenses', 'author', 'contributors', 'maintainers', 'funding', 'repository'])
/** what npm and older publishing tools write into the manifest they pack */
const PUBLISH_BOOKKEEPING = /^(?:_.*|gitHead|readme|readmeFilename)$/

export function npmManifestExplainer(): Explainer {
  return {
    name: 'npm-manifest',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const path = difference.path
      if (difference.status !== 'content-differs' || basenameOf(path) !== 'package.json') return undefined
      const artifact = parseJsonObject(view.artifactText(path))
      const source = parseJsonObject(await view.sourceText(path))
      if (artifact === undefined || source === undefined) return undefined
      const changes = manifestChanges(source, artifact)
      const serious = changes.filter((c) => c.severity !== 'info')
      if (serious.length === 0) {
        const how = changes.length > 0 ? changes.map((c) => c.what).join('; ') : 'the same fields and values, formatted differently'
        return explained(path, 'release-edit', `package.json as npm reads it: ${how}`, false)
      }
      return { outcome: 'unexplained', findings: [manifestFinding(path, serious)], scan: false }
    },
  }
}

/** What differs between the tag's manifest and the published one, each weighed by what it does to an install. */
export function manifestChanges(source: JsonObject, artifact: JsonObject): Change[] {
  const changes: Change[] = []
  const keys = new Set([...Object.keys(source), ...Object.keys(artifact)])
  // pnpm and yarn pack the manifest with the tag's publishConfig fields put in place (main, exports, bin…)
  const publishConfig = asObject(source.publishConfig)
  for (const key of keys) {
    const before = source[key]
    const after = artifact[key]
    if (same(before, after)) continue
    if (key !== 'publishConfig' && after !== undefined && same(publishConfig[key], after)) changes.push({ field: key, severity: 'info', what: `${key} set from the tag's publishConfig by packing` })
    else if (key === 'version') changes.push({ field: key, severity: 'info', what: `version ${String(before)} → ${String(after)}` })
    else if (key === 'scripts') changes.push(...scriptChanges(asObject(before), asObject(after)))
    else if (PUBLISH_BOOKKEEPING.test(key) && before === undefined) changes.push({ field: key, severity: 'info', what: `${key} added by publishing` })
    else if (after === undefined && !DEPENDENCY_FIELDS.includes(key) && !ENTRY_FIELDS.includes(key)) changes.push({ field: key, severity: 'info', what: `${key} dropped` })
    else if (DEPENDENCY_FIELDS.includes(key)) changes.push(...dependencyChanges(key, asObject(before), asObject(after)))
    else if (ENTRY_FIELDS.includes(key)) changes.push({ field: key, severity: 'high', what: `${key} ${describe(before)} → ${describe(after)}: the package's code is entered elsewhere` })
    else changes.push({ field: key, severity: DESCRIPTIVE_FIELDS.has(key) || (after !== undefined && before !== undefined) ? 'low' : 'medium', what: `${key} ${describe(before)} → ${describe(after)}` })
  }
  return changes
}

function scriptChanges(before: JsonObject, after: JsonObject): Change[] {
  const changes: Change[] = []
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (same(before[name], after[name])) continue
    const field = `scripts.${name}`
    // `prepare` runs only when installing from git, where the tag's own manifest is read
    const onInstall = (INSTALL_SCRIPTS as readonly string[]).includes(name) && name !== 'prepare'
    if (onInstall && after[name] !== undefined) changes.push({ field, severity: 'critical', what: `${field} ${before[name] === undefined ? 'added' : 'changed'}: ${describe(after[name])} runs on every install` })
    else if (after[name] === undefined) changes.push({ field, severity: 'info', what: `${field} dropped` })
    else changes.push({ field, severity: 'low', what: `${field} ${describe(before[name])} → ${describe(after[name])}` })
  }
  return changes
}

function dependencyChanges(field: string, before: JsonObject, after: JsonObject): Change[] {
  const changes: Change[] = []
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (same(before[name], after[name])) continue
    // pnpm, yarn and bun replace `workspace:^` and `catalog:` with the version they stand for when they pack
    if (typeof before[name] === 'string' && /^(?:workspace|catalog):/.test(before[name]) && typeof after[name] === 'string' && semver.validRange(after[name]) !== null) {
      changes.push({ field: `${field}.${name}`, severity: 'info', what: `${field}.${name} ${before[name]} resolved to ${after[name]} by packing` })
      continue
    }
    const what = after[name] === undefined ? `${field}.${name} dropped` : before[name] === undefined ? `${field}.${name} ${describe(after[name])} added` : `${field}.${name} ${describe(before[name])} → ${describe(after[name])}`
    changes.push({ field: `${field}.${name}`, severity: after[name] === undefined ? 'low' : 'high', what })
  }
  return changes
}

function manifestFinding(path: string, changes: readonly Change[]): Finding {
  const ordered = [...changes].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
  const top = ordered[0]!
  return {
    ruleId: 'verify/manifest-changed',
    severity: top.severity,
    confidence: 'high',
    path,
    message: `the published package.json differs from the tag's ${severityRank(top.severity) > severityRank('low') ? 'in what installing or loading the package does' : 'in fields that installing and loading it do not act on'}: ${top.what}${ordered.length > 1 ? ` (and ${ordered.length - 1} more)` : ''}`,
    evidence: ordered.map((c) => c.what).join('\n'),
    explanation: 'npm reads this manifest on every install: an install script runs with the installing user\'s rights, and a dependency or entry point the tag does not have brings code the tag does not hold. Publishing sets the version and may drop development fields; it does not add these.',
    data: { changes: ordered.map((c) => ({ field: c.field, severity: c.severity, what: c.what })) },
  }
}

/** equal as JSON values: the order of an object's keys does not matter to npm */
const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as JsonObject)[k])]))
}

function describe(value: unknown): string {
  if (value === undefined) return '(none)'
  const text = JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}

const asObject = (value: unknown): JsonObject => (isJsonObject(value) ? value : {})
