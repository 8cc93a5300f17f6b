import type { TreeEntry } from '../../src/model/tree.js'
import type { Difference } from '../../src/verify/compare.js'
import { gitBlobId } from '../../src/sources/archive/index.js'
import type { TreeView } from '../../src/verify/explain/types.js'
import { linksLeadingTo } from '../../src/verify/explain/aliases.js'

type Content = string | Buffer | { link: string }
const bytes = (v: Content | undefined): Buffer | undefined => (v === undefined || (typeof v === 'object' && !Buffer.isBuffer(v)) ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v))
const linkOf = (v: Content | undefined): string | undefined => (typeof v === 'object' && !Buffer.isBuffer(v) ? v.link : undefined)
/** as the real view reads text: bytes that are not UTF-8 have none */
const utf8 = new TextDecoder('utf-8', { fatal: true })
const text = (b: Buffer | undefined): string | undefined => {
  if (b === undefined) return undefined
  try {
    return utf8.decode(b)
  } catch {
    return undefined
  }
}

/**
 * An in-memory view of an artifact and its source for explainer tests. A value that is
 * `{ link: target }` is a symbolic link.
 */
export function memoryView(artifact: Record<string, Content>, source: Record<string, Content> = {}): TreeView {
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
  const linksTo = linksLeadingTo(
    Object.entries(artifact).flatMap(([p, v]) => {
      const link = linkOf(v)
      return link === undefined ? [] : [{ path: p, kind: 'symlink' as const, mode: 0o777, size: link.length, linkTarget: link }]
    }),
  )
  return {
    artifactBytes: (p) => bytes(artifact[p]),
    artifactText: (p) => text(bytes(artifact[p])),
    artifactHas: (p) => p in artifact,
    artifactLinksTo: linksTo,
    sourceHas: (p) => p in source,
    sourcePaths: () => Object.keys(source),
    sourceEntry,
    sourceBytes: async (p) => sourceBytes(p),
    sourceText: async (p) => text(sourceBytes(p)),
    ruleContext: () => ({ paths: new Set(Object.keys(artifact)), sourcePaths: new Set(Object.keys(source)) }),
  }
}

/** A file of an artifact for explainer tests; its hash is made up, unique per path and size. */
export function fileEntry(path: string, content: string | Buffer, mode = 0o644): TreeEntry {
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content)
  return { path, kind: 'file', mode, size: buf.length, content: buf, sha256: `sha-${path}-${buf.length}`, gitBlob: 'y' }
}

/** A file only the artifact has. */
export const addedFile = (path: string, content: string | Buffer, mode = 0o644): Difference => ({ path, status: 'only-in-artifact', artifact: fileEntry(path, content, mode) })
