import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Finding, Severity } from '../../src/model/finding.js'
import { analyseText, CHAIN_RULE_ID } from '../../src/rules/engine.js'

export const context = { paths: new Set<string>() }

export const findingsOf = (path: string, text: string): Finding[] => analyseText(path, text, context)

/** `ruleId:severity` of every finding, for compact assertions. */
export const summary = (path: string, text: string): string[] => findingsOf(path, text).map((f) => `${f.ruleId}:${f.severity}`)

/** The findings of one rule as the rule itself rates them, before the chain correlation raises any. */
export const hitsOf = (ruleId: string, path: string, text: string): Finding[] =>
  analyseText(path, text, context, { skip: [CHAIN_RULE_ID] }).filter((f) => f.ruleId === ruleId)

export const severities = (ruleId: string, path: string, text: string): Severity[] => hitsOf(ruleId, path, text).map((f) => f.severity)

export const RANK: Readonly<Record<Severity, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 }

export const maxSeverity = (findings: readonly Finding[]): Severity | undefined =>
  findings.reduce<Severity | undefined>((m, f) => (m === undefined || RANK[f.severity] > RANK[m] ? f.severity : m), undefined)

/** Files under a root (or the root itself when it is a file), in a stable order. */
export function walkFiles(root: string): string[] {
  if (!existsSync(root)) return []
  if (!statSync(root).isDirectory()) return [root]
  return readdirSync(root)
    .sort()
    .flatMap((name) => walkFiles(join(root, name)))
}

/** One rule on cases written for it: each positive raises `severity`, each look-alike nothing. */
export function ruleCases(ruleId: string, severity: Severity, positives: readonly (readonly [string, string])[], negatives: readonly (readonly [string, string])[]): void {
  describe(ruleId, () => {
    for (const [name, text] of positives) {
      it(`is ${severity} for ${name}`, () => {
        expect(hitsOf(ruleId, name, text).map((h) => h.severity)).toContain(severity)
      })
    }
    for (const [name, text] of negatives) {
      it(`is silent on ${name}`, () => {
        expect(hitsOf(ruleId, name, text)).toEqual([])
      })
    }
  })
}
