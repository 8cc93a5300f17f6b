/**
 * Debian source packages polled from a Sources index on a local archive (a web server on loopback
 * with dists/ and pool/), against a local upstream repository: the first poll records the versions
 * listed, each later version's .orig tarball is scanned and verified against its upstream tag, and
 * a tarball that is not the file the index lists is a critical event.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { upstreamVersion } from '../../src/watch/analyses/verify.js'
import { parseSources, upstreamTarball } from '../../src/watch/poll/debian.js'
import { WatchStore } from '../../src/watch/store/store.js'
import { cli } from './helpers/cli.js'
import { startFileServer, type FileServer } from './helpers/file-server.js'

let root: string
let repo: string
let archive: string
let server: FileServer
let db: string
const pool = () => join(archive, 'pool', 'main', 'w', 'widget')
const common = () => ['--db', db, '--cache-dir', join(root, 'cache')]
/** the stanzas of the index, as the archive publishes them */
const stanzas: string[] = []

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

/** The upstream tarball of a tag as the Debian maintainer imported it, optionally with files the tag does not have. */
function origTarball(upstream: string, extra: Record<string, string> = {}): string {
  const stage = join(root, 'stage', `${upstream}-${Object.keys(extra).length}`)
  mkdirSync(stage, { recursive: true })
  execFileSync('sh', ['-c', `git -C "${repo}" archive --prefix=widget-${upstream}/ v${upstream} | tar -x -C "${stage}"`])
  for (const [path, content] of Object.entries(extra)) {
    mkdirSync(join(stage, `widget-${upstream}`, path, '..'), { recursive: true })
    writeFileSync(join(stage, `widget-${upstream}`, path), content)
  }
  const file = join(root, 'stage', `widget_${upstream}-${Object.keys(extra).length}.orig.tar.gz`)
  execFileSync('tar', ['-czf', file, '-C', stage, `widget-${upstream}`])
  return file
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** Uploads a version: its files into the pool and its stanza into the index (the orig tarball listed is `listed`, default the one served). */
function upload(version: string, orig: string, listed = orig, pkg = 'widget'): void {
  const upstream = version.replace(/-[^-]+$/, '')
  const origName = `${pkg}_${upstream}.orig.tar.gz`
  const debianName = `${pkg}_${version}.debian.tar.xz`
  mkdirSync(pool(), { recursive: true })
  writeFileSync(join(pool(), origName), readFileSync(orig))
  execFileSync('sh', ['-c', `mkdir -p "${root}/deb/debian" && echo 12 > "${root}/deb/debian/compat" && tar -cJf "${join(pool(), debianName)}" -C "${root}/deb" debian`])
  const line = (file: string, path = join(pool(), file)) => ` ${sha256(path)} ${readFileSync(path).length} ${file}`
  stanzas.push(
    [
      `Package: ${pkg}`,
      `Binary: ${pkg}, lib${pkg}1`,
      `Version: ${version}`,
      'Maintainer: Alice <alice@example.org>',
      'Format: 3.0 (quilt)',
      'Directory: pool/main/w/widget',
      'Checksums-Sha256:',
      ` ${sha256(listed)} ${readFileSync(listed).length} ${origName}`,
      line(debianName),
      'Package-List:',
      ' widget deb utils optional arch=any',
    ].join('\n'),
  )
  publishIndex()
}

function publishIndex(): void {
  const dir = join(archive, 'dists', 'stable', 'main', 'source')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'Sources'), `${stanzas.join('\n\n')}\n`)
  execFileSync('xz', ['-kf', join(dir, 'Sources')])
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-watch-debian-'))
  repo = join(root, 'widget')
  archive = join(root, 'archive', 'debian')
  db = join(root, 'watch.sqlite')
  mkdirSync(repo)
  git('init', '-q', '-b', 'main')
  writeFileSync(join(repo, 'widget.c'), 'int widget(void) { return 0; }\n')
  writeFileSync(join(repo, 'configure.ac'), 'AC_INIT([widget], [1.0.0])\nAC_OUTPUT\n')
  git('add', '.')
  git('commit', '-qm', 'first')
  tag('1.0.0')
  // another source package in the same index, which nobody watches
  stanzas.push('Package: gadget\nVersion: 2.0-1\nDirectory: pool/main/g/gadget\nChecksums-Sha256:\n ' + 'a'.repeat(64) + ' 10 gadget_2.0.orig.tar.gz')
  upload('1.0.0-1', origTarball('1.0.0'))
  server = await startFileServer(join(root, 'archive'))
})

afterAll(async () => {
  await server?.close()
  rmSync(root, { recursive: true, force: true })
})

