/**
 * @fileoverview OSV records (https://ossf.github.io/osv-schema/): checked against the schema's
 * requirements and reduced to what matching needs. A record that breaks the schema is refused
 * with a reason, never half-read.
 */
import type { OsvEvent, OsvRangeType } from './types.js'
import { isJsonObject as isObject } from '../../util/json.js'

export interface OsvSeverity {
  readonly type: string
  readonly score: string
}

export interface OsvRange {
  readonly type: OsvRangeType
  readonly repo?: string
  readonly events: readonly OsvEvent[]
}

export interface OsvAffected {
  /** absent for entries that only describe GIT ranges of a repository */
  readonly ecosystem?: string
  readonly name?: string
  readonly versions: readonly string[]
  readonly ranges: readonly OsvRange[]
  readonly severity: readonly OsvSeverity[]
}

export interface OsvRecord {
  readonly id: string
  readonly modified: string
  readonly published?: string
  readonly withdrawn?: string
  readonly aliases: readonly string[]
  /** ids of the upstream vulnerabilities (Debian's `DEBIAN-CVE-…` records name their CVE here, not in aliases) */
  readonly upstream: readonly string[]
  readonly summary: string
  readonly severity: readonly OsvSeverity[]
  /** `database_specific.severity` (GHSA: LOW, MODERATE, HIGH, CRITICAL), the only database-specific field used */
  readonly databaseSeverity?: string
  readonly cwe: readonly string[]
  readonly affected: readonly OsvAffected[]
  readonly references: readonly string[]
}

export type OsvParse = { readonly ok: true; readonly record: OsvRecord } | { readonly ok: false; readonly reason: string }

const EVENT_KINDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const
const RANGE_TYPES: readonly string[] = ['SEMVER', 'ECOSYSTEM', 'GIT']

class Invalid extends Error {}

const fail = (reason: string): never => {
  throw new Invalid(reason)
}

function stringArray(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return fail(`${what} is not an array of strings`)
  return value as string[]
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined
  return typeof value === 'string' ? value : fail(`${what} is not a string`)
}

function severities(value: unknown, what: string): OsvSeverity[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) return fail(`${what} is not an array`)
  return value.map((s, i) => {
    if (!isObject(s) || typeof s.type !== 'string' || typeof s.score !== 'string') return fail(`${what}[${i}] needs a type and a score`)
    return { type: s.type, score: s.score }
  })
}

function event(value: unknown, what: string): OsvEvent {
  if (!isObject(value)) return fail(`${what} is not an object`)
  const kinds = EVENT_KINDS.filter((k) => value[k] !== undefined)
  if (kinds.length !== 1) return fail(`${what} must have exactly one of introduced, fixed, last_affected, limit`)
  const kind = kinds[0] as (typeof EVENT_KINDS)[number]
  const version = value[kind]
  if (typeof version !== 'string' || version === '') return fail(`${what}.${kind} is not a version string`)
  switch (kind) {
    case 'introduced':
      return { introduced: version }
    case 'fixed':
      return { fixed: version }
    case 'last_affected':
      return { last_affected: version }
    case 'limit':
      return { limit: version }
  }
}

function range(value: unknown, what: string): OsvRange {
  if (!isObject(value)) return fail(`${what} is not an object`)
  const type = value.type
  if (typeof type !== 'string' || !RANGE_TYPES.includes(type)) return fail(`${what}.type ${JSON.stringify(type)} is not SEMVER, ECOSYSTEM or GIT`)
  const repo = optionalString(value.repo, `${what}.repo`)
  if (type === 'GIT' && !repo) fail(`${what} is a GIT range without repo`)
  if (!Array.isArray(value.events) || value.events.length === 0) return fail(`${what}.events is missing or empty`)
  const events = value.events.map((e, i) => event(e, `${what}.events[${i}]`))
  if (!events.some((e) => 'introduced' in e)) fail(`${what} has no introduced event`)
  if (events.some((e) => 'fixed' in e) && events.some((e) => 'last_affected' in e)) fail(`${what} mixes fixed and last_affected events`)
  return { type: type as OsvRangeType, ...(repo ? { repo } : {}), events }
}

