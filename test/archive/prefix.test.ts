import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openArtifact } from '../../src/sources/archive/index.js'
import { entriesOf, packTar, run, scratch, write } from './fixtures.js'

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => ({ dir, cleanup } = await scratch('prefix')))
afterAll(() => cleanup())

const paths = async (file: string, stripPrefix?: false) => {
  const tree = await openArtifact(file, stripPrefix === false ? { stripPrefix } : {})
  const entries = await entriesOf(tree)
  return { tree, paths: entries.map((e) => e.path) }
}

describe('the single top-level directory', () => {
  it("strips npm's package/ prefix from a real npm pack tarball", async () => {
    const pkg = join(dir, 'pkg')
    await mkdir(join(pkg, 'lib'), { recursive: true })
    await write(join(pkg, 'package.json'), JSON.stringify({ name: 'demo-pkg', version: '1.0.0', main: 'index.js' }))
    await write(join(pkg, 'index.js'), 'module.exports = 1\n')
    await write(join(pkg, 'lib/util.js'), 'exports.x = 2\n')
    run(pkg, 'npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir])
    const { tree, paths: got } = await paths(join(dir, 'demo-pkg-1.0.0.tgz'))
    expect(tree.format).toBe('tar.gz')
    expect(tree.prefix()).toBe('package')
    expect(tree.prefixHeld()).toBe(true)
    expect(got.sort()).toEqual(['index.js', 'lib/util.js', 'package.json'])
  })

  it('keeps paths of several top-level directories and says the guess failed', async () => {
    await mkdir(join(dir, 'multi/a'), { recursive: true })
    await mkdir(join(dir, 'multi/b'), { recursive: true })
    await write(join(dir, 'multi/a/one'), '1')
    await write(join(dir, 'multi/b/two'), '2')
    run(join(dir, 'multi'), 'tar', ['-cf', '../multi.tar', 'a', 'b'])
    const first = await paths(join(dir, 'multi.tar'))
    expect(first.tree.prefixHeld()).toBe(false)
    expect(first.paths).toContain('b/two')
    const again = await paths(join(dir, 'multi.tar'), false)
    expect(again.tree.prefix()).toBe('')
    expect(again.paths.sort()).toEqual(['a', 'a/one', 'b', 'b/two'])
  })

  it('yields an entry met outside the prefix with its full path, mid-stream', async () => {
    const file = join(dir, 'broken.tar')
    await write(file, await packTar([{ name: 'p/a', body: 'a' }, { name: 'p/b', body: 'b' }, { name: 'q/c', body: 'c' }, { name: 'p/d', body: 'd' }]))
    const { tree, paths: got } = await paths(file)
    expect(got).toEqual(['a', 'b', 'q/c', 'd'])
    expect(tree.prefix()).toBe('p')
    expect(tree.prefixHeld()).toBe(false)
  })

  it('does not strip an archive whose first entry is a top-level file', async () => {
    await mkdir(join(dir, 'flat'))
    await write(join(dir, 'flat/README'), 'r')
    run(join(dir, 'flat'), 'tar', ['-cf', '../single-file.tar', 'README'])
    const { tree, paths: got } = await paths(join(dir, 'single-file.tar'))
    expect(got).toEqual(['README'])
    expect(tree.prefix()).toBe('')
    expect(tree.prefixHeld()).toBe(true)
  })

  it('reads a tar of "." without ./ in any path', async () => {
    await mkdir(join(dir, 'dot/sub'), { recursive: true })
    await write(join(dir, 'dot/top.txt'), 't')
    await write(join(dir, 'dot/sub/in.txt'), 'i')
    run(dir, 'tar', ['-C', join(dir, 'dot'), '-cf', 'dot.tar', '.'])
    const { tree, paths: got } = await paths(join(dir, 'dot.tar'))
    expect(got.sort()).toEqual(['sub', 'sub/in.txt', 'top.txt'])
    expect(tree.prefixHeld()).toBe(true)
  })

  it('never strips a directory artifact', async () => {
    await mkdir(join(dir, 'tree/only-child'), { recursive: true })
    await write(join(dir, 'tree/only-child/file'), 'f')
    const { tree, paths: got } = await paths(join(dir, 'tree'))
    expect(got).toEqual(['only-child', 'only-child/file'])
    expect(tree.prefix()).toBe('')
  })

  it('strips the prefix from a zip too, and keeps it when asked', async () => {
    await mkdir(join(dir, 'zipped-2/src'), { recursive: true })
    await write(join(dir, 'zipped-2/src/x.c'), 'x')
    run(dir, 'zip', ['-qr', 'zipped.zip', 'zipped-2'])
    expect((await paths(join(dir, 'zipped.zip'))).paths.sort()).toEqual(['src', 'src/x.c'])
    expect((await paths(join(dir, 'zipped.zip'), false)).paths.sort()).toEqual(['zipped-2', 'zipped-2/src', 'zipped-2/src/x.c'])
  })
})
