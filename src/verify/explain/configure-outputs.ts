/**
 * @fileoverview Files that configure writes and that a release nevertheless ships (a header made by
 * `AX_CREATE_STDINT_H`, an `AC_CONFIG_FILES` output without placeholders, a header configure.ac's
 * own shell code assembles with `cp` and `>`, a link it makes with `ln -s`): explained when the
 * tag's configure.ac names the file as a macro's output or replaces it with a command, because
 * configure writes it again when the user builds. An append (`>>`) replaces nothing and explains
 * nothing. A file the tag holds too is explained only as a copy configure makes of one of its
 * outputs (`cp -f src/version.h win32/`), shipped with that output's bytes. The shipped copy of a
 * file is still scanned.
 */
import { basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { perTree } from './per-tree.js'
import { explained, textForWords, type Explainer, type Judgement, type TreeView } from './types.js'

/** autoconf's input, by its name now and before */
export const CONFIGURE_INPUTS = ['configure.ac', 'configure.in']
const MACRO_CALL = /\b(A[CMX]_[A-Z0-9_]+|LT_[A-Z0-9_]+|PKG_[A-Z0-9_]+|GTK_DOC_[A-Z0-9_]+)\(/g
const MAX_ARGUMENT = 8 * 1024
/** macros whose first argument names files configure writes; a message or a check names a file it only mentions or reads */
const OUTPUT_MACRO = /^(?:AC_CONFIG_(?:FILES|HEADERS?|LINKS|COMMANDS)|AC_OUTPUT|AM_CONFIG_HEADER|A[CMX]_[A-Z0-9_]*(?:CREATE|PREFIX|GENERATE|WRITE|OUTPUT|NEED_STDINT|NEED_BYTEORDER)[A-Z0-9_]*|LT_OUTPUT|GTK_DOC_[A-Z0-9_]*)$/
/** macros that write a file they do not name: libtool's initialisation writes the `libtool` script */
const IMPLIED_OUTPUTS: ReadonlyArray<readonly [RegExp, string]> = [[/^[ \t]*(LT_INIT|AC_PROG_LIBTOOL|AM_PROG_LIBTOOL)\b/m, 'libtool']]

/** The first argument of a macro call starting at `open` (the index of its `(`), brackets balanced. */
function firstArgument(text: string, open: number): string {
  let depth = 0
  for (let i = open + 1; i < Math.min(text.length, open + MAX_ARGUMENT); i++) {
    const c = text[i]
    if (c === '[' || c === '(') depth++
    else if ((c === ']' || c === ')') && depth > 0) depth--
    else if ((c === ',' || c === ')') && depth === 0) return text.slice(open + 1, i)
  }
  return ''
}

/** The outputs a macro argument names: `[Makefile src/Makefile foo.h:foo.hin]` → Makefile, src/Makefile, foo.h */
const outputsOf = (argument: string): string[] =>
  argument
    .replace(/[[\]]/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '' && !w.includes('$'))
    .map((w) => w.split(':')[0] ?? w)

/** The calls of the macros `macro` names in `text`: each macro's name, where its `(` is, and its first argument. */
function macroCalls(text: string, macro: RegExp): { name: string; open: number; argument: string }[] {
  const calls: { name: string; open: number; argument: string }[] = []
  for (const m of text.matchAll(MACRO_CALL)) {
    const name = m[1] ?? ''
    if (!macro.test(name)) continue
    const open = (m.index ?? 0) + (m[0]?.length ?? 1) - 1
    calls.push({ name, open, argument: firstArgument(text, open) })
  }
  return calls
}

/** the macros whose first argument lists the files configure makes from templates */
const FILES_MACRO = /^(?:AC_CONFIG_FILES|AC_OUTPUT)$/

/**
 * The files a configure.ac names as `AC_CONFIG_FILES` or `AC_OUTPUT` outputs (`src/Makefile`),
 * those named through a variable or a macro's argument left out.
 */
export const configFilesNamed = (text: string): string[] => macroCalls(text, FILES_MACRO).flatMap((call) => outputsOf(call.argument))

/** the macros that name the configuration headers configure writes */
const HEADER_MACRO = /^(?:AC_CONFIG_HEADERS?|AM_CONFIG_HEADER)$/

export interface NamedHeaders {
  readonly headers: readonly string[]
  /** some header is named through a variable or a macro's argument (`AC_CONFIG_HEADERS([$CONFIG_H])`), which only running says */
  readonly unread: boolean
}

/**
 * The configuration headers a configure.ac or a macro file names (`AC_CONFIG_HEADERS([lib/config.h:lib/config.hin])`
 * → lib/config.h), as it writes them: a prefix a macro pastes on (`prefix[include/config.h]`) stays apart.
 */
export function configHeadersNamed(text: string): NamedHeaders {
  const calls = macroCalls(text, HEADER_MACRO)
  return { headers: calls.flatMap((call) => outputsOf(call.argument)), unread: calls.some((call) => /[$`]/.test(call.argument)) }
}

export interface ConfigureInput {
  /** the directory of the package it configures: `$(top_builddir)` of the Makefiles below it */
  readonly dir: string
  readonly text: string
}

/**
 * The configure.ac of the package a file belongs to: the nearest one in the file's directory or
 * above, in the release or else the tag, under the first of `names` that either has there.
 */
export async function configureInputOf(path: string, view: TreeView, names: readonly string[] = CONFIGURE_INPUTS): Promise<ConfigureInput | undefined> {
  const unique = [...new Set(names)]
  for (let dir = dirnameOf(path); ; dir = dirnameOf(dir)) {
    for (const name of unique) {
      const text = await textForWords(view, joinPath(dir, name))
      if (text !== undefined) return { dir, text }
    }
    if (dir === '') return undefined
  }
}

interface ShellWrite {
  /** the file written, or the directory a copy goes into (see {@link writes}) */
  readonly path: string
  readonly line: number
  readonly text: string
  /** what `ln -s` points the path to */
  readonly linkTarget?: string
  /** what `cp`, `mv` or `install` copies, as a path below the build directory */
  readonly from?: string
}

/** where a command starts in configure.ac's shell code */
const AT_COMMAND = String.raw`(?:^|[;&|({]|\b(?:then|do|else)\s)\s*`
const REPLACING_COMMAND = new RegExp(`${AT_COMMAND}(cp|mv|ln|install)((?:\\s+-[\\w-]+)*)\\s+(\\S+)\\s+(\\S+?)\\s*(?=$|[;&|)])`, 'g')
// `>` truncates; `>>`, `2>` and `>&2` do not write a file from scratch
const TRUNCATING_REDIRECT = /(?<![>&0-9<])>(?![>&])\s*([^\s;&|)]+)/g

const DIRECTORY_VARIABLES = ['srcdir', 'ac_srcdir', 'top_srcdir', 'builddir', 'top_builddir', 'ac_pwd']
/** `crd="\`pwd\`"`: a variable of configure.ac's own that holds the directory configure runs in */
const HOLDS_PWD = /^[ \t]*([A-Za-z_]\w*)=(["']?)(?:`pwd`|\$\(pwd\))\2[ \t]*(?:$|[;#])/gm

/** A word of configure.ac as a path below the build directory; undefined while it holds another variable. */
function configurePath(word: string, directories: readonly string[]): string | undefined {
  const prefix = new RegExp(`^(?:\\$\\{?(?:${directories.join('|')})\\}?\\/|\\.\\/)+`)
  const bare = word.replace(/["']/g, '').replace(prefix, '')
  return bare === '' || bare.includes('$') || bare.includes('`') || bare.startsWith('/') || bare.startsWith('-') ? undefined : bare
}

/** The paths configure.ac's own shell commands replace: `cp X P`, `mv X P`, `ln -s X P`, `… > P`. */
export function shellWrites(text: string): ShellWrite[] {
  const directories = [...DIRECTORY_VARIABLES, ...[...text.matchAll(HOLDS_PWD)].map((m) => m[1] ?? '')]
  const configurePathOf = (word: string): string | undefined => configurePath(word, directories)
  const out: ShellWrite[] = []
  text.split('\n').forEach((raw, i) => {
    if (/^\s*(?:dnl\b|#)/.test(raw)) return
    const line = raw.replace(/\s(?:dnl|#)\s.*$/, '')
    for (const m of line.matchAll(REPLACING_COMMAND)) {
      const [, command, flags = '', from = '', to = ''] = m
      const path = configurePathOf(to)
      if (!path) continue
      const symbolic = command === 'ln' && /-\w*s/.test(flags)
      if (command === 'ln' && !symbolic) continue
      const source = symbolic ? undefined : configurePathOf(from)
      out.push({ path, line: i + 1, text: raw.trim(), ...(symbolic ? { linkTarget: from.replace(/["']/g, '') } : {}), ...(source ? { from: source } : {}) })
    }
    for (const m of line.matchAll(TRUNCATING_REDIRECT)) {
      const path = configurePathOf(m[1] ?? '')
      if (path) out.push({ path, line: i + 1, text: raw.trim() })
    }
  })
  return out
}

/** Whether a command of configure.ac writes this path: as its destination, or as a copy into the directory it names. */
const writes = (w: ShellWrite, rel: string): boolean => w.path === rel || (w.from !== undefined && joinPath(w.path, basenameOf(w.from)) === rel)

/**
 * A file the tag holds that configure overwrites with a copy of one of its own outputs: the release
 * shipped the copy a maintainer's configure made, and it is explained when its bytes are those of
 * the output the release ships (which the template check judges on its own).
 */
function copiedOutput(difference: Difference, view: TreeView, input: string, text: string, found: readonly ShellWrite[]): Judgement | undefined {
  const bytes = view.artifactBytes(difference.path)
  if (difference.artifact?.kind !== 'file' || bytes === undefined) return undefined
  const dir = dirnameOf(input)
  const rel = dir ? difference.path.slice(dir.length + 1) : difference.path
  const outputs = new Set([...configFilesNamed(text), ...configHeadersNamed(text).headers])
  for (const w of found) {
    if (w.from === undefined || w.linkTarget !== undefined || !outputs.has(w.from) || !writes(w, rel)) continue
    const from = joinPath(dir, w.from)
    if (!view.artifactBytes(from)?.equals(bytes)) continue
    return explained(difference.path, 'generated', `copied by configure from its output ${from}: ${input}:${w.line} \`${w.text.slice(0, 120)}\` replaces it when the user builds, and the release ships both with the same bytes; not regenerated`, false, true)
  }
  return undefined
}

export function configureOutputsExplainer(): Explainer {
  // configure.ac's commands are listed once per tree and input
  const writesOf = perTree(() => new Map<string, ShellWrite[]>())
  return {
    name: 'configure-outputs',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const kind = difference.artifact?.kind
      if ((difference.status !== 'only-in-artifact' && difference.status !== 'content-differs') || (kind !== 'file' && kind !== 'symlink')) return undefined
      for (const input of CONFIGURE_INPUTS) {
        const text = await view.sourceText(input)
        if (text === undefined) continue
        const rel = dirnameOf(input) ? difference.path.slice(dirnameOf(input).length + 1) : difference.path
        const byInput = writesOf(view)
        const found = byInput.get(input) ?? shellWrites(text)
        byInput.set(input, found)
        if (difference.status === 'content-differs') {
          const copied = copiedOutput(difference, view, input, text, found)
          if (copied) return copied
          continue
        }
        const written = found.find((w) => writes(w, rel) && (kind === 'file' ? w.linkTarget === undefined : w.linkTarget === difference.artifact?.linkTarget))
        if (written) {
          return explained(difference.path, 'generated', `written by configure: ${input}:${written.line} \`${written.text.slice(0, 120)}\` replaces it when the user builds; not regenerated`, false, kind === 'file')
        }
        if (kind !== 'file') continue
        for (const [macro, output] of IMPLIED_OUTPUTS) {
          const call = output === rel ? macro.exec(text) : null
          if (!call) continue
          const line = text.slice(0, call.index).split('\n').length
          return explained(difference.path, 'generated', `written by configure: ${input}:${line} calls ${call[1]}, which writes ${rel}, so configure replaces the shipped copy; not regenerated`, false, true)
        }
        const call = macroCalls(text, OUTPUT_MACRO).find((c) => outputsOf(c.argument).includes(rel))
        if (call) {
          const line = text.slice(0, call.open).split('\n').length
          return explained(difference.path, 'generated', `written by configure: ${input}:${line} names it as the output of ${call.name}, so configure replaces the shipped copy; not regenerated`, false, true)
        }
      }
      return undefined
    },
  }
}
