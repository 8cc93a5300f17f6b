/**
 * Pulls delimited records and fixed-size blocks out of a stream of chunks without joining the
 * whole stream, so git output of any length is parsed in bounded memory (one record at a time).
 */
export class ByteReader {
  readonly #source: AsyncIterator<Buffer>
  #chunks: Buffer[] = []
  #buffered = 0
  #ended = false

  constructor(source: AsyncIterable<Buffer>) {
    this.#source = source[Symbol.asyncIterator]()
  }

  async #fill(): Promise<boolean> {
    if (this.#ended) return false
    const next = await this.#source.next()
    if (next.done) {
      this.#ended = true
      return false
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)
    if (chunk.length > 0) {
      this.#chunks.push(chunk)
      this.#buffered += chunk.length
    }
    return true
  }

  #take(n: number): Buffer {
    const first = this.#chunks[0]
    let out: Buffer
    if (first && first.length >= n) {
      out = first.subarray(0, n)
      if (first.length === n) this.#chunks.shift()
      else this.#chunks[0] = first.subarray(n)
    } else {
      const all = Buffer.concat(this.#chunks, this.#buffered)
      out = all.subarray(0, n)
      this.#chunks = all.length > n ? [all.subarray(n)] : []
    }
    this.#buffered -= n
    return out
  }

  #indexOf(byte: number, from: number): number {
    let offset = 0
    for (const chunk of this.#chunks) {
      if (offset + chunk.length > from) {
        const i = chunk.indexOf(byte, Math.max(0, from - offset))
        if (i >= 0) return offset + i
      }
      offset += chunk.length
    }
    return -1
  }

  /** The bytes up to (not including) the next `delimiter`, which is consumed; at the end, the rest or undefined. */
  async readUntil(delimiter: number): Promise<Buffer | undefined> {
    let searched = 0
    for (;;) {
      const at = this.#indexOf(delimiter, searched)
      if (at >= 0) {
        const record = this.#take(at)
        this.#take(1)
        return record
      }
      searched = this.#buffered
      if (!(await this.#fill())) return this.#buffered > 0 ? this.#take(this.#buffered) : undefined
    }
  }

  /** Exactly `n` bytes, or undefined when the stream ends first. */
  async readExactly(n: number): Promise<Buffer | undefined> {
    while (this.#buffered < n) if (!(await this.#fill())) return undefined
    return Buffer.from(this.#take(n))
  }

  /** Releases the source (the generator's `return`), for early exits. */
  async close(): Promise<void> {
    await this.#source.return?.()
  }
}
