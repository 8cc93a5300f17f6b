/**
 * A release host on loopback: serves the files of a directory, answers a directory path with an
 * HTML index like a web server's automatic listing, and records every request it sees.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { join, normalize } from 'node:path'

export interface FileServer {
  readonly url: string
  readonly host: string
  readonly requests: { method: string; path: string }[]
  close(): Promise<void>
}

export async function startFileServer(root: string): Promise<FileServer> {
  const requests: FileServer['requests'] = []
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    requests.push({ method: req.method ?? 'GET', path })
    const file = join(root, normalize(path).replace(/^(\.\.[/\\])+/, ''))
    const info = statSync(file, { throwIfNoEntry: false })
    if (info?.isDirectory()) {
      const links = readdirSync(file).map((name) => `<a href="${encodeURIComponent(name)}">${name}</a>`)
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body><h1>Index of ${path}</h1><a href="../">../</a>\n${links.join('\n')}</body></html>`)
      return
    }
    if (!info?.isFile()) {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': info.size })
    if (req.method === 'HEAD') res.end()
    else createReadStream(file).pipe(res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  }
}
