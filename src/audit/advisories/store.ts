/**
 * @fileoverview A local store of OSV records, loaded from directories (searched recursively for
 * `*.json`), zip exports (osv.dev's `<ecosystem>/all.zip`: one record per entry) and single files
 * (a record, an array of records, or an osv.dev `{ "vulns": [...] }` answer), indexed by
 * (ecosystem, package name). Records that break the schema are counted and skipped with a reason;
 * a source that cannot be read at all is an error.
 */
import { open, readFile, readdir, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import yauzl from 'yauzl'
import { StagelightError } from '../../errors.js'
import type { Severity } from '../../model/finding.js'
import type { Ecosystem } from '../types.js'
import { cvss2BaseScore, cvss3BaseScore, severityOfScore, severityOfWord, type CvssScore } from './cvss.js'
import { describeEvents, eventVersion, mapEcosystem, parseOsvRecord, type OsvAffected, type OsvRecord, type OsvSeverity } from './osv.js'
import { evaluateRange, orderingFor, sameVersion } from './ranges.js'
import { repositoryKey, tagMatchesVersion } from './upstream.js'
import type { AdvisoryLookup, AdvisoryMatch, AdvisoryQuery, AdvisoryStoreStats, MatchedRange, SkippedRecord, UnevaluatedRange } from './types.js'

export interface AdvisoryStoreOptions {
  /** a JSON document larger than this is skipped (default 64 MiB) */
  readonly maxDocumentBytes?: number
  /** a zip export with more entries than this is refused (default 1,000,000, as for artifacts) */
  readonly maxZipEntries?: number
  /** a zip export expanding to more than this is refused (default 8 GiB) */
  readonly maxZipBytes?: number
  /** a zip export expanding to more than this many times its own size (past the first 64 MiB) is refused as a bomb (default 200, as for artifacts) */
  readonly maxZipRatio?: number
  /**
   * Keep only records naming one of these packages (`ecosystem` and name, as {@link packageKey}
   * builds them): a whole ecosystem's export holds hundreds of thousands of records, an inventory
   * needs a few. Severities stated by the other records are still kept, for aliases.
   */
  readonly only?: ReadonlySet<string>
  /**
   * Keep also records with a GIT range of one of these repositories ({@link repositoryKey}s): the
   * upstream projects of distribution packages, for {@link AdvisoryStore.lookupUpstream}.
   */
  readonly onlyRepositories?: ReadonlySet<string>
}

const MiB = 1024 * 1024
const DEFAULT_MAX_DOCUMENT = 64 * MiB
const DEFAULT_MAX_ZIP_ENTRIES = 1_000_000
const DEFAULT_MAX_ZIP_BYTES = 8 * 1024 * MiB
const DEFAULT_MAX_ZIP_RATIO = 200
const RATIO_GRACE_BYTES = 64 * MiB
/** candidate fixed versions checked per match: the smallest ones are what a reader acts on, and the check costs a pass over the record's entries */
const MAX_FIX_CANDIDATES = 32

interface Loaded {
  readonly record: OsvRecord
  readonly source: string
}

interface IndexEntry {
  readonly loaded: Loaded
  readonly affected: OsvAffected
}

/**
 * The index key of a package. OSV matches npm names without regard to case (a GHSA record naming
 * `Axios` is about axios: the registry treats names that differ only in case as one package since
 * it refused new mixed-case names), and Debian package names are lower case by policy.
 */
export const packageKey = (ecosystem: Ecosystem, name: string): string => `${ecosystem}\u0000${name.toLowerCase()}`
const keyOf = packageKey

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code

const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''

/** Collects records from every source, keeping one per id. */
class Loader {
  readonly byId = new Map<string, Loaded>()
  readonly skipped: SkippedRecord[] = []
  readonly withdrawnIds = new Set<string>()
  /** the highest severity any record states, by each id it is known by (its own and its aliases) */
  readonly statedSeverity = new Map<string, { severity: Severity; source: string; id: string }>()
  /** records left out because they name no package of the inventory */
  filtered = 0
  newestModified = ''
  files = 0
  duplicates = 0
  readonly maxBytes: number
  readonly options: AdvisoryStoreOptions

  constructor(options: AdvisoryStoreOptions) {
    this.maxBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT
    this.options = options
  }

  async source(path: string): Promise<void> {
    let info
    try {
      info = await stat(path)
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') throw new StagelightError('E_INPUT_NOT_FOUND', `advisories: ${path} does not exist`, { path })
      throw new StagelightError('E_INPUT_INVALID', `advisories: cannot read ${path}: ${oneLine(err)}`, { path }, { cause: err })
    }
    if (info.isDirectory()) return this.directory(path)
    if (!info.isFile()) throw new StagelightError('E_INPUT_INVALID', `advisories: ${path} is neither a directory nor a file`, { path })
    const head = await readHead(path)
    if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) return this.zip(path, info.size)
    let text: string
    try {
      if (info.size > this.maxBytes) throw new Error(`larger than ${this.maxBytes} bytes`)
      text = await readFile(path, 'utf8')
    } catch (err) {
      throw new StagelightError('E_INPUT_INVALID', `advisories: cannot read ${path}: ${oneLine(err)}`, { path }, { cause: err })
    }
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch (err) {
      throw new StagelightError('E_INPUT_INVALID', `advisories: ${path} is neither an OSV JSON file nor a zip export (${oneLine(err)})`, { path })
    }
    this.files++
    this.document(doc, path)
  }

  private async directory(root: string): Promise<void> {
    let entries
    try {
      entries = await readdir(root, { recursive: true, withFileTypes: true })
    } catch (err) {
      throw new StagelightError('E_INPUT_INVALID', `advisories: cannot list ${root}: ${oneLine(err)}`, { path: root }, { cause: err })
    }
    const files = entries
      .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.json'))
      .map((e) => join(e.parentPath, e.name))
      .filter((p) => !relative(root, p).split(/[\\/]/).some((part) => part === '.git' || part === 'node_modules'))
      .sort()
    for (const file of files) {
      const where = file
      let text: string
      try {
        const info = await stat(file)
        if (info.size > this.maxBytes) {
          this.skip(where, `larger than ${this.maxBytes} bytes`)
          continue
        }
        text = await readFile(file, 'utf8')
      } catch (err) {
        this.skip(where, `cannot read: ${oneLine(err)}`)
        continue
      }
      this.text(text, where)
    }
  }

  private async zip(path: string, fileSize: number): Promise<void> {
    const maxEntries = this.options.maxZipEntries ?? DEFAULT_MAX_ZIP_ENTRIES
    const maxTotal = this.options.maxZipBytes ?? DEFAULT_MAX_ZIP_BYTES
    const maxRatio = this.options.maxZipRatio ?? DEFAULT_MAX_ZIP_RATIO
    const limit = (what: string): never => {
      throw new StagelightError('E_INPUT_INVALID', `advisories: ${path}: limit exceeded: ${what}`, { path, limit: true })
    }
    let entries = 0
    let produced = 0
    /** every decompressed byte is counted where it passes, so a bomb stops at the limit, not at the end */
    const account = (bytes: number): void => {
      produced += bytes
      if (produced > maxTotal) limit(`more than ${maxTotal} bytes of content`)
      if (produced > RATIO_GRACE_BYTES && produced > fileSize * maxRatio) limit(`${produced} bytes expanded from a ${fileSize}-byte zip, a ratio above ${maxRatio}:1`)
    }
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z))),
    ).catch((err: unknown) => {
      throw new StagelightError('E_INPUT_INVALID', `advisories: ${path} is not a readable zip: ${oneLine(err)}`, { path }, { cause: err })
    })
    try {
      for (;;) {
        const entry = await nextEntry(zip)
        if (!entry) break
        if (++entries > maxEntries) limit(`more than ${maxEntries} entries`)
        const name = entry.fileName
        if (name.endsWith('/') || !name.toLowerCase().endsWith('.json')) continue
        const where = `${path}!${name}`
        if (entry.uncompressedSize > this.maxBytes) {
          this.skip(where, `larger than ${this.maxBytes} bytes`)
          continue
        }
        let text: string
        try {
          text = (await readEntry(zip, entry, this.maxBytes, account)).toString('utf8')
        } catch (err) {
          if (err instanceof StagelightError) throw err
          this.skip(where, `cannot decompress: ${oneLine(err)}`)
          continue
        }
        this.text(text, where)
      }
    } catch (err) {
      if (err instanceof StagelightError) throw err
      throw new StagelightError('E_INPUT_INVALID', `advisories: ${path} is a damaged zip: ${oneLine(err)}`, { path }, { cause: err })
    } finally {
      zip.close()
    }
  }

  private text(text: string, where: string): void {
    this.files++
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch (err) {
      this.skip(where, `not JSON: ${oneLine(err)}`)
      return
    }
    this.document(doc, where)
  }

  /** A record, an array of records, or `{ "vulns": [...] }`. */
  private document(doc: unknown, where: string): void {
    const list = Array.isArray(doc)
      ? doc
      : typeof doc === 'object' && doc !== null && !('id' in doc) && Array.isArray((doc as { vulns?: unknown }).vulns)
        ? (doc as { vulns: unknown[] }).vulns
        : [doc]
    list.forEach((value, i) => this.record(value, list.length > 1 || Array.isArray(doc) ? `${where}[${i}]` : where))
  }

  private record(value: unknown, where: string): void {
    const parsed = parseOsvRecord(value)
    if (!parsed.ok) {
      this.skip(where, parsed.reason)
      return
    }
    const { record } = parsed
    if (record.withdrawn) {
      this.withdrawnIds.add(record.id)
      return
    }
    if (record.modified > this.newestModified) this.newestModified = record.modified
    const stated = statedSeverity(record)
    if (stated) {
      for (const id of [record.id, ...record.aliases]) {
        const known = this.statedSeverity.get(id)
        if (!known || SEVERITY_RANK[stated.severity] > SEVERITY_RANK[known.severity]) this.statedSeverity.set(id, { ...stated, id: record.id })
      }
    }
    const only = this.options.only
    const repos = this.options.onlyRepositories
    const wantedRepo = (a: OsvAffected): boolean => repos !== undefined && a.ranges.some((r) => r.type === 'GIT' && r.repo !== undefined && repos.has(repositoryKey(r.repo)))
    if (only && !record.affected.some((a) => (a.name !== undefined && a.ecosystem !== undefined && isWanted(only, a.ecosystem, a.name)) || wantedRepo(a))) {
      this.filtered++
      return
    }
    const previous = this.byId.get(record.id)
    if (previous) {
      this.duplicates++
      if (timeOf(previous.record.modified) >= timeOf(record.modified)) return
    }
    this.byId.set(record.id, { record, source: where })
  }

  private skip(where: string, reason: string): void {
    this.skipped.push({ where, reason })
  }
}

