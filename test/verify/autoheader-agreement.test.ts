import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configHeaderFinding, headerWords, linesNotFromInputs, Vocabulary } from '../../src/verify/explain/autoheader-agreement.js'
import { generatedExplainer } from '../../src/verify/explain/generated.js'
import { bundledDataPath } from '../../src/util/bundled-data.js'
import type { Difference } from '../../src/verify/compare.js'
import { writeFiles } from '../git/fixtures.js'
import { autotool } from '../helpers/automake-project.js'
import { addedFile, fileEntry, memoryView } from '../helpers/tree-view.js'

// what autoheader copies in several shapes: autoconf's own verbatim texts, an AH_BOTTOM of the
// project, and a macro of its own that builds the names it defines from its arguments and flags
const PROJECT: Record<string, string> = {
  'configure.ac': `AC_INIT([demo], [1.0])
AC_CONFIG_MACRO_DIRS([m4])
AC_CONFIG_HEADERS([config.h])
AC_PROG_CC
AC_USE_SYSTEM_EXTENSIONS
AC_SYS_LARGEFILE
AC_C_BIGENDIAN
AC_C_INLINE
AC_C_RESTRICT
AC_CHECK_FUNCS([memfd_create])
DEMO_FUNC_ATTRIBUTE([noreturn])
DEMO_FUNC_ATTRIBUTE([malloc])
DEMO_FLAG_DEFINE([-D_XOPEN_SOURCE_EXTENDED])
AH_BOTTOM([#include "demo-bottom.h"])
AC_OUTPUT
`,
  'm4/attribute.m4': `AC_DEFUN([DEMO_FUNC_ATTRIBUTE], [
  AH_VERBATIM([$1_func], [#ifdef HAVE_FUNC_ATTRIBUTE_$1
# define $1_func __attribute__(($1))
#else
# define $1_func
#endif])
])
AC_DEFUN([DEMO_CACHE_VARIABLE], [demo_cv_[$1]_[$2]])
AC_DEFUN([DEMO_FLAG_DEFINE], [AH_VERBATIM(m4_substr([$1], 2), [#define ]m4_substr([$1], 2)[ 1])])
`,
}

let dir: string
let header: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stagelight-autoheader-'))
  writeFiles(dir, PROJECT)
  await autotool('aclocal', ['-I', 'm4'], dir)
  await autotool('autoheader', [], dir)
  header = readFileSync(join(dir, 'config.h.in'), 'utf8')
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** the tag holds configure.ac and the macro; the release adds aclocal.m4 and the header */
const view = (configHeader: string, extra: Record<string, string> = {}) =>
  memoryView({ 'config.h.in': configHeader, 'aclocal.m4': readFileSync(join(dir, 'aclocal.m4'), 'utf8'), ...extra }, PROJECT)
const finding = (configHeader: string) => configHeaderFinding('config.h.in', configHeader, 'configure.ac', () => ['m4/attribute.m4'], view(configHeader))

