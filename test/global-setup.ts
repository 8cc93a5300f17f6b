import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Every temporary directory of the run, the tests' own and those of the programs they start, goes
 * under one directory removed at the end, so that a test that fails or forgets leaves nothing behind.
 * The test processes are forked after this runs and inherit TMPDIR.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'stagelight-test-'))
  // other users the tests start programs as (the PostgreSQL server) pass through it, as through /tmp
  chmodSync(root, 0o755)
  const previous = process.env.TMPDIR
  process.env.TMPDIR = root
  return () => {
    if (previous === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = previous
    rmSync(root, { recursive: true, force: true })
  }
}