const timeOf = (stamp: string): number => {
  const t = Date.parse(stamp)
  return Number.isNaN(t) ? 0 : t
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r').catch((err: unknown) => {
    throw new StagelightError('E_INPUT_INVALID', `advisories: cannot read ${path}: ${oneLine(err)}`, { path }, { cause: err })
  })
  try {
    const buffer = Buffer.alloc(4)
    const { bytesRead } = await handle.read(buffer, 0, 4, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off('entry', onEntry)
      zip.off('end', onEnd)
      zip.off('error', onError)
    }
    const onEntry = (entry: yauzl.Entry): void => (cleanup(), resolve(entry))
    const onEnd = (): void => (cleanup(), resolve(undefined))
    const onError = (err: Error): void => (cleanup(), reject(err))
    zip.on('entry', onEntry)
    zip.on('end', onEnd)
    zip.on('error', onError)
    zip.readEntry()
  })
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number, account: (bytes: number) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err)
      const chunks: Buffer[] = []
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        try {
          account(chunk.length)
        } catch (limitErr) {
          stream.destroy(limitErr as Error)
          return
        }
        if (size > maxBytes) stream.destroy(new Error(`larger than ${maxBytes} bytes`))
        else chunks.push(chunk)
      })
      stream.on('error', reject)
      stream.on('end', () => resolve(Buffer.concat(chunks)))
    })
  })
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 }

