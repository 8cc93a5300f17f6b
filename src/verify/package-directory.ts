/**
 * @fileoverview The directory of a monorepo's tag that an npm package is made from: the one whose
 * package.json carries the package's name (`packages/core/package.json` of `@scope/core`). A
 * package of four files is too small to be found by matching files alone, and compared with the
 * repository's top it would differ everywhere.
 */
import { readBlobs, type Repository, type SourceTree } from '../sources/git/index.js'
import { parseJsonObject } from '../util/json.js'
import type { ComparedTrees } from './compare.js'

/** manifests read to find the package's own; a monorepo of more packages than this is not searched */
const MAX_MANIFESTS = 2000
const DEPENDENCY_DIR = /(?:^|\/)node_modules\//

export async function packageDirectory(compared: ComparedTrees, source: SourceTree, repo: Repository): Promise<string | undefined> {
  const name = packageName(compared.artifactEntries.get('package.json')?.content)
  if (name === undefined) return undefined
  // the common case, a repository of one package, is settled by its top manifest alone
  const top = source.entries.get('package.json')?.gitBlob
  if (top !== undefined && (await namesOf(repo, [top])).get(top) === name) return undefined
  const manifests = [...source.entries.values()].filter((e) => e.kind === 'file' && e.gitBlob !== undefined && e.path !== 'package.json' && /(?:^|\/)package\.json$/.test(e.path) && !DEPENDENCY_DIR.test(e.path))
  if (manifests.length > MAX_MANIFESTS) return undefined
  const names = await namesOf(repo, manifests.map((e) => e.gitBlob!))
  const named = manifests.filter((e) => names.get(e.gitBlob!) === name).map((e) => e.path)
  // the name is one directory's, or none
  return named.length === 1 ? named[0]!.slice(0, -'/package.json'.length) : undefined
}

async function namesOf(repo: Repository, blobs: readonly string[]): Promise<Map<string, string | undefined>> {
  const names = new Map<string, string | undefined>()
  for await (const blob of readBlobs(repo, [...new Set(blobs)])) names.set(blob.oid, packageName(blob.content))
  return names
}

function packageName(bytes: Buffer | undefined): string | undefined {
  const name = parseJsonObject(bytes?.toString('utf8'))?.name
  return typeof name === 'string' && name !== '' ? name : undefined
}
