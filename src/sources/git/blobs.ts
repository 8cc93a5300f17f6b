import { StagelightError } from '../../errors.js'
import { ByteReader } from './byte-reader.js'
import { gitStream, type GitStream } from './exec.js'
import { isObjectId } from './object-id.js'
import type { Repository } from './types.js'

const NEWLINE = 0x0a

/**
 * The content of each blob, in the order asked, from one `git cat-file --batch` process.
 * Ids are written as git asks for them, so the list can be long without piling up output.
 */
export function readBlobs(repo: Repository, oids: readonly string[]): AsyncGenerator<{ oid: string; content: Buffer }> {
  return readObjects(repo, oids, 'blob')
}

/** Like readBlobs, for objects of another type (a tag object, a commit). */
export async function* readObjects(repo: Repository, oids: readonly string[], expectedType: string): AsyncGenerator<{ oid: string; content: Buffer }> {
  for (const oid of oids) {
    if (!isObjectId(oid)) throw new StagelightError('E_INPUT_INVALID', `not a git object id: ${JSON.stringify(oid)}`, { oid })
  }
  if (oids.length === 0) return
  const proc = gitStream(repo.gitDir, ['cat-file', '--batch'], `reading blobs from ${repo.spec}`)
  const reader = new ByteReader(proc.stdout)
  let finished = false
  const feeding = (async () => {
    for (const oid of oids) {
      if (finished) break
      await proc.write(`${oid}\n`)
    }
    proc.endInput()
  })()
  try {
    for (const oid of oids) {
      const content = await readAnswer(reader, oid, expectedType, repo, proc.done)
      yield { oid, content }
    }
    await proc.done
    await feeding
  } finally {
    finished = true
    proc.stop()
    await reader.close().catch(() => undefined)
  }
}

/** git cat-file --batch's answer for one object: its content, or an error saying what went wrong. */
async function readAnswer(reader: ByteReader, oid: string, expectedType: string, repo: Repository, done: Promise<void>): Promise<Buffer> {
  const header = await reader.readUntil(NEWLINE)
  if (header === undefined) return await endedEarly(done, oid, repo)
  const fields = header.toString('latin1').split(' ')
  if (fields[1] === 'missing') throw new StagelightError('E_INPUT_NOT_FOUND', `object ${oid} is missing from ${repo.spec}`, { oid, repository: repo.spec })
  const [gotOid, type, sizeText] = fields
  const size = Number(sizeText)
  if (gotOid !== oid || !Number.isSafeInteger(size)) throw new StagelightError('E_INPUT_INVALID', `unexpected answer from git cat-file for ${oid}: ${JSON.stringify(header.toString('utf8').slice(0, 120))}`, { oid })
  const content = await reader.readExactly(size)
  const terminator = await reader.readExactly(1)
  if (content === undefined || terminator === undefined) return await endedEarly(done, oid, repo)
  if (type !== expectedType) throw new StagelightError('E_INPUT_INVALID', `object ${oid} in ${repo.spec} is a ${type}, not a ${expectedType}`, { oid, type })
  return content
}

async function endedEarly(done: Promise<void>, oid: string, repo: Repository): Promise<never> {
  await done
  throw new StagelightError('E_INPUT_INVALID', `git cat-file stopped before returning object ${oid} from ${repo.spec}`, { oid })
}

/** Reads blobs one at a time, as they are asked for, from one process; `close` ends it. */
export interface BlobSession {
  read(oid: string): Promise<Buffer>
  close(): void
}

/**
 * One `git cat-file --batch` process kept open for blobs asked for one by one (verify's explainers
 * read source files as they go): a process for each read cost a spawn each, tens of milliseconds
 * once the heap is large. Reads are answered in the order asked. After an error that may have left
 * the answer half read, the process is ended and the next read starts another.
 */
export function openBlobSession(repo: Repository): BlobSession {
  let open: { proc: GitStream; reader: ByteReader } | undefined
  let queue: Promise<unknown> = Promise.resolve()
  const close = (): void => {
    open?.proc.stop()
    void open?.reader.close().catch(() => undefined)
    open = undefined
  }
  const readOne = async (oid: string): Promise<Buffer> => {
    if (!open) {
      const proc = gitStream(repo.gitDir, ['cat-file', '--batch'], `reading blobs from ${repo.spec}`)
      open = { proc, reader: new ByteReader(proc.stdout) }
    }
    const { proc, reader } = open
    try {
      await proc.write(`${oid}\n`)
      return await readAnswer(reader, oid, 'blob', repo, proc.done)
    } catch (err) {
      if (!(err instanceof StagelightError && err.code === 'E_INPUT_NOT_FOUND')) close()
      throw err
    }
  }
  return {
    read(oid) {
      if (!isObjectId(oid)) return Promise.reject(new StagelightError('E_INPUT_INVALID', `not a git object id: ${JSON.stringify(oid)}`, { oid }))
      const answer = queue.then(() => readOne(oid))
      queue = answer.catch(() => undefined)
      return answer
    },
    close,
  }
}

/** One blob's content. */
export async function readBlob(repo: Repository, oid: string): Promise<Buffer> {
  for await (const blob of readBlobs(repo, [oid])) return blob.content
  throw new StagelightError('E_INPUT_NOT_FOUND', `object ${oid} could not be read from ${repo.spec}`, { oid, repository: repo.spec })
}