function affected(value: unknown, what: string): OsvAffected {
  if (!isObject(value)) return fail(`${what} is not an object`)
  let ecosystem: string | undefined
  let name: string | undefined
  if (value.package !== undefined && value.package !== null) {
    const pkg = value.package
    if (!isObject(pkg) || typeof pkg.ecosystem !== 'string' || typeof pkg.name !== 'string' || pkg.ecosystem === '' || pkg.name === '') {
      return fail(`${what}.package needs an ecosystem and a name`)
    }
    ecosystem = pkg.ecosystem
    name = pkg.name
  }
  if (value.ranges !== undefined && value.ranges !== null && !Array.isArray(value.ranges)) return fail(`${what}.ranges is not an array`)
  const ranges = ((value.ranges as unknown[] | undefined | null) ?? []).map((r, i) => range(r, `${what}.ranges[${i}]`))
  if (ecosystem === undefined && ranges.some((r) => r.type !== 'GIT')) fail(`${what} has ${ranges.find((r) => r.type !== 'GIT')?.type} ranges but no package`)
  return {
    ...(ecosystem !== undefined ? { ecosystem } : {}),
    ...(name !== undefined ? { name } : {}),
    versions: stringArray(value.versions, `${what}.versions`),
    ranges,
    severity: severities(value.severity, `${what}.severity`),
  }
}

function references(value: unknown): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) return fail('references is not an array')
  return value.map((r, i) => {
    if (!isObject(r) || typeof r.url !== 'string') return fail(`references[${i}] has no url`)
    return r.url
  })
}

/** Checks one parsed JSON value against the OSV schema's requirements and keeps what matching needs. */
export function parseOsvRecord(value: unknown): OsvParse {
  try {
    if (!isObject(value)) fail('not a JSON object')
    const v = value as Record<string, unknown>
    if (typeof v.id !== 'string' || v.id.trim() === '') fail('no id')
    const id = v.id as string
    if (typeof v.modified !== 'string' || v.modified === '') fail(`${id}: no modified timestamp`)
    if (v.affected !== undefined && v.affected !== null && !Array.isArray(v.affected)) fail(`${id}: affected is not an array`)
    const affectedList = ((v.affected as unknown[] | undefined | null) ?? []).map((a, i) => affected(a, `affected[${i}]`))
    const summary = optionalString(v.summary, 'summary') ?? ''
    const details = optionalString(v.details, 'details') ?? ''
    const published = optionalString(v.published, 'published')
    const withdrawn = optionalString(v.withdrawn, 'withdrawn')
    const db = isObject(v.database_specific) ? v.database_specific : {}
    const databaseSeverity = typeof db.severity === 'string' && db.severity !== '' ? db.severity : undefined
    const cwe = Array.isArray(db.cwe_ids) ? db.cwe_ids.filter((c): c is string => typeof c === 'string') : []
    const record: OsvRecord = {
      id,
      modified: v.modified as string,
      ...(published ? { published } : {}),
      ...(withdrawn ? { withdrawn } : {}),
      aliases: stringArray(v.aliases, 'aliases'),
      upstream: stringArray(v.upstream, 'upstream'),
      summary: summary || firstLine(details),
      severity: severities(v.severity, 'severity'),
      ...(databaseSeverity ? { databaseSeverity } : {}),
      cwe,
      affected: affectedList,
      references: references(v.references),
    }
    return { ok: true, record }
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: err.message }
    throw err
  }
}

const firstLine = (text: string): string => {
  const line = text.trim().split('\n')[0]?.trim() ?? ''
  return line.length > 160 ? `${line.slice(0, 157)}...` : line
}

/** Our ecosystem for an OSV ecosystem string: `npm`, `Debian`, `Debian:12`, `Debian:sid`. */
export function mapEcosystem(osvEcosystem: string): 'npm' | 'deb' | undefined {
  if (osvEcosystem === 'npm') return 'npm'
  if (osvEcosystem === 'Debian' || osvEcosystem.startsWith('Debian:')) return 'deb'
  return undefined
}

/** The version an event carries. */
export const eventVersion = (e: OsvEvent): string =>
  'introduced' in e ? e.introduced : 'fixed' in e ? e.fixed : 'last_affected' in e ? e.last_affected : e.limit

export const eventKind = (e: OsvEvent): 'introduced' | 'fixed' | 'last_affected' | 'limit' =>
  'introduced' in e ? 'introduced' : 'fixed' in e ? 'fixed' : 'last_affected' in e ? 'last_affected' : 'limit'

/** `introduced 1.0.0, fixed 1.0.2` */
export const describeEvents = (events: readonly OsvEvent[]): string => events.map((e) => `${eventKind(e)} ${eventVersion(e)}`).join(', ')
