import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSampleRelease, type SampleRelease } from '../../src/demo/project.js'
import { addEscapingLink, addMakefileInRule, addScriptRunByConfigure, editSourceFile, editVendoredMacro, repack } from '../../src/demo/tamper.js'
import type { Report } from '../../src/index.js'
import { stagelight } from '../helpers/cli.js'
import { sarifErrors } from '../helpers/sarif.js'
import { closeBrowser, openReport } from '../helpers/browser.js'

let root: string
let release: SampleRelease
let tracked: Set<string>


async function verifyJson(artifact: string, extra: readonly string[] = []): Promise<{ code: number | null; report: Report; stderr: string }> {
  const r = await stagelight(['verify', artifact, '--source', release.repo, '--format', 'json', '--cache-dir', join(root, 'cache'), ...extra])
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr }
}

async function tamper(name: string, mutate: (top: string) => Promise<unknown>): Promise<string> {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  return repack(release.tarball, join(dir, `${release.name}-${release.version}.tar.gz`), async (top) => {
    await mutate(top)
  })
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-e2e-'))
  release = await buildSampleRelease(join(root, 'project'), { name: 'greeter', version: '2.3.1' })
  tracked = new Set(execFileSync('git', ['-C', release.repo, 'ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean))
}, 900_000)

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('verify on a real autotools release', () => {
  it('passes the honest make dist tarball, inferring the tag from its name, with every difference explained', async () => {
    const { code, report } = await verifyJson(release.tarball)
    expect(code).toBe(0)
    expect(report.verdict).toBe('pass')
    expect(report.subject.ref).toBe('v2.3.1')
    expect(report.findings.filter((f) => ['medium', 'high', 'critical'].includes(f.severity))).toEqual([])
    const categories = new Map(report.explained.map((e) => [e.path, e]))
    expect(categories.get('configure')?.category).toBe('generated')
    expect(categories.get('Makefile.in')?.category).toBe('generated')
    expect(categories.get('build-aux/ltmain.sh')).toBeDefined()
    expect(report.explained.filter((e) => e.category === 'vendored' && e.path.startsWith('m4/')).length).toBeGreaterThan(5)
    expect(report.explained.every((e) => e.reproduced || e.category !== 'vendored')).toBe(true)
    expect(categories.get('po/de.gmo')?.category).toBe('translation')
  })

  it('passes with --regenerate and reports the generated files as reproduced', async () => {
    const { code, report } = await verifyJson(release.tarball, ['--regenerate'])
    expect(code).toBe(0)
    expect(report.verdict).toBe('pass')
    const configure = report.explained.find((e) => e.path === 'configure')
    expect(configure?.reproduced).toBe(true)
    expect(report.explained.find((e) => e.path === 'src/Makefile.in')?.reproduced).toBe(true)
  })

  it('fails when a vendored m4 macro gains decode-and-run lines, showing the added lines', async () => {
    let edited = ''
    const artifact = await tamper('vendored', async (top) => (edited = await editVendoredMacro(top, (p) => !tracked.has(p))))
    const { code, report } = await verifyJson(artifact)
    expect(code).toBe(1)
    expect(report.verdict).toBe('fail')
    const modified = report.findings.find((f) => f.ruleId === 'verify/modified-vendored-file' && f.path === edited)
    expect(modified?.severity).toBe('high')
    expect(modified?.evidence).toContain('+  eval "$gl_cmd" | $SHELL')
    expect(report.findings.some((f) => f.path === edited && f.ruleId.startsWith('scan/'))).toBe(true)
    // the whole chain is seen inside the real macro file, prose with apostrophes and all
    expect(report.findings.find((f) => f.path === edited && f.ruleId === 'scan/obfuscated-execution-chain')?.severity).toBe('critical')

    const sarif = await stagelight(['verify', artifact, '--source', release.repo, '--format', 'sarif', '--cache-dir', join(root, 'cache')])
    expect(sarif.code).toBe(1)
    expect(sarifErrors(sarif.stdout)).toEqual([])
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string } } }[] }[] }[] }).runs[0]?.results ?? []
    expect(results.find((r) => r.ruleId === 'verify/modified-vendored-file')?.locations[0]?.physicalLocation?.artifactLocation.uri).toBe(edited)
    const htmlFile = join(root, 'tampered.html')
    await stagelight(['verify', artifact, '--source', release.repo, '--format', 'html', '--output', htmlFile, '--quiet', '--cache-dir', join(root, 'cache')])
    const opened = await openReport(htmlFile)
    try {
      expect(opened.errors).toEqual([])
      expect(opened.requests).toEqual([])
      // the injected lines are shown as additions in the diff against the nearest known version
      const added = await opened.page.locator(`li.finding[data-rule="verify/modified-vendored-file"] pre .add`).allInnerTexts()
      expect(added.some((line) => line.includes('eval "$gl_cmd" | $SHELL'))).toBe(true)
      // explained differences are grouped by category and collapsed
      expect(await opened.page.locator('.explained details').count()).toBeGreaterThan(2)
      expect(await opened.page.locator('.explained details[open]').count()).toBe(0)
      await opened.screenshot('verify-tampered')
    } finally {
      await opened.close()
      await closeBrowser()
    }
    const markdown = await stagelight(['verify', artifact, '--source', release.repo, '--format', 'markdown', '--cache-dir', join(root, 'cache')])
    expect(markdown.stdout.split('\n')[0]).toMatch(/^### stagelight verify: .*FAIL/)
    expect(markdown.stdout).toContain(`\`verify/modified-vendored-file\` | \`${edited}\``)
  })

  it('fails when a source file differs from the tag, with the diff as evidence', async () => {
    const artifact = await tamper('source', (top) => editSourceFile(top, 'src/main.c'))
    const { report } = await verifyJson(artifact)
    const f = report.findings.find((x) => x.ruleId === 'verify/source-modified')
    expect(f?.path).toBe('src/main.c')
    expect(f?.severity).toBe('high')
    expect(f?.evidence).toMatch(/^\+.*SSH_AUTH_SOCK/m)
    expect(report.verdict).toBe('fail')
  })

  it('fails on an extra script that only the release carries and configure runs', async () => {
    const artifact = await tamper('script', (top) => addScriptRunByConfigure(top, 'build-aux/post-config.sh'))
    const { report } = await verifyJson(artifact)
    const f = report.findings.find((x) => x.ruleId === 'verify/unexplained-file' && x.path === 'build-aux/post-config.sh')
    expect(f?.severity).toBe('high')
    expect((f?.data as { referencedBy: string[] }).referencedBy).toContain('configure')
  })

  it('fails when configure changes a source of the tag as it runs, with that line first', async () => {
    const line = `sed -i 's/return 0;/return 1;/' "$srcdir/src/main.c"`
    const artifact = await tamper('rewrite', async (top) => {
      const file = join(top, 'configure')
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^ac_config_files=/m, `${line}\nac_config_files=`))
    })
    const { code, report } = await verifyJson(artifact)
    expect(code).toBe(1)
    const top = report.findings[0]
    expect([top?.ruleId, top?.path, top?.severity]).toEqual(['scan/source-rewritten', 'configure', 'high'])
    expect(top?.data?.path).toBe('src/main.c')
    expect(top?.evidence).toContain(line)
  })

  it('lists as low a file configure writes whole that the release generated, and passes', async () => {
    const shipped = execFileSync('tar', ['-tf', release.tarball], { encoding: 'utf8' }).split('\n').map((p) => p.replace(/^[^/]+\//, ''))
    const generated = shipped.find((p) => /\.h\.in$/.test(p) && !tracked.has(p))
    expect(generated).toBeDefined()
    const artifact = await tamper('regenerated', async (top) => {
      const file = join(top, 'configure')
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^ac_config_files=/m, `cat "$srcdir/${generated ?? ''}" > "$srcdir/${generated ?? ''}.new" && mv "$srcdir/${generated ?? ''}.new" "$srcdir/${generated ?? ''}"\nac_config_files=`))
    })
    const { code, report } = await verifyJson(artifact)
    expect(report.findings.filter((f) => f.ruleId === 'scan/source-rewritten').map((f) => [f.path, f.severity, f.data?.path])).toEqual([['configure', 'low', generated]])
    expect(code).toBe(0)
  })

  it('fails with --regenerate on a Makefile.in rule that Makefile.am does not produce', async () => {
    const artifact = await tamper('makefile', (top) => addMakefileInRule(top, 'lib/Makefile.in'))
    const { report } = await verifyJson(artifact, ['--regenerate'])
    const f = report.findings.find((x) => x.ruleId === 'verify/regeneration-mismatch' && x.path === 'lib/Makefile.in')
    expect(f?.severity).toBe('high')
    expect(f?.evidence).toMatch(/^\+.*\.cache\.o/m)
    expect(report.verdict).toBe('fail')
  })

  it('fails without --regenerate on a Makefile.in that links an object its Makefile.am never names', async () => {
    const artifact = await tamper('libadd', async (top) => {
      const file = join(top, 'lib', 'Makefile.in')
      const text = readFileSync(file, 'utf8')
      // automake writes an empty default for a library that names no libraries of its own
      expect(text).toMatch(/^lib\w+_la_LIBADD = *$/m)
      writeFileSync(file, text.replace(/^(lib\w+_la_LIBADD =) *$/m, '$1 $(srcdir)/.cache.o'))
    })
    const { report } = await verifyJson(artifact)
    const f = report.findings.find((x) => x.ruleId === 'verify/generated-disagrees' && x.path === 'lib/Makefile.in')
    expect(f?.severity).toBe('high')
    expect(f?.message).toMatch(/_la_LIBADD names \$\(srcdir\)\/\.cache\.o, which lib\/Makefile\.am never writes/)
    expect(report.verdict).toBe('fail')
  })

  it('fails without --regenerate on a compile command or a config.h.in that includes a header no input names', async () => {
    const artifact = await tamper('includes', async (top) => {
      const makefile = join(top, 'lib', 'Makefile.in')
      const rules = readFileSync(makefile, 'utf8')
      expect(rules).toMatch(/^COMPILE = \$\(CC\) /m)
      writeFileSync(makefile, rules.replace(/^COMPILE = \$\(CC\) /m, 'COMPILE = $(CC) -include $(top_srcdir)/po/.stamp.h '))
      const header = join(top, 'config.h.in')
      const template = readFileSync(header, 'utf8')
      expect(template).toMatch(/by autoheader/)
      writeFileSync(header, `${template}\n#include "po/.stamp.h"\n`)
    })
    const { report } = await verifyJson(artifact)
    const disagreeing = report.findings.filter((x) => x.ruleId === 'verify/generated-disagrees')
    expect(disagreeing.map((f) => [f.path, f.severity]).sort()).toEqual([
      ['config.h.in', 'high'],
      ['lib/Makefile.in', 'high'],
    ])
    expect(disagreeing.find((f) => f.path === 'lib/Makefile.in')?.message).toMatch(/^COMPILE names -include \$\(top_srcdir\)\/po\/\.stamp\.h, which automake's command for it never holds/)
    expect(disagreeing.find((f) => f.path === 'config.h.in')?.message).toMatch(/#include "po\/\.stamp\.h".*names "po\/\.stamp\.h", which neither configure\.ac nor any macro/)
    expect(report.verdict).toBe('fail')
  })

  it('reports a duplicate tar entry that silently replaces a file', async () => {
    const dir = join(root, 'dup')
    mkdirSync(join(dir, 'x', `${release.name}-${release.version}`, 'src'), { recursive: true })
    const tar = join(dir, `${release.name}-${release.version}.tar`)
    execFileSync('sh', ['-c', 'gzip -dc "$1" > "$2"', 'sh', release.tarball, tar])
    const second = join(dir, 'x', `${release.name}-${release.version}`, 'src', 'main.c')
    writeFileSync(second, readFileSync(join(release.repo, 'src', 'main.c'), 'utf8').replace('return 0;', 'return 1;'))
    execFileSync('tar', ['-rf', tar, '-C', join(dir, 'x'), `${release.name}-${release.version}/src/main.c`])
    const { report } = await verifyJson(tar)
    const f = report.findings.find((x) => x.ruleId === 'archive/duplicate-path')
    expect(f?.severity).toMatch(/high|critical/)
    expect(report.findings.some((x) => x.ruleId === 'verify/source-modified' && x.path === 'src/main.c')).toBe(true)
  })

  it('reports a symlink escaping the tree as a finding, not a crash', async () => {
    const artifact = await tamper('link', (top) => addEscapingLink(top, 'doc-link'))
    const { code, report } = await verifyJson(artifact)
    expect(code).toBe(1)
    expect(report.findings.find((x) => x.ruleId === 'archive/link-escape')?.severity).toBe('critical')
  })

  it('writes the text report with the verdict first', async () => {
    const out = join(root, 'report.txt')
    const r = await stagelight(['verify', release.tarball, '--source', release.repo, '--output', out, '--cache-dir', join(root, 'cache')])
    expect(r.code).toBe(0)
    const text = readFileSync(out, 'utf8')
    expect(text.split('\n')[0]).toMatch(/^PASS\s+stagelight verify/)
    expect(text).toMatch(/generated\s+\d+/)
  })
})

