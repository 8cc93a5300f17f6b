/**
 * @fileoverview Judges one package from the facts gathered while streaming it: its install
 * scripts, the files they reach (following relative requires), every file's dynamic code and
 * obfuscation, its bundled executables, and the correlation of install-time trigger, capability
 * and concealment into one chain.
 */
import { posix } from 'node:path'
import { bySeverityDesc, type Confidence, type Finding, type Severity } from '../model/finding.js'
import type { JsFacts, JsSite } from './javascript.js'
import type { InstallScript, ManifestFacts, ScriptStep } from './manifest.js'
import { isScriptFile, type ScriptFileFacts } from './script-file.js'
import {
  BUNDLED_EXECUTABLE,
  CREDENTIAL_EXFILTRATION,
  DATA_EXFILTRATION,
  DESTRUCTIVE_PAYLOAD,
  GLOBAL_HOOK,
  PERSISTENCE,
  REMOTE_CODE,
  REMOTE_DEPENDENCY,
  DYNAMIC_CODE,
  INSTALL_CHAIN,
  INSTALL_SCRIPT,
  INSTALL_TIME_CAPABILITY,
  OBFUSCATED_CODE,
  REMOTE_SCRIPT_INSTALL,
  ruleInfo,
} from './rules.js'
import { clip } from './text.js'

export interface BinaryFile {
  readonly path: string
  /** 'elf' | 'pe' | 'mach-o' | 'wasm' | … */
  readonly type: string
}

export interface PackageInput {
  /** package directory within the tree, '' for a root package */
  readonly root: string
  readonly manifest: ManifestFacts | undefined
  /** facts of the package's JavaScript files, by tree-relative path */
  readonly js: ReadonlyMap<string, JsFacts>
  readonly binaries: readonly BinaryFile[]
  readonly hasBindingGyp: boolean
  /** shell, batch and PowerShell scripts of the package that show malware signals, by tree-relative path */
  readonly scripts?: ReadonlyMap<string, ScriptFileFacts>
}

const MAX_FOLLOW_DEPTH = 4
/** native executables and libraries: 'elf', 'pe', 'mach-o'/'macho', 'macho-fat' (not wasm, not bytecode) */
const EXECUTABLE_TYPE = /^(?:elf|pe|pe32\+?|coff|mach-?o(?:-fat)?)$/i
const PREBUILT_DIR = /(^|\/)(prebuilds?|bin|vendor|build\/Release|lib\/binding|binaries|native|dist)\//
const PLATFORM_NAME = /(linux|darwin|win32|windows|freebsd|android|sunos|openbsd|macos)[-_]?(x64|arm64|ia32|arm|x86|amd64|universal|riscv64|ppc64|s390x|loong64|mips64el)?/i

/** An install-time file and how it was reached. */
interface Reached {
  readonly facts: JsFacts
  readonly via: string
  /** where its sites are reported: inline `node -e` code is reported at its package.json line */
  readonly inline?: { readonly path: string; readonly line: number }
}

interface Link {
  /** network, exec, credentials, environment, hidden, obfuscation, decoded… then details */
  readonly kind: string
  readonly path: string
  readonly line: number
  readonly text: string
}

function finding(ruleId: string, severity: Severity, confidence: Confidence, path: string, line: number, message: string, evidence: string, data?: Record<string, unknown>): Finding {
  const info = ruleInfo(ruleId)
  return { ruleId, severity, confidence, path, line, message, evidence, explanation: `${info.motivation} ${info.remediation}`, ...(data ? { data } : {}) }
}

const locate = (r: Reached, site: JsSite): { path: string; line: number } => (r.inline ? { path: r.inline.path, line: r.inline.line } : { path: r.facts.path, line: site.line })

const siteLine = (r: Reached, site: JsSite, label: string, category = label.split(' ')[0] ?? label): Link => {
  const at = locate(r, site)
  return { kind: category, path: at.path, line: at.line, text: `${at.path}:${at.line}: ${label}: ${site.evidence}` }
}

