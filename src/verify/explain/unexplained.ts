import type { Finding, Severity } from '../../model/finding.js'
import { isExecutableMode } from '../../model/tree.js'
import { classifyFile } from '../../rules/classify.js'
import type { FileKind } from '../../rules/types.js'
import { unifiedDiff } from '../../util/diff.js'
import { basenameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import type { Judgement, TreeView } from './types.js'

/** Kinds of file that take part in configuring or building: a difference in one of these can change the binary. */
export const BUILD_KINDS: ReadonlySet<FileKind> = new Set(['shell', 'm4', 'autoconf', 'configure', 'makefile', 'automake', 'makefile-in', 'cmake', 'meson'])

export function isBuildRelevant(path: string, mode: number, head: Buffer | string): boolean {
  return BUILD_KINDS.has(classifyFile(path, head)) || isExecutableMode(mode)
}

/** Build files that name the path or its basename, i.e. something in the build may read or run it. */
export function referencedBy(path: string, buildTexts: ReadonlyMap<string, string>): string[] {
  const name = basenameOf(path)
  const pattern = new RegExp(`(^|[^\\w.-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w.-])`, 'm')
  return [...buildTexts].filter(([p, text]) => p !== path && pattern.test(text)).map(([p]) => p)
}

const finding = (ruleId: string, severity: Severity, difference: Difference, message: string, extra: Partial<Finding> = {}): Finding => ({
  ruleId,
  severity,
  confidence: 'high',
  path: difference.path,
  message,
  ...extra,
})

/** What is left when no explainer could account for a difference. */
export async function judgeUnexplained(difference: Difference, view: TreeView, buildTexts: ReadonlyMap<string, string>): Promise<Judgement | undefined> {
  const a = difference.artifact
  const s = difference.source
  switch (difference.status) {
    case 'only-in-source':
      return undefined
    case 'type-differs':
      return {
        outcome: 'unexplained',
        scan: false,
        findings: [finding('verify/type-changed', 'high', difference, `is a ${s?.kind} in the source but a ${a?.kind} in the artifact${a?.linkTarget ? ` (→ ${a.linkTarget})` : ''}`)],
      }
    case 'mode-differs': {
      const nowExecutable = a !== undefined && isExecutableMode(a.mode)
      return {
        outcome: 'unexplained',
        scan: false,
        findings: [finding('verify/mode-changed', 'low', difference, `same content as the source, but ${nowExecutable ? 'executable in the artifact only' : 'no longer executable in the artifact'}`)],
      }
    }
    case 'content-differs': {
      const before = await view.sourceText(difference.path)
      const after = view.artifactText(difference.path)
      const evidence = before !== undefined && after !== undefined ? unifiedDiff(`source/${difference.path}`, `artifact/${difference.path}`, before, after) : undefined
      return {
        outcome: 'unexplained',
        scan: after !== undefined,
        findings: [
          finding('verify/source-modified', 'high', difference, 'differs from the same file at the source tag, and no known transformation explains it', {
            ...(evidence ? { evidence } : {}),
            explanation: 'A release must ship the tagged source unchanged. The lines marked + exist only in the artifact.',
          }),
        ],
      }
    }
    case 'only-in-artifact': {
      if (!a) return undefined
      if (a.kind === 'symlink' || a.kind === 'hardlink') {
        return { outcome: 'unexplained', scan: false, findings: [finding('verify/unexplained-file', 'medium', difference, `${a.kind} to ${a.linkTarget ?? '?'} exists only in the artifact`)] }
      }
      const bytes = view.artifactBytes(difference.path)
      const head = bytes ?? ''
      const buildRelevant = isBuildRelevant(difference.path, a.mode, head)
      const refs = referencedBy(difference.path, buildTexts)
      const severity: Severity = buildRelevant || refs.length > 0 ? 'high' : 'medium'
      const what = buildRelevant ? `a ${classifyFile(difference.path, head)} file${isExecutableMode(a.mode) ? ' (executable)' : ''}` : 'a file'
      const referenced = refs.length > 0 ? `; referenced by ${refs.slice(0, 5).join(', ')}${refs.length > 5 ? ', …' : ''}` : ''
      return {
        outcome: 'unexplained',
        scan: view.artifactText(difference.path) !== undefined,
        findings: [
          finding('verify/unexplained-file', severity, difference, `${what} that exists only in the artifact: not in the source tag, not a known upstream file, not a recognised generated file${referenced}`, {
            data: { size: a.size, sha256: a.sha256 ?? null, referencedBy: refs },
            explanation: 'Files added to a release outside version control are where tarball-only backdoors live. Check who added it and why.',
          }),
        ],
      }
    }
  }
}
