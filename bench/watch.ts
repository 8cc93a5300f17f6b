/*
 * Benchmark of `stagelight watch`: jobs per second of each analysis on real npm releases (from the
 * registry) and on real git tags (a local repository), with 1, 2 and 4 jobs at once in the embedded
 * runner and 1, 2 and 4 `watch worker` processes on the PostgreSQL job engine; and `respond` over
 * 100 inventories against the raw SQL query that merely lists the holdings (its floor); a poll
 * of Debian's real Sources index against the system's xz merely unpacking it; the cost of a
 * rate-limit check against a bare query on the same store. Ends with a sizing derived from these numbers.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { bin, log, quick, root } from './common.js'
import { median } from './measure.js'
import { registerInventory } from '../src/watch/inventories.js'
import { jobKey, type Analysis } from '../src/watch/model.js'
import { drainJobs } from '../src/watch/queue/embedded.js'
import { pollGit } from '../src/watch/poll/git.js'
import { pollDebian } from '../src/watch/poll/debian.js'
import { JobEngine } from '../src/watch/queue/engine.js'
import { parseRespondQuery, respond } from '../src/watch/respond/respond.js'
import { WatchStore } from '../src/watch/store/store.js'
import type { WatchContext } from '../src/watch/context.js'

/** Small, much-used packages with many releases: real tarballs and real registry documents. */
const PACKAGES = ['debug', 'ms', 'chalk', 'semver', 'commander', 'minimist', 'uuid', 'yargs-parser']
const now = (): number => Number(process.hrtime.bigint()) / 1e9

async function context(location: string): Promise<WatchContext> {
  const store = await WatchStore.open(location)
  return { store, cwd: join(root, 'watch'), env: { ...process.env }, cacheDir: join(root, 'watch-cache') }
}

/** The last `n` versions of each package, as releases of npm targets, and one job per release for `analysis`. */
async function queueNpm(ctx: WatchContext, analysis: Analysis, n: number): Promise<number> {
  const { RegistryClient, versionsInPublishOrder } = await import('../src/audit/registry/index.js')
  const client = new RegistryClient({ cacheDir: ctx.cacheDir, cwd: ctx.cwd, env: ctx.env })
  let jobs = 0
  for (const name of PACKAGES) {
    const result = await client.fetchPackument(name)
    if (result.kind !== 'found') throw new Error(`${name}: ${result.kind}`)
    const versions = versionsInPublishOrder(result.doc).map((f) => f.version)
    await ctx.store.addTarget({ key: `npm:${name}`, kind: 'npm', name }, 'manual')
    await ctx.store.addReleases(`npm:${name}`, versions.map((version) => ({ version })), true)
    for (const version of versions.slice(-n)) {
      await ctx.store.enqueue({ key: jobKey(`npm:${name}`, version, analysis), target: `npm:${name}`, version, analysis })
      jobs++
    }
  }
  return jobs
}

/** A local repository with `n` annotated tags by a few taggers: real git, nothing fetched. */
function tagRepository(n: number): string {
  const repo = join(root, 'watch-tags')
  if (existsSync(join(repo, '.git'))) return repo
  mkdirSync(repo, { recursive: true })
  const git = (args: string[], who: string) => execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: who, GIT_AUTHOR_EMAIL: `${who}@example.org`, GIT_COMMITTER_NAME: who, GIT_COMMITTER_EMAIL: `${who}@example.org` } })
  git(['init', '-q', '-b', 'main'], 'a')
  for (let i = 0; i < n; i++) {
    writeFileSync(join(repo, 'file.c'), `int v = ${i};\n`)
    git(['add', '.'], 'a')
    git(['commit', '-qm', `change ${i}`], 'a')
    git(['tag', '-a', `v1.${i}.0`, '-m', `release ${i}`], ['alice', 'bob', 'carol'][i % 3]!)
  }
  return repo
}

async function queueTags(ctx: WatchContext, n: number): Promise<number> {
  const repo = tagRepository(n)
  await ctx.store.addTarget({ key: `git:${repo}`, kind: 'git', name: repo }, 'manual')
  const target = (await ctx.store.target(`git:${repo}`))!
  // as the first poll records them: each tag with its tagger and signature
  await ctx.store.addReleases(`git:${repo}`, await pollGit(target, ctx, new Set()), true)
  for (let i = 0; i < n; i++) await ctx.store.enqueue({ key: jobKey(`git:${repo}`, `1.${i}.0`, 'tagger'), target: `git:${repo}`, version: `1.${i}.0`, analysis: 'tagger' })
  return n
}

