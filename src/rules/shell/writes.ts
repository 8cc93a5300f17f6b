/**
 * @fileoverview Where a command writes: the files it replaces, appends to or edits in place. Only
 * names written out (or held by a variable with a known value) are returned; a name built at run
 * time (`conftest.$ac_ext`, `$ac_file`) cannot be followed and is left out.
 */
import type { FileAnalysis } from './analysis.js'
import type { Command, Redirect } from './ast.js'
import { isEvaluator, macroWords, programNameOf, runsScriptFiles, type Literal } from './commands.js'
import { sedInvocation } from './sed.js'
import { heredocText } from './walk.js'
import { operands, program } from './words.js'

export interface Write {
  /** the file as the command names it, its variables' known values put in */
  readonly path: string
  /** how: `>`, `>>`, `sed -i`, `perl -i`, `cp`, `tee -a`, `patch`… */
  readonly how: string
  /** the file's content is edited where it is rather than replaced: the in-place editors and `patch` */
  readonly inPlace: boolean
  /** what a copy, a move or a link takes the file from; for a patch that names no file (`path` empty), the patch */
  readonly from?: string
  /** `cp x dest`: when dest is a directory, the file written is dest/x (see {@link intoDirectory}) */
  readonly mayBeDirectory?: boolean
}

/** The file a write reaches when its name is a directory: a copy keeps its own name inside it. */
export const intoDirectory = (w: Write): Write => ({ ...w, path: `${w.path.replace(/\/+$/, '')}/${(w.from ?? '').replace(/^.*\//, '')}`, mayBeDirectory: false })

/** redirections that write a file (`<>` opens one to read and write, and changes nothing unless written to) */
const WRITING_REDIRECT = /^(?:>|>>|>\||&>|&>>)$/
/** programs that may write a file they are given: everything else writes only through a redirection */
const WRITERS = /^(?:g?sed|perl(?:\d[\d.]*)?|g?awk|ed|ex|cp|mv|install|ln|tee|dd|patch)$/
/** perl's options that take the next word as their value */
const PERL_VALUE_OPTION = /^-[eEIMmx]$/

/**
 * The names a script's words hold, for {@link writtenPaths}: a word's literal value, or the one value
 * a variable is given even when it starts with another variable (`f="$srcdir/src/x.c"; sed -i … "$f"`).
 */
