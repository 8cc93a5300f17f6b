import type { Finding, Severity } from '../../model/finding.js'
import { isExecutableMode } from '../../model/tree.js'
import { classifyFile } from '../../rules/classify.js'
import { linkTargetOf } from './copies.js'
import { codeUsesOf, useLocation, type CodeUse } from './executed.js'
import { buildInstructionsOf, docToolOf, fileRole, QUIET_ROLES, ROLE_SEVERITY, ROLE_WORDS, typesettingMakefileTool, type FileRole } from './role.js'
import { unifiedDiff } from '../../util/diff.js'
import { dirnameOf, joinPath } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import type { Judgement, TreeView } from './types.js'

export { BUILD_KINDS } from './build-kinds.js'

const usesEvidence = (uses: readonly CodeUse[]): string => uses.map((u) => `${useLocation(u)}: ${u.text}`).join('\n')

/**
 * The lines another reader of the file singled out (an explainer's own finding with a line): set
 * before the whole diff, so that the finding points at them and its first lines show them.
 */
export type Focus = Pick<Finding, 'line' | 'message' | 'evidence'>

/** The evidence of a finding on a file read as code: the lines that run it, the focus, then the rest. */
function runEvidence(uses: readonly CodeUse[], focus: Focus | undefined, rest: string | undefined): string | undefined {
  const parts = [uses.length ? `read as code by:\n${usesEvidence(uses)}` : '', focus?.evidence ? `${focus.message}:\n${focus.evidence}` : '', rest ?? '']
  const evidence = parts.filter(Boolean).join('\n')
  return evidence || undefined
}

/**
 * The lines of build files that read the artifact's file at `path` as code, by its own name or by
 * the name of a link to it: running a link runs the file it leads to.
 */
export function codeUsesOfFile(path: string, view: TreeView, buildTexts: ReadonlyMap<string, string>): CodeUse[] {
  const uses = codeUsesOf(path, buildTexts)
  for (const link of view.artifactLinksTo(path)) {
    for (const use of codeUsesOf(link, buildTexts)) {
      if (use.path !== path && !uses.some((u) => u.path === use.path && u.line === use.line)) uses.push({ ...use, via: link })
    }
  }
  return uses
}

/**
 * The severity of an unexplained difference: by the file's role, high whenever the build reads it as
 * code — critical when the file is documentation or data, which a build has no reason to run.
 */
function weigh(role: FileRole, uses: readonly CodeUse[], docTool: string | undefined): Severity {
  if (uses.length > 0) return role === 'doc' || role === 'data' || role === 'translation' ? 'critical' : 'high'
  if (role === 'doc' && docTool) return 'info'
  return ROLE_SEVERITY[role]
}


/**
 * A link only the artifact has is weighed by what it is and what it reaches: low when both its own
 * name and its target are documentation, translations or data (a man page alias) and the build
 * does not run it; as a file read as code when the build does; medium otherwise.
 */
function weighLink(path: string, kind: 'symlink' | 'hardlink', target: string, mode: number, view: TreeView, buildTexts: ReadonlyMap<string, string>): Severity {
  const resolved = kind === 'hardlink' ? target : target.startsWith('/') ? undefined : joinPath(dirnameOf(path), target)
  const inTree = resolved !== undefined && !resolved.startsWith('../') && resolved !== '..' && (view.artifactHas(resolved) || view.sourceHas(resolved))
  const bytes = (inTree && view.artifactBytes(resolved)) || ''
  // a symbolic link's own permission bits mean nothing
  const fileMode = kind === 'hardlink' ? mode : 0o644
  const roles = [fileRole(path, fileMode, bytes), ...(inTree ? [fileRole(resolved, fileMode, bytes)] : [])]
  const uses = codeUsesOf(path, buildTexts)
  if (uses.length > 0) return weigh(roles.find((r) => !QUIET_ROLES.has(r)) ?? roles[0] ?? 'build', uses, undefined)
  return inTree && roles.every((r) => QUIET_ROLES.has(r)) ? 'low' : 'medium'
}

const finding = (ruleId: string, severity: Severity, difference: Difference, message: string, extra: Partial<Finding> = {}): Finding => ({
  ruleId,
  severity,
  confidence: 'high',
  path: difference.path,
  message,
  ...extra,
})

/**
 * A file whose bytes differ from what the tag has there (`before`: the file, or the target of the
 * tag's link there), weighed by its role and by whether the build reads it as code, with the diff as evidence.
 */
