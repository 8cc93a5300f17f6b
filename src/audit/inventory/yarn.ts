/** @fileoverview yarn.lock: classic (v1, via @yarnpkg/lockfile) and berry (v2+, via @yarnpkg/parsers). */
import { createRequire } from 'node:module'
import { posix } from 'node:path'
import { parseSyml } from '@yarnpkg/parsers'
import semver from 'semver'
import { StagelightError } from '../../errors.js'
import type { PackageSource } from '../types.js'
import { shortestPaths } from './graph.js'
import { makeRef } from './npm.js'
import { classifyResolved, type LockEntry } from './source.js'
import { isJsonObject as isObject, type JsonObject as Json } from '../../util/json.js'

// a CommonJS module whose `default` differs between Node's and bundlers' interop: require it
const lockfile = createRequire(import.meta.url)('@yarnpkg/lockfile') as typeof import('@yarnpkg/lockfile')

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

export const isYarnClassic = (text: string): boolean => /^(?:#.*\r?\n)*?#\s*yarn lockfile v1\s*$/im.test(text.slice(0, 2048))
export const isYarnBerry = (text: string): boolean => /^__metadata:\s*$/m.test(text.slice(0, 4096))

/** `name@range` → [name, range]; the name may be scoped */
export function splitDescriptor(descriptor: string): [string, string] {
  const at = descriptor.indexOf('@', 1)
  return at === -1 ? [descriptor, ''] : [descriptor.slice(0, at), descriptor.slice(at + 1)]
}

const unquote = (s: string): string => {
  const t = s.trim()
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t
}

/**
 * Offsets of the entry headers (unindented `key:` lines), by each descriptor they list. Classic
 * quotes descriptors one by one (`"a@^1", "a@^2":`), berry quotes the whole list (`"a@npm:^1, a@npm:^2":`).
 */
function headerOffsets(text: string): Map<string, number> {
  const map = new Map<string, number>()
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const c = text.charCodeAt(start)
    // not indented, not a comment, not blank
    if (c !== 32 && c !== 9 && c !== 35 && c !== 10 && c !== 13) {
      const line = text.slice(start, end).replace(/\r$/, '')
      if (line.endsWith(':')) {
        const header = line.slice(0, -1)
        const whole = unquote(header)
        if (!map.has(whole)) map.set(whole, start)
        for (const part of (header.startsWith('"') && header.endsWith('"') && !header.includes('", "') ? whole : header).split(/,\s*/)) {
          const d = unquote(part)
          if (!map.has(d)) map.set(d, start)
        }
      }
    }
    start = end + 1
  }
  return map
}

const hexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64')

/**
 * The first line holding a string that does not end on it. yarn v1 strings never span lines, and
 * @yarnpkg/lockfile's tokenizer, given an unterminated one, keeps growing a buffer until memory runs
 * out: checked before parsing, in one pass.
 */
export function unterminatedStringLine(text: string): number | undefined {
  let line = 1
  let inString = false
  let atLineStart = true
  let comment = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) {
      if (inString) return line
      line++
      atLineStart = true
      comment = false
      continue
    }
    if (comment) continue
    if (inString) {
      if (c === 92) {
        // a backslash escapes the next character, but not the end of the line
        if (text.charCodeAt(i + 1) === 10) return line
        i++
      }
      else if (c === 34) inString = false
      continue
    }
    if (atLineStart && c !== 32 && c !== 9) {
      atLineStart = false
      if (c === 35) {
        comment = true
        continue
      }
    }
    if (c === 34) inString = true
  }
  return inString ? line : undefined
}

/** The dependency maps of a lock entry that are installed with it (peers are the dependent's to provide). */
const INSTALLED = ['dependencies', 'optionalDependencies'] as const

const depsOf = (value: Json): [string, string][] =>
  INSTALLED.flatMap((field) => (isObject(value[field]) ? Object.entries(value[field]).filter((e): e is [string, string] => typeof e[1] === 'string') : []))

/**
 * The project's own dependencies as roots of the graph, from its package.json when one is given;
 * besides them, every entry nothing in the lockfile depends on (a yarn v1 lockfile records no root,
 * and workspaces' own entries are not in it). Each root's path is its own name.
 */
function rootsOf<N>(nodes: ReadonlyMap<N, string>, edges: (node: N) => Iterable<readonly [string, N]>, manifestRoots: Iterable<readonly [string, N]>): [N, string[]][] {
  const required = new Set<N>()
  for (const node of nodes.keys()) for (const [, dep] of edges(node)) if (dep !== node) required.add(dep)
  const roots: [N, string[]][] = [...manifestRoots].map(([name, node]) => [node, [name]])
  for (const [node, name] of nodes) if (!required.has(node)) roots.push([node, [name]])
  return roots
}

