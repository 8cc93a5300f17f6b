import { describe, expect, it } from 'vitest'
import type { Difference } from '../../src/verify/compare.js'
import { generatedExplainer } from '../../src/verify/explain/generated.js'
import { judge } from '../../src/verify/explain/judge.js'
import { coreMetadata, isLiteralVersionFile, isReleaseVersion, isSetupCfgWithTags, pythonDistributionExplainer, versionFileSettings } from '../../src/verify/explain/python-sdist.js'
import { fileRole } from '../../src/verify/explain/role.js'
import { addedFile, fileEntry, memoryView as view } from '../helpers/tree-view.js'

const PKG_INFO_21 = 'Metadata-Version: 2.1\nName: frobnicate\nVersion: 3.2.0\nSummary: Frobs\nRequires-Dist: requests (>=2)\n\n# frobnicate\n\nLong text: with a colon.\n'
const PKG_INFO_11 = 'Metadata-Version: 1.1\nName: frobnicate\nVersion: 3.2.0\nDescription: Frobnicate\n        =========\n        \n        Does things.\n\nPlatform: UNKNOWN\n'

const changed = (path: string, content: string): Difference => ({ path, status: 'content-differs', artifact: fileEntry(path, content), source: fileEntry(path, 'x') })

describe('what making a Python source distribution adds', () => {
  it('reads core metadata of both layouts, and nothing else as metadata', () => {
    expect(coreMetadata(PKG_INFO_21)).toEqual({ name: 'frobnicate', version: '3.2.0' })
    expect(coreMetadata(PKG_INFO_11)).toEqual({ name: 'frobnicate', version: '3.2.0' })
    expect(coreMetadata('Name: frobnicate\nVersion: 3.2.0\n')).toBeUndefined()
    expect(coreMetadata('Metadata-Version: 2.1\nName: frobnicate\n')).toBeUndefined()
    expect(coreMetadata('Metadata-Version: 2.1\nimport os\nVersion: 1\n')).toBeUndefined()
  })

  it('matches a version with the tag that names it, however the tag spells it', () => {
    expect(isReleaseVersion('2.0.0b7', 'v.2.0.0b7')).toBe(true)
    expect(isReleaseVersion('1.4.6', 'release-1.4.06')).toBe(true)
    expect(isReleaseVersion('20241021', 'v20241021')).toBe(true)
    expect(isReleaseVersion('1.10', '11.0')).toBe(false)
    expect(isReleaseVersion('1.4.6', 'v1.4.7')).toBe(false)
    expect(isReleaseVersion('1.4.6.post1', 'v1.4.6')).toBe(false)
  })

  it('explains PKG-INFO and the egg-info files of the release, not of another version or another shape', async () => {
    const explainer = pythonDistributionExplainer('v3.2.0')
    const artifact = {
      'PKG-INFO': PKG_INFO_21,
      'src/frobnicate.egg-info/PKG-INFO': PKG_INFO_11,
      'src/frobnicate.egg-info/SOURCES.txt': 'setup.py\nsrc/frobnicate/__init__.py\n',
      'src/frobnicate.egg-info/requires.txt': 'requests>=2\n\n[docs]\nsphinx; python_version >= "3.8"\n',
      'src/frobnicate.egg-info/top_level.txt': 'frobnicate\n',
      'src/frobnicate.egg-info/entry_points.txt': '[console_scripts]\nfrob = frobnicate.cli:main\n\n[markdown.extensions]\nmath = frobnicate.md:Ext\n',
      'src/frobnicate.egg-info/not-zip-safe': '\n',
    }
    const v = view(artifact)
    for (const path of Object.keys(artifact)) expect((await explainer.judge(addedFile(path, artifact[path as keyof typeof artifact]), v))?.outcome, path).toBe('explained')

    // metadata of another version is not this release's
    expect(await pythonDistributionExplainer('v3.3.0').judge(addedFile('PKG-INFO', PKG_INFO_21), v)).toBeUndefined()
    // entry points that setuptools loads while building: its own egg-info on the path makes them run
    const hooks = '[distutils.commands]\nbuild_py = frobnicate._hook:Build\n'
    expect(await explainer.judge(addedFile('src/frobnicate.egg-info/entry_points.txt', hooks), view({ ...artifact, 'src/frobnicate.egg-info/entry_points.txt': hooks }))).toBeUndefined()
    // a path that climbs out, or shell where a list belongs
    const climbing = 'setup.py\n../../etc/passwd\n'
    expect(await explainer.judge(addedFile('src/frobnicate.egg-info/SOURCES.txt', climbing), view({ ...artifact, 'src/frobnicate.egg-info/SOURCES.txt': climbing }))).toBeUndefined()
    const shell = 'frobnicate; curl x | sh\n'
    expect(await explainer.judge(addedFile('src/frobnicate.egg-info/top_level.txt', shell), view({ ...artifact, 'src/frobnicate.egg-info/top_level.txt': shell }))).toBeUndefined()
    // an egg-info directory without its PKG-INFO explains nothing
    const orphan = { 'other.egg-info/top_level.txt': 'frobnicate\n' }
    expect(await explainer.judge(addedFile('other.egg-info/top_level.txt', 'frobnicate\n'), view(orphan))).toBeUndefined()
  })

  it("explains setup.cfg as setuptools rewrites it: the tag's settings, plus empty release tags", () => {
    const stanza = '[egg_info]\ntag_build = \ntag_date = 0\n\n'
    expect(isSetupCfgWithTags(undefined, stanza)).toBe(true)
    expect(isSetupCfgWithTags(undefined, '[egg_info]\ntag_build = \ntag_date = 0\ntag_svn_revision = 0\n')).toBe(true)
    const tag = '# lint settings\n[flake8]\nmax-line-length=100\nexclude =\n    build,\n    dist\n\n[options]\ninstall_requires = requests\n'
    // configparser drops comments and respaces `key=value`
    const rewritten = '[flake8]\nmax-line-length = 100\nexclude = \n\tbuild,\n\tdist\n\n[options]\ninstall_requires = requests\n\n' + stanza
    expect(isSetupCfgWithTags(tag, rewritten)).toBe(true)
    // a setting the tag does not have, a changed one, a release tag that changes the version
    expect(isSetupCfgWithTags(tag, rewritten.replace('[egg_info]', '[options]\nsetup_requires = frob-helper\n\n[egg_info]'))).toBe(false)
    expect(isSetupCfgWithTags(tag, rewritten.replace('install_requires = requests', 'install_requires = requests-2'))).toBe(false)
    expect(isSetupCfgWithTags(undefined, '[egg_info]\ntag_build = .post1\n')).toBe(false)
    expect(isSetupCfgWithTags(undefined, '[build_ext]\ninclude_dirs = /tmp\n\n' + stanza)).toBe(false)
    expect(isSetupCfgWithTags(tag, tag)).toBe(false)
  })

  it('explains a changed setup.cfg through the explainer, from the tag', async () => {
    const tag = '[metadata]\nname = frobnicate\n'
    const after = '[metadata]\nname = frobnicate\n\n[egg_info]\ntag_build = \ntag_date = 0\n\n'
    const explained = await pythonDistributionExplainer('3.2.0').judge(changed('setup.cfg', after), view({ 'setup.cfg': after }, { 'setup.cfg': tag }))
    expect(explained?.outcome).toBe('explained')
    const other = await pythonDistributionExplainer('3.2.0').judge(changed('setup.cfg', after.replace('frobnicate\n\n', 'frobnicate2\n\n')), view({ 'setup.cfg': after.replace('frobnicate\n\n', 'frobnicate2\n\n') }, { 'setup.cfg': tag }))
    expect(other).toBeUndefined()
  })

  it('tells a version file that only assigns literals from one that runs code', () => {
    const scm = [
      '# file generated by setuptools-scm',
      "# don't change, don't track in version control",
      '',
      '__all__ = ["__version__", "__version_tuple__", "version", "version_tuple"]',
      '',
      'TYPE_CHECKING = False',
      'if TYPE_CHECKING:',
      '    from typing import Tuple',
      '    from typing import Union',
      '',
      '    VERSION_TUPLE = Tuple[Union[int, str], ...]',
      'else:',
      '    VERSION_TUPLE = object',
      '',
      'version: str',
      '__version__: str',
      '__version_tuple__: VERSION_TUPLE',
      'version_tuple: VERSION_TUPLE',
      '',
      "__version__ = version = '3.2.0'",
      '__version_tuple__ = version_tuple = (3, 2, 0)',
      '',
    ].join('\n')
    expect(isLiteralVersionFile(scm, 'v3.2.0')).toBe(true)
    expect(isLiteralVersionFile('\n__author__ = "A <a@b.c>"\nversion_info = (3,2,0,\'final\',0)\n__version__ = "3.2.0"\n', '3.2.0')).toBe(true)
    expect(isLiteralVersionFile(scm, 'v3.2.1')).toBe(false)
    expect(isLiteralVersionFile(`${scm}import os\n`, '3.2.0')).toBe(false)
    expect(isLiteralVersionFile(`${scm}__version__ = version = __import__('os').system('id')\n`, '3.2.0')).toBe(false)
    expect(isLiteralVersionFile(`__version__ = '3.2.0'; exec(open('x').read())\n`, '3.2.0')).toBe(false)
  })

  it('reads where the version tools of pyproject.toml write, and with which template', () => {
    const settings = versionFileSettings(
      [
        '[tool.setuptools_scm]',
        'write_to = "frob/_version.py"',
        'write_to_template = """',
        '__version__ = "{version}"',
        'parts = {version_tuple}',
        '"""',
        '',
        '[tool.hatch.build.hooks.vcs]',
        'version-file = "src/frob/_v.py"',
      ].join('\n'),
    )
    expect(settings).toEqual([
      { path: 'frob/_version.py', template: '__version__ = "{version}"\nparts = {version_tuple}\n', tool: 'setuptools_scm' },
      { path: 'src/frob/_v.py', tool: 'hatch-vcs' },
    ])
    expect(versionFileSettings('not = [toml')).toEqual([])
  })

  it('explains a version file rendered from the tag template, and not one that differs from it', async () => {
    const pyproject = '[tool.setuptools_scm]\nwrite_to = "frob/_version.py"\nwrite_to_template = """\nimport sys\n__version__ = "{version}"\nparts = {version_tuple}\n"""\n'
    const rendered = 'import sys\n__version__ = "3.2.0"\nparts = (3, 2, 0)\n'
    const artifact = { 'PKG-INFO': PKG_INFO_21, 'frob/_version.py': rendered }
    const judged = await pythonDistributionExplainer('v3.2.0').judge(addedFile('frob/_version.py', rendered), view(artifact, { 'pyproject.toml': pyproject }))
    expect(judged?.outcome).toBe('explained')
    expect(judged?.outcome === 'explained' && judged.explained.reproduced).toBe(true)
    const extra = `${rendered}sys.modules['os'].system('id')\n`
    expect(await pythonDistributionExplainer('v3.2.0').judge(addedFile('frob/_version.py', extra), view({ ...artifact, 'frob/_version.py': extra }, { 'pyproject.toml': pyproject }))).toBeUndefined()
    // rendered with the version of a PKG-INFO that is not the tag's
    const other = 'import sys\n__version__ = "3.3.0"\nparts = (3, 3, 0)\n'
    const otherView = view({ 'PKG-INFO': PKG_INFO_21.replace('3.2.0', '3.3.0'), 'frob/_version.py': other }, { 'pyproject.toml': pyproject })
    expect(await pythonDistributionExplainer('v3.2.0').judge(addedFile('frob/_version.py', other), otherView)).toBeUndefined()
    // the same file at a path the tag does not name
    expect(await pythonDistributionExplainer('v3.2.0').judge(addedFile('frob/_other.py', rendered), view({ ...artifact, 'frob/_other.py': rendered }, { 'pyproject.toml': pyproject }))).toBeUndefined()
  })

  it("explains a version module the tag's own setup script opens for writing", async () => {
    const setup = 'def create_release_file(meta):\n    rel = open("frob/release.py", \'w\')\n    rel.write(TEMPLATE % meta)\n'
    const release = '\n__author__ = "A"\nversion_info = (3,2,0,\'final\',0)\n__version__ = "3.2.0"\n'
    const judged = await pythonDistributionExplainer('v3.2.0').judge(addedFile('frob/release.py', release), view({ 'frob/release.py': release }, { 'setup_common.py': setup }))
    expect(judged?.outcome).toBe('explained')
    // a script that only mentions the name does not write it
    const mentions = await pythonDistributionExplainer('v3.2.0').judge(addedFile('frob/release.py', release), view({ 'frob/release.py': release }, { 'setup.py': 'print("frob/release.py")\n' }))
    expect(mentions).toBeUndefined()
  })

  it('hands shipped bytecode to the bytecode judge: by where it sits and what its header says (its code here is not readable)', async () => {
    const source = 'def build(): pass\n'
    const pyc = (size: number, flags = 0): Buffer => {
      const b = Buffer.alloc(40)
      b.writeUInt16LE(3531, 0)
      b.write('\r\n', 2, 'latin1')
      b.writeUInt32LE(flags, 4)
      b.writeUInt32LE(1722975414, 8)
      b.writeUInt32LE(size, 12)
      return b
    }
    const explainer = pythonDistributionExplainer('3.2.0')
    const at = 'backend/__pycache__/hooks.cpython-312.pyc'
    // a header that lets CPython load it, and code that cannot be read to compare with the source
    const live = await explainer.judge(addedFile(at, pyc(source.length)), view({ 'backend/hooks.py': source, [at]: pyc(source.length) }))
    expect(live?.outcome === 'unexplained' && live.findings[0]?.severity).toBe('high')
    const unchecked = await explainer.judge(addedFile(at, pyc(0, 1)), view({ 'backend/hooks.py': source, [at]: pyc(0, 1) }))
    expect(unchecked?.outcome === 'unexplained' && unchecked.findings[0]?.severity).toBe('high')
    const stale = await explainer.judge(addedFile(at, pyc(source.length + 7)), view({ 'backend/hooks.py': source, [at]: pyc(source.length + 7) }))
    expect(stale?.outcome === 'unexplained' && stale.findings[0]?.severity).toBe('low')
    const orphan = await explainer.judge(addedFile(at, pyc(source.length)), view({ [at]: pyc(source.length) }))
    expect(orphan?.outcome === 'unexplained' && orphan.findings[0]?.severity).toBe('low')
    const beside = await explainer.judge(addedFile('tests/hooks.pyc', pyc(source.length)), view({ 'tests/hooks.py': source, 'tests/hooks.pyc': pyc(source.length) }))
    expect(beside?.outcome === 'unexplained' && beside.findings[0]?.severity).toBe('low')
    // without its source beside it, Python 3 imports a legacy .pyc: left to the role, which is code
    expect(await explainer.judge(addedFile('lib/hooks.pyc', pyc(9)), view({ 'lib/hooks.pyc': pyc(9) }))).toBeUndefined()
    expect(fileRole('lib/hooks.pyc', 0o644, pyc(9))).toBe('code')
  })

  it('weighs Python build configuration as build logic', async () => {
    expect(fileRole('setup.cfg', 0o644, '[options]\n')).toBe('build')
    expect(fileRole('pyproject.toml', 0o644, '[build-system]\n')).toBe('build')
    const tampered = '[options]\nsetup_requires = frob-helper\n'
    const judged = await judge(addedFile('setup.cfg', tampered), view({ 'setup.cfg': tampered }), [pythonDistributionExplainer('3.2.0')], new Map())
    expect(judged?.outcome === 'unexplained' && judged.findings[0]?.severity).toBe('high')
  })

  it('explains the C that Cython wrote from a module of the tag, and not C that only claims it', async () => {
    const c = '/* Generated by Cython 3.0.11 */\n\n/* BEGIN: Cython Metadata\n{\n    "distutils": {\n        "name": "frob._speed",\n        "sources": [\n            "src/frob/_speed.pyx"\n        ]\n    },\n    "module_name": "frob._speed"\n}\nEND: Cython Metadata */\n#define PY_SSIZE_T_CLEAN\n'
    const judged = await judge(addedFile('src/frob/_speed.c', c), view({ 'src/frob/_speed.c': c }, { 'src/frob/_speed.pyx': 'def f(): pass\n' }), [generatedExplainer()], new Map())
    expect(judged?.outcome === 'explained' && judged.explained.how).toMatch(/cython 3\.0\.11 output from _speed\.pyx/)
    // the same stem as a pure-Python module compiled by Cython
    const fromPy = await judge(addedFile('lib/fast.c', '/* Generated by Cython 0.29.36 */\n'), view({ 'lib/fast.c': '/* Generated by Cython 0.29.36 */\n' }, { 'lib/fast.py': 'x = 1\n' }), [generatedExplainer()], new Map())
    expect(fromPy?.outcome).toBe('explained')
    // no module of the tag it could come from: judged as the compiled code it is
    const orphan = await judge(addedFile('src/frob/_hook.c', c), view({ 'src/frob/_hook.c': c }, { 'src/frob/_speed.pyx': 'def f(): pass\n' }), [generatedExplainer()], new Map())
    expect(orphan?.outcome === 'unexplained' && orphan.findings[0]?.severity).toBe('high')
  })

  it("explains versioneer's short file in place of the tag's long one, for the tag's commit and version only", async () => {
    const commit = '1ead28a0ede6c8f039ab8b8107b71b011b3d435d'
    const long = '# This file helps to compute a version number in source trees obtained from\n# git-archive tarball.\nimport subprocess\n\ndef get_versions():\n    return git_pieces_from_vcs("v", ".", False)  # versioneer\n'
    const short = (facts: Record<string, unknown>, tail = '') =>
      `\n# This file was generated by 'versioneer.py' (0.29) from\n# revision-control system data, or from the parent directory name of an\n# unpacked source archive. Distribution tarballs contain a pre-generated copy\n# of this file.\n\nimport json\n\nversion_json = '''\n${JSON.stringify(facts, null, 1)}\n'''  # END VERSION_JSON\n\n\ndef get_versions():\n    return json.loads(version_json)\n${tail}`
    const facts = { date: '2024-08-04T00:12:01+0200', dirty: false, error: null, 'full-revisionid': commit, version: '3.2.0' }
    const judgeShort = (after: string, ref = 'v3.2.0', at = commit) =>
      pythonDistributionExplainer(ref, at).judge(changed('src/frob/_version.py', after), view({ 'src/frob/_version.py': after }, { 'src/frob/_version.py': long }))
    const honest = await judgeShort(short(facts))
    expect(honest?.outcome === 'explained' && honest.explained.reproduced).toBe(true)
    expect(await judgeShort(short(facts), 'v3.3.0')).toBeUndefined()
    expect(await judgeShort(short(facts), 'v3.2.0', 'f'.repeat(40))).toBeUndefined()
    expect(await judgeShort(short({ ...facts, dirty: true }))).toBeUndefined()
    expect(await judgeShort(short(facts, '\nimport os\nos.system("id")\n'))).toBeUndefined()
    // the same short file where the tag's is not versioneer's
    for (const own of ['def get_versions():\n    return {"version": "3.2.0"}\n', '# versioneer settings live in setup.cfg\n__version__ = "3.2.0"\n']) {
      const after = short(facts)
      expect(await pythonDistributionExplainer('v3.2.0', commit).judge(changed('src/frob/_version.py', after), view({ 'src/frob/_version.py': after }, { 'src/frob/_version.py': own }))).toBeUndefined()
    }
  })

  it('explains the setup.py older poetry writes, for a tag poetry builds, and nothing that computes', async () => {
    const pyproject = '[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n\n[tool.poetry]\nname = "frob"\nversion = "3.2.0"\n'
    const setup = (version: string, tail = '') =>
      `# -*- coding: utf-8 -*-\nfrom setuptools import setup\n\npackages = \\\n['frob']\n\nsetup_kwargs = {\n    'name': 'frob',\n    'version': '${version}',\n    'packages': packages,\n    'python_requires': '>=3.8,<4.0',\n}\n${tail}\n\nsetup(**setup_kwargs)\n`
    const judgeSetup = (text: string, tag: Record<string, string> = { 'pyproject.toml': pyproject }) => pythonDistributionExplainer('v3.2.0').judge(addedFile('setup.py', text), view({ 'setup.py': text }, tag))
    expect((await judgeSetup(setup('3.2.0')))?.outcome).toBe('explained')
    expect(await judgeSetup(setup('3.2.1'))).toBeUndefined()
    expect(await judgeSetup(setup('3.2.0', "__import__('os').system('id')"))).toBeUndefined()
    // a build script runs only when the tag names one and has it
    const withBuild = setup('3.2.0', 'from build import *\nbuild(setup_kwargs)')
    expect(await judgeSetup(withBuild)).toBeUndefined()
    expect((await judgeSetup(withBuild, { 'pyproject.toml': `${pyproject}build = "build.py"\n`, 'build.py': 'def build(kw): pass\n' }))?.outcome).toBe('explained')
    // a tag that another backend builds has no such file
    expect(await judgeSetup(setup('3.2.0'), { 'pyproject.toml': pyproject.replace('poetry.core.masonry.api', 'setuptools.build_meta') })).toBeUndefined()
  })
})
