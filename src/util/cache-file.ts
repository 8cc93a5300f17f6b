/** @fileoverview Files kept between runs in the cache directory: written whole or not at all, and never needed. */
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Writes `text` to `file` through a temporary file renamed over it, so a reader sees the old file
 * or the new one, never half of one. A cache that cannot be written only costs the next run the
 * work it would have saved: failures are ignored.
 */
export async function writeCacheFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    await mkdir(dirname(file), { recursive: true })
    await writeFile(temporary, text)
    await rename(temporary, file)
  } catch {
    // the next run reads the repository again
  }
}
