/** @fileoverview One analysis of one new release: which targets it applies to, and how it runs. */
import type { Report } from '../../model/report.js'
import type { WatchContext } from '../context.js'
import type { Analysis, NewEvent, Target } from '../model.js'

export interface ReleaseUnderAnalysis {
  readonly target: Target
  readonly version: string
  /** the git tag (git targets) */
  readonly ref: string | undefined
  readonly facts: Readonly<Record<string, unknown>>
}

export interface AnalysisResult {
  readonly report: Report
  readonly events: readonly NewEvent[]
}

export interface AnalysisHandler {
  readonly name: Analysis
  applies(target: Target): boolean
  run(release: ReleaseUnderAnalysis, context: WatchContext): Promise<AnalysisResult>
}

/** A thrown error that is worth retrying later: the release's tarball is not there yet, the registry did not answer. */
export class RetryableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'RetryableError'
  }
}
