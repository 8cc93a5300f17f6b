import { describe, expect, it } from 'vitest'
import { MentionIndex, TestWords } from '../../src/scan/references.js'
import { packageRootOf, PackageGroups } from '../../src/scan/packages.js'

describe('MentionIndex: which build steps name a file', () => {
  it('finds a data file by its base name in a build step, with the line', () => {
    const index = new MentionIndex()
    index.add('m4/helper.m4', 'AC_DEFUN([H], [\n  f="$srcdir/tests/corpus/sample-7.dat"\n])\n')
    expect(index.mentionsOf('tests/corpus/sample-7.dat')).toEqual([{ path: 'm4/helper.m4', line: 2, text: 'f="$srcdir/tests/corpus/sample-7.dat"' }])
    expect(index.mentionsOf('other/sample-8.dat')).toEqual([])
  })

  it('does not count Makefile lists that only ship, install or hand files to the test driver, continuation lines included', () => {
    const index = new MentionIndex()
    const makefile = 'EXTRA_DIST = \\\n\tfiles/good-1.xz \\\n\tfiles/bad-2.xz\ndist_check_DATA = files/x.lzma\nall-local:\n\txz -dc files/bad-2.xz > y\n'
    index.add('tests/Makefile.am', makefile, true)
    expect(index.mentionsOf('tests/files/good-1.xz')).toEqual([])
    expect(index.mentionsOf('tests/files/x.lzma')).toEqual([])
    expect(index.mentionsOf('tests/files/bad-2.xz').map((m) => m.line)).toEqual([6])
    // the same text outside a Makefile is a plain mention
    const plain = new MentionIndex()
    plain.add('build.sh', makefile)
    expect(plain.mentionsOf('tests/files/good-1.xz').map((m) => m.line)).toEqual([2])
  })
})

describe('TestWords: does some test read a data file', () => {
  it('by name, by stem, or by a glob over its directory', () => {
    const words = new TestWords()
    words.add('for I in "$srcdir"/files/good-*.xz; do xz -t "$I"; done\ncmp vectors/checksum_table out\n')
    expect(words.mentions('tests/files/good-1-lzma2.xz')).toBe(true)
    expect(words.mentions('tests/files/bad-1-lzma2.xz')).toBe(false)
    expect(words.mentions('tests/other/good-1.xz')).toBe(false)
    expect(words.mentions('tests/vectors/checksum_table.bin')).toBe(true)
    const named = new TestWords()
    named.add('test_decode("corrupt_stream.gz")')
    expect(named.mentions('tests/data/corrupt_stream.gz')).toBe(true)
    expect(named.mentions('tests/data/stream.gz')).toBe(false)
  })
})

describe('packages', () => {
  it('finds the innermost package directory of a path, scoped or not', () => {
    expect(packageRootOf('node_modules/a/lib/x.js')).toBe('node_modules/a')
    expect(packageRootOf('node_modules/@s/b/x.js')).toBe('node_modules/@s/b')
    expect(packageRootOf('node_modules/a/node_modules/@s/c/d/e.js')).toBe('node_modules/a/node_modules/@s/c')
    expect(packageRootOf('lib/x.js')).toBe('')
    expect(packageRootOf('my_node_modules/a/x.js')).toBe('')
  })

  it('treats the top-level directories of a scanned node_modules as packages', () => {
    const groups = new PackageGroups(true)
    expect(groups.of('@s/b/index.js').root).toBe('@s/b')
    expect(groups.isManifestOf('left-pad/package.json')).toBe(true)
    expect(groups.isManifestOf('left-pad/lib/package.json')).toBe(false)
  })
})
