/**
 * @fileoverview Release artifacts as streams of tree entries: tar (plain, gzip, xz, bzip2,
 * zstd), zip and directories. Nothing is extracted; bytes are digested as they pass, and only
 * small files keep their content. Hostile content is reported as issues, never acted on.
 */
import { open, stat } from 'node:fs/promises'
import { StagelightError } from '../../errors.js'
import { decompress, type Compression } from './decompress.js'
import { detectFormat, formatOf, isTarStart } from './detect.js'
import { readDirectory } from './directory.js'
import { fileChunks, metered } from './file-source.js'
import { resolveLimits } from './limits.js'
import type { OpenSource } from './raw.js'
import { ArtifactReader } from './reader.js'
import { readTar } from './tar.js'
import type { ArtifactTree, OpenOptions } from './types.js'
import { deferred } from '../../util/deferred.js'

export { DEFAULT_LIMITS } from './limits.js'
export { gitBlobId, sha256Hex } from './hash.js'
export type * from './types.js'

const HEAD_BYTES = 512
const SUPPORTED = 'expected a tar archive (plain, gzip, xz, bzip2 or zstd), a zip archive or a directory'

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(bytes)
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** The most one damaged bzip2 block can decode to (900 kB of runs, each up to 51 times longer) before its CRC is checked. */
const BLOCK_OUTPUT_MAX = 64 * 1024 * 1024

/**
 * The first uncompressed bytes, or undefined when the data cannot be decoded that far: damage
 * is reported by entries(), where the caller expects it.
 */
async function peekDecompressed(path: string, compression: Compression): Promise<Buffer | undefined> {
  const parts: Buffer[] = []
  let length = 0
  const decoded = decompress(fileChunks(path), compression)
  try {
    while (length < HEAD_BYTES) {
      const next = await decoded.next()
      if (next.done) break
      parts.push(next.value)
      length += next.value.length
    }
    const head = Buffer.concat(parts, length)
    // A decoder that streams (bzip2 checks a block only at its end) hands out a damaged block's
    // garbage first: before calling the data "not a tar archive", decode on past that block.
    for (let more = 0; !isTarStart(head) && more < BLOCK_OUTPUT_MAX; ) {
      const next = await decoded.next()
      if (next.done) break
      more += next.value.length
    }
    return head
  } catch {
    return undefined
  } finally {
    await decoded.return(undefined).catch(() => undefined)
  }
}

const errnoOf = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? String(err)

/**
 * Opens a release artifact for streaming. The format comes from the bytes, never the name.
 *
 * - missing path → `E_INPUT_NOT_FOUND`; not a supported archive → `E_INPUT_INVALID` (thrown here);
 * - damage met while reading → `E_ARCHIVE_CORRUPT`, thrown by the `entries()` iterator;
 * - hostile content (traversal, escaping links, devices, duplicates, PAX tricks, trailing data)
 *   → `tree.issues`, and reading goes on; a limit reached → an issue and `truncated()`.
 *
 * @example
 * let tree = await openArtifact('xz-5.6.1.tar.gz')
 * for await (const entry of tree.entries()) blobs.set(entry.path, entry.gitBlob)
 * // an entry outside `xz-5.6.1/` was met: read again with full paths
 * if (!tree.prefixHeld()) tree = await openArtifact('xz-5.6.1.tar.gz', { stripPrefix: false })
 */
export async function openArtifact(path: string, options: OpenOptions = {}): Promise<ArtifactTree> {
  const info = await stat(path).catch((err: unknown) => {
    const code = errnoOf(err)
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new StagelightError('E_INPUT_NOT_FOUND', `${path}: no such file or directory`, { path })
    throw new StagelightError('E_INPUT_INVALID', `${path}: cannot access (${code})`, { path })
  })
  const limits = resolveLimits(options.limits)
  const common = { file: path, limits, onProgress: options.onProgress }
  if (info.isDirectory()) {
    return new ArtifactReader({ ...common, format: 'directory', fileSize: undefined, stripPrefix: false, open: readDirectory, exclude: options.exclude })
  }
  if (!info.isFile()) throw new StagelightError('E_INPUT_INVALID', `${path}: not a regular file or a directory`, { path })
  const head = await readHead(path, HEAD_BYTES).catch((err: unknown) => {
    throw new StagelightError('E_INPUT_INVALID', `${path}: cannot read (${errnoOf(err)})`, { path })
  })
  const detected = detectFormat(head)
  if (!detected) throw new StagelightError('E_INPUT_INVALID', `${path}: not a supported archive (${SUPPORTED})`, { path })
  const format = formatOf(detected)
  const stripPrefix = options.stripPrefix !== false
  if (detected.container === 'zip') return new ArtifactReader({ ...common, format, fileSize: info.size, stripPrefix, open: (context) => deferred(async () => (await import('./zip.js')).readZip(context)) })

  const compression = detected.compression
  if (compression) {
    const inner = await peekDecompressed(path, compression)
    if (inner !== undefined && !isTarStart(inner)) {
      throw new StagelightError('E_INPUT_INVALID', `${path}: ${compression}-compressed data that is not a tar archive (${SUPPORTED})`, { path, format })
    }
  }
  const open: OpenSource = (context) => {
    const raw = fileChunks(path, (bytes) => context.budget.read(bytes))
    return readTar(metered(compression ? decompress(raw, compression) : raw, context.budget), context)
  }
  return new ArtifactReader({ ...common, format, fileSize: info.size, stripPrefix, open })
}
