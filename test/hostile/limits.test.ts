import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/model/report.js'
import { LIMITS, limitsHelp, limitsMarkdown } from '../../src/policy/limits.js'
import { openArtifact } from '../../src/sources/archive/index.js'
import { RAW_CONTROL, runCli, scratch } from './helpers.js'

describe('limits are stated in one place', () => {
  it('docs/limits.md shows the table of src/policy/limits.ts', () => {
    const page = readFileSync(new URL('../../docs/limits.md', import.meta.url), 'utf8')
    expect(page).toContain(limitsMarkdown())
    for (const name of Object.keys(LIMITS)) expect(page).toContain(`\`${name}\``)
  })
  it('--help prints the same limits', async () => {
    const r = await runCli(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(limitsHelp())
  })
})

describe('a directory nested deeper than maxDirectoryDepth', () => {
  it('is read up to the limit, reported as a finding and as incomplete, never a crash', async () => {
    const { dir } = scratch('deep-dir')
    let path = join(dir, 'tree')
    const top = path
    mkdirSync(path)
    writeFileSync(join(path, 'top.sh'), 'echo top\n')
    for (let i = 0; i <= LIMITS.maxDirectoryDepth + 2; i++) path = join(path, 'd')
    mkdirSync(path, { recursive: true })
    writeFileSync(join(path, 'deep.sh'), 'echo deep\n')
    const r = await runCli(['scan', top, '--format', 'json'])
    expect(r.code).toBe(3)
    const report = JSON.parse(r.stdout) as Report
    expect(report.verdict).toBe('fail')
    expect(report.findings.find((f) => f.ruleId === 'archive/limit-exceeded')?.message).toMatch(/nested more than 256 deep \(maxDirectoryDepth\)/)
    expect(report.incomplete?.join('\n')).toMatch(/safety limit/)
  })
})

/** Archives of many small files, written by the system's Python (a real, independent writer), once for every test here. */
const MANY = 100_000
describe(`zip and tar with ${MANY.toLocaleString('en-US')} entries`, () => {
  let zip = ''
  let tar = ''
  beforeAll(() => {
    const { dir } = scratch('many')
    zip = join(dir, 'many-1.0.zip')
    tar = join(dir, 'many-1.0.tar')
    execFileSync('python3', [
      '-c',
      `import io, sys, tarfile, zipfile
n = int(sys.argv[3])
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as z:
    for i in range(n):
        z.writestr('many-1.0/d%02d/f%d.txt' % (i % 100, i), '%d\\n' % i)
with tarfile.open(sys.argv[2], 'w') as t:
    for i in range(n):
        data = ('%d\\n' % i).encode()
        info = tarfile.TarInfo('many-1.0/d%02d/f%d.txt' % (i % 100, i))
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))`,
      zip,
      tar,
      String(MANY),
    ])
  })

  // a step quadratic in the entries would run for hours here; the test's timeout is the guard
  for (const which of ['zip', 'tar'] as const) {
    it(`scan reads every entry of the ${which}`, async () => {
      const r = await runCli(['scan', which === 'zip' ? zip : tar, '--format', 'json'])
      expect(r.code).toBe(0)
      const report = JSON.parse(r.stdout) as Report
      expect(report.summary['files']).toBe(MANY)
      expect(report.incomplete).toBeUndefined()
    })
    it(`the entry-count limit on the ${which} is a finding and leaves the report incomplete`, async () => {
      const tree = await openArtifact(which === 'zip' ? zip : tar, { limits: { maxEntries: 1000 } })
      let count = 0
      for await (const _ of tree.entries()) count++
      expect(count).toBe(1000)
      expect(tree.truncated()).toBe(true)
      expect(tree.issues.map((i) => [i.code, i.severity])).toEqual([['ARCHIVE_LIMIT_EXCEEDED', 'critical']])
      expect(tree.issues[0]?.message).toMatch(/more than 1000 entries \(maxEntries\)/)
      expect(tree.issues[0]?.message).not.toMatch(RAW_CONTROL)
    })
  }
})
