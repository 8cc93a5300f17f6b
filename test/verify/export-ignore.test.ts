import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRepository, readSourceTree } from '../../src/sources/git/index.js'
import { gitIn, isolateGitConfig, makeRepo, releaseTarball, removeTempDirs, tempDir } from '../git/fixtures.js'
import { stagelight } from '../helpers/cli.js'

/**
 * A project that export-ignores its whole tree, so that forge-made archives are refused, and
 * releases with `make dist` from a checkout: its tarballs hold the export-ignored files.
 */
const FILES = {
  '.gitattributes': '/* export-ignore\n/README-archives.txt -export-ignore\n',
  'README-archives.txt': 'archives made by the forge are not supported\n',
  'configure.ac': 'AC_INIT([demo], [1.0])\nAC_OUTPUT\n',
  'src/main.c': 'int main(void) { return 0; }\n',
}

interface Report {
  verdict: string
  findings: { ruleId: string; severity: string; path?: string }[]
}

let repo: string
beforeAll(() => {
  isolateGitConfig()
  repo = makeRepo(FILES, { tag: 'v1.0' })
})
afterAll(removeTempDirs)

describe('export-ignored files', () => {
  it('are kept apart from what git archive ships, with the bytes the tag holds', async () => {
    const tree = await readSourceTree(await openRepository(repo, { cacheDir: tempDir(), offline: true }), 'v1.0')
    expect([...tree.entries.keys()]).toEqual(['README-archives.txt'])
    expect(tree.exportIgnored.get('src/main.c')?.gitBlob).toBe(gitIn(repo, 'rev-parse', 'v1.0:src/main.c'))
  })

  it('in a release made from a checkout, match the tag: the release passes', async () => {
    const r = await stagelight(['verify', releaseTarball(repo, 'v1.0', {}), '--source', repo, '--ref', 'v1.0', '--format', 'json', '--quiet'])
    const report = JSON.parse(r.stdout) as Report
    expect(report.verdict).toBe('pass')
    expect(report.findings.filter((f) => ['medium', 'high', 'critical'].includes(f.severity))).toEqual([])
    expect(r.code).toBe(0)
  })

  it('changed in the release, are reported as changed sources, not as files the tag lacks', async () => {
    const r = await stagelight(['verify', releaseTarball(repo, 'v1.0', { 'src/main.c': 'int main(void) { return system("id"); }\n' }), '--source', repo, '--ref', 'v1.0', '--format', 'json', '--quiet'])
    const report = JSON.parse(r.stdout) as Report
    expect(report.verdict).toBe('fail')
    expect(report.findings.filter((f) => f.path === 'src/main.c').map((f) => [f.ruleId, f.severity])).toEqual([['verify/source-modified', 'high']])
    expect(report.findings.filter((f) => f.ruleId === 'verify/unexplained-file')).toEqual([])
  })
})