/** Resolves a relative require from a file to a file the package has. */
function resolveRequire(from: string, specifier: string, js: ReadonlyMap<string, JsFacts>): string | undefined {
  const dir = from.includes('#') ? posix.dirname(from.slice(0, from.indexOf('#'))) : posix.dirname(from)
  const base = posix.normalize(posix.join(dir, specifier)).replace(/^\.\//, '')
  for (const candidate of [base, `${base}.js`, `${base}.cjs`, `${base}.mjs`, `${base}/index.js`, `${base}/index.cjs`]) if (js.has(candidate)) return candidate
  return undefined
}

/** A credential read that is not merely a named variable or an enumeration of the environment. */
const strongCredential = (c: { kind: string; what: string }): boolean => c.kind === 'file' || (c.kind === 'whole-env' && !c.what.includes('enumerated'))

const nativeOnly = (s: InstallScript): boolean => s.steps.length > 0 && s.steps.every((x) => x.kind === 'native-build' || x.kind === 'benign')

/** Runs-on-install scripts, excluding uninstall hooks for the trigger (they still are reported). */
function installTimeFiles(input: PackageInput, scripts: readonly InstallScript[], manifestPath: string): Map<string, Reached> {
  const reached = new Map<string, Reached>()
  const queue: { key: string; depth: number }[] = []
  for (const script of scripts) {
    for (const step of script.steps) {
      if (step.kind === 'node-inline' && step.inline) {
        const key = step.inline.path
        if (!reached.has(key)) {
          reached.set(key, { facts: step.inline, via: `"${script.name}" inline code`, inline: { path: manifestPath, line: script.line } })
          queue.push({ key, depth: 0 })
        }
      } else if (step.kind === 'node-file' && step.file !== undefined) {
        const file = resolveRequire(`${step.file}`, `./${posix.basename(step.file)}`, input.js) ?? (input.js.has(step.file) ? step.file : undefined)
        const facts = file !== undefined ? input.js.get(file) : undefined
        if (file !== undefined && facts && !reached.has(file)) {
          reached.set(file, { facts, via: `"${script.name}": ${clip(step.command, 80)}` })
          queue.push({ key: file, depth: 0 })
        }
      }
    }
  }
  while (queue.length > 0) {
    const { key, depth } = queue.shift() as { key: string; depth: number }
    const r = reached.get(key)
    if (!r || depth >= MAX_FOLLOW_DEPTH) continue
    for (const edge of r.facts.requires) {
      const file = resolveRequire(key, edge.specifier, input.js)
      const facts = file !== undefined ? input.js.get(file) : undefined
      if (file === undefined || !facts || reached.has(file)) continue
      reached.set(file, { facts, via: `${r.inline ? r.inline.path : key}:${edge.line} ${edge.kind}s ${edge.specifier}` })
      queue.push({ key: file, depth: depth + 1 })
    }
  }
  return reached
}

/**
 * The script files run at install time: named by a lifecycle step, or by a command that
 * install-time JavaScript runs (npm runs both in the package directory), with how each was reached.
 */
function installTimeScripts(input: PackageInput, triggers: readonly InstallScript[], reached: ReadonlyMap<string, Reached>): Map<string, string> {
  const out = new Map<string, string>()
  const scripts = input.scripts
  if (!scripts || scripts.size === 0) return out
  for (const s of triggers)
    for (const step of s.steps) if ((step.kind === 'shell-file' || step.kind === 'windows-script') && step.file !== undefined && scripts.has(step.file) && !out.has(step.file)) out.set(step.file, `"${s.name}": ${clip(step.command, 80)}`)
  for (const [key, r] of reached) {
    for (const e of r.facts.exec) {
      for (const word of (e.command ?? '').split(/\s+/)) {
        const w = word.replace(/^["']|["']$/g, '').replace(/\\/g, '/')
        if (!isScriptFile(w, 'text') || w.startsWith('/')) continue
        const candidates = [posix.normalize(posix.join(input.root, w)), posix.normalize(posix.join(r.inline ? input.root || '.' : posix.dirname(key), w))]
        const file = candidates.find((c) => scripts.has(c))
        if (file !== undefined && !out.has(file)) out.set(file, `${r.inline ? r.inline.path : key}:${e.line} runs ${clip(e.command ?? '', 80)}`)
      }
    }
  }
  return out
}

/** The files a consumer loads (main, exports, bin) and what they require, as far as the package has them. */
function loadTimeFiles(input: PackageInput): Set<string> {
  const out = new Set<string>()
  const m = input.manifest
  const starts = [...(m?.entries ?? [input.root ? `${input.root}/index.js` : 'index.js']), ...(m?.bin ?? [])]
  const queue: { key: string; depth: number }[] = []
  for (const e of starts) {
    const file = input.js.has(e) ? e : resolveRequire(`${e}`, `./${posix.basename(e)}`, input.js)
    if (file !== undefined && !out.has(file)) {
      out.add(file)
      queue.push({ key: file, depth: 0 })
    }
  }
  while (queue.length > 0) {
    const { key, depth } = queue.shift() as { key: string; depth: number }
    const facts = input.js.get(key)
    if (!facts || depth >= MAX_FOLLOW_DEPTH + 2) continue
    for (const edge of facts.requires) {
      const file = resolveRequire(key, edge.specifier, input.js)
      if (file === undefined || out.has(file)) continue
      out.add(file)
      queue.push({ key: file, depth: depth + 1 })
    }
  }
  return out
}

const BUMP: Readonly<Record<Severity, Severity>> = { info: 'low', low: 'medium', medium: 'high', high: 'critical', critical: 'critical' }
const PERSISTENT_TARGET = /authorized_keys|(?:^|[\\/])\.(?:bashrc|zshrc|bash_profile|profile|zprofile|bash_login)\b|crontab|\/etc\/cron|systemd\/(?:system|user)|LaunchAgents|LaunchDaemons|Start Menu[\\/]Programs[\\/]Startup|CurrentVersion[\\/]Run/i
const SHELL_SIGNAL_LABEL: Readonly<Record<string, string>> = {
  'remote-pipe': 'pipes a download into an interpreter',
  'download-exec': 'runs a file it downloaded',
  'reverse-shell': 'opens a reverse shell',
  exfiltration: 'sends local data or host identity out',
  'windows-dropper': 'uses a Windows download-and-run tool',
  'policy-bypass': 'bypasses PowerShell’s script policy or hides its window',
  destructive: 'destroys the root, a system directory, the home directory or a disk wholesale',
}

/** How serious a shell signal is where it runs unconditionally, and the rule it is reported under. */
const signalSeverity = (kind: string): Severity => (kind === 'reverse-shell' || kind === 'exfiltration' ? 'critical' : 'high')
/** A lifecycle script's own download-and-run is a remote install script; the same run from code is remote code. */
const signalRule = (kind: string, lifecycle: boolean): string =>
  kind === 'exfiltration' ? DATA_EXFILTRATION : kind === 'destructive' ? DESTRUCTIVE_PAYLOAD : lifecycle && (kind === 'remote-pipe' || kind === 'download-exec') ? REMOTE_SCRIPT_INSTALL : REMOTE_CODE

/**
 * What the code does, judged by co-occurrence and by when it runs: at install time (the files the
 * lifecycle scripts reach), at load time (entry points and what they require), or only when called.
 */
function judgeBehaviour(input: PackageInput, reached: ReadonlyMap<string, Reached>, manifestPath: string, pkgName: string, triggers: readonly InstallScript[]): Finding[] {
  const out: Finding[] = []
  // lifecycle command lines
  for (const s of triggers) {
    for (const sig of s.signals) {
      out.push(finding(signalRule(sig.kind, true), signalSeverity(sig.kind), 'high', manifestPath, s.line, `"${s.name}" ${SHELL_SIGNAL_LABEL[sig.kind] ?? sig.kind} at install time: ${clip(sig.text, 100)}`, scriptEvidence(s), { script: s.name, signal: sig.kind }))
    }
    const windows = s.steps.filter((x) => x.kind === 'windows-script')
    if (windows.length > 0 && s.signals.length === 0)
      out.push(finding(INSTALL_SCRIPT, 'medium', 'high', manifestPath, s.line, `"${s.name}" runs a Windows script at install time: ${windows.map((w) => w.file ?? w.command).join(', ')}`, scriptEvidence(s), { script: s.name }))
  }
  for (const [file, via] of installTimeScripts(input, triggers, reached)) {
    const script = input.scripts?.get(file)
    // making a fetched binary executable is what installers do; running it, piping it into a shell or sending data out is not
    const sig = script?.signals.find((x) => x.kind !== 'download-exec' || !/^chmod\b/.test(x.text))
    if (!script || !sig) continue
    const installer = sig.kind === 'download-exec' && script.verifiesDownload
    out.push(finding(signalRule(sig.kind, true), installer ? 'medium' : signalSeverity(sig.kind), 'high', file, sig.line, `${file} ${SHELL_SIGNAL_LABEL[sig.kind] ?? sig.kind} at install time${installer ? ' (after checking its digest or signature)' : ''}: ${clip(sig.text, 100)}`, `${sig.line}: ${clip(sig.text, 160)}\n  ← ${via}`, { signal: sig.kind, when: 'install' }))
  }
  for (const dep of input.manifest?.remoteDependencies ?? [])
    out.push(finding(REMOTE_DEPENDENCY, /→ http:/i.test(dep) ? 'high' : 'medium', 'high', manifestPath, 1, `${pkgName} depends on a package fetched from a URL outside the registry: ${dep}`, dep))

  const loadSet = loadTimeFiles(input)
  const files: { path: string; facts: JsFacts; when: 'install' | 'load' | 'called'; r?: Reached }[] = []
  for (const [key, r] of reached) files.push({ path: r.inline?.path ?? key, facts: r.facts, when: 'install', r })
  for (const [path, facts] of input.js) if (!reached.has(path)) files.push({ path, facts, when: loadSet.has(path) ? 'load' : 'called' })
  const installNet = [...reached.values()].some((r) => r.facts.network.length > 0)

  for (const { path, facts: f, when, r } of files) {
    const b = f.behaviour
    const lineOf = (line: number): number => r?.inline?.line ?? line
    const concealed = f.obfuscation.signature !== undefined || f.dynamicCode.some((d) => d.argument === 'decoded')
    const level = (base: Severity): Severity => (concealed ? BUMP[base] : base)
    const whenText = when === 'install' ? 'at install time' : when === 'load' ? 'when the package is loaded' : 'when called'
    const cap = (sev: Severity): Severity => (when === 'called' && (sev === 'high' || sev === 'critical') ? 'medium' : sev)
    // flows
    for (const fl of b.flows.slice(0, 3)) {
      const strong = /whole environment|credential file|key material/.test(fl.source)
      const base: Severity = when === 'install' ? 'critical' : when === 'load' && (fl.onLoad || strong) ? 'high' : strong ? 'medium' : 'low'
      out.push(finding(DATA_EXFILTRATION, cap(level(base)), 'high', path, lineOf(fl.line), `${fl.source} flows into ${fl.sink} ${whenText}${fl.onLoad && when === 'load' ? ' (runs on import)' : ''}`, `${fl.line}: ${fl.evidence}`, { source: fl.source, sink: fl.sink, when }))
      break
    }
    // host identity at install time, with the network anywhere in the install-time code
    if (when === 'install' && b.identity.length > 0 && installNet && b.flows.length === 0) {
      const at = b.identity[0] as JsSite
      out.push(finding(DATA_EXFILTRATION, level('high'), 'medium', path, lineOf(at.line), `install-time code reads the host identity (hostname, user, network interfaces) and uses the network`, `${at.line}: ${at.evidence}`, { when }))
    }
    // code from the network
    for (const rc of b.remoteCode.slice(0, 1)) out.push(finding(REMOTE_CODE, cap(when === 'install' ? 'critical' : 'high'), 'high', path, lineOf(rc.line), `executes data received from the network ${whenText}`, `${rc.line}: ${rc.evidence}`, { when }))
    if (b.downloadExecute) out.push(finding(REMOTE_CODE, cap(when === 'install' ? 'critical' : when === 'load' ? 'high' : 'medium'), 'medium', path, lineOf(b.downloadExecute.line), `downloads a file, writes it and makes it executable or runs it, with no checksum, ${whenText}`, `${b.downloadExecute.line}: ${b.downloadExecute.evidence}`, { when }))
    for (const e of f.exec) {
      const sig = e.shell?.[0]
      if (sig) {
        out.push(finding(signalRule(sig.kind, false), cap(when === 'called' ? 'medium' : signalSeverity(sig.kind)), 'high', path, lineOf(e.line), `runs a command that ${SHELL_SIGNAL_LABEL[sig.kind] ?? sig.kind} ${whenText}: ${clip(sig.text, 100)}`, `${e.line}: ${e.evidence}`, { when, signal: sig.kind }))
        break
      }
      if (e.interactiveShell && f.network.length > 0) {
        out.push(finding(REMOTE_CODE, cap(when === 'install' ? 'critical' : 'high'), 'high', path, lineOf(e.line), `starts an interactive shell in a file that opens network connections (a reverse shell) ${whenText}`, `${e.line}: ${e.evidence}`, { when }))
        break
      }
    }
    // loaders (tsx, ts-node, require-from-string) compile modules by hand in the open; hidden strings around it are the payload shape
    for (const mc of b.moduleCompile.slice(0, 1)) if (when !== 'called') out.push(finding(DYNAMIC_CODE, concealed ? 'high' : 'info', 'medium', path, lineOf(mc.line), `compiles code into a module object by hand ${whenText}${concealed ? ', in code that hides its strings' : ''}`, `${mc.line}: ${mc.evidence}`, { when }))
    // hooks
    const walletHook = b.hooks.find((h) => h.kind === 'wallet')
    const netHook = b.hooks.find((h) => h.kind === 'network')
    const loaderHook = b.hooks.find((h) => h.kind === 'module-loader')
    if (walletHook || (netHook && b.walletMarkers > 0)) {
      const h = (walletHook ?? netHook) as JsSite & { target: string }
      out.push(finding(GLOBAL_HOOK, cap('high'), 'high', path, lineOf(h.line), `replaces ${b.hooks.map((x) => x.target).filter((x, i, a) => a.indexOf(x) === i).slice(0, 4).join(', ')}${b.walletMarkers > 0 ? ` with wallet addresses or wallet calls in the same file` : ''}`, b.hooks.slice(0, 4).map((x) => `${x.line}: ${x.evidence}`).join('\n'), { when }))
    } else if (netHook || loaderHook) {
      const h = (netHook ?? loaderHook) as JsSite & { target: string }
      out.push(finding(GLOBAL_HOOK, concealed && when !== 'called' ? 'high' : 'info', 'medium', path, lineOf(h.line), `replaces ${h.target}${concealed ? ' in code that hides itself' : ''}`, `${h.line}: ${h.evidence}`, { when }))
    }
    for (const w of b.walletTransfers.slice(0, 1)) out.push(finding(GLOBAL_HOOK, cap('high'), 'high', path, lineOf(w.line), `asks the wallet to send a transaction to an address written in the code ${whenText}`, `${w.line}: ${w.evidence}`, { when }))
    // destruction
    // at install time npm runs scripts in the package directory: a relative path there is the package's own files
    for (const d of b.destructive.filter((x) => when !== 'install' || x.outside).slice(0, 1)) {
      if (when === 'called' && !d.gate) continue
      const severity: Severity = d.gate && (d.onLoad || when !== 'called') ? 'critical' : d.gate || d.onLoad ? 'high' : 'medium'
      out.push(finding(DESTRUCTIVE_PAYLOAD, when === 'called' ? BUMP.low : severity, 'medium', path, lineOf(d.line), `${d.what}${d.gate ? `, behind a ${d.gate === 'geo' ? 'location' : 'date'} condition` : ''} ${whenText}`, `${d.line}: ${d.evidence}`, { when, gate: d.gate ?? null }))
    }
    if (b.hang && when === 'load') out.push(finding(DESTRUCTIVE_PAYLOAD, 'high', 'medium', path, b.hang.line, 'a loop at the top level never ends: loading the module never returns', `${b.hang.line}: ${b.hang.evidence}`, { when }))
    // persistence and tampering
    const persistent = f.writes.find((w) => (PERSISTENT_TARGET.test(w.target) || w.target.startsWith('code of another program')) && (when === 'install' || w.onLoad === true))
    if (persistent && when !== 'called') out.push(finding(PERSISTENCE, 'high', 'high', path, lineOf(persistent.line), `writes ${clip(persistent.target, 100)} ${whenText}`, `${persistent.line}: ${persistent.evidence}`, { when }))
  }
  return out
}

const scriptEvidence = (s: InstallScript): string => [`${s.line}: "${s.name}": ${JSON.stringify(s.command)}`, ...s.steps.map((x: ScriptStep) => `  → ${x.note}`)].join('\n')

/**
 * Judges one package. Capability alone is information; high findings need concealment,
 * downloaded code, or secrets next to the network.
 * @example judgePackage({ root: 'node_modules/x', manifest, js, binaries: [], hasBindingGyp: false })
 */
export function judgePackage(input: PackageInput): Finding[] {
  const out: Finding[] = []
  const manifest = input.manifest
  const manifestPath = manifest?.path ?? (input.root ? `${input.root}/package.json` : 'package.json')
  const scripts = manifest?.scripts ?? []
  // `prepare` runs for the root project and git dependencies, not for registry installs of a dependency
  const runsOnInstall = (s: InstallScript): boolean => s.name !== 'preuninstall' && s.name !== 'postuninstall' && (s.name !== 'prepare' || input.root === '' || !input.root.includes('node_modules'))
  const triggers = scripts.filter(runsOnInstall)
  const pkgName = manifest?.name ?? (input.root || '(root package)')

  // install scripts
  for (const s of scripts) {
    const native = nativeOnly(s)
    const when = s.name.includes('uninstall') ? 'on uninstall' : runsOnInstall(s) ? 'at install time' : 'when installed from git (not from the registry)'
    out.push(
      finding(INSTALL_SCRIPT, native || !runsOnInstall(s) ? 'info' : 'low', 'high', manifestPath, s.line, `${pkgName} runs "${s.name}" ${when}: ${clip(s.command, 100)}`, scriptEvidence(s), {
        script: s.name,
        command: s.command,
        steps: s.steps.map((x) => ({ kind: x.kind, ...(x.file !== undefined ? { file: x.file } : {}) })),
      }),
    )
    const remote = s.steps.filter((x) => x.kind === 'remote-pipe' || x.kind === 'download-exec')
    if (remote.length > 0)
      out.push(finding(REMOTE_SCRIPT_INSTALL, 'high', 'high', manifestPath, s.line, `"${s.name}" runs code downloaded at install time: ${clip(remote[0]?.command ?? '', 100)}`, scriptEvidence(s), { script: s.name }))
  }
  if ((input.hasBindingGyp || manifest?.gypfile) && !scripts.some((s) => s.name === 'install' || s.name === 'preinstall'))
    out.push(finding(INSTALL_SCRIPT, 'info', 'high', input.hasBindingGyp ? `${input.root ? `${input.root}/` : ''}binding.gyp` : manifestPath, 1, `${pkgName} is built with node-gyp at install time (binding.gyp, implicit "node-gyp rebuild")`, 'binding.gyp → npm runs node-gyp rebuild'))

  // install-time files
  const reached = installTimeFiles(input, triggers, manifestPath)
  const installSet = new Set(reached.keys())

  const capLinks: Link[] = []
  const netLinks: Link[] = []
  const credLinks: Link[] = []
  const envOnlyCred: boolean[] = []
  const concealment: Link[] = []
  for (const [, r] of reached) {
    const f = r.facts
    const parts: string[] = []
    const lines: Link[] = []
    for (const s of f.network) {
      const l = siteLine(r, s, `network ${s.api}${s.target ? ` → ${s.target}` : ''}`)
      lines.push(l)
      netLinks.push(l)
    }
    for (const s of f.exec) lines.push(siteLine(r, s, `runs a process (${s.api}${s.literal ? `: ${s.command ?? ''}` : ', dynamic command'})`, 'process execution'))
    for (const s of f.credentials) {
      const l = siteLine(r, s, s.kind === 'whole-env' ? `reads the whole environment (${s.what})` : `reads ${s.what}`, s.kind === 'file' ? 'credentials' : 'environment')
      lines.push(l)
      credLinks.push(l)
      envOnlyCred.push(!strongCredential(s))
    }
    for (const s of f.writes) lines.push(siteLine(r, s, `writes outside the package (${s.target})`))
    if (f.network.length) parts.push('network')
    if (f.exec.length) parts.push('process execution')
    if (f.credentials.length) parts.push(f.credentials.some((c) => c.kind === 'whole-env') ? 'environment reads' : 'credential reads')
    if (f.writes.length) parts.push('writes outside the package')
    capLinks.push(...lines.filter((l) => !l.kind.startsWith('writes')))
    // obfuscated code that loads modules by computed names hides which capabilities it uses
    const hiddenLoad = f.obfuscation.signature ? f.dynamicCode.find((d) => (d.api === 'require' || d.api === 'import()') && (d.argument === 'dynamic' || d.argument === 'decoded')) : undefined
    if (hiddenLoad) capLinks.push(siteLine(r, hiddenLoad, 'hidden capability: loads a module by a computed name', 'hidden modules'))
    if (f.obfuscation.signature) concealment.push({ kind: 'obfuscation', path: r.inline?.path ?? f.path, line: r.inline?.line ?? f.obfuscation.signatureLine ?? 1, text: `${r.inline?.path ?? f.path}:${r.inline?.line ?? f.obfuscation.signatureLine ?? 1}: obfuscated: ${f.obfuscation.signature}` })
    for (const d of f.dynamicCode) if (d.argument === 'decoded') concealment.push(siteLine(r, d, `${d.api} of ${d.decoder ?? 'decoded'} data`, 'decoded execution'))
    if (lines.length === 0) continue
    const at = lines[0] as Link
    const serious = f.network.length > 0 || f.credentials.some(strongCredential) || f.exec.some((e) => !e.literal)
    out.push(
      finding(INSTALL_TIME_CAPABILITY, serious ? 'medium' : 'low', f.mode === 'tokens' ? 'medium' : 'high', at.path, at.line, `install-time code (${r.via}) uses ${parts.join(', ')}`, lines.map((l) => l.text).slice(0, 12).join('\n'), {
        capabilities: parts,
        via: r.via,
      }),
    )
  }

  // every file: dynamic code, obfuscation, same-file exfiltration
  const judged: [string, JsFacts, Reached | undefined][] = [...input.js].map(([path, f]) => [path, f, undefined])
  for (const r of reached.values()) if (r.inline) judged.push([r.inline.path, r.facts, r])
  for (const [path, f, inline] of judged) {
    const installTime = inline !== undefined || installSet.has(path)
    const lineOf = (line: number): number => inline?.inline?.line ?? line
    const build = f.obfuscation.buildOutput
    const decoded = f.dynamicCode.filter((d) => d.argument === 'decoded')
    for (const d of decoded) {
      const hidden = d.api === 'require' || d.api === 'import()' ? 'loads a module whose name is' : 'executes code that is'
      out.push(
        finding(DYNAMIC_CODE, build && !installTime ? 'medium' : 'high', f.mode === 'tokens' ? 'medium' : 'high', path, lineOf(d.line), `${d.api} ${hidden} decoded (${d.decoder ?? 'decoded'})${installTime ? ', at install time' : ''}`, `${d.line}: ${d.evidence}`, {
          api: d.api,
          decoder: d.decoder ?? null,
        }),
      )
    }
    const computed = f.dynamicCode.filter((d) => d.argument !== 'decoded' && (d.api === 'eval' || d.api.startsWith('vm.') || d.api === 'Function' || installTime))
    const first = computed[0]
    if (first) {
      const severity: Severity = first.api === 'Function' || first.argument === 'plugin-path' || build || !(first.api === 'eval' || first.api.startsWith('vm.')) ? 'info' : 'low'
      out.push(
        finding(DYNAMIC_CODE, severity, 'medium', path, lineOf(first.line), `${computed.map((d) => d.api).filter((x, i, a) => a.indexOf(x) === i).join(', ')} on computed values (${computed.length} site${computed.length > 1 ? 's' : ''}), not decoded`, computed.slice(0, 6).map((d) => `${d.line}: ${d.evidence}`).join('\n'), { sites: computed.length }),
      )
    }
    const o = f.obfuscation
    if (o.signature)
      out.push(finding(OBFUSCATED_CODE, build ? 'low' : 'medium', 'high', path, lineOf(o.signatureLine ?? 1), `obfuscator signature${build ? ' (in build output)' : ''}: ${o.signature}`, [o.rotation ? `${o.rotation.line}: ${o.rotation.evidence}` : '', `identifiers: ${o.hexIdentifiers} of ${o.identifiers} are _0x… names`].filter(Boolean).join('\n'), { hexIdentifiers: o.hexIdentifiers, identifiers: o.identifiers }))
    else if (installTime && o.minified && !build)
      out.push(finding(OBFUSCATED_CODE, 'info', 'low', path, 1, `minified install-time code outside build output (longest line ${o.maxLineLength} characters)`, `${o.lines} lines, ${f.bytes} characters`))
    // same-file credentials + network, for files not already judged as an install-time set
    if (!installTime && f.network.length > 0 && f.credentials.length > 0) {
      const strong = f.credentials.filter(strongCredential)
      const cred = strong[0] ?? f.credentials[0]
      const net = f.network[0]
      if (cred && net) {
        const severity: Severity = strong.length > 0 ? (build ? 'medium' : 'high') : 'low'
        out.push(
          finding(CREDENTIAL_EXFILTRATION, severity, strong.length > 0 ? 'medium' : 'low', path, cred.line, `reads ${cred.kind === 'whole-env' ? 'the whole environment' : cred.what} and uses the network (${net.api}${net.target ? ` → ${net.target}` : ''}) in the same file`, [`${cred.line}: ${cred.evidence}`, `${net.line}: ${net.evidence}`].join('\n')),
        )
      }
    }
  }

  // install-time set: credentials + network
  if (credLinks.length > 0 && netLinks.length > 0) {
    const envOnly = envOnlyCred.every(Boolean)
    const first = credLinks[0] as Link
    out.push(
      finding(CREDENTIAL_EXFILTRATION, envOnly ? 'medium' : 'high', envOnly ? 'medium' : 'high', first.path, first.line, `install-time code reads ${envOnly ? 'secret environment variables' : 'credentials or the whole environment'} and uses the network`, [...credLinks, ...netLinks].slice(0, 12).map((l) => l.text).join('\n')),
    )
  }

  // the chain: trigger + capability + concealment
  if (reached.size > 0 && concealment.length > 0) {
    const decodedExec = concealment.some((c) => c.kind !== 'obfuscation')
    const capabilities = capLinks.length > 0 ? capLinks : decodedExec ? [] : undefined
    if (capabilities !== undefined) {
      const trigger = triggers.find((s) => s.steps.some((x) => x.kind === 'node-file' || x.kind === 'node-inline'))
      const critical = credLinks.length > 0 && netLinks.length > 0
      const links: string[] = [
        ...(trigger ? [`${manifestPath}:${trigger.line}: trigger: "${trigger.name}": ${clip(trigger.command, 120)}`] : []),
        ...[...reached.values()].filter((r) => !r.inline).map((r) => `${r.facts.path}: runs at install time (${r.via})`),
        ...(capabilities.length > 0 ? capabilities.map((l) => l.text) : ['capability hidden: decoded code is executed at install time']),
        ...concealment.map((c) => c.text),
      ]
      const first = concealment[0] as Link
      out.push(
        finding(INSTALL_CHAIN, critical ? 'critical' : 'high', 'high', first.path, first.line, `${pkgName}: install-time code ${critical ? 'reads secrets, uses the network' : capabilities.length > 0 ? `uses ${[...new Set(capabilities.map((c) => c.kind))].join(', ')}` : 'executes decoded code'} and hides itself (${[...new Set(concealment.map((c) => c.kind))].join(', ')})`, links.slice(0, 24).join('\n'), {
          files: [...reached.values()].map((r) => r.inline?.path ?? r.facts.path),
          links: [...capabilities, ...concealment].map((l) => ({ path: l.path, line: l.line, kind: l.kind })),
        }),
      )
    }
  }

  out.push(...judgeBehaviour(input, reached, manifestPath, pkgName, triggers))

  // bundled executables
  const executables = input.binaries.filter((b) => EXECUTABLE_TYPE.test(b.type))
  if (executables.length > 0) {
    const platformPackage = !!manifest?.os || !!manifest?.cpu || PLATFORM_NAME.test(manifest?.name ?? input.root) || /\b(binary|binaries|prebuilt|executable)\b/i.test(manifest?.description ?? '')
    const unexpected = executables.filter((b) => !(platformPackage || PREBUILT_DIR.test(b.path) || b.path.endsWith('.node')))
    const severity: Severity = unexpected.length > 0 ? 'low' : 'info'
    const shown = (unexpected.length > 0 ? unexpected : executables).slice(0, 10)
    out.push(
      finding(BUNDLED_EXECUTABLE, severity, 'high', shown[0]?.path ?? manifestPath, 1, `${pkgName} ships ${executables.length} native executable${executables.length > 1 ? 's' : ''}${unexpected.length > 0 ? `, ${unexpected.length} outside the usual prebuilt locations` : ' (prebuilt binaries)'}`, shown.map((b) => `${b.path} (${b.type})`).join('\n'), {
        binaries: executables.slice(0, 50).map((b) => b.path),
      }),
    )
  }
  return out.sort(bySeverityDesc)
}
