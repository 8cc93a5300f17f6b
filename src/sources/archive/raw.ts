import type { EntryKind } from '../../model/tree.js'
import type { Budget } from './limits.js'
import type { ArchiveIssue } from './types.js'

/** An entry as a container format presents it, before its name is judged and its bytes digested. */
export interface RawEntry {
  /** the name as stored, not yet normalised */
  readonly name: string
  readonly kind: EntryKind
  readonly mode: number
  /** declared size of a file's bytes */
  readonly size: number
  readonly linkTarget?: string
  /**
   * A file's bytes. Whoever takes an entry reads this to the end or leaves it untouched; the
   * container drains untouched bodies itself before moving on.
   */
  readonly body?: AsyncIterable<Buffer>
}

/** What every container reader is given: where it reads from, the running budget, and where issues go. */
export interface SourceContext {
  readonly file: string
  readonly budget: Budget
  /** directories only: relative paths to leave out entirely */
  readonly exclude?: ((path: string) => boolean) | undefined
  report(issue: ArchiveIssue): void
}

export type OpenSource = (context: SourceContext) => AsyncGenerator<RawEntry, void, undefined>
