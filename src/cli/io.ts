import type { ProgressEvent } from '../model/progress.js'
import { lineProgress, TerminalProgress, type ProgressStream } from './progress.js'
/** Everything the CLI touches of the outside world, so tests can run main() in-process. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean }
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean }
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
}

/** Colour by the usual conventions: NO_COLOR and FORCE_COLOR=0/false turn it off, FORCE_COLOR on, else a terminal that is not TERM=dumb. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR.toLowerCase() !== 'false'
  if (env.TERM === 'dumb') return false
  return stream.isTTY === true
}

/** Progress goes to stderr: redrawn in place on a terminal, one line per step with --verbose elsewhere, nothing with --quiet. */
export function progressReporter(io: CliIO, options: { quiet: boolean; verbose: boolean }): (event: ProgressEvent) => void {
  if (options.quiet) return () => undefined
  // a dumb terminal cannot redraw a line in place: plain lines there, as in logs
  if (io.stderr.isTTY && io.env.TERM !== 'dumb') {
    const terminal = new TerminalProgress(io.stderr as ProgressStream)
    active.set(io, terminal)
    return terminal.update
  }
  return options.verbose ? lineProgress(io.stderr as ProgressStream) : () => undefined
}

const active = new WeakMap<CliIO, TerminalProgress>()

export function clearProgress(io: CliIO): void {
  active.get(io)?.clear()
}
