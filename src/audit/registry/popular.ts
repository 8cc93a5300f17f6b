/**
 * @fileoverview The popular npm package names typosquats imitate: `data/npm-popular.txt`, one name
 * a line (`#` comments allowed), built by `scripts/refresh-popular.ts`.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StagelightError } from '../../errors.js'

export const POPULAR_FILE = 'npm-popular.txt'

/** `data/npm-popular.txt` at the package root, found from this module (src/… or dist/src/…). */
export function popularNamesPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 7; i++) {
    const candidate = join(dir, 'data', POPULAR_FILE)
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  throw new StagelightError('E_INTERNAL', `the bundled popularity list data/${POPULAR_FILE} is missing from the installation`)
}

/** Parses the list format: one name a line, blank lines and `#` comments ignored. */
export function parsePopularNames(text: string): Set<string> {
  const names = new Set<string>()
  for (const line of text.split(/\r?\n/)) {
    const name = line.replace(/#.*$/, '').trim()
    if (name !== '') names.add(name)
  }
  return names
}

/** The shipped popular names, or those of another file in the same format. */
export async function loadPopularNames(path: string = popularNamesPath()): Promise<Set<string>> {
  try {
    return parsePopularNames(await readFile(path, 'utf8'))
  } catch (err) {
    throw new StagelightError('E_INPUT_INVALID', `cannot read the popularity list ${path}: ${err instanceof Error ? err.message : String(err)}`, { path })
  }
}
