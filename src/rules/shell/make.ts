/**
 * @fileoverview Makefiles (hand-written, Makefile.am, Makefile.in): make's own lines (rules,
 * assignments, conditionals) are told apart from recipe lines, which are shell code and lexed as such.
 */
import type { Command, CommandList, Pipeline, Word } from './ast.js'
import { newMemo } from './ast.js'
import { continuationsRemoved, logicalLines, type LogicalLine } from './lines.js'
import { parseShell } from './parse.js'

export interface MakeScript {
  readonly list: CommandList
  /** the rule a recipe line belongs to, or `$(VAR)` for the lines of a variable assignment, by line number */
  readonly targetAt: (line: number) => string | undefined
}

const CONDITIONAL = /^\s*(ifeq|ifneq|ifdef|ifndef|if)\b(.*)$/s
const ASSIGNMENT = /^\s*(?:(?:export|override|private)\s+)*([^\s:#=$()]+(?:\$\([^)]*\)[^\s:#=]*)*)\s*(::?=|:::=|\+=|\?=|!=|=)\s*(.*)$/s
/**
 * automake's conditional prefixes (`@am__fastdepCC_TRUE@`, `@AMDEP_TRUE@@HAVE_X_FALSE@`) at the start
 * of each physical line of a Makefile.in: configure turns each into nothing or `#`, so what follows is
 * the line, a recipe line when a tab follows
 */
export const AUTOMAKE_CONDITION_PREFIX = /^(?:@[A-Za-z_][A-Za-z0-9_]*_(?:TRUE|FALSE)@)+/gm
/** a variable's plain assignment: its name and the start of its value */
const SIMPLE_ASSIGNMENT = /^[ \t]*(?:@[A-Za-z_][A-Za-z0-9_]*@)*([A-Za-z_][A-Za-z0-9_]*)[ \t]*[:?]?=[ \t]*(\S*)/gm
/**
 * automake's silent-rules prefixes (`$(AM_V_CC)`, `$(AM_V_at)`, `$(AM_V_CC@am__nodep@)`, `$(am__v_GEN_0)`),
 * whatever the Makefile defines; not `$(AM_V_P)`, a command (`:` or `false`)
 */
const AUTOMAKE_SILENT = /^(?:AM_V_|am__v_)(?!P(?:_|$))\w*(?:@am__nodep@)?$/

interface Frame {
  readonly name: string
  readonly condition: CommandList
  readonly line: number
  readonly body: Pipeline[]
}

/**
 * Lexes a Makefile: recipes as shell in the `make` dialect, assignments as code-carrying words,
 * conditionals as blocks.
 * @example parseMakefile('all:\n\tcat x | sh\n').targetAt(2) // 'all'
 */
export function parseMakefile(text: string): MakeScript {
  const root: Pipeline[] = []
  const stack: Frame[] = []
  const targets = new Map<number, string>()
  let target: string | undefined
  let define: { name: string; line: number; lines: string[] } | undefined
  const into = (): Pipeline[] => stack[stack.length - 1]?.body ?? root
  const shell = (source: string, line: number): readonly Pipeline[] => parseShell(source, { dialect: 'make', firstLine: line }).pipelines
  const silencing = silencingVariables(text)

  for (const written of logicalLines(text)) {
    const l = withoutConditionalPrefixes(written)
    if (define) {
      if (/^\s*endef\b/.test(l.text)) {
        const body = define.lines.join('\n')
        into().push(...shell(body, define.line + 1), assignmentPipeline(define.name, body, define.line))
        define = undefined
      } else define.lines.push(l.source.replace(/^\t/, ''))
      continue
    }
    if (l.source.startsWith('\t')) {
      const recipe = withoutLinePrefixes(l.source.replace(/^\t/, '').replace(/\n\t/g, '\n'), silencing)
      for (let n = l.line; n <= l.endLine; n++) if (target !== undefined) targets.set(n, target)
      into().push(...shell(recipe, l.line))
      continue
    }
    const trimmed = l.text.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const defineMatch = /^\s*(?:(?:export|override)\s+)?define\s+(\S+)/.exec(l.text)
    if (defineMatch) {
      define = { name: defineMatch[1] ?? '', line: l.line, lines: [] }
      continue
    }
    const conditional = CONDITIONAL.exec(l.text)
    if (conditional) {
      stack.push({ name: conditional[1] ?? 'if', condition: { pipelines: shell(conditional[2] ?? '', l.line) }, line: l.line, body: [] })
      continue
    }
    if (/^\s*else\b/.test(l.text)) continue
    if (/^\s*endif\b/.test(l.text)) {
      const frame = stack.pop()
      if (frame) into().push(blockPipeline(frame, l.line))
      continue
    }
    target = undefined
    const assignment = ASSIGNMENT.exec(l.text)
    if (assignment && !/^[^=]*:[^=]*$/.test(l.text.slice(0, l.text.indexOf('=')).replace(/::?$|:::$/, ''))) {
      into().push(assignmentPipeline(assignment[1] ?? '', assignment[3] ?? '', l.line))
      // the code a variable holds belongs to whoever expands it: TESTS_ENVIRONMENT to the test driver
      for (let n = l.line; n <= l.endLine; n++) targets.set(n, `$(${assignment[1] ?? ''})`)
      continue
    }
    const rule = ruleOf(l.text)
    if (rule) {
      target = rule.target
      const inline = rule.rest.indexOf(';')
      if (inline >= 0) {
        targets.set(l.line, target)
        // a recipe on the rule's line takes make's prefixes (`all: ; @cmd`) as one on a line of its own does
        into().push(...shell(withoutLinePrefixes(rule.rest.slice(inline + 1).trimStart(), silencing), l.line))
      } else into().push(...shell(rule.rest, l.line).map(asPrerequisites))
      continue
    }
    into().push(...shell(l.source, l.line))
  }
  // conditionals left open at the end still hold code
  while (stack.length) {
    const frame = stack.pop()
    if (frame) into().push(blockPipeline(frame, frame.line))
  }
  return { list: { pipelines: root }, targetAt: (line) => targets.get(line) }
}

const asPrerequisites = (p: Pipeline): Pipeline => ({ ...p, commands: p.commands.map((c) => ({ ...c, prerequisites: true, memo: newMemo() })) })

/**
 * A rule's line (`target: prerequisites ; recipe`): its targets up to the first colon, which no `=`
 * comes before and no `=` follows (`::` as one, save in `::=`), and what follows it; a colon or an
 * `=` inside a reference (`$(SOURCES:.vala=.c): stamp`) is the reference's. Read by hand: a pattern
 * for it backtracked over every blank of a long run before the colon.
 */
export function ruleOf(text: string): { target: string; rest: string } | undefined {
  if (text === '' || '\t#='.includes(text[0] ?? '')) return undefined
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{') && text[i - 1] !== '$') {
      depth++
      i++
      continue
    }
    if (depth > 0) {
      if (c === '(' || c === '{') depth++
      else if (c === ')' || c === '}') depth--
      continue
    }
    if (c === '=') return undefined
    // a rule has a target before its colon
    if (c !== ':' || i === 0) continue
    if (text[i + 1] === '=') return undefined
    const colons = text[i + 1] === ':' && text[i + 2] !== '=' ? 2 : 1
    return { target: text.slice(0, i).trim(), rest: text.slice(i + colons) }
  }
  return undefined
}

/**
 * The variables a recipe line may begin with to be silenced or labelled: automake's silent rules, and
 * those the Makefile sets to make's `@…` (`Q = @`, `QUIET_GEN = @echo …;`) or to another of them
 * (`V_at = $(Q)`). The Makefile's own are read on the first question automake's names do not answer.
 */
function silencingVariables(text: string): (name: string) => boolean {
  let own: ReadonlySet<string> | undefined
  return (name) => AUTOMAKE_SILENT.test(name) || (own ??= ownSilencing(text)).has(name)
}

function ownSilencing(text: string): ReadonlySet<string> {
  const own = new Set<string>()
  const aliases: [string, string][] = []
  for (const m of text.matchAll(SIMPLE_ASSIGNMENT)) {
    const [, name = '', value = ''] = m
    // `@`, not configure's `@PYTHON@`
    if (/^@(?![A-Za-z_][A-Za-z0-9_]*@)/.test(value)) own.add(name)
    else {
      const alias = /^\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]/.exec(value)?.[1]
      if (alias !== undefined) aliases.push([name, alias])
    }
  }
  for (let grew = true; grew; ) {
    grew = false
    for (const [name, alias] of aliases) {
      if (own.has(name) || !(AUTOMAKE_SILENT.test(alias) || own.has(alias))) continue
      own.add(name)
      grew = true
    }
  }
  return own
}

