import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gunzipSync, gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { bundledCatalogPath } from '../../src/verify/catalog/catalog.js'
import type { CatalogEntry } from '../../src/verify/catalog/entry.js'
import { CATALOG_MAGIC, CatalogFormatError, decodeCatalog, encodeCatalog, openCatalog, type CatalogHeader } from '../../src/verify/catalog/format.js'
import { catalogJsonl, repoRoot, withTempDir } from './helpers.js'

const run = promisify(execFile)

interface JsonlLine {
  basename: string
  path: string
  project: string
  source: string
  sha256: string
  sha256_loose: string
  size: number
  serial: string | null
  stamp: string | null
  first_seen: string | null
  first_release: string | null
}

/** The fields of an entry in the JSONL schema, for comparing with the source data. */
const asJsonl = (e: CatalogEntry): JsonlLine => ({
  basename: e.basename,
  path: e.path,
  project: e.project,
  source: e.source,
  sha256: e.sha256,
  sha256_loose: e.looseSha256,
  size: e.size ?? -1,
  serial: e.serial ?? null,
  stamp: e.stamp ?? null,
  first_seen: e.firstSeen ?? null,
  first_release: e.firstRelease ?? null,
})

const pick = (o: JsonlLine): JsonlLine => ({
  basename: o.basename,
  path: o.path,
  project: o.project,
  source: o.source,
  sha256: o.sha256,
  sha256_loose: o.sha256_loose,
  size: o.size,
  serial: o.serial,
  stamp: o.stamp,
  first_seen: o.first_seen,
  first_release: o.first_release,
})

describe('the shipped catalog', () => {
  let gz: Buffer
  let header: CatalogHeader
  let entries: CatalogEntry[]

  beforeAll(async () => {
    gz = await readFile(bundledCatalogPath())
    ;({ header, entries } = decodeCatalog(gz))
  })

  it('is compact and decodes the same entries again', () => {
    expect(gz.length).toBeLessThan(5 * 1024 * 1024)
    expect(decodeCatalog(gz).entries.length).toBe(entries.length)
  })

  it('holds well-formed entries', () => {
    expect(entries.length).toBe(header.entries)
    expect(entries.length).toBeGreaterThan(50_000)
    const hex = /^[0-9a-f]{64}$/
    const bad = entries.filter((e) => !hex.test(e.sha256) || !hex.test(e.looseSha256) || !e.path.endsWith(e.basename) || e.origin !== 'bundled')
    expect(bad).toEqual([])
    expect(new Set(entries.map((e) => e.sha256)).size).toBeGreaterThan(45_000)
  })

  describe.skipIf(!existsSync(catalogJsonl))('against its source data', () => {
    let lines: string[]
    beforeAll(async () => {
      // the shipped file is the shared catalog followed by the extra tools' histories kept in data/
      const raws = await Promise.all([catalogJsonl, join(repoRoot, 'data', 'catalog-extra.jsonl')].map((p) => readFile(p)))
      lines = raws.flatMap((raw) => raw.toString('utf8').trimEnd().split('\n'))
      expect(header.input?.['sha256']).toBe(raws.map((raw) => createHash('sha256').update(raw).digest('hex')).join(' + '))
    })

    it('keeps every entry in order, spot-checked field by field', () => {
      expect(entries.length).toBe(lines.length)
      const sample = [0, 1, lines.length - 1, ...Array.from({ length: 500 }, (_, i) => Math.floor((i * lines.length) / 500))]
      for (const i of sample) {
        const expected = pick(JSON.parse(lines[i] ?? '{}') as JsonlLine)
        expect(asJsonl(entries[i] as CatalogEntry), `line ${i + 1}`).toEqual(expected)
      }
    })

    it('keeps nulls as absent fields', () => {
      const i = lines.findIndex((l) => l.includes('"first_seen":null') && l.includes('"serial":null'))
      expect(i).toBeGreaterThanOrEqual(0)
      const entry = entries[i] as CatalogEntry
      expect('firstSeen' in entry).toBe(false)
      expect('serial' in entry).toBe(false)
    })
  })
})

