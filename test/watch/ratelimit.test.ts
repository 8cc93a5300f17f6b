/**
 * Per-host rate limits, counted by the release host itself (a file server on loopback) on a clock
 * the test moves: the embedded runner and the job engine's workers send no more requests to a
 * host per window than its limit, wait for the next window or put the job back for it, and the
 * budget is shared exactly by everyone on the store (SQLite and PostgreSQL).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { WatchContext } from '../../src/watch/context.js'
import { drainJobs } from '../../src/watch/queue/embedded.js'
import { JobEngine } from '../../src/watch/queue/engine.js'
import { hostOf, limitFor, parseRateLimit } from '../../src/watch/ratelimit.js'
import { WatchStore } from '../../src/watch/store/store.js'
import { gitTarget } from '../../src/watch/targets.js'
import { pollRound } from '../../src/watch/watcher.js'
import { FAST_ENGINE } from './helpers/fast-engine.js'
import { startFileServer, type FileServer } from './helpers/file-server.js'
import { ManualClock } from './helpers/manual-clock.js'
import { cli } from './helpers/cli.js'
import { AVAILABLE, cleanupBackends } from './helpers/stores.js'

const MINUTE = 60_000
/** a time at the start of a one-minute window, so every wait is a whole minute */
const T0 = 29_000_000 * MINUTE

let root: string
let repo: string
let releases: string
let server: FileServer
/** the fake time at which the release host saw each tarball request */
const seenAt: number[] = []
let clock: ManualClock

const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: repo,
    env: { ...process.env, GIT_AUTHOR_NAME: 'Alice', GIT_AUTHOR_EMAIL: 'alice@example.org', GIT_COMMITTER_NAME: 'Alice', GIT_COMMITTER_EMAIL: 'alice@example.org', GIT_CONFIG_NOSYSTEM: '1', HOME: root },
  })

/** Tags a release and puts its tarball (the tag's tree, as `make dist` would ship it) on the release host. */
function release(version: string): void {
  writeFileSync(join(repo, 'widget.c'), `int widget(void) { return ${JSON.stringify(version)}[0]; }\n`)
  git('commit', '-qam', `release ${version}`)
  git('tag', '-a', `v${version}`, '-m', `widget ${version}`)
  execFileSync('sh', ['-c', `git -C "${repo}" archive --format=tar.gz --prefix=widget-${version}/ v${version} > "${join(releases, `widget-${version}.tar.gz`)}"`])
}

const tarballGets = (versions: readonly string[]) => server.requests.filter((r) => r.method === 'GET' && versions.some((v) => r.path === `/widget-${v}.tar.gz`)).length

async function watchedStore(location: string): Promise<WatchStore> {
  const store = await WatchStore.open(location)
  await store.addTarget(gitTarget(repo, root, { tarballs: `${server.url}widget-{version}.tar.gz` }), 'manual')
  await pollRound({ store, cwd: root, env: { HOME: root }, cacheDir: join(root, 'cache') }) // the baseline: tags so far are not analysed
  return store
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-ratelimit-'))
  repo = join(root, 'widget')
  releases = join(root, 'releases')
  mkdirSync(repo)
  mkdirSync(releases)
  git('init', '-q', '-b', 'main')
  writeFileSync(join(repo, 'widget.c'), 'int widget(void) { return 0; }\n')
  git('add', '.')
  git('commit', '-qm', 'first')
  release('1.0.0')
  server = await startFileServer(releases)
  clock = new ManualClock(T0)
  // the host records each request on the test's clock, so the window it fell in is exact
  const record = server.requests.push.bind(server.requests)
  server.requests.push = (...items) => {
    for (const item of items) if (item.method === 'GET') seenAt.push(clock.now())
    return record(...items)
  }
})

afterAll(async () => {
  await server?.close()
  await cleanupBackends()
  rmSync(root, { recursive: true, force: true })
})

