/**
 * @fileoverview One HTTP request as audit makes it: redirects followed by hand and only to the host
 * asked (or hosts the caller names), never from https to http; the body read with a size cap, so a
 * hostile or broken server cannot make audit hold gigabytes; a time-out for the whole exchange.
 */
import { open } from 'node:fs/promises'

export interface BoundedRequest {
  readonly method?: 'GET' | 'POST'
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
  /** the body may not exceed this many bytes */
  readonly maxBytes: number
  /** for the whole exchange, redirects and body included */
  readonly timeoutMs: number
  /** hosts (`host:port`) a redirect may lead to besides the one asked */
  readonly redirectHosts?: readonly string[]
  /** redirects followed at most (default 5) */
  readonly maxRedirects?: number
}

export interface BoundedResponse {
  readonly status: number
  readonly url: string
  readonly headers: Headers
  /** empty for statuses other than 2xx (the body is not read) */
  readonly body: Buffer
}

/** Why a request was refused or failed, and whether trying again could help. */
export class HttpError extends Error {
  readonly retryable: boolean
  readonly status: number | undefined
  constructor(message: string, retryable: boolean, status?: number) {
    super(message)
    this.name = 'HttpError'
    this.retryable = retryable
    this.status = status
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** `https://user:secret@host/path?x` → `https://host/path`: how a URL is named in messages. */
export const shownUrl = (url: URL): string => `${url.protocol}//${url.host}${url.pathname}`

/** A response body, read chunk by chunk and abandoned as soon as it passes the cap. */
async function readCapped(response: Response, maxBytes: number, url: URL): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    throw new HttpError(`${shownUrl(url)} announced ${declared} bytes, more than the ${maxBytes}-byte limit`, false)
  }
  if (!response.body) return Buffer.alloc(0)
  const reader = response.body.getReader()
  const chunks: Buffer[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new HttpError(`${shownUrl(url)} sent more than the ${maxBytes}-byte limit`, false)
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength))
  }
  return Buffer.concat(chunks, size)
}

/** Sends the request and follows redirects within the allowed hosts; the final response's body is left unread. */
async function follow(target: string, request: Omit<BoundedRequest, 'maxBytes'>, signal: AbortSignal): Promise<{ response: Response; url: URL }> {
  const origin = new URL(target)
  const allowed = new Set([origin.host.toLowerCase(), ...(request.redirectHosts ?? []).map((h) => h.toLowerCase())])
  const maxRedirects = request.maxRedirects ?? 5
  let url = origin
  let method = request.method ?? 'GET'
  let body = request.body
  for (let hop = 0; ; hop++) {
    const response = await fetch(url, { method, headers: request.headers ?? {}, ...(body !== undefined ? { body } : {}), redirect: 'manual', signal })
    if (!REDIRECTS.has(response.status)) return { response, url }
    await response.body?.cancel().catch(() => undefined)
    const location = response.headers.get('location')
    if (!location) throw new HttpError(`${shownUrl(url)} answered HTTP ${response.status} without a Location`, false, response.status)
    if (hop >= maxRedirects) throw new HttpError(`${shownUrl(origin)}: more than ${maxRedirects} redirects`, false, response.status)
    const next = new URL(location, url)
    if (!allowed.has(next.host.toLowerCase())) throw new HttpError(`${shownUrl(url)} redirected to another host (${next.host}); not followed`, false, response.status)
    if (url.protocol === 'https:' && next.protocol !== 'https:') throw new HttpError(`${shownUrl(url)} redirected from https to ${next.protocol}; not followed`, false, response.status)
    // 303 (and, as browsers do, 301/302 after a POST) turn into a GET without a body
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET'
      body = undefined
    }
    url = next
  }
}

/** One request; 2xx bodies are read (capped), other statuses are answered without their body. */
export async function boundedRequest(target: string, request: BoundedRequest): Promise<BoundedResponse> {
  const signal = AbortSignal.timeout(request.timeoutMs)
  const { response, url } = await follow(target, request, signal)
  if (response.status < 200 || response.status >= 300) {
    await response.body?.cancel().catch(() => undefined)
    return { status: response.status, url: url.href, headers: response.headers, body: Buffer.alloc(0) }
  }
  return { status: response.status, url: url.href, headers: response.headers, body: await readCapped(response, request.maxBytes, url) }
}

export interface DownloadResult {
  readonly status: number
  readonly url: string
  readonly headers: Headers
  /** bytes written (2xx only) */
  readonly bytes: number
}

/**
 * One GET whose 2xx body is streamed into `file` (never held in memory), passing each chunk to
 * `onChunk` (for hashes) and stopping at the cap; other statuses write nothing.
 */
export async function boundedDownload(target: string, file: string, request: BoundedRequest & { readonly onChunk?: (chunk: Uint8Array) => void }): Promise<DownloadResult> {
  const signal = AbortSignal.timeout(request.timeoutMs)
  const { response, url } = await follow(target, request, signal)
  if (response.status < 200 || response.status >= 300 || !response.body) {
    await response.body?.cancel().catch(() => undefined)
    return { status: response.status, url: url.href, headers: response.headers, bytes: 0 }
  }
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > request.maxBytes) {
    await response.body.cancel().catch(() => undefined)
    throw new HttpError(`${shownUrl(url)} announced ${declared} bytes, more than the ${request.maxBytes}-byte limit`, false)
  }
  const handle = await open(file, 'w')
  let bytes = 0
  try {
    const reader = response.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      bytes += value.byteLength
      if (bytes > request.maxBytes) {
        await reader.cancel().catch(() => undefined)
        throw new HttpError(`${shownUrl(url)} sent more than the ${request.maxBytes}-byte limit`, false)
      }
      request.onChunk?.(value)
      await handle.write(value)
    }
  } finally {
    await handle.close()
  }
  return { status: response.status, url: url.href, headers: response.headers, bytes }
}
