/**
 * A repository's own configuration and attributes are attacker-controlled: nothing they name may
 * run while stagelight reads the repository. Each case arms a real repository with a command that
 * leaves a marker file, checks that plain git does run it (so the trap is real), and then runs
 * every command that reads repositories.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stagelight } from '../helpers/cli.js'
import { gitIn, isolateGitConfig, removeTempDirs, sh, tempDir, writeFiles } from './fixtures.js'

let markers: string
let releases: string

const HOOKS = ['pre-commit', 'post-checkout', 'post-merge', 'reference-transaction', 'pre-auto-gc', 'post-index-change', 'fsmonitor-watchman', 'pre-push', 'post-rewrite']

/** A shell command that leaves a marker named `name` and ignores the arguments git appends. */
const trap = (name: string): string => `touch ${join(markers, name)} #`

interface Armed {
  readonly name: string
  readonly repo: string
  readonly tarball: string
}

/** A small repository with a tag, its `git archive` tarball taken before it is armed, then armed. */
function armedRepo(name: string, attributes: string, arm: (repo: string) => void): Armed {
  const repo = join(tempDir('stagelight-hostile-repo-'), `${name}-1.0`)
  mkdirSync(repo)
  sh('git', ['init', '-q', repo])
  writeFiles(repo, {
    // export-subst makes verify ask git archive for the file's bytes, where smudge filters run
    '.gitattributes': `${attributes}README export-subst\n`,
    'src/main.c': 'int main(void) { return 0; }\n',
    'configure.ac': 'AC_INIT([demo], [1.0])\nAC_OUTPUT\n',
    'README': 'demo $Format:%H$\n',
  })
  gitIn(repo, 'add', '-A')
  gitIn(repo, 'commit', '-q', '-m', 'Initial import')
  writeFiles(repo, { 'src/util.c': 'int util(void) { return 1; }\n' })
  gitIn(repo, 'add', '-A')
  gitIn(repo, 'commit', '-q', '-m', 'Add util')
  gitIn(repo, 'tag', 'v1.0')
  const tarball = join(releases, `${name}-1.0.tar.gz`)
  sh('git', ['-C', repo, 'archive', '--format=tar.gz', `--prefix=${name}-1.0/`, '-o', tarball, 'v1.0'])
  arm(repo)
  return { name, repo, tarball }
}

const configure = (repo: string, key: string, value: string): void => void sh('git', ['-C', repo, 'config', key, value])

function armHooks(repo: string): void {
  for (const hook of HOOKS) {
    const file = join(repo, '.git', 'hooks', hook)
    writeFileSync(file, `#!/bin/sh\n${trap(`hook-${hook}`)}\n`)
    chmodSync(file, 0o755)
  }
}

let cases: Armed[]

beforeAll(() => {
  isolateGitConfig()
  markers = tempDir('stagelight-markers-')
  releases = tempDir('stagelight-releases-')
  cases = [
    // git splits `-c` at the first '=': a driver named a=b survives `-c filter.a=b.smudge=`
    armedRepo('filter-name-with-equals', '* filter=a=b\n', (repo) => configure(repo, 'filter.a=b.smudge', `${trap('smudge-equals')}`)),
    armedRepo('filter-process', '* filter=lfsish\n', (repo) => {
      configure(repo, 'filter.lfsish.smudge', trap('smudge-plain'))
      configure(repo, 'filter.lfsish.process', trap('process-plain'))
      configure(repo, 'filter.lfsish.required', 'true')
    }),
    armedRepo('through-include', '* filter=inc\n*.c diff=conv\n', (repo) => {
      const included = join(repo, '.git', 'extra.cfg')
      writeFileSync(included, `[filter "inc"]\n\tsmudge = ${trap('smudge-include')}\n[diff "conv"]\n\ttextconv = ${trap('textconv-include')}\n[core]\n\tfsmonitor = ${trap('fsmonitor-include')}\n`)
      configure(repo, 'include.path', included)
    }),
    armedRepo('through-includeif', '* filter=cond\n', (repo) => {
      const included = join(repo, '.git', 'conditional.cfg')
      writeFileSync(included, `[filter "cond"]\n\tsmudge = ${trap('smudge-includeif')}\n[core]\n\tpager = ${trap('pager-includeif')}\n`)
      configure(repo, 'includeIf.gitdir:**/.git.path', included)
      configure(repo, `includeIf.gitdir:${join(repo, '.git')}.path`, included)
    }),
    armedRepo('kitchen-sink', '*.c diff=conv\n* filter=sink\n', (repo) => {
      configure(repo, 'filter.sink.clean', trap('clean'))
      configure(repo, 'filter.sink.smudge', trap('smudge-sink'))
      configure(repo, 'diff.conv.textconv', trap('textconv'))
      configure(repo, 'diff.conv.command', trap('diff-command'))
      configure(repo, 'diff.external', trap('diff-external'))
      configure(repo, 'core.fsmonitor', trap('fsmonitor'))
      configure(repo, 'core.pager', trap('core-pager'))
      configure(repo, 'pager.log', trap('pager-log'))
      configure(repo, 'core.sshCommand', trap('ssh-command'))
      configure(repo, 'core.askPass', trap('askpass'))
      configure(repo, 'credential.helper', `!${trap('credential')}`)
      configure(repo, 'core.alternateRefsCommand', trap('alternate-refs'))
      configure(repo, 'gpg.program', join(markers, 'no-such-gpg'))
      configure(repo, 'gpg.ssh.program', join(markers, 'no-such-ssh-keygen'))
      configure(repo, 'gpg.ssh.defaultKeyCommand', trap('default-key'))
      configure(repo, 'log.showSignature', 'true')
      configure(repo, 'trailer.x.command', trap('trailer'))
      configure(repo, 'uploadpack.packObjectsHook', trap('pack-objects'))
      armHooks(repo)
      configure(repo, 'core.hooksPath', join(repo, '.git', 'hooks'))
    }),
  ]
})

