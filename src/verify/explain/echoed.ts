/**
 * @fileoverview Files a tag's own code writes line by line with `echo` and ships: a header a make
 * rule fills with the date of the last commit (`echo "#define GIT_DATE \"$$D\"" > $@`), a makefile
 * a bootstrap script writes from a glob (`cd m4; echo EXTRA_DIST = *.m4 > Makefile.am`), a script of
 * the tag a rule runs into its target (`$(srcdir)/utils/version.sh > $@`: the script's echoes to
 * standard output), a dist-hook's group of echoes into `$(distdir)/NAME`, a `printf` of a format
 * (each of its lines a write), and a file such a rule writes that a dist-hook copies into
 * `$(distdir)` under another name.
 * Explained when every line of the shipped file is what one of those echoes prints, where the shell
 * substitutes a value only a plain value (a version, a date, a commit id: no quote, bracket or
 * operator that code would need) and where it expands a glob only names of files beside it. The
 * shipped file is still scanned by the rules.
 */
import { classifyFile } from '../../rules/classify.js'
import { logicalLines } from '../../rules/shell/lines.js'
import { basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { expandMake, makeIndexOf, resolveWord, type IndexedRule, type MakeIndex } from './make-index.js'
import { bootstrapScripts, perTree } from './per-tree.js'
import { addedFileText, explained, type Explainer, type Judgement, type TreeView } from './types.js'
import { escapeRegExp } from '../../util/regexp.js'

/**
 * What one echo prints: literal text, a value the shell substitutes (`files`: the output of a
 * `find`, names of files of the tree), or a glob it expands to names.
 */
export type Piece = { readonly literal: string } | { readonly value: true; readonly name?: string; readonly files?: true } | { readonly glob: RegExp }

/** Appends literal text to `pieces`, joined to a literal piece before it. */
function appendLiteral(pieces: Piece[], text: string): void {
  const last = pieces[pieces.length - 1]
  if (last && 'literal' in last) pieces[pieces.length - 1] = { literal: last.literal + text }
  else pieces.push({ literal: text })
}

export interface EchoWrite {
  /** the redirection's target as written (`$@`, `$(abs_builddir)/$@.new`, `Makefile.am`) */
  readonly target: string
  readonly pieces: readonly Piece[]
}

/** a substituted value: what versions, dates and commit ids are made of */
export const VALUE = String.raw`[\w .,:/+~@-]{0,200}`
const NAME = /^[\w.+~-]+$/
/** a path below the directory a command runs in, as `find DIR` prints it */
const PATH = /^(?:\.\/)?(?:[\w.+~-]+\/)*[\w.+~-]+$/
/** where a shell command starts on a line: a word after any of these is a command, not an argument */
export const COMMAND_PREFIX = String.raw`(?:^|[;&|({}]|\b(?:then|do|else)\s)\s*`
/** where an `echo` command starts */
const COMMAND_START = new RegExp(String.raw`${COMMAND_PREFIX}(?:@|-)*echo\s`, 'g')

const globRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`)

/** Reads a `$…` substitution starting at `i` (the `$`); returns the index after it. */
export function skipSubstitution(text: string, i: number): number {
  let j = i + 1
  if (text[j] === '$') j++ // make's `$$` is the shell's `$`
  const open = text[j]
  if (open === '{' || open === '(') {
    const close = open === '{' ? '}' : ')'
    let depth = 0
    for (; j < text.length; j++) {
      if (text[j] === open) depth++
      else if (text[j] === close && --depth === 0) return j + 1
    }
    return text.length
  }
  if (/[A-Za-z_]/.test(open ?? '')) {
    while (j < text.length && /\w/.test(text[j] ?? '')) j++
    return j
  }
  return Math.min(text.length, j + 1)
}

/** `( echo …; echo …; ) > FILE`, `{ echo …; } >> FILE`: a group whose output goes into one file. */
const GROUP = /^\s*[@-]*\s*([({])([\s\S]*)([)}])\s*>>?\s*(\S+)\s*;?\s*$/

/** Where a redirected group starts and ends on the line, and the file it writes. */
function groupOf(line: string): { start: number; end: number; target: string } | undefined {
  const m = GROUP.exec(line)
  if (!m || (m[1] === '(') !== (m[3] === ')')) return undefined
  const start = line.indexOf(m[1] ?? '(') + 1
  return { start, end: start + (m[2] ?? '').length, target: (m[4] ?? '').replace(/;+$/, '') }
}

export interface EchoOptions {
  /** a make recipe: make substitutes `$(VAR)` even between single quotes, and `$$` is a literal `$` there */
  readonly make?: boolean
  /** where the script's standard output goes: an echo neither redirected nor piped prints there */
  readonly stdout?: string
}

/** Is position `at` inside a command substitution (`$(` … or a backquote) that is still open? */
function inSubstitution(line: string, at: number): boolean {
  const before = line.slice(0, at)
  if ((before.match(/`/g) ?? []).length % 2 === 1) return true
  let depth = 0
  for (let i = 0; i < before.length; i++) {
    if (before[i] === '$' && before[i + 1] === '(') {
      depth++
      i++
    } else if (before[i] === ')' && depth > 0) depth--
  }
  return depth > 0
}

