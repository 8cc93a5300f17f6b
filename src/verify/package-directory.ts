/**
 * @fileoverview The directory of a monorepo's tag that an npm package is made from: the one whose
 * package.json carries the package's name (`packages/core/package.json` of `@scope/core`). A
 * package of four files is too small to be found by matching files alone, and compared with the
 * repository's top it would differ everywhere.
 */
import { readBlobs, type Repository, type SourceTree } from '../sources/git/index.js'
import type { ComparedTrees } from './compare.js'

/** manifests read to find the package's own; a monorepo of more packages than this is not searched */
const MAX_MANIFESTS = 2000
const DEPENDENCY_DIR = /(?:^|\/)node_modules\//

export async function packageDirectory(compared: ComparedTrees, source: SourceTree, repo: Repository): Promise<string | undefined> {
  const name = packageName(compared.artifactEntries.get('package.json')?.content)
  if (name === undefined) return undefined
  const manifests = [...source.entries.values()].filter((e) => e.kind === 'file' && e.gitBlob !== undefined && /(?:^|\/)package\.json$/.test(e.path) && !DEPENDENCY_DIR.test(e.path))
  if (manifests.length > MAX_MANIFESTS) return undefined
  const names = new Map<string, string | undefined>()
  for await (const blob of readBlobs(repo, [...new Set(manifests.map((e) => e.gitBlob!))])) names.set(blob.oid, packageName(blob.content))
  const named = manifests.filter((e) => names.get(e.gitBlob!) === name).map((e) => e.path)
  // the top is the package, or the name is not one directory's
  if (named.includes('package.json') || named.length !== 1) return undefined
  return named[0]!.slice(0, -'/package.json'.length)
}

function packageName(bytes: Buffer | undefined): string | undefined {
  if (bytes === undefined) return undefined
  try {
    const manifest: unknown = JSON.parse(bytes.toString('utf8'))
    const name = typeof manifest === 'object' && manifest !== null ? (manifest as { name?: unknown }).name : undefined
    return typeof name === 'string' && name !== '' ? name : undefined
  } catch {
    return undefined
  }
}
