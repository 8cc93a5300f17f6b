import { evidenceLines, spanLines } from '../evidence.js'
import type { Command } from '../shell/ast.js'
import { BUILD_LOGIC } from '../scope.js'
import { analyse } from '../shell/analysis.js'
import { compilerIncludesOf, isObfuscatingStep, programNameOf, runsScriptFiles, scriptOperand, scriptThroughRedirect } from '../shell/commands.js'
import { program } from '../shell/words.js'
import { nonCodeKind } from '../test-data-read/paths.js'
import { readPaths } from '../test-data-read/rule.js'
import type { Rule, RuleHit } from '../types.js'

/** the variables whose files the dynamic loader loads into every program it starts */
const LOADER_NAMES = /LD_PRELOAD|LD_AUDIT|DYLD_INSERT_LIBRARIES/
const LOADER_VARIABLE = new RegExp(`^(?:export\\s+)?(${LOADER_NAMES.source})=(.*)$`, 's')
const SHARED_LIBRARY = /\.(?:so(?:\.\d+)*|dylib|dll)$/

/** `LD_PRELOAD=doc/x.1`, alone, exported or before a command: a documentation or data file given to the loader. */
function loadedByTheLoader(cmd: Command, literal: (t: string) => string): { variable: string; path: string; kind: string } | undefined {
  if (cmd.compound) return undefined
  for (const w of cmd.words) {
    const m = LOADER_VARIABLE.exec(w.text)
    if (!m) continue
    for (const part of literal(m[2] ?? '').split(/[:\s]+/)) {
      // a shared library is what the loader is given; a test preloading one it built is no finding
      const kind = SHARED_LIBRARY.test(part) ? undefined : nonCodeKind(part)
      if (kind) return { variable: m[1] ?? '', path: part, kind }
    }
  }
  return undefined
}

const rule: Rule = {
  id: 'scan/data-executed',
  title: 'Documentation or data run as code',
  short: 'Build logic runs a man page, a README, a text file, an image or a data blob as a script, pipes its content into a shell or interpreter, has the compiler include it as code (`-include`), or gives it to the dynamic loader (`LD_PRELOAD`).',
  motivation:
    'Nobody reviews a man page or a data file for code. A build step that runs one — directly, or by piping part of it into a shell — is a way to keep a payload where no reviewer looks, as the XZ backdoor kept its own in test files.',
  remediation: 'Read the file as the build would run it (the range a `sed -n` or `tail` cuts, the whole file for `sh FILE` or `-include FILE`); a build never needs to execute or compile its documentation or data.',
  defaultSeverity: 'high',
  defaultConfidence: 'high',
  appliesTo: BUILD_LOGIC,
  run(file) {
    const a = analyse(file)
    const hits: RuleHit[] = []
    const includesOf = compilerIncludesOf(file.text)
    // the words of every command are read for the loader's variables only where the text names one
    const namesLoaderVariable = LOADER_NAMES.test(file.text)
    for (const cmd of a.commands) {
      if (cmd.compound) continue
      const included = includesOf(cmd, a.literal)
        .map(({ path, option }) => ({ path, option, kind: nonCodeKind(path) }))
        .find((i) => i.kind !== undefined)
      if (included) {
        hits.push({
          line: cmd.line,
          message: `${included.option} has the compiler read the ${included.kind} file ${included.path} as code`,
          evidence: evidenceLines(a.lines, spanLines(cmd.line, cmd.endLine)),
          severity: 'high',
          confidence: 'high',
          data: { path: included.path, kind: included.kind, how: included.option },
        })
        continue
      }
      const preloaded = namesLoaderVariable ? loadedByTheLoader(cmd, a.literal) : undefined
      if (preloaded) {
        hits.push({
          line: cmd.line,
          message: `${preloaded.variable} has the dynamic loader load the ${preloaded.kind} file ${preloaded.path} as code into every program started after it`,
          evidence: evidenceLines(a.lines, spanLines(cmd.line, cmd.endLine)),
          severity: 'high',
          confidence: 'high',
          data: { path: preloaded.path, kind: preloaded.kind, how: preloaded.variable },
        })
        continue
      }
      const p = program(cmd)
      const name = programNameOf(p, a.literal)
      // arguments are read only for a program that runs a script file: most commands run none
      // the script it names, or reads through a descriptor or on standard input (`. /dev/fd/3`, `sh < README`)
      const script = runsScriptFiles(name) ? scriptThroughRedirect(cmd, scriptOperand(name, p.args.map((w) => a.literal(w.text))), a.literal, a.opened) : undefined
      const ran = script !== undefined ? nonCodeKind(script) : undefined
      if (script !== undefined && ran) {
        hits.push({
          line: cmd.line,
          message: `${name} runs the ${ran} file ${script} as a script`,
          evidence: evidenceLines(a.lines, spanLines(cmd.line, cmd.endLine)),
          severity: 'high',
          confidence: 'high',
          data: { path: script, kind: ran, how: name },
        })
        continue
      }
      // decoded on the way, it is data-to-shell-pipeline's finding
      const executions = a.fed(cmd).filter((e) => !e.feeders.some((f) => isObfuscatingStep(f.facts)))
      if (executions.length === 0) continue
      const fed = readPaths(cmd, a.literal, a.opened)
        .map((path) => ({ path, kind: nonCodeKind(path) }))
        .find((r) => r.kind !== undefined)
      if (fed === undefined) continue
      hits.push({
        line: cmd.line,
        message: `the content of the ${fed.kind ?? 'data'} file ${fed.path} is executed by ${executions[0]?.how ?? 'a shell'}`,
        evidence: evidenceLines(a.lines, [...spanLines(cmd.line, cmd.endLine), ...executions.map((e) => e.sink.line)]),
        severity: 'high',
        confidence: 'high',
        data: { path: fed.path, kind: fed.kind, how: executions[0]?.how },
      })
    }
    return hits
  },
}
export default rule
