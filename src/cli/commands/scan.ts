import { Command, InvalidArgumentError, Option } from 'commander'
import { scan } from '../../scan/scan.js'
import { addOutputOptions, defaultCacheDir, emitReport, resolveFrom, type OutputOptions } from '../common.js'
import { progressReporter, type CliIO } from '../io.js'

interface ScanFlags extends OutputOptions {
  readonly rule: string[]
  readonly skipRule: string[]
  readonly ref?: string
  readonly registry?: string
  readonly offline: boolean
  readonly cacheDir?: string
  readonly maxFileSize: number
}

const EXAMPLES = `
Examples:
  $ stagelight scan .                                   # the working tree (its own .git/ is left out, and said so)
  $ stagelight scan ../xz@v5.6.1                        # a git repository at a tag
  $ stagelight scan https://github.com/tukaani-project/xz --ref v5.6.1
  $ stagelight scan xz-5.6.1.tar.gz --format json --output scan.json
  $ stagelight scan npm:left-pad@1.3.0                  # a package from the npm registry
  $ stagelight scan node_modules --rule 'npm/*' --fail-on high
  $ stagelight scan . --skip-rule scan/environment-gating

Targets: a directory, an archive (.tar[.gz|.xz|.bz2|.zst], .tgz, .zip), a git repository
(path or URL) at a ref written path@ref or given with --ref, or npm:name@version|range|tag
(fetched from the registry in .npmrc, integrity checked, cached). Nothing is extracted and
nothing from the target is executed.

Rules: \`stagelight rules\` lists them; --rule and --skip-rule take ids, families (npm/,
data/*) or globs, and may be repeated.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad usage or
unreadable input; 3 could not complete; 70 internal error.`

const collect = (value: string, previous: string[]): string[] => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)]

const parseSize = (value: string): number => {
  const match = value.trim().match(/^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i)
  if (!match) throw new InvalidArgumentError('expected a size such as 16M, 512K or 1G')
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g']
  return Math.round(Number(match[1]) * scale)
}

export function scanCommand(io: CliIO, setExit: (code: number) => void): Command {
  const command = new Command('scan')
    .summary('find hidden payloads, obfuscation and install-time behaviour in a tree, archive, git ref or npm package')
    .description(
      'Classifies every file from its content and runs the applicable rules: build-step forensics ' +
        '(shell, m4, make, CMake, meson) with a real shell parser, data files that carry code ' +
        '(nested compressed streams decoded within limits), and npm packages (install scripts and ' +
        'their JavaScript, parsed). Findings come with evidence; related findings are reported as one chain.',
    )
    .argument('<target>', 'directory, archive, git repository[@ref] or npm:name@version')
    .option('--rule <id>', 'run only these rules (repeatable; ids, families like npm/ or globs)', collect, [])
    .option('--skip-rule <id>', 'do not run these rules (repeatable)', collect, [])
    .option('-r, --ref <ref>', 'git target: the tag, branch or commit to scan (default: HEAD)')
    .option('--registry <url>', 'npm target: the registry to fetch from (default: from .npmrc)')
    .option('--offline', 'never touch the network: git and npm targets must already be cached', false)
    .option('--cache-dir <dir>', 'where clones and package tarballs are cached (default: $XDG_CACHE_HOME/stagelight)')
    .addOption(new Option('--max-file-size <size>', 'files larger than this are listed as not analysed').argParser(parseSize).default(16 * 1024 ** 2, '16 MiB'))
  addOutputOptions(command).addHelpText('after', EXAMPLES)
  command.action(async (target: string, flags: ScanFlags) => {
    const report = await scan({
      target,
      label: target,
      cwd: io.cwd,
      env: io.env,
      cacheDir: flags.cacheDir ? resolveFrom(io, flags.cacheDir) : defaultCacheDir(io.env),
      offline: flags.offline,
      ...(flags.ref ? { ref: flags.ref } : {}),
      ...(flags.registry ? { registry: flags.registry } : {}),
      rules: flags.rule,
      skipRules: flags.skipRule,
      maxFileBytes: flags.maxFileSize,
      onProgress: progressReporter(io, flags),
    })
    setExit(await emitReport(report, flags, io))
  })
  return command
}
