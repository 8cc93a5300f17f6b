import { StagelightError } from '../../errors.js'
import { readObjects } from './blobs.js'
import { checkKeyringFile, verifyWithKeyring } from './gpg.js'
import { candidateNames, checkRefSyntax, lookupObjects } from './refs.js'
import { openPgpIssuer, splitSignature, sshSignatureFingerprint, type SignatureKind } from './signature.js'
import type { Repository, TagFacts } from './types.js'

export interface TagObject {
  readonly object?: string
  readonly type?: string
  readonly tag?: string
  readonly tagger?: { readonly name: string; readonly email: string; readonly date: string }
}

/** `+0130` and epoch seconds → `2024-03-09T10:00:00+01:30`, the instant in the tagger's own zone. */
export function isoDate(epochSeconds: number, zone: string): string {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(zone)
  const sign = m?.[1] === '-' ? -1 : 1
  const offsetMinutes = m ? sign * (Number(m[2]) * 60 + Number(m[3])) : 0
  const local = new Date((epochSeconds + offsetMinutes * 60) * 1000).toISOString().slice(0, 19)
  const abs = Math.abs(offsetMinutes)
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

/** `Name <email> 1700000000 +0100` */
export function parseIdentity(line: string): { name: string; email: string; date: string } | undefined {
  const m = /^(.*?)\s*<([^>]*)>\s*(\d+)\s+([+-]\d{4})\s*$/.exec(line)
  if (!m) return undefined
  return { name: m[1] ?? '', email: m[2] ?? '', date: isoDate(Number(m[3]), m[4] ?? '+0000') }
}

/** The header fields of a tag object (up to the first blank line). */
export function parseTagObject(content: Buffer): TagObject {
  const end = content.indexOf('\n\n')
  const header = content.toString('utf8', 0, end < 0 ? content.length : end)
  const fields: { -readonly [K in keyof TagObject]: TagObject[K] } = {}
  for (const line of header.split('\n')) {
    const space = line.indexOf(' ')
    if (space < 0) continue
    const key = line.slice(0, space)
    const value = line.slice(space + 1)
    if (key === 'object') fields.object = value
    else if (key === 'type') fields.type = value
    else if (key === 'tag') fields.tag = value
    else if (key === 'tagger') {
      const who = parseIdentity(value)
      if (who) fields.tagger = who
    }
  }
  return fields
}

const shortName = (ref: string): string => ref.replace(/^refs\/tags\//, '')

interface SignatureFacts {
  readonly signed: boolean
  readonly signatureKind?: SignatureKind
  readonly keyId?: string
  readonly signatureValid?: boolean
  readonly signatureDetail?: string
}

async function signatureFacts(content: Buffer, keyring: string | undefined): Promise<SignatureFacts> {
  const split = splitSignature(content)
  if (!split) return keyring ? { signed: false, signatureValid: false, signatureDetail: 'the tag is not signed' } : { signed: false }
  const keyId = split.kind === 'openpgp' ? openPgpIssuer(split.signature)?.keyId : split.kind === 'ssh' ? sshSignatureFingerprint(split.signature) : undefined
  const base: SignatureFacts = { signed: true, signatureKind: split.kind, ...(keyId ? { keyId } : {}) }
  if (!keyring) return base
  if (split.kind !== 'openpgp') return { ...base, signatureValid: false, signatureDetail: `an ${split.kind === 'ssh' ? 'SSH' : 'X.509'} signature cannot be checked against an OpenPGP keyring` }
  const check = await verifyWithKeyring(split.payload, split.signature, keyring)
  return { ...base, signatureValid: check.valid, signatureDetail: check.detail }
}

/**
 * What a tag says about a release: annotated or lightweight, who tagged it and when, and how it
 * is signed. With a keyring, the signature is verified against those keys only.
 */
export async function readTagFacts(repo: Repository, ref: string, options: { keyring?: string } = {}): Promise<TagFacts> {
  checkRefSyntax(ref)
  if (options.keyring !== undefined) await checkKeyringFile(options.keyring)
  const names = candidateNames(ref)
  const found = await lookupObjects(repo, [...names, ...names.map((n) => `${n}^{commit}`)])
  const index = names.findIndex((_, i) => found[i] !== undefined)
  const object = found[index]
  if (index < 0 || !object) throw new StagelightError('E_INPUT_NOT_FOUND', `ref ${ref} not found in ${repo.spec}`, { ref, repository: repo.spec })
  const commit = found[names.length + index]
  if (!commit) throw new StagelightError('E_INPUT_INVALID', `${ref} in ${repo.spec} points to a ${object.type}, not a commit`, { ref, type: object.type })
  const name = shortName(ref)
  if (object.type !== 'tag') {
    const lightweight: TagFacts = { name, objectId: commit.oid, commit: commit.oid, annotated: false, signed: false }
    return options.keyring ? { ...lightweight, signatureValid: false, signatureDetail: 'the tag is lightweight, so it carries no signature' } : lightweight
  }
  let content: Buffer | undefined
  for await (const tag of readObjects(repo, [object.oid], 'tag')) content = tag.content
  if (!content) throw new StagelightError('E_INPUT_INVALID', `tag object ${object.oid} could not be read from ${repo.spec}`, { ref })
  const header = parseTagObject(content)
  const signature = await signatureFacts(content, options.keyring)
  return { name, objectId: object.oid, commit: commit.oid, annotated: true, ...(header.tagger ? { tagger: header.tagger } : {}), ...signature }
}
