/**
 * `watch` on a real git repository: a new tag by someone who never tagged before, and a release
 * tarball that differs from its tag, found on the next round; a tarball that appears later than its
 * tag is retried until it is there.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { drainJobs } from '../../src/watch/queue/embedded.js'
import { WatchStore } from '../../src/watch/store/store.js'
import { pollRound } from '../../src/watch/watcher.js'
import { cli } from './helpers/cli.js'

let root: string
let repo: string
let tarballs: string
let db: string
const common = () => ['--db', db, '--cache-dir', join(root, 'cache')]

const git = (args: string[], who: { name: string; email: string }) =>
  execFileSync('git', args, {
    cwd: repo,
    env: { ...process.env, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email, GIT_CONFIG_NOSYSTEM: '1', HOME: root },
  })
const alice = { name: 'Alice Keeper', email: 'alice@example.org' }
const jia = { name: 'New Helper', email: 'helper@example.net' }

/** The tarball `make dist` would ship for a tag, optionally with files the tag does not have. */
function releaseTarball(tag: string, version: string, extra: Record<string, string> = {}): void {
  const stage = join(root, 'stage', version)
  mkdirSync(stage, { recursive: true })
  execFileSync('sh', ['-c', `git -C "${repo}" archive --prefix=widget-${version}/ ${tag} | tar -x -C "${stage}"`])
  for (const [path, content] of Object.entries(extra)) {
    mkdirSync(join(stage, `widget-${version}`, path, '..'), { recursive: true })
    writeFileSync(join(stage, `widget-${version}`, path), content)
  }
  execFileSync('tar', ['-czf', join(tarballs, `widget-${version}.tar.gz`), '-C', stage, `widget-${version}`])
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-watch-git-'))
  repo = join(root, 'widget')
  tarballs = join(root, 'releases')
  db = join(root, 'watch.sqlite')
  mkdirSync(repo)
  mkdirSync(tarballs)
  git(['init', '-q', '-b', 'main'], alice)
  writeFileSync(join(repo, 'widget.c'), 'int widget(void) { return 1; }\n')
  writeFileSync(join(repo, 'configure.ac'), 'AC_INIT([widget], [1.0.0])\nAC_OUTPUT\n')
  git(['add', '.'], alice)
  git(['commit', '-qm', 'first'], alice)
  git(['tag', '-a', 'v1.0.0', '-m', 'widget 1.0.0'], alice)
  releaseTarball('v1.0.0', '1.0.0')
})

/** Lets the retry delays run out without waiting for them: the queued jobs' time is now. */
const backoffElapsed = (store: WatchStore) => store.sql.run(`UPDATE jobs SET run_after = ? WHERE status = 'queued'`, [new Date().toISOString()])

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('watch a git repository and its release tarballs', () => {
  it('analyses a new tag: a first-time tagger, and a tarball with a build file the tag does not have', async () => {
    const add = await cli(['watch', 'add', 'git', repo, '--tarballs', join(tarballs, 'widget-{version}.tar.gz'), ...common()], root)
    expect(add.code, add.stderr).toBe(0)
    const baseline = await cli(['watch', 'run', '--once', ...common()], root)
    expect(baseline.stderr).toContain('0 jobs queued')

    writeFileSync(join(repo, 'widget.c'), 'int widget(void) { return 2; }\n')
    git(['commit', '-qam', 'second'], jia)
    git(['tag', '-a', 'v1.1.0', '-m', 'widget 1.1.0'], jia)
    releaseTarball('v1.1.0', '1.1.0', { 'm4/host-detect.m4': 'AC_DEFUN([HOST_DETECT], [\n  eval "$(sed -n 5p tests/data.bin | tr a-z n-za-m)"\n])\n' })

    const run = await cli(['watch', 'run', '--once', ...common()], root)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('1 new releases, 3 jobs queued; 3 done')
    const events = JSON.parse((await cli(['watch', 'events', '--format', 'json', ...common()], root)).stdout) as { events: { ruleId: string; severity: string; analysis: string; message: string; version: string }[] }
    const tagger = events.events.find((e) => e.ruleId === 'watch/new-tagger')
    expect(tagger?.message).toBe('v1.1.0 is the first release tagged by New Helper <helper@example.net>')
    const verify = events.events.filter((e) => e.analysis === 'verify')
    expect(verify.some((e) => e.message.startsWith('m4/host-detect.m4') && (e.severity === 'high' || e.severity === 'critical'))).toBe(true)
    expect(events.events.every((e) => e.version === '1.1.0')).toBe(true)
  })

  it('retries verify while the tarball is missing, and completes it once the tarball appears', async () => {
    git(['commit', '--allow-empty', '-qm', 'third'], alice)
    git(['tag', '-a', 'v1.2.0', '-m', 'widget 1.2.0'], alice)
    const store = await WatchStore.open(db)
    const context = { store, cwd: root, env: { HOME: root }, cacheDir: join(root, 'cache') }
    const round = await pollRound(context)
    expect(round.newReleases).toEqual([{ target: `git:${repo}`, version: '1.2.0' }])
    const first = await drainJobs(context, { backoffMs: 60_000 })
    expect(first).toMatchObject({ done: 2, retried: 1, dead: 0 })
    const waiting = await store.job(`git:${repo}|1.2.0|verify`)
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1 })
    expect(waiting?.lastError).toContain('is not there (yet)')

    expect(await drainJobs(context, { backoffMs: 60_000 })).toMatchObject({ done: 0, retried: 0 }) // not before its backoff
    releaseTarball('v1.2.0', '1.2.0')
    await backoffElapsed(store)
    expect(await drainJobs(context, { backoffMs: 60_000 })).toMatchObject({ done: 1, retried: 0 })
    expect((await store.job(`git:${repo}|1.2.0|verify`))?.status).toBe('done')
    expect((await store.report(`git:${repo}|1.2.0|verify`))?.verdict).toBe('pass')
    await store.close()
  })

  it('declares a job dead after its last attempt and can queue it again', async () => {
    git(['tag', '-a', 'v1.3.0', '-m', 'widget 1.3.0'], alice)
    const store = await WatchStore.open(db)
    const context = { store, cwd: root, env: { HOME: root }, cacheDir: join(root, 'cache') }
    await pollRound(context)
    for (let i = 0; i < 3; i++) {
      await drainJobs(context, { backoffMs: 60_000, maxAttempts: 3 })
      await backoffElapsed(store)
    }
    expect(await store.job(`git:${repo}|1.3.0|verify`)).toMatchObject({ status: 'dead', attempts: 3 })
    const status = await cli(['watch', 'status', ...common()], root)
    expect(status.stdout).toContain(`dead  git:${repo}|1.3.0|verify  after 3 attempts`)
    expect((await cli(['watch', 'retry-dead', ...common()], root)).stdout).toBe('1 jobs queued again\n')
    await store.close()
  })
})
