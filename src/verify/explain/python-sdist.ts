/**
 * @fileoverview What making a Python source distribution (`python -m build --sdist`,
 * `setup.py sdist`) adds to the tag's files: the package metadata (PKG-INFO and the `.egg-info`
 * directory), the `[egg_info]` section setuptools writes into setup.cfg, and the version file that
 * a version tool (setuptools_scm, hatch-vcs, pdm) or the project's own setup script writes. Each
 * is explained only when its content is what that step writes: metadata of this release's version,
 * a section of empty tags over the tag's own settings, a version file rendered from the tag's own
 * template or holding nothing but literals. Compiled bytecode is weighed in bytecode.ts.
 */
import { parse as parseToml } from 'smol-toml'
import { basenameOf, joinPath } from '../../util/paths.js'
import { judgeBytecode } from './bytecode.js'
import { perTree } from './per-tree.js'
import { readLiteralModule } from './python-literals.js'
import { addedFileText, explained, type Explainer, type Judgement, type TreeView } from './types.js'
import { isJsonObject } from '../../util/json.js'

/** The parts of a version, numbers without leading zeros: `v.2.0.0b7` and `2.0.0b07` are the same release. */
function versionParts(text: string): string[] {
  const from = text.search(/\d/)
  if (from < 0) return []
  return (text.slice(from).toLowerCase().match(/\d+|[a-z]+/g) ?? []).map((p) => (/^\d+$/.test(p) ? String(Number(p)) : p))
}

/** Whether a version string names the release the tag names. */
export function isReleaseVersion(version: string, ref: string): boolean {
  const a = versionParts(version)
  const b = versionParts(ref)
  return a.length > 0 && a.length === b.length && a.every((p, i) => p === b[i])
}

/** The `Name` and `Version` of core metadata (PKG-INFO), or undefined when the text is not metadata. */
export function coreMetadata(text: string): { name: string; version: string } | undefined {
  const head = text.split(/\r?\n\r?\n/, 1)[0] ?? ''
  const lines = head.split(/\r?\n/)
  if (!/^Metadata-Version: \d+\.\d+\s*$/.test(lines[0] ?? '')) return undefined
  const fields = new Map<string, string>()
  for (const line of lines) {
    // a field's further lines are indented (a Description of metadata 1.x among them)
    if (line === '' || /^\s/.test(line)) continue
    const m = /^([A-Za-z][\w-]*): ?(.*)$/.exec(line)
    if (!m) return undefined
    if (!fields.has(m[1] ?? '')) fields.set(m[1] ?? '', (m[2] ?? '').trim())
  }
  const name = fields.get('Name')
  const version = fields.get('Version')
  return name && version ? { name, version } : undefined
}

/** Entry-point groups that setuptools loads while it builds: a distribution's own egg-info on the path makes them run. */
const BUILD_TIME_GROUPS = /^(?:distutils\.|setuptools\.|egg_info\.)/

const EGG_INFO = /^(?:(.*)\/)?([^/]+\.egg-info)\/([^/]+)$/

/** What each file of an `.egg-info` directory must look like, line by line. */
const EGG_INFO_FILES: Readonly<Record<string, (text: string) => boolean>> = {
  'SOURCES.txt': (t) => lines(t).every((l) => !l.startsWith('/') && !/(^|\/)\.\.(\/|$)/.test(l) && !/[\0\r]/.test(l)),
  'top_level.txt': (t) => lines(t).every((l) => /^[A-Za-z_][\w.]*$/.test(l)),
  'namespace_packages.txt': (t) => lines(t).every((l) => /^[A-Za-z_][\w.]*$/.test(l)),
  'requires.txt': (t) => lines(t).every((l) => /^\[[^\]]*\]$|^[A-Za-z0-9][\w.-]*\s*(?:\[[\w,.\s-]*\])?\s*(?:[<>=!~]=?.*|@\s*\S+|;.*)?$/.test(l)),
  'dependency_links.txt': (t) => lines(t).every((l) => /^[a-z][\w+.-]*:\/\/\S+$/.test(l)),
  'not-zip-safe': (t) => lines(t).length === 0,
  'zip-safe': (t) => lines(t).length === 0,
  'pbr.json': (t) => isFlatJson(t),
  'entry_points.txt': (t) => entryPointsAreRuntime(t),
}

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)

