import { chmod, mkdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openArtifact } from '../../src/sources/archive/index.js'
import { byPath, entriesOf, gitHashObject, run, scratch, write } from './fixtures.js'

let dir: string
let cleanup: () => Promise<void>
let root: string

beforeAll(async () => {
  ;({ dir, cleanup } = await scratch('directory'))
  root = join(dir, 'checkout')
  await mkdir(join(root, 'b/nested'), { recursive: true })
  await mkdir(join(root, 'a'))
  await mkdir(join(dir, 'outside'))
  await write(join(dir, 'outside/secret'), 'not part of the tree')
  await write(join(root, 'a/tool.sh'), '#!/bin/sh\n')
  await chmod(join(root, 'a/tool.sh'), 0o755)
  await write(join(root, 'b/nested/data.txt'), 'data\n')
  await write(join(root, 'z.txt'), 'last\n')
  await symlink('../a/tool.sh', join(root, 'b/inside'))
  await symlink('../../outside', join(root, 'b/up'))
  await symlink('/etc/passwd', join(root, 'abs'))
  run(root, 'mkfifo', ['pipe'])
})
afterAll(() => cleanup())

describe('a directory artifact', () => {
  it('is walked depth first in sorted order, with modes and hashes', async () => {
    const tree = await openArtifact(root)
    const entries = await entriesOf(tree)
    expect(entries.map((e) => e.path)).toEqual(['a', 'a/tool.sh', 'abs', 'b', 'b/inside', 'b/nested', 'b/nested/data.txt', 'b/up', 'pipe', 'z.txt'])
    const tool = entries.find((e) => e.path === 'a/tool.sh')
    expect(tool).toMatchObject({ kind: 'file', mode: 0o755, gitBlob: gitHashObject(join(root, 'a/tool.sh')) })
  })

  it('reports links that leave it, never follows them, and never opens a fifo', async () => {
    const tree = await openArtifact(root)
    const entries = await byPath(tree)
    expect(tree.issues.map((i) => [i.code, i.path, i.severity]).sort()).toEqual([
      ['ARCHIVE_DEVICE', 'pipe', 'high'],
      ['ARCHIVE_LINK_ESCAPE', 'abs', 'critical'],
      ['ARCHIVE_LINK_ESCAPE', 'b/up', 'critical'],
    ])
    expect(entries.get('b/up')).toMatchObject({ kind: 'symlink', linkTarget: '../../outside' })
    expect([...entries.keys()].some((p) => p.includes('secret'))).toBe(false)
    expect(entries.get('pipe')?.kind).toBe('fifo')
    expect(entries.get('b/inside')).toMatchObject({ kind: 'symlink', linkTarget: '../a/tool.sh' })
  })

  it('can be read twice from one open, with the issues of the last read', async () => {
    const tree = await openArtifact(root)
    const first = await entriesOf(tree)
    const second = await entriesOf(tree)
    expect(second).toEqual(first)
    expect(tree.issues).toHaveLength(3)
  })
})
