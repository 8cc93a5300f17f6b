/**
 * @fileoverview Plain shell parsed with a real grammar (tree-sitter-bash, run as WebAssembly) and
 * converted into the lexer's AST, so that every rule works on either. The grammar is loaded once,
 * on request (`loadShellGrammar`), never at import; until then, and wherever tree-sitter gives up
 * (texts too large or too slow to parse, trees mostly ERROR, statements it shapes wrongly),
 * the forgiving lexer of parse.ts reads the text instead.
 */
import { createRequire } from 'node:module'
import type { Node, Parser as TsParser } from 'web-tree-sitter'
import type { Command, CommandList, Compound, CompoundKind, Connector, Nested, NestedKind, Pipeline, Redirect, Word } from './ast.js'
import { newMemo } from './ast.js'
import { codeStrings } from './code-strings.js'
import { lexShell, MAX_DEPTH, noteNestingLimit, type ParseOptions } from './parse.js'

/** Larger texts go to the lexer: parse and conversion take about 2 ms per KB of configure script (4 s for 1.8 MB of dense commands). */
export const TREE_SITTER_MAX_CHARS = 1_000_000
/**
 * {@link parseSh} gives texts this large to the lexer. Texts this large are generated (configure,
 * ltmain.sh, libtool), and on them the lexer gives the same findings in about 60 % of the time:
 * tree-sitter's parse runs as cold WebAssembly and its tree crosses into JavaScript node by node.
 * The grammar's precision is kept for hand-written scripts, which are smaller.
 */
export const LEXER_FROM_CHARS = 128 * 1024
/** A parse still running after this long is cancelled and the text goes to the lexer. */
const PARSE_DEADLINE_MS = 10_000
/** When ERROR nodes cover more than this share of the text, the lexer reads all of it instead. */
const MAX_ERROR_SHARE = 1 / 3
/** Nodes visited under one expansion (`${x:-$(...)}`) when looking for substitutions in it. */
const MAX_EXPANSION_NODES = 10_000

let parser: TsParser | undefined
let loading: Promise<void> | undefined
let enabled = true

/** Loads tree-sitter and the bash grammar, once; later calls share the first load. */
export function loadShellGrammar(): Promise<void> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter')
    await Parser.init()
    const wasm = createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm')
    const language = await Language.load(wasm)
    const p = new Parser()
    p.setLanguage(language)
    parser = p
  })().catch((err: unknown) => {
    loading = undefined
    throw err
  })
  return loading
}

export function shellGrammarLoaded(): boolean {
  return parser !== undefined
}

/** Switches the tree-sitter path off (and on again) without unloading it: for comparing both paths. */
export function useShellGrammar(on: boolean): void {
  enabled = on
}

/**
 * Parses plain shell with tree-sitter-bash into the lexer's AST; undefined when the grammar is not
 * loaded, the text is too large, parsing took too long, or ERROR nodes cover over a third of it.
 * Statements tree-sitter could not parse (ERROR nodes and statements containing one) are read by
 * the lexer in place, with their line numbers.
 * @example parseWithTreeSitter('cat f | sh', { firstLine: 3 })?.pipelines[0]?.line // 3
 */
export function parseWithTreeSitter(text: string, options: ParseOptions = {}): CommandList | undefined {
  const p = parser
  if (!p || !enabled || text.length > TREE_SITTER_MAX_CHARS) return undefined
  const depth = options.depth ?? 0
  if (depth >= MAX_DEPTH) {
    if (text.trim() !== '') noteNestingLimit(options.firstLine ?? 1)
    return { pipelines: [] }
  }
  const deadline = Date.now() + PARSE_DEADLINE_MS
  let tree
  try {
    tree = p.parse(text, null, { progressCallback: () => Date.now() > deadline })
  } catch {
    return undefined
  }
  if (!tree) return undefined
  try {
    const root = tree.rootNode
    if (root.hasError && errorCoverage(root) > MAX_ERROR_SHARE * text.length) return undefined
    return new Converter(text, options.firstLine ?? 1).list(root.children, depth)
  } catch {
    return undefined
  } finally {
    tree.delete()
  }
}

