/**
 * @fileoverview Entries of a tar stream, read with tar-stream behind the framer. The stream is
 * pumped into the extractor by a loop that owns every upstream error: whatever fails there
 * (file, decoder, framer, limit) destroys the extractor with that error, so the iterator the
 * caller awaits rejects with it. Nothing is written to disk.
 */
import tarStream from 'tar-stream'
import type { EntryKind } from '../../model/tree.js'
import { asDataError, DataError } from './failures.js'
import { globalPaxOverride, paxOverride, trailingData, unsafeName } from './issues.js'
import { judgeName } from './paths.js'
import type { RawEntry, SourceContext } from './raw.js'
import { TarFramer, type FramedEntry } from './tar-frame.js'

const KIND: Readonly<Record<string, EntryKind>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'device',
  'block-device': 'device',
  fifo: 'fifo',
}

/** Header fields as tar-stream sets them, including those its type declarations leave out. */
type ExtractedHeader = Omit<tarStream.Header, 'type' | 'linkname'> & {
  /** null for types tar-stream does not name (GNU sparse files, volume labels) */
  readonly type: tarStream.Header['type'] | null
  readonly linkname: string | null
  readonly byteOffset?: number
}

/** The part of tar-stream's (streamx) writable the pump relies on. */
interface Sink {
  write(chunk: Buffer): boolean
  end(): void
  destroy(err?: Error): void
  readonly destroyed: boolean
  once(event: 'drain' | 'close', listener: () => void): void
  off(event: 'drain' | 'close', listener: () => void): void
}

class Stopped extends Error {}

function write(sink: Sink, chunk: Buffer): Promise<void> | undefined {
  if (sink.destroyed) throw new Stopped()
  if (sink.write(chunk)) return undefined
  return new Promise((resolve) => {
    const done = () => {
      sink.off('drain', done)
      sink.off('close', done)
      resolve()
    }
    sink.once('drain', done)
    sink.once('close', done)
  })
}

// What a plain header field holds without help. Writers differ on when they use the ustar
// prefix field, so only a short ASCII value counts as never needing an extension header.
const fitsPlainField = (value: string): boolean => /^[\x20-\x7e]*$/.test(value) && value.length <= 100
const MAX_OCTAL_SIZE = 8 ** 11 - 1
const withoutTrailingSlash = (name: string): string => name.replace(/\/+$/, '')

/**
 * Overrides a reader ignoring extension headers would not see, where the plain header could
 * have held the real value: legitimate writers only add PAX or GNU records when it cannot.
 */
export function hiddenOverrides(framed: FramedEntry, header: ExtractedHeader): string[] {
  const found: string[] = []
  const name = header.name
  if (withoutTrailingSlash(name) !== withoutTrailingSlash(framed.stored.name) && fitsPlainField(name)) {
    found.push(`path: stored as ${JSON.stringify(framed.stored.name)}, read as ${JSON.stringify(name)}`)
  }
  const link = header.linkname ?? ''
  if (link !== framed.stored.linkname && fitsPlainField(link)) {
    found.push(`linkpath: stored as ${JSON.stringify(framed.stored.linkname)}, read as ${JSON.stringify(link)}`)
  }
  const size = header.size
  if (size !== framed.stored.size && size <= MAX_OCTAL_SIZE) found.push(`size: stored as ${framed.stored.size}, read as ${size}`)
  return found
}

const overrideSource = (framed: FramedEntry): string => (framed.pax ? 'a PAX header' : 'a GNU long-name header')

/** Reads a body to its end; errors from upstream surface here as data errors. */
async function* guarded(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body) yield chunk
  } catch (err) {
    throw asDataError(err)
  }
}

/** Entries of an uncompressed tar byte stream. */
export async function* readTar(data: AsyncIterable<Buffer>, context: SourceContext): AsyncGenerator<RawEntry, void, undefined> {
  // automake's default dist format is v7 tar, without the ustar magic
  const extract = tarStream.extract({ allowUnknownFormat: true } as Parameters<typeof tarStream.extract>[0])
  const sink = extract as unknown as Sink
  const framer = new TarFramer((keys) => context.report(globalPaxOverride(keys)))
  let stopped = false
  let failure: unknown

  let ended = false
  const end = () => {
    if (ended) return
    ended = true
    sink.end()
  }
  const pump = (async () => {
    for await (const chunk of data) {
      for (const part of framer.push(chunk)) await write(sink, part)
      // a block that cannot be framed comes after whole entries: let the extractor finish those first
      if (framer.failure) {
        end()
        throw framer.failure
      }
      if (framer.ended) end()
      if (stopped) return
    }
    if (framer.atEntryBoundary) end()
    framer.finish()
    end()
  })().catch((err: unknown) => {
    if (stopped || err instanceof Stopped) return
    failure = asDataError(err)
    if (!ended) sink.destroy(failure as Error)
  })

  try {
    for await (const entry of extract) {
      const header = entry.header as unknown as ExtractedHeader
      const framed = framer.nextEntry()
      if (!framed || framed.dataOffset !== header.byteOffset) throw new DataError(`tar framing disagrees with the extractor at ${JSON.stringify(header.name)}`)
      if (framed.pax || framed.longPath !== undefined || framed.longLink !== undefined) {
        const overrides = hiddenOverrides(framed, header)
        if (overrides.length > 0) context.report(paxOverride(header.name, overrides, overrideSource(framed)))
        // a reader ignoring the extension header would use the stored name: judge it too
        const stored = judgeName(framed.stored.name)
        if (!stored.ok && framed.stored.name !== header.name) context.report(unsafeName(framed.stored.name, stored.code, `${stored.reason}, in the plain header`))
      }
      const kind = KIND[header.type ?? ''] ?? 'other'
      yield {
        name: header.name,
        kind,
        mode: header.mode & 0o7777,
        size: kind === 'file' ? header.size : 0,
        ...(kind === 'symlink' || kind === 'hardlink' ? { linkTarget: header.linkname ?? '' } : {}),
        ...(kind === 'file' ? { body: guarded(entry as unknown as AsyncIterable<Buffer>) } : {}),
      }
      // whatever nobody read is drained, or the extractor stalls
      entry.resume()
    }
    await pump
    if (failure) throw failure
    const trailing = framer.trailing()
    if (trailing) {
      const detail = trailing.hiddenEntry !== undefined ? `it starts with another tar header, for ${JSON.stringify(trailing.hiddenEntry)}: entries hidden from extracting tools` : undefined
      context.report(trailingData(trailing.bytes, 'tar archive (after the end-of-archive marker)', detail))
    }
  } catch (err) {
    throw failure ?? asDataError(err)
  } finally {
    stopped = true
    extract.destroy()
    await pump
  }
}
