import { Command } from 'commander'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { historyCommand } from '../../src/cli/commands/history.js'
import { reportError } from '../../src/cli/errors.js'
import { judgeCommit } from '../../src/history/defences.js'
import { history } from '../../src/history/history.js'
import { busFactor, hhi, truckFactor } from '../../src/history/metrics.js'
import { mergePolicy } from '../../src/history/policy.js'
import { historyRules } from '../../src/history/rules.js'
import type { Report } from '../../src/model/report.js'
import { gitIn, isolateGitConfig, removeTempDirs, sh, tempDir } from '../git/fixtures.js'
import { HistoryBuilder } from './builder.js'
import { DAY, hobby, person, t } from './scenarios.js'

isolateGitConfig()
afterAll(() => removeTempDirs())

const run = (dir: string): Promise<Report> => history({ source: dir, cacheDir: tempDir(), offline: true })
interface Ident {
  id: string
  name: string
  emails: string[]
  commits: number
  merges: number
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough()
  const err = new PassThrough()
  let stdout = ''
  let stderr = ''
  out.on('data', (c: Buffer) => (stdout += c.toString()))
  err.on('data', (c: Buffer) => (stderr += c.toString()))
  const io = { stdout: out, stderr: err, env: { NO_COLOR: '1' }, cwd: process.cwd() }
  let code = 0
  const program = new Command('stagelight').exitOverride()
  program.addCommand(historyCommand(io, (c) => (code = c)).exitOverride())
  try {
    await program.parseAsync(['history', ...args], { from: 'user' })
  } catch (e) {
    code = reportError(e, io, { json: false, debug: false, command: 'history', version: '0' })
  }
  return { code, stdout, stderr }
}

describe('identities', () => {
  it('honours the committed .mailmap and merges aliases with the same full name, but not generic names', async () => {
    const b = new HistoryBuilder()
    const old = { name: 'Jo Old', email: 'jo@old.example' }
    const jo = person('Jo Smith')
    const alias = { name: 'Jo Smith', email: 'jsmith@work.example' }
    b.commit({ author: old, date: t('2020-01-01'), files: { a: '1' } })
    b.commit({ author: jo, date: t('2020-02-01'), files: { a: '2' } })
    b.commit({ author: alias, date: t('2020-03-01'), files: { a: '3' } })
    b.commit({ author: { name: 'root', email: 'root@a.example' }, date: t('2020-04-01'), files: { b: '1' } })
    b.commit({ author: { name: 'root', email: 'root@b.example' }, date: t('2020-05-01'), files: { b: '2' } })
    b.commit({ author: jo, date: t('2020-06-01'), files: { '.mailmap': 'Jo Smith <jo.smith@example.org> Jo Old <jo@old.example>\n' } })
    const r = await run(b.write())
    const ids = r.summary.identities as Ident[]
    const joId = ids.find((i) => i.name === 'Jo Smith')
    expect(joId?.commits).toBe(4)
    expect(joId?.emails.sort()).toEqual(['jo.smith@example.org', 'jsmith@work.example'])
    expect(ids.filter((i) => i.name === 'root')).toHaveLength(2)
  })
})

