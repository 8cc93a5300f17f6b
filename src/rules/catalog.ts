/** @fileoverview Every rule `scan` can report, whatever it runs on, and the choice of rules a user makes. */
import { StagelightError } from '../errors.js'
import { dataFileRules } from '../data-files/findings.js'
import { npmRules } from '../npm/rules.js'
import { archiveRules, verifyRules } from '../verify/rules.js'
import { advisoryRules } from '../audit/advisories/findings.js'
import { inventoryRules } from '../audit/inventory/rules.js'
import { registryRules } from '../audit/registry/rules.js'
import { canaryRules } from '../canary/rules.js'
import { historyRules } from '../history/rules.js'
import { CHAIN_RULE_ID } from './engine.js'
import { rules } from './index.js'
import type { RuleInfo } from './types.js'

const chainRule: RuleInfo = {
  id: CHAIN_RULE_ID,
  title: 'Obfuscated execution chain',
  short: 'One build file both hides, carves or gates data and executes it: the steps are reported together.',
  motivation:
    'Each step of a build-time backdoor can pass for plumbing on its own: a tr, a head -c, a grep for a marker, a check of the build triple. Together, ending in a shell or eval, they are how a hidden payload is started.',
  remediation: 'Follow the chain line by line with the final execution replaced by printing, and see what would run.',
  defaultSeverity: 'critical',
  defaultConfidence: 'high',
}

/** The rules of `scan`, in the order `stagelight rules` lists them. */
export function scanRules(): readonly RuleInfo[] {
  return [...rules, chainRule, ...dataFileRules, ...npmRules]
}

/** Every rule any command can report, for SARIF rule metadata and `stagelight rules`. */
export function allRules(): readonly RuleInfo[] {
  return [...verifyRules, ...scanRules(), ...auditRules(), ...historyRules, ...canaryRules, ...archiveRules]
}

/** The rules of `audit`: lockfile hygiene, registry signals, advisories and the policy file. */
export function auditRules(): readonly RuleInfo[] {
  return [...inventoryRules, ...registryRules, ...advisoryRules, expiredIgnoreRule]
}

const expiredIgnoreRule: RuleInfo = {
  id: 'policy/expired-ignore',
  title: 'Expired ignore',
  short: 'An ignore in the policy file is past its expiry date and no longer applies.',
  motivation: 'Accepted risks are accepted for a time; an ignore that never expires hides a finding forever.',
  remediation: 'Review the finding it covered; renew the ignore with a new date and reason, or fix the cause.',
  defaultSeverity: 'low',
  defaultConfidence: 'high',
}

const matches = (pattern: string, id: string): boolean => {
  if (pattern === id) return true
  if (pattern.endsWith('/') || pattern.endsWith('/*')) return id.startsWith(pattern.replace(/\*$/, ''))
  if (pattern.includes('*')) return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(id)
  return false
}

/**
 * The rule ids a run enables: all, or only those `--rule` names, minus those `--skip-rule` names.
 * Patterns are ids, families (`npm/`, `npm/*`) or globs (`*obfusc*`); a pattern that names no
 * rule is a usage error, so a typo never silently disables a check.
 */
export function selectRules(known: readonly RuleInfo[], only: readonly string[] = [], skip: readonly string[] = []): Set<string> {
  for (const pattern of [...only, ...skip]) {
    if (!known.some((r) => matches(pattern, r.id))) {
      const near = known.filter((r) => r.id.includes(pattern.replace(/^[^/]*\//, '').slice(0, 6))).map((r) => r.id)
      throw new StagelightError('E_USAGE', `no rule matches ${JSON.stringify(pattern)}${near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : ''}; \`stagelight rules\` lists them`)
    }
  }
  return new Set(known.filter((r) => (only.length === 0 || only.some((p) => matches(p, r.id))) && !skip.some((p) => matches(p, r.id))).map((r) => r.id))
}
