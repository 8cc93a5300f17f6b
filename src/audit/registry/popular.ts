/**
 * @fileoverview The popular npm package names typosquats imitate: `data/npm-popular.txt`, one name
 * a line (`#` comments allowed), built by `scripts/refresh-popular.ts`.
 */
import { readFile } from 'node:fs/promises'
import { StagelightError } from '../../errors.js'
import { bundledDataPath } from '../../util/bundled-data.js'

export const POPULAR_FILE = 'npm-popular.txt'

/** `data/npm-popular.txt` at the package root, found from this module (src/… or dist/src/…). */
export const popularNamesPath = (): string => bundledDataPath(POPULAR_FILE, 'popularity list')

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
