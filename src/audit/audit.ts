/**
 * @fileoverview `stagelight audit`: every dependency of a project with its registry signals and
 * known advisories. Each source of knowledge says whether it was consulted; none is assumed.
 */
import { assembleReport } from '../policy/report.js'
import { stat } from 'node:fs/promises'
import { dirname, relative } from 'node:path'
import type { Finding } from '../model/finding.js'
import type { ProgressEvent } from '../model/progress.js'
import { type Fact, type Report } from '../model/report.js'
import { applyIgnores, type StagelightConfig } from '../policy/config.js'
import { loadRegistryConfig } from '../sources/npm/npmrc.js'
import { AdvisoryStore, advisoryFindings, bulkKey, mergeAdvisoryMatches, packageKey, queryNpmBulkAdvisories, type AdvisoryMatch, type UnevaluatedRange } from './advisories/index.js'
import { DATABASE_MAX_AGE_MS, describeDatabase, osvDatabasesFor, readDatabase, updateDatabase, type Database } from './advisories/database.js'
import { upstreamRepositories, upstreamVersion } from './advisories/upstream.js'
import { debianSource, readInventory } from './inventory/index.js'
import { DEFAULT_SIGNAL_POLICY, loadPopularNames, RegistryClient, registrySignals } from './registry/index.js'
import { redactSecrets } from './redact.js'
import type { PackageRef } from './types.js'

export interface AuditOptions {
  /** project directory, lockfile, SBOM or dpkg status file */
  readonly target: string
  readonly label?: string
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  readonly cacheDir: string
  readonly offline?: boolean
  /** registry URL overriding .npmrc */
  readonly registry?: string
  /** OSV sources: directories, zip exports or record files; when given, they replace the downloaded databases */
  readonly advisories?: readonly string[]
  /** use the OSV databases in the cache, updating them first unless offline (default true) */
  readonly advisoryDatabase?: boolean
  /** where the OSV exports are downloaded from (default osv.dev's bucket) */
  readonly osvUrl?: string
  /** skip registry documents (signals) entirely */
  readonly registrySignals?: boolean
  readonly config?: StagelightConfig
  readonly configPath?: string
  readonly now?: Date
  /** steps as lines, and registry documents counted towards their total */
  readonly onProgress?: (event: ProgressEvent) => void
}

const key = (p: PackageRef): string => `${p.ecosystem}:${p.name}@${p.version}`

/** Every package once, whatever number of places the tree holds it in; the place nearest the project stands for it. */
function unique(packages: readonly PackageRef[]): PackageRef[] {
  const seen = new Map<string, PackageRef>()
  for (const p of packages) {
    const known = seen.get(key(p))
    if (!known || (p.dependencyPath !== undefined && (known.dependencyPath === undefined || p.dependencyPath.length < known.dependencyPath.length))) seen.set(key(p), p)
  }
  return [...seen.values()]
}

const purlOf = (f: Finding): string | undefined => {
  const fromPackage = (f.data?.['package'] as { purl?: unknown } | undefined)?.purl
  const purl = typeof fromPackage === 'string' ? fromPackage : f.data?.['purl']
  return typeof purl === 'string' ? purl : undefined
}

/**
 * Where a package finding sits in the dependency graph: the chain from the project (in the evidence,
 * as data, and as the SARIF logical location), and an identity — rule, package, version, path and
 * advisory — that SARIF fingerprints are made of, so one advisory at two versions or paths stays two alerts.
 */
function placeInGraph(f: Finding, byPurl: ReadonlyMap<string, PackageRef>): Finding {
  const purl = purlOf(f)
  const pkg = purl !== undefined ? byPurl.get(purl) : undefined
  if (!pkg) return f
  const path = pkg.dependencyPath ?? []
  const chain = path.length > 0 ? path.join(' > ') : undefined
  const advisory = typeof f.data?.['advisory'] === 'string' ? f.data['advisory'] : ''
  return {
    ...f,
    ...(chain ? { evidence: `dependency path: ${chain}${f.evidence ? `\n${f.evidence}` : ''}` } : {}),
    data: {
      ...f.data,
      ...(path.length > 0 ? { dependencyPath: path, logicalLocation: path.join('>') } : {}),
      identity: [f.ruleId, pkg.ecosystem, pkg.name, pkg.version, path.join('>'), advisory].join('\u0000'),
    },
  }
}

/**
 * Findings about a package are located in the inventory file (the one file the user has) and carry
 * the package, so policies and reports can group and ignore by it.
 */
