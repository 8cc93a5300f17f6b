/**
 * @fileoverview Jobs on the PostgreSQL job engine (pg-boss), for a team store: any number of
 * `watch worker` processes on any number of machines take jobs from the same database. The engine
 * does the leasing, retries with exponential backoff and the dead-letter queue; the store keeps the
 * idempotency key and the outcome, so a job delivered twice is stored once.
 */
import { createHash } from 'node:crypto'
import { hostname } from 'node:os'
import PgBoss from 'pg-boss'
import type { WatchContext } from '../context.js'
import { describeError, executeJob } from '../jobs.js'
import type { JobSpec } from '../model.js'
import { RateLimitedError } from '../ratelimit.js'

export const QUEUE = 'stagelight-watch'
export const DEAD_LETTER = 'stagelight-watch-dead'

export interface EngineOptions {
  /** retries after the first attempt (default 3) */
  readonly retryLimit?: number
  /** first retry delay in seconds, doubled per retry (default 30) */
  readonly retryDelaySeconds?: number
  /** a job running longer than this is taken back and retried (default 30 min) */
  readonly expireInSeconds?: number
  /** how often an idle worker asks for a job (default 2 s) */
  readonly pollingIntervalSeconds?: number
  /** how often expired jobs are taken back and retried (default 60 s) */
  readonly maintenanceIntervalSeconds?: number
}

/** pg-boss ids are UUIDs: the job key's hash written as one, so sending a job twice inserts it once. */
export const engineJobId = (key: string): string => {
  const h = createHash('sha256').update(key).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}

export class JobEngine {
  private readonly boss: PgBoss
  private readonly options: EngineOptions

  private constructor(boss: PgBoss, options: EngineOptions) {
    this.boss = boss
    this.options = options
  }

  /** Connects (installing or upgrading pg-boss's own schema when needed) and declares the queues. */
  static async start(url: string, options: EngineOptions = {}): Promise<JobEngine> {
    const boss = new PgBoss({ connectionString: url, max: 4, application_name: 'stagelight-watch', maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60 })
    // connection losses are retried by the engine; they are not a crash of the process
    boss.on('error', () => undefined)
    await boss.start()
    await boss.createQueue(DEAD_LETTER, { name: DEAD_LETTER })
    const queue = {
      name: QUEUE,
      deadLetter: DEAD_LETTER,
      retryLimit: options.retryLimit ?? 3,
      retryDelay: options.retryDelaySeconds ?? 30,
      retryBackoff: true,
      expireInSeconds: options.expireInSeconds ?? 30 * 60,
    }
    await boss.createQueue(QUEUE, queue)
    // retry and expiry are the queue's, fixed into each job when it is sent: options given explicitly replace them
    if (options.retryLimit !== undefined || options.retryDelaySeconds !== undefined || options.expireInSeconds !== undefined) await boss.updateQueue(QUEUE, queue)
    return new JobEngine(boss, options)
  }

  /** Hands a job to the engine; null when a job with this key is already there. */
  async send(spec: JobSpec): Promise<string | null> {
    const data: JobSpec = { key: spec.key, target: spec.target, version: spec.version, analysis: spec.analysis }
    return this.boss.send(QUEUE, data, { id: engineJobId(spec.key) })
  }

  /** Jobs waiting or running in the engine. */
  async pending(): Promise<number> {
    return this.boss.getQueueSize(QUEUE, { before: 'completed' })
  }

  /**
   * Starts `concurrency` job loops in this process. A failed attempt is recorded in the store and
   * rethrown so the engine retries it; a job out of retries lands in the dead-letter queue, which
   * marks it dead in the store.
   */
  async work(context: WatchContext, concurrency: number, worker = `${hostname()}:${process.pid}`): Promise<void> {
    const polling = { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 }
    for (let n = 0; n < Math.max(1, concurrency); n++) {
      const loop: { id?: string } = {}
      loop.id = await this.boss.work<JobSpec>(QUEUE, polling, async ([job]) => {
        if (!job) return
        await context.store.started(job.data.key, `${worker}#${n}`)
        try {
          await executeJob(job.data, context)
        } catch (err) {
          if (err instanceof RateLimitedError) {
            // not a failure: the same job again once the host's window has passed (a new engine id, since this one completes)
            const startAfter = new Date(Date.now() + err.retryInMs)
            await context.store.defer(job.data.key, err.retryInMs, err.message)
            await this.boss.send(QUEUE, job.data, { id: engineJobId(`${job.data.key}|after|${startAfter.toISOString()}`), startAfter })
            return
          }
          // queued again from the store's point of view; the engine decides when
          await context.store.fail(job.data.key, describeError(err), 0)
          throw err
        } finally {
          // a loop that just finished a job asks for the next at once; only an idle one waits for the polling interval
          if (loop.id) this.boss.notifyWorker(loop.id)
        }
      })
    }
    await this.boss.work<JobSpec>(DEAD_LETTER, polling, async ([job]) => {
      if (!job) return
      const record = await context.store.job(job.data.key)
      if (record?.status !== 'done') await context.store.fail(job.data.key, record?.lastError ?? 'out of retries', undefined)
    })
  }

  /** Stops taking jobs; waits up to `graceSeconds` for running ones to finish. */
  async stop(graceSeconds = 30): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: graceSeconds * 1000 })
  }
}
