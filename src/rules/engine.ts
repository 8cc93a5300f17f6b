/**
 * @fileoverview Runs the rules on one file and turns their hits into findings: per-rule failure
 * isolation, one finding per rule and line, and the correlation of obfuscation with execution.
 */
import { severityRank, type Finding, type Severity } from '../model/finding.js'
import { classifyFile, HEAD_BYTES } from './classify.js'
import { rules } from './index.js'
import type { Rule, RuleContext, RuleHit, TextFile } from './types.js'
import { dialectOf, nestingCutOf } from './shell/analysis.js'
import { MAX_DEPTH } from './shell/parse.js'
import { LEXER_FROM_CHARS } from './shell/tree-sitter.js'

export interface RunOptions {
  /** run only these rule ids */
  readonly only?: readonly string[]
  /** never run these rule ids */
  readonly skip?: readonly string[]
  /** the rules to choose from; the built-in list by default */
  readonly rules?: readonly Rule[]
}

/** Reported when one file both executes data and obfuscates, carves, hides or gates it. */
export const CHAIN_RULE_ID = 'scan/obfuscated-execution-chain'
/** Reported (as info) when a rule throws on a file; the other rules still run. */
export const RULE_ERROR_ID = 'internal/rule-error'
/** A file whose shell, m4 or make code nests past the parser's limit: part of it was not checked. */
export const NESTING_LIMIT_ID = 'internal/nesting-limit'

const EXECUTION_RULE = 'scan/data-to-shell-pipeline'
const CHAIN_LINKS: ReadonlySet<string> = new Set([
  'scan/tr-obfuscation',
  'scan/sed-as-cat',
  'scan/byte-carving',
  'scan/binary-marker-grep',
  'scan/test-data-read',
  'scan/environment-gating',
])

const CHAIN_EXPLANATION =
  'One file both hides, extracts or gates data and executes it. Each step alone can look like ordinary build plumbing; together they are how a build-time backdoor is started. Follow the chain line by line, replacing the final execution with printing, and see what would run.'

const selected = (id: string, options: RunOptions): boolean => (!options.only || options.only.includes(id)) && !options.skip?.includes(id)

function toFinding(rule: Rule, file: TextFile, hit: RuleHit): Finding {
  return {
    ruleId: rule.id,
    severity: hit.severity ?? rule.defaultSeverity,
    confidence: hit.confidence ?? rule.defaultConfidence,
    path: file.path,
    line: hit.line,
    message: hit.message,
    evidence: hit.evidence,
    explanation: `${rule.motivation} ${rule.remediation}`,
    ...(hit.data ? { data: hit.data } : {}),
  }
}

/**
 * Runs every applicable rule on one file. A rule that throws becomes an `internal/rule-error`
 * info finding instead of aborting the others.
 * @example runRules({ path: 'm4/x.m4', kind: 'm4', text }, { paths: new Set() }, { skip: ['scan/environment-gating'] })
 */
export function runRules(file: TextFile, context: RuleContext, options: RunOptions = {}): Finding[] {
  const byKey = new Map<string, Finding>()
  const errors: Finding[] = []
  for (const rule of options.rules ?? rules) {
    if (!selected(rule.id, options) || !rule.appliesTo.includes(file.kind)) continue
    let hits: readonly RuleHit[]
    try {
      hits = rule.run(file, context)
    } catch (err) {
      errors.push({
        ruleId: RULE_ERROR_ID,
        severity: 'info',
        confidence: 'high',
        path: file.path,
        message: `rule ${rule.id} failed on this file: ${err instanceof Error ? err.message : String(err)}`,
        data: { rule: rule.id },
      })
      continue
    }
    for (const hit of hits) {
      const finding = toFinding(rule, file, hit)
      const key = `${rule.id}\u0000${hit.line}`
      const previous = byKey.get(key)
      if (!previous || severityRank(finding.severity) > severityRank(previous.severity)) byKey.set(key, finding)
    }
  }
  // code nested past the parser's limit was read as plain text: the file was not fully checked
  const cut = nestingCutOf(file)
  if (cut !== undefined) {
    errors.push({
      ruleId: NESTING_LIMIT_ID,
      severity: 'info',
      confidence: 'high',
      path: file.path,
      line: cut,
      message: `code nested deeper than ${MAX_DEPTH} levels (from line ${cut}) was read as plain text, not checked as code`,
      data: { limit: MAX_DEPTH },
    })
  }
  const findings = [...byKey.values()].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.ruleId.localeCompare(b.ruleId))
  const correlated = selected(CHAIN_RULE_ID, options) ? correlate(file.path, findings) : findings
  return [...correlated, ...errors]
}

