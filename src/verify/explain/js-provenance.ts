/**
 * @fileoverview What a built JavaScript file can do that none of the sources it is built from
 * does. A compiler or bundler rewrites syntax, renames locals and inlines helpers, but it does not
 * invent a process launch, a request to a new host, a read of the npm token, code built from
 * decoded data or a module to load: each of those in the output names something (`exec`, the
 * host, `NPM_TOKEN`, `eval`, the module) that the sources name too. A capability whose name no
 * source holds was put into the output after the build, or by a build that is not the tag's.
 */
import type { JsFacts } from '../../npm/javascript.js'
import { LineIndex } from '../../npm/text.js'
import { LIMITS } from '../../policy/limits.js'
import type { TreeView } from './types.js'

export interface SourceCorpus {
  /** every identifier-like word of the sources */
  readonly words: ReadonlySet<string>
  /** does some source hold this text? */
  holds(fragment: string): boolean
  /** does some source, or a build script that writes into what is built (a URL put in place of a module), hold this text? */
  written(fragment: string): boolean
  matches(pattern: RegExp): boolean
  readonly files: number
}

export interface CapabilityGap {
  readonly kind: 'exec' | 'network' | 'host' | 'credentials' | 'dynamic-code' | 'write' | 'obfuscation' | 'module' | 'encoded'
  readonly line: number
  /** what the built file does, in words: `runs processes (child_process.exec)` */
  readonly what: string
  /** the names none of the sources holds */
  readonly missing: string
  readonly evidence: string
  readonly critical: boolean
}

