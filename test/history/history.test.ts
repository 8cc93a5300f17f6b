import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { history } from '../../src/history/history.js'
import type { Report } from '../../src/model/report.js'
import { renderText } from '../../src/report/text.js'
import { isolateGitConfig, removeTempDirs, tempDir } from '../git/fixtures.js'
import { generateKey, killAgent, type Key } from './builder.js'
import { corporate, hobby, rotation, slowOnboarding, takeover, type Takeover } from './scenarios.js'

isolateGitConfig()

interface Event {
  kind: string
  identity: string
  date: string
  commit?: string
  tag?: string
  keyId?: string
  path?: string
  detail?: string
}

const keys: Key[] = []
let founderKey: Key
let newcomerKey: Key
let repo: Takeover
let report: Report

const run = (dir: string, extra: Partial<Parameters<typeof history>[0]> = {}): Promise<Report> => history({ source: dir, cacheDir: tempDir(), offline: true, ...extra })
const high = (r: Report) => r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')

beforeAll(async () => {
  founderKey = generateKey('Lasse Founder <lasse.founder@example.org>')
  newcomerKey = generateKey('Jia Newcomer <jia.newcomer@example.org>')
  keys.push(founderKey, newcomerKey)
  repo = takeover(founderKey, newcomerKey)
  report = await run(repo.dir)
})

afterAll(() => {
  for (const k of keys) killAgent(k)
  removeTempDirs()
})

describe('takeover-like history', () => {
  it('flags rapid trust escalation of the newcomer as high or critical, with a dated timeline', () => {
    const esc = report.findings.filter((f) => f.ruleId === 'history/rapid-trust-escalation')
    expect(esc).toHaveLength(1)
    const f = esc[0]
    expect(['high', 'critical']).toContain(f?.severity)
    expect(f?.message).toContain('Jia Newcomer')
    expect(report.verdict).toBe('fail')
    expect(f?.evidence).toMatch(/2021-10-29\s+first-commit/)
  })

  it('records the newcomer’s power events in the right order', () => {
    const events = (report.summary.events as Event[]).filter((e) => e.identity === repo.newcomer.email)
    const firstOf = (kind: string): Event | undefined => events.find((e) => e.kind === kind)
    const order = ['first-commit', 'commit-access', 'ci', 'build', 'release-tag', 'test-data', 'weakened-defence']
    const dates = order.map((k) => firstOf(k)?.date)
    // the CI change that stopped running `make check` is itself the first weakened defence
    expect(dates, JSON.stringify(events.map((e) => [e.kind, e.date]))).toEqual(['2021-10-29', '2022-09-05', '2022-10-20', '2022-11-20', '2023-01-11', '2023-03-15', '2022-10-20'])
    expect(events.filter((e) => e.kind === 'weakened-defence').map((e) => e.date)).toEqual(['2022-10-20', '2024-02-20'])
    expect(events.map((e) => e.date)).toEqual([...events.map((e) => e.date)].sort())
    expect(firstOf('signed-tag')?.keyId).toBe(newcomerKey.keyId)
    expect(firstOf('signed-tag')?.tag).toBe('v5.4.0')
    expect(firstOf('new-signing-key')?.tag).toBe('v5.4.0')
    expect(firstOf('test-data')?.path).toBe('tests/files/bad-3-corrupt_lzma2.xz')
    expect(firstOf('urls')?.date).toBe('2022-11-20')
  })

  it('reports the broken sandbox check as a weakened defence, high because it co-occurs with the escalation', () => {
    const weak = report.findings.filter((f) => f.ruleId === 'history/weakened-defence')
    const sandbox = weak.find((f) => /feature-check-broken/.test(f.message))
    expect(sandbox?.severity).toBe('high')
    expect(sandbox?.path).toBe('CMakeLists.txt')
    expect(sandbox?.evidence).toContain('+.')
    const tests = weak.find((f) => /tests-disabled/.test(f.message))
    expect(tests?.path).toBe('.github/workflows/ci.yml')
  })

  it('reports the release-manager and key change, and the founder’s fatigue', () => {
    const rm = report.findings.filter((f) => f.ruleId === 'history/release-manager-change')
    expect(rm.some((f) => f.message.includes('v5.4.0') && f.message.includes(newcomerKey.keyId))).toBe(true)
    const fatigue = report.findings.find((f) => f.ruleId === 'history/maintainer-fatigue')
    expect(fatigue?.message).toContain('Lasse Founder')
    expect(fatigue?.severity).toBe('medium')
  })

  it('puts per-window shares, the ledger and patterns in the summary, and a one-screen text report', () => {
    const windows = report.summary.windows as { window: string; shares: Record<string, number>; busFactor: number; truckFactor: number | null }[]
    const q = windows.find((w) => w.window === '2023-Q2')
    expect(q?.shares[repo.newcomer.email]).toBeGreaterThan(q?.shares[repo.founder.email] ?? 0)
    expect(windows.find((w) => w.window === '2015-Q2')?.busFactor).toBe(1)
    const patterns = report.summary.patterns as { escalation: { identity: string; timeline: { kind: string; commit?: string }[] }[] }
    const timeline = patterns.escalation.find((e) => e.identity === repo.newcomer.email)?.timeline ?? []
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['first-commit', 'weakened-defence', 'new-signing-key']))
    // release power: its first act, a tag or (here, earlier) a version bump
    expect(timeline.some((e) => e.kind === 'release-tag' || e.kind === 'version-bump')).toBe(true)
    expect(timeline.some((e) => e.kind === 'commit-access' || e.kind === 'direct-push')).toBe(true)
    expect(timeline.every((e) => e.kind === 'release-tag' || e.kind === 'signed-tag' || e.kind === 'new-signing-key' || /^[0-9a-f]{40}$/.test(e.commit ?? ''))).toBe(true)
    const text = renderText(report, { color: false })
    expect(text).toMatch(/maintainers \(last year\): Jia Newcomer/)
    // the report leads with its highest finding: identity and dates, then the co-occurring signals
    const lead = text.split('\n').slice(1, 3)
    expect(lead[0]).toMatch(/^ {2}highest finding: (HIGH|CRITICAL) history\/rapid-trust-escalation: Jia Newcomer <jia\.newcomer@example\.org>, first commit 2021-10-29, power 20\d\d-\d\d-\d\d$/)
    expect(lead[1]).toMatch(/^ {4}signals: .*weakened/)
    expect(text).toMatch(/bus \/ truck factor: bus factor \d/)
    expect(text.split('\n').length).toBeLessThan(200)
  })
})

