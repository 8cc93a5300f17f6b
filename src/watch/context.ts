/** @fileoverview What every poll and job handler is given: the store and where the outside world is. */
import type { Clock } from './ratelimit.js'
import type { WatchStore } from './store/store.js'

export interface WatchContext {
  readonly store: WatchStore
  /** the directory whose `.npmrc` is honoured, and relative paths are resolved from */
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  /** registry documents, clones and tarballs */
  readonly cacheDir: string
  readonly onProgress?: (message: string) => void
  /** the rate limiter's time (default: the system clock) */
  readonly clock?: Clock
  /** a rate-limit wait longer than this puts the job back in the queue (default 60 s) */
  readonly maxRateWaitMs?: number
}
