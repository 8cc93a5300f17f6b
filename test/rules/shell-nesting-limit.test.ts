/**
 * Code nested past the shell/m4/make parser's limit (LIMITS.maxShellNesting) is read as plain
 * text. That is safe for the parser, but the part not parsed was not checked: the report must say
 * so (an `internal/nesting-limit` finding, `incomplete`, exit 3) instead of passing.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LIMITS } from '../../src/policy/limits.js'
import type { Report } from '../../src/model/report.js'
import { runMain } from '../helpers/in-process.js'

const LIMIT = LIMITS.maxShellNesting
let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-nesting-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** a project holding one file */
function project(name: string, file: string, text: string): string {
  const dir = join(root, name)
  mkdirSync(join(dir, file, '..'), { recursive: true })
  writeFileSync(join(dir, file), text)
  return dir
}

async function scan(dir: string): Promise<{ code: number; report: Report }> {
  const r = await runMain(['scan', dir, '--format', 'json'], { cwd: root })
  return { code: r.code, report: JSON.parse(r.stdout) as Report }
}

const ifs = (depth: number, body: string): string => `${'if true; then\n'.repeat(depth)}${body}\n${'fi\n'.repeat(depth)}`
const substitutions = (depth: number, body: string): string => `x=${'$('.repeat(depth)}${body}${')'.repeat(depth)}\n`
const asIfs = (depth: number, body: string): string => `AC_DEFUN([X_CHECK], [\n${'AS_IF([test -n "$x"], [\n'.repeat(depth)}${body}\n${'])\n'.repeat(depth)}])\n`
// `((` would be arithmetic: the subshells are spaced
const subshells = (depth: number, body: string): string => `all:\n\t${'( '.repeat(depth)}${body}${' )'.repeat(depth)}\n`

describe('nesting past the parser limit', () => {
  it.each([
    ['shell if-blocks', 'build.sh', ifs],
    ['shell command substitutions', 'build.sh', substitutions],
    ['m4 AS_IF', 'm4/check.m4', asIfs],
    ['make recipe subshells', 'Makefile', subshells],
  ])('%s nested deeper than the limit: incomplete, exit 3, the file and line named', async (label, file, nest) => {
    const dir = project(`deep-${label.replace(/\W+/g, '-')}`, file, `#!/bin/sh\n${nest(LIMIT + 16, 'echo deep')}`.replace(/^#!\/bin\/sh\n(?=AC_DEFUN|all:)/, ''))
    const { code, report } = await scan(dir)
    expect(code).toBe(3)
    expect(report.verdict).not.toBe('pass')
    const note = report.findings.find((f) => f.ruleId === 'internal/nesting-limit')
    expect(note?.path).toBe(file)
    expect(note?.message).toMatch(new RegExp(`nested deeper than ${LIMIT} levels \\(from line \\d+\\)`))
    expect(report.incomplete?.join('\n')).toContain(`${file}: code nested deeper than ${LIMIT} levels`)
  })

  it.each([
    ['shell if-blocks', 'build.sh', ifs],
    ['m4 AS_IF', 'm4/check.m4', asIfs],
    ['make recipe subshells', 'Makefile', subshells],
  ])('%s nested a few levels below the limit: checked, no note', async (label, file, nest) => {
    const dir = project(`shallow-${label.replace(/\W+/g, '-')}`, file, nest(LIMIT - 6, 'echo fine'))
    const { code, report } = await scan(dir)
    expect(report.findings.filter((f) => f.ruleId === 'internal/nesting-limit')).toEqual([])
    expect(report.incomplete).toBeUndefined()
    expect(code).toBe(0)
  })

  it('a payload pipeline inside the checked depth is still found beside the note', async () => {
    const text = `#!/bin/sh\n${ifs(4, 'echo aGVsbG8K | base64 -d | sh')}${ifs(LIMIT + 10, 'echo deep')}`
    const { report } = await scan(project('mixed', 'build.sh', text))
    expect(report.findings.some((f) => f.ruleId === 'internal/nesting-limit')).toBe(true)
    expect(report.findings.some((f) => f.ruleId.startsWith('scan/') && f.line === 6)).toBe(true)
  })
})