describe('git facts', () => {
  it('counts merges apart from authored commits and follows renames for the truck factor', async () => {
    const b = new HistoryBuilder()
    const x = person('Xavier Writer')
    const y = person('Yolanda Mover')
    for (let i = 0; i < 8; i++) b.commit({ author: x, date: t('2020-01-01') + i * DAY, files: { 'lib/a.c': `v${i}\n`, 'lib/b.c': `w${i}\n` } })
    b.commit({ author: y, date: t('2020-02-01'), renames: { 'lib/a.c': 'lib/renamed.c' } })
    const side = b.commit({ author: y, date: t('2020-02-02'), files: { 'doc.txt': 'd' }, branch: 'side' })
    b.commit({ author: x, date: t('2020-02-03'), files: { 'lib/b.c': 'more\n' } })
    b.commit({ author: x, date: t('2020-02-04'), merge: [side], message: 'Merge side' })
    const dir = b.write()
    expect(gitIn(dir, 'log', '--oneline', '--merges')).toContain('Merge side')
    const r = await run(dir)
    const ids = r.summary.identities as Ident[]
    expect(ids.find((i) => i.name === 'Xavier Writer')).toMatchObject({ commits: 9, merges: 1 })
    const overall = r.summary.overall as { merges: number; truckFactorAuthors: string[]; truckFactorFiles: number }
    expect(overall.merges).toBe(1)
    expect(overall.truckFactorFiles).toBe(2) // lib/renamed.c, lib/b.c (fast-import merges keep the first parent's tree)
    // without rename tracking the mover would own lib/renamed.c
    expect(overall.truckFactorAuthors).toEqual(['xavier.writer@example.org'])
  })

  it('reports an empty repository like a shallow one: no history to judge, incomplete, never a pass (exit 3)', async () => {
    const dir = tempDir()
    sh('git', ['init', '--quiet', dir])
    const r = await run(dir)
    expect(r.verdict).not.toBe('pass')
    expect(r.findings).toEqual([])
    expect(r.incomplete?.[0]).toMatch(/no commits/)
    expect(r.facts.map((f) => f.value).join('\n')).toMatch(/no commits/)
    expect((await cli([dir, '--quiet'])).code).toBe(3)
  })

  it('says what a shallow clone cannot know, and the CLI exits 3', async () => {
    const full = hobby()
    const shallow = join(tempDir(), 'shallow')
    sh('git', ['clone', '--quiet', '--depth', '20', `file://${full}`, shallow])
    const r = await run(shallow)
    expect(r.incomplete?.[0]).toMatch(/shallow clone: history before \d{4}-\d\d-\d\d is missing.*first commit/)
    expect(r.findings.some((f) => f.ruleId === 'history/shallow-history')).toBe(true)
    expect((r.summary.overall as { commits: number }).commits).toBe(20)
    expect((await cli([shallow, '--quiet'])).code).toBe(3)
  })

  it('with --since, analyses the whole history, reports the window only, and says so', async () => {
    const dir = hobby()
    const all = await history({ source: dir, cacheDir: tempDir(), offline: true, window: 'month' })
    const r = await history({ source: dir, cacheDir: tempDir(), offline: true, since: '2020-01-01', window: 'month' })
    const windows = r.summary.windows as { window: string }[]
    expect(windows[0]?.window).toBe('2020-01')
    // the project's start and first commit are those of the whole history, not of the window
    expect((r.summary.overall as { first: { date: string } }).first).toEqual((all.summary.overall as { first: { date: string } }).first)
    expect((r.summary.overall as { first: { date: string } }).first.date < '2020-01-01').toBe(true)
    expect(r.facts.find((f) => f.label === 'window')?.value).toMatch(/findings reported for 2020-01-01 → HEAD; the whole history .*was analysed for context/)
  })
})

