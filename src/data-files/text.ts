/** @fileoverview Text heuristics: is a blob text, does text read like shell, and where does text carry encoded bytes. */
import { isUtf8 as bufferIsUtf8 } from 'node:buffer'

/**
 * Share of bytes in a sample that are printable ASCII, whitespace or UTF-8-range bytes. The XZ
 * payload script carried a line of binary junk, so callers use a threshold, not "no odd byte".
 */
export function textRatio(bytes: Uint8Array, sample = 64 * 1024): number {
  const n = Math.min(bytes.length, sample)
  if (n === 0) return 1
  let text = 0
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0
    if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c || b >= 0x80) text++
  }
  return text / n
}

/** Text: no NUL byte in the first 8 KiB and at least 95% text bytes. */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false
  const head = bytes.subarray(0, 8192)
  if (head.includes(0)) return false
  return textRatio(bytes) >= 0.95
}

/** Whether the bytes are UTF-8; `partial`: a head cut from a longer file, where a sequence cut at its end is not held against it. */
export function isUtf8(bytes: Uint8Array, partial = false): boolean {
  // node's own check where nothing is cut off: no decoding, no exception per line of a long 8-bit file
  if (!partial) return bufferIsUtf8(bytes)
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: partial })
    return true
  } catch {
    return false
  }
}

/**
 * Text a shell, make, m4 or node reads as text: UTF-8, or 8-bit text in another encoding (Latin-1,
 * Windows-1252) whose ASCII bytes, all of those languages' syntax, read the same in any of them.
 * One byte that is not UTF-8 in a comment must not turn a build script into "binary" nobody reads.
 */
export const isText = (bytes: Uint8Array, partial = false): boolean => !bytes.subarray(0, 8192).includes(0) && (isUtf8(bytes, partial) || looksLikeText(bytes))

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The bytes as text: UTF-8 where they are UTF-8 (a byte-order mark dropped), else, where they are
 * 8-bit text, line by line: a line that is UTF-8 as UTF-8, any other byte for byte (Latin-1), so
 * every ASCII character stands where it stood. Files mix the two: Perl prints a line whose
 * characters all fit in Latin-1 in Latin-1 and any other in UTF-8 (git2cl's ChangeLog, with
 * `Simon Steinbeiß` in one byte and `Jiří` in two). Undefined for binary data.
 */
export function decodeText(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes)
  } catch {
    return looksLikeText(bytes) ? lineByLine(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) : undefined
  }
}

