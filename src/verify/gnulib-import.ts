/**
 * @fileoverview A gnulib import the tag records but does not pin: its bootstrap runs gnulib-tool on
 * whatever gnulib it finds (a fresh clone, a `--gnulib-srcdir`), and the release ships the copies.
 * No commit says which gnulib, so with gnulib's repository given each copy must be a version that
 * gnulib's own history has, under the same path.
 */
import { StagelightError } from '../errors.js'
import { gitBlobId } from '../sources/archive/index.js'
import { pathVersions, type PathHistory, type PathVersion } from '../sources/git/blob-history.js'
import type { Repository, SourceTree } from '../sources/git/types.js'
import { basenameOf } from '../util/paths.js'

/** the parts of gnulib's tree gnulib-tool copies from (its own layout, see gnulib-list.ts) */
const GNULIB_DIRS = ['lib', 'tests', 'm4', 'build-aux', 'doc', 'top']
/** the program every gnulib has at its top, and no project that imports it */
const GNULIB_TOOL = 'gnulib-tool'

/** files only a gnulib-tool import writes or reads: its record of the modules, gnulib's bootstrap configuration */
const IMPORT_RECORDS = new Set(['gnulib-cache.m4', 'bootstrap.conf'])

/** The tag's record of a gnulib import (its `gnulib-cache.m4` or `bootstrap.conf`), if it has one. */
export function gnulibImportRecord(tagPaths: Iterable<string>): string | undefined {
  let found: string | undefined
  for (const path of tagPaths) {
    if (!IMPORT_RECORDS.has(basenameOf(path))) continue
    // gnulib-tool's own record says more than the bootstrap's configuration
    if (basenameOf(path) === 'gnulib-cache.m4') return path
    found ??= path
  }
  return found
}

export interface GnulibVersion {
  readonly version: PathVersion
  /** the copy has gnulib-tool's `#if 1` where gnulib has `#ifdef HAVE_CONFIG_H` */
  readonly rewritten: boolean
}

const CONFIG_H_REWRITE = /^#if 1[\t ]*$/m

/**
 * What a copy's license notice was in gnulib before gnulib-tool moved it to the project's license
 * (to the GPL 3 by default): the text itself, an LGPL 2.1, 2 or 3 notice, or a GPL 2 one.
 */
function licenseOriginals(text: string): string[] {
  if (!/General Public License|version 3[ ,]/.test(text)) return [text]
  const lesser = text.replace(/(?<!Lesser )General Public License/g, 'Lesser General Public License')
  const version = (t: string, to: string): string => t.replace(/version 3([ ,])/g, `version ${to}$1`)
  return [text, version(lesser, '2.1'), version(lesser, '2'), lesser, version(text, '2')]
}

/** Every version of every file gnulib-tool may copy, from one gnulib repository. */
export class GnulibHistory {
  readonly spec: string
  private readonly versions: PathHistory

  private constructor(spec: string, versions: PathHistory) {
    this.spec = spec
    this.versions = versions
  }

  /** `cacheDir`: where the versions are kept for the next run on the same refs (gnulib's history takes seconds to read) */
  static async read(repo: Repository, cacheDir?: string): Promise<GnulibHistory> {
    return new GnulibHistory(repo.spec, await pathVersions(repo, [...GNULIB_DIRS, GNULIB_TOOL], cacheDir))
  }

  /** the repository's history has gnulib-tool itself */
  get isGnulib(): boolean {
    return this.versions.has(GNULIB_TOOL)
  }

  /** How many versions gnulib's history has of `name`, and the date of the newest. */
  versionsOf(name: string): { count: number; newest?: string } {
    const versions = [...(this.versions.get(name)?.values() ?? [])]
    const newest = versions.map((v) => v.date).sort().pop()
    return { count: versions.length, ...(newest ? { newest } : {}) }
  }

  /** The version of gnulib's `name` (`lib/foo.c`) these bytes are, as gnulib-tool copies it. */
  versionOf(name: string, content: Buffer): GnulibVersion | undefined {
    const versions = this.versions.get(name)
    if (!versions) return undefined
    const exact = versions.get(gitBlobId(content))
    if (exact) return { version: exact, rewritten: false }
    const text = content.toString('latin1')
    // gnulib-tool rewrites the config.h guard near the top (a `#if 1` of gnulib's own further down stays), and the license notice
    const guards = CONFIG_H_REWRITE.test(text) ? [text, text.replace(CONFIG_H_REWRITE, '#ifdef HAVE_CONFIG_H'), text.replace(new RegExp(CONFIG_H_REWRITE.source, 'gm'), '#ifdef HAVE_CONFIG_H')] : [text]
    for (const guarded of guards) {
      for (const undone of licenseOriginals(guarded)) {
        if (undone === text) continue
        const version = versions.get(gitBlobId(Buffer.from(undone, 'latin1')))
        if (version) return { version, rewritten: true }
      }
    }
    return undefined
  }
}

/**
 * gnulib's history from the repository the user gave with `--gnulib`; a usage error when the tag
 * pins gnulib (then `--submodule` compares with the pinned commit) or records no gnulib import.
 */
export async function readGnulib(
  spec: string,
  source: SourceTree,
  record: string | undefined,
  ref: string,
  open: (spec: string) => Promise<Repository>,
  progress: (msg: string) => void,
  cacheDir?: string,
): Promise<GnulibHistory> {
  const pinned = [...source.entries.values()].find((e) => e.kind === 'submodule' && basenameOf(e.path) === 'gnulib')
  if (pinned) throw new StagelightError('E_USAGE', `${ref} pins gnulib at ${pinned.path}: give its repository with --submodule ${pinned.path}=REPO instead of --gnulib`, { path: pinned.path })
  if (record === undefined) throw new StagelightError('E_USAGE', `${ref} records no gnulib import (no gnulib-cache.m4 or bootstrap.conf), so --gnulib does not apply`, { ref })
  const repo = await open(spec)
  progress(`reading the history of gnulib's lib/, m4/, build-aux/ and tests/ in ${spec}`)
  const history = await GnulibHistory.read(repo, cacheDir)
  if (!history.isGnulib) throw new StagelightError('E_INPUT_INVALID', `${spec} never had ${GNULIB_TOOL}: it is not gnulib`, { spec })
  return history
}
