/**
 * The edges a new user hits first: usage errors in one line with the command's usage, hints that
 * name the command, colour conventions, progress on odd terminals, help that matches the flags,
 * and --min-severity for long text reports.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useColor } from '../../src/cli/io.js'
import { runMain, type InProcessRun } from '../helpers/in-process.js'
import { TerminalProgress } from '../../src/cli/progress.js'

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-cli-edges-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const run = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<InProcessRun> => runMain(args, { cwd: root, env })

describe('usage errors', () => {
  it('a bad --format is one error line, the usage line and where the help is — not the whole help', async () => {
    const r = await run(['audit', '.', '--format', 'yaml'])
    expect(r.code).toBe(2)
    const lines = r.stderr.trim().split('\n')
    expect(lines[0]).toMatch(/^stagelight: error: option '-f, --format <format>' argument 'yaml' is invalid\. expected one of /)
    expect(lines[1]).toBe('Usage: stagelight audit [options] [target]')
    expect(lines[2]).toBe("Run 'stagelight audit --help' for the options and examples.")
    expect(lines).toHaveLength(3)
  })

  it('a missing required option names it, with the usage of that command', async () => {
    const r = await run(['watch', 'add', 'tarball', 'https://example.org/x-{version}.tar.gz'])
    expect(r.code).toBe(2)
    const lines = r.stderr.trim().split('\n')
    expect(lines[0]).toBe("stagelight: error: required option '--source <git>' not specified")
    expect(lines[1]).toMatch(/^Usage: stagelight watch add tarball \[options\] <pattern or listing>/)
    expect(lines).toHaveLength(3)
  })

  it('verify without a source, for an artifact that names none, says what to give', async () => {
    const r = await run(['verify', 'release-1.0.tar.gz'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')[0]).toBe("stagelight: error: verify needs --source: the release's git repository (a local path or a git URL)")
  })

  it('a subcommand shows its own usage', async () => {
    const r = await run(['advisories', 'update', '--ecosystem'])
    expect(r.code).toBe(2)
    const lines = r.stderr.trim().split('\n')
    expect(lines[0]).toBe("stagelight: error: option '--ecosystem <name>' argument missing")
    expect(lines[1]).toBe('Usage: stagelight advisories update [options]')
    expect(lines[2]).toBe("Run 'stagelight advisories update --help' for the options and examples.")
  })

  it('errors raised by a command name it in the hint, not a literal <command>', async () => {
    const r = await run(['canary', 'run', '--baseline', 'true'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('stagelight: error: canary run needs --candidate (or --config)')
    expect(r.stderr).toContain("Run 'stagelight canary run --help' for the options and examples.")
    expect(r.stderr).not.toContain('<command>')
  })
})

describe('help that matches the flags', () => {
  it('audit --help names --no-registry-signals and the advisory database flags', async () => {
    const r = await run(['audit', '--help'])
    expect(r.stdout).toContain('--no-registry-signals')
    expect(r.stdout).not.toMatch(/--no-registry(?!-signals)/)
    expect(r.stdout).toContain('--no-advisory-database')
    expect(r.stdout).toContain('--min-severity <severity>')
  })

  it('scan --help shows the file size limit in MiB', async () => {
    const r = await run(['scan', '--help'])
    expect(r.stdout).toMatch(/--max-file-size <size>.*\(default: 16 MiB\)/s)
    expect(r.stdout).not.toContain('16777216')
  })
})

describe('colour and progress conventions', () => {
  it('FORCE_COLOR=0 and TERM=dumb turn colour off, even on a terminal', () => {
    const tty = { isTTY: true }
    expect(useColor(tty, {})).toBe(true)
    expect(useColor(tty, { FORCE_COLOR: '0' })).toBe(false)
    expect(useColor(tty, { FORCE_COLOR: 'false' })).toBe(false)
    expect(useColor(tty, { TERM: 'dumb' })).toBe(false)
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true)
  })

  it('a terminal reporting 0 columns gets 80-column progress lines with a bar and the counts', () => {
    let written = ''
    const progress = new TerminalProgress({ isTTY: true, columns: 0, write: (t: string) => (written += t) }, () => 0)
    progress.update({ label: 'registry documents', done: 465, total: 465 })
    const line = written.replace(/^\r\x1b\[2K/, '')
    expect(line).toMatch(/^registry documents \[#{20}\] 100% 465\/465$/)
  })
})

describe('--min-severity', () => {
  it('text shows only findings at or above it and counts the rest; the exit code still counts them all', async () => {
    const lock = join(root, 'package-lock.json')
    writeFileSync(
      lock,
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { dependencies: { a: '1', b: '1' } },
          'node_modules/a': { version: '1.0.0', resolved: 'http://registry.npmjs.org/a/-/a-1.0.0.tgz', integrity: 'sha512-AAAA' },
          'node_modules/b': { version: '1.0.0', resolved: 'https://registry.npmjs.org/b/-/b-1.0.0.tgz', integrity: 'sha1-AAAA' },
        },
      }),
    )
    const all = await run(['audit', lock, '--offline', '--no-registry-signals', '--no-advisory-database'])
    expect(all.stdout).toContain('lockfile-weak-integrity')
    const high = await run(['audit', lock, '--offline', '--no-registry-signals', '--no-advisory-database', '--min-severity', 'high'])
    expect(high.stdout).toContain('lockfile-insecure-url')
    expect(high.stdout).not.toContain('lockfile-weak-integrity')
    expect(high.stdout).toMatch(/1 finding\(s\) below high \(--min-severity high\)/)
    expect(high.code).toBe(all.code)
  })
})
