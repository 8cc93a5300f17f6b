import { Command, Option } from 'commander'
import { AdvisoryStore } from '../../audit/advisories/index.js'
import { EXIT } from '../../errors.js'
import { parseRespondQuery, respond } from '../../watch/respond/respond.js'
import { respondJson, respondPatch, respondText } from '../../watch/respond/render.js'
import { isPostgresUrl } from '../../watch/store/sql.js'
import { WatchStore } from '../../watch/store/store.js'
import { resolveFrom } from '../common.js'
import type { CliIO } from '../io.js'
import { homedir } from 'node:os'
import { join } from 'node:path'

const EXAMPLES = `
Examples:
  $ stagelight respond GHSA-xxxx-xxxx-xxxx --advisories osv-npm.zip
  $ stagelight respond event-stream@3.3.6 --format json
  $ stagelight respond deb:xz-utils@5.6.0-0.1,5.6.1-1 --format patch

Searches every inventory registered with \`stagelight watch add inventory\` or
\`watch report-inventory\`. For each holding: the dependency path, the newest
unaffected version below it (the rollback) and the nearest one above it (the fix),
among the versions the watch store knows (the registry's, for watched packages).

Exit codes: 0 no inventory affected; 1 some inventory affected; 2 bad usage or input;
3 could not complete; 70 internal error.`

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export function respondCommand(io: CliIO, setExit: (code: number) => void): Command {
  return new Command('respond')
    .summary('which of your projects and hosts hold an affected version, and what to roll back or upgrade to')
    .argument('<query>', 'an OSV id (GHSA-…, CVE-…, MAL-…) or package@version[,version…] (deb:name@version for Debian)')
    .option('--advisories <source>', 'OSV data holding the advisory: a directory, a zip export or a record file (repeatable)', collect, [])
    .option('--db <location>', 'the watch store: a SQLite file or a postgres:// URL (default: $STAGELIGHT_WATCH_DB, else $XDG_DATA_HOME/stagelight/watch.sqlite)')
    .addOption(new Option('-f, --format <format>', 'text, json, or patch (commands and overrides per inventory)').choices(['text', 'json', 'patch']).default('text'))
    .addHelpText('after', EXAMPLES)
    .action(async (text: string, flags: { advisories: string[]; db?: string; format: 'text' | 'json' | 'patch' }) => {
      const query = parseRespondQuery(text)
      const advisories = flags.advisories.length > 0 ? await AdvisoryStore.load(flags.advisories.map((a) => resolveFrom(io, a))) : undefined
      const location = flags.db ?? io.env.STAGELIGHT_WATCH_DB ?? join(io.env.XDG_DATA_HOME ?? join(io.env.HOME ?? homedir(), '.local', 'share'), 'stagelight', 'watch.sqlite')
      const store = await WatchStore.open(isPostgresUrl(location) ? location : resolveFrom(io, location))
      try {
        const result = await respond(store, query, advisories ? { advisories } : {})
        io.stdout.write(flags.format === 'json' ? respondJson(result) : flags.format === 'patch' ? respondPatch(result) : respondText(result))
        setExit(result.affected.length > 0 ? EXIT.findings : EXIT.ok)
      } finally {
        await store.close()
      }
    })
}
