import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRepository, readTagFacts, resolveRef } from '../../src/sources/git/index.js'
import type { Repository } from '../../src/sources/git/types.js'
import { gitIn, isolateGitConfig, makeRepo, rejection, removeTempDirs, sh, tempDir } from './fixtures.js'

isolateGitConfig()

interface Key {
  readonly home: string
  readonly fingerprint: string
  readonly keyId: string
}

const gnupgHomes: string[] = []

/** A fresh OpenPGP signing key without passphrase, in its own GNUPGHOME. */
function generateKey(uid: string): Key {
  const home = tempDir('sl-gpg-')
  chmodSync(home, 0o700)
  gnupgHomes.push(home)
  sh('gpg', ['--homedir', home, '--batch', '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never'])
  const colons = sh('gpg', ['--homedir', home, '--batch', '--with-colons', '--list-keys', uid]).stdout.split('\n')
  const pub = colons.find((l) => l.startsWith('pub:'))?.split(':') ?? []
  const fpr = colons.find((l) => l.startsWith('fpr:'))?.split(':') ?? []
  return { home, keyId: pub[4] ?? '', fingerprint: fpr[9] ?? '' }
}

function exportKey(key: Key, armored: boolean): string {
  const file = join(tempDir(), armored ? 'keys.asc' : 'keys.gpg')
  sh('gpg', ['--homedir', key.home, '--batch', '--yes', ...(armored ? ['--armor'] : []), '--output', file, '--export', key.fingerprint])
  return file
}

let repoDir: string
let repo: Repository
let signer: Key
let stranger: Key

beforeAll(() => {
  signer = generateKey('Test <t@example.org>')
  stranger = generateKey('Someone Else <else@example.org>')
  repoDir = makeRepo({ 'main.c': 'int main(void) { return 0; }\n' })
  gitIn(repoDir, 'tag', 'light-1.0')
  sh('git', ['-C', repoDir, 'tag', '-a', '-m', 'Release 1.0', 'v1.0'], { env: { GIT_COMMITTER_DATE: '1710000000 +0130' } })
  sh('git', ['-C', repoDir, '-c', 'gpg.program=gpg', '-c', `user.signingkey=${signer.fingerprint}`, 'tag', '-s', '-m', 'Signed release 1.1', 'v1.1'], { env: { GNUPGHOME: signer.home } })
  gitIn(repoDir, 'branch', 'maintenance')
  gitIn(repoDir, 'tag', 'tree-tag', gitIn(repoDir, 'rev-parse', 'HEAD^{tree}'))
})

afterAll(() => {
  for (const home of gnupgHomes) sh('gpgconf', ['--homedir', home, '--kill', 'all'], { allowFailure: true })
  removeTempDirs()
})

const open = async (): Promise<Repository> => (repo ??= await openRepository(repoDir, { cacheDir: tempDir(), offline: true }))

describe('resolveRef', () => {
  it('resolves tags (annotated or not), branches and commit ids to the commit', async () => {
    const r = await open()
    const head = gitIn(repoDir, 'rev-parse', 'HEAD')
    for (const ref of ['v1.0', 'v1.1', 'light-1.0', 'maintenance', head, head.slice(0, 12), 'refs/tags/v1.0']) expect((await resolveRef(r, ref)).commit, ref).toBe(head)
  })

  it('fails with E_INPUT_NOT_FOUND for an unknown ref and E_INPUT_INVALID for a tag of a tree', async () => {
    const r = await open()
    expect((await rejection(resolveRef(r, 'v9.9.9'))).code).toBe('E_INPUT_NOT_FOUND')
    // a full commit id the repository does not hold (git answers `<id> missing`)
    expect((await rejection(resolveRef(r, 'f'.repeat(40)))).code).toBe('E_INPUT_NOT_FOUND')
    expect((await rejection(resolveRef(r, 'tree-tag'))).code).toBe('E_INPUT_INVALID')
  })

  it('never lets a ref become a command-line option', async () => {
    const r = await open()
    expect((await rejection(resolveRef(r, '--output=/tmp/x'))).code).toBe('E_USAGE')
    expect((await rejection(resolveRef(r, 'v1.0\nHEAD'))).code).toBe('E_USAGE')
  })
})

