/**
 * @fileoverview The other names a file goes by inside one tree: the links that lead to it. A build
 * that runs `README` runs `README.md` when `README` is a link to it, so what the build does with a
 * link's name is done to the file at its end.
 */
import type { TreeEntry } from '../../model/tree.js'
import { dirnameOf, joinPath } from '../../util/paths.js'

/** links followed through other links at most this many times, as a kernel gives up on loops */
const MAX_HOPS = 8

/** Where a link points inside the tree; undefined for an absolute or escaping target. */
function targetOf(entry: TreeEntry): string | undefined {
  const target = entry.linkTarget ?? ''
  if (target === '' || target.startsWith('/')) return undefined
  // a hard link names its target from the tree's root, a symbolic link from its own directory
  const resolved = entry.kind === 'hardlink' ? joinPath('', target) : joinPath(dirnameOf(entry.path), target)
  return resolved === '..' || resolved.startsWith('../') ? undefined : resolved
}

/**
 * For each file of `entries`, the paths of the links that lead to it, directly or through other
 * links. Links to directories do not make names for the files under them: builds name the file.
 */
export function linksLeadingTo(entries: Iterable<TreeEntry>): (path: string) => readonly string[] {
  const links = new Map<string, string>()
  for (const entry of entries) {
    if (entry.kind !== 'symlink' && entry.kind !== 'hardlink') continue
    const target = targetOf(entry)
    if (target !== undefined) links.set(entry.path, target)
  }
  const byTarget = new Map<string, string[]>()
  for (const link of links.keys()) {
    let end = links.get(link)
    for (let hops = 1; end !== undefined && links.has(end) && hops < MAX_HOPS; hops++) end = links.get(end)
    if (end === undefined || links.has(end)) continue
    const names = byTarget.get(end)
    if (names) names.push(link)
    else byTarget.set(end, [link])
  }
  return (path) => byTarget.get(path) ?? []
}
