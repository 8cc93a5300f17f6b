/**
 * @fileoverview `verify` of every new release that has both an artifact and a source: an npm
 * tarball with the repository given for its package, a release tarball found by its URL pattern
 * next to a git repository's new tag, or a new release tarball found in a listing, against the
 * tag of its version.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createHash, randomUUID } from 'node:crypto'
import { inferRef, listTags, openRepository } from '../../sources/git/index.js'
import { fetchTarball, loadRegistryConfig, resolvePackage } from '../../sources/npm/index.js'
import { verify, versionFromRef } from '../../verify/verify.js'
import type { WatchContext } from '../context.js'
import type { Target } from '../model.js'
import { eventsOf } from './events.js'
import { RetryableError, type AnalysisHandler, type ReleaseUnderAnalysis } from './types.js'

/** `{version}` and `{tag}` of a tarball pattern filled in. */
export const tarballLocation = (pattern: string, version: string, tag: string | undefined): string => pattern.replaceAll('{version}', version).replaceAll('{tag}', tag ?? version)

const MAX_TARBALL_BYTES = 1024 * 1024 * 1024

/** The tarball served is not the one the index describes: a mirror or a man in the middle changed it. */
export class TarballChecksumMismatch extends Error {
  readonly location: string
  constructor(location: string, actual: string, expected: string) {
    super(`${location} has SHA-256 ${actual}, but the index lists ${expected}: the served file is not the released one`)
    this.name = 'TarballChecksumMismatch'
    this.location = location
  }
}

/**
 * Runs an analysis that reads the release tarball; a checksum mismatch becomes a critical event of
 * the release (stored once, however many analyses meet it) and the job fails, to be retried in case
 * the mirror is repaired.
 */
export async function reportingMismatch<T>(release: ReleaseUnderAnalysis, context: WatchContext, analysis: () => Promise<T>): Promise<T> {
  try {
    return await analysis()
  } catch (err) {
    if (err instanceof TarballChecksumMismatch) {
      const { target, version } = release
      await context.store.recordEvents(`${target.key}|${version}|checksum`, target.key, version, 'checksum', [
        { severity: 'critical', ruleId: 'watch/tarball-checksum-mismatch', message: `the release tarball of ${target.name} ${version} is not the file its index lists`, evidence: err.message },
      ])
    }
    throw err
  }
}

/** Downloads under way in this process: scan and verify of one release share one download. */
const downloading = new Map<string, Promise<string>>()

