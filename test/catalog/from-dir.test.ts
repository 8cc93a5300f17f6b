import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from './helpers.js'

const run = promisify(execFile)
const script = join(repoRoot, 'dist', 'scripts', 'catalog-from-dir.js')
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe.skipIf(!existsSync(script))('scripts/catalog-from-dir', () => {
  it('lists the chosen autotools files of an unpacked package with their facts, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagelight-from-dir-'))
    dirs.push(dir)
    const files: Record<string, string> = {
      'usr/share/aclocal/libtool.m4': '# libtool.m4 - patched by a distribution\n# serial 977 LT_INIT\nAC_DEFUN([LT_INIT], [:])\n',
      'usr/share/libtool/build-aux/ltmain.sh': '#! /bin/sh\n# ltmain.sh (GNU libtool) 9.9.9-patched\nscriptversion=2031-01-02.03; # UTC\necho patched\n',
      'usr/share/aclocal/ltsugar.m4': '# serial 978 ltsugar.m4\nAC_DEFUN([LT_X], [:])\n',
      'usr/share/doc/libtool/README': 'not an autotools file\n',
    }
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
    const { stdout } = await run(process.execPath, [script, dir, 'libtool', 'debian-test:libtool=9.9.9-1', 'v9.9.9', '^(ltmain\\.sh|libtool\\.m4|README)$'])
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    const sha = (t: string) => createHash('sha256').update(t).digest('hex')
    // ltsugar.m4 is left out by the name filter, the README because it is no autotools file
    expect(lines.map((l) => [l['path'], l['sha256'], l['serial'], l['stamp'], l['first_release']])).toEqual([
      ['usr/share/aclocal/libtool.m4', sha(files['usr/share/aclocal/libtool.m4'] ?? ''), '977', null, 'v9.9.9'],
      ['usr/share/libtool/build-aux/ltmain.sh', sha(files['usr/share/libtool/build-aux/ltmain.sh'] ?? ''), null, '2031-01-02.03', 'v9.9.9'],
    ])
    expect(lines.every((l) => l['source'] === 'debian-test:libtool=9.9.9-1' && l['project'] === 'libtool')).toBe(true)
  })

  it('exits 1 with its usage when arguments are missing', async () => {
    const failed = await run(process.execPath, [script, '/tmp']).then(() => undefined, (err: { code: number; stderr: string }) => err)
    expect(failed?.code).toBe(1)
    expect(failed?.stderr).toMatch(/usage: catalog-from-dir/)
  })
})
