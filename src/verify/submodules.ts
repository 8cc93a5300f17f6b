/**
 * @fileoverview The trees of a tag's submodules, for those whose repository the user gives: each
 * read at the commit the tag pins, so that files under the submodule's directory are compared
 * with it, and files a bootstrap copied out of it (gnulib-tool filling lib/, m4/ and the tests
 * directory) are recognised by their bytes.
 */
import { StagelightError } from '../errors.js'
import { listTree, resolveRef } from '../sources/git/index.js'
import type { Repository, SourceTree } from '../sources/git/types.js'

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

/** Reads each given submodule's tree at the commit the tag pins; a path that is no submodule of the tag is a usage error. */
export async function readSubmodules(given: readonly SubmoduleSource[], source: SourceTree, open: (spec: string) => Promise<Repository>): Promise<SubmoduleTree[]> {
  const pinned = new Map([...source.entries.values()].filter((e) => e.kind === 'submodule').map((e) => [e.path, e.gitBlob ?? '']))
  const trees: SubmoduleTree[] = []
  for (const { path, source: spec } of given) {
    const commit = pinned.get(path)
    if (commit === undefined) {
      const known = [...pinned.keys()]
      throw new StagelightError('E_USAGE', `${path} is not a submodule of ${source.ref} (${known.length > 0 ? `its submodules: ${known.join(', ')}` : 'it has none'})`, { path })
    }
    const repo = await open(spec)
    await resolveRef(repo, commit).catch((err: unknown) => {
      if (err instanceof StagelightError && err.code === 'E_INPUT_NOT_FOUND') {
        throw new StagelightError('E_INPUT_NOT_FOUND', `${spec} does not hold commit ${commit}, which ${source.ref} pins for the submodule ${path}`, { path, commit })
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