describe('encodeCatalog / decodeCatalog', () => {
  const records = [
    { basename: 'a.m4', path: 'm4/a.m4', project: 'gnulib', source: 'git:x/y', sha256: 'a'.repeat(64), looseSha256: 'b'.repeat(64), serial: '3', firstSeen: '2001-02-03T04:05:06Z', size: 10 },
    { basename: 'a.m4', path: 'weird/place', project: 'p', source: 's', sha256: 'b'.repeat(64), looseSha256: 'b'.repeat(64), stamp: 'gettext-0.21', firstRelease: 'v1.0', size: 0 },
    { basename: 'install-sh', path: 'install-sh', project: 'automake', source: 's', sha256: 'c'.repeat(64), looseSha256: 'd'.repeat(64) },
  ]

  it('round-trips every field, including paths that do not end in the basename and absent values', () => {
    const { entries, header } = decodeCatalog(encodeCatalog(records, { file: 'x.jsonl' }))
    expect(entries).toEqual(records.map((r) => ({ ...r, origin: 'bundled' })))
    expect(header.hashes).toBe(4)
    expect(header.input).toEqual({ file: 'x.jsonl' })
  })

  it('rejects values it cannot store faithfully', () => {
    expect(() => encodeCatalog([{ ...records[2], sha256: 'XYZ' } as (typeof records)[number]])).toThrow(/SHA-256/)
    expect(() => encodeCatalog([{ ...records[0], firstSeen: '2001-02-03T04:05:06.5Z' } as (typeof records)[number]])).toThrow(/date/)
  })

  it('refuses damaged data with a format error', () => {
    const good = encodeCatalog(records)
    expect(() => decodeCatalog(good.subarray(0, good.length - 20))).toThrow(CatalogFormatError)
    expect(() => decodeCatalog(Buffer.from('not gzip'))).toThrow(CatalogFormatError)
    expect(() => decodeCatalog(gzipSync(Buffer.from('JUNKJUNK\0\0\0\0')))).toThrow(CatalogFormatError)
    const raw = Buffer.concat([CATALOG_MAGIC, Buffer.from([2, 0, 0, 0]), Buffer.from('{}')])
    expect(() => decodeCatalog(gzipSync(raw))).toThrow(CatalogFormatError)
  })

  it('opened for lookups, finds entries by exact hash, loose hash and name, telling apart hashes that share their first bytes', () => {
    const twin = `${'a'.repeat(12)}${'0'.repeat(52)}`
    const opened = openCatalog(encodeCatalog([...records, { basename: 'missing', path: 'missing', project: 'automake', source: 's', sha256: twin, looseSha256: twin }]))
    expect(opened.count).toBe(4)
    expect(opened.withSha('a'.repeat(64))?.map((e) => e.path)).toEqual(['m4/a.m4'])
    expect(opened.withSha(twin)?.map((e) => e.path)).toEqual(['missing'])
    expect(opened.withSha(`${'a'.repeat(12)}${'1'.repeat(52)}`)).toBeUndefined()
    expect(opened.withSha('not a hash')).toBeUndefined()
    expect(opened.withLoose('b'.repeat(64))?.map((e) => e.path)).toEqual(['m4/a.m4', 'weird/place'])
    expect(opened.withName('a.m4')?.map((e) => e.project)).toEqual(['gnulib', 'p'])
    expect(opened.hasName('install-sh')).toBe(true)
    expect(opened.withName('nothing.m4')).toBeUndefined()
    // the same entry object each time it is asked for
    expect(opened.withName('a.m4')?.[0]).toBe(opened.withSha('a'.repeat(64))?.[0])
  })

  it('finds every one of many hashes that share their first four bytes, and none that is absent', () => {
    const hash = (i: number, tail: string) => `ffffffff${i.toString(16).padStart(8, '0')}${tail.repeat(48)}`
    const many = Array.from({ length: 300 }, (_, i) => ({ basename: `f${i}`, path: `d/f${i}`, project: 'p', source: 's', sha256: hash(i, 'a'), looseSha256: hash(i, 'b') }))
    const opened = openCatalog(encodeCatalog(many))
    for (let i = 0; i < many.length; i++) {
      expect(opened.withSha(hash(i, 'a'))?.map((e) => e.path)).toEqual([`d/f${i}`])
      expect(opened.withLoose(hash(i, 'b'))?.map((e) => e.path)).toEqual([`d/f${i}`])
      expect(opened.withSha(hash(i, 'c'))).toBeUndefined()
    }
    expect(opened.withSha(hash(300, 'a'))).toBeUndefined()
  })

  it('checks every index when opened, not when an entry is first built', () => {
    const good = gunzipSync(encodeCatalog(records))
    const headerLength = good.readUInt32LE(8)
    const header = JSON.parse(good.toString('utf8', 12, 12 + headerLength)) as CatalogHeader
    // the basename column comes first after the hash table; point entry 0 past the table
    const column = 12 + headerLength + header.hashes * 32
    const bad = Buffer.from(good)
    bad.writeUInt16LE(header.tables.basename.length + 5, column)
    expect(() => openCatalog(gzipSync(bad))).toThrow(/basename index/)
    // a nullable column (serial, after basename, pathPrefix, project, source and both hashes) holds index + 1
    const serials = column + records.length * (2 + 2 + 1 + 1 + 4 + 4)
    const badSerial = Buffer.from(good)
    badSerial.writeUInt16LE(header.tables.serial.length + 1, serials + 2 * 2)
    expect(() => openCatalog(gzipSync(badSerial))).toThrow(/serial index 1 out of range/)
    const lastSerial = Buffer.from(good)
    lastSerial.writeUInt16LE(header.tables.serial.length, serials + 2 * 2)
    expect(openCatalog(gzipSync(lastSerial)).entry(2).serial).toBe(header.tables.serial.at(-1))
  })
})

