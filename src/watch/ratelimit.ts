/**
 * @fileoverview Per-host rate limits for everything `watch` sends over the network: registry
 * documents and tarballs, git fetches, release tarballs and their listings. The limits and the
 * requests granted live in the store, so every `watch run` and `watch worker` on every machine
 * draws from the same budget. A poll or job that would exceed its host's budget waits for the next
 * window; when that is far off, its job is put back in the queue for then (not counted as a failed
 * attempt) and its poll is left to the next round.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { StagelightError } from '../errors.js'
import { loadRegistryConfig } from '../sources/npm/index.js'
import type { WatchContext } from './context.js'
import type { Analysis, Target } from './model.js'
import type { RateLimit } from './store/store.js'

/** Time as the limiter sees it; tests give a clock they move themselves. */
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = { now: () => Date.now(), sleep: (ms) => sleep(ms) }

/** A wait longer than this puts the job back in the queue instead of holding a worker (default 60 s). */
export const DEFAULT_MAX_WAIT_MS = 60_000

/** Thrown when a host's budget is spent for longer than a worker should wait. */
export class RateLimitedError extends Error {
  readonly retryInMs: number
  constructor(host: string, retryInMs: number) {
    super(`the rate limit of ${host} is reached; next request in ${Math.ceil(retryInMs / 1000)} s`)
    this.name = 'RateLimitedError'
    this.retryInMs = retryInMs
  }
}

/** `<requests>/<seconds>` (`30/60`: 30 requests a minute), as given on the command line. */
export function parseRateLimit(text: string): RateLimit {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m?.[3] ?? 's') as 'ms' | 's' | 'm' | 'h']
  const requests = Number(m?.[1])
  const intervalMs = Math.round(Number(m?.[2]) * unit)
  if (!m || requests < 1 || requests > 1_000_000 || intervalMs < 1 || intervalMs > 7 * 86_400_000) {
    throw new StagelightError('E_USAGE', `not a rate limit: ${JSON.stringify(text)}; expected <requests>/<interval>, e.g. 30/60 (30 a minute), 1/2s, 1000/1h`)
  }
  return { requests, intervalMs }
}

/** A host as limits name it: `name` or `name:port`, lower case; `*` is every other host. */
export function normaliseHost(text: string): string {
  const host = text.trim().toLowerCase()
  if (host === '*' || /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/.test(host)) return host
  throw new StagelightError('E_USAGE', `not a host name: ${JSON.stringify(text)} (e.g. registry.npmjs.org, github.com, 127.0.0.1:4873, or * for every other host)`)
}

/** The host a location reaches: a URL's, an scp-like git remote's (`git@host:path`); undefined for a local path. */
export function hostOf(location: string): { host: string; hostname: string } | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)/.exec(location)
  if (scp) return { host: scp[1]!.toLowerCase(), hostname: scp[1]!.toLowerCase() }
  if (!/^[a-z][\w+.-]*:\/\//i.test(location) || /^file:/i.test(location)) return undefined
  try {
    const url = new URL(location)
    return url.hostname ? { host: url.host.toLowerCase(), hostname: url.hostname.toLowerCase() } : undefined
  } catch {
    return undefined
  }
}

/** The limit that applies to a host, and the key its requests are counted under: `name:port`, then `name`, then `*`. */
export function limitFor(limits: readonly (RateLimit & { host: string })[], reached: { host: string; hostname: string }): { key: string; limit: RateLimit } | undefined {
  const byHost = new Map(limits.map((l) => [l.host, l]))
  const exact = byHost.get(reached.host) ?? byHost.get(reached.hostname)
  if (exact) return { key: exact.host, limit: exact }
  const fallback = byHost.get('*')
  // every host has a budget of its own under the default limit
  return fallback ? { key: `*|${reached.host}`, limit: fallback } : undefined
}

/**
 * Waits until each host the locations reach grants one request. Throws RateLimitedError when a
 * budget is spent for longer than `maxWaitMs`; requests already granted stay counted (they would
 * have been sent).
 */
export async function throttle(context: WatchContext, locations: readonly (string | undefined)[]): Promise<void> {
  const hosts = new Map<string, { host: string; hostname: string }>()
  for (const location of locations) {
    const reached = location ? hostOf(location) : undefined
    if (reached) hosts.set(reached.host, reached)
  }
  if (hosts.size === 0) return
  const limits = await context.store.rateLimits()
  if (limits.length === 0) return
  const clock = context.clock ?? systemClock
  const maxWaitMs = context.maxRateWaitMs ?? DEFAULT_MAX_WAIT_MS
  for (const reached of hosts.values()) {
    const applies = limitFor(limits, reached)
    if (!applies) continue
    for (;;) {
      const at = clock.now()
      if (await context.store.takeRateToken(applies.key, applies.limit, at)) break
      const waitMs = (Math.floor(at / applies.limit.intervalMs) + 1) * applies.limit.intervalMs - at
      if (waitMs > maxWaitMs) throw new RateLimitedError(reached.host, waitMs)
      context.onProgress?.(`waiting ${Math.ceil(waitMs / 1000)} s for the rate limit of ${reached.host}`)
      await clock.sleep(waitMs)
    }
  }
}

/** Where a target's poll sends requests. */
export function pollLocations(target: Target, context: WatchContext): string[] {
  if (target.kind === 'npm') return [loadRegistryConfig(context.cwd, context.env, target.options.registry).registryFor(target.name)]
  if (target.kind === 'git') return [target.name]
  if (target.kind === 'tarball') return [target.options.listing ?? target.name]
  if (target.kind === 'debian') return [target.options.index ?? '']
  return []
}

/** Where one analysis of a release sends requests. */
export function jobLocations(target: Target, analysis: Analysis, context: WatchContext, tarball: string | undefined): string[] {
  const locations: (string | undefined)[] = []
  if (target.kind === 'npm') {
    locations.push(loadRegistryConfig(context.cwd, context.env, target.options.registry).registryFor(target.name))
    if (analysis === 'verify') locations.push(target.options.source)
  } else if (target.kind === 'git') {
    // a remote repository is fetched again by every analysis that opens it
    locations.push(target.name)
    if (analysis === 'verify') locations.push(tarball)
  } else if (target.kind === 'tarball' || target.kind === 'debian') {
    locations.push(tarball)
    if (analysis === 'verify') locations.push(target.options.source)
  }
  return locations.filter((l): l is string => l !== undefined)
}
