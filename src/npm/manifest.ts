/**
 * @fileoverview package.json facts: identity, the lifecycle scripts npm runs on install, and
 * what each of them runs (a node file, inline code, a shell script, a download piped to a shell,
 * a native build step, a known helper). Referenced files are resolved against the package root.
 */
import { posix } from 'node:path'
import { analyseJavaScript, type JsFacts } from './javascript.js'
import { clip } from './text.js'
import { analyseShellLine, pipelineSegments, type ShellSignal } from './shell-line.js'

/** Scripts npm runs by itself: on install (`prepare` also for git and local installs) and uninstall. */
export const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare', 'preuninstall', 'postuninstall'] as const

/**
 * The package.json fields whose values name files of the package's code that something loads:
 * Node (`main`, `exports`, `imports`, `bin`), bundlers (`module`, `browser`, `react-native`,
 * `jsnext:main`, `es2015`, `esnext`, `umd:main`, `svelte`) and package CDNs (`unpkg`, `jsdelivr`).
 */
export const CODE_ENTRY_FIELDS = ['main', 'module', 'exports', 'imports', 'bin', 'browser', 'unpkg', 'jsdelivr', 'react-native', 'jsnext:main', 'es2015', 'esnext', 'umd:main', 'svelte'] as const

export type StepKind =
  | 'node-file' // node <file>
  | 'node-inline' // node -e <code>
  | 'shell-file' // sh <file>, ./x.sh
  | 'shell-inline' // sh -c <code> that could not be resolved further
  | 'remote-pipe' // curl … | sh, sh -c "$(curl …)"
  | 'download-exec' // a file downloaded by an earlier step, then run
  | 'download' // curl/wget alone
  | 'native-build' // node-gyp rebuild, prebuild-install, node-pre-gyp install
  | 'benign' // husky install, echo, patch-package…
  | 'windows-script' // a .bat, .cmd or .ps1 file
  | 'other'

export interface ScriptStep {
  readonly command: string
  readonly kind: StepKind
  /** the file run, relative to the scanned tree */
  readonly file?: string
  /** the facts of `node -e` code */
  readonly inline?: JsFacts
  readonly note: string
}

export interface InstallScript {
  readonly name: string
  readonly command: string
  /** line of the script in package.json */
  readonly line: number
  readonly steps: readonly ScriptStep[]
  /** what the command line does, read as shell */
  readonly signals: readonly ShellSignal[]
}

export interface ManifestFacts {
  readonly path: string
  /** the package directory, relative to the tree ('' for a root package) */
  readonly root: string
  /** invalid JSON or not an object */
  readonly error?: string
  readonly name?: string
  readonly version?: string
  readonly description?: string
  readonly scripts: readonly InstallScript[]
  readonly gypfile: boolean
  readonly bin: readonly string[]
  readonly main?: string
  readonly os?: readonly string[]
  readonly cpu?: readonly string[]
  /** files a consumer loads: main, exports, module, browser */
  readonly entries: readonly string[]
  /** dependencies fetched from a URL outside the registry: `name → http://…/x.tgz` */
  readonly remoteDependencies: readonly string[]
}

