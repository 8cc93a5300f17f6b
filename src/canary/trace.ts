/** Behaviour under `strace -ff`: programs executed, network and DNS attempts, files written or deleted, environment reads. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, normalize, resolve } from 'node:path'
import { spawnCollect } from './exec.js'

export const BEHAVIOURS = ['process', 'network', 'dns', 'file-write', 'file-delete', 'env-read'] as const
export type Behaviour = (typeof BEHAVIOURS)[number]

export interface TraceEvent {
  readonly kind: Behaviour
  /** comparable across sides: a program path, an address, a normalised file path */
  readonly key: string
  /** `pid: <strace line>` */
  readonly evidence: string
}

export interface TraceSummary {
  /** distinct keys per behaviour, with up to three evidence lines each */
  readonly behaviours: Record<Behaviour, { key: string; count: number; evidence: string[] }[]>
  readonly processes: number
  readonly syscalls: number
  readonly exitCode: number | null
}

export const STRACE_CALLS =
  'execve,execveat,connect,sendto,sendmsg,socket,open,openat,openat2,creat,unlink,unlinkat,rename,renameat,renameat2,mkdir,mkdirat,rmdir,truncate,symlink,symlinkat,link,linkat,chdir'

export interface TraceOptions {
  /** paths under these are not "outside the working directory" (the side's cwd is always included) */
  readonly insideDirs: readonly string[]
  /** textual replacements so two sides' temporary directories compare equal: [path, placeholder] */
  readonly placeholders: readonly (readonly [string, string])[]
  /** ignore the first exec of the traced root (the `sh -c` wrapper canary adds itself) */
  readonly skipRootExec: boolean
  readonly cwd: string
}

const unquote = (s: string): string =>
  s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e.startsWith('x')) return String.fromCharCode(parseInt(e.slice(1), 16))
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8))
    return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[e] ?? e
  })

const STRING = /"((?:[^"\\]|\\.)*)"/g
const strings = (line: string): string[] => [...line.matchAll(STRING)].map((m) => unquote(m[1] ?? ''))
/** the directory strace -y printed for a dirfd argument: `AT_FDCWD</tmp>` or `3</dir>` */
const dirfd = (line: string): string | undefined => /^\w+\((?:AT_FDCWD|\d+)<([^>]*)>/.exec(line)?.[1]
const succeeded = (line: string): boolean => /\)\s+=\s+(?!-1)\d+/.test(line) || /\)\s+=\s+0x/.test(line)
/** the absolute path strace -y printed for a returned descriptor */
const returnedPath = (line: string): string | undefined => /=\s+\d+<([^>]*)>\s*$/.exec(line)?.[1]

const substitute = (path: string, options: TraceOptions): string => {
  let key = path
  for (const [from, to] of options.placeholders) if (from) key = key.split(from).join(to)
  return key
}
/** file keys also collapse numbers (pids, timestamps in temporary names) */
const normaliseKey = (path: string, options: TraceOptions): string => substitute(path, options).replace(/\d+/g, 'N')

const IGNORED_WRITES = /^\/(dev\/(null|tty|pts\/|fd\/|stdout|stderr|shm\/)|proc\/)/

