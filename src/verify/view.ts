import { decodeText } from '../data-files/text.js'
import type { RuleContext } from '../rules/types.js'
import type { BlobSession } from '../sources/git/index.js'
import type { SourceTree } from '../sources/git/types.js'
import type { ComparedTrees } from './compare.js'
import { linksLeadingTo } from './explain/aliases.js'
import type { TreeView } from './explain/types.js'

// a file in Latin-1 is text to the build that runs it, and to the rules and explainers here
const decode = (bytes: Buffer | undefined): string | undefined => (bytes ? decodeText(bytes) : undefined)

/** Read access to both trees for explainers, with source blobs fetched once on demand. */
export function treeView(compared: ComparedTrees, source: SourceTree, blobReader: BlobSession): TreeView {
  const blobs = new Map<string, Promise<Buffer | undefined>>()
  const sourceBytes = (path: string): Promise<Buffer | undefined> => {
    const entry = source.entries.get(path)
    if (!entry || entry.kind !== 'file') return Promise.resolve(undefined)
    if (entry.content) return Promise.resolve(entry.content)
    const oid = entry.gitBlob
    if (!oid) return Promise.resolve(undefined)
    const cached = blobs.get(oid)
    if (cached) return cached
    const pending = blobReader.read(oid).catch(() => undefined)
    blobs.set(oid, pending)
    return pending
  }
  let linksTo: ((path: string) => readonly string[]) | undefined
  let context: RuleContext | undefined
  return {
    artifactBytes: (path) => compared.artifactEntries.get(path)?.content,
    artifactText: (path) => decode(compared.artifactEntries.get(path)?.content),
    artifactHas: (path) => compared.artifactPaths.has(path),
    sourceHas: (path) => source.entries.has(path),
    artifactLinksTo: (path) => (linksTo ??= linksLeadingTo(compared.artifactEntries.values()))(path),
    sourcePaths: () => source.entries.keys(),
    sourceEntry: (path) => source.entries.get(path),
    sourceBytes,
    sourceText: async (path) => decode(await sourceBytes(path)),
    ruleContext: () => (context ??= { paths: compared.artifactPaths, sourcePaths: new Set(source.entries.keys()) }),
  }
}
