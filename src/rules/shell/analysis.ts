/**
 * @fileoverview Everything the build-step rules ask about one file, computed once: the lexed text,
 * its variables, every pipeline with what effectively runs in each stage (following `eval $cmd`
 * and `$prog` through assignments), and every place where data is executed.
 */
import type { FileKind, TextFile } from '../types.js'
import type { Command, CommandList, Dialect, Pipeline, Word } from './ast.js'
import { newMemo } from './ast.js'
import { downloadedFile, escapedPrintables, HIDDEN_TEXT_ESCAPES, isEvaluator, isObfuscatingStep, isShellName, macroWords, mayRunWhatItDecodes, openedDescriptors, programNameOf, runsWhatItDecodes, stepFacts, type StepFacts } from './commands.js'
import { parseMakefile } from './make.js'
import { lexShell, parseShell, watchNestingLimit } from './parse.js'
import { Variables, type Assignment } from './variables.js'
import { allCommands, allPipelines, type PipelineSite } from './walk.js'
import { operands, program, varName, varRefs } from './words.js'

/** One command that effectively runs in a pipeline stage, with the assignment lines that led to it. */
export interface Step {
  readonly command: Command
  /** the command as written in the file (for a command rebuilt from a variable, the one naming it) */
  readonly origin: Command
  readonly facts: StepFacts
  readonly via: readonly number[]
}

export interface Stage {
  readonly command: Command
  readonly steps: readonly Step[]
}

export type ExecutionKind = 'pipe' | 'substitution' | 'stored-output' | 'file'

/** Data reaching something that executes it. */
export interface Execution {
  readonly kind: ExecutionKind
  readonly sink: Command
  /** how it is executed: `sh`, `$SHELL`, `eval`, `source <(…)`, ... */
  readonly how: string
  /** steps whose output is executed */
  readonly feeders: readonly Step[]
  readonly site: PipelineSite | undefined
}

export interface Flow {
  /** pipelines (possibly reached through variables) a command takes part in */
  readonly sites: readonly PipelineSite[]
  /** some of those pipelines decode data or are executed */
  readonly decoding: boolean
  readonly executions: readonly Execution[]
}

export interface FileAnalysis {
  readonly file: TextFile
  readonly dialect: Dialect
  readonly script: CommandList
  readonly lines: readonly string[]
  readonly vars: Variables
  readonly sites: readonly PipelineSite[]
  readonly commands: readonly Command[]
  readonly executions: readonly Execution[]
  /** steps whose command was rebuilt from a variable's value (see {@link Command.synthetic}), in the order they were made */
  readonly rebuilt: readonly Step[]
  stages(pipeline: Pipeline): readonly Stage[]
  /** every step of a pipeline, stage by stage */
  steps(pipeline: Pipeline): readonly Step[]
  flow(cmd: Command): Flow
  /** the executions a command's output feeds: {@link Flow.executions} alone, asked of every command by some rules */
  fed(cmd: Command): readonly Execution[]
  /** what a command does as a step (decodes, carves, executes its input...), worked out once per command */
  facts(cmd: Command): StepFacts
  /** the pipeline a command of the file stands in */
  siteOf(cmd: Command): PipelineSite | undefined
  /** the Makefile rule a recipe line belongs to */
  targetAt(line: number): string | undefined
  /** the files the script opens on descriptors of its own (`exec 3<README`), by descriptor, worked out on first use */
  opened(): ReadonlyMap<string, string>
  literal(text: string): string
  /** the first line whose code nests past the parser's limit and was read as plain text, not checked */
  readonly nestingCutAt?: number
}

export function dialectOf(kind: FileKind): Dialect {
  switch (kind) {
    case 'm4':
    case 'autoconf':
      return 'm4'
    case 'makefile':
    case 'automake':
    case 'makefile-in':
      return 'make'
    case 'cmake':
      return 'cmake'
    case 'meson':
      return 'meson'
    default:
      return 'sh'
  }
}

const cache = new WeakMap<TextFile, FileAnalysis>()

/** The analysis of a file, computed on first use and shared by every rule that runs on it. */
export function analyse(file: TextFile): FileAnalysis {
  const cached = cache.get(file)
  if (cached) return cached
  const analysis = build(file)
  cache.set(file, analysis)
  return analysis
}

