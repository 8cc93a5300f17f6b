/**
 * @fileoverview Releases made from one directory of a repository (`expat/` of libexpat, `src/` of
 * cracklib): recognised by the artifact's files matching, byte for byte, the files of one
 * directory of the tag under the same relative paths (a link counting as the file it leads to),
 * and then compared with that directory only,
 * so a changed file shows as changed (with its diff) instead of as a file the tag lacks.
 */
import { posix } from 'node:path'
import type { TreeEntry } from '../model/tree.js'
import type { SourceTree } from '../sources/git/types.js'
import type { ComparedTrees } from './compare.js'

/** fewer matching files than this is too little to say a release was made from a directory */
const MIN_FILES = 5

/**
 * The directory of the tag the release was made from, when its files match that directory's files
 * at the same relative paths far better than the tag's top: more than half of the artifact's files
 * that the tag holds anywhere (generated files it holds nowhere), and more than match at the top.
 */
export function releaseSubdirectory(compared: ComparedTrees, source: SourceTree): string | undefined {
  const byBlob = new Map<string, string[]>()
  for (const entry of source.entries.values()) {
    // a link counts as the file it leads to: a release of its directory ships that file's bytes at the link's path
    const file = entry.kind === 'symlink' ? linkedFile(source.entries, entry) : entry
    if (file?.kind === 'file' && file.gitBlob) byBlob.set(file.gitBlob, [...(byBlob.get(file.gitBlob) ?? []), entry.path])
  }
  const votes = new Map<string, number>()
  let files = 0 // artifact files whose bytes the tag holds somewhere
  for (const entry of compared.artifactEntries.values()) {
    const paths = entry.kind === 'file' && entry.gitBlob ? byBlob.get(entry.gitBlob) : undefined
    if (!paths) continue
    files += 1
    for (const path of paths) {
      if (!path.endsWith(`/${entry.path}`)) continue
      const dir = path.slice(0, path.length - entry.path.length - 1)
      votes.set(dir, (votes.get(dir) ?? 0) + 1)
    }
  }
  let best: [string, number] | undefined
  for (const vote of votes) if ((!best || vote[1] > best[1]) && keepsManifests(vote[0], compared, source)) best = vote
  if (!best || best[1] < MIN_FILES || best[1] * 2 <= files || best[1] <= compared.identical) return undefined
  return best[0]
}

/** what says how a tree is built: a release made from a directory has that directory's */
const MANIFESTS = ['package.json', 'pyproject.toml', 'setup.py', 'configure.ac', 'CMakeLists.txt', 'meson.build', 'Cargo.toml']

/**
 * A directory holds the release only if it holds the manifests the release has at its top that
 * the tag has at its own: an npm package that ships copies of `types/*.d.ts` is made from the
 * top, whose package.json it carries, not from `types/`, which has none.
 */
function keepsManifests(dir: string, compared: ComparedTrees, source: SourceTree): boolean {
  return MANIFESTS.every((name) => !compared.artifactEntries.has(name) || !source.entries.has(name) || source.entries.has(`${dir}/${name}`))
}

/** The file a symbolic link of the repository leads to, through further links (at most 8). */
function linkedFile(entries: ReadonlyMap<string, TreeEntry>, link: TreeEntry): TreeEntry | undefined {
  let current: TreeEntry | undefined = link
  for (let i = 0; i < 8 && current?.kind === 'symlink'; i++) {
    const target = current.linkTarget ?? ''
    if (target.startsWith('/')) return undefined
    const resolved = posix.normalize(posix.join(posix.dirname(current.path), target))
    if (resolved.startsWith('..')) return undefined
    current = entries.get(resolved)
  }
  return current?.kind === 'file' ? current : undefined
}

/** The directory of the repository a symbolic link leads to, through further links (at most 8). */
function linkedDirectory(entries: ReadonlyMap<string, TreeEntry>, link: TreeEntry): string | undefined {
  let current: TreeEntry | undefined = link
  for (let i = 0; i < 8 && current?.kind === 'symlink'; i++) {
    const target = current.linkTarget ?? ''
    if (target.startsWith('/')) return undefined
    const resolved = posix.normalize(posix.join(posix.dirname(current.path), target)).replace(/\/+$/, '')
    if (resolved.startsWith('..') || resolved === '.' || resolved === '') return undefined
    current = entries.get(resolved)
    if (!current) return [...entries.keys()].some((p) => p.startsWith(`${resolved}/`)) ? resolved : undefined
  }
  return undefined
}

/** links out of the directory that lead to directories, expanded at most this many times */
const MAX_LINKED_DIRECTORIES = 64

const below = (entries: ReadonlyMap<string, TreeEntry>, dir: string): Map<string, TreeEntry> => {
  const out = new Map<string, TreeEntry>()
  let linkedDirectories = 0
  for (const [path, entry] of entries) {
    if (!path.startsWith(`${dir}/`)) continue
    const rel = path.slice(dir.length + 1)
    // a link out of the directory (`LICENSE.txt → ../LICENSE`) cannot be shipped as a link by a
    // release of the directory: a checkout of it, archived, holds the file the link leads to
    const outside = entry.kind === 'symlink' && !posix.normalize(posix.join(posix.dirname(path), entry.linkTarget ?? '')).startsWith(`${dir}/`)
    const file = outside ? linkedFile(entries, entry) : undefined
    // … and for a link to a directory (`ext/lib → ../../ext/lib`), the files below it
    const linkedDir = outside && !file && linkedDirectories < MAX_LINKED_DIRECTORIES ? linkedDirectory(entries, entry) : undefined
    if (linkedDir !== undefined) {
      linkedDirectories += 1
      for (const [inner, innerEntry] of entries) {
        if (!inner.startsWith(`${linkedDir}/`)) continue
        const at = `${rel}/${inner.slice(linkedDir.length + 1)}`
        const innerFile = innerEntry.kind === 'symlink' ? linkedFile(entries, innerEntry) : undefined
        out.set(at, { ...(innerFile ?? innerEntry), path: at })
      }
      continue
    }
    out.set(rel, { ...(file ?? entry), path: rel })
  }
  return out
}

/** The tag's tree as seen from one of its directories: paths relative to it, nothing outside it. */
export function sourceBelow(source: SourceTree, dir: string): SourceTree {
  return {
    ...source,
    entries: below(source.entries, dir),
    exportIgnored: below(source.exportIgnored, dir),
    exportSubst: source.exportSubst.filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1)),
  }
}
