import { assembleReport } from '../policy/report.js'
import type { Finding } from '../model/finding.js'
import { bySeverityDesc } from '../model/finding.js'
import { type Fact, type Report } from '../model/report.js'
import { openRepository } from '../sources/git/open.js'
import { analyse, isoDay } from './analyse.js'
import { HistoryAggregate, type WindowSize } from './collect.js'
import { defenceReader } from './defences.js'
import { dateOf, headPaths, mailmapIdentities, readTags, repositoryState, streamCommits, type StreamState, type TagRecord } from './git-facts.js'
import { readSignatures } from './signatures.js'
import type { Repository } from '../sources/git/types.js'
import { IdentityBook, rawKey } from './identities.js'
import { diffPaths } from './paths.js'
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
 * `stagelight history`: streams the commits (one `git log --numstat`) and, at the same time, the
 * diffs of defence-holding files (one `git diff-tree --stdin` fed only the commits that touch
 * them, limited to them by pathspecs), aggregates per
 * identity and window, then judges the ledger of power events and the patterns. Signatures are
 * read only for release tags (and the commits of identities under suspicion), never per commit.
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
  // the window only limits what is reported: the whole history is read for context
  const sinceTime = options.since === undefined ? undefined : await dateOf(repo, options.since)
  const untilTime = options.until === undefined ? undefined : await dateOf(repo, options.until)

  if (state.empty) {
    const findings: Finding[] = []
    // like a shallow clone, an empty repository cannot be judged: incomplete, never a pass
    incomplete.push('the repository has no commits: there is no history to judge')
    return assembleReport({ command: 'history', subject, facts: [{ label: 'history', value: 'the repository has no commits: there is no history to judge' }], findings, summary: { empty: true, windows: [], identities: [], events: [], patterns: {} }, incomplete })
  }
  subject.head = state.head ?? ''

  const book = new IdentityBook()
  const agg = new HistoryAggregate(book, policy, window)
  if (untilTime !== undefined) agg.asOf = untilTime
  progress('reading history')
  const head = await headPaths(repo)
  // the diff pass runs alongside the commit pass (its own git process), fed the commits that touch defence-holding files
  const defences = defenceReader(repo, policy.maxDiffLinesPerCommit, diffPaths({ automake: [...head].some((p) => /(^|\/)Makefile\.am$/.test(p)) }))
  const streamState: StreamState = { missing: [] }
  let n = 0
  try {
    for await (const commit of streamCommits(repo, streamState)) {
      agg.addCommit(commit)
      await defences.offer(commit)
      if (++n % 10000 === 0) progress(`read ${n} commits`)
    }
  } catch (err) {
    defences.stop()
    throw err
  }
  defences.finish()
  agg.finishWindows()
  progress('reading build-system diffs')
  const diffs = await defences.result
  for (const o of diffs.observations) agg.addObservation(o)

  const allTags = (await readTags(repo)).filter((t) => untilTime === undefined || t.time <= untilTime)
  const signatures = await readSignatures(repo, allTags.filter((t) => t.signed && t.object).map((t) => t.object ?? ''))
  const tags = allTags.map((t) => {
    const sig = t.object ? signatures.get(t.object) : undefined
    return sig?.key && !t.keyId ? { ...t, keyId: sig.key } : t
  })
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
  const paths = options.until === undefined ? head : undefined

  if (state.shallow) {
    const boundary = agg.boundary.map((b) => isoDay(b.time)).sort()[0]
    incomplete.push(
      `shallow clone: history before ${boundary ?? 'the oldest fetched commit'} is missing, so the project's start, each identity's first commit and first powers, identity ages (newcomer or not), the fatigue baseline and the truck factor cover only the fetched part; run on a full clone (git fetch --unshallow)`,
    )
  }
  const missing = [...new Map([...streamState.missing.map((m) => [m.object, m.commit] as const), ...diffs.missing.map((o) => [o, ''] as const)]).entries()]
  if (missing.length) {
    incomplete.push(
      `the repository is missing object${missing.length > 1 ? 's' : ''} ${missing
        .slice(0, 5)
        .map(([o, c]) => `${o}${c ? ` (needed by commit ${c.slice(0, 12)})` : ''}`)
        .join(', ')}: ${agg.unreadable} commit(s) are counted without their changed files${diffs.missing.length ? ', and the build-system diffs stop at the first missing object' : ''}; the rest of the history was analysed (repair with git fetch, or a full clone)`,
    )
  }
  if (agg.weakenedDropped > 0) incomplete.push(`${agg.weakenedDropped} further weakened-defence observations were not kept (limit 500)`)

  const analysis = analyse(agg, tags, tagKeys, resolved, paths, { policy, window, shallow: state.shallow, signatures })
  // report the window only, judged with the whole history before it
  const inWindow = (f: Finding): boolean => {
    if (sinceTime === undefined) return true
    const d = (f.data ?? {}) as { power?: string; date?: string }
    const date = d.power ?? d.date
    if (date === undefined) return true
    return Date.parse(`${date}T23:59:59Z`) / 1000 >= sinceTime
  }
  const findings = analysis.findings.filter(inWindow)
  await addCommitSignatures(repo, findings)
  const sinceDay = sinceTime === undefined ? undefined : isoDay(sinceTime)
  const windows = sinceDay === undefined ? analysis.windows : analysis.windows.filter((w) => w.end > sinceDay)
  if (state.shallow) findings.push({ ruleId: 'history/shallow-history', severity: 'info', confidence: 'high', message: incomplete[0] ?? 'shallow clone' })
  findings.sort(bySeverityDesc)
  const facts: Fact[] = [...leadFact(findings), { label: 'source', value: label }, ...analysis.facts]
  if (sinceTime !== undefined || untilTime !== undefined)
    facts.splice(1, 0, {
      label: 'window',
      value: `findings reported for ${options.since ?? 'the start'} → ${options.until ?? 'HEAD'}; the whole history ${untilTime !== undefined ? `up to ${options.until}` : ''} was analysed for context (founders, footprints, baselines)${agg.later ? `; ${agg.later} commits after ${options.until} were not analysed` : ''}`.replace('  ', ' '),
    })
  if (agg.commits + agg.merges === 0) facts.push({ label: 'history', value: 'no commits in the requested range' })
  if (state.shallow) facts.push({ label: 'shallow', value: 'yes — first events and identity ages are unknown before the shallow boundary' })
  return assembleReport({
    command: 'history',
    subject,
    facts,
    findings,
    summary: {
      window,
      ...(sinceTime !== undefined || untilTime !== undefined ? { reportWindow: { since: options.since ?? null, until: options.until ?? null } } : {}),
      shallow: state.shallow,
      overall: analysis.overall,
      windows,
      identities: analysis.identities,
      events: analysis.events,
      patterns: analysis.patterns,
      policy,
    },
    incomplete,
  })
}

