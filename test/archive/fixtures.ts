import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import tarStream from 'tar-stream'
import type { TreeEntry } from '../../src/model/tree.js'
import type { ArtifactTree } from '../../src/sources/archive/index.js'

export async function scratch(name: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `stagelight-${name}-`))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** Runs a real tool with an argument array (never a shell). */
export const run = (cwd: string, command: string, args: readonly string[]): string => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

export const runBytes = (cwd: string, command: string, args: readonly string[]): Buffer => execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 })

export const gitHashObject = (file: string): string => execFileSync('git', ['hash-object', '--no-filters', file], { encoding: 'utf8' }).trim()
export const sha256sum = (file: string): string => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0] ?? ''

export async function entriesOf(tree: ArtifactTree): Promise<TreeEntry[]> {
  const out: TreeEntry[] = []
  for await (const entry of tree.entries()) out.push(entry)
  return out
}

/** Later entries replace earlier ones with the same path, as extraction would. */
export async function byPath(tree: ArtifactTree): Promise<Map<string, TreeEntry>> {
  return new Map((await entriesOf(tree)).map((entry) => [entry.path, entry]))
}

export const codes = (tree: ArtifactTree): string[] => tree.issues.map((issue) => issue.code).sort()

export async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise
  } catch (err) {
    return err as { code?: string; message: string }
  }
  throw new Error('expected a failure')
}

export interface PackEntry {
  readonly name: string
  readonly type?: tarStream.Header['type']
  readonly body?: string | Buffer
  readonly linkname?: string
  readonly pax?: Record<string, string>
  readonly mode?: number
}

/** A tar built with tar-stream's packer, with fixed metadata so the bytes never vary. */
export async function packTar(entries: readonly PackEntry[]): Promise<Buffer> {
  const pack = tarStream.pack()
  const chunks: Buffer[] = []
  const done = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk)
  })()
  for (const e of entries) {
    const body = typeof e.body === 'string' ? Buffer.from(e.body) : (e.body ?? Buffer.alloc(0))
    pack.entry(
      {
        name: e.name,
        type: e.type ?? 'file',
        mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644),
        mtime: new Date(0),
        size: body.length,
        ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
        ...(e.pax ? { pax: e.pax } : {}),
      },
      body,
    )
  }
  pack.finalize()
  await done
  return Buffer.concat(chunks)
}

export interface RawHeader {
  readonly name: string
  readonly size?: number
  /** typeflag character */
  readonly type?: string
  readonly linkname?: string
  readonly mode?: number
  /** 'ustar' (default) or 'v7' (no magic) */
  readonly magic?: 'ustar' | 'v7'
  /** store a wrong checksum */
  readonly badChecksum?: boolean
}

const octal = (value: number, width: number): string => `${value.toString(8).padStart(width - 1, '0')}\0`

/** A tar header block built byte by byte, for what no well-behaved writer produces. */
export function rawHeader(h: RawHeader): Buffer {
  const block = Buffer.alloc(512)
  block.write(h.name, 0, 100, 'utf8')
  block.write(octal(h.mode ?? 0o644, 8), 100, 'latin1')
  block.write(octal(0, 8), 108, 'latin1')
  block.write(octal(0, 8), 116, 'latin1')
  block.write(octal(h.size ?? 0, 12), 124, 'latin1')
  block.write(octal(0, 12), 136, 'latin1')
  block.write(h.type ?? '0', 156, 'latin1')
  if (h.linkname) block.write(h.linkname, 157, 100, 'utf8')
  if ((h.magic ?? 'ustar') === 'ustar') block.write('ustar\x0000', 257, 'latin1')
  block.fill(0x20, 148, 156)
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${octal(h.badChecksum ? sum + 1 : sum, 7)} `, 148, 'latin1')
  return block
}

/** Data padded to whole blocks. */
export const blocks = (data: string | Buffer): Buffer => {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data
  return Buffer.concat([bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512)])
}

export const END_OF_ARCHIVE = Buffer.alloc(1024)

/** PAX records: `<length> key=value\n`, the length counting itself. */
export function paxData(records: Record<string, string>): Buffer {
  const lines = Object.entries(records).map(([key, value]) => {
    const body = ` ${key}=${value}\n`
    let length = Buffer.byteLength(body) + 1
    while (String(length).length + Buffer.byteLength(body) !== length) length += 1
    return `${length}${body}`
  })
  return Buffer.from(lines.join(''))
}

export const fileEntry = (name: string, body: string, extra: Partial<RawHeader> = {}): Buffer =>
  Buffer.concat([rawHeader({ name, size: Buffer.byteLength(body), ...extra }), blocks(body)])

export interface ZipItem {
  readonly name: string | Buffer
  readonly data?: string | Buffer
  /** unix st_mode, stored in the high bits of the external attributes */
  readonly unixMode?: number
  /** store this CRC instead of the right one */
  readonly crc?: number
}

/** A stored (uncompressed) zip built byte by byte, for names and attributes `zip` refuses to write. */
export function buildZip(items: readonly ZipItem[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const item of items) {
    const name = typeof item.name === 'string' ? Buffer.from(item.name) : item.name
    const data = typeof item.data === 'string' ? Buffer.from(item.data) : (item.data ?? Buffer.alloc(0))
    const crc = item.crc ?? crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(10, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 30, 4)
    central.writeUInt16LE(10, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(((item.unixMode ?? 0o100644) << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, data)
    centrals.push(central, name)
    offset += local.length + name.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(items.length, 8)
  end.writeUInt16LE(items.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

export const write = (file: string, data: string | Buffer): Promise<void> => writeFile(file, data)
