/**
 * @fileoverview The audit signals of a new npm version compared with the version published before
 * it: what changed in who publishes, what runs at install, where the source is, and what proves
 * the build. A change is the event, not the state: a package that always had an install script
 * is `audit`'s business; one that just gained it is news.
 */
import { RegistryClient, knownValue, versionFacts, versionsInPublishOrder, type VersionFacts } from '../../audit/registry/index.js'
import type { Finding, Severity } from '../../model/finding.js'
import { assembleReport } from '../../policy/report.js'
import { eventsOf } from './events.js'
import { RetryableError, type AnalysisHandler } from './types.js'

const finding = (ruleId: string, severity: Severity, message: string, evidence?: string, explanation?: string): Finding => ({
  ruleId,
  severity,
  confidence: 'high',
  message,
  ...(evidence ? { evidence } : {}),
  ...(explanation ? { explanation } : {}),
})

const scriptsOf = (f: VersionFacts): Record<string, string> => ({
  ...f.installScripts.declared,
  ...Object.fromEntries(f.installScripts.implied.map((s) => [`(implied) ${s}`, s])),
})

/** The findings of `current` against `previous` (undefined for a package's first version). */
export function signalDeltas(current: VersionFacts, previous: VersionFacts | undefined): Finding[] {
  const id = `${current.name}@${current.version}`
  const out: Finding[] = []
  if (!previous) {
    const scripts = scriptsOf(current)
    if (Object.keys(scripts).length > 0) {
      out.push(finding('watch/install-script-added', 'high', `${id}, the package's first version, runs code at install`, Object.entries(scripts).map(([k, v]) => `${k}: ${v}`).join('\n')))
    }
    return out
  }
  const before = scriptsOf(previous)
  const after = scriptsOf(current)
  for (const [hook, command] of Object.entries(after)) {
    if (before[hook] === undefined) {
      out.push(
        finding(
          'watch/install-script-added',
          'high',
          `${id} adds a ${hook} script that ${previous.version} did not have`,
          `${hook}: ${command}`,
          'An install script runs with the installing user\'s rights on every machine that installs the package, before anyone reviews it.',
        ),
      )
    } else if (before[hook] !== command) {
      out.push(finding('watch/install-script-changed', 'high', `${id} changes its ${hook} script`, `- ${before[hook]}\n+ ${command}`))
    }
  }
  const publisher = knownValue(current.publisher)
  const previousPublisher = knownValue(previous.publisher)
  if (publisher && previousPublisher && publisher.name !== previousPublisher.name) {
    const wasMaintainer = knownValue(previous.maintainers)?.includes(publisher.name) ?? false
    out.push(
      finding(
        'watch/publisher-changed',
        wasMaintainer ? 'low' : 'medium',
        `${id} was published by ${publisher.name}${publisher.email ? ` <${publisher.email}>` : ''}; ${previous.version} by ${previousPublisher.name}${wasMaintainer ? '' : ` (${publisher.name} was not a maintainer of ${previous.version})`}`,
      ),
    )
  }
  const maintainers = knownValue(current.maintainers)
  const previousMaintainers = knownValue(previous.maintainers)
  if (maintainers && previousMaintainers) {
    const added = maintainers.filter((m) => !previousMaintainers.includes(m))
    const removed = previousMaintainers.filter((m) => !maintainers.includes(m))
    if (added.length > 0) out.push(finding('watch/maintainer-added', removed.length > 0 ? 'medium' : 'low', `${id} adds maintainer${added.length > 1 ? 's' : ''} ${added.join(', ')}${removed.length ? `, and removes ${removed.join(', ')}` : ''}`))
  }
  if (previous.repository && current.repository?.normalised !== previous.repository.normalised) {
    out.push(
      finding(
        'watch/repository-changed',
        'medium',
        current.repository ? `${id} names another repository: ${current.repository.normalised} (was ${previous.repository.normalised})` : `${id} no longer names a repository (was ${previous.repository.normalised})`,
      ),
    )
  }
  if (knownValue(previous.attestations) && current.attestations.known && current.attestations.value === null) {
    out.push(finding('watch/provenance-lost', 'high', `${id} has no provenance attestation; ${previous.version} had one`, undefined, 'A release built elsewhere than the declared CI, e.g. from a maintainer\'s laptop with stolen credentials, loses its provenance.'))
  }
  if ((knownValue(previous.signatures)?.length ?? 0) > 0 && current.signatures.known && current.signatures.value.length === 0) {
    out.push(finding('watch/registry-signature-lost', 'medium', `${id} carries no registry signature; ${previous.version} did`))
  }
  const newDependencies = Object.keys(current.dependencies).filter((d) => previous.dependencies[d] === undefined)
  if (newDependencies.length > 0) out.push(finding('watch/dependency-added', 'low', `${id} adds dependenc${newDependencies.length > 1 ? 'ies' : 'y'} ${newDependencies.join(', ')}`))
  return out
}

export const signalsAnalysis: AnalysisHandler = {
  name: 'signals',
  applies: (target) => target.kind === 'npm',
  async run(release, context) {
    const { target } = release
    const client = new RegistryClient({ cacheDir: context.cacheDir, cwd: context.cwd, env: context.env, maxAgeMs: 60_000, ...(target.options.registry ? { registry: target.options.registry } : {}) })
    const result = await client.fetchPackument(target.name)
    if (result.kind === 'unavailable') throw new RetryableError(`registry document of ${target.name}: ${result.reason}`)
    if (result.kind === 'not-found') throw new Error(`${target.name} is not on ${result.registry}`)
    const current = versionFacts(result.doc, release.version)
    if (!current) throw new Error(`${target.name}@${release.version} is not in its registry document (unpublished?)`)
    const order = versionsInPublishOrder(result.doc)
    const index = order.findIndex((f) => f.version === release.version)
    const previous = index > 0 ? order[index - 1] : undefined
    const findings = signalDeltas(current, previous)
    const report = assembleReport({
      command: 'watch signals',
      subject: { package: `${target.name}@${release.version}`, ...(previous ? { previous: previous.version } : {}) },
      facts: [
        { label: 'registry', value: result.registry },
        { label: 'compared with', value: previous ? `${previous.version} (the version published before it)` : 'nothing: the first version' },
      ],
      findings,
      summary: {},
    })
    return { report, events: eventsOf(report) }
  },
}
