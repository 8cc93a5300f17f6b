import type { EntryKind } from '../../model/tree.js'

/**
 * Strips the single top-level directory release archives put everything under (`xz-5.6.1/`,
 * npm's `package/`). The first entry decides what the prefix is; an entry outside it means the
 * guess was wrong, which the caller learns from `held` (and re-reads without stripping).
 */
export class PrefixStripper {
  private readonly enabled: boolean
  private decided = false
  private value = ''
  private holds = true

  constructor(enabled: boolean) {
    this.enabled = enabled
  }

  get prefix(): string {
    return this.value
  }

  get held(): boolean {
    return this.holds
  }

  /** The path without the prefix; undefined for the prefix directory itself, which is not an entry of the tree. */
  strip(path: string, kind: EntryKind): string | undefined {
    if (!this.enabled) return path
    if (!this.decided) {
      this.decided = true
      const slash = path.indexOf('/')
      // an archive whose first entry is a top-level file has no common directory to strip
      if (slash >= 0) this.value = path.slice(0, slash)
      else if (kind === 'directory') this.value = path
    }
    if (this.value === '') return path
    if (path === this.value && kind === 'directory') return undefined
    if (path.startsWith(`${this.value}/`)) return path.slice(this.value.length + 1)
    this.holds = false
    return path
  }

  /** A hardlink target names an archive path, prefix included. */
  stripTarget(target: string): string {
    if (!this.enabled || this.value === '') return target
    return target.startsWith(`${this.value}/`) ? target.slice(this.value.length + 1) : target
  }
}
