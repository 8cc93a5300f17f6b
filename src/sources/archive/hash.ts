import { createHash, type Hash } from 'node:crypto'

/** Digests a file's bytes as they stream past, keeping them only up to a limit. */
export class StreamingDigest {
  private readonly sha256: Hash = createHash('sha256')
  private readonly sha1: Hash
  private readonly kept: Buffer[] = []
  private keptBytes = 0
  private seen = 0
  private readonly keepLimit: number
  readonly declaredSize: number

  constructor(declaredSize: number, keepLimit: number) {
    this.declaredSize = declaredSize
    this.keepLimit = declaredSize <= keepLimit ? keepLimit : 0
    this.sha1 = createHash('sha1').update(`blob ${declaredSize}\0`)
  }

  update(chunk: Buffer): void {
    this.sha256.update(chunk)
    this.sha1.update(chunk)
    this.seen += chunk.length
    if (this.keptBytes + chunk.length <= this.keepLimit) {
      this.kept.push(chunk)
      this.keptBytes += chunk.length
    }
  }

  get bytes(): number {
    return this.seen
  }

  finish(): { sha256: string; gitBlob: string; content?: Buffer } {
    const sha256 = this.sha256.digest('hex')
    // A size field that lies (zip, PAX) would make the blob id wrong: recompute it from the bytes seen.
    const gitBlob = this.seen === this.declaredSize ? this.sha1.digest('hex') : ''
    const content = this.keepLimit > 0 && this.keptBytes === this.seen ? Buffer.concat(this.kept) : undefined
    return { sha256, gitBlob, ...(content ? { content } : {}) }
  }
}

export function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}
