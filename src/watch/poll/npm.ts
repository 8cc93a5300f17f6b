/**
 * @fileoverview New versions and dist-tag moves of an npm package, from its full registry document
 * (the registry of `.npmrc`, scoped registries and tokens honoured), revalidated on every poll.
 */
import semver from 'semver'
import { RegistryClient, publishTime, versionsInPublishOrder } from '../../audit/registry/index.js'
import type { WatchContext } from '../context.js'
import type { NewEvent, Release, Target } from '../model.js'
import { RetryableError } from '../analyses/types.js'

export interface NpmPoll {
  /** every version, oldest publish first */
  readonly releases: readonly Release[]
  readonly distTags: Readonly<Record<string, string>>
}

export async function pollNpm(target: Target, context: WatchContext): Promise<NpmPoll> {
  const client = new RegistryClient({ cacheDir: context.cacheDir, cwd: context.cwd, env: context.env, maxAgeMs: 0, ...(target.options.registry ? { registry: target.options.registry } : {}) })
  const result = await client.fetchPackument(target.name)
  if (result.kind === 'unavailable') throw new RetryableError(`${target.name}: ${result.reason}`)
  if (result.kind === 'not-found') throw new RetryableError(`${target.name} is not on ${result.registry}`)
  const releases = versionsInPublishOrder(result.doc).map((f) => {
    const at = publishTime(result.doc, f.version)
    return { version: f.version, facts: at ? { publishedAt: at } : {} }
  })
  return { releases, distTags: { ...(result.doc['dist-tags'] ?? {}) } }
}

/**
 * Events for dist-tags that point elsewhere than at the last poll. A tag moved to a lower version
 * is worth a look (a quiet rollback, or a hijacked `latest` pointing at an old version re-published
 * as the default); one moved forward is routine.
 */
export function distTagMoves(name: string, before: Readonly<Record<string, string>> | undefined, after: Readonly<Record<string, string>>): NewEvent[] {
  if (!before) return []
  const events: NewEvent[] = []
  for (const [tag, version] of Object.entries(after)) {
    const was = before[tag]
    if (was === undefined || was === version) continue
    const backwards = semver.valid(was) && semver.valid(version) && semver.lt(version, was)
    events.push({
      severity: backwards ? 'medium' : 'info',
      ruleId: backwards ? 'watch/dist-tag-moved-back' : 'watch/dist-tag-moved',
      message: `${name}: dist-tag "${tag}" moved from ${was} to ${version}${backwards ? ' (a lower version)' : ''}`,
      evidence: undefined,
    })
  }
  for (const tag of Object.keys(before)) {
    if (after[tag] === undefined) events.push({ severity: 'low', ruleId: 'watch/dist-tag-removed', message: `${name}: dist-tag "${tag}" (was ${before[tag]}) was removed`, evidence: undefined })
  }
  return events
}