/** Puts every job back in the queue with its outputs removed, so the same jobs run again on a warm cache. */
async function requeueAll(store: WatchStore): Promise<void> {
  await store.sql.run(`DELETE FROM events`)
  await store.sql.run(`DELETE FROM reports`)
  await store.sql.run(`UPDATE jobs SET status = 'queued', attempts = 0, run_after = ?, lease_until = NULL`, [new Date(0).toISOString()])
}

async function embedded(): Promise<Map<string, number>> {
  const perWorker = new Map<string, number>()
  const n = quick ? 2 : 4
  console.log('\n  embedded runner (SQLite), jobs per second (warm cache; the cold first pass downloads)')
  console.log('  analysis   jobs   cold 1×   warm 1×   warm 2×   warm 4×')
  for (const analysis of ['signals', 'scan', 'tagger'] as const) {
    const dir = join(root, 'watch', analysis)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const ctx = await context(join(dir, 'watch.sqlite'))
    const jobs = analysis === 'tagger' ? await queueTags(ctx, quick ? 12 : 24) : await queueNpm(ctx, analysis, n)
    const rates: number[] = []
    for (const concurrency of [1, 1, 2, 4]) {
      if (rates.length > 0) await requeueAll(ctx.store)
      const started = now()
      const summary = await drainJobs(ctx, { concurrency, maxAttempts: 1 })
      const seconds = now() - started
      if (summary.done !== jobs) log(`  ${analysis}: ${summary.done} of ${jobs} jobs done (${summary.dead} failed)`)
      rates.push(summary.done / seconds)
    }
    perWorker.set(analysis, rates[1]!)
    console.log(`  ${analysis.padEnd(9)}  ${String(jobs).padStart(4)}  ${rates.map((r) => r.toFixed(1).padStart(8)).join('  ')}`)
    await ctx.store.close()
  }
  return perWorker
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

/** A throw-away PostgreSQL server from Debian's package (as the `postgres` user when run as root). */
async function postgres(): Promise<{ url: string; stop: () => void } | undefined> {
  const base = '/usr/lib/postgresql'
  const major = existsSync(base) ? readdirSync(base).find((d) => existsSync(join(base, d, 'bin', 'initdb'))) : undefined
  if (!major) return undefined
  const pgBin = join(base, major, 'bin')
  const home = join(root, 'watch-pg')
  rmSync(home, { recursive: true, force: true })
  mkdirSync(home, { recursive: true })
  const asRoot = process.getuid?.() === 0
  if (asRoot) chownSync(home, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout))
  const as = (cmd: string, args: string[]) => execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'ignore' })
  const port = await freePort()
  as(join(pgBin, 'initdb'), ['-D', join(home, 'data'), '-U', 'stagelight', '--auth=trust', '--no-sync'])
  as(join(pgBin, 'pg_ctl'), ['-D', join(home, 'data'), '-l', join(home, 'log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${home}`, 'start'])
  return { url: `postgres://stagelight@127.0.0.1:${port}/postgres`, stop: () => as(join(pgBin, 'pg_ctl'), ['-D', join(home, 'data'), '-m', 'fast', 'stop']) }
}

async function engine(): Promise<void> {
  const server = await postgres()
  if (!server) {
    console.log('\n  job engine: skipped (PostgreSQL server programs not installed)')
    return
  }
  console.log('\n  job engine (PostgreSQL, pg-boss), scan jobs per second, warm cache, N `watch worker` processes')
  try {
    const ctx = await context(server.url)
    const jobs = await queueNpm(ctx, 'scan', quick ? 2 : 4)
    const rates: string[] = []
    for (const workers of [1, 2, 4]) {
      await requeueAll(ctx.store)
      await ctx.store.sql.run(`DELETE FROM pgboss.job`).catch(() => undefined)
      // workers first, timed from when every one of them is taking jobs: their start-up is not throughput
      const procs: ChildProcess[] = []
      await Promise.all(
        Array.from({ length: workers }, () =>
          new Promise<void>((resolve) => {
            const p = spawn(process.execPath, [bin, 'watch', 'worker', '--db', server.url, '--cache-dir', ctx.cacheDir, '--concurrency', '1'], { stdio: ['ignore', 'ignore', 'pipe'], env: process.env })
            procs.push(p)
            p.stderr?.on('data', (c: Buffer) => c.toString().includes('taking jobs') && resolve())
            p.on('exit', () => resolve())
          }),
        ),
      )
      const eng = await JobEngine.start(server.url)
      const started = now()
      for (const job of await ctx.store.jobs('queued')) await eng.send(job)
      const deadline = Date.now() + 600_000
      while ((await ctx.store.jobCounts()).done < jobs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      const seconds = now() - started
      await eng.stop(1)
      for (const p of procs) p.kill('SIGTERM')
      await Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : undefined)))
      const done = (await ctx.store.jobCounts()).done
      rates.push(`${workers}× ${(done / seconds).toFixed(1)}`)
    }
    console.log(`  ${jobs} jobs: ${rates.join('   ')} jobs/s (from the first job sent to the last done; workers already started)`)
    await ctx.store.close()
  } finally {
    server.stop()
  }
}

