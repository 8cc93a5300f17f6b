/*
 * Injects a takeover into a copy of a real history: the repository is cloned (objects shared,
 * nothing of the original is changed) and a new identity's commits are replayed on top of HEAD
 * with `git fast-import`, following one of the public shapes:
 *
 * - xz: two years of small patches committed by the incumbent while the incumbent fades, then
 *   direct commits, releases tagged and signed with the newcomer's own key, build-system (m4), CI
 *   and security-policy changes;
 * - npm-tag: the project silent for a year, then a stranger with no prior commit pushes to the
 *   default branch, adds a dependency and tags a release 12 days after the first commit;
 * - npm-bump: the same without any tag; the release is a version bump in a manifest.
 *
 * Used by the corpus benchmark (real backgrounds) and by the tests (generated backgrounds).
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type Shape = 'xz' | 'npm-tag' | 'npm-bump'
export const SHAPES: readonly Shape[] = ['xz', 'npm-tag', 'npm-bump']

export interface Person {
  readonly name: string
  readonly email: string
}

export interface Injected {
  /** a bare repository holding the background and the injected commits */
  readonly dir: string
  readonly shape: Shape
  readonly newcomer: Person
  readonly incumbent: Person
  /** what was replayed, one line each */
  readonly acts: readonly string[]
}

const DAY = 86400

