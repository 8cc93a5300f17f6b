import { afterAll, describe, expect, it } from 'vitest'
import { commitMessages, openBlobSession, openRepository, readBlob, readBlobs } from '../../src/sources/git/index.js'
import { ByteReader } from '../../src/sources/git/byte-reader.js'
import type { Repository } from '../../src/sources/git/types.js'
import { commitFiles, gitIn, isolateGitConfig, makeRepo, rejection, removeTempDirs, sh, tempDir } from './fixtures.js'

isolateGitConfig()
afterAll(removeTempDirs)

const open = (dir: string): Promise<Repository> => openRepository(dir, { cacheDir: tempDir(), offline: true })

const hashObject = (dir: string, content: Buffer): string => sh('git', ['-C', dir, 'hash-object', '-w', '--stdin'], { input: content }).stdout.trim()

describe('readBlobs', () => {
  it('returns every blob in the order asked, duplicates and binary content included', async () => {
    const dir = makeRepo({ 'a': 'a\n' })
    const contents = [Buffer.from('first\n'), Buffer.from([0, 1, 2, 255, 10, 13, 0]), Buffer.alloc(0), Buffer.alloc(300_000, 'z'), Buffer.from('last, no newline')]
    const oids = contents.map((c) => hashObject(dir, c))
    const asked = [oids[3], oids[0], oids[1], oids[0], oids[2], oids[4]] as string[]
    const got: { oid: string; content: Buffer }[] = []
    for await (const blob of readBlobs(await open(dir), asked)) got.push(blob)
    expect(got.map((b) => b.oid)).toEqual(asked)
    expect(got.map((b) => b.content.toString('base64'))).toEqual(asked.map((oid) => contents[oids.indexOf(oid)]?.toString('base64')))
  })

  it('reads one blob', async () => {
    const dir = makeRepo({ 'a': 'a\n' })
    expect((await readBlob(await open(dir), hashObject(dir, Buffer.from('single\n')))).toString()).toBe('single\n')
  })

  it('stops cleanly when the consumer stops early', async () => {
    const dir = makeRepo({ 'a': 'a\n' })
    const oid = hashObject(dir, Buffer.alloc(100_000, 'q'))
    let seen = 0
    for await (const _blob of readBlobs(await open(dir), Array.from({ length: 2000 }, () => oid))) if (++seen === 3) break
    expect(seen).toBe(3)
  })

  it('fails with E_INPUT_NOT_FOUND for a missing object and E_INPUT_INVALID for a non-id or a non-blob', async () => {
    const dir = makeRepo({ 'a': 'a\n' })
    const repo = await open(dir)
    expect((await rejection(readBlob(repo, '0123456789012345678901234567890123456789'))).code).toBe('E_INPUT_NOT_FOUND')
    expect((await rejection(readBlob(repo, 'HEAD:a'))).code).toBe('E_INPUT_INVALID')
    expect((await rejection(readBlob(repo, gitIn(dir, 'rev-parse', 'HEAD')))).code).toBe('E_INPUT_INVALID')
  })
})

describe('openBlobSession', () => {
  it('answers reads asked one by one or all at once, each with its own blob', async () => {
    const dir = makeRepo({ 'a': 'a\n' })
    const contents = [Buffer.from('one\n'), Buffer.alloc(200_000, 'y'), Buffer.alloc(0), Buffer.from([0, 255, 10])]
    const oids = contents.map((c) => hashObject(dir, c))
    const session = openBlobSession(await open(dir))
    try {
      expect((await session.read(oids[0] ?? '')).toString()).toBe('one\n')
      const together = await Promise.all([oids[1], oids[3], oids[2], oids[1]].map((oid) => session.read(oid ?? '')))
      expect(together.map((b) => b.toString('base64'))).toEqual([contents[1], contents[3], contents[2], contents[1]].map((c) => c?.toString('base64')))
    } finally {
      session.close()
    }
  })

  it('goes on after a missing object or a bad id, and after close starts again', async () => {
    const dir = makeRepo({ 'a': 'a\n' })
    const repo = await open(dir)
    const oid = hashObject(dir, Buffer.from('still here\n'))
    const session = openBlobSession(repo)
    try {
      const missing = session.read('0123456789012345678901234567890123456789')
      const after = session.read(oid)
      expect((await rejection(missing)).code).toBe('E_INPUT_NOT_FOUND')
      expect((await after).toString()).toBe('still here\n')
      expect((await rejection(session.read('HEAD:a'))).code).toBe('E_INPUT_INVALID')
      expect((await rejection(session.read(gitIn(dir, 'rev-parse', 'HEAD')))).code).toBe('E_INPUT_INVALID')
      expect((await session.read(oid)).toString()).toBe('still here\n')
      session.close()
      expect((await session.read(oid)).toString()).toBe('still here\n')
    } finally {
      session.close()
    }
  })
})

