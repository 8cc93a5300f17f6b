import { afterAll, describe, expect, it } from 'vitest'
import { history } from '../../src/history/history.js'
import { diffPaths } from '../../src/history/paths.js'
import type { Report } from '../../src/model/report.js'
import { gitIn, isolateGitConfig, removeTempDirs, tempDir, writeFiles } from '../git/fixtures.js'
import { HistoryBuilder } from './builder.js'
import { DAY, person, t } from './scenarios.js'

isolateGitConfig()
afterAll(() => removeTempDirs())

const run = (dir: string): Promise<Report> => history({ source: dir, cacheDir: tempDir(), offline: true })
const weakened = (r: Report): string[] => r.findings.filter((f) => f.ruleId === 'history/weakened-defence').map((f) => f.message)

describe('the diff pass reads the files git would select', () => {
  it('tells the same paths from the rest as git’s own :(glob) pathspecs', () => {
    const paths = [
      'configure.ac',
      'lib/configure.ac',
      'm4/ax_check.m4',
      'CMakeLists.txt',
      'src/sub/CMakeLists.txt',
      'cmake/Hardening.cmake',
      'Makefile.am',
      'Makefile.in',
      'src/Makefile.in',
      'rules.mk',
      'Makefile',
      '.github/workflows/ci.yml',
      '.github/dependabot.yml',
      'docs/.github/x.yml',
      '.gitlab-ci.yml',
      'sub/.gitlab-ci.yml',
      'SECURITY.md',
      'docs/SECURITY.rst',
      'package.json',
      'web/ext/manifest.json',
      'include/version.h',
      'include/zstd_version.h',
      'requirements-dev.txt',
      'README.md',
      'docs/README.md',
      'fuzz/decode.c',
      'tests/fuzzing/corpus/a.bin',
      'src/fuzzer.c',
      'src/main.c',
      'src/Fuzz.c',
      'setup.py',
      'Cargo.toml',
      'meson_options.txt',
    ]
    const dir = tempDir('sl-pathspec-')
    gitIn(dir, 'init', '--quiet')
    writeFiles(
      dir,
      Object.fromEntries(paths.map((p) => [p, 'x\n'])),
    )
    gitIn(dir, 'add', '-A')
    for (const automake of [false, true]) {
      const spec = diffPaths({ automake })
      const byGit = gitIn(dir, 'ls-files', '--', ...spec.pathspecs).split('\n').filter(Boolean).sort()
      expect(paths.filter(spec.matches).sort()).toEqual(byGit)
      expect(byGit.includes('src/Makefile.in')).toBe(!automake)
      expect(byGit).not.toContain('src/main.c')
    }
  })
})

describe('the diff pass sees every commit reachable from HEAD', () => {
  const founder = person('Ana Founder')
  const dev = person('Ben Dev')
  const hardened = 'AC_INIT([p], [1.0])\nCFLAGS="$CFLAGS -O2 -fstack-protector-strong"\n'
  const weak = 'AC_INIT([p], [1.0])\nCFLAGS="$CFLAGS -O2"\n'

  it('reads a defence removed on a side branch and merged, with the side commit named', async () => {
    const b = new HistoryBuilder()
    for (let i = 0; i < 6; i++) b.commit({ author: founder, date: t('2020-01-01') + i * 30 * DAY, files: { 'configure.ac': hardened, [`src/a${i}.c`]: `int a${i};\n` } })
    const side = b.commit({ author: dev, date: t('2020-08-01'), files: { 'configure.ac': weak }, branch: 'feature' })
    b.commit({ author: founder, date: t('2020-08-02'), files: { 'src/b.c': 'int b;\n' } })
    b.commit({ author: founder, date: t('2020-08-03'), merge: [side], message: 'Merge feature' })
    const dir = b.write()
    const id = HistoryBuilder.idOf(dir, side)
    const found = weakened(await run(dir))
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(/-fstack-protector-strong/)
    expect(found[0]).toContain(id.slice(0, 12))
  })

  it('leaves out a Makefile.in that automake generates, and reads one written by hand', async () => {
    const flags = 'CFLAGS = -O2 -fstack-protector-strong\n'
    const noFlags = 'CFLAGS = -O2\n'
    const build = (automake: boolean): HistoryBuilder => {
      const b = new HistoryBuilder()
      for (let i = 0; i < 6; i++) b.commit({ author: founder, date: t('2020-01-01') + i * 30 * DAY, files: { 'Makefile.in': flags, 'configure.ac': 'AC_INIT([p], [1.0])\n', ...(automake ? { 'Makefile.am': 'bin_PROGRAMS = p\n' } : {}), [`src/a${i}.c`]: `int a${i};\n` } })
      b.commit({ author: founder, date: t('2020-08-01'), files: { 'Makefile.in': noFlags } })
      return b
    }
    expect(weakened(await run(build(false).write()))).toEqual([expect.stringMatching(/-fstack-protector-strong/)])
    expect(weakened(await run(build(true).write()))).toEqual([])
  })
})
