/**
 * @fileoverview Members of tar, ar and zip archives, read from memory without extracting
 * anything, and where each archive ends (what follows is trailing data).
 */
import { createInflateRaw } from 'node:zlib'
import type { DecodeBudget } from './streams.js'

export interface Member {
  readonly name: string
  readonly data: Buffer
  /** set when the member could not be read in full (compressed zip member that failed or hit a limit) */
  readonly problem?: string
  readonly limited?: boolean
  readonly limit?: 'total' | 'ratio'
}

export interface Listing {
  readonly members: readonly Member[]
  /** offset just after the archive's own end marker; undefined when it was not found */
  readonly end?: number
  readonly error?: string
  /** more members than were read */
  readonly truncated: boolean
}

const cString = (bytes: Buffer): string => {
  const zero = bytes.indexOf(0)
  return bytes.subarray(0, zero < 0 ? bytes.length : zero).toString('utf8')
}

function tarNumber(field: Buffer): number | undefined {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0)
    return value
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/g, '').trim()
  if (text === '') return 0
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined
}

function tarChecksumOk(block: Buffer): boolean {
  const stored = tarNumber(block.subarray(148, 156))
  let sum = 0
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0)
  return stored === sum
}

const allZero = (bytes: Buffer): boolean => bytes.every((b) => b === 0)

/** Regular files of a tar archive (GNU long names and PAX paths applied). */
export function tarMembers(data: Buffer, maxMembers: number): Listing {
  const members: Member[] = []
  let pos = 0
  let longName: string | undefined
  let truncated = false
  while (pos + 512 <= data.length) {
    const block = data.subarray(pos, pos + 512)
    if (allZero(block)) {
      // the end-of-archive marker is two zero blocks; one is tolerated, as tar does
      const second = data.subarray(pos + 512, pos + 1024)
      return { members, end: pos + 512 + (second.length === 512 && allZero(second) ? 512 : 0), truncated }
    }
    if (!tarChecksumOk(block)) return { members, error: `tar header at offset ${pos} has a bad checksum`, truncated }
    const size = tarNumber(block.subarray(124, 136))
    if (size === undefined) return { members, error: `tar header at offset ${pos} has a bad size field`, truncated }
    const type = String.fromCharCode(block[156] ?? 0)
    const body = data.subarray(pos + 512, pos + 512 + size)
    const ustar = block.subarray(257, 262).toString('latin1') === 'ustar'
    const prefix = ustar ? cString(block.subarray(345, 500)) : ''
    const name = longName ?? (prefix ? `${prefix}/${cString(block.subarray(0, 100))}` : cString(block.subarray(0, 100)))
    if (type === 'L') longName = cString(body)
    else if (type === 'x') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1]
      if (path !== undefined) longName = path
    } else {
      longName = undefined
      if (type === '0' || type === '\0' || type === '7') {
        if (members.length >= maxMembers) truncated = true
        else members.push(body.length < size ? { name, data: body, problem: 'member data truncated' } : { name, data: body })
      }
    }
    pos += 512 + Math.ceil(size / 512) * 512
  }
  // an archive that simply stops after its last member is read as tar does; a partial block is not trailing data
  return pos >= data.length ? { members, end: data.length, truncated } : { members, end: pos, truncated }
}

/** Members of an ar archive (static libraries, .deb packages). */
export function arMembers(data: Buffer, maxMembers: number): Listing {
  const members: Member[] = []
  let pos = 8
  let names = ''
  let truncated = false
  while (pos + 60 <= data.length) {
    const header = data.subarray(pos, pos + 60)
    if (header[58] !== 0x60 || header[59] !== 0x0a) return { members, end: pos, error: `ar header at offset ${pos} is not valid`, truncated }
    const sizeText = header.subarray(48, 58).toString('latin1').trim()
    if (!/^\d+$/.test(sizeText)) return { members, end: pos, error: `ar header at offset ${pos} has a bad size`, truncated }
    const size = Number(sizeText)
    const raw = header.subarray(0, 16).toString('latin1').trim()
    const body = data.subarray(pos + 60, pos + 60 + size)
    if (raw === '//') names = body.toString('latin1')
    else if (raw !== '/' && raw !== '/SYM64/') {
      const long = /^\/(\d+)$/.exec(raw)
      const name = long ? (names.slice(Number(long[1])).split(/\/?\n/)[0] ?? raw) : raw.replace(/\/$/, '')
      if (members.length >= maxMembers) truncated = true
      else members.push({ name, data: body })
    }
    pos += 60 + size + (size & 1)
  }
  return { members, end: Math.min(pos, data.length), truncated }
}

