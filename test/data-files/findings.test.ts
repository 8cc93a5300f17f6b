import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import { dataFileFindings, dataFileRules, inspectDataFile, type DataFileContext } from '../../src/data-files/index.js'
import { objectFile, randomBytes, Workshop, XZ_LIKE_SCRIPT } from './fixtures.js'

let w: Workshop
let object: Buffer
beforeAll(() => {
  w = new Workshop('findings')
  object = objectFile(w)
})
afterAll(() => w.cleanup())

const testData: DataFileContext = { underTestDir: true, referencedByBuild: [], referencedByTests: true }
const buildLine = { path: 'm4/build-to-host.m4', line: 86, text: 'gl_[$1]_config=\'sed "r\\n" $gl_am_configmake | eval $gl_path_map | $gl_[$1]_prefix -d 2>/dev/null\'' }

async function findings(path: string, data: Buffer, context: DataFileContext): Promise<Finding[]> {
  return dataFileFindings(await inspectDataFile(path, data), context)
}
const summary = (list: readonly Finding[]): string[] => list.map((f) => `${f.ruleId}:${f.severity}`).sort()

describe('rule metadata', () => {
  it('documents every rule it reports', () => {
    const ids = dataFileRules.map((r) => r.id)
    expect(ids).toEqual(expect.arrayContaining(['data/executable-content', 'data/build-reads-test-data', 'data/hidden-trailing-data', 'data/decompression-bomb', 'data/unused-test-file', 'data/high-entropy-blob']))
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of dataFileRules) {
      expect(r.id).toMatch(/^data\/[a-z-]+$/)
      expect(r.title && r.short && r.motivation && r.remediation).toBeTruthy()
    }
    expect(dataFileRules.find((r) => r.id === 'data/decompression-bomb')?.defaultSeverity).toBe('medium')
  })
})

describe('the XZ case', () => {
  it('a compressed "test file" holding a script that the build reads is critical, with the chain and the build line', async () => {
    const data = w.filter(w.filter(XZ_LIKE_SCRIPT, 'gzip', '-c'), 'xz', '-c')
    const list = await findings('tests/files/bad-3-corrupt_lzma2.xz', data, { underTestDir: true, referencedByBuild: [buildLine], referencedByTests: false })
    expect(summary(list)).toEqual(['data/build-reads-test-data:high', 'data/executable-content:critical', 'data/unused-test-file:low'])
    const exec = list.find((f) => f.ruleId === 'data/executable-content')
    expect(exec?.path).toBe('tests/files/bad-3-corrupt_lzma2.xz')
    expect(exec?.evidence).toContain('xz → gzip → shell script')
    expect(exec?.evidence).toContain('m4/build-to-host.m4:86:')
    expect(exec?.confidence).toBe('medium') // recognised by how it reads, not by a shebang
    expect(list.find((f) => f.ruleId === 'data/build-reads-test-data')?.evidence).toContain('m4/build-to-host.m4:86:')
  })

  it('an ELF object inside a compressed test file no test reads is high even when no build step reads it', async () => {
    const list = (await findings('tests/files/good-large_compressed.lzma.xz', w.filter(object, 'xz', '-c'), { ...testData, referencedByTests: false })).filter((f) => f.ruleId !== 'data/unused-test-file')
    expect(summary(list)).toEqual(['data/executable-content:high'])
    expect(list[0]?.message).toMatch(/decodes to ELF 64-bit relocatable object/)
    expect(list[0]?.confidence).toBe('high')
    expect(list[0]?.data?.['code']).toEqual([expect.objectContaining({ kind: 'object', chain: expect.stringMatching(/^xz → ELF/) })])
  })

  it('the same file read by a test (a decoder test vector for machine-code filters) is medium', async () => {
    const list = await findings('tests/files/good-1-x86-lzma2.xz', w.filter(object, 'xz', '-c'), testData)
    expect(summary(list)).toEqual(['data/executable-content:medium'])
  })

  it('code carved from inside a blob is high even when a test reads the blob', async () => {
    const blob = Buffer.concat([randomBytes(300), w.filter(XZ_LIKE_SCRIPT, 'gzip', '-c'), randomBytes(40)])
    const list = await findings('tests/files/sample.bin', blob, testData)
    expect(summary(list)).toEqual(['data/executable-content:high'])
    expect(list[0]?.evidence).toMatch(/gzip stream embedded at offset 300/)
  })

  it('a zstd-wrapped object outside any test directory is still high', async () => {
    const list = await findings('src/blob.dat', w.filter(object, 'zstd', '-q', '-c'), { underTestDir: false, referencedByBuild: [], referencedByTests: false })
    expect(summary(list)).toEqual(['data/executable-content:high'])
  })

  it('a base64 text file carrying a gzip-compressed script is found', async () => {
    const text = Buffer.concat([Buffer.from('payload:\n'), w.filter(w.filter(XZ_LIKE_SCRIPT, 'gzip', '-c'), 'base64')])
    const list = await findings('tests/data/expected.txt', text, testData)
    expect(summary(list)).toEqual(['data/executable-content:high'])
    expect(list[0]?.evidence).toMatch(/text → \[base64 at offset 9\] gzip → shell script/)
  })
})

