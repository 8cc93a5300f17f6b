import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/model/report.js'
import { END_OF_ARCHIVE, packTar } from '../archive/fixtures.js'
import { committedTree, git } from '../helpers/git-tree.js'
import { RAW_CONTROL, runCli, scratch } from './helpers.js'


describe('an input that yields nothing to check is incomplete, never a pass', () => {
  let work = ''
  let repo = ''
  beforeAll(() => {
    work = scratch('could-not-check').dir
    repo = join(work, 'repo')
    committedTree(repo, { README: 'hello\n', 'configure.ac': 'AC_INIT([p], [1.0])\n', 'src/main.c': 'int main(void) { return 0; }\n' }, 'three files')
    git(repo, 'tag', 'v1.0')
  })

  it('verify: a tar holding only its end-of-archive blocks, against a tag with three files', async () => {
    const artifact = join(work, 'p-1.0.tar')
    writeFileSync(artifact, END_OF_ARCHIVE)
    const r = await runCli(['verify', artifact, '--source', repo, '--ref', 'v1.0', '--format', 'json', '--no-system-catalog', '--cache-dir', join(work, 'cache')])
    expect(r.code).toBe(3)
    const report = JSON.parse(r.stdout) as Report
    expect(report.verdict).not.toBe('pass')
    expect(report.incomplete?.join('\n')).toMatch(/the artifact holds no files while the source holds 3: nothing was compared/)
    const text = await runCli(['verify', artifact, '--source', repo, '--ref', 'v1.0', '--no-system-catalog', '--cache-dir', join(work, 'cache')])
    expect(text.code).toBe(3)
    expect(text.stdout).not.toMatch(/^PASS/)
    expect(text.stdout).toMatch(/Incomplete analysis/)
  })

  it('scan: an npm package whose package.json is not JSON', async () => {
    const tarball = join(work, 'broken-1.0.0.tgz')
    writeFileSync(tarball, await packTar([{ name: 'package/package.json', body: '{ "name": "broken", "scripts": { "postinstall": "node x.js" ' }, { name: 'package/x.js', body: 'module.exports = 1\n' }]))
    const r = await runCli(['scan', tarball, '--format', 'json'])
    expect(r.code).toBe(3)
    const report = JSON.parse(r.stdout) as Report
    expect(report.verdict).toBe('review')
    expect(report.incomplete?.join('\n')).toMatch(/package\.json: invalid JSON.*install scripts were not checked/)
  })

  it('scan: a directory with no files at all', async () => {
    const empty = join(work, 'empty')
    mkdirSync(join(empty, 'only/dirs'), { recursive: true })
    const r = await runCli(['scan', empty])
    expect(r.code).toBe(3)
    expect(r.stdout).toMatch(/^REVIEW/)
    expect(r.stdout).toMatch(/the target holds no files: nothing was scanned/)
    expect(r.stdout).not.toMatch(RAW_CONTROL)
  })

  it('an invalid package.json in a test fixture is not a gap in the package', async () => {
    const dir = join(work, 'fixture-pkg')
    mkdirSync(join(dir, 'test/fixtures/bad'), { recursive: true })
    writeFileSync(join(dir, 'package.json'), '{"name":"ok","version":"1.0.0"}\n')
    writeFileSync(join(dir, 'test/fixtures/bad/package.json'), '{ not json')
    const r = await runCli(['scan', dir, '--format', 'json'])
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as Report).incomplete).toBeUndefined()
  })
})
