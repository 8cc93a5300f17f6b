/** @fileoverview Data files that carry code: what a blob is, what it decodes to, and what that means. */
export { detectFormat, formatLabel, isTarHeader, type BinaryFormat, type Codec, type CodeKind as MachineCodeKind, type FormatFamily, type FormatId } from './magic.js'
export { shannonEntropy, sampledEntropy, expectedRandomEntropy } from './entropy.js'
export { decodeText, isText, looksLikeShell, looksLikeText, findEncodedRuns, type EncodedRun, type Encoding } from './text.js'
export {
  inspectDataFile,
  DEFAULT_INSPECT_LIMITS,
  type DataFileFacts,
  type InspectLimits,
  type ContentNode,
  type ContentKind,
  type CodeHit,
  type CodeKind,
  type DecodeFailure,
  type DecodeMethod,
  type DecodeOutcome,
  type EncodedPayload,
  type LimitHit,
  type TrailingData,
  type Via,
} from './inspect.js'
export type { LimitReason } from './streams.js'
export { dataFileFindings, dataFileRules, isHighEntropy, type DataFileContext } from './findings.js'
