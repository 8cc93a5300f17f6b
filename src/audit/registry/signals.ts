/**
 * @fileoverview Trust signals from a package's registry document, one finding per signal and
 * version, each saying what it saw and where. Signals that need a field the registry does not
 * provide (Verdaccio records no publisher; most registries carry no provenance) are not raised:
 * the missing fact is listed in the finding data of the signals that could use it, never guessed.
 */
import semver from 'semver'
import type { Confidence, Finding, Severity } from '../../model/finding.js'
import { registryRules } from './rules.js'
import type { PackageRef } from '../types.js'
import { publishTime, versionFacts, versionsInPublishOrder } from './facts.js'
import { PopularIndex } from './typosquat.js'
import type { Packument, VersionFacts } from './types.js'

/** Thresholds of the registry signals. */
export interface SignalPolicy {
  /** a version published less than this many days before `now` is "fresh" (default 7) */
  readonly freshDays: number
  /** the largest edit distance to a popular name reported as a typosquat (default 2) */
  readonly typosquatMaxDistance: number
  /** names shorter than this are never matched at distance 1 (default 5: four-letter names collide by chance) */
  readonly typosquatMinLengthDistance1: number
  /** names shorter than this are never matched at distance 2 (default 7) */
  readonly typosquatMinLengthDistance2: number
  /** a package on the registry for this many days is not reported as a typosquat when the project names it (default 365: registries take typosquats down within days or weeks) */
  readonly typosquatEstablishedDays: number
  /** an out-of-order release whose own line had no release for this many days is "an old line suddenly updated" (default 180) */
  readonly dormantLineDays: number
  /** a package first published less than this many days ago counts as new (typosquat and dependency-confusion confidence; default 90) */
  readonly newPackageDays: number
  /** scopes that belong to the organisation (`@corp`): such packages must not come from a public registry (default none) */
  readonly internalScopes: readonly string[]
  /** regular expressions (source text, case-insensitive) for internal-looking unscoped names */
  readonly internalNamePatterns: readonly string[]
  /** hosts of public registries (dependency confusion happens there) */
  readonly publicRegistryHosts: readonly string[]
}

export const DEFAULT_SIGNAL_POLICY: SignalPolicy = Object.freeze({
  freshDays: 7,
  typosquatMaxDistance: 2,
  typosquatMinLengthDistance1: 5,
  typosquatMinLengthDistance2: 7,
  typosquatEstablishedDays: 365,
  dormantLineDays: 180,
  newPackageDays: 90,
  internalScopes: Object.freeze([]) as readonly string[],
  internalNamePatterns: Object.freeze(['[-_.]internal$', '^internal[-_.]', '[-_.]private$', '^private[-_.]', '[-_.]intranet$', '^corp[-_.]']) as readonly string[],
  publicRegistryHosts: Object.freeze(['registry.npmjs.org', 'registry.npmjs.com', 'registry.yarnpkg.com', 'registry.npmmirror.com']) as readonly string[],
})

export interface RegistrySignalOptions {
  readonly now: Date
  readonly policy: SignalPolicy
  /** popular package names (loadPopularNames()), or a prepared PopularIndex for many calls */
  readonly popular: ReadonlySet<string> | PopularIndex
  /** the registry that served `doc` */
  readonly registry: string
  /** the lockfile's integrity for this version (default: pkg.integrity) */
  readonly lockIntegrity?: string
  /** scopes with their own registry in `.npmrc` (`@corp` → URL): such a package served by a public registry is dependency confusion */
  readonly scopedRegistries?: Readonly<Record<string, string>>
}


