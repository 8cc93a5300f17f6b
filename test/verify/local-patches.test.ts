import { createTwoFilesPatch } from 'diff'
import { describe, expect, it } from 'vitest'
import { patched, recounted } from '../../src/verify/explain/submodule-copies.js'

const original = Array.from({ length: 20 }, (_, i) => `line ${i + 1};`).join('\n') + '\n'
const changed = original.replace('line 10;', 'line 10 (cast);').replace('line 11;', 'line 11 (cast);')

describe("a gnulib-tool local directory's patch", () => {
  it('applies as written, and with the counts of a hunk that ends before its header says', () => {
    const patch = createTwoFilesPatch('a/lib/x.c', 'b/lib/x.c', original, changed)
    expect(patched(original, patch)).toBe(changed)
    expect(recounted(patch)).toBe(patch)
    // the last context line stripped from the committed patch, its header left as it was
    const lines = patch.replace(/\n$/, '').split('\n')
    const short = `${lines.slice(0, -1).join('\n')}\n`
    expect(short).toMatch(/^@@ -6,10 \+6,10 @@$/m)
    expect(recounted(short)).toMatch(/^@@ -6,9 \+6,9 @@$/m)
    expect(patched(original, short)).toBe(changed)
  })
  it('still needs every line the hunk holds to match the file', () => {
    const patch = createTwoFilesPatch('a/lib/x.c', 'b/lib/x.c', original, changed)
    const short = `${patch.replace(/\n$/, '').split('\n').slice(0, -1).join('\n')}\n`
    // the file the patch was not written against: a context line differs
    expect(patched(original.replace('line 8;', 'line 8 (other);'), short)).toBeUndefined()
    expect(patched(original.replace('line 10;', 'line ten;'), patch)).toBeUndefined()
    expect(patched(original, 'not a patch\n@@ -1,1 +1,1 @@\n-nothing\n+something\n')).toBeUndefined()
  })
})
