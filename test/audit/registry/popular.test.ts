import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_SIGNAL_POLICY, PopularIndex, damerauLevenshtein, loadPopularNames, parsePopularNames } from '../../../src/audit/registry/index.js'

const CORPUS = '/tmp/stagelight-bench/corpus-npm/node_modules'

describe('popularity list', () => {
  it('ships about a thousand names, well-known top-level ones included', async () => {
    const names = await loadPopularNames()
    expect(names.size).toBeGreaterThan(1000)
    expect(names.size).toBeLessThan(2000)
    for (const n of ['react', 'lodash', 'express', 'debug', 'ms', 'semver', 'tslib', '@babel/core', 'typescript', 'chalk', 'cross-env']) expect(names.has(n), n).toBe(true)
    for (const n of names) expect(n).toMatch(/^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/)
  })
  it('parses one name a line with comments and blanks', () => {
    expect([...parsePopularNames('# header\nreact\n\n  lodash  # trailing\n')]).toEqual(['react', 'lodash'])
  })
})

describe('Damerau-Levenshtein (optimal string alignment)', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps', () => {
    expect(damerauLevenshtein('express', 'express')).toBe(0)
    expect(damerauLevenshtein('express', 'expres')).toBe(1)
    expect(damerauLevenshtein('lodash', 'lodahs')).toBe(1)
    expect(damerauLevenshtein('react', 'raect')).toBe(1)
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3)
    expect(damerauLevenshtein('kitten', 'sitting', 1)).toBe(2) // gives up past the bound
  })
})

describe.skipIf(!existsSync(CORPUS))('false positives on real package names', () => {
  it('flags few of the 2,000 real packages of the benchmark corpus', async () => {
    const index = new PopularIndex(await loadPopularNames())
    const names = new Set<string>()
    const walk = (dir: string): void => {
      for (const e of existsSync(dir) ? readdirSync(dir) : []) {
        if (e.startsWith('.')) continue
        const dirs = e.startsWith('@') ? readdirSync(join(dir, e)).map((x) => join(dir, e, x)) : [join(dir, e)]
        for (const d of dirs) {
          try {
            names.add((JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name: string }).name)
          } catch {
            continue
          }
          walk(join(d, 'node_modules'))
        }
      }
    }
    walk(CORPUS)
    const options = { maxDistance: DEFAULT_SIGNAL_POLICY.typosquatMaxDistance, minLengthDistance1: DEFAULT_SIGNAL_POLICY.typosquatMinLengthDistance1, minLengthDistance2: DEFAULT_SIGNAL_POLICY.typosquatMinLengthDistance2 }
    const flagged = [...names].filter((n) => index.match(n, options).length > 0)
    console.log(`typosquat: ${flagged.length} of ${names.size} real names flagged, e.g. ${flagged.slice(0, 30).map((n) => `${n}→${index.match(n, options)[0]?.target}`).join(', ')}`)
    expect(flagged.length / names.size).toBeLessThan(0.02)
  })
})
