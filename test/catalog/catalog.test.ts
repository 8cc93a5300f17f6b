import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { isStagelightError } from '../../src/errors.js'
import { Catalog } from '../../src/verify/catalog/catalog.js'
import { looseHash, sha256Hex } from '../../src/verify/catalog/fingerprint.js'
import { listFiles, withTempDir } from './helpers.js'

/** A file installed by gnulib's Debian package that the bundled data knows, with a serial and a copyright line. */
async function knownGnulibMacro(bundled: Catalog): Promise<{ path: string; content: Buffer }> {
  for (const path of await listFiles('/usr/share/gnulib/m4')) {
    const content = await readFile(path)
    const text = content.toString('latin1')
    if (bundled.exact(sha256Hex(content)).length > 0 && /^# .*serial \d+/m.test(text) && /^dnl Copyright .*\d{4}/m.test(text)) return { path, content }
  }
  throw new Error('no catalogued gnulib macro installed')
}

describe('Catalog', () => {
  let bundledOnly: Catalog
  let full: Catalog
  let macro: { path: string; content: Buffer }

  beforeAll(async () => {
    bundledOnly = await Catalog.load({ systemDirs: false })
    full = await Catalog.load()
    macro = await knownGnulibMacro(bundledOnly)
  })

  it('finds exact bytes, with every provenance, bundled first', () => {
    const sha = sha256Hex(macro.content)
    const found = full.exact(sha)
    expect(found.length).toBeGreaterThan(1)
    expect(found.every((e) => e.sha256 === sha)).toBe(true)
    expect(found[0]?.origin).toBe('bundled')
    expect(found.some((e) => e.origin === 'bundled' && e.project === 'gnulib')).toBe(true)
    expect(full.exact(sha.toUpperCase())).toEqual(found)
    expect(full.exact('0'.repeat(64))).toEqual([])
  })

  it('counts an installed file as known, with origin system:<path>', () => {
    const system = full.exact(sha256Hex(macro.content)).filter((e) => e.origin.startsWith('system:'))
    expect(system.map((e) => e.origin)).toContain(`system:${macro.path}`)
    const entry = system.find((e) => e.origin === `system:${macro.path}`)
    expect(entry?.path).toBe(macro.path.slice(1))
    expect(entry?.project).toBe('gnulib')
    expect(entry?.looseSha256).toBe(looseHash(macro.content))
    expect(bundledOnly.exact(sha256Hex(macro.content)).every((e) => e.origin === 'bundled')).toBe(true)
    expect(full.counts.system).toBeGreaterThan(500)
    expect(bundledOnly.counts.system).toBe(0)
  })

  it('matches loosely when only header lines differ, and not when code differs', () => {
    const text = macro.content.toString('latin1')
    const relabelled = Buffer.from(text.replace(/serial \d+/, 'serial 999').replace(/(Copyright .*?)(\d{4})/, '$1 1999-$2'), 'latin1')
    expect(full.exact(sha256Hex(relabelled))).toEqual([])
    const loose = full.loose(looseHash(relabelled))
    expect(loose.length).toBeGreaterThan(0)
    expect(loose.every((e) => e.basename === basename(macro.path))).toBe(true)
    expect(loose.map((e) => e.sha256)).toContain(sha256Hex(macro.content))

    const edited = Buffer.from(text.replace(/\]\)\s*$/, '])\nAC_SUBST([X])\n'), 'latin1')
    expect(full.loose(looseHash(edited))).toEqual([])
  })

  it('lists the distinct known versions of a name, oldest first', () => {
    const name = basename(macro.path)
    const versions = full.versionsOf(name)
    expect(versions.length).toBeGreaterThan(1)
    expect(new Set(versions.map((v) => v.sha256)).size).toBe(versions.length)
    expect(versions.every((v) => v.basename === name)).toBe(true)
    const dated = versions.filter((v) => v.firstSeen !== undefined).map((v) => v.firstSeen as string)
    expect(dated).toEqual([...dated].sort())
    expect(full.versionsOf('no-such-file.m4')).toEqual([])
  })

  it('knows the names of vendored files but not of files every project writes', () => {
    expect(full.isKnownName('install-sh')).toBe(true)
    expect(full.isKnownName(basename(macro.path))).toBe(true)
    expect(full.isKnownName('config.guess')).toBe(true)
    for (const own of ['Makefile.in', 'README', 'ChangeLog', 'version.c', 'configure.ac', 'aclocal.m4']) expect(full.isKnownName(own), own).toBe(false)
    expect(full.isKnownName('no-such-file.m4')).toBe(false)
  })

  it('returns the bytes of the versions available on this system', async () => {
    const found = await full.contents(basename(macro.path))
    const here = found.find((c) => c.entry.origin === `system:${macro.path}`)
    expect(here?.content.equals(macro.content)).toBe(true)
    expect(found.every((c) => sha256Hex(c.content) === c.entry.sha256)).toBe(true)
    expect(await bundledOnly.contents(basename(macro.path))).toEqual([])
  })

  it('reuses what it loaded within one process', async () => {
    const again = await Catalog.load()
    expect(again.counts).toEqual(full.counts)
  })
})

