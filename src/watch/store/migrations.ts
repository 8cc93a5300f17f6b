/**
 * @fileoverview The watch store's schema, as numbered migrations applied in order, in one transaction,
 * and recorded in `schema_migrations`. The same statements run on SQLite and
 * PostgreSQL: text keys (no engine-specific auto-increment), ISO 8601 times as text, JSON as text.
 * Never edit a published migration; add the next one.
 */
import { StagelightError } from '../../errors.js'
import type { Sql } from './sql.js'

export interface Migration {
  readonly version: number
  readonly name: string
  readonly statements: readonly string[]
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'targets, releases, jobs, events, reports, inventories',
    statements: [
      // what is watched: `npm:<name>`, `git:<url>`, `deb:<name>`; `origin` is `manual` or the inventory that brought it
      `CREATE TABLE targets (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        options TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL DEFAULT '{}',
        added_at TEXT NOT NULL,
        polled_at TEXT
      )`,
      `CREATE TABLE target_origins (
        target TEXT NOT NULL REFERENCES targets(key) ON DELETE CASCADE,
        origin TEXT NOT NULL,
        PRIMARY KEY (target, origin)
      )`,
      // every version ever seen; `baseline` marks those present when watching began (not analysed)
      `CREATE TABLE releases (
        target TEXT NOT NULL REFERENCES targets(key) ON DELETE CASCADE,
        version TEXT NOT NULL,
        ref TEXT,
        facts TEXT NOT NULL DEFAULT '{}',
        baseline INTEGER NOT NULL DEFAULT 0,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (target, version)
      )`,
      // one row per (target, version, analysis): the idempotency key of the job
      `CREATE TABLE jobs (
        key TEXT PRIMARY KEY,
        target TEXT NOT NULL,
        version TEXT NOT NULL,
        analysis TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        run_after TEXT NOT NULL,
        lease_until TEXT,
        worker TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT
      )`,
      `CREATE INDEX jobs_status ON jobs (status, run_after)`,
      `CREATE TABLE reports (
        job TEXT PRIMARY KEY,
        verdict TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
      // `id` is derived from the job key and the finding, so a job run twice stores each event once
      `CREATE TABLE events (
        id TEXT PRIMARY KEY,
        job TEXT NOT NULL,
        target TEXT NOT NULL,
        version TEXT NOT NULL,
        analysis TEXT NOT NULL,
        severity TEXT NOT NULL,
        severity_rank INTEGER NOT NULL,
        rule_id TEXT NOT NULL,
        message TEXT NOT NULL,
        evidence TEXT,
        created_at TEXT NOT NULL,
        notified_at TEXT
      )`,
      `CREATE INDEX events_feed ON events (severity_rank, created_at)`,
      `CREATE INDEX events_target ON events (target, created_at)`,
      `CREATE TABLE inventories (
        key TEXT PRIMARY KEY,
        path TEXT,
        format TEXT NOT NULL,
        digest TEXT NOT NULL,
        read_at TEXT NOT NULL
      )`,
      `CREATE TABLE inventory_packages (
        inventory TEXT NOT NULL REFERENCES inventories(key) ON DELETE CASCADE,
        ecosystem TEXT NOT NULL,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        location TEXT NOT NULL DEFAULT '',
        dev INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (inventory, ecosystem, name, version, location)
      )`,
      `CREATE INDEX inventory_packages_name ON inventory_packages (ecosystem, name)`,
    ],
  },
  {
    version: 2,
    name: 'per-host rate limits',
    statements: [
      // `host` is `name:port`, `name` or `*` (every host without a limit of its own)
      `CREATE TABLE rate_limits (
        host TEXT PRIMARY KEY,
        requests INTEGER NOT NULL,
        interval_ms BIGINT NOT NULL
      )`,
      // requests granted per host and fixed window, shared by every process on the store
      `CREATE TABLE rate_windows (
        host TEXT NOT NULL,
        window_start BIGINT NOT NULL,
        used INTEGER NOT NULL,
        PRIMARY KEY (host, window_start)
      )`,
    ],
  },
]

const now = (): string => new Date().toISOString()

/** Applies every migration not yet applied; the schema version afterwards. Several processes may start at once. */
export async function migrate(sql: Sql, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  const latest = Math.max(0, ...migrations.map((m) => m.version))
  // one transaction for all: concurrent starters wait for the first (PostgreSQL: an advisory lock;
  // SQLite: BEGIN IMMEDIATE serialises writers), and a failed migration leaves the schema as it was
  await sql.tx(async (tx) => {
    if (tx.dialect === 'postgres') await tx.all(`SELECT pg_advisory_xact_lock(7324110001)`)
    await tx.run(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
    const done = new Set((await tx.all<{ version: number }>(`SELECT version FROM schema_migrations`)).map((r) => Number(r.version)))
    for (const migration of migrations) {
      if (done.has(migration.version)) continue
      for (const statement of migration.statements) await tx.run(statement)
      await tx.run(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, [migration.version, migration.name, now()])
    }
  })
  const [row] = await sql.all<{ v: number | null }>(`SELECT MAX(version) AS v FROM schema_migrations`)
  const applied = Number(row?.v ?? 0)
  if (applied > latest) {
    throw new StagelightError('E_INPUT_INVALID', `the watch database ${sql.location} has schema version ${applied}, newer than this stagelight knows (${latest}): upgrade stagelight`, { applied, latest })
  }
  return applied
}
