/** Runs `stagelight canary …` in-process the way src/cli/main.ts runs a registered command. */
import { Command, CommanderError } from 'commander'
import { PassThrough } from 'node:stream'
import type { CliIO } from '../../src/cli/io.js'

// the compiled CLI (as the other CLI tests use it: `npm test` builds first), typed from the sources
const dist = (path: string): string => new URL(`../../dist/src/${path}`, import.meta.url).href
const { canaryCommand } = (await import(dist('cli/commands/canary.js'))) as typeof import('../../src/cli/commands/canary.js')
const { reportError } = (await import(dist('cli/errors.js'))) as typeof import('../../src/cli/errors.js')
const { EXIT } = (await import(dist('errors.js'))) as typeof import('../../src/errors.js')

export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export async function canary(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  let stdout = ''
  let stderr = ''
  const out = new PassThrough()
  const err = new PassThrough()
  out.on('data', (c: Buffer) => (stdout += c.toString()))
  err.on('data', (c: Buffer) => (stderr += c.toString()))
  const io: CliIO = { stdout: out, stderr: err, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...options.env }, cwd: options.cwd ?? process.cwd() }
  let code: number = EXIT.ok as number
  const program = new Command('stagelight').exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
  program.addCommand(canaryCommand(io, (c) => (code = c)).exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) }))
  for (const sub of program.commands.flatMap((c) => c.commands)) sub.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
  try {
    await program.parseAsync(['canary', ...args], { from: 'user' })
  } catch (e) {
    if (e instanceof CommanderError) code = e.code === 'commander.helpDisplayed' || e.code === 'commander.help' ? EXIT.ok : EXIT.usage
    else code = reportError(e, io, { json: args.includes('json'), debug: false, command: 'canary', version: '0' })
  }
  return { code, stdout, stderr }
}