/**
 * The report leads with its highest finding in two lines: who, when (first commit and power),
 * then the co-occurring signals.
 */
function leadFact(findings: readonly Finding[]): Fact[] {
  const top = findings[0]
  if (!top || top.severity === 'info' || top.severity === 'low') return []
  const d = (top.data ?? {}) as { identity?: string; firstCommit?: string; power?: string; signals?: string[] }
  if (top.ruleId === 'history/rapid-trust-escalation' && d.signals) {
    const who = top.message.split(', first commit')[0] ?? d.identity ?? ''
    return [{ label: 'highest finding', value: `${top.severity.toUpperCase()} ${top.ruleId}: ${who}, first commit ${d.firstCommit ?? '?'}, power ${d.power ?? '?'}\nsignals: ${d.signals.join('; ')}` }]
  }
  const [first = '', ...rest] = top.message.split(/(?<=:) /)
  return [{ label: 'highest finding', value: `${top.severity.toUpperCase()} ${top.ruleId}: ${first}\n${rest.join(' ').slice(0, 300)}` }]
}

/**
 * The signatures of the commits that matter: those on the timeline of an identity under
 * suspicion (medium or above), read in one batch and added to the finding's evidence.
 */
async function addCommitSignatures(repo: Repository, findings: Finding[]): Promise<void> {
  const suspects = findings.filter((f) => f.ruleId === 'history/rapid-trust-escalation' && f.severity !== 'low' && f.severity !== 'info')
  const commitsOf = (f: Finding): string[] => ((f.data as { timeline?: { commit?: string; kind: string }[] } | undefined)?.timeline ?? []).filter((e) => e.commit && e.kind !== 'release-tag' && e.kind !== 'signed-tag' && e.kind !== 'new-signing-key').map((e) => e.commit ?? '')
  const ids = suspects.flatMap(commitsOf)
  if (ids.length === 0) return
  const facts = await readSignatures(repo, ids)
  for (const f of suspects) {
    const mine = commitsOf(f)
    const signed = mine.filter((c) => facts.has(c))
    const keys = [...new Set(signed.map((c) => facts.get(c)?.key ?? facts.get(c)?.kind ?? '?'))]
    const bad = signed.filter((c) => facts.get(c)?.verified === false)
    const line = `commit signatures on this timeline: ${signed.length} of ${mine.length} signed${keys.length ? ` (${keys.join(', ')})` : ''}${bad.length ? `; ${bad.length} do NOT match their content: ${bad.map((c) => c.slice(0, 12)).join(', ')}` : ''}`
    const i = findings.indexOf(f)
    findings[i] = { ...f, evidence: `${f.evidence ?? ''}\n${line}`, data: { ...(f.data ?? {}), commitSignatures: signed.map((c) => ({ commit: c, ...facts.get(c) })) } }
  }
}

export { rawKey }
