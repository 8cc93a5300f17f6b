/**
 * The audit HTML report read as a person reads it, in Debian's headless Chromium: findings (with
 * their severity counts) before the long dependency table, a legend for the chart, references as
 * links, and nothing wider than a 390-pixel phone screen.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli/main.js'
import { closeBrowser, openReport } from '../helpers/browser.js'

let root: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-audit-html-'))
})
afterAll(async () => {
  await closeBrowser()
  rmSync(root, { recursive: true, force: true })
})

/** 400 packages with long scoped names, one of them with a known advisory. */
async function auditHtml(): Promise<string> {
  const osv = join(root, 'osv')
  mkdirSync(osv, { recursive: true })
  writeFileSync(
    join(osv, 'GHSA-html-html-html.json'),
    JSON.stringify({
      id: 'GHSA-html-html-html',
      modified: '2024-01-01T00:00:00Z',
      aliases: ['CVE-2024-22222'],
      summary: 'prototype pollution in the merge helper',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [{ package: { ecosystem: 'npm', name: '@acme-platform-tooling/configuration-merge-helpers-0' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
      references: [{ type: 'ADVISORY', url: 'https://nvd.nist.gov/vuln/detail/CVE-2024-22222' }],
    }),
  )
  const names = Array.from({ length: 400 }, (_, i) => `@acme-platform-tooling/configuration-merge-helpers-${i}`)
  const packages: Record<string, object> = { '': { dependencies: Object.fromEntries(names.map((n) => [n, '*'])) } }
  for (const n of names) packages[`node_modules/${n}`] = { version: '1.0.0', resolved: `https://registry.npmjs.org/${n}/-/${n.split('/')[1]}-1.0.0.tgz`, integrity: 'sha512-AAAA' }
  packages['node_modules/@acme-platform-tooling/configuration-merge-helpers-7'] = { version: '1.0.0', resolved: 'http://registry.npmjs.org/x/-/x-1.0.0.tgz', integrity: 'sha1-AAAA' }
  const lock = join(root, 'package-lock.json')
  writeFileSync(lock, JSON.stringify({ lockfileVersion: 3, packages }))
  const out = join(root, 'audit.html')
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  await main(['audit', lock, '--offline', '--no-registry-signals', '--advisories', osv, '--format', 'html', '--output', out, '--quiet'], { stdout, stderr, env: { NO_COLOR: '1' }, cwd: root })
  return out
}

describe('audit HTML report', () => {
  it('puts the findings and their counts first, the table last, explains the chart and links the references', async () => {
    const opened = await openReport(await auditHtml())
    try {
      expect(opened.errors).toEqual([])
      expect(opened.requests).toEqual([])
      const top = (selector: string) => opened.page.locator(selector).first().evaluate((e) => e.getBoundingClientRect().top + (globalThis as unknown as { scrollY: number }).scrollY)
      expect(await top('#findings-h')).toBeLessThan(await top('#facts-h'))
      expect(await top('#facts-h')).toBeLessThan(await top('#deps-h'))
      // the severity counts are visible without scrolling
      expect(await top('.severity-bar')).toBeLessThan(900)
      expect(await opened.page.locator('.legend span').allInnerTexts()).toEqual(['critical', 'high', 'medium'])
      const links = await opened.page.locator('.refs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
      expect(links).toContain('https://nvd.nist.gov/vuln/detail/CVE-2024-22222')
      expect(links).toContain('https://osv.dev/vulnerability/GHSA-html-html-html')
      // where in the dependency tree, beside the file
      const advisory = opened.page.locator('.finding[data-rule="audit/known-vulnerability"]').first()
      expect(await advisory.locator('.via').innerText()).toBe('@acme-platform-tooling/configuration-merge-helpers-0')
      await opened.screenshot('audit-desktop')
    } finally {
      await opened.close()
    }
  }, 120_000)

  it('fits a 390-pixel phone screen, light and dark', async () => {
    const file = await auditHtml()
    for (const colorScheme of ['light', 'dark'] as const) {
      const opened = await openReport(file, { colorScheme })
      try {
        await opened.page.setViewportSize({ width: 390, height: 844 })
        const width = await opened.page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)
        expect(width).toBeLessThanOrEqual(390)
        const table = await opened.page.locator('#deps').evaluate((e) => e.getBoundingClientRect().width)
        expect(table).toBeLessThanOrEqual(390)
        await opened.screenshot(`audit-390-${colorScheme}`)
      } finally {
        await opened.close()
      }
    }
  }, 120_000)
})
