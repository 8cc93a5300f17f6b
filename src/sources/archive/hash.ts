import { createHash, type Hash } from 'node:crypto'

/** The git blob object id of some bytes: sha1 over `blob <size>\0` followed by the bytes. */
export function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

export interface Digests {
  readonly size: number
  readonly sha256: string
  readonly gitBlob: string
  readonly content?: Buffer
}

/**
 * Digests bytes as they stream past. The git blob header needs the size before the bytes, so
 * the declared size is trusted up front and checked by `matchesDeclaredSize()` at the end.
 */
export class ContentDigest {
  private readonly sha256: Hash = createHash('sha256')
  private readonly sha1: Hash
  private readonly kept: Buffer[] | undefined
  private seen = 0
  readonly declaredSize: number

  constructor(declaredSize: number, maxContentBytes: number) {
    this.declaredSize = declaredSize
    this.sha1 = createHash('sha1').update(`blob ${declaredSize}\0`)
    this.kept = declaredSize <= maxContentBytes ? [] : undefined
  }

  get bytes(): number {
    return this.seen
  }

  update(chunk: Buffer): void {
    this.sha256.update(chunk)
    this.sha1.update(chunk)
    this.seen += chunk.length
    if (this.kept && this.seen <= this.declaredSize) this.kept.push(chunk)
  }

  matchesDeclaredSize(): boolean {
    return this.seen === this.declaredSize
  }

  finish(): Digests {
    const digests = { size: this.seen, sha256: this.sha256.digest('hex'), gitBlob: this.sha1.digest('hex') }
    return this.kept ? { ...digests, content: Buffer.concat(this.kept) } : digests
  }
}

/** Digests of bytes already in memory (a symlink target). */
export function digestsOf(bytes: Buffer): Digests {
  return { size: bytes.length, sha256: sha256Hex(bytes), gitBlob: gitBlobId(bytes) }
}
