/**
 * @fileoverview pnpm-lock.yaml: v5.x, v6.x and v9 (importers / packages / snapshots).
 *
 * Parsed with js-yaml through @yarnpkg/parsers' `parseSyml` (failsafe schema: every scalar is a
 * string, so `lockfileVersion: 5.4` stays "5.4" and `dev: true` is "true"). The `yaml` package
 * reads 4 MB of pnpm lockfile in about 10 s (its lexer alone takes 6 s); js-yaml in about 1.3 s.
 */
import { posix } from 'node:path'
import { parseSyml } from '@yarnpkg/parsers'
import { StagelightError } from '../../errors.js'
import type { PackageSource } from '../types.js'
import { shortestPaths } from './graph.js'
import { makeRef } from './npm.js'
import { classifyResolved, type LockEntry } from './source.js'
import { splitDescriptor } from './yarn.js'
import { isJsonObject as isObject, type JsonObject as Json } from '../../util/json.js'

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined)

export const isPnpmLock = (text: string): boolean => /^lockfileVersion:\s*['"]?\d/m.test(text.slice(0, 1024))

export function parseYaml(text: string, fileName: string): unknown {
  try {
    return parseSyml(text)
  } catch (err) {
    throw new StagelightError('E_INPUT_INVALID', `${fileName}: not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}`, {}, { cause: err })
  }
}

/** offsets of the two-space-indented keys of the top-level `packages:` mapping */
function packageOffsets(text: string): Map<string, number> {
  const map = new Map<string, number>()
  const section = /^packages:[ \t]*\r?$/m.exec(text)
  if (!section) return map
  let start = section.index + section[0].length + 1
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const line = text.slice(start, end).replace(/\r$/, '')
    if (line !== '' && !line.startsWith(' ')) break
    const m = /^ {2}(\S.*?):(?:\s*\{\})?$/.exec(line)
    if (m?.[1] !== undefined) map.set(unquote(m[1]), start)
    start = end + 1
  }
  return map
}

const unquote = (s: string): string =>
  s.length >= 2 && ((s.startsWith("'") && s.endsWith("'")) || (s.startsWith('"') && s.endsWith('"'))) ? s.slice(1, -1).replace(/''/g, "'") : s

/** name and version from a package key: `/a/1.0.0_peer@1` (v5), `/a@1.0.0(peer@1)` (v6), `a@1.0.0` (v9) */
export function parsePnpmKey(key: string, major: number): { name: string; version: string } | undefined {
  const k = key.replace(/^\//, '')
  if (major < 6 && key.startsWith('/')) {
    const parts = k.split('/')
    const scoped = k.startsWith('@')
    const name = scoped ? parts.slice(0, 2).join('/') : (parts[0] ?? '')
    const version = (scoped ? parts[2] : parts[1]) ?? ''
    return { name, version: version.split('_')[0] ?? version }
  }
  const [name, rest] = splitDescriptor(k)
  if (rest === '') return undefined
  return { name, version: stripPeers(rest) }
}

const stripPeers = (v: string): string => {
  const i = v.indexOf('(')
  return i > 0 ? v.slice(0, i) : v
}

/** the key of a dependency in packages/snapshots, from its name and the version an importer or snapshot gives */
function depKey(name: string, version: string, major: number): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(version)) return `${name}@${version}`
  if (version.startsWith('/')) return version
  // an alias (`npm:`-less `other@1.0.0`) names its own package; an `@` inside a peer suffix does not
  if (stripPeers(version).indexOf('@', 1) > 0) return major >= 9 ? version : `/${version}`
  return major >= 9 ? `${name}@${version}` : major >= 6 ? `/${name}@${version}` : `/${name}/${version}`
}

const depVersion = (v: unknown): string | undefined => (isObject(v) ? str(v['version']) : str(v))

const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'devDependencies'] as const

