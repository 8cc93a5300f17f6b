import { logicalLines } from '../shell/lex.js'
import { BUILD_LOGIC } from '../scope.js'
import type { Rule, RuleHit } from '../types.js'

/** Distribution packaging and CI markers: a build that asks these questions behaves differently for packagers. */
const PACKAGING = /debian\/rules|\bRPM_ARCH\b|\bRPM_BUILD_ROOT\b|\bRPM_PACKAGE_NAME\b|\bDEB_BUILD_\w+|\bdpkg-buildpackage\b|\.spec\b.*-f|\bGITHUB_ACTIONS\b|\bGITLAB_CI\b|\bJENKINS_URL\b|\bTRAVIS\b|\bBUILDKITE\b/
const CONDITION = /\b(test|if|case|elif)\b|\[\s/
const EXECUTES = /\beval\b|\|\s*(\/bin\/)?(ba)?sh\b|\|\s*\$\{?(CONFIG_)?SHELL\b|\b(xz|gzip|bzip2|zstd|base64)\s+-[a-zA-Z]*d|\bhead\s+-c|\btail\s+-c|\bdd\s+.*skip=/
const WINDOW = 20

const rule: Rule = {
  id: 'scan/environment-gating',
  title: 'Execution gated on packaging or CI environment',
  short: 'A condition on distribution packaging or CI markers guards unusual execution.',
  motivation: 'Code that only runs when a Debian or RPM package is being built, or only in CI, is aimed at the build that ships to users while staying quiet for developers.',
  remediation: 'Read the guarded block and ask why it must only run for packagers.',
  defaultSeverity: 'low',
  defaultConfidence: 'medium',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const hits: RuleHit[] = []
    const lines = logicalLines(file.text)
    lines.forEach((l, i) => {
      if (/^\s*(#|dnl\b)/.test(l.text) || !PACKAGING.test(l.text) || !CONDITION.test(l.text)) return
      const guarded = lines.slice(i, i + WINDOW).find((g) => EXECUTES.test(g.text))
      hits.push(
        guarded
          ? { line: l.line, message: 'a packaging or CI condition guards code that evaluates, decodes or pipes into a shell', evidence: `${l.line}: ${l.text.trim()}\n${guarded.line}: ${guarded.text.trim()}`, severity: 'high' }
          : { line: l.line, message: 'checks for a distribution packaging or CI environment', evidence: `${l.line}: ${l.text.trim()}`, severity: 'low' },
      )
    })
    return hits
  },
}
export default rule
