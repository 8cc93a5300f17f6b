import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openArtifact } from '../../src/sources/archive/index.js'
import { LinkResolver } from '../../src/sources/archive/links.js'
import { entriesOf, packTar } from '../archive/fixtures.js'
import { RAW_CONTROL, runCli, scratch } from './helpers.js'

type Link = readonly [name: string, target: string]

async function tarOf(links: readonly Link[], files: readonly string[] = ['a/file.txt']): Promise<string> {
  const { dir } = scratch('links')
  const file = join(dir, 'links.tar')
  writeFileSync(file, await packTar([...files.map((name) => ({ name, body: 'x\n' })), ...links.map(([name, linkname]) => ({ name, type: 'symlink' as const, linkname }))]))
  return file
}

async function escapingLinks(links: readonly Link[], files?: readonly string[]): Promise<string[]> {
  const tree = await openArtifact(await tarOf(links, files), { stripPrefix: false })
  await entriesOf(tree)
  return tree.issues.filter((i) => i.code === 'ARCHIVE_LINK_ESCAPE').map((i) => i.path).sort()
}

describe('links are resolved through the links already seen', () => {
  it('l0 → . then l1 → l0/.. leaves the tree', async () => {
    expect(await escapingLinks([['l0', '.'], ['l1', 'l0/..']])).toEqual(['l1'])
  })
  it('finds the escape when the later link is the one that makes it possible', async () => {
    expect(await escapingLinks([['l1', 'l0/..'], ['l0', '.']])).toEqual(['l1'])
  })
  it('a longer chain through directories', async () => {
    expect(await escapingLinks([['a/up', '..'], ['b', 'a/up/a/up/..']])).toEqual(['b'])
    expect(await escapingLinks([['a/here', '.'], ['a/c', 'here/here/../..']])).toEqual(['a/c'])
  })
  it('a link to a link that escapes escapes too', async () => {
    expect(await escapingLinks([['out', '../etc'], ['via', 'out']])).toEqual(['out', 'via'])
  })
  it('a cycle is reported, and resolution ends', async () => {
    const tree = await openArtifact(await tarOf([['x', 'y/z'], ['y', 'x']]), { stripPrefix: false })
    await entriesOf(tree)
    expect(tree.issues.some((i) => i.code === 'ARCHIVE_LINK_ESCAPE' && /cycle/.test(i.message))).toBe(true)
  })
  it('chains that stay inside are not findings', async () => {
    expect(await escapingLinks([['l0', 'a'], ['l1', 'l0/file.txt'], ['a/self', '.'], ['a/back', 'self/../file.txt'], ['top', 'a/..']])).toEqual([])
  })
  it('resolves virtually: a long chain costs at most the hop limit', () => {
    const links = new LinkResolver()
    for (let i = 1; i <= 1000; i++) links.set(`l${i}`, `l${i - 1}`)
    links.set('l0', '.')
    expect(links.landing('l5')).toEqual({ kind: 'inside', path: '' })
    expect(links.landing('l1000')).toEqual({ kind: 'loop' })
  })
})

describe('scan reports a link escaping through another link', () => {
  it('in an archive', async () => {
    const tar = await tarOf([['pkg/l0', '.'], ['pkg/l1', 'l0/..']], ['pkg/configure.ac'])
    const r = await runCli(['scan', tar])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^FAIL/)
    expect(r.stdout).toMatch(/symlink "l1" points outside the tree/)
    expect(r.stdout).not.toMatch(RAW_CONTROL)
  })
  it('in a directory', async () => {
    const { dir } = scratch('links-dir')
    const root = join(dir, 'tree')
    mkdirSync(join(root, 'm4'), { recursive: true })
    writeFileSync(join(root, 'm4/a.m4'), 'dnl nothing\n')
    symlinkSync('.', join(root, 'l0'))
    symlinkSync('l0/..', join(root, 'l1'))
    const r = await runCli(['scan', root])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/symlink "l1" points outside the tree/)
    expect(r.stdout).not.toMatch(/"l0" points outside/)
  })
})
