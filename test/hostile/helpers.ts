import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Any raw control character a report must never print: C0 except newline and tab, DEL, C1, bidi overrides. */
export const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

/** Names an attacker controls (files, authors, packages), each aimed at a different renderer. */
export const HOSTILE_NAMES: Readonly<Record<string, string>> = {
  'a line that erases itself': 'evil.sh\x1b[1A\x1b[2K',
  'a carriage return that overwrites': 'ok.txt\rCLEAN',
  'a newline that forges a finding': 'a.m4\n  CRITICAL scan/forged  x',
  'a NUL and a C1 CSI': 'a\x00b\x9b31m',
  'a terminal title and hyperlink': 'x\x1b]0;owned\x07\x1b]8;;https://evil.invalid\x07y',
  'a Markdown link': '[release notes](https://evil.invalid/x)',
  'a Markdown image': '![](https://evil.invalid/pixel.png)',
  'a bare URL': 'https://evil.invalid/payload',
  'a www host': 'www.evil.invalid',
  'an email address': 'maintainer@evil.invalid',
  'a table-breaking pipe': 'a | b | c |\n|---|---|',
  'raw HTML': '<img src=https://evil.invalid/p.png onerror=alert(1)>',
  'a closing details tag': '</summary></details><script>x</script>',
  'a run of backticks': '```x` `` ```` y',
  'emphasis and headings': '# *bold* __u__ ~~s~~',
  'a bidi override': 'invoice\u202eexe.txt',
}

/** A scratch directory, and a place for a marker file that must never appear. */
export function scratch(prefix: string): { dir: string; marker: string; markerExists: () => boolean } {
  const dir = mkdtempSync(join(tmpdir(), `stagelight-hostile-${prefix}-`))
  const marker = join(dir, 'MARKER-must-not-exist')
  return { dir, marker, markerExists: () => existsSync(marker) }
}

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs the CLI in this process (the same main() the binary calls), capturing what it writes. */
export async function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const { main } = await import('../../src/cli/main.js')
  const { Writable } = await import('node:stream')
  const sink = () => {
    const chunks: string[] = []
    const stream = new Writable({
      write(chunk: Buffer | string, _enc, done) {
        chunks.push(chunk.toString())
        done()
      },
    })
    return { stream, text: () => chunks.join('') }
  }
  const out = sink()
  const err = sink()
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', STAGELIGHT_CACHE: join(tmpdir(), 'stagelight-hostile-cache'), ...options.env }
  const code = await main(args, { stdout: out.stream, stderr: err.stream, env, cwd: options.cwd ?? process.cwd() })
  return { code, stdout: out.text(), stderr: err.text() }
}
