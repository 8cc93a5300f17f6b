import { decoderKind, isCarver, isEval, isShellSink, isTr, program } from './commands.js'
import type { Command, Pipeline } from './lex.js'
import { isCharacterSwap } from './tr.js'

/** tr SET1 SET2 that swaps characters among themselves. */
export function trSwap(cmd: Command): boolean {
  if (!isTr(cmd)) return false
  const { args } = program(cmd)
  if (args.some((a) => /^-[a-zA-Z]*[ds]/.test(a))) return false
  const sets = args.filter((a) => !/^-/.test(a))
  return sets.length === 2 && isCharacterSwap(sets[0] ?? '', sets[1] ?? '')
}

/** sed whose script does nothing but copy its input: a cat in disguise. */
export function sedAsCat(cmd: Command): boolean {
  const { name, args } = program(cmd)
  if (name !== 'sed') return false
  const quiet = args.some((a) => /^-[a-zA-Z]*n/.test(a))
  const scripts: string[] = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-e' || args[i] === '--expression') scripts.push(args[++i] ?? '')
  }
  if (scripts.length === 0) {
    const first = args.find((a) => !a.startsWith('-'))
    if (first === undefined) return false
    scripts.push(first)
  }
  // an empty script counts only when written as '' or "": an unclosed quote is a multi-line script
  const explicitEmpty = /\bsed\s+(?:-\w+\s+)*(?:''|"")/.test(cmd.raw)
  return scripts.every((s) => (s === '' && explicitEmpty) || /^\s*r\s*(\\n)?\s*$/.test(s) || (quiet && /^\s*p\s*$/.test(s)))
}

export interface PipelineFacts {
  readonly sinkIndex: number
  readonly decoders: readonly string[]
  readonly carvers: number
  readonly swaps: number
  readonly disguisedCats: number
  readonly evals: number
}

/** What a pipeline does: which commands decode, carve, swap or execute, and where the shell sits. */
export function pipelineFacts(p: Pipeline): PipelineFacts {
  const cmds = p.commands
  return {
    sinkIndex: cmds.findIndex((c, i) => i > 0 && isShellSink(c)),
    decoders: cmds.map(decoderKind).filter((d): d is string => d !== undefined),
    carvers: cmds.filter(isCarver).length,
    swaps: cmds.filter(trSwap).length,
    disguisedCats: cmds.filter(sedAsCat).length,
    evals: cmds.filter(isEval).length,
  }
}

export const transforms = (f: PipelineFacts): number => f.decoders.length + f.carvers + f.swaps + f.disguisedCats
