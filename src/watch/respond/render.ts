/** @fileoverview `respond` answers as text for a person, JSON for tools, and a patch-ready list per inventory. */
import type { AffectedHolding, RespondResult } from './respond.js'

const group = (affected: readonly AffectedHolding[]): Map<string, AffectedHolding[]> => {
  const by = new Map<string, AffectedHolding[]>()
  for (const a of affected) by.set(a.inventory, [...(by.get(a.inventory) ?? []), a])
  return by
}

export function respondText(result: RespondResult): string {
  const lines: string[] = []
  const inventories = group(result.affected)
  lines.push(`${result.query}${result.advisory ? ` — ${result.advisory.summary} (${result.advisory.severity})` : ''}`)
  lines.push(`${inventories.size} of ${result.inventoriesSearched} inventories affected${result.unaffectedInventories ? `; ${result.unaffectedInventories} hold the package at an unaffected version` : ''}`)
  for (const [inventory, list] of inventories) {
    lines.push('', inventory)
    for (const a of list) {
      lines.push(`  ${a.name}@${a.version}${a.dev ? ' (dev)' : ''}  via ${a.path.join(' > ')}`)
      lines.push(`    rollback: ${a.rollback ?? 'none known'}   fix: ${a.fix ?? 'none known'}${a.latest && a.latest !== a.fix ? `   latest unaffected: ${a.latest}` : ''}`)
    }
  }
  return `${lines.join('\n')}\n`
}

export const respondJson = (result: RespondResult): string => `${JSON.stringify({ tool: 'stagelight', command: 'respond', ...result }, null, 2)}\n`

/**
 * One block per inventory, ready to apply: for npm, the `overrides` to add to package.json (they
 * pin transitive dependencies too) and the install command for direct ones; for Debian, the
 * apt-get command. The fix is preferred; the rollback when there is no fix.
 */
export function respondPatch(result: RespondResult): string {
  const out: string[] = []
  for (const [inventory, list] of group(result.affected)) {
    out.push(`# ${inventory}`)
    const npm = list.filter((a) => a.ecosystem === 'npm')
    const overrides: Record<string, string> = {}
    const direct: string[] = []
    const stuck: string[] = []
    for (const a of npm) {
      const to = a.fix ?? a.rollback
      if (!to) {
        stuck.push(`${a.name}@${a.version}`)
        continue
      }
      overrides[a.name] = to
      if (a.path.length === 1) direct.push(`${a.name}@${to}`)
    }
    if (direct.length > 0) out.push(`npm install --save-exact ${[...new Set(direct)].join(' ')}`)
    if (Object.keys(overrides).length > 0) out.push(`package.json "overrides": ${JSON.stringify(overrides)}`)
    const deb = list.filter((a) => a.ecosystem === 'deb')
    const pins = deb.flatMap((a) => {
      const to = a.fix ?? a.rollback
      if (!to) stuck.push(`${a.name}=${a.version}`)
      return to ? [`${a.name}=${to}`] : []
    })
    if (pins.length > 0) out.push(`apt-get install --allow-downgrades ${[...new Set(pins)].join(' ')}`)
    if (stuck.length > 0) out.push(`# no unaffected version known for: ${stuck.join(', ')}`)
    out.push('')
  }
  return out.join('\n')
}
