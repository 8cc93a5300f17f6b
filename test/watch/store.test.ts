import { afterAll, describe, expect, it } from 'vitest'
import { WatchStore } from '../../src/watch/store/store.js'
import { migrate, MIGRATIONS } from '../../src/watch/store/migrations.js'
import { jobKey } from '../../src/watch/model.js'
import { AVAILABLE, cleanupBackends } from './helpers/stores.js'
import type { Report } from '../../src/model/report.js'

afterAll(cleanupBackends)

const report = (verdict: Report['verdict']): Report =>
  ({ tool: 'stagelight', schemaVersion: 1, version: '0', command: 'scan', verdict, subject: {}, facts: [], findings: [], explained: [], summary: { findings: { info: 0, low: 0, medium: 0, high: 0, critical: 0 } } }) as Report

describe.each(AVAILABLE)('watch store on $name', (backend) => {
  it('migrates once, and a second open (another process) applies nothing again', async () => {
    const location = await backend.location('migrate')
    const [a, b] = await Promise.all([WatchStore.open(location), WatchStore.open(location)])
    const rows = await a.sql.all<{ version: number }>('SELECT version FROM schema_migrations')
    expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version))
    expect(await migrate(b.sql)).toBe(MIGRATIONS.at(-1)!.version)
    await a.close()
    await b.close()
  })

  it('refuses a database whose schema is newer than the code', async () => {
    const store = await WatchStore.open(await backend.location('newer'))
    await store.sql.run(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')`)
    await expect(migrate(store.sql)).rejects.toMatchObject({ code: 'E_INPUT_INVALID' })
    await store.close()
  })

  it('records a release once however often it is found, and keeps target origins', async () => {
    const store = await WatchStore.open(await backend.location('releases'))
    expect(await store.addTarget({ key: 'npm:a', kind: 'npm', name: 'a' }, 'manual')).toBe(true)
    expect(await store.addTarget({ key: 'npm:a', kind: 'npm', name: 'a' }, 'inventory:web')).toBe(false)
    expect((await store.target('npm:a'))?.origins).toEqual(['inventory:web', 'manual'])
    expect(await store.addReleases('npm:a', [{ version: '1.0.0' }, { version: '1.1.0' }], true)).toHaveLength(2)
    const again = await store.addReleases('npm:a', [{ version: '1.1.0' }, { version: '1.2.0' }], false)
    expect(again.map((r) => r.version)).toEqual(['1.2.0'])
    expect((await store.releases('npm:a')).filter((r) => !r.baseline).map((r) => r.version)).toEqual(['1.2.0'])
    await store.close()
  })

  it('stores a completed job’s events exactly once, even when the job is delivered twice', async () => {
    const store = await WatchStore.open(await backend.location('jobs'))
    await store.addTarget({ key: 'npm:a', kind: 'npm', name: 'a' }, 'manual')
    const key = jobKey('npm:a', '1.2.0', 'scan')
    expect(await store.enqueue({ key, target: 'npm:a', version: '1.2.0', analysis: 'scan' })).toBe(true)
    expect(await store.enqueue({ key, target: 'npm:a', version: '1.2.0', analysis: 'scan' })).toBe(false)
    const claimed = await store.claim('w1', 60_000)
    expect(claimed?.key).toBe(key)
    expect(await store.claim('w2', 60_000)).toBeUndefined()
    const events = [
      { severity: 'critical' as const, ruleId: 'npm/install-script', message: 'a@1.2.0 runs curl | sh at install', evidence: 'postinstall: curl x | sh' },
      { severity: 'low' as const, ruleId: 'watch/publisher-changed', message: 'published by b', evidence: undefined },
    ]
    expect(await store.complete(key, report('fail'), events)).toBe(true)
    expect(await store.complete(key, report('fail'), events)).toBe(false)
    const stored = await store.events()
    expect(stored).toHaveLength(2)
    expect(stored.map((e) => e.severity).sort()).toEqual(['critical', 'low'])
    expect((await store.events({ minSeverity: 'high' })).map((e) => e.ruleId)).toEqual(['npm/install-script'])
    expect((await store.report(key))?.verdict).toBe('fail')
    expect((await store.job(key))?.status).toBe('done')
    await store.close()
  })

  it('retries a failed job after its backoff and declares it dead when told no attempt is left', async () => {
    const store = await WatchStore.open(await backend.location('retry'))
    const key = jobKey('npm:b', '2.0.0', 'signals')
    await store.enqueue({ key, target: 'npm:b', version: '2.0.0', analysis: 'signals' })
    await store.claim('w1', 60_000)
    await store.fail(key, 'registry unreachable', 60_000)
    expect(await store.claim('w1', 60_000)).toBeUndefined() // not before its backoff
    expect((await store.job(key))?.status).toBe('queued')
    await store.fail(key, 'registry unreachable', 0)
    expect((await store.claim('w1', 60_000))?.attempts).toBe(2)
    await store.fail(key, 'still unreachable', undefined)
    expect(await store.job(key)).toMatchObject({ status: 'dead', lastError: 'still unreachable' })
    expect(await store.requeueDead()).toBe(1)
    expect((await store.job(key))?.status).toBe('queued')
    await store.close()
  })

  it('takes back a running job whose worker died (its lease ran out)', async () => {
    const store = await WatchStore.open(await backend.location('lease'))
    const key = jobKey('npm:c', '1.0.0', 'scan')
    await store.enqueue({ key, target: 'npm:c', version: '1.0.0', analysis: 'scan' })
    expect((await store.claim('dead-worker', 1))?.worker).toBe('dead-worker')
    await new Promise((r) => setTimeout(r, 20))
    expect(await store.claim('w2', 60_000)).toMatchObject({ key, worker: 'w2', attempts: 2 })
    await store.close()
  })

  it('replaces an inventory’s packages and drops targets only it brought', async () => {
    const store = await WatchStore.open(await backend.location('inventory'))
    const pkgs = Array.from({ length: 450 }, (_, i) => ({ ecosystem: 'npm', name: `p${i}`, version: '1.0.0', location: `node_modules/p${i}`, dev: false }))
    await store.putInventory('web', '/srv/web/package-lock.json', 'package-lock.json v3', 'd1', pkgs)
    await store.putInventory('web', '/srv/web/package-lock.json', 'package-lock.json v3', 'd2', pkgs.slice(0, 10))
    expect((await store.inventories())[0]).toMatchObject({ key: 'web', digest: 'd2', packages: 10 })
    expect(await store.holdings('npm', ['p3', 'p300'])).toEqual([{ inventory: 'web', ecosystem: 'npm', name: 'p3', version: '1.0.0', location: 'node_modules/p3', dev: false }])
    await store.addTarget({ key: 'npm:p1', kind: 'npm', name: 'p1' }, 'inventory:web')
    await store.addTarget({ key: 'npm:p2', kind: 'npm', name: 'p2' }, 'inventory:web')
    await store.addTarget({ key: 'npm:p2', kind: 'npm', name: 'p2' }, 'manual')
    expect(await store.removeInventory('web')).toBe(true)
    expect((await store.targets()).map((t) => t.key)).toEqual(['npm:p2'])
    expect(await store.holdings('npm', ['p3'])).toEqual([])
    await store.close()
  })
})
