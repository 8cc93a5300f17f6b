/**
 * @fileoverview Where symlinks really lead. A link's target is resolved component by component
 * through the links already known, as the kernel would after extraction: `l0 → .` then
 * `l1 → l0/..` leaves the tree although `l0/..` looks harmless written out. Resolution is
 * virtual (nothing on disk) and bounded, like the kernel's own limit on links followed.
 */
import { LIMITS } from './limits.js'

export type Landing =
  | { readonly kind: 'inside'; readonly path: string }
  | { readonly kind: 'outside' }
  /** more links followed than the limit, or a cycle: the kernel gives ELOOP */
  | { readonly kind: 'loop' }

const isAbsolute = (target: string): boolean => target.startsWith('/') || /^[A-Za-z]:/.test(target)

/** The symlinks of one tree, by path relative to its root, and where each one leads. */
export class LinkResolver {
  private readonly links = new Map<string, string>()

  get size(): number {
    return this.links.size
  }

  target(path: string): string | undefined {
    return this.links.get(path)
  }

  has(path: string): boolean {
    return this.links.has(path)
  }

  set(path: string, target: string): void {
    this.links.set(path, target)
  }

  delete(path: string): void {
    this.links.delete(path)
  }

  paths(): IterableIterator<string> {
    return this.links.keys()
  }

  /** Where the symlink at `path` leads, through every link known now. */
  landing(path: string): Landing {
    const target = this.links.get(path)
    if (target === undefined) return { kind: 'inside', path }
    const slash = path.lastIndexOf('/')
    return this.resolve(slash < 0 ? [] : path.slice(0, slash).split('/'), target)
  }

  /**
   * Resolves `target` from the directory `from` (components, no links among them). Each
   * component that names a known link is replaced by that link's target, read from the link's
   * own directory, at most `LIMITS.maxSymlinkHops` times in all.
   */
  resolve(from: readonly string[], target: string): Landing {
    if (isAbsolute(target)) return { kind: 'outside' }
    const at = [...from]
    // components still to walk, the next one last, so a link's target is pushed in front of the rest
    const pending = target.split('/').reverse()
    let hops = 0
    while (pending.length > 0) {
      const part = pending.pop() as string
      if (part === '' || part === '.') continue
      if (part === '..') {
        if (at.length === 0) return { kind: 'outside' }
        at.pop()
        continue
      }
      const candidate = at.length ? `${at.join('/')}/${part}` : part
      const next = this.links.get(candidate)
      if (next === undefined) {
        at.push(part)
        continue
      }
      hops += 1
      if (hops > LIMITS.maxSymlinkHops) return { kind: 'loop' }
      if (isAbsolute(next)) return { kind: 'outside' }
      for (const piece of next.split('/').reverse()) pending.push(piece)
    }
    return { kind: 'inside', path: at.join('/') }
  }
}
