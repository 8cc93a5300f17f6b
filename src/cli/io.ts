import type { ProgressEvent } from '../model/progress.js'
import { lineProgress, TerminalProgress, type ProgressStream } from './progress.js'
/** Everything the CLI touches of the outside world, so tests can run main() in-process. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean }
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean }
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
}

export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return stream.isTTY === true
}

/** Progress goes to stderr: redrawn in place on a terminal, one line per step with --verbose elsewhere, nothing with --quiet. */
export function progressReporter(io: CliIO, options: { quiet: boolean; verbose: boolean }): (event: ProgressEvent) => void {
  if (options.quiet) return () => undefined
  if (io.stderr.isTTY) {
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
