import { InvalidArgumentError, Option, type Command } from 'commander'
import { writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { StagelightError } from '../errors.js'
import { isSeverity, type Severity } from '../model/finding.js'
import type { Report } from '../model/report.js'
import { breachesThreshold } from '../policy/verdict.js'
import { FORMATS, isFormat, render, type Format } from '../report/index.js'
import { EXIT } from '../errors.js'
import { clearProgress, useColor, type CliIO } from './io.js'

export interface OutputOptions {
  readonly format: Format
  /** text: show only findings at or above this severity (the others are counted) */
  readonly minSeverity?: Severity
  /** the same report also written in these formats to these files (one analysis, several renderings) */
  readonly save?: readonly { format: Format; file: string }[]
  readonly output?: string
  readonly failOn: Severity | 'none'
  readonly quiet: boolean
  readonly verbose: boolean
  readonly debug: boolean
}

const parseFailOn = (value: string): Severity | 'none' => {
  if (value === 'none' || isSeverity(value)) return value
  throw new InvalidArgumentError('expected one of info, low, medium, high, critical, none')
}

const parseSave = (value: string, previous: readonly { format: Format; file: string }[]): { format: Format; file: string }[] => {
  const colon = value.indexOf(':')
  const format = value.slice(0, colon)
  if (colon < 1 || !isFormat(format) || colon === value.length - 1) throw new InvalidArgumentError(`expected <format>:<file>, the format one of ${FORMATS.join(', ')}`)
  return [...previous, { format, file: value.slice(colon + 1) }]
}

const parseSeverity = (value: string): Severity => {
  if (isSeverity(value)) return value
  throw new InvalidArgumentError('expected one of info, low, medium, high, critical')
}

/** The report as text shows it with --min-severity: the findings below the bar counted in a fact, not listed. */
function aboveSeverity(report: Report, min: Severity): Report {
  const shown = report.findings.filter((f) => breachesThreshold([f], min))
  const hidden = report.findings.length - shown.length
  if (hidden === 0) return report
  return { ...report, findings: shown, facts: [...report.facts, { label: 'not shown', value: `${hidden} finding(s) below ${min} (--min-severity ${min}); the verdict and exit code count them` }] }
}

const parseFormat = (value: string): Format => {
  if (isFormat(value)) return value
  throw new InvalidArgumentError(`expected one of ${FORMATS.join(', ')}`)
}

/** The output options every analysing command shares, declared once. */
export function addOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('-f, --format <format>', `report format: ${FORMATS.join(', ')}`).argParser(parseFormat).default('text'))
    .option('-o, --output <file>', 'write the report to this file instead of stdout')
    .option('--save <format:file>', 'also write the same report in another format to a file, e.g. sarif:out.sarif (repeatable)', parseSave, [])
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding reaches this severity (info|low|medium|high|critical|none)').argParser(parseFailOn).default('high'))
    .addOption(new Option('--min-severity <severity>', 'text output: show only findings at or above this severity (info|low|medium|high|critical); the rest are counted').argParser(parseSeverity))
    .option('-q, --quiet', 'no progress on stderr', false)
    .option('-v, --verbose', 'list every explained difference and each step', false)
    .option('--debug', 'show stack traces for errors', false)
}

export const defaultCacheDir = (env: NodeJS.ProcessEnv): string =>
  env.STAGELIGHT_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'stagelight')

export const resolveFrom = (io: CliIO, path: string): string => resolve(io.cwd, path)

/** Renders the report where asked and turns the policy into the exit status. */
export async function emitReport(report: Report, options: OutputOptions, io: CliIO): Promise<number> {
  clearProgress(io)
  const target = options.output ? resolveFrom(io, options.output) : undefined
  const shown = options.minSeverity && options.format === 'text' ? aboveSeverity(report, options.minSeverity) : report
  const text = render(shown, options.format, { color: target === undefined && options.format === 'text' && useColor(io.stdout, io.env), verbose: options.verbose })
  for (const extra of options.save ?? []) {
    try {
      await writeFile(resolveFrom(io, extra.file), render(report, extra.format, { verbose: options.verbose }))
    } catch (err) {
      throw new StagelightError('E_INPUT_INVALID', `cannot write the report to ${extra.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
    }
  }
  if (target) {
    try {
      await writeFile(target, text)
    } catch (err) {
      throw new StagelightError('E_INPUT_INVALID', `cannot write the report to ${options.output}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
    }
    if (!options.quiet) io.stderr.write(`stagelight: ${report.verdict} — report written to ${options.output}\n`)
  } else io.stdout.write(text)
  if (report.incomplete?.length) return EXIT.incomplete
  return breachesThreshold(report.findings, options.failOn) ? EXIT.findings : EXIT.ok
}