export function namedFiles(a: Pick<FileAnalysis, 'literal' | 'vars'>): Literal {
  const values = new Map<string, string>()
  return (text) => {
    const literal = a.literal(text)
    if (literal !== text || !text.includes('$')) return literal
    let value = values.get(text)
    if (value === undefined) {
      const assigned = new Set(a.vars.valuesOf(text).map((v) => v.value))
      const [only] = assigned
      value = assigned.size === 1 && only !== undefined && !/[`(]/.test(only) ? only : text
      values.set(text, value)
    }
    return value
  }
}

/**
 * The commands of a script that run. A here-document that no shell reads and that is not written
 * to a file is text (`cat <<\_ACEOF` of configure's --help); one written to a file may be a script
 * run later (`cat >>$CONFIG_STATUS <<_ACEOF`, the commands config.status runs), and is kept.
 */
export function runningCommands(a: Pick<FileAnalysis, 'script' | 'commands' | 'literal' | 'lines' | 'dialect'>): readonly Command[] {
  const known = running.get(a.commands)
  if (known) return known
  const text = heredocText(a.script, (cmd) => {
    if (cmd.compound || cmd.redirects.some(writing)) return true
    const name = programNameOf(program(cmd), a.literal)
    return runsScriptFiles(name) || isEvaluator(name)
  })
  // a macro that writes Makefile rules (autoconf-archive's AX_ADD_AM_MACRO) holds recipes make runs later
  const recipes = a.dialect === 'm4' ? makeRecipeLines(a.lines) : NO_LINES
  const commands = text.size === 0 && recipes.size === 0 ? a.commands : a.commands.filter((c) => !text.has(c) && !recipes.has(c.line))
  running.set(a.commands, commands)
  return commands
}
const running = new WeakMap<readonly Command[], readonly Command[]>()
const NO_LINES: ReadonlySet<number> = new Set()

/** a make rule's header: target names (no brackets, quotes or assignments; `\$` where an m4 string escapes make's `$`) and a colon */
const RULE_HEADER = /^[\w.$(){}/@%+\\-]+(?:[ \t]+[\w.$(){}/@%+\\-]+)*[ \t]*::?(?:[ \t]|$)/

/** The numbers (from 1) of the lines of an m4 file that are recipe lines of a Makefile rule it writes out: tab-indented after `target:`. */
function makeRecipeLines(lines: readonly string[]): ReadonlySet<number> {
  const out = new Set<number>()
  let inRule = false
  lines.forEach((line, i) => {
    if (line.startsWith('\t') && inRule) out.add(i + 1)
    else inRule = RULE_HEADER.test(line)
  })
  return out
}

const NO_WRITES: readonly Write[] = []
const NO_REDIRECTS: readonly Redirect[] = []
const writing = (r: Redirect): boolean => r.target !== undefined && WRITING_REDIRECT.test(r.op)

/**
 * The commands of a script that write, each with what it writes, worked out once per script for
 * every rule that asks. In CMake `>` is no redirection (its generator expressions: `$<$<BOOL:…>:x.h>`).
 */
export function scriptWrites(a: Pick<FileAnalysis, 'script' | 'commands' | 'literal' | 'vars' | 'dialect' | 'lines'>): readonly { readonly cmd: Command; readonly writes: readonly Write[] }[] {
  const known = scripts.get(a.commands)
  if (known) return known
  const valueOf = namedFiles(a)
  const out: { cmd: Command; writes: readonly Write[] }[] = []
  for (const cmd of runningCommands(a)) {
    const writes = writtenPaths(cmd, valueOf, a.dialect !== 'cmake')
    if (writes.length > 0) out.push({ cmd, writes })
  }
  scripts.set(a.commands, out)
  return out
}
const scripts = new WeakMap<readonly Command[], readonly { readonly cmd: Command; readonly writes: readonly Write[] }[]>()

/** The files a command writes; a copy's destination may be a directory ({@link Write.mayBeDirectory}). */
export function writtenPaths(cmd: Command, literal: Literal, redirects = true): readonly Write[] {
  // asked of every command of a configure script: most write through no redirection and run no writer
  const redirected = redirects && cmd.redirects.some(writing) ? cmd.redirects.filter(writing) : NO_REDIRECTS
  const macro = cmd.compound?.kind === 'macro' && /^file$/i.test(cmd.compound.name)
  if (redirected.length === 0 && !macro && (cmd.compound || !WRITERS.test(programNameOf(program(cmd), literal)))) return NO_WRITES
  const out: Write[] = redirected.map((r) => ({ path: literal(r.target?.text ?? ''), how: r.op, inPlace: false }))
  if (macro) return [...out, ...cmakeWrites(cmd, literal)]
  if (cmd.compound) return out
  const p = program(cmd)
  const name = programNameOf(p, literal)
  const args = p.args.map((w) => literal(w.text))
  const written = programWrites(name, p.args, args, literal)
  // a patch that names no file changes the files it names itself: what it changes is the patch
  if (written.length === 0 && name === 'patch') {
    const stdin = cmd.redirects.find((r) => r.op === '<' && (r.fd === '' || r.fd === '0'))
    const input = patchInput(args) ?? (stdin?.target !== undefined ? literal(stdin.target.text) : undefined)
    if (input !== undefined) written.push({ path: '', how: 'patch', inPlace: true, from: input })
  }
  return [...out, ...written]
}

function patchInput(args: readonly string[]): string | undefined {
  const i = args.findIndex((a) => a === '-i' || a === '--input')
  if (i >= 0) return args[i + 1]
  return args.find((a) => a.startsWith('--input='))?.slice(8)
}

function programWrites(name: string, words: Parameters<typeof sedInvocation>[0], args: readonly string[], literal: Literal): Write[] {
  const base = name.replace(/\d[\d.]*$/, '')
  if (base === 'sed' || base === 'gsed') {
    const sed = sedInvocation(words)
    if (!sed.inPlace) return []
    return sed.files.map((file) => ({ path: literal(file), how: 'sed -i', inPlace: true }))
  }
  if (base === 'perl') return perlInPlace(args).map((path) => ({ path, how: 'perl -i', inPlace: true }))
  if (base === 'awk' || base === 'gawk') {
    const inPlace = args.some((a, i) => (a === '-i' && args[i + 1] === 'inplace') || a === '--include=inplace' || a === '-iinplace')
    if (!inPlace) return []
    // the program text is the first operand; the rest are the files it edits
    return awkFiles(args).map((path) => ({ path, how: 'awk -i inplace', inPlace: true }))
  }
  if (base === 'ed' || base === 'ex') return operands(args).map((path) => ({ path, how: base, inPlace: true }))
  if (base === 'tee') {
    const how = args.some((a) => a === '--append' || /^-[a-z]*a/.test(a)) ? 'tee -a' : 'tee'
    return operands(args).map((path) => ({ path, how, inPlace: false }))
  }
  // conv=notrunc writes over bytes of the file and keeps the rest
  if (base === 'dd') return args.filter((a) => a.startsWith('of=')).map((a) => ({ path: a.slice(3), how: 'dd', inPlace: args.some((x) => /^conv=.*notrunc/.test(x)) }))
  if (base === 'patch') return patchTargets(args)
  if (base === 'cp' || base === 'mv' || base === 'install' || base === 'ln') return copyTargets(base, args)
  return []
}

/** `perl -pi -e 's/a/b/' FILE…`: the files after the options and scripts, when `-i` is among the options. */
function perlInPlace(args: readonly string[]): string[] {
  let inPlace = false
  let script = false
  let i = 0
  for (; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '--') {
      i++
      break
    }
    if (!a.startsWith('-') || a === '-') break
    if (PERL_VALUE_OPTION.test(a)) {
      if (a === '-e' || a === '-E') script = true
      i++
      continue
    }
    // a cluster (`-pi`, `-pie`, `-i.bak`): -i takes the rest as a backup suffix
    const cluster = a.slice(1)
    for (let k = 0; k < cluster.length; k++) {
      const f = cluster[k]
      if (f === 'i') {
        inPlace = true
        break
      }
      if (f === 'e' || f === 'E') {
        script = true
        if (k === cluster.length - 1) i++
        break
      }
    }
  }
  if (!inPlace) return []
  // without -e the first operand is the script file
  const rest = args.slice(i)
  return script ? rest : rest.slice(1)
}

function awkFiles(args: readonly string[]): string[] {
  const rest: string[] = []
  let program = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '-i' || a === '-v' || a === '-F' || a === '-f') {
      if (a === '-f') program = true
      i++
      continue
    }
    if (a.startsWith('-') && a !== '-') continue
    if (!program) {
      program = true
      continue
    }
    if (!/^\w+=/.test(a)) rest.push(a)
  }
  return rest
}

/** `patch FILE [PATCH]`, `patch -o OUT`: the file written when named; otherwise the patch names its files itself. */
function patchTargets(args: readonly string[]): Write[] {
  const output = args.findIndex((a) => a === '-o' || a === '--output')
  if (output >= 0 && args[output + 1] !== undefined) return [{ path: args[output + 1] ?? '', how: 'patch', inPlace: false }]
  const named: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (/^-[ipdBDForVYz]$/.test(a) || /^--(?:input|directory|prefix|basename-prefix|reject-file|suffix)$/.test(a)) {
      i++
      continue
    }
    if (!a.startsWith('-')) named.push(a)
  }
  return named.slice(0, 1).map((path) => ({ path, how: 'patch', inPlace: true }))
}

/** The destination of `cp`/`mv`/`install`/`ln`: the last operand, or each source's name inside a destination directory. */
function copyTargets(name: string, args: readonly string[]): Write[] {
  const files: string[] = []
  let directory: string | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '-t' || a === '--target-directory') directory = args[++i]
    else if (a.startsWith('--target-directory=')) directory = a.slice(19)
    // install's options with a value
    else if (name === 'install' && /^-[mogS]$/.test(a)) i++
    else if (!a.startsWith('-') || a === '-') files.push(a)
  }
  if (name === 'install' && args.includes('-d')) return []
  const into = (dir: string, sources: readonly string[]): Write[] => sources.map((from) => intoDirectory({ path: dir, how: name, inPlace: false, from }))
  if (directory !== undefined) return into(directory, files)
  if (files.length < 2) return []
  const destination = files[files.length - 1] ?? ''
  const sources = files.slice(0, -1)
  if (sources.length > 1 || /\/$/.test(destination)) return into(destination, sources)
  return [{ path: destination, how: name, inPlace: false, from: sources[0] ?? '', mayBeDirectory: true }]
}

/** cmake's `file(WRITE|APPEND path …)`: the two that change a file's content. */
function cmakeWrites(cmd: Command, literal: Literal): Write[] {
  const [mode, path] = macroWords(cmd)
  if (!/^(?:WRITE|APPEND)$/.test(mode ?? '') || path === undefined) return []
  return [{ path: literal(path), how: `file(${mode})`, inPlace: mode === 'APPEND' }]
}