const NATIVE = /^(?:node-gyp|node-gyp-build|node-gyp-build-optional-packages|node-gyp-build-optional|prebuild-install|node-pre-gyp|@mapbox\/node-pre-gyp|cmake-js|prebuild|prebuildify|napi|electron-rebuild|neon)$/
const BENIGN =
  /^(?:husky|husky-run|husky-install|is-ci|echo|exit|true|:|opencollective|opencollective-postinstall|patch-package|tsc|ngcc|lerna|rimraf|mkdirp|shx|cpy|simple-git-hooks|lefthook|pre-commit|svelte-kit|nuxt|nuxi|ts-patch|ts-node|electron-builder|husky-init|npm-run-all|run-s|run-p|concurrently|node-gyp-build-test|printf|test|\[|cd|ls|mkdir|cp|mv|rm|chmod)$/
const REMOTE_PIPE = /\b(?:curl|wget|fetch|iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b[^|;&]*\|\s*(?:sudo\s+)?(?:(?:ba|z|da|k|fi)?sh|node|python[23]?|perl|ruby|php|iex|Invoke-Expression|powershell|pwsh)\b|(?:\$\(|<\(|`)\s*(?:curl|wget)\b|\b(?:iex|Invoke-Expression)\b[^|;&]*\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod|DownloadString)\b/i

const lineOfScript = (text: string, name: string): number => {
  const scriptsAt = text.search(/"scripts"\s*:/)
  const re = new RegExp(`"${name}"\\s*:`, 'g')
  re.lastIndex = scriptsAt === -1 ? 0 : scriptsAt
  const m = re.exec(text)
  if (!m) return 1
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++
  return line
}

/** Splits a command line on unquoted `&&`, `||`, `;` and newlines (and `|` with `pipes`). */
export function splitCommands(command: string, pipes = false): string[] {
  const out: string[] = []
  let cur = ''
  let quote: string | undefined
  for (let i = 0; i < command.length; i++) {
    const ch = command[i] ?? ''
    if (quote) {
      cur += ch
      if (ch === '\\' && quote === '"' && i + 1 < command.length) cur += command[++i] ?? ''
      else if (ch === quote) quote = undefined
      continue
    }
    if (ch === '"' || ch === "'") {
      quote = ch
      cur += ch
    } else if (ch === '\\' && i + 1 < command.length) cur += ch + (command[++i] ?? '')
    else if (ch === ';' || ch === '\n' || (ch === '|' && (pipes || command[i + 1] === '|')) || (ch === '&' && command[i + 1] === '&')) {
      if (ch === '&' || (ch === '|' && command[i + 1] === '|')) i++
      if (cur.trim()) out.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  if (cur.trim()) out.push(cur.trim())
  return out
}

/** Shell words, quotes removed. */
export function words(command: string): string[] {
  const out: string[] = []
  let cur = ''
  let has = false
  let quote: string | undefined
  for (let i = 0; i < command.length; i++) {
    const ch = command[i] ?? ''
    if (quote) {
      if (ch === quote) quote = undefined
      else if (ch === '\\' && quote === '"' && /["\\$`]/.test(command[i + 1] ?? '')) cur += command[++i] ?? ''
      else cur += ch
      continue
    }
    if (ch === '"' || ch === "'") {
      quote = ch
      has = true
    } else if (ch === '\\' && i + 1 < command.length) {
      cur += command[++i] ?? ''
      has = true
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur)
      cur = ''
      has = false
    } else {
      cur += ch
      has = true
    }
  }
  if (has) out.push(cur)
  return out
}

interface Context {
  readonly path: string
  readonly root: string
  readonly scriptName: string
  readonly scripts: Readonly<Record<string, unknown>>
  readonly downloaded: Set<string>
  depth: number
}

