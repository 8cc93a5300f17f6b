import { describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import { SCHEMA_VERSION, type Report } from '../../src/model/report.js'
import { countBySeverity, verdictOf } from '../../src/policy/verdict.js'
import { render } from '../../src/report/index.js'
import { decisiveFirst } from '../../src/verify/verify.js'
import { assembleReport } from '../../src/policy/report.js'

const evidence = Array.from({ length: 30 }, (_, i) => `+ added line ${i + 1}`).join('\n')
const finding = (severity: Finding['severity'], path: string, ruleId = 'verify/unexplained-file'): Finding => ({ ruleId, severity, confidence: 'high', path, message: `${severity} on ${path}`, evidence })

const report = (findings: Finding[]): Report => ({
  tool: 'stagelight',
  schemaVersion: SCHEMA_VERSION,
  version: '0.0.0',
  command: 'verify',
  verdict: verdictOf(findings),
  subject: {},
  facts: [{ label: 'artifact', value: 'x.tar.gz' }],
  findings,
  explained: [],
  summary: { findings: countBySeverity(findings) },
})

describe('the verify text report fits one screen', () => {
  // a failing release: one decisive finding among many harmless ones, listed out of order
  const noise = Array.from({ length: 80 }, (_, i) => finding(i % 2 ? 'low' : 'info', `doc/page-${i}.3`))
  const decisive = finding('critical', 'm4/host-probe.m4', 'scan/decode-exec')
  const sameFile = finding('high', 'm4/host-probe.m4', 'verify/modified-vendored-file')
  const all = [...noise.slice(0, 40), sameFile, ...noise.slice(40), decisive]

  it('shows the decisive file first, with its other findings on one line, and counts what it leaves out', () => {
    const text = render(report(all), 'text', { color: false })
    const lines = text.trimEnd().split('\n')
    expect(lines.length).toBeLessThanOrEqual(64)
    const firstFinding = lines.findIndex((l) => /^\s+(CRITICAL|HIGH|MEDIUM|LOW|INFO)\s/.test(l))
    expect(lines[firstFinding]).toMatch(/^\s+CRITICAL\s+m4\/host-probe\.m4\s+scan\/decode-exec/)
    expect(text).toMatch(/also: high verify\/modified-vendored-file/)
    expect(lines.filter((l) => /^\s+[A-Z]+\s+m4\/host-probe\.m4/.test(l))).toHaveLength(1)
    expect(text).toMatch(/… 22 more line\(s\) \(--verbose\)/)
    expect(text).toMatch(/… \d+ more finding\(s\) in \d+ file\(s\), none more serious/)
  })

  it('shows every finding and all evidence with --verbose', () => {
    const text = render(report(all), 'text', { color: false, verbose: true })
    for (const f of all) expect(text).toContain(`${f.severity} on ${f.path}`)
    expect(text).toContain('+ added line 30')
  })

  it('lists every explained file with --verbose after the findings, so thousands of them never bury the decisive one', () => {
    const explained = Array.from({ length: 3000 }, (_, i) => ({ path: `src/gen-${i}.c`, category: 'generated', how: 'made by a rule', reproduced: false }))
    const verbose = render({ ...report(all), explained }, 'text', { color: false, verbose: true })
    const lines = verbose.split('\n')
    const decisiveAt = lines.findIndex((l) => l.includes('m4/host-probe.m4'))
    expect(decisiveAt).toBeGreaterThan(0)
    expect(decisiveAt).toBeLessThan(20)
    expect(lines.findIndex((l) => l.includes('Explained differences'))).toBeGreaterThan(decisiveAt)
    expect(lines.filter((l) => /^\s+src\/gen-\d+\.c\s/.test(l))).toHaveLength(3000)
    // without --verbose, the categories are counted before the findings and no file is listed
    const short = render({ ...report(all), explained }, 'text', { color: false })
    expect(short).toMatch(/Explained differences\n\s+generated\s+3000/)
    expect(short).not.toContain('src/gen-1.c')
  })
})

describe('the order of verify findings', () => {
  it('puts, of equally serious findings, the file the build runs first; severity still leads', () => {
    const run: Finding = { ...finding('high', 'tools/zz-setup.sh'), data: { readAsCodeBy: [{ path: 'configure', line: 9, text: '. tools/zz-setup.sh' }] } }
    const present = finding('high', 'm4/aa-gen.m4')
    const worse = finding('critical', 'zz/last.m4')
    expect([present, run, worse].sort(decisiveFirst).map((f) => f.path)).toEqual(['zz/last.m4', 'tools/zz-setup.sh', 'm4/aa-gen.m4'])
    expect([finding('high', 'b.c'), finding('high', 'a.c')].sort(decisiveFirst).map((f) => f.path)).toEqual(['a.c', 'b.c'])
    // a file that only regenerating the build system reads (an m4 file aclocal.m4 includes) comes after one configure runs
    const included: Finding = { ...finding('high', 'm4/aa-attr.m4'), data: { readAsCodeBy: [{ path: 'aclocal.m4', line: 1257, text: 'm4_include([m4/aa-attr.m4])' }] } }
    const sourced: Finding = { ...finding('high', 'tools/zz-fixup.sh'), data: { readAsCodeBy: [{ path: 'configure', line: 40, text: '. "$srcdir/tools/zz-fixup.sh"' }] } }
    const byAutomake: Finding = { ...finding('high', 'build/aa-rules.mk'), data: { readAsCodeBy: [{ path: 'src/Makefile.am', line: 3, text: 'include $(top_srcdir)/build/aa-rules.mk' }] } }
    const byAutoconf: Finding = { ...finding('high', 'build/ab-checks.sh'), data: { readAsCodeBy: [{ path: 'configure.ac', line: 9, text: 'm4_sinclude([build/ab-checks.sh])' }] } }
    const byMake: Finding = { ...finding('high', 'tools/zy-gen.sh'), data: { readAsCodeBy: [{ path: 'src/Makefile.in', line: 88, text: '\t$(SHELL) $(top_srcdir)/tools/zy-gen.sh > $@' }] } }
    expect([included, byAutomake, byAutoconf, present, byMake, sourced].sort(decisiveFirst).map((f) => f.path)).toEqual([
      'tools/zy-gen.sh',
      'tools/zz-fixup.sh',
      'build/aa-rules.mk',
      'build/ab-checks.sh',
      'm4/aa-attr.m4',
      'm4/aa-gen.m4',
    ])
    // the code that decodes and runs a test file leads the test file it runs
    const data: Finding = { ...finding('critical', 'tests/files/bad-1.xz'), data: { readAsCodeBy: [{ path: 'm4/probe.m4', line: 3, text: 'xz -dc tests/files/bad-1.xz | sh' }] } }
    const chain = finding('critical', 'm4/probe.m4', 'scan/obfuscated-execution-chain')
    expect([data, chain].sort(decisiveFirst).map((f) => f.path)).toEqual(['m4/probe.m4', 'tests/files/bad-1.xz'])
  })

  it('puts what the build runs before compiled code, compiled code before build-system inputs, and a change no commit holds before one the repository has', () => {
    const withData = (f: Finding, data: Record<string, unknown>): Finding => ({ ...f, data })
    const committed = { commit: 'c'.repeat(40), date: '2024-01-02T00:00:00Z', subject: 'later work', relation: 'after' }
    // a line of C compiled by make leads configure.ac and a Makefile.am, which only regeneration reads
    const c = withData(finding('high', 'src/zz-parse.c', 'verify/source-modified'), { role: 'code', readAsCodeBy: [] })
    const ac = withData(finding('high', 'configure.ac', 'verify/source-modified'), { role: 'build', readAsCodeBy: [] })
    const am = withData(finding('high', 'doc/Makefile.am', 'verify/source-modified'), { role: 'build', readAsCodeBy: [] })
    expect([ac, am, c].sort(decisiveFirst).map((f) => f.path)).toEqual(['src/zz-parse.c', 'configure.ac', 'doc/Makefile.am'])
    // of compiled files: changed bytes no commit holds, then a file the repository never had, then bytes of a later commit
    const traced = withData(finding('high', 'lib/aa-scan.h', 'verify/source-modified'), { role: 'code', inHistory: committed })
    const extra = withData(finding('high', 'lib/ab-snippet.h'), { role: 'code', readAsCodeBy: [] })
    const changed = withData(finding('high', 'lib/zz-alloc.c', 'verify/source-modified'), { role: 'code' })
    expect([traced, extra, changed].sort(decisiveFirst).map((f) => f.path)).toEqual(['lib/zz-alloc.c', 'lib/ab-snippet.h', 'lib/aa-scan.h'])
    // the order of kinds of file still leads: a Makefile.am changed into untraced bytes stays after traced compiled code
    const untracedAm = withData(finding('high', 'Makefile.am', 'verify/source-modified'), { role: 'build' })
    expect([untracedAm, traced].sort(decisiveFirst).map((f) => f.path)).toEqual(['lib/aa-scan.h', 'Makefile.am'])
    // a script configure runs leads compiled code, however unaccounted the code's change
    const sourced = withData(finding('high', 'tools/zz-setup.sh'), { role: 'build', readAsCodeBy: [{ path: 'configure', line: 9, text: '. "$srcdir/tools/zz-setup.sh"' }] })
    expect([changed, extra, sourced].sort(decisiveFirst).map((f) => f.path)).toEqual(['tools/zz-setup.sh', 'lib/zz-alloc.c', 'lib/ab-snippet.h'])
    // and severity leads everything
    expect([changed, withData(finding('critical', 'zz/a.txt'), { role: 'doc', inHistory: committed })].sort(decisiveFirst).map((f) => f.path)).toEqual(['zz/a.txt', 'lib/zz-alloc.c'])
  })

  it('is the order every report shows: the assembled report keeps it, and text, Markdown and HTML keep it among equals', () => {
    const data: Finding = { ...finding('critical', 'aa/blob.bin'), data: { readAsCodeBy: [{ path: 'm4/zz.m4', line: 3, text: 'xz -dc aa/blob.bin | sh' }] } }
    const chain = finding('critical', 'zz/probe.m4', 'scan/obfuscated-execution-chain')
    const parts = { command: 'verify', subject: {}, facts: [], findings: [data, chain], summary: {} }
    expect(assembleReport(parts).findings.map((f) => f.path)).toEqual(['aa/blob.bin', 'zz/probe.m4'])
    const ordered = assembleReport({ ...parts, order: decisiveFirst })
    expect(ordered.findings.map((f) => f.path)).toEqual(['zz/probe.m4', 'aa/blob.bin'])
    for (const format of ['text', 'markdown', 'html'] as const) {
      const out = render(ordered, format, { color: false })
      expect(out.indexOf('zz/probe.m4'), format).toBeLessThan(out.indexOf('aa/blob.bin'))
    }
  })
})