/** Variables are followed this deep: `eval $a` where a holds `eval $b` where b holds the pipeline. */
const MAX_RESOLUTION_DEPTH = 6
const MAX_STEPS_PER_STAGE = 400
/** Following variables can multiply steps (`a='eval $b; eval $b'`, b likewise...): a file gets this many in all. */
const MAX_RESOLVED_STEPS = 50_000

function build(file: TextFile): FileAnalysis {
  const dialect = dialectOf(file.kind)
  const noTargets = (): string | undefined => undefined
  const parsed = watchNestingLimit(() => (dialect === 'make' ? parseMakefile(file.text) : { list: parseShell(file.text, { dialect }), targetAt: noTargets }))
  const script: CommandList = parsed.result.list
  const targetAt: (line: number) => string | undefined = parsed.result.targetAt
  const commands = allCommands(script)
  const vars = new Variables(commands)
  const literal = vars.literal
  const sites = allPipelines(script)
  const stageMemo = new Map<Pipeline, readonly Stage[]>()

  let budget = MAX_RESOLVED_STEPS
  // a command nested in compounds is expanded again for each pipeline around it; its facts are worked out once and
  // kept on it with the variables they were read with: a table of every command cost more to look up than they do
  const factsOf = (command: Command): StepFacts => {
    const memo = command.memo
    if (memo.facts !== undefined && memo.factsLiteral === literal) return memo.facts
    const facts = stepFacts(command, literal)
    memo.facts = facts
    memo.factsLiteral = literal
    return facts
  }
  const rebuilt: Step[] = []
  const step = (command: Command, origin: Command, via: readonly number[]): Step => {
    budget--
    const made = { command, origin, facts: factsOf(command), via }
    if (command.synthetic) rebuilt.push(made)
    return made
  }

  const expandList = (list: CommandList, depth: number, seen: ReadonlySet<string>, via: readonly number[]): Step[] => {
    const out: Step[] = []
    for (const p of list.pipelines) for (const c of p.commands) append(out, expand(c, depth, seen, via))
    return out
  }

  const expand = (cmd: Command, depth: number, seen: ReadonlySet<string>, via: readonly number[]): Step[] => {
    if (depth > MAX_RESOLUTION_DEPTH || budget <= 0) return [step(cmd, cmd, via)]
    if (cmd.compound && cmd.compound.kind !== 'macro') {
      // Outside a variable's expansion, the pipelines inside are expanded once, as pipelines of their
      // own, and shared: expanding them again for every compound around them used the budget up on
      // large scripts (configure), leaving the end of the file without variables followed.
      const direct = seen.size === 0 && via.length === 0
      const out: Step[] = []
      for (const part of cmd.compound.parts) {
        for (const pipeline of part.pipelines) {
          const inner = direct ? steps(pipeline) : expandCommands(pipeline.commands, depth + 1, seen, via)
          for (const s of inner) {
            out.push(s)
            // steps past the cap are never looked at
            if (out.length >= MAX_STEPS_PER_STAGE) return out
          }
        }
      }
      return out
    }
    const p = program(cmd)
    if (p.name === 'eval') {
      const only = p.args.length === 1 ? p.args[0] : undefined
      const name = only ? varName(only.text) : undefined
      if (name !== undefined) {
        const resolved = fromVariable(name, depth, seen, via, (a, d, s, v) => (a.code ? expandList(a.code, d, s, v) : literalCommand(a, cmd, d, s, v)))
        return resolved.length ? resolved : [step(cmd, cmd, via)]
      }
      const code = p.args[0]?.nested.find((n) => n.kind === 'string')
      if (code) return expandList(code.list, depth + 1, seen, via)
      return [step(cmd, cmd, via)]
    }
    if (p.name.startsWith('$') && p.word) {
      const name = varName(p.word.text)
      if (name !== undefined) {
        const resolved = fromVariable(name, depth, seen, via, (a, d, s, v) => {
          // `$CMD` (not `eval $CMD`) only splits the value into fields: its backslashes and quotes stay
          // as they are (libtool's SP2NL='tr \040 \012' runs tr on `\040`, not on `040`)
          if (!/[$`]/.test(a.value) && /[\\'"]/.test(a.value)) return [step(withWords(cmd, [...fieldsOf(a.value, cmd.line), ...p.args]), cmd, v)]
          const single = a.code?.pipelines.length === 1 ? a.code.pipelines[0]?.commands : undefined
          if (single?.length === 1 && single[0] && !single[0].compound) return [step(withWords(cmd, [...single[0].words, ...p.args]), cmd, v)]
          if (a.code) return expandList(a.code, d, s, v)
          if (/[$`]/.test(a.value) || /\s/.test(a.value.trim())) return []
          return [step(withWords(cmd, [wordOf(a.value.trim(), cmd.line), ...p.args]), cmd, v)]
        })
        if (resolved.length) return resolved
      }
    }
    return [step(cmd, cmd, via)]
  }

  const fromVariable = (
    name: string,
    depth: number,
    seen: ReadonlySet<string>,
    via: readonly number[],
    use: (a: Assignment, depth: number, seen: ReadonlySet<string>, via: readonly number[]) => Step[],
  ): Step[] => {
    if (seen.has(name)) return []
    const next = new Set(seen).add(name)
    const out: Step[] = []
    for (const a of vars.get(name)) if (a.value.trim() !== '') append(out, use(a, depth + 1, next, [...via, a.line]))
    return out
  }

  const expandCommands = (commands: readonly Command[], depth: number, seen: ReadonlySet<string>, via: readonly number[]): Step[] => {
    const out: Step[] = []
    for (const c of commands) append(out, expand(c, depth, seen, via))
    return out
  }

  const literalCommand = (a: Assignment, cmd: Command, _depth: number, _seen: ReadonlySet<string>, via: readonly number[]): Step[] =>
    /[$`\s]/.test(a.value.trim()) ? [] : [step(withWords(cmd, [wordOf(a.value.trim(), cmd.line)]), cmd, via)]

  const stages = (pipeline: Pipeline): readonly Stage[] => {
    const memo = stageMemo.get(pipeline)
    if (memo) return memo
    const alone = pipeline.commands.length === 1 ? pipeline.commands[0] : undefined
    // A compound standing alone (no pipe, no redirection) joins nothing: its pipelines are sites of
    // their own. Listing their steps again for each compound around them made the work grow with the
    // nesting depth (configure's nested if/case) and marked commands as fed by unrelated siblings.
    const result =
      alone?.compound && alone.compound.kind !== 'macro' && alone.redirects.length === 0
        ? [{ command: alone, steps: [step(alone, alone, [])] }]
        : pipeline.commands.map((command) => ({ command, steps: expand(command, 0, NO_NAMES, NO_LINES) }))
    stageMemo.set(pipeline, result)
    return result
  }
  const stepMemo = new Map<Pipeline, readonly Step[]>()
  const steps = (pipeline: Pipeline): readonly Step[] => {
    const st = stages(pipeline)
    // a single stage's steps are the pipeline's: only longer pipelines need a list made and kept
    if (st.length === 1 && st[0]) return st[0].steps
    let all = stepMemo.get(pipeline)
    if (!all) stepMemo.set(pipeline, (all = stepsOfStages(st)))
    return all
  }

  const siteOf = new Map<Command, PipelineSite>()
  for (const site of sites) for (const c of site.pipeline.commands) siteOf.set(c, site)
  const executions = findExecutions(sites, commands, stages, steps, vars, expandList, literal, siteOf, dialect)
  // most files never ask where a command flows: both indexes are built on the first question that needs them
  let fed: ReadonlyMap<Command, readonly Execution[]> | undefined
  let inSites: ReadonlyMap<Command, { readonly sites: readonly PipelineSite[]; readonly decoding: boolean }> | undefined
  const feedsOf = (cmd: Command): readonly Execution[] => (fed ??= feederIndex(executions)).get(cmd) ?? []
  const flow = (cmd: Command): Flow => {
    const feeds = feedsOf(cmd)
    const where = () => (inSites ??= siteIndex(sites, steps)).get(cmd)
    return {
      executions: feeds,
      get sites() {
        return where()?.sites ?? []
      },
      // what feeds an execution counts as decoded: it becomes code
      get decoding() {
        return feeds.length > 0 || (where()?.decoding ?? false)
      },
    }
  }

  let opened: ReadonlyMap<string, string> | undefined
  return {
    file,
    dialect,
    script,
    lines: file.text.split('\n'),
    vars,
    sites,
    commands,
    executions,
    rebuilt,
    stages,
    steps,
    flow,
    fed: feedsOf,
    facts: factsOf,
    siteOf: (cmd) => siteOf.get(cmd),
    targetAt,
    opened: () => (opened ??= openedDescriptors(commands, literal)),
    literal,
    ...(parsed.cutAtLine !== undefined ? { nestingCutAt: parsed.cutAtLine } : {}),
  }
}

/** Where the analysis of a file, if one was made, read nested code as plain text (see {@link FileAnalysis.nestingCutAt}). */
export const nestingCutOf = (file: TextFile): number | undefined => cache.get(file)?.nestingCutAt

/** For every command, the pipelines it takes part in (directly or through variables), and whether any of them decodes. */
function siteIndex(sites: readonly PipelineSite[], steps: (p: Pipeline) => readonly Step[]): Map<Command, { sites: PipelineSite[]; decoding: boolean }> {
  const index = new Map<Command, { sites: PipelineSite[]; decoding: boolean }>()
  for (const site of sites) {
    const all = steps(site.pipeline)
    const decoding = all.some((s) => s.facts.decoder !== undefined)
    const note = (c: Command) => {
      let entry = index.get(c)
      if (!entry) index.set(c, (entry = { sites: [], decoding: false }))
      // sites come one after another: this one is already listed only if it was the last added
      if (entry.sites[entry.sites.length - 1] !== site) entry.sites.push(site)
      if (decoding) entry.decoding = true
    }
    for (const s of all) {
      note(s.command)
      if (s.origin !== s.command) note(s.origin)
    }
  }
  return index
}

/** For every command, the executions its output feeds. */
function feederIndex(executions: readonly Execution[]): Map<Command, Execution[]> {
  const index = new Map<Command, Execution[]>()
  const note = (c: Command, e: Execution) => {
    const list = index.get(c)
    if (list) list.push(e)
    else index.set(c, [e])
  }
  for (const e of executions) {
    for (const s of e.feeders) {
      note(s.command, e)
      if (s.origin !== s.command) note(s.origin, e)
    }
  }
  return index
}

/** Shared by every expansion that starts from nothing: most commands are no variable's value. */
const NO_NAMES: ReadonlySet<string> = new Set()
const NO_LINES: readonly number[] = []

/** Appends in place: expansion builds many short lists, and spreading or flatMap copies each again. */
function append<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item)
}

/** A pipeline's steps in order, stage by stage. */
function stepsOfStages(stages: readonly Stage[]): readonly Step[] {
  const out: Step[] = []
  for (const stage of stages) append(out, stage.steps)
  return out
}

function withWords(cmd: Command, words: readonly Word[]): Command {
  return { words, redirects: cmd.redirects, compound: undefined, heredocs: [], line: cmd.line, endLine: cmd.endLine, synthetic: true, memo: newMemo() }
}

function wordOf(text: string, line: number): Word {
  return { text, raw: text, line, quoted: false, unterminated: false, nested: [] }
}

/** The fields an unquoted expansion of `value` splits into, each a word that reads back as itself. */
const fieldsOf = (value: string, line: number): Word[] =>
  value
    .trim()
    .split(/\s+/)
    .map((field) => wordOf(`'${field.replace(/'/g, "'\\''")}'`, line))

