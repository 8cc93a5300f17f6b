import type { Command } from './lex.js'

const base = (word: string | undefined): string => (word ?? '').replace(/^.*\//, '')

/** The command word, skipping `env`, `exec`, `command` and leading variable assignments. */
export function program(cmd: Command): { name: string; args: readonly string[] } {
  let i = 0
  while (i < cmd.words.length && (/^\w+=/.test(cmd.words[i] ?? '') || ['env', 'exec', 'command', 'nohup'].includes(base(cmd.words[i])))) i++
  return { name: base(cmd.words[i]), args: withoutRedirections(cmd.words.slice(i + 1)) }
}

/** `2>/dev/null`, `> out`, `<in` are not arguments. */
function withoutRedirections(words: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? ''
    if (/^\d*(>>?|<<?|>&|<&)$/.test(w)) i++
    else if (!/^\d*(>>?|<<?|>&|<&)\S/.test(w)) out.push(w)
  }
  return out
}

const SHELLS = /^(sh|bash|dash|ksh|zsh|ash|busybox)$|^\$\{?(SHELL|CONFIG_SHELL|BASH|shell)\}?$/

/** A command that executes what arrives on its standard input. */
export function isShellSink(cmd: Command): boolean {
  const { name, args } = program(cmd)
  if (!SHELLS.test(name)) return false
  const operands = args.filter((a) => !a.startsWith('-'))
  return operands.length === 0 || args.includes('-s') || operands[0] === '/dev/stdin' || operands[0] === '-'
}

const has = (args: readonly string[], re: RegExp): boolean => args.some((a) => re.test(a))

/** Commands that turn stored bytes into something else: decompressors and decoders. */
export function decoderKind(cmd: Command): string | undefined {
  const { name, args } = program(cmd)
  if (/^(unxz|xzcat|unlzma|lzcat|gunzip|zcat|gzcat|bunzip2|bzcat|unzstd|zstdcat|uudecode|lz4cat|unlz4)$/.test(name)) return name
  if (/^(xz|lzma|gzip|bzip2|zstd|lz4|lzip|brotli)$/.test(name) && has(args, /^-[a-zA-Z]*d|^--decompress$|^-F$/)) return `${name} -d`
  if (/^(base64|base32|basenc)$/.test(name) && has(args, /^-[a-zA-Z]*d|^--decode$/)) return `${name} -d`
  if (name === 'xxd' && has(args, /^-[a-z]*r/)) return 'xxd -r'
  if (name === 'openssl' && (has(args, /^-d$/) || has(args, /^(base64|enc)$/) && has(args, /^-d$/))) return 'openssl -d'
  if (name === 'rev') return 'rev'
  return undefined
}

/** Commands that cut byte ranges out of a file. */
export function isCarver(cmd: Command): boolean {
  const { name, args } = program(cmd)
  if ((name === 'head' || name === 'tail') && has(args, /^-c|^--bytes/)) return true
  return name === 'dd' && has(args, /^(skip|count|iseek|seek|ibs|bs)=/)
}

export const isTr = (cmd: Command): boolean => program(cmd).name === 'tr'

export const isEval = (cmd: Command): boolean => ['eval', 'source', '.'].includes(program(cmd).name)
