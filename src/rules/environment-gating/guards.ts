/** @fileoverview Conditions and the code they guard: if/case/while, `a && b`, `cond || exit`, AS_IF, cmake/make blocks. */
import type { Command, CommandList, Pipeline, Word } from '../shell/ast.js'
import { allCommands, type PipelineSite } from '../shell/walk.js'
import { program } from '../shell/words.js'

export interface Guard {
  readonly line: number
  /** commands that decide */
  readonly condition: readonly Command[]
  /** extra words of the condition: case subjects and patterns */
  readonly words: readonly Word[]
  /** every command that runs only when the condition says so, nested ones included (listed on first use: most conditions name no marker) */
  readonly guarded: readonly Command[]
}

/** A guard whose guarded commands are collected only when asked for: collecting them for every compound grows with the nesting depth. */
function guard(line: number, condition: readonly Command[], words: readonly Word[], lists: () => readonly CommandList[]): Guard {
  let guarded: readonly Command[] | undefined
  return {
    line,
    condition,
    words,
    get guarded() {
      return (guarded ??= commandsOf(lists()))
    },
  }
}

/** m4 macros whose first argument is a condition and whose other arguments are code. */
const CONDITIONAL_MACROS = /^(?:AS_IF|AS_CASE|AM_COND_IF|AC_CACHE_CHECK|m4_if|m4_ifval|m4_ifset|m4_case)$/

/**
 * config.status choosing what to do for each output configure names (`case $ac_config_target in
 * "foo.spec") CONFIG_FILES=…`): its patterns are file names, and it asks nothing of the environment.
 */
const OUTPUT_DISPATCH = /^\$\{?(?:ac_config_target|ac_file|ac_tag)\}?$/

const commandsOf = (lists: readonly CommandList[]): Command[] => lists.flatMap((l) => allCommands(l))

/**
 * The commands that decide an and-or chain, and what their words run, but not the text of a
 * here-document they write (`cat >>$CONFIG_STATUS <<_ACEOF || ac_write_fail=1` asks only whether the
 * write worked; the code it writes does not run here).
 */
const deciding = (pipelines: readonly Pipeline[]): Command[] => allCommands({ pipelines }, (origin) => origin !== 'heredoc')

/** Every guard in a lexed file. */
export function guardsOf(commands: readonly Command[], sites: readonly PipelineSite[]): Guard[] {
  const out: Guard[] = []
  for (const cmd of commands) {
    const c = cmd.compound
    if (!c) continue
    if (c.kind === 'case') {
      if (OUTPUT_DISPATCH.test(c.words[0]?.text ?? '')) continue
      out.push(guard(cmd.line, c.words.flatMap((w) => w.nested.flatMap((n) => allCommands(n.list))), c.words, () => c.parts))
      continue
    }
    const head = c.parts[0]
    if (!head) continue
    if (c.kind === 'if' || c.kind === 'while' || c.kind === 'until' || c.kind === 'block' || (c.kind === 'macro' && CONDITIONAL_MACROS.test(c.name))) {
      out.push(guard(cmd.line, allCommands(head), [], () => c.parts.slice(1)))
    }
  }
  // `test … && cmd`, `test … || cmd`, and `test … || exit 0` followed by the rest of the list
  for (const site of sites) {
    const pipelines = site.list.pipelines
    const p = site.pipeline
    const next = pipelines[site.index + 1]
    if (!next || (next.connector !== '&&' && next.connector !== '||')) continue
    if (p.connector === '&&' || p.connector === '||') continue // only from the start of an and-or chain
    let k = site.index + 1
    while (k < pipelines.length && (pipelines[k]?.connector === '&&' || pipelines[k]?.connector === '||')) k++
    const chain = pipelines.slice(site.index, k)
    const last = chain[chain.length - 1]
    const only = last?.commands.length === 1 ? last.commands[0] : undefined
    const exits = only !== undefined && /^(?:exit|return)$/.test(program(only).name)
    const decides = exits ? chain.slice(0, -1) : chain.slice(0, 1)
    const guarded = exits ? pipelines.slice(k) : chain.slice(1)
    out.push(guard(p.line, deciding(decides), [], () => [{ pipelines: guarded }]))
  }
  return out
}