const about = (pkg: PackageRef, lockfile: string, finding: Finding): Finding => ({
  ...finding,
  path: lockfile,
  data: {
    ...finding.data,
    package: { name: pkg.name, version: pkg.version, purl: pkg.purl, ecosystem: pkg.ecosystem, ...(pkg.location ? { location: pkg.location } : {}), ...(pkg.dependencyPath ? { dependencyPath: pkg.dependencyPath } : {}) },
  },
})

/** osv.dev's CVE records (converted from NVD, with GIT ranges): no package matches, but the scores Debian's records lack. */
const SEVERITY_DATABASES = ['GIT']

/**
 * The cached OSV database of one ecosystem, revalidated first when online and last checked more than
 * a day ago. A failed update falls back to the cached copy, said so; no copy at all is "missing".
 */
async function usableDatabase(
  ecosystem: string,
  options: AuditOptions,
  progress: (event: ProgressEvent) => void,
  now: Date,
): Promise<{ database: Database; warning?: string } | { missing: string }> {
  const cached = await readDatabase(options.cacheDir, ecosystem)
  const fresh = 'database' in cached && now.getTime() - Date.parse(cached.database.meta.checkedAt) < DATABASE_MAX_AGE_MS
  if (options.offline || fresh) return 'database' in cached ? cached : { missing: `${cached.missing}${options.offline ? ' and --offline forbids downloading it' : ''}` }
  progress(`updating the OSV ${ecosystem} database`)
  try {
    return await updateDatabase(ecosystem, { cacheDir: options.cacheDir, ...(options.osvUrl ? { baseUrl: options.osvUrl } : {}) })
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    if ('database' in cached) return { database: cached.database, warning: `the OSV ${ecosystem} database could not be updated (${reason}); the copy checked ${cached.database.meta.checkedAt} was used` }
    return { missing: reason }
  }
}

/** Every string of a JSON-like value with secrets redacted (iterative: finding data is shallow, but never trusted to be). */
function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value)
  if (typeof value !== 'object' || value === null) return value
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' ? redactSecrets(v) : v)) as unknown
}

/** A finding as shown: no URL credentials or tokens in any text it carries. */
const redactFinding = (f: Finding): Finding => redactValue(f) as Finding