describe('commitMessages', () => {
  it('streams the history leading to a commit, newest first, with full messages', async () => {
    const dir = makeRepo({ 'a': '1\n' }, { message: 'Initial import' })
    commitFiles(dir, { 'a': '2\n' }, 'Fix the parser\n\n* src/parse.c: handle empty input.\n\nSigned-off-by: Ada', { GIT_AUTHOR_NAME: 'Jörg Ünicode', GIT_AUTHOR_EMAIL: 'jorg@example.org', GIT_AUTHOR_DATE: '1700000000 +0200' })
    const target = commitFiles(dir, { 'a': '3\n' }, 'Release 1.0')
    commitFiles(dir, { 'a': '4\n' }, 'After the release')
    const messages = []
    for await (const m of commitMessages(await open(dir), target)) messages.push(m)
    expect(messages.map((m) => m.body.split('\n')[0])).toEqual(['Release 1.0', 'Fix the parser', 'Initial import'])
    expect(messages[0]?.commit).toBe(target)
    expect(messages[1]).toMatchObject({ author: 'Jörg Ünicode', email: 'jorg@example.org', date: '2023-11-15T00:13:20+02:00' })
    expect(messages[1]?.body).toBe('Fix the parser\n\n* src/parse.c: handle empty input.\n\nSigned-off-by: Ada')
    let fromBranch = 0
    for await (const _m of commitMessages(await open(dir), 'main')) fromBranch++
    expect(fromBranch).toBe(4)
  })

  it('reads a long history without holding it', async () => {
    const dir = tempDir('sl-long-')
    sh('git', ['init', '--quiet', '--bare', dir])
    const parts: string[] = []
    for (let i = 0; i < 3000; i++) parts.push('commit refs/heads/main', `committer C <c@example.org> ${1700000000 + i} +0000`, `data <<EOT`, `Change ${i}\n\nBody line for ${i}.`, 'EOT', '')
    sh('git', ['--git-dir', dir, 'fast-import', '--quiet'], { input: parts.join('\n') + '\n' })
    const head = sh('git', ['--git-dir', dir, 'rev-parse', 'main']).stdout.trim()
    let count = 0
    let last = ''
    for await (const m of commitMessages(await open(dir), head)) {
      count++
      last = m.body
    }
    expect(count).toBe(3000)
    expect(last).toBe('Change 0\n\nBody line for 0.')
  })
})

describe('ByteReader', () => {
  async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
    for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size)
  }

  it('splits records and blocks across any chunk boundary', async () => {
    const data = Buffer.concat([Buffer.from('alpha\0beta\0'), Buffer.from('0123456789'), Buffer.from('\0gamma')])
    for (const size of [1, 2, 3, 7, 64]) {
      const reader = new ByteReader(chunked(data, size))
      expect((await reader.readUntil(0))?.toString()).toBe('alpha')
      expect((await reader.readUntil(0))?.toString()).toBe('beta')
      expect((await reader.readExactly(10))?.toString()).toBe('0123456789')
      expect((await reader.readUntil(0))?.toString()).toBe('')
      expect((await reader.readUntil(0))?.toString()).toBe('gamma')
      expect(await reader.readUntil(0)).toBeUndefined()
      expect(await reader.readExactly(1)).toBeUndefined()
    }
  })
})
