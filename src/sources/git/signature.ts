import { createHash } from 'node:crypto'

export type SignatureKind = 'openpgp' | 'ssh' | 'x509'

const SIGNATURE_STARTS: readonly (readonly [string, SignatureKind])[] = [
  ['-----BEGIN PGP SIGNATURE-----', 'openpgp'],
  ['-----BEGIN PGP MESSAGE-----', 'openpgp'],
  ['-----BEGIN SSH SIGNATURE-----', 'ssh'],
  ['-----BEGIN SIGNED MESSAGE-----', 'x509'],
]

export interface SplitSignature {
  /** the bytes that were signed */
  readonly payload: Buffer
  readonly signature: Buffer
  readonly kind: SignatureKind
}

const kindAt = (bytes: Buffer, offset: number): SignatureKind | undefined => {
  for (const [start, kind] of SIGNATURE_STARTS) if (bytes.toString('latin1', offset, offset + start.length) === start) return kind
  return undefined
}

/**
 * Splits a signed tag object as git does: the signature starts at the last line that opens one
 * of the known signature blocks and runs to the end; everything before it is what was signed.
 */
export function splitSignature(object: Buffer): SplitSignature | undefined {
  let match: { offset: number; kind: SignatureKind } | undefined
  let offset = 0
  while (offset < object.length) {
    const kind = kindAt(object, offset)
    if (kind) match = { offset, kind }
    const eol = object.indexOf(0x0a, offset)
    offset = eol < 0 ? object.length : eol + 1
  }
  if (!match) return undefined
  return { payload: object.subarray(0, match.offset), signature: object.subarray(match.offset), kind: match.kind }
}

/** The base64 body of an ASCII-armored block (headers, blank line and checksum removed). */
export function dearmor(armored: string): Buffer | undefined {
  const lines = armored.split(/\r?\n/)
  const begin = lines.findIndex((l) => l.startsWith('-----BEGIN '))
  const end = lines.findIndex((l, i) => i > begin && l.startsWith('-----END '))
  if (begin < 0 || end < 0) return undefined
  let body = lines.slice(begin + 1, end)
  const blank = body.findIndex((l) => l.trim() === '')
  if (blank >= 0 && body.slice(0, blank).every((l) => /^[A-Za-z][\w-]*: /.test(l))) body = body.slice(blank + 1)
  const text = body
    .filter((l) => !/^=[A-Za-z0-9+/]{4}$/.test(l.trim()))
    .join('')
    .replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined
  return Buffer.from(text, 'base64')
}

interface Packet {
  readonly tag: number
  readonly body: Buffer
}

/** OpenPGP packets (RFC 4880 §4.2, old and new header formats); stops at anything malformed. */
function* packets(data: Buffer): Generator<Packet> {
  let at = 0
  while (at < data.length) {
    const first = data[at] ?? 0
    if ((first & 0x80) === 0) return
    let tag: number
    let length: number
    let headerLength: number
    if (first & 0x40) {
      tag = first & 0x3f
      const o1 = data[at + 1]
      if (o1 === undefined) return
      if (o1 < 192) [length, headerLength] = [o1, 2]
      else if (o1 < 224) [length, headerLength] = [((o1 - 192) << 8) + (data[at + 2] ?? 0) + 192, 3]
      else if (o1 === 255) {
        if (at + 6 > data.length) return
        ;[length, headerLength] = [data.readUInt32BE(at + 2), 6]
      } else return // partial body lengths do not occur in signature packets
    } else {
      tag = (first >> 2) & 0x0f
      const lengthType = first & 0x03
      if (lengthType === 0) [length, headerLength] = [data[at + 1] ?? 0, 2]
      else if (lengthType === 1) {
        if (at + 3 > data.length) return
        ;[length, headerLength] = [data.readUInt16BE(at + 1), 3]
      } else if (lengthType === 2) {
        if (at + 5 > data.length) return
        ;[length, headerLength] = [data.readUInt32BE(at + 1), 5]
      } else [length, headerLength] = [data.length - at - 1, 1]
    }
    const start = at + headerLength
    if (start + length > data.length) return
    yield { tag, body: data.subarray(start, start + length) }
    at = start + length
  }
}

interface Subpacket {
  readonly type: number
  readonly body: Buffer
}