/** a project manifest's direct dependencies as `name@range` descriptors */
export function manifestDescriptors(manifest: Json | undefined): [string, string][] {
  if (manifest === undefined) return []
  return ['dependencies', 'optionalDependencies', 'devDependencies'].flatMap((field) =>
    isObject(manifest[field]) ? Object.entries(manifest[field]).filter((e): e is [string, string] => typeof e[1] === 'string') : [],
  )
}

export function readYarnClassic(text: string, fileName: string, manifest?: Json): { format: string; entries: LockEntry[] } {
  const open = unterminatedStringLine(text)
  if (open !== undefined) throw new StagelightError('E_INPUT_INVALID', `${fileName}: not a valid yarn.lock (classic): line ${open} has a string that is never closed`)
  let parsed: ReturnType<typeof lockfile.parse>
  try {
    parsed = lockfile.parse(text)
  } catch (err) {
    throw new StagelightError('E_INPUT_INVALID', `${fileName}: not a valid yarn.lock (classic): ${(err as Error).message.split('\n')[0] ?? ''}`, {}, { cause: err })
  }
  if (parsed.type === 'conflict') throw new StagelightError('E_INPUT_INVALID', `${fileName}: unresolved merge conflict in yarn.lock`)
  const offsets = headerOffsets(text)
  const byDescriptor = parsed.object as unknown as Record<string, Json>
  const lookup = (name: string, range: string): Json | undefined => {
    const v = Object.hasOwn(byDescriptor, `${name}@${range}`) ? byDescriptor[`${name}@${range}`] : undefined
    return isObject(v) ? v : undefined
  }
  const edges = (node: Json): [string, Json][] => depsOf(node).flatMap(([name, range]) => {
    const dep = lookup(name, range)
    return dep === undefined ? [] : [[name, dep] as [string, Json]]
  })
  const nodes = new Map<Json, string>()
  for (const [descriptor, value] of Object.entries(byDescriptor)) if (isObject(value) && !nodes.has(value)) nodes.set(value, splitDescriptor(descriptor)[0])
  const manifestRoots = manifestDescriptors(manifest).flatMap(([name, range]) => {
    const node = lookup(name, range)
    return node === undefined ? [] : [[name, node] as [string, Json]]
  })
  const paths = shortestPaths(rootsOf(nodes, edges, manifestRoots), edges)
  const seen = new Set<object>()
  const entries: LockEntry[] = []
  for (const [descriptor, value] of Object.entries(parsed.object)) {
    if (seen.has(value)) continue
    seen.add(value)
    const raw = value as unknown as Json
    let [name, range] = splitDescriptor(descriptor)
    const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@/.exec(range)
    if (alias?.[1] !== undefined) [name, range] = [alias[1], range.slice(alias[0].length)]
    const version = str(raw['version']) ?? ''
    let resolved = str(raw['resolved'])
    let integrity = str(raw['integrity'])
    let source: PackageSource
    let localPath: string | undefined
    if (resolved !== undefined) {
      source = classifyResolved(resolved)
      const hash = /#([0-9a-f]{40})$/i.exec(resolved)
      if ((source === 'registry' || source === 'tarball' || source === 'file') && hash?.[1] !== undefined) {
        resolved = resolved.slice(0, hash.index)
        integrity ??= `sha1-${hexToBase64(hash[1])}`
      }
    } else if (/^(?:file|link|portal):/.test(range) || classifyResolved(range) === 'git') {
      resolved = range
      source = classifyResolved(range)
      if (source === 'file' || source === 'link') localPath = range.replace(/^[a-z]+:/, '')
    } else {
      source = semver.valid(version) !== null ? 'registry' : 'unknown'
    }
    const ref = makeRef({ name, version, source, resolved, integrity, dependencyPath: paths.get(value as unknown as Json) })
    const offset = offsets.get(descriptor)
    entries.push({ ref, ...(offset !== undefined ? { offset } : {}), ...(localPath !== undefined ? { localPath } : {}) })
  }
  return { format: 'yarn.lock (classic)', entries }
}

interface Locator {
  readonly name: string
  readonly reference: string
}

const parseLocator = (s: string): Locator => {
  const [name, reference] = splitDescriptor(s)
  return { name, reference }
}

/** the workspace a berry `::locator=` parameter names, as a directory relative to the project */
const locatorDir = (reference: string): string => {
  const params = reference.split('::')[1] ?? ''
  const locator = new URLSearchParams(params).get('locator')
  if (locator === null) return '.'
  const ws = /@workspace:(.*)$/.exec(locator)
  return ws?.[1] ?? '.'
}

