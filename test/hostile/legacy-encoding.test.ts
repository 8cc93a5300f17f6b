import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isolateGitConfig, makeRepo, releaseTarball, removeTempDirs, tempDir } from '../git/fixtures.js'
import { stagelight } from '../helpers/cli.js'

interface Report {
  verdict: string
  findings: { ruleId: string; severity: string; path?: string }[]
}

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1')

const MACRO = 'AC_DEFUN([gl_HOST_PROBE],\n[\n  :\n])\n'
/** The XZ shape: a test file put through tr and a decompressor, and what comes out run. */
const PAYLOAD = [
  "  gl_map='tr \"a-zA-Z\" \"n-za-mN-ZA-M\"'",
  '  if test -f "$srcdir/tests/files/bad-3-lzma.xz"; then',
  '    gl_cmd=`eval $gl_map < "$srcdir/tests/files/bad-3-lzma.xz" | xz -d 2>/dev/null`',
  '    eval "$gl_cmd"',
  '  fi',
].join('\n')
const TAMPERED = `AC_DEFUN([gl_HOST_PROBE],\n[\n${PAYLOAD}\n])\n`

// One byte that is not UTF-8 (an author's name in Latin-1) must not make a build file "binary" and
// leave it unread: at the top, where a file's kind is told, and at the end, past the first 64 KiB.
// m4 and autoconf pass a NUL in a `dnl` comment through, so a NUL must not make one data either.
const VARIANTS: Record<string, Buffer> = {
  'a Latin-1 comment at the top': latin1(`dnl host.m4 serial 4, (c) 2019 J\xe9r\xf4me\n${TAMPERED}`),
  'a Windows-1252 quote at the end, past 64 KiB of text': Buffer.concat([latin1(`${TAMPERED}${'dnl padding\n'.repeat(7000)}`), latin1('dnl \x93the end\x94\n')]),
  'a NUL in a comment at the top': latin1(`dnl host.m4 serial 4 \x00\n${TAMPERED}`),
  'a NUL and a Latin-1 byte in a comment': latin1(`dnl host.m4 serial 4 \x00 J\xe9r\xf4me\n${TAMPERED}`),
}

let repo: string
beforeAll(() => {
  isolateGitConfig()
  repo = makeRepo({ 'configure.ac': 'AC_INIT([demo], [1.0])\nm4_include([m4/host.m4])\ngl_HOST_PROBE\n', 'm4/host.m4': MACRO }, { tag: 'v1.0' })
})
afterAll(removeTempDirs)

const json = (stdout: string): Report => JSON.parse(stdout) as Report

describe('build files in a legacy 8-bit encoding, or with a stray NUL', () => {
  for (const [what, bytes] of Object.entries(VARIANTS)) {
    it(`verify still runs the rules on a payload with ${what}`, async () => {
      const r = await stagelight(['verify', releaseTarball(repo, 'v1.0', { 'm4/host.m4': { content: bytes } }), '--source', repo, '--ref', 'v1.0', '--format', 'json', '--quiet'])
      const report = json(r.stdout)
      expect(report.verdict).toBe('fail')
      expect(report.findings.find((f) => f.ruleId === 'scan/obfuscated-execution-chain')).toMatchObject({ severity: 'critical', path: 'm4/host.m4' })
    })

    it(`scan still runs the rules on a payload with ${what}`, async () => {
      const dir = tempDir('stagelight-latin1-')
      mkdirSync(join(dir, 'm4'), { recursive: true })
      writeFileSync(join(dir, 'm4/host.m4'), bytes)
      const r = await stagelight(['scan', dir, '--format', 'json', '--quiet'])
      expect(json(r.stdout).findings.find((f) => f.ruleId === 'scan/obfuscated-execution-chain')).toMatchObject({ severity: 'critical', path: 'm4/host.m4' })
    })
  }

  it('verify explains a release stamp in a Latin-1 file as it would in UTF-8', async () => {
    const spec = (version: string) => latin1(`Name: demo\nVersion:\t${version}\nSummary(pl):\tNarz\xeadzia do \xb1cze\xf1\n`)
    const stamped = makeRepo({ 'configure.ac': 'AC_INIT([demo], [1.0])\n', 'demo.spec': { content: spec('@VERSION@') } }, { tag: 'v1.0' })
    const r = await stagelight(['verify', releaseTarball(stamped, 'v1.0', { 'demo.spec': { content: spec('1.0') } }), '--source', stamped, '--ref', 'v1.0', '--format', 'json', '--quiet'])
    const report = json(r.stdout)
    expect(report.findings.filter((f) => f.path === 'demo.spec')).toEqual([])
    expect(report.verdict).toBe('pass')
    // the same file with more than the stamp changed stays a finding
    const more = await stagelight(['verify', releaseTarball(stamped, 'v1.0', { 'demo.spec': { content: latin1(`${spec('1.0').toString('latin1')}%post\nsh /tmp/x\n`) } }), '--source', stamped, '--ref', 'v1.0', '--format', 'json', '--quiet'])
    expect(json(more.stdout).findings.find((f) => f.path === 'demo.spec')?.severity).toBe('high')
  })
})

