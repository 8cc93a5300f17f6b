import { createGunzip } from 'node:zlib'
import { PassThrough, Readable, Transform } from 'node:stream'
import { Decompress } from 'fzstd'
import tarStream from 'tar-stream'
import unbzip2Stream from 'unbzip2-stream'
import xzDecompress from 'xz-decompress'
import type { EntryKind } from '../../model/tree.js'
import type { Compression } from './detect.js'
import type { RawEntry } from './raw.js'

function zstdTransform(): Transform {
  const output: Buffer[] = []
  const decoder = new Decompress((data) => {
    output.push(Buffer.from(data))
  })
  const flushTo = (t: Transform) => {
    for (const chunk of output.splice(0)) t.push(chunk)
  }
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        decoder.push(chunk)
        flushTo(this)
        done()
      } catch (err) {
        done(err as Error)
      }
    },
    flush(done) {
      try {
        decoder.push(new Uint8Array(0), true)
        flushTo(this)
        done()
      } catch (err) {
        done(err as Error)
      }
    },
  })
}

/** The decompressed byte stream; decoder errors are forwarded so the reader's iterator rejects. */
export function decompress(input: Readable, compression: Compression): Readable {
  switch (compression) {
    case 'none':
      return input
    case 'gzip':
      return forward(input, input.pipe(createGunzip()))
    case 'zstd':
      return forward(input, input.pipe(zstdTransform()))
    case 'bzip2': {
      const decoder = unbzip2Stream()
      const out = new PassThrough()
      input.pipe(decoder).pipe(out)
      decoder.on('error', (err: Error) => out.destroy(err))
      return forward(input, out)
    }
    case 'xz':
      return forward(input, Readable.fromWeb(new xzDecompress.XzReadableStream(Readable.toWeb(input) as ReadableStream<Uint8Array>) as import('node:stream/web').ReadableStream<Uint8Array>))
  }
}

function forward(from: Readable, to: Readable): Readable {
  from.on('error', (err) => to.destroy(err))
  return to
}

const KIND: Record<string, EntryKind> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'device',
  'block-device': 'device',
  fifo: 'fifo',
}

/** Entries of a tar stream, in order. The caller must consume or drain each body before asking for the next. */
export async function* readTar(stream: Readable): AsyncGenerator<RawEntry> {
  // automake's default dist format is v7 tar, without the ustar magic
  const extract = tarStream.extract({ allowUnknownFormat: true } as unknown as Parameters<typeof tarStream.extract>[0])
  stream.on('error', (err) => extract.destroy(err))
  stream.pipe(extract)
  try {
    for await (const entry of extract) {
      const h = entry.header
      const kind = KIND[h.type ?? 'file'] ?? 'other'
      const pax = (h as { pax?: Record<string, string> }).pax
      const overrides = pax ? ['path', 'linkpath', 'size'].filter((k) => k in pax) : []
      yield {
        name: h.name,
        kind,
        mode: (h.mode ?? 0) & 0o7777,
        size: h.size ?? 0,
        ...(h.linkname ? { linkTarget: h.linkname } : {}),
        ...(kind === 'file' ? { body: entry as AsyncIterable<Buffer> } : {}),
        ...(overrides.length ? { paxOverrides: overrides } : {}),
      }
      entry.resume()
    }
  } finally {
    stream.unpipe(extract)
    stream.destroy()
    extract.destroy()
  }
}