const isWanted = (only: ReadonlySet<string>, osvEcosystem: string, name: string): boolean => {
  const ecosystem = mapEcosystem(osvEcosystem)
  return ecosystem !== undefined && only.has(keyOf(ecosystem, name))
}

/** The severity a record states itself (for one affected entry when given): CVSS v3 scored from its vector, else v2, else the database's word, else Ubuntu's priority. */
export function statedSeverity(record: OsvRecord, affected?: OsvAffected): { severity: Severity; source: string; score?: number } | undefined {
  const list: readonly OsvSeverity[] = affected && affected.severity.length > 0 ? affected.severity : record.severity
  const scored = (type: string, score: (v: string) => CvssScore | undefined): CvssScore | undefined =>
    list
      .filter((s) => s.type === type)
      .map((s) => score(s.score))
      .find((s) => s !== undefined)
  const cvss = scored('CVSS_V3', cvss3BaseScore) ?? scored('CVSS_V2', cvss2BaseScore)
  if (cvss) return { severity: severityOfScore(cvss), source: `${cvss.vector} (base score ${cvss.score.toFixed(1)})`, score: cvss.score }
  const word = record.databaseSeverity ? severityOfWord(record.databaseSeverity) : undefined
  if (word) return { severity: word, source: `database_specific.severity ${record.databaseSeverity}` }
  const ubuntu = list.find((s) => s.type === 'Ubuntu')
  const ubuntuSeverity = ubuntu ? severityOfWord(ubuntu.score) : undefined
  if (ubuntu && ubuntuSeverity) return { severity: ubuntuSeverity, source: `Ubuntu priority ${ubuntu.score}` }
  return undefined
}

