import { describe, expect, it } from 'vitest'
import { artifactStem, inferRef, splitNameVersion } from '../../src/sources/git/infer-ref.js'
import { thrown } from './fixtures.js'

describe('inferRef picks the release tag from the artifact name', () => {
  const cases: readonly (readonly [string, readonly string[], string])[] = [
    ['xz-5.6.1.tar.gz', ['v5.4.6', 'v5.6.0', 'v5.6.1', 'v5.6.10'], 'v5.6.1'],
    ['foo-1.2.3.tgz', ['1.2.2', '1.2.3', '1.2.30'], '1.2.3'],
    ['foo_1.2.3.orig.tar.xz', ['foo-1.2.3', 'foo-1.2.4'], 'foo-1.2.3'],
    ['package-1.0.0-rc.1.zip', ['v1', 'v1.0.0', 'v1.0.0-rc.1', 'v1.0.0-rc.2'], 'v1.0.0-rc.1'],
    ['mylib-v2.0.tar.bz2', ['mylib-v1.9', 'mylib-v2.0'], 'mylib-v2.0'],
    ['name-1.2.3.tar.gz', ['name_1_2_3', 'name_1_2_4'], 'name_1_2_3'],
    ['proj-1.2.3.tar.gz', ['release-1.2.2', 'release-1.2.3'], 'release-1.2.3'],
    ['tool-1.2.3.tar.xz', ['V1.2.3', 'V1.2.4'], 'V1.2.3'],
    ['proj-1.2.3.tar.gz', ['R_1_2_2', 'R_1_2_3'], 'R_1_2_3'],
    ['x-1.2.3.tar.gz', ['release/1.2.3', 'release/1.2.4'], 'release/1.2.3'],
    ['gcc-13.2.0.tar.xz', ['releases/gcc-12.3.0', 'releases/gcc-13.2.0'], 'releases/gcc-13.2.0'],
    ['foo-3.1.0.tgz', ['packages/bar/v3.1.0', 'packages/foo/v3.1.0'], 'packages/foo/v3.1.0'],
    ['v1.2.3.tar.gz', ['v1.2.3', 'v1.2.30'], 'v1.2.3'],
    ['FOO-1.2.tar.gz', ['foo-1.1', 'foo-1.2'], 'foo-1.2'],
    ['foo_2.4.1+dfsg.orig.tar.gz', ['v2.4.0', 'v2.4.1'], 'v2.4.1'],
    ['foo_1.0.0~rc1.orig.tar.gz', ['v1.0.0', 'v1.0.0rc1'], 'v1.0.0rc1'],
    ['foo-1.0.0-rc1.tar.gz', ['v1.0.0', 'v1.0.0rc1'], 'v1.0.0rc1'],
    ['libfoo2-2.0.1.tar.gz', ['libfoo2-2.0.0', 'libfoo2-2.0.1'], 'libfoo2-2.0.1'],
    ['python3-foo-2.0.tar.gz', ['v2.0', 'v2.0.1'], 'v2.0'],
    ['foo-1.2.3-src.tar.gz', ['v1.2.3', 'v1.2.4'], 'v1.2.3'],
    ['scope-pkg-2.0.1.tgz', ['@scope/other@2.0.1', '@scope/pkg@2.0.1'], '@scope/pkg@2.0.1'],
    ['npm:@scope/pkg@1.0.0', ['v0.9.0', 'v1.0.0'], 'v1.0.0'],
    ['gcc-13-20240101.tar.xz', ['13-20231224', '13-20240101'], '13-20240101'],
    // a directory artifact, with and without a trailing slash
    ['/tmp/unpacked/xz-5.6.1/', ['v5.6.0', 'v5.6.1'], 'v5.6.1'],
    ['xz-5.6.1', ['v5.6.0', 'v5.6.1'], 'v5.6.1'],
    // the project's own tag wins over a generic one and over another project's tag
    ['bar-1.2.3.tgz', ['bar@1.2.3', 'foo@1.2.3', 'v1.2.3'], 'bar@1.2.3'],
  ]
  for (const [artifact, tags, expected] of cases) {
    it(`${artifact} → ${expected}`, () => {
      expect(inferRef(tags, artifact)).toBe(expected)
      // the answer must not depend on the order git listed the tags in
      expect(inferRef([...tags].reverse(), artifact)).toBe(expected)
    })
  }
})

