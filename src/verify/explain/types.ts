import type { Finding } from '../../model/finding.js'
import type { Explained } from '../../model/report.js'
import type { Difference } from '../compare.js'
import type { TreeEntry } from '../../model/tree.js'
import type { RuleContext } from '../../rules/types.js'

/** The verdict of one explainer on one difference. */
export type Judgement =
  | { readonly outcome: 'explained'; readonly explained: Explained; readonly findings?: readonly Finding[]; readonly scan: boolean }
  | { readonly outcome: 'unexplained'; readonly findings: readonly Finding[]; readonly scan: boolean }

export interface TreeView {
  /** artifact text by path (for retained, valid UTF-8 files); undefined when unavailable */
  artifactText(path: string): string | undefined
  artifactBytes(path: string): Buffer | undefined
  artifactHas(path: string): boolean
  sourceHas(path: string): boolean
  /** the artifact's links (symbolic or hard) that lead to this path, through other links too */
  artifactLinksTo(path: string): readonly string[]
  /** every path of the source tree */
  sourcePaths(): Iterable<string>
  /** the source tree's entry (kind, mode, link target, git blob id) */
  sourceEntry(path: string): TreeEntry | undefined
  /** the source's bytes at the tag */
  sourceBytes(path: string): Promise<Buffer | undefined>
  sourceText(path: string): Promise<string | undefined>
  /** the trees as the rules see them: the artifact's paths, and the tag's as the source */
  ruleContext(): RuleContext
}

export interface Explainer {
  readonly name: string
  /** undefined when this explainer has nothing to say about the difference */
  judge(difference: Difference, view: TreeView): Promise<Judgement | undefined>
  /**
   * Called once with every difference before the first judgement: starts slow work (child
   * processes, history reads) in the background so that it overlaps the judging of other files.
   * It must not change any verdict, only when the work is done.
   */
  prepare?(differences: readonly Difference[], view: TreeView): void
}

/** The text of a file only the artifact has; undefined for any other difference, a link, or bytes that are not text. */
/**
 * A file read for the words it holds, from the artifact or else the tag: its UTF-8 text, or, for
 * bytes that are not UTF-8 (a Latin-1 author's name), each byte as one character, so that its
 * ASCII words still count. Undefined when neither tree has it.
 */
export async function textForWords(view: TreeView, path: string): Promise<string | undefined> {
  const text = view.artifactText(path) ?? (await view.sourceText(path))
  if (text !== undefined) return text
  return (view.artifactBytes(path) ?? (await view.sourceBytes(path)))?.toString('latin1')
}

export const addedFileText = (difference: Difference, view: TreeView): string | undefined =>
  difference.status === 'only-in-artifact' && difference.artifact?.kind === 'file' ? view.artifactText(difference.path) : undefined

export const explained = (path: string, category: string, how: string, reproduced: boolean, scan = false, findings: readonly Finding[] = []): Judgement => ({
  outcome: 'explained',
  explained: { path, category, how, reproduced },
  findings,
  scan,
})