/** Said of an advisory no record gives a severity for: it is not known, and a finding still needs a level. */
export const UNKNOWN_SEVERITY_SOURCE = 'unknown: neither the advisory nor its aliases in the loaded data state one (reported as medium)'

/**
 * The severity of an advisory for one package: its own, else the highest its aliases and upstream
 * ids state elsewhere in the loaded data (a Debian record names its CVE; the CVE's or a GHSA's record
 * carries the score), else unknown.
 */
export function advisorySeverity(
  record: OsvRecord,
  affected?: OsvAffected,
  aliasSeverity?: (id: string) => { severity: Severity; source: string; id: string } | undefined,
): { severity: Severity; source: string; score?: number; known: boolean } {
  const own = statedSeverity(record, affected)
  if (own) return { ...own, known: true }
  let best: { severity: Severity; source: string; id: string } | undefined
  for (const id of [...record.aliases, ...record.upstream]) {
    const found = aliasSeverity?.(id)
    if (found && found.id !== record.id && (!best || SEVERITY_RANK[found.severity] > SEVERITY_RANK[best.severity])) best = found
  }
  if (best) return { severity: best.severity, source: `${best.id}, an alias: ${best.source}`, known: true }
  const v4 = (affected && affected.severity.length > 0 ? affected.severity : record.severity).find((s) => s.type === 'CVSS_V4')
  if (v4) return { severity: 'medium', source: `${v4.score} (a CVSS v4 vector, not scored here; severity unknown, reported as medium)`, known: false }
  return { severity: 'medium', source: UNKNOWN_SEVERITY_SOURCE, known: false }
}

export const isMaliciousRecord = (id: string, aliases: readonly string[]): boolean => id.startsWith('MAL-') || aliases.some((a) => a.startsWith('MAL-'))