describe('the Sources index', () => {
  it('reads each version with its upstream tarball, and skips a stanza whose directory leaves the pool', () => {
    const parsed = parseSources(
      [
        'Package: zlib\nVersion: 1:1.3.dfsg-3\nDirectory: pool/main/z/zlib\nChecksums-Sha256:\n ' + '1'.repeat(64) + ' 100 zlib_1.3.dfsg.orig.tar.gz\n ' + '2'.repeat(64) + ' 9 zlib_1.3.dfsg.orig.tar.gz.asc\n ' + '3'.repeat(64) + ' 50 zlib_1.3.dfsg-3.debian.tar.xz',
        'Package: base-files\nVersion: 13.8\nDirectory: pool/main/b/base-files\nChecksums-Sha256:\n ' + '4'.repeat(64) + ' 70 base-files_13.8.tar.xz',
        'Package: evil\nVersion: 1-1\nDirectory: pool/../../etc\nChecksums-Sha256:\n ' + '5'.repeat(64) + ' 1 evil_1.orig.tar.gz',
      ].join('\n\n'),
    )
    expect([...parsed.keys()]).toEqual(['zlib', 'base-files'])
    expect(upstreamTarball(parsed.get('zlib')![0]!)).toBe('zlib_1.3.dfsg.orig.tar.gz')
    expect(parsed.get('zlib')![0]!.files.get('zlib_1.3.dfsg.orig.tar.gz')).toBe('1'.repeat(64))
    expect(upstreamTarball(parsed.get('base-files')![0]!)).toBe('base-files_13.8.tar.xz') // a native package
  })

  it('reads only the packages asked for the same as a full read does', () => {
    const text = readFileSync(join(archive, 'dists', 'stable', 'main', 'source', 'Sources'), 'utf8')
    const full = parseSources(text)
    expect([...full.keys()].sort()).toEqual(['gadget', 'widget'])
    expect(parseSources(text, new Set(['widget', 'absent']))).toEqual(new Map([['widget', full.get('widget')]]))
    expect(parseSources(text, new Set(['gadget']))).toEqual(new Map([['gadget', full.get('gadget')]]))
  })
})

describe('Debian versions', () => {
  it('give the upstream version their tarball was made from', () => {
    expect(upstreamVersion('1:1.2.13.dfsg-1')).toBe('1.2.13')
    expect(upstreamVersion('2.0+ds1-3')).toBe('2.0')
    expect(upstreamVersion('3.1~repack-2+deb12u1')).toBe('3.1')
    expect(upstreamVersion('5.6.1+really5.4.5-1')).toBe('5.4.5')
    expect(upstreamVersion('13.8')).toBe('13.8') // a native package: no revision
    expect(upstreamVersion('1.0.0-rc1-2')).toBe('1.0.0-rc1')
  })
})

