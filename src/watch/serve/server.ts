/**
 * @fileoverview `watch serve`: a read-only dashboard over the watch store, on node:http. It answers
 * GET and HEAD only; with a token, the few writes (POST /retry-dead) need `Authorization: Bearer`.
 * Bound to loopback by default, and then it answers only requests addressed to loopback names, so
 * a web page elsewhere cannot reach it through a rebound DNS name.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AdvisoryStore } from '../../audit/advisories/index.js'
import { StagelightError } from '../../errors.js'
import { isSeverity } from '../../model/finding.js'
import { parseRespondQuery, respond } from '../respond/respond.js'
import type { WatchStore } from '../store/store.js'
import { CSP, eventsPage, page, reportPage, respondPage, targetPage, targetsPage, text } from './html.js'

export interface ServeOptions {
  /** default 127.0.0.1 */
  readonly host?: string
  /** 0 picks a free port */
  readonly port?: number
  /** when set, writes are allowed to requests bearing it */
  readonly token?: string
  readonly advisories?: AdvisoryStore
  /** at most this many events on a page */
  readonly limit?: number
}

export interface RunningDashboard {
  readonly url: string
  readonly server: Server
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

const HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
}

function send(res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body), ...extra })
  res.end(res.req.method === 'HEAD' ? undefined : body)
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest()

/** 'ok', or why the request may not write: no token given (401) or a wrong one (403). */
function authorise(req: IncomingMessage, token: string): 'ok' | 401 | 403 {
  const header = req.headers.authorization ?? ''
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!match) return 401
  // equal-length digests: the comparison takes the same time whatever the guess
  return timingSafeEqual(digest(match[1]!), digest(token)) ? 'ok' : 403
}

/** The host name of a Host header, without port or IPv6 brackets. */
const hostName = (header: string | undefined): string => (header ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase()

async function getPage(store: WatchStore, url: URL, options: ServeOptions): Promise<[number, string]> {
  const limit = options.limit ?? 500
  switch (url.pathname) {
    case '/':
      return [200, targetsPage(await store.targets(), await store.jobCounts())]
    case '/events': {
      const severity = url.searchParams.get('severity') ?? ''
      if (severity !== '' && !isSeverity(severity)) return [400, page('Bad request', `<p>Unknown severity ${text(severity)}: one of info, low, medium, high, critical.</p>`)]
      return [200, eventsPage(await store.events({ limit, ...(severity ? { minSeverity: severity } : {}) }), severity || undefined, limit)]
    }
    case '/target': {
      const key = url.searchParams.get('key') ?? ''
      const target = await store.target(key)
      if (!target) return [404, page('Not watched', `<p>No target ${text(key)}.</p>`)]
      return [200, targetPage(target, await store.releases(key), await store.events({ target: key, limit }))]
    }
    case '/report': {
      const job = url.searchParams.get('job') ?? ''
      const report = await store.report(job)
      if (!report) return [404, page('No report', `<p>No stored report for job ${text(job)}.</p>`)]
      return [200, reportPage(job, report)]
    }
    case '/respond': {
      const query = url.searchParams.get('q') ?? ''
      if (query.trim() === '') return [200, respondPage('', undefined, undefined)]
      try {
        const result = await respond(store, parseRespondQuery(query), options.advisories ? { advisories: options.advisories } : {})
        return [200, respondPage(query, result, undefined)]
      } catch (err) {
        if (err instanceof StagelightError) return [400, respondPage(query, undefined, err.message)]
        throw err
      }
    }
    default:
      return [404, page('Not found', `<p>Nothing at ${text(url.pathname)}.</p>`)]
  }
}

async function handle(store: WatchStore, options: ServeOptions, loopbackOnly: boolean, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (loopbackOnly && !LOOPBACK.has(hostName(req.headers.host))) return send(res, 421, 'this dashboard answers only to 127.0.0.1, ::1 or localhost\n', 'text/plain; charset=utf-8')
  const url = new URL(req.url ?? '/', 'http://dashboard.invalid')
  const method = req.method ?? 'GET'
  if (method === 'GET' || method === 'HEAD') {
    const [status, body] = await getPage(store, url, options)
    return send(res, status, body)
  }
  const allow = { allow: 'GET, HEAD' }
  if (!options.token) return send(res, 405, 'read-only: start watch serve with --token to allow writes\n', 'text/plain; charset=utf-8', allow)
  if (method !== 'POST' || url.pathname !== '/retry-dead') return send(res, 405, 'the only write is POST /retry-dead\n', 'text/plain; charset=utf-8', allow)
  const auth = authorise(req, options.token)
  if (auth !== 'ok') return send(res, auth, auth === 401 ? 'a bearer token is needed\n' : 'wrong token\n', 'text/plain; charset=utf-8', auth === 401 ? { 'www-authenticate': 'Bearer' } : {})
  const requeued = await store.requeueDead()
  return send(res, 200, `${JSON.stringify({ requeued })}\n`, 'application/json')
}

/** Starts the dashboard; the URL it answers on (with the chosen port when 0 was asked) is returned. */
export async function serveDashboard(store: WatchStore, options: ServeOptions = {}): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1'
  const loopbackOnly = LOOPBACK.has(host)
  const server = createServer((req, res) => {
    // a request body is never read: drain it so the connection can be reused
    req.resume()
    handle(store, options, loopbackOnly, req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, page('Error', `<p>${text((err as Error).message)}</p>`))
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new StagelightError('E_USAGE', `cannot listen on ${host}:${options.port ?? 0}: ${err.message}`, {}, { cause: err })))
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
