/** @fileoverview The two ways reading can stop early, kept apart from the public error type until the reader decides. */
import { StagelightError } from '../../errors.js'

/** A limit was reached: reading stops cleanly and the artifact is reported as truncated, not broken. */
export class LimitReached extends Error {
  /** the entry being read when the limit was reached, '' for the archive as a whole */
  readonly entry: string
  constructor(message: string, entry = '') {
    super(message)
    this.name = 'LimitReached'
    this.entry = entry
  }
}

/** The bytes themselves are bad: a decoder failed, a header is broken, the data ends early. */
export class DataError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DataError'
  }
}

/** The data is well-formed but uses something stagelight does not read (an encrypted entry, an oversized window). */
export class Unsupported extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'Unsupported'
  }
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim()

/**
 * Errors surfacing from decoders and parsers are data errors, whatever class they carry
 * (decoders throw TypeError on some malformed inputs). Limits pass through untouched.
 */
export function asDataError(err: unknown): unknown {
  if (err instanceof LimitReached || err instanceof DataError || err instanceof Unsupported) return err
  if (err instanceof StagelightError) return err
  const message = err instanceof Error ? err.message : String(err)
  return new DataError(oneLine(message) || 'unreadable data', { cause: err })
}
