import { createReadStream } from 'node:fs'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { RawEntry } from './raw.js'

/** Entries of a directory tree, sorted, never following links. */
export async function* readDirectory(root: string, relative = ''): AsyncGenerator<RawEntry> {
  const names = (await readdir(join(root, relative))).sort()
  for (const name of names) {
    const rel = relative ? `${relative}/${name}` : name
    const full = join(root, rel)
    const info = await lstat(full)
    const mode = info.mode & 0o7777
    if (info.isSymbolicLink()) yield { name: rel, kind: 'symlink', mode, size: 0, linkTarget: await readlink(full) }
    else if (info.isDirectory()) {
      yield { name: rel, kind: 'directory', mode, size: 0 }
      yield* readDirectory(root, rel)
    } else if (info.isFile()) yield { name: rel, kind: 'file', mode, size: info.size, body: createReadStream(full) }
    else yield { name: rel, kind: info.isFIFO() ? 'fifo' : info.isCharacterDevice() || info.isBlockDevice() ? 'device' : 'other', mode, size: 0 }
  }
}
