/** @fileoverview Finds a file shipped in the package's `data/` directory, from src/… or dist/src/…. */
import { existsSync } from 'node:fs'
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
