import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs'
import { basename, join } from 'node:path'

export interface WalkLimits {
  /** directories deeper than this below the root are not entered (the root is depth 0) */
  readonly maxDepth: number
  /** the walk stops after this many files */
  readonly maxFiles: number
}

export interface WalkedFile {
  readonly path: string
  /** path relative to the root, with `/` separators */
  readonly relative: string
  /** the path with symlinks resolved, to recognise one file reached twice */
  readonly realPath: string
  readonly size: number
  /** with size and inode, tells a file changed since it was last read */
  readonly mtimeMs: number
  readonly ino: number
}

export interface WalkResult {
  readonly files: WalkedFile[]
  /** true when a limit cut the walk short */
  readonly truncated: boolean
}

const statOf = (path: string): Stats | undefined => {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

const realPathOf = (path: string): string => {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

/**
 * Regular files under `root`: a directory's files in name order, then its sub-directories. Hidden
 * directories (.git and the like) are skipped, symlinks to directories are not followed, symlinks
 * to files are, and a file reached twice (a symlink next to its target) is listed once.
 * Unreadable directories are skipped. `root` may also be a single file. The walk is synchronous:
 * its directories are small and local (installed autotools files, a user's catalog), and a
 * promise per stat cost more than the stats themselves.
 */
export async function walkFiles(root: string, limits: WalkLimits): Promise<WalkResult> {
  const files: WalkedFile[] = []
  const seen = new Set<string>()
  let truncated = false

  const visit = (dir: string, realDir: string, relative: string, depth: number): void => {
    let entries: Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const found = entries.map((entry) => {
      if (!entry.isFile() && !entry.isSymbolicLink()) return undefined
      const path = join(dir, entry.name)
      const info = statOf(path)
      if (!info?.isFile()) return undefined
      const realPath = entry.isSymbolicLink() ? realPathOf(path) : join(realDir, entry.name)
      return { path, realPath, size: info.size, mtimeMs: info.mtimeMs, ino: info.ino }
    })
    // files before sub-directories, so a file is listed under its own name before any link to it
    const subdirs: Dirent[] = []
    for (const [i, entry] of entries.entries()) {
      const file = found[i]
      if (!file) {
        if (entry.isDirectory() && !entry.name.startsWith('.')) subdirs.push(entry)
        continue
      }
      if (files.length >= limits.maxFiles) {
        truncated = true
        return
      }
      if (seen.has(file.realPath)) continue
      seen.add(file.realPath)
      files.push({ ...file, relative: relative ? `${relative}/${entry.name}` : entry.name })
    }
    for (const entry of subdirs) {
      if (depth >= limits.maxDepth) {
        truncated = true
        return
      }
      visit(join(dir, entry.name), join(realDir, entry.name), relative ? `${relative}/${entry.name}` : entry.name, depth + 1)
    }
  }

  const info = statOf(root)
  if (info?.isFile()) return { files: [{ path: root, relative: basename(root), realPath: realPathOf(root), size: info.size, mtimeMs: info.mtimeMs, ino: info.ino }], truncated: false }
  if (info?.isDirectory()) visit(root, realPathOf(root), '', 0)
  return { files, truncated }
}
