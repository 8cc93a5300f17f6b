import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadCorpus, submoduleArgs, upstreamVersion, type Release } from '../../bench/releases-corpus.js'

describe('the corpus of real releases', () => {
  const corpus = loadCorpus()

  it('records each release once, with what is needed to fetch and judge it', () => {
    const keys = corpus.map((r) => `${r.name} ${r.version}`)
    expect(new Set(keys).size).toBe(keys.length)
    for (const r of corpus) {
      expect(['autotools', 'cmake', 'meson', 'plain', 'python', 'npm'], r.name).toContain(r.kind)
      // a tarball comes from exactly one place: Debian's source package or the npm registry
      expect(r.debian === undefined, r.name).toBe(r.kind === 'npm')
      expect(r.npm === undefined, r.name).toBe(r.kind !== 'npm')
      expect(['pass', 'fail'], r.name).toContain(r.expected)
      expect(r.repository, r.name).toMatch(/^[\w.-]+\/[\w.-]+$/)
      expect(r.tag, r.name).not.toBe('')
      if (r.sha256 !== null) expect(r.sha256, r.name).toMatch(/^[0-9a-f]{64}$/)
      // the tarball is the .orig of the Debian version it names, or what `npm pack` names the package's
      if (r.tarball !== null && r.debian) expect(r.tarball.startsWith(`${r.debian.source}_${upstreamVersion(r.debian.version)}.orig.tar.`), r.name).toBe(true)
      if (r.tarball !== null && r.npm) expect(r.tarball, r.name).toBe(`${r.npm.name.replace(/^@/, '').replace('/', '-')}-${r.npm.version}.tgz`)
      for (const [path, repository] of Object.entries(r.submodules ?? {})) {
        expect(path, r.name).toMatch(/^[\w.-]+(?:\/[\w.-]+)*$/)
        expect(repository, r.name).toMatch(/^[\w.-]+\/[\w.-]+$/)
      }
    }
  })

  it('passes the mirror of each pinned repository, and nothing when one is missing', () => {
    const mirrors = mkdtempSync(join(tmpdir(), 'sl-mirrors-'))
    const release = { ...(corpus[0] as Release), submodules: { gnulib: 'coreutils/gnulib', 'vendor/lib': 'example/lib' } }
    expect(submoduleArgs(release, mirrors)).toBeUndefined()
    mkdirSync(join(mirrors, 'coreutils+gnulib', 'repo'), { recursive: true })
    mkdirSync(join(mirrors, 'example+lib', 'repo', '.git'), { recursive: true })
    // a bare mirror is recognised by its HEAD, a checkout by its .git
    expect(submoduleArgs(release, mirrors)).toBeUndefined()
    mkdirSync(join(mirrors, 'coreutils+gnulib', 'repo', 'HEAD'))
    expect(submoduleArgs(release, mirrors)).toEqual(['--submodule', `gnulib=${join(mirrors, 'coreutils+gnulib', 'repo')}`, '--submodule', `vendor/lib=${join(mirrors, 'example+lib', 'repo')}`])
    expect(submoduleArgs({ ...release, submodules: undefined } as unknown as Release, mirrors)).toEqual([])
  })
})
