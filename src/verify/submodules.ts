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
import { pathVersions, type PathHistory } from '../sources/git/blob-history.js'
import { isObjectId } from '../sources/git/object-id.js'
import type { Repository, SourceTree } from '../sources/git/types.js'
import { basenameOf, dirnameOf } from '../util/paths.js'
import { clonePins } from './clone-script.js'

/** A directory of the release that another repository fills at a commit the tag fixes. */
export interface Pin {
  readonly path: string
  /** a commit id, a branch or tag name, or `HEAD` where nothing in the tag fixes a version */
  readonly commit: string
  /** how the tag pins it: `submodule`, or the fetch script and the address it fetches */
  readonly how: string
  /** the directory of the other repository the files come from, when not its top */
  readonly from?: string
}

/** ` at 1a2b3c4d5e6f`, ` at v1.2`: where a pin holds its files; nothing where the tag fixes no version */
export const pinnedAt = (pin: Pin): string => (pin.commit === 'HEAD' ? '' : ` at ${pin.commit.slice(0, 12)}`)

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
  pins.push(...(await mesonWraps(repo, source)).filter((w) => !pins.some((p) => p.path === w.path)))
  // a fetch script fills its own directory; a clone script at the top may fill any
  const scripts = [...source.entries.values()]
    .filter((e) => e.kind === 'file' && (dirs.has(dirnameOf(e.path)) || dirnameOf(e.path) === '') && /\.sh$/.test(e.path) && e.size <= FETCH_SCRIPT_BYTES && e.gitBlob)
    .slice(0, MAX_FETCH_SCRIPTS)
  const byBlob = new Map<string, string[]>()
  for (const e of scripts) byBlob.set(e.gitBlob ?? '', [...(byBlob.get(e.gitBlob ?? '') ?? []), e.path])
  if (byBlob.size === 0) return pins
  for await (const { oid, content } of readBlobs(repo, [...byBlob.keys()])) {
    const text = content.toString('utf8')
    for (const script of byBlob.get(oid) ?? []) pins.push(...clonePins(text, script, dirs).filter((c) => !pins.some((p) => p.path === c.path)))
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

const WRAP_FILE = /(?:^|\/)subprojects\/([^/]+)\.wrap$/
const MAX_WRAPS = 200

/**
 * Meson's `subprojects/<name>.wrap` of kind `wrap-git`: `meson dist` ships the subproject's
 * checkout under `subprojects/<directory>`, at the `revision` the wrap names (a commit id, or a
 * branch or tag name, which is no fixed commit).
 */
export async function mesonWraps(repo: Repository, source: SourceTree): Promise<Pin[]> {
  const wraps = [...source.entries.values()].filter((e) => e.kind === 'file' && WRAP_FILE.test(e.path) && e.size <= FETCH_SCRIPT_BYTES && e.gitBlob).slice(0, MAX_WRAPS)
  if (wraps.length === 0) return []
  const byBlob = new Map<string, string[]>()
  for (const e of wraps) byBlob.set(e.gitBlob ?? '', [...(byBlob.get(e.gitBlob ?? '') ?? []), e.path])
  const pins: Pin[] = []
  for await (const { oid, content } of readBlobs(repo, [...byBlob.keys()])) {
    const wrap = parseWrap(content.toString('utf8'))
    if (!wrap) continue
    for (const path of byBlob.get(oid) ?? []) {
      const name = WRAP_FILE.exec(path)?.[1] ?? ''
      const fixed = isObjectId(wrap.revision)
      pins.push({ path: `${dirnameOf(path)}/${wrap.directory ?? name}`, commit: wrap.revision, how: `meson wrap ${basenameOf(path)} of ${wrap.url}${fixed ? '' : ', a branch or tag name, not a commit'}` })
    }
  }
  return pins
}

/** The `[wrap-git]` section's url, revision and directory; undefined for other kinds or without a revision. */
export function parseWrap(text: string): { url: string; revision: string; directory?: string } | undefined {
  const section = /^\s*\[wrap-git\]\s*$([\s\S]*?)(?=^\s*\[|(?![\s\S]))/m.exec(text)?.[1]
  if (section === undefined) return undefined
  const value = (key: string): string | undefined => new RegExp(`^\\s*${key}\\s*=\\s*(\\S+)\\s*$`, 'm').exec(section)?.[1]
  const url = value('url')
  const revision = value('revision')
  const directory = value('directory')
  // a directory is one name below subprojects/, as meson takes it
  if (!url || !revision || !/^[\w.+~@-]+$/.test(revision) || (directory !== undefined && !/^[\w.+~@-]+$/.test(directory))) return undefined
  return { url, revision, ...(directory !== undefined ? { directory } : {}) }
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
  /** the submodules this one pins in turn, by their paths in the release */
  readonly nested: readonly Pin[]
  /** for a pin by branch or tag name: every version each path had, by blob */
  readonly history?: PathHistory
}

/** `gnulib=../gnulib` → the path and the source; the path is trimmed of slashes. */
export function parseSubmoduleOption(value: string): SubmoduleSource {
  const at = value.indexOf('=')
  const path = value.slice(0, Math.max(at, 0)).replace(/^\.?\/+|\/+$/g, '')
  const source = at < 0 ? '' : value.slice(at + 1)
  if (path === '' || source === '') throw new StagelightError('E_USAGE', `--submodule takes PATH=REPOSITORY (for example gnulib=../gnulib), not ${JSON.stringify(value)}`, { value })
  return { path, source }
}

/**
 * Reads each given repository's tree at the commit the tag pins, or a submodule given before pins
 * (a submodule of a submodule: given outermost first, whatever the order on the command line);
 * a path nothing pins is a usage error. The versions of a repository pinned by a branch or tag name
 * are kept under `cacheDir` between runs, as gnulib's are.
 */
export async function readSubmodules(given: readonly SubmoduleSource[], pins: readonly Pin[], ref: string, open: (spec: string) => Promise<Repository>, cacheDir?: string): Promise<SubmoduleTree[]> {
  const pinned = new Map(pins.map((p) => [p.path, p.commit]))
  const trees: SubmoduleTree[] = []
  const outermostFirst = [...given].sort((a, b) => a.path.split('/').length - b.path.split('/').length)
  for (const { path, source: spec } of outermostFirst) {
    const commit = pinned.get(path)
    if (commit === undefined) {
      const known = [...pinned.keys()]
      throw new StagelightError('E_USAGE', `${path} is not a submodule of ${ref} (${known.length > 0 ? `its submodules: ${known.join(', ')}` : 'it has none'})`, { path })
    }
    const repo = await open(spec)
    // a wrap's branch or tag name is read as the given repository has it now
    const resolved = await resolveRef(repo, commit).catch((err: unknown) => {
      if (err instanceof StagelightError && err.code === 'E_INPUT_NOT_FOUND') {
        throw new StagelightError('E_INPUT_NOT_FOUND', `${spec} does not hold commit ${commit}, which ${ref} pins for ${path}`, { path, commit })
      }
      throw err
    })
    const files = new Map<string, string>()
    const byBlob = new Map<string, string[]>()
    const nested: Pin[] = []
    for await (const listed of listTree(repo, resolved.commit)) {
      if (listed.type === 'commit') {
        nested.push({ path: `${path}/${listed.path}`, commit: listed.oid, how: 'submodule' })
        pinned.set(`${path}/${listed.path}`, listed.oid)
      }
      if (listed.type !== 'blob' || listed.mode === '120000') continue
      files.set(listed.path, listed.oid)
      byBlob.set(listed.oid, [...(byBlob.get(listed.oid) ?? []), listed.path])
    }
    // a name is where the branch or tag points now, not when the release was made: every version counts
    const history = isObjectId(commit) ? undefined : await pathVersions(repo, [], cacheDir)
    trees.push({ path, commit: resolved.commit, spec, repo, files, byBlob, nested, ...(history ? { history } : {}) })
  }
  return trees
}
