import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, scratch } from './helpers.js'

const work = scratch('nested-git')
// anything that ran a payload would leave the marker behind
const PAYLOAD = `touch ${work.marker}\ncat tests/files/good-large.xz | tr "\\t \\-_" " \\t_\\-" | xz -d | sh\n`
let trees = 0

function tree(files: Record<string, string>): string {
  const root = join(work.dir, `project-${trees++}`)
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), body)
  }
  return root
}

describe('scan <directory> reads everything below the target', () => {
  it('a payload in a nested .git directory is found', async () => {
    const root = tree({
      'configure.ac': 'AC_INIT([p], [1])\nm4_include([m4/hook.m4])\n',
      'm4/hook.m4': 'AC_DEFUN([HOOK], [sh m4/.git/payload.sh])\n',
      'm4/.git/payload.sh': PAYLOAD,
    })
    const r = await runCli(['scan', root, '--format', 'json'])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as { findings: { path?: string; severity: string }[]; facts: { label: string; value: string }[] }
    expect(report.findings.filter((f) => f.path === 'm4/.git/payload.sh').map((f) => f.severity)).toContain('critical')
    expect(report.facts.find((f) => f.label === 'not scanned')).toBeUndefined()
    expect(work.markerExists()).toBe(false)
  })
  it("the working tree's own .git is left out, and the report says so", async () => {
    const root = tree({ 'README': 'hello\n', '.git/HEAD': 'ref: refs/heads/main\n', '.git/hooks/post-checkout': `#!/bin/sh\n${PAYLOAD}`, 'sub/.git/hooks/pre-commit': `#!/bin/sh\n${PAYLOAD}` })
    const r = await runCli(['scan', root])
    expect(r.stdout).toMatch(/not scanned: \.git\/ \(the repository of this working tree/)
    // the nested one is still content
    expect(r.stdout).toContain('sub/.git/hooks/pre-commit')
    expect(r.stdout).not.toContain('.git/hooks/post-checkout  ')
    expect(r.code).toBe(1)
    expect(work.markerExists()).toBe(false)
  })
  it('a .git that is a file (a gitlink) is read like any file', async () => {
    const root = tree({ '.git': 'gitdir: ../elsewhere\n', 'a.sh': 'echo ok\n' })
    const r = await runCli(['scan', root, '--format', 'json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as { summary: { files: number }; facts: { label: string }[] }
    expect(report.summary.files).toBe(2)
    expect(report.facts.some((f) => f.label === 'not scanned')).toBe(false)
  })
})
