/**
 * @fileoverview The files a script writes with sed (`sed -e "s|^__X__|Y|g" configure.ng >configure.ac`,
 * `sed -e "s/@V@/${VERSION}/" < a.in > "${DESTDIR}/a"`, `cat a.spec.in | sed -e "s/A_VERSION/$V/" > a.spec`), read from its lines without running
 * them: the sed's substitutions, the file it reads, the file it writes, and what each value the
 * shell puts into the substitutions can be (the literal values the script assigns that variable,
 * or a plain value when it assigns none or computes one).
 */
import { logicalLines } from '../../rules/shell/lines.js'
import { escapeRegExp } from '../../util/regexp.js'
import { COMMAND_PREFIX, shellWord, VALUE, type ShellWord } from './echoed.js'
import { parseSedScript, slotMark, type SedSubstitution } from './sed-replay.js'

/** A file a sed reads or writes: its path as written after any leading variable (`${DESTDIR}/a` → `a`), undefined when a variable names it. */
export interface SedFile {
  readonly path: string | undefined
}

export interface SedWrite {
  /** the script's line that runs the sed */
  readonly line: number
  readonly substitutions: readonly SedSubstitution[]
  readonly input: SedFile
  readonly output: SedFile
  /** a regular expression source for what slot N of the substitutions may hold */
  slotPattern(slot: number): string
}

/** where a command starts: a `sed` after any of these is a command, not an argument */
const SED_START = new RegExp(String.raw`${COMMAND_PREFIX}sed\s`, 'g')
/** where a `cat` command starts, which may feed the sed after it */
const CAT_START = new RegExp(String.raw`${COMMAND_PREFIX}cat\s+`, 'g')
/** where an assignment starts */
const ASSIGNMENT_START = new RegExp(String.raw`${COMMAND_PREFIX}(?:export\s+|local\s+|readonly\s+)?([A-Za-z_]\w*)=`, 'g')
/** `for NAME in …`: a variable the loop sets to words the script lists */
const FOR_LOOP = new RegExp(String.raw`${COMMAND_PREFIX}for\s+([A-Za-z_]\w*)\s+in\b`, 'g')

/** sed options that change what it writes in ways the replay does not follow */
const UNREPLAYED_OPTION = /^-(?:[nizfsul]|-(?:quiet|silent|in-place|file|null-data|separate|line-length|debug))/

export const literalOf = (word: ShellWord): string | undefined =>
  word.globbing ? undefined : word.pieces.every((p) => 'literal' in p) ? word.pieces.map((p) => ('literal' in p ? p.literal : '')).join('') : undefined

/** The literal values each variable of a script is assigned; a variable also assigned something computed maps to undefined. */
export function assignedValues(text: string): Map<string, Set<string> | undefined> {
  const out = new Map<string, Set<string> | undefined>()
  for (const { text: line } of logicalLines(text)) {
    for (const m of line.matchAll(ASSIGNMENT_START)) {
      const name = m[1] ?? ''
      const word = shellWord(line, (m.index ?? 0) + m[0].length, false)
      const value = word ? literalOf(word) : undefined
      const known = out.has(name) ? out.get(name) : new Set<string>()
      out.set(name, value === undefined || known === undefined || value.includes('\n') ? undefined : known.add(value))
    }
    for (const m of line.matchAll(FOR_LOOP)) out.set(m[1] ?? '', undefined)
  }
  return out
}

const fileOf = (word: ShellWord): SedFile | undefined => {
  if (word.globbing) return undefined
  const last = word.pieces[word.pieces.length - 1]
  if (!last || !('literal' in last)) return { path: undefined }
  const literal = word.pieces.length === 1 ? last.literal : last.literal.startsWith('/') ? last.literal.slice(1) : undefined
  if (literal === undefined) return { path: undefined }
  return { path: literal.replace(/^\.\//, '') }
}

/** The words and redirections of the sed command from `start` to the end of its command. */
function sedCommand(line: string, start: number, make: boolean): { words: ShellWord[]; input?: ShellWord; output?: ShellWord } | undefined {
  const words: ShellWord[] = []
  let input: ShellWord | undefined
  let output: ShellWord | undefined
  let i = start
  let fd: string | undefined
  for (;;) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++
    const c = line[i]
    if (c === undefined || /[;&|)}]/.test(c)) break
    if (c === '<' || c === '>') {
      i += line[i + 1] === c ? 2 : 1
      if (line[i] === '&' || line[i] === '(') return undefined
      while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++
      const target = shellWord(line, i, make)
      if (!target || target.end === i) return undefined
      if (fd === undefined || (c === '>' && fd === '1') || (c === '<' && fd === '0')) {
        if (c === '>') output = target
        else input = target
      }
      fd = undefined
      i = target.end
      continue
    }
    const word = shellWord(line, i, make)
    if (!word || word.end === i) return undefined
    const text = literalOf(word)
    // `2>/dev/null`: the number names the descriptor the redirection after it is for
    if (text !== undefined && /^\d$/.test(text) && (line[word.end] === '>' || line[word.end] === '<')) fd = text
    else words.push(word)
    i = word.end
  }
  return { words, ...(input ? { input } : {}), ...(output ? { output } : {}) }
}

