/**
 * @fileoverview Files that name the program of the tag that writes them (`WARNING: THIS FILE IS
 * GENERATED FROM generator/generator`), explained when that program's sources in the tag write
 * the file by its path (`output_to "lib/api.c" …`): made by the project's own generator, which is
 * not run, so not reproduced. The file is still scanned by the rules.
 */
import { dirnameOf, joinPath } from '../../util/paths.js'
import { escapeRegExp } from '../../util/regexp.js'
import type { Difference } from '../compare.js'
import { addedFileText, explained, type Explainer, type Judgement, type TreeView } from './types.js'

/** where the header says the file is generated: within the first lines */
const HEAD_CHARS = 2048
const GENERATED = /\bGENERATED\b|\b[Gg]enerated\s+(?:from|by)\b/
/** the header's words after that, where it names what generates the file (`FROM THE FOLLOWING FILES: generator/x.ml and from the code in the generator/ subdirectory`) */
const DECLARATION_CHARS = 300
const PATH = /(?:\.{1,2}\/)*(?:[\w.+-]+\/)+[\w.+-]*/g
/** the sources of a generator read, at most */
const MAX_SOURCES = 200
const MAX_SOURCE_CHARS = 4 * 1024 * 1024

/** The generators a header names, as paths of the tag (from the top, or from the file's directory), each with the files it is built from. */
function declaredGenerators(path: string, text: string, view: TreeView): { generator: string; sources: string[] }[] {
  const head = text.slice(0, HEAD_CHARS)
  const said = GENERATED.exec(head)
  if (said === null) return []
  const out: { generator: string; sources: string[] }[] = []
  for (const [written] of head.slice(said.index, said.index + DECLARATION_CHARS).matchAll(PATH)) {
    const named = written.replace(/\/+$/, '')
    for (const generator of new Set([joinPath('', named), joinPath(dirnameOf(path), named)])) {
      if (generator === '' || generator === '..' || generator.startsWith('../')) continue
      const sources = sourcesOf(generator, view)
      if (sources.length > 0) {
        out.push({ generator, sources })
        break
      }
    }
  }
  return out
}

/** The tag's files a generator is built from: the program itself, the files beside where it is built, or the files of the directory named. */
function sourcesOf(generator: string, view: TreeView): string[] {
  if (view.sourceHas(generator)) return [generator]
  const out: string[] = []
  const within = (dir: string): void => {
    for (const p of view.sourcePaths()) if (dirnameOf(p) === dir && out.length < MAX_SOURCES) out.push(p)
  }
  within(generator)
  if (out.length === 0 && dirnameOf(generator) !== '') within(dirnameOf(generator))
  return out
}

/** Does one of the generator's sources name the file by its path, as a quoted string? */
async function writesPath(sources: readonly string[], path: string, view: TreeView): Promise<boolean> {
  const quoted = new RegExp(`["']${escapeRegExp(path)}["']`)
  for (const source of sources) {
    const text = await view.sourceText(source)
    if (text !== undefined && text.length <= MAX_SOURCE_CHARS && quoted.test(text)) return true
  }
  return false
}

export function declaredGeneratorExplainer(): Explainer {
  return {
    name: 'declared-generator',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const text = addedFileText(difference, view)
      if (text === undefined) return undefined
      let declared: { generator: string } | undefined
      for (const named of declaredGenerators(difference.path, text, view)) {
        if (await writesPath(named.sources, difference.path, view)) {
          declared = named
          break
        }
      }
      if (declared === undefined) return undefined
      return explained(difference.path, 'generated', `written by ${declared.generator} of the tag, as its header says and its sources confirm (they write "${difference.path}"); not regenerated`, false, true)
    },
  }
}
