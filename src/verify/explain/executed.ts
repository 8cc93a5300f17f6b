/**
 * @fileoverview Where the build reads a file as code: sources it, hands it to a shell or an
 * interpreter, pipes it into one, includes it as m4 or make. A name in a list of files to ship or
 * install, in a comment or in a URL is not such a use.
 */
import { basenameOf } from '../../util/paths.js'
import { escapeRegExp } from '../../util/regexp.js'
import { LineIndex } from '../../util/lines.js'

export interface CodeUse {
  readonly path: string
  readonly line: number
  readonly text: string
  /** the name the line uses when it is that of a link to the file */
  readonly via?: string
}

/** Where a use is, for a message: `configure:14018`, with the link it goes through. */
export const useLocation = (use: CodeUse): string => `${use.path}:${use.line}${use.via !== undefined ? ` through the link ${use.via}` : ''}`

/** automake/make variables that list files to ship, install or clean rather than run */
const LIST_VARIABLE = /^\s*(?:[\w$(){}]*_)?(?:EXTRA_DIST|DIST|DISTFILES|DATA|HEADERS|SCRIPTS|MANS|TEXINFOS|CLEANFILES|DISTCLEANFILES|MAINTAINERCLEANFILES|MOSTLYCLEANFILES|FILES|PYTHON|LISP|JAVA)\s*[+:?]?=/
const URL = /\b[a-z][\w+.-]*:\/\/\S+/gi
const MAX_USES = 8
const MAX_LINE_CHARS = 240

/** Commands that run or read their operand as code (shell, interpreters, m4 and make inclusion). */
const RUNNER = String.raw`(?:source|sh|bash|dash|ksh|zsh|\$\(SHELL\)|\$\{SHELL\}|\$SHELL|\$\{CONFIG_SHELL\}|\$CONFIG_SHELL|\$\(CONFIG_SHELL\)|perl|\$\(PERL\)|\$PERL|python3?|\$\(PYTHON\)|\$PYTHON|tclsh|expect|awk\s+-f|gawk\s+-f|\$\(AWK\)\s+-f|\$AWK\s+-f|sed\s+-f|\$\(SED\)\s+-f|\$SED\s+-f|m4|\$\(M4\)|\$M4|include|-include|sinclude|m4_include|m4_sinclude|builtin\(\[?include)`
/** where a command starts: the line's start, a separator, a subshell, a brace group or a substitution */
const COMMAND_START = String.raw`(?:^|[\s;&|({\[\x60]|\$\()`
/** a command position proper (`.` is a word of many commands — `ln -s . x`, `find .` — and sources only here) */
const STRICT_COMMAND_START = String.raw`(?:^\s*[@-]*\s*|[;&|({\x60]\s*|\$\(\s*|\b(?:then|do|else|if|elif|while|until)\s+)`
/** Commands whose operand is a command: a bare name is looked up in PATH (`eval "test …"` runs the builtin), only a path names a file. */
const COMMAND_RUNNER = String.raw`(?:eval|exec)`
/**
 * A pipe into something that runs what it is fed, or a command substitution whose output is run: in
 * command position or handed to `sh -c`. A substitution assigned to a variable (`V=\`cat f\``,
 * `${V=$(cat f)}`) or passed as an argument is a value, not code.
 */
// (`$(VERSION)` is a make variable and `$((n-1))` arithmetic, neither a command substitution)
const SUBSTITUTION = String.raw`(?:\x60|\$\((?![A-Za-z_][A-Za-z0-9_]*\)|\())`
const FEEDS_RUNNER = new RegExp(
  String.raw`\|\s*(?:\$\(SHELL\)|\$\{?SHELL\}?|\$\{?CONFIG_SHELL\}?|sh|bash|dash|eval|perl|python3?)\b|\beval\b|` +
    String.raw`(?:^\s*[@-]*\s*|[;&|({]\s*|\b(?:then|do|else|exec)\s+|\b(?:sh|bash|\$\{?SHELL\}?|\$\(SHELL\))\s+-c\s+["']?)${SUBSTITUTION}`,
)

