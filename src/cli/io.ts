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

/** Progress goes to stderr: transient on a terminal, one line per step with --verbose, nothing otherwise. */
export function progressReporter(io: CliIO, options: { quiet: boolean; verbose: boolean }): (message: string) => void {
  if (options.quiet) return () => undefined
  if (io.stderr.isTTY) {
    return (message) => io.stderr.write(`\r\x1b[2K${message.slice(0, 78)}`)
  }
  return options.verbose ? (message) => io.stderr.write(`${message}\n`) : () => undefined
}

export function clearProgress(io: CliIO): void {
  if (io.stderr.isTTY) io.stderr.write('\r\x1b[2K')
}
