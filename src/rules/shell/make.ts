/**
 * @fileoverview Makefiles (hand-written, Makefile.am, Makefile.in): make's own lines (rules,
 * assignments, conditionals) are told apart from recipe lines, which are shell code and lexed as such.
 */
import type { Command, CommandList, Pipeline, Word } from './ast.js'
import { logicalLines } from './lines.js'
import { parseShell } from './parse.js'

export interface MakeScript {
  readonly list: CommandList
  /** the rule a recipe line belongs to, or `$(VAR)` for the lines of a variable assignment, by line number */
  readonly targetAt: (line: number) => string | undefined
}

const CONDITIONAL = /^\s*(ifeq|ifneq|ifdef|ifndef|if)\b(.*)$/s
const ASSIGNMENT = /^\s*(?:(?:export|override|private)\s+)*([^\s:#=$()]+(?:\$\([^)]*\)[^\s:#=]*)*)\s*(::?=|:::=|\+=|\?=|!=|=)\s*(.*)$/s
const RULE = /^([^\t#=][^=]*?[^:=\s]?)\s*::?(?!=)(.*)$/s

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

  for (const l of logicalLines(text)) {
    if (define) {
      if (/^\s*endef\b/.test(l.text)) {
        const body = define.lines.join('\n')
        into().push(...shell(body, define.line + 1), assignmentPipeline(define.name, body, define.line))
        define = undefined
      } else define.lines.push(l.source.replace(/^\t/, ''))
      continue
    }
    if (l.source.startsWith('\t')) {
      const recipe = l.source.replace(/^\t/, '').replace(/\n\t/g, '\n').replace(/^[\s@+-]+/, '')
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
    const rule = RULE.exec(l.text)
    if (rule) {
      target = (rule[1] ?? '').trim()
      const inline = (rule[2] ?? '').indexOf(';')
      if (inline >= 0) {
        targets.set(l.line, target)
        into().push(...shell((rule[2] ?? '').slice(inline + 1), l.line))
      } else into().push(...shell(rule[2] ?? '', l.line))
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

function blockPipeline(frame: Frame, endLine: number): Pipeline {
  const command: Command = {
    words: [],
    redirects: [],
    compound: { kind: 'block', name: frame.name, parts: [frame.condition, { pipelines: frame.body }], words: [] },
    heredocs: [],
    line: frame.line,
    endLine,
  }
  return { commands: [command], connector: '', line: frame.line, endLine }
}

/** `NAME = value` as a one-word command `NAME=value`, the value lexed as code like a shell assignment's. */
function assignmentPipeline(name: string, value: string, line: number): Pipeline {
  const code = /[\s|;&<>`]|\$\(/.test(value.trim()) ? parseShell(value, { dialect: 'make', firstLine: line, depth: 1 }) : undefined
  const word: Word = { text: `${name}=${value}`, raw: `${name} = ${value}`, line, quoted: false, unterminated: false, nested: code ? [{ kind: 'string', line, list: code }] : [] }
  const command: Command = { words: [word], redirects: [], compound: undefined, heredocs: [], line, endLine: line }
  return { commands: [command], connector: '', line, endLine: line }
}
