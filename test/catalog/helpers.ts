import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
/** The catalog's source data, kept next to the repository. */
export const catalogJsonl = join(repoRoot, '..', 'shared', 'data', 'autotools-catalog.jsonl')

/** Directories where Debian installs the upstream autotools files. */
export const SYSTEM_DIRS = [
  '/usr/share/aclocal',
  '/usr/share/aclocal-1.16',
  '/usr/share/gnulib/m4',
  '/usr/share/gnulib/build-aux',
  '/usr/share/autoconf/build-aux',
  '/usr/share/libtool/build-aux',
  '/usr/share/automake-1.16',
  '/usr/share/gettext',
  '/usr/share/misc',
]

/** Regular files under `dir` (recursively), sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await listFiles(path)))
    else if (e.isFile()) out.push(path)
  }
  return out
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'stagelight-catalog-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export const readText = async (path: string): Promise<string> => readFile(path, 'latin1')
