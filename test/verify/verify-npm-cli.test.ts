/**
 * `stagelight verify npm:name@version` as a user runs it: the package fetched from a real local
 * registry (filled by the real `npm publish`), compared with the repository its manifest names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gitUrlOf } from '../../src/sources/npm/index.js'
import { stagelight } from '../helpers/cli.js'
import { startRegistry, type LocalRegistry } from '../helpers/registry.js'
import { commitFiles, gitIn, isolateGitConfig, removeTempDirs, sh, tempDir } from '../git/fixtures.js'

let registry: LocalRegistry
let repo: string
const INDEX = "'use strict'\nmodule.exports = function frob(x) {\n  return x === 1\n}\n"
const manifest = (version: string, extra: Record<string, unknown> = {}) => ({ name: 'frob-cli', version, main: 'index.js', license: 'MIT', repository: { type: 'git', url: `git+file://${repo}` }, ...extra })
const files = (m: Record<string, unknown>) => ({ 'package.json': `${JSON.stringify(m, null, 2)}\n`, 'index.js': INDEX })

beforeAll(async () => {
  isolateGitConfig()
  registry = await startRegistry()
  repo = tempDir('stagelight-npm-repo-')
  sh('git', ['init', '--quiet', '--initial-branch=main', repo])
  commitFiles(repo, files(manifest('1.0.0')), 'Release 1.0.0')
  gitIn(repo, 'tag', 'v1.0.0')
  commitFiles(repo, files(manifest('1.0.1')), 'Release 1.0.1')
  gitIn(repo, 'tag', 'v1.0.1')
  await registry.publish('maintainer', manifest('1.0.0'), { 'index.js': INDEX })
  // published with an install script that the tag does not have
  await registry.publish('maintainer', manifest('1.0.1', { scripts: { postinstall: 'node index.js' } }), { 'index.js': INDEX })
}, 120_000)
afterAll(async () => {
  await registry?.stop()
  removeTempDirs()
})

const env = () => ({ XDG_CACHE_HOME: tempDir('stagelight-npm-cache-') })

describe('verify npm:name@version', () => {
  it('fetches the package and compares it with the tag of its version in the repository its manifest names', async () => {
    const r = await stagelight(['verify', 'npm:frob-cli@1.0.0', '--registry', registry.url], { env: env() })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^PASS/)
    expect(r.stdout).toContain('artifact: npm:frob-cli@1.0.0')
    expect(r.stdout).toMatch(/at v1\.0\.0/)
  })

  it('fails on an install script the published package has and the tag does not', async () => {
    const r = await stagelight(['verify', 'npm:frob-cli@1.0.1', '--registry', registry.url, '--source', repo, '--format', 'json'], { env: env() })
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as { findings: { path: string; severity: string; ruleId: string }[] }
    expect(report.findings[0]).toMatchObject({ path: 'package.json', severity: 'critical', ruleId: 'verify/manifest-changed' })
  })

  it('says in one line what is wrong with a version that does not exist, or a missing source', async () => {
    const missing = await stagelight(['verify', 'npm:frob-cli@9.9.9', '--registry', registry.url], { env: env() })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/frob-cli@9\.9\.9: no such version \(latest: 1\.0\.1, 1\.0\.0\)/)
    const noSource = await stagelight(['verify', 'release.tgz'], { env: env() })
    expect(noSource.code).toBe(2)
    expect(noSource.stderr).toMatch(/verify needs --source/)
  })
})

describe('the repository a manifest names, as git clones it', () => {
  it('reads shorthands, git+ URLs and git:// URLs, and nothing else', () => {
    expect(gitUrlOf('sindresorhus/ky')).toBe('https://github.com/sindresorhus/ky.git')
    expect(gitUrlOf('gitlab:group/proj')).toBe('https://gitlab.com/group/proj.git')
    expect(gitUrlOf('git+https://github.com/a/b.git')).toBe('https://github.com/a/b.git')
    expect(gitUrlOf('git://github.com/a/b.git')).toBe('https://github.com/a/b.git')
    expect(gitUrlOf('git@github.com:a/b.git')).toBe('git@github.com:a/b.git')
    expect(gitUrlOf('not a repository')).toBeUndefined()
    expect(gitUrlOf('javascript:alert(1)')).toBeUndefined()
  })
})
