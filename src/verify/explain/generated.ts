import type { Finding } from '../../model/finding.js'
import { unifiedDiff } from '../../util/diff.js'
import { basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { detectGenerator, GRAMMAR_EXTENSIONS, type GeneratorInfo } from './generators.js'
import { uncopiedWordsFinding, type AutomakePackages } from './automake-agreement.js'
import { configHeadersNamed, CONFIGURE_INPUTS } from './configure-outputs.js'
import { substitutedNames } from './configure-substitutions.js'
import { configHeaderFinding } from './autoheader-agreement.js'
import { bootstrapScripts, perTree } from './per-tree.js'
import { keptLineNumbers, rerunGrammar, withoutPlaceMarks, type GrammarRerun, type GrammarTool } from './grammar-rerun.js'
import { explained, textForWords, type Explainer, type Judgement, type TreeView } from './types.js'

/** `a/b` → `a/b`, `a`, `` */
const ancestors = (dir: string): string[] => (dir === '' ? [''] : [dir, ...ancestors(dirnameOf(dir))])

const has = (view: TreeView, path: string): boolean => view.sourceHas(path) || view.artifactHas(path)

/** `dir/X/configure.ac` and `dir/X/configure.in` of the tag, one directory below `dir` */
function childInputs(dir: string, sourcePaths: Iterable<string>): string[] {
  const out: string[] = []
  for (const p of sourcePaths) {
    if (!CONFIGURE_INPUTS.includes(basenameOf(p))) continue
    const parent = dirnameOf(p)
    if (parent !== dir && dirnameOf(parent) === dir) out.push(p)
  }
  return out
}

/** The input a generator needs, which must exist for the generated file to be consistent with the source. */
function requiredInputs(path: string, info: GeneratorInfo, view: TreeView): readonly string[][] {
  const dir = dirnameOf(path)
  switch (info.tool) {
    case 'autoconf': {
      const above = ancestors(dir).flatMap((d) => CONFIGURE_INPUTS.map((n) => joinPath(d, n)))
      // `cd autoconf && autoconf configure.in > ../configure` keeps it one directory down: looked for only when none is above
      return [above.some((p) => has(view, p)) ? above : [...above, ...childInputs(dir, view.sourcePaths())]]
    }
    case 'autoconf-macro':
    case 'autom4te':
    case 'aclocal':
      // `aclocal --output=m4/aclocal.m4` and friends write below the directory of configure.ac
      return [ancestors(dir).flatMap((d) => CONFIGURE_INPUTS.map((n) => joinPath(d, n)))]
    case 'automake':
      return [[joinPath(dir, info.input ?? `${basenameOf(path).replace(/\.in$/, '')}.am`)]]
    case 'autoheader':
      // autoheader runs beside configure.ac and writes the header AC_CONFIG_HEADERS names, often below it
      return [ancestors(dir).flatMap((d) => [joinPath(d, info.input ?? 'configure.ac'), ...CONFIGURE_INPUTS.map((n) => joinPath(d, n))])]
    case 'makeinfo':
      return info.input ? [[joinPath(dir, info.input), info.input]] : []
    case 'bison':
    case 'yacc':
    case 'flex': {
      const stem = (info.input ?? basenameOf(path)).replace(/\.\w+$/, '')
      return [[info.input, ...GRAMMAR_EXTENSIONS.map((ext) => `${stem}.${ext}`)].filter((n): n is string => n !== undefined).map((n) => joinPath(dir, n))]
    }
    case 'libtool':
      // libtoolize copies these when configure.ac asks for libtool
      return [CONFIGURE_INPUTS]
    case 'gperf': {
      // the command line names the keyword file as gperf was given it: from the top directory or from the file's own
      const input = info.input ?? ''
      return [[joinPath(dir, basenameOf(input)), input]]
    }
    case 'gnulib-tool':
      // a tag that imports gnulib says so: the bootstrap's module list, gnulib-tool's cache, or gnulib as a submodule
      return [['bootstrap.conf', 'gnulib', ...ancestors(dir).map((d) => joinPath(d, 'gnulib-cache.m4')), 'm4/gnulib-cache.m4'].filter((p) => p !== path)]
    case 'cython': {
      // the module it was compiled from: the `.pyx` its metadata names, or a `.pyx` or `.py` of the same stem
      const stem = basenameOf(path).replace(/\.\w+$/, '')
      return [[info.input, `${stem}.pyx`, `${stem}.py`].filter((n): n is string => n !== undefined).map((n) => joinPath(dir, n))]
    }
    case 'makemaker':
      return [[joinPath(dir, info.input ?? 'Makefile.PL')]]
    case 'valac':
      // a library's header comes from the Vala sources beside it
      return info.input ? [[joinPath(dir, info.input)]] : [[...view.sourcePaths()].filter((p) => dirnameOf(p) === dir && p.endsWith('.vala'))]
    default:
      return []
  }
}

const CATEGORY: Record<GeneratorInfo['tool'], string> = {
  autoconf: 'generated',
  'autoconf-macro': 'generated',
  automake: 'generated',
  aclocal: 'generated',
  autoheader: 'generated',
  libtool: 'generated',
  help2man: 'docs',
  makeinfo: 'docs',
  bison: 'generated',
  yacc: 'generated',
  flex: 'generated',
  gperf: 'generated',
  'gnulib-tool': 'generated',
  autom4te: 'generated',
  valac: 'generated',
  cython: 'generated',
  makemaker: 'generated',
}

/** the line configure writes above the autoheader line it keeps when it makes config.h from config.h.in */
const CONFIGURED_HEADER = /Generated from \S+ by configure\./
const HEADER_CHARS = 400

/** Tools that compile an input of the tag into code: their output is theirs only where that input is. */
const COMPILERS: ReadonlySet<GeneratorInfo['tool']> = new Set(['bison', 'yacc', 'flex', 'gperf', 'valac', 'cython'])

/** Build logic that runs, or that a regeneration reuses (autom4te's cache): scanned by the rules even when their generator is recognised. */
const RUNS_AT_BUILD: ReadonlySet<GeneratorInfo['tool']> = new Set(['autoconf', 'autoconf-macro', 'automake', 'aclocal', 'libtool', 'bison', 'yacc', 'flex', 'gperf', 'gnulib-tool', 'autom4te', 'valac', 'makemaker'])

/**
 * generators whose output depends on nothing but their input and their version. Not flex: builds
 * of one flex version write other skeletons and tables (a tag's scanner made elsewhere is no
 * reference), so its scanners are only run again.
 */
const DETERMINISTIC: ReadonlySet<GeneratorInfo['tool']> = new Set(['bison', 'yacc', 'gperf'])

/**
 * The tag holds this generated file too, written by the same tool at the same version, and the
 * input is the tag's: running it again gives the tag's bytes, so regeneration explains no difference.
 */
async function sameDeterministicRun(path: string, info: GeneratorInfo, view: TreeView): Promise<boolean> {
  if (!DETERMINISTIC.has(info.tool) || info.version === undefined) return false
  const tagged = await view.sourceText(path)
  const before = tagged === undefined ? undefined : detectGenerator(basenameOf(path), tagged)
  if (tagged === undefined || before?.tool !== info.tool || before.version !== info.version) return false
  // run in another directory, the same generator writes other paths into its `#line` directives only
  if (withoutPlaceMarks(tagged) === withoutPlaceMarks(view.artifactText(path) ?? '')) return false
  const input = requiredInputs(path, info, view)
    .flat()
    .find((p) => view.sourceHas(p))
  if (input === undefined) return false
  // an input the release changed may have been regenerated from; one it kept may not
  const released = view.artifactText(input)
  return released === undefined || released === (await view.sourceText(input))
}

/** A line of shell that runs gnulib-tool (not a comment mentioning it) */
const RUNS_GNULIB_TOOL = /^[^#\n]*\bgnulib-tool\b/m
/** `url = https://git.savannah.gnu.org/git/gnulib.git` in .gitmodules */
const GNULIB_SUBMODULE = /^\s*url\s*=\s*\S*\bgnulib(?:\.git)?\/?\s*$/m

/**
 * Where a tag that imports gnulib without bootstrap.conf says so: a bootstrap script of its own that
 * runs gnulib-tool, or gnulib as a submodule under another name (`.gnulib`).
 */
const gnulibImporter = perTree(async (view: TreeView): Promise<string | undefined> => {
  if (GNULIB_SUBMODULE.test((await view.sourceText('.gitmodules')) ?? '')) return '.gitmodules'
  return (await bootstrapScripts(view)).find((s) => RUNS_GNULIB_TOOL.test(s.text))?.path
})

/**
 * Up to how many lines of a scanner or parser may differ from the tool's output for the difference
 * to be an edit of that output: one in a hundred. Builds of one version by different hands (a
 * distribution's patches, a snapshot of the tool's own repository) write skeletons that differ in
 * hundreds of lines, and those are not the tool's output "plus an edit" but another tool.
 */
/** the generators whose output is made again from its grammar here (grammar-rerun.ts) */
const isRerunTool = (tool: GeneratorInfo['tool']): tool is GrammarTool => tool === 'flex' || tool === 'bison'

const editedLinesAtMost = (text: string): number => Math.max(8, Math.floor(text.split('\n').length / 100))

/** the tool of the version the file names wrote other text from its grammar, in a few lines */
function rerunMismatch(path: string, text: string, rerun: Extract<GrammarRerun, { outcome: 'differs' }>): Finding {
  return {
    ruleId: 'verify/regeneration-mismatch',
    severity: 'high',
    confidence: 'high',
    path,
    message: `${rerun.changedLines} line(s) differ from what ${rerun.command} writes from ${rerun.grammar}, the version the file names`,
    // numbered as the shipped file's lines, though its #line directives are left out of the comparison
    evidence: unifiedDiff(`regenerated/${path}`, `artifact/${path}`, rerun.closest, withoutPlaceMarks(text), 3, keptLineNumbers(text)),
    explanation: 'The same grammar, flags and tool version give the same output; all but these lines are that output, so the lines marked + were put there by other means. The + side is numbered by the lines of the shipped file.',
    data: { command: rerun.command, grammar: rerun.grammar },
  }
}

/**
 * Files an autotools `make dist` generates, recognised by the generator's own header and checked
 * for consistency with the source. Recognised is not reproduced: without regeneration they are
 * explained as "consistent, not reproduced" and still scanned.
 */
export function generatedExplainer(): Explainer {
  // the macro files of the release and the tag, which hand autoheader text: listed once, when a header needs them
  let releasedMacros: readonly string[] = []
  let macros: string[] | undefined
  const macroPaths = (view: TreeView) => (): string[] => (macros ??= [...releasedMacros, ...[...view.sourcePaths()].filter((p) => p.endsWith('.m4'))])
  // the configuration headers those macros name, read once, when a Makefile.in's header directory needs them;
  // a macro that passes its arguments on (`AC_CONFIG_HEADERS($@)`) names none
  let headersOfMacros: Promise<string[]> | undefined
  // each package's configure read once, for the variables it substitutes
  const substitutedBy = new Map<string, Promise<ReadonlySet<string>>>()
  const packages = (view: TreeView): AutomakePackages => ({
    macroHeaders: () =>
      (headersOfMacros ??= Promise.all(macroPaths(view)().map(async (p) => configHeadersNamed((await textForWords(view, p)) ?? '').headers)).then((named) => named.flat())),
    substituted: (configure) => {
      let pending = substitutedBy.get(configure.dir)
      if (pending === undefined) {
        pending = textForWords(view, joinPath(configure.dir, 'configure')).then((text) => substitutedNames(text, configure.text))
        substitutedBy.set(configure.dir, pending)
      }
      return pending
    },
  })
  return {
    name: 'generated',
    prepare(differences: readonly Difference[]): void {
      releasedMacros = differences.filter((d) => d.status !== 'only-in-source' && d.path.endsWith('.m4')).map((d) => d.path)
      macros = undefined
      headersOfMacros = undefined
      substitutedBy.clear()
    },
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (!difference.artifact || difference.artifact.kind !== 'file') return undefined
      if (difference.status === 'mode-differs') return undefined
      const text = view.artifactText(difference.path)
      if (text === undefined) return undefined
      const info = detectGenerator(basenameOf(difference.path), text)
      if (!info) return undefined
      const scan = RUNS_AT_BUILD.has(info.tool)
      let missing = requiredInputs(difference.path, info, view).filter((alternatives) => !alternatives.some((p) => has(view, p)))
      if (missing.length > 0 && info.tool === 'gnulib-tool' && (await gnulibImporter(view)) !== undefined) missing = []
      // a compiler's header without its input proves nothing (a skeleton or a copy may quote it): judged as code
      if (missing.length > 0 && COMPILERS.has(info.tool)) return undefined
      if (missing.length > 0) {
        const finding: Finding = {
          ruleId: 'verify/generated-without-input',
          severity: scan ? 'high' : 'medium',
          confidence: 'high',
          path: difference.path,
          message: `claims to be generated by ${info.tool}${info.version ? ` ${info.version}` : ''}, but its input ${missing.map((m) => m[0]).join(', ')} is in neither the source nor the artifact`,
          explanation: 'A generated file whose input does not exist cannot have come from this source: it was written by hand or copied from elsewhere.',
          data: { generator: info },
        }
        return { outcome: 'unexplained', findings: [finding], scan: true }
      }
      // a `Makefile` with automake's header is configure's output, its substitutions made: only the `.in` is automake's
      if (info.tool === 'automake' && difference.path.endsWith('.in')) {
        const disagreement = await uncopiedWordsFinding(difference.path, text, info.input, view, packages(view))
        if (disagreement) return { outcome: 'unexplained', findings: [disagreement], scan: true }
      }
      if (info.tool === 'autoheader') {
        // a header configure made from the template (its #undefs made #defines) is configure's output, not autoheader's;
        // one the tag keeps (a hand-kept header for another platform) was made once, not at release time
        if (CONFIGURED_HEADER.test(text.slice(0, HEADER_CHARS))) {
          if (difference.status === 'content-differs') return undefined
        } else {
          const disagreement = await configHeaderFinding(difference.path, text, info.input, macroPaths(view), view)
          if (disagreement) return { outcome: 'unexplained', findings: [disagreement], scan }
        }
      }
      const made = `${info.tool}${info.version ? ` ${info.version}` : ''} output${info.input ? ` from ${info.input}` : ''}`
      const grammar = isRerunTool(info.tool) ? requiredInputs(difference.path, info, view).flat().find((p) => has(view, p)) : undefined
      const rerun = grammar !== undefined && isRerunTool(info.tool) ? await rerunGrammar(info.tool, difference.path, text, info.version, grammar, view) : undefined
      if (rerun?.outcome === 'reproduced') {
        return explained(difference.path, CATEGORY[info.tool], `reproduced by ${rerun.command} from ${rerun.grammar} (but for #line directives and header names, which depend on where it ran)`, true)
      }
      if (rerun?.outcome === 'differs' && rerun.changedLines <= editedLinesAtMost(text)) {
        return { outcome: 'unexplained', findings: [rerunMismatch(difference.path, text, rerun)], scan: true }
      }
      // another build of the tool ran here: the tag's copy, made elsewhere too, is no reference either
      if (rerun?.outcome !== 'differs' && difference.status === 'content-differs' && (await sameDeterministicRun(difference.path, info, view))) return undefined
      const why = rerun === undefined ? '' : rerun.outcome === 'differs' ? ` (${rerun.command} here writes another file from it, ${rerun.changedLines} lines apart: another build of ${info.tool})` : ` (${rerun.why})`
      return explained(difference.path, CATEGORY[info.tool], `${made}; consistent with the source, not regenerated${why}`, false, scan)
    },
  }
}
