import type { Finding } from '../model/finding.js'
import type { TreeEntry } from '../model/tree.js'

/**
 * A tar stores a hard-linked file's bytes under whichever name it met first, and the other names
 * as links to it. The rules read the bytes under that first name; their findings belong to the name
 * the tag holds as a file of its own, when the first is one the tag has only as a link (or not at
 * all). Findings of the comparison itself (`verify/…`) stay where they are: each name is compared
 * on its own.
 */
export function underTagNames(findings: readonly Finding[], artifactEntries: ReadonlyMap<string, TreeEntry>, sourceEntries: ReadonlyMap<string, TreeEntry>): Finding[] {
  const tagName = new Map<string, string>()
  for (const entry of artifactEntries.values()) {
    const stored = entry.kind === 'hardlink' ? entry.linkTarget : undefined
    if (stored === undefined || tagName.has(stored)) continue
    if (sourceEntries.get(entry.path)?.kind === 'file' && sourceEntries.get(stored)?.kind !== 'file') tagName.set(stored, entry.path)
  }
  if (tagName.size === 0) return [...findings]
  return findings.map((f) => {
    const name = f.path !== undefined && !f.ruleId.startsWith('verify/') ? tagName.get(f.path) : undefined
    return name === undefined ? f : { ...f, path: name, message: `${f.message} (the archive stores these bytes under ${f.path}; this name is a hard link to them)` }
  })
}
