import { StagelightError } from '../errors.js'
import { ByteReader } from '../sources/git/byte-reader.js'
import { git, gitOk, gitStream } from '../sources/git/exec.js'
import { openPgpIssuer, sshSignatureFingerprint } from '../sources/git/signature.js'
import type { Repository } from '../sources/git/types.js'

/** The mailmap committed at HEAD (also for bare mirrors); never a file from the work tree. */
export const MAILMAP_CONFIG: readonly string[] = ['-c', 'mailmap.blob=HEAD:.mailmap']

export interface FileChange {
  readonly path: string
  /** for a rename or copy: the path it came from */
  readonly from?: string
  readonly added: number
  readonly deleted: number
  readonly binary: boolean
}

/** One commit as git log gives it, identities already mapped through .mailmap (%aN/%aE). */
export interface CommitFacts {
  readonly id: string
  readonly parents: readonly string[]
  readonly authorName: string
  readonly authorEmail: string
  /** epoch seconds */
  readonly authorTime: number
  readonly committerName: string
  readonly committerEmail: string
  readonly committerTime: number
  /** the first line of the message */
  readonly subject: string
  readonly files: readonly FileChange[]
  /** true when git could not read this commit's changes (a missing object): files is empty */
  readonly unreadable?: boolean
}

/** Date limits become `--since=…` words, so a value can never turn into another git option. */
export function rangeArgs(range: { readonly since?: string; readonly until?: string }): string[] {
  const args: string[] = []
  for (const [name, value] of [
    ['since', range.since],
    ['until', range.until],
  ] as const) {
    if (value === undefined) continue
    if (!/^[\w:+.\-/ ]{1,64}$/.test(value)) throw new StagelightError('E_USAGE', `--${name} ${JSON.stringify(value)} is not a date git understands (e.g. 2021-01-01, "2 years ago")`)
    args.push(`--${name}=${value}`)
  }
  return args
}

/** A date limit as git reads it, in epoch seconds (git parses it, so every form git accepts works). */
export async function dateOf(repo: Repository, value: string): Promise<number> {
  const [arg] = rangeArgs({ since: value })
  const r = await git(['rev-parse', arg ?? ''], { gitDir: repo.gitDir })
  const m = /--max-age=(\d+)/.exec(r.stdout.toString('utf8'))
  if (r.code !== 0 || !m) throw new StagelightError('E_USAGE', `${JSON.stringify(value)} is not a date git understands (e.g. 2021-01-01, "2 years ago")`)
  return Number(m[1])
}

// No signature placeholder (%G?, %GK…): each makes git run gpg or ssh-keygen for every signed commit.
const HEADER_FIELDS = ['%H', '%P', '%aN', '%aE', '%at', '%cN', '%cE', '%ct', '%s']
const LOG_ARGS = ['-z', '--numstat', '-M', '--no-color', '--no-decorate', '--no-show-signature', '--no-ext-diff', '--no-textconv', '--encoding=UTF-8', `--format=%x01${HEADER_FIELDS.join('%x00')}%x00`]

/** The object git could not read, from its error message ("unable to read <id>", "bad object <id>"). */
export const missingObjectIn = (message: string): string | undefined => /(?:unable to read|bad object|missing blob|could not read|bad tree object)\s+([0-9a-f]{40,64})/.exec(message)?.[1]

export interface StreamState {
  /** objects git could not read; the commits whose changes needed them are listed without changes */
  readonly missing: { object: string; commit: string }[]
}

/**
 * Every commit reachable from HEAD, newest first, one at a time: the stream holds one commit's
 * facts, never the history. When git stops on a missing object, the commit it was reading is
 * given without its changes, the object is noted in `state`, and the walk goes on with the
 * remaining commits (in git's own order), so one missing blob costs one commit's file list.
 */