/**
 * A recipe line as the shell gets it: make's own prefixes (`@`, `-`, `+`) and the variables that
 * expand to them gone, so that `$(AM_V_at)sh -c …` runs `sh`, as make runs it.
 */
function withoutLinePrefixes(recipe: string, silencing: (name: string) => boolean): string {
  let rest = recipe
  for (;;) {
    const stripped = rest.replace(/^[\s@+-]+/, '')
    const reference = /^\$[({]([^(){}$\s]+)[)}]/.exec(stripped)
    if (!reference || !silencing(reference[1] ?? '')) return stripped
    rest = stripped.slice(reference[0].length)
  }
}

/** The line as configure writes it where automake's conditions hold (the prefixes gone, as a `@COND_TRUE@` becomes). */
function withoutConditionalPrefixes(l: LogicalLine): LogicalLine {
  if (!l.source.includes('@')) return l
  const source = l.source.replace(AUTOMAKE_CONDITION_PREFIX, '')
  return source === l.source ? l : { ...l, source, text: continuationsRemoved(source) }
}

function blockPipeline(frame: Frame, endLine: number): Pipeline {
  const command: Command = {
    words: [],
    redirects: [],
    compound: { kind: 'block', name: frame.name, parts: [frame.condition, { pipelines: frame.body }], words: [] },
    heredocs: [],
    line: frame.line,
    endLine,
    memo: newMemo(),
  }
  return { commands: [command], connector: '', line: frame.line, endLine }
}

/** `NAME = value` as a one-word command `NAME=value`, the value lexed as code like a shell assignment's. */
function assignmentPipeline(name: string, value: string, line: number): Pipeline {
  const code = /[\s|;&<>`]|\$\(/.test(value.trim()) ? parseShell(value, { dialect: 'make', firstLine: line, depth: 1 }) : undefined
  const word: Word = { text: `${name}=${value}`, raw: `${name} = ${value}`, line, quoted: false, unterminated: false, nested: code ? [{ kind: 'string', line, list: code }] : [] }
  const command: Command = { words: [word], redirects: [], compound: undefined, heredocs: [], line, endLine: line, memo: newMemo() }
  return { commands: [command], connector: '', line, endLine: line }
}