describe('benign histories are not flagged high', () => {
  it('slow co-maintainer onboarding over years', async () => {
    const r = await run(slowOnboarding())
    expect(high(r)).toEqual([])
    expect(r.findings.some((f) => f.ruleId === 'history/rapid-trust-escalation' && f.severity !== 'low')).toBe(false)
    const events = r.summary.events as Event[]
    expect(events.find((e) => e.identity === 'bob.builder@example.org' && e.kind === 'commit-access')?.date).toBe('2014-06-15')
  })

  it('a corporate project with many committers', async () => {
    const r = await run(corporate())
    expect(high(r)).toEqual([])
    expect(r.findings.filter((f) => f.ruleId === 'history/rapid-trust-escalation')).toEqual([])
    const overall = r.summary.overall as { busFactor: number; identities: number }
    expect(overall.busFactor).toBeGreaterThanOrEqual(3)
    expect(overall.identities).toBe(13)
  })

  it('a single hobby maintainer with no newcomers: a single point of failure, nothing more', async () => {
    const r = await run(hobby(), { window: 'year' })
    expect(high(r)).toEqual([])
    const spof = r.findings.find((f) => f.ruleId === 'history/single-point-of-failure')
    expect(spof?.severity).toBe('low')
    expect(spof?.message).toContain('Hobby Hacker')
    expect((r.summary.windows as { window: string }[])[0]?.window).toBe('2012')
    expect(r.findings.some((f) => f.ruleId === 'history/rapid-trust-escalation' || f.ruleId === 'history/release-manager-change')).toBe(false)
  })

  it('a project whose release manager rotates by policy', async () => {
    const r = await run(rotation())
    expect(high(r)).toEqual([])
    const changes = r.findings.filter((f) => f.ruleId === 'history/release-manager-change')
    expect(changes.length).toBe(3)
    expect(changes.filter((f) => f.severity === 'info').length).toBeGreaterThanOrEqual(2)
    expect(r.findings.filter((f) => f.ruleId === 'history/single-point-of-failure')).toEqual([])
  })
})