function run(program: string, args: readonly string[], options: { input?: string | Buffer; env?: Record<string, string>; allowFailure?: boolean } = {}): string {
  const r = spawnSync(program, args, { input: options.input, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', ...options.env }, maxBuffer: 512 * 1024 * 1024 })
  if (!options.allowFailure && (r.error || r.status !== 0)) throw new Error(`${program} ${args.slice(0, 6).join(' ')} failed (${String(r.status)}): ${r.stderr?.toString('utf8').slice(0, 500) ?? ''}${r.error?.message ?? ''}`)
  return r.stdout?.toString('utf8') ?? ''
}

const git = (dir: string, ...args: string[]): string => run('git', ['--git-dir', dir, ...args])

/** Deterministic pseudo-random numbers, so a background always gets the same twin. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

const seedOf = (text: string): number => [...text].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7)

interface Background {
  readonly head: string
  readonly branch: string
  readonly headTime: number
  readonly files: readonly string[]
  readonly incumbent: Person
  readonly latestTag?: string
  readonly existingTags: ReadonlySet<string>
}

/** The next release name not already taken. */
function freshVersion(bg: Background, after: string | undefined): string {
  let v = nextVersion(after)
  while (bg.existingTags.has(v)) v = nextVersion(v)
  return v
}

function readBackground(dir: string): Background {
  const head = git(dir, 'rev-parse', 'HEAD').trim()
  const branch = git(dir, 'symbolic-ref', '--short', 'HEAD').trim()
  const headTime = Number(git(dir, 'log', '-1', '--format=%ct', 'HEAD').trim())
  const files = git(dir, 'ls-tree', '-r', '-z', '--name-only', 'HEAD').split('\0').filter(Boolean)
  // the incumbent: the most active author of the last two years (of the last 300 commits if quieter)
  const recent = git(dir, 'log', '--no-merges', '-n', '300', `--since=${headTime - 730 * DAY}`, '--format=%aN%x00%aE', 'HEAD').split('\n').filter(Boolean)
  const lines = recent.length ? recent : git(dir, 'log', '--no-merges', '-n', '300', '--format=%aN%x00%aE', 'HEAD').split('\n').filter(Boolean)
  const counts = new Map<string, number>()
  for (const l of lines) if (!/\[bot\]|noreply@github\.com/.test(l)) counts.set(l, (counts.get(l) ?? 0) + 1)
  const top = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'Maintainer\0maintainer@example.invalid'
  const [name = '', email = ''] = top.split('\0')
  const tags = git(dir, 'tag', '--merged', 'HEAD', '--sort=-creatordate').split('\n').filter((t) => /\d+[._]\d+/.test(t))
  return { head, branch, headTime, files, incumbent: { name, email }, existingTags: new Set(git(dir, 'tag').split('\n')), ...(tags[0] ? { latestTag: tags[0] } : {}) }
}

/** The next release name after `tag` (last number incremented), or v1.0.1. */
export function nextVersion(tag: string | undefined): string {
  if (!tag) return 'v1.0.1'
  const m = /^(.*?)(\d+)([^\d]*)$/.exec(tag)
  return m ? `${m[1] ?? ''}${Number(m[2]) + 1}${m[3] ?? ''}` : `${tag}.1`
}

const VERSION_FILES = ['package.json', 'manifest.json', 'platform/chromium/manifest.json', 'Cargo.toml', 'pyproject.toml', 'configure.ac', 'CMakeLists.txt', 'meson.build', 'setup.py', 'src/version.h', 'include/version.h']

/** Increments the version number written in a manifest or build file; undefined when none is found. */
export function bumpVersion(path: string, text: string): string | undefined {
  const patterns: RegExp[] = [/(#\s*define\s+\w*VERSION(?:_STRING)?\s+")(\d+(?:\.\d+)+)([\w.-]*")/, /("version"\s*:\s*")(\d+(?:\.\d+)*)([\w.+-]*")/, /(^version\s*=\s*")(\d+(?:\.\d+)*)(")/m, /(AC_INIT\(\s*\[?[^,\]]+\]?\s*,\s*\[?)(\d+(?:\.\d+)*)()/, /(project\([^)]*VERSION\s+)(\d+(?:\.\d+)*)()/i, /(version\s*:\s*')(\d+(?:\.\d+)*)(')/, /(version\s*=\s*['"])(\d+(?:\.\d+)*)(['"])/, /^()(\d+(?:\.\d+)+)()\s*$/m]
  for (const re of patterns) {
    const m = re.exec(text)
    if (!m || m[2] === undefined) continue
    const parts = m[2].split('.')
    parts[parts.length - 1] = String(Number(parts[parts.length - 1]) + 1)
    return text.replace(re, `$1${parts.join('.')}$3`)
  }
  void path
  return undefined
}

/** Adds a dependency to a JavaScript manifest; undefined when it has no place for one. */
function addNpmDependency(text: string, name: string): string | undefined {
  if (/"dependencies"\s*:\s*\{/.test(text)) return text.replace(/("dependencies"\s*:\s*\{)/, `$1\n    "${name}": "^0.1.1",`)
  if (/^\{/.test(text.trim())) return text.replace(/\}\s*$/, `,\n  "dependencies": {\n    "${name}": "^0.1.1"\n  }\n}\n`)
  return undefined
}

class Stream {
  readonly chunks: Buffer[] = []
  mark = 0
  readonly contents = new Map<string, string>()
  readonly dir: string
  readonly ref: string
  private tip: string
  constructor(dir: string, ref: string, tip: string) {
    this.dir = dir
    this.ref = ref
    this.tip = tip
  }

  read(path: string): string | undefined {
    if (this.contents.has(path)) return this.contents.get(path)
    const r = spawnSync('git', ['--git-dir', this.dir, 'cat-file', 'blob', `HEAD:${path}`], { maxBuffer: 64 * 1024 * 1024 })
    return r.status === 0 ? r.stdout.toString('utf8') : undefined
  }

  commit(author: Person, committer: Person, time: number, message: string, files: Record<string, string | null>, gitlinks: Record<string, string> = {}): number {
    const mark = ++this.mark
    const data = (s: string): Buffer[] => {
      const b = Buffer.from(s)
      return [Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n')]
    }
    this.chunks.push(Buffer.from(`commit ${this.ref}\nmark :${mark}\nauthor ${author.name} <${author.email}> ${time} +0000\ncommitter ${committer.name} <${committer.email}> ${time} +0000\n`), ...data(message), Buffer.from(`from ${this.tip}\n`))
    for (const [path, content] of Object.entries(files)) {
      if (content === null) this.chunks.push(Buffer.from(`D ${path}\n`))
      else {
        this.chunks.push(Buffer.from(`M 100644 inline ${path}\n`), ...data(content))
        this.contents.set(path, content)
      }
    }
    for (const [path, id] of Object.entries(gitlinks)) this.chunks.push(Buffer.from(`M 160000 ${id} ${path}\n`))
    this.chunks.push(Buffer.from('\n'))
    this.tip = `:${mark}`
    return mark
  }

  tag(name: string, mark: number, tagger: Person, time: number): void {
    const msg = Buffer.from(`Release ${name}\n`)
    this.chunks.push(Buffer.from(`tag ${name}\nfrom :${mark}\ntagger ${tagger.name} <${tagger.email}> ${time} +0000\ndata ${msg.length}\n`), msg, Buffer.from('\n'))
  }

  write(): Map<number, string> {
    const marks = join(this.dir, 'inject-marks')
    run('git', ['--git-dir', this.dir, 'fast-import', '--quiet', `--export-marks=${marks}`], { input: Buffer.concat(this.chunks) })
    const out = new Map<number, string>()
    for (const line of run('cat', [marks]).split('\n')) {
      const [m, id] = line.split(' ')
      if (m && id) out.set(Number(m.slice(1)), id)
    }
    return out
  }
}

/** A throwaway OpenPGP key (the newcomer's own signing key) in its own GNUPGHOME. */
function newKey(uid: string): { home: string; fingerprint: string } | undefined {
  const home = mkdtempSync(join(tmpdir(), 'sl-inject-gpg-'))
  chmodSync(home, 0o700)
  const r = spawnSync('gpg', ['--homedir', home, '--batch', '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never'])
  if (r.status !== 0) return undefined
  const colons = run('gpg', ['--homedir', home, '--batch', '--with-colons', '--list-keys', uid]).split('\n')
  const fpr = colons.find((l) => l.startsWith('fpr:'))?.split(':')[9] ?? ''
  return { home, fingerprint: fpr }
}

function signedTag(dir: string, name: string, commit: string, tagger: Person, time: number, key: { home: string; fingerprint: string }): void {
  run('git', ['--git-dir', dir, '-c', 'gpg.program=gpg', '-c', `user.signingkey=${key.fingerprint}`, 'tag', '-s', '-m', `Release ${name}`, name, commit], {
    env: { GNUPGHOME: key.home, GIT_COMMITTER_NAME: tagger.name, GIT_COMMITTER_EMAIL: tagger.email, GIT_COMMITTER_DATE: `${time} +0000` },
  })
}

const sourceLike = (p: string): boolean => /\.(c|h|cc|cpp|go|rs|js|ts|py|java|lua|rb|vim|sh)$/.test(p) && !/(^|\/)(test|tests|vendor|third_party|node_modules)\//.test(p)

/**
 * Clones `source` (a git directory) into `into` (a new bare repository sharing its objects) and
 * replays the shape on top of HEAD.
 */
export function inject(source: string, into: string, shape: Shape): Injected {
  rmSync(into, { recursive: true, force: true })
  mkdirSync(into, { recursive: true })
  run('git', ['clone', '--quiet', '--bare', '--shared', '--no-tags', source, into])
  // the tags as they are in the source (release history), without the source's other refs
  const tags = run('git', ['--git-dir', source, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/tags']).split('\n').filter(Boolean)
  if (tags.length) run('git', ['--git-dir', into, 'update-ref', '--stdin'], { input: tags.map((l) => `create ${l.split(' ')[1] ?? ''} ${l.split(' ')[0] ?? ''}\n`).join('') })
  const bg = readBackground(into)
  const random = rng(seedOf(`${source}:${shape}`))
  const sources = bg.files.filter(sourceLike)
  const pick = (): string => sources[Math.floor(random() * sources.length)] ?? 'NOTES'
  const s = new Stream(into, `refs/heads/${bg.branch}`, bg.head)
  const acts: string[] = []
  const touch = (path: string, line: string): Record<string, string> => ({ [path]: `${s.read(path) ?? ''}${line}\n` })
  const comment = (path: string, n: number): string => (/\.(py|rb|sh)$/.test(path) ? `# note ${n}` : /\.vim$/.test(path) ? `" note ${n}` : /\.lua$/.test(path) ? `-- note ${n}` : `/* note ${n} */`)
  const incumbent = bg.incumbent

  if (shape === 'xz') {
    const newcomer: Person = { name: 'Morgan Vale', email: 'morgan.vale.dev@example.invalid' }
    const start = bg.headTime + 30 * DAY
    // two years of small patches, committed by the incumbent; the incumbent's own work fades
    for (let month = 0; month < 24; month++) {
      for (let k = 0; k < 2; k++) {
        const f = pick()
        s.commit(newcomer, incumbent, start + month * 30 * DAY + k * 9 * DAY, `Fix a small issue in ${f}\n`, touch(f, comment(f, month * 2 + k)))
      }
      const own = month < 12 ? 3 : month % 3 === 0 ? 1 : 0
      for (let k = 0; k < own; k++) {
        const f = pick()
        s.commit(incumbent, incumbent, start + month * 30 * DAY + (k + 1) * 7 * DAY + 3600, `Update ${f}\n`, touch(f, comment(f, 1000 + month * 3 + k)))
      }
    }
    acts.push('24 months of patches by the newcomer committed by the incumbent; the incumbent fades')
    const power = start + 24 * 30 * DAY
    const first = s.commit(newcomer, newcomer, power, 'Add myself as a maintainer\n', touch('AUTHORS', `${newcomer.name} <${newcomer.email}>`))
    acts.push('first direct commit')
    const m4 = s.commit(newcomer, newcomer, power + 20 * DAY, 'build: add helper macro\n', { 'm4/build-to-host.m4': 'dnl build-to-host.m4\nAC_DEFUN([gl_BUILD_TO_HOST], [\n  gl_am_configmake=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`\n])\n' })
    acts.push('build system: new m4 macro')
    // CI: the test or fuzz step actually removed from an existing workflow, when there is one
    const workflows = bg.files.filter((p) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(p))
    const testStep = /^\s*(?:-\s*)?(?:run:\s*)?.*\b(make\s+(?:-\S+\s+)*(?:check|test)|ctest|meson\s+test|npm\s+(?:run\s+)?test|pytest|cargo\s+test|go\s+test)\b.*$/m
    const wf = workflows.find((p) => testStep.test(s.read(p) ?? ''))
    let ci: number
    if (wf) {
      ci = s.commit(newcomer, newcomer, power + 35 * DAY, 'CI: speed up\n', { [wf]: (s.read(wf) ?? '').replace(new RegExp(testStep.source, 'gm'), '') })
      acts.push(`CI: test step removed from ${wf}`)
    } else {
      ci = s.commit(newcomer, newcomer, power + 35 * DAY, 'CI: add build\n', { '.github/workflows/build.yml': 'name: build\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./configure && make\n' })
      acts.push('CI: new workflow')
    }
    const security = bg.files.find((p) => /(^|\/)SECURITY\.md$/i.test(p)) ?? 'SECURITY.md'
    s.commit(newcomer, newcomer, power + 50 * DAY, 'Update security policy\n', { [security]: `# Security\n\nReport vulnerabilities to ${newcomer.email}\n` })
    acts.push('security policy contact changed')
    const marks = s.write()
    void first
    void m4
    const key = newKey(`${newcomer.name} <${newcomer.email}>`)
    const v1 = freshVersion(bg, bg.latestTag)
    const v2 = freshVersion(bg, v1)
    if (key) {
      signedTag(into, v1, marks.get(ci) ?? '', newcomer, power + 40 * DAY, key)
      signedTag(into, v2, marks.get(s.mark) ?? '', newcomer, power + 55 * DAY, key)
      spawnSync('gpgconf', ['--homedir', key.home, '--kill', 'all'])
      rmSync(key.home, { recursive: true, force: true })
      acts.push(`signed releases ${v1}, ${v2} with a new key`)
    } else acts.push('no gpg: releases not tagged')
    return { dir: into, shape, newcomer, incumbent, acts }
  }

  // the 2018 npm hand-over: a year of silence, a stranger, a dependency, a quick release
  const stranger: Person = { name: 'r9ctl', email: 'r9ctl@example.invalid' }
  const start = bg.headTime + 365 * DAY
  const f0 = pick()
  s.commit(stranger, stranger, start, 'Update\n', touch(f0, comment(f0, 1)))
  acts.push('a year of silence, then a stranger pushes to the default branch')
  const pkg = bg.files.find((p) => p === 'package.json')
  const added = pkg ? addNpmDependency(s.read(pkg) ?? '', 'flat-stream-utils') : undefined
  if (pkg && added) {
    s.commit(stranger, stranger, start + 3 * DAY, 'Add flat-stream-utils\n', { [pkg]: added })
    acts.push('new npm dependency')
  } else {
    s.commit(stranger, stranger, start + 3 * DAY, 'Add helper library\n', { '.gitmodules': `${s.read('.gitmodules') ?? ''}[submodule "third_party/flat-stream"]\n\tpath = third_party/flat-stream\n\turl = https://example.invalid/flat-stream.git\n` }, { 'third_party/flat-stream': '1'.repeat(40) })
    acts.push('new git submodule dependency')
  }
  const f1 = pick()
  const fix = s.commit(stranger, stranger, start + 8 * DAY, 'Refactor\n', touch(f1, comment(f1, 2)))
  let releaseMark = fix
  if (shape === 'npm-bump') {
    const vf = VERSION_FILES.find((p) => bg.files.includes(p) && bumpVersion(p, s.read(p) ?? '') !== undefined)
    if (vf) {
      releaseMark = s.commit(stranger, stranger, start + 12 * DAY, 'Bump version\n', { [vf]: bumpVersion(vf, s.read(vf) ?? '') ?? '' })
      acts.push(`version bump in ${vf}, no tag`)
    } else acts.push('no version-bearing file to bump')
  }
  const f2 = pick()
  s.commit(stranger, stranger, start + 20 * DAY, 'Minor fix\n', touch(f2, comment(f2, 3)))
  const marks = s.write()
  if (shape === 'npm-tag') {
    const v = freshVersion(bg, bg.latestTag)
    acts.push(`release tag ${v} 12 days after the first commit`)
    // an annotated tag by the stranger, 12 days after the first commit
    run('git', ['--git-dir', into, 'tag', '-a', '-m', `Release ${v}`, v, marks.get(releaseMark) ?? ''], { env: { GIT_COMMITTER_NAME: stranger.name, GIT_COMMITTER_EMAIL: stranger.email, GIT_COMMITTER_DATE: `${start + 12 * DAY} +0000` } })
  }
  return { dir: into, shape, newcomer: stranger, incumbent, acts }
}