const dedupeSorted = (versions: readonly string[], compare: (a: string, b: string) => number): string[] => {
  const sorted = [...versions].sort(compare)
  return sorted.filter((v, i) => i === 0 || compare(sorted[i - 1] as string, v) !== 0)
}

export class AdvisoryStore {
  readonly stats: AdvisoryStoreStats
  private readonly index: Map<string, IndexEntry[]>
  private readonly stated: ReadonlyMap<string, { severity: Severity; source: string; id: string }>

  private readonly byRepository: ReadonlyMap<string, IndexEntry[]>

  private constructor(
    index: Map<string, IndexEntry[]>,
    stats: AdvisoryStoreStats,
    stated: ReadonlyMap<string, { severity: Severity; source: string; id: string }>,
    byRepository: ReadonlyMap<string, IndexEntry[]> = new Map(),
  ) {
    this.byRepository = byRepository
    this.index = index
    this.stats = stats
    this.stated = stated
  }

  /** Reads every source: directories of `*.json`, zip exports, single JSON files. */
  static async load(sources: readonly string[], options: AdvisoryStoreOptions = {}): Promise<AdvisoryStore> {
    const loader = new Loader(options)
    for (const source of sources) await loader.source(source)
    const index = new Map<string, IndexEntry[]>()
    const byRepository = new Map<string, IndexEntry[]>()
    let otherEcosystems = 0
    for (const loaded of loader.byId.values()) {
      let indexed = false
      for (const affected of loaded.record.affected) {
        // upstream repositories with their affected release tags, for distribution packages
        if (affected.versions.length > 0) {
          for (const repo of new Set(affected.ranges.filter((r) => r.type === 'GIT' && r.repo !== undefined).map((r) => repositoryKey(r.repo as string)))) {
            const list = byRepository.get(repo) ?? []
            if (list.length === 0) byRepository.set(repo, list)
            list.push({ loaded, affected })
          }
        }
        const ecosystem = affected.ecosystem !== undefined ? mapEcosystem(affected.ecosystem) : undefined
        if (!ecosystem || affected.name === undefined) continue
        const key = keyOf(ecosystem, affected.name)
        const list = index.get(key) ?? []
        if (list.length === 0) index.set(key, list)
        list.push({ loaded, affected })
        indexed = true
      }
      if (!indexed) otherEcosystems++
    }
    const stats: AdvisoryStoreStats = {
      sources: [...sources],
      files: loader.files,
      records: loader.byId.size,
      otherEcosystems,
      withdrawn: loader.withdrawnIds.size,
      withdrawnIds: [...loader.withdrawnIds].sort(),
      duplicates: loader.duplicates,
      skipped: loader.skipped,
      filtered: loader.filtered,
      ...(loader.newestModified ? { newestModified: loader.newestModified } : {}),
    }
    return new AdvisoryStore(index, stats, loader.statedSeverity, byRepository)
  }

  /** Number of (ecosystem, package) pairs with at least one advisory. */
  get packageCount(): number {
    return this.index.size
  }

  /** The advisories affecting this version. */
  match(pkg: AdvisoryQuery): AdvisoryMatch[] {
    return this.lookup(pkg).matches.slice()
  }

  /** The advisories affecting this version, and those whose ranges could not be evaluated for it (GIT ranges, unparsable versions). */
  lookup(pkg: AdvisoryQuery): AdvisoryLookup {
    const entries = (this.index.get(keyOf(pkg.ecosystem, pkg.name)) ?? []).filter((e) => releaseApplies(e.affected.ecosystem ?? '', pkg.release))
    const byRecord = new Map<string, IndexEntry[]>()
    for (const entry of entries) {
      const id = entry.loaded.record.id
      const group = byRecord.get(id)
      if (group) group.push(entry)
      else byRecord.set(id, [entry])
    }
    const matches: AdvisoryMatch[] = []
    const unevaluated: UnevaluatedRange[] = []
    for (const group of byRecord.values()) {
      const result = matchRecord(pkg, group, (id) => this.stated.get(id))
      if (result.match) matches.push(result.match)
      else unevaluated.push(...result.unevaluated)
    }
    matches.sort((a, b) => a.id.localeCompare(b.id))
    return { matches, unevaluated }
  }

