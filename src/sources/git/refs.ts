import { StagelightError } from '../../errors.js'
import { gitOk } from './exec.js'
import type { Repository } from './types.js'

export interface ObjectInfo {
  readonly oid: string
  readonly type: string
}

/** Tag names, without `refs/tags/`, in git's ref order. */
export async function listTags(repo: Repository): Promise<string[]> {
  const out = await gitOk(repo.gitDir, ['for-each-ref', '--format=%(refname)', 'refs/tags'], `listing the tags of ${repo.spec}`)
  return out
    .toString('utf8')
    .split('\n')
    .filter((line) => line.startsWith('refs/tags/'))
    .map((line) => line.slice('refs/tags/'.length))
}

/** A ref as the user may write it; no whitespace or control characters, not an option. */
export function checkRefSyntax(ref: string): void {
  if (ref === '' || ref.startsWith('-') || /[\s\x00-\x1f\x7f]/.test(ref)) throw new StagelightError('E_USAGE', `not a valid git ref: ${JSON.stringify(ref)}`, { ref })
}

/**
 * Looks up object names in one `git cat-file --batch-check`; names are read from stdin, so nothing
 * a user typed can become a command-line option. Unknown names map to undefined.
 */
export async function lookupObjects(repo: Repository, names: readonly string[]): Promise<(ObjectInfo | undefined)[]> {
  if (names.length === 0) return []
  const out = await gitOk(repo.gitDir, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], `looking up refs in ${repo.spec}`, 'E_INPUT_INVALID', { input: names.map((n) => `${n}\n`).join('') })
  const lines = out.toString('utf8').split('\n')
  return names.map((_, i) => {
    const [oid, type] = (lines[i] ?? '').split(' ')
    // a name git cannot resolve comes back as `<name> missing` (or `ambiguous`), and a hex name looks like an id
    return oid && type && type !== 'missing' && type !== 'ambiguous' && /^[0-9a-f]{40,64}$/.test(oid) ? { oid, type } : undefined
  })
}

/** Names to try for a ref, most specific first: a tag of that name wins over a branch of that name. */
export const candidateNames = (ref: string): string[] => (ref.startsWith('refs/') ? [ref] : [`refs/tags/${ref}`, ref])

/** The commit a ref (tag, branch or commit id) points to, following annotated tags. */
export async function resolveRef(repo: Repository, ref: string): Promise<{ ref: string; commit: string }> {
  checkRefSyntax(ref)
  const names = candidateNames(ref)
  const found = await lookupObjects(repo, [...names.map((n) => `${n}^{commit}`), ...names])
  const commits = found.slice(0, names.length)
  const objects = found.slice(names.length)
  const commit = commits.find((c) => c !== undefined)
  if (commit) return { ref, commit: commit.oid }
  const object = objects.find((o) => o !== undefined)
  if (object) throw new StagelightError('E_INPUT_INVALID', `${ref} in ${repo.spec} points to a ${object.type}, not a commit`, { ref, type: object.type })
  throw new StagelightError('E_INPUT_NOT_FOUND', `ref ${ref} not found in ${repo.spec}`, { ref, repository: repo.spec })
}