type ExpandList = (list: CommandList, depth: number, seen: ReadonlySet<string>, via: readonly number[]) => Step[]

const keptCode = new WeakMap<Assignment, CommandList>()

/**
 * A substitution an assignment kept as text (`step='$(base64 -d < f)'`, `step="\\$(…)"`), which
 * a shell runs when it reads the value as code (`eval "$step"`, `echo "$step" | sh`): lexed only
 * there; elsewhere such a value is text, as configure's make syntax `AM_V='$(V)'` is.
 */
function keptSubstitution(a: Assignment, dialect: Dialect): CommandList | undefined {
  if (a.code || a.substitutions.length > 0 || !/\$\(|`/.test(a.value)) return undefined
  let code = keptCode.get(a)
  if (code === undefined) keptCode.set(a, (code = lexShell(a.value, { dialect, firstLine: a.line, depth: 1 })))
  return code
}

function findExecutions(
  sites: readonly PipelineSite[],
  commands: readonly Command[],
  stages: (p: Pipeline) => readonly Stage[],
  steps: (p: Pipeline) => readonly Step[],
  vars: Variables,
  expandList: ExpandList,
  literal: (text: string) => string,
  siteOf: ReadonlyMap<Command, PipelineSite>,
  dialect: Dialect,
): Execution[] {
  const out: Execution[] = []

  /** output held in a variable: `x=$(base64 -d f)` then `echo "$x" | sh` or `eval "$x"` */
  const storedOutput = (words: readonly Word[]): Step[] =>
    words.flatMap((w) =>
      varRefs(w.text).flatMap((name) => vars.get(name).flatMap((a) => a.substitutions.flatMap((list) => expandList(list, 1, new Set([name]), [a.line])))),
    )
  const nestedSteps = (words: readonly Word[], kinds: readonly string[]): Step[] =>
    words.flatMap((w) => w.nested.filter((n) => kinds.includes(n.kind)).flatMap((n) => expandList(n.list, 1, NO_NAMES, NO_LINES)))
  /** what a shell reading the variable's value as code runs: its stored output, or a substitution the value kept as text */
  const evaluated = (words: readonly Word[]): Step[] => [
    ...storedOutput(words),
    ...words.flatMap((w) =>
      varRefs(w.text).flatMap((name) =>
        vars.get(name).flatMap((a) => {
          const kept = keptSubstitution(a, dialect)
          return kept ? kept.pipelines.flatMap((p) => nestedSteps(p.commands.flatMap((c) => c.words), ['substitution', 'backquote'])) : []
        }),
      ),
    ),
  ]

  // 1. a pipe into something that executes standard input
  for (const site of sites) {
    const st = stages(site.pipeline)
    for (let k = 1; k < st.length; k++) {
      const stage = st[k]
      const only = stage?.steps.length === 1 ? stage.steps[0] : undefined
      if (!stage || !only?.facts.sink) continue
      const feeders = st.slice(0, k).flatMap((s) => s.steps)
      for (const f of feeders.slice()) {
        const name = program(f.command).name
        if (name === 'echo' || name === 'printf') feeders.push(...evaluated(program(f.command).args))
        feeders.push(...storedOutput(f.command.redirects.filter((r) => r.op === '<<<').flatMap((r) => (r.target ? [r.target] : []))))
      }
      out.push({ kind: 'pipe', sink: stage.command, how: only.facts.sink, feeders, site })
      break
    }
  }

  // 2. command output executed: eval "$(…)", sh -c "$(…)", source <(…), `$(…)` as the command, sh <<< "$(…)"
  for (const cmd of commands) {
    if (cmd.compound) continue
    const p = program(cmd)
    const name = programNameOf(p, literal)
    // quoted too: `"$(… | base64 -d)"` runs the decoded text as the name of one program
    const runsSubstitution = p.word !== undefined && /^"?(?:\$\(|`)/.test(p.word.raw) && p.index === 0
    // `x=$(printf '\162\155'); $x -rf ~`: a variable's stored output run as the command
    const runsStored = p.word !== undefined && p.index === 0 && isPureReference(p.word)
    // an interpreter's own script that decodes and runs: the decoder is its own sink
    if (mayRunWhatItDecodes(name) && runsWhatItDecodes(name, p.args.map((w) => literal(w.text)))) {
      out.push({ kind: 'substitution', sink: cmd, how: `${name}, which runs what its own script decodes`, feeders: [{ command: cmd, origin: cmd, facts: stepFacts(cmd, literal), via: [] }], site: siteOf.get(cmd) })
      continue
    }
    // most commands execute nothing: nothing below is set up for them
    if (name !== 'eval' && name !== 'source' && name !== '.' && !isShellName(name) && !runsSubstitution && !runsStored) continue
    const site = siteOf.get(cmd)
    const add = (how: string, feeders: Step[], kind: ExecutionKind = 'substitution') => {
      if (feeders.length) out.push({ kind, sink: cmd, how, feeders, site })
    }
    if (name === 'eval') {
      add('eval', nestedSteps(p.args, ['substitution', 'backquote']))
      add('eval', escapedWords(cmd, p.args))
      if (p.args.length === 1 && isPureReference(p.args[0])) add('eval', evaluated(p.args), 'stored-output')
    } else if (name === 'source' || name === '.') {
      add(name, nestedSteps(p.args.slice(0, 1), ['process', 'substitution', 'backquote']))
    } else if (isShellName(name)) {
      const c = p.args.findIndex((w) => /^-[a-z]*c[a-z]*$/.test(w.text))
      if (c >= 0) {
        const script = p.args.slice(c + 1, c + 2)
        add(`${name} -c`, nestedSteps(script, ['substitution', 'backquote']))
        add(`${name} -c`, escapedWords(cmd, script))
        if (isPureReference(script[0])) add(`${name} -c`, evaluated(script), 'stored-output')
      } else add(name, nestedSteps(p.args.slice(0, 1), ['process']))
      const here = cmd.redirects.filter((r) => r.op === '<<<' || (r.op === '<' && r.target?.nested.some((n) => n.kind === 'process')))
      add(`${name} <<<`, nestedSteps(here.flatMap((r) => (r.target ? [r.target] : [])), ['substitution', 'backquote', 'process']))
    } else if (runsSubstitution) {
      add('command substitution run as a command', nestedSteps([p.word], ['substitution', 'backquote']))
    } else if (runsStored && p.word) {
      // a name made by `tr` or `sed y` is how scripts dispatch (`$(echo $1 | tr - _)` then `$name`): only decoding hides one
      add('a variable run as the command', storedOutput([p.word]).filter((s) => s.facts.decoder !== undefined), 'stored-output')
    }
  }

  // 3. decoded or downloaded into a file, then the file is run
  const written = new Map<string, { steps: readonly Step[]; site: PipelineSite | undefined }>()
  for (const site of sites) {
    const all = steps(site.pipeline)
    // what a client writes by its own option (`curl -o f`, `wget URL`)
    for (const s of all) {
      const fetched = s.facts.fetch === undefined ? undefined : downloadedFile(s.facts.fetch, program(s.command).args.map((w) => literal(w.text)))
      if (fetched !== undefined) written.set(normalizePath(literal(fetched)), { steps: [s], site })
    }
    const last = site.pipeline.commands[site.pipeline.commands.length - 1]
    const target = last?.redirects.find((r) => r.op === '>' || r.op === '>>' || r.op === '>|')?.target?.text
    if (!target) continue
    if (all.some((s) => isObfuscatingStep(s.facts) || s.facts.fetch !== undefined)) written.set(normalizePath(literal(target)), { steps: all, site })
  }
  // CMake's `file(DOWNLOAD <url> <file>)`
  for (const cmd of commands) {
    if (cmd.compound?.kind !== 'macro' || cmd.compound.name.toLowerCase() !== 'file') continue
    const [mode, url, file] = macroWords(cmd)
    if (mode === 'DOWNLOAD' && url !== undefined && file !== undefined) written.set(normalizePath(literal(file)), { steps: [{ command: cmd, origin: cmd, facts: { fetch: 'file(DOWNLOAD)' }, via: [] }], site: siteOf.get(cmd) })
  }
  if (written.size) {
    for (const cmd of commands) {
      if (cmd.compound || cmd.prerequisites) continue
      const p = program(cmd)
      const name = programNameOf(p, literal)
      const args = p.args.map((w) => literal(w.text))
      const ran = isShellName(name) ? operands(args)[0] : isEvaluator(name) && name !== 'eval' ? args[0] : p.word && /\//.test(p.word.text) ? literal(p.word.text) : undefined
      const source = ran === undefined ? undefined : written.get(normalizePath(ran))
      if (source) out.push({ kind: 'file', sink: cmd, how: `${name || ran} ${ran}`, feeders: source.steps, site: siteOf.get(cmd) })
    }
  }
  return out
}

/**
 * The words of code run by eval or `sh -c` that spell printable characters as ANSI-C escapes
 * (`eval $'\x72\x6d …'`): decoded where they are written, each one a step of its own.
 */
function escapedWords(cmd: Command, words: readonly Word[]): Step[] {
  return words.filter((w) => w.raw.includes("$'") && escapedPrintables(w.raw) >= HIDDEN_TEXT_ESCAPES).map(() => ({ command: cmd, origin: cmd, facts: ANSI_C_DECODING, via: NO_LINES }))
}
const ANSI_C_DECODING: StepFacts = { decoder: "$'…' escapes" }

const isPureReference = (w: Word | undefined): boolean => w !== undefined && varName(w.text) !== undefined

const normalizePath = (path: string): string => path.replace(/^["']|["']$/g, '').replace(/^\.\//, '').replace(/\$\{(\w+)\}/g, '$$$1')