async function respondFleet(): Promise<void> {
  const dir = join(root, 'watch', 'respond')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const ctx = await context(join(dir, 'watch.sqlite'))
  for (let i = 0; i < 100; i++) {
    const packages: Record<string, object> = { '': { name: `app-${i}`, version: '1.0.0' } }
    for (let j = 0; j < 300; j++) packages[`node_modules/dep-${(i * 7 + j) % 1500}`] = { version: `1.${j % 9}.0`, resolved: `https://registry.npmjs.org/dep-${j}/-/dep-${j}-1.0.0.tgz` }
    packages['node_modules/framework/node_modules/lib-x'] = { version: ['2.3.0', '2.3.1', '2.3.2'][i % 3], resolved: 'https://registry.npmjs.org/lib-x/-/lib-x-2.3.1.tgz' }
    const file = join(dir, `app-${i}.json`)
    writeFileSync(file, JSON.stringify({ name: `app-${i}`, lockfileVersion: 3, packages }))
    await registerInventory(ctx, file, { name: `app-${i}` })
  }
  await ctx.store.addReleases('npm:lib-x', ['2.2.0', '2.3.0', '2.3.1', '2.3.2', '2.4.0'].map((version) => ({ version })), true)
  const query = parseRespondQuery('lib-x@2.3.1,2.3.2')
  const times: number[] = []
  const floor: number[] = []
  let affected = 0
  for (let r = 0; r < (quick ? 5 : 15); r++) {
    let t = now()
    affected = (await respond(ctx.store, query)).affected.length
    times.push(now() - t)
    t = now()
    await ctx.store.sql.all(`SELECT inventory, version, location FROM inventory_packages WHERE ecosystem = ? AND name = ?`, ['npm', 'lib-x'])
    floor.push(now() - t)
  }
  const m = median(times)
  console.log(`\n  respond over 100 inventories (30,100 packages): ${(m * 1000).toFixed(1)} ms median, ${affected} holdings; the bare holdings query ${(median(floor) * 1000).toFixed(2)} ms (×${(m / median(floor)).toFixed(0)})`)
  await ctx.store.close()
}

