/**
 * @fileoverview The watch store: targets, releases, jobs, events, reports and inventories, on
 * SQLite or PostgreSQL. Writes that must not be half-done (a job's events with its completion, an
 * inventory's packages) are one transaction; inserts keyed by content make a repeated write a no-op.
 */
import { createHash } from 'node:crypto'
import { severityRank, type Severity } from '../../model/finding.js'
import type { Report } from '../../model/report.js'
import type { JobRecord, JobSpec, JobStatus, NewEvent, Release, Target, TargetKind, TargetOptions, TargetState, WatchEvent } from '../model.js'
import { migrate } from './migrations.js'
import { openSql, type Param, type Sql } from './sql.js'

const now = (): string => new Date().toISOString()
const parseJson = <T>(text: string | null | undefined, fallback: T): T => {
  if (!text) return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

interface TargetRow {
  key: string
  kind: string
  name: string
  options: string
  state: string
  added_at: string
  polled_at: string | null
}
interface JobRow {
  key: string
  target: string
  version: string
  analysis: string
  status: string
  attempts: number
  run_after: string
  last_error: string | null
  worker: string | null
}
interface EventRow {
  id: string
  job: string
  target: string
  version: string
  analysis: string
  severity: string
  rule_id: string
  message: string
  evidence: string | null
  created_at: string
  notified_at: string | null
}

export interface InventoryPackage {
  readonly ecosystem: string
  readonly name: string
  readonly version: string
  /** where in the dependency tree (`node_modules/a/node_modules/b`), empty when the inventory does not say */
  readonly location: string
  readonly dev: boolean
}

export interface InventoryRecord {
  readonly key: string
  readonly path: string | undefined
  readonly format: string
  readonly digest: string
  readonly readAt: string
  readonly packages: number
}

/** A package of some inventory, with the inventory it is in. */
export interface Holding extends InventoryPackage {
  readonly inventory: string
}

/** At most `requests` requests to a host per `intervalMs`. */
export interface RateLimit {
  readonly requests: number
  readonly intervalMs: number
}

export interface EventFilter {
  readonly minSeverity?: Severity
  readonly target?: string
  readonly limit?: number
}

const toJob = (r: JobRow): JobRecord => ({
  key: r.key,
  target: r.target,
  version: r.version,
  analysis: r.analysis as JobRecord['analysis'],
  status: r.status as JobStatus,
  attempts: Number(r.attempts),
  runAfter: r.run_after,
  lastError: r.last_error ?? undefined,
  worker: r.worker ?? undefined,
})

const toEvent = (r: EventRow): WatchEvent => ({
  id: r.id,
  job: r.job,
  target: r.target,
  version: r.version,
  analysis: r.analysis,
  severity: r.severity as Severity,
  ruleId: r.rule_id,
  message: r.message,
  evidence: r.evidence ?? undefined,
  createdAt: r.created_at,
  notifiedAt: r.notified_at ?? undefined,
})

/** The id of an event: the same finding of the same job always gets the same id. */
export const eventId = (job: string, event: NewEvent, index: number): string =>
  createHash('sha256').update(JSON.stringify([job, event.ruleId, event.message, event.evidence ?? '', index])).digest('hex').slice(0, 32)

/** Rows per multi-row INSERT: far below both engines' parameter limits. */
const BATCH = 200

export class WatchStore {
  readonly sql: Sql

  private constructor(sql: Sql) {
    this.sql = sql
  }

  /** Opens (creating and migrating when needed) the store at a SQLite path or a `postgres://` URL. */
  static async open(location: string): Promise<WatchStore> {
    const sql = await openSql(location)
    try {
      await migrate(sql)
    } catch (err) {
      await sql.close()
      throw err
    }
    return new WatchStore(sql)
  }

  close(): Promise<void> {
    return this.sql.close()
  }

  // ── targets ──────────────────────────────────────────────────────────────

  /** Adds a target (or a further origin of an existing one); true when the target is new. */
  async addTarget(target: { key: string; kind: TargetKind; name: string; options?: TargetOptions }, origin: string): Promise<boolean> {
    return this.sql.tx(async (tx) => {
      const added = await tx.run(`INSERT INTO targets (key, kind, name, options, added_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`, [
        target.key,
        target.kind,
        target.name,
        JSON.stringify(target.options ?? {}),
        now(),
      ])
      // options given by hand win over those an inventory implies
      if (added === 0 && origin === 'manual' && target.options && Object.keys(target.options).length > 0) {
        await tx.run(`UPDATE targets SET options = ? WHERE key = ?`, [JSON.stringify(target.options), target.key])
      }
      await tx.run(`INSERT INTO target_origins (target, origin) VALUES (?, ?) ON CONFLICT (target, origin) DO NOTHING`, [target.key, origin])
      return added > 0
    })
  }

  async removeTarget(key: string): Promise<boolean> {
    return (await this.sql.run(`DELETE FROM targets WHERE key = ?`, [key])) > 0
  }

  async target(key: string): Promise<Target | undefined> {
    return (await this.targets()).find((t) => t.key === key)
  }

  async targets(): Promise<Target[]> {
    const rows = await this.sql.all<TargetRow>(`SELECT key, kind, name, options, state, added_at, polled_at FROM targets ORDER BY key`)
    const origins = await this.sql.all<{ target: string; origin: string }>(`SELECT target, origin FROM target_origins ORDER BY origin`)
    const byTarget = new Map<string, string[]>()
    for (const o of origins) byTarget.set(o.target, [...(byTarget.get(o.target) ?? []), o.origin])
    return rows.map((r) => ({
      key: r.key,
      kind: r.kind as TargetKind,
      name: r.name,
      options: parseJson<TargetOptions>(r.options, {}),
      state: parseJson<TargetState>(r.state, {}),
      addedAt: r.added_at,
      polledAt: r.polled_at ?? undefined,
      origins: byTarget.get(r.key) ?? [],
    }))
  }

  async setTargetState(key: string, state: TargetState): Promise<void> {
    await this.sql.run(`UPDATE targets SET state = ?, polled_at = ? WHERE key = ?`, [JSON.stringify(state), now(), key])
  }

  // ── releases ─────────────────────────────────────────────────────────────

  async releases(target: string): Promise<{ version: string; ref: string | undefined; baseline: boolean; seenAt: string; facts: Record<string, unknown> }[]> {
    const rows = await this.sql.all<{ version: string; ref: string | null; baseline: number; seen_at: string; facts: string }>(
      `SELECT version, ref, baseline, seen_at, facts FROM releases WHERE target = ? ORDER BY seen_at, version`,
      [target],
    )
    return rows.map((r) => ({ version: r.version, ref: r.ref ?? undefined, baseline: Number(r.baseline) === 1, seenAt: r.seen_at, facts: parseJson(r.facts, {}) }))
  }

  async release(target: string, version: string): Promise<{ ref: string | undefined; facts: Record<string, unknown> } | undefined> {
    const [row] = await this.sql.all<{ ref: string | null; facts: string }>(`SELECT ref, facts FROM releases WHERE target = ? AND version = ?`, [target, version])
    return row ? { ref: row.ref ?? undefined, facts: parseJson(row.facts, {}) } : undefined
  }

  /** Records releases; returns those not seen before (a second poller finding the same release gets nothing). */
  async addReleases(target: string, releases: readonly Release[], baseline: boolean): Promise<Release[]> {
    if (releases.length === 0) return []
    return this.sql.tx(async (tx) => {
      const fresh: Release[] = []
      const at = now()
      for (const r of releases) {
        const added = await tx.run(`INSERT INTO releases (target, version, ref, facts, baseline, seen_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (target, version) DO NOTHING`, [
          target,
          r.version,
          r.ref ?? null,
          JSON.stringify(r.facts ?? {}),
          baseline ? 1 : 0,
          at,
        ])
        if (added > 0) fresh.push(r)
      }
      return fresh
    })
  }

  /** Every version of a package the store knows: releases of its target and versions held by inventories. */
  async knownVersions(ecosystem: string, name: string): Promise<string[]> {
    const rows = await this.sql.all<{ version: string }>(
      `SELECT version FROM releases WHERE target = ? UNION SELECT version FROM inventory_packages WHERE ecosystem = ? AND name = ?`,
      [`${ecosystem}:${name}`, ecosystem, name],
    )
    return rows.map((r) => r.version)
  }

  // ── jobs ─────────────────────────────────────────────────────────────────

  /** Queues a job unless one with its key exists; true when queued now. */
  async enqueue(spec: JobSpec): Promise<boolean> {
    const at = now()
    return (
      (await this.sql.run(`INSERT INTO jobs (key, target, version, analysis, status, run_after, created_at) VALUES (?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT (key) DO NOTHING`, [
        spec.key,
        spec.target,
        spec.version,
        spec.analysis,
        at,
        at,
      ])) > 0
    )
  }

  async job(key: string): Promise<JobRecord | undefined> {
    const [row] = await this.sql.all<JobRow>(`SELECT key, target, version, analysis, status, attempts, run_after, last_error, worker FROM jobs WHERE key = ?`, [key])
    return row ? toJob(row) : undefined
  }

  async jobs(status?: JobStatus): Promise<JobRecord[]> {
    const rows = await this.sql.all<JobRow>(
      `SELECT key, target, version, analysis, status, attempts, run_after, last_error, worker FROM jobs ${status ? 'WHERE status = ?' : ''} ORDER BY created_at, key`,
      status ? [status] : [],
    )
    return rows.map(toJob)
  }

  async jobCounts(): Promise<Record<JobStatus, number>> {
    const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, dead: 0 }
    for (const r of await this.sql.all<{ status: string; n: number }>(`SELECT status, COUNT(*) AS n FROM jobs GROUP BY status`)) counts[r.status as JobStatus] = Number(r.n)
    return counts
  }

  /**
   * Claims the next runnable job for `worker` (embedded mode): a queued job whose time has come, or
   * a running one whose lease ran out because its worker died.
   */
  async claim(worker: string, leaseMs: number): Promise<JobRecord | undefined> {
    const at = now()
    const candidates = await this.sql.all<{ key: string }>(
      `SELECT key FROM jobs WHERE (status = 'queued' AND run_after <= ?) OR (status = 'running' AND lease_until < ?) ORDER BY run_after, key LIMIT 8`,
      [at, at],
    )
    for (const c of candidates) {
      const claimed = await this.sql.run(
        `UPDATE jobs SET status = 'running', worker = ?, lease_until = ?, attempts = attempts + 1 WHERE key = ? AND ((status = 'queued' AND run_after <= ?) OR (status = 'running' AND lease_until < ?))`,
        [worker, new Date(Date.now() + leaseMs).toISOString(), c.key, at, at],
      )
      if (claimed > 0) return this.job(c.key)
    }
    return undefined
  }

  /** Records that a worker of the job engine started the job (PostgreSQL mode: the engine holds the lease). */
  async started(key: string, worker: string): Promise<void> {
    await this.sql.run(`UPDATE jobs SET status = 'running', worker = ?, attempts = attempts + 1 WHERE key = ? AND status <> 'done'`, [worker, key])
  }

  /**
   * Stores a job's report and events and marks it done, in one transaction. False when the job
   * was already done (a duplicate delivery): nothing is stored twice.
   */
  async complete(key: string, report: Report | undefined, events: readonly NewEvent[]): Promise<boolean> {
    return this.sql.tx(async (tx) => {
      const [job] = await tx.all<JobRow>(`SELECT key, target, version, analysis, status, attempts, run_after, last_error, worker FROM jobs WHERE key = ?`, [key])
      if (!job || job.status === 'done') return false
      const at = now()
      if (report) {
        await tx.run(`INSERT INTO reports (job, verdict, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (job) DO UPDATE SET verdict = excluded.verdict, body = excluded.body`, [
          key,
          report.verdict,
          JSON.stringify(report),
          at,
        ])
      }
      for (let i = 0; i < events.length; i += BATCH) {
        const chunk = events.slice(i, i + BATCH)
        const params: Param[] = []
        chunk.forEach((e, j) => params.push(eventId(key, e, i + j), key, job.target, job.version, job.analysis, e.severity, severityRank(e.severity), e.ruleId, e.message, e.evidence ?? null, at))
        await tx.run(
          `INSERT INTO events (id, job, target, version, analysis, severity, severity_rank, rule_id, message, evidence, created_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT (id) DO NOTHING`,
          params,
        )
      }
      await tx.run(`UPDATE jobs SET status = 'done', finished_at = ?, lease_until = NULL, last_error = NULL WHERE key = ?`, [at, key])
      return true
    })
  }

  /** Records a failed attempt: queued again after `retryInMs`, or dead when no attempt is left. */
  async fail(key: string, error: string, retryInMs: number | undefined): Promise<void> {
    if (retryInMs === undefined) {
      await this.sql.run(`UPDATE jobs SET status = 'dead', last_error = ?, lease_until = NULL, finished_at = ? WHERE key = ? AND status <> 'done'`, [error, now(), key])
    } else {
      await this.sql.run(`UPDATE jobs SET status = 'queued', last_error = ?, lease_until = NULL, run_after = ? WHERE key = ? AND status <> 'done'`, [
        error,
        new Date(Date.now() + retryInMs).toISOString(),
        key,
      ])
    }
  }

  // ── per-host rate limits ─────────────────────────────────────────────────

  /** Sets (or with `undefined`, removes) the limit of a host: `requests` per `intervalMs`. */
  async setRateLimit(host: string, limit: RateLimit | undefined): Promise<boolean> {
    if (!limit) return (await this.sql.run(`DELETE FROM rate_limits WHERE host = ?`, [host])) > 0
    await this.sql.run(`INSERT INTO rate_limits (host, requests, interval_ms) VALUES (?, ?, ?) ON CONFLICT (host) DO UPDATE SET requests = excluded.requests, interval_ms = excluded.interval_ms`, [
      host,
      limit.requests,
      limit.intervalMs,
    ])
    return true
  }

  async rateLimits(): Promise<(RateLimit & { host: string })[]> {
    const rows = await this.sql.all<{ host: string; requests: number; interval_ms: number | string }>(`SELECT host, requests, interval_ms FROM rate_limits ORDER BY host`)
    return rows.map((r) => ({ host: r.host, requests: Number(r.requests), intervalMs: Number(r.interval_ms) }))
  }

  /**
   * Takes one request from `host`'s budget in the fixed window that holds `atMs`: true when granted.
   * One conditional upsert, so workers on any number of machines share the budget exactly.
   */
  async takeRateToken(host: string, limit: RateLimit, atMs: number): Promise<boolean> {
    const windowStart = Math.floor(atMs / limit.intervalMs) * limit.intervalMs
    await this.sql.run(`DELETE FROM rate_windows WHERE host = ? AND window_start < ?`, [host, windowStart])
    const granted = await this.sql.run(
      `INSERT INTO rate_windows (host, window_start, used) VALUES (?, ?, 1) ON CONFLICT (host, window_start) DO UPDATE SET used = rate_windows.used + 1 WHERE rate_windows.used < ?`,
      [host, windowStart, limit.requests],
    )
    return granted > 0
  }

  /** Puts a claimed job back in the queue until `retryInMs` from now, without counting the attempt (a rate limit held it back). */
  async defer(key: string, retryInMs: number, reason: string): Promise<void> {
    await this.sql.run(
      `UPDATE jobs SET status = 'queued', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, last_error = ?, lease_until = NULL, run_after = ? WHERE key = ? AND status <> 'done'`,
      [reason, new Date(Date.now() + retryInMs).toISOString(), key],
    )
  }

  /** Puts dead jobs back in the queue (after the cause was fixed). */
  async requeueDead(): Promise<number> {
    return this.sql.run(`UPDATE jobs SET status = 'queued', attempts = 0, run_after = ? WHERE status = 'dead'`, [now()])
  }

  async report(job: string): Promise<Report | undefined> {
    const [row] = await this.sql.all<{ body: string }>(`SELECT body FROM reports WHERE job = ?`, [job])
    return row ? parseJson<Report | undefined>(row.body, undefined) : undefined
  }

  // ── events ───────────────────────────────────────────────────────────────

  async events(filter: EventFilter = {}): Promise<WatchEvent[]> {
    const where: string[] = []
    const params: Param[] = []
    if (filter.minSeverity) {
      where.push('severity_rank >= ?')
      params.push(severityRank(filter.minSeverity))
    }
    if (filter.target) {
      where.push('target = ?')
      params.push(filter.target)
    }
    const rows = await this.sql.all<EventRow>(
      `SELECT id, job, target, version, analysis, severity, rule_id, message, evidence, created_at, notified_at FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, severity_rank DESC, id LIMIT ?`,
      [...params, filter.limit ?? 1000],
    )
    return rows.map(toEvent)
  }

  /** Events at or above `minSeverity` not yet sent to the notification channels. */
  async unnotified(minSeverity: Severity): Promise<WatchEvent[]> {
    const rows = await this.sql.all<EventRow>(
      `SELECT id, job, target, version, analysis, severity, rule_id, message, evidence, created_at, notified_at FROM events WHERE notified_at IS NULL AND severity_rank >= ? ORDER BY created_at, id`,
      [severityRank(minSeverity)],
    )
    return rows.map(toEvent)
  }

  async markNotified(ids: readonly string[]): Promise<void> {
    const at = now()
    for (let i = 0; i < ids.length; i += BATCH) {
      const chunk = ids.slice(i, i + BATCH)
      await this.sql.run(`UPDATE events SET notified_at = ? WHERE id IN (${chunk.map(() => '?').join(', ')})`, [at, ...chunk])
    }
  }

  /** Events of a job that were stored without a job, e.g. dist-tag moves found by a poll. */
  async recordEvents(job: string, target: string, version: string, analysis: string, events: readonly NewEvent[]): Promise<number> {
    let added = 0
    const at = now()
    for (const [i, e] of events.entries()) {
      added += await this.sql.run(
        `INSERT INTO events (id, job, target, version, analysis, severity, severity_rank, rule_id, message, evidence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        [eventId(job, e, i), job, target, version, analysis, e.severity, severityRank(e.severity), e.ruleId, e.message, e.evidence ?? null, at],
      )
    }
    return added
  }

  // ── inventories ──────────────────────────────────────────────────────────

  /** Replaces an inventory's packages with those just read. */
  async putInventory(key: string, path: string | undefined, format: string, digest: string, packages: readonly InventoryPackage[]): Promise<void> {
    // the same package can sit at one location twice in odd SBOMs: keep one row
    const unique = new Map<string, InventoryPackage>()
    for (const p of packages) unique.set(JSON.stringify([p.ecosystem, p.name, p.version, p.location]), p)
    const rows = [...unique.values()]
    await this.sql.tx(async (tx) => {
      await tx.run(`INSERT INTO inventories (key, path, format, digest, read_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET path = excluded.path, format = excluded.format, digest = excluded.digest, read_at = excluded.read_at`, [
        key,
        path ?? null,
        format,
        digest,
        now(),
      ])
      await tx.run(`DELETE FROM inventory_packages WHERE inventory = ?`, [key])
      for (let i = 0; i < rows.length; i += BATCH) {
        const chunk = rows.slice(i, i + BATCH)
        const params: Param[] = []
        for (const p of chunk) params.push(key, p.ecosystem, p.name, p.version, p.location, p.dev ? 1 : 0)
        await tx.run(`INSERT INTO inventory_packages (inventory, ecosystem, name, version, location, dev) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`, params)
      }
    })
  }

  /** Keeps `origin` only on the given targets: a package gone from an inventory stops being watched for it. */
  async keepOrigin(origin: string, targets: readonly string[]): Promise<void> {
    const keep = new Set(targets)
    await this.sql.tx(async (tx) => {
      const current = await tx.all<{ target: string }>(`SELECT target FROM target_origins WHERE origin = ?`, [origin])
      for (const { target } of current) if (!keep.has(target)) await tx.run(`DELETE FROM target_origins WHERE origin = ? AND target = ?`, [origin, target])
      await tx.run(`DELETE FROM targets WHERE key NOT IN (SELECT target FROM target_origins)`)
    })
  }

  async removeInventory(key: string): Promise<boolean> {
    return this.sql.tx(async (tx) => {
      const removed = await tx.run(`DELETE FROM inventories WHERE key = ?`, [key])
      await tx.run(`DELETE FROM target_origins WHERE origin = ?`, [`inventory:${key}`])
      // targets only that inventory brought go with it
      await tx.run(`DELETE FROM targets WHERE key NOT IN (SELECT target FROM target_origins)`)
      return removed > 0
    })
  }

  async inventories(): Promise<InventoryRecord[]> {
    const rows = await this.sql.all<{ key: string; path: string | null; format: string; digest: string; read_at: string; n: number }>(
      `SELECT i.key, i.path, i.format, i.digest, i.read_at, (SELECT COUNT(*) FROM inventory_packages p WHERE p.inventory = i.key) AS n FROM inventories i ORDER BY i.key`,
    )
    return rows.map((r) => ({ key: r.key, path: r.path ?? undefined, format: r.format, digest: r.digest, readAt: r.read_at, packages: Number(r.n) }))
  }

  /** Every inventory's holdings of the named packages. */
  async holdings(ecosystem: string, names: readonly string[]): Promise<Holding[]> {
    const out: Holding[] = []
    for (let i = 0; i < names.length; i += BATCH) {
      const chunk = names.slice(i, i + BATCH)
      const rows = await this.sql.all<{ inventory: string; ecosystem: string; name: string; version: string; location: string; dev: number }>(
        `SELECT inventory, ecosystem, name, version, location, dev FROM inventory_packages WHERE ecosystem = ? AND name IN (${chunk.map(() => '?').join(', ')}) ORDER BY inventory, name, location`,
        [ecosystem, ...chunk],
      )
      for (const r of rows) out.push({ inventory: r.inventory, ecosystem: r.ecosystem, name: r.name, version: r.version, location: r.location, dev: Number(r.dev) === 1 })
    }
    return out
  }

  /** The distinct (ecosystem, name, version) triples all inventories hold. */
  async heldVersions(): Promise<{ ecosystem: string; name: string; version: string }[]> {
    return this.sql.all(`SELECT DISTINCT ecosystem, name, version FROM inventory_packages ORDER BY ecosystem, name, version`)
  }
}
