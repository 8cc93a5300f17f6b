/**
 * @fileoverview What one command does to the bytes that flow through it: decode, carve, map
 * characters, copy in disguise, or execute them.
 */
import type { Command, Redirect } from './ast.js'
import { isCharacterSwap, translation } from './tr.js'
import { isNoOpSed, sedInvocation, sedTransliterations } from './sed.js'
import { hasFlag, operands, program, type Program } from './words.js'

/** Replaces a word that is one variable reference by the variable's known literal value. */
export type Literal = (text: string) => string

const identity: Literal = (t) => t

export interface StepFacts {
  /** turns stored bytes into other bytes: `xz -d`, `base64 -d`, `openssl enc -d`, `rev`, ... */
  readonly decoder?: string
  /** cuts a byte range: `head -c`, `tail -c`, `dd skip=` */
  readonly carving?: string
  /** maps characters (tr SET1 SET2, sed y): `swap` when SET2 only permutes SET1 */
  readonly charMap?: 'swap' | 'map'
  /** sed whose script does nothing: a cat in disguise */
  readonly sedCat?: boolean
  /** executes what it reads on standard input */
  readonly sink?: string
  /** brings bytes in from the network: `curl`, `wget -O-`, `nc host port` */
  readonly fetch?: string
}

/** Tools configure scripts keep in upper-case variables: `$XZ -d` is `xz -d`. */
const TOOL_VARIABLES: Readonly<Record<string, string>> = {
  $XZ: 'xz', $LZMA: 'lzma', $GZIP_PROG: 'gzip', $GUNZIP: 'gunzip', $BZIP2: 'bzip2', $ZSTD: 'zstd', $BASE64: 'base64', $OPENSSL: 'openssl',
  $TR: 'tr', $SED: 'sed', $AWK: 'awk', $PERL: 'perl', $PYTHON: 'python', $HEAD: 'head', $TAIL: 'tail', $DD: 'dd', $XXD: 'xxd',
  $GREP: 'grep', $EGREP: 'grep', $FGREP: 'grep', $SHELL: '$SHELL', $CONFIG_SHELL: '$SHELL', $BASH: 'bash', $SH: 'sh', $as_shell: '$SHELL', $ac_shell: '$SHELL', $shell: '$SHELL',
}

