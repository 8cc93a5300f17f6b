/**
 * @fileoverview What a data file is and what it decodes to. Compressed streams are decoded in
 * memory with a shared output budget, a ratio check and a depth limit; archives are listed and
 * their members examined; long base64/hex runs in text are decoded; bytes after the end of a
 * valid stream or archive are examined as content of their own. Nothing is written or executed,
 * and bad data is a fact to report, never an exception.
 */
import { arMembers, tarMembers, zipMembers } from './containers.js'
import { sampledEntropy } from './entropy.js'
import { detectFormat, formatLabel, type BinaryFormat, type Codec } from './magic.js'
import { decodeStream, type DecodeBudget, type LimitReason } from './streams.js'
import { decodeRun, findEncodedRuns, looksLikeJavaScript, looksLikeShell, textRatio, type Encoding } from './text.js'

const MiB = 1024 * 1024

export interface InspectLimits {
  /** bytes all decoding of one file may produce, across every layer (default 64 MiB) */
  readonly maxDecodedBytes: number
  /** layers of decoding and archive members below the file itself (default 4) */
  readonly maxDepth: number
  /** decoded bytes per compressed byte, checked once a stream has produced `ratioGraceBytes` (default 1000) */
  readonly maxRatio: number
  readonly ratioGraceBytes: number
  /** archive members examined per file, all archives together (default 1000) */
  readonly maxMembers: number
  /** bytes the entropy of a large blob is measured on (default 16 MiB) */
  readonly entropySampleBytes: number
  /** shortest base64/hex run in text that is decoded, in characters (default 256) */
  readonly minEncodedRun: number
  /** encoded runs decoded per text (default 16) */
  readonly maxEncodedRuns: number
}

export const DEFAULT_INSPECT_LIMITS: InspectLimits = Object.freeze({
  maxDecodedBytes: 64 * MiB,
  maxDepth: 4,
  maxRatio: 1000,
  ratioGraceBytes: 1 * MiB,
  maxMembers: 1000,
  entropySampleBytes: 16 * MiB,
  minEncodedRun: 256,
  maxEncodedRuns: 16,
})

/** What a piece of content is, judged from its bytes. */
export type ContentKind =
  | 'executable'
  | 'object'
  | 'shell-script'
  | 'script'
  | 'compressed'
  | 'archive'
  | 'bytecode'
  | 'image'
  | 'document'
  | 'font'
  | 'database'
  | 'text'
  | 'data'
  | 'empty'

/** How a piece of content was reached from its parent. */
export type Via = 'file' | Codec | 'member' | Encoding | 'trailing' | 'embedded'

/** `text`: base64/hex runs decoded; `none`: recognised, not decoded */
export type DecodeMethod = Codec | 'tar' | 'ar' | 'zip' | 'text' | 'none'

export interface DecodeOutcome {
  readonly method: DecodeMethod
  /** `unsupported`: a format recognised but not decoded here (lzma, lz4, 7z, rar, cpio…) */
  readonly status: 'ok' | 'error' | 'limit' | 'unsupported'
  readonly message?: string
  /** bytes this step produced (0 for archives: members are views of the archive) */
  readonly decodedBytes: number
  /** with status `limit`: which one */
  readonly limit?: LimitReason
  /** offset just after the stream or archive; bytes after it are trailing data */
  readonly end?: number
}

export interface ContentNode {
  readonly via: Via
  /** archive member name */
  readonly name?: string
  /** offset in the parent's bytes (encoded runs, trailing data) */
  readonly offset?: number
  /** characters of an encoded run in the parent */
  readonly encodedLength?: number
  readonly depth: number
  readonly size: number
  /** false when a limit or an error cut this content (or an ancestor) short */
  readonly complete: boolean
  readonly format?: BinaryFormat
  readonly kind: ContentKind
  /** `xz`, `tar`, `ELF 64-bit relocatable object, x86-64`, `shell script`, `text`, `data` */
  readonly label: string
  readonly entropy: number
  readonly decode?: DecodeOutcome
  readonly children: readonly ContentNode[]
}

export type CodeKind = 'executable' | 'object' | 'shell-script' | 'script'

