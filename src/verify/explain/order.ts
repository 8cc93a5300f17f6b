/**
 * @fileoverview The explainers of a release, in the order they are asked: the first with something
 * to say about a difference gives its verdict (judge.ts), so an explainer that proves more comes
 * before one that only doubts.
 */
import type { Catalog } from '../catalog/catalog.js'
import type { Regeneration } from '../regenerate.js'
import type { SubmoduleTree } from '../submodules.js'
import { appleDoubleExplainer } from './apple-double.js'
import { cTokensExplainer } from './c-tokens.js'
import { changelogExplainer, type HistoryText } from './changelog.js'
import { configureOutputsExplainer } from './configure-outputs.js'
import { copiesExplainer } from './copies.js'
import { declaredGeneratorExplainer } from './declared-generator.js'
import { dependencyLinesExplainer } from './dependency-lines.js'
import { distEditsExplainer } from './dist-edits.js'
import { echoedExplainer } from './echoed.js'
import { generatedExplainer } from './generated.js'
import { gettextizeExplainer } from './gettextize.js'
import { heredocWrittenExplainer } from './heredoc-written.js'
import { lineEndsExplainer } from './line-ends.js'
import { npmBuildExplainer } from './npm-build.js'
import { npmManifestExplainer } from './npm-manifest.js'
import { pythonDistributionExplainer } from './python-sdist.js'
import { regeneratedExplainer } from './regenerated.js'
import { releaseEditsExplainer } from './release-edits.js'
import { ruleGeneratedExplainer } from './rule-generated.js'
import { scriptWrittenExplainer } from './script-written.js'
import { versionStampExplainer } from './stamps.js'
import { submoduleCopiesExplainer } from './submodule-copies.js'
import { templateExplainer } from './template.js'
import { translationsExplainer } from './translations.js'
import type { Explainer } from './types.js'
import { vendoredExplainer } from './vendored.js'

export interface ReleaseFacts {
  /** the tag or ref the release is compared with */
  readonly ref: string
  readonly commit?: string
  /** the release's version, as the ref names it */
  readonly version: string | undefined
  readonly submodules: readonly SubmoduleTree[]
  readonly catalog: () => Promise<Catalog>
  /** the tag's commit messages, read once when a ChangeLog needs them */
  readonly history: () => Promise<HistoryText>
  readonly regeneration?: Regeneration
}

export function releaseExplainers(release: ReleaseFacts): Explainer[] {
  return [
    ...(release.regeneration ? [regeneratedExplainer(release.regeneration)] : []),
    copiesExplainer(),
    appleDoubleExplainer(),
    lineEndsExplainer(),
    cTokensExplainer(),
    submoduleCopiesExplainer(release.submodules),
    vendoredExplainer(release.catalog),
    pythonDistributionExplainer(release.ref, release.commit),
    npmManifestExplainer(),
    npmBuildExplainer(),
    versionStampExplainer(release.version),
    distEditsExplainer(release.version),
    gettextizeExplainer(),
    // before the ChangeLog's history check: a placeholder ChangeLog a make rule echoes
    // (`ChangeLog: ; echo dummy > $@`) is that rule's, not a history's
    echoedExplainer(),
    changelogExplainer(release.history),
    translationsExplainer(),
    generatedExplainer(),
    releaseEditsExplainer(release.version, release.commit),
    ruleGeneratedExplainer(release.submodules),
    scriptWrittenExplainer(),
    heredocWrittenExplainer(),
    declaredGeneratorExplainer(),
    templateExplainer(),
    configureOutputsExplainer(),
    dependencyLinesExplainer(),
  ]
}
