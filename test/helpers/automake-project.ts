/** @fileoverview A project made by the autotools installed here, for the checks of what automake writes. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeFiles } from '../git/fixtures.js'

/** `files` (with an `m4/` directory) made into a project by `autoreconf -fi`, in a new temporary directory the caller removes. */
export function autoreconfProject(prefix: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  writeFiles(dir, { 'm4/.keep': '', ...files })
  execFileSync('autoreconf', ['-fi'], { cwd: dir, stdio: 'ignore' })
  return dir
}