/** The program name, with variables holding a known literal (or a known tool) replaced. */
export function programNameOf(p: Program, literal: Literal = identity): string {
  if (!p.name.startsWith('$')) return p.name
  const value = literal(p.word?.text ?? p.name).trim()
  if (value !== (p.word?.text ?? p.name) && !/\s/.test(value)) {
    // `SHELL = @SHELL@` in a Makefile.in: configure fills the program in, and the variable's name says which
    const substituted = SUBSTITUTED.exec(value)?.[1]
    if (substituted === undefined) return value.replace(/^.*\//, '')
    return TOOL_VARIABLES[`$${substituted}`] ?? TOOL_VARIABLES[p.name] ?? p.name
  }
  return TOOL_VARIABLES[p.name] ?? p.name
}
/** a value configure substitutes whole (`@PERL@`) */
const SUBSTITUTED = /^@([A-Za-z_][A-Za-z0-9_]*)@$/

const ALWAYS_DECODES = /^(?:unxz|xzcat|xzdec|unlzma|lzcat|lzmadec|gunzip|zcat|gzcat|bunzip2|bzcat|unzstd|zstdcat|lz4cat|unlz4|unlzip|lzipcat|uncompress|unpigz|uudecode|lzfse)$/
const DECOMPRESSORS = /^(?:xz|lzma|lzip|plzip|gzip|pigz|bzip2|pbzip2|lbzip2|zstd|pzstd|lz4|lzop|brotli|compress|pixz|snzip)$/
const CODECS = /^(?:base64|base32|basenc|gbase64)$/
const CIPHERS = /^(?:gpg2?|age|ccrypt|mcrypt|scrypt)$/
const SHELLS = /^(?:sh|bash|dash|ksh|ksh93|mksh|pdksh|zsh|ash|yash|posh|busybox|\$SHELL)$/
const INTERPRETERS = /^(?:python(?:\d[\d.]*)?|perl(?:\d[\d.]*)?|ruby(?:\d[\d.]*)?|node|nodejs|php(?:\d[\d.]*)?|lua(?:\d[\d.]*)?|tclsh(?:\d[\d.]*)?)$/
const SCRIPT_TOOLS = /^(?:perl(?:\d[\d.]*)?|python(?:\d[\d.]*)?|ruby(?:\d[\d.]*)?|node|nodejs|php(?:\d[\d.]*)?|awk|gawk|mawk|nawk|busybox)$/
/** inline scripts that turn encoded text into bytes */
const DECODING_SCRIPT =
  /decode_base64|base64_decode|gzinflate|gzuncompress|MIME::Base64|b64decode|decode64|base64\.|\bunhexlify|fromhex|a2b_|\bpack\s*\(?\s*["']?[Hhu]|\bunpack\b|\bchr\s*\(|\bhex\s*\(|\boct\s*\(|\bzlib\b|\blzma\b|decompress|inflate|Buffer\.from\([^)]*(?:base64|hex)|\batob\b|strtonum|%c/

/** a script's own ways to run a command or code: Python's, Perl's, Ruby's, PHP's, node's, awk's */
const EXECUTING_SCRIPT = /\bos\.(?:system|popen|exec\w*|spawn\w*)\s*\(|\bsubprocess\.|\b(?:exec|eval|system|popen|passthru|shell_exec|execSync|spawnSync)\s*\(|\bchild_process\b|\bKernel\.(?:system|exec)\b|\bIO\.popen\b|\|\s*getline\b/

/** Only a script tool can run what its own script decodes: asked first, it spares reading the arguments of every other command. */
export const mayRunWhatItDecodes = (name: string): boolean => SCRIPT_TOOLS.test(name)

/**
 * An interpreter given a script on its command line that both decodes and runs code or a command
 * (`python3 -c '…os.system(base64.b64decode(…))'`): the decoding and the shell are one process, so
 * no pipe shows them.
 */
export function runsWhatItDecodes(name: string, args: readonly string[]): boolean {
  if (!mayRunWhatItDecodes(name)) return false
  const script = inlineScript(name, args)
  return script !== undefined && DECODING_SCRIPT.test(script) && EXECUTING_SCRIPT.test(script)
}

/** variables holding tools whose `-d` means something else (`$(INSTALL) -d` makes directories) */
const NOT_DECODERS = /FLAGS$|LIBS?$|_LIB$|DIR$|PATH$|ARGS$|OPTS$|^\$(?:[A-Z0-9]+_)*(?:INSTALL|MKDIR|GREP|EGREP|DIFF|CMP|SORT|LS|CC|CXX|CPP|LD|AR|RANLIB|STRIP|MAKE|LIBTOOL|DATE|TOUCH|FIND|RM|CP|MV|LN|LN_S|CHMOD|TAR|MSGFMT|MSGMERGE|XGETTEXT|GIT|PKG_CONFIG|DOXYGEN)(?:_[A-Z0-9]+)*$/
const DEVICE_SOURCES = /^\/dev\/(?:u?random|zero|null)$/
const FETCHERS = /^(?:curl|wget|wget2|fetch|ftp|tftp|aria2c|lwp-request|lwp-download|GET|http|https|xh|nc|ncat|netcat|socat|\$CURL|\$WGET)$/

/**
 * Every name a fact below can be found for, but for names still held in a variable (`$X`): asked of
 * every command, it lets the many that do nothing to a stream (test, echo, assignments) skip
 * reading their arguments and every rule's own pattern.
 */
const MAY_HAVE_FACTS = new RegExp(
  [ALWAYS_DECODES, DECOMPRESSORS, CODECS, CIPHERS, SCRIPT_TOOLS, SHELLS, INTERPRETERS, FETCHERS, /^(?:openssl|xxd|tinyxxd|rev|tar|bsdtar|gtar|unzip|7z|7za|7zz|head|tail|dd|tr|gtr|sed|gsed|source|\.|printf|echo)$|^perl/]
    .map((r) => `(?:${r.source})`)
    .join('|'),
)
const NO_FACTS: StepFacts = {}

/** What a command does to its stream. */
export function stepFacts(cmd: Command, literal: Literal = identity): StepFacts {
  if (cmd.compound) return {}
  const p = program(cmd)
  const name = programNameOf(p, literal)
  if (!name.startsWith('$') && !MAY_HAVE_FACTS.test(name)) return NO_FACTS
  const args = p.args.map((w) => literal(w.text))
  const decoder = decoderOf(name, args, p)
  const carving = carvingOf(name, args, cmd, literal)
  const charMap = charMapOf(name, args)
  const sedCat = name === 'sed' || name === 'gsed' ? isNoOpSed(sedInvocation(p.args)) : false
  const sink = sinkOf(name, args)
  const fetch = FETCHERS.test(name) && !args.some((a) => /^--?(?:version|help)$/.test(a)) ? name.replace(/^\$/, '').toLowerCase() : undefined
  // echo and printf pass the test above and mostly do nothing to a stream
  if (!decoder && !carving && !charMap && !sedCat && !sink && !fetch) return NO_FACTS
  return {
    ...(decoder ? { decoder } : {}),
    ...(carving ? { carving } : {}),
    ...(charMap ? { charMap } : {}),
    ...(sedCat ? { sedCat } : {}),
    ...(sink ? { sink } : {}),
    ...(fetch ? { fetch } : {}),
  }
}

function decoderOf(name: string, args: readonly string[], p: Program): string | undefined {
  if (ALWAYS_DECODES.test(name)) return name
  if (DECOMPRESSORS.test(name) && hasFlag(args, 'd', /^--(?:decompress|uncompress)$/)) return `${name} -d`
  if (CODECS.test(name) && (hasFlag(args, 'd', /^--decode$/) || hasFlag(args, 'D'))) return `${name} -d`
  if (CIPHERS.test(name) && (hasFlag(args, 'd', /^--decrypt$/) || args.includes('--decrypt'))) return `${name} --decrypt`
  if (name === 'openssl' && args.some((a) => a === '-d' || a === '-decrypt' || a === '-base64d')) return `openssl ${args[0] ?? ''} -d`.replace(/\s+/g, ' ')
  if ((name === 'xxd' || name === 'tinyxxd') && hasFlag(args, 'r', /^--?revert$/)) return 'xxd -r'
  if (name === 'rev') return 'rev'
  if ((name === 'printf' || name === 'echo') && args.reduce((n, a) => n + escapedPrintables(a), 0) >= HIDDEN_TEXT_ESCAPES) return `${name} of escaped text`
  if ((name === 'tar' || name === 'bsdtar' || name === 'gtar') && tarExtractsToStdout(args)) return 'tar -xO'
  if (name === 'unzip' && hasFlag(args, 'p')) return 'unzip -p'
  if ((name === '7z' || name === '7za' || name === '7zz') && args.includes('-so')) return '7z -so'
  if (SCRIPT_TOOLS.test(name)) {
    const script = inlineScript(name, args)
    if (script !== undefined && DECODING_SCRIPT.test(script)) return `${name} (decoding script)`
  }
  // a decompressor chosen at run time: `$prefix -d`, `${DECOMPRESS} -dc`
  if (name.startsWith('$') && !NOT_DECODERS.test(name) && args.some((a) => /^-[cfkqvT]*d[cfkqvT]*$|^--(?:decompress|decode)$/.test(a))) return `${p.word?.text ?? name} -d (a decoder chosen at run time)`
  return undefined
}

/** `\x72`, `\162`, `\0162`, `\u0072`, or `\\` (a backslash, which escapes nothing) */
const ESCAPE = /\\(?:\\|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{4})|(0[0-7]{1,3}|[1-7][0-7]{0,2}))/g

/**
 * How many printable characters the text spells as escapes. A script writes `rm` as `\x72\x6d` only
 * so that a reader, or a grep, does not see it; control characters (`\033[1m`, `\n`, `\t`) are what
 * escapes are for, and quotes are escaped to get past quoting: neither is counted.
 */
export function escapedPrintables(text: string): number {
  if (!text.includes('\\')) return 0
  let n = 0
  for (const m of text.matchAll(ESCAPE)) {
    const digits = m[1] ?? m[2] ?? m[3]
    if (digits === undefined) continue
    const code = parseInt(digits, m[3] !== undefined ? 8 : 16)
    if (code > 0x20 && code < 0x7f && !QUOTING.includes(String.fromCharCode(code))) n++
  }
  return n
}

/** quotes, `$`, backquote and backslash: escaped to get them past the shell's quoting, not to hide them */
const QUOTING = `'"$\`\\`

/** Escaped printable characters from which a word is hidden text rather than formatting: `rm` is two. */
export const HIDDEN_TEXT_ESCAPES = 2

function tarExtractsToStdout(args: readonly string[]): boolean {
  const first = args[0] ?? ''
  const bundled = /^[A-Za-z]+$/.test(first) ? first : ''
  const x = bundled.includes('x') || hasFlag(args, 'x', /^--(?:extract|get)$/)
  const o = bundled.includes('O') || hasFlag(args, 'O', /^--to-stdout$/)
  return x && o
}

/** The program text given on the command line (`perl -e`, `python -c`, awk's first operand). */
export function inlineScript(name: string, args: readonly string[]): string | undefined {
  if (/awk$/.test(name)) {
    for (let i = 0; i < args.length; i++) {
      const a = args[i] ?? ''
      if (a === '-f') return undefined
      if (a === '-v' || a === '-F') {
        i++
        continue
      }
      if (/^-[vF]./.test(a) || a === '--') continue
      if (!a.startsWith('-')) return a
    }
    return undefined
  }
  // php runs the code given with -r; perl, python, ruby and node take -e, -E or -c
  const option = /^php/.test(name) ? /^-r$/ : /^-[a-zA-Z]*[ecE]$/
  const flag = args.findIndex((a) => option.test(a))
  return flag >= 0 ? args[flag + 1] : undefined
}

function carvingOf(name: string, args: readonly string[], cmd: Command, literal: Literal): string | undefined {
  const input = (file: string | undefined) => file !== undefined && DEVICE_SOURCES.test(literal(file))
  const redirectedFrom = cmd.redirects.find((r) => r.op === '<')?.target?.text
  if (name === 'head' || name === 'tail') {
    const bytes = args.some((a, i) => /^-c/.test(a) || /^--bytes/.test(a) || (a === '-c' && args[i + 1] !== undefined))
    if (!bytes) return undefined
    const files = args.filter((a, i) => !a.startsWith('-') && !/^\+?\d+[kKmMbB]?$/.test(a) && !(args[i - 1] === '-c' || args[i - 1] === '--bytes'))
    if (files.some(input) || input(redirectedFrom)) return undefined
    return `${name} -c`
  }
  if (name === 'dd') {
    if (!args.some((a) => /^(?:skip|iseek|count)=/.test(a))) return undefined
    const from = args.find((a) => a.startsWith('if='))?.slice(3) ?? redirectedFrom
    if (input(from)) return undefined
    return 'dd skip=/count='
  }
  return undefined
}

/**
 * Upper-casing or lower-casing (`tr a-z A-Z`, `sed y/abc/ABC/`), one way only: how build scripts
 * make macro names, and no way to hide code — a shell command or base64 text does not survive it.
 * A case swap (`A-Za-z` → `a-zA-Z`) is a swap, not this.
 */
function isCaseConversion(map: ReadonlyMap<string, string>): boolean {
  const changed = [...map].filter(([a, b]) => a !== b)
  const up = changed.every(([a, b]) => a.toUpperCase() === b && a === a.toLowerCase())
  const down = changed.every(([a, b]) => a.toLowerCase() === b && a === a.toUpperCase())
  return changed.length > 0 && (up || down)
}

const WHITESPACE = /^[ \t\n\r\f\v]$/

/**
 * Turning line breaks into spaces and back (`tr '\040' '\012'`, `tr '\r\n' '@@'`, libtool's
 * SP2NL/NL2SP): every changed character becomes whitespace or was whitespace, with at most one
 * other character standing in for a line break. Every word of the text stays as it was, so nothing
 * is hidden by it; a swap of anything else (`-` ↔ `_`) is not this.
 */
function isLineFormatting(map: ReadonlyMap<string, string>): boolean {
  const changed = [...map].filter(([a, b]) => a !== b)
  if (changed.length === 0 || !changed.every(([a, b]) => WHITESPACE.test(a) || WHITESPACE.test(b))) return false
  return new Set(changed.flat().filter((c) => !WHITESPACE.test(c))).size <= 1
}

function charMapOf(name: string, args: readonly string[]): 'swap' | 'map' | undefined {
  if (name === 'tr' || name === 'gtr') {
    if (args.some((a) => /^-[a-zA-Z]*[dscC]/.test(a) || /^--(?:delete|squeeze|complement)/.test(a))) return undefined
    const sets = operands(args.filter((a) => a !== '-t' && a !== '--truncate-set1'))
    if (sets.length !== 2) return undefined
    const t = translation(sets[0] ?? '', sets[1] ?? '')
    if (!t || [...t.map].every(([a, b]) => a === b) || isCaseConversion(t.map) || isLineFormatting(t.map)) return undefined
    return isCharacterSwap(sets[0] ?? '', sets[1] ?? '') ? 'swap' : 'map'
  }
  let found: 'swap' | 'map' | undefined
  const consider = (set1: string, set2: string) => {
    const map = translation(set1, set2)?.map
    if (map && (isCaseConversion(map) || isLineFormatting(map))) return
    if (isCharacterSwap(set1, set2)) found = 'swap'
    else if (found === undefined && [...(map ?? [])].some(([a, b]) => a !== b)) found = 'map'
  }
  if (name === 'sed' || name === 'gsed') {
    for (const script of sedScripts(args)) for (const m of sedTransliterations(script)) consider(m.from.map(escapeForTr).join(''), m.to.map(escapeForTr).join(''))
  } else if (/^perl/.test(name)) {
    for (const m of perlTransliterations(inlineScript(name, args) ?? '')) consider(m.set1, m.set2)
  }
  return found
}

const escapeForTr = (c: string): string => (c === '\\' ? '\\\\' : c === '-' ? '\\-' : c)

function sedScripts(args: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '-e' || a === '--expression') out.push(args[++i] ?? '')
    else if (a.startsWith('--expression=')) out.push(a.slice(13))
  }
  if (out.length === 0) {
    const first = args.find((a) => !a.startsWith('-'))
    if (first !== undefined) out.push(first)
  }
  return out
}

/** `tr/SET1/SET2/` and `y/SET1/SET2/` in a perl script; perl reads ranges as tr does. */
function perlTransliterations(script: string): { set1: string; set2: string }[] {
  const out: { set1: string; set2: string }[] = []
  for (const m of script.matchAll(/(?:^|[^\w$@%])(?:tr|y)\/((?:\\.|[^/\\])*)\/((?:\\.|[^/\\])*)\//g)) out.push({ set1: m[1] ?? '', set2: m[2] ?? '' })
  return out
}

function sinkOf(name: string, args: readonly string[]): string | undefined {
  if (SHELLS.test(name)) {
    if (name === 'busybox' && args[0] !== 'sh' && args[0] !== 'ash') return undefined
    const rest = name === 'busybox' ? args.slice(1) : args
    if (rest.some((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a))) return undefined
    const ops = shellOperands(rest)
    if (ops.length === 0 || ops[0] === '-' || ops[0] === '/dev/stdin' || hasFlag(rest, 's')) return name
    return undefined
  }
  if (INTERPRETERS.test(name)) {
    if (args.some((a) => /^-[a-zA-Z]*[ecEnpmr]/.test(a))) return undefined
    const ops = operands(args)
    if (ops.length === 0 || ops[0] === '-' || ops[0] === '/dev/stdin') return name
    return undefined
  }
  if ((name === 'source' || name === '.') && (args[0] === '/dev/stdin' || args[0] === '/proc/self/fd/0' || args[0] === '-')) return name
  return undefined
}

/** The file a shell, an interpreter, `source` or `.` runs as a script: `sh doc/x.1` → `doc/x.1`. */
export function scriptOperand(name: string, args: readonly string[]): string | undefined {
  if (SHELLS.test(name)) {
    const rest = name === 'busybox' ? (args[0] === 'sh' || args[0] === 'ash' ? args.slice(1) : []) : args
    if (rest.some((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a))) return undefined
    const first = shellOperands(rest)[0]
    return first === '-' ? undefined : first
  }
  if (INTERPRETERS.test(name)) {
    if (args.some((a) => /^-[a-zA-Z]*[ecEnpmr]/.test(a))) return undefined
    const first = operands(args)[0]
    return first === '-' ? undefined : first
  }
  if (name === 'source' || name === '.') return args[0]
  return undefined
}

/** a path that reads an open descriptor: `/dev/fd/3`, `/proc/self/fd/3` */
const DESCRIPTOR_PATH = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d+)$/

/** The files a script opens on descriptors of its own with a bare `exec` (`exec 3<README`), by descriptor. */
export function openedDescriptors(commands: readonly Command[], literal: Literal = identity): Map<string, string> {
  const opened = new Map<string, string>()
  for (const cmd of commands) {
    if (cmd.compound || cmd.words.length !== 1 || cmd.words[0]?.text !== 'exec') continue
    for (const r of cmd.redirects) if ((r.op === '<' || r.op === '<>') && /^\d+$/.test(r.fd) && r.target) opened.set(r.fd, literal(r.target.text))
  }
  return opened
}

/** The file a path reads: itself, or for `/dev/fd/3` the file the script opened on descriptor 3. `opened` is asked only then. */
export function throughDescriptor(path: string, opened: () => ReadonlyMap<string, string>): string | undefined {
  const fd = DESCRIPTOR_PATH.exec(path)?.[1]
  return fd === undefined ? path : opened().get(fd)
}

/** The file a redirection reads from: `< FILE`, `<> FILE`, or `<&3` for what the script opened on descriptor 3. */
export function redirectedFrom(r: Redirect, literal: Literal, opened: () => ReadonlyMap<string, string>): string | undefined {
  if (r.target === undefined) return undefined
  const target = literal(r.target.text)
  if (r.op === '<' || r.op === '<>') return throughDescriptor(target, opened)
  return r.op === '<&' ? opened().get(target) : undefined
}

/**
 * The file a shell, an interpreter or `.` runs as its script, given its operand, followed through a
 * descriptor or its standard input: `. /dev/fd/3` or `sh /proc/self/fd/3` after `exec 3<README`,
 * `sh < README`, `sh <&3`. `opened` is asked only when a descriptor is named.
 */
export function scriptThroughRedirect(cmd: Command, operand: string | undefined, literal: Literal, opened: () => ReadonlyMap<string, string>): string | undefined {
  const readsStdin = operand === undefined ? cmd.redirects.length > 0 && stepFacts(cmd, literal).sink !== undefined : operand === '/dev/stdin' || DESCRIPTOR_PATH.exec(operand)?.[1] === '0'
  if (!readsStdin) return operand === undefined ? undefined : throughDescriptor(operand, opened)
  // the redirection of its standard input
  const stdin = cmd.redirects.find((r) => (r.fd === '' || r.fd === '0') && r.op.startsWith('<'))
  return stdin === undefined ? undefined : redirectedFrom(stdin, literal, opened)
}

/**
 * the compiler options that read a file as code ahead of the source (gcc's and clang's `-include`,
 * `-imacros`), joined or not; other tools' `--include` (grep's, help2man's, rsync's) name no code
 */
const INCLUDE_OPTION = /^(-(?:include|imacros))(.+)?$/
/** a word that spells one of them, alone or inside a value; configure's own options (`--includedir`, `--x-includes`) are none */
const INCLUDE_SPELLED = /(?<![\w-])-(?:include|imacros)(?![ds-])/

/**
 * For one build file, the files a command has the compiler include ({@link compilerIncludes}); a
 * command is read only when one of its lines spells the option, which the file's text says once.
 */
export function compilerIncludesOf(text: string): (cmd: Command, literal: Literal) => Array<{ path: string; option: string }> {
  const lines = new Set<number>()
  let line = 1
  let at = 0
  for (const m of text.matchAll(new RegExp(INCLUDE_SPELLED.source, 'g'))) {
    for (let i = text.indexOf('\n', at); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++
    at = m.index
    lines.add(line)
  }
  if (lines.size === 0) return () => []
  return (cmd, literal) => {
    for (let l = cmd.line; l <= cmd.endLine; l++) if (lines.has(l)) return compilerIncludes(cmd, literal)
    return []
  }
}

/**
 * The files a command's words have the compiler include as code (`-include x.h`), also from a
 * value it assigns (`CFLAGS="$CFLAGS -include x.h"`). Only a command that spells such an option
 * itself is read word by word: one held in a variable (`$INC README`) is not seen.
 */
function compilerIncludes(cmd: Command, literal: Literal = identity): Array<{ path: string; option: string }> {
  if (!cmd.words.some((w) => INCLUDE_SPELLED.test(w.text))) return []
  const tokens = cmd.words.flatMap((w) => literal(w.text).replace(/["']/g, '').split(/\s+/)).filter((t) => t !== '')
  const out: Array<{ path: string; option: string }> = []
  for (const [i, token] of tokens.entries()) {
    const m = INCLUDE_OPTION.exec(token)
    const path = m ? (m[2] ?? tokens[i + 1]) : undefined
    if (m && path !== undefined) out.push({ path, option: m[1] ?? token })
  }
  return out
}

/** A program that {@link scriptOperand} may find a script for: anything else runs no file as a script. */
export const runsScriptFiles = (name: string): boolean => SHELLS.test(name) || INTERPRETERS.test(name) || name === 'source' || name === '.'

/** Operands of sh, skipping `-o option` and `+o option` pairs. */
function shellOperands(args: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '-o' || a === '+o') i++
    else if (a === '--' || a === '-') {
      if (a === '-') out.push(a)
      out.push(...args.slice(i + 1))
      break
    } else if (!/^[-+]/.test(a)) {
      out.push(...args.slice(i))
      break
    }
  }
  return out
}

/**
 * The file a network client writes what it fetches to, by its own option: `curl -o f`, `curl -O URL`
 * (the URL's last part), `wget -O f`, `wget URL` (the same), `--output f`, `--output-document=f`.
 */
export function downloadedFile(fetch: string, args: readonly string[]): string | undefined {
  const file = savedAs(fetch, args)
  // `-o -`: standard output, which the pipe it feeds is judged by
  return file === '-' ? undefined : file
}

function savedAs(fetch: string, args: readonly string[]): string | undefined {
  const url = args.find((a) => /^(?:https?|ftps?):\/\//.test(a))
  const remoteName = url?.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop()
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    const long = /^--(?:output|output-document)=(.+)$/.exec(a)
    if (long) return long[1]
    if (a === '--output' || a === '--output-document' || (fetch === 'curl' && /^-[a-zA-Z]*o$/.test(a)) || (fetch.startsWith('wget') && /^-[a-zA-Z]*O$/.test(a))) return args[i + 1]
    if (fetch === 'curl' && /^-[a-zA-Z]*O[a-zA-Z]*$/.test(a)) return remoteName
  }
  // wget saves under the URL's name unless told to write elsewhere
  return fetch.startsWith('wget') && !args.some((a) => /^-[a-zA-Z]*O|^--output-document|^-q?-?O-$/.test(a)) ? remoteName : undefined
}

/** Commands whose argument runs as code: `eval`, `source`, `.`. */
export const isEvaluator = (name: string): boolean => name === 'eval' || name === 'source' || name === '.'

export const isShellName = (name: string): boolean => SHELLS.test(name)

/** Strong steps: what makes a pipe into a shell worth a reviewer's time. */
export const isObfuscatingStep = (f: StepFacts): boolean => f.decoder !== undefined || f.carving !== undefined || f.charMap !== undefined || f.sedCat === true

/** The words of a CMake or meson call, its arguments in order: `file(READ x v)` gives READ, x, v. */
export const macroWords = (cmd: Command): string[] => cmd.compound?.parts.flatMap((p) => p.pipelines.flatMap((pl) => pl.commands.flatMap((c) => c.words.map((w) => w.text)))) ?? []
