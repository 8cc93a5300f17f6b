/**
 * @fileoverview Progress on stderr. On a terminal: one line redrawn in place, with a bar, the
 * counts and an estimate of the time left when the total is known, at most ten times a second and
 * never wider than the terminal (80 columns when unknown). Elsewhere: a plain line per step, only
 * with --verbose, so logs stay readable.
 */
import type { ProgressEvent } from '../model/progress.js'
import { escapeLine } from '../report/escape.js'

export interface ProgressStream {
  write(text: string): unknown
  readonly isTTY?: boolean
  readonly columns?: number
}

const MiB = 1024 * 1024
const BAR = 20
const INTERVAL_MS = 100

const amount = (n: number, unit: string | undefined): string => (unit === 'bytes' ? `${(n / MiB).toFixed(n < 10 * MiB ? 1 : 0)} MiB` : `${n}${unit ? ` ${unit}` : ''}`)

const duration = (seconds: number): string => (seconds < 60 ? `${Math.ceil(seconds)}s` : seconds < 3600 ? `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`)

/** Formats one event as a single line of at most `width` characters; names from the input are escaped. */
export function progressLine(event: ProgressEvent, elapsedMs: number, width: number): string {
  if (typeof event === 'string') {
    const text = escapeLine(event)
    return text.length > width ? `${text.slice(0, width - 1)}…` : text
  }
  const { done, total, unit } = event
  const label = escapeLine(event.label)
  let line: string
  if (total !== undefined && total > 0) {
    const fraction = Math.min(1, done / total)
    const filled = Math.round(fraction * BAR)
    const rate = elapsedMs > 500 && done > 0 ? done / (elapsedMs / 1000) : undefined
    const eta = rate ? ` ETA ${duration((total - done) / rate)}` : ''
    line = `${label} [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${Math.floor(fraction * 100)}% ${amount(done, unit)}/${amount(total, unit)}${eta}`
  } else {
    line = `${label}: ${amount(done, unit)}`
  }
  return line.length > width ? `${line.slice(0, width - 1)}…` : line
}

export class TerminalProgress {
  private readonly stream: ProgressStream
  private readonly now: () => number
  private readonly started: number
  private last = 0
  private shown = false

  constructor(stream: ProgressStream, now: () => number = Date.now) {
    this.stream = stream
    this.now = now
    this.started = now()
  }

  readonly update = (event: ProgressEvent): void => {
    const t = this.now()
    const final = typeof event !== 'string' && event.total !== undefined && event.done >= event.total
    if (typeof event !== 'string' && !final && t - this.last < INTERVAL_MS) return
    this.last = t
    // some terminals (and pipes posing as one) report 0 columns: take the usual 80 then
    const columns = this.stream.columns !== undefined && this.stream.columns > 0 ? this.stream.columns : 80
    const width = Math.max(20, columns - 1)
    this.stream.write(`\r\x1b[2K${progressLine(event, t - this.started, width)}`)
    this.shown = true
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K')
    this.shown = false
  }
}

/** Plain lines for logs: every text step, and counted steps only when they finish. */
export function lineProgress(stream: ProgressStream): (event: ProgressEvent) => void {
  return (event) => {
    if (typeof event === 'string') stream.write(`${progressLine(event, 0, Number.MAX_SAFE_INTEGER)}\n`)
    else if (event.total !== undefined && event.done >= event.total) stream.write(`${progressLine(event, 0, 200)}\n`)
  }
}
