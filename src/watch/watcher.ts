/**
 * @fileoverview One round of watching: re-read changed inventories, poll every target for new
 * releases, and queue one job per applicable analysis of each. A target's first poll only records
 * what exists (the baseline); what appears after it is analysed.
 */
import type { WatchContext } from './context.js'
import { analysesFor } from './analyses/index.js'
import { refreshInventories } from './inventories.js'
import { jobKey, type JobSpec, type Release, type Target } from './model.js'
import { distTagMoves, pollNpm } from './poll/npm.js'
import { pollGit } from './poll/git.js'
import { pollTarballs } from './poll/tarballs.js'
import { indexCache, pollDebian, type IndexCache } from './poll/debian.js'
import { describeError } from './jobs.js'
import { pollLocations, throttle } from './ratelimit.js'

/** Where queued jobs go besides the store: the job engine in PostgreSQL mode; nothing more in embedded mode. */
export type JobSink = (spec: JobSpec) => Promise<void>

export interface RoundSummary {
  polled: number
  baselined: number
  newReleases: { target: string; version: string }[]
  jobsQueued: number
  inventoriesReread: string[]
  errors: { target: string; error: string }[]
}

async function newReleasesOf(target: Target, context: WatchContext, round: RoundSummary, indexes: IndexCache): Promise<Release[]> {
  const known = new Set((await context.store.releases(target.key)).map((r) => r.version))
  const firstPoll = target.polledAt === undefined
  if (target.kind === 'npm') {
    const poll = await pollNpm(target, context)
    const fresh = await context.store.addReleases(target.key, poll.releases, firstPoll)
    const moves = distTagMoves(target.name, target.state.distTags, poll.distTags)
    if (moves.length > 0) await context.store.recordEvents(`${target.key}|dist-tags|${JSON.stringify(poll.distTags)}`, target.key, poll.distTags.latest ?? '', 'dist-tags', moves)
    await context.store.setTargetState(target.key, { ...target.state, distTags: poll.distTags })
    if (firstPoll) round.baselined++
    return firstPoll ? [] : fresh
  }
  if (target.kind === 'git' || target.kind === 'tarball' || target.kind === 'debian') {
    const releases = target.kind === 'git' ? await pollGit(target, context, known) : target.kind === 'tarball' ? await pollTarballs(target, context) : await pollDebian(target, context, indexes)
    const fresh = await context.store.addReleases(target.key, releases, firstPoll)
    await context.store.setTargetState(target.key, target.state)
    if (firstPoll) round.baselined++
    return firstPoll ? [] : fresh
  }
  return []
}

export async function pollRound(context: WatchContext, sink: JobSink = async () => undefined): Promise<RoundSummary> {
  const round: RoundSummary = { polled: 0, baselined: 0, newReleases: [], jobsQueued: 0, inventoriesReread: [], errors: [] }
  const inventories = await refreshInventories(context)
  round.inventoriesReread = inventories.reread
  for (const e of inventories.errors) round.errors.push({ target: `inventory:${e.key}`, error: e.error })
  // a Sources index is read once per round, however many of its packages are watched
  const targets = await context.store.targets()
  const indexes = indexCache(targets)
  for (const target of targets) {
    if (target.kind === 'deb') continue
    context.onProgress?.(`polling ${target.key}`)
    let fresh: Release[]
    try {
      await throttle(context, pollLocations(target, context))
      fresh = await newReleasesOf(target, context, round, indexes)
    } catch (err) {
      round.errors.push({ target: target.key, error: describeError(err) })
      continue
    }
    round.polled++
    for (const release of fresh) {
      round.newReleases.push({ target: target.key, version: release.version })
      for (const analysis of analysesFor(target)) {
        const spec: JobSpec = { key: jobKey(target.key, release.version, analysis), target: target.key, version: release.version, analysis }
        if (await context.store.enqueue(spec)) round.jobsQueued++
        await sink(spec)
      }
    }
  }
  // jobs the store holds as queued but the engine may have missed (a poller that died between the two) are handed over again; the engine drops duplicates
  for (const job of await context.store.jobs('queued')) await sink(job)
  return round
}
