/**
 * @fileoverview Per-version facts from a full npm package document. Where a registry leaves a field
 * out (Verdaccio records no `_npmUser`, most mirrors carry no signatures or attestations), the fact
 * is "unknown" with the reason — never a guess.
 */
import semver from 'semver'
import type { Packument, PackumentVersion, VersionFacts } from './types.js'
import { isJsonObject as isRecord } from '../../util/json.js'

export const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const

const unknown = (reason: string): { known: false; reason: string } => ({ known: false, reason })
const known = <T>(value: T): { known: true; value: T } => ({ known: true, value })

/**
 * A repository URL in one comparable form: `host/owner/repo`, lower-case host (and path on
 * GitHub, GitLab and Bitbucket, which ignore case), without protocol, `git+`, user, `.git` or
 * trailing slash. Shorthands (`owner/repo`, `github:owner/repo`, `gitlab:…`, `bitbucket:…`) are expanded.
 */
export function normaliseRepositoryUrl(raw: string): string {
  let url = raw.trim()
  const shorthand = url.match(/^(github|gitlab|bitbucket|gist):([^/\s]+(?:\/[^\s#]+)?)/i)
  if (shorthand) {
    const host = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org', gist: 'gist.github.com' }[shorthand[1]!.toLowerCase() as 'github']
    url = `${host}/${shorthand[2]}`
  } else if (/^[\w.-]+\/[\w.-]+$/.test(url)) {
    url = `github.com/${url}`
  } else {
    url = url
      .replace(/^git\+/i, '')
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .replace(/^[^@/]+@/, '') // user@ or git@
      .replace(/^([^/:]+):(?!\d+\/)/, '$1/') // scp-like git@host:owner/repo
      .replace(/^([^/:]+):\d+\//, '$1/') // drop a port
  }
  url = url.replace(/[?#].*$/, '').replace(/\/+$/, '').replace(/\.git$/i, '').replace(/\/+$/, '')
  const slash = url.indexOf('/')
  const host = (slash < 0 ? url : url.slice(0, slash)).toLowerCase().replace(/^www\./, '')
  let path = slash < 0 ? '' : url.slice(slash)
  if (['github.com', 'gitlab.com', 'bitbucket.org'].includes(host)) {
    // `/owner/repo/tree/main/packages/x` → `/owner/repo`
    path = path.split('/').slice(0, 3).join('/').toLowerCase()
  }
  return `${host}${path}`
}

function repositoryOf(v: PackumentVersion): VersionFacts['repository'] {
  const repo = v.repository
  const raw = typeof repo === 'string' ? repo : isRecord(repo) && typeof repo.url === 'string' ? repo.url : undefined
  if (!raw || raw.trim() === '') return undefined
  return { raw, normalised: normaliseRepositoryUrl(raw) }
}

function licenseOf(v: PackumentVersion): string | undefined {
  if (typeof v.license === 'string' && v.license.trim() !== '') return v.license.trim()
  if (isRecord(v.license) && typeof v.license.type === 'string') return v.license.type
  if (Array.isArray(v.licenses)) {
    const types = v.licenses.map((l: unknown) => (typeof l === 'string' ? l : isRecord(l) && typeof l.type === 'string' ? l.type : undefined)).filter((t): t is string => !!t)
    if (types.length > 0) return types.length === 1 ? types[0] : `(${types.join(' OR ')})`
  }
  return undefined
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (isRecord(value)) for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v
  return out
}

const personName = (p: unknown): string | undefined => (isRecord(p) && typeof p.name === 'string' && p.name !== '' ? p.name : typeof p === 'string' && p !== '' ? p.replace(/\s*<.*$/, '') : undefined)

/** The maintainer names of a version or a document, sorted; undefined when the field is absent. */
export function maintainerNames(list: unknown): string[] | undefined {
  if (!Array.isArray(list)) return undefined
  return [...new Set(list.map(personName).filter((n): n is string => !!n))].sort()
}

/** The publish time of a version, when the document's `time` map has a valid one. */
export function publishTime(doc: Packument, version: string): string | undefined {
  const t = doc.time?.[version]
  return typeof t === 'string' && !Number.isNaN(Date.parse(t)) ? t : undefined
}

/** Whether any version of the document carries `dist.<field>`: tells "the registry never provides it" from "absent here". */
const carried = new WeakMap<Packument, { signatures: boolean; attestations: boolean }>()
// asked once per version of a document: computed once per document, or documents with thousands of versions take seconds
const documentCarries = (doc: Packument, field: 'signatures' | 'attestations'): boolean => {
  let seen = carried.get(doc)
  if (!seen) {
    const versions = Object.values(doc.versions ?? {})
    const has = (f: 'signatures' | 'attestations'): boolean => versions.some((v) => isRecord(v) && isRecord(v.dist) && v.dist[f] !== undefined)
    seen = { signatures: has('signatures'), attestations: has('attestations') }
    carried.set(doc, seen)
  }
  return seen[field]
}

/** The facts of one version, or undefined when the document has no such version. */
export function versionFacts(doc: Packument, version: string): VersionFacts | undefined {
  const v = doc.versions?.[version]
  if (!isRecord(v)) return undefined
  const scripts = stringMap(v.scripts)
  const declared: Record<string, string> = {}
  for (const s of INSTALL_SCRIPTS) if (scripts[s] !== undefined) declared[s] = scripts[s]
  const implied: string[] = []
  // npm runs `node-gyp rebuild` for a package with binding.gyp and no install/preinstall script
  if (v.gypfile === true && declared.install === undefined && declared.preinstall === undefined) implied.push('node-gyp rebuild (gypfile: binding.gyp)')
  if (v.hasInstallScript === true && Object.keys(declared).length === 0 && implied.length === 0) implied.push('hasInstallScript: true (the registry saw an install step in the tarball)')

  const maintainers = maintainerNames(v.maintainers)
  const publisherName = personName(v._npmUser)
  const publisherEmail = isRecord(v._npmUser) && typeof v._npmUser.email === 'string' ? v._npmUser.email : undefined
  const time = publishTime(doc, version)
  const dist = isRecord(v.dist) ? v.dist : {}

  let signatures: VersionFacts['signatures']
  if (Array.isArray(dist.signatures)) {
    signatures = known(dist.signatures.filter((s): s is { keyid: string; sig: string } => isRecord(s) && typeof s.keyid === 'string' && typeof s.sig === 'string').map((s) => ({ keyid: s.keyid, sig: s.sig })))
  } else signatures = documentCarries(doc, 'signatures') ? known([]) : unknown('no version of this document carries dist.signatures (the registry may not sign packages)')

  let attestations: VersionFacts['attestations']
  if (isRecord(dist.attestations) && typeof dist.attestations.url === 'string') {
    const provenance = dist.attestations.provenance
    attestations = known({ url: dist.attestations.url, predicateType: isRecord(provenance) && typeof provenance.predicateType === 'string' ? provenance.predicateType : undefined })
  } else attestations = documentCarries(doc, 'attestations') ? known(null) : unknown('no version of this document carries dist.attestations (the registry may not record provenance)')

  return {
    name: typeof v.name === 'string' ? v.name : (doc.name ?? ''),
    version,
    installScripts: { declared, implied },
    maintainers: maintainers ? known(maintainers) : unknown('the version has no maintainers field'),
    publisher: publisherName ? known(publisherEmail ? { name: publisherName, email: publisherEmail } : { name: publisherName }) : unknown('the version has no _npmUser field (the registry does not record who published)'),
    publishedAt: time ? known(time) : unknown(`the document's time map has no entry for ${version}`),
    deprecated: typeof v.deprecated === 'string' && v.deprecated !== '' ? v.deprecated : undefined,
    repository: repositoryOf(v),
    license: licenseOf(v),
    dependencies: { ...stringMap(v.optionalDependencies), ...stringMap(v.dependencies) },
    integrity: typeof dist.integrity === 'string' && dist.integrity !== '' ? known(dist.integrity) : typeof dist.shasum === 'string' && /^[0-9a-f]{40}$/i.test(dist.shasum) ? known(`sha1-${Buffer.from(dist.shasum, 'hex').toString('base64')}`) : unknown('the version has neither dist.integrity nor dist.shasum'),
    signatures,
    attestations,
  }
}

/**
 * The document's versions in publish order (by `time`), each with its facts. Versions without a
 * publish time are placed by semver among those before the first timed one — only used when the
 * registry keeps no times at all.
 */
const publishOrder = new WeakMap<Packument, VersionFacts[]>()

export function versionsInPublishOrder(doc: Packument): VersionFacts[] {
  const memo = publishOrder.get(doc)
  if (memo) return memo.slice()
  // times and versions parsed once, not once per comparison: documents have thousands of versions
  const all = Object.keys(doc.versions ?? {})
    .map((v) => versionFacts(doc, v))
    .filter((f): f is VersionFacts => f !== undefined)
    .map((facts) => ({ facts, time: facts.publishedAt.known ? Date.parse(facts.publishedAt.value) : undefined, parsed: semver.parse(facts.version) }))
  type Keyed = (typeof all)[number]
  const cmp = (a: Keyed, b: Keyed): number => {
    if (a.time !== undefined && b.time !== undefined && a.time !== b.time) return a.time - b.time
    if (a.time === undefined && b.time !== undefined) return -1
    if (b.time === undefined && a.time !== undefined) return 1
    return a.parsed && b.parsed ? a.parsed.compare(b.parsed) : a.facts.version.localeCompare(b.facts.version)
  }
  const sorted = all.sort(cmp).map((k) => k.facts)
  publishOrder.set(doc, sorted)
  return sorted.slice()
}

const VERSION_FIELDS = ['name', 'version', 'gypfile', 'hasInstallScript', 'maintainers', '_npmUser', 'deprecated', 'repository', 'license', 'licenses', 'dependencies', 'optionalDependencies'] as const
const DIST_FIELDS = ['integrity', 'shasum', 'tarball', 'signatures', 'attestations'] as const

/**
 * The part of a package document the signals read, for the cache: full documents of popular
 * packages run to tens of megabytes (readmes, every manifest field of thousands of versions), and
 * parsing them back dominated a warm audit.
 */
export function reducePackument(doc: Packument): Packument {
  const versions: Record<string, PackumentVersion> = {}
  for (const [version, v] of Object.entries(doc.versions ?? {})) {
    if (!isRecord(v)) continue
    const kept: Record<string, unknown> = {}
    for (const field of VERSION_FIELDS) if (v[field] !== undefined) kept[field] = v[field]
    const scripts = stringMap(v.scripts)
    const install = Object.fromEntries(INSTALL_SCRIPTS.filter((s) => scripts[s] !== undefined).map((s) => [s, scripts[s]]))
    if (Object.keys(install).length > 0) kept.scripts = install
    if (isRecord(v.dist)) kept.dist = Object.fromEntries(DIST_FIELDS.filter((f) => (v.dist as Record<string, unknown>)[f] !== undefined).map((f) => [f, (v.dist as Record<string, unknown>)[f]]))
    versions[version] = kept as PackumentVersion
  }
  return {
    ...(doc.name !== undefined ? { name: doc.name } : {}),
    ...(doc['dist-tags'] !== undefined ? { 'dist-tags': doc['dist-tags'] } : {}),
    versions,
    ...(doc.time !== undefined ? { time: doc.time } : {}),
    ...(doc.maintainers !== undefined ? { maintainers: doc.maintainers } : {}),
    ...(doc.repository !== undefined ? { repository: doc.repository } : {}),
    ...(doc.license !== undefined ? { license: doc.license } : {}),
  }
}
