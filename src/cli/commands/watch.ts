import { Command, InvalidArgumentError, Option } from 'commander'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { AdvisoryStore } from '../../audit/advisories/index.js'
import { StagelightError } from '../../errors.js'
import { isSeverity, type Severity } from '../../model/finding.js'
import { FORMATS, isFormat, render } from '../../report/index.js'
import type { WatchContext } from '../../watch/context.js'
import { registerInventory } from '../../watch/inventories.js'
import { checkSmtpUrl, type EmailChannel } from '../../watch/email.js'
import { markdownSummary } from '../../watch/notify.js'
import { JobEngine } from '../../watch/queue/engine.js'
import { serveDashboard } from '../../watch/serve/server.js'
import { normaliseHost, parseRateLimit } from '../../watch/ratelimit.js'
import { runWatch } from '../../watch/service.js'
import { isPostgresUrl, redactUrl } from '../../watch/store/sql.js'
import { WatchStore } from '../../watch/store/store.js'
import { debianTarget, gitTarget, npmTarget, tarballTarget } from '../../watch/targets.js'
import { defaultCacheDir, resolveFrom } from '../common.js'
import type { CliIO } from '../io.js'

const EXAMPLES = `
Examples (one machine, the store is a SQLite file):
  $ stagelight watch add inventory package-lock.json   # its dependencies become watched targets
  $ stagelight watch run --webhook https://hooks.example/stagelight

  $ stagelight watch add npm left-pad --source https://github.com/left-pad/left-pad
  $ stagelight watch add git https://git.example.org/foo.git --tarballs 'https://example.org/foo-{version}.tar.gz'
  $ stagelight watch add tarball https://example.org/dist/ --source https://git.example.org/foo.git
  $ stagelight watch rate-limit registry.npmjs.org 300/60
  $ stagelight watch list
  $ stagelight watch events --min-severity high
  $ stagelight watch serve --port 0                    # dashboard on 127.0.0.1, URL on stderr

A team (PostgreSQL store, jobs on its job engine, workers on any number of machines):
  $ export STAGELIGHT_WATCH_DB=postgres://stagelight@db.internal/stagelight
  $ stagelight watch add inventory /srv/app/package-lock.json --name app
  $ stagelight watch run                               # polls and queues
  $ stagelight watch worker --concurrency 4            # on each worker machine

The store: --db <file or postgres:// URL>, else $STAGELIGHT_WATCH_DB, else
$XDG_DATA_HOME/stagelight/watch.sqlite.`

interface StoreFlags {
  readonly db?: string
  readonly cacheDir?: string
}

const defaultDb = (env: NodeJS.ProcessEnv): string => env.STAGELIGHT_WATCH_DB ?? join(env.XDG_DATA_HOME ?? join(env.HOME ?? homedir(), '.local', 'share'), 'stagelight', 'watch.sqlite')

const dbLocation = (io: CliIO, flags: StoreFlags): string => {
  const location = flags.db ?? defaultDb(io.env)
  return isPostgresUrl(location) ? location : resolveFrom(io, location)
}

const withStore = (command: Command): Command =>
  command.option('--db <location>', 'the watch store: a SQLite file or a postgres:// URL').option('--cache-dir <dir>', 'registry documents, clones and tarballs (default: $XDG_CACHE_HOME/stagelight)')

async function open(io: CliIO, flags: StoreFlags & { verbose?: boolean }): Promise<WatchContext> {
  const store = await WatchStore.open(dbLocation(io, flags))
  return {
    store,
    cwd: io.cwd,
    env: io.env,
    cacheDir: flags.cacheDir ? resolveFrom(io, flags.cacheDir) : defaultCacheDir(io.env),
    ...(flags.verbose ? { onProgress: (m: string) => void io.stderr.write(`${m}\n`) } : {}),
  }
}

async function using<T>(io: CliIO, flags: StoreFlags & { verbose?: boolean }, fn: (context: WatchContext) => Promise<T>): Promise<T> {
  const context = await open(io, flags)
  try {
    return await fn(context)
  } finally {
    await context.store.close()
  }
}

const parseSeverity = (value: string): Severity => {
  if (isSeverity(value)) return value
  throw new InvalidArgumentError('expected one of info, low, medium, high, critical')
}
const parsePositive = (value: string): number => {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number')
  return n
}
const parsePort = (value: string): number => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535')
  return n
}
const parseCount = (value: string): number => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new InvalidArgumentError('expected a whole number from 0 to 64')
  return n
}