/** Code found in the file or inside it. */
export interface CodeHit {
  /** `xz → tar → payload.o: ELF 64-bit relocatable object, x86-64` */
  readonly chain: string
  readonly kind: CodeKind
  readonly format?: BinaryFormat
  readonly size: number
  readonly depth: number
  /** every step from the file to the code */
  readonly through: readonly Via[]
  /** a named member of an archive (`tests/x.tar.gz → tar → run.sh`), not reached through trailing bytes or encoded text */
  readonly plainMember: boolean
  readonly viaTrailing: boolean
  readonly viaEncodedText: boolean
}

export interface DecodeFailure {
  readonly chain: string
  readonly method: DecodeMethod
  readonly message: string
  /** bytes decoded before the failure: a stream that yields much and then "fails" is worth a look */
  readonly decodedBytes: number
  readonly decodedFormat?: BinaryFormat
}

export interface TrailingData {
  /** the stream or archive the bytes follow */
  readonly chain: string
  readonly offset: number
  readonly size: number
  readonly entropy: number
  readonly format?: BinaryFormat
  readonly kind: ContentKind
  /** the trailing bytes are, or decode to, code */
  readonly containsCode: boolean
}

export interface LimitHit {
  readonly chain: string
  readonly reason: LimitReason
  readonly message: string
}

export interface EncodedPayload {
  readonly chain: string
  readonly encoding: Encoding
  readonly offset: number
  readonly length: number
  readonly decodedBytes: number
  readonly format?: BinaryFormat
  readonly kind: ContentKind
}

export interface DataFileFacts {
  readonly path: string
  readonly size: number
  readonly format?: BinaryFormat
  readonly entropy: number
  /** entropy measured on evenly spaced samples rather than every byte */
  readonly entropySampled: boolean
  /** the file itself is text */
  readonly text: boolean
  readonly root: ContentNode
  /** one chain per leaf of the tree: `gzip → tar → a.o: ELF 64-bit relocatable object, x86-64` */
  readonly chains: readonly string[]
  readonly code: readonly CodeHit[]
  readonly failures: readonly DecodeFailure[]
  readonly trailing: readonly TrailingData[]
  readonly limits: readonly LimitHit[]
  readonly encoded: readonly EncodedPayload[]
  /** bytes produced by all decoding */
  readonly decodedBytes: number
}

interface State {
  readonly limits: InspectLimits
  readonly budget: DecodeBudget
  members: number
}

interface Mutable {
  via: Via
  name?: string
  offset?: number
  encodedLength?: number
  depth: number
  size: number
  complete: boolean
  format?: BinaryFormat
  kind: ContentKind
  label: string
  entropy: number
  decode?: DecodeOutcome
  children: Mutable[]
}

const SHELLS = /(?:^|\/)(?:ba|da|k|z|a)?sh$/

function kindOf(bytes: Buffer, format: BinaryFormat | undefined): ContentKind {
  if (bytes.length === 0) return 'empty'
  if (format) {
    switch (format.family) {
      case 'executable':
      case 'object':
      case 'compressed':
      case 'archive':
      case 'bytecode':
      case 'image':
      case 'document':
      case 'font':
      case 'database':
        return format.family
      case 'script': {
        const words = (format.interpreter ?? '').split(/\s+/)
        const program = (words[0]?.endsWith('/env') ? words[1] : words[0]) ?? ''
        return SHELLS.test(program) ? 'shell-script' : 'script'
      }
    }
  }
  // the XZ payload script carried a line of binary junk: a mostly-text blob is still read as text
  const head = bytes.subarray(0, 8192)
  let nul = 0
  for (const b of head) if (b === 0) nul++
  const ratio = textRatio(bytes)
  if (nul <= head.length / 100 && ratio >= 0.85) {
    const sample = bytes.subarray(0, 256 * 1024).toString('latin1')
    // JavaScript (a compressed `.min.js.gz` bundle, decoded) is not a shell script, whatever some of its lines look like
    if (looksLikeJavaScript(sample)) return nul === 0 && ratio >= 0.95 ? 'text' : 'data'
    if (looksLikeShell(sample)) return 'shell-script'
    if (nul === 0 && ratio >= 0.95) return 'text'
  }
  return 'data'
}

const labelOf = (format: BinaryFormat | undefined, kind: ContentKind): string =>
  format ? formatLabel(format) : kind === 'shell-script' ? 'shell script' : kind

