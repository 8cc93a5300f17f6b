/** @fileoverview `scan` of every new release: the npm package from its registry, or the git tag's tree. */
import { scan } from '../../scan/scan.js'
import type { AnalysisHandler } from './types.js'
import { eventsOf } from './events.js'

export const scanAnalysis: AnalysisHandler = {
  name: 'scan',
  applies: (target) => target.kind === 'npm' || target.kind === 'git',
  async run(release, context) {
    const { target } = release
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