/** Plain shell through tree-sitter when it can and the text is not too large (see {@link LEXER_FROM_CHARS}), else through the lexer. */
export function parseSh(text: string, options: ParseOptions): CommandList {
  return (text.length < LEXER_FROM_CHARS ? parseWithTreeSitter(text, options) : undefined) ?? lexShell(text, { ...options, dialect: 'sh' })
}

/** Characters covered by ERROR nodes, looking only into subtrees that have one. */
function errorCoverage(root: Node): number {
  let covered = 0
  const stack: Node[] = [root]
  for (let guard = 0; stack.length > 0 && guard < 1_000_000; guard++) {
    const node = stack.pop()
    if (!node) break
    if (node.type === 'ERROR') covered += node.endIndex - node.startIndex
    else if (node.hasError) for (const c of node.children) if (c.hasError || c.type === 'ERROR') stack.push(c)
  }
  return covered
}

/** Thrown where tree-sitter's shape of a statement cannot be trusted; the lexer reads that statement. */
class NeedsLexer extends Error {}

interface WordBuild {
  text: string
  quoted: boolean
  unterminated: boolean
  nested: Nested[]
  multiline: { text: string; line: number }[]
}

const SIMPLE_STATEMENTS = new Set(['command', 'redirected_statement', 'pipeline', 'list', 'declaration_command', 'unset_command', 'test_command', 'variable_assignment', 'variable_assignments', 'negated_command'])
const WORD_SPECIAL = new Set(['string', 'translated_string', 'raw_string', 'ansi_c_string', 'command_substitution', 'process_substitution', 'simple_expansion', 'expansion', 'arithmetic_expansion'])
const REDIRECTS = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect'])
const SEPARATORS: Readonly<Record<string, Connector>> = { ';': ';', '&': '&', ';;': ';;', ';&': ';;', ';;&': ';;' }

