import type { Severity } from '../../model/finding.js'
import { evidenceLines, spanLines } from '../evidence.js'
import { BUILD_LOGIC, runsWhileConfiguring } from '../scope.js'
import { analyse, type FileAnalysis } from '../shell/analysis.js'
import type { Command } from '../shell/ast.js'
import { isObfuscatingStep, programNameOf } from '../shell/commands.js'
import { program, varName } from '../shell/words.js'
import type { Rule, RuleHit } from '../types.js'
import { guardsOf, type Guard } from './guards.js'
import { markersIn, type MarkerClass } from './markers.js'

/** Where a build step has no business writing: the source tree, objects, the generated build machinery. */
const SOURCE_OR_OBJECT =
  /(?:^|["'])(?:\$\{?(?:ac_)?(?:abs_)?(?:top_)?srcdir\}?|\$\((?:abs_)?(?:top_)?srcdir\)|@(?:abs_)?(?:top_)?srcdir@|\$\{CMAKE_(?:CURRENT_)?SOURCE_DIR\}|\$\{?MESON_SOURCE_ROOT\}?)\/|\.(?:o|lo|a|la|so(?:\.\d+)*|obj|dylib|dll)["']?$|(?:^|\/)(?:libtool|Makefile|config\.status|configure)["']?$/
const WRITERS = /^(?:cp|mv|install|ln|tee|ar|objcopy|patch)$/

/** what the compiler and linker are, and what they are given */
const COMPILE_VARIABLE = /^(?:\w+_)?(?:CFLAGS|CPPFLAGS|CXXFLAGS|OBJCFLAGS|LDFLAGS|LIBS|LDADD|LIBADD)$|^(?:CC|CXX|CPP|LD)$/

/** An eval that only sets a variable whose name is computed: `eval "$var=yes"`, `eval ac_x=\$$1`. */
const INDIRECTION = /^[\w$\\{}[\]"'-]*\+?=/

/** What unusual thing a guarded command does, if any. */
function unusual(a: FileAnalysis, cmd: Command, trusting: boolean): string | undefined {
  if (cmd.compound) return undefined
  const facts = a.facts(cmd)
  if (facts.decoder) return `decodes (${facts.decoder})`
  if (facts.carving) return `carves bytes (${facts.carving})`
  if (facts.charMap === 'swap') return 'swaps characters'
  if (facts.sedCat) return 'copies a file through a do-nothing sed'
  const site = a.siteOf(cmd)
  if (facts.sink && site && site.pipeline.commands.indexOf(cmd) > 0) return `pipes into ${facts.sink}`
  const executes = a.executions.filter((e) => e.sink === cmd)
  if (executes.some((e) => e.feeders.some((s) => isObfuscatingStep(s.facts)))) return 'executes decoded data'
  if (trusting && executes.length) return `executes command output (${executes[0]?.how ?? 'eval'})`
  const p = program(cmd)
  // flags configure sets only where a package is built: what distributions compile differs from what
  // developers do (a packaging script, debian/rules, sets flags under such conditions by design)
  if (trusting && runsWhileConfiguring(a.file)) {
    const changed = cmd.words.slice(0, p.word ? p.index : cmd.words.length).map((w) => /^(\w+)\+?=/.exec(w.text)?.[1]).find((n) => n !== undefined && COMPILE_VARIABLE.test(n))
    if (changed !== undefined) return `changes ${changed}`
  }
  const name = programNameOf(p, a.literal)
  if (name === 'eval' && p.args.length > 0 && !INDIRECTION.test(p.args[0]?.text ?? '')) {
    const expanded = site ? (a.stages(site.pipeline).find((s) => s.command === cmd)?.steps ?? []) : []
    if (expanded.some((s) => isObfuscatingStep(s.facts) || s.facts.sink)) return 'evaluates code that decodes or pipes into a shell'
    if (trusting && p.args.length === 1 && (varName(p.args[0]?.text ?? '') !== undefined || p.args[0]?.nested.length)) return 'evaluates code held in a variable or produced by a command'
  }
  for (const r of cmd.redirects) {
    if (/^(?:>|>>|>\||&>|&>>)$/.test(r.op) && r.target && SOURCE_OR_OBJECT.test(a.literal(r.target.text))) return `writes into ${r.target.text}`
  }
  // only an in-place sed, a copying tool or dd writes through its arguments: the others' are never read
  if (name !== 'sed' && name !== 'gsed' && name !== 'dd' && !WRITERS.test(name)) return undefined
  const args = p.args.map((w) => a.literal(w.text))
  if ((name === 'sed' || name === 'gsed') && args.some((x) => /^-[a-zA-Z]*i|^--in-place/.test(x))) {
    const target = args.filter((x) => !x.startsWith('-')).slice(1).find((x) => SOURCE_OR_OBJECT.test(x))
    if (target) return `edits ${target} in place`
  }
  if (WRITERS.test(name) || name === 'dd') {
    const target = name === 'dd' ? args.find((x) => x.startsWith('of='))?.slice(3) : args.filter((x) => !x.startsWith('-')).at(-1)
    if (target && SOURCE_OR_OBJECT.test(target)) return `writes into ${target}`
  }
  return undefined
}

/** A command that only assigns literal values: no program, no substitution, no redirection. */
const labelsOnly = (cmd: Command): boolean =>
  !cmd.compound && cmd.redirects.length === 0 && cmd.words.length > 0 && cmd.words.every((w) => w.nested.length === 0 && /^[A-Za-z_]\w*=[\w.,:/+@%-]*$/.test(w.text))

/** A condition as written: its commands' words and redirection targets, then its case subject and patterns. */
function conditionText(g: Guard): string {
  const raw: string[] = []
  for (const c of g.condition) {
    for (const w of c.words) raw.push(w.raw)
    for (const r of c.redirects) if (r.target) raw.push(r.target.raw)
  }
  for (const w of g.words) raw.push(w.raw)
  return raw.join(' ')
}

const rule: Rule = {
  id: 'scan/environment-gating',
  title: 'Execution gated on packaging, CI or target environment',
  short: 'A condition on distribution packaging or CI markers, or on the build/host triple or toolchain, guards unusual execution.',
  motivation:
    'Code that only runs when a Debian or RPM package is being built, only in CI, or only for one target and toolchain, is aimed at the build that ships to users while staying quiet on developer machines and in reviews.',
  remediation: 'Read the guarded block and ask why it must only run there; run it by hand in that environment with execution replaced by printing.',
  defaultSeverity: 'low',
  defaultConfidence: 'medium',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const a = analyse(file)
    const best = new Map<number, RuleHit>()
    for (const g of guardsOf(a.commands, a.sites)) {
      const classes = markersIn(conditionText(g))
      if (classes.size === 0) continue
      const trusting = classes.has('packaging') || classes.has('ci')
      const found: { cmd: Command; what: string }[] = []
      for (const cmd of g.guarded) {
        const what = unusual(a, cmd, trusting)
        if (what) found.push({ cmd, what })
        if (found.length >= 5) break
      }
      if (!trusting && found.length === 0) continue
      // a check that only names what it found (`sys=NetBSD-Debian`) runs nothing under the condition
      if (found.length === 0 && g.guarded.length > 0 && g.guarded.every(labelsOnly)) continue
      const severity: Severity = found.length === 0 ? 'low' : trusting ? 'high' : 'medium'
      const on = [...classes].map((c: MarkerClass) => (c === 'packaging' ? 'distribution packaging' : c === 'ci' ? 'CI' : 'target system or toolchain')).join(' and ')
      const condLines = g.condition.flatMap((c) => spanLines(c.line, c.endLine, 3))
      const hit: RuleHit = {
        line: g.line,
        message: found.length
          ? `a condition on the ${on} guards code that ${[...new Set(found.map((f) => f.what))].join('; ')}`
          : `checks for a ${on} environment`,
        evidence: evidenceLines(a.lines, [g.line, ...condLines, ...found.flatMap((f) => spanLines(f.cmd.line, f.cmd.endLine, 2))]),
        severity,
        confidence: found.length ? 'high' : 'medium',
        data: { markers: [...classes] },
      }
      const previous = best.get(g.line)
      if (!previous || rank(severity) > rank(previous.severity ?? 'info')) best.set(g.line, hit)
    }
    return [...best.values()]
  },
}
const rank = (s: Severity): number => ['info', 'low', 'medium', 'high', 'critical'].indexOf(s)
export default rule