/** Debian bookworm's real Sources index (downloaded once into the bench directory), polled for one package; the floor is `xz -dc` alone. */
async function debianIndex(): Promise<void> {
  const dir = join(root, 'watch-debian', 'debian', 'dists', 'bookworm', 'main', 'source')
  const index = join(dir, 'Sources.xz')
  const url = 'http://deb.debian.org/debian/dists/bookworm/main/source/Sources.xz'
  if (!existsSync(index)) {
    mkdirSync(dir, { recursive: true })
    const started = now()
    const response = await fetch(url).catch((err: Error) => ({ ok: false, status: err.message }) as const)
    if (!response.ok || !('arrayBuffer' in response)) {
      console.log(`\n  Debian Sources poll: skipped (${url}: ${response.status})`)
      return
    }
    writeFileSync(index, Buffer.from(await response.arrayBuffer()))
    log(`  downloaded ${url} in ${(now() - started).toFixed(1)} s`)
  }
  const ctx = { store: undefined as never, cwd: root, env: {}, cacheDir: join(root, 'watch-cache') }
  const target = { key: 'debian:zlib', kind: 'debian' as const, name: 'zlib', options: { index }, state: {}, addedAt: '', polledAt: undefined, origins: [] }
  const polls: number[] = []
  const floor: number[] = []
  let found = 0
  for (let r = 0; r < (quick ? 2 : 5); r++) {
    let t = now()
    found = (await pollDebian(target, ctx)).length
    polls.push(now() - t)
    t = now()
    execFileSync('sh', ['-c', `xz -dc "${index}" > /dev/null`])
    floor.push(now() - t)
  }
  const stanzas = Number(execFileSync('sh', ['-c', `xz -dc "${index}" | grep -c '^Package:'`], { encoding: 'utf8' }).trim())
  console.log(
    `\n  Debian Sources poll (bookworm main, ${stanzas.toLocaleString('en')} source stanzas, read from a local copy): ${(median(polls) * 1000).toFixed(0)} ms median ` +
      `(${found} version of zlib found); xz -dc alone ${(median(floor) * 1000).toFixed(0)} ms (×${(median(polls) / median(floor)).toFixed(1)}). One read serves every package watched in the index per round.`,
  )
}

/** What a rate-limit check costs per request: one conditional upsert (and a clean-up delete) against a bare query on the same SQLite store. */
async function rateLimitCost(): Promise<void> {
  const dir = join(root, 'watch', 'ratelimit')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const ctx = await context(join(dir, 'watch.sqlite'))
  const n = quick ? 500 : 2000
  const takes: number[] = []
  const bare: number[] = []
  for (let r = 0; r < 5; r++) {
    let t = now()
    for (let i = 0; i < n; i++) await ctx.store.takeRateToken(`host-${i % 50}.example`, { requests: 1_000_000, intervalMs: 60_000 }, Date.now())
    takes.push((now() - t) / n)
    t = now()
    for (let i = 0; i < n; i++) await ctx.store.sql.all(`SELECT 1 AS one`)
    bare.push((now() - t) / n)
  }
  console.log(`\n  rate-limit check (SQLite, WAL): ${(median(takes) * 1e6).toFixed(0)} µs per request granted; a bare SELECT ${(median(bare) * 1e6).toFixed(0)} µs (×${(median(takes) / median(bare)).toFixed(0)})`)
  await ctx.store.close()
}

export async function benchWatch(): Promise<void> {
  console.log(`\nstagelight watch benchmark — ${cpus().length} cores, node ${process.version}`)
  mkdirSync(join(root, 'watch'), { recursive: true })
  let perWorker = new Map<string, number>()
  try {
    perWorker = await embedded()
  } catch (err) {
    console.log(`  embedded runner skipped: ${(err as Error).message.split('\n')[0]}`)
  }
  await engine()
  await respondFleet()
  await debianIndex()
  await rateLimitCost()
  const scan = perWorker.get('scan')
  const signals = perWorker.get('signals')
  if (scan && signals) {
    // per npm release: one scan and one signals job; per distribution tarball: verify, scan and tagger (verify measured in `--only verify`)
    const perRelease = 1 / (1 / scan + 1 / signals)
    const npmPerDay = 100_000
    console.log(
      `\n  sizing: one worker handles ${perRelease.toFixed(1)} npm releases/s (scan + signals) = ${Math.round(perRelease * 86_400).toLocaleString('en')} a day.` +
        `\n  At an assumed ${npmPerDay.toLocaleString('en')} npm version publishes a day (≈${(npmPerDay / 86_400).toFixed(1)}/s; an assumption, not measured here — the mirror omits publish times)` +
        `\n  that is ${Math.ceil(npmPerDay / (perRelease * 86_400))} worker(s) on average; provision ×4 for bursts and large tarballs.` +
        `\n  Debian bookworm has 34,335 source packages (its Sources index): re-checking every upstream release once` +
        `\n  is a one-off of ${Math.round(34_335 / perRelease / 60)} worker-minutes at this rate before verify (see the verify benchmark for tarball sizes).`,
    )
  }
}
