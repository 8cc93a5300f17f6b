import { chmodSync } from 'node:fs'
import { gitIn, sh, tempDir } from '../git/fixtures.js'

export interface Person {
  readonly name: string
  readonly email: string
}

export interface CommitSpec {
  readonly author: Person
  readonly committer?: Person
  /** ISO date or epoch seconds */
  readonly date: string | number
  readonly files?: Readonly<Record<string, string | Buffer | null>>
  readonly renames?: Readonly<Record<string, string>>
  readonly message?: string
  /** merge these marks (returned by commit()) into this commit */
  readonly merge?: readonly number[]
  /** branch to commit on (default main) */
  readonly branch?: string
}

const epoch = (d: string | number): number => (typeof d === 'number' ? d : Math.floor(Date.parse(d) / 1000))
const ident = (p: Person, t: number): string => `${p.name} <${p.email}> ${t} +0000`
const data = (b: Buffer | string): Buffer[] => {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b)
  return [Buffer.from(`data ${buf.length}\n`), buf, Buffer.from('\n')]
}

/** Builds a history quickly through `git fast-import`: controlled identities and dates, no hooks. */
export class HistoryBuilder {
  readonly #chunks: Buffer[] = []
  #mark = 0
  readonly #tips = new Map<string, number>()

  commit(spec: CommitSpec): number {
    const mark = ++this.#mark
    const branch = spec.branch ?? 'main'
    const t = epoch(spec.date)
    const parts: Buffer[] = [Buffer.from(`commit refs/heads/${branch}\nmark :${mark}\nauthor ${ident(spec.author, t)}\ncommitter ${ident(spec.committer ?? spec.author, t)}\n`), ...data(spec.message ?? `change ${mark}`)]
    const tip = this.#tips.get(branch) ?? (branch !== 'main' ? this.#tips.get('main') : undefined)
    if (tip !== undefined) parts.push(Buffer.from(`from :${tip}\n`))
    for (const m of spec.merge ?? []) parts.push(Buffer.from(`merge :${m}\n`))
    for (const [from, to] of Object.entries(spec.renames ?? {})) parts.push(Buffer.from(`R ${from} ${to}\n`))
    for (const [path, content] of Object.entries(spec.files ?? {})) {
      if (content === null) parts.push(Buffer.from(`D ${path}\n`))
      else parts.push(Buffer.from(`M 100644 inline ${path}\n`), ...data(content))
    }
    parts.push(Buffer.from('\n'))
    this.#chunks.push(...parts)
    this.#tips.set(branch, mark)
    return mark
  }

  /** An annotated, unsigned tag made through fast-import. */
  tag(name: string, mark: number, tagger: Person, date: string | number): void {
    this.#chunks.push(Buffer.from(`tag ${name}\nfrom :${mark}\ntagger ${ident(tagger, epoch(date))}\n`), ...data(`Release ${name}`))
  }

  /** Writes the history into a new repository and returns its directory. */
  write(dir = tempDir('sl-history-')): string {
    sh('git', ['init', '--quiet', '--initial-branch=main', dir])
    if (this.#chunks.length) {
      const marks = `${dir}/.git/marks`
      sh('git', ['-C', dir, 'fast-import', '--quiet', `--export-marks=${marks}`], { input: Buffer.concat(this.#chunks) })
      gitIn(dir, 'symbolic-ref', 'HEAD', 'refs/heads/main')
    }
    return dir
  }

  /** The commit id of a mark, after write(). */
  static idOf(dir: string, mark: number): string {
    const line = sh('grep', [`^:${mark} `, `${dir}/.git/marks`]).stdout.trim()
    return line.split(' ')[1] ?? ''
  }
}

export interface Key {
  readonly home: string
  readonly fingerprint: string
  readonly keyId: string
}

/** A throwaway OpenPGP signing key in its own GNUPGHOME. */
export function generateKey(uid: string): Key {
  const home = tempDir('sl-gpg-')
  chmodSync(home, 0o700)
  sh('gpg', ['--homedir', home, '--batch', '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never'])
  const colons = sh('gpg', ['--homedir', home, '--batch', '--with-colons', '--list-keys', uid]).stdout.split('\n')
  const pub = colons.find((l) => l.startsWith('pub:'))?.split(':') ?? []
  const fpr = colons.find((l) => l.startsWith('fpr:'))?.split(':') ?? []
  return { home, keyId: pub[4] ?? '', fingerprint: fpr[9] ?? '' }
}

export function killAgent(key: Key): void {
  sh('gpgconf', ['--homedir', key.home, '--kill', 'all'], { allowFailure: true })
}

/** A signed, annotated tag on `commit`, by `tagger` at `date`. */
export function signedTag(dir: string, name: string, commit: string, tagger: Person, date: string | number, key: Key): void {
  const t = epoch(date)
  sh('git', ['-C', dir, '-c', 'gpg.program=gpg', '-c', `user.signingkey=${key.fingerprint}`, 'tag', '-s', '-m', `Release ${name}`, name, commit], {
    env: { GNUPGHOME: key.home, GIT_COMMITTER_NAME: tagger.name, GIT_COMMITTER_EMAIL: tagger.email, GIT_COMMITTER_DATE: `${t} +0000` },
  })
}
