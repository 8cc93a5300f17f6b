import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectFormat, shannonEntropy, type BinaryFormat } from '../../src/data-files/index.js'
import { expectedRandomEntropy } from '../../src/data-files/entropy.js'
import { objectFile, randomBytes, Workshop } from './fixtures.js'

let w: Workshop
beforeAll(() => {
  w = new Workshop('magic')
})
afterAll(() => w.cleanup())

const detect = (bytes: Buffer): BinaryFormat | undefined => detectFormat(bytes.subarray(0, 4096))
const text = 'hello, world: a perfectly ordinary line of text\n'.repeat(40)

describe('detectFormat on files made by real tools', () => {
  it.each([
    ['xz', ['-c'], 'xz', 'xz'],
    ['gzip', ['-c'], 'gzip', 'gzip'],
    ['bzip2', ['-c'], 'bzip2', 'bzip2'],
    ['zstd', ['-q', '-c'], 'zstd', 'zstd'],
  ] as const)('%s output is compressed data with a codec', (tool, args, id, codec) => {
    const f = detect(w.filter(text, tool, ...args))
    expect(f).toMatchObject({ id, family: 'compressed', codec })
  })

  it('recognises legacy .lzma (LZMA alone, decoded through xz) and lz4 (not decoded)', () => {
    expect(detect(w.filter(text, 'xz', '--format=lzma', '-c'))).toMatchObject({ id: 'lzma', family: 'compressed', codec: 'lzma' })
    expect(detect(w.filter(text, 'lz4', '-c'))?.codec).toBeUndefined()
    expect(detect(w.filter(text, 'lz4', '-c'))).toMatchObject({ id: 'lz4', family: 'compressed' })
  })

  it('recognises ustar and v7 tar, zip, jar, ar and deb', () => {
    w.write('a.txt', text)
    w.run('tar', ['--format=ustar', '-cf', 'u.tar', 'a.txt'])
    w.run('tar', ['--format=v7', '-cf', 'v7.tar', 'a.txt'])
    expect(detect(w.read('u.tar'))).toMatchObject({ id: 'tar', family: 'archive', description: 'tar archive (ustar)' })
    expect(detect(w.read('v7.tar'))).toMatchObject({ id: 'tar', description: 'tar archive (v7)' })

    w.run('zip', ['-q', 'a.zip', 'a.txt'])
    expect(detect(w.read('a.zip'))).toMatchObject({ id: 'zip', family: 'archive' })
    w.run('mkdir', ['-p', 'META-INF'])
    w.write('META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\n')
    w.run('zip', ['-q', 'a.jar', 'META-INF/MANIFEST.MF', 'a.txt'])
    expect(detect(w.read('a.jar'))).toMatchObject({ id: 'jar', family: 'archive' })

    objectFile(w, 'lib')
    w.run('ar', ['rcs', 'libx.a', 'lib.o'])
    expect(detect(w.read('libx.a'))).toMatchObject({ id: 'ar', family: 'archive' })
    w.write('debian-binary', '2.0\n')
    w.run('tar', ['-czf', 'control.tar.gz', 'a.txt'])
    w.run('ar', ['rc', 'x.deb', 'debian-binary', 'control.tar.gz'])
    expect(detect(w.read('x.deb'))).toMatchObject({ id: 'deb', family: 'archive' })
  })

  it('tells ELF relocatable objects, executables and shared objects apart, with class and machine', () => {
    const object = objectFile(w)
    const o = detect(object)
    expect(o).toMatchObject({ id: 'elf', family: 'object', kind: 'relocatable', bits: 64 })
    expect(o?.machine).toBe(process.arch === 'arm64' ? 'aarch64' : 'x86-64')
    expect(o?.description).toMatch(/^ELF 64-bit relocatable object, (?:x86-64|aarch64)$/)

    w.write('main.c', 'int main(void) { return 0; }\n')
    w.run('gcc', ['-no-pie', '-o', 'exe', 'main.c'])
    expect(detect(w.read('exe'))).toMatchObject({ id: 'elf', family: 'executable', kind: 'executable' })
    w.run('gcc', ['-shared', '-fPIC', '-o', 'lib.so', 'payload.c'])
    expect(detect(w.read('lib.so'))).toMatchObject({ id: 'elf', family: 'executable', kind: 'shared-object' })
  })

  it('reads 32-bit big-endian ELF headers', () => {
    const h = Buffer.alloc(64)
    h.set([0x7f, 0x45, 0x4c, 0x46, 1, 2, 1])
    h.writeUInt16BE(2, 16)
    h.writeUInt16BE(8, 18)
    expect(detect(h)).toMatchObject({ id: 'elf', bits: 32, endian: 'big', machine: 'MIPS', kind: 'executable' })
  })

  it('recognises Python bytecode compiled by python3', () => {
    w.write('m.py', 'print("hi")\n')
    w.run('python3', ['-c', "import py_compile; py_compile.compile('m.py', cfile='m.pyc')"])
    expect(detect(w.read('m.pyc'))).toMatchObject({ id: 'pyc', family: 'bytecode' })
  })

  it('recognises an SQLite database made by python3', () => {
    w.run('python3', ['-c', "import sqlite3; c = sqlite3.connect('d.db'); c.execute('create table t(x)'); c.commit()"])
    expect(detect(w.read('d.db'))).toMatchObject({ id: 'sqlite', family: 'database' })
  })
})

