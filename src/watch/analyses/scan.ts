/** @fileoverview `scan` of every new release: the npm package from its registry, the git tag's tree, or the release tarball. */
import { scan } from '../../scan/scan.js'
import type { AnalysisHandler } from './types.js'
import { eventsOf } from './events.js'
import { expectedSha256, releaseTarball, releaseTarballLocation, reportingMismatch } from './verify.js'

export const scanAnalysis: AnalysisHandler = {
  name: 'scan',
  applies: (target) => target.kind !== 'deb',
  async run(release, context) {
    const { target } = release
    if (target.kind === 'tarball' || target.kind === 'debian') {
      const location = releaseTarballLocation(release)
      const report = await scan({ target: await reportingMismatch(release, context, () => releaseTarball(location, context, expectedSha256(release))), label: location, cwd: context.cwd, env: context.env, cacheDir: context.cacheDir })
      return { report, events: eventsOf(report) }
    }
    const report = await scan({
      target: target.kind === 'npm' ? `npm:${target.name}@${release.version}` : target.name,
      label: target.kind === 'npm' ? `${target.name}@${release.version}` : `${target.name}@${release.ref ?? release.version}`,
      cwd: context.cwd,
      env: context.env,
      cacheDir: context.cacheDir,
      ...(target.kind === 'git' && release.ref ? { ref: release.ref } : {}),
      ...(target.options.registry ? { registry: target.options.registry } : {}),
    })
    return { report, events: eventsOf(report) }
  },
}
