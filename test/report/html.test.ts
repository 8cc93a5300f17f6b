import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import type { Report } from '../../src/model/report.js'
import { countBySeverity, verdictOf } from '../../src/policy/verdict.js'
import { renderHtml } from '../../src/report/html/page.js'
import { allRules } from '../../src/rules/catalog.js'
import { closeBrowser, openReport } from '../helpers/browser.js'
import { stagelight } from '../helpers/cli.js'

let root: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-html-'))
})

afterAll(async () => {
  await closeBrowser()
  rmSync(root, { recursive: true, force: true })
})

describe('HTML reports in headless Chromium', () => {
  it('a scan report loads with no console errors and no network requests, in light and dark mode, and its filters work', async () => {
    const tree = join(root, 'tree')
    mkdirSync(join(tree, 'm4'), { recursive: true })
    mkdirSync(join(tree, 'tests/data'), { recursive: true })
    writeFileSync(join(tree, 'm4/x.m4'), 'AC_DEFUN([X], [\n  p=`grep -aErls "~~[[:alnum:]]{4}~~" "$srcdir/tests/"`\n  cat "$p" | tr "a-z" "n-za-m" | base64 -d | $SHELL\n])\n')
    writeFileSync(join(tree, 'tests/data/blob.bin'), Buffer.concat([Buffer.from('junk-prefix-1234'), gzipSync('#!/bin/sh\necho <script>alert(1)</script>\n')]))
    const file = join(root, 'scan.html')
    const r = await stagelight(['scan', tree, '--format', 'html', '--output', file, '--quiet'])
    expect(r.code).toBe(1)
    const html = readFileSync(file, 'utf8')
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//)
    for (const scheme of ['light', 'dark'] as const) {
      const opened = await openReport(file, { colorScheme: scheme })
      try {
        expect(opened.errors).toEqual([])
        expect(opened.requests).toEqual([])
        expect(await opened.page.locator('h1').innerText()).toMatch(/FAIL\s+stagelight scan/)
        const critical = opened.page.locator('li.finding[data-severity="critical"]')
        expect(await critical.count()).toBeGreaterThan(0)
        await opened.screenshot(`scan-${scheme}`)
        if (scheme === 'light') {
          // keyboard: the first severity filter is reachable and unticking it hides those findings
          const box = opened.page.locator('input[data-filter-severity="critical"]')
          await box.focus()
          await opened.page.keyboard.press('Space')
          expect(await critical.first().isHidden()).toBe(true)
          expect(await opened.page.locator('li.finding[data-severity="high"]').first().isVisible()).toBe(true)
        }
      } finally {
        await opened.close()
      }
    }
  })

  it('an audit report table sorts by column and filters by text', async () => {
    const pkg = (name: string, findings: Finding[]): Finding[] => findings.map((f) => ({ ...f, data: { package: { name, version: '1.0.0', purl: `pkg:npm/${name}@1.0.0` } } }))
    const findings = [
      ...pkg('left-pad', [{ ruleId: 'audit/install-script', severity: 'low', confidence: 'high', message: 'left-pad@1.0.0 runs a postinstall script' }]),
      ...pkg('evil-pkg', [
        { ruleId: 'audit/malicious-package', severity: 'critical', confidence: 'high', message: 'evil-pkg@1.0.0 is a known malicious package' },
        { ruleId: 'audit/publisher-changed', severity: 'medium', confidence: 'high', message: 'evil-pkg@1.0.0 published by a new account' },
      ]),
    ]
    const packages = ['left-pad', 'evil-pkg', 'zod', 'chalk'].map((name) => ({ name, version: '1.0.0', purl: `pkg:npm/${name}@1.0.0`, ecosystem: 'npm', source: 'registry', dev: false, findings: findings.filter((f) => (f.data?.['package'] as { name: string }).name === name).map((f) => ({ ruleId: f.ruleId, severity: f.severity })) }))
    const report: Report = { tool: 'stagelight', schemaVersion: 1, version: '0.0.0', command: 'audit', verdict: verdictOf(findings), subject: { target: '.' }, facts: [], findings, explained: [], summary: { findings: countBySeverity(findings), packages } }
    const file = join(root, 'audit.html')
    writeFileSync(file, renderHtml(report, allRules()))
    const opened = await openReport(file)
    try {
      expect(opened.errors).toEqual([])
      expect(opened.requests).toEqual([])
      const names = () => opened.page.locator('#deps tbody tr:not([hidden]) td:first-child').allInnerTexts()
      expect((await names())[0]).toBe('evil-pkg')
      await opened.page.locator('#deps thead button', { hasText: 'package' }).click()
      expect(await names()).toEqual(['chalk', 'evil-pkg', 'left-pad', 'zod'])
      await opened.page.locator('#deps thead button', { hasText: 'package' }).click()
      expect(await names()).toEqual(['zod', 'left-pad', 'evil-pkg', 'chalk'])
      await opened.page.locator('#deps thead button', { hasText: 'findings' }).click()
      expect((await names()).slice(-1)).toEqual(['evil-pkg'])
      await opened.page.locator('#deps-filter').fill('install-script')
      expect(await names()).toEqual(['left-pad'])
      expect(await opened.page.locator('[data-count-for="deps"]').innerText()).toBe('1')
      expect(await opened.page.locator('#signals-chart rect').count()).toBe(3)
      await opened.screenshot('audit')
    } finally {
      await opened.close()
    }
  })
})
