import { Command, CommanderError } from 'commander'
import { EXIT } from '../errors.js'
import { limitsHelp } from '../policy/limits.js'
import { VERSION } from '../version.js'
import { reportError } from './errors.js'
import type { CliIO } from './io.js'

export type { CliIO } from './io.js'

type CommandFactory = (io: CliIO, setExit: (code: number) => void) => Command

/**
 * Each command's module, loaded only when it runs: the watch service, the audit parsers and the
 * PostgreSQL client are not paid for by a verify. Listed in the order the help shows them.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CommandFactory>>> = {
  verify: async () => (await import('./commands/verify.js')).verifyCommand,
  scan: async () => (await import('./commands/scan.js')).scanCommand,
  audit: async () => (await import('./commands/audit.js')).auditCommand,
  advisories: async () => (await import('./commands/advisories.js')).advisoriesCommand,
  history: async () => (await import('./commands/history.js')).historyCommand,
  canary: async () => (await import('./commands/canary.js')).canaryCommand,
  watch: async () => (await import('./commands/watch.js')).watchCommand,
  respond: async () => (await import('./commands/respond.js')).respondCommand,
  rules: async () => (await import('./commands/rules.js')).rulesCommand,
  catalog: async () => (await import('./commands/catalog.js')).catalogCommand,
}

const EXAMPLES = `
Quick start:
  $ stagelight verify foo-1.2.3.tar.gz --source https://example.org/foo.git
  $ stagelight scan . --fail-on high
  $ stagelight scan npm:some-package@1.2.3
  $ stagelight advisories update && stagelight audit
  $ stagelight history https://github.com/tukaani-project/xz --window quarter
  $ stagelight canary run --baseline './old/bin/tool' --candidate './new/bin/tool'
  $ stagelight <command> --help

Exit codes: 0 ok; 1 findings at or above --fail-on; 2 bad usage or input;
3 could not complete; 70 internal error.`

/** Where commander writes: help to stdout; a usage error as one `stagelight: error:` line on stderr. */
const output = (io: CliIO) => ({
  writeOut: (s: string) => io.stdout.write(s),
  writeErr: (s: string) => io.stderr.write(s),
  outputError: (s: string, write: (s: string) => void) => write(`stagelight: ${s.trim().split('\n')[0] ?? ''}\n`),
})

/** What follows a usage error: the command's usage line and where the rest is, not the whole help. */
const usageOf = (command: Command, path: readonly string[]): string => {
  const name = path.join(' ')
  return `Usage: stagelight ${name} ${command.usage()}\nRun 'stagelight ${name} --help' for the options and examples.`
}

/** A command and the commands below it, at any depth, answer through io and exit through main: never the process. */
function answerThroughIo(command: Command, path: readonly string[], io: CliIO): void {
  command.exitOverride().configureOutput(output(io)).showHelpAfterError(usageOf(command, path))
  for (const sub of command.commands) answerThroughIo(sub, [...path, sub.name()], io)
}

/**
 * The commands a run builds: the one named first; none for the version alone; all of them for
 * anything else (the help lists them, a typo is answered with their names).
 * @example commandsToLoad(['verify', 'x.tar.gz']) // ['verify']
 */
export function commandsToLoad(argv: readonly string[]): string[] {
  const named = argv.find((a) => !a.startsWith('-'))
  if (named !== undefined && Object.hasOwn(COMMANDS, named)) return [named]
  const versionOnly = named === undefined && argv.some((a) => a === '-V' || a === '--version') && !argv.some((a) => a === '-h' || a === '--help')
  return versionOnly ? [] : Object.keys(COMMANDS)
}

/** Runs the CLI with the given arguments and returns the exit code; only this layer touches process I/O. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = EXIT.ok
  const setExit = (code: number) => {
    exitCode = code
  }
  const program = new Command('stagelight')
    .description('Instruments the open-source supply chain: does a release match its source, does it hide a payload, who really maintains it, which dependencies carry risks, and did a new version change behaviour?')
    .version(VERSION, '-V, --version')
    .addHelpText('after', () => `${EXAMPLES}\n\n${limitsHelp()}`)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
  const load = commandsToLoad(argv).map((name) => COMMANDS[name] as () => Promise<CommandFactory>)
  for (const factory of await Promise.all(load.map((l) => l()))) {
    const command = factory(io, setExit)
    program.addCommand(command)
    answerThroughIo(command, [command.name()], io)
  }

  const json = argv.includes('--format=json') || argv.some((a, i) => (a === '--format' || a === '-f') && argv[i + 1] === 'json')
  const debug = argv.includes('--debug')
  const words = argv.filter((a) => !a.startsWith('-'))
  const top = program.commands.find((c) => c.name() === words[0])
  const sub = top?.commands.find((c) => c.name() === words[1])
  const command = sub ? `${words[0]} ${words[1]}` : (words[0] ?? '')
  try {
    if (argv.length === 0) {
      program.outputHelp()
      return EXIT.usage
    }
    await program.parseAsync([...argv], { from: 'user' })
    return exitCode
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok
      return EXIT.usage
    }
    return reportError(err, io, { json, debug, command, version: VERSION })
  }
}
