/*
 * The history calibration corpus (bench/corpus/history-corpus.json): `stagelight history` on
 * every real history and on its injected takeover twins, printed as a table of expected against
 * got, the top finding and the time. `--corpus-filter WORD` limits the cases, `--no-inject`
 * skips the twins (`--twins all`: every shape for every background; default: the shapes in
 * turn), `--jobs N` runs N cases at once, `--first a,b` runs the cases naming a or b first,
 * `--out FILE` also writes the table as Markdown.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { argv, flag, log, mirrorsDir, option, root } from './common.js'
import { SHAPES, inject, type Shape } from './history-inject.js'
import { measure } from './measure.js'

interface Case {
  readonly repo: string
  readonly commit: string
  readonly kind: string
  readonly expected: 'high' | 'no-high'
  readonly evidence: string
  readonly identity?: string
}

interface Row {
  readonly name: string
  readonly expected: string
  readonly got: string
  readonly agree: boolean
  readonly top: string
  readonly seconds: number
  readonly note: string
}

interface Finding {
  readonly ruleId: string
  readonly severity: string
  readonly message: string
}

const SEVERITY = ['info', 'low', 'medium', 'high', 'critical']

/**
 * The history command as the CLI registers it, run through commander on its own: the same code
 * path as `stagelight history`, without loading the other commands.
 */
const HISTORY_CLI = [
  '--input-type=module',
  '-e',
  `import { Command } from 'commander'; import { historyCommand } from ${JSON.stringify(new URL('../src/cli/commands/history.js', import.meta.url).href)};
let code = 0; const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
await new Command('stagelight').addCommand(historyCommand(io, (c) => (code = c))).parseAsync(['history', ...process.argv.slice(1)], { from: 'user' });
process.exitCode = code`,
]
const corpusFile = new URL('../../bench/corpus/history-corpus.json', import.meta.url)
const mirrors = mirrorsDir

/** The bare git directory of a fetched repository, or undefined when it is not on this machine. */
function mirrorOf(repo: string): string | undefined {
  const base = join(mirrors, repo.replace('/', '+'), 'repo')
  if (existsSync(join(base, '.git'))) return join(base, '.git')
  return existsSync(join(base, 'HEAD')) ? base : undefined
}

async function analyse(dir: string, name: string): Promise<{ findings: Finding[]; seconds: number; code: number | null; incomplete: string[]; error: string }> {
  const s = await measure(process.execPath, [...HISTORY_CLI, dir, '--format', 'json', '--quiet', '--fail-on', 'none', '--cache-dir', join(root, 'cache')], { timeoutMs: 900_000 })
  // every report kept beside the table, for reading what the tool said
  mkdirSync(join(root, 'history-reports'), { recursive: true })
  writeFileSync(join(root, 'history-reports', `${name.replace(/[^\w.+-]+/g, '_')}.json`), s.stdout)
  try {
    const report = JSON.parse(s.stdout) as { findings: Finding[]; incomplete?: string[] }
    return { findings: report.findings, seconds: s.seconds, code: s.code, incomplete: report.incomplete ?? [], error: '' }
  } catch {
    return { findings: [], seconds: s.seconds, code: s.code, incomplete: [], error: `no report (exit ${String(s.code)})` }
  }
}

const rank = (f: Finding): number => SEVERITY.indexOf(f.severity)

function judge(name: string, expected: 'high' | 'no-high', identity: string | undefined, r: Awaited<ReturnType<typeof analyse>>, note: string): Row {
  const sorted = [...r.findings].sort((a, b) => rank(b) - rank(a))
  const high = sorted.filter((f) => rank(f) >= SEVERITY.indexOf('high'))
  const top = sorted[0]
  const got = r.error || (high.length ? `${high[0]?.severity ?? ''} (${high.length})` : `max ${top?.severity ?? 'none'}`)
  const named = identity === undefined || high.some((f) => f.message.includes(identity))
  const agree = !r.error && (expected === 'high' ? high.length > 0 && named : high.length === 0)
  const topText = top ? `${top.severity} ${top.ruleId.replace('history/', '')}: ${top.message.replace(/\s+/g, ' ').slice(0, 110)}` : '-'
  return { name, expected, got, agree, top: topText, seconds: r.seconds, note: [note, r.incomplete.length ? 'incomplete' : ''].filter(Boolean).join('; ') }
}