describe('a config.h.in agrees with the inputs autoheader wrote it from', () => {
  it('finds every line of what the installed autoheader wrote in its inputs', async () => {
    // the macros did what they were written for: names built from arguments and from -D flags
    expect(header).toMatch(/^# define noreturn_func __attribute__\(\(noreturn\)\)$/m)
    expect(header).toMatch(/^#define _XOPEN_SOURCE_EXTENDED 1$/m)
    expect(header).toMatch(/^#include "demo-bottom.h"$/m)
    expect(await finding(header)).toBeUndefined()
  })

  it('reports a line of code added after autoheader ran, at its line', async () => {
    const added = [
      '#include "tests/files/bad-3-corrupt_lzma2.h"',
      'static int demo_hook(void) { return system("sh -c id"); }',
      '#define lzma_crc64 lzma_crc64_backdoor',
      '#pragma GCC visibility push(hidden_payload)',
      // two words the inputs hold, joined by a `_` they hold alone too (DEMO_CACHE_VARIABLE's)
      '#define getenv noreturn_malloc',
    ]
    for (const line of added) {
      const lines = header.split('\n')
      const at = lines.findIndex((l) => l.startsWith('#undef HAVE_MEMFD_CREATE'))
      expect(at).toBeGreaterThan(0)
      lines.splice(at + 1, 0, line)
      const f = await finding(lines.join('\n'))
      expect(f?.ruleId, line).toBe('verify/generated-disagrees')
      expect(f?.severity, line).toBe('high')
      expect(f?.line, line).toBe(at + 2)
      expect(f?.evidence, line).toContain(`config.h.in:${at + 2}: ${line}`)
    }
  })

  it('knows what older autoconf releases give autoheader without the installed autoconf', () => {
    // autoconf 2.69's AC_SYS_LARGEFILE; 2.70 and later write it otherwise
    const older = '/* Enable large inode numbers on Mac OS X 10.5.  */\n#ifndef _DARWIN_USE_64_BIT_INODE\n# define _DARWIN_USE_64_BIT_INODE 1\n#endif\n'
    const shipped = readFileSync(bundledDataPath('autoconf-header-words.txt', 'list'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'))
    expect(linesNotFromInputs(older, new Vocabulary().addWords(shipped))).toEqual([])
    expect(linesNotFromInputs(older, new Vocabulary()).map((u) => u.words)).toEqual([['define', '_DARWIN_USE_64_BIT_INODE', '1']])
  })

  it('joins pieces of names as m4 does, and a single character only with digits', () => {
    const v = new Vocabulary().add('m4_define([DEMO_PARAM], [x[]$1])\nAC_DEFUN([DEMO_ATTR], [[$1]_func[]m4_eval($2)])\nDEMO_ATTR([cold], [2])\ncache_[$1]_[$2]\n')
    expect(['x1', 'x12', 'cold_func', 'cold_func2'].filter((w) => !v.has(w))).toEqual([])
    // `_` and `x` alone are pieces too: they join nothing else
    expect(['cold_cache', 'xcold', 'cold_x', 'x_1'].filter((w) => v.has(w))).toEqual([])
  })

  it('takes only the C lines of a macro file as header words', () => {
    const words = headerWords('AC_DEFUN([X], [\n  AH_VERBATIM([x], [#ifndef WORDS_BIGENDIAN\n# define WORDS_BIGENDIAN 1\n#endif])\n  echo not_a_header_word\n])\n')
    expect(words.has('WORDS_BIGENDIAN')).toBe(true)
    expect(words.has('not_a_header_word')).toBe(false)
  })

  it('reads the configure.ac that replaced the configure.in a header still names', async () => {
    const named = header.replace('Generated from configure.ac by autoheader', 'Generated from configure.in by autoheader')
    expect(named).toMatch(/from configure\.in by autoheader/)
    expect(await configHeaderFinding('config.h.in', named, 'configure.in', () => ['m4/attribute.m4'], view(named))).toBeUndefined()
    const withCode = `${named}\n#include "tests/files/x.h"\n`
    expect((await configHeaderFinding('config.h.in', withCode, 'configure.in', () => ['m4/attribute.m4'], view(withCode)))?.ruleId).toBe('verify/generated-disagrees')
  })

  it('reads an input that is not UTF-8 for its words', async () => {
    const latin1 = Buffer.concat([Buffer.from('dnl Copyright 2009 Andr'), Buffer.from([0xe9]), Buffer.from('\n'), Buffer.from(PROJECT['configure.ac'] ?? '')])
    const withCode = `${header}\n#include "tests/files/x.h"\n`
    const tag = { ...PROJECT, 'configure.ac': latin1 }
    const judged = (text: string) => configHeaderFinding('config.h.in', text, 'configure.ac', () => ['m4/attribute.m4'], memoryView({ 'config.h.in': text, 'aclocal.m4': readFileSync(join(dir, 'aclocal.m4'), 'utf8') }, tag))
    expect(await judged(header)).toBeUndefined()
    expect((await judged(withCode))?.data).toMatchObject({ lines: [{ words: ['"tests/files/x.h"'] }] })
  })

  it("does not explain a configured header the tag keeps when the release's differs from it", async () => {
    const kept = '/* config.h.  Generated from config.h.in by configure.  */\n/* config.h.in.  Generated from configure.ac by autoheader.  */\n#define HAVE_STDIO_H 1\n'
    const changed = `${kept}#include "tests/files/x.h"\n`
    const tag = { 'configure.ac': PROJECT['configure.ac'] ?? '', 'win32/config.h': kept }
    const difference: Difference = { path: 'win32/config.h', status: 'content-differs', artifact: fileEntry('win32/config.h', changed), source: fileEntry('win32/config.h', kept) }
    expect(await generatedExplainer().judge(difference, memoryView({ 'win32/config.h': changed }, tag))).toBeUndefined()
    // the same header only the release has is configure's output left in the tarball: explained as generated
    expect((await generatedExplainer().judge(addedFile('win32/config.h', changed), memoryView({ 'win32/config.h': changed }, tag)))?.outcome).toBe('explained')
  })

  it('leaves a config.h that configure made from the template (its #undefs made #defines) to other checks', async () => {
    await autotool('sh', ['-c', 'autoconf && ./configure --quiet'], dir)
    const configured = readFileSync(join(dir, 'config.h'), 'utf8')
    expect(configured).toMatch(/^#define HAVE_STDIO_H 1$/m)
    const tag = { 'configure.ac': PROJECT['configure.ac'] ?? '', 'm4/attribute.m4': PROJECT['m4/attribute.m4'] ?? '' }
    const withCode = `${configured}\n#include "tests/files/x.h"\n`
    const asOutput = await generatedExplainer().judge(addedFile('config.h', withCode), memoryView({ 'config.h': withCode }, tag))
    expect(asOutput?.findings?.some((f) => f.ruleId === 'verify/generated-disagrees') ?? false).toBe(false)
    // the same lines under autoheader's header alone are a template that says more than its inputs
    const asTemplate = withCode.replace(/^.*by configure\..*\n/, '')
    const j = await generatedExplainer().judge(addedFile('config.h.in', asTemplate), memoryView({ 'config.h.in': asTemplate }, tag))
    expect(j?.findings?.[0]?.ruleId).toBe('verify/generated-disagrees')
  })

  it('reads the macros only the release holds, as the explainer is told them', async () => {
    const macro = PROJECT['m4/attribute.m4'] ?? ''
    // the macro that builds noreturn_func is the release's only (gnulib copies it at bootstrap)
    const tag = { 'configure.ac': PROJECT['configure.ac'] ?? '' }
    const artifact = { 'config.h.in': header, 'm4/attribute.m4': macro }
    const told = generatedExplainer()
    told.prepare?.([addedFile('config.h.in', header), addedFile('m4/attribute.m4', macro)], memoryView(artifact, tag))
    expect((await told.judge(addedFile('config.h.in', header), memoryView(artifact, tag)))?.outcome).toBe('explained')
    const untold = await generatedExplainer().judge(addedFile('config.h.in', header), memoryView(artifact, tag))
    expect(untold?.outcome).toBe('unexplained')
    expect(untold?.findings?.[0]?.message).toMatch(/noreturn_func|malloc_func|HAVE_FUNC_ATTRIBUTE_/)
  })
})
