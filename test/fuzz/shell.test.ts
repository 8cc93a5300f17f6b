import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { analyseText } from '../../src/rules/engine.js'
import { RULE_ERROR_ID } from '../../src/rules/engine.js'
import { parseShell } from '../../src/rules/shell/parse.js'
import { loadShellGrammar, parseSh } from '../../src/rules/shell/tree-sitter.js'
import { allPipelines } from '../../src/rules/shell/walk.js'
import { fuzzParams } from './runs.js'

/** Pieces of shell, m4 and make that steer the parsers into their nested paths. */
const PIECES = ['$(', ')', '`', '"', "'", '${', '}', '{', '(', '((', '))', '<<EOF\n', '\nEOF\n', '<<-X\n', '|', '||', '&&', ';', '\n', '\\\n', 'eval ', 'sh -c ', 'cat f', ' | sh', 'if ', ' then ', ' fi', 'case x in ', ' esac', 'for a in b; do ', ' done', 'AC_DEFUN([', '])', '[', ']', 'm4_define(', 'dnl ', '#', '$$(', '\t', 'tr "a-z" "n-za-m"', 'sed -n 1p', '\x00', '\x1b', 'é']

const shellish = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 8 })), { maxLength: 80 }).map((parts) => parts.join(''))

const KINDS = ['configure.ac', 'm4/x.m4', 'Makefile.am', 'build.sh', 'CMakeLists.txt', 'meson.build', 'Makefile']

describe('shell, m4 and make parsers under random input', () => {
  beforeAll(async () => {
    await loadShellGrammar()
  })

  it('the lexer and tree-sitter never throw, and every pipeline has a line inside the text', () => {
    fc.assert(
      fc.property(shellish, fc.constantFrom('sh', 'm4', 'make', 'cmake') as fc.Arbitrary<'sh' | 'm4' | 'make' | 'cmake'>, (text, dialect) => {
        const lines = text.split('\n').length
        for (const list of [parseShell(text, { dialect }), parseSh(text, {})]) {
          for (const site of allPipelines(list)) {
            expect(site.pipeline.line).toBeGreaterThanOrEqual(1)
            expect(site.pipeline.line).toBeLessThanOrEqual(lines + 1)
          }
        }
      }),
      fuzzParams(300),
    )
  })

  it('the rules never fail on a file, whatever its kind', () => {
    fc.assert(
      fc.property(shellish, fc.constantFrom(...KINDS), (text, path) => {
        const findings = analyseText(path, text, { paths: new Set([path]) })
        expect(findings.filter((f) => f.ruleId === RULE_ERROR_ID)).toEqual([])
      }),
      fuzzParams(150),
    )
  })
})

describe('nesting far beyond any limit is cut short, never a stack overflow', () => {
  beforeAll(async () => {
    await loadShellGrammar()
  })
  const DEEP = 20_000
  const cases: Record<string, string> = {
    'command substitutions': `${'$('.repeat(DEEP)}cat f | sh${')'.repeat(DEEP)}\n`,
    backquotes: `${'echo `'.repeat(200)}x\n`,
    subshells: `${'('.repeat(DEEP)}cat f | sh${')'.repeat(DEEP)}\n`,
    'brace groups': `${'{ '.repeat(DEEP)}cat f | sh;${' }'.repeat(DEEP)}\n`,
    'if blocks': `${'if true; then '.repeat(5_000)}cat f | sh${'; fi'.repeat(5_000)}\n`,
    'm4 brackets': `AC_DEFUN([X], ${'['.repeat(DEEP)}cat f | sh${']'.repeat(DEEP)})\n`,
    'sh -c strings': `${'sh -c "'.repeat(2_000)}cat f | sh${'"'.repeat(2_000)}\n`,
    'parameter expansions': `x=${'${a:-'.repeat(DEEP)}b${'}'.repeat(DEEP)}\n`,
    'arithmetic': `x=$((${'('.repeat(DEEP)}1${')'.repeat(DEEP)}))\n`,
    'unclosed everything': `${'$("`${(['.repeat(5_000)}\n`,
  }
  for (const [name, text] of Object.entries(cases)) {
    it(`${name}`, () => {
      for (const path of ['build.sh', 'm4/x.m4', 'configure.ac', 'Makefile.am']) {
        const findings = analyseText(path, text, { paths: new Set([path]) })
        expect(findings.filter((f) => f.ruleId === RULE_ERROR_ID).map((f) => f.message)).toEqual([])
      }
    })
  }
})
