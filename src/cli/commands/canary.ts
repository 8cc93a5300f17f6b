import { Command, InvalidArgumentError } from 'commander'
import { canaryNpm } from '../../canary/npm.js'
import { canaryRun, loadSuite, parseAssignments, parseThreshold, type Workload } from '../../canary/run.js'
import { StagelightError } from '../../errors.js'
import { addOutputOptions, emitReport, resolveFrom, type OutputOptions } from '../common.js'
import { progressReporter, type CliIO } from '../io.js'

interface RunFlags extends OutputOptions {
  readonly baseline?: string
  readonly candidate?: string
  readonly config?: string
  readonly runs?: number
  readonly warmup?: number
  readonly envBaseline: string[]
  readonly envCandidate: string[]
  readonly threshold?: string
  readonly trace: boolean
  readonly valgrind: boolean
  readonly instructions: boolean
}

interface NpmFlags extends OutputOptions {
  readonly registry?: string
  readonly runs: number
  readonly threshold: string
}

const WARNING = `
canary EXECUTES the code it measures, on purpose: both commands (or both package versions,
including their install scripts) run on this machine. Only compare code you would run anyway,
or run stagelight itself inside a disposable VM or container.`

const RUN_EXAMPLES = `
Examples:
  $ stagelight canary run --baseline './old/xz -9 -c big.tar' --candidate './new/xz -9 -c big.tar'
  $ stagelight canary run --baseline 'ssh-keyscan localhost' --candidate 'ssh-keyscan localhost' \\
      --env-baseline LD_LIBRARY_PATH=/opt/xz-5.6.0/lib --env-candidate LD_LIBRARY_PATH=/opt/xz-5.6.1/lib
  $ stagelight canary run --baseline 'node bench.js' --candidate 'node bench.js' \\
      --env-candidate NODE_PATH=./next/node_modules --runs 30 --threshold 3%
  $ stagelight canary run --baseline ./a.out --candidate ./b.out --trace --valgrind --instructions
  $ stagelight canary run --config suite.json -f json -o canary.json

Suite file (JSON): { "runs": 20, "warmup": 2, "threshold": "5%", "workloads": [
  { "name": "compress", "baseline": "...", "candidate": "...", "cwd": ".", "env": {},
    "envBaseline": {}, "envCandidate": {} } ] }

Runs alternate between the sides after the warm-up. Per run: wall time, user and system CPU and
peak memory of the whole process tree (getrusage through /usr/bin/time). A verdict ("slower by
31% [24%, 38%], p<0.001") is given only when the 95% bootstrap interval of the ratio of medians
excludes the tolerance; an interval crossing it is reported as canary/inconclusive, never as a
pass. --trace runs each side once under strace -f; --valgrind once under memcheck;
--instructions counts instructions with perf stat, or callgrind where perf cannot.
${WARNING}

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad usage or a command
that cannot start; 3 could not complete (a missing tool); 70 internal error.`

const NPM_EXAMPLES = `
Examples:
  $ stagelight canary npm left-pad@1.2.0 left-pad@1.3.0
  $ stagelight canary npm @scope/pkg@2.0.0 @scope/pkg@2.0.1 --registry http://localhost:4873/ -f json

Both versions are first fetched with --ignore-scripts (nothing runs), then each is installed
into a fresh temporary project with lifecycle scripts enabled (npm install --offline
--foreground-scripts --ignore-scripts=false), under strace -f, with a temporary HOME and TMPDIR
and, where the kernel allows, inside a new network namespace (unshare -n / -rn): the report
says which isolation was achieved. The package is then loaded with node -e "require(name)".
Reported: new programs, connections, DNS queries and files written outside the project, and
time and memory at install and load.
${WARNING}

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad usage or a version
that does not exist; 3 could not complete; 70 internal error.`

