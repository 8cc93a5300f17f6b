import { createReadStream } from 'node:fs'
import type { Budget } from './limits.js'

const READ_CHUNK = 64 * 1024

/** A file's bytes in chunks; `onRead` counts what came off the disk. Closing the generator closes the file. */
export async function* fileChunks(path: string, onRead: (bytes: number) => void = () => undefined): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK })
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      onRead(chunk.length)
      yield chunk
    }
  } finally {
    stream.destroy()
  }
}

/** Passes decoded bytes on, charging each to the budget first: a bomb stops here, inside the decoder's pull. */
export async function* metered(input: AsyncIterable<Buffer>, budget: Budget): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    budget.produce(chunk.length)
    yield chunk
  }
}