describe('rate limits as written', () => {
  it('reads <requests>/<interval> and finds the limit of a URL or git remote', () => {
    expect(parseRateLimit('30/60')).toEqual({ requests: 30, intervalMs: 60_000 })
    expect(parseRateLimit('1/2s')).toEqual({ requests: 1, intervalMs: 2000 })
    expect(parseRateLimit('1000 / 1h')).toEqual({ requests: 1000, intervalMs: 3_600_000 })
    expect(() => parseRateLimit('0/60')).toThrow(/not a rate limit/)
    expect(() => parseRateLimit('fast')).toThrow(/not a rate limit/)
    expect(hostOf('git@GitHub.com:tukaani/widget.git')).toEqual({ host: 'github.com', hostname: 'github.com' })
    expect(hostOf('https://registry.example.org:8443/widget')).toEqual({ host: 'registry.example.org:8443', hostname: 'registry.example.org' })
    expect(hostOf('/srv/git/widget')).toBeUndefined()
    const limits = [
      { host: 'registry.example.org', requests: 5, intervalMs: 1000 },
      { host: 'registry.example.org:8443', requests: 1, intervalMs: 1000 },
      { host: '*', requests: 9, intervalMs: 1000 },
    ]
    expect(limitFor(limits, { host: 'registry.example.org:8443', hostname: 'registry.example.org' })?.limit.requests).toBe(1)
    expect(limitFor(limits, { host: 'registry.example.org:80', hostname: 'registry.example.org' })?.limit.requests).toBe(5)
    // each host under the default limit has its own budget
    expect(limitFor(limits, { host: 'a.example', hostname: 'a.example' })?.key).not.toBe(limitFor(limits, { host: 'b.example', hostname: 'b.example' })?.key)
    expect(limitFor([], { host: 'a.example', hostname: 'a.example' })).toBeUndefined()
  })

  it('are set, listed and removed with `watch rate-limit`, which refuses what it cannot read', async () => {
    const db = ['--db', join(root, 'limits.sqlite')]
    expect((await cli(['watch', 'rate-limit', 'Registry.Example.org', '300/1m', ...db], root)).stdout).toBe('registry.example.org: at most 300 requests per 60 s\n')
    expect((await cli(['watch', 'rate-limit', '*', '10/1', ...db], root)).code).toBe(0)
    expect((await cli(['watch', 'rate-limit', ...db], root)).stdout).toBe('*  10/1s\nregistry.example.org  300/60s\n')
    expect((await cli(['watch', 'rate-limit', '*', 'off', ...db], root)).stdout).toBe('*: no limit\n')
    const bad = await cli(['watch', 'rate-limit', 'github.com', 'fast', ...db], root)
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('not a rate limit: "fast"')])
    const noHost = await cli(['watch', 'rate-limit', 'https://github.com/', '1/1', ...db], root)
    expect([noHost.code, noHost.stderr]).toEqual([2, expect.stringContaining('not a host name')])
    expect((await cli(['watch', 'rate-limit', 'github.com', 'off', ...db], root)).code).toBe(2)
  })
})

describe.each(AVAILABLE)('the shared budget on $name', (backend) => {
  it('grants exactly the limit per window, also to requests racing each other', async () => {
    const store = await WatchStore.open(await backend.location('budget'))
    const limit = { requests: 3, intervalMs: MINUTE }
    const granted = await Promise.all(Array.from({ length: 10 }, () => store.takeRateToken('registry.example.org', limit, T0 + 5)))
    expect(granted.filter(Boolean)).toHaveLength(3)
    expect(await store.takeRateToken('registry.example.org', limit, T0 + MINUTE - 1)).toBe(false)
    expect(await store.takeRateToken('git.example.org', limit, T0 + MINUTE - 1)).toBe(true)
    expect(await store.takeRateToken('registry.example.org', limit, T0 + MINUTE)).toBe(true)
    await store.close()
  })
})

