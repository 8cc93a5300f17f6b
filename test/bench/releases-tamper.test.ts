import { execFileSync } from 'node:child_process'
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { applicableKinds, applicablePythonKinds, tamperTarball, tarballFiles } from '../../bench/releases-tamper.js'

const work = mkdtempSync(join(tmpdir(), 'stagelight-tamper-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const SETUP = 'import os\nfrom setuptools import setup\n\nsetup(name="frob")\n'
const MODULE = 'def frob(x):\n    if x == 1:\n        return True\n    return False\n'

/** A small Python source distribution packed as a tarball with one top directory. */
function sdist(files: Record<string, string>): string {
  const top = join(work, `frob-${Math.random().toString(36).slice(2)}`, 'frob-1.0')
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(top, path, '..'), { recursive: true })
    writeFileSync(join(top, path), text)
  }
  const tarball = `${top}.tar.gz`
  execFileSync('tar', ['-czf', tarball, '-C', join(top, '..'), 'frob-1.0'])
  return tarball
}

const unpacked = (tarball: string): string => {
  const dir = mkdtempSync(join(work, 'out-'))
  execFileSync('tar', ['-xzf', tarball, '-C', dir])
  return join(dir, 'frob-1.0')
}

describe('the injections into Python source distributions', () => {
  it('offers a module line only where a module outside the tests exists, and setup.py only where one is shipped', () => {
    expect(applicablePythonKinds(['setup.py', 'frob/__init__.py'])).toEqual(['py-line', 'setup-exec'])
    expect(applicablePythonKinds(['pyproject.toml', 'frob/__init__.py'])).toEqual(['py-line'])
    expect(applicablePythonKinds(['setup.py', 'tests/test_frob.py'])).toEqual(['setup-exec'])
    // none of the autotools injections fits such a release
    expect(applicableKinds(['setup.py', 'frob/__init__.py'])).toEqual([])
  })

  it('turns round one condition of a module, and nothing else', () => {
    const tarball = sdist({ 'setup.py': SETUP, 'frob/__init__.py': MODULE, 'tests/test_frob.py': MODULE })
    const out = join(work, 'py-line.tar.gz')
    const t = tamperTarball(tarball, out, 'py-line', 'seed-1')
    expect(t.path).toBe('frob/__init__.py')
    const root = unpacked(out)
    expect(readFileSync(join(root, 'frob/__init__.py'), 'utf8')).not.toBe(MODULE)
    expect(readFileSync(join(root, 'tests/test_frob.py'), 'utf8')).toBe(MODULE)
    expect(readFileSync(join(root, 'setup.py'), 'utf8')).toBe(SETUP)
  })

  it('makes setup.py run a byte-swapped file it adds, after the imports', () => {
    const tarball = sdist({ 'setup.py': SETUP, 'frob/__init__.py': MODULE })
    const out = join(work, 'setup-exec.tar.gz')
    const t = tamperTarball(tarball, out, 'setup-exec', 'seed-2')
    expect(t.touched).toHaveLength(2)
    const [, data] = t.touched
    expect(tarballFiles(out)).toContain(data)
    const setup = readFileSync(join(unpacked(out), 'setup.py'), 'utf8')
    expect(setup).toContain('exec(')
    expect(setup).toContain(JSON.stringify(data))
    expect(setup.indexOf('exec(')).toBeGreaterThan(setup.indexOf('from setuptools import setup'))
    expect(setup.indexOf('exec(')).toBeLessThan(setup.indexOf('setup(name='))
  })
})

describe('a documentation file run by configure', () => {
  it('names the file whose bytes changed when the name configure runs is a link', () => {
    const top = join(work, 'linked', 'tool-1.0')
    mkdirSync(join(top, 'notes'), { recursive: true })
    writeFileSync(join(top, 'configure'), '#!/bin/sh\nac_x=1\ncat >confcache <<\\_ACEOF\n_ACEOF\nexit 0\n')
    writeFileSync(join(top, 'notes', 'readme.txt'), 'About the tool.\n')
    symlinkSync('notes/readme.txt', join(top, 'README'))
    const tarball = join(work, 'linked', 'tool-1.0.tar.gz')
    execFileSync('tar', ['-czf', tarball, '-C', join(top, '..'), 'tool-1.0'])
    const out = join(work, 'doc-as-code.tar.gz')
    const t = tamperTarball(tarball, out, 'doc-as-code', 'seed-3')
    expect(t.path).toBe('notes/readme.txt')
    expect(t.touched).toEqual(['notes/readme.txt', 'README', 'configure'])
    expect(t.description).toContain('README (a link to notes/readme.txt)')
    const dir = mkdtempSync(join(work, 'out-'))
    execFileSync('tar', ['-xzf', out, '-C', dir])
    expect(lstatSync(join(dir, 'tool-1.0', 'README')).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(dir, 'tool-1.0', 'notes', 'readme.txt'), 'utf8')).not.toBe('About the tool.\n')
    expect(readFileSync(join(dir, 'tool-1.0', 'configure'), 'utf8')).toContain('/README"')
  })
})