  /**
   * Advisories about the upstream project a distribution package packages, that the distribution's
   * own records for the package do not mention (by id, alias or upstream id, at any version): the
   * distribution's verdict wins where it has one, since it knows its backports. A record matches
   * when it has a GIT range of one of `repositories` and lists a release tag of `upstreamVersion`.
   */
  lookupUpstream(pkg: AdvisoryQuery, repositories: readonly string[], upstreamVersion: string): AdvisoryMatch[] {
    const known = idsOf(this.index.get(keyOf(pkg.ecosystem, pkg.name)) ?? [])
    const matches = new Map<string, AdvisoryMatch>()
    for (const repository of repositories) {
      for (const { loaded, affected } of this.byRepository.get(repository) ?? []) {
        const { record } = loaded
        if (matches.has(record.id) || [record.id, ...record.aliases, ...record.upstream].some((id) => known.has(id))) continue
        const tag = affected.versions.find((t) => tagMatchesVersion(t, upstreamVersion))
        if (tag === undefined) continue
        const malicious = isMaliciousRecord(record.id, record.aliases)
        const severity = malicious ? { severity: 'critical' as const, source: 'malicious package (MAL- record): always critical', known: true } : advisorySeverity(record, affected, (id) => this.stated.get(id))
        matches.set(record.id, {
          id: record.id,
          aliases: [...new Set([...record.aliases, ...record.upstream])],
          summary: record.summary,
          severity: severity.severity,
          severitySource: severity.source,
          severityKnown: severity.known,
          ...('score' in severity && severity.score !== undefined ? { cvssScore: severity.score } : {}),
          malicious,
          fixedVersions: [],
          lastAffected: [],
          range: { kind: 'versions', ecosystem: 'GIT', text: `upstream release ${tag} of ${repository} (${pkg.name} ${pkg.version} packages upstream ${upstreamVersion})` },
          upstream: { repository, tag, upstreamVersion },
          references: record.references,
          withdrawn: false,
          source: `osv:${loaded.source}`,
          ...(record.cwe.length > 0 ? { cwe: record.cwe } : {}),
          ...(record.published ? { published: record.published } : {}),
          modified: record.modified,
        })
      }
    }
    return [...matches.values()].sort((a, b) => a.id.localeCompare(b.id))
  }
}


/** Every id a package's records are known by (their own, aliases and upstream ids), whatever the version. */
function idsOf(entries: readonly IndexEntry[]): Set<string> {
  const ids = new Set<string>()
  for (const { loaded } of entries) for (const id of [loaded.record.id, ...loaded.record.aliases, ...loaded.record.upstream]) ids.add(id)
  return ids
}

/** `Debian:12` applies to release `12` only (when a release is given); `Debian` and `npm` always apply. */
function releaseApplies(ecosystem: string, release: string | undefined): boolean {
  if (release === undefined) return true
  const colon = ecosystem.indexOf(':')
  return colon < 0 || ecosystem.slice(colon + 1) === release
}

/** Where `version` lies in one affected entry: the first range containing it, else a listed version. */
function hitIn(pkg: AdvisoryQuery, version: string, affected: OsvAffected, onUnevaluated?: (range: OsvAffected['ranges'][number], reason: string) => void): MatchedRange | undefined {
  const ecosystem = affected.ecosystem ?? ''
  let hit: MatchedRange | undefined
  for (const range of affected.ranges) {
    const result = evaluateRange(version, range, orderingFor(pkg.ecosystem, range.type === 'GIT' ? 'ECOSYSTEM' : range.type))
    if (!result.evaluated) {
      onUnevaluated?.(range, result.reason)
      continue
    }
    if (result.affected && !hit && range.type !== 'GIT') {
      hit = { kind: 'range', ecosystem, type: range.type, events: result.events, text: `${range.type} range: ${describeEvents(result.events)}` }
    }
  }
  if (hit) return hit
  const listed = affected.versions.find((v) => sameVersion(v, version, pkg.ecosystem))
  return listed !== undefined ? { kind: 'versions', ecosystem, text: `listed affected version ${listed}` } : undefined
}

