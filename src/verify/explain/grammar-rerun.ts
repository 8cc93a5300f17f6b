/**
 * @fileoverview Runs the installed flex or bison again on the grammar a shipped scanner or parser
 * names, with the flags the project's build files give it, and compares. The output is a function
 * of the grammar, the flags and the build of the tool: the same three give the same text, but for
 * what depends on where the tool ran (`#line` directives, the header's include guard). One version
 * number covers several builds (a distribution's patched skeleton, a snapshot of the tool's own
 * repository), so the caller weighs how far apart the two texts are.
 *
 * Both tools pass their output through m4. The grammar's code reaches m4 quoted (the tools escape
 * it), and m4 runs here with the builtins that run commands or write files removed; a grammar that
 * names a file outside the tool's scratch directory (an output, a skeleton to read) is not run.
 * Nothing in the grammar can execute or write elsewhere, which is why this needs no opt-in as
 * `--regenerate` does.
 */
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ancestors, basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import { logicalLines } from '../../rules/shell/lines.js'
import { run, toolVersion, versionNumber } from '../../util/run.js'
import { perTree } from './per-tree.js'
import type { TreeView } from './types.js'

export type GrammarTool = 'flex' | 'bison'

/** One way a build runs the tool: its arguments, and the file that holds the output to compare. */
interface Invocation {
  readonly args: readonly string[]
  readonly output: string
  /** what of the output depends on this way of running, made the same as in a shipped file */
  readonly normalise?: (text: string) => string
}

interface ToolSpec {
  readonly program: string
  /** m4's builtins removed under the tool ({@link UNSAFE_M4}) */
  readonly unsafeM4: readonly string[]
  /** a build file command or assignment that hands the tool its flags */
  readonly commandWord: RegExp
  /** the tool's options that change its output; those naming a file to read or write are not among them */
  readonly flag: RegExp
  /** options whose value may be the next word: `-P foo`, `-p conf` */
  readonly valueFlags: readonly string[]
  /** options builds commonly give that change little, tried when the build files do not name them */
  readonly commonFlags: readonly string[]
  /** the ways a build runs the tool on `grammar` to make `target` */
  invocations(target: string, grammar: string, flags: readonly string[]): Invocation[]
}

const stemOf = (name: string): string => name.replace(/\.[^.]+$/, '')

/**
 * m4's builtins removed under each tool: those that run a command or write a file, and under flex,
 * which needs none of them, those that read one too. bison reads its own skeletons with `include`.
 */
export const UNSAFE_M4: Readonly<Record<GrammarTool, readonly string[]>> = {
  flex: ['syscmd', 'esyscmd', 'include', 'sinclude', 'debugfile', 'maketemp', 'mkstemp', 'undivert'],
  bison: ['syscmd', 'esyscmd', 'debugfile', 'maketemp', 'mkstemp'],
}

