import type { Severity } from '../../model/finding.js'
import { evidenceLines, spanLines } from '../evidence.js'
import { BUILD_LOGIC } from '../scope.js'
import { analyse } from '../shell/analysis.js'
import type { Command } from '../shell/ast.js'
import { compilerIncludesOf, macroWords, programNameOf, redirectedFrom, throughDescriptor } from '../shell/commands.js'
import { program } from '../shell/words.js'
import type { Rule, RuleHit } from '../types.js'
import { isTestPath, isTestTarget, isTreeDirectory, shippedTestObject, shipsTestObjects, testDataKind } from './paths.js'

/** Programs that read the files they are given. */
const READERS = /^(?:cat|tac|sed|gsed|head|tail|dd|xz|unxz|xzcat|lzma|unlzma|lzcat|gzip|gunzip|zcat|bzip2|bunzip2|bzcat|zstd|unzstd|zstdcat|lz4|lz4cat|base64|base32|od|xxd|hexdump|awk|gawk|mawk|perl|python(?:\d[\d.]*)?|openssl|strings|cut|source|\.|cp|install|ln|tar|unzip)$/
/** a word that names an object file, or a variable (`$OBJ`) that may hold one: the only ones resolved */
const MAY_NAME_OBJECT = /\.(?:o|obj|a|so|dylib|dll)\b|\$[({]?\w+[)}]?["']?$/i
/** Programs whose argument is a place to write or compare, not a read worth reporting. */
const NOT_A_READ_AFTER = new Set(['-o', '--output', '-w'])

const NO_PATHS: readonly string[] = []
const NO_DESCRIPTORS = (): ReadonlyMap<string, string> => new Map()

/** Paths a command reads: operands, `if=`, `<` redirections, cmake `file(READ ...)`; through the descriptors the script opened (`<&3`, `/dev/fd/3`). */
export function readPaths(cmd: Command, literal: (t: string) => string, opened: () => ReadonlyMap<string, string> = NO_DESCRIPTORS): readonly string[] {
  // asked of every command: most read nothing and redirect nothing, and need no list of their own
  if (cmd.redirects.length === 0 && !cmd.compound && !READERS.test(programNameOf(program(cmd), literal))) return NO_PATHS
  const out: string[] = []
  for (const r of cmd.redirects) {
    const from = redirectedFrom(r, literal, opened)
    if (from !== undefined) out.push(from)
  }
  if (cmd.compound?.kind === 'macro' && /^file$/i.test(cmd.compound.name)) {
    const words = macroWords(cmd)
    if (/^(?:READ|STRINGS)$/.test(words[0] ?? '') && words[1]) out.push(literal(words[1]))
    return out
  }
  if (cmd.compound) return out
  const p = program(cmd)
  const name = programNameOf(p, literal)
  if (!READERS.test(name)) return out
  const args = p.args.map((w) => literal(w.text))
  if (name === 'dd') return [...out, ...args.filter((a) => a.startsWith('if=')).map((a) => a.slice(3))]
  // the last operand of cp/install/ln is where they write
  const reads = /^(?:cp|install|ln)$/.test(name) ? args.filter((a) => !a.startsWith('-')).slice(0, -1) : args
  reads.forEach((a, i) => {
    const path = a.startsWith('-') || NOT_A_READ_AFTER.has(reads[i - 1] ?? '') ? undefined : throughDescriptor(a, opened)
    if (path !== undefined) out.push(path)
  })
  return out
}

const rule: Rule = {
  id: 'scan/test-data-read',
  title: 'Build step reads test data',
  short: 'Configure or build logic (outside the test targets) reads a file from a test, fixture or sample-data directory.',
  motivation:
    'Test data is reviewed less than code and binary test files are not reviewed at all. A configure script or build rule that reads them, outside the test harness, can be starting a payload stored there.',
  remediation: 'Check why the build needs that file; decode it by hand and compare it with what the tests expect it to be.',
  defaultSeverity: 'medium',
  defaultConfidence: 'medium',
  appliesTo: BUILD_LOGIC,
  run(file, context) {
    if (isTestPath(file.path)) return []
    const a = analyse(file)
    const hits: RuleHit[] = []
    const includesOf = compilerIncludesOf(file.text)
    const shipsObjects = shipsTestObjects(context.paths)
    for (const cmd of a.commands) {
      const target = a.dialect === 'make' ? a.targetAt(cmd.line) : undefined
      if (target !== undefined && isTestTarget(target)) continue
      // a file of test data compiled into what is built, ahead of every source
      const included = includesOf(cmd, a.literal).find((i) => testDataKind(i.path) !== undefined)
      if (included) {
        hits.push({
          line: cmd.line,
          message: `build logic has the compiler include test data ${included.path} as code (${included.option})`,
          evidence: evidenceLines(a.lines, spanLines(cmd.line, cmd.endLine)),
          severity: 'high',
          confidence: 'high',
          data: { path: included.path },
        })
        continue
      }
      // an object of test data the release ships, linked or packed into what is built
      const linker = cmd.compound || !shipsObjects ? undefined : program(cmd)
      // a reader only reads or copies it (below); anything else given an object links or packs it
      const linked =
        linker === undefined || !linker.args.some((w) => MAY_NAME_OBJECT.test(w.text)) || READERS.test(programNameOf(linker, a.literal))
          ? undefined
          : linker.args.map((w) => (MAY_NAME_OBJECT.test(w.text) ? shippedTestObject(a.literal(w.text), file.path, context.paths) : undefined)).find((p) => p !== undefined)
      if (linked !== undefined) {
        hits.push({
          line: cmd.line,
          message: `build logic gives the object ${linked}, test data the release ships, to ${programNameOf(linker ?? program(cmd), a.literal)}`,
          evidence: evidenceLines(a.lines, spanLines(cmd.line, cmd.endLine)),
          severity: 'high',
          confidence: 'high',
          data: { path: linked },
        })
        continue
      }
      for (const path of readPaths(cmd, a.literal, a.opened)) {
        const kind = testDataKind(path)
        if (kind === undefined) continue
        const flow = a.flow(cmd)
        const consumed = flow.decoding || flow.executions.length > 0
        if (kind === 'text' && !consumed) continue
        // a directory holds files, each with a kind of its own: no blob
        if (kind === 'unknown' && !consumed && isTreeDirectory(path, file.path, context.paths)) continue
        const severity: Severity = consumed ? 'high' : 'medium'
        hits.push({
          line: cmd.line,
          message: `build logic reads test data ${path}${consumed ? ' and decodes or executes it' : ''}`,
          evidence: evidenceLines(a.lines, [...spanLines(cmd.line, cmd.endLine), ...flow.executions.map((e) => e.sink.line)]),
          severity,
          confidence: kind === 'binary' || consumed ? 'high' : 'medium',
          data: { path },
        })
        break
      }
    }
    return hits
  },
}
export default rule
