/**
 * @fileoverview Files copied out of a submodule into the release (gnulib-tool's lib/, m4/ and
 * tests, a bundled library's headers): explained when the file's bytes are a file of the
 * submodule's tree at the commit the tag pins, under the same name, or are such a file with only
 * the changes the copying tools are known to make: gnulib-tool turns `#ifdef HAVE_CONFIG_H` into
 * `#if 1` when the project always has a config.h, moves license notices to the project's license,
 * and applies the patches of the tag's local directory (`gl/lib/x.c.diff`); gnulib's bootstrap
 * marks a file it copies rather than links with two comment lines at the top.
 */
import { applyPatch } from 'diff'
import { gitBlobId } from '../../sources/archive/index.js'
import { readBlob } from '../../sources/git/index.js'
import { StagelightError } from '../../errors.js'
import { basenameOf, joinPath } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import type { SubmoduleTree } from '../submodules.js'
import { bootstrapScripts, perTree } from './per-tree.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

/** where the submodule's file is, under the same name as the release's: a copy, not a rename */
export function copiedFrom(path: string, gitBlob: string, submodules: readonly SubmoduleTree[]): { submodule: SubmoduleTree; path: string } | undefined {
  const name = basenameOf(path)
  for (const submodule of submodules) {
    const match = submodule.byBlob.get(gitBlob)?.find((p) => basenameOf(p) === name)
    if (match) return { submodule, path: match }
  }
  return undefined
}

type Substitution = readonly [RegExp, string]
const apply = (line: string, script: readonly Substitution[]): string => script.reduce((l, [from, to]) => l.replace(from, to), line)

/** gnulib-tool's license update of a copied file (gnulib-tool, `sed_transform_*_lib_file`): to the GPL, or with --lgpl to the LGPL 3 or 2.1 */
const TO_GPL: readonly Substitution[] = [
  [/GNU Lesser General/g, 'GNU General'],
  [/Lesser General Public License/g, 'General Public License'],
  [/GNU Library General/g, 'GNU General'],
  [/Library General Public License/g, 'General Public License'],
  [/version 2(?:\.1)?([ ,])/g, 'version 3$1'],
]
const TO_LGPL: readonly Substitution[] = [
  [/GNU General/g, 'GNU Lesser General'],
  [/General Public License/g, 'Lesser General Public License'],
  [/Lesser Lesser General Public License/g, 'Lesser General Public License'],
]
const TO_LGPL2: readonly Substitution[] = [...TO_LGPL, [/version [23]([ ,])/g, 'version 2.1$1']]

