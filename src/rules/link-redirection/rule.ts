import { evidenceLines } from '../evidence.js'
import { CONFIGURE_STEPS, runsWhileConfiguring } from '../scope.js'
import { isCommentLine } from '../shell/lines.js'
import type { Rule, RuleHit } from '../types.js'

/**
 * The linker told to send a function's calls elsewhere: `--wrap=SYM` (every call of SYM goes to
 * `__wrap_SYM`), `--defsym=SYM=EXPR` (SYM is whatever EXPR names), in any of the spellings a compiler
 * driver passes on (`-Wl,--wrap=malloc`, `-Wl,-wrap,exit`, `-Wl,--defsym,open=hook`, `-Xlinker --wrap
 * -Xlinker free`).
 */
const REDIRECTION = /(?:^|[\s"'=,[(])(?:-Wl,)?-{1,2}(wrap|defsym)(?:[=,]|\s+-Xlinker\s+)([A-Za-z_][\w.$]*)/g

/** a directory of tests or fuzzers, whose programs mock the functions they wrap */
const TEST_OR_FUZZ_DIR = /(?:^|\/)(?:tests?|testsuite|unit|fuzz|fuzzing|fuzzers?|oss-fuzz)\//i

interface Redirection {
  readonly line: number
  readonly how: string
  readonly symbol: string
}

/**
 * The text before a flag that a check of the linker is asked about, and nothing more: util-macros'
 * `XORG_CHECK_LINKER_FLAGS([`, `AX_CHECK_LINK_FLAG([`, CMake's `check_linker_flag(C "`, meson's
 * `cc.has_link_argument('`. A check links a test program, never what is built; what its action
 * then adds is another match on the line, and is reported.
 */
const PROBED = /\b(?:\w*CHECK_(?:LINK(?:ER)?|LD)_?FLAGS?|check_linker_flag|has_(?:multi_)?link_arguments?)\s*\(\s*(?:[A-Za-z]+\s+)?\[?\s*["']?\s*$/i

function redirections(lines: readonly string[]): Redirection[] {
  const out: Redirection[] = []
  lines.forEach((line, index) => {
    if (isCommentLine(line) || !/wrap|defsym/.test(line)) return
    for (const m of line.matchAll(REDIRECTION)) {
      // the match may start with the character before the flag: the prefix ends at the flag itself
      const at = m.index + (/^[\s"'=,[(]/.test(m[0]) ? 1 : 0)
      if (PROBED.test(line.slice(0, at))) continue
      out.push({ line: index + 1, how: m[1] ?? '', symbol: m[2] ?? '' })
    }
  })
  return out
}

/** One hit per run of lines that follow each other (a list of wrapped functions is one decision). */
function hitsOf(found: readonly Redirection[], lines: readonly string[], severity: RuleHit['severity']): RuleHit[] {
  const runs: Redirection[][] = []
  for (const r of found) {
    const run = runs[runs.length - 1]
    const last = run?.[run.length - 1]
    if (run && last && r.line - last.line <= 1) run.push(r)
    else runs.push([r])
  }
  return runs.map((run) => {
    const symbols = [...new Set(run.map((r) => r.symbol))]
    const wrap = run.some((r) => r.how === 'wrap')
    const shown = symbols.slice(0, 6).map((s) => `\`${s}\``).join(', ') + (symbols.length > 6 ? ` and ${symbols.length - 6} more` : '')
    return {
      line: run[0]?.line ?? 1,
      message: `the linker is told to ${wrap ? 'send every call of' : 'define'} ${shown} ${wrap ? 'to another function' : 'as another symbol'} (\`--${run[0]?.how}\`) in what is built`,
      evidence: evidenceLines(lines, [...new Set(run.map((r) => r.line))]),
      ...(severity ? { severity } : {}),
      data: { symbols, how: [...new Set(run.map((r) => r.how))] },
    }
  })
}

const rule: Rule = {
  id: 'scan/link-redirection',
  title: 'Linker redirects a function',
  short: "A configure step adds `-Wl,--wrap=SYMBOL` or `--defsym` to the link: every call of the function goes to one the build supplies.",
  motivation:
    'Hooking a function is how a backdoor takes over a trusted path without touching its source: XZ hooked RSA_public_decrypt in sshd through a resolver at load time; the linker does the same at build time with one flag in LDFLAGS, and a reader of the C sources sees nothing. Test suites wrap functions to mock them; a library or program built for users rarely does.',
  remediation: 'Find where the flag comes from and which function the build supplies in its place (`__wrap_SYMBOL`, or the symbol defsym names); a test target that mocks functions is expected, the library or program itself is not.',
  defaultSeverity: 'medium',
  defaultConfidence: 'medium',
  appliesTo: CONFIGURE_STEPS,
  run(file) {
    if (!runsWhileConfiguring(file)) return []
    const lines = file.text.split('\n')
    // a test or fuzzing harness wraps functions to stand in for them
    return hitsOf(redirections(lines), lines, TEST_OR_FUZZ_DIR.test(file.path) ? 'low' : undefined)
  },
}

export default rule
