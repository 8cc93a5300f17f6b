import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commitFiles, gitIn, isolateGitConfig, makeRepo, releaseTarball, removeTempDirs } from '../git/fixtures.js'
import { stagelight } from '../helpers/cli.js'

interface Report {
  verdict: string
  findings: { ruleId: string; severity: string; path?: string; message: string; explanation?: string; data?: { inHistory?: { commit?: string; relation?: string; publishedAfterTag?: { commit: string }; releaseCommit?: { commit: string; behind: number } } } }[]
}

const V0 = 'int main(void) { return 0; }\n'
const V1 = 'int main(void) { return 1; }\n'
const V2 = 'int main(void) { return 2; }\n'

let repo: string
let before: string
let after: string
beforeAll(() => {
  isolateGitConfig()
  repo = makeRepo({ 'configure.ac': 'AC_INIT([demo], [1.0])\n', 'src/main.c': V0 })
  before = gitIn(repo, 'rev-parse', 'HEAD')
  commitFiles(repo, { 'src/main.c': V1 }, 'Return 1')
  gitIn(repo, 'tag', '-a', '-m', 'Release 1.0', 'v1.0')
  commitFiles(repo, { 'src/main.c': V2 }, 'Return 2')
  after = gitIn(repo, 'rev-parse', 'HEAD')
})
afterAll(removeTempDirs)

async function verifyRelease(files: Record<string, string>): Promise<Report> {
  const r = await stagelight(['verify', releaseTarball(repo, 'v1.0', files), '--source', repo, '--ref', 'v1.0', '--format', 'json', '--quiet'])
  return JSON.parse(r.stdout) as Report
}

async function findingOn(path: string, files: Record<string, string>) {
  const report = await verifyRelease(files)
  expect(report.verdict).toBe('fail')
  return report.findings.find((f) => f.path === path)
}

