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

/** where the header names its generator: within the first lines, after comment leaders */
const HEAD_CHARS = 2048
const DECLARATION = /\b(?:GENERATED|[Gg]enerated)\s+(?:FROM|BY|from|by)\s*:?[\s*#/;!-]*((?:[\w.+-]+\/)*[\w.+-]+)/
/** the sources of a generator read, at most */
const MAX_SOURCES = 200
const MAX_SOURCE_CHARS = 4 * 1024 * 1024

/** The generator a header names, as a path of the tag (from the top, or from the file's directory), with the files it is built from. */
function declaredGenerator(path: string, text: string, view: TreeView): { generator: string; sources: string[] } | undefined {
  const named = DECLARATION.exec(text.slice(0, HEAD_CHARS))?.[1]
  if (named === undefined || !named.includes('/')) return undefined
  for (const generator of [joinPath('', named), joinPath(dirnameOf(path), named)]) {
    if (generator === '..' || generator.startsWith('../')) continue
    const sources = sourcesOf(generator, view)
    if (sources.length > 0) return { generator, sources }
  }
  return undefined
}

/** The tag's files a generator is built from: the program itself, or the files beside where it is built. */
function sourcesOf(generator: string, view: TreeView): string[] {
  if (view.sourceHas(generator)) return [generator]
  const dir = dirnameOf(generator)
  if (dir === '') return []
  const out: string[] = []
  for (const p of view.sourcePaths()) if (dirnameOf(p) === dir && out.length < MAX_SOURCES) out.push(p)
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
      const declared = declaredGenerator(difference.path, text, view)
      if (declared === undefined || !(await writesPath(declared.sources, difference.path, view))) return undefined
      return explained(difference.path, 'generated', `written by ${declared.generator} of the tag, as its header says and its sources confirm (they write "${difference.path}"); not regenerated`, false, true)
    },
  }
}
