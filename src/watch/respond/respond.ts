/**
 * @fileoverview "Who is affected, and what do we go back to?" Every registered inventory holding an
 * affected version of a package, where it sits in the dependency tree, and the nearest unaffected
 * versions below (the rollback) and above (the fix). The question is either an advisory (an OSV
 * id, matched with audit's range semantics) or a bad release (`package@version`).
 */
import semver from 'semver'
import type { AdvisoryStore } from '../../audit/advisories/index.js'
import { compareDebianVersions } from '../../audit/advisories/index.js'
import { StagelightError } from '../../errors.js'
import type { WatchStore } from '../store/store.js'

export type RespondQuery =
  | { readonly kind: 'advisory'; readonly id: string }
  | { readonly kind: 'release'; readonly ecosystem: 'npm' | 'deb'; readonly name: string; readonly versions: readonly string[] }

const ADVISORY_ID = /^[A-Z][A-Z0-9]*-[A-Za-z0-9][\w.:-]*$/

/** `GHSA-…`/`CVE-…`/`MAL-…`, or `[npm:|deb:]name@version[,version…]`. */
export function parseRespondQuery(text: string): RespondQuery {
  const input = text.trim()
  if (!input.includes('@', 1) && ADVISORY_ID.test(input)) return { kind: 'advisory', id: input }
  const match = input.match(/^(?:(npm|deb):)?((?:@[^@/\s]+\/)?[^@\s]+)@([^@\s]+)$/)
  if (!match) throw new StagelightError('E_USAGE', `not an advisory id or package@version: ${JSON.stringify(text)} (examples: GHSA-xxxx-xxxx-xxxx, left-pad@1.3.0, deb:xz-utils@5.6.1-1)`)
  const versions = match[3]!.split(',').filter((v) => v !== '')
  if (versions.length === 0) throw new StagelightError('E_USAGE', `no version in ${JSON.stringify(text)}`)
  return { kind: 'release', ecosystem: (match[1] as 'npm' | 'deb' | undefined) ?? 'npm', name: match[2]!, versions }
}

export interface AffectedHolding {
  readonly inventory: string
  readonly ecosystem: string
  readonly name: string
  readonly version: string
  /** from the inventory's top to the package: `['web-app', 'express', 'qs']` (the first is the nearest direct dependency) */
  readonly path: readonly string[]
  readonly dev: boolean
  /** the newest unaffected version below the installed one */
  readonly rollback: string | undefined
  /** the nearest unaffected version above the installed one: the smallest upgrade that fixes it */
  readonly fix: string | undefined
  /** the newest unaffected version known */
  readonly latest: string | undefined
}

export interface RespondResult {
  readonly query: string
  readonly advisory?: { readonly id: string; readonly summary: string; readonly severity: string; readonly aliases: readonly string[] }
  readonly inventoriesSearched: number
  readonly affected: readonly AffectedHolding[]
  /** inventories holding the package at an unaffected version */
  readonly unaffectedInventories: number
}

const compareFor = (ecosystem: string) => (ecosystem === 'deb' ? compareDebianVersions : (a: string, b: string) => semver.compare(a, b))

/** Versions usable as a rollback or fix: valid, and no pre-release unless the installed one is. */
function candidates(ecosystem: string, versions: readonly string[], installed: string): string[] {
  if (ecosystem === 'deb') return [...new Set(versions)].sort(compareDebianVersions)
  const pre = semver.prerelease(installed) !== null
  return [...new Set(versions)].filter((v) => semver.valid(v) && (pre || semver.prerelease(v) === null)).sort(compareFor(ecosystem))
}

/** `node_modules/a/node_modules/@s/b` → `['a', '@s/b']`; an inventory without locations gives the name alone. */
export function dependencyPath(location: string, name: string): string[] {
  const parts = location.split(/(?:^|\/)node_modules\//).filter((p) => p !== '').map((p) => p.replace(/\/$/, ''))
  return parts.length > 0 ? parts : [name]
}

export interface RespondOptions {
  /** OSV data for an advisory id */
  readonly advisories?: AdvisoryStore
}

export async function respond(store: WatchStore, query: RespondQuery, options: RespondOptions = {}): Promise<RespondResult> {
  const inventories = await store.inventories()
  let isAffected: (ecosystem: string, name: string, version: string) => boolean
  let names: { ecosystem: string; name: string }[]
  let advisory: RespondResult['advisory']
  let label: string
  if (query.kind === 'release') {
    const bad = new Set(query.versions)
    isAffected = (ecosystem, name, version) => ecosystem === query.ecosystem && name === query.name && bad.has(version)
    names = [{ ecosystem: query.ecosystem, name: query.name }]
    label = `${query.ecosystem === 'npm' ? '' : `${query.ecosystem}:`}${query.name}@${query.versions.join(',')}`
  } else {
    const advisories = options.advisories
    if (!advisories) throw new StagelightError('E_USAGE', `${query.id}: give the OSV data that holds it (--advisories <dir|zip|file>)`)
    label = query.id
    const memo = new Map<string, boolean>()
    isAffected = (ecosystem, name, version) => {
      const key = `${ecosystem} ${name} ${version}`
      let hit = memo.get(key)
      if (hit === undefined) {
        const matches = advisories.match({ ecosystem: ecosystem as 'npm' | 'deb', name, version })
        const match = matches.find((m) => m.id === query.id || m.aliases.includes(query.id))
        if (match && !advisory) advisory = { id: match.id, summary: match.summary, severity: match.severity, aliases: match.aliases }
        hit = match !== undefined
        memo.set(key, hit)
      }
      return hit
    }
    const affectedNames = new Map<string, { ecosystem: string; name: string }>()
    for (const held of await store.heldVersions()) {
      if ((held.ecosystem === 'npm' || held.ecosystem === 'deb') && isAffected(held.ecosystem, held.name, held.version)) affectedNames.set(`${held.ecosystem} ${held.name}`, { ecosystem: held.ecosystem, name: held.name })
    }
    names = [...affectedNames.values()]
  }
  const affected: AffectedHolding[] = []
  const unaffected = new Set<string>()
  for (const { ecosystem, name } of names) {
    const holdings = await store.holdings(ecosystem, [name])
    const known = await store.knownVersions(ecosystem, name)
    const compare = compareFor(ecosystem)
    const answers = new Map<string, Pick<AffectedHolding, 'rollback' | 'fix' | 'latest'>>()
    for (const h of holdings) {
      if (!isAffected(ecosystem, name, h.version)) {
        unaffected.add(h.inventory)
        continue
      }
      let answer = answers.get(h.version)
      if (!answer) {
        const ordered = candidates(ecosystem, known, h.version)
        const below = ordered.filter((v) => compare(v, h.version) < 0 && !isAffected(ecosystem, name, v))
        const above = ordered.filter((v) => compare(v, h.version) > 0 && !isAffected(ecosystem, name, v))
        answer = { rollback: below.at(-1), fix: above[0], latest: above.at(-1) }
        answers.set(h.version, answer)
      }
      affected.push({ inventory: h.inventory, ecosystem, name, version: h.version, path: dependencyPath(h.location, name), dev: h.dev, ...answer })
    }
  }
  affected.sort((a, b) => a.inventory.localeCompare(b.inventory) || a.name.localeCompare(b.name) || a.path.join('/').localeCompare(b.path.join('/')))
  const hit = new Set(affected.map((a) => a.inventory))
  return {
    query: label,
    ...(advisory ? { advisory } : {}),
    inventoriesSearched: inventories.length,
    affected,
    unaffectedInventories: [...unaffected].filter((i) => !hit.has(i)).length,
  }
}