function node(bytes: Buffer, via: Via, depth: number, complete: boolean, state: State, where: { name?: string; offset?: number; encodedLength?: number } = {}): Mutable {
  const format = detectFormat(bytes.subarray(0, 4096))
  const kind = kindOf(bytes, format)
  const n: Mutable = {
    via,
    depth,
    size: bytes.length,
    complete,
    kind,
    label: labelOf(format, kind),
    entropy: sampledEntropy(bytes, state.limits.entropySampleBytes).entropy,
    children: [],
  }
  if (format) n.format = format
  if (where.name !== undefined) n.name = where.name
  if (where.offset !== undefined) n.offset = where.offset
  if (where.encodedLength !== undefined) n.encodedLength = where.encodedLength
  return n
}

const ARCHIVES = new Set(['tar', 'ar', 'deb', 'zip', 'jar', 'apk'])
const archiveMethod = (id: string | undefined): DecodeMethod => (id === 'tar' ? 'tar' : id === 'ar' || id === 'deb' ? 'ar' : 'zip')

function firstNonZero(bytes: Buffer, from: number): number {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return i
  return bytes.length
}

async function expand(n: Mutable, bytes: Buffer, state: State): Promise<void> {
  const { limits } = state
  const format = n.format
  const codec = format?.codec
  const decodable = codec !== undefined || (format !== undefined && ARCHIVES.has(format.id)) || n.kind === 'text' || n.kind === 'shell-script'
  if (!decodable && format && (format.family === 'compressed' || format.family === 'archive')) {
    n.decode = { method: 'none', status: 'unsupported', message: `${format.description} is recognised but not decoded here`, decodedBytes: 0 }
    return
  }
  if (!decodable) {
    if (n.kind === 'data' && n.depth < limits.maxDepth) await embedded(n, bytes, state)
    return
  }
  if (n.depth >= limits.maxDepth && n.kind !== 'text' && n.kind !== 'shell-script') {
    n.decode = { method: codec ?? archiveMethod(format?.id), status: 'limit', limit: 'depth', message: `nesting deeper than ${limits.maxDepth} levels (maxDepth)`, decodedBytes: 0 }
    return
  }
  if (codec) {
    const res = await decodeStream(bytes, codec, state.budget)
    n.decode = { method: codec, status: res.status, decodedBytes: res.output.length, ...(res.limit === undefined ? {} : { limit: res.limit }), ...(res.message === undefined ? {} : { message: res.message }), ...(res.end === undefined ? {} : { end: res.end }) }
    const child = node(res.output, codec, n.depth + 1, n.complete && res.status === 'ok', state)
    n.children.push(child)
    await expand(child, res.output, state)
    await trailing(n, bytes, res.end, state)
    return
  }
  if (format && ARCHIVES.has(format.id)) {
    const room = Math.max(0, limits.maxMembers - state.members)
    const method = archiveMethod(format.id)
    const listing = method === 'tar' ? tarMembers(bytes, room) : method === 'ar' ? arMembers(bytes, room) : await zipMembers(bytes, room, state.budget)
    state.members += listing.members.length
    const decodedBytes = method === 'zip' ? listing.members.reduce((sum, m) => sum + m.data.length, 0) : 0
    const status = listing.truncated ? 'limit' : listing.error !== undefined || listing.members.some((m) => m.problem !== undefined && !m.limited) ? 'error' : listing.members.some((m) => m.limited) ? 'limit' : 'ok'
    const message = listing.truncated ? `more than ${limits.maxMembers} archive members (maxMembers)` : (listing.error ?? listing.members.find((m) => m.problem !== undefined)?.problem)
    const limit: LimitReason | undefined = listing.truncated ? 'members' : status === 'limit' ? (listing.members.find((m) => m.limited)?.limit ?? 'total') : undefined
    n.decode = { method, status, decodedBytes, ...(limit === undefined ? {} : { limit }), ...(message === undefined ? {} : { message }), ...(listing.end === undefined ? {} : { end: listing.end }) }
    for (const member of listing.members) {
      const child = node(member.data, 'member', n.depth + 1, n.complete && member.problem === undefined, state, { name: member.name })
      n.children.push(child)
      await expand(child, member.data, state)
    }
    await trailing(n, bytes, listing.end, state)
    return
  }
  // text: long base64 or hex runs
  const text = bytes.subarray(0, 16 * MiB).toString('latin1')
  const runs = findEncodedRuns(text, limits.minEncodedRun, limits.maxEncodedRuns)
  if (runs.length === 0) return
  if (n.depth >= limits.maxDepth) {
    n.decode = { method: 'text', status: 'limit', limit: 'depth', message: `nesting deeper than ${limits.maxDepth} levels (maxDepth)`, decodedBytes: 0 }
    return
  }
  let decodedBytes = 0
  let limited = false
  for (const run of runs) {
    const room = state.budget.remaining
    const decoded = decodeRun(text, run, room)
    const expected = run.encoding === 'hex' ? Math.floor(run.length / 2) : Math.floor((run.length * 3) / 4) - 2
    const cut = decoded.length >= room && expected > room
    limited ||= cut
    state.budget.remaining -= decoded.length
    decodedBytes += decoded.length
    if (decoded.length === 0) continue
    const child = node(decoded, run.encoding, n.depth + 1, n.complete && !cut, state, { offset: run.offset, encodedLength: run.length })
    n.children.push(child)
    await expand(child, decoded, state)
  }
  n.decode = { method: 'text', status: limited ? 'limit' : 'ok', decodedBytes, ...(limited ? { limit: 'total' as const, message: 'encoded runs decode to more than the bytes this file may decode to' } : {}) }
}

