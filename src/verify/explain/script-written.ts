/**
 * @fileoverview Files a generator of the tag writes when the tag's bootstrap script runs it
 * (`${PYTHON} build/gen-build.py make` writing `build-outputs.mk`): explained when a bootstrap
 * script runs a program of the tag by its path and that program opens the file by its name for
 * writing. Generated is not reproduced: the file is still scanned by the rules.
 */
import { basenameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { recipeCommands, resolveWord } from './make-index.js'
import { bootstrapScripts, perTree } from './per-tree.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'
import { escapeRegExp } from '../../util/regexp.js'

export interface GeneratorRun {
  /** the bootstrap script and its line that runs the generator */
  readonly script: string
  readonly line: number
  /** the generator, a file of the tag, and its text */
  readonly program: string
  readonly text: string
}

/** The programs of the tag the bootstrap scripts run, named by their paths, in the order they run; read once per tree. */
export const generatorRuns = perTree(async (view: TreeView): Promise<readonly GeneratorRun[]> => {
  const out: GeneratorRun[] = []
  for (const script of await bootstrapScripts(view)) {
    for (const [index, line] of script.text.split('\n').entries()) {
      if (/^\s*#/.test(line)) continue
      for (const command of recipeCommands(line.replace(/\s#.*$/, ''))) {
        const program = resolveWord(command.replace(/^\.\//, ''), ['']).find((p) => p !== script.path && view.sourceHas(p))
        const text = program === undefined ? undefined : await view.sourceText(program)
        if (program !== undefined && text !== undefined) out.push({ script: script.path, line: index + 1, program, text })
      }
    }
  }
  return out
})

/**
 * Does the program's text open `name` for writing: Python's `open('name', 'w')`, Perl's
 * `open(F, ">name")` or `open(my $f, '>', 'name')`, a shell redirection `> name`, or a redirection
 * into a variable the name was assigned to (`OUT="$dir/name"` … `> "$OUT"`)? A directory before the
 * name may be anything; the name itself must be whole.
 */
export function writesFile(program: string, name: string): boolean {
  const n = escapeRegExp(name)
  const dir = String.raw`(?:[^'"\s<>|;]*/)?`
  const forms = [
    new RegExp(String.raw`\bopen\s*\(\s*(?:[rfb]?['"]${dir}${n}['"]|\w+\s*\+\s*['"]/?${n}['"])\s*,\s*['"][wax]`),
    new RegExp(String.raw`\bopen\s*\(?\s*(?:my\s+)?[\w$]+\s*,\s*(?:['"]\+?>{1,2}['"]\s*,\s*['"]${dir}${n}['"]|['"]\+?>{1,2}\s*${dir}${n}['"])`),
    new RegExp(String.raw`(?:^|[^\w>&-])>{1,2}\s*["']?${dir}${n}(?![\w.-])`, 'm'),
  ]
  if (forms.some((f) => f.test(program))) return true
  for (const m of program.matchAll(new RegExp(String.raw`^\s*(?:local\s+|export\s+)?([A-Za-z_]\w*)=["']?${dir}${n}["']?\s*$`, 'gm'))) {
    if (new RegExp(String.raw`>{1,2}\s*["']?\$\{?${escapeRegExp(m[1] ?? '')}\}?(?![\w])`).test(program)) return true
  }
  return false
}

export function scriptWrittenExplainer(): Explainer {
  return {
    name: 'script-written',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (difference.status !== 'only-in-artifact' || difference.artifact?.kind !== 'file' || view.artifactText(difference.path) === undefined) return undefined
      const name = basenameOf(difference.path)
      for (const run of await generatorRuns(view)) {
        if (!writesFile(run.text, name)) continue
        return explained(difference.path, 'generated', `written by ${run.program} of the tag, which ${run.script} runs (line ${run.line}); not regenerated`, false, true)
      }
      return undefined
    },
  }
}