const SPECS: Record<GrammarTool, ToolSpec> = {
  flex: {
    program: 'flex',
    unsafeM4: UNSAFE_M4.flex,
    commandWord: /\b(?:\w*LFLAGS|LEX|FLEX|flex|FLEX_TARGET)\b/,
    flag: /^(?:-[78BFILTdfispv+]+|-C[aefFmr]*|-P\w+|--(?:prefix=\w+|case-insensitive|noline|nounistd|nodefault|reentrant|bison-bridge|bison-locations|never-interactive|always-interactive|interactive|batch|yylineno|noyywrap|yywrap|stack|posix-compat|posix|full|fast|align|ecs|meta-ecs|read|8bit|7bit|c\+\+|debug|perf-report|verbose|warn|nowarn|nounput|noinput|yyclass=\w+))$/,
    valueFlags: ['-P', '--prefix'],
    commonFlags: [],
    // `%option outfile=` in the grammar wins over -o: the output is looked for under that name too
    invocations: (_target, grammar, flags) => [{ args: [...flags, '-o', 'lex.yy.c', grammar], output: 'lex.yy.c' }],
  },
  bison: {
    program: 'bison',
    unsafeM4: UNSAFE_M4.bison,
    commandWord: /\b(?:\w*YFLAGS|YACC|BISON|bison|yacc|BISON_TARGET)\b/,
    flag: /^(?:-[dtvlky]+|--(?:defines|header|yacc|debug|verbose|no-lines|token-table|locations|fixed-output-files)|-p\w+|--name-prefix=\w+|-D[\w.]+(?:=[\w.:-]*)?|--define=[\w.]+(?:=[\w.:-]*)?|-L\w+|--language=\w+)$/,
    valueFlags: ['-p', '--name-prefix'],
    // -d repeats the header's declarations in the parser, -t turns its traces on: either changes a few lines
    commonFlags: ['-d', '-t'],
    invocations(target, grammar, flags) {
      // the parser whose header this is: `x.hh` is written beside `x.cc`, `x.h` beside `x.c`
      const codeExtension = { '.h': '.c', '.hh': '.cc', '.hpp': '.cpp' }[/\.h(?:h|pp)?$/.exec(target)?.[0] ?? '']
      const header = codeExtension !== undefined
      const code = header ? `${stemOf(target)}${codeExtension}` : target
      // automake's ylwrap runs `bison -y` in a directory of its own and renames y.tab.[ch], guard included
      const ylwrap = (text: string): string => text.replace(/\by\.tab\.h\b/g, `${stemOf(code)}.h`).replace(/\by\.tab\.c\b/g, code)
      return [
        { args: ['-y', ...flags.filter((f) => f !== '-y'), grammar], output: header ? 'y.tab.h' : 'y.tab.c', normalise: ylwrap },
        { args: [...flags, '-o', code, grammar], output: header ? target : code },
      ]
    },
  },
}

/** a make recipe's line holds several commands: `rm -f $@; $(LEX) -i -t x.l >> $@`; only the tool's own flags count */
const commandsOf = (line: string): string[] => line.split(/;|&&|\|\||\||>>?/)

