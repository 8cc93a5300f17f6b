/**
 * @fileoverview The files an npm package's build writes (`dist/index.js` compiled by `tsc`,
 * bundled by rollup): only in the package, never in git. Explained when the tag builds (its
 * package.json has a build script), the file lies where that build writes (the compiler's outDir,
 * a directory the manifest points users at that the tag lacks, or one the tag's .gitignore keeps
 * out of git), and, for code, it does nothing that none of the tag's sources names (see
 * js-provenance.ts). The build is not run, so the file is not reproduced: a changed condition
 * passes, a new capability does not.
 */
import type { Finding } from '../../model/finding.js'
import { analyseJavaScript } from '../../npm/javascript.js'
import type { Difference } from '../compare.js'
import { capabilityGaps, loadSourceCorpus, type CapabilityGap, type SourceCorpus } from './js-provenance.js'
import { readNpmProject, type NpmProject } from './npm-project.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

/** what JavaScript builds write: code (TypeScript too, for Deno), declarations, source maps */
const BUILT = /\.(?:[cm]?[jt]sx?|map)$/
const DECLARATION = /\.d\.[cm]?ts$/
const RUNNABLE = /\.[cm]?[jt]sx?$/

export function npmBuildExplainer(): Explainer {
  let project: Promise<NpmProject | undefined> | undefined
  let corpus: Promise<SourceCorpus> | undefined
  return {
    name: 'npm-build',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const path = difference.path
      if (difference.status !== 'only-in-artifact' || difference.artifact?.kind !== 'file' || !BUILT.test(path)) return undefined
      const built = await (project ??= readNpmProject(view))
      const reason = built?.outputReason(path)
      if (built === undefined || reason === undefined) return undefined
      const how = `written by the tag's build (${built.buildScript}), ${reason}; not rebuilt`
      if (!RUNNABLE.test(path) || DECLARATION.test(path)) return explained(path, 'built', how, false)
      const text = view.artifactText(path)
      if (text === undefined) return undefined
      const sources = await (corpus ??= loadSourceCorpus(built.sourcePaths, view, built.buildScriptPaths))
      const gaps = capabilityGaps(analyseJavaScript(path, text), text, sources)
      if (gaps.length === 0) return explained(path, 'built', `${how}; it does nothing that its sources (${sources.files} files) do not name`, false)
      return { outcome: 'unexplained', findings: [gapFinding(path, how, gaps, sources.files)], scan: false }
    },
  }
}

function gapFinding(path: string, how: string, gaps: readonly CapabilityGap[], files: number): Finding {
  const first = gaps[0]!
  return {
    ruleId: 'verify/built-file-exceeds-sources',
    severity: gaps.some((g) => g.critical) ? 'critical' : 'high',
    confidence: 'high',
    path,
    line: first.line,
    message: `build output that ${first.what}, which none of the tag's ${files} source files does (no source names ${first.missing})${gaps.length > 1 ? `, and ${gaps.length - 1} more such capabilit${gaps.length > 2 ? 'ies' : 'y'}` : ''}`,
    evidence: gaps.map((g) => `line ${g.line}: ${g.what}; not in any source: ${g.missing}${g.evidence ? `\n    ${g.evidence}` : ''}`).join('\n'),
    explanation: `The file is ${how}. A compiler or bundler does not add a process launch, a new host, a secret read or decoded code to what it builds: this was added after the build, or by a build other than the tag's. Rebuild the package from the tag and compare, or install from the repository.`,
    data: { gaps: gaps.map((g) => ({ line: g.line, what: g.what, missing: g.missing })) },
  }
}
