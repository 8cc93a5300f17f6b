import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ProgressEvent } from '../../src/model/progress.js'
import { verify } from '../../src/verify/verify.js'

const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args], { cwd, encoding: 'utf8' }).trim()

describe('verify with a submodule', () => {
  it('names the submodule and its commit for the files under it instead of reporting each as unexplained code', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-submodule-'))
    const repo = join(root, 'repo')
    mkdirSync(repo)
    git(repo, 'init', '-q')
    writeFileSync(join(repo, 'main.c'), 'int main(void) { return 0; }\n')
    git(repo, 'add', 'main.c')
    // a gitlink, as `git submodule add` records it: the tag pins a commit of another repository
    git(repo, 'update-index', '--add', '--cacheinfo', '160000,1234567890abcdef1234567890abcdef12345678,t/libtap')
    git(repo, 'commit', '-q', '-m', 'init')
    git(repo, 'tag', 'v1.0')
    const release = join(root, 'foo-1.0')
    mkdirSync(join(release, 't/libtap'), { recursive: true })
    writeFileSync(join(release, 'main.c'), 'int main(void) { return 0; }\n')
    writeFileSync(join(release, 't/libtap/tap.c'), 'int ok(int x) { return x; }\n')
    const tarball = join(root, 'foo-1.0.tar.gz')
    execFileSync('tar', ['-czf', tarball, '-C', root, 'foo-1.0'])
    const events: ProgressEvent[] = []
    const report = await verify({ artifact: tarball, source: repo, ref: 'v1.0', cacheDir: join(root, 'cache'), systemCatalog: false, onProgress: (e) => events.push(e) })
    // the differences are counted towards their total as they are explained
    // (the file under the submodule, and the gitlink that only the source has)
    const differences = ['explained', 'unexplained', 'onlyInSource'].reduce((sum, key) => sum + Number(report.summary[key]), 0)
    expect(differences).toBe(2)
    const counts = events.filter((e) => typeof e !== 'string').map((e) => [e.done, e.total])
    expect(counts).toEqual([[0, 2], [1, 2], [2, 2]])
    expect(events.filter((e) => typeof e === 'string')).toContain('explaining 2 difference(s)')
    expect(report.findings.filter((f) => f.path === 't/libtap/tap.c')).toEqual([])
    expect(report.explained.find((e) => e.path === 't/libtap/tap.c')?.how).toMatch(/submodule t\/libtap at 1234567890ab/)
    expect(report.facts.find((f) => f.label === 'submodules')?.value).toMatch(/t\/libtap at 1234567890ab .*not compared/)
  })
})
