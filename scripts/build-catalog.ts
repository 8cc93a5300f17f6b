// Converts the autotools catalog (JSON Lines, see ../shared/data/README.md) into the compact file
// stagelight ships, data/autotools-catalog.bin.gz. Run after `npm run build`:
//
//   node dist/scripts/build-catalog.js [--out output] [input.jsonl ...]
//
// The inputs default to ../shared/data/autotools-catalog.jsonl and data/catalog-extra.jsonl (files
// of other tools' histories, made with scripts/catalog-from-git.ts); entries are kept in that order.
// The output is decoded again and compared with the input before it is written.
import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { decodeCatalog, encodeCatalog, type CatalogRecord } from '../src/verify/catalog/format.js'

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir
    dir = dirname(dir)
  }
  throw new Error('build-catalog: cannot find the repository root (no package.json above the script)')
}

type Json = Record<string, unknown>

function field<T extends 'string' | 'number'>(o: Json, key: string, type: T, nullable: boolean, where: string): (T extends 'string' ? string : number) | undefined {
  const value = o[key]
  if (value === null && nullable) return undefined
  if (typeof value !== type) throw new Error(`${where}: field "${key}" should be ${nullable ? `${type} or null` : type}, found ${JSON.stringify(value)}`)
  return value as T extends 'string' ? string : number
}

function toRecord(o: Json, where: string): CatalogRecord {
  const req = (key: string): string => field(o, key, 'string', false, where) as string
  const opt = (key: string): string | undefined => field(o, key, 'string', true, where)
  const serial = opt('serial')
  const stamp = opt('stamp')
  const firstSeen = opt('first_seen')
  const firstRelease = opt('first_release')
  return {
    basename: req('basename'),
    path: req('path'),
    project: req('project'),
    source: req('source'),
    sha256: req('sha256'),
    looseSha256: req('sha256_loose'),
    size: field(o, 'size', 'number', false, where) as number,
    ...(serial !== undefined ? { serial } : {}),
    ...(stamp !== undefined ? { stamp } : {}),
    ...(firstSeen !== undefined ? { firstSeen } : {}),
    ...(firstRelease !== undefined ? { firstRelease } : {}),
  }
}

async function readJsonl(path: string): Promise<{ records: CatalogRecord[]; sha256: string }> {
  const hash = createHash('sha256')
  const stream = createReadStream(path)
  stream.on('data', (chunk) => hash.update(chunk))
  const records: CatalogRecord[] = []
  let n = 0
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    n++
    if (line.trim() === '') continue
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      throw new Error(`${path}:${n}: not valid JSON`)
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path}:${n}: not a JSON object`)
    records.push(toRecord(parsed as Json, `${path}:${n}`))
  }
  return { records, sha256: hash.digest('hex') }
}

async function main(argv: readonly string[]): Promise<void> {
  const root = repoRoot()
  const out = argv.indexOf('--out')
  const output = resolve(out >= 0 ? (argv[out + 1] ?? '') : join(root, 'data', 'autotools-catalog.bin.gz'))
  const named = argv.filter((_, i) => out < 0 || (i !== out && i !== out + 1))
  const inputs = (named.length > 0 ? named : [join(root, '..', 'shared', 'data', 'autotools-catalog.jsonl'), join(root, 'data', 'catalog-extra.jsonl')]).map((p) => resolve(p))
  for (const input of inputs) if (!existsSync(input)) throw new Error(`${input}: no such file`)

  const started = Date.now()
  const records: CatalogRecord[] = []
  const hashes: string[] = []
  for (const input of inputs) {
    const read = await readJsonl(input)
    records.push(...read.records)
    hashes.push(read.sha256)
  }
  const input = inputs.map((p) => basename(p)).join(' + ')
  const encoded = encodeCatalog(records, { file: input, sha256: hashes.join(' + '), entries: records.length })

  const { entries } = decodeCatalog(encoded)
  if (entries.length !== records.length) throw new Error(`round trip lost entries: ${records.length} in, ${entries.length} out`)
  entries.forEach((entry, i) => {
    const { origin: _origin, ...decoded } = entry
    const expected = JSON.stringify(records[i], Object.keys(decoded).sort())
    const actual = JSON.stringify(decoded, Object.keys(decoded).sort())
    if (expected !== actual || Object.keys(decoded).length !== Object.keys(records[i] ?? {}).length) {
      throw new Error(`round trip changed entry ${i + 1}: ${expected} became ${actual}`)
    }
  })

  await mkdir(dirname(output), { recursive: true })
  const temporary = `${output}.${process.pid}.tmp`
  await writeFile(temporary, encoded)
  await rename(temporary, output)
  const kib = (encoded.length / 1024).toFixed(0)
  console.log(`${output}: ${records.length} entries, ${kib} KiB (from ${input}, ${Date.now() - started} ms)`)
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`build-catalog: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})