/** `cat FILE | ` right before a sed (`before` is the line up to the sed): the one file it feeds the sed. */
function catFeeding(before: string): ShellWord | undefined {
  let fed: ShellWord | undefined
  for (const m of before.matchAll(CAT_START)) {
    const word = shellWord(before, (m.index ?? 0) + m[0].length, false)
    fed = word && word.end > (m.index ?? 0) + m[0].length && /^\s*\|\s*$/.test(before.slice(word.end)) ? word : undefined
  }
  return fed
}

/** One `sed` of a line, its words read as the shell hands them over. */
export interface SedInvocation {
  /** the `-e` expressions, or the first operand when there is none */
  readonly scripts: readonly ShellWord[]
  /** the file operands */
  readonly operands: readonly ShellWord[]
  readonly extended: boolean
  /** `-i`, `-i.bak`, `--in-place`: the operands are edited where they are */
  readonly inPlace: boolean
  /** false when an option changes what sed writes in a way a replay does not follow */
  readonly replayable: boolean
  readonly input?: ShellWord
  readonly output?: ShellWord
  /** where the line's text before the `sed` ends, for what pipes into it */
  readonly start: number
}

const IN_PLACE = /^-(?:i|-in-place(?:=|$))/

/**
 * Every sed command of a logical line; `make` reads it as a make recipe (`$$` is the shell's `$`).
 * @example sedInvocations("sed -e 's/a/b/' -i x.in")[0]?.inPlace // true
 */
export function sedInvocations(line: string, make = false): SedInvocation[] {
  const out: SedInvocation[] = []
  for (const m of line.matchAll(SED_START)) {
    const at = (m.index ?? 0) + m[0].length
    const command = sedCommand(line, at, make)
    if (!command) continue
    const scripts: ShellWord[] = []
    const operands: ShellWord[] = []
    let extended = false
    let inPlace = false
    let replayable = true
    const hasE = command.words.some((w) => literalOf(w) === '-e' || literalOf(w) === '--expression')
    for (let k = 0; k < command.words.length; k++) {
      const word = command.words[k] as ShellWord
      const t = literalOf(word)
      if (t === '-e' || t === '--expression') {
        const next = command.words[++k]
        if (next) scripts.push(next)
      } else if (t === '-E' || t === '-r' || t === '--regexp-extended') extended = true
      else if (t === '--posix' || t === '--sandbox') continue
      else if (t !== undefined && IN_PLACE.test(t)) inPlace = true
      else if (t !== undefined && (UNREPLAYED_OPTION.test(t) || /^-./.test(t))) replayable = false
      else if (!hasE && scripts.length === 0) scripts.push(word)
      else operands.push(word)
    }
    out.push({ scripts, operands, extended, inPlace, replayable, start: at - 'sed '.length, ...(command.input ? { input: command.input } : {}), ...(command.output ? { output: command.output } : {}) })
  }
  return out
}

/**
 * The substitutions of a sed's scripts, each value the shell puts into them as `valueOf` reads it
 * (text to put in its place, or undefined when nothing can be said); undefined when the scripts
 * hold anything but substitutions.
 */
export function sedSubstitutions(invocation: SedInvocation, valueOf: (name: string | undefined) => string | undefined): SedSubstitution[] | undefined {
  let unknown = false
  const script = invocation.scripts
    .map((w) =>
      w.pieces
        .map((p) => {
          if ('literal' in p) return p.literal
          if ('glob' in p) return '*'
          const value = valueOf(p.name)
          if (value === undefined) unknown = true
          return value ?? ''
        })
        .join(''),
    )
    .join('\n')
  return unknown ? undefined : parseSedScript(script, invocation.extended)
}

/**
 * Every `sed … [<] FILE > FILE` (or `cat FILE | sed … > FILE`) of a script whose sed only substitutes, with what its values can be.
 * @example sedWrites('sed -e "s|^__X__|Y|g" a.ng >a.ac\n')[0]?.output.path // 'a.ac'
 */
export function sedWrites(text: string): SedWrite[] {
  if (!/\bsed\s/.test(text)) return []
  const values = assignedValues(text)
  const out: SedWrite[] = []
  for (const { line: number, text: line } of logicalLines(text)) {
    for (const sed of sedInvocations(line)) {
      if (!sed.output || sed.inPlace || !sed.replayable) continue
      const { operands } = sed
      // several inputs are read one after another: not a template filled
      const inputWord = sed.input ?? (operands.length === 1 ? operands[0] : operands.length === 0 ? catFeeding(line.slice(0, sed.start)) : undefined)
      if (sed.scripts.length === 0 || !inputWord || (sed.input && operands.length > 0)) continue
      const slots: (string | undefined)[] = []
      const substitutions = sedSubstitutions(sed, (name) => {
        slots.push(name)
        return slotMark(slots.length - 1)
      })
      const input = fileOf(inputWord)
      const output = fileOf(sed.output)
      if (!substitutions || !input || !output) continue
      out.push({
        line: number,
        substitutions,
        input,
        output,
        slotPattern(slot) {
          const name = slots[slot]
          const known = name === undefined ? undefined : values.get(name)
          // a variable the script never assigns, or assigns from a computation: a plain value only
          if (!known) return VALUE
          return ['', ...known].map(escapeRegExp).join('|')
        },
      })
    }
  }
  return out
}
