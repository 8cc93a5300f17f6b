/**
 * @fileoverview xz and bzip2 through the system's own decoders (xz-utils, bzip2), streamed through
 * a child process. The WASM xz decoder lacks the SHA-256 integrity check that many real releases
 * use (xz's own tarballs among them), and the JavaScript bzip2 decoder takes seconds where bzip2
 * takes a fraction of one, so both are only the fallback where the program is not installed.
 * Only bytes are handed over: `xz -dc` and `bzip2 -dc` decode, they run nothing from the data, and
 * a decoder that misbehaves on hostile data does so in its own process.
 */
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { DataError, Unsupported } from './failures.js'

/** What one xz stream may ask of memory before xz refuses it (xz's own default for decoding is unlimited). */
const MEMLIMIT = '512MiB'

const available = new Map<string, boolean>()

/** Is a working `program` on PATH? Checked once per process and program. */
export function systemDecoderAvailable(program: 'xz' | 'bzip2'): boolean {
  let known = available.get(program)
  if (known === undefined) available.set(program, (known = spawnSync(program, ['--version'], { stdio: 'ignore', timeout: 5000 }).status === 0))
  return known
}

/** xz (all concatenated streams, as `xz -d` does) or legacy .lzma. */
export function unxzWithProcess(input: AsyncIterable<Buffer>, format: 'xz' | 'lzma' = 'xz'): AsyncGenerator<Buffer> {
  return decodeWithProcess(input, 'xz', ['-dc', '-q', '-q', `--format=${format}`, `--memlimit=${MEMLIMIT}`], (stderr, code) => {
    if (code === 0) return undefined
    const reason = stderr.replace(/^xz: \(stdin\): /gm, '').trim().split('\n')[0] ?? ''
    if (/memory usage limit/i.test(reason)) return new Unsupported(`xz stream needs more than ${MEMLIMIT} of memory to decode`)
    return reason ? new DataError(`xz: ${reason}`) : undefined
  })
}

/**
 * bzip2, all concatenated streams (as pbzip2 writes them). bzip2 only warns about bytes after the
 * last stream; they are not part of the data, so they count as corruption here, as in the
 * JavaScript decoder.
 */
export function bunzip2WithProcess(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  return decodeWithProcess(input, 'bzip2', ['-dc'], (stderr, code) => {
    const reason = stderr
      .split('\n')
      .map((l) => l.replace(/^bzip2: (?:\(stdin\):? )?/, '').trim())
      .find((l) => l !== '')
    if (code === 0) return /trailing garbage/i.test(stderr) ? new DataError('bzip2: bytes after the end of the compressed data') : undefined
    return reason ? new DataError(`bzip2: ${reason.replace(/[;.]$/, '')}`) : undefined
  })
}

/**
 * Runs `program args` as a filter with backpressure on both sides: input is written only when the
 * program has drained the last write, and output is read only when the consumer pulls. `failure`
 * turns the program's stderr and exit status into the error to throw (undefined: none, unless the
 * status is not 0).
 */
async function* decodeWithProcess(input: AsyncIterable<Buffer>, program: string, args: readonly string[], failure: (stderr: string, code: number | null) => Error | undefined): AsyncGenerator<Buffer> {
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 2000) stderr += c.toString('utf8')
  })
  child.stdin.on('error', () => undefined) // the decoder may stop reading early on bad data: its exit status tells
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
    const error = failure(stderr, code)
    if (error) throw error
    if (code !== 0) throw new DataError(`${program}: exit status ${code}`)
    completed = true
  } finally {
    if (!completed) {
      child.kill()
      await feeding.catch(() => undefined)
    }
  }
}
