import { Command } from 'commander'
import { audit } from '../../audit/audit.js'
import { loadConfig } from '../../policy/config.js'
import { addOutputOptions, defaultCacheDir, emitReport, resolveFrom, type OutputOptions } from '../common.js'
import { progressReporter, type CliIO } from '../io.js'

interface AuditFlags extends OutputOptions {
  readonly advisories: string[]
  readonly registry?: string
  readonly offline: boolean
  readonly registrySignals: boolean
  readonly advisoryDatabase: boolean
  readonly osvUrl?: string
  readonly cacheDir?: string
  readonly config?: string
}

const EXAMPLES = `
Examples:
  $ stagelight audit                                  # the project in this directory
  $ stagelight audit path/to/package-lock.json --fail-on medium
  $ stagelight advisories update                      # download the OSV databases once
  $ stagelight audit --offline                        # then audit from the cache only
  $ stagelight audit --advisories osv-npm.zip --advisories osv-debian/
  $ stagelight audit /var/lib/dpkg/status --no-registry-signals
  $ stagelight audit bom.cdx.json --format sarif --output audit.sarif

Inputs: a project directory (its npm-shrinkwrap.json, package-lock.json, yarn.lock or
pnpm-lock.yaml), a lockfile, a CycloneDX or SPDX JSON SBOM, or a dpkg status file.
Advisories come from the OSV databases in the cache (osv.dev's exports, updated when
older than a day unless --offline; see \`stagelight advisories --help\`), or from the OSV
data you give instead (--advisories), and from the registry's bulk advisory endpoint when
it answers. The report says which were consulted and how old the databases are; a
database that is missing makes the audit incomplete (exit 3), never "no advisories".

Policy: stagelight.config.json in the project (or --config) sets thresholds, allowed
registries and ignores, each with a reason and an expiry date (schema/stagelight.config.schema.json).

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad usage or
unreadable input; 3 could not complete; 70 internal error.`

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export function auditCommand(io: CliIO, setExit: (code: number) => void): Command {
  const command = new Command('audit')
    .summary("check every dependency's registry signals and known advisories")
    .description(
      'Reads the inventory (lockfile, SBOM or dpkg status), then for each package: lockfile hygiene, ' +
        'registry signals (install scripts, maintainer and publisher changes, fresh or out-of-order ' +
        'publishes, lost provenance, repository and license changes, integrity mismatches, ' +
        'dependency confusion, typosquatting) and known advisories (OSV, with exact range semantics).',
    )
    .argument('[target]', 'project directory, lockfile, SBOM or dpkg status file', '.')
    .option('--advisories <source>', 'OSV data instead of the downloaded databases: a directory, a zip export or a record file (repeatable)', collect, [])
    .option('--no-advisory-database', 'do not use (or update) the OSV databases in the cache')
    .option('--osv-url <url>', 'where OSV databases are downloaded from (a mirror of osv.dev’s export bucket)')
    .option('--registry <url>', 'the npm registry (default: from .npmrc)')
    .option('--offline', 'use only cached registry documents and OSV databases; ask nothing over the network', false)
    .option('--no-registry-signals', 'do not fetch registry documents (no signals, advisories only)')
    .option('--cache-dir <dir>', 'where registry documents and OSV databases are cached (default: $XDG_CACHE_HOME/stagelight)')
    .option('--config <file>', 'policy file (default: stagelight.config.json in the current directory)')
  addOutputOptions(command).addHelpText('after', EXAMPLES)
  command.action(async (target: string, flags: AuditFlags) => {
    const { config, path: configPath } = await loadConfig(io.cwd, flags.config ? resolveFrom(io, flags.config) : undefined)
    const failOn = command.getOptionValueSource('failOn') === 'default' && config.failOn ? config.failOn : flags.failOn
    const report = await audit({
      target: resolveFrom(io, target),
      label: target,
      cwd: io.cwd,
      env: io.env,
      cacheDir: flags.cacheDir ? resolveFrom(io, flags.cacheDir) : defaultCacheDir(io.env),
      offline: flags.offline,
      advisories: flags.advisories.map((a) => resolveFrom(io, a)),
      registrySignals: flags.registrySignals,
      advisoryDatabase: flags.advisoryDatabase,
      ...(flags.osvUrl ? { osvUrl: flags.osvUrl } : {}),
      config,
      ...(configPath ? { configPath } : {}),
      ...(flags.registry ? { registry: flags.registry } : {}),
      onProgress: progressReporter(io, flags),
    })
    setExit(await emitReport(report, { ...flags, failOn }, io))
  })
  return command
}
