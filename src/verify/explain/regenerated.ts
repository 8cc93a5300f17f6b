import type { Finding } from '../../model/finding.js'
import { basenameOf } from '../../util/paths.js'
import { unifiedDiff } from '../../util/diff.js'
import type { Difference } from '../compare.js'
import type { Regeneration, ToolVersions } from '../regenerate.js'
import { detectGenerator } from './generators.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

const TOOL_OF: Record<string, keyof ToolVersions> = { autoconf: 'autoconf', automake: 'automake', aclocal: 'automake', autoheader: 'autoconf', libtool: 'libtool' }

const toolList = (t: ToolVersions): string =>
  Object.entries(t)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')

/**
 * A file the regeneration reproduced byte for byte is explained. A file it produced differently,
 * although the artifact names the very tool version installed here, was not made from this source.
 */
export function regeneratedExplainer(regeneration: Regeneration): Explainer {
  return {
    name: 'regenerated',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const entry = difference.artifact
      if (!entry || entry.kind !== 'file' || difference.status === 'mode-differs') return undefined
      const produced = regeneration.files.get(difference.path)
      if (!produced) return undefined
      if (produced.sha256 === entry.sha256) {
        return explained(difference.path, 'generated', `reproduced byte for byte by ${regeneration.command} (${toolList(regeneration.tools)})`, true)
      }
      const text = view.artifactText(difference.path)
      if (text === undefined) return undefined
      const info = detectGenerator(basenameOf(difference.path), text)
      const tool = info ? TOOL_OF[info.tool] : undefined
      if (!info || !tool || !info.version || regeneration.tools[tool] !== info.version) return undefined
      const finding: Finding = {
        ruleId: 'verify/regeneration-mismatch',
        severity: 'high',
        confidence: 'high',
        path: difference.path,
        message: `differs from what ${regeneration.command} produces from the source with the same ${info.tool} ${info.version} the file names`,
        evidence: unifiedDiff(`regenerated/${difference.path}`, `artifact/${difference.path}`, produced.bytes.toString('utf8'), text),
        explanation: 'The generator and its version match, so the output should be identical; the lines marked + were added to the release by other means.',
        data: { generator: info, installed: regeneration.tools },
      }
      return { outcome: 'unexplained', findings: [finding], scan: true }
    },
  }
}

/**
 * The generator versions the release names that differ from the tools installed here, with how
 * many regenerated files name each: those files cannot be reproduced on this machine and are
 * checked for consistency with the source instead. Undefined when every version matches.
 */
export function versionMismatches(regeneration: Regeneration, view: TreeView): string | undefined {
  const counts = new Map<string, number>()
  for (const path of regeneration.files.keys()) {
    const text = view.artifactText(path)
    const info = text === undefined ? undefined : detectGenerator(basenameOf(path), text)
    const tool = info ? TOOL_OF[info.tool] : undefined
    if (!info?.version || !tool || regeneration.tools[tool] === info.version) continue
    const key = `${info.tool} ${info.version} (installed: ${regeneration.tools[tool] ?? 'none'})`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  if (counts.size === 0) return undefined
  return `not reproducible with the installed tools: the release was made with ${[...counts].map(([k, n]) => `${k} in ${n} file(s)`).join(', ')}; those files were checked for consistency with the source instead`
}
