import { describe, expect, it } from 'vitest'
import type { TreeEntry } from '../../src/model/tree.js'
import type { ArtifactTree } from '../../src/sources/archive/types.js'
import type { SourceTree } from '../../src/sources/git/types.js'
import { compareTrees } from '../../src/verify/compare.js'

const file = (path: string, blob: string, content = blob, mode = 0o644): TreeEntry => ({ path, kind: 'file', mode, size: content.length, gitBlob: blob, sha256: blob, content: Buffer.from(content) })

function artifact(entries: TreeEntry[]): ArtifactTree {
  return {
    format: 'tar',
    prefix: () => '',
    prefixHeld: () => true,
    truncated: () => false,
    issues: [],
    async *entries() {
      yield* entries
    },
  }
}

const source = (entries: TreeEntry[]): SourceTree => ({ ref: 'v1', commit: 'c', entries: new Map(entries.map((e) => [e.path, e])), exportIgnored: new Map(), exportSubst: [] })

describe('compareTrees', () => {
  it('classifies every path once, in order, and keeps bytes only for differences', async () => {
    const result = await compareTrees(
      artifact([file('same.c', 'a'), file('changed.c', 'b2'), file('extra.sh', 'x', 'x', 0o755), file('mode.sh', 'm', 'm', 0o755), { path: 'dir', kind: 'directory', mode: 0o755, size: 0 }]),
      source([file('same.c', 'a'), file('changed.c', 'b1'), file('mode.sh', 'm'), file('gone.txt', 'g')]),
      { maxRetainedBytes: 1024 },
    )
    expect(result.differences.map((d) => [d.path, d.status])).toEqual([
      ['changed.c', 'content-differs'],
      ['extra.sh', 'only-in-artifact'],
      ['gone.txt', 'only-in-source'],
      ['mode.sh', 'mode-differs'],
    ])
    expect(result.identical).toBe(1)
    expect(result.artifactEntries.get('same.c')?.content).toBeUndefined()
    expect(result.artifactEntries.get('changed.c')?.content?.toString()).toBe('b2')
  })

  it('tells of each differing entry while reading, and never for an artifact identical to its source', async () => {
    const told: string[] = []
    const onDifference = (entry: TreeEntry) => told.push(entry.path)
    await compareTrees(artifact([file('a.c', 'a'), file('b.c', 'b')]), source([file('a.c', 'a'), file('b.c', 'b'), file('gone', 'g')]), { maxRetainedBytes: 10, onDifference })
    expect(told).toEqual([])
    const seenBefore: string[] = []
    async function* watched() {
      for (const e of [file('a.c', 'a'), file('new.sh', 'n'), file('b.c', 'b2'), file('c.c', 'c')]) {
        seenBefore.push(`${e.path}:${told.length}`)
        yield e
      }
    }
    await compareTrees({ ...artifact([]), entries: watched }, source([file('a.c', 'a'), file('b.c', 'b'), file('c.c', 'c')]), { maxRetainedBytes: 10, onDifference })
    expect(told).toEqual(['new.sh', 'b.c'])
    // told as each was read, before the rest of the artifact
    expect(seenBefore).toEqual(['a.c:0', 'new.sh:0', 'b.c:1', 'c.c:2'])
  })

  it('takes a hard link for the file it links to, and one to no earlier entry for a link', async () => {
    const link = (path: string, target: string, blob?: string): TreeEntry => ({ path, kind: 'hardlink', mode: 0o644, size: 1, linkTarget: target, ...(blob ? { gitBlob: blob, sha256: blob } : {}) })
    const result = await compareTrees(
      artifact([file('a/fcntl.h', 'f'), link('b/fcntl.h', 'a/fcntl.h', 'f'), link('c/fcntl.h', 'a/fcntl.h', 'f'), link('d/orphan.h', 'nowhere.h')]),
      source([file('a/fcntl.h', 'f'), file('b/fcntl.h', 'f'), file('c/fcntl.h', 'other'), file('d/orphan.h', 'o')]),
      { maxRetainedBytes: 1024 },
    )
    expect(result.differences.map((d) => [d.path, d.status])).toEqual([
      ['c/fcntl.h', 'content-differs'],
      ['d/orphan.h', 'type-differs'],
    ])
    expect(result.identical).toBe(2)
  })

  it('lets a later duplicate replace the earlier entry, as extraction would', async () => {
    const result = await compareTrees(artifact([file('a.c', 'good'), file('a.c', 'evil')]), source([file('a.c', 'good')]), { maxRetainedBytes: 1024 })
    expect(result.differences).toHaveLength(1)
    expect(result.differences[0]?.artifact?.gitBlob).toBe('evil')
  })

  it('drops bytes past the retention budget and says which', async () => {
    const big = 'z'.repeat(600)
    const result = await compareTrees(artifact([file('one', 'o1', big), file('two', 't1', big)]), source([]), { maxRetainedBytes: 1000 })
    expect(result.contentDropped).toEqual(['two'])
    expect(result.artifactEntries.get('one')?.content?.length).toBe(600)
  })

  it('compares symlinks by target and reports a file replaced by a link', async () => {
    const link = (path: string, target: string): TreeEntry => ({ path, kind: 'symlink', mode: 0o777, size: 0, linkTarget: target })
    const result = await compareTrees(artifact([link('l1', 'a'), link('l2', 'b'), link('f', 'x')]), source([link('l1', 'a'), link('l2', 'c'), file('f', 'q')]), { maxRetainedBytes: 10 })
    expect(result.differences.map((d) => [d.path, d.status])).toEqual([
      ['f', 'type-differs'],
      ['l2', 'content-differs'],
    ])
  })

  it('skips ignored paths', async () => {
    const result = await compareTrees(artifact([file('.git/HEAD', 'h'), file('a', 'a')]), source([file('a', 'a')]), { maxRetainedBytes: 10, ignore: (p) => p.startsWith('.git/') })
    expect(result.differences).toEqual([])
  })
})
