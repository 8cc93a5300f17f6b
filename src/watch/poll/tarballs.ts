/**
 * @fileoverview New release tarballs of a project that publishes them on a web server or in a
 * directory: the listing (a web server's index page, or the directory itself) is read on every
 * poll, and every file whose name fits the pattern (`foo-{version}.tar.gz`, `foo-{version}.tar.*`)
 * is a release of that version. Each is then verified against the tag of its version in the
 * project's repository.
 */
import { readdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { StagelightError } from '../../errors.js'
import type { WatchContext } from '../context.js'
import type { Release, Target } from '../model.js'
import { RetryableError } from '../analyses/types.js'
import { escapeRegExp } from '../../util/regexp.js'

const MAX_LISTING_BYTES = 8 * 1024 * 1024
const isUrl = (location: string): boolean => /^https?:\/\//i.test(location)

/** The file-name part of a pattern, and the listing it is looked for in when none is given: the pattern's directory. */
export function splitPattern(pattern: string): { directory: string; file: string } {
  const cut = pattern.lastIndexOf('/')
  return { directory: pattern.slice(0, cut + 1), file: pattern.slice(cut + 1) }
}

/**
 * A file name pattern as a matcher: `{version}` is a version (it starts with a digit), `*` one
 * file-name extension (`.tar.*` takes `.tar.gz` and `.tar.xz`, not `.tar.gz.sig`).
 */
export function fileMatcher(file: string): (name: string) => string | undefined {
  if (!file.includes('{version}')) throw new StagelightError('E_USAGE', `the release file name ${JSON.stringify(file)} has no {version}`)
  const source = file
    .split('{version}')
    .map((part) => part.split('*').map(escapeRegExp).join('[A-Za-z0-9]+'))
    .join('(\\d[0-9A-Za-z.+~_-]*?)')
  const re = new RegExp(`^${source}$`)
  return (name) => re.exec(name)?.[1]
}

/** The names a listing links to (`href`s of an HTML index page, else one name per line), resolved against it. */
export function listedUrls(listing: string, body: string): string[] {
  const hrefs = [...body.matchAll(/\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/gi)].map((m) => m[1] ?? m[2] ?? m[3] ?? '')
  const names = hrefs.length > 0 ? hrefs : body.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !/\s/.test(l))
  const urls: string[] = []
  for (const name of names) {
    try {
      urls.push(new URL(name.replace(/&amp;/g, '&'), listing).toString())
    } catch {
      // not a link: ignored
    }
  }
  return urls
}

async function readListing(listing: string, context: WatchContext): Promise<string[]> {
  if (!isUrl(listing)) {
    const dir = resolve(context.cwd, listing.replace(/^file:\/\//, ''))
    const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      throw new RetryableError(`cannot read the release directory ${dir}: ${err.code ?? err.message}`)
    })
    return entries.map((name) => pathToFileURL(resolve(dir, name)).toString())
  }
  let response: Response
  try {
    response = await fetch(listing, { signal: AbortSignal.timeout(60_000), headers: { accept: 'text/html, text/plain;q=0.9, */*;q=0.1' } })
  } catch (err) {
    throw new RetryableError(`cannot read the release listing ${listing}: ${(err as Error).message}`, { cause: err })
  }
  if (!response.ok) throw new RetryableError(`the release listing ${listing} answered HTTP ${response.status}`)
  if (Number(response.headers.get('content-length') ?? 0) > MAX_LISTING_BYTES) throw new Error(`the release listing ${listing} is larger than ${MAX_LISTING_BYTES} bytes`)
  const body = await response.text()
  // a listing on a web server names files on web servers: a `file:` link in it must not reach this machine's files
  return listedUrls(response.url || listing, body.slice(0, MAX_LISTING_BYTES)).filter(isUrl)
}

const lastSegment = (url: string): string => {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '')
  } catch {
    return ''
  }
}

/** Every release file the listing holds, one per version (the first by name when several compressions exist), oldest version first. */
export async function pollTarballs(target: Target, context: WatchContext): Promise<Release[]> {
  const { directory, file } = splitPattern(target.name)
  const matches = fileMatcher(file)
  const byVersion = new Map<string, string>()
  const urls = (await readListing(target.options.listing ?? directory, context)).sort()
  for (const url of urls) {
    const version = matches(lastSegment(url))
    if (version !== undefined && !byVersion.has(version)) byVersion.set(version, url)
  }
  return [...byVersion.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([version, url]) => ({ version, facts: { tarball: url.startsWith('file:') ? fileURLToPath(url) : url } }))
}
