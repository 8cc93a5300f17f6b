/** A test script whose text looks like a glob with a stray `[` (a sed expression) is read, not a crash. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/model/report.js'
import { runMain } from '../helpers/in-process.js'

const root = mkdtempSync(join(tmpdir(), 'stagelight-glob-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('globs named by tests', () => {
  it.each(["sed -e 's/.*[$//' input", "grep -e 'x/a]*b' log", "ls files/good-[ab*.xz"])('%s: scanned, exit 0', async (line) => {
    const dir = mkdtempSync(join(root, 'p-'))
    mkdirSync(join(dir, 'tests'))
    writeFileSync(join(dir, 'tests', 'run.sh'), `#!/bin/sh\n${line}\n`)
    writeFileSync(join(dir, 'tests', 'good-a.xz'), Buffer.from('fd377a585a000004e6d6b446', 'hex'))
    const r = await runMain(['scan', dir, '--format', 'json'], { cwd: root })
    expect(r.stderr).not.toMatch(/internal error/)
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as Report).command).toBe('scan')
  })
})
