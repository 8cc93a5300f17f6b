/**
 * @fileoverview Which strings of a command will run as code later, and so are lexed as code:
 * assignment values, `eval` and `sh -c` arguments, `trap` actions, quoted text spanning lines
 * (a stray quote must not hide the lines it swallows), and shell snippets quoted in CMake/meson.
 */
import type { Dialect, Word } from './ast.js'
import { basename, commandWordIndex, isAssignment, isPureExpansion } from './words.js'

export interface CodeString {
  /** the word the code belongs to */
  readonly word: Word
  readonly text: string
  readonly line: number
}

/** Text that a shell would treat as more than one word or more than one command. */
const looksLikeCode = (text: string): boolean => /[\s|;&<>`]|\$\(/.test(text.trim())
const SHELL_PROGRAM = /^(?:ba|da|k|z|a|mk)?sh$|^\$\{?(?:CONFIG_)?SHELL\}?$|^su$/

/** `eval`, `trap` or a shell: a program that runs a string it is given as code */
const runsItsArguments = (word: string): boolean => {
  const name = basename(word)
  return name === 'eval' || name === 'trap' || SHELL_PROGRAM.test(name)
}

const SUBSTITUTION_FIRST = /^"?(?:\$\((?!\()|`)/

/**
 * Whether a word's value is an expansion, not text kept to run later: `x=$(…)".info"` and
 * `git commit -m "$(⏎…)"` run their substitution as the shell reads the word, as the word's own
 * nested list, and hold its output; `x="$y"` holds y's value. A single-quoted `'$(NAME)'` is left
 * alone too: in configure it is make's syntax (`AM_V='$(V)'`), kept for a Makefile.
 */
const expandedNow = ({ raw, text }: { raw: string; text: string }): boolean => SUBSTITUTION_FIRST.test(raw) || isPureExpansion(text)

/** An assignment's value, as written and as read; any other word whole. */
const valueOf = (w: Word): { raw: string; text: string } => (isAssignment(w.text) ? { raw: w.raw.slice(w.raw.indexOf('=') + 1), text: w.text.slice(w.text.indexOf('=') + 1) } : { raw: w.raw, text: w.text })

/** Quoted words (assignment values, cmake/meson strings) or a program that runs its arguments as code. */
function mayHoldCode(words: readonly Word[]): boolean {
  return words.some((w) => w.quoted || runsItsArguments(w.text))
}

/** The code strings of one command, given its words and the quoted parts of them that span lines. */
export function codeStrings(words: readonly Word[], multiline: ReadonlyMap<Word, readonly { text: string; line: number }[]> | undefined, dialect: Dialect): CodeString[] {
  // asked for every command the lexer reads: most hold no quoted text, span no lines and run no shell
  if (!multiline && !mayHoldCode(words)) return []
  const out: CodeString[] = []
  const texts = words.map((w) => w.text)
  const at = commandWordIndex(texts)
  for (let i = 0; i < at && i < words.length; i++) {
    const w = words[i] as Word
    if (!isAssignment(w.text)) continue
    const value = valueOf(w)
    if (w.quoted && looksLikeCode(value.text) && !expandedNow(value)) out.push({ word: w, text: value.text, line: w.line })
  }
  const program = basename(texts[at] ?? '')
  const args = words.slice(at + 1)
  const first = args[0]
  if (program === 'eval' && first) {
    const joined = args.map((w) => w.text).join(' ')
    if ((args.length > 1 || looksLikeCode(joined)) && !(args.length === 1 && isPureExpansion(joined))) out.push({ word: first, text: joined, line: first.line })
  }
  if (SHELL_PROGRAM.test(program)) {
    const c = args.findIndex((w) => /^-[a-z]*c[a-z]*$/.test(w.text))
    const script = c >= 0 ? args[c + 1] : undefined
    if (script && !isPureExpansion(script.text)) out.push({ word: script, text: script.text, line: script.line })
  }
  if (program === 'trap' && first && looksLikeCode(first.text)) out.push({ word: first, text: first.text, line: first.line })
  const done = out.length === 0 ? undefined : new Set(out.map((c) => c.word))
  const quotedCode = dialect === 'cmake' || dialect === 'meson'
  for (const w of words) {
    const parts = multiline?.get(w)
    // only a word spanning lines, or a CMake or meson string, can be code here: the others are not read further
    if (!parts && !(quotedCode && w.quoted)) continue
    if (done?.has(w)) continue
    // `X="$(curl \⏎ …)"` and `git commit -m "$(⏎ … | tr …)"`: lexed again as code, the value would be a command
    if (expandedNow(valueOf(w))) continue
    if (parts) for (const part of parts) out.push({ word: w, text: part.text, line: part.line })
    else if (/[|;`]|&&|\$\(/.test(w.text)) out.push({ word: w, text: w.text, line: w.line })
  }
  return out
}