function isFlatJson(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text)
    return isJsonObject(value) && Object.values(value).every((v) => ['string', 'boolean', 'number'].includes(typeof v) || v === null)
  } catch {
    return false
  }
}

/** Sections of `name = module:attr` lines, none in a group that setuptools loads during a build. */
function entryPointsAreRuntime(text: string): boolean {
  for (const line of lines(text)) {
    const section = /^\[([^\]]+)\]$/.exec(line)
    if (section) {
      if (BUILD_TIME_GROUPS.test(section[1]?.trim() ?? '')) return false
      continue
    }
    if (!/^[^=\s][^=]*=\s*[A-Za-z_][\w.]*(?::[A-Za-z_][\w.]*)?(?:\s*\[[\w,\s-]*\])?$/.test(line)) return false
  }
  return true
}

/**
 * setup.cfg as configparser reads it: section → option (lower case) → value, each value's lines
 * trimmed. Undefined for text configparser would refuse. (The `ini` package reads neither
 * configparser's indented continuation lines nor its `key: value` form.)
 */
export function readSetupCfg(text: string): Map<string, Map<string, string>> | undefined {
  const sections = new Map<string, Map<string, string>>()
  let section: Map<string, string> | undefined
  let option: string | undefined
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*(?:[#;]|$)/.test(raw)) continue
    if (/^\s/.test(raw)) {
      if (!section || option === undefined) return undefined
      section.set(option, `${section.get(option) ?? ''}\n${raw.trim()}`.replace(/^\n/, ''))
      continue
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(raw)
    if (header) {
      const name = header[1] ?? ''
      section = sections.get(name) ?? new Map<string, string>()
      sections.set(name, section)
      option = undefined
      continue
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw)
    if (!pair || !section) return undefined
    option = (pair[1] ?? '').toLowerCase()
    section.set(option, (pair[2] ?? '').trim())
  }
  return sections
}

const EGG_INFO_TAGS = new Set(['tag_build', 'tag_date', 'tag_svn_revision'])

/** Whether `after` is `before` (undefined: no file) as configparser rewrites it, plus an `[egg_info]` section of empty tags. */
export function isSetupCfgWithTags(before: string | undefined, after: string): boolean {
  const was = before === undefined ? new Map<string, Map<string, string>>() : readSetupCfg(before)
  const is = readSetupCfg(after)
  if (!was || !is || !is.has('egg_info')) return false
  for (const name of new Set([...was.keys(), ...is.keys()])) {
    const a = was.get(name) ?? new Map<string, string>()
    const b = is.get(name) ?? new Map<string, string>()
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      const value = b.get(key)
      if (value === a.get(key)) continue
      // the one change allowed: a release tag left empty
      if (name !== 'egg_info' || !EGG_INFO_TAGS.has(key) || (value !== '' && value !== '0')) return false
    }
  }
  return true
}

/** A Python string literal, a number, None/True/False, or a tuple or list of those. */
const LITERAL = String.raw`(?:'[^'\\\n]*'|"[^"\\\n]*"|-?\d+(?:\.\d+)?|None|True|False)`
const SEQUENCE = String.raw`[([]\s*(?:${LITERAL}\s*,\s*)*(?:${LITERAL}\s*,?\s*)?[)\]]`
/** the lines a version file may hold: assignments of literals to names, annotations, typing imports, comments */
const VERSION_FILE_LINE = new RegExp(
  [
    String.raw`^\s*(?:#.*)?$`,
    String.raw`^(?:[A-Za-z_]\w*\s*=\s*)+(?:${LITERAL}|${SEQUENCE})\s*(?:#.*)?$`,
    String.raw`^\s*[A-Za-z_]\w*\s*:\s*[\w.]+(?:\[[\w\[\], .]*\])?\s*(?:=\s*(?:${LITERAL}|${SEQUENCE}))?\s*$`,
    String.raw`^\s*from typing import [\w, ]+$`,
    String.raw`^(?:if TYPE_CHECKING:|else:)$`,
    String.raw`^\s+[A-Z_]+\s*=\s*(?:object|(?:Tuple|Union|Optional)\[[\w\[\], .]*\])$`,
    String.raw`^TYPE_CHECKING\s*=\s*False$`,
    String.raw`^(?:'''|""")[^'"]*(?:'''|""")$`,
  ].join('|'),
)

/** A Python file that only binds names to literals (a version, a tuple of its parts), and names this release's version. */
export function isLiteralVersionFile(text: string, version: string): boolean {
  const all = text.split(/\r?\n/)
  if (!all.every((l) => VERSION_FILE_LINE.test(l))) return false
  return all.some((l) => [...l.matchAll(/'([^']*)'|"([^"]*)"/g)].some((m) => isReleaseVersion(m[1] ?? m[2] ?? '', version)))
}

/** setuptools_scm's `{version_tuple}`: the parts of the version, numbers as numbers. */
function versionTuple(version: string): string {
  const parts = version.split('.').map((p) => (/^\d+$/.test(p) ? String(Number(p)) : `'${p}'`))
  return `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})`
}

function render(template: string, version: string): string {
  return template.replace(/\{\{|\}\}|\{(version|version_tuple)\}/g, (m, name: string | undefined) => (m === '{{' ? '{' : m === '}}' ? '}' : name === 'version' ? version : versionTuple(version)))
}

interface VersionFileSetting {
  readonly path: string
  readonly template?: string
  readonly tool: string
}

const asRecord = (value: unknown): Record<string, unknown> | undefined => (isJsonObject(value) ? value : undefined)
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** The version files that the tag's pyproject.toml tells a version tool to write. */
export function versionFileSettings(pyproject: string | Record<string, unknown>): VersionFileSetting[] {
  const doc = typeof pyproject === 'string' ? tomlOf(pyproject) : pyproject
  const tool = asRecord(doc?.tool) ?? {}
  const settings: VersionFileSetting[] = []
  const add = (path: string | undefined, template: string | undefined, name: string): void => {
    if (path) settings.push({ path: path.replace(/^\.\//, ''), ...(template !== undefined ? { template } : {}), tool: name })
  }
  const scm = asRecord(tool.setuptools_scm)
  if (scm) add(asString(scm.version_file) ?? asString(scm.write_to), asString(scm.version_file_template) ?? asString(scm.write_to_template), 'setuptools_scm')
  const vcs = asRecord(asRecord(asRecord(asRecord(tool.hatch)?.build)?.hooks)?.vcs)
  if (vcs) add(asString(vcs['version-file']), asString(vcs.template), 'hatch-vcs')
  const pdm = asRecord(asRecord(tool.pdm)?.version)
  if (pdm) add(asString(pdm.write_to), asString(pdm.write_template)?.replace('{}', '{version}'), 'pdm')
  return settings
}

/** The tag's Python scripts at its top (setup.py, setup_common.py), which may write a version file; read once per tree. */
const buildScripts = perTree(async (view: TreeView): Promise<{ path: string; text: string }[]> => {
  const paths = [...view.sourcePaths()].filter((p) => !p.includes('/') && /\.py$/.test(p))
  const texts = await Promise.all(paths.map(async (path) => ({ path, text: (await view.sourceText(path)) ?? '' })))
  return texts.filter((t) => t.text !== '')
})

/** The tag's pyproject.toml, parsed once per tree; undefined when it has none or it is not TOML. */
const pyprojectOf = perTree(async (view: TreeView): Promise<Record<string, unknown> | undefined> => {
  const text = await view.sourceText('pyproject.toml')
  return text === undefined ? undefined : tomlOf(text)
})

function tomlOf(text: string): Record<string, unknown> | undefined {
  try {
    return parseToml(text)
  } catch {
    return undefined
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A version file the release's own build wrote, with how; undefined when nothing in the tag writes it or its content is not that. */
async function versionFile(path: string, text: string, view: TreeView, ref: string): Promise<Judgement | undefined> {
  const pyproject = await pyprojectOf(view)
  for (const setting of pyproject ? versionFileSettings(pyproject) : []) {
    if (setting.path !== path) continue
    if (setting.template !== undefined) {
      // the version as the distribution spells it (PKG-INFO), which must be the tag's
      const version = coreVersion(view) ?? ref.slice(Math.max(0, ref.search(/\d/)))
      if (!isReleaseVersion(version, ref)) return undefined
      const rendered = render(setting.template, version)
      if (rendered.trim() === text.trim()) return explained(path, 'version-file', `written by ${setting.tool} from the template in the tag's pyproject.toml, with version ${version} (rendered and compared)`, true)
      return undefined
    }
    if (isLiteralVersionFile(text, ref)) return explained(path, 'version-file', `written by ${setting.tool} (pyproject.toml names it); it only assigns this release's version`, false)
    return undefined
  }
  const quoted = new RegExp(`["']${escapeRegExp(path)}["']`)
  for (const script of await buildScripts(view)) {
    if (!quoted.test(script.text)) continue
    const scm = new RegExp(`(?:write_to|version_file)\\s*[=:]\\s*["']${escapeRegExp(path)}["']`).test(script.text)
    const opened = new RegExp(`open\\(\\s*["']${escapeRegExp(path)}["']\\s*,\\s*["'][wa]`).test(script.text)
    if ((scm || opened) && isLiteralVersionFile(text, ref)) {
      const by = scm ? `setuptools_scm, as the tag's ${script.path} asks` : `the tag's ${script.path}, which opens it for writing`
      return explained(path, 'version-file', `written by ${by}; it only assigns this release's version`, false)
    }
  }
  return undefined
}

/** The short `_version.py` versioneer writes into a source distribution in place of its long one: the version as JSON. */
const VERSIONEER_SHORT = /^\n?# This file was generated by 'versioneer\.py' \(([\w.+-]+)\) from\n# revision-control system data, or from the parent directory name of an\n# unpacked source archive\. Distribution tarballs contain a pre-generated copy\n# of this file\.\n\nimport json\n\nversion_json = '''\n(\{[^']*\})\n''' {2}# END VERSION_JSON\n\n\ndef get_versions\(\):\n {4}return json\.loads\(version_json\)\n$/

/**
 * versioneer's file, as making the distribution rewrites it: the tag's is versioneer's long one,
 * the release's holds nothing but the JSON of this release's version, computed from the tag's
 * commit and not dirty.
 */
async function versioneerFile(path: string, view: TreeView, ref: string, commit: string | undefined): Promise<Judgement | undefined> {
  const m = VERSIONEER_SHORT.exec(view.artifactText(path) ?? '')
  // the tag's file is read only for a release file of versioneer's shape
  const before = m ? await view.sourceText(path) : undefined
  if (!m || before === undefined || !/versioneer/i.test(before) || !/def get_versions\(/.test(before)) return undefined
  let facts: Record<string, unknown>
  try {
    facts = asRecord(JSON.parse(m[2] ?? '')) ?? {}
  } catch {
    return undefined
  }
  const version = asString(facts.version) ?? ''
  const revision = asString(facts['full-revisionid'])
  if (!isReleaseVersion(version, ref) || facts.dirty !== false || facts.error !== null) return undefined
  if (commit !== undefined && revision !== commit) return undefined
  return explained(path, 'version-file', `versioneer ${m[1] ?? ''}'s short file, which making the distribution writes in place of the tag's: version ${version} from commit ${(revision ?? '').slice(0, 12)}, the tag's`, commit !== undefined)
}

const POETRY_BACKENDS = new Set(['poetry.core.masonry.api', 'poetry.masonry.api'])

/** The tag's poetry settings: whether poetry builds it, and the build script it names. */
function poetryOf(pyproject: Record<string, unknown> | undefined): { buildScript?: string } | undefined {
  if (!pyproject || !POETRY_BACKENDS.has(asString(asRecord(pyproject['build-system'])?.['build-backend']) ?? '')) return undefined
  const build = asRecord(asRecord(pyproject.tool)?.poetry)?.build
  const script = asString(build) ?? asString(asRecord(build)?.script)
  return script ? { buildScript: script } : {}
}

/**
 * The setup.py older poetry writes into a source distribution: assignments of literals, then
 * `setup(**setup_kwargs)`, after `build(setup_kwargs)` when the tag names a build script. Explained
 * for a tag poetry builds, when its `setup_kwargs` names this release's version.
 */
async function poetrySetup(path: string, text: string, view: TreeView, ref: string): Promise<Judgement | undefined> {
  if (path !== 'setup.py') return undefined
  const poetry = poetryOf(await pyprojectOf(view))
  if (!poetry) return undefined
  const script = poetry.buildScript !== undefined && view.sourceHas(poetry.buildScript) ? poetry.buildScript : undefined
  const allowed = new Set(['from setuptools import setup', 'setup(**setup_kwargs)', ...(script === 'build.py' ? ['from build import *', 'build(setup_kwargs)'] : [])])
  const module = readLiteralModule(text, allowed)
  const kwargs = module?.bindings.get('setup_kwargs')
  if (!module || !(kwargs instanceof Map) || module.statements.filter((s) => s === 'setup(**setup_kwargs)').length !== 1) return undefined
  const version = kwargs.get('version')
  if (typeof version !== 'string' || !isReleaseVersion(version, ref)) return undefined
  const runs = module.statements.includes('build(setup_kwargs)') ? `; it runs the tag's ${script ?? 'build.py'}` : ''
  return explained(path, 'generated', `the setup.py poetry writes into a source distribution: literals only, version ${version}${runs}`, false)
}

/** The version the distribution's own PKG-INFO states, when it has one. */
const coreVersion = (view: TreeView): string | undefined => coreMetadata(view.artifactText('PKG-INFO') ?? '')?.version

/** The metadata file `path`, when it is what making the distribution writes for this release. */
function metadata(path: string, text: string, view: TreeView, ref: string): Judgement | undefined {
  if (basenameOf(path) === 'PKG-INFO') {
    const meta = coreMetadata(text)
    if (!meta || !isReleaseVersion(meta.version, ref)) return undefined
    return explained(path, 'package-metadata', `core metadata that making the source distribution writes (${meta.name} ${meta.version}, the tag's version)`, false)
  }
  const egg = EGG_INFO.exec(path)
  if (!egg) return undefined
  const check = EGG_INFO_FILES[egg[3] ?? '']
  const pkgInfo = coreMetadata(view.artifactText(joinPath(egg[1] ?? '', `${egg[2] ?? ''}/PKG-INFO`)) ?? '')
  if (!check || !pkgInfo || !isReleaseVersion(pkgInfo.version, ref) || !check(text)) return undefined
  return explained(path, 'package-metadata', `package metadata that setuptools writes into ${egg[2]} when it makes the source distribution (${pkgInfo.name} ${pkgInfo.version})`, false)
}

/** `commit` is the tag's: a version file computed from another commit is not this release's. */
export function pythonDistributionExplainer(ref: string, commit?: string): Explainer {
  return {
    name: 'python-sdist',
    async judge(difference, view) {
      if (difference.artifact?.kind !== 'file') return undefined
      const path = difference.path
      if (difference.status === 'only-in-artifact' && /\.py[co]$/.test(path)) return judgeBytecode(difference, view)
      if (basenameOf(path) === 'setup.cfg' && (difference.status === 'only-in-artifact' || difference.status === 'content-differs')) {
        const after = view.artifactText(path)
        const before = difference.status === 'content-differs' ? await view.sourceText(path) : undefined
        if (after === undefined || (difference.status === 'content-differs' && before === undefined)) return undefined
        if (!isSetupCfgWithTags(before, after)) return undefined
        const how = before === undefined ? 'the section setuptools writes into setup.cfg when it makes a source distribution (release tags left empty)' : "the tag's setup.cfg as setuptools rewrites it when it makes a source distribution: the same settings, plus release tags left empty"
        return explained(path, 'package-metadata', how, false)
      }
      if (difference.status === 'content-differs' && /\.py$/.test(path)) return versioneerFile(path, view, ref, commit)
      const text = addedFileText(difference, view)
      if (text === undefined) return undefined
      if (/\.py$/.test(path)) return (await versionFile(path, text, view, ref)) ?? (await poetrySetup(path, text, view, ref))
      return metadata(path, text, view, ref)
    },
  }
}
