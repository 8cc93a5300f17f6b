import { describe, expect, it } from 'vitest'
import { analyseJavaScript, readManifest } from '../../src/npm/index.js'

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
function randomText(n: number, seed: number): string {
  let x = seed
  let out = ''
  for (let i = 0; i < n; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out += String.fromCharCode((x >>> 0) % 256)
  }
  return out
}

describe('hostile input never throws and stays fast', () => {
  it('random bytes', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const f = analyseJavaScript('junk.js', randomText(20_000, seed))
      expect(f.mode).toBe('tokens')
      expect(f.bytes).toBe(20_000)
    }
    expect(readManifest('package.json', randomText(5000, 7)).error).toMatch(/invalid JSON/)
  })

  it('deeply nested brackets fall back to tokens', () => {
    const nested = `eval(${'['.repeat(200_000)}atob(x)${']'.repeat(200_000)})`
    const f = analyseJavaScript('deep.js', nested)
    expect(f.mode).toBe('tokens')
    expect(f.parseError).toBeDefined()
    const parens = analyseJavaScript('deep2.js', `x = ${'('.repeat(100_000)}1${')'.repeat(100_000)}; eval(y)`)
    expect(['tokens', 'script']).toContain(parens.mode)
  })

  it('a 3 MB single-line minified file', () => {
    const chunk = 'var a=function(b){return b*2},c=[1,2,3].map(a);if(c.length){window.x=c}else{throw new Error("e")};'
    const text = `${chunk.repeat(Math.ceil(3_000_000 / chunk.length))}eval(atob(p));`
    const f = analyseJavaScript('node_modules/m/index.js', text)
    expect(f.mode).toBe('script')
    expect(f.obfuscation).toMatchObject({ minified: true, lines: 1, buildOutput: false })
    expect(f.dynamicCode[0]).toMatchObject({ api: 'eval', argument: 'decoded', line: 1 })
    expect(f.dynamicCode[0]?.evidence.length).toBeLessThanOrEqual(170)
  })

  it('files over the AST limit are token-scanned, with the reason recorded', () => {
    const text = `${'// filler line\n'.repeat(400_000)}const cp = require('child_process'); cp.execSync(cmd)\n`
    const f = analyseJavaScript('huge.js', text)
    expect(f.skipped).toMatch(/over the \d+ limit/)
    expect(f.exec[0]?.line).toBe(400_001)
  })

  it('long chains of string concatenation: analysed when parsable, token-scanned past the parser', () => {
    const chain = (n: number) => `var s = ${Array.from({ length: n }, (_, i) => `'p${i}'`).join(' + ')}; eval(s)`
    const parsed = analyseJavaScript('concat.js', chain(2000))
    expect(parsed.mode).toBe('script')
    expect(parsed.dynamicCode).toHaveLength(0) // a literal, however long, is visible code
    const deep = analyseJavaScript('concat.js', chain(20_000))
    expect(deep.mode).toBe('tokens')
    expect(deep.dynamicCode).toEqual([expect.objectContaining({ api: 'eval', argument: 'dynamic', line: 1 })])
  })

  it('the evaluator and the flow tracking stay bounded on deep, long and self-referencing input', () => {
    // 10,000 nested concatenations: parsed or not, every limit holds and the call is still seen
    const deep = `const https = require('https'); const v = ${'('.repeat(10_000)}'a'${" + 'b')".repeat(10_000)}; https.get(v + process.env.NPM_TOKEN)`
    const d = analyseJavaScript('deep.js', deep)
    expect(d.network.length + (d.mode === 'tokens' ? 1 : 0)).toBeGreaterThan(0)
    // a decoder that loops forever gives up within its step budget, and the module name stays hidden
    const loop = analyseJavaScript('loop.js', `function d(s) { let o = ''; for (let i = 0; i < 1; i += 0) o += s; return o } const m = require(d('fs')); m.readFileSync('/x')`)
    expect(loop.dynamicCode[0]).toMatchObject({ api: 'require', argument: 'dynamic' })
    // a 5 MB bundle of calls through a lookup function: every call evaluated within the per-file budget
    const table = Array.from({ length: 200 }, (_, i) => `'s${i}'`).join(',')
    const body = Array.from({ length: 60_000 }, (_, i) => `o[k(${i % 200})](${i});`).join('')
    const big = `var t=[${table}];function k(i){var x=i-0;return t[x]}var o={};${body}eval(o[k(7)]);`.padEnd(5_000_000, ' ')
    const f = analyseJavaScript('bundle.js', big)
    expect(f.mode).toBe('script')
    expect(f.bytes).toBe(5_000_000)
    expect(f.dynamicCode.map((x) => x.api)).toEqual(['eval'])
  })
})