function modified(difference: Difference, before: string | undefined, view: TreeView, buildTexts: ReadonlyMap<string, string>, focus: Focus | undefined, linkTarget?: string): Judgement {
  const after = view.artifactText(difference.path)
  const bytes = view.artifactBytes(difference.path)
  const role = fileRole(difference.path, difference.artifact?.mode ?? 0o644, bytes ?? '')
  const uses = codeUsesOfFile(difference.path, view, buildTexts)
  const severity = weigh(role, uses, undefined)
  const diff = before !== undefined && after !== undefined ? unifiedDiff(`source/${linkTarget ?? difference.path}`, `artifact/${difference.path}`, before, after) : undefined
  const evidence = runEvidence(uses, focus, diff)
  const run = uses[0] ? `; the build reads it as code (${useLocation(uses[0])})` : ''
  const described = linkTarget !== undefined ? `a symbolic link to ${linkTarget} in the tag, shipped as a file whose bytes differ from it` : `${uses.length > 0 ? `a ${role} file` : (buildInstructionsOf(difference.path) ?? ROLE_WORDS[role])} that differs from the same file at the source tag`
  return {
    outcome: 'unexplained',
    // the rules read what they can: text, or bytes whose name says code
    scan: true,
    findings: [
      finding('verify/source-modified', severity, difference, `${described}, and no known transformation explains it${run}`, {
        ...(focus?.line !== undefined ? { line: focus.line } : {}),
        ...(evidence ? { evidence } : {}),
        data: { role, readAsCodeBy: uses },
        explanation: 'A release must ship the tagged source unchanged. The lines marked + exist only in the artifact.',
      }),
    ],
  }
}

/** What is left when no explainer could account for a difference (or one doubted it, and singled out the lines of `focus`). */
export async function judgeUnexplained(difference: Difference, view: TreeView, buildTexts: ReadonlyMap<string, string>, focus?: Focus): Promise<Judgement | undefined> {
  const a = difference.artifact
  const s = difference.source
  switch (difference.status) {
    case 'only-in-source':
      return undefined
    case 'type-differs': {
      // `make dist` stores a link of the tag as the file it leads to: bytes other than its target's are a change of that file
      const target = s?.kind === 'symlink' && (a?.kind === 'file' || a?.kind === 'hardlink') ? linkTargetOf(view, difference.path) : undefined
      if (target !== undefined) return modified(difference, await view.sourceText(target), view, buildTexts, focus, target)
      return {
        outcome: 'unexplained',
        scan: false,
        findings: [finding('verify/type-changed', 'high', difference, `is a ${s?.kind} in the source but a ${a?.kind} in the artifact${a?.linkTarget ? ` (→ ${a.linkTarget})` : ''}`)],
      }
    }
    case 'mode-differs': {
      const nowExecutable = a !== undefined && isExecutableMode(a.mode)
      return {
        outcome: 'unexplained',
        scan: false,
        findings: [finding('verify/mode-changed', 'low', difference, `same content as the source, but ${nowExecutable ? 'executable in the artifact only' : 'no longer executable in the artifact'}`)],
      }
    }
    case 'content-differs':
      return modified(difference, await view.sourceText(difference.path), view, buildTexts, focus)
    case 'only-in-artifact': {
      if (!a) return undefined
      if (a.kind === 'symlink' || a.kind === 'hardlink') {
        return { outcome: 'unexplained', scan: false, findings: [finding('verify/unexplained-file', weighLink(difference.path, a.kind, a.linkTarget ?? '', a.mode, view, buildTexts), difference, `${a.kind} to ${a.linkTarget ?? '?'} exists only in the artifact`)] }
      }
      const bytes = view.artifactBytes(difference.path)
      const head = bytes ?? ''
      const dir = dirnameOf(difference.path)
      // a makefile a documentation tool wrote into its output, only to typeset that output
      const typesetting = bytes ? typesettingMakefileTool(difference.path, bytes.toString('utf8'), (name) => view.artifactHas(joinPath(dir, name))) : undefined
      const role = typesetting ? 'doc' : fileRole(difference.path, a.mode, head)
      const uses = codeUsesOfFile(difference.path, view, buildTexts)
      const docTool = role === 'doc' ? (typesetting ?? docToolOf(bytes)) : undefined
      const severity = weigh(role, uses, docTool)
      const kind = classifyFile(difference.path, head)
      const what = role === 'build' ? (buildInstructionsOf(difference.path) ?? `build logic (a ${kind} file${isExecutableMode(a.mode) ? ', executable' : ''})`) : uses.length > 0 ? `a ${role} file` : ROLE_WORDS[role]
      const how = docTool ? `; produced by ${docTool}` : ''
      const run = uses.length > 0 ? `; the build reads it as code (${uses.slice(0, 3).map(useLocation).join(', ')})` : ''
      const evidence = runEvidence(uses, focus, undefined)
      return {
        outcome: 'unexplained',
        scan: true,
        findings: [
          finding('verify/unexplained-file', severity, difference, `${what} that exists only in the artifact: not in the source tag, not a known upstream file, not a recognised generated file${how}${run}`, {
            ...(focus?.line !== undefined ? { line: focus.line } : {}),
            ...(evidence ? { evidence } : {}),
            data: { size: a.size, sha256: a.sha256 ?? null, role, docTool: docTool ?? null, referencedBy: [...new Set(uses.map((u) => u.path))], readAsCodeBy: uses },
            explanation: 'Files added to a release outside version control are where tarball-only backdoors live. Check who added it and why.',
          }),
        ],
      }
    }
  }
}
