import { describe, expect, it } from 'vitest'
import type { TreeEntry } from '../../src/model/tree.js'
import { linksLeadingTo } from '../../src/verify/explain/aliases.js'

const file = (path: string): TreeEntry => ({ path, kind: 'file', mode: 0o644, size: 1 })
const symlink = (path: string, linkTarget: string): TreeEntry => ({ path, kind: 'symlink', mode: 0o777, size: linkTarget.length, linkTarget })
const hardlink = (path: string, linkTarget: string): TreeEntry => ({ path, kind: 'hardlink', mode: 0o644, size: 0, linkTarget })

describe('linksLeadingTo: the other names of a file in one tree', () => {
  it('finds symbolic links from their own directory and hard links from the root', () => {
    const names = linksLeadingTo([file('README.md'), symlink('README', 'README.md'), symlink('doc/README', '../README.md'), hardlink('doc/readme.txt', 'README.md'), file('NEWS')])
    expect([...names('README.md')].sort()).toEqual(['README', 'doc/README', 'doc/readme.txt'])
    expect(names('NEWS')).toEqual([])
  })
  it('follows links through links to the file at the end, and only to it', () => {
    const names = linksLeadingTo([file('a/real.sh'), symlink('b/step', '../a/real.sh'), symlink('c/outer', '../b/step')])
    expect([...names('a/real.sh')].sort()).toEqual(['b/step', 'c/outer'])
    expect(names('b/step')).toEqual([])
  })
  it('gives no name for absolute targets, targets out of the tree or loops', () => {
    const names = linksLeadingTo([file('etc/passwd'), symlink('abs', '/etc/passwd'), symlink('out', '../etc/passwd'), symlink('x', 'y'), symlink('y', 'x'), symlink('z', 'x')])
    expect(names('etc/passwd')).toEqual([])
    expect(names('x')).toEqual([])
    expect(names('y')).toEqual([])
  })
})