describe('a changed file traced in the history', () => {
  it('from a commit a branch published after the tag: the release was made from a later tree, low', async () => {
    const report = await verifyRelease({ 'src/main.c': V2 })
    const f = report.findings.find((x) => x.path === 'src/main.c')
    expect(f?.severity).toBe('low')
    expect(f?.data?.inHistory).toMatchObject({ commit: after, relation: 'after', publishedAfterTag: { commit: after } })
    expect(f?.message).toContain('after the tag on a branch')
    expect(report.verdict).toBe('pass')
  })
  it('the same later bytes on a ref anyone can create (a pull request) keep their severity', async () => {
    const pull = makeRepo({ 'src/main.c': V1 }, { tag: 'v1.0' })
    const tagged = gitIn(pull, 'rev-parse', 'HEAD')
    const proposed = commitFiles(pull, { 'src/main.c': V2 }, 'Return 2')
    gitIn(pull, 'update-ref', 'refs/pull/7/head', proposed)
    gitIn(pull, 'reset', '-q', '--hard', tagged)
    const r = await stagelight(['verify', releaseTarball(pull, 'v1.0', { 'src/main.c': V2 }), '--source', pull, '--ref', 'v1.0', '--format', 'json', '--quiet'])
    const report = JSON.parse(r.stdout) as Report
    const f = report.findings.find((x) => x.path === 'src/main.c')
    expect(f?.severity).toBe('high')
    expect(f?.data?.inHistory).toMatchObject({ commit: proposed, relation: 'after' })
    expect(f?.data?.inHistory?.publishedAfterTag).toBeUndefined()
    expect(report.verdict).toBe('fail')
  })
  it('what the rules find in bytes a branch published later still fails the release', async () => {
    const script = 'eval "$(echo ZWNobyBoaQ== | base64 -d)"\n'
    const later = makeRepo({ 'configure.ac': 'AC_INIT([demo], [1.0])\n', 'autogen.sh': 'autoreconf -fi\n' }, { tag: 'v1.0' })
    const published = commitFiles(later, { 'autogen.sh': `autoreconf -fi\n${script}` }, 'Bootstrap')
    const r = await stagelight(['verify', releaseTarball(later, 'v1.0', { 'autogen.sh': `autoreconf -fi\n${script}` }), '--source', later, '--ref', 'v1.0', '--format', 'json', '--quiet'])
    const report = JSON.parse(r.stdout) as Report
    const changed = report.findings.find((x) => x.path === 'autogen.sh' && x.ruleId === 'verify/source-modified')
    expect(changed?.severity).toBe('low')
    expect(changed?.data?.inHistory?.publishedAfterTag?.commit).toBe(published)
    expect(report.findings.some((x) => x.path === 'autogen.sh' && x.ruleId.startsWith('scan/') && (x.severity === 'high' || x.severity === 'critical'))).toBe(true)
    expect(report.verdict).toBe('fail')
  })
  it('the whole release is an older commit of the tag\'s history: made before the tag was placed, low, naming what it leaves out', async () => {
    const report = await verifyRelease({ 'src/main.c': V0 })
    const f = report.findings.find((x) => x.path === 'src/main.c')
    expect(f?.severity).toBe('low')
    expect(f?.data?.inHistory).toMatchObject({ commit: before, relation: 'before', releaseCommit: { commit: before, behind: 1 } })
    expect(f?.explanation).toContain('"Return 1"')
    expect(report.verdict).toBe('pass')
  })
  it('one file put back to an older version while the rest follows the tag (a fix undone) keeps its severity', async () => {
    const U0 = 'int util(void) { return 0; }\n'
    const U1 = 'int util(void) { return 1; }\n'
    const undone = makeRepo({ 'configure.ac': 'AC_INIT([demo], [1.0])\n', 'src/main.c': V0, 'src/util.c': U0 })
    const unfixed = gitIn(undone, 'rev-parse', 'HEAD')
    commitFiles(undone, { 'src/main.c': V1 }, 'Fix main')
    commitFiles(undone, { 'src/util.c': U1 }, 'Change util')
    gitIn(undone, 'tag', '-a', '-m', 'Release 1.0', 'v1.0')
    const r = await stagelight(['verify', releaseTarball(undone, 'v1.0', { 'src/main.c': V0 }), '--source', undone, '--ref', 'v1.0', '--format', 'json', '--quiet'])
    const report = JSON.parse(r.stdout) as Report
    const f = report.findings.find((x) => x.path === 'src/main.c')
    expect(f?.severity).toBe('high')
    expect(f?.data?.inHistory).toMatchObject({ commit: unfixed, relation: 'before' })
    expect(f?.data?.inHistory?.releaseCommit).toBeUndefined()
    expect(f?.message).toContain('the release ships an older version')
    expect(report.verdict).toBe('fail')
  })
  it('made just before a branch was merged into the tag: the commit on the line the tag was made on', async () => {
    const U0 = 'int util(void) { return 0; }\n'
    const U1 = 'int util(void) { return 1; }\n'
    const merged = makeRepo({ 'configure.ac': 'AC_INIT([demo], [1.0])\n', 'src/main.c': V0, 'src/util.c': U0 })
    gitIn(merged, 'checkout', '-q', '-b', 'contrib')
    commitFiles(merged, { 'src/util.c': U1 }, 'Contributed util')
    gitIn(merged, 'checkout', '-q', 'main')
    const bumped = commitFiles(merged, { 'src/main.c': V1 }, 'Bump')
    gitIn(merged, 'merge', '-q', '--no-ff', '-m', 'Merge contrib', 'contrib')
    gitIn(merged, 'tag', '-a', '-m', 'Release 1.0', 'v1.0')
    // the release holds the bumped main.c and the util.c from before the merge: the tree of `bumped`
    const r = await stagelight(['verify', releaseTarball(merged, 'v1.0', { 'src/util.c': U0 }), '--source', merged, '--ref', 'v1.0', '--format', 'json', '--quiet'])
    const report = JSON.parse(r.stdout) as Report
    const f = report.findings.find((x) => x.path === 'src/util.c')
    expect(f?.severity).toBe('low')
    expect(f?.data?.inHistory?.releaseCommit).toMatchObject({ commit: bumped, behind: 2 })
    expect(report.verdict).toBe('pass')
  })
  it('file names of the artifact are never read as pathspec magic', async () => {
    const report = await verifyRelease({ 'src/main.c': V2, ':(nomagic)x.sh': 'echo 1\n', ':(exclude)src/main.c': 'echo 2\n' })
    const f = report.findings.find((x) => x.path === 'src/main.c')
    expect(f?.data?.inHistory).toMatchObject({ commit: after, relation: 'after', publishedAfterTag: { commit: after } })
  })
  it('never committed: nothing to trace, the finding stands alone', async () => {
    const f = await findingOn('src/main.c', { 'src/main.c': 'int main(void) { return system("id"); }\n' })
    expect(f?.ruleId).toBe('verify/source-modified')
    expect(f?.data?.inHistory).toBeUndefined()
    expect(f?.message).not.toContain('the repository has these bytes')
  })
  it('a file the tag lacks, committed on a branch that left the history before the tag', async () => {
    gitIn(repo, 'checkout', '-q', '-b', 'side', before)
    commitFiles(repo, { 'src/extra.sh': 'echo side\n' }, 'Side script')
    gitIn(repo, 'checkout', '-q', 'main')
    const f = await findingOn('src/extra.sh', { 'src/extra.sh': 'echo side\n' })
    expect(f?.ruleId).toBe('verify/unexplained-file')
    expect(f?.severity).not.toBe('low')
    expect(f?.data?.inHistory?.relation).toBe('elsewhere')
    expect(f?.message).toContain('another line of history')
  })
})
