/**
 * action.yml: valid for GitHub (checked with action-validator), actions pinned to commits, inputs
 * never spliced into scripts, and one analysis rendered to both the job summary (Markdown) and
 * SARIF — the step's own script run here against the built CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sarifErrors } from '../helpers/sarif.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const ACTION = join(ROOT, 'action.yml')
const VALIDATOR = join(ROOT, 'node_modules', '.bin', 'action-validator')

interface Step {
  name?: string
  id?: string
  uses?: string
  run?: string
  env?: Record<string, string>
}
const action = parse(readFileSync(ACTION, 'utf8')) as { runs: { steps: Step[] } }
const steps = action.runs.steps

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stagelight-action-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('action.yml', () => {
  it('passes action-validator, which refuses a broken copy', () => {
    expect(spawnSync(VALIDATOR, [ACTION], { encoding: 'utf8' }).status).toBe(0)
    const broken = join(dir, 'action.yml')
    writeFileSync(broken, readFileSync(ACTION, 'utf8').replace(/^\s+shell: bash\n/m, ''))
    expect(spawnSync(VALIDATOR, [broken], { encoding: 'utf8' }).status).not.toBe(0)
  })

  it('pins every action it uses to a full commit', () => {
    const uses = steps.flatMap((s) => (s.uses ? [s.uses] : []))
    expect(uses.length).toBeGreaterThan(0)
    for (const u of uses) expect(u).toMatch(/@[0-9a-f]{40}$/)
  })

  it('never splices an expression into a script: inputs reach the shell through the environment', () => {
    for (const step of steps) if (step.run) expect(step.run).not.toContain('${{')
  })

  it('installs production dependencies only and updates apt before installing', () => {
    const install = steps.find((s) => s.name === 'Install stagelight')?.run ?? ''
    expect(install).toContain('npm ci --omit=dev')
    expect(install).not.toMatch(/npm ci(?![^\n]*--omit=dev)/)
    expect(install).toMatch(/apt-get update[^\n]*&&[^\n]*apt-get install/)
  })

  it('runs one analysis that gives both the Markdown summary and valid SARIF, and reports the exit code', () => {
    const lock = join(dir, 'package-lock.json')
    writeFileSync(lock, JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: { a: '1' } }, 'node_modules/a': { version: '1.0.0', resolved: 'http://registry.npmjs.org/a/-/a-1.0.0.tgz', integrity: 'sha512-AAAA' } } }))
    const run = steps.find((s) => s.id === 'run')?.run ?? ''
    expect(run.match(/node "\$bin"/g)).toHaveLength(1)
    const summary = join(dir, 'summary.md')
    const output = join(dir, 'output.txt')
    writeFileSync(summary, '')
    writeFileSync(output, '')
    execFileSync('bash', ['-e', '-c', run], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        GITHUB_ACTION_PATH: ROOT,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: output,
        STAGELIGHT_COMMAND: `audit ${lock} --offline --no-registry-signals --no-advisory-database`,
        STAGELIGHT_FAIL_ON: 'high',
        STAGELIGHT_SARIF: join(dir, 'out.sarif'),
      },
    })
    expect(readFileSync(output, 'utf8')).toBe('exit-code=1\n')
    expect(readFileSync(summary, 'utf8')).toContain('lockfile-insecure-url')
    const sarif = readFileSync(join(dir, 'out.sarif'), 'utf8')
    expect(sarifErrors(sarif)).toEqual([])
    expect(sarif).toContain('audit/lockfile-insecure-url')
  }, 120_000)
})