describe('calibration', () => {
  it('a legitimate compressed test vector that tests read yields nothing', async () => {
    const vector = w.filter('abc'.repeat(1000), 'xz', '-c')
    expect(await findings('tests/files/good-1-check-crc32.xz', vector, testData)).toEqual([])
  })

  it('a corrupt test vector that tests read stays below high', async () => {
    const good = w.filter(randomBytes(200_000).toString('base64'), 'xz', '-c', '--block-size=16384')
    const bad = Buffer.from(good)
    const middle = Math.floor(bad.length / 2)
    bad[middle] = (bad[middle] ?? 0) ^ 0xff
    const list = await findings('tests/files/bad-1-lzma2-8.xz', bad, testData)
    expect(list.every((f) => f.severity === 'info' || f.severity === 'low')).toBe(true)
    expect(summary(list)).toEqual(['data/partially-decodable-stream:low'])
  })

  it('the same corrupt vector is high when a build step reads it', async () => {
    const bad = w.filter('x'.repeat(100), 'xz', '-c').subarray(0, 40)
    const list = await findings('tests/files/bad-0-header.xz', bad, { ...testData, referencedByBuild: [buildLine] })
    expect(summary(list)).toEqual(['data/build-reads-test-data:high'])
  })

  it('a PNG in docs/ is normal', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(100_000)])
    expect(await findings('docs/logo.png', png, { underTestDir: false, referencedByBuild: [], referencedByTests: false })).toEqual([])
  })

  it('a random blob of unknown format is only info, or low when large', async () => {
    const small = await findings('tests/key.bin', randomBytes(4096), testData)
    expect(summary(small)).toEqual(['data/high-entropy-blob:info'])
    expect(small[0]?.data).toMatchObject({ size: 4096 })
    const large = await findings('tests/key.bin', randomBytes(200_000), testData)
    expect(summary(large)).toEqual(['data/high-entropy-blob:low'])
    // small random files cannot be told from anything else
    expect(await findings('tests/k.bin', randomBytes(100), testData)).toEqual([])
  })

  it('a binary test file that no test mentions is low', async () => {
    const list = await findings('tests/files/orphan.gz', w.filter('hello\n', 'gzip', '-c'), { ...testData, referencedByTests: false })
    expect(summary(list)).toEqual(['data/unused-test-file:low'])
  })

  it('a prebuilt binary shipped under prebuilds/ or bin/ is not data', async () => {
    const ctx = { underTestDir: false, referencedByBuild: [], referencedByTests: false }
    expect(await findings('prebuilds/linux-x64/addon.node', object, ctx)).toEqual([])
    expect(await findings('bin/tool', object, ctx)).toEqual([])
    expect(await findings('rollup.linux-x64-gnu.node', object, ctx)).toEqual([])
    // the same bytes under a test directory are test data, whatever their name
    expect(summary(await findings('test/fixtures/prebuilds/addon.node', object, testData))).toEqual(['data/executable-content:medium'])
    expect(summary(await findings('tools/helper.o', object, ctx))).toEqual(['data/executable-content:medium'])
  })

  it('a bare ELF file in a test directory is high, medium when a test reads it', async () => {
    expect(summary(await findings('tests/files/payload.o', object, { ...testData, referencedByTests: false }))).toEqual(['data/executable-content:high', 'data/unused-test-file:low'])
    expect(summary(await findings('tests/files/payload.o', object, testData))).toEqual(['data/executable-content:medium'])
  })

  it('scripts as named members of a shipped archive are low, an object file in one is medium', async () => {
    w.write('autogen.sh', '#!/bin/sh\nautoreconf -fi\n')
    w.run('tar', ['-cJf', 'archive.dir.tar.xz', 'autogen.sh'])
    const ctx = { underTestDir: false, referencedByBuild: [], referencedByTests: false }
    expect(summary(await findings('share/gettext/archive.dir.tar.xz', w.read('archive.dir.tar.xz'), ctx))).toEqual(['data/executable-content:low'])
    w.write('crc.o', object)
    w.run('tar', ['-czf', 'objs.tar.gz', 'crc.o'])
    expect(summary(await findings('share/objs.tar.gz', w.read('objs.tar.gz'), ctx))).toEqual(['data/executable-content:medium'])
  })

  it('a named script in a test archive is medium; hidden after the archive it is high', async () => {
    w.write('install.sh', '#!/bin/sh\necho installing\n')
    w.run('tar', ['-czf', 'fixture.tgz', 'install.sh'])
    const archive = w.read('fixture.tgz')
    expect(summary(await findings('test/fixtures/fixture.tgz', archive, testData))).toEqual(['data/executable-content:medium'])
    const hidden = Buffer.concat([archive, w.filter(XZ_LIKE_SCRIPT, 'xz', '-c')])
    expect(summary(await findings('test/fixtures/fixture.tgz', hidden, testData))).toEqual(['data/executable-content:high', 'data/hidden-trailing-data:high'])
  })

  it('trailing bytes that are not code are medium, low when a test reads the file', async () => {
    const data = Buffer.concat([w.filter('hello\n', 'gzip', '-c'), randomBytes(500)])
    expect(summary(await findings('tests/t.gz', data, testData))).toEqual(['data/hidden-trailing-data:low'])
    const list = await findings('tests/t.gz', data, { ...testData, referencedByTests: false })
    expect(summary(list)).toEqual(['data/hidden-trailing-data:medium', 'data/unused-test-file:low'])
    expect(list[0]?.evidence).toMatch(/500 bytes at offset \d+, entropy 7\.\d\d/)
  })

  it('a bomb is medium', async () => {
    const bomb = w.run('sh', ['-c', 'head -c 300000000 /dev/zero | gzip -1 -c | gzip -c'])
    const list = await findings('tests/bomb.gz', bomb, testData)
    expect(summary(list)).toEqual(['data/decompression-bomb:medium'])
    expect(list[0]?.evidence).toMatch(/bytes decoded before stopping/)
  })
})
