import { execFileSync } from 'node:child_process'
import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isolateGitConfig, makeRepo, removeTempDirs, tempDir } from '../git/fixtures.js'
import { stagelight } from '../helpers/cli.js'

interface Report {
  verdict: string
  findings: { ruleId: string; severity: string; path?: string; message: string }[]
}

const MACRO = 'AC_DEFUN([AX_CHECK_THING], [\n  AC_MSG_CHECKING([for a thing])\n  AC_MSG_RESULT([yes])\n])\n'
/** a gated decoder of a test file run by eval, in the style of the XZ backdoor's first stage */
const PAYLOAD = `AC_DEFUN([AX_CHECK_THING], [
  AC_MSG_CHECKING([for a thing])
  thing_map='tr "\\t \\-_" " \\t_\\-"'
  if test -f "$srcdir/tests/files/bad-3.dat"; then
    thing_cmd=\`eval $thing_map < "$srcdir/tests/files/bad-3.dat" | xz -d 2>/dev/null\`
    eval "$thing_cmd"
  fi
  AC_MSG_RESULT([yes])
])
`

let repo: string
beforeAll(() => {
  isolateGitConfig()
  repo = makeRepo(
    {
      'configure.ac': 'AC_INIT([demo], [1.0])\nAX_CHECK_THING\nAC_OUTPUT\n',
      'm4/ax_check_thing.m4': MACRO,
      // a second copy of the macros for a sub-project, kept in the tag as links to the first
      'contrib/tool/m4/ax_check_thing.m4': { symlink: '../../../m4/ax_check_thing.m4' },
    },
    { tag: 'v1.0' },
  )
})
afterAll(removeTempDirs)

/**
 * The tag's tree with the macro changed, archived so that the tar stores the bytes under `first`
 * and the other name as a hard link to them, as tar does for files linked on disk.
 */
function linkedRelease(first: string, second: string): string {
  const parent = tempDir('stagelight-linked-')
  const top = join(parent, 'demo-1.0')
  execFileSync('git', ['clone', '-q', '--branch', 'v1.0', repo, top])
  rmSync(join(top, '.git'), { recursive: true, force: true })
  rmSync(join(top, 'contrib/tool/m4/ax_check_thing.m4'))
  writeFileSync(join(top, 'm4/ax_check_thing.m4'), PAYLOAD)
  linkSync(join(top, 'm4/ax_check_thing.m4'), join(top, 'contrib/tool/m4/ax_check_thing.m4'))
  mkdirSync(join(top, 'tests/files'), { recursive: true })
  writeFileSync(join(top, 'tests/files/bad-3.dat'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
  const tarball = join(parent, 'demo-1.0.tar.gz')
  const names = ['configure.ac', first, second, 'tests/files/bad-3.dat'].map((n) => `demo-1.0/${n}`)
  execFileSync('tar', ['-czf', tarball, '-C', parent, '--no-recursion', 'demo-1.0', 'demo-1.0/m4', 'demo-1.0/contrib', 'demo-1.0/contrib/tool', 'demo-1.0/contrib/tool/m4', 'demo-1.0/tests', 'demo-1.0/tests/files', ...names])
  return tarball
}

async function verifyLinked(first: string, second: string): Promise<Report> {
  const r = await stagelight(['verify', linkedRelease(first, second), '--source', repo, '--ref', 'v1.0', '--format', 'json', '--quiet'])
  return JSON.parse(r.stdout) as Report
}

describe('findings on bytes shipped under two names by a hard link', () => {
  it('are reported under the name the tag holds as a file, when the archive stores the bytes under the name the tag has as a link', async () => {
    const report = await verifyLinked('contrib/tool/m4/ax_check_thing.m4', 'm4/ax_check_thing.m4')
    expect(report.verdict).toBe('fail')
    const top = report.findings[0]
    expect(top?.severity).toBe('critical')
    expect(top?.path).toBe('m4/ax_check_thing.m4')
    expect(top?.message).toContain('the archive stores these bytes under contrib/tool/m4/ax_check_thing.m4')
    const rulesOnLink = report.findings.filter((f) => f.path === 'contrib/tool/m4/ax_check_thing.m4' && !f.ruleId.startsWith('verify/'))
    expect(rulesOnLink).toEqual([])
  })
  it('stay where the archive stores the bytes when that is the tag\'s own file', async () => {
    const report = await verifyLinked('m4/ax_check_thing.m4', 'contrib/tool/m4/ax_check_thing.m4')
    const top = report.findings[0]
    expect(top?.severity).toBe('critical')
    expect(top?.path).toBe('m4/ax_check_thing.m4')
    expect(top?.message).not.toContain('the archive stores these bytes under')
  })
})