describe('detectFormat on hand-made headers', () => {
  const pe = (characteristics: number): Buffer => {
    const b = Buffer.alloc(512)
    b.write('MZ', 0, 'latin1')
    b.writeUInt32LE(0x80, 0x3c)
    b.write('PE\0\0', 0x80, 'latin1')
    b.writeUInt16LE(0x8664, 0x84)
    b.writeUInt16LE(characteristics, 0x80 + 22)
    return b
  }
  const macho = (magic: number, cpu: number, fileType: number): Buffer => {
    const b = Buffer.alloc(32)
    b.writeUInt32BE(magic, 0)
    b.writeUInt32LE(cpu, 4)
    b.writeUInt32LE(fileType, 12)
    return b
  }
  const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))))

  it.each<[string, Buffer, Partial<BinaryFormat>]>([
    ['PE executable', pe(0x0022), { id: 'pe', family: 'executable', kind: 'executable', machine: 'x86-64' }],
    ['PE DLL', pe(0x2022), { id: 'pe', family: 'executable', kind: 'shared-object' }],
    ['Mach-O 64 object', macho(0xcffaedfe, 0x01000007, 1), { id: 'macho', family: 'object', bits: 64, machine: 'x86-64', kind: 'relocatable' }],
    ['Mach-O 64 executable', macho(0xcffaedfe, 0x0100000c, 2), { id: 'macho', family: 'executable', machine: 'arm64' }],
    ['Mach-O 32', macho(0xcefaedfe, 7, 6), { id: 'macho', bits: 32, kind: 'shared-object' }],
    ['Mach-O fat', bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2], [0, 0, 0, 0, 0, 0, 0, 0]), { id: 'macho-fat', family: 'executable' }],
    ['Java class', bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52], [0, 0, 0, 0]), { id: 'java-class', family: 'bytecode' }],
    ['wasm', bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), { id: 'wasm', family: 'bytecode' }],
    ['PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'), { id: 'png', family: 'image' }],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF\0'), { id: 'jpeg', family: 'image' }],
    ['GIF', bytes('GIF89a', [1, 0, 1, 0]), { id: 'gif', family: 'image' }],
    ['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), { id: 'webp', family: 'image' }],
    ['PDF', bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'), { id: 'pdf', family: 'document' }],
    ['7z', bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), { id: '7z', family: 'archive' }],
    ['RAR 5', bytes('Rar!', [0x1a, 0x07, 0x01, 0x00]), { id: 'rar', family: 'archive' }],
    ['RAR 4', bytes('Rar!', [0x1a, 0x07, 0x00, 0xcf]), { id: 'rar', family: 'archive' }],
    ['cpio newc', bytes('0707010000000100008124'), { id: 'cpio', family: 'archive' }],
    ['shell script', bytes('#!/bin/sh\necho hi\n'), { id: 'shebang', family: 'script', interpreter: '/bin/sh' }],
    ['python script', bytes('#!/usr/bin/env python3\nprint(1)\n'), { id: 'shebang', family: 'script', interpreter: '/usr/bin/env python3' }],
    ['WOFF2 font', bytes('wOF2', [0, 1, 0, 0]), { id: 'woff2', family: 'font' }],
  ])('%s', (_name, head, expected) => {
    expect(detect(head)).toMatchObject(expected)
  })

  it('needs more than a magic number', () => {
    // MZ followed by text (an "MZ..." README line), no PE header
    expect(detect(Buffer.from(`MZ is a great band\n${text}`))).toBeUndefined()
    // a gzip magic with a non-deflate method
    expect(detect(Buffer.from([0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined()
    // CAFEBABE with nonsense after it is neither a class file nor a fat binary
    expect(detect(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0x7f, 0xff, 0, 0]))).toBeUndefined()
    // 'BZh' text is not bzip2
    expect(detect(Buffer.from('BZh9 is not a block header'))).toBeUndefined()
    // a '#!' without an interpreter is not a script
    expect(detect(Buffer.from('#! this is a heading!\n'))).toBeUndefined()
  })

  it('keeps LZMA-alone false positives rare on random data starting with 0x5d', () => {
    let hits = 0
    for (let i = 0; i < 2000; i++) {
      const b = randomBytes(64, i + 1)
      b[0] = 0x5d
      if (detect(b)?.id === 'lzma') hits++
    }
    expect(hits).toBe(0)
  })

  it('finds nothing in text or random data', () => {
    expect(detect(Buffer.from(text))).toBeUndefined()
    expect(detect(randomBytes(8192))).toBeUndefined()
  })
})

describe('shannonEntropy', () => {
  it('measures bits per byte', () => {
    expect(shannonEntropy(Buffer.alloc(1000))).toBe(0)
    expect(shannonEntropy(Buffer.alloc(0))).toBe(0)
    expect(shannonEntropy(Buffer.from('abababab'))).toBeCloseTo(1, 10)
    expect(shannonEntropy(Buffer.from(Array.from({ length: 256 * 4 }, (_, i) => i & 0xff)))).toBeCloseTo(8, 10)
    const random = shannonEntropy(randomBytes(1 << 20))
    expect(random).toBeGreaterThan(7.99)
    expect(shannonEntropy(Buffer.from(text))).toBeLessThan(5)
  })

  it('expects small random samples to measure below 8', () => {
    expect(expectedRandomEntropy(256)).toBeLessThan(7.4)
    expect(expectedRandomEntropy(256)).toBeGreaterThan(7)
    expect(Math.abs(shannonEntropy(randomBytes(4096)) - expectedRandomEntropy(4096))).toBeLessThan(0.05)
  })
})
