/**
 * @fileoverview Dependency paths from a package-lock's graph: who pulls a package in. Each
 * dependency name is resolved the way Node resolves it (the nearest `node_modules/<name>` up the
 * tree), and a breadth-first walk from the project gives every installed location its shortest
 * chain of names (`vitest > vite > esbuild`). Iterative, linear in edges times tree depth.
 */

import { isJsonObject as isObject, type JsonObject as Json } from '../../util/json.js'

const names = (v: unknown): string[] => (isObject(v) ? Object.keys(v) : [])

/** `node_modules/a/node_modules/@s/b` → `node_modules/a`; `node_modules/a` → `` (the project). */
function parentOf(location: string): string {
  const i = location.lastIndexOf('/node_modules/')
  return i >= 0 ? location.slice(0, i) : ''
}

/** The location `name` resolves to from `from`, Node's way. */
function resolve(from: string, name: string, has: (location: string) => boolean): string | undefined {
  let base = from
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`
    if (has(candidate)) return candidate
    if (base === '') return undefined
    base = parentOf(base)
  }
}

/**
 * Shortest dependency path (package names) to every location of a v2/v3 `packages` map. Locations
 * nothing reaches (extraneous entries) get none.
 */
export function dependencyPaths(packages: Json): Map<string, string[]> {
  const has = (location: string): boolean => isObject(packages[location])
  const paths = new Map<string, string[]>([['', []]])
  const queue: string[] = ['']
  for (let head = 0; head < queue.length; head++) {
    const location = queue[head] as string
    const entry = packages[location]
    if (!isObject(entry)) continue
    const path = paths.get(location) ?? []
    // a link's target is where its dependencies are resolved from
    const from = entry['link'] === true && typeof entry['resolved'] === 'string' ? entry['resolved'] : location
    const target = from === location ? entry : packages[from]
    if (!isObject(target)) continue
    const deps = [
      ...names(target['dependencies']),
      ...names(target['optionalDependencies']),
      ...names(target['peerDependencies']),
      // only the project's own (and its workspaces') development dependencies are installed
      ...(location === '' || from !== location ? names(target['devDependencies']) : []),
    ]
    for (const name of deps) {
      const resolved = resolve(from, name, has)
      if (resolved === undefined || paths.has(resolved)) continue
      paths.set(resolved, [...path, name])
      queue.push(resolved)
    }
    if (location === '') {
      // workspaces: the root links them; reach them even when the root does not depend on them
      for (const [loc, value] of Object.entries(packages)) {
        if (isObject(value) && value['link'] === true && !paths.has(loc) && loc.startsWith('node_modules/')) {
          paths.set(loc, [loc.slice('node_modules/'.length)])
          queue.push(loc)
        }
      }
    }
  }
  paths.delete('')
  return paths
}

/**
 * Shortest paths for a v1 lockfile: `requires` resolved through the nesting of `dependencies`
 * (v1 records no root dependencies, so every top-level entry nobody requires is a root).
 * `entries` is every location with its `requires` names, in document order.
 */
export function dependencyPathsV1(entries: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const has = (location: string): boolean => entries.has(location)
  const required = new Set<string>()
  for (const [location, requires] of entries) for (const name of requires) {
    const r = resolve(location, name, has)
    if (r !== undefined && r !== location) required.add(r)
  }
  const paths = new Map<string, string[]>()
  const queue: string[] = []
  for (const location of entries.keys()) {
    if (!location.includes('/node_modules/') && !required.has(location)) {
      paths.set(location, [location.slice('node_modules/'.length)])
      queue.push(location)
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const location = queue[head] as string
    const path = paths.get(location) ?? []
    for (const name of entries.get(location) ?? []) {
      const resolved = resolve(location, name, has)
      if (resolved === undefined || paths.has(resolved)) continue
      paths.set(resolved, [...path, name])
      queue.push(resolved)
    }
  }
  // anything unreached (a cycle among top-level entries): its own name
  for (const location of entries.keys()) if (!paths.has(location)) paths.set(location, [location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length)])
  return paths
}

/**
 * Shortest chain of dependency names to every node reachable from `roots`, breadth first, for the
 * lockfiles that record a graph of descriptors rather than a tree of directories (yarn, pnpm).
 * `next` gives a node's dependencies as [name as the dependent spells it, node it resolves to];
 * an unresolvable dependency is left out by `next`. Iterative, linear in edges.
 */
export function shortestPaths<N>(roots: Iterable<readonly [N, readonly string[]]>, next: (node: N) => Iterable<readonly [string, N]>): Map<N, string[]> {
  const paths = new Map<N, string[]>()
  const queue: N[] = []
  for (const [node, path] of roots) {
    if (paths.has(node)) continue
    paths.set(node, [...path])
    queue.push(node)
  }
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as N
    const path = paths.get(node) ?? []
    for (const [name, dep] of next(node)) {
      if (paths.has(dep)) continue
      paths.set(dep, [...path, name])
      queue.push(dep)
    }
  }
  return paths
}
