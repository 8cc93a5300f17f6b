import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { generatedExplainer } from '../../src/verify/explain/generated.js'
import { rerunGrammar, UNSAFE_M4, writeSafeM4 } from '../../src/verify/explain/grammar-rerun.js'
import { detectGenerator } from '../../src/verify/explain/generators.js'
import { addedFile, memoryView } from '../helpers/tree-view.js'

const flexVersion = (scanner: string): string | undefined => detectGenerator('lexer.c', scanner)?.version

// scanners made here by the real flex, as a release's maintainer makes them
const work = mkdtempSync(join(tmpdir(), 'stagelight-flex-test-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const GRAMMAR = `%option noyywrap nounput noinput
%{
#include <stdio.h>
static int words = 0;
%}
%%
[A-Za-z]+   { words++; if (yyleng > 64) return 1; }
[0-9]+      { printf("number %s\\n", yytext); }
\\n          { /* end of a line */ }
.           { }
%%
int count_words(void) { return words; }
`

/** what flex writes from `grammar` with `flags`, run as a build would in its own directory */
function flex(grammar: string, flags: readonly string[] = [], name = 'lexer.l'): string {
  const dir = mkdtempSync(join(work, 'make-'))
  writeFileSync(join(dir, name), grammar)
  execFileSync('flex', [...flags, '-o', 'lexer.c', name], { cwd: dir })
  return readFileSync(join(dir, 'lexer.c'), 'utf8')
}

/** one line of flex's skeleton (not the grammar's code) turned round, as a tampered release would */
function flipSkeletonLine(scanner: string): string {
  const lines = scanner.split('\n')
  const at = lines.findIndex((l) => /num_to_read > YY_READ_BUF_SIZE/.test(l))
  expect(at).toBeGreaterThan(0)
  lines[at] = (lines[at] as string).replace(' > ', ' >= ')
  return lines.join('\n')
}

const judge = (scannerPath: string, scanner: string, source: Record<string, string>) =>
  generatedExplainer().judge(addedFile(scannerPath, scanner), memoryView({ [scannerPath]: scanner }, source))

describe('flex run again on the grammar a shipped scanner names', () => {
  it('runs m4 under each tool without the builtins that run commands, read or write files', async () => {
    for (const [tool, removed] of Object.entries(UNSAFE_M4)) {
      const dir = mkdtempSync(join(work, `m4-${tool}-`))
      const marker = join(dir, 'ran')
      const written = join(dir, 'written')
      const m4 = await writeSafeM4(dir, removed)
      // flex calls m4 with -P (builtins as m4_…); bison does not
      const input = `m4_esyscmd(touch ${marker})m4_syscmd(touch ${marker})m4_debugfile(${written})m4_mkstemp(${written}XXXXXX)\n`
      const prefixed = execFileSync(m4, ['-P'], { input }).toString()
      const plain = execFileSync(m4, [], { input: input.replace(/m4_/g, '') }).toString()
      // nothing beside the wrapper: no marker, no debug file, no temporary file
      expect(readdirSync(dir), tool).toEqual(['m4'])
      expect(prefixed, tool).toContain('m4_esyscmd')
      expect(plain, tool).toContain('esyscmd(touch')
    }
  })

  it('reproduces a scanner made with the flags automake gives flex (AM_LFLAGS), and does not scan it again', async () => {
    const scanner = flex(GRAMMAR, ['-i'])
    const j = await judge('src/lexer.c', scanner, { 'src/lexer.l': GRAMMAR, 'src/Makefile.am': 'AM_LFLAGS = -i\nbin_PROGRAMS = wc\n' })
    expect(j?.outcome).toBe('explained')
    if (j?.outcome !== 'explained') return
    expect(j.explained.reproduced).toBe(true)
    expect(j.explained.how).toMatch(/flex \S+ -i from src\/lexer\.l/)
    expect(j.scan).toBe(false)
  })

  it('finds the flags in a CMake FLEX_TARGET and in a make recipe that writes lines before flex\'s output', async () => {
    const prefixed = flex(GRAMMAR, ['-Pcfg_'])
    const cmake = 'FLEX_TARGET(Config src/lexer.l ${CMAKE_BINARY_DIR}/lexer.c COMPILE_FLAGS "-Pcfg_")\n'
    const fromCmake = await judge('src/lexer.c', prefixed, { 'src/lexer.l': GRAMMAR, 'CMakeLists.txt': cmake })
    expect(fromCmake?.outcome === 'explained' && fromCmake.explained.reproduced).toBe(true)
    // `rm -f` and `>>` belong to other commands of the recipe: -f (full tables) is not flex's here
    const recipe = 'lexer.c: lexer.l\n\trm -f $@ ;\\\n\techo \'#include "config.h"\' > $@ ;\\\n\t$(LEX) -P c_ -i -t lexer.l >> $@\n'
    const withInclude = `#include "config.h"\n${flex(GRAMMAR, ['-Pc_', '-i'])}`
    const fromRecipe = await judge('lexer.c', withInclude, { 'lexer.l': GRAMMAR, 'Makefile.in': recipe })
    expect(fromRecipe?.outcome === 'explained' && fromRecipe.explained.reproduced).toBe(true)
    // the same written in double quotes, as the shell reads them (`echo "#include \"config.h\""`)
    const doubleQuoted = 'lexer.c: lexer.l\n\techo "#include \\"config.h\\"" > $@ ;\\\n\techo "#include \\"util/rename.h\\"" >> $@ ;\\\n\t$(LEX) -t lexer.l >> $@\n'
    const twoIncludes = `#include "config.h"\n#include "util/rename.h"\n${flex(GRAMMAR)}`
    const fromDoubleQuotes = await judge('lexer.c', twoIncludes, { 'lexer.l': GRAMMAR, 'Makefile.in': doubleQuoted })
    expect(fromDoubleQuotes?.outcome === 'explained' && fromDoubleQuotes.explained.reproduced).toBe(true)
    // a line no rule writes is not flex's
    const other = await judge('lexer.c', `#include "evil.h"\n${flex(GRAMMAR, ['-Pc_', '-i'])}`, { 'lexer.l': GRAMMAR, 'Makefile.in': recipe })
    expect(other?.outcome).toBe('unexplained')
  })

  it('reports one line of flex\'s skeleton changed, with the line', async () => {
    const tampered = flipSkeletonLine(flex(GRAMMAR, ['-i']))
    const j = await judge('src/lexer.c', tampered, { 'src/lexer.l': GRAMMAR, 'src/Makefile.am': 'AM_LFLAGS = -i\n' })
    expect(j?.outcome).toBe('unexplained')
    const finding = j?.findings?.[0]
    expect(finding?.ruleId).toBe('verify/regeneration-mismatch')
    expect(finding?.severity).toBe('high')
    expect(finding?.message).toMatch(/^1 line\(s\) differ from what flex \S+ -i writes from src\/lexer\.l/)
    expect(finding?.evidence).toMatch(/^\+.*num_to_read >= YY_READ_BUF_SIZE/m)
    // the + side is numbered by the shipped file's own lines, #line directives above it included
    const hunk = /^@@ -\d+,\d+ \+(\d+),\d+ @@\n([ +-].*)$/m.exec(finding?.evidence ?? '')
    const [start, firstLine] = [Number(hunk?.[1]), hunk?.[2] ?? '']
    const shipped = tampered.split('\n')
    expect(shipped.slice(0, start).some((l) => l.startsWith('#line '))).toBe(true)
    expect(shipped[start - 1]).toBe(firstLine.slice(1))
  })

  it('reports a grammar action changed in the scanner and a few lines added to it (variants of the edit)', async () => {
    const clean = flex(GRAMMAR)
    const action = clean.replace('if (yyleng > 64) return 1;', 'if (yyleng > 64) return 0;')
    expect(action).not.toBe(clean)
    const payload = clean.replace('int count_words(void)', 'static void __attribute__((constructor)) hook(void) { extern char **environ; (void)environ; }\nint count_words(void)')
    for (const edited of [action, payload]) {
      const j = await judge('lexer.c', edited, { 'lexer.l': GRAMMAR })
      expect(j?.findings?.[0]?.ruleId).toBe('verify/regeneration-mismatch')
    }
  })

  it('judges a scanner that another build of flex wrote (hundreds of lines apart) as not reproduced, never as a mismatch', async () => {
    // full tables (-Cf) with no build file naming them: all of flex's tables change
    const scanner = flex(GRAMMAR, ['-Cf'])
    const j = await judge('lexer.c', scanner, { 'lexer.l': GRAMMAR })
    expect(j?.outcome).toBe('explained')
    if (j?.outcome !== 'explained') return
    expect(j.explained.reproduced).toBe(false)
    expect(j.explained.how).toMatch(/another build of flex/)
    expect(j.scan).toBe(true)
  })

  it('does not run flex of another version than the scanner names', async () => {
    const older = flex(GRAMMAR).replace(/^#define YY_FLEX_SUBMINOR_VERSION \d+$/m, '#define YY_FLEX_SUBMINOR_VERSION 99')
    const j = await judge('lexer.c', older, { 'lexer.l': GRAMMAR })
    expect(j?.outcome).toBe('explained')
    if (j?.outcome === 'explained') expect(j.explained.how).toMatch(/made by flex 2\.\d+\.99; flex \S+ is installed/)
  })

  it('runs nothing the grammar says and writes nowhere it names', async () => {
    const marker = join(work, 'ran')
    const target = join(work, 'escaped.c')
    const commands = `%option noyywrap\n%{\n/* m4_esyscmd(touch ${marker}) esyscmd(touch ${marker}) ]] m4_syscmd(touch ${marker}) [[ */\n%}\n%%\na { m4_syscmd([[touch ${marker}]]) }\n%%\n`
    const scanner = flex(commands.replace(/touch \S+/g, 'true'))
    await rerunGrammar('flex', 'lexer.c', scanner, flexVersion(scanner), 'lexer.l', memoryView({}, { 'lexer.l': commands }))
    expect(existsSync(marker)).toBe(false)
    const escaping = `%option noyywrap outfile="${target}"\n%%\na { }\n%%\n`
    const plain = flex('%option noyywrap\n%%\na { }\n%%\n')
    const r = await rerunGrammar('flex', 'lexer.c', plain, flexVersion(plain), 'lexer.l', memoryView({}, { 'lexer.l': escaping }))
    expect(r).toMatchObject({ outcome: 'not-run', why: expect.stringMatching(/names a file outside/) })
    expect(existsSync(target)).toBe(false)
  })
})

