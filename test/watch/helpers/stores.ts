/**
 * The two store back-ends every store-level test runs against: a SQLite file in a temporary
 * directory, and a database on a real PostgreSQL server this suite starts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { postgresMissing, startPostgres, type LocalPostgres } from './postgres.js'

export interface Backend {
  readonly name: 'sqlite' | 'postgres'
  /** a location for a new, empty store */
  location(label: string): Promise<string>
}

let server: LocalPostgres | undefined
const dirs: string[] = []

export const BACKENDS: readonly Backend[] = [
  {
    name: 'sqlite',
    async location(label) {
      const dir = mkdtempSync(join(tmpdir(), 'stagelight-watch-'))
      dirs.push(dir)
      return join(dir, `${label}.sqlite`)
    },
  },
  {
    name: 'postgres',
    async location(label) {
      server ??= await startPostgres()
      return server.database(label)
    },
  },
]

const missing = postgresMissing()
if (missing) process.stderr.write(`skipping the PostgreSQL half of the watch tests: ${missing}\n`)

/** The back-ends that can run here; PostgreSQL is left out (with the message above) only when its programs are absent. */
export const AVAILABLE = BACKENDS.filter((b) => b.name === 'sqlite' || !missing)

export function localPostgres(): LocalPostgres | undefined {
  return server
}

export async function cleanupBackends(): Promise<void> {
  await server?.stop()
  server = undefined
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}
