/**
 * Release tarball targets against a release host on loopback (a web server's directory index) and
 * a local git repository: the first poll records the tarballs there, each tarball that appears
 * later is a release, scanned and verified against the tag of its version; a tag whose tarball is
 * not out yet is no release. A listing that links elsewhere is read with care.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileMatcher, pollTarballs } from '../../src/watch/poll/tarballs.js'
import { WatchStore } from '../../src/watch/store/store.js'
import { tarballTarget } from '../../src/watch/targets.js'
import { cli } from './helpers/cli.js'
import { startFileServer, type FileServer } from './helpers/file-server.js'

let root: string
let repo: string
let host: string
let server: FileServer
let db: string
const common = () => ['--db', db, '--cache-dir', join(root, 'cache')]

const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: repo,
    env: { ...process.env, GIT_AUTHOR_NAME: 'Alice', GIT_AUTHOR_EMAIL: 'alice@example.org', GIT_COMMITTER_NAME: 'Alice', GIT_COMMITTER_EMAIL: 'alice@example.org', GIT_CONFIG_NOSYSTEM: '1', HOME: root },
  })

function tag(version: string): void {
  writeFileSync(join(repo, 'widget.c'), `/* widget ${version} */\nint widget(void) { return 1; }\n`)
  git('commit', '-qam', `release ${version}`)
  git('tag', '-a', `v${version}`, '-m', `widget ${version}`)
}

/** Puts the tarball `make dist` would ship for a tag on the release host, optionally with files the tag does not have. */
function publish(version: string, extra: Record<string, string> = {}): void {
  const stage = join(root, 'stage', version)
  mkdirSync(stage, { recursive: true })
  execFileSync('sh', ['-c', `git -C "${repo}" archive --prefix=widget-${version}/ v${version} | tar -x -C "${stage}"`])
  for (const [path, content] of Object.entries(extra)) {
    mkdirSync(join(stage, `widget-${version}`, path, '..'), { recursive: true })
    writeFileSync(join(stage, `widget-${version}`, path), content)
  }
  execFileSync('tar', ['-czf', join(host, 'dist', `widget-${version}.tar.gz`), '-C', stage, `widget-${version}`])
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-watch-tarball-'))
  repo = join(root, 'widget')
  host = join(root, 'host')
  db = join(root, 'watch.sqlite')
  mkdirSync(repo)
  mkdirSync(join(host, 'dist'), { recursive: true })
  mkdirSync(join(host, 'pages'))
  git('init', '-q', '-b', 'main')
  writeFileSync(join(repo, 'widget.c'), 'int widget(void) { return 0; }\n')
  writeFileSync(join(repo, 'configure.ac'), 'AC_INIT([widget], [1.0.0])\nAC_OUTPUT\n')
  git('add', '.')
  git('commit', '-qm', 'first')
  tag('1.0.0')
  publish('1.0.0')
  // what a release directory also holds: signatures, other packages' files, notes
  writeFileSync(join(host, 'dist', 'widget-1.0.0.tar.gz.sig'), 'signature')
  writeFileSync(join(host, 'dist', 'widget-doc-1.0.0.tar.gz'), 'not a release of widget')
  writeFileSync(join(host, 'dist', 'README'), 'releases of widget')
  server = await startFileServer(host)
})

afterAll(async () => {
  await server?.close()
  rmSync(root, { recursive: true, force: true })
})

describe('release file names', () => {
  it('takes a version where {version} is and one extension where * is', () => {
    const matches = fileMatcher('widget-{version}.tar.*')
    expect(matches('widget-1.2.3.tar.xz')).toBe('1.2.3')
    expect(matches('widget-5.6.1-rc2.tar.gz')).toBe('5.6.1-rc2')
    expect(matches('widget-1.2.3.tar.gz.sig')).toBeUndefined()
    expect(matches('widget-doc-1.2.3.tar.gz')).toBeUndefined()
    expect(matches('widget-1.2.3.tgz')).toBeUndefined()
    expect(fileMatcher('widget_{version}.orig.tar.gz')('widget_2.0+dfsg.orig.tar.gz')).toBe('2.0+dfsg')
  })
})

describe('watch a release directory', () => {
  it('verifies each tarball that appears against its tag, and finds the one with a build file the tag does not have', async () => {
    const add = await cli(['watch', 'add', 'tarball', `${server.url}dist/`, '--source', repo, ...common()], root)
    expect(add.code, add.stderr).toBe(0)
    expect(add.stdout).toBe(`watching tarball:${server.url}dist/widget-{version}.tar.*\n`)
    const baseline = await cli(['watch', 'run', '--once', ...common()], root)
    expect(baseline.code, baseline.stderr).toBe(0)
    expect(baseline.stderr).toContain('1 polled (1 first polls: baseline recorded), 0 new releases, 0 jobs queued')

    tag('1.1.0')
    publish('1.1.0')
    tag('1.2.0')
    publish('1.2.0', { 'm4/host-detect.m4': 'AC_DEFUN([HOST_DETECT], [\n  eval "$(sed -n 5p tests/data.bin | tr a-z n-za-m)"\n])\n' })
    tag('1.3.0') // tagged, but its tarball is not out yet
    const run = await cli(['watch', 'run', '--once', ...common()], root)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('2 new releases, 4 jobs queued; 4 done, 0 to retry, 0 dead')

    const store = await WatchStore.open(db)
    const key = `tarball:${server.url}dist/widget-{version}.tar.*`
    expect((await store.releases(key)).map((r) => [r.version, r.baseline])).toEqual([
      ['1.0.0', true],
      ['1.1.0', false],
      ['1.2.0', false],
    ])
    expect((await store.report(`${key}|1.1.0|verify`))?.verdict).toBe('pass')
    expect((await store.report(`${key}|1.2.0|verify`))?.verdict).toBe('fail')
    expect(await store.report(`${key}|1.2.0|scan`)).toBeDefined()
    const events = await store.events({ target: key })
    expect(events.some((e) => e.version === '1.2.0' && e.analysis === 'verify' && e.message.startsWith('m4/host-detect.m4') && (e.severity === 'high' || e.severity === 'critical'))).toBe(true)
    expect(events.filter((e) => e.version === '1.1.0' && (e.severity === 'high' || e.severity === 'critical'))).toEqual([])
    await store.close()

    publish('1.3.0')
    const later = await cli(['watch', 'run', '--once', ...common()], root)
    expect(later.stderr).toContain('1 new releases, 2 jobs queued; 2 done')
    const gets = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('.tar.gz'))
    // each release tarball downloaded once, though scan and verify both read it; the baseline's never
    expect(gets.map((r) => r.path).sort()).toEqual(['/dist/widget-1.1.0.tar.gz', '/dist/widget-1.2.0.tar.gz', '/dist/widget-1.3.0.tar.gz'])
  })

  it('reads a listing elsewhere, and follows none of its links to this machine\'s files', async () => {
    writeFileSync(
      join(host, 'pages', 'releases.html'),
      `<ul><li><a href="../dist/widget-1.0.0.tar.gz">1.0.0</a>
      <li><a href='file:///etc/widget-7.0.0.tar.gz'>7.0.0</a>
      <li><a href=/dist/widget-1.1.0.tar.gz.sig>signature</a>
      <li><a HREF="${server.url}dist/widget-1.2.0.tar.gz">1.2.0</a></ul>`,
    )
    const target = tarballTarget(`${server.url}dist/widget-{version}.tar.gz`, root, { source: repo, listing: `${server.url}pages/releases.html` })
    const releases = await pollTarballs({ ...target, state: {}, addedAt: '', polledAt: undefined, origins: [] }, { store: undefined as never, cwd: root, env: {}, cacheDir: join(root, 'cache') })
    expect(releases).toEqual([
      { version: '1.0.0', facts: { tarball: `${server.url}dist/widget-1.0.0.tar.gz` } },
      { version: '1.2.0', facts: { tarball: `${server.url}dist/widget-1.2.0.tar.gz` } },
    ])
  })

  it('refuses a target it could not poll or verify', async () => {
    const noSource = await cli(['watch', 'add', 'tarball', `${server.url}dist/`, ...common()], root)
    expect(noSource.code).toBe(2)
    const noVersion = await cli(['watch', 'add', 'tarball', `${server.url}dist/`, '--source', repo, '--file', 'widget.tar.gz', ...common()], root)
    expect([noVersion.code, noVersion.stderr]).toEqual([2, expect.stringContaining('must be a file name with {version}')])
    const ftp = await cli(['watch', 'add', 'tarball', 'ftp://example.org/widget-{version}.tar.gz', '--source', repo, ...common()], root)
    expect([ftp.code, ftp.stderr]).toEqual([2, expect.stringContaining('over http(s) or in a directory')])
    const versionInDirectory = await cli(['watch', 'add', 'tarball', `${server.url}{version}/widget.tar.gz`, '--source', repo, ...common()], root)
    expect([versionInDirectory.code, versionInDirectory.stderr]).toEqual([2, expect.stringContaining('{version} must be in the file name')])
  })
})
