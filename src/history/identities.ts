/**
 * Identities: git's own .mailmap is applied by git (%aN/%aE); on top of it, aliases are merged
 * conservatively — the same e-mail address (case-insensitive), or the same full personal name
 * (at least two words, not a generic or bot name) — and nothing else.
 */
const GENERIC = /^(root|admin|administrator|unknown|user|nobody|none|github|gitlab|git|build|builder|ci|bot|automation|release|test|tester|dev|developer|maintainer|github action[s]?|dependabot.*|renovate.*|.*\[bot\])$/i

/**
 * git-svn writes an author without an authors file as `<user@domain@repository-uuid>`: the same
 * person as `user@domain` once the project is on git, so the repository suffix is dropped.
 */
const GIT_SVN_SUFFIX = /^([^@\s]+@[^@\s]+)@[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const rawKey = (name: string, email: string): string => (email.trim() !== '' ? email.trim().toLowerCase().replace(GIT_SVN_SUFFIX, '$1') : `name:${name.trim().toLowerCase()}`)

const normalName = (name: string): string | undefined => {
  const n = name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()
  if (n.length < 5 || GENERIC.test(n) || n.split(' ').length < 2 || /@|\bbot\b/.test(n)) return undefined
  return n
}

export interface Identity {
  /** stable id: the most used e-mail key */
  readonly id: string
  readonly name: string
  readonly emails: readonly string[]
  readonly names: readonly string[]
}

/** Collects the names seen for each raw key, then merges keys that share a full personal name. */
export class IdentityBook {
  readonly #names = new Map<string, Map<string, number>>()

  see(name: string, email: string, weight = 1): string {
    const key = rawKey(name, email)
    let names = this.#names.get(key)
    if (!names) this.#names.set(key, (names = new Map()))
    names.set(name, (names.get(name) ?? 0) + weight)
    return key
  }

  has(key: string): boolean {
    return this.#names.has(key)
  }

  /** The merged identities and, for each raw key, the id of the identity it belongs to. */
  resolve(weightOf: (key: string) => number): { identities: Map<string, Identity>; idOf: Map<string, string> } {
    const parent = new Map<string, string>()
    const find = (k: string): string => {
      let r = k
      while (parent.get(r) !== r && parent.has(r)) r = parent.get(r) ?? r
      parent.set(k, r)
      return r
    }
    for (const k of this.#names.keys()) parent.set(k, k)
    const byName = new Map<string, string>()
    for (const [key, names] of this.#names) {
      for (const n of names.keys()) {
        const norm = normalName(n)
        if (!norm) continue
        const other = byName.get(norm)
        if (other === undefined) byName.set(norm, key)
        else parent.set(find(key), find(other))
      }
    }
    const groups = new Map<string, string[]>()
    for (const k of this.#names.keys()) {
      const r = find(k)
      const g = groups.get(r) ?? []
      g.push(k)
      groups.set(r, g)
    }
    const identities = new Map<string, Identity>()
    const idOf = new Map<string, string>()
    for (const keys of groups.values()) {
      keys.sort((a, b) => weightOf(b) - weightOf(a) || a.localeCompare(b))
      const id = keys[0] ?? ''
      const nameCounts = new Map<string, number>()
      for (const k of keys) for (const [n, c] of this.#names.get(k) ?? []) nameCounts.set(n, (nameCounts.get(n) ?? 0) + c)
      const names = [...nameCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([n]) => n)
      identities.set(id, { id, name: names[0] ?? id, emails: keys.filter((k) => !k.startsWith('name:')), names })
      for (const k of keys) idOf.set(k, id)
    }
    return { identities, idOf }
  }
}
