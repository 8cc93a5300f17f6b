/**
 * `stagelight canary npm name@a name@b`: installs each version into a fresh temporary project with
 * lifecycle scripts enabled, under strace, with a temporary HOME and (where the kernel allows) no
 * network, then loads it; reports what the second version does that the first never did.
 */
import { assembleReport } from '../policy/report.js'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StagelightError } from '../errors.js'
import type { Finding } from '../model/finding.js'
import { bySeverityDesc } from '../model/finding.js'
import { type Fact, type Report } from '../model/report.js'
import { hasProgram, spawnCollect, timedRun, type RunSample, type Side } from './exec.js'
import { behaviourFindings, comparisonFindings, describeMetric } from './findings.js'
import { EXECUTES_NOTICE, compareRuns } from './run.js'
import { newBehaviour, traceRun, type TraceSummary } from './trace.js'

export interface CanaryNpmOptions {
  readonly baseline: string
  readonly candidate: string
  readonly registry?: string
  readonly runs: number
  readonly threshold: number
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
  readonly onProgress?: (message: string) => void
}

export interface Isolation {
  /** what goes before the command: `unshare -n`, `unshare -rn` or nothing */
  readonly prefix: readonly string[]
  readonly network: string
}

const works = (argv: readonly string[]): boolean => {
  try {
    const [program = 'true', ...args] = argv
    execFileSync(program, args, { stdio: 'ignore', timeout: 10_000 })
    return true
  } catch {
    return false
  }
}

/** Tries a network namespace: as root `unshare -n`, otherwise a user namespace `unshare -rn`. */
export function detectIsolation(): Isolation {
  if (!hasProgram('unshare')) return { prefix: [], network: 'NOT isolated: unshare is not installed, the network was reachable' }
  const rootless = ['unshare', '-rn']
  const root = ['unshare', '-n']
  if (process.getuid?.() === 0 && works([...root, 'true'])) return { prefix: root, network: 'none: a new network namespace (unshare -n) with only a down loopback' }
  if (works([...rootless, 'true'])) return { prefix: rootless, network: 'none: a new user and network namespace (unshare -rn) with only a down loopback' }
  return { prefix: [], network: 'NOT isolated: this kernel or container refuses network namespaces (unshare -n / -rn), the network was reachable' }
}

