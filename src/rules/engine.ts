import { atLeast, severityRank, type Finding } from '../model/finding.js'
import { classifyFile } from './classify.js'
import { rules } from './index.js'
import type { Rule, RuleContext, TextFile } from './types.js'

export interface RunOptions {
  readonly only?: readonly string[]
  readonly skip?: readonly string[]
}

const OBFUSCATION = new Set(['scan/tr-obfuscation', 'scan/sed-as-cat', 'scan/byte-carving', 'scan/binary-marker-grep', 'scan/test-data-read', 'scan/environment-gating'])
const EXECUTION = 'scan/data-to-shell-pipeline'

function selected(options: RunOptions): readonly Rule[] {
  return rules.filter((r) => (!options.only || options.only.includes(r.id)) && !options.skip?.includes(r.id))
}

/** Runs every applicable rule on one file; a rule that throws becomes a finding, not an abort. */
export function runRules(file: TextFile, context: RuleContext, options: RunOptions = {}): Finding[] {
  const findings: Finding[] = []
  const seen = new Set<string>()
  for (const rule of selected(options)) {
    if (!rule.appliesTo.includes(file.kind)) continue
    try {
      for (const hit of rule.run(file, context)) {
        const key = `${rule.id}:${hit.line}`
        if (seen.has(key)) continue
        seen.add(key)
        findings.push({
          ruleId: rule.id,
          severity: hit.severity ?? rule.defaultSeverity,
          confidence: hit.confidence ?? rule.defaultConfidence,
          path: file.path,
          line: hit.line,
          message: hit.message,
          evidence: hit.evidence,
          explanation: `${rule.motivation} ${rule.remediation}`,
          ...(hit.data ? { data: hit.data } : {}),
        })
      }
    } catch (err) {
      findings.push({ ruleId: 'internal/rule-error', severity: 'info', confidence: 'high', path: file.path, message: `rule ${rule.id} failed: ${err instanceof Error ? err.message : String(err)}` })
    }
  }
  return correlate(file.path, findings)
}

/** Execution plus obfuscation in one file is a chain: report it as one critical finding with its links. */
function correlate(path: string, findings: Finding[]): Finding[] {
  const exec = findings.filter((f) => f.ruleId === EXECUTION)
  const obfuscation = findings.filter((f) => OBFUSCATION.has(f.ruleId) && atLeast(f.severity, 'medium'))
  if (exec.length === 0 || obfuscation.length === 0) return findings
  const links = [...exec, ...obfuscation].sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  return [
    {
      ruleId: 'scan/obfuscated-execution-chain',
      severity: 'critical',
      confidence: 'high',
      path,
      line: links[0]?.line ?? 1,
      message: `obfuscated execution chain: ${[...new Set(links.map((l) => l.ruleId.replace('scan/', '')))].join(' → ')}`,
      evidence: links.map((l) => l.evidence ?? `${l.line}: ${l.message}`).join('\n'),
      explanation: 'One file both disguises or extracts data and executes it. Each step alone can look harmless; together they are how build-time backdoors are started.',
    },
    ...findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity)),
  ]
}

export function analyseText(path: string, text: string, context: RuleContext, options: RunOptions = {}): Finding[] {
  return runRules({ path, kind: classifyFile(path, text), text }, context, options)
}
