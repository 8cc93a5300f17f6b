/**
 * @fileoverview Files the release holds as byte-for-byte copies of files of the tag: a header
 * shipped as the copy of its `.dist` default, a symbolic link of the tag dereferenced into a file.
 * The bytes are the tag's, so nothing new came in (the tag's own content is `scan`'s question, not
 * `verify`'s); a copy that takes another file's name (a test file turned into an m4 macro) is not
 * explained.
 */
import { basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { perTree } from './per-tree.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

/** `ares_build.h.dist` → `ares_build.h`: the names a default or template file is copied to */
const COPY_SUFFIX = /\.(?:dist|default|sample|in|orig|template|tmpl)$/

const sameName = (copy: string, original: string): boolean => {
  const a = basenameOf(copy)
  const b = basenameOf(original)
  return a === b || b.replace(COPY_SUFFIX, '') === a
}

/** Where a symbolic link of the tag points, followed through further links (at most 8). */
export function linkTargetOf(view: TreeView, path: string): string | undefined {
  let current = path
  for (let i = 0; i < 8; i++) {
    const entry = view.sourceEntry(current)
    if (!entry) return undefined
    if (entry.kind !== 'symlink') return current
    const target = entry.linkTarget ?? ''
    if (target.startsWith('/')) return undefined
    current = joinPath(dirnameOf(current), target)
    if (current.startsWith('..')) return undefined
  }
  return undefined
}

export function copiesExplainer(): Explainer {
  const blobIndex = perTree((view: TreeView): Map<string, string[]> => {
    const index = new Map<string, string[]>()
    for (const path of view.sourcePaths()) {
      const blob = view.sourceEntry(path)?.gitBlob
      if (blob) index.set(blob, [...(index.get(blob) ?? []), path])
    }
    return index
  })
  return {
    name: 'copies',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      // a hard link of the archive is a second name for the bytes it links to (automake's `tar -h` stores a followed link that way)
      const kind = difference.artifact?.kind
      const blob = kind === 'file' || kind === 'hardlink' ? difference.artifact?.gitBlob : undefined
      if (!blob) return undefined
      if (difference.status === 'type-differs' && difference.source?.kind === 'symlink') {
        const target = linkTargetOf(view, difference.path)
        if (target && view.sourceEntry(target)?.gitBlob === blob) {
          return explained(difference.path, 'copied', `a symbolic link to ${target} in the tag, shipped as a ${kind === 'hardlink' ? 'hard link to' : 'file with'} exactly its target's bytes`, true, false)
        }
        return undefined
      }
      if (difference.status !== 'only-in-artifact') return undefined
      const original = (blobIndex(view).get(blob) ?? []).find((p) => sameName(difference.path, p))
      if (!original) return undefined
      return explained(difference.path, 'copied', `a byte-for-byte copy of ${original} of the tag`, true, false)
    },
  }
}
