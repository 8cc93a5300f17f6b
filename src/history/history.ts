import { assembleReport } from '../policy/report.js'
import type { Finding } from '../model/finding.js'
import { bySeverityDesc } from '../model/finding.js'
import { type Fact, type Report } from '../model/report.js'
import { openRepository } from '../sources/git/open.js'
import { analyse, isoDay } from './analyse.js'
import { HistoryAggregate, type WindowSize } from './collect.js'
import { defenceReader, holdsDefence } from './defences.js'
import { headPaths, mailmapIdentities, readTags, repositoryState, streamCommits, type TagRecord } from './git-facts.js'
import { IdentityBook, rawKey } from './identities.js'
import { DEFAULT_POLICY, type HistoryPolicy } from './policy.js'

export interface HistoryOptions {
  /** a local repository path or a git URL (cloned into the cache) */
  readonly source: string
  readonly since?: string
  readonly until?: string
  readonly window?: WindowSize
  readonly policy?: HistoryPolicy
  readonly offline?: boolean
  readonly cacheDir: string
  readonly onProgress?: (message: string) => void
  /** how the source is named in the report */
  readonly label?: string
}

/**
 * `stagelight history`: streams the commits (one `git log --numstat`) and, in parallel, the
 * diffs of defence-holding files (one `git log -p` limited to them), aggregates per identity and
 * window, then judges the ledger of power events and the patterns.
 */
export async function history(options: HistoryOptions): Promise<Report> {
  const policy = options.policy ?? DEFAULT_POLICY
  const window = options.window ?? 'quarter'
  const progress = options.onProgress ?? (() => undefined)
  const label = options.label ?? options.source
  const repo = await openRepository(options.source, { cacheDir: options.cacheDir, offline: options.offline ?? false, onProgress: progress })
  const state = await repositoryState(repo)
  const subject: Record<string, string> = { source: label, window, ...(options.since ? { since: options.since } : {}), ...(options.until ? { until: options.until } : {}) }
  const incomplete: string[] = []
  const range = { ...(options.since ? { since: options.since } : {}), ...(options.until ? { until: options.until } : {}) }

  if (state.empty) {
    const findings: Finding[] = []
    return assembleReport({ command: 'history', subject, facts: [{ label: 'history', value: 'the repository has no commits: there is no history to judge' }], findings, summary: { empty: true, windows: [], identities: [], events: [], patterns: {} }, incomplete })
  }
  subject.head = state.head ?? ''

  const book = new IdentityBook()
  const agg = new HistoryAggregate(book, policy, window)
  progress('reading history')
  const defences = defenceReader(repo, policy.maxDiffLinesPerCommit)
  let n = 0
  let candidates = 0
  try {
    for await (const commit of streamCommits(repo, { ...range, signatures: policy.commitSignatures })) {
      agg.addCommit(commit)
      if (commit.parents.length <= 1 && commit.files.some((f) => holdsDefence(f.path))) {
        candidates += 1
        await defences.add(commit.id)
      }
      if (++n % 10000 === 0) progress(`read ${n} commits`)
    }
  } finally {
    defences.end()
  }
  agg.finishWindows()
  progress('reading build-system diffs')
  // with no candidate, git log --stdin would fall back to HEAD: nothing to read
  const observations = await defences.observations
  if (candidates > 0) for (const o of observations) agg.addObservation(o)

  const allTags = await readTags(repo)
  const sinceTime = agg.first?.time
  const tags = allTags.filter((t) => options.since === undefined || sinceTime === undefined || t.time >= sinceTime).filter((t) => options.until === undefined || agg.last === undefined || t.time <= agg.last.time + 86400)
  const mapped = await mailmapIdentities(
    repo,
    tags.map((t) => ({ name: t.personName, email: t.personEmail })),
  )
  const tagKeys = new Map<TagRecord, string>()
  for (const t of tags) {
    const m = mapped.get(`${t.personName} <${t.personEmail}>`) ?? { name: t.personName, email: t.personEmail }
    tagKeys.set(t, book.see(m.name, m.email, 0))
  }
  const resolved = book.resolve(agg.weightOf)
  const paths = options.until === undefined ? await headPaths(repo) : undefined

  if (state.shallow) {
    const boundary = agg.boundary.map((b) => isoDay(b.time)).sort()[0]
    incomplete.push(
      `shallow clone: history before ${boundary ?? 'the oldest fetched commit'} is missing, so the project's start, each identity's first commit and first powers, identity ages (newcomer or not), the fatigue baseline and the truck factor cover only the fetched part; run on a full clone (git fetch --unshallow)`,
    )
  }
  if (agg.weakenedDropped > 0) incomplete.push(`${agg.weakenedDropped} further weakened-defence observations were not kept (limit 500)`)

  const analysis = analyse(agg, tags, tagKeys, resolved, paths, { policy, window, shallow: state.shallow })
  const findings = [...analysis.findings]
  if (state.shallow) findings.push({ ruleId: 'history/shallow-history', severity: 'info', confidence: 'high', message: incomplete[0] ?? 'shallow clone' })
  findings.sort(bySeverityDesc)
  const facts: Fact[] = [{ label: 'source', value: `${label}${options.since || options.until ? ` (${options.since ?? 'start'} → ${options.until ?? 'HEAD'})` : ''}` }, ...analysis.facts]
  if (agg.commits + agg.merges === 0) facts.push({ label: 'history', value: 'no commits in the requested range' })
  if (state.shallow) facts.push({ label: 'shallow', value: 'yes — first events and identity ages are unknown before the shallow boundary' })
  return assembleReport({
    command: 'history',
    subject,
    facts,
    findings,
    summary: {
      window,
      shallow: state.shallow,
      overall: analysis.overall,
      windows: analysis.windows,
      identities: analysis.identities,
      events: analysis.events,
      patterns: analysis.patterns,
      policy,
    },
    incomplete,
  })
}


export { rawKey }
