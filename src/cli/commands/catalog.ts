import { Command } from 'commander'
import { stat } from 'node:fs/promises'
import { StagelightError } from '../../errors.js'
import { addToCatalog, defaultUserStore } from '../../verify/catalog/add.js'
import { resolveFrom } from '../common.js'
import type { CliIO } from '../io.js'

const EXAMPLES = `
Examples:
  $ stagelight catalog add /usr/share/aclocal
  $ stagelight catalog add ~/src/gnulib/m4 --project gnulib
  $ stagelight catalog add ./vendor-m4 --catalog ./my-catalog   # then: verify --catalog ./my-catalog`

export function catalogCommand(io: CliIO, setExit: (code: number) => void): Command {
  const catalog = new Command('catalog').summary('manage the catalog of known upstream files (m4 macros, build-aux scripts)')
  catalog
    .command('add')
    .summary('add every autotools file of a directory to the user catalog')
    .description(
      'Records the files of a local aclocal directory, gnulib checkout or libtool install as known ' +
        'upstream versions (with their bytes, so verify can show the lines a modified copy adds). ' +
        'Only add directories you trust: a file in the catalog counts as explained.',
    )
    .argument('<dir>', 'directory to add')
    .option('--project <name>', 'project the files come from (default: the directory name)')
    .option('--catalog <dir>', 'catalog directory (default: $STAGELIGHT_HOME/catalog or ~/.local/share/stagelight/catalog)')
    .addHelpText('after', EXAMPLES)
    .action(async (dir: string, flags: { project?: string; catalog?: string }) => {
      const path = resolveFrom(io, dir)
      const info = await stat(path).catch(() => undefined)
      if (!info) throw new StagelightError('E_INPUT_NOT_FOUND', `${dir}: no such directory`)
      if (!info.isDirectory()) throw new StagelightError('E_INPUT_INVALID', `${dir}: not a directory`)
      const store = flags.catalog ? resolveFrom(io, flags.catalog) : defaultUserStore(io.env)
      const result = await addToCatalog(path, store, flags.project ? { project: flags.project } : {})
      io.stdout.write(`scanned ${result.scanned} file(s): ${result.added} added, ${result.alreadyKnown} already known (catalog: ${store})\n`)
      setExit(0)
    })
  return catalog
}
