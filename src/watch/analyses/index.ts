/** @fileoverview The one list of analyses `watch` runs on new releases. */
import type { Analysis, Target } from '../model.js'
import { scanAnalysis } from './scan.js'
import { signalsAnalysis } from './signals.js'
import { taggerAnalysis } from './tagger.js'
import type { AnalysisHandler } from './types.js'
import { verifyAnalysis } from './verify.js'

export const ANALYSIS_HANDLERS: Readonly<Record<Analysis, AnalysisHandler>> = {
  scan: scanAnalysis,
  verify: verifyAnalysis,
  signals: signalsAnalysis,
  tagger: taggerAnalysis,
}

/** The analyses that apply to a target's releases. */
export const analysesFor = (target: Target): Analysis[] => Object.values(ANALYSIS_HANDLERS).filter((h) => h.applies(target)).map((h) => h.name)
