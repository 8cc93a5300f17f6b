/** @fileoverview Files the machine's own tools installed, read as optional: a tool not installed has none. */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

/** The paths of the files ending in `suffix` directly in each directory that exists, in order. */
export function installedFiles(dirs: readonly string[], suffix: string): string[] {
  const out: string[] = []
  for (const dir of dirs) {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      continue
    }
    for (const name of names) if (name.endsWith(suffix)) out.push(join(dir, name))
  }
  return out
}
