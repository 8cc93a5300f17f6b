/**
 * @fileoverview Files configure writes from a `NAME.in` template (`foo.spec`, `foo.pc`, a Lisp
 * system definition), or a bootstrap or release script writes with `sed … < TEMPLATE > NAME` (or
 * `cat TEMPLATE | sed … | tr … > NAME`), and that `make dist` ships: explained when every line is
 * the template's line with its `@VARIABLE@` placeholders filled in, and nothing else; where `tr`
 * splits a placeholder that stands alone into lines, those lines hold only names. A script's sed
 * of `s` commands (`s,$(libx_srcpath),libx,g`, `s|^__ng_PROTOTYPES__|AC_C_PROTOTYPES|g`) is
 * replayed on the template: the same bytes, reproduced; where a substitution puts in a value of
 * the shell (`${VERSION}`), that value must be one the script assigns, or a plain value.
 */
import { logicalLines } from '../../rules/shell/lines.js'
import { basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { expandMake, makeIndexOf, resolveWord } from './make-index.js'
import { bootstrapScripts, perTree, releaseScripts } from './per-tree.js'
import { applySed, matchesReplay } from './sed-replay.js'
import { sedWrites, type SedWrite } from './sed-writes.js'
import { addedFileText, explained, type Explainer, type Judgement, type TreeView } from './types.js'
import { escapeRegExp } from '../../util/regexp.js'

const PLACEHOLDER = /@[A-Za-z_][A-Za-z0-9_]*@/g
const MAX_LINES = 20_000

const linePattern = (line: string): RegExp => {
  const pieces = line.split(PLACEHOLDER).map(escapeRegExp)
  return new RegExp(`^${pieces.join('.*')}$`)
}

/** a line of a make list: names (of files, of programs) and a continuation, nothing that runs */
const LIST_LINE = /^[\t ]*[\w.+/-]+(?:[\t ]+[\w.+/-]+)*[\t ]*\\?$/
const LONE_PLACEHOLDER = /^[\t ]*@[A-Za-z_][A-Za-z0-9_]*@[\t ]*$/

export interface FillOptions {
  /** a placeholder alone on its line may be filled with several lines of names (a bootstrap's `tr` splitting a list) */
  readonly listLines?: boolean
}

/** Does `text` follow `template` line for line, differing only where the template has placeholders? */
export function fillsTemplate(template: string, text: string, options: FillOptions = {}): boolean {
  const t = template.split('\n')
  const x = text.split('\n')
  if (t.length > MAX_LINES || x.length > MAX_LINES) return false
  if (!PLACEHOLDER.test(template)) return false
  PLACEHOLDER.lastIndex = 0
  const fills = (line: string, filled: string | undefined): boolean => line === filled || (filled !== undefined && line.includes('@') && linePattern(line).test(filled))
  if (!options.listLines) return t.length === x.length && t.every((line, i) => fills(line, x[i]))
  let j = 0
  for (let i = 0; i < t.length; i++) {
    const line = t[i] ?? ''
    if (!LONE_PLACEHOLDER.test(line)) {
      if (!fills(line, x[j])) return false
      j++
      continue
    }
    // lines of names, up to the line the template has next
    const next = t[i + 1]
    while (j < x.length && LIST_LINE.test(x[j] ?? '') && !(next !== undefined && fills(next, x[j]))) j++
  }
  return j === x.length
}

/** `sed -e "s;@VERSION@;$V;" < configure.raw > configure.ac`: the template, then the file written */
const SED_TEMPLATE = /\bsed\b(?:"[^"]*"|'[^']*'|[^;|&'"])*?(?:<\s*|\s)([^\s<>;|&"'`$]+)\s*>\s*([^\s<>;|&"'`$]+)/g
/** `cat Makefile.am.gen | sed "s/@FILES@/$files/g" | tr '!?' '\t\n' > Makefile.am`: the template through sed and tr only */
const CAT_TEMPLATE = /\bcat\s+([^\s<>;|&"'`$]+)\s*((?:\|\s*(?:sed|tr)\b(?:"[^"]*"|'[^']*'|[^;|&'"<>])*)+)>\s*([^\s<>;|&"'`$]+)/g

interface Written {
  readonly template: string
  readonly script: string
  readonly line: number
  /** `tr` turns characters into newlines: a placeholder may stand for several lines */
  readonly splitsLines: boolean
}

/** The templates the tag's bootstrap scripts fill with sed, by the name of the file each writes. */
async function sedTemplates(view: TreeView): Promise<Map<string, Written[]>> {
  const out = new Map<string, Written[]>()
  for (const { path: script, text } of await bootstrapScripts(view)) {
    for (const { line: start, text: line } of logicalLines(text)) {
      for (const m of line.matchAll(SED_TEMPLATE)) {
        const name = basenameOf(m[2] ?? '')
        out.set(name, [...(out.get(name) ?? []), { template: m[1] ?? '', script, line: start, splitsLines: false }])
      }
      for (const m of line.matchAll(CAT_TEMPLATE)) {
        const name = basenameOf(m[3] ?? '')
        const splitsLines = /\btr\b[^|]*\\n/.test(m[2] ?? '')
        out.set(name, [...(out.get(name) ?? []), { template: m[1] ?? '', script, line: start, splitsLines }])
      }
    }
  }
  return out
}

interface Replayable extends SedWrite {
  readonly script: string
}

/** The sed writes of the tag's bootstrap and release scripts: by the name of the file written, and those whose name a variable gives. */
async function replayableSeds(view: TreeView): Promise<{ byName: Map<string, Replayable[]>; anyName: Replayable[] }> {
  const byName = new Map<string, Replayable[]>()
  const anyName: Replayable[] = []
  for (const { path: script, text } of await releaseScripts(view)) {
    for (const write of sedWrites(text)) {
      const replayable: Replayable = { ...write, script }
      if (write.output.path === undefined) anyName.push(replayable)
      else {
        const name = basenameOf(write.output.path)
        byName.set(name, [...(byName.get(name) ?? []), replayable])
      }
    }
  }
  return { byName, anyName }
}

/** At most this many files beside a written file are tried as the template a variable names. */
const MAX_SIBLING_TEMPLATES = 8

/** The tag's files by directory, in the tag's order: read once per tree, not once per file asked about. */
const sourcePathsByDirectory = perTree((view: TreeView): ReadonlyMap<string, readonly string[]> => {
  const byDirectory = new Map<string, string[]>()
  for (const p of view.sourcePaths()) {
    const dir = dirnameOf(p)
    const paths = byDirectory.get(dir)
    if (paths) paths.push(p)
    else byDirectory.set(dir, [p])
  }
  return byDirectory
})

/** Files of the tag beside `path` with the same stem (`Makefile.ng` for `Makefile.am`): where a template a variable names may be. */
function sameStemSiblings(path: string, view: TreeView): string[] {
  const stem = basenameOf(path).split('.')[0] ?? ''
  const out: string[] = []
  for (const p of sourcePathsByDirectory(view).get(dirnameOf(path)) ?? []) {
    if (p !== path && basenameOf(p).startsWith(`${stem}.`)) out.push(p)
    if (out.length >= MAX_SIBLING_TEMPLATES) break
  }
  return out
}

/** Where the template of a sed write may be: as named (beside the file, from the top, beside the script), or, when a variable names it, a sibling with the same stem. */
function templateCandidates(write: Replayable, path: string, siblings: () => string[]): string[] {
  const named = write.input.path
  if (named === undefined) return siblings()
  return [...new Set([joinPath(dirnameOf(path), basenameOf(named)), joinPath('', named), joinPath(dirnameOf(write.script), named)])]
}

/** `cp SRC $@`, `cp -p SRC TARGET`, `cat SRC > $@`: a recipe line that copies one file into the target */
const COPY_LINE = /^\s*[@-]*\s*(?:cp(?:\s+-[pf]+)?\s+(\S+)\s+(\S+)|cat\s+(\S+)\s*>\s*(\S+))\s*$/
/** what may follow the copy: making it executable */
const CHMOD_LINE = /^\s*[@-]*\s*chmod\s+[+\w,=]+\s+\S+\s*$/

/**
 * The files a make rule of the tag copies into this path, when its recipe does nothing else (a
 * chmod aside): each as a path of the tree, with where the rule is.
 */
async function copiedByRule(path: string, view: TreeView): Promise<{ from: string; at: string }[]> {
  const out: { from: string; at: string }[] = []
  for (const { entry } of (await makeIndexOf(view)).rulesFor(path)) {
    const lines = entry.rule.recipe.flatMap((l) => l.split(/\s*(?:&&|;)\s*/)).filter((l) => l.trim() !== '')
    const copy = lines.length > 0 && lines.slice(1).every((l) => CHMOD_LINE.test(l)) ? COPY_LINE.exec(lines[0] ?? '') : null
    if (!copy) continue
    const from = expandMake(copy[1] ?? copy[3] ?? '', entry.vars)
    const to = expandMake(copy[2] ?? copy[4] ?? '', entry.vars)
    if (to !== '$@' && !resolveWord(to, entry.bases).includes(path)) continue
    for (const source of resolveWord(from, entry.bases)) out.push({ from: source, at: `${entry.makefile}:${entry.rule.line}` })
  }
  return out
}

/** One `OUTPUT:TEMPLATE` of a configure script's `ac_config_files`, paths from the top of the tree. */
interface ConfigFilePair {
  readonly output: string
  readonly template: string
  readonly configure: string
  readonly line: number
}

/** `ac_config_files="$ac_config_files Makefile doc/$PACKAGE.spec:doc/spec.in"`, as autoconf writes it */
const CONFIG_FILES_LINE = /^ac_config_files="\$ac_config_files ([^"\n]*)"/gm
/** A real configure names tens of outputs; a hostile one is not read past this many, which every difference is matched against. */
const MAX_CONFIG_FILE_PAIRS = 2_000
/** a shell variable in an output's name: configure puts a package's name or version there */
const NAME_VARIABLE = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g

/**
 * The `OUTPUT:TEMPLATE` pairs of the configure scripts the artifact ships whose output names this
 * path; an output named through a variable matches any one path segment there.
 */
function configFilePairs(path: string, view: TreeView): ConfigFilePair[] {
  return configFilePairsOf(view).filter((pair) => pair.matches.test(path))
}

const configFilePairsOf = perTree((view: TreeView): (ConfigFilePair & { readonly matches: RegExp })[] => {
  const out: (ConfigFilePair & { readonly matches: RegExp })[] = []
  for (const configure of view.ruleContext().paths) {
    if (basenameOf(configure) !== 'configure') continue
    const text = view.artifactText(configure)
    if (text === undefined || !text.includes('ac_config_files=')) continue
    const dir = dirnameOf(configure)
    // line numbers counted as the matches come, so a script of many such lines is read once
    let line = 1
    let counted = 0
    for (const m of text.matchAll(CONFIG_FILES_LINE)) {
      for (let i = text.indexOf('\n', counted); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++
      counted = m.index
      for (const word of (m[1] ?? '').split(/\s+/)) {
        if (out.length >= MAX_CONFIG_FILE_PAIRS) return out
        const [output, template, ...more] = word.split(':')
        // a file made from several templates, or from a template named through a variable, is not one template filled in
        if (!output || !template || more.length > 0 || template.includes('$')) continue
        const pattern = output.split(NAME_VARIABLE).map(escapeRegExp).join('[^/]+')
        out.push({ output, template: joinPath(dir, template), configure, line, matches: new RegExp(`^${escapeRegExp(dir ? `${dir}/` : '')}${pattern}$`) })
      }
    }
  }
  return out
})

export function templateExplainer(): Explainer {
  const scriptedOf = perTree(sedTemplates)
  const replayableOf = perTree(replayableSeds)
  // text that is not UTF-8 (a Latin-1 script of an older project) is compared byte for byte, one character per byte
  const templateText = async (view: TreeView, path: string): Promise<string | undefined> =>
    (await view.sourceText(path)) ?? view.artifactText(path) ?? (await view.sourceBytes(path))?.toString('latin1') ?? view.artifactBytes(path)?.toString('latin1')
  return {
    name: 'template',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const text = addedFileText(difference, view) ?? (difference.status === 'only-in-artifact' && difference.artifact?.kind === 'file' ? view.artifactBytes(difference.path)?.toString('latin1') : undefined)
      if (text === undefined) return undefined
      const templatePath = `${difference.path}.in`
      const template = await templateText(view, templatePath)
      if (template !== undefined) {
        if (template === text) return explained(difference.path, 'generated', `written by configure from ${templatePath}, which has no placeholders: the same bytes`, true, false)
        if (fillsTemplate(template, text)) return explained(difference.path, 'generated', `written by configure from ${templatePath}: every line is the template's, with its @VARIABLES@ filled in`, false, true)
      }
      // an output configure names with its template (`doc/$PACKAGE.spec:doc/spec.in`), the name perhaps through a variable
      for (const pair of configFilePairs(difference.path, view)) {
        const named = await templateText(view, pair.template)
        if (named !== undefined && fillsTemplate(named, text))
          return explained(difference.path, 'generated', `written by configure from ${pair.template} (${pair.configure}:${pair.line} names it as the template of ${pair.output}): every line is the template's, with its @VARIABLES@ filled in`, false, true)
      }
      // a make rule that copies another file configure writes (`cp gcalltx/gcalltxp gcalltx/gcalltx.pl`)
      for (const copied of await copiedByRule(difference.path, view)) {
        const copiedTemplate = await templateText(view, `${copied.from}.in`)
        if (copiedTemplate !== undefined && fillsTemplate(copiedTemplate, text))
          return explained(difference.path, 'generated', `copied by the rule at ${copied.at} from ${copied.from}, which configure writes from ${copied.from}.in: every line is the template's, with its @VARIABLES@ filled in`, false, true)
      }
      // a script's sed is replayed on its template: the file it writes again, where the shell's values allow
      const seds = await replayableOf(view)
      let siblings: string[] | undefined
      const siblingsOnce = () => (siblings ??= sameStemSiblings(difference.path, view))
      for (const write of [...(seds.byName.get(basenameOf(difference.path)) ?? []), ...seds.anyName]) {
        for (const candidate of templateCandidates(write, difference.path, siblingsOnce)) {
          const filled = await templateText(view, candidate)
          if (filled === undefined || filled === text) continue
          const replayed = applySed(filled, write.substitutions)
          // a sed that changes nothing in the template says nothing about a file unlike it
          if (replayed === filled || !matchesReplay(replayed, text, (slot) => write.slotPattern(slot))) continue
          const exact = !replayed.includes('\u0000')
          return explained(
            difference.path,
            'generated',
            exact
              ? `written by ${write.script}:${write.line} from ${candidate}: its sed only substitutes, and replaying it gives the same bytes`
              : `written by ${write.script}:${write.line} from ${candidate}: its sed only substitutes, and replaying it gives every line, where the shell puts in a value one the script assigns or a plain value (a version, a date)`,
            exact,
            !exact,
          )
        }
      }
      // a bootstrap script's sed names the template relative to where it runs: beside the file, or from the top
      for (const written of (await scriptedOf(view)).get(basenameOf(difference.path)) ?? []) {
        for (const candidate of new Set([joinPath(dirnameOf(difference.path), basenameOf(written.template)), joinPath('', written.template)])) {
          // a template the release ships (one of a submodule, say) is judged on its own like every file
          const filled = await templateText(view, candidate)
          if (filled === undefined) continue
          if (!fillsTemplate(filled, text, { listLines: written.splitsLines })) continue
          return explained(difference.path, 'generated', `written by ${written.script}:${written.line} from ${candidate}: every line is the template's, with its @VARIABLES@ filled in${written.splitsLines ? ' (a list of names where one stands alone)' : ''}`, false, true)
        }
      }
      return undefined
    },
  }
}
