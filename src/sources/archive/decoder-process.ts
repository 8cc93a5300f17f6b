/**
 * @fileoverview xz through the system's own decoder (xz-utils), streamed through a child process.
 * The WASM decoder in xz-decompress lacks the SHA-256 integrity check that many real releases use
 * (xz's own tarballs among them), so it is only the fallback where `xz` is not installed.
 * Only bytes are handed over: `xz -dc` decodes, it runs nothing from the data.
 */
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { DataError, Unsupported } from './failures.js'

/** What one stream may ask of memory before xz refuses it (xz's own default for decoding is unlimited). */
const MEMLIMIT = '512MiB'

let available: boolean | undefined

/** Is a working `xz` on PATH? Checked once per process. */
export function systemXzAvailable(): boolean {
  available ??= spawnSync('xz', ['--version'], { stdio: 'ignore', timeout: 5000 }).status === 0
  return available
}

/**
 * Decodes xz (all concatenated streams, as `xz -d` does) or legacy .lzma with backpressure on both sides: input is
 * written only when xz has drained the last write, and output is read only when the consumer pulls.
 */
export async function* unxzWithProcess(input: AsyncIterable<Buffer>, format: 'xz' | 'lzma' = 'xz'): AsyncGenerator<Buffer> {
  const child = spawn('xz', ['-dc', '-q', '-q', `--format=${format}`, `--memlimit=${MEMLIMIT}`], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 2000) stderr += c.toString('utf8')
  })
  child.stdin.on('error', () => undefined) // xz may stop reading early on bad data: its exit status tells
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>
  let inputError: unknown
  const feeding = (async () => {
    try {
      for await (const chunk of input) {
        if (child.stdin.destroyed) return
        if (!child.stdin.write(chunk)) {
          // the waiter that loses the race is removed, or every write that waits leaves a listener behind
          const settled = new AbortController()
          await Promise.race([once(child.stdin, 'drain', { signal: settled.signal }), once(child.stdin, 'close', { signal: settled.signal })]).finally(() => settled.abort())
        }
      }
    } catch (err) {
      inputError = err
      child.kill()
    } finally {
      child.stdin.end()
    }
  })()
  let completed = false
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) yield chunk
    await feeding
    const [code] = await exited
    if (inputError) throw inputError
    if (code !== 0) {
      const reason = stderr.replace(/^xz: \(stdin\): /gm, '').trim().split('\n')[0] ?? `exit ${code}`
      if (/memory usage limit/i.test(reason)) throw new Unsupported(`xz stream needs more than ${MEMLIMIT} of memory to decode`)
      throw new DataError(`xz: ${reason || `exit status ${code}`}`)
    }
    completed = true
  } finally {
    if (!completed) {
      child.kill()
      await feeding.catch(() => undefined)
    }
  }
}