describe('verify on bad input', () => {
  it('exits 2 with one line for a corrupt artifact and writes nothing to stdout in JSON mode but the error object', async () => {
    const bad = join(root, 'corrupt.tar.gz')
    const bytes = readFileSync(release.tarball)
    writeFileSync(bad, bytes.subarray(0, Math.floor(bytes.length / 2)))
    const r = await stagelight(['verify', bad, '--source', release.repo, '--ref', release.tag, '--format', 'json'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toMatch(/^stagelight: error: .*corrupt\.tar\.gz/)
    expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('E_ARCHIVE_CORRUPT')
  })

  it('exits 2 when the source is not a git repository', async () => {
    const notGit = mkdtempSync(join(tmpdir(), 'stagelight-notgit-'))
    const r = await stagelight(['verify', release.tarball, '--source', notGit])
    expect(r.code).toBe(2)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    rmSync(notGit, { recursive: true })
  })

  it('exits 2 listing candidate tags when no tag matches the artifact name', async () => {
    const renamed = join(root, 'greeter-9.9.9.tar.gz')
    writeFileSync(renamed, readFileSync(release.tarball))
    const r = await stagelight(['verify', renamed, '--source', release.repo, '--format', 'json'])
    expect(r.code).toBe(2)
    const error = (JSON.parse(r.stdout) as { error: { code: string; data: { candidates: string[] } } }).error
    expect(error.code).toBe('E_INPUT_NOT_FOUND')
    expect(error.data.candidates).toContain('v2.3.1')
  })

  it('exits 2 for a damaged --catalog store, even on a release identical to its tag that needs no catalog', async () => {
    const exact = join(root, 'exact', `${release.name}-${release.version}.tar.gz`)
    mkdirSync(join(root, 'exact'), { recursive: true })
    execFileSync('git', ['-C', release.repo, 'archive', '--format=tar.gz', `--prefix=${release.name}-${release.version}/`, '-o', exact, release.tag])
    const clean = await verifyJson(exact)
    expect(clean.code).toBe(0)
    expect(clean.report.summary).toMatchObject({ explained: 0, unexplained: 0 })
    const store = join(root, 'damaged-store')
    mkdirSync(store, { recursive: true })
    writeFileSync(join(store, 'index.jsonl'), 'not json\n')
    const r = await stagelight(['verify', exact, '--source', release.repo, '--catalog', store, '--cache-dir', join(root, 'cache')])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/damaged-store/)
  })

  it('exits 2 on an unknown option and on a missing artifact', async () => {
    expect((await stagelight(['verify', '--bogus'])).code).toBe(2)
    const r = await stagelight(['verify', join(root, 'nope.tar.gz'), '--source', release.repo])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/nope\.tar\.gz/)
  })

  it('appends nothing to a report file when the input is bad', async () => {
    const out = join(root, 'never.json')
    const r = await stagelight(['verify', join(root, 'missing.tgz'), '--source', release.repo, '--output', out])
    expect(r.code).toBe(2)
    expect(() => readFileSync(out)).toThrow()
  })
})

describe('help', () => {
  it('shows examples for verify and exits 0', async () => {
    const r = await stagelight(['verify', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Examples:/)
    expect(r.stdout).toMatch(/--regenerate/)
  })
})