function matchRecord(
  pkg: AdvisoryQuery,
  group: readonly IndexEntry[],
  aliasSeverity: (id: string) => { severity: Severity; source: string; id: string } | undefined,
): { match?: AdvisoryMatch; unevaluated: UnevaluatedRange[] } {
  const first = group[0] as IndexEntry
  const { record } = first.loaded
  const source = `osv:${first.loaded.source}`
  const unevaluated: UnevaluatedRange[] = []
  let matched: { range: MatchedRange; affected: OsvAffected } | undefined
  const matchedAffected: OsvAffected[] = []
  for (const { affected } of group) {
    const hit = hitIn(pkg, pkg.version, affected, (range, reason) =>
      unevaluated.push({
        id: record.id,
        aliases: record.aliases,
        summary: record.summary,
        ecosystem: affected.ecosystem ?? '',
        type: range.type,
        ...(range.repo ? { repo: range.repo } : {}),
        events: range.events,
        reason,
        source,
      }),
    )
    if (hit) {
      matchedAffected.push(affected)
      matched ??= { range: hit, affected }
    }
  }
  if (!matched) return { unevaluated }
  const ordering = orderingFor(pkg.ecosystem, 'ECOSYSTEM')
  /** Event versions of this kind above (or at) the installed one, in the entries that matched. */
  const bounds = (kind: 'fixed' | 'last_affected', above: (c: number) => boolean): string[] =>
    dedupeSorted(
      matchedAffected.flatMap((a) =>
        a.ranges
          .filter((r) => r.type !== 'GIT')
          .flatMap((r) => r.events.filter((e) => kind in e).map(eventVersion))
          .filter((v) => ordering.problem(v) === undefined && above(ordering.compare(v, pkg.version))),
      ),
      ordering.compare,
    )
  // a fix of one line can lie in another affected line: only versions the advisory clears (for the same release) are offered.
  // Each candidate costs one pass over the record's entries, so only the smallest few are checked.
  const fixedVersions = bounds('fixed', (c) => c > 0)
    .slice(0, MAX_FIX_CANDIDATES)
    .filter((v) => {
      const ecosystems = new Set(matchedAffected.filter((a) => a.ranges.some((r) => r.events.some((e) => 'fixed' in e && ordering.compare(e.fixed, v) === 0))).map((a) => a.ecosystem))
      return !group.some(({ affected }) => ecosystems.has(affected.ecosystem) && hitIn(pkg, v, affected) !== undefined)
    })
  const malicious = isMaliciousRecord(record.id, record.aliases)
  // malware is critical whatever the record states: installing it was the attack
  const severity = malicious ? { severity: 'critical' as const, source: 'malicious package (MAL- record): always critical', known: true } : advisorySeverity(record, matched.affected, aliasSeverity)
  const match: AdvisoryMatch = {
    id: record.id,
    aliases: [...new Set([...record.aliases, ...record.upstream])],
    summary: record.summary,
    severity: severity.severity,
    severitySource: severity.source,
    severityKnown: severity.known,
    ...('score' in severity && severity.score !== undefined ? { cvssScore: severity.score } : {}),
    malicious,
    fixedVersions,
    lastAffected: bounds('last_affected', (c) => c >= 0),
    range: matched.range,
    references: record.references,
    withdrawn: false,
    source,
    ...(record.cwe.length > 0 ? { cwe: record.cwe } : {}),
    ...(record.published ? { published: record.published } : {}),
    modified: record.modified,
  }
  return { match, unevaluated: [] }
}
