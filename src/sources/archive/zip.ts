import { promisify } from 'node:util'
import type { Readable } from 'node:stream'
import yauzl from 'yauzl'
import { StagelightError } from '../../errors.js'
import type { RawEntry } from './raw.js'

const S_IFMT = 0o170000
const S_IFLNK = 0o120000
const S_IFDIR = 0o040000

const open = promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open)

const corrupt = (file: string, err: unknown) => new StagelightError('E_ARCHIVE_CORRUPT', `${file}: corrupt zip archive: ${err instanceof Error ? err.message : String(err)}`)

/** Entries of a zip file, read lazily through its central directory. Names are raw: judged by the caller. */
export async function* readZip(file: string): AsyncGenerator<RawEntry> {
  let zip: yauzl.ZipFile
  try {
    zip = await open(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false })
  } catch (err) {
    throw corrupt(file, err)
  }
  const next = (): Promise<yauzl.Entry | undefined> =>
    new Promise((resolve, reject) => {
      const onEntry = (e: yauzl.Entry) => (cleanup(), resolve(e))
      const onEnd = () => (cleanup(), resolve(undefined))
      const onError = (e: unknown) => (cleanup(), reject(corrupt(file, e)))
      const cleanup = () => {
        zip.off('entry', onEntry)
        zip.off('end', onEnd)
        zip.off('error', onError)
      }
      zip.on('entry', onEntry)
      zip.on('end', onEnd)
      zip.on('error', onError)
      zip.readEntry()
    })
  const openStream = promisify<yauzl.Entry, Readable>(zip.openReadStream.bind(zip))
  try {
    for (let entry = await next(); entry; entry = await next()) {
      const rawName = entry.fileName as unknown as Buffer
      const name = (entry.generalPurposeBitFlag & 0x800) !== 0 ? rawName.toString('utf8') : rawName.toString('latin1')
      const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff
      const type = unixMode & S_IFMT
      if (name.endsWith('/') || type === S_IFDIR) {
        yield { name, kind: 'directory', mode: unixMode & 0o7777, size: 0 }
        continue
      }
      let stream: Readable
      try {
        stream = await openStream(entry)
      } catch (err) {
        throw corrupt(file, err)
      }
      stream.on('error', () => undefined)
      if (type === S_IFLNK) {
        const chunks: Buffer[] = []
        let n = 0
        for await (const c of stream as AsyncIterable<Buffer>) if ((n += c.length) <= 4096) chunks.push(c)
        yield { name, kind: 'symlink', mode: 0o777, size: 0, linkTarget: Buffer.concat(chunks).toString('utf8') }
        continue
      }
      const body = (async function* () {
        try {
          for await (const c of stream as AsyncIterable<Buffer>) yield c
        } catch (err) {
          throw corrupt(file, err)
        }
      })()
      yield { name, kind: 'file', mode: type ? unixMode & 0o7777 : 0o644, size: entry.uncompressedSize, body }
    }
  } finally {
    zip.close()
  }
}
