/**
 * @fileoverview A forgiving lexer for shell code as it appears in m4 macros, configure scripts,
 * Makefile recipes, CMake and meson calls and plain scripts. It records which command feeds which
 * (pipelines, lists, substitutions, compound commands, macro arguments) and never throws: text is
 * hostile, so every loop either consumes input or stops, nesting is capped, and scans that look
 * ahead (closing quotes, here-document ends) have budgets.
 */
import type { Command, CommandList, Compound, CompoundKind, Connector, Dialect, Nested, NestedKind, Pipeline, Redirect, Word } from './ast.js'
import { newMemo } from './ast.js'
import { LineIndex } from './lines.js'
import { codeStrings } from './code-strings.js'
import { parseSh } from './tree-sitter.js'
import { LIMITS } from '../../policy/limits.js'

export interface ParseOptions {
  readonly dialect?: Dialect
  /** line number of the first line of `text` in the analysed file */
  readonly firstLine?: number
  /** nesting already used by the caller: nested texts share one depth budget */
  readonly depth?: number
}

/** Nesting beyond this is read as flat text: deeper real code does not exist, deeper input is an attack on the lexer. */
export const MAX_DEPTH = LIMITS.maxShellNesting

/** The first line where the watched parse (see {@link watchNestingLimit}) read code as flat text at {@link MAX_DEPTH}. */
let nestingCut: number | undefined
let watchingNesting = false

/** Notes that code at `line` nests past {@link MAX_DEPTH} and is not parsed as code. */
export function noteNestingLimit(line: number): void {
  if (watchingNesting && nestingCut === undefined) nestingCut = line
}

/**
 * Runs a parse (synchronous, so nothing else parses meanwhile) and says where it first cut nesting
 * short: the text past that point was not checked as code, which a report must say.
 */
export function watchNestingLimit<T>(parse: () => T): { result: T; cutAtLine?: number } {
  const outer = { watching: watchingNesting, cut: nestingCut }
  watchingNesting = true
  nestingCut = undefined
  try {
    const result = parse()
    return nestingCut !== undefined ? { result, cutAtLine: nestingCut } : { result }
  } finally {
    watchingNesting = outer.watching
    nestingCut = outer.cut
  }
}
/** A quote that does not close within this many characters is taken as a stray character. */
const MAX_QUOTE_CHARS = 32_000
/** Here-document ends are searched at most this far, and in total at most a few times the text. */
const MAX_HEREDOC_LINES = 50_000

const BLANK = new Set([' ', '\t', '\r', '\f', '\v'])
/*
 * Runs of characters that no branch of the word, quote and blank loops treats specially, matched
 * natively in one step: the lexer reads every byte of a 400 KiB configure, mostly before the
 * engine has compiled its loops, where each step through plain text costs most. Each class
 * leaves out every character its loop looks at (m4's quote brackets and the `d` of `dnl` too), so
 * the loops still see those one at a time.
 */
