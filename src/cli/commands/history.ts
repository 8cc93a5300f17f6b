import { Command, InvalidArgumentError } from 'commander'
import { history } from '../../history/history.js'
import { loadPolicy } from '../../history/policy.js'
import type { WindowSize } from '../../history/collect.js'
import { addOutputOptions, defaultCacheDir, emitReport, resolveFrom, type OutputOptions } from '../common.js'
import { progressReporter, type CliIO } from '../io.js'

interface HistoryFlags extends OutputOptions {
  readonly since?: string
  readonly until?: string
  readonly window: WindowSize
  readonly config?: string
  readonly offline: boolean
  readonly cacheDir?: string
}

const parseWindow = (value: string): WindowSize => {
  if (value === 'month' || value === 'quarter' || value === 'year') return value
  throw new InvalidArgumentError('expected one of quarter, month, year')
}

const EXAMPLES = `
Examples:
  $ stagelight history .
  $ stagelight history https://github.com/tukaani-project/xz --since 2020-01-01
  $ stagelight history ../foo --window year --format json --output history.json
  $ stagelight history ../foo --config history-policy.json --fail-on medium

The report gives who maintains the project, how concentrated and tired that is (bus factor,
truck factor, HHI, Gini, fatigue), the ledger of power events (first commit, commit access,
first release tag, signing keys, first touch of build system, CI, release scripts, security
policy, URLs, test data, weakened defences) and the patterns (rapid trust escalation,
release-manager change, single point of failure). --config takes a JSON object overriding any
threshold of the history policy (see src/history/policy.ts).

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad usage or
unreadable input; 3 could not complete (e.g. a shallow clone); 70 internal error.`

export function historyCommand(io: CliIO, setExit: (code: number) => void): Command {
  const command = new Command('history')
    .summary('the trust timeline of a project: who maintains it, and who gained which powers when')
    .description(
      'Streams the git history (commits, identities through .mailmap, tags and their signatures) ' +
        'and reports governance metrics per window, the ledger of power events and escalation ' +
        'patterns. Nothing from the repository is executed: no hooks, filters or configured programs.',
    )
    .argument('<repository>', 'a local git repository (bare or not) or a git URL')
    .option('--since <date>', 'only commits after this date (any date git understands)')
    .option('--until <date>', 'only commits before this date')
    .option('--window <size>', 'window for per-period metrics: quarter, month or year', parseWindow, 'quarter' as WindowSize)
    .option('--config <file>', 'JSON file overriding history policy thresholds')
    .option('--offline', 'never touch the network: a URL source must already be cached', false)
    .option('--cache-dir <dir>', 'where cloned sources are cached (default: $XDG_CACHE_HOME/stagelight)')
  addOutputOptions(command).addHelpText('after', EXAMPLES)
  command.action(async (repository: string, flags: HistoryFlags) => {
    const onProgress = progressReporter(io, flags)
    const policy = await loadPolicy(flags.config ? resolveFrom(io, flags.config) : undefined)
    const report = await history({
      source: /^[\w+.-]+:\/\/|^[\w.-]+@[\w.-]+:/.test(repository) ? repository : resolveFrom(io, repository),
      ...(flags.since ? { since: flags.since } : {}),
      ...(flags.until ? { until: flags.until } : {}),
      window: flags.window,
      policy,
      offline: flags.offline,
      cacheDir: flags.cacheDir ? resolveFrom(io, flags.cacheDir) : defaultCacheDir(io.env),
      onProgress,
      label: repository,
    })
    setExit(await emitReport(report, flags, io))
  })
  return command
}
