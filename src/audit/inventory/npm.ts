/** @fileoverview package-lock.json (v1, v2, v3), npm-shrinkwrap.json and node_modules/.package-lock.json. */
import semver from 'semver'
import { StagelightError } from '../../errors.js'
import { redactSecrets } from '../redact.js'
import type { PackageRef, PackageSource } from '../types.js'
import { dependencyPaths, dependencyPathsV1 } from './graph.js'
import { SequentialFinder } from './lines.js'
import { npmPurl } from './purl.js'
import { classifyResolved, type LockEntry } from './source.js'
import { isJsonObject as isObject, type JsonObject as Json } from '../../util/json.js'

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

export const isNpmLock = (doc: Json): boolean =>
  typeof doc['lockfileVersion'] === 'number' && (isObject(doc['packages']) || isObject(doc['dependencies']))

/** the package name at the end of a `node_modules/…` path */
export const nameFromLocation = (location: string): string => {
  const i = location.lastIndexOf('node_modules/')
  return i === -1 ? location : location.slice(i + 'node_modules/'.length)
}

interface Built {
  readonly name: string
  readonly version: string
  readonly source: PackageSource
  readonly resolved?: string | undefined
  readonly integrity?: string | undefined
  readonly dev?: boolean | undefined
  readonly location?: string | undefined
  readonly dependencyPath?: readonly string[] | undefined
}

export function makeRef(b: Built): PackageRef {
  return {
    ecosystem: 'npm',
    name: b.name,
    version: b.version,
    purl: npmPurl(b.name, b.version),
    source: b.source,
    // a resolved URL can carry credentials (`https://user:token@host/…`): never kept, so never shown
    ...(b.resolved !== undefined ? { resolved: redactSecrets(b.resolved) } : {}),
    ...(b.integrity !== undefined ? { integrity: b.integrity } : {}),
    ...(b.dev === true ? { dev: true } : {}),
    ...(b.location !== undefined ? { location: b.location } : {}),
    ...(b.dependencyPath !== undefined ? { dependencyPath: b.dependencyPath } : {}),
  }
}

export function readNpmLock(doc: Json, text: string, fileName: string): { format: string; entries: LockEntry[] } {
  const lockfileVersion = doc['lockfileVersion'] as number
  const label = fileName === 'npm-shrinkwrap.json' || fileName === '.package-lock.json' ? fileName : 'package-lock.json'
  const format = `${label} v${lockfileVersion}`
  const finder = new SequentialFinder(text)
  const packages = doc['packages']
  if (lockfileVersion >= 2 && isObject(packages)) return { format, entries: readPackages(packages, finder) }
  const dependencies = doc['dependencies']
  if (isObject(dependencies)) {
    const entries: LockEntry[] = []
    const requires = new Map<string, string[]>()
    readV1(dependencies, fileName, finder, entries, requires)
    const paths = dependencyPathsV1(requires)
    return { format, entries: entries.map((e) => (e.ref.location !== undefined && paths.has(e.ref.location) ? { ...e, ref: { ...e.ref, dependencyPath: paths.get(e.ref.location) as string[] } } : e)) }
  }
  throw new StagelightError('E_INPUT_INVALID', `${fileName}: lockfileVersion ${lockfileVersion} without a packages or dependencies object`)
}

