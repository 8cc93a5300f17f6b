import type { Finding, Severity } from './finding.js'

export const SCHEMA_VERSION = 1

export type Verdict = 'pass' | 'review' | 'fail'

/** One explained difference between an artifact and its source, so other tools can audit the explanation. */
export interface Explained {
  readonly path: string
  /** e.g. 'vendored', 'generated', 'export-subst', 'dist-rewritten', 'docs', 'translation' */
  readonly category: string
  /** how it was explained: the catalog entry, the generator and version, the reproduction */
  readonly how: string
  /** true only when the explanation reproduced or matched the bytes exactly */
  readonly reproduced: boolean
}

/** A fact about the inputs worth showing (a tag's signer, the detected format). */
export interface Fact {
  readonly label: string
  readonly value: string
}

/** The one model every formatter renders. Analyses produce it; formatters never analyse. */
export interface Report {
  readonly tool: 'stagelight'
  readonly schemaVersion: number
  readonly version: string
  readonly command: string
  readonly verdict: Verdict
  /** the analysed inputs, as the user named them */
  readonly subject: Readonly<Record<string, string>>
  readonly facts: readonly Fact[]
  readonly findings: readonly Finding[]
  readonly explained: readonly Explained[]
  readonly summary: {
    readonly findings: Readonly<Record<Severity, number>>
    readonly [key: string]: unknown
  }
  /** set when the analysis did not cover everything; a report with gaps never passes silently */
  readonly incomplete?: readonly string[]
}
