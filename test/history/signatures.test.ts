import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { history } from '../../src/history/history.js'
import type { Report } from '../../src/model/report.js'
import { gitIn, isolateGitConfig, removeTempDirs, sh, tempDir } from '../git/fixtures.js'
import { generateKey, killAgent, signedTag, type Key } from './builder.js'

interface Event {
  readonly kind: string
  readonly tag?: string
  readonly keyId?: string
  readonly detail?: string
}

const run = (dir: string): Promise<Report> => history({ source: dir, cacheDir: tempDir(), offline: true })
const keys: Key[] = []

beforeAll(() => {
  isolateGitConfig()
})

afterAll(() => {
  for (const k of keys) killAgent(k)
  removeTempDirs()
})

/** A repository whose commits and tags are signed with a real SSH key (`ssh-keygen -Y sign`, through git). */
function sshSignedRepo(): { dir: string; fingerprint: string } {
  const keyDir = tempDir('sl-ssh-')
  const key = join(keyDir, 'id_ed25519')
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'maintainer@example.org', '-f', key])
  const fingerprint = sh('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key}.pub`]).stdout.split(' ')[1] ?? ''
  const dir = tempDir('sl-ssh-repo-')
  sh('git', ['init', '--quiet', '--initial-branch=main', dir])
  const signing = ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${key}`]
  for (let i = 0; i < 4; i++) {
    writeFileSync(join(dir, 'main.c'), `int main(void) { return ${i}; }\n`)
    gitIn(dir, 'add', 'main.c')
    sh('git', ['-C', dir, ...signing, 'commit', '-q', '-S', '-m', `change ${i}`], { env: { GIT_AUTHOR_DATE: `2021-0${i + 1}-01T12:00:00Z`, GIT_COMMITTER_DATE: `2021-0${i + 1}-01T12:00:00Z` } })
    sh('git', ['-C', dir, ...signing, 'tag', '-s', '-m', `release 1.${i}.0`, `v1.${i}.0`], { env: { GIT_COMMITTER_DATE: `2021-0${i + 1}-02T12:00:00Z` } })
  }
  return { dir, fingerprint }
}

describe('signatures without any git signature configuration', () => {
  it('reads SSH-signed tags of a real signed history, verifies them against their own key, and flags an altered one', async () => {
    const { dir, fingerprint } = sshSignedRepo()
    expect(fingerprint).toMatch(/^SHA256:/)
    // an altered tag: the signed v1.3.0 object with its message changed, the signature kept
    const raw = sh('git', ['-C', dir, 'cat-file', 'tag', 'v1.3.0']).stdout
    const forged = raw.replace('release 1.3.0', 'release 1.3.1').replace('tag v1.3.0', 'tag v1.3.1')
    const id = sh('git', ['-C', dir, 'mktag'], { input: forged }).stdout.trim()
    gitIn(dir, 'update-ref', 'refs/tags/v1.3.1', id)
    // no allowed-signers file, no gpg.ssh settings: nothing is configured to check signatures
    expect(sh('git', ['-C', dir, 'config', '--get', 'gpg.ssh.allowedSignersFile'], { allowFailure: true }).status).not.toBe(0)

    const r = await run(dir)
    const signed = (r.summary.events as Event[]).filter((e) => e.kind === 'signed-tag')
    expect(signed[0]?.keyId).toBe(fingerprint)
    expect(signed[0]?.detail).toBe('SSH signature matches its key')
    const fact = r.facts.find((f) => f.label === 'signatures')?.value ?? ''
    expect(fact).toMatch(/^5 of 5 release tags signed \(ssh 5\); 4 verified against the key they carry, 1 DO NOT match their content/)
    expect(r.incomplete ?? []).toEqual([])
  })

  it('reports OpenPGP-signed tags by key id, unverified, without a keyring', async () => {
    const key = generateKey('Pat Maintainer <pat@example.org>')
    keys.push(key)
    const dir = tempDir('sl-pgp-repo-')
    sh('git', ['init', '--quiet', '--initial-branch=main', dir])
    writeFileSync(join(dir, 'a.txt'), 'a\n')
    gitIn(dir, 'add', 'a.txt')
    sh('git', ['-C', dir, 'commit', '-q', '-m', 'one'], { env: { GIT_AUTHOR_NAME: 'Pat Maintainer', GIT_AUTHOR_EMAIL: 'pat@example.org' } })
    signedTag(dir, 'v2.0.0', gitIn(dir, 'rev-parse', 'HEAD'), { name: 'Pat Maintainer', email: 'pat@example.org' }, '2022-01-01', key)
    const r = await run(dir)
    const signed = (r.summary.events as Event[]).find((e) => e.kind === 'signed-tag')
    expect(signed?.keyId).toBe(key.keyId)
    expect(signed?.detail).toMatch(/OpenPGP signature \(key id read/)
    expect(r.facts.find((f) => f.label === 'signatures')?.value).toMatch(/^1 of 1 release tags signed \(openpgp 1\); 0 verified/)
  })
})

describe('a clone with a missing object', () => {
  it('names the object, analyses the rest and marks the report incomplete', async () => {
    const dir = tempDir('sl-missing-')
    sh('git', ['init', '--quiet', '--initial-branch=main', dir])
    for (let i = 0; i < 6; i++) {
      writeFileSync(join(dir, `f${i}.txt`), `content ${i}\n`)
      gitIn(dir, 'add', '.')
      sh('git', ['-C', dir, 'commit', '-q', '-m', `c${i}`], { env: { GIT_AUTHOR_DATE: `2020-0${i + 1}-01T00:00:00Z`, GIT_COMMITTER_DATE: `2020-0${i + 1}-01T00:00:00Z` } })
    }
    // the blob added by the third commit goes missing (as in a partial copy)
    const blob = gitIn(dir, 'rev-parse', 'HEAD~3:f2.txt')
    rmSync(join(dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)))
    const r = await run(dir)
    expect(r.incomplete?.join('\n')).toMatch(new RegExp(`missing object ${blob} \\(needed by commit [0-9a-f]{12}\\): 1 commit\\(s\\) are counted without their changed files`))
    expect(r.incomplete?.join('\n')).not.toMatch(/allowedSignersFile|gpg/)
    expect((r.summary.overall as { commits: number }).commits).toBe(6)
  })
})