/** `V=\`…\`` or `V=$(…)`: a substitution captured in a variable */
const CAPTURED = new RegExp(String.raw`\b([A-Za-z_][A-Za-z0-9_]*)=["']?${SUBSTITUTION}`)

/** Is the variable run somewhere in the file (`eval "$V"`, `sh -c "$V"`, `$V` as a command)? */
function variableRun(name: string, text: string): boolean {
  // `eval 'X=$V'` assigns the value: only a value in a command's place is run
  const value = String.raw`(?<!=)(?<!=["'])["']?\$\{?${name}\b`
  return new RegExp(String.raw`\beval\b[^\n;|&]*${value}|\b(?:sh|bash|\$\{?SHELL\}?|\$\(SHELL\))\s+-c\s+${value}|(?:^|[;&|({\x60]|\b(?:then|do|else)\s)\s*${value}`, 'm').test(text)
}

/** Is the variable a substitution is captured in run later in the same file? */
function capturedAndRun(part: string, text: string): boolean {
  const name = CAPTURED.exec(part)?.[1]
  return name !== undefined && variableRun(name, text)
}

/**
 * A quoted literal given to a variable, nothing expanded in it: `configure_deps="'configure.ac' or
 * m4 files included by 'configure.ac'"` is a sentence for a message, not an m4 run; when the
 * variable is run (`eval "$cmd"`, `$cmd` as a command), the value is the command.
 */
const LITERAL_ASSIGNMENT = /^\s*(?:export\s+|readonly\s+|local\s+)?([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"$\x60\\]*)"|'([^']*)')\s*;?\s*$/