describe('CLI', () => {
  it('exits 2 with one line for a directory that is not a git repository', async () => {
    const r = await cli([tempDir(), '--quiet'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toMatch(/^stagelight: error: source .* is not a git repository/)
  })

  it('writes JSON with the summary keys and honours --config', async () => {
    const dir = hobby()
    const json = await cli([dir, '--format', 'json', '--quiet'])
    const report = JSON.parse(json.stdout) as Report
    expect(report.command).toBe('history')
    expect(Object.keys(report.summary)).toEqual(expect.arrayContaining(['windows', 'identities', 'events', 'patterns']))
    expect(report.findings.find((f) => f.ruleId === 'history/single-point-of-failure')).toBeDefined()
    const config = join(tempDir(), 'policy.json')
    writeFileSync(config, JSON.stringify({ spofWindows: 1000 }))
    const relaxed = JSON.parse((await cli([dir, '--format', 'json', '--quiet', '--config', config])).stdout) as Report
    expect(relaxed.findings.find((f) => f.ruleId === 'history/single-point-of-failure')?.message).not.toMatch(/bus factor 1/)
    writeFileSync(config, JSON.stringify({ spofWindow: 3 }))
    const bad = await cli([dir, '--config', config])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/unknown history policy setting spofWindow/)
  })

  it('rejects a --since that could become an option', async () => {
    const r = await cli([hobby(), '--since=--output=/tmp/x', '--quiet'])
    expect(r.code).toBe(2)
  })
})

describe('metrics and judgements', () => {
  it('computes bus factor, HHI and the Avelino truck factor', () => {
    expect(busFactor([50, 30, 20], 0.5)).toBe(1)
    expect(busFactor([30, 30, 20, 20], 0.5)).toBe(2)
    expect(hhi([1, 1, 1, 1])).toBeCloseTo(0.25)
    const file = (creator: string, changes: Record<string, number>) => ({ creator, changes: new Map(Object.entries(changes)) })
    const tf = truckFactor([file('a', { a: 10 }), file('a', { a: 5, b: 1 }), file('b', { b: 8 }), file('c', { c: 3 })], { normalized: 0.75, absolute: 3.293, orphanShare: 0.5 })
    expect(tf.truckFactor).toBe(2)
    expect(tf.authors[0]).toBe('a')
  })

  it('tells removed hardening flags from added ones, and a moved flag from a removed one', () => {
    const diff = (path: string, removed: string[], added: string[], extra: Partial<{ deleted: boolean; created: boolean }> = {}) => ({ path, deleted: false, created: false, added, removed, hunks: [[...removed.map((l) => `-${l}`), ...added.map((l) => `+${l}`)]], ...extra })
    const removed = judgeCommit([diff('configure.ac', ['CFLAGS="$CFLAGS -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2"'], ['CFLAGS="$CFLAGS -O2"'])])
    expect(removed.map((r) => r.kind)).toEqual(['hardening-flag-removed'])
    expect(removed[0]?.evidence).toEqual(['-CFLAGS="$CFLAGS -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2"', '+CFLAGS="$CFLAGS -O2"'])
    expect(judgeCommit([diff('configure.ac', ['CFLAGS="$CFLAGS -O2"'], ['CFLAGS="$CFLAGS -O2 -fstack-protector-strong"'])])).toEqual([])
    // moved from configure.ac into a CMake file in the same commit: nothing was removed
    expect(judgeCommit([diff('configure.ac', ['CFLAGS="$CFLAGS -fstack-protector-strong"'], []), diff('CMakeLists.txt', [], ['add_compile_options(-fstack-protector-strong)'])])).toEqual([])
    // a stricter sanitizer setting is not a disabled one
    expect(judgeCommit([diff('.github/workflows/ci.yml', ['  CFLAGS: -fsanitize=address'], ['  CFLAGS: -fsanitize=address -fno-sanitize-recover=all'])])).toEqual([])
    // fuzzer-no-link to fuzzer is the same sanitizer built differently
    expect(judgeCommit([diff('fuzz/CMakeLists.txt', ['target_compile_options(f PRIVATE -fsanitize=fuzzer-no-link)'], ['target_compile_options(f PRIVATE -fsanitize=fuzzer)'])]).map((r) => r.kind)).toEqual([])
    const contact = judgeCommit([diff('SECURITY.md', ['Mail security@project.example'], ['Mail security@evil.example'])])
    expect(contact.map((r) => [r.kind, r.detail])).toEqual([['security-contact', 'security contact: security@project.example → security@evil.example']])
  })

  it('reads sandbox and fuzzing changes by meaning, not by keyword', () => {
    const diff = (path: string, removed: string[], added: string[], extra: Partial<{ deleted: boolean; created: boolean; hunks: string[][] }> = {}) => ({ path, deleted: false, created: false, added, removed, hunks: [[...removed.map((l) => `-${l}`), ...added.map((l) => `+${l}`)]], ...extra })
    // adding a Landlock sandbox option disables nothing
    expect(judgeCommit([diff('CMakeLists.txt', [], ['option(ENABLE_LANDLOCK "Use the Landlock sandbox" ON)', 'if(NOT ENABLE_LANDLOCK)', '  message(STATUS "sandbox: no")', 'endif()'])])).toEqual([])
    // moving sandbox detection from one build file to another disables nothing
    const moved = ['check_include_file(linux/landlock.h HAVE_LINUX_LANDLOCK_H)', 'check_symbol_exists(SYS_landlock_create_ruleset sys/syscall.h HAVE_LANDLOCK)']
    expect(judgeCommit([diff('CMakeLists.txt', moved, []), diff('cmake/sandbox.cmake', [], moved)])).toEqual([])
    // the same switch turned from ON to OFF is a disabled sandbox, with before and after lines
    const off = judgeCommit([diff('CMakeLists.txt', ['option(ENABLE_SANDBOX "Sandboxing" ON)'], ['option(ENABLE_SANDBOX "Sandboxing" OFF)'])])
    expect(off.map((r) => r.kind)).toEqual(['sandbox-disabled'])
    expect(off[0]?.evidence).toEqual(['-option(ENABLE_SANDBOX "Sandboxing" ON)', '+option(ENABLE_SANDBOX "Sandboxing" OFF)'])
    // renamed fuzz targets (deleted and added) are not fuzzing-disabled; deleted without replacement are
    expect(judgeCommit([diff('fuzz/fuzz_decode.c', ['int LLVMFuzzerTestOneInput(){}'], [], { deleted: true }), diff('tests/fuzz/decode_fuzzer.c', [], ['int LLVMFuzzerTestOneInput(){}'], { created: true })])).toEqual([])
    expect(judgeCommit([diff('fuzz/fuzz_decode.c', ['int LLVMFuzzerTestOneInput(){}'], [], { deleted: true })]).map((r) => r.kind)).toEqual(['fuzzing-disabled'])
  })

  it('finds release power and dependencies without tags: version bumps and new runtime dependencies', () => {
    const hunk = (lines: string[]) => ({ path: 'package.json', deleted: false, created: false, added: lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1)), removed: lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1)), hunks: [lines] })
    const bump = judgeCommit([hunk([' {', '   "name": "x",', '-  "version": "3.3.5",', '+  "version": "3.3.6",'])])
    expect(bump.map((r) => [r.kind, r.detail])).toEqual([['version-bump', 'version 3.3.5 → 3.3.6']])
    const dep = judgeCommit([hunk(['   "dependencies": {', '+    "flatmap-stream": "^0.1.1",', '     "through": "~2.3.1"'])])
    expect(dep.map((r) => [r.kind, r.detail])).toEqual([['dependency-added', 'new dependency: flatmap-stream']])
    // an updated range and a new devDependency are not new runtime dependencies
    expect(judgeCommit([hunk(['   "dependencies": {', '-    "through": "~2.3.1"', '+    "through": "~2.3.4"'])])).toEqual([])
    expect(judgeCommit([hunk(['   "devDependencies": {', '+    "tape": "^4.0.0",'])])).toEqual([])
  })

  it('exports rule metadata for every rule id the command emits, and validates policy overrides', () => {
    const ids = historyRules.map((r) => r.id)
    for (const id of ['history/rapid-trust-escalation', 'history/release-manager-change', 'history/single-point-of-failure', 'history/maintainer-fatigue', 'history/weakened-defence']) expect(ids).toContain(id)
    expect(mergePolicy({ escalationScore: { high: 9 } }).escalationScore).toMatchObject({ high: 9, medium: 3 })
    expect(() => mergePolicy({ busFactorCoverage: '0.5' })).toThrow(/must be a number/)
  })
})