/** where a `printf` command starts */
const PRINTF_START = new RegExp(String.raw`${COMMAND_PREFIX}(?:@|-|\$[({]\w+[)}])*printf\s+`, 'g')

/** One shell word as the shell passes it on: literal text and the values it substitutes. */
export interface ShellWord {
  readonly pieces: readonly Piece[]
  /** an unquoted `*` or `?`: the shell expands the word to file names */
  readonly globbing: boolean
  /** the index after the word */
  readonly end: number
}

/** what ends a word outside quotes */
const WORD_END = /[\s;&|<>)}]/
/** a command substitution whose commands are `find`s, their output at most joined into one line: `( find a -name \*.c ; find b ) | tr "\n" " "` */
const FINDS = /^\(?\s*find\s[^;&|`$()]*(?:;\s*find\s[^;&|`$()]*)*\)?\s*(?:\|\s*tr\s+\\?["']\\n\\?["']\s+\\?["'] \\?["']\s*)?$/

/**
 * Reads one shell word at `i` (quotes, escapes, `$…` and backquote substitutions); undefined when
 * a quote or substitution is not closed on the line. In a make recipe, make substitutes `$(VAR)`
 * even between single quotes, and `$$` is the shell's `$`.
 */
export function shellWord(line: string, i: number, make: boolean): ShellWord | undefined {
  const pieces: Piece[] = []
  const literal = (text: string) => appendLiteral(pieces, text)
  let globbing = false
  let quote: '"' | "'" | undefined
  for (; i < line.length; i++) {
    const c = line[i] ?? ''
    if (quote === "'") {
      if (c === "'") quote = undefined
      else if (make && c === '$' && line[i + 1] === '$') {
        literal('$')
        i++
      } else if (make && c === '$' && (line[i + 1] === '(' || line[i + 1] === '{')) {
        pieces.push({ value: true })
        i = skipSubstitution(line, i) - 1
      } else literal(c)
      continue
    }
    if (c === '\\') {
      const next = line[i + 1] ?? ''
      literal(quote === '"' && !'"\\$`'.includes(next) ? `\\${next}` : next)
      i++
      continue
    }
    // a `$` that starts no expansion (`s/x$/y/`, make's `$$|`) is the character itself
    const escaped = make && c === '$' && line[i + 1] === '$' ? 1 : 0
    if (c === '$' && !/[\w{(#?@*!$-]/.test(line[i + 1 + escaped] ?? '')) {
      literal('$')
      i += escaped
      continue
    }
    if (c === '$' || c === '`') {
      const end = c === '`' ? line.indexOf('`', i + 1) + 1 : skipSubstitution(line, i)
      // `$NAME`, `${NAME}`: the variable, for a reader that knows its values
      const name = c === '$' ? /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/.exec(line.slice(i, end)) : null
      // the shell's command substitution (never make's `$(VAR)`) that lists files: `find src -name \*.c | tr "\n" " "`
      const listing = (c === '`' || (!make && line[i + 1] === '(')) && FINDS.test(line.slice(i + (c === '`' ? 1 : 2), end - 1))
      pieces.push(name ? { value: true, name: name[1] ?? name[2] ?? '' } : listing ? { value: true, files: true } : { value: true })
      i = end - 1
      if (i < 0) return undefined
      continue
    }
    if (c === '@' && quote === undefined && /^@[A-Za-z_]\w*@/.test(line.slice(i))) {
      // configure's @SUBST@ left in a recipe: a value
      pieces.push({ value: true })
      i = line.indexOf('@', i + 1)
      continue
    }
    if (quote === '"') {
      if (c === '"') quote = undefined
      else literal(c)
      continue
    }
    if (c === '"' || c === "'") {
      quote = c
      continue
    }
    if (WORD_END.test(c)) break
    if (c === '*' || c === '?') globbing = true
    literal(c)
  }
  return quote ? undefined : { pieces, globbing, end: i }
}

/**
 * The lines a `printf FORMAT ARGS… > FILE` writes: its format's escapes read, each conversion
 * (`%s`, `%d`, …) a value the arguments give; one write per line of the format.
 */
export function printfWrites(line: string, options: EchoOptions = {}): EchoWrite[] {
  const out: EchoWrite[] = []
  for (const m of line.matchAll(PRINTF_START)) {
    const format = shellWord(line, (m.index ?? 0) + m[0].length, options.make ?? false)
    // a format the shell substitutes into could print anything
    const [only, ...more] = format?.pieces ?? []
    if (!format || !only || !('literal' in only) || more.length > 0) continue
    // the redirection that ends the command: after the arguments, outside quotes and substitutions
    let i = format.end
    let target: string | undefined
    while (i < line.length) {
      while (/\s/.test(line[i] ?? '')) i++
      const c = line[i] ?? ''
      if (c === '' || /[;&|)]/.test(c)) break
      if (c === '>') {
        target = /^>>?\s*([^\s;&|)]+)/.exec(line.slice(i))?.[1]
        break
      }
      const word = shellWord(line, i, options.make ?? false)
      if (!word || word.end === i) break
      i = word.end
    }
    if (!target) continue
    const lines: Piece[][] = [[]]
    const literal = (text: string) => appendLiteral(lines[lines.length - 1] ?? [], text)
    const f = only.literal
    let readable = true
    for (let k = 0; k < f.length && readable; k++) {
      const c = f[k] ?? ''
      if (c === '\\') {
        const next = f[k + 1] ?? ''
        k++
        if (next === 'n') lines.push([])
        else if (next === 't') literal('\t')
        else if (next === '\\' || next === '"' || next === "'") literal(next)
        else literal(`\\${next}`)
      } else if (c === '%') {
        const conversion = /^%(?:%|[-+ #0]*\d*(?:\.\d+)?[sdiuxXoc])/.exec(f.slice(k))?.[0]
        // a conversion printf would refuse or that reads its width from an argument: not a format to check against
        if (!conversion) {
          readable = false
          break
        }
        k += conversion.length - 1
        if (conversion === '%%') literal('%')
        else (lines[lines.length - 1] ?? []).push({ value: true })
      } else literal(c)
    }
    if (!readable) continue
    // the line after the format's last newline is empty: nothing printed there
    if ((lines[lines.length - 1] ?? []).length === 0) lines.pop()
    for (const pieces of lines) out.push({ target, pieces })
  }
  return out
}

/**
 * The echoes of one logical line of shell (a make recipe line, continuation lines joined, or a
 * script line) whose output is redirected into a file, alone or as a group, with what each prints.
 */
export function echoWrites(line: string, options: EchoOptions = {}): EchoWrite[] {
  const out: EchoWrite[] = []
  const group = groupOf(line)
  for (const m of line.matchAll(COMMAND_START)) {
    const pieces: Piece[] = []
    let i = (m.index ?? 0) + m[0].length
    // `echo -n` and `echo -e` print their operands the same way, line for line
    while (/^-[ne]+\s/.test(line.slice(i))) i = line.indexOf(' ', i) + 1
    let stop = ''
    let words = 0
    for (;;) {
      while (/\s/.test(line[i] ?? '')) i++
      const c = line[i] ?? ''
      if (c === '' || WORD_END.test(c)) {
        stop = c
        break
      }
      const word = shellWord(line, i, options.make ?? false)
      if (!word) return out
      if (words++ > 0) appendLiteral(pieces, ' ')
      if (word.globbing) {
        // a glob joined to a substitution names nothing we can check
        if (word.pieces.some((p) => 'value' in p)) return out
        pieces.push({ glob: globRegExp(word.pieces.map((p) => ('literal' in p ? p.literal : '')).join('')) })
      } else {
        for (const p of word.pieces) {
          if ('literal' in p) appendLiteral(pieces, p.literal)
          else pieces.push(p)
        }
      }
      i = word.end
    }
    const start = (m.index ?? 0) + m[0].length
    // inside a redirected group, an echo that ends its command prints into the group's file
    const grouped = group && start >= group.start && i <= group.end && (stop === ';' || stop === '' || stop === ')' || stop === '}') ? group.target : undefined
    // an echo to standard output, where a script's output goes into a file
    const printed = options.stdout !== undefined && stop !== '>' && stop !== '|' && !inSubstitution(line, start) ? options.stdout : undefined
    if (stop !== '>' && grouped === undefined && printed === undefined) continue
    const last = pieces[pieces.length - 1]
    if (last && 'literal' in last) pieces[pieces.length - 1] = { literal: last.literal.replace(/\s+$/, '') }
    const target = grouped ?? printed ?? /^>>?\s*(\S+)/.exec(line.slice(i))?.[1]
    if (target) out.push({ target: target.replace(/[;)]+$/, ''), pieces })
  }
  return out
}

interface Printed {
  readonly where: string
  /** the line of a script's echo: a script's echoes into one file print it together */
  readonly at?: number
  /** the directories the rule is read in: a fragment's rule is read once in each makefile that includes it */
  readonly context?: string
  readonly write: EchoWrite
  /** the directory the echo runs in, for the names a glob expands to */
  readonly dir: string
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim()

/**
 * Does `line` read as what `write` prints, with globs expanding to names `named` accepts and a
 * `find`'s output to paths `found` accepts?
 */
function prints(write: EchoWrite, line: string, named: (name: string, glob: RegExp) => boolean, found: (path: string) => boolean): boolean {
  // an echo of nothing but substitutions would vouch for any line of plain words
  if (!write.pieces.some((p) => 'literal' in p && p.literal.trim() !== '') && line.trim() !== '') return false
  // each group of the pattern, in order: the names a glob expands to, or the paths a find lists
  const groups: ((word: string) => boolean)[] = []
  // white space beside a substitution that expands to nothing is collapsed with the white space across it
  const substitution = (p: Piece | undefined): boolean => p !== undefined && 'value' in p
  const source = write.pieces
    .map((p, k) => {
      if ('literal' in p) {
        const spaced = collapse(p.literal) === '' && p.literal !== '' ? ' ' : escapeRegExp(p.literal).replace(/\s+/g, ' ')
        const before = substitution(write.pieces[k - 1]) ? spaced.replace(/^ /, ' ?') : spaced
        return substitution(write.pieces[k + 1]) ? before.replace(/ $/, ' ?') : before
      }
      if ('value' in p && p.files === true) {
        groups.push((path) => PATH.test(path) && found(path))
        return String.raw`((?:\S+(?: \S+)*)?)`
      }
      if ('value' in p) return VALUE
      const glob = p.glob
      groups.push((name) => NAME.test(name) && named(name, glob))
      return String.raw`(\S+(?: \S+)*)`
    })
    .join('')
  const m = new RegExp(`^${source.trim()}$`).exec(collapse(line))
  if (!m) return false
  return groups.every((accepts, k) => (m[k + 1] ?? '').split(' ').every((word) => word === '' || accepts(word)))
}

/** automake's hook that runs in the tree `make dist` is about to pack, named `$(distdir)` */
const DIST_HOOK = 'dist-hook'
/** `$(distdir)/NAME` (beside the makefile) or `$(top_distdir)/PATH` (from the top) */
const IN_DISTDIR = /^\$[({](distdir|top_distdir)[)}]\/(.+)$/

/** a dist-hook's `cp FILE $(distdir)/NAME` (an echo prefix such as `$(AM_V_GEN)` before it) */
const DIST_COPY = /(?:^|[;&|(]\s*)[@-]*(?:\$[({]\w+[)}])*cp\s+(?:-\w+\s+)*([^\s;&|$]\S*)\s+(\$[({](?:distdir|top_distdir)[)}]\/[^\s;&|)]+)\s*(?=$|[;&|)])/g

/** `VERSION="$(VERSION)" $(srcdir)/utils/gen-version.sh $(srcdir) >$@`: a program run with its output into a file */
const RUN_INTO = /(?:^|[;&|(]\s*)(?:[A-Za-z_]\w*=(?:"[^"]*"|'[^']*'|[^\s;&|]*)\s+)*(?:(?:sh|bash|\$[({]SHELL[)}])\s+)?((?:\$[({]\w+[)}]|[^\s;&|<>()=$])+)[^;&|<>]*>\s*([^\s;&|)]+)/g
const MAX_SCRIPT_BYTES = 256 * 1024

/** The echoes to standard output of a tag script a recipe line runs into `accepts`'s file, as that file's writes. */
async function scriptsRunInto(line: string, entry: IndexedRule, accepts: (target: string) => boolean, view: TreeView): Promise<{ script: string; writes: EchoWrite[] }[]> {
  const out: { script: string; writes: EchoWrite[] }[] = []
  for (const m of line.matchAll(RUN_INTO)) {
    const [, program = '', target = ''] = m
    if (!accepts(target)) continue
    for (const script of resolveWord(program, entry.bases)) {
      const text = await view.sourceText(script)
      if (text === undefined || text.length > MAX_SCRIPT_BYTES || classifyFile(script, text) !== 'shell') continue
      const writes = logicalLines(text).flatMap((l) => echoWrites(l.text, { stdout: target }).filter((w) => w.target === target))
      if (writes.length > 0) out.push({ script, writes })
    }
  }
  return out
}

/**
 * The make rules for `path` whose recipes echo into their target or run a tag script whose echoes
 * print it, and dist-hooks that echo into it in the packed tree.
 */
async function ruleEchoes(index: MakeIndex, path: string, view: TreeView, copyDepth = 1): Promise<Printed[]> {
  const out: Printed[] = []
  const name = basenameOf(path)
  const dir = dirnameOf(path)
  const record = async (entry: IndexedRule, accepts: (target: string) => boolean) => {
    const context = entry.bases.join(' ')
    for (const line of entry.rule.recipe) {
      const expanded = expandMake(line, entry.vars)
      for (const write of [...echoWrites(expanded, { make: true }), ...printfWrites(expanded, { make: true })]) {
        if (accepts(write.target)) out.push({ where: `${entry.makefile}:${entry.rule.line}`, context, write, dir })
      }
      for (const { script, writes } of await scriptsRunInto(expanded, entry, accepts, view)) {
        for (const write of writes) out.push({ where: `${script}, run by ${entry.makefile}:${entry.rule.line}`, context, write, dir })
      }
    }
  }
  for (const { entry } of index.rulesFor(path)) {
    await record(entry, (target) => basenameOf(target).startsWith('$@') || basenameOf(target).startsWith(name))
  }
  const packed = (entry: IndexedRule, target: string): boolean => {
    const [, base, inDist] = IN_DISTDIR.exec(target) ?? []
    return inDist !== undefined && joinPath(base === 'top_distdir' ? '' : dirnameOf(entry.makefile), inDist) === path
  }
  for (const { entry } of index.rulesFor(joinPath(dir, DIST_HOOK))) {
    await record(entry, (target) => packed(entry, target))
    // `cp git-version.h $(distdir)/.tarball-git-version.h`: the file a rule of the tag writes, packed under another name
    if (copyDepth <= 0) continue
    for (const line of entry.rule.recipe) {
      for (const [, copied = '', target = ''] of expandMake(line, entry.vars).matchAll(DIST_COPY)) {
        if (!packed(entry, target)) continue
        for (const built of resolveWord(copied, entry.bases)) {
          if (built === path) continue
          for (const p of await ruleEchoes(index, built, view, copyDepth - 1)) out.push({ ...p, where: `${p.where}, packed as ${path} by ${entry.makefile}:${entry.rule.line}` })
        }
      }
    }
  }
  return out
}

/** `OUT=Makefile.am`, `CFLAGS="${BASE} -std=c++11"`: a variable the script sets to one word */
const ASSIGNMENT = /^\s*([A-Za-z_]\w*)=(?=\S)/
/** `$OUT`, `${OUT}`, `"$OUT"`: a redirection into a variable's value */
const VARIABLE_TARGET = /^(["']?)\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))\1$/

/**
 * The value a script's assignment line gives its variable, when it is one word of literal text and
 * variables the script set before; undefined for anything a command or the environment decides.
 */
function assignedValue(line: string, assigned: ReadonlyMap<string, string>): { name: string; value: string } | undefined {
  const m = ASSIGNMENT.exec(line)
  if (!m) return undefined
  const word = shellWord(line, m[0].length, false)
  if (!word || word.globbing || line.slice(word.end).trim() !== '') return undefined
  let value = ''
  for (const p of word.pieces) {
    if ('literal' in p) value += p.literal
    else if ('value' in p && p.name !== undefined && assigned.has(p.name)) value += assigned.get(p.name) ?? ''
    else return undefined
  }
  return { name: m[1] ?? '', value }
}

/** An echo's pieces with the variables the script set to known values put in as text. */
function withKnownValues(write: EchoWrite, assigned: ReadonlyMap<string, string>): EchoWrite {
  const pieces: Piece[] = []
  for (const p of write.pieces) {
    const known = 'value' in p && p.name !== undefined ? assigned.get(p.name) : undefined
    if (known !== undefined) appendLiteral(pieces, known)
    else if ('literal' in p) appendLiteral(pieces, p.literal)
    else pieces.push(p)
  }
  return { ...write, pieces }
}

/**
 * The echoes of the tag's bootstrap scripts, by the path each writes (a plain `cd DIR` followed,
 * and a redirection into a variable the script set to a plain name).
 */
async function scriptEchoes(view: TreeView): Promise<Map<string, Printed[]>> {
  const out = new Map<string, Printed[]>()
  for (const { path: script, text } of await bootstrapScripts(view)) {
    let dir: string | undefined = ''
    const assigned = new Map<string, string>()
    for (const { line: start, text: line } of logicalLines(text)) {
      const assignment = assignedValue(line, assigned)
      if (assignment) assigned.set(assignment.name, assignment.value)
      // a value set any other way is no longer known
      else if (ASSIGNMENT.test(line)) assigned.delete(ASSIGNMENT.exec(line)?.[1] ?? '')
      const cd = /^\s*cd\s+([\w./-]+)\s*(?:$|[;&])/.exec(line)
      if (cd && dir !== undefined) {
        const next = joinPath(dir, cd[1] ?? '')
        // a directory above the tree is not followed, nor is anything written from there
        dir = next === '.' ? '' : next.startsWith('..') ? undefined : next
      }
      if (dir === undefined) continue
      for (const write of echoWrites(line)) {
        const variable = VARIABLE_TARGET.exec(write.target)
        const target = variable ? assigned.get(variable[2] ?? variable[3] ?? '') : write.target
        if (target === undefined || /[$`]/.test(target)) continue
        const written = joinPath(dir, target)
        out.set(written, [...(out.get(written) ?? []), { where: script, at: start, write: withKnownValues(write, assigned), dir }])
      }
    }
  }
  return out
}

const MAX_LINES = 2_000

export function echoedExplainer(): Explainer {
  const scriptsOf = perTree(scriptEchoes)
  return {
    name: 'echoed',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const text = addedFileText(difference, view)
      if (text === undefined) return undefined
      const lines = text.replace(/\n$/, '').split('\n')
      if (lines.length > MAX_LINES) return undefined
      const candidates = [...(await ruleEchoes(await makeIndexOf(view), difference.path, view)), ...((await scriptsOf(view)).get(difference.path) ?? [])]
      if (candidates.length === 0) return undefined
      // a glob expands to names of files beside the echo when it runs: in the tag or the release
      const inTree = (path: string): boolean => view.artifactHas(path) || view.sourceHas(path)
      const named = (dir: string) => (name: string, glob: RegExp) => glob.test(name) && inTree(joinPath(dir, name))
      // what a find lists from where it runs: files of the tree, none above it
      const found = (dir: string) => (path: string) => !path.split('/').includes('..') && inTree(joinPath(dir, path.replace(/^\.\//, '')))
      // one rule read in one makefile prints the whole file
      const byWhere = new Map<string, Printed[]>()
      for (const c of candidates) {
        const key = `${c.where}\0${c.context ?? ''}`
        byWhere.set(key, [...(byWhere.get(key) ?? []), c])
      }
      for (const writes of byWhere.values()) {
        // each line with the echoes that print it: every line must have one
        const printing = lines.map((line) => writes.filter((w) => prints(w.write, line, named(w.dir), found(w.dir))))
        if (printing.some((ws) => ws.length === 0)) continue
        const at = [...new Set(printing.flat().flatMap((w) => (w.at === undefined ? [] : [w.at])))].sort((a, b) => a - b)
        const where = `${writes[0]?.where ?? ''}${at.length > 0 ? `:${at.join(',')}` : ''}`
        return explained(difference.path, 'generated', `written line by line by the echoes of ${where}; substituted parts are plain values, globs names of files beside it, a find's output files of the tree; not regenerated`, false, true)
      }
      return undefined
    },
  }
}
