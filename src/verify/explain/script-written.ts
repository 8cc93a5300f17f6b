/**
 * @fileoverview Files a generator of the tag writes when the tag's bootstrap script runs it
 * (`${PYTHON} build/gen-build.py make` writing `build-outputs.mk`): explained when a bootstrap
 * script runs a program of the tag by its path and that program opens the file by its name for
 * writing. Generated is not reproduced: the file is still scanned by the rules.
 */
import { basenameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { recipeRuns, resolveWord } from './make-index.js'
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
  /** the words after the program on the line that runs it */
  readonly args: readonly string[]
}

/** The programs of the tag the bootstrap scripts run, named by their paths, in the order they run; read once per tree. */
export const generatorRuns = perTree(async (view: TreeView): Promise<readonly GeneratorRun[]> => {
  const out: GeneratorRun[] = []
  for (const script of await bootstrapScripts(view)) {
    for (const [index, line] of script.text.split('\n').entries()) {
      if (/^\s*#/.test(line)) continue
      for (const run of recipeRuns(line.replace(/\s#.*$/, ''))) {
        const program = resolveWord(run.program.replace(/^\.\//, ''), ['']).find((p) => p !== script.path && view.sourceHas(p))
        const text = program === undefined ? undefined : await view.sourceText(program)
        if (program !== undefined && text !== undefined) out.push({ script: script.path, line: index + 1, program, text, args: run.args })
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
  // every form names the file literally; most programs never mention most files
  if (!program.includes(name)) return false
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

/** Does the program write some file it is told the name of (`open(filename, 'w')`, `> "$out"`)? */
const WRITES_A_NAMED_FILE = [/\bopen\s*\(\s*[A-Za-z_][\w.[\]]*\s*,\s*(?:['"][wax]|[A-Za-z_]\w*\s*\))/, /\bopen\s*\(?\s*(?:my\s+)?[\w$]+\s*,\s*['"]\+?>{1,2}['"]\s*,\s*\$\w+/, /(?:^|[^\w>&-])>{1,2}\s*["']?\$\{?\w+\}?["']?(?:\s|$)/m]

/** The run names the file among its arguments (as a path from the top, or by its name), and the program writes files it is told. */
const runNames = (run: GeneratorRun, path: string): boolean =>
  run.args.some((a) => a.replace(/^\.\//, '').replace(/^["']|["']$/g, '') === path || a.replace(/^["']|["']$/g, '') === basenameOf(path)) && WRITES_A_NAMED_FILE.some((w) => w.test(run.text))

const ASSIGNMENT = /^([A-Za-z_][\w.]*)\s*[+:]?=\s*(.*)$/
const VARIABLE_REFERENCE = /^\$[({][A-Za-z_][\w.]*[)}]$/

/**
 * A makefile fragment that only lists files (`LIB_C = src/a.c src/b.c`, `ALL = $(LIB_C) $(LIB_H)`):
 * every word a file the release has (from the directory of the fragment or the top) or a variable.
 */
function onlyListsFiles(text: string, path: string, view: TreeView): boolean {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : ''
  let assignments = 0
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const m = ASSIGNMENT.exec(line)
    if (!m) return false
    for (const word of (m[2] ?? '').split(/\s+/).filter(Boolean)) if (!VARIABLE_REFERENCE.test(word) && !view.artifactHas(`${dir}${word}`) && !view.artifactHas(word)) return false
    assignments += 1
  }
  return assignments > 0
}

export function scriptWrittenExplainer(): Explainer {
  return {
    name: 'script-written',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (difference.status !== 'only-in-artifact' || difference.artifact?.kind !== 'file' || view.artifactText(difference.path) === undefined) return undefined
      const name = basenameOf(difference.path)
      const text = view.artifactText(difference.path) ?? ''
      for (const script of await bootstrapScripts(view)) {
        if (writesFile(script.text, name) && onlyListsFiles(text, difference.path, view)) return explained(difference.path, 'generated', `lists of files of the release that ${script.path} writes; not regenerated`, false, true)
      }
      for (const run of await generatorRuns(view)) {
        if (writesFile(run.text, name)) return explained(difference.path, 'generated', `written by ${run.program} of the tag, which ${run.script} runs (line ${run.line}); not regenerated`, false, true)
        if (runNames(run, difference.path)) return explained(difference.path, 'generated', `written by ${run.program} of the tag, which ${run.script} runs with its name as an argument (line ${run.line}); not regenerated`, false, true)
      }
      return undefined
    },
  }
}