/** The e-mail channel of `watch run`, or none; half of one (an SMTP URL without recipients, or the reverse) is a usage error. */
function emailChannel(io: CliIO, flags: { emailTo: string[]; smtp?: string; emailFrom?: string; dashboard?: string }): EmailChannel | undefined {
  const smtpUrl = flags.smtp ?? io.env.STAGELIGHT_SMTP_URL
  if (flags.emailTo.length === 0) {
    if (flags.smtp) throw new StagelightError('E_USAGE', '--smtp without --email-to: name who gets the e-mails')
    return undefined
  }
  if (!smtpUrl) throw new StagelightError('E_USAGE', '--email-to needs an SMTP server: --smtp smtp://host:587 or $STAGELIGHT_SMTP_URL')
  checkSmtpUrl(smtpUrl)
  if (flags.dashboard && !/^https?:\/\/[^/]/i.test(flags.dashboard)) throw new StagelightError('E_USAGE', `--dashboard ${JSON.stringify(flags.dashboard)} is not an http(s) URL`)
  return { smtpUrl, to: flags.emailTo, ...(flags.emailFrom ? { from: flags.emailFrom } : {}), ...(flags.dashboard ? { dashboardUrl: flags.dashboard } : {}) }
}

function addCommand(io: CliIO): Command {
  const add = new Command('add').summary('watch an npm package, a git repository, release tarballs, a Debian source package, or the dependencies of an inventory')
  add.addCommand(
    withStore(new Command('npm'))
      .summary('an npm package: new versions and dist-tag moves (registry and tokens from .npmrc)')
      .argument('<name>', 'package name')
      .option('--registry <url>', 'the registry (default: from .npmrc)')
      .option('--source <git>', "the package's repository: each new version's tarball is verified against its tag")
      .action(async (name: string, flags: StoreFlags & { registry?: string; source?: string }) => {
        const spec = npmTarget(name, { ...(flags.registry ? { registry: flags.registry } : {}), ...(flags.source ? { source: flags.source } : {}) })
        await using(io, flags, async ({ store }) => {
          const added = await store.addTarget(spec, 'manual')
          io.stdout.write(`${added ? 'watching' : 'already watching'} ${spec.key}\n`)
        })
      }),
  )
  add.addCommand(
    withStore(new Command('git'))
      .summary('a git repository: new tags (who tagged and signed them, what they contain)')
      .argument('<repository>', 'a git URL or a local path')
      .option('--tarballs <pattern>', "where release tarballs appear, with {version} or {tag}: each is verified against its tag (URL or path)")
      .action(async (repository: string, flags: StoreFlags & { tarballs?: string }) => {
        const spec = gitTarget(repository, io.cwd, flags.tarballs ? { tarballs: flags.tarballs } : {})
        await using(io, flags, async ({ store }) => {
          const added = await store.addTarget(spec, 'manual')
          io.stdout.write(`${added ? 'watching' : 'already watching'} ${spec.key}\n`)
        })
      }),
  )
  add.addCommand(
    withStore(new Command('tarball'))
      .summary('release tarballs published on a web server or in a directory: each new one is scanned and verified against its tag')
      .argument('<pattern or listing>', 'a URL or path with {version} in the file name, or the URL of a listing (a directory index page) or a directory')
      .requiredOption('--source <git>', 'the repository whose tags the tarballs are verified against (URL or local path)')
      .option('--listing <url>', 'the page listing the tarballs, when it is not the directory of the pattern')
      .option('--file <name>', "with a listing: the release file names, {version} for the version and * for one extension (default: <repository name>-{version}.tar.*)")
      .addHelpText(
        'after',
        `
Each poll reads the listing (a web server's index page or the directory); every file whose name fits
the pattern is a release of that version. The first poll records what is there; each tarball that
appears afterwards is scanned and verified against the tag of its version in --source.

Examples:
  $ stagelight watch add tarball 'https://example.org/dist/foo-{version}.tar.gz' --source https://git.example.org/foo.git
  $ stagelight watch add tarball https://example.org/dist/ --source https://git.example.org/foo.git --file 'foo-{version}.tar.*'
  $ stagelight watch add tarball 'https://cdn.example.org/foo-{version}.tar.xz' --listing https://example.org/releases.html --source ../foo
  $ stagelight watch add tarball /srv/mirror/foo/ --source /srv/git/foo`,
      )
      .action(async (location: string, flags: StoreFlags & { source: string; listing?: string; file?: string }) => {
        const spec = tarballTarget(location, io.cwd, { source: flags.source, ...(flags.listing ? { listing: flags.listing } : {}), ...(flags.file ? { file: flags.file } : {}) })
        await using(io, flags, async ({ store }) => {
          const added = await store.addTarget(spec, 'manual')
          io.stdout.write(`${added ? 'watching' : 'already watching'} ${spec.key}\n`)
        })
      }),
  )
  add.addCommand(
    withStore(new Command('debian'))
      .summary("a Debian source package: new versions in an archive's Sources index; each one's upstream tarball is scanned, and verified against --source")
      .argument('<package>', 'the source package name (xz-utils, not liblzma5)')
      .requiredOption('--index <url>', 'the Sources index to poll: <archive>/dists/<suite>/<component>/source/Sources.xz (a URL or a path)')
      .option('--source <git>', "the upstream repository: each new version's .orig tarball is verified against the tag of its upstream version")
      .addHelpText(
        'after',
        `
The index is read on each round (once for every package watched in it). The first poll records the
versions listed; a version that appears afterwards gets a scan of its upstream tarball (checked
against the SHA-256 the index lists) and, with --source, a verify against the upstream tag.

Examples:
  $ stagelight watch add debian zlib --index https://deb.debian.org/debian/dists/sid/main/source/Sources.xz \\
      --source https://github.com/madler/zlib
  $ stagelight watch add debian openssl --index http://mirror.internal/debian/dists/trixie/main/source/Sources.gz`,
      )
      .action(async (name: string, flags: StoreFlags & { index: string; source?: string }) => {
        const spec = debianTarget(name, io.cwd, { index: flags.index, ...(flags.source ? { source: flags.source } : {}) })
        await using(io, flags, async ({ store }) => {
          const added = await store.addTarget(spec, 'manual')
          io.stdout.write(`${added ? 'watching' : 'already watching'} ${spec.key}\n`)
        })
      }),
  )
  add.addCommand(
    withStore(new Command('inventory'))
      .summary('a lockfile, SBOM or dpkg status file: its dependencies are watched, and `respond` searches it; re-read when it changes')
      .argument('<path>', 'a project directory, lockfile, SBOM or dpkg status file')
      .option('--name <name>', 'how respond names it (default: its path)')
      .action(async (path: string, flags: StoreFlags & { name?: string }) => {
        await using(io, flags, async (context) => {
          const r = await registerInventory(context, path, { ...(flags.name ? { name: flags.name } : {}), force: true })
          io.stdout.write(`inventory ${r.key}: ${r.format}, ${r.packages} packages, ${r.targets} watched targets\n`)
        })
      }),
  )
  return add
}

