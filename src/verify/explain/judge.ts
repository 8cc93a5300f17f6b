/**
 * @fileoverview One verdict on one difference: the first explainer with something to say, else the
 * weighing of what is left unexplained.
 */
import type { Difference } from '../compare.js'
import { dirnameOf, joinPath } from '../../util/paths.js'
import { fileRole, type FileRole } from './role.js'
import type { Explainer, Judgement, TreeView } from './types.js'
import { codeUsesOfFile, judgeUnexplained } from './unexplained.js'

/** Roles whose files the build has no reason to run: an explanation of their content does not cover running them. */
const NEVER_RUN = new Set<FileRole>(['doc', 'data', 'translation'])

export async function judge(difference: Difference, view: TreeView, explainers: readonly Explainer[], buildTexts: ReadonlyMap<string, string>): Promise<Judgement | undefined> {
  const judgement = await firstExplanation(difference, view, explainers, buildTexts)
  if (judgement) return judgement
  // a link the tag holds to a file it does not have (one the build writes): the artifact's file
  // is new, and is explained as a file only in the artifact would be
  if (difference.artifact && danglesInTag(difference, view)) {
    const written = await firstExplanation({ path: difference.path, status: 'only-in-artifact', artifact: difference.artifact }, view, explainers, buildTexts)
    if (written) return written
  }
  return judgeUnexplained(difference, view, buildTexts)
}

async function firstExplanation(difference: Difference, view: TreeView, explainers: readonly Explainer[], buildTexts: ReadonlyMap<string, string>): Promise<Judgement | undefined> {
  for (const explainer of explainers) {
    const judgement = await explainer.judge(difference, view)
    if (!judgement) continue
    if (!difference.artifact || (judgement.outcome === 'explained' && judgement.explained.reproduced)) return judgement
    // "generated from the tag's inputs, not reproduced" says where the bytes may come from, not
    // that they are what the generator wrote, and an explainer's own doubt about a document is
    // weighed as a document: a man page or a NEWS file the build runs as code is weighed as run
    const role = fileRole(difference.path, difference.artifact.mode, view.artifactBytes(difference.path) ?? '')
    if (!NEVER_RUN.has(role) || codeUsesOfFile(difference.path, view, buildTexts).length === 0) return judgement
    // the explainer's finding that names lines points the weightier one at them
    const focus = judgement.outcome === 'unexplained' ? judgement.findings.find((f) => f.line !== undefined && f.evidence) : undefined
    const run = await judgeUnexplained(difference, view, buildTexts, focus)
    if (!run) return judgement
    if (judgement.outcome === 'explained') return run
    return { outcome: 'unexplained', scan: judgement.scan || run.scan, findings: [...(run.findings ?? []), ...judgement.findings] }
  }
  return undefined
}

/** A link of the tag whose target the tag does not have, where the artifact has a file. */
function danglesInTag(difference: Difference, view: TreeView): boolean {
  if (difference.status !== 'type-differs' || difference.source?.kind !== 'symlink' || difference.artifact?.kind !== 'file') return false
  const target = difference.source.linkTarget ?? ''
  if (target === '' || target.startsWith('/')) return false
  return !view.sourceHas(joinPath(dirnameOf(difference.path), target))
}
