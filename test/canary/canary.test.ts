import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/model/report.js'
import type { Comparison } from '../../src/canary/stats.js'
import { startRegistry, type LocalRegistry } from '../helpers/registry.js'
import { canary } from './cli.js'

const burn = (n: number): string => `i=0; while [ $i -lt ${n} ]; do i=$((i+1)); done`
const parse = (stdout: string): Report => JSON.parse(stdout) as Report
const comparisons = (report: Report): Comparison[] => ((report.summary.workloads as { comparisons: Comparison[] }[])[0]?.comparisons ?? [])

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stagelight-canary-test-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('canary run: performance', () => {
  // A 50% difference on a workload of a few hundred milliseconds: large against clock-tick CPU accounting
  // and against a busy machine, so the test checks the statistics, not the machine's quietness.
  it('flags a candidate burning ~50% more CPU, with an interval excluding 1', async () => {
    const r = await canary(['run', '--baseline', burn(300_000), '--candidate', burn(450_000), '--runs', '20', '--warmup', '1', '-f', 'json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(1)
    const report = parse(r.stdout)
    expect(report.command).toBe('canary')
    expect(report.verdict).toBe('fail')
    const slower = report.findings.filter((f) => f.ruleId === 'canary/slower')
    expect(slower.length).toBeGreaterThan(0)
    const cpu = comparisons(report).find((c) => c.metric === 'cpu')
    expect(cpu?.outcome).toBe('regressed')
    expect(cpu?.low).toBeGreaterThan(1)
    expect(cpu?.ratio).toBeGreaterThan(1.2)
    expect(cpu?.ratio).toBeLessThan(2)
    expect(report.facts.find((f) => f.label === 'verdict')?.value).toMatch(/slower by \d+% \[\d+%, \d+%\], p[<=]0\.0\d+/)
    expect(report.facts.some((f) => /executes/.test(f.value))).toBe(true)
    // per-run measurements for both sides, for box plots
    const w = (report.summary.workloads as { baseline: { runs: { wall: number; cpu: number; peakRssKiB: number }[] }; candidate: { runs: unknown[] } }[])[0]
    expect(w?.baseline.runs).toHaveLength(20)
    expect(w?.candidate.runs).toHaveLength(20)
    expect(w?.baseline.runs[0]?.wall).toBeGreaterThan(0)
    expect(w?.baseline.runs[0]?.peakRssKiB).toBeGreaterThan(0)
  })

  it('does not flag an identical candidate', async () => {
    const r = await canary(['run', '--baseline', burn(80_000), '--candidate', burn(80_000), '--runs', '20', '--warmup', '1', '-f', 'json'])
    const report = parse(r.stdout)
    expect(report.findings.filter((f) => f.ruleId === 'canary/slower' || f.ruleId === 'canary/more-memory')).toEqual([])
    expect(comparisons(report).length).toBe(3)
    for (const c of comparisons(report)) {
      expect(c.outcome).not.toBe('regressed')
      // the interval never lies wholly above the tolerance
      expect(c.low).toBeLessThanOrEqual(1 + c.tolerance)
    }
    // noise may make it inconclusive (review), never a regression verdict
    expect(report.verdict).not.toBe('fail')
    expect([0, 1]).toContain(r.code)
  })

  it('runs a suite from a config file', async () => {
    const suite = join(dir, 'suite.json')
    writeFileSync(suite, JSON.stringify({ runs: 3, warmup: 0, threshold: '5%', workloads: [{ name: 'env-switch', baseline: 'test "$MODE" = old', candidate: 'test "$MODE" = old', envBaseline: { MODE: 'old' }, envCandidate: { MODE: 'new' } }] }))
    const r = await canary(['run', '--config', suite, '-f', 'json'])
    const report = parse(r.stdout)
    expect(report.summary.runs).toBe(3)
    // the env switch reaches each side: the candidate's `test` fails
    const exit = report.findings.find((f) => f.ruleId === 'canary/exit-status')
    expect(exit?.message).toMatch(/baseline 0, candidate 1/)
    expect(exit?.path).toBe('env-switch')
  })
})

describe('canary run: bad input', () => {
  it('exits 2 with one line when a command cannot start', async () => {
    const r = await canary(['run', '--baseline', 'true', '--candidate', 'no-such-program-xyz --flag'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/candidate command cannot start/)
  })

  it('exits 2 with one line for --runs 0', async () => {
    const r = await canary(['run', '--baseline', 'true', '--candidate', 'true', '--runs', '0'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/--runs/)
  })

  it('says in --help that it executes the code', async () => {
    const r = await canary(['run', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/EXECUTES the code/)
    expect(r.stdout).toMatch(/Examples:/)
  })
})

describe('canary run --trace', () => {
  it('reports a candidate that spawns /bin/sh, writes to HOME and opens a socket, with strace evidence', async () => {
    const home = mkdtempSync(join(dir, 'home-'))
    const work = mkdtempSync(join(dir, 'work-'))
    const candidate = `echo hi > out.txt; /bin/sh -c 'echo x > "$HOME/.canary-was-here"'; node -e "require('net').connect(9, '127.0.0.1').on('error', () => {})"`
    const r = await canary(['run', '--baseline', 'echo hi > out.txt', '--candidate', candidate, '--runs', '2', '--warmup', '0', '--trace', '-f', 'json'], { cwd: work, env: { HOME: home } })
    const report = parse(r.stdout)
    const by = (id: string) => report.findings.filter((f) => f.ruleId === id)
    const processes = by('canary/new-process').map((f) => f.data?.key)
    expect(processes).toContain('/bin/sh')
    expect(by('canary/new-process').find((f) => f.data?.key === '/bin/sh')?.evidence).toMatch(/execve\("\/bin\/sh"/)
    const writes = by('canary/new-file-write')
    expect(writes.map((f) => f.data?.key)).toContain('<home>/.canary-was-here')
    expect(writes[0]?.evidence).toMatch(/openat\(.*canary-was-here.*O_CREAT/)
    const network = by('canary/new-network').map((f) => f.data?.key)
    expect(network).toContain('inet 127.0.0.1:9')
    expect(by('canary/new-network').find((f) => f.data?.key === 'inet 127.0.0.1:9')?.evidence).toMatch(/connect\(/)
    // out.txt is inside the working directory and written by both: not reported
    expect(writes.some((f) => String(f.data?.key).includes('out.txt'))).toBe(false)
    expect(report.verdict).toBe('fail')
  })
})

describe('canary run --valgrind', () => {
  it('reports an invalid read present only in the candidate', async () => {
    const source = (index: string) => `#include <stdio.h>\n#include <stdlib.h>\nint main(void) { int *a = malloc(4 * sizeof *a); for (int i = 0; i < 4; i++) a[i] = i; printf("%d\\n", a[${index}]); free(a); return 0; }\n`
    writeFileSync(join(dir, 'good.c'), source('3'))
    writeFileSync(join(dir, 'bad.c'), source('4'))
    execFileSync('gcc', ['-g', '-O0', '-o', join(dir, 'good'), join(dir, 'good.c')])
    execFileSync('gcc', ['-g', '-O0', '-o', join(dir, 'bad'), join(dir, 'bad.c')])
    const r = await canary(['run', '--baseline', join(dir, 'good'), '--candidate', join(dir, 'bad'), '--runs', '2', '--warmup', '0', '--valgrind', '-f', 'json'])
    const report = parse(r.stdout)
    const errors = report.findings.filter((f) => f.ruleId === 'canary/new-memcheck-error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.data?.key).toMatch(/^Invalid read of size N at main \(bad\.c:\d+\)$/)
    expect(errors[0]?.evidence).toMatch(/Invalid read of size 4/)
    expect(report.facts.find((f) => f.label.endsWith('memcheck'))?.value).toMatch(/baseline 0 error\(s\), candidate 1 error/)
  })
})

describe('canary npm', () => {
  let registry: LocalRegistry
  beforeAll(async () => {
    registry = await startRegistry()
    await registry.publish('alice', { name: 'canary-demo', version: '1.0.0', main: 'index.js' }, { 'index.js': 'module.exports = 42\n' })
    await registry.publish(
      'alice',
      { name: 'canary-demo', version: '1.1.0', main: 'index.js', scripts: { install: 'node install.js' } },
      {
        'index.js': 'module.exports = 42\n',
        'install.js': "const { execFileSync } = require('child_process')\nexecFileSync('id')\nrequire('fs').writeFileSync(require('path').join(require('os').homedir(), '.canary-was-here'), 'x')\n",
      },
    )
  })
  afterAll(async () => registry?.stop())

  it('tells the version whose install script spawns a process and touches HOME from the one without', async () => {
    const r = await canary(['npm', 'canary-demo@1.0.0', 'canary-demo@1.1.0', '--registry', registry.url, '--runs', '1', '-f', 'json'])
    expect(r.stderr).toBe('')
    const report = parse(r.stdout)
    expect(report.subject).toEqual({ baseline: 'canary-demo@1.0.0', candidate: 'canary-demo@1.1.0' })
    const at = (id: string, phase: string) => report.findings.filter((f) => f.ruleId === id && f.path === phase).map((f) => String(f.data?.key))
    const processes = at('canary/new-process', 'install')
    expect(processes.some((p) => /\/id$/.test(p))).toBe(true)
    expect(at('canary/new-file-write', 'install')).toContain('<home>/.canary-was-here')
    // loading behaves the same in both versions
    expect(at('canary/new-process', 'load')).toEqual([])
    expect(report.facts.find((f) => f.label === 'isolation')?.value).toMatch(/network: (none|NOT isolated)/)
    expect(report.facts.some((f) => /executes/.test(f.value))).toBe(true)
    expect(r.code).toBe(1)
    const workloads = report.summary.workloads as { name: string; baseline: { runs: { wall: number }[] } }[]
    expect(workloads.map((w) => w.name)).toEqual(['install', 'load'])
    expect(workloads[0]?.baseline.runs[0]?.wall).toBeGreaterThan(0)
  })

  it('exits 2 with one line for a version that does not exist', async () => {
    const r = await canary(['npm', 'canary-demo@1.0.0', 'canary-demo@9.9.9', '--registry', registry.url, '--runs', '1'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/canary-demo@9\.9\.9/)
  })
})