const WORD = /[A-Za-z_$][\w$]*/g
/** a bare module a file loads: `require("x")`, `from "x"`, `import("x")` */
const BARE_MODULE = /\brequire\(\s*["']([^"'./][^"']*)["']\s*\)|\bfrom\s*["']([^"'./][^"']*)["']|\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/g
const URL_SPECIFIER = /^[a-z][\w+.-]*:\/\//i
/**
 * Node's modules that by themselves neither reach outside the process (no process, socket, file or
 * code loading) nor tell one machine from another: a bundle that inlines a dependency loads them
 * (minipass's `node:events`, `node:stream`) where the package's own sources never name them.
 * What reaches out (`child_process`, `net`, `http`, `fs`, `vm`, `worker_threads`, `module`) or
 * identifies the machine (`os`) is still a capability the sources must name.
 */
const INERT_BUILTINS = new Set(['assert', 'async_hooks', 'buffer', 'constants', 'crypto', 'diagnostics_channel', 'events', 'path', 'perf_hooks', 'punycode', 'querystring', 'readline', 'stream', 'string_decoder', 'timers', 'tty', 'url', 'util', 'zlib'])
const WHOLE_ENV = /\bprocess\.env\b(?!\s*(?:\.\s*[\w$]|\[|\?\.))/
const ENCODED_RUN = /[A-Za-z0-9+/=_-]{64,}|[0-9a-fA-F]{64,}/g

export async function loadSourceCorpus(paths: readonly string[], view: TreeView, buildScripts: readonly string[] = []): Promise<SourceCorpus> {
  const words = new Set<string>()
  const texts: string[] = []
  const scripts: string[] = []
  let chars = 0
  for (const [list, into] of [[paths, texts], [buildScripts, scripts]] as const) {
    for (const path of list) {
      const text = await view.sourceText(path)
      if (text === undefined || chars + text.length > LIMITS.maxBuildSourceChars) continue
      chars += text.length
      into.push(text)
      if (into === texts) for (const m of text.matchAll(WORD)) words.add(m[0])
    }
  }
  const holds = (fragment: string): boolean => texts.some((t) => t.includes(fragment))
  return { words, files: texts.length, holds, written: (fragment) => holds(fragment) || scripts.some((t) => t.includes(fragment)), matches: (pattern) => texts.some((t) => pattern.test(t)) }
}

/** The last name of an API (`child_process.exec` → `exec`, `process.binding('spawn_sync')` → `binding`). */
const apiWord = (api: string): string | undefined => api.replace(/\(.*$/, '').match(WORD)?.at(-1)

/** The module an API belongs to (`child_process.exec` → `child_process`), when it is one a file must load by name. */
const apiModule = (api: string): string | undefined => {
  const m = /^([\w@/-]+)\.[\w$]+/.exec(api)
  return m && m[1] !== 'process' && m[1] !== 'globalThis' && m[1] !== 'window' ? m[1] : undefined
}

/** The capabilities of a built file none of its sources names: each with the names that are missing. */
export function capabilityGaps(facts: JsFacts, builtText: string, corpus: SourceCorpus): CapabilityGap[] {
  const gaps: CapabilityGap[] = []
  const lacks = (word: string | undefined): boolean => word !== undefined && !corpus.words.has(word)
  // a module is named where it is loaded: `require('https')`, `from "node:https"`; a bare word
  // (`exec` of a RegExp, `https` of a URL) says nothing about loading it
  const unnamed = (module: string): boolean => !['\'', '"', '`', 'node:'].some((q) => corpus.holds(`${q}${module.replace(/^node:/, '')}`))
  /** the API's module and its last name: what a source that does the same must name */
  const apiMissing = (api: string): string | undefined => {
    const module = apiModule(api)
    if (module !== undefined && unnamed(module)) return module
    const word = apiWord(api)
    return lacks(word) ? word : undefined
  }
  const gap = (kind: CapabilityGap['kind'], line: number, what: string, missing: string, evidence: string, critical = false): void => {
    if (!gaps.some((g) => g.what === what && g.missing === missing)) gaps.push({ kind, line, what, missing, evidence, critical })
  }
  for (const site of facts.exec) {
    const missing = apiMissing(site.api)
    if (missing !== undefined) gap('exec', site.line, `runs processes (${site.api})`, missing, site.evidence, site.shell !== undefined && site.shell.length > 0)
  }
  for (const site of facts.network) {
    const missing = apiMissing(site.api.replace(/\s*\(.*$/, ''))
    if (missing !== undefined) gap('network', site.line, `talks to the network (${site.api})`, missing, site.evidence)
    const host = site.target !== undefined ? hostOf(site.target) : undefined
    if (host !== undefined && !corpus.holds(host)) gap('host', site.line, `talks to ${host}`, host, site.evidence)
  }
  for (const site of facts.credentials) {
    if (site.kind === 'whole-env') {
      // `process.env.NODE_ENV` reads one variable; the whole environment is `process.env` itself
      if (!corpus.matches(WHOLE_ENV)) gap('credentials', site.line, `reads ${site.what}`, 'process.env as a whole', site.evidence)
      continue
    }
    const name = site.what.replace(/^process\.env\./, '').replace(/\s.*$/, '')
    if (!corpus.holds(name)) gap('credentials', site.line, `reads ${site.what}`, name, site.evidence, true)
  }
  for (const site of facts.dynamicCode) {
    // a module loader or a literal body (`Function("return this")`) is how builds find the global object
    if (site.argument === 'literal' || site.argument === 'plugin-path' || /^(?:require|import)/.test(site.api)) continue
    const word = apiWord(site.api)
    if (lacks(word)) gap('dynamic-code', site.line, `runs code it builds at run time (${site.api})`, word!, site.evidence, site.argument === 'decoded')
    else if (site.argument === 'decoded' && site.decoder !== undefined && lacks(site.decoder.match(WORD)?.[0])) gap('dynamic-code', site.line, `runs code decoded with ${site.decoder} (${site.api})`, site.decoder, site.evidence, true)
  }
  for (const site of facts.writes) {
    const missing = apiMissing(site.api)
    if (missing !== undefined) gap('write', site.line, `writes files (${site.api})`, missing, site.evidence)
  }
  if (facts.obfuscation.signature !== undefined) gap('obfuscation', facts.obfuscation.signatureLine ?? 1, `is obfuscated (${facts.obfuscation.signature})`, 'obfuscated code', '', false)
  const index = new LineIndex(builtText)
  for (const m of builtText.matchAll(BARE_MODULE)) {
    const specifier = (m[1] ?? m[2] ?? m[3])!
    // builds rewrite the path inside a package (`fp-ts/lib/x` → `fp-ts/es6/x`), never the package;
    // a URL in its place (for Deno, from a CDN) is written by the build's own scripts
    if (URL_SPECIFIER.test(specifier) ? corpus.written(specifier) : INERT_BUILTINS.has(packageOf(specifier)) || !unnamed(packageOf(specifier))) continue
    gap('module', index.lineAt(m.index), `loads the module ${specifier}`, specifier, index.snippet(m.index, m[0].length))
  }
  const lines = facts.obfuscation.encodedStrings.length > 0 ? builtText.split('\n') : []
  for (const encoded of facts.obfuscation.encodedStrings) {
    const text = lines[encoded.line - 1] ?? ''
    for (const run of text.matchAll(ENCODED_RUN)) {
      if (corpus.holds(run[0].slice(0, 64))) continue
      gap('encoded', encoded.line, `holds ${encoded.length} characters of ${encoded.encoding} data`, `${run[0].slice(0, 24)}…`, clipLine(text, run[0]))
      break
    }
  }
  // what it reads, sent somewhere no source talks to: the shape of every token stealer
  if (gaps.some((g) => g.kind === 'host') && gaps.some((g) => g.kind === 'credentials')) return gaps.map((g) => (g.kind === 'host' || g.kind === 'credentials' ? { ...g, critical: true } : g))
  return gaps
}

/** The package a module specifier loads from: `@scope/name/sub` → `@scope/name`, `node:fs/promises` → `fs`. */
export function packageOf(specifier: string): string {
  const parts = specifier.replace(/^node:/, '').split('/')
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/')
}

function hostOf(target: string): string | undefined {
  const m = /^(?:[a-z][\w+.-]*:\/\/)?([A-Za-z0-9.-]+\.[A-Za-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?:[/?#]|$)/.exec(target.trim())
  return m?.[1]
}

/** ~160 characters of a line around what was found in it: built files are often one long line. */
function clipLine(line: string, found: string): string {
  if (line.length <= 160) return line.trim()
  const at = Math.max(0, line.indexOf(found) - 40)
  return `…${line.slice(at, at + 160)}…`
}
