/**
 * @fileoverview The npm registry's bulk advisory endpoint (`POST /-/npm/v1/security/advisories/bulk`,
 * what `npm audit` asks): `{ "<name>": ["<version>", …] }` in, `{ "<name>": [advisory, …] }` out.
 * When the endpoint does not answer (404 on registries without it, network errors, time-outs),
 * the result says it was not consulted and why: an unanswered question is never "no advisories".
 */
import semver from 'semver'
import { boundedRequest, HttpError } from '../http.js'
import { severityOfWord } from './cvss.js'
import { isMaliciousRecord } from './store.js'
import type { AdvisoryMatch } from './types.js'

export interface NpmBulkOptions {
  /** per attempt (default 15 s) */
  readonly timeoutMs?: number
  /** retries after a network error, a time-out, 5xx or 429 (default 1) */
  readonly retries?: number
  /** the `authorization` header for this registry (`Bearer …`), never logged */
  readonly authorization?: string
  /** an answer larger than this is refused (default 64 MiB) */
  readonly maxBytes?: number
  /** packages per request (default 1000) */
  readonly batchSize?: number
}

export interface NpmBulkResult {
  /** true only when every request was answered */
  readonly consulted: boolean
  readonly reason?: string
  /** keyed by `bulkKey(name, version)`; every package of an answered request has an entry, empty when nothing affects it */
  readonly matches: Map<string, AdvisoryMatch[]>
}

/** The key of `NpmBulkResult.matches`: `name@version`. */
export const bulkKey = (name: string, version: string): string => `${name}@${version}`

interface BulkAdvisory {
  readonly id?: unknown
  readonly url?: unknown
  readonly title?: unknown
  readonly severity?: unknown
  readonly vulnerable_versions?: unknown
  readonly cwe?: unknown
  readonly cvss?: unknown
}

const DEFAULT_TIMEOUT = 15_000
const SEMVER_OPTIONS = { loose: true, includePrerelease: true } as const

const describe = (err: unknown): string => {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out'
    return err.cause instanceof Error ? err.cause.message : err.message
  }
  return String(err)
}

type Attempt = { ok: true; body: unknown } | { ok: false; reason: string; retry: boolean }

async function post(url: string, body: string, options: NpmBulkOptions): Promise<Attempt> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT
  try {
    const response = await boundedRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'stagelight',
        ...(options.authorization ? { authorization: options.authorization } : {}),
      },
      body,
      timeoutMs: timeout,
      maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
    })
    if (response.status < 200 || response.status >= 300) {
      const retry = response.status >= 500 || response.status === 429
      return { ok: false, reason: `the bulk advisory endpoint answered HTTP ${response.status}`, retry }
    }
    const text = response.body.toString('utf8')
    try {
      return { ok: true, body: JSON.parse(text) as unknown }
    } catch {
      return { ok: false, reason: 'the bulk advisory endpoint answered with something that is not JSON', retry: false }
    }
  } catch (err) {
    if (err instanceof HttpError) return { ok: false, reason: `the bulk advisory endpoint: ${err.message}`, retry: false }
    const reason = describe(err)
    return { ok: false, reason: reason === 'timed out' ? `the bulk advisory endpoint did not answer within ${timeout} ms` : `the bulk advisory endpoint could not be reached: ${reason}`, retry: true }
  }
}

/** Upper bounds of a `vulnerable_versions` range: each `<X` is a version that leaves it. */
function fixedFromRange(range: string, installed: string): string[] {
  let parsed: semver.Range
  try {
    parsed = new semver.Range(range, SEMVER_OPTIONS)
  } catch {
    return []
  }
  const fixes = parsed.set.flatMap((set) => set.filter((c) => c.operator === '<').map((c) => c.semver.version))
  const installedVersion = semver.parse(installed, { loose: true })
  return [...new Set(fixes)]
    .filter((v) => v !== '0.0.0-0' && (!installedVersion || semver.gt(v, installedVersion)))
    .filter((v) => !semver.satisfies(v, parsed, SEMVER_OPTIONS))
    .sort(semver.compare)
}

