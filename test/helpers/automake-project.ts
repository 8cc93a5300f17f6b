/** @fileoverview A project made by the autotools installed here, for the checks of what automake writes. */
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { writeFiles } from '../git/fixtures.js'

const execFileAsync = promisify(execFile)

/**
 * Runs an autotools program (or `sh -c`) in `cwd` without holding the test process: a synchronous
 * run of a minute on a busy machine starves the test runner's own messages until it gives up.
 */
export async function autotool(program: string, args: readonly string[], cwd: string): Promise<void> {
  await execFileAsync(program, [...args], { cwd })
}

/** `files` (with an `m4/` directory) made into a project by `autoreconf -fi`, in a new temporary directory the caller removes. */
export async function autoreconfProject(prefix: string, files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  writeFiles(dir, { 'm4/.keep': '', ...files })
  await autotool('autoreconf', ['-fi'], dir)
  return dir
}