const resolveFile = (root: string, file: string): string => {
  const joined = posix.normalize(posix.join(root || '.', file))
  return joined === '.' ? '' : joined.replace(/^\.\//, '')
}

function classify(segment: string, ctx: Context): ScriptStep[] {
  if (REMOTE_PIPE.test(segment)) return [{ command: segment, kind: 'remote-pipe', note: 'a download is piped into an interpreter' }]
  const pipeline = splitCommands(segment, true)
  if (pipeline.length > 1) return pipeline.flatMap((part) => classify(part, ctx))
  let w = words(segment)
  // environment assignments and wrappers
  while (w.length > 0 && /^[A-Za-z_][\w]*=/.test(w[0] ?? '')) w = w.slice(1)
  while (w.length > 0 && /^(?:cross-env|npx|exec|env|nohup|sudo|time)$/.test(w[0] ?? '')) {
    w = w.slice(1)
    while (w.length > 0 && (/^-/.test(w[0] ?? '') || /^[A-Za-z_][\w]*=/.test(w[0] ?? ''))) w = w.slice(1)
  }
  const prog = w[0]
  if (prog === undefined) return []
  const base = prog.replace(/^.*\//, '')
  // a file downloaded earlier, now run
  const ran = w.find((x, i) => (i === 0 || i === 1) && ctx.downloaded.has(x.replace(/^\.\//, '')))
  if (ran !== undefined) return [{ command: segment, kind: 'download-exec', note: `runs ${ran}, downloaded by an earlier step` }]
  if (base === 'curl' || base === 'wget') {
    for (let i = 1; i < w.length; i++) {
      const x = w[i] ?? ''
      if ((x === '-o' || x === '-O' || x === '--output' || x === '--output-document') && w[i + 1]) ctx.downloaded.add((w[i + 1] ?? '').replace(/^\.\//, ''))
      else if (/^-[a-zA-Z]*o$/.test(x) && w[i + 1]) ctx.downloaded.add((w[i + 1] ?? '').replace(/^\.\//, ''))
    }
    const gt = segment.match(/>\s*(\S+)\s*$/)
    if (gt?.[1]) ctx.downloaded.add(gt[1].replace(/^\.\//, ''))
    return [{ command: segment, kind: 'download', note: `downloads with ${base}` }]
  }
  if (base === 'chmod' && w.slice(1).some((x) => ctx.downloaded.has(x.replace(/^\.\//, '')))) return [{ command: segment, kind: 'download-exec', note: 'makes a downloaded file executable' }]
  if (base === 'node' || base === 'node.exe' || base === 'nodejs') {
    for (let i = 1; i < w.length; i++) {
      const x = w[i] ?? ''
      if (x === '-e' || x === '--eval' || x === '-p' || x === '--print') {
        const code = w[i + 1] ?? ''
        const inline = analyseJavaScript(`${ctx.path}#scripts.${ctx.scriptName}`, code)
        return [{ command: segment, kind: 'node-inline', inline, note: `runs inline code: ${clip(code, 100)}` }]
      }
      if (x === '-r' || x === '--require' || x === '--import' || x === '--loader') {
        i++
        continue
      }
      if (x.startsWith('-')) continue
      const file = resolveFile(ctx.root, x)
      return [{ command: segment, kind: 'node-file', file, note: `runs ${file}` }]
    }
    return [{ command: segment, kind: 'other', note: 'runs node' }]
  }
  if (/^(?:ba|z|da|k)?sh$/.test(base)) {
    const c = w.indexOf('-c')
    if (c !== -1 && w[c + 1] !== undefined && ctx.depth < 3) {
      ctx.depth++
      const inner = splitCommands(w[c + 1] ?? '').flatMap((s) => classify(s, ctx))
      ctx.depth--
      return inner.length > 0 ? inner : [{ command: segment, kind: 'shell-inline', note: 'runs inline shell code' }]
    }
    const file = w.slice(1).find((x) => !x.startsWith('-'))
    if (file !== undefined) {
      const resolved = resolveFile(ctx.root, file)
      return [{ command: segment, kind: 'shell-file', file: resolved, note: `runs the shell script ${resolved}` }]
    }
    return [{ command: segment, kind: 'other', note: `runs ${base}` }]
  }
  if (/\.(?:bat|cmd|ps1)$/i.test(prog) || (/^(?:powershell|pwsh)(?:\.exe)?$/i.test(base) && w.some((x) => /\.ps1$/i.test(x)))) {
    const file = resolveFile(ctx.root, /\.(?:bat|cmd|ps1)$/i.test(prog) ? prog : (w.find((x) => /\.ps1$/i.test(x)) ?? prog))
    return [{ command: segment, kind: 'windows-script', file, note: `runs the Windows script ${file}` }]
  }
  if (/\.[cm]?js$/.test(prog)) {
    const file = resolveFile(ctx.root, prog)
    return [{ command: segment, kind: 'node-file', file, note: `runs ${file}` }]
  }
  if (/\.sh$/.test(prog) || prog.startsWith('./')) {
    const file = resolveFile(ctx.root, prog)
    return [{ command: segment, kind: 'shell-file', file, note: `runs ${file}` }]
  }
  if ((base === 'npm' || base === 'yarn' || base === 'pnpm') && ctx.depth < 3) {
    const rest = w.slice(1).filter((x) => !x.startsWith('-'))
    const name = rest[0] === 'run' || rest[0] === 'run-script' ? rest[1] : base === 'yarn' ? rest[0] : undefined
    const script = name !== undefined ? ctx.scripts[name] : undefined
    if (name !== undefined && typeof script === 'string') {
      ctx.depth++
      const inner = splitCommands(script).flatMap((s) => classify(s, { ...ctx, scriptName: name }))
      ctx.depth--
      return inner.map((s) => ({ ...s, note: `${s.note} (via ${base} run ${name})` }))
    }
    return [{ command: segment, kind: 'benign', note: `${base} ${rest.join(' ')}`.trim() }]
  }
  if (NATIVE.test(base)) return [{ command: segment, kind: 'native-build', note: `native build step (${base})` }]
  if (BENIGN.test(base)) return [{ command: segment, kind: 'benign', note: `known helper (${base})` }]
  return [{ command: segment, kind: 'other', note: `runs ${base}` }]
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined)

/**
 * Facts of one package.json. Invalid JSON gives facts with an `error`, never an exception.
 * @example readManifest('node_modules/esbuild/package.json', text).scripts[0]?.steps
 */
export function readManifest(path: string, text: string): ManifestFacts {
  const dir = posix.dirname(path)
  const root = dir === '.' ? '' : dir
  const empty = { path, root, scripts: [], gypfile: false, bin: [], entries: [], remoteDependencies: [] }
  let json: unknown
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  } catch (err) {
    return { ...empty, error: `invalid JSON: ${clip(err instanceof Error ? err.message : String(err), 160)}` }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { ...empty, error: 'package.json is not a JSON object' }
  const pkg = json as Record<string, unknown>
  const scriptsField = pkg['scripts'] !== null && typeof pkg['scripts'] === 'object' && !Array.isArray(pkg['scripts']) ? (pkg['scripts'] as Record<string, unknown>) : {}
  const scripts: InstallScript[] = []
  for (const name of INSTALL_SCRIPTS) {
    const command = scriptsField[name]
    if (typeof command !== 'string' || command.trim() === '') continue
    const ctx: Context = { path, root, scriptName: name, scripts: scriptsField, downloaded: new Set(), depth: 0 }
    const shell = analyseShellLine(command)
    // every pipeline the parser found (`&`, `start /B`, `cmd /c`, `sh -c` unwrapped)
    const segments = pipelineSegments(shell)
    const steps = (segments.length > 0 ? segments : splitCommands(command)).flatMap((segment) => classify(segment, ctx))
    scripts.push({ name, command, line: lineOfScript(text, name), steps, signals: shell.signals })
  }
  const binField = pkg['bin']
  const bin = typeof binField === 'string' ? [binField] : binField !== null && typeof binField === 'object' ? Object.values(binField as Record<string, unknown>).filter((x): x is string => typeof x === 'string') : []
  const str = (k: string): string | undefined => (typeof pkg[k] === 'string' ? (pkg[k] as string) : undefined)
  const name = str('name')
  const version = str('version')
  const description = str('description')
  const main = str('main')
  const entries = entryFiles(pkg).map((e) => resolveFile(root, e))
  const remoteDependencies: string[] = []
  for (const field of ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies']) {
    const deps = pkg[field]
    if (deps === null || typeof deps !== 'object' || Array.isArray(deps) || field === 'devDependencies') continue
    for (const [dep, spec] of Object.entries(deps as Record<string, unknown>)) if (typeof spec === 'string' && /^https?:\/\//i.test(spec) && remoteDependencies.length < 20) remoteDependencies.push(`${dep} → ${clip(spec, 120)}`)
  }
  const os = strings(pkg['os'])
  const cpu = strings(pkg['cpu'])
  return {
    path,
    root,
    ...(name !== undefined ? { name } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(description !== undefined ? { description: clip(description, 200) } : {}),
    scripts,
    gypfile: pkg['gypfile'] === true,
    bin: bin.map((b) => resolveFile(root, b)),
    ...(main !== undefined ? { main: resolveFile(root, main) } : {}),
    ...(os ? { os } : {}),
    ...(cpu ? { cpu } : {}),
    entries,
    remoteDependencies,
  }
}

/** The files a consumer of the package loads: main (or index.js), exports, module, browser. */
function entryFiles(pkg: Record<string, unknown>): string[] {
  const out = new Set<string>()
  const add = (v: unknown, depth = 0): void => {
    if (depth > 6 || out.size > 50) return
    if (typeof v === 'string') {
      if (/\.[cm]?js$|^\.\/?[^*]*$/.test(v) && !v.includes('*')) out.add(v)
    } else if (v !== null && typeof v === 'object') for (const x of Object.values(v as Record<string, unknown>)) add(x, depth + 1)
  }
  add(typeof pkg['main'] === 'string' ? pkg['main'] : 'index.js')
  add(pkg['exports'])
  add(pkg['module'])
  if (typeof pkg['browser'] === 'string') add(pkg['browser'])
  return [...out]
}
