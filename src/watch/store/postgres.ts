/**
 * @fileoverview The team store: a PostgreSQL server reached by URL, through a connection pool.
 * The shared SQL's `?` placeholders become `$1…`; a transaction holds one pooled connection.
 */
import pg from 'pg'
import { StagelightError } from '../../errors.js'
import { redactUrl, type Param, type Sql } from './sql.js'

/** `?` → `$n`; the store's SQL never puts `?` inside a string literal. */
const numbered = (sql: string): string => {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>

function over(target: Queryable, location: string, tx: Sql['tx'], close: Sql['close']): Sql {
  return {
    dialect: 'postgres',
    location,
    all: async <T>(sql: string, params: readonly Param[] = []) => (await target.query(numbered(sql), [...params])).rows as T[],
    run: async (sql, params = []) => (await target.query(numbered(sql), [...params])).rowCount ?? 0,
    tx,
    close,
  }
}

export async function openPostgres(url: string): Promise<Sql> {
  const location = redactUrl(url)
  // BIGINT counts come back as numbers, not strings: counts here are far below 2^53
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))
  const pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 10_000 })
  // an idle connection the server dropped is not an error of the program
  pool.on('error', () => undefined)
  try {
    const client = await pool.connect()
    client.release()
  } catch (err) {
    await pool.end().catch(() => undefined)
    throw new StagelightError('E_NETWORK', `cannot reach the watch database ${location}: ${(err as Error).message}`, { location }, { cause: err })
  }
  const tx: Sql['tx'] = async (fn) => {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const inner = over(client, location, (f) => f(inner), async () => undefined)
      const result = await fn(inner)
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw err
    } finally {
      client.release()
    }
  }
  return over(pool, location, tx, () => pool.end())
}