function readPackages(packages: Json, finder: SequentialFinder): LockEntry[] {
  const entries: LockEntry[] = []
  const paths = dependencyPaths(packages)
  for (const [location, value] of Object.entries(packages)) {
    const offset = finder.find(`${JSON.stringify(location)}: {`)
    if (location === '' || !isObject(value) || !location.includes('node_modules/')) continue
    const keyName = nameFromLocation(location)
    const resolved = str(value['resolved'])
    const common = { location, dev: value['dev'] === true, integrity: str(value['integrity']), dependencyPath: paths.get(location) }
    if (value['link'] === true) {
      const target = resolved !== undefined ? packages[resolved] : undefined
      const version = isObject(target) ? (str(target['version']) ?? '') : ''
      const ref = makeRef({ ...common, name: keyName, version, source: 'link', resolved })
      entries.push({ ref, ...(offset !== undefined ? { offset } : {}), ...(resolved !== undefined ? { localPath: resolved } : {}) })
      continue
    }
    const version = str(value['version']) ?? ''
    const bundled = value['inBundle'] === true
    const source: PackageSource = resolved !== undefined ? classifyResolved(resolved) : semver.valid(version) !== null ? 'registry' : 'unknown'
    const ref = makeRef({ ...common, name: str(value['name']) ?? keyName, version, source, resolved })
    entries.push({
      ref,
      ...(offset !== undefined ? { offset } : {}),
      ...(bundled ? { bundled } : {}),
      ...(source === 'file' && resolved !== undefined ? { localPath: resolved.replace(/^file:/i, '') } : {}),
    })
  }
  return entries
}

/**
 * How deep v1 `dependencies` may nest. npm nests a package only where a conflicting version forces it,
 * so real trees stay below a few dozen levels; a deeper one is hostile or broken.
 */
export const MAX_LOCK_NESTING = 1000

/**
 * v1: `dependencies` nested by name; the version field holds the spec for git, file, URL and alias dependencies.
 * Walked with an explicit stack in document order (a recursive walk overflows on hostile nesting).
 */
function readV1(root: Json, fileName: string, finder: SequentialFinder, entries: LockEntry[], requires: Map<string, string[]>): void {
  const stack: { readonly items: [string, unknown][]; index: number; readonly parent: string }[] = [{ items: Object.entries(root), index: 0, parent: '' }]
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number]
    if (frame.index >= frame.items.length) {
      stack.pop()
      continue
    }
    const [key, value] = frame.items[frame.index++] as [string, unknown]
    const offset = /^\d+$/.test(key) ? undefined : finder.find(`${JSON.stringify(key)}: {`)
    if (!isObject(value)) continue
    const location = `${frame.parent}node_modules/${key}`
    entries.push(readV1Entry(key, value, location, offset))
    requires.set(location, isObject(value['requires']) ? Object.keys(value['requires']) : [])
    const nested = value['dependencies']
    if (isObject(nested)) {
      if (stack.length >= MAX_LOCK_NESTING) throw new StagelightError('E_INPUT_INVALID', `${fileName}: dependencies nested deeper than ${MAX_LOCK_NESTING} levels, the limit for a lockfile`)
      stack.push({ items: Object.entries(nested), index: 0, parent: `${location}/` })
    }
  }
}

function readV1Entry(key: string, value: Json, location: string, offset: number | undefined): LockEntry {
  const raw = str(value['version']) ?? ''
  let name = key
  let version = raw
  let resolved = str(value['resolved'])
  let source: PackageSource
  let localPath: string | undefined
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(raw)
  if (alias) {
    name = alias[1] ?? key
    version = alias[2] ?? ''
  }
  if (semver.valid(version) !== null) {
    source = resolved !== undefined ? classifyResolved(resolved) : 'registry'
  } else {
    resolved ??= raw
    source = classifyResolved(raw)
    if (source === 'git') version = /#([0-9a-f]{7,40})$/i.exec(raw)?.[1] ?? ''
    else version = ''
    if (source === 'file') {
      localPath = raw.replace(/^file:/i, '')
      // npm v1 links file: directories into node_modules; only archives are copied
      if (!/\.(?:tgz|tar\.gz|tar)$/i.test(localPath)) source = 'link'
    }
  }
  const ref = makeRef({ name, version, source, resolved, integrity: str(value['integrity']), dev: value['dev'] === true, location })
  return {
    ref,
    ...(offset !== undefined ? { offset } : {}),
    ...(value['bundled'] === true ? { bundled: true } : {}),
    ...(localPath !== undefined ? { localPath } : {}),
  }
}
