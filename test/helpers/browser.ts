/**
 * Opens a report in the real headless Chromium Debian ships, driven by playwright-core, and records
 * what a reader would suffer: console errors, page errors, and any request that leaves the file.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = join(process.cwd(), 'test-artifacts')

export interface OpenedReport {
  readonly page: Page
  readonly errors: string[]
  /** every request other than the report file itself */
  readonly requests: string[]
  screenshot(name: string): Promise<string>
  close(): Promise<void>
}

let browser: Browser | undefined

export async function openReport(file: string, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<OpenedReport> {
  browser ??= await chromium.launch({ executablePath: EXECUTABLE, args: ['--no-sandbox', '--disable-gpu'] })
  const context = await browser.newContext({ colorScheme: options.colorScheme ?? 'light', viewport: { width: 1200, height: 900 } })
  const page = await context.newPage()
  const errors: string[] = []
  const requests: string[] = []
  const url = pathToFileURL(file).href
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url())
  })
  await page.goto(url, { waitUntil: 'load' })
  return {
    page,
    errors,
    requests,
    async screenshot(name) {
      mkdirSync(ARTIFACTS, { recursive: true })
      const path = join(ARTIFACTS, `${name}.png`)
      await page.screenshot({ path, fullPage: true })
      return path
    },
    close: () => context.close(),
  }
}

export async function closeBrowser(): Promise<void> {
  await browser?.close()
  browser = undefined
}
