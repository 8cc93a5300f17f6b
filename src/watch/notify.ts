/**
 * @fileoverview Sends stored events that were not sent yet: a JSON webhook, an e-mail through SMTP
 * and a Markdown summary for an issue tracker. An event is marked sent only after every channel took it, so a channel that
 * is down gets the same events on the next round (at least once, never silently dropped). A
 * critical event about a release carries the answer of `respond` for that release.
 */
import { writeFile } from 'node:fs/promises'
import type { Severity } from '../model/finding.js'
import type { WatchContext } from './context.js'
import { sendEmail, type EmailChannel } from './email.js'
import type { WatchEvent } from './model.js'
import { respond, type RespondQuery, type RespondResult } from './respond/respond.js'

export interface Channels {
  /** POST one JSON document per batch here */
  readonly webhook?: string
  /** send the batch as one e-mail */
  readonly email?: EmailChannel
  /** write the batch as Markdown to this file (replaced each time) */
  readonly markdownFile?: string
  /** events below this are stored but not sent (default high) */
  readonly minSeverity?: Severity
}

export interface Notification {
  readonly tool: 'stagelight'
  readonly kind: 'watch-events'
  readonly events: readonly WatchEvent[]
  /** for each critical event about a release: who holds it and what to go back to */
  readonly responses: readonly RespondResult[]
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')

export function markdownSummary(events: readonly WatchEvent[], responses: readonly RespondResult[] = []): string {
  const lines = [`## stagelight watch: ${events.length} event${events.length === 1 ? '' : 's'}`, '', '| severity | release | analysis | finding |', '| --- | --- | --- | --- |']
  for (const e of events) lines.push(`| ${e.severity} | \`${escapeCell(e.target)}@${escapeCell(e.version)}\` | ${e.analysis} | ${escapeCell(e.message)} |`)
  for (const r of responses) {
    lines.push('', `### Who holds ${r.query}`, '')
    if (r.affected.length === 0) lines.push(`None of the ${r.inventoriesSearched} registered inventories.`)
    for (const a of r.affected) lines.push(`- **${a.inventory}**: ${a.name}@${a.version} via ${a.path.join(' › ')} — rollback ${a.rollback ?? 'none known'}, fix ${a.fix ?? 'none known'}`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * The releases a target's event is about, as respond queries; only package ecosystems have
 * inventories to search. A Debian source package is asked for by the binary packages built from it
 * (as its Sources index lists them), which are what dpkg status files hold.
 */
async function releaseQueries(e: WatchEvent, context: WatchContext): Promise<RespondQuery[]> {
  const [kind, ...rest] = e.target.split(':')
  const name = rest.join(':')
  if (kind === 'npm' || kind === 'deb') return [{ kind: 'release', ecosystem: kind, name, versions: [e.version] }]
  if (kind !== 'debian') return []
  const facts = (await context.store.release(e.target, e.version))?.facts
  const binaries = Array.isArray(facts?.binaries) ? facts.binaries.filter((b): b is string => typeof b === 'string') : []
  const names = binaries.length > 0 ? binaries : [rest[0] ?? '']
  return names.map((binary) => ({ kind: 'release', ecosystem: 'deb', name: binary, versions: [e.version] }))
}

export async function notifyPending(context: WatchContext, channels: Channels): Promise<number> {
  if (!channels.webhook && !channels.email && !channels.markdownFile) return 0
  const events = await context.store.unnotified(channels.minSeverity ?? 'high')
  if (events.length === 0) return 0
  const responses: RespondResult[] = []
  const asked = new Set<string>()
  for (const e of events) {
    if (e.severity !== 'critical' || asked.has(`${e.target}@${e.version}`)) continue
    asked.add(`${e.target}@${e.version}`)
    const queries = await releaseQueries(e, context)
    const answers: RespondResult[] = []
    for (const query of queries) answers.push(await respond(context.store, query))
    // one package: its answer, held or not; the binaries of a source package: those someone holds
    responses.push(...(queries.length === 1 ? answers : answers.filter((a) => a.affected.length > 0)))
  }
  const body: Notification = { tool: 'stagelight', kind: 'watch-events', events, responses }
  if (channels.webhook) {
    const response = await fetch(channels.webhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) })
    if (!response.ok) throw new Error(`webhook ${new URL(channels.webhook).host} answered HTTP ${response.status}; the events will be sent again`)
  }
  if (channels.email) await sendEmail(channels.email, events, responses)
  if (channels.markdownFile) await writeFile(channels.markdownFile, markdownSummary(events, responses))
  await context.store.markNotified(events.map((e) => e.id))
  return events.length
}
