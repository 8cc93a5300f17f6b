/**
 * @fileoverview Fetching a package's document and tarball from an npm registry: time-outs, a few
 * retries with backoff, an on-disk cache that also serves `--offline`, and integrity checked on
 * every tarball before anyone reads it.
 */
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import semver from 'semver'
import { StagelightError } from '../../errors.js'
import type { RegistryConfig } from './npmrc.js'
import type { PackageSpec } from './spec.js'

export interface FetchOptions {
  readonly config: RegistryConfig
  readonly cacheDir: string
  readonly offline?: boolean
  readonly timeoutMs?: number
  readonly retries?: number
  readonly onProgress?: (message: string) => void
}

export interface ResolvedPackage {
  readonly name: string
  readonly version: string
  readonly tarballUrl: string
  /** `sha512-…` (SRI) or `sha1-…` from the legacy shasum */
  readonly integrity: string | undefined
  readonly registry: string
}

interface Packument {
  readonly name?: string
  readonly 'dist-tags'?: Readonly<Record<string, string>>
  readonly versions?: Readonly<Record<string, { readonly dist?: { readonly tarball?: string; readonly integrity?: string; readonly shasum?: string } }>>
}

const DEFAULT_TIMEOUT = 30_000
const MAX_TARBALL_BYTES = 1024 ** 3

const cacheKey = (name: string): string => encodeURIComponent(name)

/** A GET with a time-out and retries on network errors and 5xx/429; other statuses are answered, not retried. */
async function request(url: string, options: FetchOptions, accept: string): Promise<Response> {
  const retries = options.retries ?? 2
  const authorization = options.config.authorizationFor(url)
  let lastError: unknown
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt))
    try {
      const response = await fetch(url, {
        headers: { accept, 'user-agent': 'stagelight', ...(authorization ? { authorization } : {}) },
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT),
        redirect: 'follow',
      })
      if (response.status >= 500 || response.status === 429) {
        lastError = new Error(`HTTP ${response.status}`)
        await response.body?.cancel()
        continue
      }
      return response
    } catch (err) {
      lastError = err
    }
  }
  const reason = lastError instanceof Error ? (lastError.cause instanceof Error ? lastError.cause.message : lastError.message) : String(lastError)
  throw new StagelightError('E_NETWORK', `cannot reach ${new URL(url).origin}: ${reason}`, { url: new URL(url).origin })
}