/** autoconf's messages: `AC_MSG_CHECKING([for source epoch in source_epoch file])` is text for the user */
const MESSAGE_MACRO = /\b(AC_MSG_(?:CHECKING|RESULT|NOTICE|WARN|ERROR|FAILURE)|AS_ECHO(?:_N)?)\(\[[^\]]*\]/g
/** and what configure makes of them: one echo or printf written to a descriptor (`>&5`, `>&6`) and nowhere else */
const MESSAGE_LINE = /^\s*\{?\s*(?:printf|echo|\$as_echo(?:_n)?)\s[^|;&`]*>&[0-9]\s*(?:;\s*\}?)?\s*$/

/**
 * What any use needs, whatever the name: a runner, `eval`/`exec` or `.` in command position, or a
 * read (`<`, `cat`, …) that could feed one. A line without it is skipped before the per-name checks.
 */
const MAY_RUN = new RegExp(String.raw`${COMMAND_START}(?:${RUNNER}[\s(\[]|${COMMAND_RUNNER}["'\s(\[/=,])|${STRICT_COMMAND_START}\.\s|<|\b(?:cat|sed|tr|head|tail|xz|gzip|bzip2|base64|openssl|od|xxd|dd)\b`)

/** automake's `@am__include@ @am__quote@./$(DEPDIR)/x.Plo@am__quote@`: configure makes it make's `include "…"` */
const AUTOMAKE_INCLUDE = /@am__include@/g
const AUTOMAKE_QUOTE = /@am__quote@/g

/** Strips what cannot run: comment text (`#`, `dnl`), URLs and messages for the user. */
function codeOf(line: string): string {
  let l = line.replace(URL, ' ')
  if (l.includes('@am__')) l = l.replace(AUTOMAKE_INCLUDE, ' include').replace(AUTOMAKE_QUOTE, '"')
  if (/^\s*(?:dnl\b|#)/.test(l) || MESSAGE_LINE.test(l)) return ''
  l = l.replace(/\s(?:dnl\s.*|#\s.*)$/, '').replace(MESSAGE_MACRO, '$1([')
  return l
}

/**
 * The lines of build files that read `path` as code. The name must appear as the operand of a
 * runner (`. "$srcdir/x"`, `$(SHELL) x`, `m4_include([x])`), as input redirected or piped into
 * one, or as a file a runner's command substitution reads.
 */
export function codeUsesOf(path: string, buildTexts: ReadonlyMap<string, string>): CodeUse[] {
  const name = basenameOf(path)
  if (name.length < 2) return []
  /** the file's name as a word of its own, after `directories` */
  const named = (directories: string): string => String.raw`(?:^|[\s"'(\[/=,])${directories}${escapeRegExp(name)}(?=$|[\s"'()\]\[;|&<>,\x60])`
  const bounded = named(String.raw`(?:[^\s"'()\[\];|&<>]*/)?`)
  const pathBounded = named(String.raw`[^\s"'()\[\];|&<>]*/`)
  const direct = new RegExp(String.raw`${COMMAND_START}${RUNNER}[\s(\[]+(?:-\S+\s+)*[^;|&]*?${bounded}|${STRICT_COMMAND_START}\.\s+[^;|&]*?${bounded}`)
  const commandRun = new RegExp(String.raw`${COMMAND_START}${COMMAND_RUNNER}[\s(\[]*${pathBounded}`)
  const mention = new RegExp(bounded)
  const redirected = new RegExp(String.raw`<\s*["']?[^\s;|&]*${escapeRegExp(name)}\b`)
  const read = new RegExp(String.raw`\b(?:cat|sed|tr|head|tail|xz|gzip|bzip2|base64|openssl|od|xxd|dd)\b[^;|&]*?${bounded}`)
  // a read feeds a runner only within one command (`a; b`, `a && b` are two), never when written to a file
  const reads = (part: string): boolean => redirected.test(part) || read.test(part)
  const uses: CodeUse[] = []
  const index = indexOf(buildTexts)
  for (const { source, line: i } of index.linesNaming(name)) {
    const { path: p, lines } = source
    if (uses.length >= MAX_USES) break
    if (p === path || lines.inList(i)) continue
    const { code, mayRun } = lines.code(i)
    if (!mayRun || !mention.test(code)) continue
    const fed = code.split(/;|&&|\|\|/).some((part) => reads(part) && (FEEDS_RUNNER.test(part) || capturedAndRun(part, lines.text)) && !/[^<>&0-9]>>?\s*[^\s&|]+\s*$/.test(part))
    const runs = direct.test(code) || commandRun.test(code) || fed
    if (runs) uses.push({ path: p, line: i + 1, text: lines.line(i).trim().slice(0, MAX_LINE_CHARS) })
  }
  return uses
}

/**
 * A build file's lines, split and classified once: a release with thousands of unexplained files
 * asks about each of them, and rescanning every build file per question was quadratic.
 */
class IndexedLines {
  readonly text: string
  readonly #index: LineIndex
  #listed: Uint8Array | undefined
  readonly #code = new Map<number, { readonly code: string; readonly mayRun: boolean }>()

  constructor(text: string) {
    this.text = text
    this.#index = new LineIndex(text, 0)
  }

  /** Line `i` (from 0) as written, a carriage return included. */
  line(i: number): string {
    const starts = this.#index.starts
    const end = starts[i + 1]
    return this.text.slice(starts[i], end === undefined ? undefined : end - 1)
  }

  /** Line `i` without what cannot run, and whether what is left could run anything at all. */
  code(i: number): { readonly code: string; readonly mayRun: boolean } {
    let known = this.#code.get(i)
    if (!known) {
      const line = this.line(i)
      const literal = LITERAL_ASSIGNMENT.exec(line)
      // a literal that is run is read as the command it holds
      const code = literal?.[1] === undefined ? codeOf(line) : variableRun(literal[1], this.text) ? codeOf(literal[2] ?? literal[3] ?? '') : ''
      this.#code.set(i, (known = { code, mayRun: MAY_RUN.test(code) }))
    }
    return known
  }

  /** Is line `i` part of a list of files to ship, install or clean (its first line or a continuation)? */
  inList(i: number): boolean {
    if (!this.#listed) {
      const listed = new Uint8Array(this.#index.count)
      let continued = false
      for (let j = 0; j < listed.length; j++) {
        const raw = this.line(j)
        const skip: boolean = continued || LIST_VARIABLE.test(raw)
        continued = skip && /\\\s*$/.test(raw)
        listed[j] = skip ? 1 : 0
      }
      this.#listed = listed
    }
    return this.#listed[i] === 1
  }

  /** The numbers of the lines that contain `name`, in order, each once. */
  *linesContaining(name: string): Generator<number> {
    for (let at = this.text.indexOf(name); at !== -1; ) {
      const line = this.#index.lineAt(at)
      yield line
      const next = this.#index.starts[line + 1]
      if (next === undefined) return
      at = this.text.indexOf(name, next)
    }
  }

  /** Each line's words: the text between the characters that can bound a file's name in a use. */
  *words(): Generator<[line: number, words: string[]]> {
    for (let i = 0; i < this.#index.count; i++) yield [i, this.line(i).split(NAME_BOUNDARIES)]
  }
}

/**
 * Every character that may stand right before or right after a file's name in a use (see
 * `named`): a name free of them is, wherever it is used, one whole word between them.
 */
const NAME_BOUNDARIES = /[\s"'()[\]/=,;|&<>`]+/
/** `codeOf` blanks URLs, which can leave a name ending in punctuation bounded where it was not */
const WORD_INDEXED_NAME = /^[^\s"'()[\]/=,;|&<>`]*\w$/

/** Questions answered by searching the texts before their words are indexed. */
const SEARCHED_QUESTIONS = 16

interface BuildText {
  readonly path: string
  readonly lines: IndexedLines
}

interface LineOfText {
  readonly source: BuildText
  readonly line: number
}

/** All build texts, with the lines each word is on: one lookup per name instead of one scan per build file. */
class BuildTextIndex {
  readonly #texts: BuildText[]
  #byWord: Map<string, LineOfText[]> | undefined
  #asked = 0

  constructor(buildTexts: ReadonlyMap<string, string>) {
    this.#texts = [...buildTexts].map(([path, text]) => ({ path, lines: new IndexedLines(text) }))
  }

  /** The lines of every build text (in the map's order, then line order) that contain `name`. */
  linesNaming(name: string): Iterable<LineOfText> {
    // a few questions are answered faster by searching than by indexing every word first
    this.#asked += 1
    if (!WORD_INDEXED_NAME.test(name) || (this.#byWord === undefined && this.#asked <= SEARCHED_QUESTIONS)) return this.#scan(name)
    this.#byWord ??= this.#wordIndex()
    return this.#byWord.get(name) ?? []
  }

  *#scan(name: string): Generator<LineOfText> {
    for (const t of this.#texts) for (const line of t.lines.linesContaining(name)) yield { source: t, line }
  }

  #wordIndex(): Map<string, LineOfText[]> {
    const byWord = new Map<string, LineOfText[]>()
    for (const t of this.#texts) {
      for (const [line, words] of t.lines.words()) {
        for (const word of words) {
          if (!word) continue
          const at = byWord.get(word)
          const last = at?.[at.length - 1]
          if (!at) byWord.set(word, [{ source: t, line }])
          else if (last?.line !== line || last.source !== t) at.push({ source: t, line })
        }
      }
    }
    return byWord
  }
}

const indexes = new WeakMap<ReadonlyMap<string, string>, BuildTextIndex>()

/** The index of the build texts, kept for as long as their map lives. */
function indexOf(buildTexts: ReadonlyMap<string, string>): BuildTextIndex {
  let index = indexes.get(buildTexts)
  if (!index) indexes.set(buildTexts, (index = new BuildTextIndex(buildTexts)))
  return index
}
