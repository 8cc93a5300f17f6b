/**
 * @fileoverview New tags of a git repository: a local path read in place, a URL mirrored into
 * the cache and fetched on every poll. A tag's version is the number at its end (`v5.6.1` → 5.6.1).
 */
import { listTags, openRepository, readTagFacts } from '../../sources/git/index.js'
import { versionFromRef } from '../../verify/verify.js'
import type { WatchContext } from '../context.js'
import type { Release, Target } from '../model.js'
import { tagRecord } from '../analyses/tagger.js'

/** Every tag as a release; tags that do not end in a version keep their name as version. */
export async function pollGit(target: Target, context: WatchContext, known: ReadonlySet<string>): Promise<Release[]> {
  const repo = await openRepository(target.name, { cacheDir: context.cacheDir, offline: false })
  const releases: Release[] = []
  for (const tag of await listTags(repo)) {
    const version = versionFromRef(tag) ?? tag
    if (known.has(version)) {
      releases.push({ version, ref: tag })
      continue
    }
    // only a tag not seen before is read further
    const facts = await readTagFacts(repo, tag)
    releases.push({ version, ref: tag, facts: tagRecord(facts) })
  }
  return releases
}
