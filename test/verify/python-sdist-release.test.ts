/**
 * A Python source distribution as `python -m build --sdist` makes it, verified end to end against
 * a real git tag through a real tarball: the honest one passes, each dishonest neighbour fails on
 * the file that was changed.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { severityRank } from '../../src/model/finding.js'
import { verify } from '../../src/verify/verify.js'
import { isolateGitConfig, makeRepo, releaseTarball, removeTempDirs, tempDir, type FileSpec } from '../git/fixtures.js'

const TAG = {
  'pyproject.toml': [
    '[build-system]',
    'requires = ["setuptools>=61", "setuptools_scm>=7"]',
    'build-backend = "setuptools.build_meta"',
    '',
    '[project]',
    'name = "frobnicate"',
    'dynamic = ["version"]',
    '',
    '[tool.setuptools_scm]',
    'write_to = "frob/_version.py"',
    'write_to_template = """',
    '__version__ = "{version}"',
    'version_info = {version_tuple}',
    '"""',
    '',
  ].join('\n'),
  'setup.py': 'from setuptools import setup\n\nsetup()\n',
  'setup.cfg': '# local settings\n[flake8]\nmax-line-length=100\n',
  'frob/__init__.py': 'from ._version import __version__\n\n\ndef frob(x):\n    if x == 1:\n        return True\n    return False\n',
  'tests/test_frob.py': 'from frob import frob\n\n\ndef test_frob():\n    assert frob(1)\n',
  'README.md': '# frobnicate\n',
}

const PKG_INFO = 'Metadata-Version: 2.1\nName: frobnicate\nVersion: 3.2.0\nSummary: Frobs things\nDescription-Content-Type: text/markdown\n\n# frobnicate\n'
const SDIST = {
  'PKG-INFO': PKG_INFO,
  'frobnicate.egg-info/PKG-INFO': PKG_INFO,
  'frobnicate.egg-info/SOURCES.txt': 'README.md\npyproject.toml\nsetup.cfg\nsetup.py\nfrob/__init__.py\nfrob/_version.py\nfrobnicate.egg-info/PKG-INFO\ntests/test_frob.py\n',
  'frobnicate.egg-info/dependency_links.txt': '\n',
  'frobnicate.egg-info/top_level.txt': 'frob\n',
  'frob/_version.py': '__version__ = "3.2.0"\nversion_info = (3, 2, 0)\n',
  // configparser drops the comment and respaces the option when setuptools adds its section
  'setup.cfg': '[flake8]\nmax-line-length = 100\n\n[egg_info]\ntag_build = \ntag_date = 0\n\n',
}

let repo: string
beforeAll(() => {
  isolateGitConfig()
  repo = makeRepo(TAG, { tag: 'v3.2.0' })
})
afterAll(removeTempDirs)

const run = (files: Record<string, FileSpec>) => verify({ artifact: releaseTarball(repo, 'v3.2.0', files, 'frobnicate-3.2.0'), source: repo, ref: 'v3.2.0', offline: true, cacheDir: tempDir(), systemCatalog: false })
/** `source` compiled by this machine's CPython, as a build or a test run leaves it in __pycache__. */
function compiled(source: string): Buffer {
  const py = join(tempDir(), 'module.py')
  writeFileSync(py, source)
  execFileSync('python3', ['-c', "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[1] + 'c', doraise=True)", py])
  return readFileSync(`${py}c`)
}

const serious = (report: Awaited<ReturnType<typeof run>>) => report.findings.filter((f) => severityRank(f.severity) >= severityRank('medium'))

describe('a Python source distribution against its tag', () => {
  it('passes when it adds only what making the distribution writes, each file explained', async () => {
    const report = await run(SDIST)
    expect(serious(report)).toEqual([])
    expect(report.verdict).toBe('pass')
    const explained = new Map(report.explained.map((e) => [e.path, e.category]))
    for (const path of Object.keys(SDIST)) expect(explained.has(path), path).toBe(true)
    expect(explained.get('frob/_version.py')).toBe('version-file')
  })

  it('fails on a setup.py that runs a hidden test file, with setup.py first', async () => {
    const hooked = `import zlib as _z\ntry:\n    exec(_z.decompress(bytes(b ^ 42 for b in open("tests/data/good-1.bin", "rb").read()), 31))\nexcept OSError:\n    pass\n${TAG['setup.py']}`
    const report = await run({ ...SDIST, 'setup.py': hooked, 'tests/data/good-1.bin': { content: Buffer.from([0x35, 0x21, 0x99]) } })
    expect(report.verdict).toBe('fail')
    expect(report.findings[0]?.path).toBe('setup.py')
    expect(report.findings[0]?.severity).toBe('high')
  })

  it('fails on a setup.cfg that asks for more than empty release tags', async () => {
    const report = await run({ ...SDIST, 'setup.cfg': `${SDIST['setup.cfg']}[options]\nsetup_requires = frob-build-helper\n` })
    expect(serious(report).map((f) => [f.path, f.severity])).toEqual([['setup.cfg', 'high']])
  })

  it('fails on a version file that does more than the template writes', async () => {
    const report = await run({ ...SDIST, 'frob/_version.py': `${SDIST['frob/_version.py']}import os\nos.environ.setdefault("LD_PRELOAD", "/tmp/x.so")\n` })
    expect(serious(report).map((f) => [f.path, f.severity])).toEqual([['frob/_version.py', 'high']])
  })

  it('passes with bytecode compiled from the shipped source, and fails on bytecode that holds more', async () => {
    const cache = 'frob/__pycache__/__init__.cpython-311.pyc'
    const honest = await run({ ...SDIST, [cache]: { content: compiled(TAG['frob/__init__.py']) } })
    expect(serious(honest)).toEqual([])
    expect(honest.findings.find((f) => f.path === cache)?.severity).toBe('low')

    // compiled from a payload, with the shipped source's size written into its header
    const payload = compiled(TAG['frob/__init__.py'].replace('    if x == 1:', '    __import__("os").system("id")\n    if x == 1:'))
    payload.writeUInt32LE(Buffer.byteLength(TAG['frob/__init__.py']), 12)
    const report = await run({ ...SDIST, [cache]: { content: payload } })
    expect(report.verdict).toBe('fail')
    expect(report.findings[0]?.path).toBe(cache)
    expect(report.findings[0]?.severity).toBe('critical')
  })

  it('fails on a changed line of the package', async () => {
    const report = await run({ ...SDIST, 'frob/__init__.py': TAG['frob/__init__.py'].replace('x == 1', 'x != 1') })
    expect(report.findings[0]?.path).toBe('frob/__init__.py')
    expect(report.findings[0]?.severity).toBe('high')
  })
})
