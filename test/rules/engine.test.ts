import { describe, expect, it } from 'vitest'
import { analyseText, CHAIN_RULE_ID, mayUseShellGrammar, RULE_ERROR_ID, runRules } from '../../src/rules/engine.js'
import { LEXER_FROM_CHARS } from '../../src/rules/shell/tree-sitter.js'
import { ruleById, rules } from '../../src/rules/index.js'
import type { Rule, TextFile } from '../../src/rules/types.js'
import { breather } from '../helpers/breathe.js'
import { context, findingsOf } from './helpers.js'

const file = (path: string, text: string, kind: TextFile['kind'] = 'shell'): TextFile => ({ path, kind, text })
const meta = { title: 't', short: 's', motivation: 'Why it matters.', remediation: 'What to do.', defaultConfidence: 'medium' as const, appliesTo: ['shell' as const] }

describe('the rule list', () => {
  it('has unique, stable, kebab-case ids under scan/ and full metadata', () => {
    const ids = rules.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of rules) {
      expect(r.id).toMatch(/^scan\/[a-z0-9]+(?:-[a-z0-9]+)*$/)
      expect(r.short.length).toBeGreaterThan(10)
      expect(r.motivation.length).toBeGreaterThan(20)
      expect(r.remediation.length).toBeGreaterThan(10)
      expect(r.appliesTo.length).toBeGreaterThan(0)
      expect(ruleById(r.id)).toBe(r)
    }
    expect(ruleById('scan/nope')).toBeUndefined()
  })
})

describe('runRules', () => {
  it('turns a throwing rule into an info finding and still runs the others', () => {
    const broken: Rule = { ...meta, id: 'scan/broken', defaultSeverity: 'high', run: () => { throw new Error('boom') } }
    const real = ruleById('scan/data-to-shell-pipeline') as Rule
    const findings = runRules(file('x.sh', 'base64 -d < f | sh\n'), context, { rules: [broken, real] })
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ['scan/data-to-shell-pipeline', 'high'],
      [RULE_ERROR_ID, 'info'],
    ])
    expect(findings[1]?.data).toEqual({ rule: 'scan/broken' })
    expect(findings[1]?.path).toBe('x.sh')
  })

  it('keeps one finding per rule and line, the most severe', () => {
    const twice: Rule = {
      ...meta,
      id: 'scan/twice',
      defaultSeverity: 'low',
      run: () => [
        { line: 3, message: 'a', evidence: '3: a' },
        { line: 3, message: 'b', evidence: '3: b', severity: 'high' },
        { line: 4, message: 'c', evidence: '4: c' },
      ],
    }
    const findings = runRules(file('x.sh', ''), context, { rules: [twice] })
    expect(findings.map((f) => [f.line, f.severity, f.message])).toEqual([
      [3, 'high', 'b'],
      [4, 'low', 'c'],
    ])
    expect(findings[0]?.explanation).toBe('Why it matters. What to do.')
    expect(findings[0]?.confidence).toBe('medium')
  })

  it('runs a rule only on the kinds of file it applies to', () => {
    const text = 'cat x | base64 -d | sh\n'
    expect(runRules(file('README', text, 'text'), context)).toEqual([])
    expect(runRules(file('x.sh', text, 'shell'), context).map((f) => f.ruleId)).toEqual(['scan/data-to-shell-pipeline'])
  })

  it('honours only and skip', () => {
    const text = 'f=`grep -aRl MARK .`\ntr a-zA-Z n-za-mN-ZA-M < "$f" | base64 -d | sh\n'
    const all = runRules(file('x.sh', text), context).map((f) => f.ruleId)
    expect(all).toEqual([CHAIN_RULE_ID, 'scan/binary-marker-grep', 'scan/data-to-shell-pipeline', 'scan/tr-obfuscation'])
    expect(runRules(file('x.sh', text), context, { only: ['scan/tr-obfuscation'] }).map((f) => f.ruleId)).toEqual(['scan/tr-obfuscation'])
    expect(runRules(file('x.sh', text), context, { skip: ['scan/tr-obfuscation', CHAIN_RULE_ID] }).map((f) => f.ruleId)).toEqual(['scan/binary-marker-grep', 'scan/data-to-shell-pipeline'])
  })
})

