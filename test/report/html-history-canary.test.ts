import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/index.js'
import { closeBrowser, openReport } from '../helpers/browser.js'
import { stagelight } from '../helpers/cli.js'
import { sarifErrors } from '../helpers/sarif.js'
import { generateKey, killAgent, type Key } from '../history/builder.js'
import { takeover, type Takeover } from '../history/scenarios.js'

let root: string
let keys: Key[] = []
let repo: Takeover

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-html2-'))
  keys = [generateKey('Lasse Founder <lasse.founder@example.org>'), generateKey('Jia Newcomer <jia.newcomer@example.org>')]
  repo = takeover(keys[0] as Key, keys[1] as Key)
}, 900_000)

afterAll(async () => {
  await closeBrowser()
  for (const k of keys) killAgent(k)
  rmSync(root, { recursive: true, force: true })
})

describe('history and canary in HTML', () => {
  it('the history timeline draws one band per identity, one marker per power event, and highlights the escalation', async () => {
    const args = ['history', repo.dir, '--window', 'year', '--cache-dir', join(root, 'cache')]
    const json = JSON.parse((await stagelight([...args, '--format', 'json'])).stdout) as Report
    const identities = (json.summary['identities'] as { id: string }[]).length
    const events = json.summary['events'] as { kind: string }[]
    const file = join(root, 'history.html')
    const r = await stagelight([...args, '--format', 'html', '--output', file, '--quiet'])
    expect(r.code).toBe(1)
    const opened = await openReport(file)
    try {
      expect(opened.errors).toEqual([])
      expect(opened.requests).toEqual([])
      // three people, no "others" band: every identity has its own series
      expect(identities).toBe(3)
      expect(await opened.page.locator('#history-chart polygon.series').count()).toBe(3)
      const markers = opened.page.locator('#history-chart text.marker')
      expect(await markers.count()).toBe(events.filter((e) => /first-commit|commit-access|direct-push|web-merge|version-bump|publish-workflow|release-tag|signed-tag|new-signing-key|weakened-defence|build|ci|release|security|test-data|url/.test(e.kind)).length)
      expect(await opened.page.locator('#history-chart text.marker.escalation').count()).toBeGreaterThan(3)
      expect(await opened.page.locator('.legend .escalation').innerText()).toContain('Jia Newcomer')
      // a marker carries its detail for a keyboard user too
      const weakened = opened.page.locator('#history-chart text.marker[data-kind="weakened-defence"]')
      const labels = await Promise.all((await weakened.all()).map((m) => m.getAttribute('aria-label')))
      expect(labels.some((l) => /^2024-02-2\d Jia Newcomer: weakened-defence .*CMakeLists\.txt/.test(l ?? ''))).toBe(true)
      expect(labels.every((l) => /Jia Newcomer/.test(l ?? ''))).toBe(true)
      expect(await weakened.first().getAttribute('tabindex')).toBe('0')
      await opened.screenshot('history')
    } finally {
      await opened.close()
    }
    const sarif = await stagelight([...args, '--format', 'sarif'])
    expect(sarifErrors(sarif.stdout)).toEqual([])
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; level: string }[] }[] }).runs[0]?.results ?? []
    expect(results.find((r) => r.ruleId === 'history/rapid-trust-escalation')?.level).toBe('error')
    const markdown = (await stagelight([...args, '--format', 'markdown'])).stdout
    expect(markdown).toMatch(/^### stagelight history: .*FAIL/)
    expect(markdown).toContain('`history/rapid-trust-escalation`')
  })

  it('canary draws a box per side for each measured figure', async () => {
    const file = join(root, 'canary.html')
    const r = await stagelight(['canary', 'run', '--baseline', 'sh -c "i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done"', '--candidate', 'sh -c "i=0; while [ $i -lt 2600 ]; do i=$((i+1)); done"', '--runs', '5', '--warmup', '1', '--format', 'html', '--output', file, '--quiet', '--fail-on', 'none'])
    expect(r.code).toBe(0)
    const opened = await openReport(file)
    try {
      expect(opened.errors).toEqual([])
      expect(opened.requests).toEqual([])
      const plots = opened.page.locator('svg.canary-plot')
      expect(await plots.count()).toBeGreaterThanOrEqual(1)
      for (let i = 0; i < (await plots.count()); i++) {
        expect(await plots.nth(i).locator('g.box').count()).toBe(2)
        expect(await plots.nth(i).locator('g.box.baseline circle').count()).toBe(5)
      }
      await opened.screenshot('canary')
    } finally {
      await opened.close()
    }
    const sarif = await stagelight(['canary', 'run', '--baseline', 'true', '--candidate', 'sh -c "sleep 0.3"', '--runs', '4', '--warmup', '0', '--format', 'sarif', '--fail-on', 'none'])
    expect(sarifErrors(sarif.stdout)).toEqual([])
    expect(JSON.stringify(JSON.parse(sarif.stdout))).toMatch(/canary\/(slower|inconclusive)/)
  })
})