/** the tool's flags in one command or assignment: `AM_LFLAGS = -i -P foo` → `-i -Pfoo` */
function flagsOf(command: string, spec: ToolSpec): string[] {
  const tokens = command.replace(/["',[\]()]/g, ' ').split(/\s+/).filter(Boolean)
  const flags: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string
    if (spec.valueFlags.includes(t) && /^\w+$/.test(tokens[i + 1] ?? '')) flags.push(`${t.startsWith('--') ? `${t}=` : t}${tokens[++i] as string}`)
    else if (spec.flag.test(t)) flags.push(t)
  }
  return flags
}

/** where a build gives the tools their flags; configure.ac may set `YFLAGS` or `LFLAGS` for all of them */
const BUILD_FILES = ['Makefile.am', 'Makefile.in', 'Makefile', 'GNUmakefile', 'CMakeLists.txt', 'meson.build', 'configure.ac', 'configure.in']
/** at most this many flag sets are tried on one file */
const MAX_FLAG_SETS = 6

/** every subset of `items`, the empty one first */
const subsets = <T>(items: readonly T[]): T[][] => items.reduce<T[][]>((all, item) => [...all, ...all.map((s) => [...s, item])], [[]])

interface BuildHints {
  /** flag sets to try, the likeliest first, none last */
  readonly flagSets: readonly (readonly string[])[]
  /** the build files' lines (continuations joined), where a rule that prepends lines to the output writes them */
  readonly lines: readonly string[]
}

/**
 * What the tag's build files say about running the tool in `dir`: the flags of each command or
 * assignment that names the tool or its flags in that directory, those above it and the top one,
 * all of them together, and none; then each of those with the flags builds commonly add.
 */
async function readBuildHints(dir: string, spec: ToolSpec, view: TreeView): Promise<BuildHints> {
  const sets: string[][] = []
  const seen = new Set<string>()
  const add = (flags: string[]): void => {
    const key = flags.join(' ')
    if (!seen.has(key)) {
      seen.add(key)
      sets.push(flags)
    }
  }
  const all: string[] = []
  const lines: string[] = []
  // the directory's own build files first, then those above it (`src/Makefile.am` builds `src/parser/x.y`)
  for (const d of dir === '' ? [''] : [dir, ...[...ancestors(dir)].reverse(), '']) {
    for (const name of BUILD_FILES) {
      const text = await view.sourceText(joinPath(d, name))
      if (text === undefined) continue
      for (const { text: line } of logicalLines(text)) {
        if (line.trimStart().startsWith('#')) continue
        lines.push(line)
        for (const command of commandsOf(line)) {
          if (!spec.commandWord.test(command)) continue
          const flags = flagsOf(command, spec)
          if (flags.length === 0) continue
          add(flags)
          for (const f of flags) if (!all.includes(f)) all.push(f)
        }
      }
    }
  }
  add(all)
  add([])
  // flags a build commonly adds where the build files do not say (`-d` for the header ylwrap renames)
  const named = sets.slice(0, MAX_FLAG_SETS)
  for (const extras of subsets(spec.commonFlags)) for (const set of named) add([...set, ...extras.filter((f) => !set.includes(f))])
  return { flagSets: sets.slice(0, MAX_FLAG_SETS << spec.commonFlags.length), lines }
}

/** the hints of each directory and tool, read once per tree: a parser and its header, or several scanners, share them */
const hintsOfTree = perTree((): Map<string, Promise<BuildHints>> => new Map())
function buildHints(dir: string, spec: ToolSpec, view: TreeView): Promise<BuildHints> {
  const hints = hintsOfTree(view)
  const key = `${spec.program}\0${dir}`
  let found = hints.get(key)
  if (!found) {
    found = readBuildHints(dir, spec, view)
    hints.set(key, found)
  }
  return found
}

/** at most this many lines a build rule may write before the tool's output (`echo '#include "config.h"' > $@`) */
const MAX_PREPENDED_LINES = 3

/**
 * `shipped` is `produced` after a few lines the build files write themselves: each must stand
 * quoted in a build file line (an `echo` of the rule that makes the file).
 */
function prependedByRule(shipped: string, produced: string, buildLines: readonly string[]): boolean {
  if (!shipped.endsWith(produced)) return false
  const head = shipped.slice(0, shipped.length - produced.length)
  if (!head.endsWith('\n')) return false
  const added = head.slice(0, -1).split('\n')
  if (added.length > MAX_PREPENDED_LINES) return false
  // as the shell reads the quotes: `echo "#include \"config.h\""` writes `#include "config.h"`
  const quoted = buildLines.flatMap((b) => [...b.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? (m[2] as string).replace(/\\(["\\$`])/g, '$1')))
  return added.every((l) => l.trim() !== '' && quoted.some((q) => q === l || q === `${l}\\n`))
}

const LINE_DIRECTIVES = /^#line \d+ .*\n/gm

/** The number in `text` of each line {@link withoutPlaceMarks} keeps (1-based): it leaves out only whole `#line` lines. */
export function keptLineNumbers(text: string): number[] {
  const removed = new Set<number>()
  let line = 1
  let scanned = 0
  for (const m of text.matchAll(LINE_DIRECTIVES)) {
    for (let i = scanned; i < m.index; i++) if (text.charCodeAt(i) === 10) line++
    scanned = m.index
    removed.add(line)
  }
  const total = text.split('\n').length
  const kept: number[] = []
  for (let n = 1; n <= total; n++) if (!removed.has(n)) kept.push(n)
  return kept
}

/**
 * Without what depends on where the tool ran and what the build named its files: `#line`
 * directives (names and numbers; `-o` adds one), the include guard bison derives from the header's
 * path (`YY_CONF_PARSER_PARSER_H_INCLUDED`), and the name of that header where the parser includes
 * it (`--defines=parse-datetime-gen.h`). The header itself is another shipped file, checked on its own.
 */
export const withoutPlaceMarks = (text: string): string =>
  text
    .replace(LINE_DIRECTIVES, '')
    .replace(/\bYY_\w*_INCLUDED\b/g, 'YY_INCLUDED')
    .replace(/^#include "[^"\n]+"\n(?=\/\* Symbol kind\. {2}\*\/$)/m, '#include "(the parser\'s header)"\n')

const installedVersions = new Map<string, Promise<string | undefined>>()
/** the installed tool's version, asked once per process */
const installedVersion = (program: string): Promise<string | undefined> => {
  let version = installedVersions.get(program)
  if (!version) {
    version = toolVersion(program).then(versionNumber)
    installedVersions.set(program, version)
  }
  return version
}

export type GrammarRerun =
  | { readonly outcome: 'reproduced'; readonly command: string; readonly grammar: string }
  /** the tool of the same version wrote other text with every flag set tried; `closest` is the nearest output */
  | { readonly outcome: 'differs'; readonly command: string; readonly grammar: string; readonly closest: string; readonly changedLines: number }
  /** not tried: the tool is not installed, is another version, or failed on the grammar */
  | { readonly outcome: 'not-run'; readonly why: string }

/** the directives that name a file the tool reads or writes: flex's options, bison's skeleton and output files */
const FILE_DIRECTIVE = /^%(?:options?|skeleton|output|defines|header|file-prefix|define\s+api\.location\.file)\b/

/**
 * Why a grammar may not be run: one of its directives names a file by a path (flex's
 * `%option outfile="../x.c"`, bison's `%skeleton "/tmp/evil.m4"` or `%define api.location.file
 * "../x.hh"`), so the tool would read or write outside its scratch directory. Bison's own
 * skeletons are named without one (`%skeleton "lalr1.cc"`).
 */
function namesOutsidePath(grammar: string): boolean {
  // any separator or `..` in such a directive, quoted or not, outside a comment on its line
  return grammar.split('\n').some((line) => FILE_DIRECTIVE.test(line) && /[/\\]|\.\./.test(line.replace(/\/\*.*?\*\//g, '')))
}

/** `%option outfile="name"`: where flex writes whatever -o says */
const flexOutfile = (grammar: string): string | undefined => /^%options?\b.*\boutfile\s*=\s*"([^"]+)"/m.exec(grammar)?.[1]

/**
 * Writes `dir/m4`, which runs m4 with `builtins` undefined under their plain and their `m4_` names
 * (flex runs m4 with `-P`, bison's m4sugar renames them): the path to give a tool as `M4`.
 */
export async function writeSafeM4(dir: string, builtins: readonly string[]): Promise<string> {
  const m4 = join(dir, 'm4')
  const undefines = builtins.flatMap((b) => [`--undefine=${b}`, `--undefine=m4_${b}`]).join(' ')
  await writeFile(m4, `#!/bin/sh\nexec m4 "$@" ${undefines}\n`)
  await chmod(m4, 0o700)
  return m4
}

type ToolRun = { readonly text: string } | { readonly error: string }

/** where a failed run's error is kept among its outputs */
const FAILED = '\0failed'
/** the largest output kept from a run */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024

/**
 * The tool once, in a directory of its own below `scratch` that holds only the grammar: every file
 * it wrote, by name (flex's `%option outfile=` name read as `lex.yy.c`), or why it failed.
 */
async function runOnce(spec: ToolSpec, grammar: Buffer, grammarName: string, invocation: Invocation, scratch: string, m4: string): Promise<ReadonlyMap<string, ToolRun>> {
  const dir = await mkdtemp(join(scratch, 'run-'))
  await writeFile(join(dir, grammarName), grammar)
  const r = await run(spec.program, invocation.args, { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', M4: m4 }, timeoutMs: 60_000 })
  if (r.code !== 0) return new Map([[FAILED, { error: r.timedOut ? 'timed out' : (r.stderr.trim().split('\n')[0] ?? `exit ${r.code}`) }]])
  const outfile = spec.program === 'flex' ? flexOutfile(grammar.toString('latin1')) : undefined
  const outputs = new Map<string, ToolRun>()
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name === grammarName) continue
    const path = join(dir, entry.name)
    if ((await stat(path)).size > MAX_OUTPUT_BYTES) continue
    outputs.set(entry.name === outfile ? invocation.output : entry.name, { text: await readFile(path, 'utf8') })
  }
  return outputs
}

/**
 * A parser and its header come from the same runs (`bison -y -d x.y` writes both): what one run
 * wrote is kept per tree, by grammar and arguments, and each file read from it. The outputs are
 * read before the run's directory goes.
 */
const runsOfTree = perTree((): Map<string, Promise<ReadonlyMap<string, ToolRun>>> => new Map())
async function runOnceShared(view: TreeView, grammarPath: string, runAll: () => Promise<ReadonlyMap<string, ToolRun>>, invocation: Invocation): Promise<ToolRun> {
  const runs = runsOfTree(view)
  const key = `${grammarPath}\0${invocation.args.join('\0')}`
  let outputs = runs.get(key)
  if (!outputs) {
    outputs = runAll()
    runs.set(key, outputs)
  }
  const produced = (await outputs).get(invocation.output) ?? (await outputs).get(FAILED)
  if (produced === undefined) return { error: `it wrote no ${invocation.output}` }
  return 'text' in produced && invocation.normalise ? { text: invocation.normalise(produced.text) } : produced
}

/** how many lines differ between two texts, counted as multisets (a line changed counts once): cheap, and enough to rank outputs */
function distance(a: string, b: string): number {
  const counts = new Map<string, number>()
  for (const l of a.split('\n')) counts.set(l, (counts.get(l) ?? 0) + 1)
  let onlyB = 0
  for (const l of b.split('\n')) {
    const n = counts.get(l) ?? 0
    if (n > 0) counts.set(l, n - 1)
    else onlyB++
  }
  let onlyA = 0
  for (const n of counts.values()) onlyA += n
  return Math.max(onlyA, onlyB)
}

/**
 * `tool` run again on `grammarPath` (the release's copy, else the tag's) with each flag set the
 * build files give and each way a build runs it, until one writes `shippedText` again.
 * `releasedVersion` is the version the shipped file names.
 */
export async function rerunGrammar(tool: GrammarTool, shippedPath: string, shippedText: string, releasedVersion: string | undefined, grammarPath: string, view: TreeView): Promise<GrammarRerun> {
  const spec = SPECS[tool]
  if (releasedVersion === undefined) return { outcome: 'not-run', why: `the file names no ${tool} version` }
  const installed = await installedVersion(spec.program)
  if (installed === undefined) return { outcome: 'not-run', why: `${tool} is not installed` }
  if (installed !== releasedVersion) return { outcome: 'not-run', why: `made by ${tool} ${releasedVersion}; ${tool} ${installed} is installed` }
  const grammar = view.artifactBytes(grammarPath) ?? (await view.sourceBytes(grammarPath))
  if (grammar === undefined) return { outcome: 'not-run', why: `${grammarPath} could not be read` }
  if (namesOutsidePath(grammar.toString('latin1'))) return { outcome: 'not-run', why: `${grammarPath} names a file outside its directory` }
  const scratch = await mkdtemp(join(tmpdir(), `stagelight-${tool}-`))
  try {
    // the wrapper lives beside the runs' directories, where no name a grammar gives can reach it
    const m4 = await writeSafeM4(scratch, spec.unsafeM4)
    const wanted = withoutPlaceMarks(shippedText)
    const target = basenameOf(shippedPath)
    const hints = await buildHints(dirnameOf(shippedPath), spec, view)
    let error: string | undefined
    let closest: { command: string; text: string; distance: number } | undefined
    for (const flags of hints.flagSets) {
      for (const invocation of spec.invocations(target, basenameOf(grammarPath), flags)) {
        const produced = await runOnceShared(view, grammarPath, () => runOnce(spec, grammar, basenameOf(grammarPath), invocation, scratch, m4), invocation)
        if ('error' in produced) {
          error ??= produced.error
          continue
        }
        const shown = invocation.args.filter((a, i, all) => a !== basenameOf(grammarPath) && a !== '-o' && all[i - 1] !== '-o')
        const command = `${tool} ${installed}${shown.length > 0 ? ` ${shown.join(' ')}` : ''}`
        const text = withoutPlaceMarks(produced.text)
        if (text === wanted || prependedByRule(wanted, text, hints.lines)) return { outcome: 'reproduced', command, grammar: grammarPath }
        const d = distance(text, wanted)
        if (!closest || d < closest.distance) closest = { command, text, distance: d }
      }
    }
    if (!closest) return { outcome: 'not-run', why: `${tool} ${installed} failed on ${grammarPath}: ${error ?? 'no flags to try'}` }
    return { outcome: 'differs', command: closest.command, grammar: grammarPath, closest: closest.text, changedLines: closest.distance }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}
