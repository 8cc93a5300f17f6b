/** Runs the CLI in this process (so the tests need no build), capturing what it writes. */
import { PassThrough } from 'node:stream'
import { main } from '../../../src/cli/main.js'

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export async function cli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')))
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')))
  const code = await main(args, { stdout, stderr, env: { NO_COLOR: '1', HOME: cwd, ...env }, cwd })
  return { code, stdout: out, stderr: err }
}
