import type { TreeEntry } from '../model/tree.js'
import type { ArtifactTree } from '../sources/archive/types.js'
import type { SourceTree } from '../sources/git/types.js'

export type DifferenceStatus = 'only-in-artifact' | 'only-in-source' | 'content-differs' | 'type-differs' | 'mode-differs'

export interface Difference {
  readonly path: string
  readonly status: DifferenceStatus
  readonly artifact?: TreeEntry
  readonly source?: TreeEntry
}

export interface ComparedTrees {
  readonly differences: readonly Difference[]
  readonly identical: number
  readonly artifactFiles: number
  /** every path in the artifact, for rules that ask whether a referenced file exists */
  readonly artifactPaths: ReadonlySet<string>
  /** artifact entries by path (metadata always; content only where it differs from the source, within budget) */
  readonly artifactEntries: ReadonlyMap<string, TreeEntry>
  /** files whose bytes were dropped because the retention budget ran out */
  readonly contentDropped: readonly string[]
}

export interface CompareOptions {
  /** total bytes of differing content kept for explainers and rules */
  readonly maxRetainedBytes: number
  /** artifact paths that are not part of the release (a directory's own .git) */
  readonly ignore?: (path: string) => boolean
  /** told of each artifact entry that differs from the source (or that the source lacks), as it is read */
  readonly onDifference?: (entry: TreeEntry) => void
}

const comparable = (e: TreeEntry): boolean => e.kind !== 'directory'

/** Extracted, a hard link is the file it links to (tar stores a second copy of the same bytes that way); one to no earlier entry stays a link. */
const kindOf = (entry: TreeEntry): TreeEntry['kind'] => (entry.kind === 'hardlink' && entry.gitBlob !== undefined ? 'file' : entry.kind)

const sameKind = (a: TreeEntry, b: TreeEntry): boolean => kindOf(a) === kindOf(b)

/** git only records 0o644 or 0o755 for files, so only the executable bit is compared */
const sameExecBit = (a: TreeEntry, b: TreeEntry): boolean => (a.mode & 0o100) === (b.mode & 0o100)

const sameContent = (artifact: TreeEntry, source: TreeEntry): boolean =>
  artifact.kind === 'symlink' || source.kind === 'symlink'
    ? artifact.linkTarget === source.linkTarget
    : artifact.gitBlob !== undefined && (artifact.gitBlob === source.gitBlob || artifact.gitBlob === source.committedBlob)

/**
 * Streams the artifact once, matching every entry against the source tree as it passes,
 * so only differing files keep their bytes. A later duplicate entry replaces an earlier one,
 * as extraction would.
 */
export async function compareTrees(artifact: ArtifactTree, source: SourceTree, options: CompareOptions): Promise<ComparedTrees> {
  const entries = new Map<string, TreeEntry>()
  const dropped: string[] = []
  let retained = 0
  for await (const entry of artifact.entries()) {
    if (!comparable(entry) || options.ignore?.(entry.path)) continue
    const counterpart = source.entries.get(entry.path)
    const same = counterpart !== undefined && sameKind(entry, counterpart) && sameContent(entry, counterpart)
    if (!same) options.onDifference?.(entry)
    let kept = entry
    if (entry.content !== undefined && same) {
      kept = withoutContent(entry)
    } else if (entry.content !== undefined) {
      if (retained + entry.content.length > options.maxRetainedBytes) {
        kept = withoutContent(entry)
        dropped.push(entry.path)
      } else retained += entry.content.length
    }
    const previous = entries.get(entry.path)
    if (previous?.content) retained -= previous.content.length
    entries.set(entry.path, kept)
  }

  const differences: Difference[] = []
  let identical = 0
  const paths = new Set<string>([...entries.keys(), ...[...source.entries.values()].filter(comparable).map((e) => e.path)])
  for (const path of [...paths].sort()) {
    const a = entries.get(path)
    const s = source.entries.get(path)
    if (a && !s) differences.push({ path, status: 'only-in-artifact', artifact: a })
    else if (!a && s) differences.push({ path, status: 'only-in-source', source: s })
    else if (a && s) {
      if (!sameKind(a, s)) differences.push({ path, status: 'type-differs', artifact: a, source: s })
      else if (!sameContent(a, s)) differences.push({ path, status: 'content-differs', artifact: a, source: s })
      else if (kindOf(a) === 'file' && !sameExecBit(a, s)) differences.push({ path, status: 'mode-differs', artifact: a, source: s })
      else identical += 1
    }
  }
  return {
    differences,
    identical,
    artifactFiles: [...entries.values()].filter((e) => e.kind === 'file').length,
    artifactPaths: new Set(entries.keys()),
    artifactEntries: entries,
    contentDropped: dropped,
  }
}

function withoutContent(entry: TreeEntry): TreeEntry {
  const { content: _content, ...rest } = entry
  return rest
}
