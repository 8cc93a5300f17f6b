import type { Severity } from '../../model/finding.js'
import { evidenceLines, spanLines } from '../evidence.js'
import { CONFIGURE_STEPS, runsWhileConfiguring } from '../scope.js'
import { analyse } from '../shell/analysis.js'
import type { Command } from '../shell/ast.js'
import { intoDirectory, scriptWrites, type Write } from '../shell/writes.js'
import { inSourceDirectory, isTreeDirectory, treeCandidates } from '../test-data-read/paths.js'
import type { Rule, RuleHit } from '../types.js'

/** what a compiler, an assembler or a linker reads */
const COMPILED = /\.(?:c|h|cc|cp|cpp|cxx|c\+\+|hh|hpp|hxx|h\+\+|inc|inl|ipp|tcc|C|H|S|s|sx|asm|m|mm|go|rs|java|cs|f|for|f77|f90|f95|f03|f08|vala|vapi|y|yy|l|ll|swift|zig|cu|def|sym|map|ver|lds?)$/
/** what the build runs, or reads to know what to run */
const RUN_BY_THE_BUILD = /\.(?:sh|bash|m4|ac|am|mk|cmake|py|pl|pm|rb|lua|tcl|awk|sed|js|mjs|cjs)$/
const BUILD_NAMES = /^(?:configure|Makefile|GNUmakefile|makefile|CMakeLists\.txt|meson\.build|meson_options\.txt|meson\.options|ltmain\.sh|install-sh|depcomp|missing|compile|config\.guess|config\.sub|libtool|ylwrap|test-driver|ar-lib|py-compile|mkinstalldirs)$/

