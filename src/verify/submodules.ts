/**
 * @fileoverview What a tag pins of other repositories: its submodules, and directories a fetch
 * script of the tag fills from another repository at a fixed commit (`HASH=<40 hex>; wget
 * …/archive/${HASH}.tar.gz; tar -x`). For those whose repository the user gives, the tree at the
 * pinned commit is read, so that files under the directory are compared with it, and files a
 * bootstrap copied out of it (gnulib-tool filling lib/, m4/ and the tests directory) are
 * recognised by their bytes.
 */
import { StagelightError } from '../errors.js'
import { listTree, readBlobs, resolveRef } from '../sources/git/index.js'
import type { Repository, SourceTree } from '../sources/git/types.js'
import { basenameOf, dirnameOf } from '../util/paths.js'

/** A directory of the release that another repository fills at a commit the tag fixes. */
export interface Pin {
  readonly path: string
  readonly commit: string
  /** how the tag pins it: `submodule`, or the fetch script and the address it fetches */
  readonly how: string
}

const FETCH_SCRIPT_BYTES = 16 * 1024
const MAX_FETCH_SCRIPTS = 200
const COMMIT_ID = /\b[0-9a-f]{40}\b/
const FETCH_URL = /\bhttps?:\/\/[^\s"'<>]+/
/** a script that downloads an archive or a clone and unpacks or checks it out */
const FETCHES = /\b(?:wget|curl|git\s+clone)\b/
const UNPACKS = /\b(?:tar\b[^\n]*-?[xz]|git\b[^\n]*\bcheckout)\b/

/**
 * The tag's pins: its submodules, and those of the given directories that a shell script in them
 * fills by fetching another repository at a commit id written in the script and unpacking it
 * where it runs. Only the scripts of those directories are read.
 */
export async function pinsOf(repo: Repository, source: SourceTree, dirs: ReadonlySet<string>): Promise<Pin[]> {
  const pins: Pin[] = [...source.entries.values()].filter((e) => e.kind === 'submodule').map((e) => ({ path: e.path, commit: e.gitBlob ?? '', how: 'submodule' }))
  const scripts = [...source.entries.values()].filter((e) => e.kind === 'file' && dirs.has(dirnameOf(e.path)) && /\.sh$/.test(e.path) && e.size <= FETCH_SCRIPT_BYTES && e.gitBlob).slice(0, MAX_FETCH_SCRIPTS)
  const byBlob = new Map<string, string[]>()
  for (const e of scripts) byBlob.set(e.gitBlob ?? '', [...(byBlob.get(e.gitBlob ?? '') ?? []), e.path])
  if (byBlob.size === 0) return pins
  for await (const { oid, content } of readBlobs(repo, [...byBlob.keys()])) {
    const text = content.toString('utf8')
    const code = text
      .split('\n')
      .filter((l) => !/^\s*#/.test(l))
      .join('\n')
    const commit = COMMIT_ID.exec(code)?.[0]
    const url = FETCH_URL.exec(code)?.[0]
    if (!commit || !url || !FETCHES.test(code) || !UNPACKS.test(code)) continue
    for (const script of byBlob.get(oid) ?? []) {
      const dir = dirnameOf(script)
      if (dir !== '' && !pins.some((p) => p.path === dir)) pins.push({ path: dir, commit, how: `fetched by ${basenameOf(script)} from ${url.replace(/\$\{?\w+\}?/g, commit.slice(0, 12))}` })
    }
  }
  return pins
}

export interface SubmoduleSource {
  /** the submodule's path in the tag */
  readonly path: string
  /** a local git repository or a git URL */
  readonly source: string
}

export interface SubmoduleTree {
  readonly path: string
  readonly commit: string
  readonly spec: string
  readonly repo: Repository
  /** blob id of each file by its path in the submodule */
  readonly files: ReadonlyMap<string, string>
  /** paths in the submodule by blob id */
  readonly byBlob: ReadonlyMap<string, readonly string[]>
}

/** `gnulib=../gnulib` → the path and the source; the path is trimmed of slashes. */
export function parseSubmoduleOption(value: string): SubmoduleSource {
  const at = value.indexOf('=')
  const path = value.slice(0, Math.max(at, 0)).replace(/^\.?\/+|\/+$/g, '')
  const source = at < 0 ? '' : value.slice(at + 1)
  if (path === '' || source === '') throw new StagelightError('E_USAGE', `--submodule takes PATH=REPOSITORY (for example gnulib=../gnulib), not ${JSON.stringify(value)}`, { value })
  return { path, source }
}

/** Reads each given repository's tree at the commit the tag pins; a path the tag pins nothing at is a usage error. */
export async function readSubmodules(given: readonly SubmoduleSource[], pins: readonly Pin[], ref: string, open: (spec: string) => Promise<Repository>): Promise<SubmoduleTree[]> {
  const pinned = new Map(pins.map((p) => [p.path, p.commit]))
  const trees: SubmoduleTree[] = []
  for (const { path, source: spec } of given) {
    const commit = pinned.get(path)
    if (commit === undefined) {
      const known = [...pinned.keys()]
      throw new StagelightError('E_USAGE', `${path} is not a submodule of ${ref} (${known.length > 0 ? `its submodules: ${known.join(', ')}` : 'it has none'})`, { path })
    }
    const repo = await open(spec)
    await resolveRef(repo, commit).catch((err: unknown) => {
      if (err instanceof StagelightError && err.code === 'E_INPUT_NOT_FOUND') {
        throw new StagelightError('E_INPUT_NOT_FOUND', `${spec} does not hold commit ${commit}, which ${ref} pins for ${path}`, { path, commit })
      }
      throw err
    })
    const files = new Map<string, string>()
    const byBlob = new Map<string, string[]>()
    for await (const listed of listTree(repo, commit)) {
      if (listed.type !== 'blob' || listed.mode === '120000') continue
      files.set(listed.path, listed.oid)
      byBlob.set(listed.oid, [...(byBlob.get(listed.oid) ?? []), listed.path])
    }
    trees.push({ path, commit, spec, repo, files, byBlob })
  }
  return trees
}
