import { StagelightError } from '../../errors.js'
import { LIMITS } from '../../policy/limits.js'
import { LimitReached } from './failures.js'
import type { ArchiveLimits } from './types.js'

export { LIMITS }

/** The archive limits of the one limits table (policy/limits.ts); callers may lower or raise them. */
export const DEFAULT_LIMITS: ArchiveLimits = Object.freeze({
  maxEntries: LIMITS.maxEntries,
  maxEntryBytes: LIMITS.maxEntryBytes,
  maxTotalBytes: LIMITS.maxTotalBytes,
  maxRatio: LIMITS.maxRatio,
  ratioGraceBytes: LIMITS.ratioGraceBytes,
  maxContentBytes: LIMITS.maxContentBytes,
})

export function resolveLimits(overrides: Partial<ArchiveLimits> | undefined): ArchiveLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides }
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new StagelightError('E_USAGE', `archive limit ${key} must be a non-negative number, got ${String(value)}`)
  }
  return limits
}

/**
 * What reading has cost so far, checked against the limits. Bytes read from disk and bytes
 * produced by decoding are counted where they pass, so the ratio is measured, never declared.
 */
export class Budget {
  readonly limits: ArchiveLimits
  private readonly measureRatio: boolean
  private consumed = 0
  private output = 0
  private entryCount = 0

  constructor(limits: ArchiveLimits, measureRatio: boolean) {
    this.limits = limits
    this.measureRatio = measureRatio
  }

  /** bytes read from the artifact file */
  get bytesRead(): number {
    return this.consumed
  }

  get bytesProduced(): number {
    return this.output
  }

  read(bytes: number): void {
    this.consumed += bytes
  }

  produce(bytes: number): void {
    this.output += bytes
    const { maxTotalBytes, ratioGraceBytes, maxRatio } = this.limits
    if (this.output > maxTotalBytes) throw new LimitReached(`more than ${maxTotalBytes} bytes of content (maxTotalBytes)`)
    if (this.measureRatio && this.output > ratioGraceBytes && this.output > this.consumed * maxRatio) {
      throw new LimitReached(`${this.output} bytes expanded from ${this.consumed} bytes read, a ratio above ${maxRatio}:1 (maxRatio)`)
    }
  }

  entry(name: string): void {
    this.entryCount += 1
    if (this.entryCount > this.limits.maxEntries) throw new LimitReached(`more than ${this.limits.maxEntries} entries (maxEntries)`, name)
  }

  entrySize(name: string, bytes: number): void {
    if (bytes > this.limits.maxEntryBytes) throw new LimitReached(`entry holds more than ${this.limits.maxEntryBytes} bytes (maxEntryBytes)`, name)
  }
}
