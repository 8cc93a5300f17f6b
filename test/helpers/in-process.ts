/** Runs the CLI's main() in this process (so a test needs no build), capturing what it writes. */
import { PassThrough } from 'node:stream'
import { main } from '../../src/cli/main.js'

export interface InProcessRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** `env` is the whole environment main() sees, with colour off unless the test says otherwise. */
export async function runMain(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<InProcessRun> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')))
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')))
  const code = await main(args, { stdout, stderr, env: { NO_COLOR: '1', ...options.env }, cwd: options.cwd })
  return { code, stdout: out, stderr: err }
}