export async function* streamCommits(repo: Repository, state: StreamState = { missing: [] }): AsyncGenerator<CommitFacts> {
  let last: string | undefined
  try {
    for await (const c of logOnce(repo, [...MAILMAP_CONFIG, 'log', ...LOG_ARGS, 'HEAD', '--'])) {
      last = c.id
      yield c
    }
    return
  } catch (err) {
    const object = missingObjectIn((err as Error).message)
    if (!object) throw err
    state.missing.push({ object, commit: '' })
  }
  // resume: the remaining commits in git's order, after the one that failed
  const order = (await gitOk(repo.gitDir, ['rev-list', 'HEAD', '--'], `listing the commits of ${repo.spec}`)).toString('utf8').split('\n').filter(Boolean)
  let at = last === undefined ? 0 : order.indexOf(last) + 1
  while (at < order.length) {
    const failed = order[at] ?? ''
    const miss = state.missing[state.missing.length - 1]
    if (miss && miss.commit === '') miss.commit = failed
    for await (const c of logOnce(repo, [...MAILMAP_CONFIG, 'log', ...LOG_ARGS.filter((a) => a !== '--numstat' && a !== '-M'), '--no-walk', failed, '--'])) yield { ...c, unreadable: true }
    at += 1
    if (at >= order.length) break
    let done = at
    try {
      for await (const c of logOnce(repo, [...MAILMAP_CONFIG, 'log', ...LOG_ARGS, '--no-walk=unsorted', '--stdin', '--'], order.slice(at).join('\n') + '\n')) {
        done = order.indexOf(c.id, done) + 1
        yield c
      }
      return
    } catch (err) {
      const object = missingObjectIn((err as Error).message)
      if (!object || state.missing.length >= 100) throw err
      state.missing.push({ object, commit: '' })
      at = done
    }
  }
}

async function* logOnce(repo: Repository, args: readonly string[], input?: string): AsyncGenerator<CommitFacts> {
  const proc = gitStream(repo.gitDir, args, `reading the history of ${repo.spec}`)
  if (input !== undefined) {
    void proc.write(input).then(() => proc.endInput())
  }
  const reader = new ByteReader(proc.stdout)
  const n = HEADER_FIELDS.length
  let pending: string | undefined
  const next = async (): Promise<string | undefined> => {
    if (pending !== undefined) {
      const p = pending
      pending = undefined
      return p
    }
    const b = await reader.readUntil(0)
    return b === undefined ? undefined : b.toString('utf8')
  }
  try {
    let token = await next()
    while (token !== undefined) {
      if (!token.startsWith('\x01')) {
        token = await next()
        continue
      }
      const header = [token.slice(1)]
      for (let i = 1; i < n; i++) header.push((await next()) ?? '')
      const [id = '', parents = '', an = '', ae = '', at = '0', cn = '', ce = '', ct = '0', subject = ''] = header
      if (!/^[0-9a-f]{40,64}$/.test(id)) throw new StagelightError('E_INPUT_INVALID', `unexpected git log output in ${repo.spec}`, { near: header.join(' ').slice(0, 200) })
      const files: FileChange[] = []
      for (;;) {
        let t = await next()
        if (t === undefined) {
          token = undefined
          break
        }
        if (t.startsWith('\n')) t = t.slice(1)
        if (t.startsWith('\x01')) {
          token = t
          break
        }
        if (t === '') continue
        const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(t)
        if (!m) continue
        const binary = m[1] === '-'
        const added = binary ? 0 : Number(m[1])
        const deleted = binary ? 0 : Number(m[2])
        if (m[3] === '') {
          const from = (await next()) ?? ''
          const to = (await next()) ?? ''
          files.push({ path: to, from, added, deleted, binary })
        } else files.push({ path: m[3] ?? '', added, deleted, binary })
      }
      // the last commit before a failure may have lost part of its file list: wait for git's verdict
      if (token === undefined) await proc.done
      yield { id, parents: parents === '' ? [] : parents.split(' '), authorName: an, authorEmail: ae, authorTime: Number(at), committerName: cn, committerEmail: ce, committerTime: Number(ct), subject, files }
    }
    await proc.done
  } finally {
    proc.stop()
  }
}

export interface TagRecord {
  readonly name: string
  readonly commit: string
  /** the tag object (annotated tags) */
  readonly object?: string
  readonly annotated: boolean
  /** the tagger for annotated tags; the tagged commit's committer for lightweight ones */
  readonly personName: string
  readonly personEmail: string
  /** epoch seconds */
  readonly time: number
  readonly signed: boolean
  readonly keyId?: string
  /** true when the person is only inferred (lightweight tag: the commit's committer) */
  readonly inferred: boolean
}

