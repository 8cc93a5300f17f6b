/**
 * @fileoverview The make rules of every makefile of a source tree (Makefile.am, hand-written
 * Makefile.in, GNUmakefile, *.mk fragments, Makefile.<platform>), with their variables expanded and
 * their paths resolved against the tree, so a file can be traced to the rule that makes it and the
 * rule's inputs to the tree — through intermediate targets (`a: stamp; stamp: inputs`) and through
 * recursive make (`cd sub && $(MAKE) $@`). Reading only: nothing here runs make.
 */
import { basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import { perTree } from './per-tree.js'
import type { TreeView } from './types.js'

export interface MakeRule {
  readonly line: number
  readonly targets: readonly string[]
  readonly prerequisites: readonly string[]
  /** the recipe's lines (tab-indented in the makefile), continuation lines joined */
  readonly recipe: readonly string[]
  readonly text: string
}

const RULE = /^([^\t#=:][^=:]*?)\s*::?(?!=)\s*(.*)$/
/** make's and automake's conditional lines: `ifeq (…)`, `ifdef X`, `if COND`, `if !COND`, `else`, `endif` */
const CONDITIONAL = /^ *(?:if(?:n?eq|n?def)\b.*|if +!?\w+ *(?:#.*)?|else\b.*|endif\b.*)$/
const ASSIGNMENT = /^\s*(?:override\s+|export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(\+=|:=|::=|\?=|=)\s*(.*)$/

/**
 * Logical lines: continuation lines joined, with the line number each starts at. A makefile written
 * on Windows (CRLF) says the same: the carriage returns go, since `.` stops at one and a backslash
 * before one continues no line.
 */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = []
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const start = i
    // gathered and joined once: joining line by line copied the value so far each time, the square of a long continued value
    const parts = [lines[i] ?? '']
    while ((parts[parts.length - 1] ?? '').endsWith('\\') && i + 1 < lines.length) {
      parts[parts.length - 1] = (parts[parts.length - 1] ?? '').slice(0, -1)
      parts.push(lines[++i] ?? '')
    }
    out.push({ line: start + 1, text: parts.join(' ') })
  }
  return out
}

/** targets with a meaning of their own to make, never a suffix rule */
export const SPECIAL_TARGET = /^\.(?:PHONY|SUFFIXES|DEFAULT|PRECIOUS|INTERMEDIATE|SECONDARY|SECONDEXPANSION|DELETE_ON_ERROR|IGNORE|LOW_RESOLUTION_TIME|SILENT|EXPORT_ALL_VARIABLES|NOTPARALLEL|ONESHELL|POSIX|MAKE|NOEXPORT|LIBPATTERNS|WAIT)$/
const SUFFIX = /^\.[\w+-]+(?:\.[\w+-]+)*$/
/** a word `SUFFIXES` may list: make takes any string, automake projects write `.asn.h` or `-coll.c` */
const DECLARED_SUFFIX = /^[\w.+-]+$/
/** the suffixes make knows without being told (GNU make's default `.SUFFIXES`) */
const DEFAULT_SUFFIXES: ReadonlySet<string> = new Set(
  '.out .a .ln .o .c .cc .C .cpp .p .f .F .m .r .y .l .ym .yl .s .S .mod .sym .def .h .info .dvi .tex .texinfo .texi .txinfo .w .ch .web .sh .elc .el'.split(' '),
)

/** The suffixes a makefile declares (`SUFFIXES += .asn .asn.h` for automake, `.SUFFIXES: .y .c` for make). */
function declaredSuffixes(text: string): Set<string> {
  const out = new Set<string>()
  for (const m of text.matchAll(/^(?:SUFFIXES\s*\+?=|\.SUFFIXES\s*:)(.*)$/gm)) for (const word of (m[1] ?? '').trim().split(/\s+/)) if (DECLARED_SUFFIX.test(word)) out.add(word)
  return out
}

/**
 * `.asn.asn.h:` → from `.asn` to `.asn.h`, `.c-coll.c:` → from `.c` to `-coll.c`: split where both
 * halves are suffixes make knows (declared, or make's defaults with one declared), or, when none
 * fit, at the second dot (`.y.c:`).
 */
function suffixRule(target: string, suffixes: ReadonlySet<string>): { from: string; to: string } | undefined {
  if (SPECIAL_TARGET.test(target) || !SUFFIX.test(target)) return undefined
  const known = (s: string): boolean => suffixes.has(s) || DEFAULT_SUFFIXES.has(s)
  for (let at = 2; at < target.length; at++) {
    const [from, to] = [target.slice(0, at), target.slice(at)]
    if (known(from) && known(to) && (suffixes.has(from) || suffixes.has(to))) return { from, to }
  }
  const second = target.indexOf('.', 1)
  return second > 0 && target.indexOf('.', second + 1) < 0 ? { from: target.slice(0, second), to: target.slice(second) } : undefined
}

/** The rules of a makefile (targets, prerequisites and recipe), continuation lines joined; suffix rules as pattern rules. */
export function makeRules(text: string): MakeRule[] {
  const suffixes = declaredSuffixes(text)
  const rules: { line: number; targets: string[]; prerequisites: string[]; recipe: string[]; text: string }[] = []
  let current: (typeof rules)[number] | undefined
  for (const { line, text: l } of logicalLines(text)) {
    if (l.startsWith('\t')) {
      current?.recipe.push(l.slice(1))
      continue
    }
    if (/^\s*(#|$)/.test(l)) continue
    // a recipe after a conditional's lines is the rule's before them: make reads it so, and automake
    // keeps a header per branch (`if DOT_SVN` / `version.h: .svn/entries` / `else` / `version.h:` / `endif`)
    if (CONDITIONAL.test(l)) continue
    current = undefined
    if (ASSIGNMENT.test(l) && !/^[^=]*:[^=]/.test(l.split('=')[0] ?? '')) continue
    const m = RULE.exec(l)
    if (!m) continue
    let targets = (m[1] ?? '').trim().split(/\s+/).filter(Boolean)
    const [written = '', inlineRecipe] = (m[2] ?? '').split(';')
    let prerequisites = written.trim().split(/\s+/).filter(Boolean)
    if (targets.some((t) => t.startsWith('.') && !t.includes('/'))) {
      // an old-fashioned suffix rule is the pattern rule `%.to: %.from`; other dotted targets are make's own
      const suffix = targets.length === 1 && prerequisites.length === 0 ? suffixRule(targets[0] ?? '', suffixes) : undefined
      if (!suffix) continue
      targets = [`%${suffix.to}`]
      prerequisites = [`%${suffix.from}`]
    }
    current = { line, targets, prerequisites, recipe: inlineRecipe ? [inlineRecipe.trim()] : [], text: l.trim() }
    rules.push(current)
  }
  return rules
}

export interface MakeAssignment {
  /** the line the assignment starts on */
  readonly line: number
  readonly name: string
  readonly op: string
  /** the value, continuation lines joined, a trailing comment dropped, blanks made single spaces */
  readonly value: string
  /** the comment dropped, blanks made single spaces (`#dieharder/rgb_operm.h dieharder/rgb_persist.h` of a list commented out from one line on) */
  readonly comment: string
}

/** Every assignment of a makefile (`A = x`, `A += y`, `A := z`) in order, recipe lines aside. */
export function makeAssignments(text: string): MakeAssignment[] {
  const out: MakeAssignment[] = []
  for (const { line, text: l } of logicalLines(text)) {
    if (l.startsWith('\t')) continue
    const m = ASSIGNMENT.exec(l)
    if (!m) continue
    const [, name = '', op = '=', value = ''] = m
    // the first `#` after a blank starts the comment: searched for as two characters, since `\s+#` backtracks over every blank of a long run
    const hash = value.search(/\s#/)
    const [kept, comment] = hash < 0 ? [value, ''] : [value.slice(0, hash), value.slice(hash + 2)]
    out.push({ line, name, op, value: kept.replace(/\s+/g, ' ').trim(), comment: comment.replace(/\s+/g, ' ').trim() })
  }
  return out
}

/** The variables a makefile assigns (`A = x`, `A += y`, `A := z`), every conditional branch taken. */
export function makeVariables(text: string): Map<string, string> {
  const vars = new Map<string, string>()
  for (const { name, op, value } of makeAssignments(text)) vars.set(name, op === '+=' && vars.has(name) ? `${vars.get(name)} ${value}` : value)
  return vars
}

const MAX_EXPANSION = 64 * 1024

/**
 * The lists automake writes into `Makefile.in` from a `Makefile.am`'s `*_SOURCES`: `SOURCES` and
 * `DIST_SOURCES` (what a rule of the `Makefile.am` may name as its inputs), every conditional
 * branch taken.
 */
export function automakeSourceLists(vars: ReadonlyMap<string, string>): Map<string, string> {
  const sources = [...vars].filter(([k]) => /^[A-Za-z0-9_@]+_SOURCES$/.test(k) && k !== 'BUILT_SOURCES' && !k.startsWith('nodist_')).map(([k]) => `$(${k})`)
  return sources.length > 0 ? new Map([['SOURCES', sources.join(' ')], ['DIST_SOURCES', sources.join(' ')]]) : new Map()
}

/** `$(VAR)`, `${VAR}` and `$(VAR:.c=.o)` expanded from `vars`; unknown variables are left as written. */
export function expandMake(value: string, vars: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > 8 || !value.includes('$')) return value
  const out = value.replace(/\$[({]([A-Za-z_][A-Za-z0-9_.-]*)(?::([^=)}]*)=([^)}]*))?[)}]/g, (whole, name: string, from?: string, to?: string) => {
    const v = vars.get(name)
    if (v === undefined) return whole
    const expanded = expandMake(v, vars, depth + 1)
    if (from === undefined) return expanded
    return expanded
      .split(/\s+/)
      .map((w) => (w.endsWith(from) ? w.slice(0, w.length - from.length) + (to ?? '') : w))
      .join(' ')
  })
  return out.length > MAX_EXPANSION ? out.slice(0, MAX_EXPANSION) : out
}

const IN_DIR = /^(?:\$[({](?:srcdir|builddir|abs_srcdir|abs_builddir)[)}]\/|\.\/)+/
const AT_TOP = /^\$[({](?:top_srcdir|top_builddir|abs_top_srcdir|abs_top_builddir)[)}]\//

/** The tree paths a word of a makefile in `bases` may name; none when it still holds a variable. */
export function resolveWord(word: string, bases: readonly string[]): string[] {
  if (AT_TOP.test(word)) {
    const rest = word.replace(AT_TOP, '').replace(IN_DIR, '')
    return rest.includes('$') ? [] : [joinPath('', rest)]
  }
  const rest = word.replace(IN_DIR, '')
  if (rest.includes('$') || rest === '' || rest.startsWith('/')) return []
  return [...new Set(bases.map((b) => joinPath(b, rest)))]
}

const MAKEFILE = /(^|\/)(?:GNUmakefile|[Mm]akefile)(?:\.[A-Za-z0-9]+)?$|\.(?:mk|mak|make|am)$/

/** Is this path a makefile or a fragment of one? */
export const isMakefile = (path: string): boolean => MAKEFILE.test(path)

export interface IndexedRule {
  readonly makefile: string
  readonly rule: MakeRule
  /** directories the rule's relative paths may be relative to: its makefile's, or for a fragment the including makefile's */
  readonly bases: readonly string[]
  readonly vars: ReadonlyMap<string, string>
}

/** `include x.am` / `include $(top_srcdir)/x.am`: fragments automake or make pastes in, as tree paths. */
function includesOf(makefile: string, text: string, vars: ReadonlyMap<string, string>): string[] {
  const out: string[] = []
  for (const m of text.matchAll(/^-?s?include\s+(.+)$/gm)) {
    for (const word of expandMake(m[1] ?? '', vars).trim().split(/\s+/)) out.push(...resolveWord(word, [dirnameOf(makefile)]))
  }
  return out
}

const IMPLICIT_SUFFIXES: ReadonlyMap<string, string> = new Map([
  ['EXEEXT', ''],
  ['BUILD_EXEEXT', ''],
  ['OBJEXT', 'o'],
])

/**
 * automake's program lists as rules: each program of a `*_PROGRAMS` variable is made from its
 * `<name>_SOURCES`, or from `<name>.c` when it names none (automake's default).
 */
export function programRules(text: string, own: ReadonlyMap<string, string>, vars: ReadonlyMap<string, string>): MakeRule[] {
  const rules: MakeRule[] = []
  const lines = text.split('\n')
  for (const [name, value] of own) {
    if (!/(?:^|_)PROGRAMS$/.test(name)) continue
    const line = lines.findIndex((l) => new RegExp(`^\\s*${name}\\s*[+:]?=`).test(l)) + 1
    for (const program of expandMake(value, vars).split(/\s+/).filter((w) => w !== '' && !w.includes('$'))) {
      const canonical = program.replace(/[^A-Za-z0-9_@]/g, '_')
      const sources = vars.get(`${canonical}_SOURCES`) ?? `${program}.c`
      const prerequisites = expandMake(sources, vars).split(/\s+/).filter((w) => w !== '' && !/\.(?:h|hh|hpp)$/.test(w))
      rules.push({ line, targets: [program], prerequisites, recipe: [], text: `${name} = … ${program} (from ${prerequisites.slice(0, 3).join(' ') || 'no sources'})` })
    }
  }
  return rules
}

/** The most makefiles, and the largest, an index reads of one tree. */
export const INDEX_LIMITS = { maxFiles: 2_000, maxBytes: 2 * 1024 * 1024 } as const

/** Every rule of every makefile in a tree, by the paths its targets name. */
export class MakeIndex {
  private readonly byTarget = new Map<string, IndexedRule[]>()
  /** each makefile's rules with a recipe, in the context they are read in */
  private readonly withRecipe = new Map<string, IndexedRule[]>()
  private readonly patterns: { readonly target: string; readonly entry: IndexedRule }[] = []

  static async build(paths: Iterable<string>, read: (path: string) => Promise<string | undefined>, limits = INDEX_LIMITS): Promise<MakeIndex> {
    const index = new MakeIndex()
    const texts = new Map<string, string>()
    for (const path of paths) {
      if (!isMakefile(path) || texts.size >= limits.maxFiles) continue
      const text = await read(path)
      if (text !== undefined && text.length <= limits.maxBytes) texts.set(path, text)
    }
    const vars = new Map([...texts].map(([path, text]) => [path, makeVariables(text)]))
    // a fragment sees the variables of the makefiles that include it, and its paths may be theirs
    const includers = new Map<string, string[]>()
    const included = new Map<string, string[]>()
    for (const [path, text] of texts) {
      const fragments = includesOf(path, text, vars.get(path) ?? new Map())
      included.set(path, fragments)
      for (const fragment of fragments) includers.set(fragment, [...(includers.get(fragment) ?? []), path])
    }
    // what a makefile sees of its own: the fragments it includes (fftw's codelet rules name `$(CODELET_DEPS)` of support/Makefile.codelets), then its own assignments
    const ownVars = new Map<string, ReadonlyMap<string, string>>()
    for (const path of texts.keys()) {
      const seen = new Map<string, string>()
      for (const f of included.get(path) ?? []) for (const [k, v] of vars.get(f) ?? []) seen.set(k, v)
      for (const [k, v] of vars.get(path) ?? []) seen.set(k, v)
      ownVars.set(path, seen)
    }
    for (const [path, text] of texts) {
      const own = ownVars.get(path) ?? new Map<string, string>()
      // make pastes a fragment into each makefile that includes it: its rules are that makefile's,
      // made in its directory and read with its variables and those of the other fragments it
      // includes (fftw's simd.mk echoes `$(SIMD_HEADER)` of each architecture's Makefile.am into
      // the codelets of `$(SIMD_CODELETS)` its codlist.mk lists). Read on its own too, in its own directory.
      const contexts = [{ bases: [dirnameOf(path)], vars: own }, ...(includers.get(path) ?? []).map((parent) => ({ bases: [dirnameOf(parent)], vars: new Map([...(ownVars.get(parent) ?? []), ...own]) }))]
      const rules = makeRules(text)
      for (const context of contexts) {
        const merged = new Map(context.vars)
        // configure substitutes these suffixes: empty on the systems a release is made on
        for (const [k, v] of IMPLICIT_SUFFIXES) if (!merged.has(k)) merged.set(k, v)
        if (path.endsWith('.am')) for (const [k, v] of automakeSourceLists(merged)) if (!merged.has(k)) merged.set(k, v)
        const bases = context.bases
        for (const rule of [...rules, ...programRules(text, vars.get(path) ?? new Map(), merged)]) {
          const entry: IndexedRule = { makefile: path, rule, bases, vars: merged }
          if (rule.recipe.some((l) => l.trim() !== '')) {
            const own = index.withRecipe.get(path)
            if (own) own.push(entry)
            else index.withRecipe.set(path, [entry])
          }
          for (const word of rule.targets.flatMap((t) => expandMake(t, merged).split(/\s+/)).filter(Boolean)) {
            if (word.includes('%')) {
              // a pattern rule without a recipe cancels make's own rule of that shape (fftw's `%: %.o`): it makes nothing
              if (rule.recipe.some((l) => l.trim() !== '')) index.patterns.push({ target: word.replace(IN_DIR, ''), entry })
              continue
            }
            for (const target of resolveWord(word, bases)) index.byTarget.set(target, [...(index.byTarget.get(target) ?? []), entry])
          }
        }
      }
    }
    return index
  }

  /** The rules of a makefile that have a recipe. */
  rulesWithRecipeIn(makefile: string): readonly IndexedRule[] {
    return this.withRecipe.get(makefile) ?? []
  }

  /** The rules that make `path`, with the pattern stem when a pattern rule matched. */
  rulesFor(path: string): { entry: IndexedRule; stem?: string }[] {
    const out: { entry: IndexedRule; stem?: string }[] = (this.byTarget.get(path) ?? []).map((entry) => ({ entry }))
    for (const { target, entry } of this.patterns) {
      const [pre = '', post = ''] = target.split('%')
      // a match-anything rule whose inputs do not follow the target (Sphinx's `%: Makefile` hands
      // every target to sphinx-build) names no file it makes; `%: %.in` still needs the file's own input
      if (pre === '' && post === '' && !entry.rule.prerequisites.some((p) => p.includes('%'))) continue
      // the path from the base and its name alone may give one stem: each is searched once
      const stems = new Set<string>()
      for (const base of entry.bases) {
        // make names a target from its makefile's directory: a file of another directory is not one of its
        if (base && !path.startsWith(`${base}/`)) continue
        const rel = base ? path.slice(base.length + 1) : path
        for (const candidate of [rel, basenameOf(path)]) {
          if (candidate.startsWith(pre) && candidate.endsWith(post) && candidate.length > pre.length + post.length) stems.add(candidate.slice(pre.length, candidate.length - post.length))
        }
      }
      for (const stem of stems) out.push({ entry, stem })
    }
    return out
  }
}

/** The index of a compared tree's source, built once and shared by the explainers that trace make rules. */
export const makeIndexOf = perTree((view: TreeView): Promise<MakeIndex> => MakeIndex.build(view.sourcePaths(), (p) => view.sourceText(p)))

export interface Derivation {
  readonly makefile: string
  readonly line: number
  readonly text: string
  /** inputs of the tree the derivation starts from */
  readonly inputs: readonly string[]
  /** intermediate targets or delegations followed, outermost first */
  readonly via: readonly string[]
  /** the rule only copies its one input to the target (`cp $< $@`, `$(INSTALL_DATA) $? $@`, `cat $< > $@`): the target is that input's bytes */
  readonly copies?: boolean
}

const SHELL_KEYWORD = /^(?:if|then|else|elif|do|while|until|!|\{)$/

/** interpreters whose first operand is the program they run */
const INTERPRETER = /^(?:\$[({]?(?:PERL|PYTHON|SHELL|CONFIG_SHELL|AWK|SED)[)}]?|perl|python3?|sh|bash|awk|sed)$/

/**
 * The programs a recipe line runs, named by a path (`./mkhash`, `src/gen$(EXEEXT)`, `$(PERL)
 * $(srcdir)/gen.pl`), or that it asks make to build (`$(MAKE) src/gen`): commands of a pipeline or
 * list, make's echo prefixes stripped.
 */
export function recipeCommands(line: string): string[] {
  return recipeRuns(line).map((r) => r.program)
}

/** a script an interpreter runs by its name alone (`$PYTHON generate.py`), where a word of sed or awk is an expression */
const SCRIPT_NAME = /^[\w.+-]+\.(?:py|pl|sh|bash|rb|tcl|lua)$/

/** `$(top_srcdir)` as `${top_srcdir}`, so that a subshell's parentheses are the only ones left */
const braced = (text: string): string => text.replace(/\$\(([A-Za-z_][\w.-]*)\)/g, '$${$1}')
/** make's prefixes before a command (`@`, `-`, automake's `$(AM_V_GEN)`, braced), and the blanks between them */
const MAKE_PREFIXES = /^(?:\$\{AM_V_\w+\}|@|-|\s)+/

/** The same, each with the words that follow the program on its command line (its arguments). */
export function recipeRuns(line: string): Array<{ readonly program: string; readonly args: readonly string[] }> {
  const out: Array<{ program: string; args: string[] }> = []
  for (const command of braced(line).split(/;|&&|\|\||\||\(|\)/)) {
    const words = command.trim().split(/\s+/).map((w) => w.replace(MAKE_PREFIXES, '')).filter(Boolean)
    // `if test -x x.sh; then ./x.sh; fi`: a command is what follows the shell's keywords
    while (SHELL_KEYWORD.test(words[0] ?? '')) words.shift()
    const [first = '', ...rest] = words
    const at = rest.findIndex((w) => !w.startsWith('-') && !/^\$[({]AM_MAKEFLAGS[)}]$/.test(w))
    const operand = rest[at]
    if (INTERPRETER.test(first) || /^\$[({]MAKE[)}]$/.test(first)) {
      if (operand !== undefined && (operand.includes('/') || (!/^\$[({]MAKE[)}]$/.test(first) && SCRIPT_NAME.test(operand)))) out.push({ program: operand, args: rest.slice(at + 1) })
    } else if (first.includes('/')) out.push({ program: first, args: rest })
  }
  return out
}

/** a program that writes its input's bytes unchanged: cp, install and automake's install_sh_DATA, cat, ln -s */
const COPIER = /^(?:cp|install|\$\{(?:INSTALL|INSTALL_DATA|install_sh_DATA|install_sh|LN_S)\}|cat|ln)$/
/** the options those take that change nothing of the bytes (a mode, -c, -p, -f, -s) */
const COPY_OPTION = /^-(?:[cpfsPLTv]+|m\s*\d*)$/

/**
 * Whether a recipe only copies the rule's input to its target, so that the target is that input's
 * bytes: one command of a copier, its options, the input (`$<`, `$?`, `$^` or the prerequisite
 * as written) and the target (`$@` or its name), with `>` for cat.
 */
function copiesInput(recipe: readonly string[], prerequisite: string, target: string): boolean {
  if (recipe.length !== 1) return false
  // make's prefixes stand before the command only: an option's `-` stays
  const line = braced(recipe[0] ?? '')
    .trim()
    .replace(MAKE_PREFIXES, '')
  if (/[;&|`]|\$\(/.test(line)) return false
  const words = line.split(/\s+/).filter(Boolean)
  const [program = '', ...rest] = words
  if (!COPIER.test(program)) return false
  const operands: string[] = []
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i] ?? ''
    if (w === '-m' && /^\d+$/.test(rest[i + 1] ?? '')) i++
    else if (COPY_OPTION.test(w)) continue
    else if (w !== '>' || program !== 'cat') operands.push(w.replace(/^>/, ''))
  }
  if (program === 'ln' && !rest.some((w) => /^-\w*s/.test(w))) return false
  const [from, to] = operands
  return operands.length === 2 && (['$<', '$?', '$^'].includes(from ?? '') || from === braced(prerequisite)) && (to === '$@' || to === target || to === basenameOf(target))
}

/** The derivation of a file another rule of its makefile makes along with its own target, its recipe naming the file or its stem. */
function madeAlongside(index: MakeIndex, entry: IndexedRule, path: string, sourceHas: (path: string) => boolean, depth: number, seen: Set<string>): Derivation | undefined {
  const name = basenameOf(path)
  const stem = name.replace(/\.[^.]+$/, '')
  for (const other of index.rulesWithRecipeIn(entry.makefile)) {
    if (other.rule === entry.rule || other.bases.join(' ') !== entry.bases.join(' ')) continue
    if (!recipeWords(other.rule.recipe, other.vars).some((w) => basenameOf(w) === name || basenameOf(w) === stem)) continue
    for (const target of other.rule.targets.flatMap((t) => expandMake(t, other.vars).split(/\s+/)).filter((t) => t !== '' && !t.includes('%'))) {
      for (const made of resolveWord(target, other.bases).filter((t) => t !== path)) {
        const inner = search(index, made, sourceHas, depth - 1, seen)
        if (inner) return { makefile: other.makefile, line: other.rule.line, text: other.rule.text, inputs: inner.inputs, via: [made, ...inner.via] }
      }
    }
  }
  return undefined
}

/** a reference to a variable no makefile sets, left as it is written: make expands it to nothing */
const UNSET_REFERENCE = /^\$[({][\w.-]+[)}]$/

/** A recipe's words, its variables expanded, split at blanks, shell operators and `=` (`--template=x.tmpl`). */
const recipeWords = (recipe: readonly string[], vars: ReadonlyMap<string, string>): string[] => recipe.flatMap((line) => expandMake(line, vars).split(/[\s;&|()<>=]+/)).filter((w) => w !== '')

/** The files of the source a recipe names among its words (options and substitutions aside), found from the makefile's directories. */
function recipeOperands(recipe: readonly string[], vars: ReadonlyMap<string, string>, bases: readonly string[], target: string, sourceHas: (path: string) => boolean): string[] {
  const out: string[] = []
  for (const word of recipeWords(recipe, vars)) {
    if (word.startsWith('-') || /[$`'"*?]/.test(word)) continue
    const present = resolveWord(word, bases).find((c) => c !== target && sourceHas(c))
    if (present !== undefined) out.push(present)
  }
  return out
}

const DELEGATION = [/\bcd\s+(\S+?)\s*&&\s*\$[({]MAKE[)}]([^;|&]*)/, /\$[({]MAKE[)}]\s+(?:[^;|&]*\s)?-C\s*(\S+)([^;|&]*)/]

/**
 * The (rule, path) pairs one search of a derivation may visit. Pattern rules that chain into each
 * other and targets with hundreds of built prerequisites (git's makefile) would otherwise be searched
 * four levels deep at every fan-out: minutes of work for a file no rule makes.
 */
export const MAX_DERIVATION_STEPS = 20_000

/**
 * How the tree's make rules derive `path` from files the source has: the first rule (pattern rules
 * included) with at least one prerequisite that is in the source or is itself derived, following at
 * most `depth` intermediate steps.
 */
export function derive(index: MakeIndex, path: string, sourceHas: (path: string) => boolean, depth = 4, seen = new Set<string>()): Derivation | undefined {
  const found = search(index, path, sourceHas, depth, seen)
  if (found || seen.size < MAX_DERIVATION_STEPS) return found
  // the steps ran out deep in one branch: a shorter derivation down a later one is found one level at a time
  for (let shallower = 0; shallower < depth; shallower++) {
    const shallow = search(index, path, sourceHas, shallower, new Set())
    if (shallow) return shallow
  }
  return undefined
}

/** The depth-first search of {@link derive}: `seen` holds the (rule, path) pairs visited, and caps them. */
function search(index: MakeIndex, path: string, sourceHas: (path: string) => boolean, depth: number, seen: Set<string>): Derivation | undefined {
  if (depth < 0) return undefined
  const name = basenameOf(path)
  for (const { entry, stem } of index.rulesFor(path)) {
    const { rule, bases, vars } = entry
    // a rule already being followed (a cycle, or a delegation back to itself), in the makefile it is read in
    const key = `${entry.makefile}:${rule.line}:${bases.join(' ')}:${path}`
    if (seen.has(key)) continue
    if (seen.size >= MAX_DERIVATION_STEPS) return undefined
    seen.add(key)
    const words = rule.prerequisites.flatMap((p) => expandMake(p, vars).split(/\s+/)).filter(Boolean).map((p) => (stem !== undefined ? p.replace('%', stem) : p))
    const inputs: string[] = []
    const via: string[] = []
    for (const word of words) {
      const candidates = resolveWord(word, bases).filter((c) => c !== path)
      const present = candidates.find(sourceHas)
      if (present) {
        inputs.push(present)
        continue
      }
      for (const c of candidates) {
        const inner = search(index, c, sourceHas, depth - 1, seen)
        if (inner) {
          inputs.push(...inner.inputs)
          via.push(c, ...inner.via)
          break
        }
      }
    }
    if (inputs.length === 0) {
      // a rule without inputs may run a program or script of the tree that writes the target
      for (const command of rule.recipe.flatMap((l) => recipeCommands(expandMake(l, vars)))) {
        for (const c of resolveWord(command, bases).filter((p) => p !== path)) {
          if (sourceHas(c)) inputs.push(c)
          else {
            const inner = search(index, c, sourceHas, depth - 1, seen)
            if (!inner) continue
            inputs.push(...inner.inputs)
            via.push(c, ...inner.via)
          }
          break
        }
      }
      // …or, with no prerequisite at all (one named through a variable nobody sets), a tool that reads files of the
      // tree it names among its words (`$(GLIB_MKENUMS) --template x.c.tmpl $(headers) > $@`); a prerequisite the
      // tree lacks is an input that is not there
      if (inputs.length === 0 && words.every((w) => UNSET_REFERENCE.test(w))) inputs.push(...recipeOperands(rule.recipe, vars, bases, path, sourceHas))
      if (inputs.length > 0) return { makefile: entry.makefile, line: rule.line, text: rule.text, inputs: [...new Set(inputs)], via }
      // a rule with nothing at all (`dbus-brightness.h:`) says a file is made along with another, by a rule
      // of the same makefile whose recipe names it or its stem (`gdbus-codegen --generate-c-code dbus-brightness`)
      if (words.length === 0 && rule.recipe.every((l) => l.trim() === '')) {
        const alongside = madeAlongside(index, entry, path, sourceHas, depth, seen)
        if (alongside) return alongside
      }
      // recursive make: `cd sub && $(MAKE) $@` hands the target to another directory's rules
      for (const line of rule.recipe) {
        const expanded = expandMake(line, vars)
        for (const pattern of DELEGATION) {
          const m = pattern.exec(expanded)
          if (!m || !(/\$@/.test(m[2] ?? '') || (m[2] ?? '').split(/[\s()]+/).includes(name))) continue
          for (const dir of resolveWord(m[1] ?? '', bases)) {
            const target = joinPath(dir, name)
            const inner = search(index, target, sourceHas, depth - 1, seen)
            if (inner) return { makefile: entry.makefile, line: rule.line, text: rule.text, inputs: inner.inputs, via: [target, ...inner.via] }
          }
        }
      }
      continue
    }
    const copies = inputs.length === 1 && via.length === 0 && words.length === 1 && copiesInput(rule.recipe, rule.prerequisites.join(' ').trim(), path)
    return { makefile: entry.makefile, line: rule.line, text: rule.text, inputs: [...new Set(inputs)], via, ...(copies ? { copies } : {}) }
  }
  return undefined
}
