import type { TreeEntry } from '../../src/model/tree.js'
import type { Difference } from '../../src/verify/compare.js'
import { gitBlobId } from '../../src/sources/archive/index.js'
import type { TreeView } from '../../src/verify/explain/types.js'

const bytes = (v: string | Buffer | undefined): Buffer | undefined => (v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v))

/**
 * An in-memory view of an artifact and its source for explainer tests. A source value that is
 * `{ link: target }` is a symbolic link.
 */
export function memoryView(artifact: Record<string, string | Buffer>, source: Record<string, string | Buffer | { link: string }> = {}): TreeView {
  const sourceEntry = (p: string): TreeEntry | undefined => {
    const v = source[p]
    if (v === undefined) return undefined
    if (typeof v === 'object' && !Buffer.isBuffer(v)) return { path: p, kind: 'symlink', mode: 0o777, size: v.link.length, linkTarget: v.link }
    const b = bytes(v) ?? Buffer.alloc(0)
    return { path: p, kind: 'file', mode: 0o644, size: b.length, gitBlob: gitBlobId(b) }
  }
  const sourceBytes = (p: string): Buffer | undefined => {
    const v = source[p]
    return typeof v === 'string' || Buffer.isBuffer(v) ? bytes(v) : undefined
  }
  return {
    artifactBytes: (p) => bytes(artifact[p]),
    artifactText: (p) => bytes(artifact[p])?.toString('utf8'),
    artifactHas: (p) => p in artifact,
    sourceHas: (p) => p in source,
    sourcePaths: () => Object.keys(source),
    sourceEntry,
    sourceBytes: async (p) => sourceBytes(p),
    sourceText: async (p) => sourceBytes(p)?.toString('utf8'),
  }
}

/** A file of an artifact for explainer tests; its hash is made up, unique per path and size. */
export function fileEntry(path: string, content: string | Buffer, mode = 0o644): TreeEntry {
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content)
  return { path, kind: 'file', mode, size: buf.length, content: buf, sha256: `sha-${path}-${buf.length}`, gitBlob: 'y' }
}

/** A file only the artifact has. */
export const addedFile = (path: string, content: string | Buffer, mode = 0o644): Difference => ({ path, status: 'only-in-artifact', artifact: fileEntry(path, content, mode) })
