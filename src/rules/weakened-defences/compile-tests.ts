/**
 * @fileoverview The test programs of build-time feature checks (CMake check_*_source_*, autoconf
 * AC_*_IFELSE / AC_TRY_*, meson compiler.compiles/links/run), with the line each program starts on.
 */
import { LineIndex } from '../../util/lines.js'

export interface CompileTest {
  /** the macro or method that compiles the program */
  readonly macro: string
  /** the variable or description that receives the result, when visible */
  readonly result: string | undefined
  /** line of the macro call */
  readonly line: number
  /** the program text, as written (m4 quotes left in) */
  readonly program: string
  /** line the program text starts on */
  readonly programLine: number
}

const CMAKE_CALL = /\b(check_(?:c|cxx|objc)_source_(?:compiles|runs)|check_source_(?:compiles|runs))\s*\(/gi
const AUTOCONF_CALL = /\b(AC_(?:COMPILE|LINK|RUN|PREPROC)_IFELSE|AC_TRY_(?:COMPILE|LINK|RUN|CPP))\s*\(/g
const MESON_CALL = /\.(compiles|links|run)\s*\(/g
const MAX_PROGRAM = 64 * 1024

const skipBlanks = (text: string, at: number): number => {
  let i = at
  while (i < text.length && /\s/.test(text[i] ?? '')) i++
  return i
}

/** A double- or single-quoted string starting at `at` (which holds the quote), with backslash escapes. */
function quoted(text: string, at: number): { body: string; end: number } | undefined {
  const quote = text[at]
  if (quote !== '"' && quote !== "'") return undefined
  if (quote === "'" && text.startsWith("'''", at)) {
    const close = text.indexOf("'''", at + 3)
    return close < 0 || close - at > MAX_PROGRAM ? undefined : { body: text.slice(at + 3, close), end: close + 3 }
  }
  for (let i = at + 1; i < text.length && i - at < MAX_PROGRAM; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === quote) return { body: text.slice(at + 1, i), end: i + 1 }
  }
  return undefined
}

/** The first m4 argument starting at `at`: up to a `,` or `)` outside quotes and parentheses. */
function m4Argument(text: string, at: number): string | undefined {
  let quote = 0
  let parens = 0
  for (let i = at; i < text.length && i - at < MAX_PROGRAM; i++) {
    const c = text[i]
    if (c === '[') quote++
    else if (c === ']') quote = Math.max(0, quote - 1)
    else if (quote === 0 && c === '(') parens++
    else if (quote === 0 && c === ')') {
      if (parens === 0) return text.slice(at, i)
      parens--
    } else if (quote === 0 && parens === 0 && c === ',') return text.slice(at, i)
  }
  return undefined
}

function nearestCheckMessage(text: string, offset: number): string | undefined {
  const before = text.slice(Math.max(0, offset - 1500), offset)
  const messages = [...before.matchAll(/AC_(?:MSG_CHECKING|CACHE_CHECK)\(\s*\[?([^\],)]+)/g)]
  return messages[messages.length - 1]?.[1]?.trim()
}

/**
 * Every compile-test program in a build file.
 * @example compileTests('check_c_source_compiles("int main(void){return 0;}" HAVE_X)')[0]?.result // 'HAVE_X'
 */
export function compileTests(text: string): CompileTest[] {
  const lines = new LineIndex(text)
  const tests: CompileTest[] = []
  for (const match of text.matchAll(CMAKE_CALL)) {
    let at = skipBlanks(text, (match.index ?? 0) + match[0].length)
    // check_source_compiles(<lang> <code> <var>) names the language first
    if (/^check_source_/i.test(match[1] ?? '')) at = skipBlanks(text, text.slice(at).search(/\s/) + at)
    const program = quoted(text, at)
    if (!program) continue
    const result = text.slice(program.end, program.end + 200).match(/^\s*([A-Za-z_]\w*)/)?.[1]
    tests.push({ macro: match[1] ?? '', result, line: lines.lineAt(match.index ?? 0), program: program.body, programLine: lines.lineAt(at + 1) })
  }
  for (const match of text.matchAll(AUTOCONF_CALL)) {
    const at = (match.index ?? 0) + match[0].length
    const program = m4Argument(text, at)
    if (program === undefined) continue
    tests.push({ macro: match[1] ?? '', result: nearestCheckMessage(text, match.index ?? 0), line: lines.lineAt(match.index ?? 0), program, programLine: lines.lineAt(at) })
  }
  for (const match of text.matchAll(MESON_CALL)) {
    const at = skipBlanks(text, (match.index ?? 0) + match[0].length)
    const program = quoted(text, at)
    if (!program) continue
    const result = text.slice(program.end, program.end + 400).match(/^[^)]*?\bname\s*:\s*'([^']*)'/)?.[1]
    const offset = text.startsWith("'''", at) ? at + 3 : at + 1
    tests.push({ macro: match[1] ?? '', result, line: lines.lineAt(match.index ?? 0), program: program.body, programLine: lines.lineAt(offset) })
  }
  return tests
}