/** Parses one process's strace file into behaviour events. */
export function parseTrace(pid: number, text: string, options: TraceOptions, isRoot: boolean): { events: TraceEvent[]; syscalls: number } {
  const events: TraceEvent[] = []
  let cwd = options.cwd
  let syscalls = 0
  let firstExec = true
  const inside = [options.cwd, ...options.insideDirs].map((d) => normalize(d))
  const isInside = (p: string): boolean => inside.some((d) => p === d || p.startsWith(d.endsWith('/') ? d : `${d}/`))
  const abs = (p: string, base?: string): string => normalize(isAbsolute(p) ? p : resolve(base ?? cwd, p))
  const file = (kind: 'file-write' | 'file-delete', path: string, line: string) => {
    if (IGNORED_WRITES.test(path) || isInside(path)) return
    events.push({ kind, key: normaliseKey(path, options), evidence: `${pid}: ${line}` })
  }
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    const call = /^(\w+)\(/.exec(line)?.[1]
    if (!call) continue
    syscalls++
    const ok = succeeded(line)
    const args = strings(line)
    switch (call) {
      case 'execve':
      case 'execveat': {
        if (!ok) break
        const program = args[0] ?? '?'
        if (firstExec && isRoot && options.skipRootExec) {
          firstExec = false
          break
        }
        firstExec = false
        events.push({ kind: 'process', key: substitute(program, options), evidence: `${pid}: ${line.length > 600 ? `${line.slice(0, 600)}…` : line}` })
        break
      }
      case 'chdir':
        if (ok && args[0]) cwd = abs(args[0])
        break
      case 'connect':
      case 'sendto':
      case 'sendmsg': {
        const family = /sa_family=(AF_\w+)/.exec(line)?.[1]
        if (!family) break
        if (family === 'AF_UNIX') {
          const path = /sun_path=@?"((?:[^"\\]|\\.)*)"/.exec(line)?.[1]
          if (path !== undefined) events.push({ kind: 'network', key: `unix ${normaliseKey(unquote(path), options)}`, evidence: `${pid}: ${line}` })
          break
        }
        if (family !== 'AF_INET' && family !== 'AF_INET6') break
        const port = /sin6?_port=htons\((\d+)\)/.exec(line)?.[1] ?? '?'
        const addr = /inet_addr\("([^"]+)"\)/.exec(line)?.[1] ?? /inet_pton\(AF_INET6,\s*"([^"]+)"/.exec(line)?.[1] ?? '?'
        events.push({ kind: port === '53' ? 'dns' : 'network', key: `${family === 'AF_INET6' ? 'tcp6/udp6' : 'inet'} ${addr}:${port}`, evidence: `${pid}: ${line}` })
        break
      }
      case 'socket': {
        const family = /^socket\((AF_INET6?)/.exec(line)?.[1]
        const type = /^socket\(AF_INET6?,\s*(SOCK_\w+)/.exec(line)?.[1]
        if (family) events.push({ kind: 'network', key: `socket ${family} ${type ?? ''}`.trim(), evidence: `${pid}: ${line}` })
        break
      }
      case 'open':
      case 'openat':
      case 'openat2':
      case 'creat': {
        const path = args[0]
        if (path === undefined) break
        const full = returnedPath(line) ?? abs(path, call === 'open' || call === 'creat' ? undefined : dirfd(line))
        if (/^\/proc\/(self|\d+|thread-self)\/environ$/.test(full) && ok) {
          events.push({ kind: 'env-read', key: full.replace(/\d+/g, 'N'), evidence: `${pid}: ${line}` })
          break
        }
        const writes = call === 'creat' || /O_(WRONLY|RDWR|CREAT|TRUNC|APPEND)/.test(line)
        if (writes && ok) file('file-write', full, line)
        break
      }
      case 'mkdir':
      case 'mkdirat':
      case 'symlink':
      case 'symlinkat':
      case 'link':
      case 'linkat':
      case 'truncate': {
        if (!ok) break
        const target = call.startsWith('symlink') || call.startsWith('link') ? args[args.length - 1] : args[0]
        if (target !== undefined) file('file-write', abs(target, call.endsWith('at') ? /,\s*(?:AT_FDCWD|\d+)<([^>]*)>,\s*"[^"]*"\)/.exec(line)?.[1] ?? dirfd(line) : undefined), line)
        break
      }
      case 'unlink':
      case 'unlinkat':
      case 'rmdir':
        if (ok && args[0] !== undefined) file('file-delete', abs(args[0], call === 'unlinkat' ? dirfd(line) : undefined), line)
        break
      case 'rename':
      case 'renameat':
      case 'renameat2':
        if (ok && args[0] !== undefined && args[1] !== undefined) {
          const dirs = [...line.matchAll(/(?:AT_FDCWD|\d+)<([^>]*)>/g)].map((m) => m[1])
          file('file-delete', abs(args[0], call === 'rename' ? undefined : dirs[0]), line)
          file('file-write', abs(args[1], call === 'rename' ? undefined : dirs[1]), line)
        }
        break
    }
  }
  return { events, syscalls }
}

export function summarise(events: readonly TraceEvent[], processes: number, syscalls: number, exitCode: number | null): TraceSummary {
  const behaviours = Object.fromEntries(BEHAVIOURS.map((b) => [b, [] as { key: string; count: number; evidence: string[] }[]])) as TraceSummary['behaviours']
  const index = new Map<string, { key: string; count: number; evidence: string[] }>()
  for (const e of events) {
    const id = `${e.kind}\0${e.key}`
    let entry = index.get(id)
    if (!entry) {
      entry = { key: e.key, count: 0, evidence: [] }
      index.set(id, entry)
      behaviours[e.kind].push(entry)
    }
    entry.count++
    if (entry.evidence.length < 3) entry.evidence.push(e.evidence)
  }
  for (const b of BEHAVIOURS) behaviours[b].sort((x, y) => x.key.localeCompare(y.key))
  return { behaviours, processes, syscalls, exitCode }
}

export interface TracedRun {
  readonly summary: TraceSummary
  readonly stderr: string
  readonly wall: number
}

/**
 * Runs `argv` under `strace -f -ff -y` (one file per process, so no interleaved lines) and
 * summarises it. `prefix` goes before strace (e.g. `unshare -rn`).
 */
export async function traceRun(argv: readonly string[], env: NodeJS.ProcessEnv, options: TraceOptions, prefix: readonly string[] = []): Promise<TracedRun> {
  const dir = await mkdtemp(join(tmpdir(), 'stagelight-strace-'))
  try {
    const out = join(dir, 'tr')
    const full = [...prefix, 'strace', '-f', '-ff', '-qq', '-y', '-s', '256', '-o', out, '-e', `trace=${STRACE_CALLS}`, '-e', 'signal=none', '--', ...argv]
    const [program, ...args] = full as [string, ...string[]]
    const r = await spawnCollect(program, args, { env, cwd: options.cwd })
    const files = (await readdir(dir)).filter((n) => /^tr\.\d+$/.test(n)).map((n) => ({ name: n, pid: Number(n.slice(3)) })).sort((a, b) => a.pid - b.pid)
    const events: TraceEvent[] = []
    let syscalls = 0
    for (const [i, f] of files.entries()) {
      const parsed = parseTrace(f.pid, await readFile(join(dir, f.name), 'utf8'), options, i === 0)
      events.push(...parsed.events)
      syscalls += parsed.syscalls
    }
    return { summary: summarise(events, files.length, syscalls, r.code), stderr: r.stderr, wall: r.wall }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export interface NewBehaviour {
  readonly kind: Behaviour
  readonly key: string
  readonly count: number
  readonly evidence: readonly string[]
}

/** What the candidate does that the baseline never did. */
export function newBehaviour(baseline: TraceSummary, candidate: TraceSummary): NewBehaviour[] {
  const out: NewBehaviour[] = []
  for (const kind of BEHAVIOURS) {
    const seen = new Set(baseline.behaviours[kind].map((e) => e.key))
    for (const e of candidate.behaviours[kind]) if (!seen.has(e.key)) out.push({ kind, key: e.key, count: e.count, evidence: e.evidence })
  }
  return out
}