const rowLine = (r: Row | undefined): string => (r ? `| ${r.name} | ${r.expected} | ${r.got} | ${r.agree ? 'yes' : '**NO**'} | ${r.seconds.toFixed(1)} | ${r.top.replace(/\|/g, '\\|')} | ${r.note} |` : '')

/** The corpus benchmark. */
export async function benchHistoryCorpus(): Promise<void> {
  const corpus = JSON.parse(readFileSync(corpusFile, 'utf8')) as { cases: Case[] }
  const filter = option('--corpus-filter')
  const withInjected = !argv.includes('--no-inject')
  const shapes = (option('--shapes')?.split(',') as Shape[] | undefined) ?? SHAPES
  const rows: Row[] = []
  const twins = join(root, 'history-twins')
  mkdirSync(twins, { recursive: true })
  // each background gets a twin; with --twins all, one of every shape, else the shapes in turn
  const allShapes = option('--twins') === 'all'
  const jobs = Math.max(1, flag('--jobs', 1))
  const tasks: (() => Promise<Row>)[] = []
  const taskNames: string[] = []
  const cases = corpus.cases.filter((x) => filter === undefined || x.repo.includes(filter))
  cases.forEach((c, i) => {
    const dir = mirrorOf(c.repo)
    if (!dir) {
      taskNames.push(c.repo)
      tasks.push(() => Promise.resolve({ name: c.repo, expected: c.expected, got: 'not fetched', agree: false, top: '-', seconds: 0, note: `fetch github:${c.repo}` }))
      return
    }
    taskNames.push(c.repo)
    tasks.push(async () => judge(c.repo, c.expected, c.identity, await analyse(dir, c.repo), c.kind))
    if (!withInjected) return
    for (const shape of allShapes ? shapes : [shapes[i % shapes.length] ?? 'xz']) {
      taskNames.push(`${c.repo} + ${shape}`)
      tasks.push(async () => {
        const into = join(twins, `${c.repo.replace('/', '+')}-${shape}`)
        let t
        try {
          t = inject(dir, into, shape)
        } catch (err) {
          return { name: `${c.repo} + ${shape}`, expected: 'high', got: 'injection failed', agree: false, top: (err as Error).message.slice(0, 100), seconds: 0, note: '' }
        }
        return judge(`${c.repo} + ${shape}`, 'high', t.newcomer.name, await analyse(t.dir, `${c.repo}+${shape}`), t.acts.filter((a) => /no gpg|no version/.test(a)).join('; '))
      })
    }
  })
  const results: (Row | undefined)[] = new Array(tasks.length)
  // --first a,b: cases whose name contains one of these words run before the rest (the table keeps the corpus order)
  const first = option('--first')?.split(',').filter(Boolean) ?? []
  const order = tasks.map((_, k) => k)
  const early = (k: number): boolean => first.some((w) => taskNames[k]?.includes(w) ?? false)
  order.sort((a, b) => Number(early(b)) - Number(early(a)) || a - b)
  let next = 0
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < order.length) {
        const k = order[next++] ?? 0
        const row = await tasks[k]?.()
        results[k] = row
        log(`  ${rowLine(row)}`)
      }
    }),
  )
  rows.push(...results.filter((r): r is Row => r !== undefined))
  const real = rows.filter((r) => !r.name.includes(' + '))
  const injected = rows.filter((r) => r.name.includes(' + '))
  const lines = [
    '| case | expected | got | agree | s | top finding | note |',
    '| --- | --- | --- | --- | ---: | --- | --- |',
    ...rows.map(rowLine),
    '',
    `real histories: ${real.filter((r) => r.agree).length}/${real.length} agree; injected takeovers: ${injected.filter((r) => r.agree).length}/${injected.length} high naming the injected identity`,
  ]
  console.log(lines.join('\n'))
  const out = option('--out')
  if (out) writeFileSync(out, `${lines.join('\n')}\n`)
}
