/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every message it accepts,
 * parsed. It can be told to refuse messages, as a full or misconfigured mail server does.
 */
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface SmtpSink {
  readonly url: string
  readonly port: number
  readonly messages: { envelope: { from: string; to: string[] }; mail: ParsedMail; raw: string }[]
  /** refuse the next n messages with a permanent error */
  refuseNext(n: number): void
  close(): Promise<void>
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SmtpSink['messages'] = []
  let refusing = 0
  const server = new SMTPServer({
    // a local sink: no TLS to offer, no login to ask
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        if (refusing > 0) {
          refusing--
          const err = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 })
          callback(err)
          return
        }
        const raw = Buffer.concat(chunks).toString('utf8')
        const envelope = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) }
        simpleParser(raw).then(
          (mail) => {
            messages.push({ envelope, mail, raw })
            callback()
          },
          (err: Error) => callback(err),
        )
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    refuseNext: (n) => void (refusing = n),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