const RULES = new Map(registryRules.map((r) => [r.id, r]))
/** `1 day`, `2 days` */
const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`
const DAY = 86_400_000
const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : 'unknown date')
const describeVersion = (f: VersionFacts): string => `${f.version} (published ${f.publishedAt.known ? day(f.publishedAt.value) : 'at an unknown time'}${f.publisher.known ? ` by ${f.publisher.value.name}` : ''})`
const scriptsText = (f: VersionFacts): string => {
  const lines = Object.entries(f.installScripts.declared).map(([k, v]) => `scripts.${k}: ${JSON.stringify(v)}`)
  lines.push(...f.installScripts.implied.map((i) => `implied: ${i}`))
  return lines.length > 0 ? lines.join('; ') : 'no install scripts'
}
const hasInstallStep = (f: VersionFacts): boolean => Object.keys(f.installScripts.declared).length > 0 || f.installScripts.implied.length > 0

function finding(pkg: PackageRef, ruleId: string, message: string, evidence: string, data: Record<string, unknown>, overrides: { severity?: Severity; confidence?: Confidence } = {}): Finding {
  const info = RULES.get(ruleId)
  if (!info) throw new Error(`unknown rule ${ruleId}`)
  return {
    ruleId,
    severity: overrides.severity ?? info.defaultSeverity,
    confidence: overrides.confidence ?? info.defaultConfidence,
    ...(pkg.location ? { path: pkg.location } : {}),
    message: `${pkg.name}@${pkg.version}: ${message}`,
    evidence,
    explanation: `${info.motivation} ${info.remediation}`,
    data: { package: pkg.name, version: pkg.version, purl: pkg.purl, ...data },
  }
}

/** SRI strings as algorithm → digests. */
function parseIntegrity(sri: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const part of sri.trim().split(/\s+/)) {
    const m = part.match(/^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/=]+)(?:\?.*)?$/)
    if (m) out.set(m[1]!, (out.get(m[1]!) ?? new Set()).add(m[2]!))
  }
  return out
}

/**
 * Compares two SRI strings on every algorithm both have (as ssri does, a lockfile may list several):
 * a mismatch on any of them is a mismatch, whatever the others say. Undefined when they share none.
 */
export function integrityMatches(lock: string, registry: string): { match: boolean; algorithm: string } | undefined {
  const a = parseIntegrity(lock)
  const b = parseIntegrity(registry)
  let compared: string | undefined
  for (const algorithm of ['sha512', 'sha384', 'sha256', 'sha1']) {
    const x = a.get(algorithm)
    const y = b.get(algorithm)
    if (!x || !y) continue
    if (![...x].some((d) => y.has(d))) return { match: false, algorithm }
    compared ??= algorithm
  }
  return compared !== undefined ? { match: true, algorithm: compared } : undefined
}

const registryHost = (url: string): string | undefined => {
  try {
    return new URL(url).host.toLowerCase()
  } catch {
    return undefined
  }
}

const indexes = new WeakMap<ReadonlySet<string>, PopularIndex>()
/** One index per popular-name set, however many packages are checked against it. */
function popularIndex(popular: ReadonlySet<string> | PopularIndex): PopularIndex {
  if (popular instanceof PopularIndex) return popular
  let index = indexes.get(popular)
  if (!index) indexes.set(popular, (index = new PopularIndex(popular)))
  return index
}

/** A semver "line": the major, or major.minor for 0.x. */
const lineOf = (v: string): string => {
  const p = semver.parse(v)
  return p ? (p.major === 0 ? `0.${p.minor}` : `${p.major}`) : v
}

/**
 * Why a name near a popular one is its legitimate neighbour rather than a typosquat, or undefined.
 * A typosquat waits for someone to mistype a name in `npm install`: a package another package
 * depends on was named by that package's maintainers, not typed by the project (safer-buffer
 * through iconv-lite, vite-node through vitest); and one that has stayed on the registry for a
 * year has outlived the days or weeks a typosquat lasts before it is taken down.
 */
export function legitimateNeighbour(pkg: PackageRef, packageAgeDays: number | undefined, policy: SignalPolicy): string | undefined {
  const path = pkg.dependencyPath
  if (path !== undefined && path.length >= 2) return `a dependency of ${path[path.length - 2] ?? 'another package'}, not named by the project`
  if (packageAgeDays !== undefined && packageAgeDays >= policy.typosquatEstablishedDays) return `on the registry for ${Math.floor(packageAgeDays)} days`
  return undefined
}

/**
 * The registry signals of one package version. `doc` is the package's full document as served by
 * `options.registry`, or undefined when the registry has no such package.
 */
export function registrySignals(pkg: PackageRef, doc: Packument | undefined, options: RegistrySignalOptions): Finding[] {
  const { policy, now } = options
  const out: Finding[] = []
  const popular = popularIndex(options.popular)
  const fromPublic = policy.publicRegistryHosts.includes(registryHost(options.registry) ?? '')
  const resolvedHost = pkg.resolved ? registryHost(pkg.resolved) : undefined
  const created = typeof doc?.time?.created === 'string' ? doc.time.created : undefined
  const packageAgeDays = created ? (now.getTime() - Date.parse(created)) / DAY : undefined

  // --- name-only signals: they hold whether or not the registry knows the package
  out.push(...dependencyConfusion(pkg, doc, options, fromPublic, resolvedHost, packageAgeDays))
  const matches = popular.match(pkg.name, { maxDistance: policy.typosquatMaxDistance, minLengthDistance1: policy.typosquatMinLengthDistance1, minLengthDistance2: policy.typosquatMinLengthDistance2 })
  if (matches.length > 0 && legitimateNeighbour(pkg, packageAgeDays, policy) === undefined) {
    const best = matches[0]!
    const young = packageAgeDays !== undefined && packageAgeDays < policy.newPackageDays
    const strong = best.trick !== 'distance' || best.distance === 1
    out.push(
      finding(pkg, 'audit/typosquat', `name resembles the popular package "${best.target}"`, [...matches.slice(0, 5).map((m) => m.detail), created ? `${pkg.name} was first published ${day(created)}` : `first publish date unknown`].join('\n'), { targets: matches.map((m) => ({ target: m.target, trick: m.trick, distance: m.distance })), ...(created ? { created } : {}) }, { confidence: young && strong ? 'medium' : 'low', severity: young ? 'high' : 'low' }),
    )
  }
  if (!doc) return out

  // --- the package as a whole
  const unpublished = doc.time?.unpublished
  if (unpublished !== undefined && Object.keys(doc.versions ?? {}).length === 0) {
    const when = typeof unpublished === 'object' && unpublished !== null && 'time' in unpublished && typeof unpublished.time === 'string' ? unpublished.time : undefined
    out.push(finding(pkg, 'audit/unpublished', `the whole package was unpublished${when ? ` on ${day(when)}` : ''}`, `${options.registry} lists no versions; time.unpublished = ${JSON.stringify(unpublished)}`, { unpublished }))
    return out
  }

  const facts = versionFacts(doc, pkg.version)
  if (!facts) {
    const was = publishTime(doc, pkg.version)
    if (was) out.push(finding(pkg, 'audit/unpublished', `version ${pkg.version} was unpublished (it was published ${day(was)})`, `time["${pkg.version}"] = ${was}, but versions has no "${pkg.version}"; published versions: ${Object.keys(doc.versions ?? {}).slice(-8).join(', ')}`, { publishedAt: was }))
    else out.push(finding(pkg, 'audit/version-missing', `${options.registry} has no version ${pkg.version}`, `neither versions nor time has "${pkg.version}" (never published there, or unpublished by a registry that keeps no record of removed versions); versions the registry has: ${semver.rsort(Object.keys(doc.versions ?? {}).filter((v) => semver.valid(v))).slice(0, 8).join(', ') || 'none'}${pkg.resolved ? `\nthe lockfile resolved it to ${pkg.resolved}` : ''}`, { ...(pkg.resolved ? { resolved: pkg.resolved } : {}) }))
    return out
  }

  const ordered = versionsInPublishOrder(doc)
  const index = ordered.findIndex((f) => f.version === pkg.version)
  const earlier = ordered.slice(0, Math.max(0, index))
  // What this version changed is judged against its predecessor by version, among those published
  // before it: a patch to an old line is compared with that line, not with the newest major.
  const lower = semver.valid(pkg.version) ? earlier.filter((f) => semver.valid(f.version) && semver.lt(f.version, pkg.version)) : []
  const previous = lower.length > 0 ? lower.sort((a, b) => semver.compare(a.version, b.version)).at(-1) : earlier.at(-1)
  const unknownFacts = (['maintainers', 'publisher', 'publishedAt', 'integrity', 'signatures', 'attestations'] as const).filter((k) => !facts[k].known).map((k) => ({ fact: k, reason: (facts[k] as { reason: string }).reason }))

  // install scripts
  if (hasInstallStep(facts)) {
    const isNew = previous !== undefined && !hasInstallStep(previous)
    const changed = previous !== undefined && !isNew && scriptsText(previous) !== scriptsText(facts)
    const implicitOnly = Object.keys(facts.installScripts.declared).length === 0
    out.push(
      finding(
        pkg,
        'audit/install-script',
        isNew ? `runs an install script that ${previous.version} did not have` : changed ? `runs an install script that changed since ${previous.version}` : `runs an install script${implicitOnly ? ' (node-gyp build)' : ''}`,
        [`${describeVersion(facts)}: ${scriptsText(facts)}`, ...(previous ? [`previous version ${describeVersion(previous)}: ${scriptsText(previous)}`] : ['no earlier version'])].join('\n'),
        { scripts: facts.installScripts.declared, implied: facts.installScripts.implied, newInThisVersion: isNew, changedInThisVersion: changed, ...(previous ? { previousVersion: previous.version } : {}) },
        { severity: isNew ? 'high' : changed ? 'medium' : 'low' },
      ),
    )
  }

  // maintainers: the document's current list, else this version's
  const current = Array.isArray(doc.maintainers)
  const maintainerList = current ? [...new Set((doc.maintainers as unknown[]).map((m) => (typeof m === 'object' && m !== null && 'name' in m && typeof m.name === 'string' ? m.name : undefined)).filter((n): n is string => !!n))] : facts.maintainers.known ? facts.maintainers.value : undefined
  if (maintainerList && maintainerList.length === 1) {
    out.push(finding(pkg, 'audit/single-maintainer', `only one maintainer (${maintainerList[0]}) can publish it`, `${current ? 'the document’s maintainers' : `maintainers of ${pkg.version}`}: ${maintainerList.join(', ')}`, { maintainers: maintainerList }))
  }
  if (previous && facts.maintainers.known && previous.maintainers.known) {
    const before = new Set(previous.maintainers.value)
    const after = new Set(facts.maintainers.value)
    const added = [...after].filter((m) => !before.has(m))
    const removed = [...before].filter((m) => !after.has(m))
    if (added.length > 0 || removed.length > 0) {
      const everBefore = new Set(earlier.flatMap((f) => [...(f.maintainers.known ? f.maintainers.value : []), ...(f.publisher.known ? [f.publisher.value.name] : [])]))
      const strangers = added.filter((m) => !everBefore.has(m))
      out.push(
        finding(pkg, 'audit/maintainers-changed', `maintainers changed since ${previous.version}${added.length ? `: added ${added.join(', ')}` : ''}${removed.length ? `${added.length ? ';' : ':'} removed ${removed.join(', ')}` : ''}`, `${describeVersion(previous)} maintainers: ${[...before].join(', ') || 'none'}\n${describeVersion(facts)} maintainers: ${[...after].join(', ') || 'none'}${strangers.length ? `\nnever a maintainer or publisher of an earlier version: ${strangers.join(', ')}` : ''}`, { added, removed, newToPackage: strangers, previousVersion: previous.version }, { severity: strangers.length > 0 && removed.length > 0 ? 'high' : added.length > 0 ? 'medium' : 'low' }),
      )
    }
  }

  // publisher
  if (previous && facts.publisher.known && previous.publisher.known && facts.publisher.value.name !== previous.publisher.value.name) {
    const name = facts.publisher.value.name
    const before = earlier.filter((f) => f.publisher.known && f.publisher.value.name === name)
    const wasMaintainer = earlier.some((f) => f.maintainers.known && f.maintainers.value.includes(name))
    const first = before.length === 0
    out.push(
      finding(
        pkg,
        'audit/publisher-changed',
        `published by ${name}, while ${previous.version} was published by ${previous.publisher.value.name}${first ? `; ${name} never published this package before` : ''}`,
        `${describeVersion(previous)}\n${describeVersion(facts)}\n${first ? `${name} published none of the ${earlier.length} earlier versions${wasMaintainer ? ' (but was listed as a maintainer)' : ''}` : `${name} also published ${before.map((f) => f.version).slice(-5).join(', ')}`}`,
        { publisher: name, previousPublisher: previous.publisher.value.name, previousVersion: previous.version, firstPublishByThisAccount: first, listedAsMaintainerBefore: wasMaintainer },
        { severity: first ? (wasMaintainer ? 'medium' : 'high') : 'low', confidence: first ? 'medium' : 'high' },
      ),
    )
  }

  // fresh publish
  if (facts.publishedAt.known) {
    const ageDays = (now.getTime() - Date.parse(facts.publishedAt.value)) / DAY
    if (ageDays < policy.freshDays) out.push(finding(pkg, 'audit/fresh-publish', `published ${ageDays < 1 ? plural(Math.max(0, Math.round(ageDays * 24)), 'hour') : plural(Math.floor(ageDays), 'day')} ago (policy: ${plural(policy.freshDays, 'day')})`, `time["${pkg.version}"] = ${facts.publishedAt.value}; now = ${now.toISOString()}`, { publishedAt: facts.publishedAt.value, ageDays: Math.round(ageDays * 100) / 100 }))
  }

  // out-of-order publish: a newer line existed before this version was published
  if (facts.publishedAt.known && semver.valid(pkg.version) && !semver.prerelease(pkg.version)) {
    const line = lineOf(pkg.version)
    const publishedAt = Date.parse(facts.publishedAt.value)
    // only versions published strictly before this one: registries that stamp many versions with one time say nothing about order
    const newerLines = earlier.filter((f) => semver.valid(f.version) && !semver.prerelease(f.version) && semver.gt(f.version, pkg.version) && lineOf(f.version) !== line && f.publishedAt.known && Date.parse(f.publishedAt.value) < publishedAt)
    // a lower version of the same line stamped later than this one: the registry's times are not publish order
    const all = versionsInPublishOrder(doc)
    const inconsistent = all.some((f) => semver.valid(f.version) && lineOf(f.version) === line && semver.lt(f.version, pkg.version) && f.publishedAt.known && Date.parse(f.publishedAt.value) > publishedAt)
    if (newerLines.length > 0 && !inconsistent) {
      const sameLine = earlier.filter((f) => semver.valid(f.version) && lineOf(f.version) === line && f.publishedAt.known)
      const lastInLine = sameLine.at(-1)
      const dormantDays = lastInLine && lastInLine.publishedAt.known ? (Date.parse(facts.publishedAt.value) - Date.parse(lastInLine.publishedAt.value)) / DAY : undefined
      const dormant = dormantDays === undefined || dormantDays >= policy.dormantLineDays
      const highest = semver.rsort(newerLines.map((f) => f.version))[0]!
      out.push(
        finding(pkg, 'audit/out-of-order-publish', `published to the old ${line}.x line after ${highest} was out${dormant ? dormantDays === undefined ? ' (first release of that line)' : ` (that line had no release for ${Math.floor(dormantDays)} days)` : ''}`, `${describeVersion(facts)}\nnewer line already published: ${semver.rsort(newerLines.map((f) => f.version)).slice(0, 3).map((v) => describeVersion(newerLines.find((f) => f.version === v)!)).join(', ')}\nprevious release in the ${line}.x line: ${lastInLine ? describeVersion(lastInLine) : 'none'}`, { line, newerVersion: highest, ...(lastInLine ? { previousInLine: lastInLine.version } : {}), ...(dormantDays !== undefined ? { dormantDays: Math.floor(dormantDays) } : {}) }, { severity: dormant ? 'medium' : 'low' }),
      )
    }
  }

  // deprecated
  if (facts.deprecated !== undefined) out.push(finding(pkg, 'audit/deprecated', `deprecated: ${facts.deprecated}`, `versions["${pkg.version}"].deprecated = ${JSON.stringify(facts.deprecated)}`, { message: facts.deprecated }))

  // repository, against the nearest lower version that declared one (the same predecessor as above)
  const predecessors = lower.length > 0 ? [...lower] : [...earlier]
  if (!facts.repository) {
    const lastWith = predecessors.reverse().find((f) => f.repository)
    if (lastWith?.repository) out.push(finding(pkg, 'audit/repository-changed', `declares no repository, while ${lastWith.version} declared ${lastWith.repository.normalised}`, `${describeVersion(lastWith)}: repository ${lastWith.repository.raw}\n${describeVersion(facts)}: no repository field`, { previous: lastWith.repository.normalised, previousVersion: lastWith.version, current: null }))
    else out.push(finding(pkg, 'audit/repository-missing', 'declares no source repository', `versions["${pkg.version}"] has no repository field${earlier.length ? ', nor did any earlier version' : ''}`, {}))
  } else {
    const lastWith = predecessors.reverse().find((f) => f.repository)
    if (lastWith?.repository && lastWith.repository.normalised !== facts.repository.normalised) {
      // the same repository name under another owner is how projects move to an organisation (isaacs/ini → npm/ini)
      const name = (url: string): string => url.replace(/\.git$/, '').split('/').pop() ?? url
      const transfer = name(lastWith.repository.normalised) === name(facts.repository.normalised)
      out.push(finding(pkg, 'audit/repository-changed', `repository moved from ${lastWith.repository.normalised} to ${facts.repository.normalised}${transfer ? ' (same name, another owner)' : ''}`, `${describeVersion(lastWith)}: repository ${lastWith.repository.raw}\n${describeVersion(facts)}: repository ${facts.repository.raw}`, { previous: lastWith.repository.normalised, current: facts.repository.normalised, previousVersion: lastWith.version, ownerTransfer: transfer }, transfer ? { severity: 'low' } : {}))
    }
  }

  // provenance
  if (facts.attestations.known && facts.attestations.value === null) {
    const withProvenance = earlier.filter((f) => f.attestations.known && f.attestations.value !== null)
    if (withProvenance.length > 0) {
      const last = withProvenance.at(-1)!
      const immediately = previous?.version === last.version
      out.push(finding(pkg, 'audit/provenance-lost', `has no provenance attestation, while ${last.version}${withProvenance.length > 1 ? ` and ${withProvenance.length - 1} earlier version${withProvenance.length > 2 ? 's' : ''}` : ''} had one`, `${describeVersion(last)}: dist.attestations ${last.attestations.known && last.attestations.value ? last.attestations.value.url : ''}\n${describeVersion(facts)}: no dist.attestations`, { lastWithProvenance: last.version, versionsWithProvenance: withProvenance.length }, { severity: immediately ? 'high' : 'medium' }))
    }
  }

  // license
  if (previous && previous.license !== facts.license) {
    out.push(finding(pkg, 'audit/license-changed', `license changed from ${previous.license ?? 'none'} to ${facts.license ?? 'none'} since ${previous.version}`, `${describeVersion(previous)}: license ${previous.license ?? '(none)'}\n${describeVersion(facts)}: license ${facts.license ?? '(none)'}`, { previous: previous.license ?? null, current: facts.license ?? null, previousVersion: previous.version }))
  }

  // integrity
  const lock = options.lockIntegrity ?? pkg.integrity
  if (lock && facts.integrity.known) {
    const compared = integrityMatches(lock, facts.integrity.value)
    if (compared && !compared.match) {
      out.push(finding(pkg, 'audit/integrity-mismatch', `the lockfile's ${compared.algorithm} integrity differs from ${options.registry}'s`, `lockfile: ${lock}\nregistry: ${facts.integrity.value}`, { algorithm: compared.algorithm, lockfile: lock, registry: facts.integrity.value }))
    }
  }

  // facts the registry did not give: recorded on the first finding, so a reader knows what was not checked
  if (unknownFacts.length > 0 && out.length > 0) {
    const first = out[0]!
    out[0] = { ...first, data: { ...first.data, unknownFacts } }
  }
  return out
}

function dependencyConfusion(pkg: PackageRef, doc: Packument | undefined, options: RegistrySignalOptions, fromPublic: boolean, resolvedHost: string | undefined, packageAgeDays: number | undefined): Finding[] {
  const { policy } = options
  const resolvedPublic = resolvedHost !== undefined && policy.publicRegistryHosts.includes(resolvedHost)
  // only a package that actually comes from a public registry is confused
  const servedPublicly = (fromPublic && doc !== undefined) || resolvedPublic
  if (!servedPublicly) return []
  const scope = pkg.name.startsWith('@') ? pkg.name.slice(0, pkg.name.indexOf('/')) : undefined
  const reasons: string[] = []
  let severity: Severity = 'medium'
  let confidence: Confidence = 'low'
  const privateRegistry = scope ? options.scopedRegistries?.[scope] : undefined
  if (scope && privateRegistry && !policy.publicRegistryHosts.includes(registryHost(privateRegistry) ?? '')) {
    reasons.push(`${scope} has its own registry (${privateRegistry}) in .npmrc, but ${pkg.name} ${resolvedPublic ? `was resolved from ${pkg.resolved}` : `is served by ${options.registry}`}`)
    severity = 'high'
    confidence = 'high'
  } else if (scope && policy.internalScopes.map((s) => (s.startsWith('@') ? s : `@${s}`)).includes(scope)) {
    reasons.push(`${scope} is listed as an internal scope in the policy, but ${pkg.name} is served by a public registry`)
    severity = 'high'
    confidence = 'high'
  } else if (!scope) {
    const pattern = policy.internalNamePatterns.find((p) => new RegExp(p, 'i').test(pkg.name))
    if (pattern) reasons.push(`the name looks internal (matches /${pattern}/i) but is served by a public registry`)
  }
  if (reasons.length === 0) return []
  // the usual shape of a planted package: new, few versions, an absurdly high version number
  const versions = Object.keys(doc?.versions ?? {})
  const highest = semver.rsort(versions.filter((v) => semver.valid(v)))[0]
  if (highest && semver.major(highest) >= 90) {
    reasons.push(`its highest public version is ${highest}, a number chosen to win over any internal version`)
    confidence = 'high'
    severity = 'high'
  }
  if (packageAgeDays !== undefined && packageAgeDays < policy.newPackageDays) {
    reasons.push(`the public package was first published ${plural(Math.floor(packageAgeDays), 'day')} ago`)
    if (confidence === 'low') confidence = 'medium'
  }
  if (doc && versions.length > 0 && versions.length <= 2) reasons.push(`the public package has only ${versions.length} version${versions.length === 1 ? '' : 's'}`)
  return [finding(pkg, 'audit/dependency-confusion', `${pkg.name} looks internal but comes from a public registry`, reasons.join('\n'), { registry: options.registry, ...(pkg.resolved ? { resolved: pkg.resolved } : {}), ...(scope ? { scope } : {}) }, { severity, confidence })]
}
