import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { isStagelightError } from '../../src/errors.js'
import { addToCatalog, defaultUserStore } from '../../src/verify/catalog/add.js'
import { Catalog } from '../../src/verify/catalog/catalog.js'
import { sha256Hex } from '../../src/verify/catalog/fingerprint.js'
import { objectPath } from '../../src/verify/catalog/store.js'
import { listFiles, withTempDir } from './helpers.js'

/** A real installed macro with a serial line. */
async function realMacro(): Promise<{ name: string; content: Buffer }> {
  for (const path of await listFiles('/usr/share/gnulib/m4')) {
    const content = await readFile(path)
    if (/^# .*serial \d+/m.test(content.toString('latin1')) && content.length > 500) return { name: path.split('/').pop() ?? '', content }
  }
  throw new Error('no gnulib macro installed')
}

describe('addToCatalog', () => {
  it('stores vendorable files with their bytes, once', async () => {
    await withTempDir(async (tmp) => {
      const { name, content } = await realMacro()
      const modified = Buffer.from(content.toString('latin1').replace(/\n/, '\nAC_SUBST([INJECTED])\n'), 'latin1')
      const src = join(tmp, 'vendor')
      await mkdir(join(src, 'm4'), { recursive: true })
      await mkdir(join(src, 'old', 'm4'), { recursive: true })
      await mkdir(join(src, '.git', 'objects'), { recursive: true })
      await writeFile(join(src, 'm4', name), content)
      await writeFile(join(src, 'old', 'm4', name), modified)
      await writeFile(join(src, '.git', 'objects', 'hidden.m4'), '# serial 1\n')
      await writeFile(join(src, 'notes.txt'), 'not autotools\n')
      await writeFile(join(src, 'm4', 'blob.m4'), Buffer.from([0x64, 0x6e, 0x6c, 0, 0xff]))
      await copyFile('/usr/share/autoconf/build-aux/install-sh', join(src, 'install-sh'))
      const store = join(tmp, 'store')

      const first = await addToCatalog(src, store, { project: 'my-mirror' })
      expect(first).toEqual({ added: 3, alreadyKnown: 0, scanned: 3 })
      const second = await addToCatalog(src, store, { project: 'my-mirror' })
      expect(second).toEqual({ added: 0, alreadyKnown: 3, scanned: 3 })

      const index = (await readFile(join(store, 'index.jsonl'), 'utf8')).trim().split('\n')
      expect(index).toHaveLength(3)
      for (const bytes of [content, modified]) expect(gunzipSync(await readFile(objectPath(store, sha256Hex(bytes)))).equals(bytes)).toBe(true)

      const catalog = await Catalog.load({ userStore: store, systemDirs: false })
      const mine = catalog.exact(sha256Hex(modified))
      expect(mine).toHaveLength(1)
      expect(mine[0]).toMatchObject({ origin: 'user', project: 'my-mirror', basename: name, path: `old/m4/${name}`, source: `user:${src}` })
      expect(mine[0]?.serial).toMatch(/^\d+$/)
      // the unmodified copy is both upstream (bundled) and in the store
      expect(catalog.exact(sha256Hex(content)).map((e) => e.origin)).toContain('user')
      const versions = await catalog.contents(name)
      expect(versions.map((v) => v.content.length).sort()).toEqual([content.length, modified.length].sort())
    })
  })

  it('restores a deleted object and counts a new file after the first run', async () => {
    await withTempDir(async (tmp) => {
      const { name, content } = await realMacro()
      const src = join(tmp, 'gnulib', 'm4')
      await mkdir(src, { recursive: true })
      await writeFile(join(src, name), content)
      const store = join(tmp, 'store')
      expect(await addToCatalog(src, store)).toEqual({ added: 1, alreadyKnown: 0, scanned: 1 })
      await rm(objectPath(store, sha256Hex(content)))
      await writeFile(join(src, 'extra.m4'), '# extra.m4 serial 1\nAC_DEFUN([EXTRA], [:])\n')
      expect(await addToCatalog(src, store)).toEqual({ added: 1, alreadyKnown: 1, scanned: 2 })
      expect(gunzipSync(await readFile(objectPath(store, sha256Hex(content)))).equals(content)).toBe(true)
      // the project defaults to the checkout's name, not to "m4"
      const catalog = await Catalog.load({ userStore: store, systemDirs: false })
      expect(catalog.exact(sha256Hex(content)).find((e) => e.origin === 'user')?.project).toBe('gnulib')
      expect(catalog.counts.user).toBe(2)
    })
  })

  it('recognises helper scripts by their stamp even under an unknown name', async () => {
    await withTempDir(async (tmp) => {
      await writeFile(join(tmp, 'my-helper'), '#!/bin/sh\nscriptversion=2024-01-01.00; # UTC\necho hi\n')
      await writeFile(join(tmp, 'plain-script'), '#!/bin/sh\necho hi\n')
      const result = await addToCatalog(tmp, join(tmp, 'store'))
      expect(result).toEqual({ added: 1, alreadyKnown: 0, scanned: 1 })
      expect(await readdir(join(tmp, 'store'))).toContain('index.jsonl')
    })
  })

  it('rejects a missing directory or a file', async () => {
    await withTempDir(async (tmp) => {
      const missing = await addToCatalog(join(tmp, 'nope'), join(tmp, 'store')).catch((e: unknown) => e)
      expect(isStagelightError(missing, 'E_INPUT_NOT_FOUND')).toBe(true)
      await writeFile(join(tmp, 'file.m4'), '# serial 1\n')
      const file = await addToCatalog(join(tmp, 'file.m4'), join(tmp, 'store')).catch((e: unknown) => e)
      expect(isStagelightError(file, 'E_INPUT_INVALID')).toBe(true)
    })
  })
})

describe('defaultUserStore', () => {
  it('prefers STAGELIGHT_HOME, then an absolute XDG_DATA_HOME, then ~/.local/share', () => {
    expect(defaultUserStore({ STAGELIGHT_HOME: '/opt/sl', XDG_DATA_HOME: '/xdg', HOME: '/h' })).toBe('/opt/sl/catalog')
    expect(defaultUserStore({ XDG_DATA_HOME: '/xdg', HOME: '/h' })).toBe('/xdg/stagelight/catalog')
    expect(defaultUserStore({ XDG_DATA_HOME: 'relative', HOME: '/h' })).toBe('/h/.local/share/stagelight/catalog')
    expect(defaultUserStore({ STAGELIGHT_HOME: '', HOME: '/h' })).toBe('/h/.local/share/stagelight/catalog')
    expect(defaultUserStore({})).toBe(join(homedir(), '.local', 'share', 'stagelight', 'catalog'))
  })
})
