import type { Severity } from '../../model/finding.js'
import { evidenceLines } from '../evidence.js'
import { isCommentLine } from '../shell/lines.js'
import type { Rule, RuleHit } from '../types.js'
import { compileTests } from './compile-tests.js'

/** Compiler and linker flags that switch a platform defence off, with what each one disables. */
const DISABLING_FLAGS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /-fno-stack-protector\b/, what: 'stack protector' },
  { pattern: /-fno-stack-clash-protection\b/, what: 'stack clash protection' },
  { pattern: /-U_FORTIFY_SOURCE\b|-D_FORTIFY_SOURCE=0\b/, what: 'FORTIFY_SOURCE' },
  { pattern: /-U_GLIBCXX_ASSERTIONS\b/, what: 'libstdc++ assertions' },
  { pattern: /(?:-Wl,)?-z[, ]?execstack\b/, what: 'non-executable stack' },
  { pattern: /(?:-Wl,)?-z[, ]?norelro\b/, what: 'RELRO' },
  { pattern: /-fcf-protection=none\b/, what: 'control-flow protection (CET)' },
  { pattern: /-fno-sanitize=\S+/, what: 'a sanitizer' },
  { pattern: /-Wl,--no-as-needed\s+-Wl,-z,lazy\b/, what: 'immediate binding' },
]

/** Features whose compile test, when it silently fails, leaves the program without a sandbox or hardening. */
const SECURITY_FEATURE = /landlock|seccomp|pledge|unveil|capsicum|cap_rights|cap_enter|sandbox|no_new_privs|prctl|apparmor|selinux|fortify|stack.?protect|relro|pie\b|cet\b|mprotect|memfd|sanitiz/i

/**
 * A line of C that can never compile: a lone punctuation mark that is not a brace, bracket,
 * parenthesis, semicolon, comment piece, preprocessor sign or m4 argument (`$@`). XZ's landlock check was disabled by
 * one such dot.
 */
const STRAY_LINE = /^\s*([^\w\s{}()[\];,*/\\#"'<>=+\-&|!~%^:?$]{1,3}|[.]{1,3})\s*$/

function flagHits(lines: readonly string[]): RuleHit[] {
  const hits: RuleHit[] = []
  lines.forEach((line, index) => {
    if (isCommentLine(line)) return
    for (const { pattern, what } of DISABLING_FLAGS) {
      const match = line.match(pattern)
      if (!match) continue
      hits.push({
        line: index + 1,
        message: `\`${match[0]}\` switches off ${what} for what this file builds`,
        evidence: evidenceLines(lines, [index + 1]),
        severity: 'medium',
        confidence: 'medium',
        data: { kind: 'disabled-hardening', flag: match[0], defence: what },
      })
    }
  })
  return hits
}

function brokenCompileTestHits(text: string, lines: readonly string[]): RuleHit[] {
  const hits: RuleHit[] = []
  for (const test of compileTests(text)) {
    const programLines = test.program.split('\n')
    const strayIndex = programLines.findIndex((l) => STRAY_LINE.test(l))
    if (strayIndex < 0) continue
    const strayLine = test.programLine + strayIndex
    const security = SECURITY_FEATURE.test(`${test.result ?? ''} ${test.program}`)
    const severity: Severity = security ? 'high' : 'medium'
    hits.push({
      line: strayLine,
      message: `the ${test.macro} test${test.result ? ` for ${test.result}` : ''} contains a line that is not C (\`${(programLines[strayIndex] ?? '').trim()}\`), so it can never succeed${security ? ' and the security feature it checks for is silently left out' : ''}`,
      evidence: evidenceLines(lines, [test.line, strayLine]),
      severity,
      confidence: 'high',
      data: { kind: 'never-succeeding-check', macro: test.macro, result: test.result, strayLine },
    })
  }
  return hits
}

const rule: Rule = {
  id: 'scan/weakened-defences',
  title: 'Build defences switched off',
  short: 'Hardening flags disabled, or a feature check (often for a sandbox) written so that it can never succeed.',
  motivation:
    'An attacker who controls the build prefers to disable a defence quietly rather than bypass it: a compile test broken by one stray character reports "feature not available" and the sandbox is never built (XZ disabled Linux landlock this way), and one flag turns off stack protection or FORTIFY_SOURCE for everything compiled.',
  remediation: 'Compile the feature test by hand and see whether it can succeed on a system that has the feature; check who added the flag and why, and whether the distribution build still gets its hardening.',
  defaultSeverity: 'medium',
  defaultConfidence: 'medium',
  appliesTo: ['m4', 'autoconf', 'configure', 'makefile', 'automake', 'makefile-in', 'cmake', 'meson', 'shell'],
  run(file) {
    const lines = file.text.split('\n')
    // Generated configure scripts carry every compile test of every macro: judging them would repeat
    // each finding of their m4 input, and their inputs are what a reviewer can read.
    const compile = file.kind === 'configure' ? [] : brokenCompileTestHits(file.text, lines)
    return [...flagHits(lines), ...compile]
  },
}

export default rule
