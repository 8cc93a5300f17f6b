import { StagelightError } from '../../errors.js'
import { ByteReader } from './byte-reader.js'
import { gitStream } from './exec.js'
import { isObjectId } from './object-id.js'
import { resolveRef } from './refs.js'
import type { Repository } from './types.js'

export interface CommitMessage {
  readonly commit: string
  readonly author: string
  readonly email: string
  /** author date, strict ISO 8601 with the author's offset */
  readonly date: string
  readonly body: string
}

/** hash, author name, author email, author date, raw body: NUL between fields, NUL after each commit (-z) */
const FORMAT = '--format=%H%x00%an%x00%ae%x00%aI%x00%B'
const FIELDS = 5

/**
 * The history that leads to `commit` (an id, or any ref), newest first, one commit at a time.
 * Git cuts commit messages at NUL, so NUL-separated fields cannot be confused with their content.
 */
export async function* commitMessages(repo: Repository, commitOrRef: string): AsyncGenerator<CommitMessage> {
  const commit = isObjectId(commitOrRef) ? commitOrRef : (await resolveRef(repo, commitOrRef)).commit
  const proc = gitStream(repo.gitDir, ['log', '-z', '--no-color', '--no-decorate', '--no-show-signature', '--encoding=UTF-8', FORMAT, commit, '--'], `reading the history of ${commit} in ${repo.spec}`)
  const reader = new ByteReader(proc.stdout)
  try {
    for (;;) {
      const fields: string[] = []
      for (let i = 0; i < FIELDS; i++) {
        const field = await reader.readUntil(0)
        if (field === undefined) break
        fields.push(field.toString('utf8'))
      }
      if (fields.length === 0) break
      const [hash = '', author = '', email = '', date = '', body = ''] = fields
      if (fields.length < FIELDS || !isObjectId(hash)) throw new StagelightError('E_INPUT_INVALID', `unexpected git log output in ${repo.spec}`, { near: fields.join(' ').slice(0, 200) })
      yield { commit: hash, author, email, date, body: body.replace(/\n+$/, '') }
    }
    await proc.done
  } finally {
    proc.stop()
  }
}
