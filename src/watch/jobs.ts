/**
 * @fileoverview Runs one job: one analysis of one release. The same handler serves the embedded
 * runner and the job engine's workers. A job already done is not run again; its report and events
 * are stored with its completion in one transaction, so a worker that dies before the end leaves
 * nothing behind and one that dies after it leaves nothing to redo.
 */
import { ANALYSIS_HANDLERS } from './analyses/index.js'
import type { WatchContext } from './context.js'
import type { JobSpec } from './model.js'
import { jobLocations, throttle } from './ratelimit.js'
import { releaseTarballLocation } from './analyses/verify.js'

export type JobOutcome = 'done' | 'already-done' | 'target-gone'

export async function executeJob(spec: JobSpec, context: WatchContext): Promise<JobOutcome> {
  const { store } = context
  const job = await store.job(spec.key)
  if (job?.status === 'done') return 'already-done'
  const target = await store.target(spec.target)
  if (!target) {
    // removed while the job waited: nothing to analyse, nothing to report
    await store.complete(spec.key, undefined, [])
    return 'target-gone'
  }
  const release = await store.release(spec.target, spec.version)
  const handler = ANALYSIS_HANDLERS[spec.analysis]
  const tarball = target.kind === 'tarball' || (target.kind === 'debian' && typeof release?.facts.tarball === 'string') || target.options.tarballs ? releaseTarballLocation({ target, version: spec.version, ref: release?.ref, facts: release?.facts ?? {} }) : undefined
  await throttle(context, jobLocations(target, spec.analysis, context, tarball))
  context.onProgress?.(`${spec.analysis} ${target.name}@${spec.version}`)
  const result = await handler.run({ target, version: spec.version, ref: release?.ref, facts: release?.facts ?? {} }, context)
  return (await store.complete(spec.key, result.report, result.events)) ? 'done' : 'already-done'
}

/** Backoff before attempt `attempt + 1`: doubled per attempt, with jitter, capped at an hour. */
export const backoffMs = (attempt: number, baseMs: number): number => Math.min(3_600_000, baseMs * 2 ** Math.max(0, attempt - 1) * (0.75 + Math.random() * 0.5))

export const describeError = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 500)
