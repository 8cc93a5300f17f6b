import { evidenceLines, spanLines } from '../evidence.js'
import { BLOCK_DEVICE, destructionOf, firstDestroyed, normalisedPath, setsHome, type Destruction, type DestructionOptions } from '../shell/destruction.js'
import { BUILD_LOGIC } from '../scope.js'
import { analyse, type FileAnalysis } from '../shell/analysis.js'
import type { Command } from '../shell/ast.js'
import { macroWords, programNameOf } from '../shell/commands.js'
import { namedFiles, runningCommands } from '../shell/writes.js'
import { program } from '../shell/words.js'
import type { Rule, RuleHit } from '../types.js'

/** the redirections that overwrite what they name */
const OVERWRITING = /^(?:>|>\||&>)$/

/** What one command of a build file destroys wholesale: by its program, a redirection, or CMake's `file(REMOVE…)`. */
function commandDestruction(cmd: Command, options: DestructionOptions, dialect: FileAnalysis['dialect']): Destruction | undefined {
  if (dialect === 'cmake') {
    if (cmd.compound?.kind !== 'macro' || !/^file$/i.test(cmd.compound.name)) return undefined
    const [mode, ...paths] = macroWords(cmd)
    return mode === 'REMOVE_RECURSE' || mode === 'REMOVE' ? firstDestroyed(`file(${mode})`, paths, options) : undefined
  }
  const written = cmd.redirects.find((r) => OVERWRITING.test(r.op) && r.target && BLOCK_DEVICE.test(normalisedPath(options.valueOf(r.target.text), options.make)))
  if (written?.target) return { how: `${written.op} ${written.target.text}`, path: written.target.text, target: 'a disk' }
  if (cmd.compound) return undefined
  const p = program(cmd)
  return destructionOf(programNameOf(p, options.valueOf), p.args.map((w) => w.text), options)
}

function destructions(a: FileAnalysis): { cmd: Command; destruction: Destruction }[] {
  // a script that sets HOME itself (a test's own home in a temporary directory) deletes its own
  const ownHome = a.commands.some((cmd) => cmd.words.some((w) => w.text.startsWith('HOME=')) && setsHome(cmd.words.map((w) => w.text)))
  const options: DestructionOptions = { ownHome, make: a.dialect === 'make', valueOf: namedFiles(a) }
  const out: { cmd: Command; destruction: Destruction }[] = []
  for (const cmd of runningCommands(a)) {
    const destruction = commandDestruction(cmd, options, a.dialect)
    if (destruction) out.push({ cmd, destruction })
  }
  return out
}

/** A quick look before the analysis: names of commands that destroy, or of what they would destroy. */
const MAY_DESTROY = /\b(?:rm|shred|wipe|srm|find|dd|mkfs|mke2fs|mkswap|wipefs|chmod|chown|REMOVE_RECURSE|REMOVE)\b|\/dev\//

/** `rm -r ~/ destroys the home directory of whoever builds wholesale` */
const describeDestruction = (d: Destruction): string => `${d.how} ${d.path} destroys ${d.target}${d.target === 'a disk' ? '' : ' wholesale'}`

const rule: Rule = {
  id: 'scan/destructive-command',
  title: 'Build step destroys what is not its own',
  short: "A build step deletes, overwrites or reformats the whole of something outside the build: the root or a system directory (`rm -rf /*`), the builder's home directory (`rm -rf \"$HOME\"`) or a disk (`dd of=/dev/sda`).",
  motivation:
    'Sabotage needs no stealth once it runs: protestware and disgruntled-maintainer releases have wiped files on the machines that built or installed them. No build, test suite or helper script owns the root, a system directory or the home directory of whoever runs it; a line that deletes one of them wholesale, in a vendored helper nobody reads or at the end of a generated configure, runs with the rights of a developer, a packager or a build server.',
  remediation: 'Do not build this release. Find which change brought the line in and whether its variables could ever hold something else; a test that needs a home directory sets HOME to a temporary one first.',
  defaultSeverity: 'high',
  defaultConfidence: 'high',
  appliesTo: BUILD_LOGIC,
  run(file) {
    if (!MAY_DESTROY.test(file.text)) return []
    const a = analyse(file)
    return destructions(a).map(({ cmd, destruction }): RuleHit => ({
      line: cmd.line,
      message: describeDestruction(destruction),
      evidence: evidenceLines(a.lines, spanLines(cmd.line, cmd.endLine)),
      data: { how: destruction.how, path: destruction.path, target: destruction.target },
    }))
  },
}

export default rule
