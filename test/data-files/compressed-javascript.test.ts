import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { inspectDataFile } from '../../src/data-files/index.js'
import { looksLikeJavaScript, looksLikeShell } from '../../src/data-files/text.js'
import { XZ_LIKE_SCRIPT } from './fixtures.js'

/** Minified JavaScript whose lines also match shell idioms (`$x … &&`, `$(a`, `x=y`), as AngularJS's do. */
const minified = Array.from({ length: 40 }, (_, i) => `(function(a,b){var $q${i}=this.x&&b.y;return $(a)?a.prototype.z${i}:b=>b+${i}})(w,${i});`).join('\n')

describe('compressed files are classified after decoding', () => {
  it('the fixture is the hard case: its lines read as shell to the line test', () => {
    expect(looksLikeShell(minified)).toBe(true)
    expect(looksLikeJavaScript(minified)).toBe(true)
  })

  it('gzipped minified JavaScript decodes to text, not to a shell script', async () => {
    const facts = await inspectDataFile('dist/widget.min.js.gzip', gzipSync(minified))
    expect(facts.chains).toEqual(['gzip → text'])
    expect(facts.code).toEqual([])
  })

  it('a gzipped shell script is still found', async () => {
    const facts = await inspectDataFile('tests/files/data.gz', gzipSync(XZ_LIKE_SCRIPT))
    expect(facts.code).toHaveLength(1)
    expect(facts.code[0]).toMatchObject({ kind: 'shell-script', chain: 'gzip → shell script' })
  })

  it('shell functions are not JavaScript', () => {
    const script = Array.from({ length: 30 }, (_, i) => `function f${i}() {\n  if test -f x${i}; then\n    echo ok && return 0\n  fi\n}`).join('\n')
    expect(looksLikeJavaScript(script)).toBe(false)
  })
})
