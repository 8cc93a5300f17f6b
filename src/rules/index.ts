import binaryMarkerGrep from './binary-marker-grep/rule.js'
import byteCarving from './byte-carving/rule.js'
import dataExecuted from './data-executed/rule.js'
import dataToShellPipeline from './data-to-shell-pipeline/rule.js'
import destructiveCommand from './destructive-command/rule.js'
import downloadExecuted from './download-executed/rule.js'
import environmentGating from './environment-gating/rule.js'
import linkRedirection from './link-redirection/rule.js'
import sedAsCat from './sed-as-cat/rule.js'
import sourceRewritten from './source-rewritten/rule.js'
import testDataRead from './test-data-read/rule.js'
import trObfuscation from './tr-obfuscation/rule.js'
import type { Rule } from './types.js'
import weakenedDefences from './weakened-defences/rule.js'
import writesOutsideBuild from './writes-outside-build/rule.js'

/** The one list of rules, in the order they run. */
export const rules = [dataToShellPipeline, downloadExecuted, dataExecuted, trObfuscation, sedAsCat, byteCarving, binaryMarkerGrep, testDataRead, sourceRewritten, writesOutsideBuild, environmentGating, weakenedDefences, linkRedirection, destructiveCommand] as const satisfies readonly Rule[]

/** The rule with this id, or undefined. */
export const ruleById = (id: string): Rule | undefined => rules.find((r) => r.id === id)
