import { createHash } from 'node:crypto'

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/

export const isObjectId = (value: string): boolean => OBJECT_ID.test(value)

/** The id git gives these bytes as a blob, in the hash of the repository (told by the length of one of its ids). */
export function blobId(content: Buffer, likeId: string): string {
  const hash = createHash(likeId.length === 64 ? 'sha256' : 'sha1')
  hash.update(`blob ${content.length}\0`)
  hash.update(content)
  return hash.digest('hex')
}