const TAG_FORMAT = [
  '%(refname:short)',
  '%(objecttype)',
  '%(objectname)',
  '%(*objectname)',
  '%(taggername)',
  '%(taggeremail)',
  '%(taggerdate:unix)',
  '%(committername)',
  '%(committeremail)',
  '%(committerdate:unix)',
  '%(*objecttype)',
  '%(contents:signature)',
].join('%00')

/** Every tag with who made it, when, and how it is signed (key id read from the signature packet, not verified). */
export async function readTags(repo: Repository): Promise<TagRecord[]> {
  const r = await git(['for-each-ref', `--format=${TAG_FORMAT}%01`, 'refs/tags'], { gitDir: repo.gitDir })
  if (r.code !== 0) return []
  const tags: TagRecord[] = []
  for (const record of r.stdout.toString('utf8').split('\x01\n')) {
    const f = record.split('\0')
    if (f.length < 12) continue
    const [name = '', type = '', object = '', peeled = '', tn = '', te = '', tt = '', cn = '', ce = '', ctime = '', peeledType = '', signature = ''] = f
    if (type === 'tag') {
      if (peeledType !== 'commit') continue
      let keyId: string | undefined
      const sig = Buffer.from(signature, 'utf8')
      if (signature.includes('-----BEGIN PGP')) keyId = openPgpIssuer(sig)?.keyId
      else if (signature.includes('-----BEGIN SSH SIGNATURE')) keyId = sshSignatureFingerprint(sig)
      tags.push({ name, commit: peeled, object, annotated: true, personName: tn, personEmail: te.replace(/^<|>$/g, ''), time: Number(tt) || 0, signed: signature.trim() !== '', ...(keyId ? { keyId } : {}), inferred: false })
    } else if (type === 'commit') {
      tags.push({ name, commit: object, annotated: false, personName: cn, personEmail: ce.replace(/^<|>$/g, ''), time: Number(ctime) || 0, signed: false, inferred: true })
    }
  }
  return tags
}

/** Maps `Name <email>` identities through the committed .mailmap, as %aN/%aE do for commits. */
export async function mailmapIdentities(repo: Repository, people: readonly { name: string; email: string }[]): Promise<Map<string, { name: string; email: string }>> {
  const out = new Map<string, { name: string; email: string }>()
  const keys = [...new Set(people.filter((p) => p.email !== '' && !/[<>\n]/.test(p.name + p.email)).map((p) => `${p.name} <${p.email}>`))]
  if (keys.length === 0) return out
  const r = await git([...MAILMAP_CONFIG, 'check-mailmap', '--stdin'], { gitDir: repo.gitDir, input: keys.join('\n') + '\n' })
  if (r.code !== 0) return out
  const lines = r.stdout.toString('utf8').split('\n')
  keys.forEach((key, i) => {
    const m = /^(.*?)\s*<([^>]*)>$/.exec(lines[i] ?? '')
    if (m) out.set(key, { name: m[1] ?? '', email: m[2] ?? '' })
  })
  return out
}

export interface RepositoryState {
  readonly empty: boolean
  readonly shallow: boolean
  /** for a shallow clone: the date of the oldest commit we have (its parents are missing) */
  readonly shallowBoundary?: number
  readonly head?: string
}

export async function repositoryState(repo: Repository): Promise<RepositoryState> {
  const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { gitDir: repo.gitDir })
  if (head.code !== 0) return { empty: true, shallow: false }
  const shallow = (await git(['rev-parse', '--is-shallow-repository'], { gitDir: repo.gitDir })).stdout.toString('utf8').trim() === 'true'
  return { empty: false, shallow, head: head.stdout.toString('utf8').trim() }
}

/** Paths in the tree at HEAD (streamed; bounded by the tree, not the history). */
export async function headPaths(repo: Repository): Promise<Set<string>> {
  const proc = gitStream(repo.gitDir, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', 'HEAD'], `listing HEAD of ${repo.spec}`)
  const reader = new ByteReader(proc.stdout)
  const paths = new Set<string>()
  try {
    for (;;) {
      const b = await reader.readUntil(0)
      if (b === undefined) break
      if (b.length) paths.add(b.toString('utf8'))
    }
    await proc.done
  } finally {
    proc.stop()
  }
  return paths
}
