/**
 * A real PostgreSQL server from Debian's package, started for a test suite in a temporary
 * directory on a free loopback port, and removed afterwards. The server refuses to run as root,
 * so when the tests run as root it runs as the `postgres` user (runuser).
 */
import { execFile, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { freePort } from '../../helpers/free-port.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface LocalPostgres {
  readonly url: string
  /** a fresh, empty database on the server */
  database(name: string): Promise<string>
  /** stops the server abruptly (immediate shutdown), as a crash would */
  kill(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

/** The directory of Debian's PostgreSQL server programs (`/usr/lib/postgresql/<major>/bin`), if installed. */
export function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  const majors = readdirSync(base).filter((d) => existsSync(join(base, d, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
  return majors[0] ? join(base, majors[0], 'bin') : undefined
}

export const postgresMissing = (): string | undefined =>
  postgresBin() ? undefined : "PostgreSQL server programs not installed (Debian package 'postgresql'; `npm run setup` installs it)"


export async function startPostgres(): Promise<LocalPostgres> {
  const bin = postgresBin()
  if (!bin) throw new Error(postgresMissing())
  const asRoot = process.getuid?.() === 0
  const home = mkdtempSync(join(tmpdir(), 'stagelight-pg-'))
  const data = join(home, 'data')
  const port = await freePort()
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
    chownSync(home, Number(ids.stdout.trim()), Number(gids.stdout.trim()))
    chmodSync(home, 0o700)
  }
  const as = (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args))
  await as(join(bin, 'initdb'), ['-D', data, '-U', 'stagelight', '--auth=trust', '-E', 'UTF8', '--no-sync'])
  const start = async () => {
    await as(join(bin, 'pg_ctl'), ['-D', data, '-l', join(home, 'server.log'), '-w', '-t', '60', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${home} -c fsync=off -c max_connections=100`, 'start'])
  }
  await start()
  const url = (db: string) => `postgres://stagelight@127.0.0.1:${port}/${db}`
  let counter = 0
  return {
    url: url('postgres'),
    async database(name) {
      const db = `${name.replace(/[^a-z0-9_]/gi, '_')}_${counter++}`
      await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'stagelight', '-d', 'postgres', '-qc', `CREATE DATABASE ${db}`])
      return url(db)
    },
    async kill() {
      await as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined)
    },
    start,
    async stop() {
      await as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', 'stop']).catch(() => undefined)
      rmSync(home, { recursive: true, force: true })
    },
  }
}
