import { evidenceLines, spanLines } from '../evidence.js'
import { BUILD_LOGIC } from '../scope.js'
import { analyse } from '../shell/analysis.js'
import type { Command } from '../shell/ast.js'
import { programNameOf } from '../shell/commands.js'
import { program } from '../shell/words.js'
import type { Rule, RuleHit } from '../types.js'

/** grep options that take the next argument as their value */
const WITH_VALUE = /^-[efmABCdD]$|^--(?:regexp|file|max-count|after-context|before-context|context|directories|devices|include|exclude|exclude-dir|label|binary-files)$/

interface GrepCall {
  readonly options: readonly string[]
  readonly operands: readonly string[]
}

function grepCall(cmd: Command, literal: (t: string) => string): GrepCall | undefined {
  const p = program(cmd)
  const name = programNameOf(p, literal)
  // asked of every command: the arguments are listed only for a grep
  if (name === 'git' ? p.args[0]?.text !== 'grep' : !/^(?:grep|egrep|fgrep|ggrep|rg|ag|ack)$/.test(name)) return undefined
  const args = p.args.slice(name === 'git' ? 1 : 0).map((w) => w.text)
  const options: string[] = []
  const operands: string[] = []
  let patternSeen = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '--') {
      operands.push(...args.slice(i + 1))
      break
    }
    if (a.startsWith('-') && a.length > 1) {
      options.push(a)
      if (/^-[efdD]$/.test(a)) patternSeen ||= a === '-e' || a === '-f'
      if (WITH_VALUE.test(a)) options.push(`${a}=${args[++i] ?? ''}`)
      continue
    }
    if (!patternSeen) {
      patternSeen = true
      continue
    }
    operands.push(a)
  }
  return { options, operands }
}

const flag = (options: readonly string[], short: string, long: RegExp): boolean =>
  options.some((o) => (/^-[A-Za-z]+$/.test(o) && o.includes(short)) || long.test(o))

/** An operand naming the source tree or a directory in it. */
const TREE = /^(?:\.\/?|\$\{?(?:ac_)?(?:abs_)?(?:top_)?(?:src|build)dir\}?.*|\$\((?:abs_)?(?:top_)?(?:src|build)dir\).*|@(?:abs_)?(?:top_)?srcdir@.*|\$\{?(?:CMAKE_(?:CURRENT_)?SOURCE_DIR|MESON_SOURCE_ROOT|PWD)\}?.*|.*\/)$/

const rule: Rule = {
  id: 'scan/binary-marker-grep',
  title: 'Grep for a marker inside binary files',
  short: 'grep treats binary files as text and searches the source tree to find a file by a byte marker.',
  motivation:
    'Build logic that locates a file by a marker in its bytes, instead of by its name, is looking for a payload it does not want to name: renaming or moving the carrier file does not break it, and no build file mentions the carrier.',
  remediation: 'Run the same grep on the release and inspect every file it finds; check what the build does with the match.',
  defaultSeverity: 'medium',
  defaultConfidence: 'high',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const a = analyse(file)
    const hits: RuleHit[] = []
    for (const cmd of a.commands) {
      const g = grepCall(cmd, a.literal)
      if (!g) continue
      const binaryAsText = flag(g.options, 'a', /^--text$|^--binary-files=text$|^--binary-files==text$/) || g.options.includes('--binary-files=text')
      if (!binaryAsText) continue
      const recursive = flag(g.options, 'r', /^--recursive$|^--dereference-recursive$|^--directories=recurse$/) || flag(g.options, 'R', /^$/) || g.options.includes('-d=recurse')
      const lists = flag(g.options, 'l', /^--files-with(?:out)?-match(?:es)?$/) || flag(g.options, 'L', /^$/)
      const offsets = flag(g.options, 'b', /^--byte-offset$/)
      const tree = g.operands.some((o) => TREE.test(a.literal(o)))
      if (!recursive && !lists && !tree) continue
      const site = a.siteOf(cmd)
      const captured = site !== undefined && (site.origin === 'substitution' || site.origin === 'backquote' || site.origin === 'process')
      const pipedOn = site !== undefined && site.pipeline.commands.indexOf(cmd) < site.pipeline.commands.length - 1
      const used = captured || pipedOn || offsets
      const how = [recursive && 'recursively', lists && 'listing matching files', tree && 'over the source tree', offsets && 'with byte offsets'].filter(Boolean).join(', ')
      hits.push({
        line: cmd.line,
        message: `grep reads binary files as text (${how}) to find a file by a marker${used ? ', and the match is used' : ''}`,
        evidence: evidenceLines(a.lines, [...spanLines(cmd.line, cmd.endLine), ...(site ? [site.pipeline.line] : [])]),
        severity: used ? 'high' : 'medium',
      })
    }
    return hits
  },
}
export default rule
