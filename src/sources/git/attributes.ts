import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ByteReader } from './byte-reader.js'
import { git, gitOk, gitStream } from './exec.js'
import type { Repository } from './types.js'

/**
 * The attributes `git archive` acts on, as the tree itself (and `$GIT_DIR/info/attributes`) set
 * them. The user's personal attributes file is ignored (safe-config.ts): it was not part of the release.
 */
const ATTRIBUTES = ['export-ignore', 'export-subst', 'ident', 'eol', 'working-tree-encoding'] as const
type AttributeName = (typeof ATTRIBUTES)[number]

export interface ExportAttributes {
  /** files `git archive` leaves out, directly or through an export-ignored directory */
  readonly ignored: ReadonlySet<string>
  readonly subst: ReadonlySet<string>
  /** files whose bytes `git archive` rewrites ($Id$ expansion, CRLF line ends, re-encoding), export-subst included */
  readonly rewritten: ReadonlySet<string>
}

const NUL = 0

/** Every directory that holds one of the files, as `dir/` (how `git archive` asks about directories). */
function directoriesOf(files: Iterable<string>): string[] {
  const dirs = new Set<string>()
  for (const file of files) {
    let slash = file.lastIndexOf('/')
    while (slash > 0) {
      const dir = file.slice(0, slash + 1)
      if (dirs.has(dir)) break
      dirs.add(dir)
      slash = file.lastIndexOf('/', slash - 1)
    }
  }
  return [...dirs]
}

/** Whether `$GIT_DIR/info/attributes` exists (it applies to every tree of the repository). */
export async function hasInfoAttributes(repo: Repository): Promise<boolean> {
  const isFile = (path: string): Promise<boolean> => stat(path).then((s) => s.isFile(), () => false)
  // only a linked worktree (it has a commondir file) keeps info/ elsewhere: elsewhere, no git process is needed
  if (!(await isFile(join(repo.gitDir, 'commondir')))) return isFile(join(repo.gitDir, 'info', 'attributes'))
  const r = await git(['rev-parse', '--git-path', 'info/attributes'], { gitDir: repo.gitDir })
  if (r.code !== 0) return false
  // git prints the path relative to its working directory, which is the git directory
  return isFile(resolve(repo.gitDir, r.stdout.toString('utf8').replace(/\n$/, '')))
}

/**
 * Asks git which files of `commit` are export-ignored, export-substituted or otherwise rewritten
 * by `git archive`. The tree is read into a temporary index, so this works for bare repositories
 * and never touches a work tree.
 */
export async function exportAttributes(repo: Repository, commit: string, files: readonly string[]): Promise<ExportAttributes> {
  const scratch = await mkdtemp(join(tmpdir(), 'stagelight-index-'))
  const env = { GIT_INDEX_FILE: join(scratch, 'index') }
  try {
    await gitOk(repo.gitDir, ['read-tree', commit], `reading the tree of ${commit} in ${repo.spec}`, 'E_INPUT_INVALID', { env })
    const values = await checkAttributes(repo, [...files, ...directoriesOf(files)], env)
    const ignoredDirs = new Set<string>()
    const ignored = new Set<string>()
    const subst = new Set<string>()
    const rewritten = new Set<string>()
    for (const [path, attrs] of values) {
      if (attrs.get('export-ignore') === 'set') (path.endsWith('/') ? ignoredDirs : ignored).add(path)
    }
    for (const file of files) {
      if (ignored.has(file)) continue
      if (underIgnored(file, ignoredDirs)) {
        ignored.add(file)
        continue
      }
      const attrs = values.get(file)
      if (!attrs) continue
      if (attrs.get('export-subst') === 'set') subst.add(file)
      if (attrs.get('export-subst') === 'set' || attrs.get('ident') === 'set' || attrs.get('eol') === 'crlf' || isValue(attrs.get('working-tree-encoding'))) rewritten.add(file)
    }
    return { ignored, subst, rewritten }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

const isValue = (v: string | undefined): boolean => v !== undefined && v !== 'set' && v !== 'unset' && v !== 'unspecified'

function underIgnored(file: string, ignoredDirs: ReadonlySet<string>): boolean {
  if (ignoredDirs.size === 0) return false
  for (let slash = file.indexOf('/'); slash > 0; slash = file.indexOf('/', slash + 1)) if (ignoredDirs.has(file.slice(0, slash + 1))) return true
  return false
}

/** `git check-attr --cached -z --stdin`, fed and read at the same time so neither side blocks. */
async function checkAttributes(repo: Repository, paths: readonly string[], env: Record<string, string>): Promise<Map<string, Map<AttributeName, string>>> {
  const proc = gitStream(repo.gitDir, ['check-attr', '--cached', '-z', '--stdin', ...ATTRIBUTES], `reading .gitattributes of ${repo.spec}`, { env })
  const feeding = (async () => {
    for (const path of paths) await proc.write(`${path}\0`)
    proc.endInput()
  })()
  const reader = new ByteReader(proc.stdout)
  const values = new Map<string, Map<AttributeName, string>>()
  try {
    for (;;) {
      const path = await reader.readUntil(NUL)
      const attribute = await reader.readUntil(NUL)
      const info = await reader.readUntil(NUL)
      if (path === undefined || attribute === undefined || info === undefined) break
      const value = info.toString('utf8')
      if (value === 'unspecified') continue
      const key = path.toString('utf8')
      let attrs = values.get(key)
      if (!attrs) values.set(key, (attrs = new Map()))
      attrs.set(attribute.toString('utf8') as AttributeName, value)
    }
    await feeding
    await proc.done
  } finally {
    proc.stop()
  }
  return values
}