/** Stream signatures looked for inside data of no known format, with a check of the header bytes after them. */
const EMBEDDED_MAGIC: readonly { readonly codec: Codec; readonly magic: Buffer; readonly plausible: (b: Buffer, at: number) => boolean }[] = [
  { codec: 'xz', magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), plausible: (b, at) => b[at + 6] === 0 && (b[at + 7] ?? 0xff) <= 0x0f },
  { codec: 'gzip', magic: Buffer.from([0x1f, 0x8b, 0x08]), plausible: (b, at) => (b[at + 3] ?? 0xff) <= 0x1f },
  { codec: 'zstd', magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), plausible: () => true },
  { codec: 'bzip2', magic: Buffer.from('BZh'), plausible: (b, at) => (b[at + 3] ?? 0) >= 0x31 && (b[at + 3] ?? 0) <= 0x39 && b.subarray(at + 4, at + 10).equals(Buffer.from([0x31, 0x41, 0x59, 0x26, 0x53, 0x59])) },
]
/** Candidate offsets tried per blob: carving a stream out of padding needs only one. */
const MAX_EMBEDDED_CANDIDATES = 8
/** A stream that decodes to less than this before failing is taken as a chance match of the signature. */
const MIN_EMBEDDED_OUTPUT = 64

/**
 * A compressed stream that starts inside a blob rather than at its first byte: what `tail -c +N`
 * or `dd skip=` would carve out and decode. Only candidates that decode are kept.
 */
async function embedded(n: Mutable, bytes: Buffer, state: State): Promise<void> {
  const candidates: { offset: number; codec: Codec }[] = []
  for (const { codec, magic, plausible } of EMBEDDED_MAGIC) {
    for (let at = bytes.indexOf(magic, 1); at >= 0 && candidates.length < MAX_EMBEDDED_CANDIDATES * 4; at = bytes.indexOf(magic, at + 1)) {
      if (plausible(bytes, at)) candidates.push({ offset: at, codec })
    }
  }
  candidates.sort((a, b) => a.offset - b.offset)
  for (const { offset, codec } of candidates.slice(0, MAX_EMBEDDED_CANDIDATES)) {
    if (state.budget.remaining <= 0) break
    const res = await decodeStream(bytes.subarray(offset), codec, state.budget)
    if (res.output.length < MIN_EMBEDDED_OUTPUT && res.status !== 'ok') continue
    if (res.output.length === 0) continue
    const child = node(res.output, 'embedded', n.depth + 1, n.complete && res.status === 'ok', state, { offset, name: codec })
    n.children.push(child)
    await expand(child, res.output, state)
  }
}

/** Bytes after a valid stream or archive (zeros are padding, not data) become a child of their own. */
async function trailing(n: Mutable, bytes: Buffer, end: number | undefined, state: State): Promise<void> {
  if (end === undefined || end >= bytes.length) return
  const start = firstNonZero(bytes, end)
  if (start >= bytes.length) return
  const rest = bytes.subarray(start)
  const child = node(rest, 'trailing', n.depth + 1, n.complete, state, { offset: start })
  n.children.push(child)
  await expand(child, rest, state)
}

