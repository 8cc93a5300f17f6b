/**
 * @fileoverview Turns raw container entries into tree entries: names judged, prefix stripped,
 * links checked against the tree, bytes digested. Everything hostile becomes an issue here, in
 * one place, whatever the container.
 */
import type { EntryKind, TreeEntry } from '../../model/tree.js'
import { DataError, LimitReached } from './failures.js'
import { ContentDigest, digestsOf } from './hash.js'
import { deviceEntry, duplicatePath, hardlinkToUnknown, linkEscape, linkLoop, quote, throughSymlink, unsafeName } from './issues.js'
import { LinkResolver } from './links.js'
import { ancestors } from '../../util/paths.js'
import { judgeName } from './paths.js'
import type { PrefixStripper } from './prefix.js'
import type { RawEntry, SourceContext } from './raw.js'
import type { ArchiveIssue } from './types.js'

const PROGRESS_INTERVAL_MS = 250

export type ProgressCallback = (bytesRead: number, totalBytes: number | undefined) => void

/** Reports progress at most every PROGRESS_INTERVAL_MS, whatever the chunk rate. */
export class ProgressTicker {
  private last = 0
  private readonly callback: ProgressCallback | undefined
  private readonly bytesRead: () => number
  private readonly total: number | undefined

  private readonly clock: () => number

  constructor(callback: ProgressCallback | undefined, bytesRead: () => number, total: number | undefined, clock: () => number = Date.now) {
    this.callback = callback
    this.bytesRead = bytesRead
    this.total = total
    this.clock = clock
  }

  tick(force = false): void {
    if (!this.callback) return
    const now = this.clock()
    if (!force && now - this.last < PROGRESS_INTERVAL_MS) return
    this.last = now
    this.callback(this.bytesRead(), this.total)
  }
}

/** What is remembered of every entry: enough to detect duplicates and to resolve hardlinks. */
interface Seen {
  readonly kind: EntryKind
  readonly size: number
  readonly sha256?: string
  readonly gitBlob?: string
}

/** two file entries whose contents are known to be the same bytes */
const sameBytes = (a: Seen, b: TreeEntry | undefined): boolean => a.kind === 'file' && b?.kind === 'file' && a.sha256 !== undefined && a.sha256 === b.sha256 && a.size === b.size

export class TreeWalk {
  private readonly context: SourceContext
  private readonly stripper: PrefixStripper
  private readonly progress: ProgressTicker
  private readonly seen = new Map<string, Seen>()
  /** symlinks met so far, with their targets */
  private readonly symlinks = new LinkResolver()
  /** the symlinks already reported as leaving the tree or looping */
  private readonly escaping = new Set<string>()

  constructor(context: SourceContext, stripper: PrefixStripper, progress: ProgressTicker) {
    this.context = context
    this.stripper = stripper
    this.progress = progress
  }

  /** The tree entry for a raw entry, or undefined when it is not part of the tree (unsafe, or the prefix itself). */
  async accept(raw: RawEntry): Promise<TreeEntry | undefined> {
    const { budget } = this.context
    budget.entry(raw.name)
    if (raw.kind === 'file') budget.entrySize(raw.name, raw.size)
    this.progress.tick()
    const verdict = judgeName(raw.name)
    if (!verdict.ok) return this.refuse(unsafeName(raw.name, verdict.code, verdict.reason))
    if (verdict.path === '') return undefined
    const path = this.stripper.strip(verdict.path, raw.kind)
    if (path === undefined) return undefined
    const link = this.symlinkAbove(path)
    if (link) return this.refuse(throughSymlink(raw.name, link, this.escaping.has(link)))
    const previous = this.seen.get(path)
    const duplicate = previous !== undefined && !(previous.kind === 'directory' && raw.kind === 'directory')
    const entry = await this.complete(raw, path)
    if (duplicate) this.context.report(duplicatePath(path, sameBytes(previous, entry)))
    if (!entry) return undefined
    this.seen.set(path, { kind: entry.kind, size: entry.size, ...(entry.sha256 ? { sha256: entry.sha256 } : {}), ...(entry.gitBlob ? { gitBlob: entry.gitBlob } : {}) })
    if (entry.kind !== 'symlink') this.symlinks.delete(path)
    return entry
  }

