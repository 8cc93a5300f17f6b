import { StagelightError } from '../../errors.js'
import { ByteReader } from './byte-reader.js'
import { gitStream } from './exec.js'
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
      const header = await reader.readUntil(NEWLINE)
      if (header === undefined) return await endedEarly(proc.done, oid, repo)
      const fields = header.toString('latin1').split(' ')
      if (fields[1] === 'missing') throw new StagelightError('E_INPUT_NOT_FOUND', `object ${oid} is missing from ${repo.spec}`, { oid, repository: repo.spec })
      const [gotOid, type, sizeText] = fields
      const size = Number(sizeText)
      if (gotOid !== oid || !Number.isSafeInteger(size)) throw new StagelightError('E_INPUT_INVALID', `unexpected answer from git cat-file for ${oid}: ${JSON.stringify(header.toString('utf8').slice(0, 120))}`, { oid })
      const content = await reader.readExactly(size)
      const terminator = await reader.readExactly(1)
      if (content === undefined || terminator === undefined) return await endedEarly(proc.done, oid, repo)
      if (type !== expectedType) throw new StagelightError('E_INPUT_INVALID', `object ${oid} in ${repo.spec} is a ${type}, not a ${expectedType}`, { oid, type })
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

async function endedEarly(done: Promise<void>, oid: string, repo: Repository): Promise<never> {
  await done
  throw new StagelightError('E_INPUT_INVALID', `git cat-file stopped before returning object ${oid} from ${repo.spec}`, { oid })
}

/** One blob's content. */
export async function readBlob(repo: Repository, oid: string): Promise<Buffer> {
  for await (const blob of readBlobs(repo, [oid])) return blob.content
  throw new StagelightError('E_INPUT_NOT_FOUND', `object ${oid} could not be read from ${repo.spec}`, { oid, repository: repo.spec })
}
