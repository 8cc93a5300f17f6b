/** @fileoverview Finds a file shipped in the package's `data/` directory, from src/… or dist/src/…. */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StagelightError } from '../errors.js'

/** `data/<name>` at the package root; an internal error when the installation lacks it. */
export function bundledDataPath(name: string, what: string): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 7; i++) {
    const candidate = join(dir, 'data', name)
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  throw new StagelightError('E_INTERNAL', `the bundled ${what} data/${name} is missing from the installation`)
}

/** A bundled list, one entry a line: its entries (neither blank nor `#` comments), and its first line, which says what it holds. */
export function bundledList(name: string, what: string): { entries: string[]; header: string } {
  const lines = readFileSync(bundledDataPath(name, what), 'utf8').split('\n')
  return { entries: lines.filter((l) => l !== '' && !l.startsWith('#')), header: lines[0] ?? '' }
}