/** Stored and deflated members of a zip archive, from its central directory. */
export async function zipMembers(data: Buffer, maxMembers: number, budget: DecodeBudget): Promise<Listing> {
  let eocd = -1
  for (let at = data.lastIndexOf('PK\x05\x06', data.length - 22, 'latin1'); at >= 0 && at >= data.length - 22 - 0xffff; at = data.lastIndexOf('PK\x05\x06', at - 1, 'latin1')) {
    if (at + 22 + data.readUInt16LE(at + 20) <= data.length) {
      eocd = at
      break
    }
    if (at === 0) break
  }
  if (eocd < 0) return { members: [], error: 'zip end of central directory not found', truncated: false }
  const end = eocd + 22 + data.readUInt16LE(eocd + 20)
  const count = data.readUInt16LE(eocd + 10)
  let cd = data.readUInt32LE(eocd + 16)
  const members: Member[] = []
  let truncated = false
  for (let i = 0; i < count; i++) {
    if (cd + 46 > data.length || data.readUInt32LE(cd) !== 0x02014b50) return { members, end, error: 'zip central directory is damaged', truncated }
    const flags = data.readUInt16LE(cd + 8)
    const method = data.readUInt16LE(cd + 10)
    const compressed = data.readUInt32LE(cd + 20)
    const nameLength = data.readUInt16LE(cd + 28)
    const local = data.readUInt32LE(cd + 42)
    const name = data.subarray(cd + 46, cd + 46 + nameLength).toString('utf8')
    cd += 46 + nameLength + data.readUInt16LE(cd + 30) + data.readUInt16LE(cd + 32)
    if (name.endsWith('/')) continue
    if (members.length >= maxMembers) {
      truncated = true
      break
    }
    if (local + 30 > data.length || data.readUInt32LE(local) !== 0x04034b50) {
      members.push({ name, data: Buffer.alloc(0), problem: 'local header missing' })
      continue
    }
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28)
    const raw = data.subarray(start, start + compressed)
    if (flags & 1) members.push({ name, data: Buffer.alloc(0), problem: 'encrypted' })
    else if (compressed === 0xffffffff) members.push({ name, data: Buffer.alloc(0), problem: 'zip64 member not read' })
    else if (method === 0) members.push({ name, data: raw })
    else if (method === 8) members.push({ name, ...(await inflateBounded(raw, budget)) })
    else members.push({ name, data: Buffer.alloc(0), problem: `compression method ${method} not read` })
  }
  return { members, end, truncated }
}

async function inflateBounded(raw: Buffer, budget: DecodeBudget): Promise<{ data: Buffer; problem?: string; limited?: boolean; limit?: 'total' | 'ratio' }> {
  const inflate = createInflateRaw()
  inflate.end(raw)
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      const kept = chunk.subarray(0, Math.max(0, budget.remaining))
      chunks.push(Buffer.from(kept))
      total += kept.length
      budget.remaining -= kept.length
      if (kept.length < chunk.length) return { data: Buffer.concat(chunks, total), problem: 'decoded output reached the limit of the bytes this file may decode to', limited: true, limit: 'total' }
      if (total > budget.ratioGraceBytes && total > Math.max(1, raw.length) * budget.maxRatio) {
        return { data: Buffer.concat(chunks, total), problem: `${total} bytes inflated from ${raw.length}, a ratio above ${budget.maxRatio}:1`, limited: true, limit: 'ratio' }
      }
    }
  } catch (err) {
    return { data: Buffer.concat(chunks, total), problem: err instanceof Error ? err.message : String(err) }
  } finally {
    inflate.destroy()
  }
  return { data: Buffer.concat(chunks, total) }
}