describe('readTagFacts', () => {
  it('describes an annotated tag: its object, commit and tagger in the tagger’s time zone', async () => {
    const r = await open()
    const facts = await readTagFacts(r, 'v1.0')
    expect(facts).toMatchObject({ name: 'v1.0', annotated: true, signed: false })
    expect(facts.objectId).toBe(gitIn(repoDir, 'rev-parse', 'v1.0'))
    expect(facts.objectId).not.toBe(facts.commit)
    expect(facts.commit).toBe(gitIn(repoDir, 'rev-parse', 'v1.0^{commit}'))
    expect(facts.tagger).toEqual({ name: 'Ada Tester', email: 'ada@example.org', date: '2024-03-09T17:30:00+01:30' })
    expect(facts.tagger?.date).toBe(gitIn(repoDir, 'for-each-ref', '--format=%(taggerdate:iso-strict)', 'refs/tags/v1.0'))
  })

  it('describes a lightweight tag by its commit', async () => {
    const r = await open()
    const facts = await readTagFacts(r, 'light-1.0')
    expect(facts).toMatchObject({ name: 'light-1.0', annotated: false, signed: false })
    expect(facts.objectId).toBe(facts.commit)
    expect(facts.tagger).toBeUndefined()
  })

  it('reads the OpenPGP key id from a signed tag without any keyring', async () => {
    const r = await open()
    const facts = await readTagFacts(r, 'v1.1')
    expect(facts).toMatchObject({ annotated: true, signed: true, signatureKind: 'openpgp', keyId: signer.keyId })
    expect(facts.signatureValid).toBeUndefined()
  })

  it('verifies the signature with the signer’s exported key, armored or binary', async () => {
    const r = await open()
    for (const armored of [true, false]) {
      const facts = await readTagFacts(r, 'v1.1', { keyring: exportKey(signer, armored) })
      expect(facts.signatureValid).toBe(true)
      expect(facts.signatureDetail).toContain(signer.fingerprint)
    }
  })

  it('does not accept the signature with another key’s keyring', async () => {
    const r = await open()
    const facts = await readTagFacts(r, 'v1.1', { keyring: exportKey(stranger, true) })
    expect(facts.signed).toBe(true)
    expect(facts.signatureValid).toBe(false)
    expect(facts.signatureDetail).toContain(signer.keyId)
  })

  it('reports a signature that does not cover the tag as not valid', async () => {
    const r = await open()
    const signed = sh('git', ['-C', repoDir, 'cat-file', 'tag', 'v1.1']).stdout
    const signature = signed.slice(signed.indexOf('-----BEGIN PGP SIGNATURE-----'))
    const commit = gitIn(repoDir, 'rev-parse', 'HEAD')
    const forged = `object ${commit}\ntype commit\ntag v1.1-forged\ntagger Mallory <m@example.org> 1710000000 +0000\n\nSigned release 1.1, honest\n${signature}`
    const oid = sh('git', ['-C', repoDir, 'mktag'], { input: forged }).stdout.trim()
    gitIn(repoDir, 'update-ref', 'refs/tags/v1.1-forged', oid)
    const facts = await readTagFacts(r, 'v1.1-forged', { keyring: exportKey(signer, false) })
    expect(facts).toMatchObject({ signed: true, keyId: signer.keyId, signatureValid: false })
    expect(facts.signatureDetail).toMatch(/BAD/)
  })

  it('marks an unsigned tag as not valid when a keyring is given', async () => {
    const r = await open()
    const facts = await readTagFacts(r, 'v1.0', { keyring: exportKey(signer, true) })
    expect(facts).toMatchObject({ signed: false, signatureValid: false })
  })

  it('reads the key fingerprint of an SSH-signed tag', async () => {
    const keyDir = tempDir()
    const keyFile = join(keyDir, 'id_ed25519')
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', keyFile])
    sh('git', ['-C', repoDir, '-c', 'gpg.format=ssh', '-c', `user.signingkey=${keyFile}.pub`, 'tag', '-s', '-m', 'SSH signed', 'v1.2-ssh'])
    const fingerprint = sh('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${keyFile}.pub`]).stdout.split(' ')[1]
    const facts = await readTagFacts(await open(), 'v1.2-ssh')
    expect(facts).toMatchObject({ signed: true, signatureKind: 'ssh', keyId: fingerprint })
    const checked = await readTagFacts(await open(), 'v1.2-ssh', { keyring: exportKey(signer, true) })
    expect(checked.signatureValid).toBe(false)
  })

  it('fails with E_TOOL_MISSING when a keyring is given but gpg is not installed', async () => {
    const r = await open()
    const bin = tempDir()
    mkdirSync(bin, { recursive: true })
    symlinkSync(sh('sh', ['-c', 'command -v git']).stdout.trim(), join(bin, 'git'))
    const keyring = exportKey(signer, true)
    const path = process.env.PATH
    process.env.PATH = bin
    try {
      expect((await rejection(readTagFacts(r, 'v1.1', { keyring }))).code).toBe('E_TOOL_MISSING')
      // without a keyring gpg is not needed at all
      expect((await readTagFacts(r, 'v1.1')).keyId).toBe(signer.keyId)
    } finally {
      process.env.PATH = path
    }
  })

  it('rejects a keyring that is missing or holds no keys', async () => {
    const r = await open()
    expect((await rejection(readTagFacts(r, 'v1.1', { keyring: join(tempDir(), 'none.gpg') }))).code).toBe('E_INPUT_NOT_FOUND')
    // even when the tag has no signature to check
    expect((await rejection(readTagFacts(r, 'light-1.0', { keyring: join(tempDir(), 'none.gpg') }))).code).toBe('E_INPUT_NOT_FOUND')
    const junk = join(tempDir(), 'junk.asc')
    writeFileSync(junk, 'not a key\n')
    expect((await rejection(readTagFacts(r, 'v1.1', { keyring: junk }))).code).toBe('E_INPUT_INVALID')
  })

  it('fails with E_INPUT_NOT_FOUND for an unknown tag', async () => {
    expect((await rejection(readTagFacts(await open(), 'v7.0'))).code).toBe('E_INPUT_NOT_FOUND')
  })
})