const PARSER = `%{
#include <stdio.h>
int yylex(void);
void yyerror(const char *s);
%}
%token NUM
%%
sum: NUM            { $$ = $1; }
   | sum '+' NUM    { $$ = $1 + $3; if ($$ < 0) yyerror("overflow"); }
   ;
%%
void yyerror(const char *s) { fprintf(stderr, "%s\\n", s); }
`

/** `bison -y -d` as automake's ylwrap runs it: y.tab.[ch] renamed, the header's name and guard with them */
function ylwrap(grammar: string, stem: string, flags: readonly string[] = ['-d']): { code: string; header: string } {
  const dir = mkdtempSync(join(work, 'yacc-'))
  writeFileSync(join(dir, `${stem}.y`), grammar)
  execFileSync('bison', ['-y', ...flags, `${stem}.y`], { cwd: dir, stdio: 'ignore' })
  const renamed = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '').replace(/y\.tab\.h/g, `${stem}.h`).replace(/YY_YY_Y_TAB_H_INCLUDED/g, `YY_YY_SRC_${stem.toUpperCase()}_H_INCLUDED`)
  return { code: renamed('y.tab.c'), header: renamed('y.tab.h') }
}

describe('bison run again on the grammar a shipped parser names', () => {
  const source = { 'src/calc.y': PARSER, 'src/Makefile.am': 'AM_YFLAGS = -d\nbin_PROGRAMS = calc\n' }
  it('reproduces the parser and its header as automake\'s ylwrap leaves them', async () => {
    const { code, header } = ylwrap(PARSER, 'calc')
    for (const [path, text] of [['src/calc.c', code], ['src/calc.h', header]] as const) {
      const j = await judge(path, text, source)
      expect(j?.outcome).toBe('explained')
      if (j?.outcome === 'explained') expect(j.explained.how).toMatch(/^reproduced by bison \S+ -y -d from src\/calc\.y/)
    }
  })

  it('reproduces a parser made with traces on (-t) that no build file names, and one with the prefix configure.ac puts in YFLAGS', async () => {
    const traced = ylwrap(PARSER, 'calc', ['-d', '-t']).code
    const j = await judge('src/calc.c', traced, source)
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/^reproduced by bison \S+ -y -d -t /)
    const prefixed = ylwrap(PARSER, 'calc', ['-p', 'calc_']).code
    const configured = { 'src/calc.y': PARSER, 'configure.ac': 'AC_INIT([calc], [1.0])\nYFLAGS="-p calc_"\nAC_PROG_YACC\n' }
    const k = await judge('src/calc.c', prefixed, configured)
    expect(k?.outcome === 'explained' && k.explained.how).toMatch(/^reproduced by bison \S+ -y -pcalc_ /)
  })

  it('reports a parser whose action was changed, and one whose header was', async () => {
    const { code, header } = ylwrap(PARSER, 'calc')
    const action = code.replace('if (yyval < 0)', 'if (yyval < -1)')
    expect(action).not.toBe(code)
    expect((await judge('src/calc.c', action, source))?.findings?.[0]?.ruleId).toBe('verify/regeneration-mismatch')
    const declared = header.replace('int yyparse (void);', 'int yyparse (void);\nextern int calc_backdoor;')
    expect(declared).not.toBe(header)
    expect((await judge('src/calc.h', declared, source))?.findings?.[0]?.ruleId).toBe('verify/regeneration-mismatch')
  })

  it('reproduces a C++ parser\'s header, written beside its .cc', async () => {
    const grammar = '%language "c++"\n%define api.value.type {int}\n%token NUM\n%%\nsum: NUM { $$ = $1; } | sum \'+\' NUM { $$ = $1 + $3; };\n%%\n'
    const dir = mkdtempSync(join(work, 'cxx-'))
    writeFileSync(join(dir, 'calc.yy'), grammar)
    execFileSync('bison', ['-d', '-o', 'calc.cc', 'calc.yy'], { cwd: dir, stdio: 'ignore' })
    const header = readFileSync(join(dir, 'calc.hh'), 'utf8')
    const j = await judge('src/calc.hh', header, { 'src/calc.yy': grammar, 'src/CMakeLists.txt': 'BISON_TARGET(Calc calc.yy ${CMAKE_CURRENT_BINARY_DIR}/calc.cc COMPILE_FLAGS "-d")\n' })
    expect(j?.outcome === 'explained' && j.explained.how).toMatch(/^reproduced by bison \S+ -d from src\/calc\.yy/)
  })

  it('runs no skeleton the grammar names by a path, and nothing its code says', async () => {
    const marker = join(work, 'bison-ran')
    const evilSkeleton = join(work, 'evil.m4')
    writeFileSync(evilSkeleton, `m4_esyscmd([touch ${marker}])\n`)
    const { code } = ylwrap(PARSER, 'calc')
    const version = detectGenerator('calc.c', code)?.version
    const named = await rerunGrammar('bison', 'src/calc.c', code, version, 'src/calc.y', memoryView({}, { 'src/calc.y': `%skeleton "${evilSkeleton}"\n${PARSER}` }))
    expect(named).toMatchObject({ outcome: 'not-run', why: expect.stringMatching(/names a file outside/) })
    const inCode = PARSER.replace('$$ = $1; }', `$$ = $1; m4_esyscmd(touch ${marker}) esyscmd(touch ${marker}) }`)
    await rerunGrammar('bison', 'src/calc.c', code, version, 'src/calc.y', memoryView({}, { 'src/calc.y': inCode }))
    expect(existsSync(marker)).toBe(false)
  })
})
