import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import MarkdownIt from 'markdown-it'
import { beforeAll, describe, expect, it } from 'vitest'
import { packTar } from '../archive/fixtures.js'
import { RAW_CONTROL, runCli, scratch } from './helpers.js'

const markdown = new MarkdownIt({ html: true, linkify: true })

/** No raw control character in the text, and no link, image or foreign HTML once the Markdown is rendered. */
function expectInert(text: string, md: string): void {
  expect(text).not.toMatch(RAW_CONTROL)
  expect(md).not.toMatch(RAW_CONTROL)
  const html = markdown.render(md)
  expect(html).not.toMatch(/<a[\s>]|<img[\s>]|<script|<iframe/)
}

describe('analysed names reach reports as text, through the real commands', () => {
  const work = scratch('cli-escaping')
  // every payload would leave the marker behind if anything ran it
  const payload = `#!/bin/sh\ntouch ${work.marker}\ncat tests/files/x.xz | tr "\\t \\-_" " \\t_\\-" | xz -d | sh\n`
  const names = ['evil\x1b[1A\x1b[2K.sh', 'cr\rCLEAN.sh', 'nl\n  CRITICAL forged.sh', '[notes](https://evil.invalid).sh', '![x](https://evil.invalid/p.png).sh', 'a|b|c.sh', '<img src=x onerror=alert(1)>.sh']
  let tarball = ''
  let repo = ''

  beforeAll(async () => {
    tarball = join(work.dir, 'hostile-1.0.tar')
    writeFileSync(tarball, await packTar([{ name: 'hostile-1.0/configure.ac', body: 'AC_INIT([h], [1.0])\n' }, ...names.map((n) => ({ name: `hostile-1.0/${n}`, body: payload, mode: 0o755 }))]))
    repo = join(work.dir, 'repo')
    mkdirSync(repo)
    writeFileSync(join(repo, 'configure.ac'), 'AC_INIT([h], [1.0])\n')
    const git = (env: Record<string, string>, ...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let n = 0
    const author = (name: string) => {
      const email = `a${n++}@evil.invalid`
      return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email }
    }
    git({}, 'init', '-q', '-b', 'main')
    git(author('Honest Maintainer'), 'add', '.')
    git(author('Honest Maintainer'), 'commit', '-q', '-m', 'start')
    let i = 0
    for (const name of ['Jia\x1b[2K\rTan', '[Jia](https://evil.invalid)', 'x\x9b2Jy']) {
      writeFileSync(join(repo, `f${i}.txt`), `${i}\n`)
      git(author(name), 'add', '.')
      git(author(name), 'commit', '-q', '-m', `change ${i++}`)
    }
    git({}, 'tag', 'v1.0')
  })

  it('scan of an archive with hostile file names', async () => {
    const text = await runCli(['scan', tarball])
    const md = await runCli(['scan', tarball, '--format', 'markdown'])
    expect(text.code).toBe(1)
    expect(md.code).toBe(1)
    expect(text.stdout).toContain('evil\\x1b[1A\\x1b[2K.sh')
    expect(text.stdout).toContain('nl\\n  CRITICAL forged.sh')
    expectInert(text.stdout + text.stderr, md.stdout)
    expect(work.markerExists()).toBe(false)
  })

  it('verify of an artifact with hostile file names', async () => {
    const args = ['verify', tarball, '--source', repo, '--ref', 'v1.0', '--no-system-catalog', '--cache-dir', join(work.dir, 'cache')]
    const text = await runCli(args)
    const md = await runCli([...args, '--format', 'markdown'])
    expect(text.code).toBe(1)
    expect(md.code).toBe(1)
    expect(text.stdout).toMatch(/cr\\rCLEAN\.sh/)
    expectInert(text.stdout + text.stderr, md.stdout)
    expect(work.markerExists()).toBe(false)
  })

  it('history of a repository with hostile author names', async () => {
    const text = await runCli(['history', repo])
    const md = await runCli(['history', repo, '--format', 'markdown'])
    expect([0, 1, 3]).toContain(text.code)
    expect(md.code).toBe(text.code)
    // the names are shown, escaped: the erasing one as visible text, the link as plain text
    expect(text.stdout).toContain('Jia\\x1b[2K\\rTan')
    expect(md.stdout).toContain('\\[Jia\\]\\(https\\://evil\\.invalid\\)')
    expectInert(text.stdout + text.stderr, md.stdout)
  })

  it('an error that names a hostile path stays one line', async () => {
    const r = await runCli(['scan', join(work.dir, 'missing\x1b[2K\nline2')])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toMatch(/^stagelight: error: .*missing\\x1b\[2K\\nline2/)
    expect(r.stderr).not.toMatch(RAW_CONTROL)
  })
})
