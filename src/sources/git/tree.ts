import { StagelightError } from '../../errors.js'
import type { TreeEntry } from '../../model/tree.js'
import { archivedFiles } from './archive-bytes.js'
import { exportAttributes, hasInfoAttributes } from './attributes.js'
import { readBlobs } from './blobs.js'
import { ByteReader } from './byte-reader.js'
import { gitStream } from './exec.js'
import { blobId } from './object-id.js'
import { resolveRef } from './refs.js'
import type { Repository, SourceTree } from './types.js'

export interface ListedEntry {
  readonly path: string
  readonly mode: string
  readonly type: string
  readonly oid: string
  readonly size: number
}

/** One record of `git ls-tree -r -z -l`: `<mode> SP <type> SP <oid> SP+ <size> TAB <path>`. */
export function parseTreeRecord(record: Buffer): ListedEntry | undefined {
  const tab = record.indexOf(0x09)
  if (tab < 0) return undefined
  const [mode, type, oid, size] = record.toString('latin1', 0, tab).trim().split(/\s+/)
  if (!mode || !type || !oid || size === undefined) return undefined
  return { mode, type, oid, size: size === '-' ? 0 : Number(size), path: record.toString('utf8', tab + 1) }
}

/** Tree paths are relative, without empty, `.` or `..` segments; a tree holding anything else was crafted. */
const isSafePath = (path: string): boolean => path !== '' && !path.startsWith('/') && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..')

function toEntry(listed: ListedEntry): TreeEntry {
  const mode = Number.parseInt(listed.mode, 8)
  if (listed.type === 'commit') return { path: listed.path, kind: 'submodule', mode: 0, size: 0, gitBlob: listed.oid }
  if ((mode & 0o170000) === 0o120000) return { path: listed.path, kind: 'symlink', mode: 0o777, size: listed.size, gitBlob: listed.oid }
  if (listed.type === 'blob') return { path: listed.path, kind: 'file', mode: mode & 0o111 ? 0o755 : 0o644, size: listed.size, gitBlob: listed.oid }
  return { path: listed.path, kind: 'other', mode: 0, size: listed.size, gitBlob: listed.oid }
}

/** Every entry of a commit's tree, streamed from `git ls-tree`. */
export async function* listTree(repo: Repository, commit: string): AsyncGenerator<ListedEntry> {
  const proc = gitStream(repo.gitDir, ['ls-tree', '-r', '-z', '--full-tree', '-l', commit], `listing the tree of ${commit} in ${repo.spec}`)
  const reader = new ByteReader(proc.stdout)
  try {
    for (;;) {
      const record = await reader.readUntil(0)
      if (record === undefined) break
      if (record.length === 0) continue
      const listed = parseTreeRecord(record)
      if (!listed) throw new StagelightError('E_INPUT_INVALID', `unexpected git ls-tree output for ${commit} in ${repo.spec}`, { record: record.toString('utf8').slice(0, 200) })
      if (!isSafePath(listed.path)) throw new StagelightError('E_INPUT_INVALID', `the tree of ${commit} in ${repo.spec} holds an unsafe path ${JSON.stringify(listed.path)}`, { path: listed.path })
      yield listed
    }
    await proc.done
  } finally {
    proc.stop()
  }
}

/** Bytes of rewritten files kept on the entries when they differ from the stored blob. */
const MAX_REWRITTEN_CONTENT = 64 * 1024 * 1024

const isAttributesFile = (path: string): boolean => path === '.gitattributes' || path.endsWith('/.gitattributes')

/**
 * The tree of `ref` as `git archive` ships it: export-ignored files left out, export-subst (and
 * $Id$, CRLF, encoding) rewrites applied with the blob id of the rewritten bytes, symlink targets
 * filled in. Blob contents are not loaded, except for rewritten files (whose ids are not in the
 * repository).
 */
export async function readSourceTree(repo: Repository, reference: string | { readonly ref: string; readonly commit: string }): Promise<SourceTree> {
  // a caller that has resolved the ref already (resolveRef) spares git a lookup
  const { ref, commit } = typeof reference === 'string' ? await resolveRef(repo, reference) : reference
  const entries = new Map<string, TreeEntry>()
  const symlinks = new Map<string, string[]>()
  let attributesInTree = false
  for await (const listed of listTree(repo, commit)) {
    const entry = toEntry(listed)
    entries.set(entry.path, entry)
    if (entry.kind === 'symlink') symlinks.set(listed.oid, [...(symlinks.get(listed.oid) ?? []), entry.path])
    if (entry.kind === 'file' && isAttributesFile(entry.path)) attributesInTree = true
  }

  const exportIgnored = new Map<string, TreeEntry>()
  let exportSubst: string[] = []
  if (attributesInTree || (await hasInfoAttributes(repo))) {
    const files = [...entries.values()].filter((e) => e.kind !== 'submodule').map((e) => e.path)
    const attributes = await exportAttributes(repo, commit, files)
    exportSubst = [...attributes.subst].filter((p) => entries.get(p)?.kind === 'file').sort()
    for (const path of [...attributes.ignored].sort()) {
      const entry = entries.get(path)
      if (entry) exportIgnored.set(path, entry)
      entries.delete(path)
    }
    await applyRewrites(repo, commit, entries, [...attributes.rewritten].filter((p) => entries.get(p)?.kind === 'file'), attributes.subst)
  }

  if (symlinks.size > 0) {
    for await (const { oid, content } of readBlobs(repo, [...symlinks.keys()])) {
      for (const path of symlinks.get(oid) ?? []) {
        for (const map of [entries, exportIgnored]) {
          const entry = map.get(path)
          if (entry) map.set(path, { ...entry, linkTarget: content.toString('utf8') })
        }
      }
    }
  }
  return { ref, commit, entries, exportIgnored, exportSubst }
}

async function applyRewrites(repo: Repository, commit: string, entries: Map<string, TreeEntry>, paths: readonly string[], subst: ReadonlySet<string>): Promise<void> {
  let kept = 0
  await archivedFiles(repo, commit, paths, (path, content) => {
    const entry = entries.get(path)
    if (!entry?.gitBlob) return
    const oid = blobId(content, entry.gitBlob)
    if (oid === entry.gitBlob && !subst.has(path)) return
    const keep = subst.has(path) || kept + content.length <= MAX_REWRITTEN_CONTENT
    if (keep && !subst.has(path)) kept += content.length
    const { content: _old, ...rest } = entry
    // a checkout does not expand export-subst placeholders, and a release made elsewhere than a
    // checkout of this platform may keep the line ends and `$Id$` as committed (glew 2.2.0 ships its
    // `eol=crlf` files with LF): the bytes as committed are the tag's too
    const committed = oid !== entry.gitBlob ? { committedBlob: entry.gitBlob } : {}
    entries.set(path, { ...rest, gitBlob: oid, size: content.length, ...committed, ...(keep ? { content } : {}) })
  })
}

/**
 * The tag's tree as a release made from a checkout sees it (`make dist`, a release script): what
 * `git archive` ships, plus the export-ignored files with their committed bytes. A project may
 * export-ignore everything to refuse forge-made archives; its real tarballs still hold those files.
 */
export function withExportIgnored(tree: SourceTree): SourceTree {
  if (tree.exportIgnored.size === 0) return tree
  return { ...tree, entries: new Map([...tree.entries, ...tree.exportIgnored]) }
}
