import { evidenceLines, spanLines } from '../evidence.js'
import { CONFIGURE_STEPS, runsWhileConfiguring } from '../scope.js'
import { analyse } from '../shell/analysis.js'
import { scriptWrites } from '../shell/writes.js'
import type { Rule, RuleHit } from '../types.js'

/** the home directory of whoever builds: `~/x`, `$HOME/x`, `${HOME}/x`, CMake's `$ENV{HOME}/x` */
const HOME = /^(?:~[\w.-]*(?:\/|$)|\$\{?HOME\}?(?:\/|$)|\$ENV\{HOME\})/
/** what a script may write outside its tree: the null device, its own descriptors and terminal, temporary directories */
const HARMLESS = /^\/(?:dev|proc)\/|^\/(?:tmp|var\/tmp)(?:\/|$)/

/** Where outside the build a written name points, if it does: the builder's home directory or a system directory. */
export function outsideTheBuild(path: string): 'home' | 'system' | undefined {
  const clean = path.replace(/["']/g, '')
  if (HOME.test(clean)) return 'home'
  if (clean.startsWith('/') && !HARMLESS.test(clean)) return 'system'
  return undefined
}

const rule: Rule = {
  id: 'scan/writes-outside-build',
  title: 'Configure step writes outside the build',
  short: "A configure script, an m4 macro, `configure.ac` or a CMake/meson configure step writes into the builder's home directory (`~/.ssh/authorized_keys`, `$HOME/.profile`) or a system directory (`/usr/local/bin`, `/etc`).",
  motivation:
    'Configuring writes into the build directory and nowhere else; installing is a later step that writes under the prefix it is given. A configure step that writes a key, a login script or a program elsewhere reaches past the build into the machine that runs it: a build server, a packager, a developer. Nobody reads a generated configure script line by line.',
  remediation: 'Find which line of the release writes there and why; configure never needs to write outside the build directory.',
  defaultSeverity: 'high',
  defaultConfidence: 'high',
  appliesTo: CONFIGURE_STEPS,
  run(file) {
    if (!runsWhileConfiguring(file)) return []
    const a = analyse(file)
    const hits: RuleHit[] = []
    for (const { cmd, writes } of scriptWrites(a)) {
      const outside = writes
        .map((w) => ({ write: w, where: outsideTheBuild(w.path) }))
        .find((w) => w.where !== undefined)
      if (!outside) continue
      hits.push({
        line: cmd.line,
        message: `writes ${outside.write.path} (${outside.write.how}), ${outside.where === 'home' ? "in the home directory of whoever builds" : 'in a system directory'}, while configuring`,
        evidence: evidenceLines(a.lines, spanLines(cmd.line, cmd.endLine)),
        severity: 'high',
        confidence: 'high',
        data: { path: outside.write.path, how: outside.write.how, where: outside.where },
      })
    }
    return hits
  },
}
export default rule
