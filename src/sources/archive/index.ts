import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { Transform, type Readable } from 'node:stream'
import { StagelightError } from '../../errors.js'
import type { TreeEntry } from '../../model/tree.js'
import { detectCompression, FORMAT_OF, type Compression } from './detect.js'
import { readDirectory } from './directory.js'
import { StreamingDigest } from './hash.js'
import { DEFAULT_LIMITS } from './limits.js'
import { judgeName, linkEscapes } from './paths.js'
import type { RawEntry } from './raw.js'
import { decompress, readTar } from './tar.js'
import type { ArchiveIssue, ArchiveLimits, ArtifactFormat, ArtifactTree, OpenOptions } from './types.js'
import { readZip } from './zip.js'

export { DEFAULT_LIMITS } from './limits.js'
export { gitBlobId } from './hash.js'
export type * from './types.js'

class LimitReached extends Error {}

const PROGRESS_INTERVAL_MS = 250

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buf = Buffer.alloc(512)
    const { bytesRead } = await handle.read(buf, 0, 512, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/**
 * Opens a release artifact for streaming: the format comes from its bytes, never its name.
 * Missing → E_INPUT_NOT_FOUND; not a supported archive → E_INPUT_INVALID; damage found while
 * reading → E_ARCHIVE_CORRUPT from entries(). Hostile entries become issues, not errors.
 */
export async function openArtifact(path: string, options: OpenOptions = {}): Promise<ArtifactTree> {
  const info = await stat(path).catch(() => undefined)
  if (!info) throw new StagelightError('E_INPUT_NOT_FOUND', `${path}: no such file or directory`)
  const limits: ArchiveLimits = { ...DEFAULT_LIMITS, ...options.limits }
  if (info.isDirectory()) return new Tree('directory', path, undefined, limits, false, options, info.size)
  if (!info.isFile()) throw new StagelightError('E_INPUT_INVALID', `${path}: not a regular file or directory`)
  const head = await readHead(path).catch((err: NodeJS.ErrnoException) => {
    throw new StagelightError('E_INPUT_INVALID', `${path}: cannot read (${err.code ?? err.message})`)
  })
  const kind = detectCompression(head)
  if (kind === undefined) throw new StagelightError('E_INPUT_INVALID', `${path}: not a supported archive (expected tar, tar.gz, tar.xz, tar.bz2, tar.zst or zip)`)
  const format: ArtifactFormat = kind === 'zip' ? 'zip' : FORMAT_OF[kind]
  return new Tree(format, path, kind === 'zip' ? undefined : kind, limits, options.stripPrefix !== false, options, info.size)
}

class Tree implements ArtifactTree {
  readonly format: ArtifactFormat
  readonly issues: ArchiveIssue[] = []
  private readonly file: string
  private readonly compression: Compression | undefined
  private readonly limits: ArchiveLimits
  private readonly strip: boolean
  private readonly options: OpenOptions
  private readonly fileSize: number
  private prefixValue: string | undefined
  private held = true
  private cut = false
  private compressed = 0
  private produced = 0

  constructor(format: ArtifactFormat, file: string, compression: Compression | undefined, limits: ArchiveLimits, strip: boolean, options: OpenOptions, fileSize: number) {
    this.format = format
    this.file = file
    this.compression = compression
    this.limits = limits
    this.strip = strip
    this.options = options
    this.fileSize = fileSize
  }

  prefix = (): string => this.prefixValue ?? ''
  prefixHeld = (): boolean => this.held
  truncated = (): boolean => this.cut

  private raw(): AsyncGenerator<RawEntry> {
    if (this.format === 'directory') return readDirectory(this.file)
    if (this.format === 'zip') return readZip(this.file)
    const counter = new Transform({
      transform: (chunk: Buffer, _e, done) => {
        this.compressed += chunk.length
        done(null, chunk)
      },
    })
    const input = createReadStream(this.file).on('error', (e) => counter.destroy(e))
    return readTar(decompress(input.pipe(counter) as Readable, this.compression ?? 'none'))
  }

  private issue(issue: ArchiveIssue): void {
    this.issues.push(issue)
  }

  private stripPrefix(path: string, kind: RawEntry['kind']): string | undefined {
    if (!this.strip || !this.held) return path
    if (this.prefixValue === undefined) {
      const slash = path.indexOf('/')
      if (slash < 0 && kind !== 'directory') {
        this.held = false
        return path
      }
      this.prefixValue = slash < 0 ? path : path.slice(0, slash)
    }
    if (path === this.prefixValue) return undefined
    if (path.startsWith(`${this.prefixValue}/`)) return path.slice(this.prefixValue.length + 1)
    this.held = false
    return path
  }

  private checkRatio(): void {
    const l = this.limits
    if (this.produced > l.maxTotalBytes) throw new LimitReached(`more than ${l.maxTotalBytes} bytes of content`)
    if (this.compressed > 0 && this.produced > l.ratioGraceBytes && this.produced / this.compressed > l.maxRatio) {
      throw new LimitReached(`compression ratio above ${l.maxRatio}:1 (${this.produced} bytes from ${this.compressed})`)
    }
  }

  async *entries(): AsyncGenerator<TreeEntry> {
    const seen = new Set<string>()
    let count = 0
    let lastProgress = 0
    const source = this.raw()
    try {
      for await (const raw of source) {
        if (++count > this.limits.maxEntries) throw new LimitReached(`more than ${this.limits.maxEntries} entries`)
        const judged = judgeName(raw.name)
        if (!judged.ok) {
          this.issue(judged.issue)
          continue
        }
        if (judged.path === '') continue
        const path = this.stripPrefix(judged.path, raw.kind)
        if (path === undefined) continue
        if (raw.paxOverrides?.length && (raw.paxOverrides.includes('size') || (raw.paxOverrides.includes('path') && Buffer.byteLength(raw.name) <= 100))) {
          this.issue({ code: 'ARCHIVE_PAX_OVERRIDE', severity: 'medium', path: raw.name, message: `a PAX header overrides the entry's ${raw.paxOverrides.join(', ')} where the plain header needed no override: readers that ignore PAX see a different file` })
        }
        if (raw.kind !== 'directory') {
          if (seen.has(path)) this.issue({ code: 'ARCHIVE_DUPLICATE_PATH', severity: 'high', path, message: `${path} appears more than once: extraction silently replaces the earlier entry with the later one` })
          seen.add(path)
        }
        const entry = await this.complete(raw, path, seen)
        const now = Date.now()
        if (this.options.onProgress && now - lastProgress > PROGRESS_INTERVAL_MS) {
          lastProgress = now
          this.options.onProgress(this.format === 'directory' ? this.produced : this.compressed, this.format === 'directory' ? undefined : this.fileSize)
        }
        yield entry
      }
    } catch (err) {
      if (err instanceof LimitReached) {
        this.cut = true
        this.issue({ code: 'ARCHIVE_LIMIT_EXCEEDED', severity: 'critical', path: '', message: `reading stopped: ${err.message} (a decompression bomb or an oversized archive)` })
        await source.return(undefined).catch(() => undefined)
        return
      }
      if (err instanceof StagelightError) throw err
      throw new StagelightError('E_ARCHIVE_CORRUPT', `${this.file}: truncated or corrupt ${this.format} data (${err instanceof Error ? err.message : String(err)})`, {}, { cause: err })
    }
  }

  private async complete(raw: RawEntry, path: string, seen: ReadonlySet<string>): Promise<TreeEntry> {
    const base = { path, kind: raw.kind, mode: raw.mode, size: raw.size }
    if (raw.kind === 'symlink' || raw.kind === 'hardlink') {
      let target = raw.linkTarget ?? ''
      if (raw.kind === 'hardlink' && this.prefixValue && target.startsWith(`${this.prefixValue}/`)) target = target.slice(this.prefixValue.length + 1)
      if (linkEscapes(path, target, raw.kind === 'hardlink')) {
        this.issue({ code: 'ARCHIVE_LINK_ESCAPE', severity: 'critical', path, message: `${raw.kind} ${path} → ${raw.linkTarget} points outside the tree` })
      } else if (raw.kind === 'hardlink' && !seen.has(target)) {
        this.issue({ code: 'ARCHIVE_LINK_ESCAPE', severity: 'high', path, message: `hardlink ${path} → ${raw.linkTarget} names no earlier entry of the archive` })
      }
      return { ...base, linkTarget: target }
    }
    if (raw.kind === 'device' || raw.kind === 'fifo') {
      this.issue({ code: 'ARCHIVE_DEVICE', severity: 'high', path, message: `${path} is a ${raw.kind === 'fifo' ? 'named pipe' : 'device file'}: a release has no reason to ship one` })
      return base
    }
    if (raw.kind !== 'file' || !raw.body) return base
    if (raw.size > this.limits.maxEntryBytes) throw new LimitReached(`entry ${path} declares ${raw.size} bytes`)
    const digest = new StreamingDigest(raw.size, this.limits.maxContentBytes)
    for await (const chunk of raw.body) {
      digest.update(chunk)
      this.produced += chunk.length
      this.checkRatio()
    }
    if (digest.bytes !== raw.size && this.format !== 'directory') {
      throw new StagelightError('E_ARCHIVE_CORRUPT', `${this.file}: entry ${path} holds ${digest.bytes} bytes but declares ${raw.size}`)
    }
    const { sha256, gitBlob, content } = digest.finish()
    return { ...base, size: digest.bytes, sha256, gitBlob: gitBlob || undefined, ...(content ? { content } : {}) } as TreeEntry
  }
}