describe('watch a Debian source package', () => {
  it('scans and verifies each new version, and finds the upload whose upstream tarball has a build file the tag does not have', async () => {
    const index = `${server.url}debian/dists/stable/main/source/Sources.xz`
    const add = await cli(['watch', 'add', 'debian', 'widget', '--index', index, '--source', repo, ...common()], root)
    expect(add.code, add.stderr).toBe(0)
    const baseline = await cli(['watch', 'run', '--once', ...common()], root)
    expect(baseline.code, baseline.stderr).toBe(0)
    expect(baseline.stderr).toContain('1 polled (1 first polls: baseline recorded), 0 new releases, 0 jobs queued')

    upload('1.0.0-2', origTarball('1.0.0')) // a Debian revision: the same upstream tarball
    tag('1.1.0')
    upload('1.1.0-1', origTarball('1.1.0', { 'm4/host-detect.m4': 'AC_DEFUN([HOST_DETECT], [\n  eval "$(sed -n 5p tests/data.bin | tr a-z n-za-m)"\n])\n' }))
    const run = await cli(['watch', 'run', '--once', ...common()], root)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('2 new releases, 4 jobs queued; 4 done, 0 to retry, 0 dead')

    const key = `debian:widget:${index}`
    const store = await WatchStore.open(db)
    expect((await store.report(`${key}|1.0.0-2|verify`))?.verdict).toBe('pass')
    expect((await store.report(`${key}|1.1.0-1|verify`))?.verdict).toBe('fail')
    const events = await store.events({ target: key })
    expect(events.some((e) => e.version === '1.1.0-1' && e.analysis === 'verify' && e.message.startsWith('m4/host-detect.m4') && (e.severity === 'high' || e.severity === 'critical'))).toBe(true)
    expect(events.filter((e) => e.version === '1.0.0-2' && (e.severity === 'high' || e.severity === 'critical'))).toEqual([])
    await store.close()
  })

  it('reports a served tarball that is not the file the index lists, once, and keeps retrying its jobs', async () => {
    const index = `${server.url}debian/dists/stable/main/source/Sources.xz`
    tag('1.2.0')
    const released = origTarball('1.2.0')
    const swapped = origTarball('1.2.0', { 'build-aux/extra.sh': 'echo swapped on the mirror\n' })
    upload('1.2.0-1', swapped, released)
    // a host that installed the library built from it, and one that did not
    writeFileSync(join(root, 'status-a'), 'Package: libwidget1\nStatus: install ok installed\nSource: widget\nVersion: 1.2.0-1\nArchitecture: amd64\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2\n')
    writeFileSync(join(root, 'status-b'), 'Package: libwidget1\nStatus: install ok installed\nSource: widget\nVersion: 1.0.0-2\nArchitecture: amd64\n')
    expect((await cli(['watch', 'report-inventory', join(root, 'status-a'), '--name', 'host-a', ...common()], root)).code).toBe(0)
    expect((await cli(['watch', 'report-inventory', join(root, 'status-b'), '--name', 'host-b', ...common()], root)).code).toBe(0)
    const run = await cli(['watch', 'run', '--once', '--notify', 'critical', '--markdown', join(root, 'critical.md'), ...common()], root)
    expect(run.stderr).toContain('1 new releases, 2 jobs queued; 0 done, 2 to retry, 0 dead')
    const key = `debian:widget:${index}`
    const store = await WatchStore.open(db)
    const mismatch = (await store.events({ target: key })).filter((e) => e.ruleId === 'watch/tarball-checksum-mismatch')
    expect(mismatch).toHaveLength(1)
    expect(mismatch[0]).toMatchObject({ severity: 'critical', version: '1.2.0-1' })
    expect(mismatch[0]?.evidence).toContain(`but the index lists ${sha256(released)}`)
    expect((await store.job(`${key}|1.2.0-1|verify`))?.lastError).toContain('the served file is not the released one')
    // who installed what was built from it
    const summary = readFileSync(join(root, 'critical.md'), 'utf8')
    expect(summary).toContain('| critical | `' + key + '@1.2.0-1` | checksum |')
    expect(summary).toContain('### Who holds deb:libwidget1@1.2.0-1')
    expect(summary).toContain('**host-a**: libwidget1@1.2.0-1')
    expect(summary).not.toContain('host-b')
    await store.close()
  })

  it('verifies a repacked upstream tarball against the tag of its upstream version', async () => {
    tag('1.3.0')
    upload('1.3.0+dfsg-1', origTarball('1.3.0'))
    const run = await cli(['watch', 'run', '--once', ...common()], root)
    expect(run.stderr).toContain('1 new releases, 2 jobs queued; 2 done')
    const store = await WatchStore.open(db)
    const report = await store.report(`debian:widget:${server.url}debian/dists/stable/main/source/Sources.xz|1.3.0+dfsg-1|verify`)
    expect(report?.verdict).toBe('pass')
    expect(JSON.stringify(report)).toContain('v1.3.0')
    await store.close()
  })

  it('finds the upstream tag of a package whose name holds a version of its own', async () => {
    const index = `${server.url}debian/dists/stable/main/source/Sources.xz`
    expect((await cli(['watch', 'add', 'debian', 'libwidget1.6', '--index', index, '--source', repo, ...common()], root)).code).toBe(0)
    await cli(['watch', 'run', '--once', ...common()], root) // its baseline: no version yet
    tag('1.6.2')
    upload('1.6.2-1', origTarball('1.6.2'), undefined, 'libwidget1.6')
    const run = await cli(['watch', 'run', '--once', ...common()], root)
    expect(run.stderr).toContain('1 new releases, 2 jobs queued; 2 done')
    const store = await WatchStore.open(db)
    const report = await store.report(`debian:libwidget1.6:${index}|1.6.2-1|verify`)
    expect(report?.verdict).toBe('pass')
    expect(JSON.stringify(report)).toContain('v1.6.2')
    await store.close()
  })

  it('refuses a name or an index it cannot use', async () => {
    const badName = await cli(['watch', 'add', 'debian', 'Widget_1', '--index', `${server.url}debian/dists/stable/main/source/Sources.xz`, ...common()], root)
    expect([badName.code, badName.stderr]).toEqual([2, expect.stringContaining('not a Debian source package name')])
    const badIndex = await cli(['watch', 'add', 'debian', 'widget', '--index', `${server.url}debian/Packages.xz`, ...common()], root)
    expect([badIndex.code, badIndex.stderr]).toEqual([2, expect.stringContaining('is not a Sources index')])
  })
})
