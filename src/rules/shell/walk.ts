/** @fileoverview Visiting every pipeline and command of a lexed text, nested ones included. */
import type { Command, CommandList, NestedKind, Pipeline } from './ast.js'

export type Origin = 'top' | 'compound' | NestedKind

export interface PipelineSite {
  readonly pipeline: Pipeline
  readonly list: CommandList
  readonly index: number
  readonly origin: Origin
}

export interface InnerList {
  readonly origin: Origin
  readonly list: CommandList
}

const NO_LISTS: readonly InnerList[] = []

/** No compound, substitution, code string or here-document: most commands of a file. */
function isFlat(cmd: Command): boolean {
  if (cmd.compound || cmd.heredocs.length > 0) return false
  for (const w of cmd.words) if (w.nested.length > 0) return false
  for (const r of cmd.redirects) if (r.target && r.target.nested.length > 0) return false
  return true
}

/** The lists directly inside a command: compound parts, substitutions, code strings, here-documents. */
export function innerLists(cmd: Command): readonly InnerList[] {
  const known = cmd.memo.inner
  if (known) return known
  // walks start once the text is lexed, when nothing is added to a command any more
  if (isFlat(cmd)) return (cmd.memo.inner = NO_LISTS)
  const out: InnerList[] = []
  if (cmd.compound) {
    for (const part of cmd.compound.parts) out.push({ origin: 'compound', list: part })
    for (const w of cmd.compound.words) for (const n of w.nested) out.push({ origin: n.kind, list: n.list })
  }
  for (const w of cmd.words) for (const n of w.nested) out.push({ origin: n.kind, list: n.list })
  for (const r of cmd.redirects) for (const n of r.target?.nested ?? []) out.push({ origin: n.kind, list: n.list })
  for (const n of cmd.heredocs) out.push({ origin: n.kind, list: n.list })
  cmd.memo.inner = out
  return out
}

/** Every pipeline, outer ones before the ones nested in them. */
export function allPipelines(list: CommandList, origin: Origin = 'top'): PipelineSite[] {
  const out: PipelineSite[] = []
  const visit = (l: CommandList, o: Origin) => {
    for (let index = 0; index < l.pipelines.length; index++) {
      const pipeline = l.pipelines[index] as Pipeline
      out.push({ pipeline, list: l, index, origin: o })
      for (const cmd of pipeline.commands) for (const inner of innerLists(cmd)) visit(inner.list, inner.origin)
    }
  }
  visit(list, origin)
  return out
}

const everyOrigin = (): boolean => true

/** Every command, depth first; only into the nested code `follows` allows, when given. */
export function allCommands(list: CommandList, follows: (origin: Origin) => boolean = everyOrigin): Command[] {
  const out: Command[] = []
  const visit = (l: CommandList) => {
    for (const p of l.pipelines) {
      for (const cmd of p.commands) {
        out.push(cmd)
        for (const inner of innerLists(cmd)) if (follows(inner.origin)) visit(inner.list)
      }
    }
  }
  visit(list)
  return out
}

const heredocTexts = new WeakMap<CommandList, ReadonlySet<Command>>()

/**
 * Commands written inside a here-document that is only text (`cat <<\_ACEOF` of configure's
 * --help), however they look. What a substitution inside one runs is not among them: an unquoted
 * here-document runs it. `keepsCode` tells which commands' here-documents may be code.
 */
export function heredocText(list: CommandList, keepsCode: (cmd: Command) => boolean): ReadonlySet<Command> {
  const known = heredocTexts.get(list)
  if (known) return known
  const text = new Set<Command>()
  const markText = (l: CommandList) => {
    for (const p of l.pipelines) {
      for (const cmd of p.commands) {
        text.add(cmd)
        for (const part of cmd.compound?.parts ?? []) markText(part)
        for (const n of cmd.heredocs) markText(n.list)
      }
    }
  }
  for (const cmd of allCommands(list)) {
    if (cmd.heredocs.length > 0 && !text.has(cmd) && !keepsCode(cmd)) for (const n of cmd.heredocs) markText(n.list)
  }
  heredocTexts.set(list, text)
  return text
}
