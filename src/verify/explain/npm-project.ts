/**
 * @fileoverview What the tag says about how its npm package is built: the manifest's build
 * script, the directories its build writes (the compiler's outDir, the paths the manifest points
 * the package's users at, what the tag's .gitignore keeps out of git) and the tag's own sources.
 * Read from the tag only; nothing of it is run.
 */
import ignore, { type Ignore } from 'ignore'
import { CODE_ENTRY_FIELDS } from '../../npm/manifest.js'
import { LIMITS } from '../../policy/limits.js'
import { isJsonObject, parseJsonObject } from '../../util/json.js'
import { dirnameOf, joinPath } from '../../util/paths.js'
import type { TreeView } from './types.js'

export interface NpmProject {
  /** `"build": "tsc -p ."`: the manifest's script that builds the package, quoted */
  readonly buildScript: string
  /** is this path one the tag's build writes? The reason when it is. */
  outputReason(path: string): string | undefined
  /** the tag's files a build compiles or bundles (JavaScript and its dialects), outside dependencies */
  readonly sourcePaths: readonly string[]
  /** the tag's build scripts and build configuration */
  readonly buildScriptPaths: readonly string[]
}

/** scripts npm or a release tool runs before packing */
const PACK_SCRIPTS = ['prepack', 'prepare', 'prepublishOnly', 'prepublish']
/** programs whose job is to turn sources into what a package ships */
const BUILD_TOOL = /(?:^|[\s/;&|(])(?:tsc|tsup|tsdown|tshy|zshy|babel|rollup|esbuild|swc|webpack|vite|unbuild|microbundle|ncc|parcel|tsdx|bunchee|pkgroll|bob|rspack|rolldown|coffee|flow-remove-types|terser|uglifyjs|browserify|ttsc|tspc)\b/
const SOURCE_EXT = /\.(?:[cm]?[jt]sx?|vue|svelte|coffee|json)$/
/** lock files name every package of the dependency tree, not what the package's code loads */
const LOCK_FILE = /(?:^|\/)(?:package-lock|npm-shrinkwrap)\.json$/
const DEPENDENCY_DIR = /(?:^|\/)(?:node_modules|bower_components|vendor)\//
/** what a package's build does not build from: tests, examples, docs */
const NOT_BUILT = /(?:^|\/)(?:tests?|__tests__|__mocks__|specs?|e2e|fixtures?|bench|benchmarks?|examples?|docs?|website|\.github)\/|\.(?:test|spec|bench)\.[cm]?[jt]sx?$/
/** the build's own scripts and configuration: they write into what is built, but are not built themselves */
const BUILD_SCRIPT = /(?:^|\/)(?:scripts|tools)\/|\.config\.[cm]?[jt]sx?$|(?:^|\/)\.[\w-]+rc\.[cm]?js$|(?:^|\/)(?:Gruntfile|Gulpfile|gulpfile|Jakefile)\.[cm]?js$|^(?:build|bundle|release)(?:[-.][\w-]+)?\.[cm]?[jt]s$/

/** The tag's npm project at the top of the tree, when the tag builds what it publishes. */
export async function readNpmProject(view: TreeView): Promise<NpmProject | undefined> {
  if (!view.artifactHas('package.json') || !view.sourceHas('package.json')) return undefined
  const manifest = parseJsonObject(await view.sourceText('package.json'))
  if (manifest === undefined) return undefined
  const buildScript = buildScriptOf(manifest)
  if (buildScript === undefined) return undefined

  const outDirs = new Map<string, string>()
  for (const path of view.sourcePaths()) {
    if (dirnameOf(path) !== '' || !/^tsconfig[\w.-]*\.json$/.test(path)) continue
    const text = (await view.sourceText(path)) ?? ''
    for (const m of text.matchAll(/"(outDir|declarationDir)"\s*:\s*"([^"]+)"/g)) addDir(outDirs, m[2]!, `the ${m[1]} of the tag's ${path}`)
  }
  for (const target of entryPaths(manifest)) {
    const top = topDirectory(target)
    if (top !== undefined && !hasDirectory(view, top)) addDir(outDirs, top, `named by the tag's package.json ("${target}"), which the tag does not hold`)
  }
  // a package published from the directory its build fills: its manifest names files the tag's top lacks
  const publishRoot = publishRootOf(manifest)
  const published =
    publishRoot !== undefined &&
    !hasDirectory(view, publishRoot.dir) &&
    entryPaths(manifest).some((p) => {
      const path = joinPath('', p.replace(/^\.\//, ''))
      return !view.sourceHas(path) && view.artifactHas(path)
    })
      ? publishRoot
      : undefined
  const ignored = await gitignoreOf(view)
  const sourcePaths: string[] = []
  const buildScriptPaths: string[] = []
  for (const path of view.sourcePaths()) {
    if (sourcePaths.length + buildScriptPaths.length >= LIMITS.maxBuildSources) break
    if (!SOURCE_EXT.test(path) || LOCK_FILE.test(path) || DEPENDENCY_DIR.test(path) || NOT_BUILT.test(path) || view.sourceEntry(path)?.kind !== 'file') continue
    ;(BUILD_SCRIPT.test(path) ? buildScriptPaths : sourcePaths).push(path)
  }
  return {
    buildScript,
    sourcePaths,
    buildScriptPaths,
    outputReason(path: string): string | undefined {
      if (published) return `published from ${published.dir}/, which the build fills (${published.reason})`
      for (const [dir, reason] of outDirs) if (path.startsWith(`${dir}/`)) return `in ${dir}/, ${reason}`
      const rule = ignored(path)
      return rule === undefined ? undefined : `kept out of git by the tag's ${rule}`
    },
  }
}

function buildScriptOf(manifest: Record<string, unknown>): string | undefined {
  const scripts = isJsonObject(manifest.scripts) ? manifest.scripts : {}
  const named = (name: string): string | undefined => (typeof scripts[name] === 'string' ? `"${name}": "${scripts[name]}"` : undefined)
  // a script named for building, or one npm runs before packing that runs a compiler or bundler
  for (const name of Object.keys(scripts)) if (/^(?:build|compile|bundle|dist)(?::|$)/.test(name)) return named(name)
  for (const name of PACK_SCRIPTS) if (typeof scripts[name] === 'string' && BUILD_TOOL.test(scripts[name])) return named(name)
  return undefined
}

/**
 * The directory a tag publishes as its package instead of its top: pnpm's and yarn's
 * `publishConfig.directory`, or the one a script copies package.json into (`cp package.json
 * README.md dist`).
 */
function publishRootOf(manifest: Record<string, unknown>): { dir: string; reason: string } | undefined {
  const config = isJsonObject(manifest.publishConfig) ? manifest.publishConfig : {}
  const clean = (dir: string): string => joinPath('', dir.replace(/^\.\//, '')).replace(/\/+$/, '')
  if (typeof config.directory === 'string' && clean(config.directory) !== '') return { dir: clean(config.directory), reason: `"publishConfig": { "directory": "${config.directory}" }` }
  const scripts = isJsonObject(manifest.scripts) ? manifest.scripts : {}
  for (const [name, script] of Object.entries(scripts)) {
    if (typeof script !== 'string') continue
    for (const command of script.split(/&&|\|\||;/)) {
      const words = command.trim().split(/\s+/)
      const at = words.findIndex((w) => /^(?:cp|cpy|cpx|copyfiles)$/.test(w))
      const target = words.at(-1) ?? ''
      if (at < 0 || !words.slice(at + 1, -1).some((w) => /^(?:\.\/)?package\.json$/.test(w)) || !/^(?:\.\/)?[\w.-]+\/?$/.test(target)) continue
      const dir = clean(target)
      if (dir !== '' && dir !== '.' && !dir.startsWith('..')) return { dir, reason: `"${name}": "${script.length > 80 ? `${script.slice(0, 77)}…` : script}"` }
    }
  }
  return undefined
}

/** Every path the manifest points a package's users at: main, module, types, bin, exports, browser. */
function entryPaths(manifest: Record<string, unknown>): string[] {
  const out: string[] = []
  const collect = (value: unknown): void => {
    if (typeof value === 'string') out.push(value)
    else if (Array.isArray(value)) value.forEach(collect)
    else if (isJsonObject(value)) Object.values(value).forEach(collect)
  }
  for (const key of [...CODE_ENTRY_FIELDS, 'types', 'typings']) collect(manifest[key])
  return out
}

function topDirectory(target: string): string | undefined {
  const path = joinPath('', target.replace(/^\.\//, ''))
  if (path.startsWith('..') || path.startsWith('/')) return undefined
  const slash = path.indexOf('/')
  return slash > 0 ? path.slice(0, slash) : undefined
}

function hasDirectory(view: TreeView, dir: string): boolean {
  for (const path of view.sourcePaths()) if (path.startsWith(`${dir}/`)) return true
  return false
}

function addDir(dirs: Map<string, string>, dir: string, reason: string): void {
  const clean = joinPath('', dir.replace(/^\.\//, '')).replace(/\/+$/, '')
  if (clean === '' || clean === '.' || clean.startsWith('..') || clean.startsWith('/')) return
  if (!dirs.has(clean)) dirs.set(clean, reason)
}

/** The tag's .gitignore files, applied as git does (each to the paths below its directory): which one ignores a path. */
async function gitignoreOf(view: TreeView): Promise<(path: string) => string | undefined> {
  const matchers: { dir: string; file: string; matcher: Ignore }[] = []
  for (const path of view.sourcePaths()) {
    if (!/(?:^|\/)\.gitignore$/.test(path) || DEPENDENCY_DIR.test(path)) continue
    const text = await view.sourceText(path)
    if (text !== undefined) matchers.push({ dir: dirnameOf(path), file: path, matcher: ignore().add(text) })
  }
  return (path: string) => {
    for (const { dir, file, matcher } of matchers) {
      if (dir !== '' && !path.startsWith(`${dir}/`)) continue
      const below = dir === '' ? path : path.slice(dir.length + 1)
      if (matcher.ignores(below)) return file
    }
    return undefined
  }
}