function* subpackets(area: Buffer): Generator<Subpacket> {
  let at = 0
  while (at < area.length) {
    const o1 = area[at] ?? 0
    let length: number
    let headerLength: number
    if (o1 < 192) [length, headerLength] = [o1, 1]
    else if (o1 < 255) [length, headerLength] = [((o1 - 192) << 8) + (area[at + 1] ?? 0) + 192, 2]
    else {
      if (at + 5 > area.length) return
      ;[length, headerLength] = [area.readUInt32BE(at + 1), 5]
    }
    const start = at + headerLength
    if (length < 1 || start + length > area.length) return
    yield { type: (area[start] ?? 0) & 0x7f, body: area.subarray(start + 1, start + length) }
    at = start + length
  }
}

const SIGNATURE_PACKET = 2
const ISSUER = 16
const ISSUER_FINGERPRINT = 33

export interface OpenPgpIssuer {
  /** the 64-bit key id, 16 upper-case hex digits */
  readonly keyId: string
  /** the full fingerprint when the signature names it */
  readonly fingerprint?: string
}

function issuerOf(signature: Buffer): OpenPgpIssuer | undefined {
  const version = signature[0]
  if (version === 3) {
    if (signature.length < 15) return undefined
    return { keyId: signature.subarray(7, 15).toString('hex').toUpperCase() }
  }
  if (version !== 4 && version !== 5 && version !== 6) return undefined
  const wide = version === 6
  const lengthSize = wide ? 4 : 2
  const read = (at: number): number | undefined => (at + lengthSize > signature.length ? undefined : wide ? signature.readUInt32BE(at) : signature.readUInt16BE(at))
  const hashedLength = read(4)
  if (hashedLength === undefined) return undefined
  const hashed = signature.subarray(4 + lengthSize, 4 + lengthSize + hashedLength)
  const unhashedAt = 4 + lengthSize + hashedLength
  const unhashedLength = read(unhashedAt) ?? 0
  const unhashed = signature.subarray(unhashedAt + lengthSize, unhashedAt + lengthSize + unhashedLength)
  let keyId: string | undefined
  let fingerprint: string | undefined
  for (const sub of [...subpackets(hashed), ...subpackets(unhashed)]) {
    if (sub.type === ISSUER_FINGERPRINT && sub.body.length > 1 && !fingerprint) {
      const keyVersion = sub.body[0]
      const fpr = sub.body.subarray(1)
      fingerprint = fpr.toString('hex').toUpperCase()
      // v4 key ids are the low 64 bits of the fingerprint; v5 and v6 ids are the high 64 bits.
      keyId ??= (keyVersion === 4 ? fpr.subarray(fpr.length - 8) : fpr.subarray(0, 8)).toString('hex').toUpperCase()
    } else if (sub.type === ISSUER && sub.body.length === 8 && !keyId) {
      keyId = sub.body.toString('hex').toUpperCase()
    }
  }
  if (!keyId) return undefined
  return fingerprint ? { keyId, fingerprint } : { keyId }
}

/** Who made an OpenPGP signature, read from its signature packet; no keyring needed. */
export function openPgpIssuer(armoredOrBinary: Buffer): OpenPgpIssuer | undefined {
  const text = armoredOrBinary.toString('latin1')
  const data = text.includes('-----BEGIN ') ? dearmor(text) : armoredOrBinary
  if (!data) return undefined
  for (const packet of packets(data)) if (packet.tag === SIGNATURE_PACKET) return issuerOf(packet.body)
  return undefined
}

/**
 * The SHA256 fingerprint (as `ssh-keygen -l` prints it) of the public key inside an SSH signature
 * (the SSHSIG format of OpenSSH's PROTOCOL.sshsig).
 */
export function sshSignatureFingerprint(armored: Buffer): string | undefined {
  const data = dearmor(armored.toString('latin1'))
  if (!data || data.length < 14 || data.toString('latin1', 0, 6) !== 'SSHSIG') return undefined
  const keyLength = data.readUInt32BE(10)
  if (14 + keyLength > data.length) return undefined
  const publicKey = data.subarray(14, 14 + keyLength)
  return `SHA256:${createHash('sha256').update(publicKey).digest('base64').replace(/=+$/, '')}`
}