const positiveInt = (min: number) => (value: string): number => {
  const n = Number(value)
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`)
  return n
}

const threshold = (value: string): string => {
  try {
    parseThreshold(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
  return value
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export function canaryCommand(io: CliIO, setExit: (code: number) => void): Command {
  const canary = new Command('canary')
    .summary('run a baseline and a candidate side by side: slower, hungrier, or doing something new? (executes them)')
    .description('Differential measurement of two versions of anything runnable: performance with statistics, behaviour under strace, memory errors under valgrind, and npm package versions installed in a sandbox.' + WARNING)

  const run = canary
    .command('run')
    .summary('compare two commands: timing statistics, and optionally strace, valgrind and instruction counts')
    .description('Runs the same workload with a baseline and a candidate command, interleaved after warm-up, and reports whether the candidate is slower, uses more memory, or does things the baseline never did.' + WARNING)
    .option('--baseline <command>', 'the baseline command (a shell command line)')
    .option('--candidate <command>', 'the candidate command (a shell command line)')
    .option('--config <file>', 'a JSON suite of workloads instead of --baseline/--candidate')
    .option('--runs <n>', 'measured runs per side (default 20)', positiveInt(1))
    .option('--warmup <n>', 'warm-up runs per side, not measured (default 2)', positiveInt(0))
    .option('--env-baseline <K=V>', 'environment for the baseline only (repeatable)', collect, [])
    .option('--env-candidate <K=V>', 'environment for the candidate only (repeatable)', collect, [])
    .option('--threshold <tolerance>', 'tolerance for a verdict, e.g. 5% (default 5%)', threshold)
    .option('--trace', 'run each side once under strace -f and report new behaviour', false)
    .option('--valgrind', 'run each side once under valgrind memcheck and report new errors', false)
    .option('--instructions', 'count instructions (perf stat, or callgrind when perf is unusable)', false)
  addOutputOptions(run).addHelpText('after', RUN_EXAMPLES)
  run.action(async (flags: RunFlags) => {
    let workloads: Workload[]
    let config: { runs?: number; warmup?: number; threshold?: string | number } = {}
    if (flags.config) {
      if (flags.baseline || flags.candidate) throw new StagelightError('E_USAGE', 'use either --config or --baseline/--candidate, not both')
      const suite = await loadSuite(resolveFrom(io, flags.config), io.cwd)
      workloads = suite.workloads
      config = suite.config
    } else {
      if (!flags.baseline || !flags.candidate) throw new StagelightError('E_USAGE', `canary run needs ${[flags.baseline ? '' : '--baseline', flags.candidate ? '' : '--candidate'].filter(Boolean).join(' and ')} (or --config)`)
      workloads = [
        {
          name: 'workload',
          baseline: { label: 'baseline', command: flags.baseline, env: parseAssignments(flags.envBaseline), cwd: io.cwd },
          candidate: { label: 'candidate', command: flags.candidate, env: parseAssignments(flags.envCandidate), cwd: io.cwd },
        },
      ]
    }
    const runs = flags.runs ?? config.runs ?? 20
    if (!Number.isSafeInteger(runs) || runs < 1) throw new StagelightError('E_USAGE', `runs must be at least 1, not ${runs}`)
    const report = await canaryRun({
      workloads,
      runs,
      warmup: flags.warmup ?? config.warmup ?? 2,
      threshold: parseThreshold(flags.threshold ?? config.threshold ?? '5%'),
      trace: flags.trace,
      valgrind: flags.valgrind,
      instructions: flags.instructions,
      env: io.env,
      onProgress: progressReporter(io, flags),
    })
    setExit(await emitReport(report, flags, io))
  })

  const npm = canary
    .command('npm')
    .summary('install and load two versions of an npm package in a sandbox and compare what they do')
    .description('Installs each version with its lifecycle scripts into a fresh temporary project under strace, with a temporary HOME and no network where possible, loads it, and reports what the second version does that the first never did.' + WARNING)
    .argument('<baseline>', 'name@version of the version you trust')
    .argument('<candidate>', 'name@version of the version to check')
    .option('--registry <url>', 'registry to fetch from (default: npm config get registry)')
    .option('--runs <n>', 'timed installs and loads per version, besides the traced one', positiveInt(1), 3)
    .option('--threshold <tolerance>', 'tolerance for time and memory verdicts', threshold, '5%')
  addOutputOptions(npm).addHelpText('after', NPM_EXAMPLES)
  npm.action(async (baseline: string, candidate: string, flags: NpmFlags) => {
    const report = await canaryNpm({
      baseline,
      candidate,
      ...(flags.registry ? { registry: flags.registry } : {}),
      runs: flags.runs,
      threshold: parseThreshold(flags.threshold),
      env: io.env,
      cwd: io.cwd,
      onProgress: progressReporter(io, flags),
    })
    setExit(await emitReport(report, flags, io))
  })
  return canary
}
