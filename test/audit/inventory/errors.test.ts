import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isStagelightError } from '../../../src/errors.js'
import { inventoryRules, npmPurl, parsePurl, readInventory } from '../../../src/audit/inventory/index.js'

const dir = mkdtempSync(join(tmpdir(), 'inv-err-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, content)
  return path
}
const failure = async (path: string): Promise<{ code: string; message: string }> => {
  try {
    await readInventory(path)
  } catch (err) {
    if (isStagelightError(err)) return { code: err.code, message: err.message }
    throw err
  }
  throw new Error(`${path} was read`)
}

describe('bad input', () => {
  it('missing paths and directories without an inventory', async () => {
    expect(await failure(join(dir, 'nope'))).toEqual({ code: 'E_INPUT_NOT_FOUND', message: `no such file or directory: ${join(dir, 'nope')}` })
    mkdirSync(join(dir, 'empty-dir'))
    expect(await failure(join(dir, 'empty-dir'))).toMatchObject({ code: 'E_INPUT_NOT_FOUND', message: expect.stringMatching(/^no lockfile or SBOM in .*empty-dir \(looked for npm-shrinkwrap\.json, package-lock\.json/) })
    file('manifest-only/package.json', '{"name":"x","version":"1.0.0"}')
    mkdirSync(join(dir, 'manifest-only/node_modules'))
    expect(await failure(join(dir, 'manifest-only'))).toMatchObject({ code: 'E_INPUT_NOT_FOUND', message: expect.stringContaining('no node_modules/.package-lock.json (run `npm install --package-lock-only`)') })
  })

  it('files that are not inventories, each with one clear line', async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['empty.json', '  \n', /^empty\.json is empty$/],
      ['broken.json', '{"lockfileVersion": 3, "packages": {', /^broken\.json: not valid JSON: /],
      ['other.json', '{"name": "x", "version": "1.0.0"}', /^other\.json: a JSON document that is not a lockfile or SBOM/],
      ['notes.txt', 'just some text\nwith lines\n', /^notes\.txt: unknown format \(expected package-lock\.json/],
      ['blob.bin', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00]), /^blob\.bin: a binary file/],
      ['spdx3.json', '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}', /^spdx3\.json: unsupported SPDX version \(SPDX 3 JSON-LD\)/],
      ['cdx2.json', '{"bomFormat": "CycloneDX", "specVersion": "2.0", "components": []}', /^cdx2\.json: unsupported CycloneDX specVersion 2\.0$/],
      ['pnpm-old.yaml', 'lockfileVersion: 3\npackages: {}\n', /^pnpm-old\.yaml: unsupported pnpm lockfileVersion 3$/],
      ['pnpm-bad.yaml', 'lockfileVersion: 5.4\npackages:\n  /a/1.0.0: {resolution: {integrity: x}\n  bad: [\n', /^pnpm-bad\.yaml: not valid YAML: /],
    ]
    for (const [name, content, message] of cases) {
      const got = await failure(file(name, content))
      expect(got.code, name).toBe('E_INPUT_INVALID')
      expect(got.message, name).toMatch(message)
      expect(got.message, name).not.toContain('\n')
    }
  })

  it('rejects a registry option that is not a URL', async () => {
    const lock = file('ok/package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { '': {} } }))
    await expect(readInventory(lock, { registry: 'not a url' })).rejects.toMatchObject({ code: 'E_USAGE' })
  })
})

describe('detection from content', () => {
  it('a package-lock under another name, a yarn.lock without its header', async () => {
    const lock = file('whatever.json', JSON.stringify({ lockfileVersion: 2, packages: { '': {}, 'node_modules/a': { version: '1.0.0', resolved: 'https://registry.npmjs.org/a/-/a-1.0.0.tgz', integrity: 'sha512-AA==' } } }))
    expect((await readInventory(lock)).format).toBe('package-lock.json v2')
    const yarn = file('headless.lock', 'a@^1.0.0:\n  version "1.0.0"\n  resolved "https://registry.yarnpkg.com/a/-/a-1.0.0.tgz"\n  integrity sha512-AA==\n')
    expect(await readInventory(yarn)).toMatchObject({ format: 'yarn.lock (classic)', packages: [{ purl: 'pkg:npm/a@1.0.0', integrity: 'sha512-AA==' }], findings: [] })
  })

  it('a directory prefers lockfiles over SBOMs, and finds *.cdx.json', async () => {
    const cdx = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ name: 'a', version: '1.0.0', purl: 'pkg:npm/a@1.0.0' }] })
    file('sbom-dir/app.cdx.json', cdx)
    expect((await readInventory(join(dir, 'sbom-dir'))).format).toBe('CycloneDX 1.5')
    file('sbom-dir/yarn.lock', '# yarn lockfile v1\n\n')
    const inv = await readInventory(join(dir, 'sbom-dir'))
    expect(inv).toMatchObject({ format: 'yarn.lock (classic)', packages: [] })
  })
})

