import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { git } from '../sources/git/exec.js'
import { openPgpIssuer, splitSignature, sshSignatureFingerprint, type SignatureKind } from '../sources/git/signature.js'
import type { Repository } from '../sources/git/types.js'

/**
 * What a signature on a tag or commit says, read without any git signature configuration:
 * the kind, the key (SSH fingerprint or OpenPGP key id) and, where the signature carries its own
 * public key (SSH), whether it matches the signed bytes. An OpenPGP or X.509 signature can only
 * be checked against a key the caller trusts, so it is reported by key, unverified.
 */
export interface SignatureFact {
  readonly kind: SignatureKind
  readonly key?: string
  /** true: matches the signed bytes; false: does not (forged or altered); undefined: not checkable here */
  readonly verified?: boolean
  readonly detail: string
}

/** Runs a program with stdin, collecting its exit code; a missing program is `undefined`. */
function runWithInput(program: string, args: readonly string[], input: Buffer): Promise<number | undefined> {
  return new Promise((done) => {
    const child = spawn(program, args, { stdio: ['pipe', 'ignore', 'ignore'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } })
    child.on('error', () => done(undefined))
    child.on('close', (code) => done(code ?? undefined))
    child.stdin.on('error', () => undefined)
    child.stdin.end(input)
  })
}

/**
 * Checks an SSH signature against the public key inside it (`ssh-keygen -Y check-novalidate`):
 * proves the bytes were signed by that key, not that the key belongs to anyone in particular.
 */
async function checkSsh(dir: string, payload: Buffer, signature: Buffer, n: number): Promise<boolean | undefined> {
  const file = join(dir, `sig-${n}`)
  await writeFile(file, signature)
  const code = await runWithInput('ssh-keygen', ['-Y', 'check-novalidate', '-n', 'git', '-s', file], payload)
  return code === undefined ? undefined : code === 0
}

/** The signature of a raw commit object: the `gpgsig` header (continuation lines start with a space) removed from the payload. */
export function splitCommitSignature(object: Buffer): { payload: Buffer; signature: Buffer } | undefined {
  const text = object.toString('latin1')
  const headerEnd = text.indexOf('\n\n')
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd + 1)
  const start = head.search(/^gpgsig(?:-sha256)? /m)
  if (start < 0) return undefined
  let end = head.indexOf('\n', start)
  while (end >= 0 && head[end + 1] === ' ') end = head.indexOf('\n', end + 1)
  if (end < 0) return undefined
  const block = head.slice(start, end + 1)
  const signature = block.replace(/^gpgsig(?:-sha256)? /, '').replace(/\n /g, '\n')
  return { payload: Buffer.from(text.slice(0, start) + text.slice(end + 1), 'latin1'), signature: Buffer.from(signature, 'latin1') }
}

/** Reads objects in one `git cat-file --batch`; missing ones are left out. */
async function readObjects(repo: Repository, ids: readonly string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  if (ids.length === 0) return out
  const r = await git(['cat-file', '--batch'], { gitDir: repo.gitDir, input: ids.join('\n') + '\n' })
  const buf = r.stdout
  let at = 0
  for (const id of ids) {
    const eol = buf.indexOf(0x0a, at)
    if (eol < 0) break
    const header = buf.toString('latin1', at, eol).split(' ')
    at = eol + 1
    if (header[1] === 'missing' || header.length < 3) continue
    const size = Number(header[2])
    out.set(id, buf.subarray(at, at + size))
    at += size + 1
  }
  return out
}

async function factOf(dir: string, payload: Buffer, signature: Buffer, kind: SignatureKind, n: number): Promise<SignatureFact> {
  if (kind === 'ssh') {
    const key = sshSignatureFingerprint(signature)
    const verified = await checkSsh(dir, payload, signature, n)
    return { kind, ...(key ? { key } : {}), ...(verified !== undefined ? { verified } : {}), detail: verified === undefined ? 'SSH signature (ssh-keygen not available to check it)' : verified ? 'SSH signature matches its key' : 'SSH signature does NOT match the signed content' }
  }
  if (kind === 'openpgp') {
    const key = openPgpIssuer(signature)?.keyId
    return { kind, ...(key ? { key } : {}), detail: 'OpenPGP signature (key id read; checking it needs the signer’s public key)' }
  }
  return { kind, detail: 'X.509 signature (not checked: needs a certificate authority)' }
}

/**
 * Signature facts for the given tag and commit objects, in bulk: one `git cat-file --batch`, one
 * `ssh-keygen` per SSH signature, nothing per unsigned object, and no git signature settings.
 */
export async function readSignatures(repo: Repository, objects: readonly string[]): Promise<Map<string, SignatureFact>> {
  const out = new Map<string, SignatureFact>()
  const raw = await readObjects(repo, [...new Set(objects)])
  const dir = await mkdtemp(join(tmpdir(), 'stagelight-sig-'))
  try {
    let n = 0
    for (const [id, object] of raw) {
      const head = object.subarray(0, 400).toString('latin1')
      let split: { payload: Buffer; signature: Buffer; kind?: SignatureKind } | undefined
      if (/^object [0-9a-f]+\ntype /.test(head)) split = splitSignature(object)
      else split = splitCommitSignature(object)
      if (!split) continue
      const text = split.signature.toString('latin1')
      const kind: SignatureKind = split.kind ?? (text.includes('BEGIN SSH SIGNATURE') ? 'ssh' : text.includes('BEGIN PGP') ? 'openpgp' : 'x509')
      out.set(id, await factOf(dir, split.payload, split.signature, kind, n++))
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return out
}