export function watchCommand(io: CliIO, setExit: (code: number) => void): Command {
  const watch = new Command('watch')
    .summary('instrument every new release of what you depend on, continuously')
    .description(
      'Watches npm packages, git repositories and the dependencies of inventories. Each new release gets ' +
        'the analyses that apply: scan, verify (tarball vs tag), audit-signal changes against the previous ' +
        'version (install scripts, publisher, maintainers, repository, provenance) and who tagged it. ' +
        'Results are stored as events with the full reports.',
    )
    .addHelpText('after', EXAMPLES)
  watch.addCommand(addCommand(io))

  watch.addCommand(
    withStore(new Command('report-inventory'))
      .summary('push an inventory from another host (stored as given, not re-read)')
      .argument('<path>', 'lockfile, SBOM or dpkg status file')
      .requiredOption('--name <name>', 'the host or project it describes')
      .action(async (path: string, flags: StoreFlags & { name: string }) => {
        await using(io, flags, async (context) => {
          const r = await registerInventory(context, path, { name: flags.name, watchFile: false })
          io.stdout.write(`inventory ${r.key}: ${r.format}, ${r.packages} packages${r.changed ? '' : ' (unchanged)'}\n`)
        })
      }),
  )

  watch.addCommand(
    withStore(new Command('list'))
      .summary('the watched targets and inventories')
      .addOption(new Option('-f, --format <format>', 'text or json').choices(['text', 'json']).default('text'))
      .action(async (flags: StoreFlags & { format: 'text' | 'json' }) => {
        await using(io, flags, async ({ store }) => {
          const targets = await store.targets()
          const inventories = await store.inventories()
          if (flags.format === 'json') {
            io.stdout.write(`${JSON.stringify({ targets, inventories }, null, 2)}\n`)
            return
          }
          for (const t of targets) io.stdout.write(`${t.key}  ${t.polledAt ? `polled ${t.polledAt}` : 'not polled yet'}  (${t.origins.join(', ')})\n`)
          for (const i of inventories) io.stdout.write(`inventory ${i.key}  ${i.format}, ${i.packages} packages${i.path ? '' : ' (pushed)'}\n`)
          if (targets.length === 0 && inventories.length === 0) io.stdout.write('nothing watched yet: `stagelight watch add --help`\n')
        })
      }),
  )

  watch.addCommand(
    withStore(new Command('remove'))
      .summary('stop watching a target (`npm:<name>`, `git:<url>`, `tarball:<pattern>`, `debian:<package>:<index>`) or an inventory (`inventory:<name>`)')
      .argument('<key>', 'as `watch list` shows it')
      .action(async (key: string, flags: StoreFlags) => {
        await using(io, flags, async ({ store }) => {
          const removed = key.startsWith('inventory:') ? await store.removeInventory(key.slice('inventory:'.length)) : await store.removeTarget(key)
          if (!removed) throw new StagelightError('E_INPUT_NOT_FOUND', `not watched: ${key} (see \`stagelight watch list\`)`)
          io.stdout.write(`removed ${key}\n`)
        })
      }),
  )

  watch.addCommand(
    withStore(new Command('rate-limit'))
      .summary('limit the requests every poller and worker sends to a host (registry, git remote, tarball host)')
      .argument('[host]', 'a host name, host:port, or * for every host without a limit of its own')
      .argument('[limit]', '<requests>/<interval>: 30/60 is 30 a minute (units: ms, s, m, h; default s); `off` removes it')
      .addHelpText(
        'after',
        `
The limits are kept in the store, so every \`watch run\` and \`watch worker\` on every machine shares
one budget per host and window. Without arguments: the limits set.

Examples:
  $ stagelight watch rate-limit registry.npmjs.org 300/60    # 300 requests a minute
  $ stagelight watch rate-limit github.com 1/2s
  $ stagelight watch rate-limit '*' 60/1m                    # every other host
  $ stagelight watch rate-limit github.com off
  $ stagelight watch rate-limit`,
      )
      .action(async (host: string | undefined, limit: string | undefined, flags: StoreFlags) => {
        if (host !== undefined && limit === undefined) throw new StagelightError('E_USAGE', `give the limit of ${host}: <requests>/<interval> (e.g. 30/60), or off`)
        const key = host === undefined ? undefined : normaliseHost(host)
        const parsed = limit === undefined || limit === 'off' ? undefined : parseRateLimit(limit)
        await using(io, flags, async ({ store }) => {
          if (key === undefined) {
            const limits = await store.rateLimits()
            for (const l of limits) io.stdout.write(`${l.host}  ${l.requests}/${l.intervalMs / 1000}s\n`)
            if (limits.length === 0) io.stdout.write('no rate limits: requests are limited only by the registry client\n')
          } else if (parsed) {
            await store.setRateLimit(key, parsed)
            io.stdout.write(`${key}: at most ${parsed.requests} requests per ${parsed.intervalMs / 1000} s\n`)
          } else if (await store.setRateLimit(key, undefined)) io.stdout.write(`${key}: no limit\n`)
          else throw new StagelightError('E_INPUT_NOT_FOUND', `no rate limit is set for ${key}`)
        })
      }),
  )

  watch.addCommand(
    withStore(new Command('run'))
      .summary('poll for new releases, analyse them, and notify; with --once, one round')
      .option('--once', 'one round, then exit', false)
      .option('--interval <seconds>', 'between rounds', parsePositive, 300)
      .option('--workers <n>', 'jobs run by this process at once (PostgreSQL default 0: left to `watch worker`)', parseCount)
      .option('--webhook <url>', 'POST new events here as JSON')
      .option('--markdown <file>', 'write new events here as a Markdown summary')
      .option('--email-to <address>', 'e-mail new events to this address (repeatable), through --smtp', (v: string, p: string[]) => [...p, v], [] as string[])
      .option('--smtp <url>', 'the SMTP server for --email-to: smtp://user:password@host:587 or smtps://host:465 (default: $STAGELIGHT_SMTP_URL)')
      .option('--email-from <address>', 'the sender of those e-mails (default: stagelight@<this host>)')
      .option('--dashboard <url>', 'where `watch serve` is reached: e-mails link each event to its report there')
      .addOption(new Option('--notify <severity>', 'send events at or above this severity').argParser(parseSeverity).default('high'))
      .option('-v, --verbose', 'each poll and job on stderr', false)
      .addHelpText(
        'after',
        `
Examples:
  $ STAGELIGHT_SMTP_URL=smtp://alerts:secret@mail.example.org:587 \\
      stagelight watch run --email-to security@example.org --dashboard http://watch.internal:8377
  $ stagelight watch run --once --webhook https://hooks.example/stagelight --notify critical`,
      )
      .action(async (flags: StoreFlags & { once: boolean; interval: number; workers?: number; webhook?: string; markdown?: string; emailTo: string[]; smtp?: string; emailFrom?: string; dashboard?: string; notify: Severity; verbose: boolean }) => {
        const email = emailChannel(io, flags)
        const location = dbLocation(io, flags)
        const engineUrl = isPostgresUrl(location) ? location : undefined
        await using(io, flags, async (context) => {
          const controller = new AbortController()
          const stop = () => controller.abort()
          process.once('SIGINT', stop)
          process.once('SIGTERM', stop)
          let failed = false
          try {
            await runWatch(context, {
              once: flags.once,
              intervalMs: flags.interval * 1000,
              workers: flags.workers ?? (engineUrl ? 0 : 2),
              channels: { ...(flags.webhook ? { webhook: flags.webhook } : {}), ...(email ? { email } : {}), ...(flags.markdown ? { markdownFile: resolveFrom(io, flags.markdown) } : {}), minSeverity: flags.notify },
              ...(engineUrl ? { engineUrl } : {}),
              signal: controller.signal,
              onRound: (r) => {
                failed = r.errors.length > 0 || r.notifyError !== undefined
                io.stderr.write(
                  `watch: ${r.polled} polled${r.baselined ? ` (${r.baselined} first polls: baseline recorded)` : ''}, ${r.newReleases.length} new releases, ${r.jobsQueued} jobs queued; ` +
                    `${r.jobs.done} done, ${r.jobs.retried} to retry, ${r.jobs.dead} dead${r.jobs.deferred ? `, ${r.jobs.deferred} held back by rate limits` : ''}; ${r.notified} events sent\n`,
                )
                for (const e of r.errors) io.stderr.write(`watch: ${e.target}: ${e.error}\n`)
                if (r.notifyError) io.stderr.write(`watch: ${r.notifyError}\n`)
              },
            })
          } finally {
            process.off('SIGINT', stop)
            process.off('SIGTERM', stop)
          }
          if (failed && flags.once) setExit(3)
        })
      }),
  )

  watch.addCommand(
    withStore(new Command('worker'))
      .summary('run jobs from the PostgreSQL job engine until stopped (SIGINT/SIGTERM)')
      .option('--concurrency <n>', 'jobs at once in this process', parseCount, 2)
      .option('-v, --verbose', 'each job on stderr', false)
      .action(async (flags: StoreFlags & { concurrency: number; verbose: boolean }) => {
        const location = dbLocation(io, flags)
        if (!isPostgresUrl(location)) throw new StagelightError('E_USAGE', 'watch worker needs a PostgreSQL store (--db postgres://… or STAGELIGHT_WATCH_DB); with a SQLite file, `watch run` runs the jobs itself')
        await using(io, flags, async (context) => {
          const engine = await JobEngine.start(location)
          await engine.work(context, Math.max(1, flags.concurrency))
          io.stderr.write(`watch worker: taking jobs from ${redactUrl(location)} (${flags.concurrency} at once)\n`)
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve)
            process.once('SIGTERM', resolve)
          })
          await engine.stop()
        })
      }),
  )

  watch.addCommand(
    withStore(new Command('events'))
      .summary('the event feed, most recent first')
      .addOption(new Option('--min-severity <severity>', 'only events at or above').argParser(parseSeverity).default('low'))
      .option('--target <key>', 'only this target')
      .option('--limit <n>', 'at most this many', parsePositive, 100)
      .addOption(new Option('-f, --format <format>', 'text, json or markdown').choices(['text', 'json', 'markdown']).default('text'))
      .action(async (flags: StoreFlags & { minSeverity: Severity; target?: string; limit: number; format: 'text' | 'json' | 'markdown' }) => {
        await using(io, flags, async ({ store }) => {
          const events = await store.events({ minSeverity: flags.minSeverity, limit: flags.limit, ...(flags.target ? { target: flags.target } : {}) })
          if (flags.format === 'json') io.stdout.write(`${JSON.stringify({ tool: 'stagelight', command: 'watch events', events }, null, 2)}\n`)
          else if (flags.format === 'markdown') io.stdout.write(markdownSummary(events))
          else {
            for (const e of events) io.stdout.write(`${e.createdAt}  ${e.severity.padEnd(8)}  ${e.target}@${e.version}  ${e.ruleId}: ${e.message}\n`)
            if (events.length === 0) io.stdout.write('no events\n')
          }
        })
      }),
  )

  watch.addCommand(
    withStore(new Command('status'))
      .summary('jobs by state, and the dead ones with their last error')
      .addOption(new Option('-f, --format <format>', 'text or json').choices(['text', 'json']).default('text'))
      .action(async (flags: StoreFlags & { format: 'text' | 'json' }) => {
        await using(io, flags, async ({ store }) => {
          const counts = await store.jobCounts()
          const dead = await store.jobs('dead')
          if (flags.format === 'json') io.stdout.write(`${JSON.stringify({ jobs: counts, dead }, null, 2)}\n`)
          else {
            io.stdout.write(`jobs: ${counts.queued} queued, ${counts.running} running, ${counts.done} done, ${counts.dead} dead\n`)
            for (const d of dead) io.stdout.write(`dead  ${d.key}  after ${d.attempts} attempts: ${d.lastError ?? ''}\n`)
          }
        })
      }),
  )

  watch.addCommand(
    withStore(new Command('retry-dead'))
      .summary('queue the dead jobs again (after fixing their cause)')
      .action(async (flags: StoreFlags) => {
        await using(io, flags, async ({ store }) => io.stdout.write(`${await store.requeueDead()} jobs queued again\n`))
      }),
  )

  watch.addCommand(
    withStore(new Command('serve'))
      .summary('a read-only web dashboard: targets, events by severity, trust timelines, reports, respond')
      .option('--host <address>', 'the address to listen on (anything but loopback exposes the store to the network)', '127.0.0.1')
      .option('--port <n>', 'the port (0: any free port; the URL is printed on stderr)', parsePort, 8377)
      .option('--token <token>', 'allow writes (POST /retry-dead) to requests with `Authorization: Bearer <token>` (default: $STAGELIGHT_WATCH_TOKEN; none: read-only)')
      .option('--advisories <source>', 'OSV data for advisory ids on the respond page (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
      .action(async (flags: StoreFlags & { host: string; port: number; token?: string; advisories: string[] }) => {
        const token = flags.token ?? io.env.STAGELIGHT_WATCH_TOKEN
        const advisories = flags.advisories.length > 0 ? await AdvisoryStore.load(flags.advisories.map((a) => resolveFrom(io, a))) : undefined
        await using(io, flags, async ({ store }) => {
          const dashboard = await serveDashboard(store, { host: flags.host, port: flags.port, ...(token ? { token } : {}), ...(advisories ? { advisories } : {}) })
          io.stderr.write(`watch serve: ${dashboard.url} (${token ? 'writes need the bearer token' : 'read-only'}); stop with Ctrl-C\n`)
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve)
            process.once('SIGTERM', resolve)
          })
          await dashboard.close()
        })
      }),
  )

  watch.addCommand(
    withStore(new Command('report'))
      .summary('the stored report of a job (`<target>|<version>|<analysis>`)')
      .argument('<job>', 'a job key, as events and status show it')
      .addOption(new Option('-f, --format <format>', `report format: ${FORMATS.join(', ')}`).default('text').argParser((v: string) => {
        if (isFormat(v)) return v
        throw new InvalidArgumentError(`expected one of ${FORMATS.join(', ')}`)
      }))
      .action(async (job: string, flags: StoreFlags & { format: (typeof FORMATS)[number] }) => {
        await using(io, flags, async ({ store }) => {
          const report = await store.report(job)
          if (!report) throw new StagelightError('E_INPUT_NOT_FOUND', `no stored report for job ${job}`)
          io.stdout.write(render(report, flags.format, { color: false, verbose: false }))
        })
      }),
  )
  return watch
}