describe('correlation', () => {
  it('adds one critical chain finding with line numbers and raises the worst link to critical', () => {
    const text = '#!/bin/sh\nc=`grep -aRl "=MARK=" "$srcdir"`\n\nxz -dc "$c" | sh\n'
    const findings = findingsOf('x.sh', text)
    expect(findings.map((f) => `${f.ruleId}:${f.severity}:${f.line}`)).toEqual([
      `${CHAIN_RULE_ID}:critical:2`,
      'scan/binary-marker-grep:high:2',
      'scan/data-to-shell-pipeline:critical:4',
    ])
    expect(findings[0]?.message).toBe('obfuscated execution chain: binary-marker-grep (line 2) → data-to-shell-pipeline (line 4)')
    expect(findings[0]?.evidence).toContain('2: c=`grep -aRl "=MARK=" "$srcdir"`')
    expect(findings[0]?.evidence).toContain('4: xz -dc "$c" | sh')
  })

  it('needs both an execution and another link', () => {
    expect(findingsOf('x.sh', 'xz -dc blob | sh\n').map((f) => f.ruleId)).toEqual(['scan/data-to-shell-pipeline'])
    expect(findingsOf('x.sh', "tr 'a-z' 'n-za-m' < a > b\n").map((f) => f.ruleId)).toEqual(['scan/tr-obfuscation'])
  })

  it('is left out, and nothing raised, when the chain id is skipped', () => {
    const text = 'c=`grep -aRl "=MARK=" .`\nxz -dc "$c" | sh\n'
    expect(analyseText('x.sh', text, context, { skip: [CHAIN_RULE_ID] }).map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['scan/binary-marker-grep:high', 'scan/data-to-shell-pipeline:high'])
  })
})

describe('analyseText', () => {
  it('classifies first: the same text is judged as m4, as a Makefile, or not at all', () => {
    const text = 'zcat payload.gz | sh\n'
    expect(analyseText('m4/x.m4', text, context).map((f) => f.path)).toEqual(['m4/x.m4'])
    expect(analyseText('notes.txt', text, context)).toEqual([])
    expect(analyseText('tests/files/x.bin', `\0\0${text}`, context)).toEqual([])
  })

  it('never fails on random input under any file name', async () => {
    const breathe = breather()
    let seed = 99
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    const pieces = ['eval $a', 'a="eval $b | eval $b"', 'b=\'eval $a $a\'', '| sh', 'xz -d', 'tr a b', 'head -c 1', '$(', '`', '"', "'", 'if', 'fi', 'case', 'esac', '\n', ';', '&&', '(', ')', '[', ']', 'dnl', '#', '<<E', 'E\n', 'test -f debian/rules']
    for (let k = 0; k < 150; k++) {
      await breathe()
      const text = Array.from({ length: 300 }, () => pieces[rnd() % pieces.length]).join(' ')
      for (const path of ['configure', 'x.m4', 'Makefile.am', 'CMakeLists.txt', 'meson.build', 'run.sh']) {
        const findings = analyseText(path, text, context)
        expect(findings.filter((f) => f.ruleId === RULE_ERROR_ID)).toEqual([])
      }
    }
  })
})

describe('mayUseShellGrammar', () => {
  const padded = (head: string, chars: number): string => head + '#'.repeat(Math.max(0, chars - head.length - 1)) + '\n'
  const bytes = (text: string): Buffer => Buffer.from(text, 'utf8')

  it('is true for plain shell the rules run on, below the size the lexer takes over', () => {
    expect(mayUseShellGrammar('build/gen.sh', bytes('cat data | sh\n'))).toBe(true)
    expect(mayUseShellGrammar('bootstrap', bytes(padded('#!/bin/sh\necho hi\n', LEXER_FROM_CHARS - 1)))).toBe(true)
    expect(mayUseShellGrammar('configure', bytes('#! /bin/sh\n# Generated by GNU Autoconf 2.71 for x 1.0.\nexit 0\n'))).toBe(true)
  })

  it('is false for shell the lexer reads, other dialects and files no rule reads', () => {
    expect(mayUseShellGrammar('configure', bytes(padded('#! /bin/sh\n# Generated by GNU Autoconf 2.71 for x 1.0.\n', LEXER_FROM_CHARS)))).toBe(false)
    expect(mayUseShellGrammar('build/gen.sh', bytes(padded('cat data | sh\n', LEXER_FROM_CHARS + 10)))).toBe(false)
    expect(mayUseShellGrammar('m4/x.m4', bytes('AC_DEFUN([X], [cat data | sh])\n'))).toBe(false)
    expect(mayUseShellGrammar('Makefile.in', bytes('# Makefile.in generated by automake 1.16.5 from Makefile.am.\nall:\n\tcat data | sh\n'))).toBe(false)
    expect(mayUseShellGrammar('README', bytes('cat data | sh\n'))).toBe(false)
  })

  it('counts characters, not bytes, and a byte-order mark either way', () => {
    // two bytes per character: over the limit in bytes, under it in characters
    expect(mayUseShellGrammar('gen.sh', bytes(`cat data | sh\n#${'é'.repeat(LEXER_FROM_CHARS / 2)}\n`))).toBe(true)
    // one character too many with the mark, within the limit without it (as a strict decoder reads it)
    expect(mayUseShellGrammar('gen.sh', bytes(`\ufeff${padded('cat data | sh\n', LEXER_FROM_CHARS - 1)}`))).toBe(true)
    expect(mayUseShellGrammar('gen.sh', bytes(`\ufeff${padded('cat data | sh\n', LEXER_FROM_CHARS)}`))).toBe(false)
  })
})