/**
 * Execution plus obfuscation in one file is one chain: the worst link is raised to critical and
 * one finding summarises the chain with its line numbers.
 */
function correlate(path: string, findings: readonly Finding[]): Finding[] {
  const executions = findings.filter((f) => f.ruleId === EXECUTION_RULE)
  const links = findings.filter((f) => CHAIN_LINKS.has(f.ruleId) && f.severity !== 'info')
  if (executions.length === 0 || links.length === 0) return [...findings]
  const chain = [...executions, ...links].sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  const worst = chain.reduce((w, f) => (severityRank(f.severity) > severityRank(w.severity) || (f.severity === w.severity && f.ruleId === EXECUTION_RULE && w.ruleId !== EXECUTION_RULE) ? f : w))
  const raised = findings.map((f) => (f === worst && f.severity !== 'critical' ? { ...f, severity: 'critical' as Severity } : f))
  const steps = chain.map((f) => `${f.ruleId.replace(/^scan\//, '')} (line ${f.line ?? '?'})`)
  const summary: Finding = {
    ruleId: CHAIN_RULE_ID,
    severity: 'critical',
    confidence: 'high',
    path,
    line: chain[0]?.line ?? 1,
    message: `obfuscated execution chain: ${steps.join(' → ')}`,
    evidence: chain.map((f) => `[${f.ruleId.replace(/^scan\//, '')}] ${f.message}\n${f.evidence ?? ''}`.trimEnd()).join('\n'),
    explanation: CHAIN_EXPLANATION,
    data: { links: chain.map((f) => ({ ruleId: f.ruleId, line: f.line, severity: f.severity })) },
  }
  return [summary, ...raised]
}

/**
 * Classifies a file from its path and content, then runs the rules on it.
 * @example analyseText('m4/evil.m4', text, { paths: new Set() })
 */
export function analyseText(path: string, text: string, context: RuleContext, options: RunOptions = {}): Finding[] {
  return runRules({ path, kind: classifyFile(path, text), text }, context, options)
}

/**
 * Whether the rules, run on these bytes, may read them with the shell grammar (tree-sitter), which
 * must then be loaded before they run: plain shell smaller than {@link LEXER_FROM_CHARS}, as text
 * decoded with its byte-order mark or without it. A release whose only differing shell is a large
 * generated configure never needs the grammar. Asked of every differing file as the archive is read:
 * only the head is decoded, and the whole file only when it is shell of about the limit's size.
 */
export function mayUseShellGrammar(path: string, bytes: Buffer): boolean {
  // the first HEAD_BYTES characters take at most four bytes each: classifying this prefix is classifying the text
  const head = bytes.subarray(0, 4 * HEAD_BYTES).toString('utf8')
  const variants = head.charCodeAt(0) === 0xfeff ? [{ start: head, dropped: 0 }, { start: head.slice(1), dropped: 1 }] : [{ start: head, dropped: 0 }]
  return variants.some(({ start, dropped }) => {
    const kind = classifyFile(path, start)
    if (dialectOf(kind) !== 'sh' || !rules.some((rule) => rule.appliesTo.includes(kind))) return false
    // a character takes one byte or more: fewer bytes than the limit is fewer characters
    return bytes.length < LEXER_FROM_CHARS || bytes.toString('utf8').length - dropped < LEXER_FROM_CHARS
  })
}