  /**
   * Once every entry is known: a link judged safe when it was met may leave the tree through a
   * link that came later (extraction resolves targets when they are used, not when made).
   */
  finish(): void {
    for (const path of this.symlinks.paths()) if (!this.escaping.has(path)) this.judgeLink(path)
  }

  /** Resolves a symlink through the links known now; reports it when it leaves the tree or loops. */
  private judgeLink(path: string): void {
    const landing = this.symlinks.landing(path)
    if (landing.kind === 'inside') return
    this.escaping.add(path)
    const target = this.symlinks.target(path) ?? ''
    this.context.report(landing.kind === 'loop' ? linkLoop(path, target) : linkEscape(path, 'symlink', target))
  }

  private refuse(issue: ArchiveIssue): undefined {
    this.context.report(issue)
    return undefined
  }

  private complete(raw: RawEntry, path: string): Promise<TreeEntry | undefined> | TreeEntry | undefined {
    const base = { path, kind: raw.kind, mode: raw.mode }
    switch (raw.kind) {
      case 'file':
        return this.digest(raw, path)
      case 'symlink':
        return this.symlink(raw, path)
      case 'hardlink':
        return this.hardlink(raw, path)
      case 'device':
      case 'fifo':
        this.context.report(deviceEntry(path, raw.kind))
        return { ...base, size: 0 }
      default:
        return { ...base, size: 0 }
    }
  }

  private async digest(raw: RawEntry, path: string): Promise<TreeEntry> {
    const { maxContentBytes, maxEntryBytes } = this.context.budget.limits
    const digest = new ContentDigest(raw.size, maxContentBytes)
    for await (const chunk of raw.body ?? []) {
      digest.update(chunk)
      if (digest.bytes > maxEntryBytes) throw new LimitReached(`entry holds more than ${maxEntryBytes} bytes (maxEntryBytes)`, raw.name)
      this.progress.tick()
    }
    if (!digest.matchesDeclaredSize()) throw new DataError(`entry ${quote(raw.name)} holds ${digest.bytes} bytes but declares ${raw.size}`)
    const { size, sha256, gitBlob, content } = digest.finish()
    return { path, kind: 'file', mode: raw.mode, size, sha256, gitBlob, ...(content ? { content } : {}) }
  }

  private symlink(raw: RawEntry, path: string): TreeEntry | undefined {
    const target = raw.linkTarget ?? ''
    if (target.includes('\0')) return this.refuse(unsafeName(raw.name, 'ARCHIVE_BAD_NAME', 'link target contains a NUL byte'))
    this.symlinks.set(path, target)
    this.escaping.delete(path)
    this.judgeLink(path)
    // as git stores a symlink: a blob holding the target
    const { size, sha256, gitBlob } = digestsOf(Buffer.from(target, 'utf8'))
    return { path, kind: 'symlink', mode: raw.mode, size, linkTarget: target, sha256, gitBlob }
  }

  private hardlink(raw: RawEntry, path: string): TreeEntry | undefined {
    const target = raw.linkTarget ?? ''
    const verdict = judgeName(target)
    if (!verdict.ok && verdict.code === 'ARCHIVE_BAD_NAME') return this.refuse(unsafeName(raw.name, verdict.code, `link target: ${verdict.reason}`))
    if (!verdict.ok) {
      this.context.report(linkEscape(path, 'hardlink', target))
      return { path, kind: 'hardlink', mode: raw.mode, size: 0, linkTarget: target }
    }
    const inTree = this.stripper.stripTarget(verdict.path)
    const original = this.seen.get(inTree)
    if (!original) this.context.report(hardlinkToUnknown(path, target))
    return {
      path,
      kind: 'hardlink',
      mode: raw.mode,
      size: original?.size ?? 0,
      linkTarget: inTree,
      ...(original?.sha256 ? { sha256: original.sha256 } : {}),
      ...(original?.gitBlob ? { gitBlob: original.gitBlob } : {}),
    }
  }

  /** The nearest symlink among the directories above a path, if any. */
  private symlinkAbove(path: string): string | undefined {
    if (this.symlinks.size === 0) return undefined
    for (const dir of ancestors(path)) if (this.symlinks.has(dir)) return dir
    return undefined
  }
}
