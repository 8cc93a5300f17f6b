import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { addToCatalog } from '../../src/verify/catalog/add.js'
import { Catalog } from '../../src/verify/catalog/catalog.js'
import { sha256Hex } from '../../src/verify/catalog/fingerprint.js'
import { describeKnownVersions, nearestKnownVersion } from '../../src/verify/catalog/nearest.js'
import { listFiles, withTempDir } from './helpers.js'

/** An installed gnulib macro, catalogued upstream, long enough to edit in several places. */
async function installedMacro(bundled: Catalog): Promise<{ path: string; content: Buffer; lines: string[] }> {
  for (const path of await listFiles('/usr/share/gnulib/m4')) {
    const content = await readFile(path)
    const lines = content.toString('latin1').split('\n')
    if (lines.length >= 60 && bundled.exact(sha256Hex(content)).length > 0) return { path, content, lines }
  }
  throw new Error('no catalogued gnulib macro installed')
}

const join_ = (lines: readonly string[]): Buffer => Buffer.from(lines.join('\n'), 'latin1')

/** Indexes of lines that occur once in the file and are not blank, so a diff can only align them one way. */
const uniqueLines = (lines: readonly string[]): number[] =>
  lines.flatMap((l, i) => (l.trim() !== '' && lines.indexOf(l) === i && lines.lastIndexOf(l) === i ? [i] : []))

describe('nearestKnownVersion on a real installed macro', () => {
  let catalog: Catalog
  let macro: { path: string; content: Buffer; lines: string[] }

  beforeAll(async () => {
    catalog = await Catalog.load()
    macro = await installedMacro(await Catalog.load({ systemDirs: false }))
  })

  it('reports exactly the inserted lines, numbered in the given file', async () => {
    const lines = [...macro.lines]
    // insert one line after line 5 and two after line 15 of the original
    lines.splice(15, 0, 'gl_cv_injected_two=yes', 'eval "$gl_cv_injected_two"')
    lines.splice(5, 0, 'gl_cv_injected_one=yes')
    const given = join_(lines)
    const nearest = await nearestKnownVersion(basename(macro.path), given, catalog)
    expect(nearest).toBeDefined()
    expect(nearest?.entry.sha256).toBe(sha256Hex(macro.content))
    expect(nearest?.entry.origin.startsWith('system:')).toBe(true)
    expect(nearest?.addedLines).toEqual([
      { line: 6, text: 'gl_cv_injected_one=yes' },
      { line: 17, text: 'gl_cv_injected_two=yes' },
      { line: 18, text: 'eval "$gl_cv_injected_two"' },
    ])
    expect(nearest?.removedLines).toEqual([])
    expect(nearest?.similarity).toBeGreaterThan(0.9)
    expect(nearest?.similarity).toBeLessThan(1)
    expect(nearest?.unifiedDiff).toContain('+gl_cv_injected_one=yes')
    expect(nearest?.unifiedDiff).toMatch(/^--- /m)
    expect(nearest?.unifiedDiff).not.toMatch(/^-[^-]/m)
  })

  it('reports changed and deleted lines with their numbers on each side', async () => {
    const unique = uniqueLines(macro.lines)
    const changed = unique.find((i) => i >= 8) as number
    const deleted = unique.find((i) => i >= changed + 8) as number
    const lines = [...macro.lines]
    lines.splice(deleted, 1)
    lines[changed] = 'AC_SUBST([GL_REPLACED_LINE])'
    const nearest = await nearestKnownVersion(basename(macro.path), join_(lines), catalog)
    expect(nearest?.entry.sha256).toBe(sha256Hex(macro.content))
    expect(nearest?.addedLines).toEqual([{ line: changed + 1, text: 'AC_SUBST([GL_REPLACED_LINE])' }])
    expect(nearest?.removedLines).toEqual([
      { line: changed + 1, text: macro.lines[changed] },
      { line: deleted + 1, text: macro.lines[deleted] },
    ])
    expect(nearest?.unifiedDiff).toContain('+AC_SUBST([GL_REPLACED_LINE])')
  })

  it('takes a version as near up to a bound on changed lines, the same on any machine', async () => {
    const unique = uniqueLines(macro.lines)
    // most of the file replaced is still a version to compare with
    const replaced = join_(macro.lines.map((l, i) => (unique.includes(i) ? `dnl replaced ${i}` : l)))
    expect((await nearestKnownVersion(basename(macro.path), replaced, catalog))?.entry.sha256).toBe(sha256Hex(macro.content))
    // a file that shares nothing and needs more than 20,000 changed lines is not
    const far = join_(Array.from({ length: 21_000 }, (_, i) => `dnl other ${i}`))
    expect(await nearestKnownVersion(basename(macro.path), far, catalog)).toBeUndefined()
  })

  it('finds nothing when no version has its bytes here', async () => {
    const bundledOnly = await Catalog.load({ systemDirs: false })
    expect(await nearestKnownVersion(basename(macro.path), macro.content, bundledOnly)).toBeUndefined()
  })

  it('describes the known serials of a real macro compactly', () => {
    expect(describeKnownVersions(basename(macro.path), catalog)).toMatch(/^serials? \d+(?:[–,. \d]|…|\(\d+ distinct\))*$/)
  })
})

describe('nearestKnownVersion among several stored versions', () => {
  it('picks the version with the fewest changed lines', async () => {
    await withTempDir(async (tmp) => {
      const name = 'zz-nearest.m4'
      const body = (n: number): string[] => Array.from({ length: n }, (_, i) => `zz_step_${i}=done`)
      const versions = [
        ['# zz-nearest.m4 serial 1', ...body(20)],
        ['# zz-nearest.m4 serial 2', ...body(40)],
        ['# zz-nearest.m4 serial 3', ...body(40), 'zz_extra=1', 'zz_more=2'],
        ['# zz-nearest.m4 serial 5', ...body(60)],
      ]
      for (const [i, lines] of versions.entries()) {
        await mkdir(join(tmp, `v${i}`))
        await writeFile(join(tmp, `v${i}`, name), `${lines.join('\n')}\n`)
      }
      await writeFile(join(tmp, 'v0', 'zz-helper'), '#!/bin/sh\nscriptversion=2020-01-01.00; # UTC\n')
      await writeFile(join(tmp, 'v1', 'zz-helper'), '#!/bin/sh\nscriptversion=2021-06-30.12; # UTC\n')
      const store = join(tmp, 'store')
      await addToCatalog(tmp, store)
      const catalog = await Catalog.load({ userStore: store, systemDirs: false })
      expect(catalog.versionsOf(name)).toHaveLength(4)

      const given = Buffer.from(`${['# zz-nearest.m4 serial 3', ...body(40), 'zz_extra=1', 'sh -c "$zz"'].join('\n')}\n`)
      const nearest = await nearestKnownVersion(name, given, catalog)
      expect(nearest?.entry.serial).toBe('3')
      expect(nearest?.entry.origin).toBe('user')
      expect(nearest?.addedLines).toEqual([{ line: 43, text: 'sh -c "$zz"' }])
      expect(nearest?.removedLines).toEqual([{ line: 43, text: 'zz_more=2' }])

      expect(describeKnownVersions(name, catalog)).toBe('serials 1–3, 5')
      expect(describeKnownVersions('zz-helper', catalog)).toBe('stamps 2020-01-01.00, 2021-06-30.12')
      expect(describeKnownVersions('zz-unknown.m4', catalog)).toBe('')
    })
  })
})
