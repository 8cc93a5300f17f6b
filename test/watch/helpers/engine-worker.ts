/**
 * A `watch worker` process for the fault tests, run with vite-node so it needs no build: the real
 * job engine and handlers, with short expiry and retry delays so a killed worker's job comes back
 * within seconds. Arguments: <postgres url> <cache dir> <cwd> [hold].
 * With `hold`, the worker stops for good right after recording its first job as started: the job
 * stays running on it until the test kills it, however fast the jobs are or however slowly the
 * worker starts, so the test never has to catch a short-lived state.
 */
import { JobEngine } from '../../../src/watch/queue/engine.js'
import { FAST_ENGINE } from './fast-engine.js'
import { WatchStore } from '../../../src/watch/store/store.js'

const [url, cacheDir, cwd, hold] = process.argv.slice(2)
if (!url || !cacheDir || !cwd) throw new Error('usage: engine-worker <url> <cacheDir> <cwd>')
const opened = await WatchStore.open(url)
const store: WatchStore =
  hold === 'hold'
    ? new Proxy(opened, {
        get(target, property) {
          // bound to the store itself: its methods reach private fields a proxy does not have
          if (property !== 'started') {
            const value = Reflect.get(target, property, target) as unknown
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
          }
          return async (key: string, worker: string) => {
            await target.started(key, worker)
            process.stderr.write(`worker ${process.pid} holds ${key}\n`)
            await new Promise(() => undefined)
          }
        },
      })
    : opened
const engine = await JobEngine.start(url, FAST_ENGINE)
await engine.work({ store, cwd, cacheDir, env: { ...process.env, HOME: cwd } }, 1)
process.stderr.write(`worker ${process.pid} ready\n`)
const stop = async () => {
  await engine.stop(5)
  await store.close()
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
// bounded: a worker left behind by a failed test ends by itself
setTimeout(() => void stop(), 240_000).unref()
