import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { commitFiles, gitIn, makeRepo, removeTempDirs } from '../git/fixtures.js'
import { repoRoot } from './helpers.js'

const run = promisify(execFile)
const script = join(repoRoot, 'dist', 'scripts', 'catalog-from-git.js')
afterAll(removeTempDirs)

describe.skipIf(!existsSync(script))('scripts/catalog-from-git', () => {
  it('lists every version of the chosen files once, oldest first, with its first release', async () => {
    const v1 = '# serial 1\nAC_DEFUN([TOOL_CHECK], [:])\n'
    const v2 = '# serial 2\nAC_DEFUN([TOOL_CHECK], [true])\n'
    const dir = makeRepo({ 'm4/tool.m4': v1, 'README': 'x\n' }, { tag: 'v1.0' })
    commitFiles(dir, { 'm4/tool.m4': v2, 'README': 'y\n' }, 'second')
    gitIn(dir, 'tag', 'v2.0')
    commitFiles(dir, { 'other/tool.m4': v1 }, 'a copy elsewhere')
    const { stdout } = await run(process.execPath, [script, join(dir, '.git'), 'tool', 'example/tool', '^tool\\.m4$'])
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    const sha = (t: string) => createHash('sha256').update(t).digest('hex')
    expect(lines.map((l) => [l['path'], l['sha256'], l['serial'], l['first_release']])).toEqual([
      ['m4/tool.m4', sha(v1), '1', 'v1.0'],
      ['m4/tool.m4', sha(v2), '2', 'v2.0'],
      ['other/tool.m4', sha(v1), '1', null],
    ])
    expect(lines.every((l) => l['source'] === 'git:example/tool' && l['project'] === 'tool')).toBe(true)
  })

  it('keeps only the paths a path regex names, when one is given', async () => {
    const code = 'int lt_dlinit(void) { return 0; }\n'
    const dir = makeRepo({ 'libltdl/ltdl.c': code, 'tests/ltdl.c': 'int main(void) { return 1; }\n' })
    const { stdout } = await run(process.execPath, [script, join(dir, '.git'), 'libtool', 'example/libtool', '\\.c$', '^libltdl/'])
    const paths = stdout.trim().split('\n').map((l) => (JSON.parse(l) as Record<string, unknown>)['path'])
    expect(paths).toEqual(['libltdl/ltdl.c'])
  })

  it('exits 1 with its usage when arguments are missing', async () => {
    const failed = await run(process.execPath, [script]).then(() => undefined, (err: { code: number; stderr: string }) => err)
    expect(failed?.code).toBe(1)
    expect(failed?.stderr).toMatch(/usage: catalog-from-git/)
  })
})