afterAll(removeTempDirs)

const markersLeft = (): string[] => readdirSync(markers)

describe('the traps are real', () => {
  it('plain git archive runs the smudge filter of a driver whose name contains "="', () => {
    const c = cases[0]!
    sh('git', ['-C', c.repo, '-c', 'filter.a=b.smudge=', 'archive', '--format=tar', '-o', join(releases, 'plain.tar'), 'v1.0'])
    expect(existsSync(join(markers, 'smudge-equals'))).toBe(true)
  })
  it('plain git runs filters and textconv named through include.path', () => {
    const c = cases[2]!
    sh('git', ['-C', c.repo, 'archive', '--format=tar', '-o', join(releases, 'plain2.tar'), 'v1.0'])
    sh('git', ['-C', c.repo, 'log', '-p', '-1', '--textconv'])
    expect(existsSync(join(markers, 'smudge-include'))).toBe(true)
    expect(existsSync(join(markers, 'textconv-include'))).toBe(true)
  })
})

describe('nothing a repository configures runs', () => {
  beforeAll(() => {
    for (const name of markersLeft()) sh('rm', ['-f', join(markers, name)])
  })

  it.each([0, 1, 2, 3, 4])('verify --source, scan repo@ref, scan <work tree> and history on case %i', async (index) => {
    const c = cases[index]!
    const runs = [
      await stagelight(['verify', c.tarball, '--source', c.repo, '--ref', 'v1.0', '--format', 'json', '--offline']),
      await stagelight(['scan', `${c.repo}@v1.0`, '--format', 'json']),
      await stagelight(['scan', c.repo, '--format', 'json']),
      await stagelight(['history', c.repo, '--format', 'json']),
    ]
    for (const r of runs) {
      expect(r.stderr).not.toMatch(/internal error/i)
      expect([0, 1]).toContain(r.code)
      expect(JSON.parse(r.stdout)).toHaveProperty('tool', 'stagelight')
    }
    expect(markersLeft()).toEqual([])
  })

  it('verify still applies what git archive itself does (export-ignore) with the overrides in place', async () => {
    const repo = join(tempDir('stagelight-hostile-repo-'), 'ignored-1.0')
    mkdirSync(repo)
    sh('git', ['init', '-q', repo])
    writeFiles(repo, { '.gitattributes': 'secret.txt export-ignore\n* filter=x=y\n', 'secret.txt': 'kept out\n', 'a.c': 'int a;\n' })
    gitIn(repo, 'add', '-A')
    gitIn(repo, 'commit', '-q', '-m', 'one')
    gitIn(repo, 'tag', 'v1.0')
    const tarball = join(releases, 'ignored-1.0.tar.gz')
    sh('git', ['-C', repo, 'archive', '--format=tar.gz', '--prefix=ignored-1.0/', '-o', tarball, 'v1.0'])
    configure(repo, 'filter.x=y.smudge', trap('smudge-export'))
    const r = await stagelight(['verify', tarball, '--source', repo, '--ref', 'v1.0', '--format', 'json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as { verdict: string; findings: { path?: string }[] }
    expect(report.verdict).toBe('pass')
    expect(report.findings.filter((f) => f.path === 'secret.txt')).toEqual([])
    expect(markersLeft()).toEqual([])
  })
})
