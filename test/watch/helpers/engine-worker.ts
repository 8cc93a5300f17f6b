/**
 * A `watch worker` process for the fault tests, run with vite-node so it needs no build: the real
 * job engine and handlers, with short expiry and retry delays so a killed worker's job comes back
 * within seconds. Arguments: <postgres url> <cache dir> <cwd>.
 */
import { JobEngine } from '../../../src/watch/queue/engine.js'
import { FAST_ENGINE } from './fast-engine.js'
import { WatchStore } from '../../../src/watch/store/store.js'

const [url, cacheDir, cwd] = process.argv.slice(2)
if (!url || !cacheDir || !cwd) throw new Error('usage: engine-worker <url> <cacheDir> <cwd>')
const store = await WatchStore.open(url)
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
