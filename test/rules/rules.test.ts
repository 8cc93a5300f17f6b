import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { classifyFile } from '../../src/rules/classify.js'
import { analyseText } from '../../src/rules/engine.js'
import { rules } from '../../src/rules/index.js'
import { allPipelines } from '../../src/rules/shell/lex.js'
import { isCharacterSwap } from '../../src/rules/shell/tr.js'

const ctx = { paths: new Set<string>() }
const ids = (path: string, text: string) => analyseText(path, text, ctx).map((f) => `${f.ruleId}:${f.severity}`)
const ruleIds = (path: string, text: string) => new Set(analyseText(path, text, ctx).map((f) => f.ruleId))

describe('rule list', () => {
  it('has unique kebab-case ids under scan/', () => {
    const list = rules.map((r) => r.id)
    expect(new Set(list).size).toBe(list.length)
    for (const id of list) expect(id).toMatch(/^scan\/[a-z0-9-]+$/)
  })
})

describe('tr character swaps', () => {
  it('recognises swaps and rotations, not case folding or mapping', () => {
    expect(isCharacterSwap('\\t \\-_', ' \\t_\\-')).toBe(true)
    expect(isCharacterSwap('A-Za-z', 'N-ZA-Mn-za-m')).toBe(true)
    expect(isCharacterSwap('abc', 'cab')).toBe(true)
    expect(isCharacterSwap('\\060-\\071', '5-90-4')).toBe(true)
    expect(isCharacterSwap('a-z', 'A-Z')).toBe(false)
    expect(isCharacterSwap('[:lower:]', '[:upper:]')).toBe(false)
    expect(isCharacterSwap('/', '_')).toBe(false)
    expect(isCharacterSwap(' ', '\\n')).toBe(false)
  })
})

describe('decode-and-execute chains, written in styles the rules were not written from', () => {
  const variants: Record<string, string> = {
    'rot13 + base64 + gzip into $SHELL via eval': `blob=\`grep -rla "MARK-[0-9]*-MARK" $srcdir/tests\`\nstep="cat $blob | tr 'A-Za-z' 'N-ZA-Mn-za-m' | base64 -d | gzip -dc"\neval "$step" | $SHELL\n`,
    'openssl decrypt piped to bash': `openssl enc -d -aes-256-cbc -pass pass:x -in "$srcdir/data/blob.bin" | bash\n`,
    'carving with dd and tail into xz and sh, split over lines': `( dd if=$f bs=1 skip=4096 count=2048 2>/dev/null; \\\n  tail -c +900 $f ) | \\\n  xz -F raw --lzma1 -dc | /bin/sh\n`,
    'eval of a decoded substitution': `eval "$(xxd -r -p < $srcdir/tests/files/hex.dat)"\n`,
    'sed do-nothing feeding an unzstd into sh': `sed -e '' "$top/fixtures/x.zst" | unzstd | sh -s -- arg\n`,
  }
  for (const [name, text] of Object.entries(variants)) {
    it(name, () => {
      const found = ids('m4/helper.m4', `dnl helper\n${text}`)
      expect(found.some((f) => f.startsWith('scan/data-to-shell-pipeline:'))).toBe(true)
      expect(found.some((f) => /:(high|critical)$/.test(f))).toBe(true)
    })
  }

  it('reports the chain as one critical finding with the steps as evidence', () => {
    const text = `dnl x\nmarker=\`grep -aErls "%%[[:alnum:]]{4}%%" $srcdir/ 2>/dev/null\`\nmap='tr "!@" "@!"'\ncmd='sed "r\\n" $marker | eval $map | lzma -d'\neval $cmd | $SHELL 2>/dev/null\n`
    const findings = analyseText('m4/x.m4', text, ctx)
    const chain = findings.find((f) => f.ruleId === 'scan/obfuscated-execution-chain')
    expect(chain?.severity).toBe('critical')
    expect(new Set(findings.map((f) => f.ruleId))).toEqual(new Set(['scan/obfuscated-execution-chain', 'scan/data-to-shell-pipeline', 'scan/binary-marker-grep', 'scan/tr-obfuscation', 'scan/sed-as-cat']))
    expect(chain?.evidence).toContain('grep -aErls')
  })
})

