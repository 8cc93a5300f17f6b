import type { Severity } from '../../model/finding.js'
import { evidenceLines, spanLines } from '../evidence.js'
import { BUILD_LOGIC } from '../scope.js'
import { analyse, type FileAnalysis, type Step } from '../shell/analysis.js'
import type { CommandList } from '../shell/ast.js'
import type { PipelineSite } from '../shell/walk.js'
import type { Rule, RuleHit } from '../types.js'

/** Pipelines of one list closer than this count as one sequence of carving steps. */
const SEQUENCE_GAP = 1

interface Carving {
  readonly site: PipelineSite
  readonly carvers: readonly Step[]
  /** the carved bytes are decoded or executed */
  readonly consumed: boolean
  /** the carved bytes (or what they decode to) are executed */
  readonly executed: boolean
  /** files carved from and written to: steps in sequence work on the same ones */
  readonly files: ReadonlySet<string>
}

/** The files a carving step reads and writes (operands, `if=`/`of=`, redirections). */
function filesOf(s: Step, literal: (t: string) => string): string[] {
  const out: string[] = []
  for (const r of s.command.redirects) if (r.target && /^(?:<|>|>>)$/.test(r.op) && !/^\/dev\/null$/.test(r.target.text)) out.push(literal(r.target.text))
  for (const w of s.command.words.slice(1)) {
    const t = literal(w.text)
    if (/^(?:if|of)=/.test(t)) out.push(t.slice(3))
    else if (!t.startsWith('-') && !t.startsWith('+') && !/^\d+[kKmMbB]?$/.test(t) && !t.includes('=')) out.push(t)
  }
  return out
}

function carvingOf(a: FileAnalysis, site: PipelineSite): Carving | undefined {
  const steps = a.steps(site.pipeline)
  const carvers = steps.filter((s) => s.facts.carving !== undefined)
  if (carvers.length === 0) return undefined
  const executed = carvers.some((s) => a.flow(s.origin).executions.length > 0 || a.flow(s.command).executions.length > 0)
  const firstCarver = steps.findIndex((s) => s.facts.carving !== undefined)
  const decodedAfter = steps.some((s, i) => i > firstCarver && s.facts.decoder !== undefined)
  return { site, carvers, consumed: decodedAfter || executed, executed, files: new Set(carvers.flatMap((s) => filesOf(s, a.literal))) }
}

const sharesFile = (a: Carving, b: Carving): boolean => [...a.files].some((f) => b.files.has(f))

interface Candidate {
  readonly hit: RuleHit
  readonly carvers: ReadonlySet<unknown>
}

function hit(a: FileAnalysis, group: readonly Carving[]): Candidate | undefined {
  const carvers = group.flatMap((c) => c.carvers)
  const consumed = group.some((c) => c.consumed)
  const executed = group.some((c) => c.executed)
  if (carvers.length < 2 && !consumed) return undefined
  const severity: Severity = consumed ? 'high' : 'medium'
  const first = group[0]
  if (!first) return undefined
  const tools = [...new Set(carvers.map((s) => s.facts.carving))].join(', ')
  const numbers = [
    ...group.flatMap((c) => spanLines(c.site.pipeline.line, c.site.pipeline.endLine)),
    ...carvers.flatMap((s) => [s.origin.line, ...s.via]),
    ...carvers.flatMap((s) => a.flow(s.origin).executions.map((e) => e.sink.line)),
  ]
  const found: RuleHit = {
    line: first.site.pipeline.line,
    message: `${carvers.length} byte-carving step${carvers.length > 1 ? 's' : ''} (${tools})${executed ? ' feeding a shell' : consumed ? ' feeding a decoder' : group.length > 1 ? ' in sequence' : ' chained in one pipeline'}`,
    evidence: evidenceLines(a.lines, numbers),
    severity,
    confidence: consumed ? 'high' : 'medium',
  }
  return { hit: found, carvers: new Set(carvers.map((s) => s.origin)) }
}

/** A hit whose carving steps another hit already reports, at least as severely, adds nothing. */
function withoutRepeats(candidates: readonly Candidate[]): RuleHit[] {
  const rank = (c: Candidate) => ['info', 'low', 'medium', 'high', 'critical'].indexOf(c.hit.severity ?? 'medium')
  return candidates
    .filter((c) => !candidates.some((o) => o !== c && rank(o) >= rank(c) && o.carvers.size >= c.carvers.size && [...c.carvers].every((x) => o.carvers.has(x)) && (o.carvers.size > c.carvers.size || o.hit.line < c.hit.line)))
    .map((c) => c.hit)
}

const rule: Rule = {
  id: 'scan/byte-carving',
  title: 'Byte ranges carved out of a file',
  short: 'Chained `head -c`/`tail -c`/`dd skip=` steps, or carving that feeds a decoder or shell, cut a hidden payload out of a larger file.',
  motivation:
    'Cutting byte ranges out of a file in sequence, or feeding carved bytes to a decoder or a shell, extracts data hidden inside another file (a compressed "test" file, an image) without ever naming it as code.',
  remediation: 'Find the carved file and cut the same ranges by hand, outside the build; look at what they decode to.',
  defaultSeverity: 'medium',
  defaultConfidence: 'medium',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const a = analyse(file)
    const hits: Candidate[] = []
    // carving steps in sequence in one list: `dd ... > a; dd ... >> a; base64 -d a | sh`
    const byList = new Map<CommandList, Carving[]>()
    for (const site of a.sites) {
      const carving = carvingOf(a, site)
      if (!carving) continue
      const h = hit(a, [carving])
      if (h) hits.push(h)
      const list = byList.get(site.list) ?? []
      list.push(carving)
      byList.set(site.list, list)
    }
    for (const group of byList.values()) {
      let run: Carving[] = []
      const flush = () => {
        const h = run.length > 1 ? hit(a, run) : undefined
        if (h) hits.push(h)
        run = []
      }
      for (const c of group) {
        const previous = run[run.length - 1]
        if (previous && (c.site.index - previous.site.index > SEQUENCE_GAP + 1 || !run.some((r) => sharesFile(r, c)))) flush()
        run.push(c)
      }
      flush()
    }
    return withoutRepeats(hits)
  },
}
export default rule
