/** @fileoverview Shell variable assignments of one file, for following `eval $cmd` and `$prog -d`. */
import type { Command, CommandList, Word } from './ast.js'
import { DECLARERS, isAssignment, keepsAssignments, normalizeVarName, program, varName } from './words.js'

export interface Assignment {
  readonly name: string
  /** the value after quote removal */
  readonly value: string
  readonly line: number
  readonly word: Word
  /** the value lexed as code, when it looks like a command */
  readonly code: CommandList | undefined
  /** command substitutions whose output the value holds */
  readonly substitutions: readonly CommandList[]
  /** set before a program's name (`HOME=$tmp rm -rf "$HOME"`): only that program's environment has it */
  readonly scoped: boolean
}

const NO_LISTS: readonly CommandList[] = []

/** values are followed at most this many per variable: enough for if/else pairs, bounded for hostile files */
const MAX_VALUES = 8

/** All assignments of a lexed text, by variable name. */
export class Variables {
  readonly #byName = new Map<string, Assignment[]>()
  /** configure asks for the same few hundred references tens of thousands of times */
  readonly #literals = new Map<string, string>()

  /** @param commands every command of the file (see walk.ts allCommands) */
  constructor(commands: readonly Command[]) {
    for (const cmd of commands) {
      // the program is worked out once per command, for every rule: its index is where assignments end
      const at = program(cmd).index
      const words = cmd.words
      const scoped = !keepsAssignments(words[at]?.text)
      // the words before the program, and a declaring command's arguments; read in place, as most commands assign nothing
      const declares = DECLARERS.has(words[at]?.text ?? '')
      for (let i = 0; i < words.length; i++) {
        if (i === at && !declares) break
        const w = words[i] as Word
        if (i !== at && isAssignment(w.text)) this.#add(w, scoped)
      }
    }
  }

  #add(word: Word, scoped: boolean): void {
    const eq = word.text.indexOf('=')
    const name = normalizeVarName(word.text.slice(0, eq).replace(/\+$/, ''))
    const value = word.text.slice(eq + 1)
    const nested = word.nested
    const code = nested.length === 0 ? undefined : nested.find((n) => n.kind === 'string')?.list
    const substitutions = nested.length === 0 ? NO_LISTS : nested.filter((n) => n.kind === 'substitution' || n.kind === 'backquote' || n.kind === 'make-shell').map((n) => n.list)
    let list = this.#byName.get(name)
    if (!list) this.#byName.set(name, (list = []))
    if (list.length < MAX_VALUES) list.push({ name, value, line: word.line, word, code, substitutions, scoped })
  }

  get(name: string): readonly Assignment[] {
    return this.#byName.get(normalizeVarName(name)) ?? []
  }

  /**
   * What the variable a word refers to can expand to: its values, empty ones left out, and so are
   * those set before a program's name, which the shell expands the command's words without.
   */
  valuesOf(text: string): readonly Assignment[] {
    const name = varName(text)
    return name === undefined ? [] : this.get(name).filter((a) => !a.scoped && a.value.trim() !== '')
  }

  /**
   * The literal value of a word that is one variable reference, when every non-empty assignment
   * gives the same text without expansions; otherwise the word unchanged.
   */
  readonly literal = (text: string): string => {
    // asked for every argument of every command: most name no variable at all
    if (!text.includes('$') && !text.includes('@')) return text
    let literal = this.#literals.get(text)
    if (literal === undefined) this.#literals.set(text, (literal = this.#literalOf(text)))
    return literal
  }

  #literalOf(text: string): string {
    const values = new Set(this.valuesOf(text).map((a) => a.value))
    if (values.size !== 1) return text
    const [value] = values
    return value === undefined || /[$`]/.test(value) ? text : value
  }
}
