import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commitFiles, gitIn, isolateGitConfig, makeRepo, releaseTarball, removeTempDirs } from '../git/fixtures.js'
import { stagelight } from '../helpers/cli.js'

interface Report {
  verdict: string
  findings: { ruleId: string; severity: string; path?: string; message: string; data?: { inHistory?: { commit: string; relation: string } } }[]
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

async function findingOn(path: string, files: Record<string, string>) {
  const r = await stagelight(['verify', releaseTarball(repo, 'v1.0', files), '--source', repo, '--ref', 'v1.0', '--format', 'json', '--quiet'])
  const report = JSON.parse(r.stdout) as Report
  expect(report.verdict).toBe('fail')
  return report.findings.find((f) => f.path === path)
}

describe('a changed file traced in the history', () => {
  it('from a commit after the tag: the release was made from a later tree', async () => {
    const f = await findingOn('src/main.c', { 'src/main.c': V2 })
    expect(f?.severity).toBe('high')
    expect(f?.data?.inHistory).toMatchObject({ commit: after, relation: 'after' })
    expect(f?.message).toContain('after the tag')
  })
  it('from a commit before the tag: the release ships an older version', async () => {
    const f = await findingOn('src/main.c', { 'src/main.c': V0 })
    expect(f?.data?.inHistory).toMatchObject({ commit: before, relation: 'before' })
  })
  it('file names of the artifact are never read as pathspec magic', async () => {
    const f = await findingOn('src/main.c', { 'src/main.c': V2, ':(nomagic)x.sh': 'echo 1\n', ':(exclude)src/main.c': 'echo 2\n' })
    expect(f?.data?.inHistory).toMatchObject({ commit: after, relation: 'after' })
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
    expect(f?.data?.inHistory?.relation).toBe('elsewhere')
    expect(f?.message).toContain('another line of history')
  })
})