/** The release tarball on disk: a local path as is, a URL downloaded into the cache. Not there yet → retry later. */
export async function releaseTarball(location: string, context: WatchContext, sha256?: string): Promise<string> {
  const key = `${context.cacheDir}\0${location}`
  let download = downloading.get(key)
  if (!download) {
    download = fetchReleaseTarball(location, context).finally(() => downloading.delete(key))
    downloading.set(key, download)
  }
  const file = await download
  if (sha256 !== undefined) {
    const actual = createHash('sha256')
    await pipeline(createReadStream(file), actual)
    const digest = actual.digest('hex')
    if (digest !== sha256.toLowerCase()) {
      // a download is not kept: the next attempt fetches it again, in case the mirror was repaired
      if (/^https?:\/\//i.test(location)) await rm(file, { force: true })
      throw new TarballChecksumMismatch(location, digest, sha256)
    }
  }
  return file
}

async function fetchReleaseTarball(location: string, context: WatchContext): Promise<string> {
  if (!/^https?:\/\//i.test(location)) {
    const path = resolve(context.cwd, location.replace(/^file:\/\//, ''))
    if (!(await stat(path).catch(() => undefined))?.isFile()) throw new RetryableError(`release tarball ${path} is not there (yet)`)
    return path
  }
  const dir = join(context.cacheDir, 'watch-tarballs', createHash('sha256').update(location).digest('hex').slice(0, 16))
  const file = join(dir, basename(new URL(location).pathname) || 'release.tar')
  if ((await stat(file).catch(() => undefined))?.isFile()) return file
  let response: Response
  try {
    response = await fetch(location, { signal: AbortSignal.timeout(120_000) })
  } catch (err) {
    throw new RetryableError(`cannot download ${location}: ${(err as Error).message}`, { cause: err })
  }
  if (!response.ok || !response.body) throw new RetryableError(`cannot download ${location}: HTTP ${response.status}`)
  const length = Number(response.headers.get('content-length') ?? 0)
  if (length > MAX_TARBALL_BYTES) throw new Error(`${location}: larger than ${MAX_TARBALL_BYTES} bytes`)
  await mkdir(dir, { recursive: true })
  // scan and verify of one release may download it at once: each into a file of its own
  const partial = `${file}.${randomUUID()}.partial`
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(partial))
  await rename(partial, file)
  return file
}

async function artifactOf(release: ReleaseUnderAnalysis, context: WatchContext): Promise<string> {
  const { target } = release
  if (target.kind === 'npm') {
    const config = loadRegistryConfig(context.cwd, context.env, target.options.registry)
    const pkg = await resolvePackage({ name: target.name, selector: release.version }, { config, cacheDir: context.cacheDir })
    return fetchTarball(pkg, { config, cacheDir: context.cacheDir })
  }
  return releaseTarball(releaseTarballLocation(release), context, expectedSha256(release))
}

/** Where a release's tarball is: as found in the listing or index, else by the pattern. */
export const releaseTarballLocation = (release: ReleaseUnderAnalysis): string => {
  if (typeof release.facts.tarball === 'string') return release.facts.tarball
  if (release.target.kind === 'debian') throw new Error(`the Sources index lists no upstream tarball for ${release.target.name} ${release.version}`)
  return tarballLocation(release.target.kind === 'tarball' ? release.target.name : (release.target.options.tarballs ?? ''), release.version, release.ref)
}

/** The SHA-256 an index gave for the release's tarball, if any. */
export const expectedSha256 = (release: ReleaseUnderAnalysis): string | undefined => (typeof release.facts.sha256 === 'string' ? release.facts.sha256 : undefined)

/**
 * The upstream version of a Debian version: without the epoch, the Debian revision and a repack
 * suffix (`1:1.2.13.dfsg-1` → `1.2.13`, `2.0+ds1-3` → `2.0`); a `+really` version is the one it
 * really is (`5.6.1+really5.4.5-1` → `5.4.5`).
 */
export function upstreamVersion(debian: string): string {
  let version = debian.replace(/^\d+:/, '')
  if (version.includes('-')) version = version.slice(0, version.lastIndexOf('-'))
  const really = /\+really([^+~]+)/i.exec(version)
  if (really) version = really[1]!
  return version.replace(/[+~.](?:dfsg|ds|repack)\d*(?:[.+~][\w.+~]*)?$/i, '')
}

/**
 * The upstream tag a Debian version's tarball was made from: the one tag whose version (the number
 * at the end of its name) is the upstream version. A source package's name may hold digits of its
 * own (`libpng1.6`), so the name is left out unless several tags carry the version.
 */
async function debianRef(release: ReleaseUnderAnalysis, source: string, context: WatchContext): Promise<string> {
  const repo = await openRepository(source, { cacheDir: context.cacheDir, offline: false })
  const tags = await listTags(repo)
  const upstream = upstreamVersion(release.version)
  const carrying = tags.filter((t) => versionFromRef(t) === upstream)
  if (carrying.length === 1) return carrying[0]!
  return inferRef(carrying.length > 1 ? carrying : tags, `${release.target.name}-${upstream}.tar`)
}

const sourceOf = (target: Target): string | undefined => (target.kind === 'git' ? target.name : target.options.source)

export const verifyAnalysis: AnalysisHandler = {
  name: 'verify',
  applies: (target) => (target.kind === 'npm' && target.options.source !== undefined) || (target.kind === 'git' && target.options.tarballs !== undefined) || ((target.kind === 'tarball' || target.kind === 'debian') && target.options.source !== undefined),
  async run(release, context) {
    const source = sourceOf(release.target)!
    const artifact = await reportingMismatch(release, context, () => artifactOf(release, context))
    const report = await verify({
      artifact,
      source,
      cacheDir: context.cacheDir,
      labels: { artifact: `${release.target.name}@${release.version}`, source },
      // a git target's tag is known; a Debian version's is its upstream version's; an npm version's is inferred from the repository's tags
      ...(release.target.kind === 'git' && release.ref ? { ref: release.ref } : {}),
      // the repository was just brought up to date for the Debian version's tag
      ...(release.target.kind === 'debian' ? { ref: await debianRef(release, source, context), offline: true } : {}),
    })
    return { report, events: eventsOf(report) }
  },
}
