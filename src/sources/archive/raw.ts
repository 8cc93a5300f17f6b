import type { EntryKind } from '../../model/tree.js'

/** An entry as a container format presents it, before names are judged and bytes are digested. */
export interface RawEntry {
  readonly name: string
  readonly kind: EntryKind
  readonly mode: number
  readonly size: number
  readonly linkTarget?: string
  /** the bytes of a regular file; must be consumed or drained */
  readonly body?: AsyncIterable<Buffer>
  /** PAX keys that overrode the ustar header */
  readonly paxOverrides?: readonly string[]
}

/** What a container reader needs to know while reading: where limits stand. */
export interface ReadBudget {
  /** bytes read from the file so far (compressed) */
  compressedBytes(): number
}