export function readPnpmLock(doc: Json, text: string, fileName: string): { format: string; entries: LockEntry[] } {
  const versionText = str(doc['lockfileVersion']) ?? ''
  const major = Number.parseInt(versionText, 10)
  if (!Number.isFinite(major) || major < 5) throw new StagelightError('E_INPUT_INVALID', `${fileName}: unsupported pnpm lockfileVersion ${versionText || '(none)'}`)
  const offsets = packageOffsets(text)
  const packages = isObject(doc['packages']) ? doc['packages'] : {}
  const importers: Json = isObject(doc['importers']) ? doc['importers'] : { '.': doc }
  const devOnly = major >= 9 ? devOnlyV9(importers, isObject(doc['snapshots']) ? doc['snapshots'] : {}, major) : undefined
  const paths = pnpmPaths(importers, major >= 9 && isObject(doc['snapshots']) ? doc['snapshots'] : packages, major)

  const byIdentity = new Map<string, LockEntry>()
  for (const [key, value] of Object.entries(packages)) {
    if (!isObject(value)) continue
    const parsed = parsePnpmKey(key, major)
    const name = str(value['name']) ?? parsed?.name
    if (name === undefined) continue
    const version = str(value['version']) ?? parsed?.version ?? ''
    const resolution = isObject(value['resolution']) ? value['resolution'] : {}
    const integrity = str(resolution['integrity'])
    let source: PackageSource = 'registry'
    let resolved: string | undefined
    let localPath: string | undefined
    const tarball = str(resolution['tarball'])
    if (resolution['type'] === 'git' || str(resolution['commit']) !== undefined) {
      source = 'git'
      const repo = str(resolution['repo']) ?? ''
      resolved = `${repo}#${str(resolution['commit']) ?? ''}`
    } else if (resolution['type'] === 'directory' || str(resolution['directory']) !== undefined) {
      source = 'file'
      localPath = str(resolution['directory']) ?? ''
      resolved = `file:${localPath}`
    } else if (tarball !== undefined) {
      resolved = tarball
      source = classifyResolved(tarball)
      if (source === 'file') localPath = tarball.replace(/^file:/, '')
    } else if (integrity === undefined && parsed === undefined) {
      source = 'unknown'
    }
    const dev = devOnly !== undefined ? devOnly.has(key) : value['dev'] === true || value['dev'] === 'true'
    const dependencyPath = paths.get(key)
    const ref = makeRef({ name, version, source, resolved, integrity, dev, dependencyPath })
    const identity = `${ref.purl} ${source} ${resolved ?? ''}`
    const previous = byIdentity.get(identity)
    // peer variants of one package (v5/v6 keys) are one package; it is dev only when every variant
    // is, and its path is the shortest of theirs
    if (previous !== undefined) {
      const shorter = dependencyPath !== undefined && (previous.ref.dependencyPath === undefined || dependencyPath.length < previous.ref.dependencyPath.length)
      if ((previous.ref.dev === true && !dev) || shorter) {
        const keep = { ...previous.ref, dev: previous.ref.dev === true && dev, dependencyPath: shorter ? dependencyPath : previous.ref.dependencyPath }
        byIdentity.set(identity, { ...previous, ref: makeRef(keep) })
      }
      continue
    }
    const offset = offsets.get(key)
    byIdentity.set(identity, { ref, ...(offset !== undefined ? { offset } : {}), ...(localPath !== undefined ? { localPath } : {}) })
  }

  // links to workspace packages and local directories appear only in the importers
  for (const [dir, importer] of Object.entries(importers)) {
    if (!isObject(importer)) continue
    for (const field of DEP_FIELDS) {
      const deps = importer[field]
      if (!isObject(deps)) continue
      for (const [name, spec] of Object.entries(deps)) {
        const version = depVersion(spec)
        if (version === undefined || !version.startsWith('link:')) continue
        const localPath = posix.normalize(posix.join(dir, version.slice('link:'.length)))
        const identity = `link ${name} ${localPath}`
        if (byIdentity.has(identity)) continue
        const dependencyPath = dir === '.' ? [name] : [dir, name]
        byIdentity.set(identity, { ref: makeRef({ name, version: '', source: 'link', resolved: version, dev: field === 'devDependencies', dependencyPath }), localPath })
      }
    }
  }
  return { format: `pnpm-lock.yaml v${versionText}`, entries: [...byIdentity.values()] }
}

/**
 * Shortest dependency path to every package key, from the importers (the project's own dependencies
 * start the chain; another workspace's start with its directory) through `nodes` (v9: snapshots,
 * whose keys carry peer suffixes the packages map drops; before: packages). Keys are returned as
 * the packages map spells them, each with the shortest path of its peer variants.
 */
function pnpmPaths(importers: Json, nodes: Json, major: number): Map<string, string[]> {
  const depsOf = (entry: Json, fields: readonly string[]): [string, string][] =>
    fields.flatMap((field) => {
      const deps = entry[field]
      if (!isObject(deps)) return []
      return Object.entries(deps).flatMap(([name, v]) => {
        const version = depVersion(v)
        return version === undefined || version.startsWith('link:') ? [] : [[name, depKey(name, version, major)] as [string, string]]
      })
    })
  const roots: [string, string[]][] = []
  const importerDirs = Object.keys(importers).sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : 0))
  for (const dir of importerDirs) {
    const importer = importers[dir]
    if (!isObject(importer)) continue
    for (const [name, key] of depsOf(importer, DEP_FIELDS)) roots.push([key, dir === '.' ? [name] : [dir, name]])
  }
  const walked = shortestPaths(roots, (key) => {
    const entry = nodes[key]
    return isObject(entry) ? depsOf(entry, ['dependencies', 'optionalDependencies']) : []
  })
  if (major < 9) return walked
  const byPackage = new Map<string, string[]>()
  for (const [key, path] of walked) {
    const bare = stripPeers(key)
    const known = byPackage.get(bare)
    if (known === undefined || path.length < known.length) byPackage.set(bare, path)
  }
  return byPackage
}

/** v9 dropped `dev:` flags: a package is dev-only when it is reached from devDependencies and not from the others */
function devOnlyV9(importers: Json, snapshots: Json, major: number): Set<string> {
  const walk = (roots: string[]): Set<string> => {
    const seen = new Set<string>()
    const stack = [...roots]
    while (stack.length > 0) {
      const key = stack.pop() as string
      if (seen.has(key)) continue
      seen.add(key)
      const snapshot = snapshots[key]
      if (!isObject(snapshot)) continue
      for (const field of ['dependencies', 'optionalDependencies'] as const) {
        const deps = snapshot[field]
        if (!isObject(deps)) continue
        for (const [name, v] of Object.entries(deps)) {
          const version = depVersion(v)
          if (version !== undefined && !version.startsWith('link:')) stack.push(depKey(name, version, major))
        }
      }
    }
    return seen
  }
  const roots = (fields: readonly string[]): string[] => {
    const out: string[] = []
    for (const importer of Object.values(importers)) {
      if (!isObject(importer)) continue
      for (const field of fields) {
        const deps = importer[field]
        if (!isObject(deps)) continue
        for (const [name, v] of Object.entries(deps)) {
          const version = depVersion(v)
          if (version !== undefined && !version.startsWith('link:')) out.push(depKey(name, version, major))
        }
      }
    }
    return out
  }
  const prod = new Set([...walk(roots(['dependencies', 'optionalDependencies']))].map(stripPeers))
  const dev = new Set([...walk(roots(['devDependencies']))].map(stripPeers))
  return new Set([...dev].filter((k) => !prod.has(k)))
}
