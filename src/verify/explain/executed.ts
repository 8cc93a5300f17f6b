/**
 * @fileoverview Where the build reads a file as code: sources it, hands it to a shell or an
 * interpreter, pipes it into one, includes it as m4 or make. A name in a list of files to ship or
 * install, in a comment or in a URL is not such a use.
 */
import { basenameOf } from '../../util/paths.js'
import { escapeRegExp } from '../../util/regexp.js'

export interface CodeUse {
  readonly path: string
  readonly line: number
  readonly text: string
}

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

/** Is the variable a substitution is captured in run later in the same file (`eval "$V"`, `sh -c "$V"`, `$V` as a command)? */
function capturedAndRun(part: string, text: string): boolean {
  const name = CAPTURED.exec(part)?.[1]
  if (!name) return false
  // `eval 'X=$V'` assigns the value: only a value in a command's place is run
  const value = String.raw`(?<!=)(?<!=["'])["']?\$\{?${name}\b`
  return new RegExp(String.raw`\beval\b[^\n;|&]*${value}|\b(?:sh|bash|\$\{?SHELL\}?|\$\(SHELL\))\s+-c\s+${value}|(?:^|[;&|({\x60]|\b(?:then|do|else)\s)\s*${value}`, 'm').test(text)
}

/** autoconf's messages: `AC_MSG_CHECKING([for source epoch in source_epoch file])` is text for the user */
const MESSAGE_MACRO = /\b(AC_MSG_(?:CHECKING|RESULT|NOTICE|WARN|ERROR|FAILURE)|AS_ECHO(?:_N)?)\(\[[^\]]*\]/g
/** and what configure makes of them: one echo or printf written to a descriptor (`>&5`, `>&6`) and nowhere else */
const MESSAGE_LINE = /^\s*\{?\s*(?:printf|echo|\$as_echo(?:_n)?)\s[^|;&`]*>&[0-9]\s*(?:;\s*\}?)?\s*$/

/** Strips what cannot run: comment text (`#`, `dnl`), URLs and messages for the user. */
function codeOf(line: string): string {
  let l = line.replace(URL, ' ')
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
  const uses: CodeUse[] = []
  for (const [p, text] of buildTexts) {
    if (p === path || !text.includes(name)) continue
    let inList = false
    const lines = text.split('\n')
    for (let i = 0; i < lines.length && uses.length < MAX_USES; i++) {
      const raw = lines[i] ?? ''
      const listStart = LIST_VARIABLE.test(raw)
      const skip: boolean = inList || listStart
      inList = skip && /\\\s*$/.test(raw)
      if (skip || !raw.includes(name)) continue
      const code = codeOf(raw)
      if (!mention.test(code)) continue
      // a read feeds a runner only within one command (`a; b`, `a && b` are two), never when written to a file
      const reads = (part: string): boolean => redirected.test(part) || read.test(part)
      const fed = code.split(/;|&&|\|\|/).some((part) => reads(part) && (FEEDS_RUNNER.test(part) || capturedAndRun(part, text)) && !/[^<>&0-9]>>?\s*[^\s&|]+\s*$/.test(part))
      const runs = direct.test(code) || commandRun.test(code) || fed
      if (runs) uses.push({ path: p, line: i + 1, text: raw.trim().slice(0, MAX_LINE_CHARS) })
    }
  }
  return uses
}