const builtScript = join(repoRoot, 'dist', 'scripts', 'build-catalog.js')

describe.skipIf(!existsSync(builtScript))('scripts/build-catalog', () => {
  it('converts a JSON Lines catalog and checks its own output', async () => {
    await withTempDir(async (dir) => {
      const input = join(dir, 'in.jsonl')
      const line = (over: Partial<JsonlLine>): string =>
        JSON.stringify({
          basename: 'x.m4', path: 'm4/x.m4', project: 'gnulib', source: 'git:a/b', sha256: '1'.repeat(64), git_blob: '0'.repeat(40), size: 5,
          serial: '1', stamp: null, first_seen: '2020-01-01T00:00:00Z', first_commit: 'abc', first_release: null, sha256_loose: '2'.repeat(64), ...over,
        })
      await writeFile(input, `${line({})}\n${line({ sha256: '3'.repeat(64), serial: null, first_seen: null, first_release: 'v2' })}\n`)
      const output = join(dir, 'out.bin.gz')
      await run(process.execPath, [builtScript, '--out', output, input])
      const { entries } = decodeCatalog(await readFile(output))
      expect(entries.map((e) => [e.sha256[0], e.serial, e.firstSeen, e.firstRelease])).toEqual([
        ['1', '1', '2020-01-01T00:00:00Z', undefined],
        ['3', undefined, undefined, 'v2'],
      ])

      // several inputs are kept in the order given
      const second = join(dir, 'second.jsonl')
      await writeFile(second, `${line({ sha256: '4'.repeat(64), basename: 'y.make', path: 'y.make' })}\n`)
      await run(process.execPath, [builtScript, '--out', output, input, second])
      expect(decodeCatalog(await readFile(output)).entries.map((e) => e.sha256[0])).toEqual(['1', '3', '4'])

      await writeFile(input, `${line({})}\n${line({ size: 'big' as unknown as number })}\n`)
      const failed = await run(process.execPath, [builtScript, '--out', join(dir, 'bad.bin.gz'), input]).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      )
      expect(failed?.code).toBe(1)
      expect(failed?.stderr).toContain('in.jsonl:2')
      expect(existsSync(join(dir, 'bad.bin.gz'))).toBe(false)
    })
  })
})
