/**
 * @fileoverview `verify` of every new release that has both an artifact and a source: an npm
 * tarball with the repository given for its package, a release tarball found by its URL pattern
 * next to a git repository's new tag, or a new release tarball found in a listing, against the
 * tag of its version.
 */
import { createWriteStream } from 'node:fs'
import { mkdir, rename, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createHash, randomUUID } from 'node:crypto'
import { fetchTarball, loadRegistryConfig, resolvePackage } from '../../sources/npm/index.js'
import { verify } from '../../verify/verify.js'
import type { WatchContext } from '../context.js'
import type { Target } from '../model.js'
import { eventsOf } from './events.js'
import { RetryableError, type AnalysisHandler, type ReleaseUnderAnalysis } from './types.js'

/** `{version}` and `{tag}` of a tarball pattern filled in. */
export const tarballLocation = (pattern: string, version: string, tag: string | undefined): string => pattern.replaceAll('{version}', version).replaceAll('{tag}', tag ?? version)

const MAX_TARBALL_BYTES = 1024 * 1024 * 1024

/** Downloads under way in this process: scan and verify of one release share one download. */
const downloading = new Map<string, Promise<string>>()

/** The release tarball on disk: a local path as is, a URL downloaded into the cache. Not there yet → retry later. */
export async function releaseTarball(location: string, context: WatchContext): Promise<string> {
  const key = `${context.cacheDir}\0${location}`
  const pending = downloading.get(key)
  if (pending) return pending
  const download = fetchReleaseTarball(location, context).finally(() => downloading.delete(key))
  downloading.set(key, download)
  return download
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
  return releaseTarball(releaseTarballLocation(release), context)
}

/** Where a git or tarball target's release tarball is: as found in the listing, else by the pattern. */
export const releaseTarballLocation = (release: ReleaseUnderAnalysis): string =>
  typeof release.facts.tarball === 'string' ? release.facts.tarball : tarballLocation(release.target.kind === 'tarball' ? release.target.name : (release.target.options.tarballs ?? ''), release.version, release.ref)

const sourceOf = (target: Target): string | undefined => (target.kind === 'git' ? target.name : target.options.source)

export const verifyAnalysis: AnalysisHandler = {
  name: 'verify',
  applies: (target) => (target.kind === 'npm' && target.options.source !== undefined) || (target.kind === 'git' && target.options.tarballs !== undefined) || (target.kind === 'tarball' && target.options.source !== undefined),
  async run(release, context) {
    const source = sourceOf(release.target)!
    const artifact = await artifactOf(release, context)
    const report = await verify({
      artifact,
      source,
      cacheDir: context.cacheDir,
      labels: { artifact: `${release.target.name}@${release.version}`, source },
      // a git target's tag is known; an npm version's tag is inferred from the repository's tags
      ...(release.target.kind === 'git' && release.ref ? { ref: release.ref } : {}),
    })
    return { report, events: eventsOf(report) }
  },
}
