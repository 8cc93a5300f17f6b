/**
 * @fileoverview Names that imitate popular package names: edit distance (Damerau–Levenshtein,
 * optimal string alignment: insertions, deletions, substitutions and swaps of two neighbours) with
 * length guards, and the usual tricks — `-`/`_`/`.` swapped or dropped, a scope dropped
 * (`@scope/name` → `scope-name`), `js`/`node` added.
 */

/** Optimal-string-alignment distance, giving up (returning max + 1) once it exceeds `max`. */
export function damerauLevenshtein(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  if (a === b) return 0
  const m = a.length
  const n = b.length
  let prev2: number[] = new Array<number>(n + 1).fill(0)
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j)
  let cur: number[] = new Array<number>(n + 1).fill(0)
  for (let i = 1; i <= m; i++) {
    cur[0] = i
    let rowMin = i
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1)
      cur[j] = d
      if (d < rowMin) rowMin = d
    }
    if (rowMin > max) return max + 1
    ;[prev2, prev, cur] = [prev, cur, prev2]
  }
  return prev[n]!
}

export interface TyposquatMatch {
  /** the popular name imitated */
  readonly target: string
  /** `distance`, `separators`, `missing-scope`, `affix` */
  readonly trick: 'distance' | 'separators' | 'missing-scope' | 'affix'
  readonly distance: number
  readonly detail: string
}

export interface TyposquatOptions {
  /** the largest edit distance reported (default 2) */
  readonly maxDistance: number
  /** names shorter than this are never compared by distance 1 (default 5): short names collide by chance */
  readonly minLengthDistance1: number
  /** names shorter than this are never compared by distance 2 (default 7) */
  readonly minLengthDistance2: number
}

const bare = (name: string): string => (name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name)
const scopeOf = (name: string): string => (name.startsWith('@') ? name.slice(0, name.indexOf('/')) : '')
const squash = (s: string): string => s.replace(/[-_.]/g, '')
const AFFIXES = [/^node[-_.]?/, /[-_.]?node$/, /^js[-_.]?/, /[-_.]?js$/, /[-_.]?javascript$/]

/** Popular names indexed for repeated look-ups. */
export class PopularIndex {
  readonly names: ReadonlySet<string>
  private readonly byLength = new Map<number, string[]>()
  private readonly bySquashed = new Map<string, string[]>()
  private readonly byScopeForms = new Map<string, string>()

  constructor(names: Iterable<string>) {
    this.names = new Set(names)
    for (const name of this.names) {
      const list = this.byLength.get(name.length) ?? []
      list.push(name)
      this.byLength.set(name.length, list)
      const sq = squash(name)
      this.bySquashed.set(sq, [...(this.bySquashed.get(sq) ?? []), name])
      if (name.startsWith('@')) {
        const [scope, rest] = name.slice(1).split('/') as [string, string]
        for (const form of [`${scope}-${rest}`, `${scope}_${rest}`, `${scope}.${rest}`, `${scope}${rest}`]) this.byScopeForms.set(form, name)
      }
    }
  }

  /** The popular names `name` imitates, best first; empty for popular names themselves. */
  match(name: string, options: TyposquatOptions): TyposquatMatch[] {
    if (this.names.has(name)) return []
    const out: TyposquatMatch[] = []
    const seen = new Set<string>()
    const add = (m: TyposquatMatch): void => {
      if (!seen.has(m.target) && m.target !== name) {
        seen.add(m.target)
        out.push(m)
      }
    }
    const scoped = name.startsWith('@')
    // `@babel/core` published as `babel-core` (only when that form is not itself popular)
    const scopeTarget = scoped ? undefined : this.byScopeForms.get(name)
    if (scopeTarget) add({ target: scopeTarget, trick: 'missing-scope', distance: 0, detail: `"${name}" is "${scopeTarget}" without its scope` })
    // `lodash_merge` for `lodash.merge`, `reactdom` for `react-dom`
    for (const target of this.bySquashed.get(squash(name)) ?? []) {
      if (bare(target) !== bare(name) && squash(name).length >= 4 && target.startsWith('@') === scoped) add({ target, trick: 'separators', distance: damerauLevenshtein(name, target), detail: `"${name}" differs from "${target}" only in - _ . separators` })
    }
    // `lodash-js`, `node-express`, `expressjs`
    for (const affix of AFFIXES) {
      const stripped = name.replace(affix, '')
      if (stripped !== name && stripped.length >= 4 && this.names.has(stripped)) add({ target: stripped, trick: 'affix', distance: name.length - stripped.length, detail: `"${name}" is "${stripped}" with "${name.replace(stripped, '…')}" added` })
    }
    // edit distance, compared within the same kind of name (scoped with scoped, plain with plain)
    const maxDistance = name.length >= options.minLengthDistance2 ? options.maxDistance : name.length >= options.minLengthDistance1 ? Math.min(1, options.maxDistance) : 0
    if (maxDistance > 0) {
      const hits: TyposquatMatch[] = []
      for (let len = name.length - maxDistance; len <= name.length + maxDistance; len++) {
        for (const target of this.byLength.get(len) ?? []) {
          if (target.startsWith('@') !== scoped) continue
          // a different scope with the same package name is not a typo (`@types/x`); the scope must match or be nearly the same.
          // Within one scope only the package names differ, and the length guards apply to them:
          // `@types/pg` and `@types/ms` are two short names that collide by chance, like `pg` and `ms`
          const sameScope = scoped && scopeOf(name) === scopeOf(target)
          const compared = sameScope ? Math.min(bare(name).length, bare(target).length) : target.length
          const allowed = compared >= options.minLengthDistance2 ? maxDistance : compared >= options.minLengthDistance1 ? Math.min(1, maxDistance) : 0
          if (allowed === 0) continue
          // `split2` / `split`, `eventemitter2` / `eventemitter3`: numbered siblings are a naming habit, not a trick
          if (name.replace(/\d+$/, '') === target.replace(/\d+$/, '')) continue
          const d = damerauLevenshtein(name, target, allowed)
          if (d <= allowed) hits.push({ target, trick: 'distance', distance: d, detail: `"${name}" is ${d} edit${d === 1 ? '' : 's'} from "${target}"` })
        }
      }
      for (const h of hits.sort((a, b) => a.distance - b.distance || a.target.localeCompare(b.target))) add(h)
    }
    return out
  }
}