const PLAIN_WORD = /[^\s;&|()<>,#\\'"`$[\]]+/y
const PLAIN_M4_WORD = /[^\s;&|()<>,#\\'"`$[\]d]+/y
const PLAIN_DOUBLE_QUOTED = /[^"\\$`[\]]+/y
const BLANK_RUN = /[ \t\r\f\v]+/y
/** what opens and closes meson's arrays and dictionaries */
const MESON_BRACKETS = new Set(['[', ']', '{', '}'])
const NAME_RUN = /[A-Za-z_]+/y
/** A lexer is made for every substitution and code string, and a context for every list: most end at no keyword. */
const NO_KEYWORDS: ReadonlySet<string> = new Set()
/** shared by the commands without redirections or here-documents: never written to, as the AST is read-only */
const NO_REDIRECTS: readonly Redirect[] = Object.freeze([])
const NO_HEREDOCS: readonly Nested[] = Object.freeze([])
/*
 * Each compound's list ends at its keyword and leaves the enclosing ones' to them: the same few
 * sets (`then`; `fi` and `done` and `esac` around it) come up at every level of configure's
 * nesting, so each is made once. The keywords are the shell's, meson's and CMake's block ends, a
 * short list, but hostile text may combine them many ways: past a bound, sets are made afresh.
 */
const SINGLE_KEYWORDS = new Map<string, ReadonlySet<string>>()
const UNIONS = new Map<ReadonlySet<string>, Map<ReadonlySet<string>, ReadonlySet<string>>>()
let unionCount = 0
const MAX_KEYWORD_SETS = 2_000

function keyword(word: string): ReadonlySet<string> {
  let set = SINGLE_KEYWORDS.get(word)
  if (set === undefined) {
    set = new Set([word])
    if (SINGLE_KEYWORDS.size < MAX_KEYWORD_SETS) SINGLE_KEYWORDS.set(word, set)
  }
  return set
}

/** Every keyword of both sets. */
function keywordsOf(outer: ReadonlySet<string>, own: ReadonlySet<string>): ReadonlySet<string> {
  let byOwn = UNIONS.get(outer)
  let set = byOwn?.get(own)
  if (set !== undefined) return set
  set = new Set([...outer, ...own])
  if (unionCount < MAX_KEYWORD_SETS) {
    if (!byOwn) UNIONS.set(outer, (byOwn = new Map()))
    byOwn.set(own, set)
    unionCount++
  }
  return set
}

/** End of the run of `pattern` (a sticky regex) at `from` in `text`, or `from` when none starts there. */
function runEnd(pattern: RegExp, text: string, from: number): number {
  pattern.lastIndex = from
  return pattern.test(text) ? pattern.lastIndex : from
}
const COMPOUND_OPENERS = new Set(['if', 'while', 'until', 'for', 'select', 'case'])
const PREFIX_KEYWORDS = new Set(['then', 'do', 'else', 'elif', 'function', 'time'])
const CMAKE_BLOCKS = new Set(['if', 'foreach', 'while', 'function', 'macro', 'block'])
/** execute_process/add_custom_command keywords that end the command before them */
const CMAKE_KEYWORDS = new Set([
  'OUTPUT_VARIABLE', 'ERROR_VARIABLE', 'RESULT_VARIABLE', 'RESULTS_VARIABLE', 'WORKING_DIRECTORY', 'OUTPUT_QUIET', 'ERROR_QUIET',
  'INPUT_FILE', 'OUTPUT_FILE', 'ERROR_FILE', 'TIMEOUT', 'OUTPUT_STRIP_TRAILING_WHITESPACE', 'ERROR_STRIP_TRAILING_WHITESPACE',
  'DEPENDS', 'OUTPUT', 'COMMENT', 'VERBATIM', 'BYPRODUCTS', 'MAIN_DEPENDENCY', 'USES_TERMINAL', 'COMMAND_ECHO', 'ENCODING',
  'ECHO_OUTPUT_VARIABLE', 'ECHO_ERROR_VARIABLE', 'COMMAND_ERROR_IS_FATAL', 'SOURCES', 'ALL', 'APPEND', 'DEPFILE', 'JOB_POOL',
  'COMMAND_EXPAND_LISTS', 'IMPLICIT_DEPENDS', 'PRE_BUILD', 'PRE_LINK', 'POST_BUILD', 'TARGET',
])

/** the calls whose arguments are commands, which those keywords end; elsewhere (`file(APPEND …)`) a keyword is an argument */
const CMAKE_COMMAND_CALLS = new Set(['execute_process', 'add_custom_command', 'add_custom_target', 'add_test'])

interface MacroFrame {
  /** m4 bracket depth when the call opened: only commas and parentheses at this depth belong to the call */
  readonly base: number
}

interface Ctx {
  readonly depth: number
  /** keywords that end this list (consumed here) */
  readonly own: ReadonlySet<string>
  /** keywords that end an enclosing list (left for it) */
  readonly outer: ReadonlySet<string>
  /** how many enclosing lists end at `)` */
  readonly parens: number
  readonly macro: MacroFrame | undefined
  /** inside a cmake call: the call's lower-case name */
  readonly cmakeCall: string | undefined
  /** inside a cmake or meson call, newlines (and meson commas) separate nothing */
  readonly blankNewlines: boolean
  readonly blankCommas: boolean
  /** case bodies collect their patterns here */
  readonly patterns: Word[] | undefined
  /** parentheses that opened in the middle of a command and must not close an enclosing list */
  readonly loose: { n: number }
}

interface WordBuild {
  text: string
  quoted: boolean
  unterminated: boolean
  nested: Nested[]
  /** quoted parts that span lines, lexed as code later so that nothing can hide inside a stray quote */
  multiline: { text: string; line: number }[] | undefined
}

interface PendingHeredoc {
  readonly depth: number
  readonly delimiter: string
  readonly stripTabs: boolean
  readonly into: Nested[]
}

interface ListResult {
  readonly list: CommandList
  /** what ended the list: '' at end of text, ')', ',', or a keyword */
  readonly stop: string
}

/**
 * Reads shell-like text into nested command lists. Plain shell (dialect `sh`) is parsed with
 * tree-sitter-bash once `loadShellGrammar()` (tree-sitter.ts) has run and the text suits it;
 * everything else, and plain shell before that, goes through the forgiving lexer.
 * @example parseShell('x=$(base64 -d < f) && eval "$x"').pipelines.length // 2
 */
export function parseShell(text: string, options: ParseOptions = {}): CommandList {
  return (options.dialect ?? 'sh') === 'sh' ? parseSh(text, options) : lexShell(text, options)
}

/** Lexes shell-like text into nested command lists with the forgiving lexer only. */
export function lexShell(text: string, options: ParseOptions = {}): CommandList {
  if (options.dialect !== 'm4' || (options.depth ?? 0) > 0) return new Parser(text, options).parse()
  // each top-level definition is lexed on its own: a quote the lexer misreads in one (a
  // case pattern of escaped characters, an apostrophe in prose) cannot swallow the next ones
  const starts = m4Definitions(text)
  if (starts.length < 2) return new Parser(text, options).parse()
  const pipelines: Pipeline[] = []
  let line = options.firstLine ?? 1
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i] ?? 0
    const to = starts[i + 1] ?? text.length
    pipelines.push(...new Parser(text.slice(from, to), { ...options, firstLine: line }).parse().pipelines)
    for (let p = text.indexOf('\n', from); p >= 0 && p < to; p = text.indexOf('\n', p + 1)) line++
  }
  return { pipelines }
}

/** The macros that define a macro: `AC_DEFUN([X], …)`, `m4_define([Y], …)`. */
export const M4_DEFINERS = String.raw`AC_DEFUN(?:_ONCE)?|AU_DEFUN|AU_ALIAS|m4_define|m4_defun(?:_once)?`
/** A definition at the start of a line. */
const M4_DEFINITION = new RegExp(`(?:${M4_DEFINERS})\\(`, 'y')

/**
 * Where the text's top-level definitions start, the text's start first: lines that open a
 * definition where m4 itself is at the top level (outside every quote `[…]` and call `(…)`,
 * comments and `dnl` lines read as m4 reads them).
 */
export function m4Definitions(text: string): number[] {
  const starts = [0]
  let quote = 0
  let parens = 0
  for (let p = 0; p < text.length; p++) {
    const c = text[p]
    if (quote === 0 && parens === 0 && p > 0 && text[p - 1] === '\n') {
      M4_DEFINITION.lastIndex = p
      if (M4_DEFINITION.test(text)) starts.push(p)
    }
    if (c === '[') quote++
    else if (c === ']') quote = Math.max(0, quote - 1)
    else if (quote > 0) continue
    else if (c === '(') parens++
    else if (c === ')') parens = Math.max(0, parens - 1)
    else if (c === '#' || (c === 'd' && text.startsWith('dnl', p) && !/\w/.test(text[p - 1] ?? '') && !/\w/.test(text[p + 3] ?? ''))) {
      const end = text.indexOf('\n', p)
      if (end < 0) break
      p = end - 1
    }
  }
  return starts
}

/** Autoconf macros whose first argument is a message printed inside double quotes. */
const MESSAGE_MACROS: ReadonlySet<string> = new Set(['AC_MSG_CHECKING', 'AC_MSG_RESULT', 'AC_MSG_NOTICE', 'AC_MSG_WARN', 'AC_MSG_ERROR', 'AC_MSG_FAILURE'])

/**
 * Autoconf macro arguments that are documentation, by macro: from this argument index on. m4's and
 * autoconf's diagnostics print their text while autoconf runs and put nothing into configure
 * (autoconf-archive's `m4_fatal([invalid argument `$1' to AX_CXX_COMPILE_STDCXX])`, whose backquote
 * a shell would take for the start of a command substitution).
 */
const PROSE_FROM: ReadonlyMap<string, number> = new Map([
  ['AC_DEFINE', 2],
  ['AC_DEFINE_UNQUOTED', 2],
  ['AH_TEMPLATE', 1],
  ['AS_HELP_STRING', 0],
  ['AC_HELP_STRING', 0],
  ['AH_VERBATIM', 1],
  ['m4_fatal', 0],
  ['m4_errprint', 0],
  ['m4_errprintn', 0],
  ['errprint', 0],
  ['m4_warning', 0],
  ['m4_warn', 1],
  ['AC_FATAL', 0],
  ['AC_WARNING', 0],
  ['AC_DIAGNOSE', 1],
  ['AU_DEFUN', 2],
])

/** Is argument `index` (from 0) of this macro prose rather than code? AC_ARG_ENABLE/WITH: only the help text. */
function isProseArgument(name: string, index: number): boolean {
  if ((name === 'AC_ARG_ENABLE' || name === 'AC_ARG_WITH' || name === 'AC_ARG_VAR') && index === 1) return true
  const from = PROSE_FROM.get(name)
  return from !== undefined && index >= from
}

/** The first word of a call's first argument: `find_program('python3', required: false)` gives python3. */
const firstWordOf = (call: Compound): Word | undefined => call.parts[0]?.pipelines[0]?.commands[0]?.words[0]

class Parser {
  readonly #s: string
  readonly #n: number
  readonly #dialect: Dialect
  readonly #lines: LineIndex
  readonly #firstLine: number
  readonly #baseDepth: number
  #pos = 0
  #m4Depth = 0
  #pending: PendingHeredoc[] = []
  #heredocBudget: number
  /** meson variables set to `find_program('x')`: a bare `py` later in the file is the program x */
  #mesonPrograms: Map<string, Word> | undefined

  constructor(text: string, options: ParseOptions) {
    this.#s = text
    this.#n = text.length
    this.#dialect = options.dialect ?? 'sh'
    this.#firstLine = options.firstLine ?? 1
    this.#lines = new LineIndex(text, this.#firstLine)
    this.#baseDepth = options.depth ?? 0
    this.#heredocBudget = 4 * text.length + 1_000_000
  }

  parse(): CommandList {
    const root = this.#root()
    let result = this.#parseList(root)
    const lists: CommandList[] = [result.list]
    // a stray closer at top level ends nothing: keep reading after it
    while (this.#pos < this.#n) {
      const before = this.#pos
      result = this.#parseList(root)
      lists.push(result.list)
      if (this.#pos === before) this.#pos++
    }
    return lists.length === 1 ? (lists[0] ?? { pipelines: [] }) : { pipelines: lists.flatMap((l) => l.pipelines) }
  }

  #root(): Ctx {
    return { depth: this.#baseDepth, own: NO_KEYWORDS, outer: NO_KEYWORDS, parens: 0, macro: undefined, cmakeCall: undefined, blankNewlines: false, blankCommas: false, patterns: undefined, loose: { n: 0 } }
  }

  #child(ctx: Ctx, change: Partial<Ctx> & { own?: ReadonlySet<string> }): Ctx {
    const outer = ctx.own.size === 0 ? ctx.outer : keywordsOf(ctx.outer, ctx.own)
    return {
      depth: ctx.depth + 1,
      own: NO_KEYWORDS,
      outer,
      parens: ctx.parens,
      macro: ctx.macro,
      cmakeCall: ctx.cmakeCall,
      blankNewlines: ctx.blankNewlines,
      blankCommas: ctx.blankCommas,
      patterns: undefined,
      loose: { n: 0 },
      ...change,
    }
  }

  /** Moves past one m4 argument (quotes `[...]` and parentheses balanced) and its `,` or `)`; returns which ended it. */
  #skipM4Argument(): ',' | ')' | '' {
    let quote = 0
    let parens = 0
    while (this.#pos < this.#n) {
      const c = this.#s[this.#pos++]
      if (c === '[') quote++
      else if (c === ']') quote = Math.max(0, quote - 1)
      else if (quote === 0 && c === '(') parens++
      else if (quote === 0 && c === ')') {
        if (parens === 0) return ')'
        parens--
      } else if (quote === 0 && parens === 0 && c === ',') return ','
    }
    return ''
  }

  #line(offset = this.#pos): number {
    return this.#lines.lineAt(Math.min(offset, Math.max(0, this.#n - 1)))
  }

  #at(offset = 0): string {
    return this.#s[this.#pos + offset] ?? ''
  }

  // ---- lists, pipelines, commands -------------------------------------------------------------

  #parseList(ctx: Ctx): ListResult {
    const pipelines: Pipeline[] = []
    let connector: Connector = ''
    let expectPattern = ctx.patterns !== undefined
    for (;;) {
      const before = this.#pos
      this.#skipBlanks(ctx)
      if (this.#pos >= this.#n) return { list: { pipelines }, stop: '' }
      const c = this.#at()
      if (c === '\n') {
        this.#newline()
        if (!connector) connector = '\n'
        continue
      }
      if (this.#skipComment()) continue
      if (c === ';') {
        if (this.#at(1) === ';' || this.#at(1) === '&') {
          this.#pos += this.#at(1) === ';' && this.#at(2) === '&' ? 3 : 2
          connector = ';;'
          if (ctx.patterns) expectPattern = true
        } else {
          this.#pos++
          connector = ';'
        }
        continue
      }
      if (c === '&' && this.#at(1) === '&') {
        this.#pos += 2
        connector = '&&'
        this.#skipBlanksAndNewlines(ctx)
        continue
      }
      if (c === '|' && this.#at(1) === '|') {
        this.#pos += 2
        connector = '||'
        this.#skipBlanksAndNewlines(ctx)
        continue
      }
      if (c === '&' && this.#at(1) !== '>') {
        this.#pos++
        connector = '&'
        continue
      }
      if (c === '|') {
        this.#pos++
        continue
      }
      if (c === ')') {
        if (ctx.loose.n > 0) {
          ctx.loose.n--
          this.#pos++
          continue
        }
        if (ctx.parens > 0 && !(ctx.macro && this.#m4Depth > ctx.macro.base)) return { list: { pipelines }, stop: ')' }
        this.#pos++
        connector = ';'
        continue
      }
      if (c === ',' && this.#commaEndsList(ctx)) return { list: { pipelines }, stop: ',' }
      const keyword = this.#peekKeyword()
      if (keyword !== undefined) {
        if (ctx.own.has(keyword)) {
          this.#pos += keyword.length
          return { list: { pipelines }, stop: keyword }
        }
        if (ctx.outer.has(keyword)) return { list: { pipelines }, stop: keyword }
      }
      if (expectPattern && ctx.patterns) {
        this.#readPatterns(ctx, ctx.patterns)
        expectPattern = false
        if (this.#pos === before) this.#pos++
        continue
      }
      const pipeline = this.#parsePipeline(ctx, pipelines.length === 0 ? '' : connector || ';')
      if (pipeline) {
        pipelines.push(pipeline)
        connector = ''
      }
      if (this.#pos === before) this.#pos++
    }
  }

  #parsePipeline(ctx: Ctx, connector: Connector): Pipeline | undefined {
    const commands: Command[] = []
    for (;;) {
      const before = this.#pos
      const { command, then } = this.#parseCommand(ctx)
      if (command) commands.push(command)
      if (then === 'pipe') continue
      if (then === 'sep') break
      this.#skipBlanks(ctx)
      if (this.#at() === '|' && this.#at(1) !== '|') {
        this.#pos += this.#at(1) === '&' ? 2 : 1
        this.#skipBlanksAndNewlines(ctx)
        continue
      }
      if (this.#pos === before || !command) break
      break
    }
    const first = commands[0]
    const last = commands[commands.length - 1]
    if (!first || !last) return undefined
    return { commands, connector, line: first.line, endLine: last.endLine }
  }

  #parseCommand(ctx: Ctx): { command?: Command; then?: 'pipe' | 'sep' } {
    this.#skipBlanks(ctx)
    // keywords that only introduce the next command
    for (;;) {
      const kw = this.#dialect === 'cmake' ? undefined : this.#peekKeyword()
      if (kw !== undefined && PREFIX_KEYWORDS.has(kw) && !ctx.own.has(kw) && !ctx.outer.has(kw)) {
        this.#pos += kw.length
        this.#skipBlanks(ctx)
        continue
      }
      if (this.#at() === '!' && (BLANK.has(this.#at(1)) || this.#at(1) === '\n')) {
        this.#pos++
        this.#skipBlanks(ctx)
        continue
      }
      break
    }
    const start = this.#pos
    const line = this.#line()
    const words: Word[] = []
    let multiline: Map<Word, { text: string; line: number }[]> | undefined
    // most commands redirect nothing: their lists are made on the first redirection
    let redirects: Redirect[] | undefined
    let heredocs: Nested[] | undefined
    const heredocsInto = (): Nested[] => (heredocs ??= [])
    let compound: Compound | undefined = this.#parseCompoundStart(ctx)
    let then: 'pipe' | 'sep' | undefined
    let lastWordEnd = -1

    for (;;) {
      this.#skipBlanks(ctx)
      if (this.#pos >= this.#n) break
      const c = this.#at()
      if (c === '\n' || c === ';' || c === '|' || c === ')') {
        if (c === ')' && ctx.loose.n > 0) {
          ctx.loose.n--
          this.#pos++
          continue
        }
        break
      }
      if (c === '&' && this.#at(1) !== '>') break
      if (c === ',' && this.#commaEndsList(ctx)) break
      if (c === '#' || this.#atDnl()) break
      if (c === '(') {
        const callName = words.length > 0 && lastWordEnd === this.#pos && !compound ? words[words.length - 1]?.text : undefined
        if (callName !== undefined && /^[A-Za-z_][\w.]*$/.test(callName)) {
          if (this.#dialect === 'sh' || this.#dialect === 'make') {
            // name() — a function definition; its body is the next command
            if (this.#skipEmptyParens()) break
          } else if (ctx.depth < MAX_DEPTH) {
            const call = this.#parseCall(ctx, callName, words.length === 1)
            const program = this.#dialect === 'meson' && callName === 'find_program' ? firstWordOf(call) : undefined
            lastWordEnd = -1
            if (program) {
              // meson's find_program('python3') is the program python3, wherever the call or its variable stands
              words[words.length - 1] = program
              const [name, equals] = words
              if (words.length === 3 && name && !name.quoted && equals?.text === '=') (this.#mesonPrograms ??= new Map()).set(name.text, program)
              continue
            }
            compound = call
            break
          } else noteNestingLimit(this.#line())
        }
        if (words.length === 0 && !compound && ctx.depth >= MAX_DEPTH) noteNestingLimit(this.#line())
        if (words.length === 0 && !compound && ctx.depth < MAX_DEPTH) {
          compound = this.#parseSubshell(ctx)
          continue
        }
        ctx.loose.n++
        this.#pos++
        continue
      }
      if ((c === '<' || c === '>') && this.#at(1) === '(' && this.#dialect !== 'cmake' && this.#dialect !== 'make') {
        const w = this.#readWord(ctx)
        if (w) {
          words.push(w.word)
          lastWordEnd = this.#pos
          continue
        }
      }
      if (c === '<' || c === '>' || (c === '&' && this.#at(1) === '>')) {
        this.#parseRedirect(ctx, '', (redirects ??= []), heredocsInto)
        continue
      }
      const w = this.#readWord(ctx)
      if (!w) break
      if (/^\d+$/.test(w.word.raw) && (this.#at() === '<' || this.#at() === '>')) {
        this.#parseRedirect(ctx, w.word.raw, (redirects ??= []), heredocsInto)
        continue
      }
      if (this.#dialect === 'cmake' && ctx.cmakeCall !== undefined && !w.word.quoted) {
        if (w.word.text === 'COMMAND') {
          if (words.length > 0 || compound) {
            then = ctx.cmakeCall === 'execute_process' ? 'pipe' : 'sep'
            break
          }
          continue
        }
        if (CMAKE_KEYWORDS.has(w.word.text) && CMAKE_COMMAND_CALLS.has(ctx.cmakeCall)) {
          then = 'sep'
          break
        }
      }
      if (this.#dialect === 'meson' && ctx.blankCommas && this.#mesonCommandKeyword(w.word)) {
        // `custom_target('x', …, command: [prog, args])`: what follows `command:` is the command run, as after CMake's COMMAND
        if (words.length > 0 || compound) {
          then = 'sep'
          break
        }
        continue
      }
      words.push(this.#mesonProgramOf(w.word, words.length))
      if (w.multiline) (multiline ??= new Map()).set(w.word, w.multiline)
      lastWordEnd = this.#pos
    }
    if (words.length === 0 && !compound && redirects === undefined) return then ? { then } : {}
    this.#lexCodeContexts(words, multiline, ctx)
    const endLine = this.#line(Math.max(start, this.#pos - 1))
    const command: Command = { words, redirects: redirects ?? NO_REDIRECTS, compound, heredocs: heredocs ?? NO_HEREDOCS, line: words[0]?.line ?? line, endLine: Math.max(endLine, line), memo: newMemo() }
    return then ? { command, then } : { command }
  }

  /** `if`, `while`, `for`, `case`, `{`: the compound command starting here, if any. */
  #parseCompoundStart(ctx: Ctx): Compound | undefined {
    if (ctx.depth >= MAX_DEPTH) {
      const kw = this.#peekKeyword()
      if (this.#at() === '{' || (kw !== undefined && COMPOUND_OPENERS.has(kw) && !ctx.own.has(kw) && !ctx.outer.has(kw))) noteNestingLimit(this.#line())
      return undefined
    }
    if (this.#at() === '{' && (BLANK.has(this.#at(1)) || this.#at(1) === '\n') && this.#dialect !== 'cmake') {
      this.#pos++
      const body = this.#parseList(this.#child(ctx, { own: keyword('}') }))
      return { kind: 'brace', name: '{', parts: [body.list], words: [] }
    }
    if (this.#at() === '(' && this.#at(1) === '(' && this.#dialect !== 'cmake' && this.#dialect !== 'meson') {
      // (( arithmetic )): nothing runs in it
      const end = this.#balanced(this.#pos, '(', ')', 10_000)
      if (end > 0) this.#pos = end
      return undefined
    }
    const kw = this.#peekKeyword()
    if (kw === undefined || ctx.own.has(kw) || ctx.outer.has(kw)) return undefined
    if (this.#dialect === 'cmake') return undefined // cmake blocks open at their call
    if (this.#dialect === 'meson') {
      if (kw !== 'if' && kw !== 'foreach') return undefined
      this.#pos += kw.length
      const condition = this.#parsePipeline(this.#child(ctx, {}), '')
      const body = this.#parseList(this.#child(ctx, { own: keyword(kw === 'if' ? 'endif' : 'endforeach') }))
      return { kind: 'block', name: kw, parts: [{ pipelines: condition ? [condition] : [] }, body.list], words: [] }
    }
    if (!COMPOUND_OPENERS.has(kw)) return undefined
    this.#pos += kw.length
    if (kw === 'if') return this.#twoPart(ctx, 'if', 'if', 'then', 'fi')
    if (kw === 'while' || kw === 'until') return this.#twoPart(ctx, kw, kw, 'do', 'done')
    if (kw === 'for' || kw === 'select') return this.#twoPart(ctx, 'for', kw, 'do', 'done')
    // case WORD in ... esac
    const subject: Word[] = []
    for (let guard = 0; guard < 64; guard++) {
      this.#skipBlanks(ctx)
      if (this.#peekKeyword() === 'in') {
        this.#pos += 2
        break
      }
      const w = this.#readWord(ctx)
      if (!w) break
      subject.push(w.word)
    }
    const patterns: Word[] = []
    const body = this.#parseList(this.#child(ctx, { own: keyword('esac'), patterns }))
    return { kind: 'case', name: 'case', parts: [body.list], words: [...subject, ...patterns] }
  }

  #twoPart(ctx: Ctx, kind: CompoundKind, name: string, middle: string, end: string): Compound {
    const head = this.#parseList(this.#child(ctx, { own: keyword(middle) }))
    const body = head.stop === middle ? this.#parseList(this.#child(ctx, { own: keyword(end) })).list : { pipelines: [] }
    return { kind, name, parts: [head.list, body], words: [] }
  }

  #parseSubshell(ctx: Ctx): Compound {
    this.#pos++
    const inner = this.#parseList(this.#child(ctx, { parens: ctx.parens + 1, macro: undefined }))
    if (inner.stop === ')') this.#pos++
    return { kind: 'subshell', name: '(', parts: [inner.list], words: [] }
  }

  /** `NAME(args)` in m4, cmake and meson; cmake `if(...)` ... `endif()` blocks include their body. */
  #parseCall(ctx: Ctx, name: string, atCommandStart: boolean): Compound {
    this.#pos++
    const parts: CommandList[] = []
    if (this.#dialect === 'm4') {
      const macro: MacroFrame = { base: this.#m4Depth }
      for (let guard = 0; guard < 10_000; guard++) {
        if (guard === 0 && MESSAGE_MACROS.has(name)) {
          // autoconf prints a message inside double quotes: an apostrophe in "I don't know" is a
          // character there, and a `$(…)` or backquote in it runs
          const start = this.#pos
          const stop = this.#skipM4Argument()
          parts.push(this.#messageArgument(start, this.#pos - (stop === '' ? 0 : 1), ctx.depth))
          if (stop === ',') continue
          break
        }
        if (isProseArgument(name, guard)) {
          // prose is never run: an apostrophe in "the user's language" must not open a shell quote
          const stop = this.#skipM4Argument()
          parts.push({ pipelines: [] })
          if (stop === ',') continue
          break
        }
        const arg = this.#parseList(this.#child(ctx, { parens: ctx.parens + 1, macro }))
        parts.push(arg.list)
        if (arg.stop === ',') {
          this.#pos++
          continue
        }
        if (arg.stop === ')') this.#pos++
        break
      }
      return { kind: 'macro', name, parts, words: [] }
    }
    const cmake = this.#dialect === 'cmake'
    const args = this.#parseList(this.#child(ctx, { parens: ctx.parens + 1, macro: undefined, cmakeCall: cmake ? name.toLowerCase() : undefined, blankNewlines: true, blankCommas: !cmake }))
    if (args.stop === ')') this.#pos++
    parts.push(args.list)
    const lower = name.toLowerCase()
    if (cmake && atCommandStart && CMAKE_BLOCKS.has(lower) && ctx.depth + 1 < MAX_DEPTH) {
      const end = `end${lower}`
      const body = this.#parseList(this.#child(ctx, { own: keyword(end), cmakeCall: undefined, blankNewlines: false }))
      if (body.stop === end) this.#skipCallParens()
      return { kind: 'block', name: lower, parts: [args.list, body.list], words: [] }
    }
    return { kind: 'macro', name, parts, words: [] }
  }

  /** meson's `command:` keyword argument (or `command :`, whose colon is then read here too) */
  #mesonCommandKeyword(word: Word): boolean {
    if (word.quoted) return false
    if (word.text === 'command:') return true
    if (word.text !== 'command') return false
    let p = this.#pos
    while (p < this.#n && BLANK.has(this.#s[p] ?? '')) p++
    if (this.#s[p] !== ':') return false
    this.#pos = p + 1
    return true
  }

  /** A bare meson word naming a variable set to `find_program(…)` stands for that program; not where it is set again or called. */
  #mesonProgramOf(word: Word, index: number): Word {
    if (this.#dialect !== 'meson' || word.quoted) return word
    const program = this.#mesonPrograms?.get(word.text)
    if (!program) return word
    let p = this.#pos
    while (p < this.#n && BLANK.has(this.#s[p] ?? '')) p++
    const next = this.#s[p]
    if (index === 0 && next === '=' && this.#s[p + 1] !== '=') {
      // set again: to another find_program, which records it anew, or to something else
      this.#mesonPrograms?.delete(word.text)
      return word
    }
    return next === '(' || next === '.' ? word : { ...program, line: word.line }
  }

  #skipCallParens(): void {
    let p = this.#pos
    while (p < this.#n && BLANK.has(this.#s[p] ?? '')) p++
    if (this.#s[p] !== '(') return
    const end = this.#balanced(p, '(', ')', 10_000)
    if (end > 0) this.#pos = end
  }

  #skipEmptyParens(): boolean {
    let p = this.#pos + 1
    while (p < this.#n && BLANK.has(this.#s[p] ?? '')) p++
    if (this.#s[p] !== ')') return false
    this.#pos = p + 1
    return true
  }

  #readPatterns(ctx: Ctx, into: Word[]): void {
    this.#skipBlanksAndNewlines(ctx)
    if (this.#at() === '(') this.#pos++
    for (;;) {
      this.#skipBlanks(ctx)
      const c = this.#at()
      if (c === ')') {
        this.#pos++
        return
      }
      if (c === '|') {
        this.#pos++
        continue
      }
      if (c === '\n' || c === '' || c === ';') return
      const w = this.#readWord(ctx)
      if (!w) {
        this.#pos++
        continue
      }
      into.push(w.word)
    }
  }

  /** `heredocs` gives the command's list of here-documents, made when one is first needed: the body is read at the next newline, after the command is made. */
  #parseRedirect(ctx: Ctx, fd: string, into: Redirect[], heredocs: () => Nested[]): void {
    const line = this.#line()
    const op = /^(?:&>>|&>|<<<|<<-|<<|<>|<&|>&|>>|>\||<|>)/.exec(this.#s.slice(this.#pos, this.#pos + 3))?.[0] ?? this.#at()
    this.#pos += op.length
    this.#skipBlanks(ctx)
    const target = this.#at() === '\n' ? undefined : this.#readWord(ctx)?.word
    into.push({ op, fd, target, line })
    if ((op === '<<' || op === '<<-') && target && target.text.length > 0) {
      this.#pending.push({ depth: ctx.depth + 1, delimiter: target.text, stripTabs: op === '<<-', into: heredocs() })
    }
  }

  // ---- words --------------------------------------------------------------------------------

  #readWord(ctx: Ctx): { word: Word; multiline: { text: string; line: number }[] | undefined } | undefined {
    const start = this.#pos
    const line = this.#line()
    const b: WordBuild = { text: '', quoted: false, unterminated: false, nested: [], multiline: undefined }
    const m4 = this.#dialect === 'm4'
    const cmake = this.#dialect === 'cmake'
    const plain = m4 ? PLAIN_M4_WORD : PLAIN_WORD
    while (this.#pos < this.#n) {
      const run = runEnd(plain, this.#s, this.#pos)
      if (run > this.#pos) {
        b.text += this.#s.slice(this.#pos, run)
        this.#pos = run
        continue
      }
      const c = this.#at()
      if (m4 && (c === '[' || c === ']')) {
        this.#bracket(c)
        this.#pos++
        continue
      }
      if (BLANK.has(c) || c === '\n') break
      if (c === ';' || c === '&' || c === '|' || c === ')') break
      // meson's arrays and dictionaries hold words; their brackets are no part of one
      if (this.#dialect === 'meson' && MESON_BRACKETS.has(c)) break
      if (c === '<' || c === '>') {
        if (this.#at(1) === '(' && this.#pos === start && !cmake && this.#dialect !== 'make' && ctx.depth < MAX_DEPTH) {
          this.#readNestedList(ctx, b, 'process', 2)
          continue
        }
        break
      }
      if (c === '(') break
      if (c === ',' && (ctx.blankCommas || this.#commaEndsList(ctx))) break
      if (c === '#' && this.#pos === start) break
      if (m4 && c === 'd' && this.#pos > start && this.#atDnl()) break
      if (c === '\\') {
        if (this.#at(1) === '\n') this.#pos += 2
        else {
          b.text += this.#at(1)
          this.#pos += Math.min(2, this.#n - this.#pos)
        }
        continue
      }
      if (c === "'" && this.#dialect === 'meson') {
        this.#readMesonString(b)
        continue
      }
      if (c === "'" && !cmake) {
        this.#readSingleQuoted(b)
        continue
      }
      if (c === '"') {
        this.#readDoubleQuoted(ctx, b)
        continue
      }
      if (c === '`' && !cmake) {
        this.#readBackquoted(ctx, b)
        continue
      }
      if (c === '$') {
        this.#readDollar(ctx, b)
        continue
      }
      if (cmake && c === '[' && /^\[=*\[/.test(this.#s.slice(this.#pos, this.#pos + 40))) {
        this.#readBracketArgument(b)
        continue
      }
      b.text += c
      this.#pos++
    }
    if (this.#pos === start) return undefined
    const word: Word = { text: b.text, raw: this.#s.slice(start, this.#pos), line, quoted: b.quoted, unterminated: b.unterminated, nested: b.nested }
    return { word, multiline: b.multiline }
  }

  #bracket(c: string): void {
    this.#m4Depth = Math.max(0, this.#m4Depth + (c === '[' ? 1 : -1))
  }

  #countBrackets(text: string): void {
    if (this.#dialect !== 'm4') return
    for (const ch of text) if (ch === '[' || ch === ']') this.#bracket(ch)
  }

  #restOfLine(from: number): number {
    const eol = this.#s.indexOf('\n', from)
    return eol < 0 ? this.#n : eol
  }

  #readSingleQuoted(b: WordBuild): void {
    const open = this.#pos
    const close = this.#s.indexOf("'", open + 1)
    const closed = close >= 0 && close - open <= MAX_QUOTE_CHARS
    const end = closed ? close : this.#restOfLine(open + 1)
    const content = this.#s.slice(open + 1, end)
    this.#countBrackets(content)
    b.text += content
    b.quoted = true
    if (!closed) b.unterminated = true
    else if (content.includes('\n')) (b.multiline ??= []).push({ text: content, line: this.#line(open + 1) })
    this.#pos = closed ? close + 1 : end
  }

  /**
   * A meson string: `'''…'''` spans lines and escapes nothing; `'…'` ends at its line and takes
   * backslash escapes (`\'`, `\\`, `\n`), so an escaped quote does not close it.
   */
  #readMesonString(b: WordBuild): void {
    const open = this.#pos
    b.quoted = true
    if (this.#s.startsWith("'''", open)) {
      const close = this.#s.indexOf("'''", open + 3)
      const closed = close >= 0 && close - open <= MAX_QUOTE_CHARS
      // an unclosed one must not hide the lines after it
      const end = closed ? close : this.#restOfLine(open + 3)
      const content = this.#s.slice(open + 3, end)
      b.text += content
      if (!closed) b.unterminated = true
      else if (content.includes('\n')) (b.multiline ??= []).push({ text: content, line: this.#line(open + 3) })
      this.#pos = closed ? close + 3 : end
      return
    }
    const eol = this.#restOfLine(open + 1)
    let p = open + 1
    while (p < eol && this.#s[p] !== "'") {
      const ch = this.#s[p] ?? ''
      if (ch === '\\' && p + 1 < eol) {
        const next = this.#s[p + 1] ?? ''
        b.text += MESON_ESCAPES[next] ?? `\\${next}`
        p += 2
        continue
      }
      b.text += ch
      p++
    }
    if (p >= eol) b.unterminated = true
    this.#pos = p < eol ? p + 1 : eol
  }

  /** Index of the closing double quote, or -1 when none comes within the budget. */
  #scanDoubleQuote(from: number): number {
    const limit = Math.min(this.#n, from + MAX_QUOTE_CHARS)
    for (let p = from; p < limit; p++) {
      const ch = this.#s[p]
      if (ch === '\\') p++
      else if (ch === '"') return p
    }
    return -1
  }

  #readDoubleQuoted(ctx: Ctx, b: WordBuild): void {
    const open = this.#pos
    b.quoted = true
    const close = this.#scanDoubleQuote(open + 1)
    if (close < 0) {
      // stray quote: the rest of the line is its content, nothing in it is expanded
      const end = this.#restOfLine(open + 1)
      const content = this.#s.slice(open + 1, end)
      this.#countBrackets(content)
      b.text += content
      b.unterminated = true
      this.#pos = end
      return
    }
    const contentStart = open + 1
    const textStart = b.text.length
    this.#pos = contentStart
    const hardLimit = Math.min(this.#n, open + 2 * MAX_QUOTE_CHARS)
    while (this.#pos < hardLimit) {
      const run = Math.min(runEnd(PLAIN_DOUBLE_QUOTED, this.#s, this.#pos), hardLimit)
      if (run > this.#pos) {
        b.text += this.#s.slice(this.#pos, run)
        this.#pos = run
        continue
      }
      const c = this.#at()
      if (c === '"') {
        this.#pos++
        const newline = this.#s.indexOf('\n', contentStart)
        if (newline >= 0 && newline < this.#pos) (b.multiline ??= []).push({ text: b.text.slice(textStart), line: this.#line(contentStart) })
        return
      }
      if (c === '\\') {
        const next = this.#at(1)
        if (next === '\n') this.#pos += 2
        else if (next === '$' || next === '`' || next === '"' || next === '\\') {
          b.text += next
          this.#pos += 2
        } else {
          b.text += c
          this.#pos++
        }
        continue
      }
      if (c === '$') {
        this.#readDollar(ctx, b)
        continue
      }
      if (c === '`' && this.#dialect !== 'cmake') {
        this.#readBackquoted(ctx, b)
        continue
      }
      if (this.#dialect === 'm4' && (c === '[' || c === ']')) this.#bracket(c)
      b.text += c
      this.#pos++
    }
    b.unterminated = true
  }

  #readBackquoted(ctx: Ctx, b: WordBuild): void {
    const open = this.#pos
    const limit = Math.min(this.#n, open + MAX_QUOTE_CHARS)
    let p = open + 1
    while (p < limit && this.#s[p] !== '`') p += this.#s[p] === '\\' ? 2 : 1
    const closed = p < this.#n && this.#s[p] === '`'
    const end = closed ? p : this.#restOfLine(open + 1)
    const body = this.#s.slice(open + 1, end).replace(/\\([\\`$])/g, '$1')
    this.#countBrackets(body)
    this.#pos = closed ? end + 1 : end
    if (!closed) b.unterminated = true
    b.text += this.#s.slice(open, this.#pos)
    if (ctx.depth < MAX_DEPTH) b.nested.push(this.#nestedText('backquote', body, this.#line(open), ctx.depth + 1))
    else if (body.trim() !== '') noteNestingLimit(this.#line(open))
  }

  #readBracketArgument(b: WordBuild): void {
    const m = /^\[(=*)\[/.exec(this.#s.slice(this.#pos, this.#pos + 40))
    const eq = m?.[1] ?? ''
    const closer = `]${eq}]`
    const from = this.#pos + eq.length + 2
    const close = this.#s.indexOf(closer, from)
    const end = close < 0 ? this.#n : close
    const content = this.#s.slice(from, end)
    b.text += content
    b.quoted = true
    if (content.includes('\n')) (b.multiline ??= []).push({ text: content, line: this.#line(from) })
    this.#pos = close < 0 ? this.#n : close + closer.length
  }

  #readDollar(ctx: Ctx, b: WordBuild): void {
    const next = this.#at(1)
    if (this.#dialect === 'make') {
      if (next === '$') {
        // `$$` is the shell's `$`
        this.#pos++
        this.#readShellDollar(ctx, b)
        return
      }
      if (next === '(' || next === '{') {
        const end = this.#balanced(this.#pos + 1, next, next === '(' ? ')' : '}', MAX_QUOTE_CHARS)
        if (end < 0) {
          b.text += '$'
          this.#pos++
          return
        }
        const inner = this.#s.slice(this.#pos + 2, end - 1)
        const shell = /^shell\s+/.exec(inner)
        if (shell && ctx.depth < MAX_DEPTH) b.nested.push(this.#nestedText('make-shell', inner.slice(shell[0].length), this.#line(), ctx.depth + 1))
        else if (shell) noteNestingLimit(this.#line())
        b.text += this.#s.slice(this.#pos, end)
        this.#pos = end
        return
      }
      b.text += this.#s.slice(this.#pos, this.#pos + 2)
      this.#pos = Math.min(this.#n, this.#pos + 2)
      return
    }
    if (this.#dialect === 'cmake') {
      const m = /^\$(?:ENV|CACHE)?\{/.exec(this.#s.slice(this.#pos, this.#pos + 8))
      if (m) {
        const open = this.#pos + m[0].length - 1
        const end = this.#balanced(open, '{', '}', 4096)
        if (end > 0) {
          b.text += this.#s.slice(this.#pos, end)
          this.#pos = end
          return
        }
      }
      b.text += '$'
      this.#pos++
      return
    }
    this.#readShellDollar(ctx, b)
  }

  #readShellDollar(ctx: Ctx, b: WordBuild): void {
    const next = this.#at(1)
    if (next === '(') {
      if (this.#at(2) === '(') {
        const end = this.#balanced(this.#pos + 1, '(', ')', MAX_QUOTE_CHARS)
        if (end > 0) {
          this.#innerSubstitutions(this.#pos + 3, end - 2, b, ctx)
          b.text += this.#s.slice(this.#pos, end)
          this.#pos = end
          return
        }
      }
      if (ctx.depth < MAX_DEPTH) {
        this.#readNestedList(ctx, b, 'substitution', 2)
        return
      }
      noteNestingLimit(this.#line())
      b.text += '$('
      this.#pos += 2
      return
    }
    if (next === '{') {
      const end = this.#balanced(this.#pos + 1, '{', '}', 4096)
      if (end > 0) {
        this.#innerSubstitutions(this.#pos + 2, end - 1, b, ctx)
        b.text += this.#s.slice(this.#pos, end)
        this.#pos = end
        return
      }
      b.text += '${'
      this.#pos += 2
      return
    }
    if (next === "'") {
      this.#readAnsiC(b)
      return
    }
    b.text += '$'
    this.#pos++
  }

  /**
   * `${x:-$(…)}` and `$(( $(…) ))` run the substitutions inside them: each is lexed as a nested list
   * of the word, as for a substitution standing alone. The expansion itself stays text.
   */
  #innerSubstitutions(from: number, to: number, b: WordBuild, ctx: Ctx): void {
    for (let p = from; p < to; p++) {
      const ch = this.#s[p]
      if (ch === '\\') {
        p++
        continue
      }
      const substitution = ch === '$' && this.#s[p + 1] === '(' && this.#s[p + 2] !== '('
      if (!substitution && ch !== '`') continue
      if (ctx.depth + 1 >= MAX_DEPTH) {
        noteNestingLimit(this.#line(p))
        return
      }
      const end = substitution ? this.#balanced(p + 1, '(', ')', to - p - 1) : this.#s.indexOf('`', p + 1) + 1
      if (end <= 0 || end > to) return
      const body = substitution ? this.#s.slice(p + 2, end - 1) : this.#s.slice(p + 1, end - 1)
      b.nested.push(this.#nestedText(substitution ? 'substitution' : 'backquote', body, this.#line(p), ctx.depth + 1))
      p = end - 1
    }
  }

  /** `$(`, `<(`, `>(`: the list inside is lexed in place, sharing this text and its line numbers. */
  #readNestedList(ctx: Ctx, b: WordBuild, kind: NestedKind, openLength: number): void {
    const open = this.#pos
    const line = this.#line()
    this.#pos += openLength
    const inner = this.#parseList(this.#child(ctx, { parens: ctx.parens + 1, macro: undefined, cmakeCall: undefined, blankNewlines: false, blankCommas: false }))
    if (inner.stop === ')') this.#pos++
    else b.unterminated = true
    b.nested.push({ kind, line, list: inner.list })
    b.text += this.#s.slice(open, this.#pos)
  }

  /** `$'...'`: C escapes, as bash decodes them. */
  #readAnsiC(b: WordBuild): void {
    let p = this.#pos + 2
    const limit = Math.min(this.#n, p + MAX_QUOTE_CHARS)
    let out = ''
    while (p < limit && this.#s[p] !== "'") {
      if (this.#s[p] === '\\' && p + 1 < this.#n) {
        const rest = this.#s.slice(p + 1, p + 5)
        const m = /^(?:x([0-9A-Fa-f]{1,2})|([0-7]{1,3})|(.))/s.exec(rest)
        if (m?.[1] !== undefined) out += String.fromCharCode(parseInt(m[1], 16))
        else if (m?.[2] !== undefined) out += String.fromCharCode(parseInt(m[2], 8) & 0xff)
        else out += ANSI_ESCAPES[m?.[3] ?? ''] ?? m?.[3] ?? ''
        p += 1 + (m?.[0].length ?? 1)
        continue
      }
      out += this.#s[p]
      p++
    }
    b.text += out
    b.quoted = true
    if (p >= limit || this.#s[p] !== "'") b.unterminated = true
    this.#pos = Math.min(this.#n, p + 1)
  }

  /** Offset just past the closer matching the opener at `open`, or -1 within `limit` characters. */
  #balanced(open: number, opener: string, closer: string, limit: number): number {
    let depth = 0
    const end = Math.min(this.#n, open + limit)
    for (let p = open; p < end; p++) {
      const ch = this.#s[p]
      if (ch === '\\') p++
      else if (ch === opener) depth++
      else if (ch === closer && --depth === 0) return p + 1
    }
    return -1
  }

  /** The text of a message macro's argument (`start` to `end`), one m4 quote level off, lexed as the double-quoted word autoconf makes of it. */
  #messageArgument(start: number, end: number, depth: number): CommandList {
    const raw = this.#s.slice(start, end)
    const lead = raw.length - raw.trimStart().length
    let text = raw.trim()
    if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1)
    if (depth + 1 >= MAX_DEPTH || !/[$`]/.test(text)) return { pipelines: [] }
    return new Parser(`: "${text}"`, { dialect: this.#dialect, firstLine: this.#line(start + lead), depth: depth + 1 }).parse()
  }

  #nestedText(kind: NestedKind, text: string, line: number, depth: number): Nested {
    // what a CMake or meson string runs is a shell's command line: `sh -c "eval \"$(…)\""`
    const dialect = kind === 'string' && (this.#dialect === 'cmake' || this.#dialect === 'meson') ? 'sh' : this.#dialect
    return { kind, line, list: new Parser(text, { dialect, firstLine: line, depth }).parse() }
  }

  /** Strings that will run as code later are lexed as code now (see code-strings.ts). */
  #lexCodeContexts(words: Word[], multiline: ReadonlyMap<Word, { text: string; line: number }[]> | undefined, ctx: Ctx): void {
    if (ctx.depth + 1 >= MAX_DEPTH) {
      const [first] = codeStrings(words, multiline, this.#dialect)
      if (first !== undefined) noteNestingLimit(first.line)
      return
    }
    for (const code of codeStrings(words, multiline, this.#dialect)) {
      ;(code.word.nested as Nested[]).push(this.#nestedText('string', code.text, code.line, ctx.depth + 1))
    }
  }

  // ---- blanks, comments, keywords, here-documents ---------------------------------------------

  #skipBlanks(ctx: Ctx): void {
    while (this.#pos < this.#n) {
      this.#pos = runEnd(BLANK_RUN, this.#s, this.#pos)
      const c = this.#at()
      if (c === '\\' && this.#at(1) === '\n') this.#pos += 2
      else if (this.#dialect === 'm4' && (c === '[' || c === ']')) {
        this.#bracket(c)
        this.#pos++
      } else if (ctx.blankNewlines && c === '\n') this.#newline()
      else if (ctx.blankCommas && c === ',') this.#pos++
      else if (this.#dialect === 'meson' && MESON_BRACKETS.has(c)) this.#pos++
      else if (ctx.blankNewlines && (c === '#' || this.#atDnl())) this.#skipComment()
      else return
    }
  }

  #skipBlanksAndNewlines(ctx: Ctx): void {
    for (;;) {
      const before = this.#pos
      this.#skipBlanks(ctx)
      if (this.#at() === '\n') this.#newline()
      else this.#skipComment()
      if (this.#pos === before) return
    }
  }

  /** At a comment: `#` to the end of the line; m4's `dnl` also eats the newline. */
  #skipComment(): boolean {
    if (this.#at() === '#') {
      this.#pos = this.#restOfLine(this.#pos)
      return true
    }
    if (this.#atDnl()) {
      const eol = this.#restOfLine(this.#pos)
      this.#pos = eol
      if (this.#at() === '\n') this.#newline()
      return true
    }
    return false
  }

  #atDnl(): boolean {
    if (this.#dialect !== 'm4' || !this.#s.startsWith('dnl', this.#pos)) return false
    const before = this.#s[this.#pos - 1] ?? ''
    const after = this.#s[this.#pos + 3] ?? ''
    return !/\w/.test(before) && !/\w/.test(after)
  }

  #commaEndsList(ctx: Ctx): boolean {
    return ctx.macro !== undefined && this.#m4Depth <= ctx.macro.base
  }

  #peekKeyword(): string | undefined {
    const c = this.#at()
    if (c === '}') {
      const after = this.#at(1)
      return after === '' || BLANK.has(after) || after === '\n' || after === ';' || after === ')' || after === '&' || after === '|' ? '}' : undefined
    }
    if (!/[a-z]/i.test(c)) return undefined
    // asked at every command and list item: the name is copied only once what follows it allows a keyword
    const end = Math.min(runEnd(NAME_RUN, this.#s, this.#pos), this.#pos + 24)
    const after = this.#s[end] ?? ''
    if (after !== '' && !BLANK.has(after) && !';&|)\n'.includes(after) && !(after === '(' && this.#dialect === 'cmake')) return undefined
    const word = this.#s.slice(this.#pos, end)
    return this.#dialect === 'cmake' ? word.toLowerCase() : word
  }

  #newline(): void {
    this.#pos++
    if (this.#pending.length === 0) return
    const pending = this.#pending
    this.#pending = []
    for (const heredoc of pending) this.#readHeredoc(heredoc)
  }

  #readHeredoc(h: PendingHeredoc): void {
    const bodyStart = this.#pos
    let lineStart = bodyStart
    for (let k = 0; k < MAX_HEREDOC_LINES && lineStart <= this.#n && this.#heredocBudget > 0; k++) {
      const eol = this.#restOfLine(lineStart)
      this.#heredocBudget -= eol - lineStart + 1
      let from = lineStart
      if (h.stripTabs) while (from < eol && this.#s.charCodeAt(from) === 9) from++
      // configure's here-documents run to thousands of lines: only a line starting with the delimiter is copied to compare
      if (this.#s.startsWith(h.delimiter, from) && this.#s.slice(from, eol).trimEnd() === h.delimiter) {
        const body = this.#s.slice(bodyStart, lineStart)
        this.#pos = Math.min(this.#n, eol + 1)
        // the delimiter line ends the command line it belongs to
        if (h.depth < MAX_DEPTH) h.into.push(this.#nestedText('heredoc', body, this.#line(bodyStart), h.depth))
        else noteNestingLimit(this.#line(bodyStart))
        return
      }
      if (eol >= this.#n) return
      lineStart = eol + 1
    }
  }
}

/** meson's escapes whose character matters to a command line; the others are kept as written */
const MESON_ESCAPES: Readonly<Record<string, string>> = { "'": "'", '\\': '\\', n: '\n', t: '\t' }
const ANSI_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b', E: '\x1b', '\\': '\\', "'": "'", '"': '"' }

