/**
 * @fileoverview Entries of a directory tree, depth first in sorted order, never following a
 * link: links are reported as entries, exactly as an archive would carry them.
 */
import { constants, type Stats } from 'node:fs'
import { lstat, open, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { EntryKind } from '../../model/tree.js'
import { StagelightError } from '../../errors.js'
import { LimitReached } from './failures.js'
import { LIMITS } from './limits.js'
import type { RawEntry, SourceContext } from './raw.js'

const cannotRead = (path: string, err: unknown): StagelightError =>
  new StagelightError('E_INPUT_INVALID', `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { path }, { cause: err })

const kindOf = (info: Stats): EntryKind =>
  info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'directory' : info.isFile() ? 'file' : info.isFIFO() ? 'fifo' : info.isCharacterDevice() || info.isBlockDevice() ? 'device' : 'other'

/**
 * A regular file's bytes. Opened without following links and without blocking, then checked
 * to still be the regular file that was listed: the tree may change while it is read.
 */
async function* fileBytes(path: string, listedSize: number, context: SourceContext): AsyncGenerator<Buffer> {
  let handle
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (err) {
    throw cannotRead(path, err)
  }
  let seen = 0
  try {
    if (!(await handle.stat()).isFile()) throw new StagelightError('E_INPUT_INVALID', `${path}: changed while being read (no longer a regular file)`, { path })
    for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
      seen += chunk.length
      context.budget.read(chunk.length)
      context.budget.produce(chunk.length)
      yield chunk
    }
  } catch (err) {
    throw err instanceof StagelightError || !(err as NodeJS.ErrnoException).code ? err : cannotRead(path, err)
  } finally {
    await handle.close()
  }
  if (seen !== listedSize) throw new StagelightError('E_INPUT_INVALID', `${path}: changed while being read (${listedSize} bytes listed, ${seen} read)`, { path })
}

interface Pending {
  readonly relative: string
  readonly names: string[]
  readonly depth: number
  index: number
}

export async function* readDirectory(context: SourceContext): AsyncGenerator<RawEntry, void, undefined> {
  const root = context.file
  const list = async (relative: string, depth: number): Promise<Pending> => {
    // deeper than any real tree, and near the kernel's limit on path length: stop, and say so
    if (depth > LIMITS.maxDirectoryDepth) throw new LimitReached(`directories nested more than ${LIMITS.maxDirectoryDepth} deep (maxDirectoryDepth)`, relative)
    try {
      return { relative, names: (await readdir(join(root, relative))).sort(), index: 0, depth }
    } catch (err) {
      throw cannotRead(join(root, relative), err)
    }
  }
  const stack: Pending[] = [await list('', 0)]
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    if (!top || top.index >= top.names.length) {
      stack.pop()
      continue
    }
    const name = top.names[top.index++] ?? ''
    const relative = top.relative ? `${top.relative}/${name}` : name
    if (context.exclude?.(relative)) continue
    const full = join(root, relative)
    let info: Stats
    try {
      info = await lstat(full)
    } catch (err) {
      throw cannotRead(full, err)
    }
    const kind = kindOf(info)
    const mode = info.mode & 0o7777
    if (kind === 'symlink') {
      let target: string
      try {
        target = await readlink(full)
      } catch (err) {
        throw cannotRead(full, err)
      }
      yield { name: relative, kind, mode, size: 0, linkTarget: target }
    } else if (kind === 'file') {
      yield { name: relative, kind, mode, size: info.size, body: fileBytes(full, info.size, context) }
    } else {
      yield { name: relative, kind, mode, size: 0 }
      if (kind === 'directory') stack.push(await list(relative, top.depth + 1))
    }
  }
}