describe('Catalog with given system directories', () => {
  it('walks them, keeps vendorable files, follows file symlinks once, and names a system-only file as unknown', async () => {
    await withTempDir(async (dir) => {
      const aclocal = join(dir, 'aclocal')
      await mkdir(join(aclocal, 'deeper'), { recursive: true })
      const macro = '# zz-local-macro.m4 serial 2\nAC_DEFUN([ZZ_LOCAL], [echo zz])\n'
      await writeFile(join(aclocal, 'zz-local-macro.m4'), macro)
      await writeFile(join(aclocal, 'notes.txt'), 'not autotools\n')
      await writeFile(join(aclocal, 'binary.m4'), Buffer.from([0x23, 0, 1, 2]))
      await symlink(join(aclocal, 'zz-local-macro.m4'), join(aclocal, 'deeper', 'zz-link.m4'))
      await copyFile('/usr/share/automake-1.16/install-sh', join(aclocal, 'install-sh'))

      const catalog = await Catalog.load({ systemDirs: [aclocal] })
      const found = catalog.exact(sha256Hex(Buffer.from(macro)))
      expect(found.map((e) => e.origin)).toEqual([`system:${join(aclocal, 'zz-local-macro.m4')}`])
      expect(found[0]).toMatchObject({ basename: 'zz-local-macro.m4', serial: '2', source: 'system' })
      expect(catalog.counts.system).toBe(2)
      // a name only this system has says nothing about the versions a project may carry
      expect(catalog.isKnownName('zz-local-macro.m4')).toBe(false)
      const installSh = catalog.exact(sha256Hex(await readFile('/usr/share/automake-1.16/install-sh')))
      expect(installSh.at(-1)?.origin).toBe(`system:${join(aclocal, 'install-sh')}`)
      expect(installSh.at(-1)?.stamp).toMatch(/^\d{4}-\d\d-\d\d/)
    })
  })

  it('reports a damaged user store index as invalid input', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'index.jsonl'), '{"basename":"x.m4"}\n')
      const err = await Catalog.load({ userStore: dir, systemDirs: false }).catch((e: unknown) => e)
      expect(isStagelightError(err, 'E_INPUT_INVALID')).toBe(true)
      await writeFile(join(dir, 'index.jsonl'), 'not json\n')
      const err2 = await Catalog.load({ userStore: dir, systemDirs: false }).catch((e: unknown) => e)
      expect(isStagelightError(err2, 'E_INPUT_INVALID')).toBe(true)
    })
  })

  it('treats a missing user store as empty', async () => {
    const catalog = await Catalog.load({ userStore: '/nonexistent/stagelight-store', systemDirs: false })
    expect(catalog.counts.user).toBe(0)
  })
})

describe('the scan of system files, kept between runs', () => {
  it('reads a file again only when its size, time or inode changed, and only against the same bundled data', async () => {
    const { scanSystem } = await import('../../src/verify/catalog/system.js')
    await withTempDir(async (dir) => {
      const aclocal = join(dir, 'aclocal')
      await mkdir(aclocal, { recursive: true })
      const stable = '# zz-stable.m4 serial 1\nAC_DEFUN([ZZ_STABLE], [echo s])\n'
      await writeFile(join(aclocal, 'zz-stable.m4'), stable)
      await writeFile(join(aclocal, 'zz-changing.m4'), '# zz-changing.m4 serial 1\nAC_DEFUN([ZZ_CHANGING], [echo 1])\n')
      const cache = { file: join(dir, 'cache', 'system-catalog.json'), against: 'data-1' }
      const none = (): undefined => undefined
      const first = await scanSystem([aclocal], () => false, none, cache)
      expect(first.map((e) => e.basename).sort()).toEqual(['zz-changing.m4', 'zz-stable.m4'])

      // mark the stable file's cached hash, so a reuse shows; change the other file
      const data = JSON.parse(await readFile(cache.file, 'utf8')) as { files: Record<string, { entry: { sha256: string } }> }
      const stableEntry = data.files[join(aclocal, 'zz-stable.m4')]
      if (!stableEntry) throw new Error('the stable file is not in the cache')
      stableEntry.entry.sha256 = 'f'.repeat(64)
      await writeFile(cache.file, JSON.stringify(data))
      const changed = '# zz-changing.m4 serial 2\nAC_DEFUN([ZZ_CHANGING], [echo 2; echo two])\n'
      await writeFile(join(aclocal, 'zz-changing.m4'), changed)

      const second = await scanSystem([aclocal], () => false, none, cache)
      const byName = new Map(second.map((e) => [e.basename, e]))
      expect(byName.get('zz-stable.m4')?.sha256).toBe('f'.repeat(64))
      expect(byName.get('zz-changing.m4')?.sha256).toBe(sha256Hex(Buffer.from(changed)))
      expect(byName.get('zz-changing.m4')?.serial).toBe('2')

      // computed against other bundled data, the cache is not used
      const third = await scanSystem([aclocal], () => false, none, { ...cache, against: 'data-2' })
      expect(third.find((e) => e.basename === 'zz-stable.m4')?.sha256).toBe(sha256Hex(Buffer.from(stable)))
      // a damaged cache file is read as no cache
      await writeFile(cache.file, '{"format": 1, "files": [')
      const fourth = await scanSystem([aclocal], () => false, none, cache)
      expect(fourth.find((e) => e.basename === 'zz-stable.m4')?.sha256).toBe(sha256Hex(Buffer.from(stable)))
    })
  })
})

describe('the bundled catalog on libltdl', () => {
  it('knows every libltdl header Debian installs for `libtoolize --ltdl` to copy, as libtool\'s own', async () => {
    const bundled = await Catalog.load({ systemDirs: false })
    const installed = (await listFiles('/usr/share/libtool/libltdl')).filter((p) => /\.[ch]$/.test(p))
    expect(installed.length).toBeGreaterThan(5)
    for (const path of installed) {
      const found = bundled.exact(sha256Hex(await readFile(path)))
      expect(found.some((e) => e.project === 'libtool' && e.basename === basename(path)), path).toBe(true)
    }
  })
})