describe('purls and rules', () => {
  it('encodes scopes, versions and qualifiers, and parses them back', () => {
    expect(npmPurl('@Babel/Core', '7.0.0-beta.1+build')).toBe('pkg:npm/%40babel/core@7.0.0-beta.1%2Bbuild')
    expect(parsePurl('pkg:npm/@babel/core@7.24.9')).toMatchObject({ type: 'npm', namespace: '@babel', name: 'core', version: '7.24.9' })
    expect(parsePurl('pkg:npm/%40babel/core@7.24.9')).toMatchObject({ namespace: '@babel', name: 'core', version: '7.24.9' })
    expect(parsePurl('pkg:deb/debian/bash@5.2.15-2%2Bb8?upstream=bash%405.2.15-2&arch=amd64')).toMatchObject({ name: 'bash', version: '5.2.15-2+b8', qualifiers: { arch: 'amd64', upstream: 'bash@5.2.15-2' } })
    expect(parsePurl('not a purl')).toBeUndefined()
  })

  it('documents every rule the inventory reports', () => {
    expect(inventoryRules.map((r) => `${r.id} ${r.defaultSeverity}`)).toEqual([
      'audit/lockfile-non-registry-source medium',
      'audit/lockfile-insecure-url high',
      'audit/lockfile-missing-integrity medium',
      'audit/lockfile-unexpected-host medium',
      'audit/lockfile-resolved-mismatch high',
      'audit/lockfile-weak-integrity medium',
    ])
    for (const r of inventoryRules) for (const text of [r.title, r.short, r.motivation, r.remediation]) expect(text.length).toBeGreaterThan(10)
  })
})

describe('big lockfiles', () => {
  const N = 40_000
  const names = Array.from({ length: N }, (_, i) => (i % 3 === 0 ? `@scope${i % 97}/pkg-${i}` : `pkg-${i}`))

  it(`package-lock.json v3 with ${N} packages`, async () => {
    const packages: Record<string, unknown> = { '': { name: 'big', version: '1.0.0' } }
    names.forEach((n, i) => {
      packages[i % 5 === 0 ? `node_modules/parent-${i}/node_modules/${n}` : `node_modules/${n}`] = {
        version: `1.${i % 50}.0`,
        resolved: i === N - 1 ? `http://registry.npmjs.org/${n}/-/x-1.tgz` : `https://registry.npmjs.org/${n}/-/${n.split('/').pop() ?? n}-1.${i % 50}.0.tgz`,
        integrity: `sha512-${Buffer.from(String(i)).toString('base64')}`,
        dependencies: { 'is-number': '^7.0.0', 'left-pad': '^1.0.0' },
        engines: { node: '>=18' },
        license: 'MIT',
      }
    })
    const text = JSON.stringify({ name: 'big', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)
    expect(text.length).toBeGreaterThan(14e6)
    const path = file('big/package-lock.json', text)
    const inv = await readInventory(path)
    expect(inv.packages).toHaveLength(N)
    expect(inv.findings.map((f) => `${f.ruleId} ${f.line !== undefined && text.split('\n')[f.line - 1]?.includes('http://')}`)).toEqual(['audit/lockfile-insecure-url true'])
  })

  it(`pnpm-lock.yaml v9 and yarn.lock with ${N / 2} packages`, async () => {
    const some = names.slice(0, N / 2)
    const pnpm = [
      "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:",
      ...some.map((n) => `      '${n}':\n        specifier: ^1.0.0\n        version: 1.0.0`),
      '\npackages:\n',
      ...some.map((n) => `  '${n}@1.0.0':\n    resolution: {integrity: sha512-${Buffer.from(n).toString('base64')}}\n    engines: {node: '>=18'}\n`),
      'snapshots:\n',
      ...some.map((n) => `  '${n}@1.0.0': {}\n`),
    ].join('\n')
    const pnpmPath = file('big/pnpm-lock.yaml', pnpm)
    const p = await readInventory(pnpmPath)
    expect(p.packages).toHaveLength(N / 2)
    expect(p.packages.every((x) => x.dev !== true && x.source === 'registry')).toBe(true)
    const yarn = ['# yarn lockfile v1\n', ...some.map((n) => `"${n}@^1.0.0":\n  version "1.0.0"\n  resolved "https://registry.yarnpkg.com/${n}/-/${n.replace(/^@[^/]+\//, '')}-1.0.0.tgz#${'a'.repeat(40)}"\n  integrity sha512-${Buffer.from(n).toString('base64')}\n  dependencies:\n    is-number "^7.0.0"\n`)].join('\n')
    const yarnPath = file('big/yarn.lock', yarn)
    const y = await readInventory(yarnPath)
    expect(y.packages).toHaveLength(N / 2)
    expect(y.findings).toEqual([])
  })
})
