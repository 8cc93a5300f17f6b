export type ErrorCode =
  | 'E_USAGE' // bad flags or arguments
  | 'E_INPUT_NOT_FOUND' // file, git ref or version does not exist
  | 'E_INPUT_INVALID' // unparsable or unsupported input
  | 'E_ARCHIVE_CORRUPT' // truncated or invalid archive
  | 'E_TOOL_MISSING' // a required external program is not installed
  | 'E_NETWORK' // a remote could not be reached
  | 'E_INCOMPLETE' // the analysis could not finish
  | 'E_INTERNAL' // a bug in stagelight

export class StagelightError extends Error {
  readonly code: ErrorCode
  readonly data: Readonly<Record<string, unknown>>
  constructor(code: ErrorCode, message: string, data: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options)
    this.name = 'StagelightError'
    this.code = code
    this.data = data
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, data: this.data }
  }
}

export const EXIT = { ok: 0, findings: 1, usage: 2, input: 2, incomplete: 3, internal: 70 } as const

const EXIT_BY_CODE: Record<ErrorCode, number> = {
  E_USAGE: EXIT.usage,
  E_INPUT_NOT_FOUND: EXIT.input,
  E_INPUT_INVALID: EXIT.input,
  E_ARCHIVE_CORRUPT: EXIT.input,
  E_TOOL_MISSING: EXIT.incomplete,
  E_NETWORK: EXIT.incomplete,
  E_INCOMPLETE: EXIT.incomplete,
  E_INTERNAL: EXIT.internal,
}

export const exitCodeFor = (err: unknown): number =>
  err instanceof StagelightError ? EXIT_BY_CODE[err.code] : EXIT.internal

export const isStagelightError = (err: unknown, code?: ErrorCode): err is StagelightError =>
  err instanceof StagelightError && (code === undefined || err.code === code)
