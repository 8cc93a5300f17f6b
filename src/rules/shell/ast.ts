/**
 * @fileoverview The shape of shell-like text as the lexer sees it: lists of pipelines of commands of
 * words, with command substitutions, compound commands and macro calls kept as nested lists.
 * It is deliberately looser than a shell grammar: it records what feeds what, never what is valid.
 */
import type { Literal, StepFacts } from './commands.js'
import type { Program } from './words.js'
import type { InnerList } from './walk.js'

/** How the text around the shell code is written, which changes what quotes, `$(` and `[` mean. */
export type Dialect = 'sh' | 'm4' | 'make' | 'cmake' | 'meson'

export type NestedKind =
  | 'substitution' // $(...)
  | 'backquote' // `...`
  | 'process' // <(...) and >(...)
  | 'string' // a quoted string that is run as code later (assignment value, eval/sh -c argument) or spans lines
  | 'heredoc'
  | 'make-shell' // $(shell ...)

export interface Nested {
  readonly kind: NestedKind
  readonly line: number
  readonly list: CommandList
}

export interface Word {
  /** the word after quote removal and unescaping; expansions are kept as written (`$x`, `$(...)`) */
  readonly text: string
  /** the word as written */
  readonly raw: string
  readonly line: number
  readonly quoted: boolean
  /** a quote opened in this word was never closed */
  readonly unterminated: boolean
  /** substitutions and code-like strings inside the word, lexed in turn */
  readonly nested: readonly Nested[]
}

export interface Redirect {
  /** `<`, `>`, `>>`, `<<`, `<<-`, `<<<`, `>&`, `<&`, `&>`, `&>>`, `<>`, `>|` */
  readonly op: string
  readonly fd: string
  readonly target: Word | undefined
  readonly line: number
}

export type CompoundKind =
  | 'subshell' // ( list )
  | 'brace' // { list; }
  | 'if' // parts: [condition, body]
  | 'while' // parts: [condition, body]
  | 'until' // parts: [condition, body]
  | 'for' // parts: [header, body]
  | 'case' // parts: [body]; subject and patterns in `words`
  | 'macro' // m4/meson/cmake call: one part per argument (cmake: one part)
  | 'block' // cmake/meson/make if/foreach ... end: parts: [condition, body]

export interface Compound {
  readonly kind: CompoundKind
  /** the keyword or macro name: `if`, `case`, `AS_IF`, `execute_process`, `ifeq` */
  readonly name: string
  readonly parts: readonly CommandList[]
  /** words that are not commands: a case subject and its patterns */
  readonly words: readonly Word[]
}

export interface Command {
  readonly words: readonly Word[]
  readonly redirects: readonly Redirect[]
  readonly compound: Compound | undefined
  readonly heredocs: readonly Nested[]
  /** first and last line of the command in the analysed file */
  readonly line: number
  readonly endLine: number
  /** made up by variable resolution, not present as such in the file */
  readonly synthetic?: boolean
  /** a make rule's prerequisites, lexed as words: files make reads or builds, never runs as they are */
  readonly prerequisites?: boolean
  /** what is worked out once about the command; every command gets an empty one when it is made */
  readonly memo: CommandMemo
}

/**
 * Kept on the command rather than in tables keyed by it: every rule asks every command for these,
 * and on a large configure (some 100k questions) look-ups in weak tables of every command, and the
 * garbage collector's passes over them, cost about as much as the work they save.
 */
export interface CommandMemo {
  /** see words.ts program() */
  program?: Program | undefined
  /** see walk.ts innerLists() */
  inner?: readonly InnerList[] | undefined
  /** see analysis.ts facts(): what the command does as a step, with the variables' values `factsLiteral` gives */
  facts?: StepFacts | undefined
  factsLiteral?: Literal | undefined
}

/** Every command's memo has all its slots from the start: one shape, whichever is filled first. */
export const newMemo = (): CommandMemo => ({ program: undefined, inner: undefined, facts: undefined, factsLiteral: undefined })

/** The operator that joins a pipeline to the one before it in its list. */
export type Connector = '' | ';' | '\n' | '&&' | '||' | '&' | ';;' | ','

export interface Pipeline {
  readonly commands: readonly Command[]
  readonly connector: Connector
  readonly line: number
  readonly endLine: number
}

export interface CommandList {
  readonly pipelines: readonly Pipeline[]
}
