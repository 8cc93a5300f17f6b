/**
 * @fileoverview The embedded job runner: the store's `jobs` table is the queue, claimed with a
 * lease so a crashed run's jobs are taken back, retried with backoff, and declared dead after the
 * last attempt. It runs the same handler as the job engine's workers.
 */
import { hostname } from 'node:os'
import type { WatchContext } from '../context.js'
import { backoffMs, describeError, executeJob } from '../jobs.js'
import { RateLimitedError } from '../ratelimit.js'

export interface RunnerOptions {
  /** jobs at the same time (default 2) */
  readonly concurrency?: number
  /** attempts before a job is dead (default 4) */
  readonly maxAttempts?: number
  /** first retry delay, doubled per attempt (default 30 s) */
  readonly backoffMs?: number
  /** how long a claimed job is held before another runner may take it back (default 30 min) */
  readonly leaseMs?: number
  readonly worker?: string
}

export interface RunnerSummary {
  done: number
  retried: number
  dead: number
  /** put back until their host's rate limit allows them */
  deferred: number
}

/** Runs every job that can run now, until none is left; jobs waiting for a retry stay queued. */
export async function drainJobs(context: WatchContext, options: RunnerOptions = {}): Promise<RunnerSummary> {
  const summary: RunnerSummary = { done: 0, retried: 0, dead: 0, deferred: 0 }
  const worker = options.worker ?? `${hostname()}:${process.pid}`
  const maxAttempts = options.maxAttempts ?? 4
  const lane = async (n: number): Promise<void> => {
    for (;;) {
      const job = await context.store.claim(`${worker}#${n}`, options.leaseMs ?? 30 * 60_000)
      if (!job) return
      try {
        if ((await executeJob(job, context)) === 'done') summary.done++
      } catch (err) {
        if (err instanceof RateLimitedError) {
          await context.store.defer(job.key, err.retryInMs, err.message)
          summary.deferred++
          continue
        }
        const last = job.attempts >= maxAttempts
        await context.store.fail(job.key, describeError(err), last ? undefined : backoffMs(job.attempts, options.backoffMs ?? 30_000))
        if (last) summary.dead++
        else summary.retried++
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, (_, n) => lane(n)))
  return summary
}
