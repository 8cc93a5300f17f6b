/**
 * @fileoverview `watch run`: poll, analyse, notify, sleep, again. Embedded mode runs the jobs in
 * this process; with a PostgreSQL store the jobs go to the job engine, for `watch worker`
 * processes (and for this process's own workers when asked).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { WatchContext } from './context.js'
import { describeError } from './jobs.js'
import { notifyPending, type Channels } from './notify.js'
import { drainJobs, type RunnerOptions } from './queue/embedded.js'
import { JobEngine, type EngineOptions } from './queue/engine.js'
import { pollRound, type RoundSummary } from './watcher.js'

export interface RunOptions {
  readonly once: boolean
  readonly intervalMs: number
  /** jobs run in this process at the same time (PostgreSQL: 0 leaves them to `watch worker`) */
  readonly workers: number
  readonly channels: Channels
  readonly runner?: RunnerOptions
  readonly engine?: EngineOptions
  /** the PostgreSQL URL: set, jobs go through the job engine */
  readonly engineUrl?: string
  readonly signal?: AbortSignal
  readonly onRound?: (round: RoundSummary & { jobs: { done: number; retried: number; dead: number; deferred?: number }; notified: number; notifyError?: string }) => void
}

export async function runWatch(context: WatchContext, options: RunOptions): Promise<void> {
  const engine = options.engineUrl ? await JobEngine.start(options.engineUrl, options.engine) : undefined
  try {
    if (engine && options.workers > 0) await engine.work(context, options.workers)
    for (;;) {
      const round = await pollRound(context, engine ? async (spec) => void (await engine.send(spec)) : undefined)
      const before = await context.store.jobCounts()
      let jobs: { done: number; retried: number; dead: number; deferred?: number } = { done: 0, retried: 0, dead: 0 }
      if (!engine) jobs = await drainJobs(context, { ...options.runner, concurrency: Math.max(1, options.workers) })
      else if (options.once && options.workers > 0) jobs = await waitForEngine(context, before, options.signal)
      let notified = 0
      let notifyError: string | undefined
      try {
        notified = await notifyPending(context, options.channels)
      } catch (err) {
        notifyError = describeError(err)
      }
      options.onRound?.({ ...round, jobs, notified, ...(notifyError ? { notifyError } : {}) })
      if (options.once || options.signal?.aborted) return
      await sleep(options.intervalMs, undefined, options.signal ? { signal: options.signal } : {}).catch(() => undefined)
      if (options.signal?.aborted) return
    }
  } finally {
    await engine?.stop()
  }
}

/** `--once` with in-process engine workers: until no job is queued or running (jobs waiting for a retry count as queued). */
async function waitForEngine(context: WatchContext, before: { done: number; dead: number }, signal: AbortSignal | undefined): Promise<{ done: number; retried: number; dead: number }> {
  for (;;) {
    const counts = await context.store.jobCounts()
    if ((counts.queued === 0 && counts.running === 0) || signal?.aborted) return { done: counts.done - before.done, retried: 0, dead: counts.dead - before.dead }
    await sleep(250)
  }
}