/** Is the file code of the tree: compiled, or run by the build? A template (`x.h.in`, `Makefile.in`) is what it becomes. */
export function isCodePath(path: string): boolean {
  const base = path.replace(/^.*\//, '').replace(/\.in$/, '')
  return COMPILED.test(base) || RUN_BY_THE_BUILD.test(base) || BUILD_NAMES.test(base)
}

/** A write that replaces the whole file, rather than editing, appending to or patching what is there. */
const replaces = (w: Write): boolean => !w.inPlace && w.how !== '>>' && w.how !== '&>>' && w.how !== 'tee -a'

/** Does the command read the written file's template (`x.h.in` for `x.h`)? */
function fromTemplate(cmd: Command, path: string): boolean {
  const template = `${path.replace(/^.*\//, '')}.in`
  const names = [...cmd.words.map((w) => w.text), ...cmd.redirects.map((r) => r.target?.text ?? '')]
  return names.some((n) => n === template || n.endsWith(`/${template}`) || n.endsWith(`}${template}`))
}

/** The configure script whose run a macro file's commands are part of: the one nearest above it. */
function configureOf(path: string, paths: ReadonlySet<string>): string {
  for (let dir = path.replace(/\/?[^/]*$/, ''); ; dir = dir.replace(/\/?[^/]*$/, '')) {
    const prefix = dir === '' ? '' : `${dir}/`
    if (['configure.ac', 'configure.in', 'configure'].some((name) => paths.has(`${prefix}${name}`))) return `${prefix}configure`
    if (dir === '') return 'configure'
  }
}

const rule: Rule = {
  id: 'scan/source-rewritten',
  title: 'Configure step rewrites a source file',
  short: 'A configure script, an m4 macro or a CMake/meson configure step edits in place, appends to, overwrites or patches a file the source tree holds as code (a C source, a header, a Makefile.in, an m4 macro).',
  motivation:
    'Configuring makes new files from the sources; it does not change the sources. A configure script that runs `sed -i` on a C file, or appends to a header, has the compiler build code that no reviewer of the repository has seen, while the repository itself stays clean. The XZ backdoor used a step of this kind to slip its object into the library: its configure run edited what the build was about to use.',
  remediation: 'Compare the file after configure with the one in the repository; a configure step that needs a changed copy writes it to a new file, never over the one the tree holds.',
  defaultSeverity: 'high',
  defaultConfidence: 'high',
  // a Makefile's recipes are left out: writing files is what a rule is for, and verify holds each
  // recipe line of a Makefile.in to its Makefile.am or automake's templates
  appliesTo: CONFIGURE_STEPS,
  run(file, context) {
    if (context.paths.size === 0 || !runsWhileConfiguring(file)) return []
    const a = analyse(file)
    const hits: RuleHit[] = []
    const source = context.sourcePaths ?? context.paths
    // a macro's commands run in configure, at the top of its project
    const from = file.kind === 'm4' ? configureOf(file.path, context.paths) : file.path
    // configure names the same few files thousands of times (`conftest.c`, `/dev/null`): each is resolved once
    const resolved = new Map<string, string | undefined>()
    const inTree = (word: string): string | undefined => {
      if (!resolved.has(word)) resolved.set(word, treeCandidates(word, from).find((c) => context.paths.has(c)))
      return resolved.get(word)
    }
    // `(cd "$srcdir/src" && patch -p0 < ../ChangeLog)`: the analysis does not follow the cd, but a
    // name that climbs out of some directory of the tree and stays in it ends with what follows `../`
    const climbing = (word: string): string | undefined => {
      const rest = /^(?:\.\.\/)+([^$]+)$/.exec(word.replace(/["']/g, ''))?.[1]
      if (rest === undefined) return undefined
      for (const p of context.paths) if (p === rest || p.endsWith(`/${rest}`)) return p
      return undefined
    }
    const directories = new Map<string, boolean>()
    const isDirectory = (word: string): boolean => {
      if (!directories.has(word)) directories.set(word, isTreeDirectory(word, from, context.paths))
      return directories.get(word) ?? false
    }
    // files the script has written whole: appending to them afterwards builds them up
    const written = new Set<string>()
    for (const { cmd, writes } of scriptWrites(a)) {
      for (const named of writes) {
        const write = named.mayBeDirectory && isDirectory(named.path) ? intoDirectory(named) : named
        const hit = judgeWrite(write, cmd)
        if (!hit) continue
        hits.push({ line: cmd.line, evidence: evidenceLines(a.lines, spanLines(cmd.line, cmd.endLine)), confidence: 'high', ...hit })
        break
      }
    }
    return hits

    function judgeWrite(write: Write, cmd: Command): Omit<RuleHit, 'line' | 'evidence'> | undefined {
      // a patch that names no file of its own changes the files the patch names
      if (write.how === 'patch' && write.path === '') {
        const patch = write.from === undefined ? undefined : (inTree(write.from) ?? climbing(write.from))
        if (patch === undefined) return undefined
        return { message: `applies ${patch}, which the tree holds, as a patch to the files it names`, severity: 'high', data: { path: patch, how: 'patch' } }
      }
      const path = inTree(write.path)
      if (path === undefined || !isCodePath(path) || (write.from !== undefined && inTree(write.from) === path)) return undefined
      const whole = replaces(write)
      // `sed … zconf.h.in > zconf.h`: made from its template, as configure makes its outputs
      if (whole && fromTemplate(cmd, path)) return undefined
      if (whole) {
        const first = !written.has(path)
        written.add(path)
        if (!first) return undefined
      } else if (written.has(path)) return undefined
      // A file written whole is most often one configure generates, which a release may ship too
      // (a file the source does not hold), or one it makes in the directory it runs in (freetype's
      // Makefile, out of the tree). Only a file people wrote, named through the source directory,
      // is a source replaced.
      const replacesSource = context.sourcePaths !== undefined && source.has(path) && inSourceDirectory(write.path)
      const severity: Severity = !whole || replacesSource ? 'high' : 'low'
      const verb = whole ? 'overwrites' : write.inPlace ? 'edits' : 'appends to'
      const whose = context.sourcePaths === undefined ? 'a file the tree holds as code' : source.has(path) ? 'a file the tag holds as code' : 'code the release ships and the tag does not hold'
      return { message: `${verb} ${path}, ${whose} (${write.how})`, severity, data: { path, how: write.how } }
    }
  },
}
export default rule
