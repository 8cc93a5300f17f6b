import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { FORMATS } from '../../src/report/index.js'

interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>
  runs: { using: string; steps: { run?: string; uses?: string; with?: Record<string, string>; env?: Record<string, string> }[] }
}

describe('action.yml', () => {
  const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as Action

  it('runs the built CLI with SARIF and Markdown, formats the CLI really has, and uploads the SARIF', () => {
    expect(action.runs.using).toBe('composite')
    const script = action.runs.steps.map((s) => s.run ?? '').join('\n')
    expect(script).toContain('bin/stagelight.js')
    // one analysis: Markdown on stdout, the same report saved as SARIF
    expect(script).toContain('--format markdown')
    expect(script).toContain('--save "sarif:$STAGELIGHT_SARIF"')
    for (const format of ['sarif', 'markdown']) expect(FORMATS).toContain(format)
    expect(script).toContain('$GITHUB_STEP_SUMMARY')
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))
    expect(upload?.with?.['sarif_file']).toBe('${{ inputs.sarif }}')
  })

  it('passes inputs through the environment, not by pasting them into the script', () => {
    for (const step of action.runs.steps) expect(step.run ?? '').not.toMatch(/\$\{\{\s*inputs\./)
    expect(action.inputs['command']?.required).toBe(true)
    expect(action.inputs['fail-on']?.default).toBe('high')
  })
})
