/** @fileoverview Files grouped by the npm package they belong to, so a package is judged as a whole. */
import type { JsFacts, ManifestFacts, ScriptFileFacts } from '../npm/index.js'

export interface PackageGroup {
  readonly root: string
  manifest: ManifestFacts | undefined
  readonly js: Map<string, JsFacts>
  readonly binaries: { path: string; type: string }[]
  hasBindingGyp: boolean
  /** script files showing malware signals */
  readonly scripts: Map<string, ScriptFileFacts>
}

/**
 * The package directory a path belongs to: the innermost `node_modules/<name>` or
 * `node_modules/@scope/<name>` around it, or '' for the tree's own package.
 * @example packageRootOf('node_modules/@a/b/lib/x.js') // 'node_modules/@a/b'
 */
export function packageRootOf(path: string): string {
  const at = path.lastIndexOf('node_modules/')
  if (at < 0) return ''
  if (at > 0 && path[at - 1] !== '/') return packageRootOf(path.slice(0, at))
  const rest = path.slice(at + 'node_modules/'.length).split('/')
  const take = rest[0]?.startsWith('@') ? 2 : 1
  if (rest.length <= take) return ''
  return path.slice(0, at) + 'node_modules/' + rest.slice(0, take).join('/')
}

export class PackageGroups {
  private readonly groups = new Map<string, PackageGroup>()
  private readonly rootOf: (path: string) => string

  /** @param rootIsNodeModules the tree itself is a `node_modules` directory: its top-level directories are packages */
  constructor(rootIsNodeModules = false) {
    this.rootOf = rootIsNodeModules ? (path) => packageRootOf(`node_modules/${path}`).replace(/^node_modules\//, '') : packageRootOf
  }

  of(path: string): PackageGroup {
    const root = this.rootOf(path)
    let group = this.groups.get(root)
    if (!group) this.groups.set(root, (group = { root, manifest: undefined, js: new Map(), binaries: [], hasBindingGyp: false, scripts: new Map() }))
    return group
  }

  /** package.json directly in the package directory is its manifest; nested ones are not */
  isManifestOf(path: string): boolean {
    const root = this.rootOf(path)
    return path === (root ? `${root}/package.json` : 'package.json')
  }

  all(): PackageGroup[] {
    return [...this.groups.values()]
  }
}
