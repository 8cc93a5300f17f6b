/** @fileoverview `scan` of every new release: the npm package from its registry, the git tag's tree, or the release tarball. */
import { scan } from '../../scan/scan.js'
import type { AnalysisHandler } from './types.js'
import { eventsOf } from './events.js'
import { releaseTarball, releaseTarballLocation } from './verify.js'

export const scanAnalysis: AnalysisHandler = {
  name: 'scan',
  applies: (target) => target.kind === 'npm' || target.kind === 'git' || target.kind === 'tarball',
  async run(release, context) {
    const { target } = release
    if (target.kind === 'tarball') {
      const location = releaseTarballLocation(release)
      const report = await scan({ target: await releaseTarball(location, context), label: location, cwd: context.cwd, env: context.env, cacheDir: context.cacheDir })
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
