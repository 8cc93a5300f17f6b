/**
 * @fileoverview The e-mail channel: one message per batch of new events, sent through the SMTP
 * server an `smtp://` or `smtps://` URL names (nodemailer does the protocol, STARTTLS and auth).
 * The subject carries the worst severity so a mail filter can route it; each event links to its
 * stored report.
 */
import { hostname } from 'node:os'
import nodemailer from 'nodemailer'
import { severityRank, type Severity } from '../model/finding.js'
import { StagelightError } from '../errors.js'
import type { WatchEvent } from './model.js'
import type { RespondResult } from './respond/respond.js'

export interface EmailChannel {
  /** `smtp://user:password@host:587` (STARTTLS when offered), `smtps://host:465`; nodemailer's query options allowed */
  readonly smtpUrl: string
  readonly to: readonly string[]
  readonly from?: string
  /** where `watch serve` is reached: each event links to `<dashboard>/report?job=…`; else the command that prints the report */
  readonly dashboardUrl?: string
}

/** Checks an SMTP URL without connecting: a usage error names what is wrong, never the password. */
export function checkSmtpUrl(url: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new StagelightError('E_USAGE', 'the SMTP URL is not a URL: expected smtp://[user:password@]host[:port] or smtps://…')
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new StagelightError('E_USAGE', `the SMTP URL must start with smtp:// or smtps://, not ${parsed.protocol}//`)
  if (!parsed.hostname) throw new StagelightError('E_USAGE', 'the SMTP URL names no host')
}

/** The link to an event's stored report. */
export function reportLink(job: string, dashboardUrl: string | undefined): string {
  if (!dashboardUrl) return `stagelight watch report '${job.replace(/'/g, `'\\''`)}'`
  const url = new URL('report', dashboardUrl.endsWith('/') ? dashboardUrl : `${dashboardUrl}/`)
  url.searchParams.set('job', job)
  return url.toString()
}

const worstOf = (events: readonly WatchEvent[]): Severity => events.reduce<Severity>((w, e) => (severityRank(e.severity) > severityRank(w) ? e.severity : w), 'info')

/** Analysed content goes into a mail: control characters are shown, not sent (no header or terminal tricks). */
const visible = (text: string): string => text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
const oneLine = (text: string): string => visible(text.replace(/\r?\n/g, ' '))

export function emailSubject(events: readonly WatchEvent[]): string {
  const releases = [...new Set(events.map((e) => `${e.target}@${e.version}`))]
  const about = releases.length === 1 ? releases[0]! : `${releases.length} releases`
  return oneLine(`[stagelight] ${worstOf(events)}: ${events.length} event${events.length === 1 ? '' : 's'} about ${about}`).slice(0, 200)
}

export function emailText(events: readonly WatchEvent[], responses: readonly RespondResult[], dashboardUrl: string | undefined): string {
  const ordered = [...events].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
  const lines: string[] = []
  for (const e of ordered) {
    lines.push(`${e.severity.toUpperCase()}  ${oneLine(`${e.target}@${e.version}`)}  (${e.analysis}, ${e.ruleId})`, `  ${oneLine(e.message)}`)
    if (e.evidence) lines.push(`  evidence: ${oneLine(e.evidence).slice(0, 300)}`)
    lines.push(`  report: ${reportLink(e.job, dashboardUrl)}`, '')
  }
  for (const r of responses) {
    lines.push(`Who holds ${oneLine(r.query)}:`)
    if (r.affected.length === 0) lines.push(`  none of the ${r.inventoriesSearched} registered inventories`)
    for (const a of r.affected) lines.push(`  ${oneLine(a.inventory)}: ${oneLine(`${a.name}@${a.version}`)} via ${oneLine(a.path.join(' > '))}; rollback ${a.rollback ?? 'none known'}, fix ${a.fix ?? 'none known'}`)
    lines.push('')
  }
  return `${lines.join('\n')}\n`
}

/** Sends one message; throws (naming the server, never the password) when the server does not accept it. */
export async function sendEmail(channel: EmailChannel, events: readonly WatchEvent[], responses: readonly RespondResult[]): Promise<void> {
  const server = new URL(channel.smtpUrl)
  const transport = nodemailer.createTransport(channel.smtpUrl, { from: channel.from ?? `stagelight <stagelight@${hostname()}>` })
  try {
    await transport.sendMail({
      to: [...channel.to],
      subject: emailSubject(events),
      text: emailText(events, responses, channel.dashboardUrl),
      headers: { 'X-Stagelight-Severity': worstOf(events) },
    })
  } catch (err) {
    throw new Error(`e-mail through ${server.hostname}:${server.port || (server.protocol === 'smtps:' ? 465 : 587)} failed: ${(err as Error).message.split('\n')[0]}; the events will be sent again`, { cause: err })
  } finally {
    transport.close()
  }
}
