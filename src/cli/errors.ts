import { redactSecrets } from '../audit/redact.js'
import { StagelightError, exitCodeFor, type ErrorCode } from '../errors.js'
import { escapeLine } from '../report/escape.js'
import type { CliIO } from './io.js'

/** What to do next, per error code, shown under the one-line message. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  E_USAGE: "Run 'stagelight {command} --help' for the options and examples.",
  E_TOOL_MISSING: 'Install the missing program and run again; stagelight does not report a pass it could not check.',
  E_NETWORK: 'Check the network, or use --offline with a cached copy.',
}

const redact = redactSecrets

export interface ErrorOutput {
  readonly json: boolean
  readonly debug: boolean
  readonly command: string
  readonly version: string
}

/** One clear line on stderr (a stack only with --debug); in JSON mode, a structured object on stdout as well. */
export function reportError(err: unknown, io: CliIO, output: ErrorOutput): number {
  const code = exitCodeFor(err)
  const known = err instanceof StagelightError
  const message = redact(known ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`)
  // messages name files and refs from the input: one line, control characters shown as escapes
  io.stderr.write(`stagelight: error: ${escapeLine(message)}\n`)
  const hint = known ? HINTS[err.code] : 'This is a bug in stagelight; run again with --debug and report the stack trace.'
  if (hint) io.stderr.write(`  ${hint.replace('{command}', output.command || '<command>').replace('stagelight  --help', 'stagelight --help')}\n`)
  if (output.debug && err instanceof Error && err.stack) io.stderr.write(`${redact(err.stack)}\n`)
  if (output.json) {
    const error = known ? { code: err.code, message, data: err.data } : { code: 'E_INTERNAL', message }
    io.stdout.write(`${JSON.stringify({ tool: 'stagelight', version: output.version, command: output.command, error }, null, 2)}\n`)
  }
  return code
}
