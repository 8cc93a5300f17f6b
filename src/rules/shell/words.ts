/** @fileoverview Reading words: assignments, variable references, and which word names the program. */
import type { Command, Word } from './ast.js'

/** `name=value`, including m4 names built from macro arguments (`gl_$1_config=`). */
export const isAssignment = (text: string): boolean => /^(?:[A-Za-z_]|\$\{?\d)[\w${}[\]]*\+?=/.test(text)

/** commands whose `NAME=value` arguments are assignments to the shell's variables */
export const DECLARERS: ReadonlySet<string> = new Set(['export', 'local', 'readonly', 'declare', 'typeset'])
/** POSIX's special built-ins (and the declaring commands): an assignment before one stays in the shell */
const SPECIAL_BUILTINS: ReadonlySet<string> = new Set([':', '.', 'break', 'continue', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'times', 'trap', 'unset', ...DECLARERS])

/**
 * Whether `X=v` written before this program (none: the assignment stands alone) sets the shell's
 * variable for the commands after it. Before any other program it is that program's environment
 * only, and the shell expands the command's own words without it.
 */
export const keepsAssignments = (program: string | undefined): boolean => program === undefined || SPECIAL_BUILTINS.has(program)

/** Commands that run the command after them; their own options are skipped too. */
const WRAPPERS: Readonly<Record<string, RegExp>> = {
  env: /^-[iu0]*$|^--(?:ignore-environment|null)$|^-u$|^--unset=|^-$/,
  exec: /^-[acl]+$/,
  command: /^-[pvV]+$/,
  builtin: /^$/,
  nohup: /^$/,
  nice: /^-n$|^-\d+$|^--adjustment=/,
  time: /^-p$/,
  stdbuf: /^-[ioe]|^--(?:input|output|error)=/,
  timeout: /^-|^\d+[smhd]?$/,
  sudo: /^-[EHnSk]+$|^-u$/,
  fakeroot: /^$/,
}
const WRAPPER_OPTION_WITH_VALUE = /^-[un]$/

/** Index of the word naming the program, after assignments and wrappers such as `env` or `exec`. */
export function commandWordIndex(texts: readonly string[]): number {
  let i = 0
  while (i < texts.length) {
    const t = texts[i] ?? ''
    if (isAssignment(t)) {
      i++
      continue
    }
    const options = WRAPPERS[basename(t)]
    if (!options) return i
    i++
    while (i < texts.length) {
      const o = texts[i] ?? ''
      if (isAssignment(o) || (o.startsWith('-') && options.test(o))) {
        i += WRAPPER_OPTION_WITH_VALUE.test(o) ? 2 : 1
        continue
      }
      // timeout's duration
      if (basename(t) === 'timeout' && /^\d+(?:\.\d+)?[smhd]?$/.test(o)) {
        i++
        continue
      }
      break
    }
  }
  return i
}

/** A program's name without its directory: `/usr/bin/sed` → `sed`. */
export const basename = (text: string): string => (text.includes('/') ? text.replace(/^.*\//, '') : text)

/** The text is one variable reference or one command substitution and nothing else. */
export function isPureExpansion(text: string): boolean {
  const t = text.trim()
  return varName(t) !== undefined || /^\$\((?!\().*\)$/s.test(t) || /^`[^`]*`$/s.test(t)
}

/** `gl_[$1]_config` and `${gl_$1_config}` name the same variable. */
export const normalizeVarName = (name: string): string => name.replace(/[[\]{}]/g, '')

/**
 * The variable a word consists of, if it is exactly one reference: `$x`, `${x}`, `"$x"`, make's
 * `$(X)`, configure's `@X@`, m4's `$gl_[$1]_x`.
 */
export function varName(text: string): string | undefined {
  const t = text.trim()
  if (t[0] !== '$' && t[0] !== '@') return undefined
  const m =
    /^\$\{([A-Za-z_][\w$[\]]*)(?:[:]?[-=?+][^}]*)?\}$/.exec(t) ??
    /^\$([A-Za-z_][\w$[\]{}]*)$/.exec(t) ??
    /^\$\(([A-Za-z_][\w]*)\)$/.exec(t) ??
    /^@([A-Za-z_]\w*)@$/.exec(t)
  const name = m?.[1]
  return name === undefined ? undefined : normalizeVarName(name)
}

/** Every variable a text refers to. */
export function varRefs(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(/\$\{?([A-Za-z_][\w$[\]]*)|\$\(([A-Za-z_]\w*)\)|@([A-Za-z_]\w*)@/g)) {
    const name = m[1] ?? m[2] ?? m[3]
    if (name) out.push(normalizeVarName(name))
  }
  return out
}

export interface Program {
  /** base name, or `$NAME` for a program held in a variable (`${SHELL}`, `$(SHELL)`, `@SHELL@`) */
  readonly name: string
  readonly index: number
  readonly word: Word | undefined
  readonly args: readonly Word[]
}

/**
 * The program a command runs and its arguments (redirections are kept apart by the lexer). Asked
 * for every command by every rule and at every level of nesting, so it is worked out once.
 */
export function program(cmd: Command): Program {
  const known = cmd.memo.program
  if (known) return known
  const first = cmd.words[0]?.text
  // most commands start with their program: the words are listed only when one may be an assignment or a wrapper
  const plain = first === undefined || (!isAssignment(first) && !WRAPPERS[basename(first)])
  const index = plain ? 0 : commandWordIndex(cmd.words.map((w) => w.text))
  const word = cmd.words[index]
  const found: Program = { name: word ? programName(word.text) : '', index, word, args: cmd.words.slice(index + 1) }
  cmd.memo.program = found
  return found
}

export function programName(text: string): string {
  const v = varName(text)
  if (v !== undefined) return `$${v}`
  return basename(text)
}

/** Short options, expanded: `-qdc` gives q, d, c; long options are kept whole. */
export function hasFlag(args: readonly string[], short: string, long?: RegExp): boolean {
  for (const a of args) {
    if (a === '--') return false
    if (long && a.startsWith('--') && long.test(a)) return true
    if (/^-[A-Za-z0-9]+$/.test(a) && a.slice(1).includes(short)) return true
  }
  return false
}

/** Arguments that are not options (a leading `-` alone counts as an operand: standard input). */
export function operands(args: readonly string[]): string[] {
  const out: string[] = []
  let afterDashes = false
  for (const a of args) {
    if (!afterDashes && a === '--') afterDashes = true
    else if (afterDashes || a === '-' || !a.startsWith('-')) out.push(a)
  }
  return out
}