/** One advisory of the bulk answer, for one installed version; undefined when it does not concern that version or is malformed. */
export function bulkAdvisoryToMatch(advisory: BulkAdvisory, version: string, askedVersions: number, registry: string): AdvisoryMatch | undefined {
  if (typeof advisory !== 'object' || advisory === null) return undefined
  const range = typeof advisory.vulnerable_versions === 'string' ? advisory.vulnerable_versions : undefined
  const validRange = range !== undefined && semver.validRange(range, SEMVER_OPTIONS) !== null
  if (validRange) {
    if (!semver.satisfies(version, range, SEMVER_OPTIONS)) return undefined
  } else if (askedVersions > 1) {
    return undefined // the answer cannot be tied to one of the versions asked about
  }
  const url = typeof advisory.url === 'string' ? advisory.url : undefined
  const npmId = typeof advisory.id === 'number' || typeof advisory.id === 'string' ? String(advisory.id) : undefined
  const ghsa = url ? /GHSA(-[23456789cfghjmpqrvwx]{4}){3}/i.exec(url)?.[0] : undefined
  const id = ghsa ?? (npmId ? `NPM-${npmId}` : undefined)
  if (!id) return undefined
  const title = typeof advisory.title === 'string' ? advisory.title : ''
  const word = typeof advisory.severity === 'string' ? advisory.severity : undefined
  const cvss = typeof advisory.cvss === 'object' && advisory.cvss !== null ? (advisory.cvss as { score?: unknown; vectorString?: unknown }) : {}
  const score = typeof cvss.score === 'number' && cvss.score > 0 ? cvss.score : undefined
  const vector = typeof cvss.vectorString === 'string' ? cvss.vectorString : undefined
  const severity = (word ? severityOfWord(word) : undefined) ?? 'medium'
  const cwe = Array.isArray(advisory.cwe) ? advisory.cwe.filter((c): c is string => typeof c === 'string') : []
  const aliases = npmId && ghsa ? [`NPM-${npmId}`] : []
  return {
    id,
    aliases,
    summary: title,
    severity,
    severitySource: word
      ? `npm registry severity ${word}${score !== undefined ? ` (CVSS ${score}${vector ? ` ${vector}` : ''})` : ''}`
      : 'not stated by the registry (medium assumed)',
    ...(score !== undefined ? { cvssScore: score } : {}),
    malicious: isMaliciousRecord(id, aliases) || /^(malware|malicious code) in /i.test(title),
    fixedVersions: range ? fixedFromRange(range, version) : [],
    lastAffected: [],
    range: { kind: 'range', ecosystem: 'npm', text: `vulnerable_versions ${range ?? '(not stated)'}` },
    references: url ? [url] : [],
    withdrawn: false,
    source: `npm-bulk:${registry}`,
    ...(cwe.length > 0 ? { cwe } : {}),
  }
}

/**
 * Asks the registry's bulk advisory endpoint about these packages. `registry` is the registry URL
 * (`https://registry.npmjs.org/`; a missing trailing slash is added).
 */
export async function queryNpmBulkAdvisories(
  registry: string,
  packages: readonly { readonly name: string; readonly version: string }[],
  options: NpmBulkOptions = {},
): Promise<NpmBulkResult> {
  const base = registry.endsWith('/') ? registry : `${registry}/`
  const matches = new Map<string, AdvisoryMatch[]>()
  const byName = new Map<string, Set<string>>()
  for (const { name, version } of packages) byName.set(name, (byName.get(name) ?? new Set()).add(version))
  if (byName.size === 0) return { consulted: false, reason: 'no npm packages to ask about', matches }
  let url: string
  try {
    url = new URL('-/npm/v1/security/advisories/bulk', base).href
  } catch {
    return { consulted: false, reason: `${registry} is not a URL`, matches }
  }
  const names = [...byName.keys()]
  const batchSize = Math.max(1, options.batchSize ?? 1000)
  const retries = options.retries ?? 1
  const failures: string[] = []
  for (let start = 0; start < names.length; start += batchSize) {
    const batch = names.slice(start, start + batchSize)
    const body = JSON.stringify(Object.fromEntries(batch.map((n) => [n, [...(byName.get(n) ?? [])]])))
    let attempt: Attempt = { ok: false, reason: 'not asked', retry: true }
    for (let i = 0; i <= retries; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 200))
      attempt = await post(url, body, options)
      if (attempt.ok || !attempt.retry) break
    }
    if (!attempt.ok) {
      failures.push(attempt.reason)
      continue
    }
    const answer = attempt.body
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      failures.push('the bulk advisory endpoint answered with JSON that is not an object of advisories')
      continue
    }
    for (const name of batch) {
      const versions = [...(byName.get(name) ?? [])]
      const listed: unknown = (answer as Record<string, unknown>)[name]
      const advisories: unknown[] = Array.isArray(listed) ? listed : []
      for (const version of versions) {
        const found = advisories
          .map((a) => bulkAdvisoryToMatch(a as BulkAdvisory, version, versions.length, base))
          .filter((m): m is AdvisoryMatch => m !== undefined)
        matches.set(bulkKey(name, version), found)
      }
    }
  }
  if (failures.length > 0) {
    const unique = [...new Set(failures)]
    return { consulted: false, reason: `${new URL(base).origin}: ${unique.join('; ')}`, matches }
  }
  return { consulted: true, matches }
}