export function parseSpec(spec: string): { name: string; version: string } {
  const at = spec.lastIndexOf('@')
  if (at <= 0) throw new StagelightError('E_USAGE', `expected name@version, not ${JSON.stringify(spec)}`)
  const name = spec.slice(0, at)
  const version = spec.slice(at + 1)
  if (!version || !/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(name)) throw new StagelightError('E_USAGE', `expected name@version, not ${JSON.stringify(spec)}`)
  return { name, version }
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

const LOAD_SCRIPT =
  "const n=process.argv[1];try{require(n)}catch(e){if(e&&(e.code==='ERR_REQUIRE_ESM'||e.code==='ERR_PACKAGE_PATH_NOT_EXPORTED')){import(n).catch((x)=>{console.error(x);process.exitCode=1})}else{throw e}}"

interface Sandbox {
  readonly project: string
  readonly home: string
  readonly tmp: string
  readonly env: NodeJS.ProcessEnv
}

export async function canaryNpm(options: CanaryNpmOptions): Promise<Report> {
  const started = Date.now()
  const progress = options.onProgress ?? (() => undefined)
  const specs = { baseline: parseSpec(options.baseline), candidate: parseSpec(options.candidate) }
  if (!hasProgram('npm')) throw new StagelightError('E_TOOL_MISSING', 'canary npm needs npm')
  if (!hasProgram('strace')) throw new StagelightError('E_TOOL_MISSING', 'canary npm needs strace')
  const isolation = detectIsolation()
  const root = await mkdtemp(join(tmpdir(), 'stagelight-canary-npm-'))
  const cache = join(root, 'cache')
  try {
    let registry = options.registry
    if (!registry) {
      const r = await spawnCollect('npm', ['config', 'get', 'registry'], { env: options.env, cwd: options.cwd })
      registry = r.stdout.trim() || 'https://registry.npmjs.org/'
    }
    const common = ['--cache', cache, '--registry', registry, '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel', 'warn']

    // 1. prefetch with the user's configuration and --ignore-scripts: downloads, executes nothing
    for (const label of ['baseline', 'candidate'] as const) {
      const spec = options[label]
      progress(`fetching ${spec} (scripts disabled)`)
      const dir = join(root, `prefetch-${label}`)
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, 'package.json'), '{"name":"stagelight-canary-prefetch","version":"0.0.0","private":true}\n')
      const r = await spawnCollect('npm', ['install', '--ignore-scripts', '--no-save', ...common, spec], { env: options.env, cwd: dir })
      if (r.code !== 0) {
        const why = r.stderr.split('\n').find((l) => /ERR!|error/i.test(l) && !/A complete log/.test(l)) ?? r.stderr.split('\n')[0] ?? ''
        const notFound = /E404|ETARGET|No matching version|404 Not Found/i.test(r.stderr)
        throw new StagelightError(notFound ? 'E_INPUT_NOT_FOUND' : 'E_NETWORK', `cannot fetch ${spec}: ${why.replace(/^npm (ERR!|error)\s*/, '').trim() || `npm exited ${r.code}`}`)
      }
    }

    let counter = 0
    const sandbox = async (label: string): Promise<Sandbox> => {
      const base = join(root, `${label}-${counter++}`)
      const s = { project: join(base, 'project'), home: join(base, 'home'), tmp: join(base, 'tmp') }
      for (const d of Object.values(s)) await mkdir(d, { recursive: true })
      await writeFile(join(s.project, 'package.json'), '{"name":"stagelight-canary-probe","version":"0.0.0","private":true}\n')
      await writeFile(join(s.home, '.npmrc'), '')
      const env: NodeJS.ProcessEnv = {
        PATH: options.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: s.home,
        TMPDIR: s.tmp,
        LANG: options.env.LANG ?? 'C.UTF-8',
        npm_config_userconfig: join(s.home, '.npmrc'),
        npm_config_update_notifier: 'false',
      }
      return { ...s, env }
    }
    const installCmd = (spec: string): string =>
      ['npm', 'install', '--offline', '--foreground-scripts', '--ignore-scripts=false', ...common, spec].map(q).join(' ')
    const loadCmd = (name: string): string => ['node', '-e', LOAD_SCRIPT, name].map(q).join(' ')
    const placeholders = (s: Sandbox): [string, string][] => [
      [s.project, '<project>'],
      [s.home, '<home>'],
      [s.tmp, '<tmp>'],
      [cache, '<cache>'],
      [root, '<sandbox>'],
    ]

    // 2. one traced install and load per version
    const traces: Record<'baseline' | 'candidate', { install: TraceSummary; load: TraceSummary; installExit: number | null; loadExit: number | null; installStderr: string }> = {} as never
    for (const label of ['baseline', 'candidate'] as const) {
      const spec = specs[label]
      const s = await sandbox(label)
      progress(`installing ${options[label]} under strace`)
      const traceOptions = { cwd: s.project, insideDirs: [cache], placeholders: placeholders(s), skipRootExec: true }
      const install = await traceRun(['sh', '-c', installCmd(options[label])], s.env, traceOptions, isolation.prefix)
      progress(`loading ${spec.name} under strace`)
      const load = await traceRun(['sh', '-c', loadCmd(spec.name)], s.env, traceOptions, isolation.prefix)
      traces[label] = { install: install.summary, load: load.summary, installExit: install.summary.exitCode, loadExit: load.summary.exitCode, installStderr: install.stderr }
      if (install.summary.exitCode !== 0) {
        const why = install.stderr.split('\n').filter((l) => l.trim()).slice(-3).join(' | ')
        throw new StagelightError('E_INCOMPLETE', `installing ${options[label]} failed in the sandbox (exit ${install.summary.exitCode}): ${why}`)
      }
    }

    // 3. timed installs and loads, interleaved, without strace
    const samples = { install: { baseline: [] as RunSample[], candidate: [] as RunSample[] }, load: { baseline: [] as RunSample[], candidate: [] as RunSample[] } }
    for (let i = 0; i < options.runs; i++) {
      const order = i % 2 === 0 ? (['baseline', 'candidate'] as const) : (['candidate', 'baseline'] as const)
      for (const label of order) {
        progress(`timed run ${i + 1}/${options.runs}: ${options[label]}`)
        const s = await sandbox(label)
        const side = (command: string): Side => ({ label, command, env: {}, cwd: s.project })
        const { stderr: _i, ...install } = await timedRun(side(installCmd(options[label])), s.env, s.tmp, isolation.prefix)
        const { stderr: _l, ...load } = await timedRun(side(loadCmd(specs[label].name)), s.env, s.tmp, isolation.prefix)
        samples.install[label].push(install)
        samples.load[label].push(load)
        await rm(join(s.project, '..'), { recursive: true, force: true })
      }
    }

    const findings: Finding[] = []
    const facts: Fact[] = [
      { label: 'executes code', value: `${EXECUTES_NOTICE}; here the packages' install scripts run, in the sandbox below` },
      { label: 'isolation', value: `network: ${isolation.network}; HOME, TMPDIR and npm cache: fresh temporary directories; environment: PATH, HOME, TMPDIR and LANG only` },
      { label: 'install', value: `npm install --offline --foreground-scripts --ignore-scripts=false from a cache prefetched with --ignore-scripts (registry ${registry})` },
      { label: 'load', value: 'node -e "require(name)" (import() for ES modules) in the installed project' },
    ]
    for (const phase of ['install', 'load'] as const) {
      const news = newBehaviour(traces.baseline[phase], traces.candidate[phase])
      findings.push(...behaviourFindings(phase, `at ${phase}, `, news))
      const count = (t: TraceSummary) => Object.entries(t.behaviours).map(([k, v]) => `${v.length} ${k}`).join(', ')
      facts.push({ label: `${phase} trace`, value: `${options.baseline}: ${count(traces.baseline[phase])}; ${options.candidate}: ${count(traces.candidate[phase])}; new in ${options.candidate}: ${news.length}` })
      const comparisons = compareRuns(samples[phase].baseline, samples[phase].candidate, options.threshold)
      // a few installs are noisy by nature: timing is secondary here, behaviour is the point
      findings.push(...comparisonFindings(phase, comparisons, { inconclusiveSeverity: 'low', regressionSeverity: 'medium' }))
      for (const { c } of comparisons) facts.push({ label: phase, value: describeMetric(c) })
    }
    if (traces.baseline.loadExit !== traces.candidate.loadExit) facts.push({ label: 'load exit status', value: `${options.baseline}: ${traces.baseline.loadExit}, ${options.candidate}: ${traces.candidate.loadExit}` })
    findings.sort(bySeverityDesc)
    return assembleReport({
      command: 'canary',
      subject: { baseline: options.baseline, candidate: options.candidate },
      facts,
      findings,
      summary: {
        mode: 'npm',
        runs: options.runs,
        threshold: options.threshold,
        isolation: { network: isolation.network, prefix: isolation.prefix.join(' ') },
        workloads: (['install', 'load'] as const).map((phase) => ({
          name: phase,
          baseline: { command: options.baseline, runs: samples[phase].baseline },
          candidate: { command: options.candidate, runs: samples[phase].candidate },
          trace: { baseline: traces.baseline[phase], candidate: traces.candidate[phase] },
        })),
        seconds: Math.round((Date.now() - started) / 100) / 10,
      },
    })
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}
