/** A webhook receiver on loopback that keeps every JSON body POSTed to it; it can be told to fail. */
import { createServer } from 'node:http'

export interface Webhook {
  readonly url: string
  readonly bodies: unknown[]
  /** answer 503 to the next n requests */
  failNext(n: number): void
  close(): Promise<void>
}

export async function startWebhook(): Promise<Webhook> {
  const bodies: unknown[] = []
  let failing = 0
  const server = createServer((req, res) => {
    let data = ''
    req.on('data', (c: Buffer) => (data += c.toString('utf8')))
    req.on('end', () => {
      if (failing > 0) {
        failing--
        res.writeHead(503).end()
        return
      }
      bodies.push(JSON.parse(data))
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    failNext: (n) => void (failing = n),
    close: () => new Promise((r) => server.close(() => r())),
  }
}