function lineByLine(bytes: Buffer): string {
  const lines: string[] = []
  for (let start = 0; start <= bytes.length; ) {
    const newline = bytes.indexOf(0x0a, start)
    const end = newline < 0 ? bytes.length : newline + 1
    const line = bytes.subarray(start, end)
    lines.push(isUtf8(line) ? line.toString('utf8') : line.toString('latin1'))
    if (newline < 0) break
    start = end
  }
  const text = lines.join('')
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** Lines whose shape only shell gives them. Each pattern needs a shell-only construct, not just a word. */
const SHELL_LINE: readonly RegExp[] = [
  /^\s*(?:if|elif|while|until)\s+(?:test\s|\[\s|!\s|\w[\w.-]*\s+-)/,
  /;\s*then\s*$|^\s*then\s*$|^\s*(?:fi|done|esac|else)\s*;?\s*$|;\s*do\s*$|^\s*do\s*$/,
  /^\s*for\s+\w+\s+in\s/,
  /^\s*case\s+\S+\s+in\s*$/,
  /^\s*export\s+\w+=/,
  /^\s*eval\s+["'`$(]/,
  /^\s*[A-Za-z_]\w*=(?:["'`$]|[^\s=;(){}]*\s*$)/,
  /`[^`\n]*\b(?:grep|sed|cat|head|tail|tr|echo|expr|uname)\b[^`\n]*`/,
  /\$\((?:[a-z]|\()/,
  /\|\s*(?:\/bin\/)?(?:ba|da|z)?sh\b|\|\s*eval\b/,
  /\bhead\s+-c\s*\+?\d|\btail\s+-c\s*\+?\d|\bdd\s+[^\n]*\b(?:skip|count|bs)=/,
  /\btr\s+["'][^"']*\\\d{1,3}/,
  /\b(?:xz|gzip|bzip2|zstd|lzma|base64)\s+(?:-\w*d\w*|--decode|--decompress)\b/,
  /[>&]\s*\/dev\/null\b/,
  /\$\{?[A-Za-z_]\w*\}?[^\n]*(?:&&|\|\|)|(?:&&|\|\|)[^\n]*\$\{?[A-Za-z_]\w*/,
]

/** Lines that shell rarely has and C, JavaScript, Python or prose often do. */
const NOT_SHELL_LINE: readonly RegExp[] = [
  /^\s*#\s*(?:include|define|ifn?def|endif|pragma)\b/,
  /^\s*(?:def|class|import|from|function|const|let|var|public|private|static|return|struct|typedef|int|void|char)\b[^=]*[({:;]/,
  /;\s*(?:\/\/.*)?$/,
  /^\s*[{}]\s*$/,
  /^\s*(?:\/\/|\/\*|\*)/,
]

/**
 * Conservative: text whose code lines are mostly shell constructs (tests, `$(`, `eval`, pipes into
 * `sh`, `head -c`, `tr` with octal escapes, assignments, `export`) and rarely C/JS/Python
 * constructs. A shebang naming a shell is enough on its own. Prose, C and Makefiles stay false.
 */
export function looksLikeShell(text: string): boolean {
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text)
  if (shebang) {
    const program = (shebang[1]?.endsWith('/env') ? shebang[2] : shebang[1]) ?? ''
    return /(?:^|\/)(?:ba|da|k|z|a)?sh$/.test(program)
  }
  let code = 0
  let shell = 0
  let notShell = 0
  for (const raw of text.split('\n').slice(0, 2000)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    code++
    if (SHELL_LINE.some((re) => re.test(raw))) shell++
    else if (NOT_SHELL_LINE.some((re) => re.test(raw))) notShell++
  }
  if (code === 0) return false
  return shell >= 3 && shell >= 0.5 * code && notShell <= shell / 4
}

export type Encoding = 'base64' | 'hex'

export interface EncodedRun {
  readonly encoding: Encoding
  /** offset and length of the run in the text, in bytes */
  readonly offset: number
  readonly length: number
}

/** base64 wrapped at any width (MIME 76, PEM 64) or unwrapped */
const BASE64_RUN = /[A-Za-z0-9+/]{40,}(?:={0,2})(?:\r?\n[A-Za-z0-9+/]{4,}={0,2}(?=\r?\n|$))*/g
const HEX_RUN = /(?:[0-9a-fA-F]{2}){32,}(?:\r?\n(?:[0-9a-fA-F]{2})+(?=\r?\n|$))*/g

/** Long base64 or hex runs in text, at least `minLength` characters, longest first, at most `max`. */
export function findEncodedRuns(text: string, minLength: number, max: number): EncodedRun[] {
  const runs: EncodedRun[] = []
  for (const match of text.matchAll(HEX_RUN)) {
    if (match[0].length >= minLength) runs.push({ encoding: 'hex', offset: match.index, length: match[0].length })
  }
  for (const match of text.matchAll(BASE64_RUN)) {
    const run = match[0]
    if (run.length < minLength) continue
    // an identifier-like word (all letters, no digits) is not data; a hex run is already listed
    if (!/[0-9+/]/.test(run) || !/[A-Z]/.test(run) || !/[a-z]/.test(run)) continue
    if (runs.some((r) => r.encoding === 'hex' && r.offset <= match.index && r.offset + r.length >= match.index + run.length)) continue
    runs.push({ encoding: 'base64', offset: match.index, length: run.length })
  }
  return runs.sort((a, b) => b.length - a.length || a.offset - b.offset).slice(0, max)
}

/** Decodes a run, at most `maxBytes` of output. */
export function decodeRun(text: string, run: EncodedRun, maxBytes: number): Buffer {
  const body = text.slice(run.offset, run.offset + run.length).replace(/\s+/g, '')
  const limit = run.encoding === 'hex' ? maxBytes * 2 : Math.floor(maxBytes / 3) * 4
  return Buffer.from(body.slice(0, limit), run.encoding)
}

/** Constructs only JavaScript has (a shell function is `name() {`, never `function (`, `=>`, `this.x` or `.prototype`). */
const JS_MARKER = /\bfunction\s*\(|=>|\bthis\.[\w$]|\.prototype\b|\bvar\s+[\w$]+\s*=|\)\s*\{\s*return\b/g

/**
 * True when text is JavaScript (minified or not): many constructs no shell script has. Decoded
 * data is classified by this before the shell test, so a gzipped bundle is not a "shell script".
 */
export function looksLikeJavaScript(text: string): boolean {
  JS_MARKER.lastIndex = 0
  let n = 0
  for (let m = JS_MARKER.exec(text); m && n < 20; m = JS_MARKER.exec(text)) n++
  return n >= 20
}
