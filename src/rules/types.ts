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
  | 'python-build' // setup.py, pyproject.toml, setup.cfg
  | 'javascript' // .js/.cjs/.mjs/.jsx and node shebang scripts
  | 'typescript'
  | 'manifest' // package.json
  | 'ci-workflow' // .github/workflows/*.yml, .gitlab-ci.yml, .travis.yml, ...
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
  /**
   * the paths of the source the tree was made from (verify: the tag's), which people wrote and
   * reviewed; unknown when a tree is scanned alone, where `paths` may also hold what a release generated
   */
  readonly sourcePaths?: ReadonlySet<string>
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

/** What every rule, whatever it runs on, documents about itself (listed by `stagelight rules`, SARIF rule metadata). */
export interface RuleInfo {
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
}

/** A rule that judges one text file at a time. */
export interface Rule extends RuleInfo {
  readonly appliesTo: readonly FileKind[]
  run(file: TextFile, context: RuleContext): readonly RuleHit[]
}

export type RuleFinding = Finding
