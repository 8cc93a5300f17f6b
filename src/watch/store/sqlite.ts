/**
 * @fileoverview The embedded store: one SQLite file in WAL mode (readers never wait for the
 * writer, and a crash loses no committed job). better-sqlite3 is synchronous; an async mutex keeps
 * a transaction's statements from interleaving with other work of the same process.
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { StagelightError } from '../../errors.js'
import type { Param, Sql } from './sql.js'

class Mutex {
  private tail: Promise<void> = Promise.resolve()
  async lock<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail
    let release!: () => void
    this.tail = new Promise<void>((r) => (release = r))
    await previous
    try {
      return await fn()
    } finally {
      release()
    }
  }
}

const BUSY_TIMEOUT_MS = 5000

/**
 * BEGIN IMMEDIATE without blocking the event loop: while another connection writes, wait
 * asynchronously and try again, so a writer in this same process can finish meanwhile.
 */
async function begin(db: Database.Database): Promise<void> {
  const deadline = Date.now() + 30_000
  db.pragma('busy_timeout = 0')
  try {
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      try {
        db.exec('BEGIN IMMEDIATE')
        return
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err
        await new Promise((r) => setTimeout(r, delay))
      }
    }
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  }
}

export function openSqlite(path: string): Sql {
  const file = resolve(path)
  let db: Database.Database
  try {
    mkdirSync(dirname(file), { recursive: true })
    db = new Database(file)
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
  } catch (err) {
    throw new StagelightError('E_INPUT_INVALID', `cannot open the watch database ${file}: ${(err as Error).message}`, { path: file }, { cause: err })
  }
  const statements = new Map<string, Database.Statement>()
  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql)
    if (!statement) {
      statement = db.prepare(sql)
      statements.set(sql, statement)
    }
    return statement
  }
  const direct = {
    all: <T>(sql: string, params: readonly Param[] = []): T[] => {
      const statement = prepare(sql)
      if (!statement.reader) {
        statement.run(...params)
        return []
      }
      return statement.all(...params) as T[]
    },
    run: (sql: string, params: readonly Param[] = []): number => {
      const statement = prepare(sql)
      if (statement.reader) return statement.all(...params).length
      return statement.run(...params).changes
    },
  }
  const mutex = new Mutex()
  const inner: Sql = {
    dialect: 'sqlite',
    location: file,
    all: async (sql, params) => direct.all(sql, params),
    run: async (sql, params) => direct.run(sql, params),
    tx: async (fn) => fn(inner),
    close: async () => undefined,
  }
  return {
    dialect: 'sqlite',
    location: file,
    all: (sql, params) => mutex.lock(async () => direct.all(sql, params)),
    run: (sql, params) => mutex.lock(async () => direct.run(sql, params)),
    tx: (fn) =>
      mutex.lock(async () => {
        await begin(db)
        try {
          const result = await fn(inner)
          db.exec('COMMIT')
          return result
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK')
          throw err
        }
      }),
    close: () =>
      mutex.lock(async () => {
        if (db.open) db.close()
      }),
  }
}