async function packument(spec: PackageSpec, options: FetchOptions): Promise<{ doc: Packument; registry: string }> {
  const registry = options.config.registryFor(spec.name)
  const cached = join(options.cacheDir, 'npm', cacheKey(spec.name), 'packument.json')
  if (options.offline) {
    const text = await readFile(cached, 'utf8').catch(() => {
      throw new StagelightError('E_NETWORK', `${spec.name} is not in the cache and --offline forbids fetching it`, { package: spec.name })
    })
    return { doc: JSON.parse(text) as Packument, registry }
  }
  const url = `${registry}${spec.name.replace('/', '%2f')}`
  options.onProgress?.(`fetching ${spec.name} from ${registry}`)
  const response = await request(url, options, 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8')
  if (response.status === 404) throw new StagelightError('E_INPUT_NOT_FOUND', `${spec.name}: no such package on ${registry}`, { package: spec.name, registry })
  if (!response.ok) throw new StagelightError('E_NETWORK', `${registry} answered HTTP ${response.status} for ${spec.name}`, { package: spec.name, status: response.status })
  const text = await response.text()
  let doc: Packument
  try {
    doc = JSON.parse(text) as Packument
  } catch {
    throw new StagelightError('E_INPUT_INVALID', `${registry} sent a document for ${spec.name} that is not JSON`, { package: spec.name })
  }
  await mkdir(join(options.cacheDir, 'npm', cacheKey(spec.name)), { recursive: true })
  await writeFile(cached, text)
  return { doc, registry }
}

/**
 * The git repository a version's manifest names (`repository`), as a URL git can clone:
 * `github:owner/name` and `owner/name` are GitHub's, `git+https://…` loses its `git+`. Read from
 * the version's full document, which the abbreviated one used to resolve versions leaves out.
 */
export async function repositoryOf(pkg: ResolvedPackage, options: FetchOptions): Promise<string | undefined> {
  if (options.offline) return undefined
  const response = await request(`${pkg.registry}${pkg.name.replace('/', '%2f')}/${encodeURIComponent(pkg.version)}`, options, 'application/json')
  if (!response.ok) return undefined
  const doc = (await response.json().catch(() => undefined)) as { repository?: string | { url?: string } } | undefined
  const named = typeof doc?.repository === 'string' ? doc.repository : doc?.repository?.url
  return named === undefined ? undefined : gitUrlOf(named)
}

export function gitUrlOf(repository: string): string | undefined {
  const text = repository.trim()
  const short = /^(?:(github|gitlab|bitbucket):)?([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(text)
  if (short) return `https://${short[1] === 'gitlab' ? 'gitlab.com' : short[1] === 'bitbucket' ? 'bitbucket.org' : 'github.com'}/${short[2]}/${short[3]}.git`
  const url = text.replace(/^git\+/, '').replace(/^git:\/\//, 'https://')
  return /^(?:https?|ssh|file):\/\/|^[\w.-]+@[\w.-]+:/.test(url) ? url : undefined
}

/** The version a spec selects: exact, dist-tag, or the highest in a range. */
export function selectVersion(doc: Packument, spec: PackageSpec): string | undefined {
  const versions = Object.keys(doc.versions ?? {})
  if (doc.versions?.[spec.selector]) return spec.selector
  const tagged = doc['dist-tags']?.[spec.selector]
  if (tagged) return tagged
  return semver.validRange(spec.selector) ? (semver.maxSatisfying(versions, spec.selector) ?? undefined) : undefined
}

/** Finds the version a spec names and where its tarball is. */
export async function resolvePackage(spec: PackageSpec, options: FetchOptions): Promise<ResolvedPackage> {
  const { doc, registry } = await packument(spec, options)
  const version = selectVersion(doc, spec)
  const dist = version ? doc.versions?.[version]?.dist : undefined
  if (!version || !dist?.tarball) {
    const known = semver.rsort(Object.keys(doc.versions ?? {}).filter((v) => semver.valid(v))).slice(0, 8)
    throw new StagelightError('E_INPUT_NOT_FOUND', `${spec.name}@${spec.selector}: no such version (latest: ${known.join(', ') || 'none'})`, { package: spec.name, selector: spec.selector })
  }
  const integrity = dist.integrity ?? (dist.shasum ? `sha1-${Buffer.from(dist.shasum, 'hex').toString('base64')}` : undefined)
  return { name: spec.name, version, tarballUrl: dist.tarball, integrity, registry }
}

function integrityCheck(integrity: string | undefined): { algorithm: string; expected: string } | undefined {
  // SRI may list several hashes; the strongest one npm knows is used.
  const entries = (integrity ?? '').split(/\s+/).map((e) => e.match(/^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/=]+)$/)).filter((m) => m !== null)
  const rank = ['sha1', 'sha256', 'sha384', 'sha512']
  const best = entries.sort((a, b) => rank.indexOf(b[1] ?? '') - rank.indexOf(a[1] ?? ''))[0]
  return best ? { algorithm: best[1] ?? 'sha512', expected: best[2] ?? '' } : undefined
}

/**
 * The package tarball on disk, downloaded once into the cache and checked against the registry's
 * integrity value; a mismatch is an error and the bytes are discarded.
 */
export async function fetchTarball(pkg: ResolvedPackage, options: FetchOptions): Promise<string> {
  const dir = join(options.cacheDir, 'npm', cacheKey(pkg.name))
  const file = join(dir, `${pkg.version}.tgz`)
  const check = integrityCheck(pkg.integrity)
  const cached = await readFile(file).catch(() => undefined)
  if (cached && check && createHash(check.algorithm).update(cached).digest('base64') === check.expected) return file
  if (options.offline) throw new StagelightError('E_NETWORK', `${pkg.name}@${pkg.version} is not in the cache and --offline forbids fetching it`, { package: pkg.name })
  options.onProgress?.(`downloading ${pkg.name}@${pkg.version}`)
  const response = await request(pkg.tarballUrl, options, 'application/octet-stream')
  if (!response.ok || !response.body) throw new StagelightError('E_NETWORK', `cannot download ${pkg.tarballUrl}: HTTP ${response.status}`, { url: pkg.tarballUrl })
  await mkdir(dir, { recursive: true })
  const partial = `${file}.${process.pid}.partial`
  const hash = createHash(check?.algorithm ?? 'sha512')
  let size = 0
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length
      if (size > MAX_TARBALL_BYTES) return done(new StagelightError('E_INPUT_INVALID', `${pkg.name}@${pkg.version}: tarball larger than ${MAX_TARBALL_BYTES} bytes`))
      hash.update(chunk)
      done(null, chunk)
    },
  })
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), meter, createWriteStream(partial))
  } catch (err) {
    await rm(partial, { force: true })
    if (err instanceof StagelightError) throw err
    throw new StagelightError('E_NETWORK', `download of ${pkg.name}@${pkg.version} failed: ${err instanceof Error ? err.message : String(err)}`, { package: pkg.name })
  }
  const actual = hash.digest('base64')
  if (check && actual !== check.expected) {
    await rm(partial, { force: true })
    throw new StagelightError('E_INPUT_INVALID', `${pkg.name}@${pkg.version}: tarball does not match the registry's integrity (${check.algorithm} expected ${check.expected.slice(0, 16)}…, got ${actual.slice(0, 16)}…)`, { package: pkg.name, version: pkg.version })
  }
  await rename(partial, file)
  return file
}
