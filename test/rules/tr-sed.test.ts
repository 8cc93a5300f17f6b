import { describe, expect, it } from 'vitest'
import type { Word } from '../../src/rules/shell/ast.js'
import { isNoOpSed, sedInvocation, sedTransliterations } from '../../src/rules/shell/sed.js'
import { expandTrSet, isCharacterSwap } from '../../src/rules/shell/tr.js'

const word = (text: string, raw = `'${text}'`): Word => ({ text, raw, line: 1, quoted: true, unterminated: false, nested: [] })
const noop = (...args: string[]) => isNoOpSed(sedInvocation(args.map((a) => word(a))))

describe('tr sets', () => {
  it('expand escapes, octal, ranges, classes and repeats as tr does', () => {
    expect(expandTrSet('a-d')).toEqual(['a', 'b', 'c', 'd'])
    expect(expandTrSet('\\t \\-_\\\\')).toEqual(['\t', ' ', '-', '_', '\\'])
    expect(expandTrSet('\\101\\0\\377')).toEqual(['A', '\0', '\xff'])
    expect(expandTrSet('[:digit:]')).toHaveLength(10)
    expect(expandTrSet('[=x=][y*3]')).toEqual(['x', 'y', 'y', 'y'])
    expect(expandTrSet('a[z*]b', 5)).toEqual(['a', 'z', 'z', 'z', 'b'])
    expect(expandTrSet('z-a')).toEqual(['z', '-', 'a'])
  })

  it('tell a permutation (swap, rotation, byte shuffle) from case folding and plain mapping', () => {
    const swaps: [string, string][] = [
      ['\\t \\-_', ' \\t_\\-'],
      ['A-Za-z', 'N-ZA-Mn-za-m'],
      ['0-9', '5-90-4'],
      ['abc', 'cab'],
      ['[:upper:][:lower:]', '[:lower:][:upper:]'],
      ['\\000-\\377', '\\200-\\377\\000-\\177'],
      ['\\114-\\321\\322-\\377\\35-\\47\\14-\\34\\0-\\13\\50-\\113', '\\0-\\377'],
      ['.,;:', ':;,.'],
    ]
    for (const [a, b] of swaps) expect(isCharacterSwap(a, b), `${a} -> ${b}`).toBe(true)
    const notSwaps: [string, string][] = [
      ['a-z', 'A-Z'],
      ['[:lower:]', '[:upper:]'],
      ['/', '_'],
      [' ', '\\n'],
      ['abc', 'abc'],
      ['abcdefghijklmnopqrstuvwxyz ', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_'],
      ['a-z', 'b'],
      ['\\015\\012', '\\040\\040'],
    ]
    for (const [a, b] of notSwaps) expect(isCharacterSwap(a, b), `${a} -> ${b}`).toBe(false)
  })
})

describe('sed scripts', () => {
  it('recognise every spelling of a do-nothing sed', () => {
    for (const args of [['r\\n'], ['rn'], ['"r\\n"'], ['r'], ['r /dev/null'], [''], ['-e', ''], ['-n', 'p'], ['-n', '-e', 'p'], ['--quiet', '1,$p'], ['-ne', 'p'], ['s/^//'], ['s/\\(.*\\)/\\1/'], [';'], ['#just a comment'], ['-n', '/^/p'], ['b'], [':a']]) {
      expect(noop(...args, 'file'), args.join(' ')).toBe(true)
    }
  })

  it('do not take real edits, partial reads or unreadable scripts for a cat', () => {
    for (const args of [['s/a/b/'], ['-n', '/x/p'], ['$r footer.txt'], ['r footer.txt'], ['p'], ['-n', ''], ['-i', ''], ['-f', 'script.sed'], ['-e'], ['1d'], ['s/^/x/'], ['y/ab/ba/'], ['q']]) {
      expect(noop(...args), args.join(' ')).toBe(false)
    }
    expect(isNoOpSed(sedInvocation([word('$script', '"$script"')]))).toBe(false)
    expect(isNoOpSed(sedInvocation([{ ...word(''), unterminated: true }]))).toBe(false)
  })

  it('reads y/// transliterations', () => {
    expect(sedTransliterations('y/abc/bca/')).toEqual([{ from: ['a', 'b', 'c'], to: ['b', 'c', 'a'] }])
    expect(sedTransliterations('s/x/y/;y|a\\|b|b\\|a|')).toEqual([{ from: ['a', '|', 'b'], to: ['b', '|', 'a'] }])
    expect(sedTransliterations('s/yes/no/')).toEqual([])
    // after blanks, an address or a brace; not inside a word, however many blanks come before it
    const blanks = ' \t'.repeat(500_000)
    expect(sedTransliterations(`1${blanks}y/ab/ba/;{ y/c/d/ }; xy/e/f/`).map((t) => t.from.join(''))).toEqual(['ab', 'c'])
    expect(sedTransliterations(`${blanks}y/ab/ba/`).map((t) => t.to.join(''))).toEqual(['ba'])
  })
})