const unescapeBare = (s: string): string => (s.includes('\\') ? s.replace(/\\(\n|[\s\S])?/g, (_m, c: string | undefined) => (c === undefined || c === '\n' ? '' : c)) : s)
const unescapeDouble = (s: string): string => (s.includes('\\') ? s.replace(/\\(\n|[$`"\\])/g, (_m, c: string) => (c === '\n' ? '' : c)) : s)

class Converter {
  readonly #s: string
  readonly #base: number

  constructor(text: string, firstLine: number) {
    this.#s = text
    this.#base = firstLine
  }

  #line(node: Node): number {
    return this.#base + node.startPosition.row
  }

  /** The last line a node covers, not counting a newline it ends with. */
  #endLine(node: Node): number {
    const end = node.endPosition
    return this.#base + (end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row)
  }

  #raw(node: Node): string {
    return this.#s.slice(node.startIndex, node.endIndex)
  }

  // ---- lists and statements -------------------------------------------------------------------

  /** A statement list from the children of a program, body, group or substitution. */
  list(nodes: readonly Node[], depth: number): CommandList {
    const pipelines: Pipeline[] = []
    let connector: Connector = ''
    let prevEnd = -1
    for (const node of nodes) {
      const sep = SEPARATORS[node.type]
      if (sep !== undefined) {
        connector = sep
        continue
      }
      if (!node.isNamed || node.type === 'comment' || node.type.startsWith('heredoc_')) continue
      const got = this.#statement(node, depth)
      const first = got[0]
      if (!first) continue
      const between = prevEnd >= 0 ? this.#s.slice(prevEnd, node.startIndex) : ''
      const join: Connector = pipelines.length === 0 ? '' : connector || (between.includes('\n') ? '\n' : ';')
      pipelines.push({ ...first, connector: join }, ...got.slice(1))
      connector = ''
      prevEnd = node.endIndex
    }
    return { pipelines }
  }

  #statement(node: Node, depth: number): Pipeline[] {
    if (depth >= MAX_DEPTH) {
      noteNestingLimit(this.#line(node))
      return []
    }
    if (node.type === 'ERROR' || (SIMPLE_STATEMENTS.has(node.type) && node.hasError)) return this.#lex(node, depth)
    try {
      if (node.type === 'list') return this.#andOr(node, depth)
      return this.#pipeline(this.#commands(node, depth))
    } catch (err) {
      if (err instanceof NeedsLexer) return this.#lex(node, depth)
      throw err
    }
  }

  #pipeline(commands: readonly Command[]): Pipeline[] {
    const first = commands[0]
    const last = commands[commands.length - 1]
    if (!first || !last) return []
    return [{ commands, connector: '', line: first.line, endLine: last.endLine }]
  }

  /** `a && b || c`: tree-sitter nests lists to the left; flattened without recursion. */
  #andOr(node: Node, depth: number): Pipeline[] {
    const parts: { node: Node; op: Connector }[] = []
    let cur: Node = node
    const rights: { node: Node; op: Connector }[] = []
    for (let guard = 0; cur.type === 'list' && guard < 100_000; guard++) {
      const kids = cur.children
      const left = kids[0]
      const op = kids[1]
      const right = kids[2]
      if (!left || !op || !right || kids.length !== 3) throw new NeedsLexer()
      rights.push({ node: right, op: op.type === '&&' || op.type === '||' ? op.type : ';' })
      cur = left
    }
    parts.push({ node: cur, op: '' }, ...rights.reverse())
    const out: Pipeline[] = []
    for (const part of parts) {
      const got = part.node.type === 'list' ? this.#andOr(part.node, depth + 1) : this.#statement(part.node, depth)
      const first = got[0]
      if (!first) continue
      out.push({ ...first, connector: out.length === 0 ? '' : part.op }, ...got.slice(1))
    }
    return out
  }

  /** The text of a statement read by the lexer, at its place in the file. */
  #lex(node: Node, depth: number): Pipeline[] {
    return [...lexShell(this.#raw(node), { dialect: 'sh', firstLine: this.#line(node), depth }).pipelines]
  }

  /** The commands a statement stands for: one, or several when it is (part of) a pipeline. */
  #commands(node: Node, depth: number): Command[] {
    if (depth >= MAX_DEPTH) {
      noteNestingLimit(this.#line(node))
      return []
    }
    switch (node.type) {
      case 'command':
      case 'declaration_command':
      case 'unset_command':
      case 'variable_assignment':
      case 'variable_assignments':
        return [this.#simple(node, node.type === 'variable_assignment' ? [node] : node.children, depth)]
      case 'test_command':
        return [this.#simple(node, this.#testWords(node), depth)]
      case 'negated_command': {
        const inner = node.namedChildren[0]
        return inner ? this.#commands(inner, depth + 1) : []
      }
      case 'pipeline': {
        const out: Command[] = []
        for (const c of node.children) if (c.isNamed && c.type !== 'comment') out.push(...this.#commands(c, depth + 1))
        return out
      }
      case 'redirected_statement':
        return this.#redirected(node, depth)
      case 'subshell':
        return [this.#compound(node, 'subshell', '(', [this.list(node.children, depth + 1)], [])]
      case 'compound_statement':
        if (node.children[0]?.type !== '{') return [] // (( arithmetic ))
        return [this.#compound(node, 'brace', '{', [this.list(node.children, depth + 1)], [])]
      case 'if_statement':
        return [this.#if(node, depth)]
      case 'while_statement': {
        const kids = node.children
        const kw = kids[0]?.type === 'until' ? 'until' : 'while'
        const body = kids.find((k) => k.type === 'do_group')
        const condition = kids.filter((k) => k !== body)
        return [this.#compound(node, kw, kw, [this.list(condition, depth + 1), this.list(body?.children ?? [], depth + 1)], [])]
      }
      case 'for_statement':
      case 'c_style_for_statement':
        return [this.#for(node, depth)]
      case 'case_statement':
        return [this.#case(node, depth)]
      case 'function_definition': {
        // the body is what the definition holds; the name runs nothing
        const body = node.children.find((k) => k.type === 'compound_statement' || k.type === 'subshell' || k.type.endsWith('_statement'))
        return body ? this.#commands(body, depth + 1) : []
      }
      case 'comment':
        return []
      default:
        throw new NeedsLexer()
    }
  }

  #compound(node: Node, kind: CompoundKind, name: string, parts: CommandList[], words: Word[]): Command {
    const compound: Compound = { kind, name, parts, words }
    return { words: [], redirects: [], compound, heredocs: [], line: this.#line(node), endLine: this.#endLine(node), memo: newMemo() }
  }

  #if(node: Node, depth: number): Command {
    const condition: Node[] = []
    const body: Node[] = []
    let inBody = false
    for (const k of node.children) {
      if (k.type === 'then') inBody = true
      else if (k.type === 'elif_clause' || k.type === 'else_clause') body.push(...k.children)
      else (inBody ? body : condition).push(k)
    }
    return this.#compound(node, 'if', 'if', [this.list(condition, depth + 1), this.list(body, depth + 1)], [])
  }

  #for(node: Node, depth: number): Command {
    const kids = node.children
    const name = kids[0]?.type === 'select' ? 'select' : 'for'
    const body = kids.find((k) => k.type === 'do_group' || k.type === 'compound_statement')
    const words: Word[] = []
    if (node.type === 'for_statement') {
      for (const k of kids.slice(1)) {
        if (k === body) break
        if (k.type === ';' || k.type === 'comment') continue
        words.push(this.#word(k, depth))
      }
    } else {
      const header = kids.slice(1, body ? kids.indexOf(body) : kids.length).filter((k) => k.isNamed)
      const b = this.#build()
      for (const k of header) this.#expansions(k, b, depth)
      if (b.nested.length) words.push({ text: '((…))', raw: '((…))', line: this.#line(node), quoted: false, unterminated: false, nested: b.nested })
    }
    const header: CommandList = words.length ? { pipelines: this.#pipeline([this.#commandOf(words, [], [], node)]) } : { pipelines: [] }
    return this.#compound(node, 'for', name, [header, this.list(body?.children ?? [], depth + 1)], [])
  }

  #case(node: Node, depth: number): Command {
    const subject: Word[] = []
    const patterns: Word[] = []
    const pipelines: Pipeline[] = []
    let inItems = false
    for (const k of node.children) {
      if (k.type === 'in') inItems = true
      else if (!inItems && k.isNamed && k.type !== 'comment' && k.type !== 'case') subject.push(this.#word(k, depth))
      else if (k.type === 'case_item') {
        const kids = k.children
        const close = kids.findIndex((c) => c.type === ')')
        for (const p of kids.slice(0, Math.max(0, close))) if (p.isNamed && p.type !== 'comment') patterns.push(this.#word(p, depth))
        const body = this.list(kids.slice(close + 1), depth + 1).pipelines
        const first = body[0]
        if (first) pipelines.push({ ...first, connector: pipelines.length ? ';;' : '' }, ...body.slice(1))
      } else if (k.type === 'ERROR') throw new NeedsLexer()
    }
    const compound: Compound = { kind: 'case', name: 'case', parts: [{ pipelines }], words: [...subject, ...patterns] }
    return { words: [], redirects: [], compound, heredocs: [], line: this.#line(node), endLine: this.#endLine(node), memo: newMemo() }
  }

  /** A body with redirections: `cmd > f`, `while ...; done < f`, `cat <<EOF | sh`. */
  #redirected(node: Node, depth: number): Command[] {
    const redirects: Redirect[] = []
    const heredocs: Nested[] = []
    const extraWords: Word[] = []
    const after: Command[] = []
    let body: Node | undefined
    for (const k of node.children) {
      if (REDIRECTS.has(k.type)) this.#redirect(k, depth, redirects, heredocs, extraWords, after)
      else if (k.isNamed && k.type !== 'comment') {
        if (body) throw new NeedsLexer()
        body = k
      }
    }
    const base = body ? this.#commands(body, depth) : []
    const last = base.pop()
    const target: Command = last
      ? { ...last, words: [...last.words, ...extraWords], redirects: [...last.redirects, ...redirects], heredocs: [...last.heredocs, ...heredocs] }
      : this.#commandOf(extraWords, redirects, heredocs, node)
    const endLine = Math.max(target.endLine, ...redirects.map((r) => r.line), ...extraWords.map((w) => w.line))
    return [...base, { ...target, endLine }, ...after]
  }

  /** A plain command from its parts: words, assignments, redirections. */
  #simple(node: Node, parts: readonly Node[], depth: number): Command {
    const words: Word[] = []
    const redirects: Redirect[] = []
    const heredocs: Nested[] = []
    const multiline = new Map<Word, { text: string; line: number }[]>()
    const extraWords: Word[] = []
    const after: Command[] = []
    let endLine = this.#line(node)
    let previousEnd = -1
    for (const k of parts) {
      if (k.type === 'ERROR') throw new NeedsLexer()
      if (REDIRECTS.has(k.type)) {
        this.#redirect(k, depth, redirects, heredocs, extraWords, after)
        if (after.length) throw new NeedsLexer()
        continue
      }
      if (k.type === 'comment') continue
      const b = this.#build()
      const w = this.#word(k, depth, b)
      // the grammar splits a word at a line continuation the shell removes (`e\<newline>val` is eval): one word again
      const previous = words[words.length - 1]
      const joined = previous !== undefined && previousEnd >= 0 && this.#s.slice(previousEnd, k.startIndex) === '\\\n'
      const word = joined
        ? { ...previous, text: previous.text + w.text, raw: `${previous.raw}\\\n${w.raw}`, quoted: previous.quoted || w.quoted, unterminated: previous.unterminated || w.unterminated, nested: [...previous.nested, ...w.nested] }
        : w
      const lines = [...(joined ? (multiline.get(previous) ?? []) : []), ...b.multiline]
      if (joined) {
        words[words.length - 1] = word
        multiline.delete(previous)
      } else words.push(word)
      if (lines.length) multiline.set(word, lines)
      previousEnd = k.endIndex
      endLine = Math.max(endLine, this.#endLine(k))
    }
    words.push(...extraWords)
    if (depth + 1 < MAX_DEPTH) {
      for (const code of codeStrings(words, multiline.size ? multiline : undefined, 'sh')) {
        ;(code.word.nested as Nested[]).push({ kind: 'string', line: code.line, list: parseSh(code.text, { firstLine: code.line, depth: depth + 1 }) })
      }
    }
    for (const r of redirects) endLine = Math.max(endLine, r.line)
    const line = words[0]?.line ?? this.#line(node)
    return { words, redirects, compound: undefined, heredocs, line, endLine: Math.max(line, endLine), memo: newMemo() }
  }

  #commandOf(words: Word[], redirects: Redirect[], heredocs: Nested[], node: Node): Command {
    const line = words[0]?.line ?? this.#line(node)
    return { words, redirects, compound: undefined, heredocs, line, endLine: Math.max(line, ...words.map((w) => w.line), ...redirects.map((r) => r.line)), memo: newMemo() }
  }

  /** `[ -f x ]` and `[[ $a == b* ]]` as the words the lexer sees. */
  #testWords(node: Node): Node[] {
    const out: Node[] = []
    const stack: Node[] = [node]
    for (let guard = 0; stack.length && guard < 100_000; guard++) {
      const n = stack.pop()
      if (!n) break
      if (n !== node && (WORD_SPECIAL.has(n.type) || n.type === 'word' || n.type === 'concatenation' || n.childCount === 0)) out.push(n)
      else {
        const kids = n.children
        for (let i = kids.length - 1; i >= 0; i--) {
          const k = kids[i]
          if (k) stack.push(k)
        }
      }
    }
    return out
  }

  #redirect(node: Node, depth: number, into: Redirect[], heredocs: Nested[], extraWords: Word[], after: Command[]): void {
    const line = this.#line(node)
    let fd = ''
    let op = ''
    let target: Word | undefined
    if (node.type === 'heredoc_redirect') {
      let body: Node | undefined
      let end: Node | undefined
      const more: Redirect[] = []
      for (const k of node.children) {
        switch (k.type) {
          case 'file_descriptor':
            fd = this.#raw(k)
            break
          case '<<':
          case '<<-':
            op = k.type
            break
          case 'heredoc_start': {
            const raw = this.#raw(k)
            target = { text: raw.replace(/["'\\]/g, ''), raw, line: this.#line(k), quoted: /["'\\]/.test(raw), unterminated: false, nested: [] }
            break
          }
          case 'heredoc_body':
            body = k
            break
          case 'heredoc_end':
            end = k
            break
          case 'file_redirect':
          case 'herestring_redirect':
            this.#redirect(k, depth, more, heredocs, extraWords, after)
            break
          case 'pipeline': {
            // tree-sitter puts the rest of the command line (`| sh`) inside the here-document
            const kids = k.children
            if (kids[0]?.type !== '|' && kids[0]?.type !== '|&') throw new NeedsLexer()
            for (const c of kids.slice(1)) if (c.isNamed && c.type !== 'comment') after.push(...this.#commands(c, depth + 1))
            break
          }
          default:
            if (k.isNamed) throw new NeedsLexer()
        }
      }
      into.push({ op: op || '<<', fd, target, line }, ...more)
      if (body && depth + 1 < MAX_DEPTH) {
        const text = this.#s.slice(body.startIndex, end ? end.startIndex : body.endIndex)
        heredocs.push({ kind: 'heredoc', line: this.#line(body), list: parseSh(text, { firstLine: this.#line(body), depth: depth + 1 }) })
      }
      return
    }
    if (node.type === 'herestring_redirect') op = '<<<'
    for (const k of node.children) {
      if (k.type === 'file_descriptor') fd = this.#raw(k)
      else if (!k.isNamed) op ||= k.type
      else if (k.type === 'comment') continue
      else if (k.type === 'ERROR') throw new NeedsLexer()
      else if (!target) target = this.#word(k, depth)
      // tree-sitter takes the words after `> f` as more destinations; they are arguments
      else extraWords.push(this.#word(k, depth))
    }
    into.push({ op, fd, target, line })
  }

  // ---- words ------------------------------------------------------------------------------------

  #build(): WordBuild {
    return { text: '', quoted: false, unterminated: false, nested: [], multiline: [] }
  }

  #word(node: Node, depth: number, b: WordBuild = this.#build()): Word {
    this.#part(node, b, false, depth)
    return { text: b.text, raw: this.#raw(node), line: this.#line(node), quoted: b.quoted, unterminated: b.unterminated, nested: b.nested }
  }

  /** Appends one node of a word: quotes removed, escapes undone, expansions kept as written. */
  #part(node: Node, b: WordBuild, dq: boolean, depth: number): void {
    switch (node.type) {
      case 'raw_string': {
        const raw = this.#raw(node)
        const closed = raw.length >= 2 && raw.endsWith("'")
        const content = raw.slice(1, closed ? -1 : undefined)
        b.text += content
        b.quoted = true
        if (!closed) b.unterminated = true
        else if (content.includes('\n')) b.multiline.push({ text: content, line: this.#line(node) })
        return
      }
      case 'ansi_c_string': {
        const raw = this.#raw(node)
        const closed = raw.length >= 3 && raw.endsWith("'")
        b.text += decodeAnsiC(raw.slice(2, closed ? -1 : undefined))
        b.quoted = true
        if (!closed) b.unterminated = true
        return
      }
      case 'string':
        this.#doubleQuoted(node, b, depth)
        return
      case 'command_substitution':
      case 'process_substitution':
        b.text += this.#raw(node)
        this.#substitution(node, b, depth)
        return
      case 'simple_expansion':
      case 'expansion':
      case 'arithmetic_expansion':
        b.text += this.#raw(node)
        this.#expansions(node, b, depth)
        return
      default:
        this.#sequence(node, b, dq, depth, node.startIndex, node.endIndex, false)
    }
  }

  /** The text between `from` and `to`: children handled as parts, the gaps between them unescaped. */
  #sequence(node: Node, b: WordBuild, dq: boolean, depth: number, from: number, to: number, skipQuotes: boolean): void {
    let pos = from
    const gap = (until: number) => {
      if (until > pos) b.text += (dq ? unescapeDouble : unescapeBare)(this.#s.slice(pos, until))
    }
    if (depth < MAX_DEPTH + 8) {
      for (const k of node.children) {
        if (k.startIndex < pos || k.endIndex > to) continue
        if (skipQuotes && k.type === '"') continue
        if (!WORD_SPECIAL.has(k.type) && (k.childCount === 0 || k.type === 'string_content')) continue
        gap(k.startIndex)
        this.#part(k, b, dq, depth + 1)
        pos = k.endIndex
      }
    }
    gap(to)
    pos = to
  }

  #doubleQuoted(node: Node, b: WordBuild, depth: number): void {
    b.quoted = true
    const kids = node.children
    const lastKid = kids[kids.length - 1]
    const closed = lastKid !== undefined && lastKid.type === '"' && kids.length > 1 && !lastKid.isMissing
    const from = node.startIndex + 1
    const to = closed ? node.endIndex - 1 : node.endIndex
    if (!closed) b.unterminated = true
    const start = b.text.length
    this.#sequence(node, b, true, depth, from, to, true)
    if (this.#s.slice(from, to).includes('\n')) b.multiline.push({ text: b.text.slice(start), line: this.#line(node) })
  }

  /** `$(...)`, backquotes, `<(...)`: the list inside, kept as a nested list of the word. */
  #substitution(node: Node, b: WordBuild, depth: number): void {
    if (depth + 1 >= MAX_DEPTH) {
      noteNestingLimit(this.#line(node))
      return
    }
    const open = node.children[0]?.type ?? ''
    const kind: NestedKind = node.type === 'process_substitution' ? 'process' : open === '`' ? 'backquote' : 'substitution'
    const line = this.#line(node)
    const raw = this.#raw(node)
    if (kind === 'backquote' && raw.includes('\\')) {
      // inside backquotes a backslash escapes `, $ and \: what runs is the text with them undone
      const body = raw.slice(1, raw.endsWith('`') && raw.length > 1 ? -1 : undefined).replace(/\\([\\`$])/g, '$1')
      b.nested.push({ kind, line, list: parseSh(body, { firstLine: line, depth: depth + 1 }) })
      return
    }
    if (node.hasError) {
      const inner = raw.slice(open.length, raw.endsWith(kind === 'backquote' ? '`' : ')') ? -1 : undefined)
      b.nested.push({ kind, line, list: lexShell(inner, { dialect: 'sh', firstLine: line, depth: depth + 1 }) })
      return
    }
    b.nested.push({ kind, line, list: this.list(node.children, depth + 1) })
  }

  /** Substitutions inside `${x:-$(...)}` and `$(( $(...) ))`, which the lexer leaves as text. */
  #expansions(node: Node, b: WordBuild, depth: number): void {
    if (node.type === 'simple_expansion') return
    if (depth + 1 >= MAX_DEPTH) {
      if (/\$\(|`/.test(this.#raw(node))) noteNestingLimit(this.#line(node))
      return
    }
    const stack: Node[] = [...node.children]
    for (let seen = 0; stack.length && seen < MAX_EXPANSION_NODES; seen++) {
      const n = stack.pop()
      if (!n) break
      if (n.type === 'command_substitution' || n.type === 'process_substitution') this.#substitution(n, b, depth)
      else if (n.childCount > 0) stack.push(...n.children)
    }
  }
}

const ANSI_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b', E: '\x1b', '\\': '\\', "'": "'", '"': '"' }

/** The body of `$'...'` decoded as bash does. */
function decodeAnsiC(body: string): string {
  return body.replace(/\\(?:x([0-9A-Fa-f]{1,2})|([0-7]{1,3})|([\s\S]))/g, (m, hex: string | undefined, oct: string | undefined, c: string | undefined) => {
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16))
    if (oct !== undefined) return String.fromCharCode(parseInt(oct, 8) & 0xff)
    return c === undefined ? m : (ANSI_ESCAPES[c] ?? c)
  })
}
