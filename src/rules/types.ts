import type { Confidence, Finding, Severity } from '../model/finding.js'

/** What a file is, judged from its content and path, not only its extension. */
export type FileKind =
  | 'shell'
  | 'm4'
  | 'autoconf' // configure.ac / configure.in
  | 'configure' // a generated configure script
  | 'makefile' // Makefile, GNUmakefile, *.mk
  | 'automake' // Makefile.am
  | 'makefile-in' // Makefile.in
  | 'cmake'
  | 'meson'
  | 'text'
  | 'binary'

/** A text file handed to the rules. Rules see facts, never clients or the file system. */
export interface TextFile {
  readonly path: string
  readonly kind: FileKind
  readonly text: string
}

export interface RuleContext {
  /** every path in the analysed tree, so a rule can tell whether a referenced file exists */
  readonly paths: ReadonlySet<string>
}

export interface RuleHit {
  readonly line: number
  readonly message: string
  /** the offending lines, verbatim, with their numbers */
  readonly evidence: string
  readonly severity?: Severity
  readonly confidence?: Confidence
  readonly data?: Readonly<Record<string, unknown>>
}

export interface Rule {
  /** stable kebab-case id, prefixed by the command family: `scan/data-to-shell-pipeline` */
  readonly id: string
  readonly title: string
  /** one line; becomes SARIF shortDescription */
  readonly short: string
  /** why a reviewer should care */
  readonly motivation: string
  readonly remediation: string
  readonly defaultSeverity: Severity
  readonly defaultConfidence: Confidence
  readonly appliesTo: readonly FileKind[]
  run(file: TextFile, context: RuleContext): readonly RuleHit[]
}

export type RuleFinding = Finding
