/**
 * @fileoverview The corpus of real upstream releases (bench/corpus/releases.json) and where its
 * pieces live on this machine: the upstream tarball as Debian ships it, fetched with
 * `apt-get source --download-only` (or, for an npm package, the tarball the registry serves, fetched
 * with `npm pack`), and the upstream repository, taken from a directory of mirrors.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gnulibImportRecord } from '../src/verify/gnulib-import.js'

export interface Release {
  readonly name: string
  readonly version: string
  readonly kind: 'autotools' | 'cmake' | 'meson' | 'plain' | 'python' | 'npm'
  /** where the tarball comes from: Debian's source package, or the npm registry */
  readonly debian?: { readonly source: string; readonly version: string }
  readonly npm?: { readonly name: string; readonly version: string }
  /** the `.orig.tar.*` file name, recorded after the first download */
  readonly tarball: string | null
  readonly sha256: string | null
  /** owner/name of the upstream repository */
  readonly repository: string
  /** the release tag; the release commit for a mirror without tags (found by matching the tarball's files) */
  readonly tag: string
  /** written before stagelight was run on the release */
  readonly expected: 'pass' | 'fail'
  /** owner/name of the repository of each submodule the tag pins, by its path */
  readonly submodules?: Readonly<Record<string, string>>
}

// beside this module when run from source, two levels up from its compiled copy in dist/bench/
export const corpusFile = [new URL('./corpus/releases.json', import.meta.url), new URL('../../bench/corpus/releases.json', import.meta.url)].map((u) => fileURLToPath(u)).find((p) => existsSync(p)) ?? fileURLToPath(new URL('./corpus/releases.json', import.meta.url))

export function loadCorpus(): Release[] {
  return (JSON.parse(readFileSync(corpusFile, 'utf8')) as { releases: Release[] }).releases
}

/** Where tarballs (debian/), rewritten tarballs (tampered/) and scratch space live. */
export const corpusCache = process.env.STAGELIGHT_CORPUS_DIR ?? join(homedir(), '.cache', 'stagelight-corpus')

/** `1:2.1.5-2` → `2.1.5`: the upstream part of a Debian version, as the .orig tarball is named. */
export const upstreamVersion = (debianVersion: string): string => debianVersion.replace(/^\d+:/, '').replace(/-[^-]+$/, '')

export const sha256File = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

const ORIG = /\.orig\.tar\.(gz|xz|bz2|zst)$/

function findOrig(dir: string, release: Release): string | undefined {
  if (!existsSync(dir) || !release.debian) return undefined
  const prefix = `${release.debian.source}_${upstreamVersion(release.debian.version)}.orig.tar.`
  const name = readdirSync(dir).find((f) => f.startsWith(prefix) && ORIG.test(f))
  return name ? join(dir, name) : undefined
}

/** Debian's pool directory of a source package: `pool/main/libf/libfoo`, `pool/main/z/zlib`. */
const poolDirectory = (source: string): string => `pool/main/${source.startsWith('lib') ? source.slice(0, 4) : source.slice(0, 1)}/${source}`

const DEBIAN_MIRROR = process.env.STAGELIGHT_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian'

/**
 * The release's upstream tarball: from the cache, downloaded with apt-get (needs deb-src lines of
 * the release's suite), or taken by name from the archive's pool, which keeps it while any suite
 * ships that upstream version.
 */
export function tarballOf(release: Release): string | undefined {
  if (release.npm) return npmTarballOf(release.npm, release.tarball)
  if (!release.debian) return undefined
  const dir = join(corpusCache, 'debian')
  const found = findOrig(dir, release)
  if (found) return found
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync('apt-get', ['source', '--download-only', '-q', `${release.debian.source}=${release.debian.version}`], { cwd: dir, stdio: 'ignore' })
  } catch {
    // the .debian.tar of an older revision may be gone while the .orig is still there
  }
  const fromApt = findOrig(dir, release)
  if (fromApt || !release.tarball) return fromApt
  const target = join(dir, release.tarball)
  try {
    execFileSync('curl', ['-sSfL', '--retry', '2', '-o', `${target}.part`, `${DEBIAN_MIRROR}/${poolDirectory(release.debian.source)}/${release.tarball}`], { stdio: 'ignore' })
    renameSync(`${target}.part`, target)
  } catch {
    rmSync(`${target}.part`, { force: true })
  }
  return findOrig(dir, release)
}

/** The package's tarball as the registry serves it (`npm pack name@version`), kept in the cache. */
function npmTarballOf(pkg: { name: string; version: string }, tarball: string | null): string | undefined {
  const dir = join(corpusCache, 'npm')
  const packed = tarball ?? `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`
  const target = join(dir, packed)
  if (existsSync(target)) return target
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync('npm', ['pack', `${pkg.name}@${pkg.version}`, '--silent', '--pack-destination', dir], { stdio: 'ignore' })
  } catch {
    return undefined
  }
  return existsSync(target) ? target : undefined
}

/**
 * The upstream repository: `<mirrors>/<owner>+<name>/repo` (a bare git directory, the layout of the
 * mirror directory this corpus was assembled with), `<mirrors>/<owner>+<name>` or
 * `<mirrors>/<owner>/<name>`. Set the directory with STAGELIGHT_MIRRORS or --mirrors.
 */
export function repositoryOf(release: Pick<Release, 'repository'>, mirrors: string): string | undefined {
  const [owner, name] = release.repository.split('/')
  const candidates = [join(mirrors, `${owner}+${name}`, 'repo'), join(mirrors, `${owner}+${name}`), join(mirrors, owner ?? '', name ?? '')]
  return candidates.find((c) => existsSync(join(c, 'HEAD')) || existsSync(join(c, '.git')))
}

/** `--submodule PATH=MIRROR` for each submodule the corpus names; undefined when a mirror is missing. */
export function submoduleArgs(release: Release, mirrors: string): string[] | undefined {
  const args: string[] = []
  for (const [path, repository] of Object.entries(release.submodules ?? {})) {
    const mirror = repositoryOf({ repository }, mirrors)
    if (!mirror) return undefined
    args.push('--submodule', `${path}=${mirror}`)
  }
  return args
}

/** gnulib's mirror on GitHub: the history `--gnulib` reads */
const GNULIB_REPOSITORY = 'coreutils/gnulib'

/**
 * `--gnulib MIRROR` when the tag imports gnulib without pinning it (a gnulib-cache.m4 or
 * bootstrap.conf and no gnulib submodule) and gnulib's mirror is here, as a user with a gnulib
 * clone runs it when verify asks for one; nothing otherwise.
 */
export function gnulibArgs(release: Release, repo: string, mirrors: string): string[] {
  const mirror = repositoryOf({ repository: GNULIB_REPOSITORY }, mirrors)
  // a gnulib the case names as a submodule is given with --submodule
  if (!mirror || Object.keys(release.submodules ?? {}).some((path) => basename(path) === 'gnulib')) return []
  let listing: string
  try {
    listing = execFileSync('git', ['-C', repo, 'ls-tree', '-r', release.tag], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] })
  } catch {
    return []
  }
  const entries = listing.split('\n').map((line) => /^(\d+) \w+ \w+\t(.*)$/.exec(line)).filter((m): m is RegExpExecArray => m !== null)
  const pinned = entries.some(([, mode, path]) => mode === '160000' && basename(path ?? '') === 'gnulib')
  return !pinned && gnulibImportRecord(entries.map(([, , path]) => path ?? '')) !== undefined ? ['--gnulib', mirror] : []
}