function step(n: ContentNode): string {
  switch (n.via) {
    case 'file':
      return n.label
    case 'member':
      return `${n.name ?? '?'}: ${n.label}`
    case 'trailing':
      return `[${n.size} trailing bytes at offset ${n.offset ?? 0}] ${n.label}`
    case 'embedded':
      return `[${n.name ?? 'stream'} stream embedded at offset ${n.offset ?? 0}] ${n.label}`
    case 'base64':
    case 'hex':
      return `[${n.via} at offset ${n.offset ?? 0}] ${n.label}`
    default:
      return n.label
  }
}

const CODE: ReadonlySet<ContentKind> = new Set(['executable', 'object', 'shell-script', 'script'])

const hasCode = (n: ContentNode): boolean => CODE.has(n.kind) || n.children.some(hasCode)

/** Inspects one file's bytes. `path` is only recorded. Never throws for bad data. */
export async function inspectDataFile(path: string, content: Buffer, limits: Partial<InspectLimits> = {}): Promise<DataFileFacts> {
  const resolved: InspectLimits = { ...DEFAULT_INSPECT_LIMITS, ...limits }
  for (const [key, value] of Object.entries(resolved)) {
    if (typeof value !== 'number' || !(value >= 0)) throw new RangeError(`inspect limit ${key} must be a non-negative number, got ${String(value)}`)
  }
  const state: State = {
    limits: resolved,
    budget: { remaining: resolved.maxDecodedBytes, maxRatio: resolved.maxRatio, ratioGraceBytes: resolved.ratioGraceBytes },
    members: 0,
  }
  const root = node(content, 'file', 0, true, state)
  await expand(root, content, state)
  const entropy = sampledEntropy(content, resolved.entropySampleBytes)

  const chains: string[] = []
  const code: CodeHit[] = []
  const failures: DecodeFailure[] = []
  const trailingData: TrailingData[] = []
  const limitHits: LimitHit[] = []
  const encoded: EncodedPayload[] = []
  const walk = (n: ContentNode, path: readonly ContentNode[]): void => {
    const line = [...path, n]
    const chain = line.map(step).join(' → ')
    const through = line.slice(1).map((p) => p.via)
    if (n.children.length === 0) chains.push(chain)
    const isCode = n.kind === 'executable' || n.kind === 'object' || n.kind === 'shell-script' || n.kind === 'script'
    // a plain script file is visible to every reviewer; code counts when it is a binary or sits inside something
    if (isCode && (n.depth > 0 || n.kind === 'executable' || n.kind === 'object')) {
      code.push({
        chain,
        kind: n.kind as CodeKind,
        ...(n.format ? { format: n.format } : {}),
        size: n.size,
        depth: n.depth,
        through,
        plainMember: n.via === 'member' && !through.includes('trailing') && !through.includes('base64') && !through.includes('hex'),
        viaTrailing: through.includes('trailing'),
        viaEncodedText: through.includes('base64') || through.includes('hex'),
      })
    }
    const d = n.decode
    if (d?.status === 'error' && d.message !== undefined && n.complete) {
      const decoded = n.children.find((c) => c.via === d.method)
      failures.push({ chain, method: d.method, message: d.message, decodedBytes: d.decodedBytes, ...(decoded?.format ? { decodedFormat: decoded.format } : {}) })
    }
    if (d?.status === 'limit' && d.message !== undefined) {
      limitHits.push({ chain, reason: d.limit ?? 'total', message: d.message })
    }
    for (const child of n.children) {
      if (child.via === 'trailing') {
        trailingData.push({ chain, offset: child.offset ?? 0, size: child.size, entropy: child.entropy, kind: child.kind, containsCode: hasCode(child), ...(child.format ? { format: child.format } : {}) })
      }
      if (child.via === 'base64' || child.via === 'hex') {
        encoded.push({ chain, encoding: child.via, offset: child.offset ?? 0, length: child.encodedLength ?? 0, decodedBytes: child.size, kind: child.kind, ...(child.format ? { format: child.format } : {}) })
      }
      walk(child, line)
    }
  }
  walk(root, [])

  return {
    path,
    size: content.length,
    ...(root.format ? { format: root.format } : {}),
    entropy: entropy.entropy,
    entropySampled: entropy.sampled,
    text: root.kind === 'text' || (root.kind === 'shell-script' && root.format === undefined) || root.format?.family === 'script',
    root,
    chains,
    code,
    failures,
    trailing: trailingData,
    limits: limitHits,
    encoded,
    decodedBytes: resolved.maxDecodedBytes - state.budget.remaining,
  }
}
