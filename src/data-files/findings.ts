/**
 * @fileoverview Findings about data files that carry code. Calibrated against the test suites of
 * compression libraries, which hold hundreds of deliberately odd or corrupt streams that their
 * tests read: those stay below high unless they decode to code or a build step reads them.
 */
import type { Confidence, Finding, Severity } from '../model/finding.js'
import { severityRank } from '../model/finding.js'
import type { RuleInfo } from '../rules/types.js'
import { expectedRandomEntropy } from './entropy.js'
import type { CodeHit, DataFileFacts } from './inspect.js'

export interface DataFileContext {
  /** the path is under test/, tests/, testdata/, fixtures/, samples/, data/ … */
  readonly underTestDir: boolean
  /** build or install steps that mention this file */
  readonly referencedByBuild: readonly { readonly path: string; readonly line: number; readonly text: string }[]
  /** some test file mentions it */
  readonly referencedByTests: boolean
}

const rule = (info: RuleInfo): RuleInfo => info

const RULES = {
  executableContent: rule({
    id: 'data/executable-content',
    title: 'Data file carries executable code',
    short: 'A data or test file is, or decodes to, an object file, an executable or a script.',
    motivation:
      'The XZ Utils backdoor hid its payload in two "test files": a corrupt xz stream that decoded to a shell script and an lzma file that carried an x86-64 object file. Test data has no reason to contain machine code or scripts, and nobody reviews binary fixtures.',
    remediation:
      'Find out who added the file and why it holds code; decode it by hand (the chain in the evidence) and read what it contains. Remove it unless a test that is visible in the tree explains it.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  }),
  buildReadsTestData: rule({
    id: 'data/build-reads-test-data',
    title: 'Build step reads binary test data',
    short: 'A build or install step references a binary or compressed file under a test or fixture directory.',
    motivation: 'Building or installing a program never needs test inputs. In XZ Utils the build scripts read tests/files/*.xz to extract the backdoor.',
    remediation: 'Read the referencing build lines in the evidence; a build step that decodes a test file must be removed or justified.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  }),
  hiddenTrailingData: rule({
    id: 'data/hidden-trailing-data',
    title: 'Data hidden after the end of a stream or archive',
    short: 'Bytes follow the end of a valid compressed stream or archive.',
    motivation: 'Decoders stop at the end of a stream and most ignore what follows, so bytes appended after it are invisible to anyone who checks the file by decompressing it, yet a build script can carve them out with tail -c or dd.',
    remediation: 'Inspect the trailing bytes (offset and size in the evidence). Test suites of decoders sometimes test trailing garbage deliberately: check that a test reads the file and expects the failure.',
    defaultSeverity: 'medium',
    defaultConfidence: 'high',
  }),
  decompressionBomb: rule({
    id: 'data/decompression-bomb',
    title: 'Decoding hit a limit',
    short: 'A compressed file expands beyond the decoding limits (size, ratio or nesting depth).',
    motivation: 'A file that expands without bound, or nests compressed layers deeply, exhausts the memory and disk of whatever unpacks it, and hides what its inner layers contain.',
    remediation: 'Check why a source or test tree needs such a file; analyse it with larger limits if it is expected.',
    defaultSeverity: 'medium',
    defaultConfidence: 'high',
  }),
  unusedTestFile: rule({
    id: 'data/unused-test-file',
    title: 'Binary test file no test mentions',
    short: 'A binary file under a test directory is not referenced by any test.',
    motivation: 'A test file that no test reads serves no test. The XZ backdoor\'s bad-3-corrupt_lzma2.xz was read only by the build scripts.',
    remediation: 'Find which test uses the file; if none does, ask why it is there, and remove it.',
    defaultSeverity: 'low',
    defaultConfidence: 'medium',
  }),
  highEntropyBlob: rule({
    id: 'data/high-entropy-blob',
    title: 'High-entropy data of unknown format',
    short: 'A file holds compressed-looking or encrypted-looking data in no recognised format.',
    motivation: 'Random-looking bytes in no known format are what an encrypted or obfuscated payload looks like (after a tr swap, for instance). Most are harmless: keys, random test vectors, raw compressed streams.',
    remediation: 'Check what the file is for and which test or build step reads it.',
    defaultSeverity: 'info',
    defaultConfidence: 'low',
  }),
  partialDecode: rule({
    id: 'data/partially-decodable-stream',
    title: 'Compressed stream decodes a lot, then fails',
    short: 'A "corrupt" compressed file decodes to substantial data before its error.',
    motivation: 'A deliberately corrupt test vector normally fails early. One that yields kilobytes of content before "failing" carries data a tool can read, as the XZ backdoor\'s corrupt test file did after a character swap.',
    remediation: 'Decode the file partially (the chain in the evidence) and look at the output.',
    defaultSeverity: 'info',
    defaultConfidence: 'medium',
  }),
} as const satisfies Readonly<Record<string, RuleInfo>>

/** Metadata of every rule `dataFileFindings` reports (for `stagelight rules` and SARIF). */
export const dataFileRules: readonly RuleInfo[] = Object.values(RULES)

/** Directories whose files a package ships as binaries on purpose, and names that say "native binary" outright. */
const SHIPPED = /(?:^|\/)(?:bin|sbin|prebuilds?|prebuilt|Release|binaries)\//
const NATIVE_NAME = /\.(?:node|so(?:\.\d+)*|dll|dylib|exe)$/i

const KiB = 1024
const fmtEntropy = (e: number): string => e.toFixed(2)
const max = (a: Severity, b: Severity): Severity => (severityRank(a) >= severityRank(b) ? a : b)

function codeSeverity(hit: CodeHit, context: DataFileContext): Severity {
  // Decoder test suites keep real executables in their test vectors (branch-converter filters
  // need machine code); a test that reads the file is the explanation. Code that is only reached
  // by carving (embedded, trailing) or through encoded text has none.
  const hidden = hit.viaTrailing || hit.viaEncodedText || hit.through.includes('embedded')
  if (hidden) return 'high'
  if (context.underTestDir && context.referencedByTests) return 'medium'
  if (hit.depth === 0) return context.underTestDir ? 'high' : 'medium'
  // A named member of an archive is what archives are for: a script in a shipped tarball (gettext's
  // archive of autopoint files) is ordinary, a fixture project in a test archive often is too.
  if (hit.plainMember) {
    if (hit.kind === 'script' || hit.kind === 'shell-script') return context.underTestDir ? 'medium' : 'low'
    return context.underTestDir ? 'high' : 'medium'
  }
  return 'high'
}

const referenceLines = (context: DataFileContext): string => context.referencedByBuild.map((r) => `${r.path}:${r.line}: ${r.text.trim()}`).join('\n')

function facts(f: DataFileFacts): string {
  return `${f.size} bytes, ${f.format?.description ?? 'unknown format'}, entropy ${fmtEntropy(f.entropy)} bits/byte${f.entropySampled ? ' (sampled)' : ''}`
}

/** Findings for one inspected file, in the context the caller established. */
export function dataFileFindings(f: DataFileFacts, context: DataFileContext): Finding[] {
  const out: Finding[] = []
  const byBuild = context.referencedByBuild.length > 0
  const base = { path: f.path }
  const binary = !f.text

  // a shipped binary is not hidden code; what is compressed, encoded or appended inside it still is
  const shipped = !context.underTestDir && (SHIPPED.test(`/${f.path}`) || NATIVE_NAME.test(f.path))
  const code = shipped ? f.code.filter((hit) => hit.depth > 0 && !SHIPPED.test(`/${f.path}`)) : f.code
  if (code.length > 0) {
    const severity = byBuild ? 'critical' : code.map((hit) => codeSeverity(hit, context)).reduce(max, 'info' as Severity)
    const heuristic = code.every((hit) => hit.format === undefined)
    const confidence: Confidence = heuristic ? 'medium' : 'high'
    const first = code[0]
    const lines = code.slice(0, 10).map((hit) => `${hit.chain} (${hit.size} bytes)`)
    if (code.length > 10) lines.push(`… and ${code.length - 10} more`)
    out.push({
      ruleId: RULES.executableContent.id,
      severity,
      confidence,
      ...base,
      message: `${f.path} ${first && first.depth === 0 ? 'is' : 'decodes to'} ${first?.format?.description ?? (first?.kind === 'shell-script' ? 'a shell script' : 'code')}${code.length > 1 ? ` (and ${code.length - 1} more piece${code.length > 2 ? 's' : ''} of code)` : ''}${byBuild ? ', and a build step reads it' : context.underTestDir ? ' in a test data directory' : ''}`,
      evidence: [facts(f), ...lines, ...(byBuild ? ['referenced by:', referenceLines(context)] : [])].join('\n'),
      explanation: RULES.executableContent.motivation,
      data: { code: code, chains: f.chains, referencedByBuild: context.referencedByBuild, underTestDir: context.underTestDir },
    })
  }

  if (byBuild && context.underTestDir && binary) {
    out.push({
      ruleId: RULES.buildReadsTestData.id,
      severity: 'high',
      confidence: 'high',
      ...base,
      message: `${context.referencedByBuild.length === 1 ? 'a build step reads' : `${context.referencedByBuild.length} build steps read`} the binary test file ${f.path}`,
      evidence: [facts(f), referenceLines(context)].join('\n'),
      explanation: RULES.buildReadsTestData.motivation,
      data: { referencedByBuild: context.referencedByBuild, format: f.format?.id ?? null },
    })
  }

  const trailing = f.trailing
  if (trailing.length > 0) {
    const hidesCode = trailing.some((t) => t.containsCode)
    const total = trailing.reduce((sum, t) => sum + t.size, 0)
    out.push({
      ruleId: RULES.hiddenTrailingData.id,
      severity: hidesCode ? 'high' : context.referencedByTests ? 'low' : 'medium',
      confidence: total >= 16 ? 'high' : 'medium',
      ...base,
      message: `${total} bytes follow the end of ${trailing[0]?.chain ?? 'the data'} in ${f.path}${hidesCode ? ', and they hold code' : ''}`,
      evidence: trailing
        .map((t) => `after ${t.chain}: ${t.size} bytes at offset ${t.offset}, entropy ${fmtEntropy(t.entropy)}, ${t.format?.description ?? t.kind}${t.containsCode ? ' (contains code)' : ''}`)
        .join('\n'),
      explanation: RULES.hiddenTrailingData.motivation,
      data: { trailing: trailing.map(({ chain, offset, size, entropy, kind, containsCode, format }) => ({ chain, offset, size, entropy, kind, containsCode, format: format?.id ?? null })) },
    })
  }

  if (f.limits.length > 0) {
    out.push({
      ruleId: RULES.decompressionBomb.id,
      severity: 'medium',
      confidence: 'high',
      ...base,
      message: `decoding ${f.path} stopped at a limit: ${f.limits[0]?.message ?? ''}`,
      evidence: [facts(f), `${f.decodedBytes} bytes decoded before stopping`, ...f.limits.map((l) => `${l.chain}: ${l.message}`)].join('\n'),
      explanation: RULES.decompressionBomb.motivation,
      data: { limits: f.limits, decodedBytes: f.decodedBytes },
    })
  }

  const partial = f.failures.filter((x) => x.decodedBytes >= 4 * KiB)
  if (partial.length > 0) {
    const most = partial.reduce((a, b) => (b.decodedBytes > a.decodedBytes ? b : a))
    out.push({
      ruleId: RULES.partialDecode.id,
      severity: most.decodedBytes >= 64 * KiB ? 'low' : 'info',
      confidence: 'medium',
      ...base,
      message: `${f.path} decodes to ${most.decodedBytes} bytes${most.decodedFormat ? ` (${most.decodedFormat.description})` : ''} before failing: ${most.message}`,
      evidence: partial.map((x) => `${x.chain}: ${x.decodedBytes} bytes decoded, then: ${x.message}`).join('\n'),
      explanation: RULES.partialDecode.motivation,
      data: { failures: partial },
    })
  }

  if (context.underTestDir && binary && !context.referencedByTests) {
    out.push({
      ruleId: RULES.unusedTestFile.id,
      severity: 'low',
      confidence: 'medium',
      ...base,
      message: `no test mentions the binary test file ${f.path}`,
      evidence: facts(f),
      explanation: RULES.unusedTestFile.motivation,
      data: { size: f.size, format: f.format?.id ?? null, entropy: f.entropy },
    })
  }

  // a blob whose bytes were explained as carrying code needs no second, vaguer finding
  if (code.length === 0 && f.format === undefined && binary && f.root.kind === 'data' && isHighEntropy(f.size, f.entropy)) {
    out.push({
      ruleId: RULES.highEntropyBlob.id,
      severity: f.size > 64 * KiB ? 'low' : 'info',
      confidence: 'low',
      ...base,
      message: `${f.path} is ${f.size} bytes of high-entropy data (${fmtEntropy(f.entropy)} bits/byte) in no recognised format`,
      evidence: facts(f),
      explanation: RULES.highEntropyBlob.motivation,
      data: { size: f.size, entropy: f.entropy, sampled: f.entropySampled },
    })
  }
  return out
}

/** Near what random bytes of that size measure: compressed or encrypted data. Below 512 bytes nothing can tell. */
export const isHighEntropy = (size: number, entropy: number): boolean => size >= 512 && entropy >= Math.min(7.5, expectedRandomEntropy(size) - 0.3)
