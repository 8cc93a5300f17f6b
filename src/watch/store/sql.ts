/**
 * @fileoverview The one database interface the watch store is written against: an embedded SQLite
 * file or a PostgreSQL server, chosen by the location's form. SQL is written once, with `?`
 * placeholders and the subset both engines share (TEXT keys, INTEGER, ON CONFLICT).
 */
export type Dialect = 'sqlite' | 'postgres'

export type Param = string | number | null

export interface Sql {
  readonly dialect: Dialect
  /** where the data lives, credentials removed */
  readonly location: string
  all<T>(sql: string, params?: readonly Param[]): Promise<T[]>
  /** runs a statement; the number of rows it changed */
  run(sql: string, params?: readonly Param[]): Promise<number>
  /** runs `fn` in one transaction: all of it is stored, or none */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>
  close(): Promise<void>
}

export const isPostgresUrl = (location: string): boolean => /^postgres(?:ql)?:\/\//i.test(location)

/** A PostgreSQL URL without its password, for messages. */
export const redactUrl = (location: string): string => location.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/i, '$1:***@')

/** Opens the store's database: a `postgres://` URL or the path of a SQLite file (created when missing). */
export async function openSql(location: string): Promise<Sql> {
  if (isPostgresUrl(location)) {
    const { openPostgres } = await import('./postgres.js')
    return openPostgres(location)
  }
  const { openSqlite } = await import('./sqlite.js')
  return openSqlite(location)
}