/** line rewrites a copying tool makes: what the copy may hold instead of the submodule's line */
const COPY_REWRITES: readonly { readonly rewrite: (line: string) => readonly string[]; readonly tool: string }[] = [
  { rewrite: (line) => (/^#ifdef[\t ]*HAVE_CONFIG_H[\t ]*$/.test(line) ? ['#if 1'] : []), tool: 'gnulib-tool' },
  { rewrite: (line) => (/General Public License|General|version 2/.test(line) ? [TO_GPL, TO_LGPL, TO_LGPL2].map((script) => apply(line, script)) : []), tool: 'gnulib-tool' },
]

/** The number of lines rewritten when `copy` is `original` with only known rewrites; undefined otherwise. */
export function rewrittenCopy(original: string, copy: string): { lines: number; tool: string } | undefined {
  const a = original.split('\n')
  const b = copy.split('\n')
  if (a.length !== b.length) return undefined
  let lines = 0
  let tool = ''
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue
    const rewrite = COPY_REWRITES.find((r) => r.rewrite(a[i] ?? '').includes(b[i] ?? ''))
    if (!rewrite) return undefined
    lines += 1
    tool = rewrite.tool
  }
  return lines > 0 ? { lines, tool } : undefined
}

/** The comment syntax gnulib's bootstrap marks a copied file with (`cp_mark_as_generated`), by the file's name. */
const MARK_STYLES: readonly (readonly [RegExp, string, string])[] = [
  [/\.[ch]$/, '/* ', ' */'],
  [/\.texi$/, '@c ', ''],
  [/(?:\.m4|(?:^|\/)Make[^/]*)$/, '# ', ''],
]

/**
 * The bytes after the two lines gnulib's bootstrap writes at the top of a file it copies instead
 * of linking (`-*- buffer-read-only: t -*- vi: set ro:`, `DO NOT EDIT! GENERATED AUTOMATICALLY!`);
 * undefined when the file does not begin with them.
 */
export function withoutCopyMarks(path: string, bytes: Buffer): Buffer | undefined {
  const style = MARK_STYLES.find(([name]) => name.test(path))
  if (!style) return undefined
  const [, open, close] = style
  const marks = `${open}-*- buffer-read-only: t -*- vi: set ro:${close}\n${open}DO NOT EDIT! GENERATED AUTOMATICALLY!${close}\n`
  return bytes.subarray(0, marks.length).toString('latin1') === marks ? bytes.subarray(marks.length) : undefined
}

/** `local_gl_dir=gl-local` in bootstrap.conf, `gl_LOCAL_DIR([gl])` in gnulib-cache.m4 */
const LOCAL_DIR_SETTINGS = [/^\s*local_gl_dir=["']?([\w./-]+?)["']?\s*$/m, /^\s*gl_LOCAL_DIR\(\[([\w./-]+)\]\)/m]

/** `gnulib-tool --local-dir=gnulib-local` in a bootstrap script */
const LOCAL_DIR_OPTION = /--local-dir[= ]["']?([\w./-]+?)["']?(?=[\s;\\]|$)/gm

/**
 * The directories of the tag gnulib-tool takes local changes from: those its configuration or a
 * bootstrap script's gnulib-tool command names, and bootstrap's default `gl`.
 */
const localDirectories = perTree(async (view: TreeView): Promise<readonly string[]> => {
  const dirs = new Set(['gl'])
  const add = (dir: string | undefined): void => {
    const clean = dir?.replace(/^\.\//, '').replace(/\/$/, '')
    if (clean && !clean.startsWith('/') && !clean.split('/').includes('..') && !clean.includes('$')) dirs.add(clean)
  }
  const settings = [...view.sourcePaths()].filter((p) => /(?:^|\/)(?:bootstrap\.conf|gnulib-cache\.m4)$/.test(p))
  for (const path of settings) {
    const text = (await view.sourceText(path)) ?? ''
    for (const setting of LOCAL_DIR_SETTINGS) add(setting.exec(text)?.[1])
    for (const m of text.matchAll(LOCAL_DIR_OPTION)) add(m[1])
  }
  for (const script of await bootstrapScripts(view)) for (const m of script.text.matchAll(LOCAL_DIR_OPTION)) add(m[1])
  return [...dirs]
})

/** The files of the tag's local directories (not patches), by name: gnulib-tool copies them in place of gnulib's. */
const localFiles = perTree(async (view: TreeView): Promise<ReadonlyMap<string, readonly string[]>> => {
  const dirs = await localDirectories(view)
  const byName = new Map<string, string[]>()
  for (const path of view.sourcePaths()) {
    if (path.endsWith('.diff') || !dirs.some((d) => path.startsWith(`${d}/`))) continue
    byName.set(basenameOf(path), [...(byName.get(basenameOf(path)) ?? []), path])
  }
  return byName
})

/** The tag's patch for a file of the submodule (`gl/lib/sh-quote.c.diff` for `lib/sh-quote.c`) and its path. */
async function localPatchFor(submodulePath: string, view: TreeView): Promise<{ path: string; text: string } | undefined> {
  for (const dir of await localDirectories(view)) {
    const path = joinPath(dir, `${submodulePath}.diff`)
    const text = view.sourceHas(path) ? await view.sourceText(path) : undefined
    if (text !== undefined) return { path, text }
  }
  return undefined
}

const HUNK_HEADER = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/
/** a line of a hunk: context, removed, added, or `\ No newline at end of file` */
const HUNK_LINE = /^[ +\\-]/
const FILE_HEADER = /^(?:---|\+\+\+) /

/**
 * The patch with each hunk's line counts taken from the lines it holds. GNU patch, which
 * gnulib-tool runs, applies a hunk that ends before its header says (a committed patch whose last
 * blank context line an editor stripped, as libidn2's `composition.c.diff`); the counts are read
 * from the lines, which still have to match the file.
 */
export function recounted(patch: string): string {
  const lines = patch.split('\n')
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const header = HUNK_HEADER.exec(lines[i] ?? '')
    if (!header) {
      out.push(lines[i] ?? '')
      continue
    }
    let removed = 0
    let added = 0
    for (let j = i + 1; j < lines.length && HUNK_LINE.test(lines[j] ?? '') && !FILE_HEADER.test(lines[j] ?? ''); j++) {
      const kind = (lines[j] ?? '')[0]
      if (kind !== '+') removed += kind === '\\' ? 0 : 1
      if (kind !== '-') added += kind === '\\' ? 0 : 1
    }
    out.push(`@@ -${header[1]},${removed} +${header[2]},${added} @@${header[3]}`)
  }
  return out.join('\n')
}

/** `original` with the patch applied, when it applies cleanly: as written, or with its hunks' counts read from their lines. */
export function patched(original: string, patch: string): string | undefined {
  for (const text of [patch, recounted(patch)]) {
    try {
      const result = applyPatch(original, text)
      if (result !== false) return result
    } catch {
      // a malformed patch is tried again recounted, then given up
    }
  }
  return undefined
}

const MARKED = "with the two comment lines gnulib's bootstrap marks a copied file with"

/** Could the text be a copy some rewrite changed: does it hold what one writes? */
const mayBeRewritten = (text: string): boolean => text.includes('#if 1') || /General Public License|version [23]\b/.test(text)

const MAX_CANDIDATES = 4

export function submoduleCopiesExplainer(submodules: readonly SubmoduleTree[]): Explainer {
  // the submodule's paths by file name, for copies that were rewritten on the way
  const byName = new Map<string, { submodule: SubmoduleTree; path: string; blob: string }[]>()
  for (const submodule of submodules) {
    for (const [path, blob] of submodule.files) {
      const name = basenameOf(path)
      byName.set(name, [...(byName.get(name) ?? []), { submodule, path, blob }])
    }
  }
  return {
    name: 'submodule-copies',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const artifact = difference.artifact
      if (submodules.length === 0 || difference.status !== 'only-in-artifact' || artifact?.kind !== 'file' || !artifact.gitBlob) return undefined
      const at = (submodule: SubmoduleTree, path: string): string => `${submodule.path}/${path} of the submodule at ${submodule.commit.slice(0, 12)}`
      const copy = copiedFrom(difference.path, artifact.gitBlob, submodules)
      if (copy) return explained(difference.path, 'vendored', `identical to ${at(copy.submodule, copy.path)} (${copy.submodule.spec})`, true)
      const bytes = view.artifactBytes(difference.path)
      const unmarked = bytes === undefined ? undefined : withoutCopyMarks(difference.path, bytes)
      const marked = unmarked === undefined ? undefined : copiedFrom(difference.path, gitBlobId(unmarked), submodules)
      if (marked) return explained(difference.path, 'vendored', `${at(marked.submodule, marked.path)} ${MARKED}`, true)
      // the file as shipped, and without the marks when it has them
      const texts: { text: string; marks: string }[] = []
      const shipped = view.artifactText(difference.path)
      if (shipped !== undefined) texts.push({ text: shipped, marks: '' })
      if (unmarked !== undefined) texts.push({ text: unmarked.toString('utf8'), marks: ` and ${MARKED}` })
      const name = basenameOf(difference.path)
      const fromSubmodules = byName.get(name) ?? []
      const fromLocal = (await localFiles(view)).get(name) ?? []
      if (texts.length === 0 || fromSubmodules.length + fromLocal.length > MAX_CANDIDATES) return undefined
      // gnulib's file, or the local directory's in its place, as the origin of the copy
      const origins: { where: string; patchFor?: string; read: () => Promise<Buffer | undefined> }[] = [
        ...fromSubmodules.map((c) => ({
          where: at(c.submodule, c.path),
          patchFor: c.path,
          read: () =>
            readBlob(c.submodule.repo, c.blob).catch((err: unknown) => {
              // a partial clone lists blobs it does not hold: that candidate cannot be compared, the others still can
              if (err instanceof StagelightError && err.code === 'E_INPUT_NOT_FOUND') return undefined
              throw err
            }),
        })),
        ...fromLocal.map((p) => ({ where: `the tag's ${p} (a gnulib-tool local directory)`, read: () => view.sourceBytes(p) })),
      ]
      for (const origin of origins) {
        const patch = origin.patchFor === undefined ? undefined : await localPatchFor(origin.patchFor, view)
        // a submodule's file is read only when something could have changed it on the way
        if (origin.patchFor !== undefined && patch === undefined && unmarked === undefined && !texts.some((t) => mayBeRewritten(t.text))) continue
        const original = await origin.read()
        if (original === undefined) continue
        const versions = [{ text: original.toString('utf8'), how: '' }]
        const applied = patch === undefined ? undefined : patched(original.toString('utf8'), patch.text)
        if (applied !== undefined && patch !== undefined) versions.push({ text: applied, how: ` with the tag's ${patch.path} applied, as gnulib-tool applies a local directory's patches` })
        for (const version of versions) {
          for (const { text, marks } of texts) {
            if (text === version.text) return explained(difference.path, 'vendored', `${origin.where}${version.how}${marks}`, true)
            const rewritten = rewrittenCopy(version.text, text)
            if (rewritten)
              return explained(
                difference.path,
                'vendored',
                `${origin.where}${version.how} as ${rewritten.tool} copies it (${rewritten.lines} line(s) rewritten the way it always does: the config.h guard, the license notice)${marks}`,
                true,
              )
          }
        }
      }
      return undefined
    },
  }
}