export function readYarnBerry(text: string, fileName: string): { format: string; entries: LockEntry[] } {
  let doc: Json
  try {
    doc = parseSyml(text)
  } catch (err) {
    throw new StagelightError('E_INPUT_INVALID', `${fileName}: not a valid yarn.lock (berry): ${(err as Error).message.split('\n')[0] ?? ''}`, {}, { cause: err })
  }
  const metadata = doc['__metadata']
  if (!isObject(metadata)) throw new StagelightError('E_INPUT_INVALID', `${fileName}: yarn.lock (berry) without __metadata`)
  const offsets = headerOffsets(text)
  const paths = berryPaths(doc)
  const resolutions = new Set<string>()
  for (const [key, value] of Object.entries(doc)) if (key !== '__metadata' && isObject(value) && typeof value['resolution'] === 'string') resolutions.add(value['resolution'])
  const entries: LockEntry[] = []
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata' || !isObject(value)) continue
    const resolution = str(value['resolution'])
    if (resolution === undefined) continue
    let { name, reference } = parseLocator(resolution)
    let version = str(value['version']) ?? ''
    // patched packages: report the package the patch applies to, unless it is listed on its own
    const patch = /^patch:(.+?)#/.exec(reference)
    if (patch?.[1] !== undefined) {
      const inner = decodeURIComponent(patch[1])
      if (resolutions.has(inner)) continue
      ;({ name, reference } = parseLocator(inner))
    }
    let source: PackageSource
    let resolved: string | undefined
    let localPath: string | undefined
    if (reference.startsWith('npm:')) {
      const range = reference.slice(4)
      const alias = /^((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(range)
      if (alias?.[1] !== undefined && alias[2] !== undefined) [name, version] = [alias[1], alias[2]]
      source = 'registry'
    } else if (reference.startsWith('workspace:')) {
      const dir = reference.slice('workspace:'.length)
      if (dir === '.') continue // the project itself
      source = 'link'
      resolved = reference
      localPath = dir
    } else {
      let spec = reference.split('::')[0] ?? reference
      source = classifyResolved(spec)
      if (source === 'file' || source === 'link') {
        // `file:./x.tgz#./x.tgz`: the fragment repeats the path
        spec = spec.split('#')[0] ?? spec
        localPath = posix.join(locatorDir(reference), spec.replace(/^[a-z]+:/, ''))
      }
      resolved = spec
    }
    // berry's placeholder for workspaces and links, whose version the lockfile does not know
    if (version === '0.0.0-use.local') version = ''
    const ref = makeRef({ name, version, source, resolved, dependencyPath: paths.get(key) })
    const offset = offsets.get(key)
    entries.push({
      ref,
      ...(offset !== undefined ? { offset } : {}),
      ...(typeof value['checksum'] === 'string' && value['checksum'] !== '' ? { hashed: true } : {}),
      ...(localPath !== undefined ? { localPath } : {}),
    })
  }
  return { format: 'yarn.lock (berry)', entries }
}

/**
 * Shortest paths through a berry lockfile: an entry's key lists the descriptors it satisfies
 * (`"a@npm:^1, a@npm:^2"`), its dependencies name descriptors (`b: "npm:^3"`; before lockfile v6
 * without the `npm:` protocol). The workspaces are the roots: the project's own dependencies start
 * the chain, another workspace's start with its name.
 */
function berryPaths(doc: Json): Map<string, string[]> {
  const keyOf = new Map<string, string>()
  const nodes = new Map<string, string>()
  const workspaces: [string, string[]][] = []
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata' || !isObject(value)) continue
    for (const d of key.split(/,\s*/)) if (!keyOf.has(d)) keyOf.set(d, key)
    const resolution = str(value['resolution']) ?? key.split(/,\s*/)[0] ?? key
    const { name, reference } = parseLocator(resolution)
    nodes.set(key, name)
    if (reference.startsWith('workspace:')) workspaces.push([key, reference === 'workspace:.' ? [] : [name]])
  }
  const edges = (key: string): [string, string][] => {
    const value = doc[key]
    if (!isObject(value)) return []
    return depsOf(value).flatMap(([name, range]) => {
      const dep = keyOf.get(`${name}@${range}`) ?? keyOf.get(`${name}@npm:${range}`)
      return dep === undefined ? [] : [[name, dep] as [string, string]]
    })
  }
  const paths = shortestPaths(workspaces.length > 0 ? workspaces : rootsOf(nodes, edges, []), edges)
  // a patched package is reported as the package it patches (see readYarnBerry): that entry, which
  // dependents never name directly, takes the patched one's path
  const keyOfResolution = new Map<string, string>()
  for (const [key, value] of Object.entries(doc)) if (isObject(value) && typeof value['resolution'] === 'string') keyOfResolution.set(value['resolution'], key)
  for (const [resolution, key] of keyOfResolution) {
    const patch = /^(?:@[^/@]+\/)?[^@]+@patch:(.+?)#/.exec(resolution)
    const inner = patch?.[1] !== undefined ? keyOfResolution.get(decodeURIComponent(patch[1])) : undefined
    const path = paths.get(key)
    if (inner !== undefined && path !== undefined && !paths.has(inner)) paths.set(inner, path)
  }
  return paths
}