describe('the embedded runner', () => {
  it('sends a host no more than its limit per window, waiting for the next window', async () => {
    const store = await watchedStore(join(root, 'embedded.sqlite'))
    await store.setRateLimit('127.0.0.1', { requests: 2, intervalMs: MINUTE })
    const versions = ['1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0']
    for (const v of versions) release(v)
    const context: WatchContext = { store, cwd: root, env: { HOME: root }, cacheDir: join(root, 'cache'), clock, maxRateWaitMs: 2 * MINUTE }
    const round = await pollRound(context)
    expect(round.jobsQueued).toBe(15) // scan, tagger and verify of each; only verify reaches the release host
    const start = seenAt.length

    const drained = drainJobs(context, { concurrency: 2 })
    // both job lanes end up waiting on the spent budget, after exactly two downloads
    await vi.waitFor(() => expect([tarballGets(versions), clock.sleepers]).toEqual([2, 2]), { timeout: 60_000, interval: 50 })
    clock.advance(MINUTE)
    await vi.waitFor(() => expect([tarballGets(versions), clock.sleepers]).toEqual([4, 1]), { timeout: 60_000, interval: 50 })
    clock.advance(MINUTE)
    expect(await drained).toMatchObject({ done: 15, retried: 0, dead: 0, deferred: 0 })
    expect(tarballGets(versions)).toBe(5)
    expect(seenAt.slice(start)).toEqual([T0, T0, T0 + MINUTE, T0 + MINUTE, T0 + 2 * MINUTE])
    for (const v of versions) expect((await store.report(`git:${repo}|${v}|verify`))?.verdict).toBe('pass')
    await store.close()
  })

  it('puts a job back for the next window, without counting an attempt, when that is further off than it should wait', async () => {
    const store = await watchedStore(join(root, 'deferred.sqlite'))
    await store.setRateLimit('127.0.0.1', { requests: 1, intervalMs: MINUTE })
    const versions = ['1.6.0', '1.7.0']
    for (const v of versions) release(v)
    clock.advance(MINUTE) // a window nothing has used
    const context: WatchContext = { store, cwd: root, env: { HOME: root }, cacheDir: join(root, 'cache'), clock, maxRateWaitMs: 1000 }
    await pollRound(context)
    expect(await drainJobs(context, { concurrency: 2 })).toMatchObject({ done: 5, retried: 0, dead: 0, deferred: 1 })
    expect(tarballGets(versions)).toBe(1)
    const held = (await store.jobs('queued'))
    expect(held).toHaveLength(1)
    expect(held[0]).toMatchObject({ analysis: 'verify', attempts: 0 })
    expect(held[0]?.lastError).toMatch(/rate limit of 127\.0\.0\.1:\d+ is reached; next request in 60 s/)
    expect(Date.parse(held[0]!.runAfter)).toBeGreaterThan(Date.now() + 50_000)

    clock.advance(MINUTE)
    await store.sql.run(`UPDATE jobs SET run_after = ? WHERE status = 'queued'`, [new Date().toISOString()])
    expect(await drainJobs(context, { concurrency: 2 })).toMatchObject({ done: 1, deferred: 0 })
    expect(tarballGets(versions)).toBe(2)
    await store.close()
  })
})

const postgres = AVAILABLE.find((b) => b.name === 'postgres')

describe.skipIf(!postgres)('the job engine', () => {
  it("holds a job back for its host's next window, as a new engine job, without a failed attempt", async () => {
    const url = await postgres!.location('engine-ratelimit')
    const store = await watchedStore(url)
    await store.setRateLimit('127.0.0.1', { requests: 1, intervalMs: MINUTE })
    const versions = ['1.8.0', '1.9.0']
    for (const v of versions) release(v)
    clock.advance(MINUTE)
    const engine = await JobEngine.start(url, FAST_ENGINE)
    try {
      const context: WatchContext = { store, cwd: root, env: { HOME: root }, cacheDir: join(root, 'cache'), clock, maxRateWaitMs: 1000 }
      const round = await pollRound(context, async (spec) => void (await engine.send(spec)))
      expect(round.jobsQueued).toBe(6)
      await engine.work(context, 2)
      await vi.waitFor(async () => expect(await store.jobCounts()).toMatchObject({ done: 5, queued: 1, running: 0, dead: 0 }), { timeout: 60_000, interval: 250 })
      expect(tarballGets(versions)).toBe(1)
      const [held] = await store.jobs('queued')
      expect(held).toMatchObject({ analysis: 'verify', attempts: 0 })
      expect(held?.lastError).toContain('rate limit of 127.0.0.1')
      // the held job waits in the engine for the next window
      expect(await engine.pending()).toBe(1)
    } finally {
      await engine.stop(5)
      await store.close()
    }
  })
})
