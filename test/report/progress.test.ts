import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { lineProgress, progressLine, TerminalProgress } from '../../src/cli/progress.js'

describe('progress lines', () => {
  it('show a bar, the share, the counts and the time left when the total is known', () => {
    const line = progressLine({ label: 'reading', done: 50 * 1024 * 1024, total: 200 * 1024 * 1024, unit: 'bytes' }, 10_000, 79)
    expect(line).toBe('reading [#####...............] 25% 50 MiB/200 MiB ETA 30s')
    expect(progressLine({ label: 'registry documents', done: 10, total: 1000 }, 2_000, 79)).toMatch(/1% 10\/1000 ETA 3m18s$/)
    expect(progressLine({ label: 'scanning', done: 4122, unit: 'files' }, 5_000, 79)).toBe('scanning: 4122 files')
  })

  it('never exceed the width they are given', () => {
    for (const width of [20, 40, 79]) {
      expect(progressLine({ label: 'x'.repeat(200), done: 1, total: 3 }, 1000, width).length).toBeLessThanOrEqual(width)
      expect(progressLine('y'.repeat(300), 0, width).length).toBeLessThanOrEqual(width)
    }
  })

  it('redraw in place on a terminal at most ten times a second, but always show the last step and clear after', () => {
    const written: string[] = []
    let clock = 0
    const progress = new TerminalProgress({ isTTY: true, columns: 80, write: (t: string) => written.push(t) }, () => clock)
    for (let i = 1; i <= 100; i++) {
      clock += 5
      progress.update({ label: 'reading', done: i, total: 100 })
    }
    expect(written.length).toBeLessThanOrEqual(6)
    expect(written.every((w) => w.startsWith('\r\x1b[2K'))).toBe(true)
    expect(written[written.length - 1]).toContain('100% 100/100')
    progress.clear()
    expect(written[written.length - 1]).toBe('\r\x1b[2K')
  })

  it('write plain lines for logs: text steps, and counted steps once finished', () => {
    const written: string[] = []
    const log = lineProgress({ write: (t: string) => written.push(t) })
    log('opening source')
    log({ label: 'reading', done: 5, total: 10 })
    log({ label: 'reading', done: 10, total: 10 })
    expect(written).toEqual(['opening source\n', 'reading [####################] 100% 10/10\n'])
  })
})

describe('progress on a real terminal', () => {
  it('the CLI redraws a progress line on a pseudo-terminal, and keeps stdout clean', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagelight-tty-'))
    try {
      mkdirSync(join(root, 'tree'))
      for (let i = 0; i < 3000; i++) writeFileSync(join(root, 'tree', `f${i}.sh`), `#!/bin/sh\necho ${i} | tr a-z n-za-m\n`)
      const bin = fileURLToPath(new URL('../../bin/stagelight.js', import.meta.url))
      // `script` gives the command a pseudo-terminal; its transcript holds what the terminal showed
      const transcript = execFileSync('script', ['-qec', `${process.execPath} ${bin} scan ${join(root, 'tree')} --format json --output ${join(root, 'r.json')}`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '80' } })
      expect(transcript).toMatch(/\r\x1b\[2Kscanning: \d+ files/)
      expect(transcript).toContain('report written to')
      // each redrawn progress line fits the terminal (the closing message names a path, as long as it is)
      const redrawn = transcript
        .split('\r\x1b[2K')
        .slice(1)
        .map((segment) => segment.split(/\r|\n/)[0] ?? '')
        .filter((line) => !line.includes('report written to'))
      expect(redrawn.length).toBeGreaterThan(0)
      for (const line of redrawn) expect(line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').length).toBeLessThanOrEqual(80)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