describe('single rules', () => {
  it('byte carving: two carvers or carving into a decoder, not a lone head -c', () => {
    expect(ruleIds('build.sh', '#!/bin/sh\nhead -c 1024 in | tail -c 512 > out\n')).toContain('scan/byte-carving')
    expect(ruleIds('build.sh', '#!/bin/sh\ntail -c +77 pkg.dat | gunzip > x\n')).toContain('scan/byte-carving')
    expect(ruleIds('build.sh', '#!/bin/sh\nhead -c 16 /dev/urandom > seed\n').size).toBe(0)
  })
  it('binary marker grep needs text mode plus listing or recursion', () => {
    expect(ruleIds('configure.ac', 'f=`grep --binary-files=text -R -l "@@x@@" .`\n')).toContain('scan/binary-marker-grep')
    expect(ruleIds('configure.ac', 'if grep -q -- "-arch x86_64" conftest.c; then :; fi\n').size).toBe(0)
  })
  it('test data reads by build logic', () => {
    expect(ruleIds('Makefile.am', 'all-local:\n\tcat $(srcdir)/tests/files/good-1.xz | xz -dc > obj.o\n')).toContain('scan/test-data-read')
    expect(ruleIds('Makefile.am', 'TESTS = tests/run.sh\nEXTRA_DIST = tests/files/good-1.xz\n').size).toBe(0)
  })
  it('environment gating: low alone, high when guarding execution', () => {
    const alone = analyseText('configure.ac', 'if test -f "$srcdir/debian/rules"; then\n  AC_MSG_NOTICE([packaging])\nfi\n', ctx)
    expect(alone.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['scan/environment-gating:low'])
    const guarded = analyseText('configure.ac', 'if test -n "$RPM_ARCH"; then\n  eval "$payload_cmd"\nfi\n', ctx)
    expect(guarded.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['scan/environment-gating:high'])
  })
  it('a sed with a real multi-line script is not a cat', () => {
    expect(ruleIds('configure', "#!/bin/sh\nsed '\n  s/a/b/\n' file\n").size).toBe(0)
    expect(ruleIds('build.sh', '#!/bin/sh\nsed -n p < in > out\n')).toContain('scan/sed-as-cat')
  })
})

describe('classifyFile', () => {
  it('judges by content as well as by name', () => {
    expect(classifyFile('scripts/run', '#!/bin/bash\necho\n')).toBe('shell')
    expect(classifyFile('m4/foo.m4', 'AC_DEFUN([X])')).toBe('m4')
    expect(classifyFile('lib/Makefile.in', '# Makefile.in generated by automake 1.16.5 from Makefile.am.\n')).toBe('makefile-in')
    expect(classifyFile('tests/files/x.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 1, 2]))).toBe('binary')
    expect(classifyFile('NEWS', 'Version 1\n')).toBe('text')
  })
})

describe('the lexer never throws or hangs', () => {
  it('handles random bytes and unbalanced quotes', () => {
    let seed = 7
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    for (let k = 0; k < 200; k++) {
      const text = Array.from({ length: 400 }, () => String.fromCharCode(rnd() % 128)).join('')
      expect(() => allPipelines(text)).not.toThrow()
    }
    const started = Date.now()
    allPipelines(`echo "${'$('.repeat(5000)}\n${"'".repeat(3001)}\n${'\\\n'.repeat(20000)}`)
    expect(Date.now() - started).toBeLessThan(3000)
  })
})

describe('benign corpus: real autotools files stay silent', () => {
  const roots = ['/usr/share/aclocal', '/usr/share/aclocal-1.16', '/usr/share/autoconf', '/usr/share/automake-1.16', '/usr/share/libtool', '/usr/share/gettext', '/usr/share/gnulib/m4', '/usr/share/gnulib/build-aux', '/usr/share/misc/config.guess', '/usr/share/misc/config.sub'].filter(existsSync)
  const files: string[] = []
  const walk = (p: string) => {
    const st = statSync(p)
    if (st.isDirectory()) for (const f of readdirSync(p)) walk(join(p, f))
    else if (st.size < 4_000_000) files.push(p)
  }
  roots.forEach(walk)

  it(`no finding on ${files.length} installed m4, build-aux and gettext files`, () => {
    expect(files.length).toBeGreaterThan(800)
    const hits: string[] = []
    for (const file of files) {
      const bytes = readFileSync(file)
      if (bytes.includes(0)) continue
      for (const f of analyseText(file, bytes.toString('utf8'), ctx)) hits.push(`${f.ruleId} ${file}:${f.line}`)
    }
    expect(hits).toEqual([])
  })

  it('no finding on a real generated configure script', () => {
    const configure = execFileSync('sh', ['-c', 'd=$(mktemp -d) && cd $d && printf "AC_INIT([t],[1])\\nAC_CANONICAL_HOST\\nAC_PROG_CC\\ncase \\$host in x86_64*linux*) CFLAGS=-O2 ;; esac\\nAC_OUTPUT\\n" > configure.ac && autoconf && cat configure && rm -rf $d'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    expect(configure).toContain('Generated by GNU Autoconf')
    expect(analyseText('configure', configure, ctx)).toEqual([])
  })
})
