import { Command } from 'commander'
import { DEFAULT_DATABASE_ECOSYSTEMS, describeDatabase, readDatabase, updateDatabase } from '../../audit/advisories/index.js'
import { escapeLine } from '../../report/escape.js'
import { defaultCacheDir, resolveFrom } from '../common.js'
import type { CliIO } from '../io.js'

interface UpdateFlags {
  readonly ecosystem: string[]
  readonly cacheDir?: string
  readonly osvUrl?: string
  readonly quiet: boolean
}

const EXAMPLES = `
Examples:
  $ stagelight advisories update                      # npm, Debian and GIT (upstream projects' CVEs)
  $ stagelight advisories update --ecosystem npm --ecosystem PyPI
  $ stagelight advisories status

The databases are osv.dev's exports (<ecosystem>/all.zip), kept in the cache
(--cache-dir, default $XDG_CACHE_HOME/stagelight/osv). An update is a conditional
request: unchanged data is not downloaded again. A download must match the digest the
server announces and be a readable zip before it replaces the cached copy.
\`stagelight audit\` uses them by default (and updates them when they are older than a
day, unless --offline).

Exit codes: 0 every database current; 2 bad usage; 3 a database could not be downloaded.`

const collect = (value: string, previous: string[]): string[] => [...previous, value]

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

export function advisoriesCommand(io: CliIO, setExit: (code: number) => void): Command {
  const command = new Command('advisories').summary('download and inspect the OSV advisory databases audit uses').description('Keeps local copies of the OSV advisory databases, one per ecosystem, the way osv-scanner does.')
  command
    .command('update')
    .summary('download or revalidate the OSV databases')
    .description('Downloads each ecosystem’s OSV export into the cache, or confirms the cached copy is current.')
    .option('--ecosystem <name>', `an OSV ecosystem, spelled as osv.dev spells it (repeatable; default ${DEFAULT_DATABASE_ECOSYSTEMS.join(', ')})`, collect, [])
    .option('--cache-dir <dir>', 'the cache (default: $XDG_CACHE_HOME/stagelight)')
    .option('--osv-url <url>', 'where the exports are downloaded from (a mirror of osv.dev’s bucket)')
    .option('-q, --quiet', 'print nothing on success', false)
    .addHelpText('after', EXAMPLES)
    .action(async (flags: UpdateFlags) => {
      const cacheDir = flags.cacheDir ? resolveFrom(io, flags.cacheDir) : defaultCacheDir(io.env)
      const ecosystems = flags.ecosystem.length > 0 ? flags.ecosystem : [...DEFAULT_DATABASE_ECOSYSTEMS]
      for (const ecosystem of ecosystems) {
        const { database, outcome } = await updateDatabase(ecosystem, { cacheDir, ...(flags.osvUrl ? { baseUrl: flags.osvUrl } : {}) })
        if (!flags.quiet) {
          const what = outcome === 'downloaded' ? `downloaded ${mib(database.meta.bytes)}` : `not modified (${mib(database.meta.bytes)} cached)`
          io.stdout.write(`${escapeLine(ecosystem)}: ${what}, ${describeDatabase(database)}\n`)
        }
      }
      setExit(0)
    })
  command
    .command('status')
    .summary('show the cached OSV databases and their dates')
    .option('--ecosystem <name>', 'an OSV ecosystem (repeatable; default npm, Debian, GIT)', collect, [])
    .option('--cache-dir <dir>', 'the cache (default: $XDG_CACHE_HOME/stagelight)')
    .action(async (flags: { ecosystem: string[]; cacheDir?: string }) => {
      const cacheDir = flags.cacheDir ? resolveFrom(io, flags.cacheDir) : defaultCacheDir(io.env)
      let missing = 0
      for (const ecosystem of flags.ecosystem.length > 0 ? flags.ecosystem : [...DEFAULT_DATABASE_ECOSYSTEMS]) {
        const found = await readDatabase(cacheDir, ecosystem)
        if ('database' in found) io.stdout.write(`${escapeLine(ecosystem)}: ${mib(found.database.meta.bytes)}, ${describeDatabase(found.database)}\n`)
        else {
          missing++
          io.stdout.write(`${escapeLine(ecosystem)}: missing — ${escapeLine(found.missing)}\n`)
        }
      }
      setExit(missing > 0 ? 3 : 0)
    })
  return command
}