export async function audit(options: AuditOptions): Promise<Report> {
  const progress = options.onProgress ?? (() => undefined)
  const now = options.now ?? new Date()
  const npmConfig = loadRegistryConfig(options.cwd, options.env, options.registry)
  const { registry } = npmConfig
  const inventory = await readInventory(options.target, { registry, ...(options.config?.audit?.allowedRegistries ? { allowedRegistries: [...options.config.audit.allowedRegistries] } : {}) })
  // paths are relative to the analysed root: the directory given, or the one holding the file given
  const root = (await stat(options.target).catch(() => undefined))?.isDirectory() ? options.target : dirname(options.target)
  const lockfile = relative(root, inventory.path) || inventory.path
  const packages = unique(inventory.packages)
  const npmPackages = packages.filter((p) => p.ecosystem === 'npm' && p.source === 'registry')
  const facts: Fact[] = [
    { label: 'inventory', value: `${lockfile} (${inventory.format})` },
    { label: 'packages', value: `${packages.length} (${packages.filter((p) => p.ecosystem === 'npm').length} npm, ${packages.filter((p) => p.ecosystem === 'deb').length} Debian; ${packages.filter((p) => p.source !== 'registry' && p.ecosystem === 'npm').length} not from a registry)` },
  ]
  const incomplete: string[] = []
  const findings: Finding[] = [...inventory.findings]

  // advisories: local OSV data, then the registry's bulk endpoint
  const matches = new Map<string, readonly AdvisoryMatch[]>()
  const unevaluated = new Map<string, readonly UnevaluatedRange[]>()
  const sources: string[] = [...(options.advisories ?? [])]
  const databases: Database[] = []
  if (sources.length === 0 && options.advisoryDatabase !== false) {
    for (const ecosystem of [...new Set(packages.flatMap((p) => osvDatabasesFor(p.ecosystem)))]) {
      const found = await usableDatabase(ecosystem, options, progress, now)
      if ('database' in found) {
        databases.push(found.database)
        sources.push(found.database.path)
        if (found.warning) facts.push({ label: `OSV ${ecosystem} database update`, value: found.warning })
      } else {
        facts.push({ label: `OSV ${ecosystem} database`, value: `not available: ${found.missing}` })
        const what = ecosystem === 'GIT' ? "the upstream projects' advisories (OSV GIT database) were not checked" : `advisories for ${ecosystem} packages were not checked`
        incomplete.push(`${what}: ${found.missing} (run \`stagelight advisories update\`, or give --advisories)`)
      }
    }
    // databases read only for the severities their records state (CVE records behind Debian's), when the user downloaded them
    if (databases.length > 0) {
      for (const ecosystem of SEVERITY_DATABASES) {
        if (databases.some((d) => d.ecosystem === ecosystem)) continue
        if (!('database' in (await readDatabase(options.cacheDir, ecosystem, false)))) continue
        const found = await usableDatabase(ecosystem, options, progress, now)
        if ('database' in found) {
          databases.push(found.database)
          sources.push(found.database.path)
        }
      }
    }
  }
  if (sources.length > 0) {
    progress(`loading advisories from ${sources.join(', ')}`)
    const only = new Set(packages.map((p) => (p.ecosystem === 'deb' ? packageKey('deb', debianSource(p).name) : packageKey(p.ecosystem, p.name))))
    const onlyRepositories = new Set(packages.filter((p) => p.ecosystem === 'deb').flatMap((p) => upstreamRepositories(debianSource(p).name)))
    const store = await AdvisoryStore.load(sources, { only, onlyRepositories })
    for (const p of packages) {
      // Debian advisories name source packages (xz-utils), dpkg lists binary ones (liblzma5)
      const query = p.ecosystem === 'deb' ? { ecosystem: p.ecosystem, ...debianSource(p) } : p
      const found = store.lookup(query)
      // and the upstream project's CVE records, for what Debian has no record of
      const upstream = p.ecosystem === 'deb' ? store.lookupUpstream(query, upstreamRepositories(query.name), upstreamVersion(query.version)) : []
      matches.set(key(p), [...found.matches, ...upstream])
      unevaluated.set(key(p), found.unevaluated)
    }
    const { stats } = store
    const counts = `${stats.records} record(s) about these packages${stats.filtered ? ` (of ${stats.records + stats.filtered} read)` : ''}${stats.withdrawn ? `; ${stats.withdrawn} withdrawn` : ''}${stats.skipped.length ? `; ${stats.skipped.length} invalid record(s) skipped` : ''}`
    for (const database of databases) facts.push({ label: `OSV ${database.ecosystem} database`, value: `${describeDatabase(database, stats.newestModified)} (${database.meta.url})` })
    facts.push({ label: 'OSV advisories', value: databases.length > 0 && !options.advisories?.length ? counts : `${counts}, from ${sources.join(', ')}` })
  } else if (options.advisoryDatabase === false) {
    facts.push({ label: 'OSV advisories', value: 'not consulted (--no-advisory-database and no --advisories)' })
  }
  if (npmPackages.length > 0) {
    if (options.offline) {
      facts.push({ label: 'npm advisories', value: 'not consulted (--offline)' })
    } else {
      progress(`asking ${registry} for advisories on ${npmPackages.length} packages`)
      const authorization = npmConfig.authorizationFor(registry)
      const bulk = await queryNpmBulkAdvisories(registry, npmPackages, authorization ? { authorization } : {})
      if (bulk.consulted) {
        for (const p of npmPackages) matches.set(key(p), mergeAdvisoryMatches(matches.get(key(p)) ?? [], bulk.matches.get(bulkKey(p.name, p.version)) ?? []))
        facts.push({ label: 'npm advisories', value: `consulted (${registry})` })
      } else {
        facts.push({ label: 'npm advisories', value: `not consulted: ${bulk.reason ?? 'no answer'}` })
      }
    }
  }
  for (const p of packages) for (const f of advisoryFindings(p, matches.get(key(p)) ?? [], unevaluated.get(key(p)) ?? [])) findings.push(about(p, lockfile, f))

  // registry signals, one document per package name
  if (options.registrySignals !== false && npmPackages.length > 0) {
    const client = new RegistryClient({ cwd: options.cwd, env: options.env, cacheDir: options.cacheDir, offline: options.offline ?? false, ...(options.registry ? { registry: options.registry } : {}) })
    const popular = await loadPopularNames()
    const policy = {
      ...DEFAULT_SIGNAL_POLICY,
      ...(options.config?.audit?.freshPublishDays !== undefined ? { freshDays: options.config.audit.freshPublishDays } : {}),
      ...(options.config?.audit?.typosquatDistance !== undefined ? { typosquatMaxDistance: options.config.audit.typosquatDistance } : {}),
    }
    const scopedRegistries = npmConfig.scopes()
    const names = [...new Set(npmPackages.map((p) => p.name))]
    const lockedVersions = new Map<string, string[]>()
    for (const p of npmPackages) if (p.version !== '') lockedVersions.set(p.name, [...(lockedVersions.get(p.name) ?? []), p.version])
    let done = 0
    const unavailable: string[] = []
    const docs = new Map(
      await Promise.all(
        names.map(async (name) => {
          let doc = await client.fetchPackument(name)
          // a cached document older than the lockfile lacks what it was resolved from: ask again before calling a version missing
          const locked = lockedVersions.get(name) ?? []
          const stale = doc.kind === 'not-found' ? doc.source === 'cache' : doc.kind === 'found' && doc.source === 'cache' && locked.some((v) => doc.kind === 'found' && !Object.hasOwn(doc.doc.versions ?? {}, v))
          if (stale && options.offline !== true) doc = await client.fetchPackument(name, { refresh: true })
          done++
          progress({ label: 'registry documents', done, total: names.length })
          return [name, doc] as const
        }),
      ),
    )
    progress(`judging ${npmPackages.length} package(s) on their registry documents`)
    for (const p of npmPackages) {
      const doc = docs.get(p.name)
      if (!doc) continue
      if (doc.kind === 'unavailable') {
        unavailable.push(`${p.name} (${doc.reason})`)
        continue
      }
      if (doc.kind === 'not-found') {
        findings.push(about(p, lockfile, { ruleId: 'audit/unpublished', severity: 'high', confidence: 'high', message: `${p.name}@${p.version}: the registry has no such package`, evidence: `${doc.registry} answered 404 for ${p.name}` }))
        continue
      }
      const signals = registrySignals(p, doc.doc, { now, policy, popular, registry: doc.registry, scopedRegistries, ...(p.integrity ? { lockIntegrity: p.integrity } : {}) })
      for (const f of signals) findings.push(about(p, lockfile, f))
    }
    const stats = client.stats()
    facts.push({ label: 'registry', value: `${registry}: ${names.length} package document(s), ${stats.requests} request(s), ${stats.cacheHits} from cache, ${stats.notModified} revalidated` })
    if (unavailable.length) incomplete.push(`${unavailable.length} package document(s) unavailable, so their signals were not checked: ${unavailable.slice(0, 5).join(', ')}${unavailable.length > 5 ? ', …' : ''}`)
  } else if (npmPackages.length > 0) {
    facts.push({ label: 'registry', value: 'not consulted (--no-registry-signals)' })
  }

  // policy: ignores with reasons and expiry dates
  const ignores = options.config?.audit?.ignore ?? []
  const { kept, ignored, expired } = applyIgnores(findings, ignores, now, options.configPath ?? 'stagelight.config.json')
  if (ignored.length) facts.push({ label: 'ignored by policy', value: `${ignored.length} finding(s) (${[...new Set(ignored.map((i) => i.entry.rule))].join(', ')})` })
  const byPurlRef = new Map(packages.map((p) => [p.purl, p]))
  const all = [...kept, ...expired].map((f) => redactFinding(placeInGraph(f, byPurlRef)))
  if (packages.length === 0) incomplete.push(`${lockfile} names no package audit can check (${inventory.format}): nothing was checked`)

  const byPurl = new Map<string, Finding[]>()
  for (const f of all) {
    const purl = purlOf(f)
    if (purl === undefined) continue
    const list = byPurl.get(purl)
    if (list) list.push(f)
    else byPurl.set(purl, [f])
  }
  const perPackage = packages.map((p) => {
    const own = byPurl.get(p.purl) ?? []
    return { name: p.name, version: p.version, purl: p.purl, ecosystem: p.ecosystem, source: p.source, dev: p.dev ?? false, ...(p.dependencyPath ? { dependencyPath: p.dependencyPath } : {}), findings: own.map((f) => ({ ruleId: f.ruleId, severity: f.severity })) }
  })
  return assembleReport({
    command: 'audit',
    subject: { target: options.label ?? options.target },
    facts,
    findings: all,
    summary: {
      packages: perPackage,
      inventory: { format: inventory.format, path: lockfile, count: packages.length },
      ignored: ignored.map((i) => ({ ruleId: i.finding.ruleId, package: i.finding.data?.['package'] ?? null, reason: i.entry.reason, expires: i.entry.expires })),
    },
    incomplete,
  })
}
