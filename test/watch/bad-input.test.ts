import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli } from './helpers/cli.js'

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stagelight-watch-bad-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at /)

describe('watch and respond on bad input', () => {
  it('refuses a corrupted lockfile with exit 2 and stores nothing', async () => {
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion": 3, "packages": ')
    const r = await cli(['watch', 'add', 'inventory', 'package-lock.json', '--db', 'w.sqlite'], root)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('not valid JSON')
    noStack(r.stderr)
    const list = await cli(['watch', 'list', '--format', 'json', '--db', 'w.sqlite'], root)
    expect(JSON.parse(list.stdout)).toEqual({ targets: [], inventories: [] })
  })

  it('refuses a store location that is not a database file', async () => {
    mkdirSync(join(root, 'a-directory'))
    const r = await cli(['watch', 'list', '--db', 'a-directory'], root)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('cannot open the watch database')
    writeFileSync(join(root, 'not-sqlite'), 'hello, this is text\n'.repeat(100))
    const text = await cli(['watch', 'list', '--db', 'not-sqlite'], root)
    expect(text.code).toBe(2)
    noStack(text.stderr)
  })

  it('says it could not complete when the PostgreSQL server does not answer', async () => {
    const r = await cli(['watch', 'list', '--db', 'postgres://nobody:secret@127.0.0.1:1/none'], root)
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('cannot reach the watch database postgres://')
    expect(r.stderr).toContain('@127.0.0.1:1/none')
    expect(r.stderr).not.toContain('secret')
  })

  it('rejects a tarball pattern without a version and an unknown target to remove', async () => {
    const pattern = await cli(['watch', 'add', 'git', 'https://git.example.invalid/x.git', '--tarballs', 'https://example.invalid/x.tar.gz', '--db', 'w.sqlite'], root)
    expect(pattern.code).toBe(2)
    expect(pattern.stderr).toContain('names no {version} or {tag}')
    const remove = await cli(['watch', 'remove', 'npm:never-added', '--db', 'w.sqlite'], root)
    expect(remove.code).toBe(2)
    expect(remove.stderr).toContain('not watched: npm:never-added')
  })
})
