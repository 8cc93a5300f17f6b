import { describe, expect, it } from 'vitest'
import { hitsOf } from './helpers.js'

const RULE = 'scan/tr-obfuscation'
const sh = (body: string) => `#!/bin/sh\n${body}\n`

describe('scan/tr-obfuscation', () => {
  const standalone: [string, string][] = [
    ['whitespace and punctuation swapped', sh(`x=$(printf '%s' "$v" | tr ' _\\t\\-' '\\t\\- _')`)],
    ['rot13', sh(`tr 'A-Za-z' 'N-ZA-Mn-za-m' < notes.txt > out.txt`)],
    ['rot5 on digits, double-quoted', sh(`tr "0-9" "5-90-4" <in >out`)],
    ['swapped case classes', sh(`tr '[:upper:][:lower:]' '[:lower:][:upper:]' < a > b`)],
    ['a byte table in octal', sh(`tr '\\000-\\377' '\\200-\\377\\000-\\177' < blob > blob.out`)],
    ['sets kept in variables', sh(`from='a-zA-Z'\nto='n-za-mN-ZA-M'\ntr "$from" "$to" < x > y`)],
    ['sed y as the same idea', sh(`sed 'y/abc/cab/' < x > y`)],
    ['perl tr as the same idea', sh(`perl -pe 'tr/a-zA-Z/n-za-mN-ZA-M/' < x > y`)],
    ['inside an m4 macro', 'AC_DEFUN([X], [x_map=\'tr "+/" "/+"\'])\n'],
  ]
  for (const [name, text] of standalone) {
    it(`medium on its own: ${name}`, () => {
      expect(hitsOf(RULE, name.includes('m4') ? 'm4/x.m4' : 'build.sh', text).map((h) => h.severity)).toEqual(['medium'])
    })
  }

  it('high when the swapped data is decompressed or executed, also through a variable', () => {
    expect(hitsOf(RULE, 'build.sh', sh(`cat blob | tr '!-~' 'P-~!-O' | gzip -d > x`)).map((h) => h.severity)).toEqual(['high'])
    const viaVariable = 'AC_DEFUN([Y], [\n  y_swap=\'tr "\\t \\-_" " \\t_\\-"\'\n  eval "cat f | eval $y_swap" | sh\n])\n'
    const hits = hitsOf(RULE, 'm4/y.m4', viaVariable)
    expect(hits.map((h) => [h.line, h.severity])).toEqual([[2, 'high']])
    expect(hits[0]?.evidence).toContain('3: ')
  })

  it('judges a swap by its own pipeline, not by what its neighbours in the same block decode', () => {
    const swap = `tr 'A-Za-z' 'N-ZA-Mn-za-m' < notes.txt > out.txt`
    const decode = `base64 -d < logo.b64 > logo.png`
    for (const block of [`if test -f notes.txt; then\n  ${swap}\n  ${decode}\nfi`, `for f in a b; do\n  ${decode}\n  ${swap}\ndone`, `{\n  ${swap}\n  ${decode}\n}`]) {
      expect(hitsOf(RULE, 'build.sh', sh(block)).map((h) => h.severity)).toEqual(['medium'])
    }
    // a block whose output is piped on is one stage: the swap is part of what gets decoded
    expect(hitsOf(RULE, 'build.sh', sh(`{\n  cat notes.txt\n  ${swap.replace(' > out.txt', '')}\n} | base64 -d > x`)).map((h) => h.severity)).toEqual(['high'])
  })

  const silent: [string, string][] = [
    ['case folding', sh(`tr a-z A-Z < a\ntr '[:lower:]' '[:upper:]' < b\ntr 'abcdefghijklmnopqrstuvwxyz ' 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_' < c`)],
    ['deleting and squeezing', sh(`tr -d '\\r' < a\ntr -s ' ' < b\ntr -ds 'ab' 'ba' < c`)],
    ['mapping onto other characters', sh(`tr '/' '_' < a\ntr ' ' '\\n' < b\ntr -c 'a-z' '_' < c\ntr '\\015\\012' '\\040\\040' < d`)],
    ['the identity', sh(`tr abc abc < a`)],
    ['tr as an argument of something else', sh(`echo tr 'ab' 'ba'\ngrep -w tr file`)],
  ]
  for (const [name, text] of silent) {
    it(`silent on ${name}`, () => {
      expect(hitsOf(RULE, 'build.sh', text)).toEqual([])
    })
  }
})