describe('inferRef when no tag fits', () => {
  it('lists the tags with the nearest versions first and asks for --ref', () => {
    const err = thrown(() => inferRef(['v0.9.0', 'v1.2.2', 'v1.2.4', 'v2.0.0', 'docs-snapshot'], 'foo-1.2.3.tar.gz'))
    expect(err.code).toBe('E_INPUT_NOT_FOUND')
    expect(err.message).toContain('--ref')
    const candidates = err.data?.candidates as string[]
    expect(candidates.slice(0, 2).sort()).toEqual(['v1.2.2', 'v1.2.4'])
    expect(candidates.indexOf('v2.0.0')).toBeGreaterThan(1)
    expect(candidates).not.toContain('docs-snapshot')
  })

  it('does not take another project’s tag for this one, but offers it', () => {
    const err = thrown(() => inferRef(['other-1.2.3', 'other-1.2.2'], 'foo-1.2.3.tar.gz'))
    expect(err.code).toBe('E_INPUT_NOT_FOUND')
    expect((err.data?.candidates as string[])[0]).toBe('other-1.2.3')
  })

  it('does not equate 1.2 with 1.2.0', () => {
    const err = thrown(() => inferRef(['v1.2.0', 'v1.3.0'], 'foo-1.2.tar.gz'))
    expect(err.code).toBe('E_INPUT_NOT_FOUND')
    expect((err.data?.candidates as string[])[0]).toBe('v1.2.0')
  })

  it('offers the newest tags when the artifact name has no version', () => {
    const err = thrown(() => inferRef(['v1.0', 'v1.10', 'v2.0', 'v1.9'], 'source.tar.gz'))
    expect(err.code).toBe('E_INPUT_NOT_FOUND')
    expect(err.data?.candidates).toEqual(['v2.0', 'v1.10', 'v1.9', 'v1.0'])
  })

  it('has no candidates in a repository without tags', () => {
    const err = thrown(() => inferRef([], 'foo-1.0.tar.gz'))
    expect(err.code).toBe('E_INPUT_NOT_FOUND')
    expect(err.data?.candidates).toEqual([])
  })
})

describe('inferRef when several tags fit equally', () => {
  it('refuses to guess between v1.2.3 and 1.2.3', () => {
    const err = thrown(() => inferRef(['1.2.3', 'v1.2.3', 'v1.2.2'], 'foo-1.2.3.tar.gz'))
    expect(err.code).toBe('E_USAGE')
    expect(err.message).toContain('ambiguous')
    expect([...(err.data?.candidates as string[])].sort()).toEqual(['1.2.3', 'v1.2.3'])
  })

  it('refuses to guess between two spellings of the same pre-release', () => {
    const err = thrown(() => inferRef(['v1.0.0-rc.1', 'v1.0.0-rc1'], 'pkg-1.0.0-rc.1.zip'))
    expect(err.code).toBe('E_USAGE')
    expect([...(err.data?.candidates as string[])].sort()).toEqual(['v1.0.0-rc.1', 'v1.0.0-rc1'])
  })
})

describe('name and version splitting', () => {
  it('strips archive suffixes, directories and the npm: prefix', () => {
    expect(artifactStem('/srv/dl/foo_1.2.orig.tar.xz')).toBe('foo_1.2')
    expect(artifactStem('foo-1.2.3.tar.zst')).toBe('foo-1.2.3')
    expect(artifactStem('foo-1.2.3.zip')).toBe('foo-1.2.3')
    expect(artifactStem('npm:left-pad@1.3.0')).toBe('left-pad@1.3.0')
  })

  it('reads underscores, dots and dashes in versions alike', () => {
    expect(splitNameVersion('name_1_2_3')?.tokens).toEqual(['1', '2', '3'])
    expect(splitNameVersion('name-1.2.3')?.tokens).toEqual(['1', '2', '3'])
    expect(splitNameVersion('name-v1.2.3')?.nameKey).toBe('name')
    expect(splitNameVersion('release-v1.2.3')?.nameKey).toBe('')
    expect(splitNameVersion('no-version-here')).toBeUndefined()
  })
})
