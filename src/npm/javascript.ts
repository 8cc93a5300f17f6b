/**
 * @fileoverview Static facts about one JavaScript file: what it can do (run processes, talk to
 * the network, read credentials, write outside its package), whether it runs code built from
 * decoded data, how obfuscated it is, and which relative files it loads. Nothing is executed:
 * the file is parsed with acorn (or, when it does not parse or is huge, scanned token by token)
 * and only compact facts are kept.
 */
import { parse, type Options } from 'acorn'
import { CREDENTIAL_PATH, LineIndex, SECRET_ENV, clip, entropy, isBuildOutput } from './text.js'
import { analyseShellLine, isShellProgram, type ShellSignal } from './shell-line.js'
import { BROWSER_STORE, GATE_GEO, GATE_TIME, HOOK_TARGET, KEY_MATERIAL, SECRET_PATTERN, WALLET_ADDRESS, type BehaviourFacts, type DestructiveSite, type FlowSite, type HookSite } from './behaviour.js'

export interface JsSite {
  readonly line: number
  /** the line, cut to ~160 characters around the match */
  readonly evidence: string
}
export interface ExecSite extends JsSite {
  /** `child_process.exec`, `process.binding(spawn_sync)`, … */
  readonly api: string
  /** command and arguments are all literal */
  readonly literal: boolean
  readonly command?: string
  /** what the command line does, read as shell (a download piped to a shell, a reverse shell…) */
  readonly shell?: readonly ShellSignal[]
  /** started detached from the parent, to outlive it */
  readonly detached?: boolean
  /** the program is a shell with no script: an interactive shell */
  readonly interactiveShell?: boolean
  /** run only to print its version or help (`x --version`): how installers check a binary they fetched */
  readonly versionCheck?: boolean
}
export interface NetworkSite extends JsSite {
  readonly api: string
  /** a literal URL or host, when visible */
  readonly target?: string
}
export interface CredentialSite extends JsSite {
  /** a credential file, a secret environment variable, or the whole environment */
  readonly kind: 'file' | 'env' | 'whole-env'
  readonly what: string
}
export interface WriteSite extends JsSite {
  readonly api: string
  readonly target: string
  /** runs when the module is loaded, not only when a function is called */
  readonly onLoad?: boolean
}
export type ArgumentKind = 'literal' | 'dynamic' | 'decoded' | 'plugin-path'
export interface DynamicCodeSite extends JsSite {
  /** `eval`, `Function`, `vm.runInThisContext`, `require`, `import()` */
  readonly api: string
  readonly argument: ArgumentKind
  /** how the argument is decoded: `base64`, `hex`, `char-codes`, `xor`, `reversed-string`, … */
  readonly decoder?: string
}
export interface RequireEdge {
  readonly specifier: string
  readonly line: number
  readonly kind: 'require' | 'import' | 'spawn'
}
export interface EncodedString {
  readonly line: number
  readonly length: number
  readonly encoding: 'base64' | 'hex'
  readonly entropy: number
}
export interface ObfuscationFacts {
  readonly identifiers: number
  /** identifiers like `_0x3f2a1b` */
  readonly hexIdentifiers: number
  /** the largest array literal made only of strings */
  readonly stringArray?: { readonly line: number; readonly size: number }
  /** javascript-obfuscator's rotating `push(shift())` loop */
  readonly rotation?: JsSite
  readonly lines: number
  readonly maxLineLength: number
  /** long lines and dense code: a signal only outside build output */
  readonly minified: boolean
  /** under dist/, build/, lib/, a .min.js, a bundle… */
  readonly buildOutput: boolean
  readonly encodedStrings: readonly EncodedString[]
  /** an obfuscator's signature, described; absent when none */
  readonly signature?: string
  readonly signatureLine?: number
}
export interface JsFacts {
  readonly path: string
  readonly bytes: number
  /** how the file was read: parsed as a module or script, or token-scanned */
  readonly mode: 'module' | 'script' | 'tokens'
  readonly parseError?: string
  /** why the AST was skipped (size) */
  readonly skipped?: string
  readonly exec: readonly ExecSite[]
  readonly network: readonly NetworkSite[]
  readonly credentials: readonly CredentialSite[]
  readonly writes: readonly WriteSite[]
  readonly dynamicCode: readonly DynamicCodeSite[]
  /** relative modules loaded (require, import, fork of a literal file) */
  readonly requires: readonly RequireEdge[]
  readonly obfuscation: ObfuscationFacts
  /** what the code does with what it reads: flows to the network, hooks, payload shapes */
  readonly behaviour: BehaviourFacts
}

/** Files larger than this are token-scanned, never parsed. */
export const MAX_AST_CHARS = 5 * 1024 * 1024
const MAX_SITES = 12
const MAX_REQUIRES = 200
const MAX_BINDINGS = 400_000

// ---------------------------------------------------------------------------------------------
// AST shapes: a loose view of ESTree nodes, enough for what is read here.

interface N {
  readonly type: string
  readonly start: number
  readonly end: number
  readonly name?: string
  readonly value?: unknown
  readonly callee?: N
  readonly arguments?: readonly N[]
  readonly object?: N
  readonly property?: N
  readonly computed?: boolean
  readonly id?: N | null
  readonly init?: N | null
  readonly left?: N
  readonly right?: N
  readonly operator?: string
  readonly elements?: readonly (N | null)[]
  readonly properties?: readonly N[]
  readonly key?: N
  readonly params?: readonly N[]
  readonly body?: N | readonly N[]
  readonly expressions?: readonly N[]
  readonly quasis?: readonly N[]
  readonly source?: N | null
  readonly specifiers?: readonly N[]
  readonly local?: N
  readonly imported?: N
  readonly argument?: N | null
  readonly declarations?: readonly N[]
}

const EXEC_METHODS = new Set(['exec', 'execSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork'])
const NET_MODULES = new Set(['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'dns/promises'])
const NET_METHODS = new Set(['request', 'get', 'connect', 'createConnection', 'createSocket', 'Socket', 'lookup', 'resolve', 'resolve4', 'resolve6', 'resolveTxt', 'resolveAny', 'resolveCname', 'Agent', 'ClientRequest'])
const HTTP_LIBS = new Set(['axios', 'node-fetch', 'got', 'request', 'undici', 'superagent', 'needle', 'phin', 'ws', 'cross-fetch', 'isomorphic-fetch', 'make-fetch-happen', 'minipass-fetch'])
const FS_MODULES = new Set(['fs', 'fs/promises', 'fs-extra', 'graceful-fs'])
const FS_WRITE = new Set(['writeFileSync', 'writeFile', 'appendFileSync', 'appendFile', 'createWriteStream', 'copyFileSync', 'copyFile', 'outputFileSync', 'outputFile', 'renameSync', 'rename', 'symlinkSync', 'symlink'])
const FS_READ = new Set(['readFileSync', 'readFile', 'createReadStream', 'readdirSync', 'readdir', 'existsSync', 'statSync', 'openSync', 'open', 'accessSync', 'access', 'readJsonSync', 'readJson', 'copyFileSync', 'copyFile'])
const VM_METHODS = new Set(['runInThisContext', 'runInNewContext', 'runInContext', 'compileFunction', 'Script', 'SourceTextModule'])
const VM_ANY_OBJECT = new Set(['runInThisContext', 'runInNewContext', 'compileFunction'])
const ZLIB_DECODE = new Set(['inflateSync', 'gunzipSync', 'inflateRawSync', 'unzipSync', 'brotliDecompressSync'])
const GLOBALS = new Set(['window', 'global', 'globalThis', 'self'])
const SERIALISERS = new Set(['stringify', 'encode', 'serialize', 'from', 'write', 'send', 'end', 'post', 'put', 'request', 'fetch', 'emit'])
const OUTSIDE_PREFIX = /^(?:~|\/etc\/|\/tmp\/|\/var\/|\/usr\/|\/root\/|\/home\/|\/Users\/|[A-Za-z]:\\|%APPDATA%|%USERPROFILE%|\$HOME)/

const HEX_ID = /^_0x[0-9a-f]{4,}$/i
/** Evaluation steps per evaluated expression: enough for decoders and lookups, small enough for any file. */
const EVAL_STEPS = 20_000
/** …and per file: a 5 MB bundle of a hundred thousand calls stays linear */
const EVAL_STEPS_PER_FILE = 2_000_000
const MAX_VALUE_CHARS = 64 * 1024
type Value = string | number | (string | number)[]
/** steps spent, and the decoding met on the way (`base64`, `rotated string array`…): a value computed that way is hidden */
interface Budget {
  steps: number
  decoded?: string
}
let nesting = 0

const propName = (member: N): string | undefined => {
  const p = member.property
  if (!p) return undefined
  if (!member.computed && p.type === 'Identifier') return p.name
  if (p.type === 'Literal' && typeof p.value === 'string') return p.value
  return undefined
}

const isIdent = (n: N | null | undefined, name?: string): boolean => !!n && n.type === 'Identifier' && (name === undefined || n.name === name)

const isProcessEnv = (n: N | null | undefined): boolean =>
  !!n && n.type === 'MemberExpression' && isIdent(n.object, 'process') && propName(n) === 'env'

const isFunction = (n: N | null | undefined): boolean =>
  !!n && (n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'FunctionDeclaration')

const moduleName = (s: string): string => s.replace(/^node:/, '')

const isRelative = (s: string): boolean => s.startsWith('./') || s.startsWith('../') || s === '.' || s === '..'

/** Children of a node, whatever its type. */
function pushChildren(node: N, into: N[]): void {
  const record = node as unknown as Record<string, unknown>
  for (const key in record) {
    // `value` is a node in properties and methods (a Literal's value is not: it has no `type`)
    if (key === 'type' || key === 'start' || key === 'end' || key === 'regex' || key === 'raw') continue
    const v = record[key]
    if (v === null || typeof v !== 'object') continue
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const c: unknown = v[i]
        if (c !== null && typeof c === 'object' && typeof (c as N).type === 'string') into.push(c as N)
      }
    } else if (typeof (v as N).type === 'string') into.push(v as N)
  }
}


interface ValueFacts {
  strings: string[]
  decoder: string | undefined
  homedir: boolean
  tmpdir: boolean
  dirname: boolean
  env: string[]
  literalOnly: boolean
  /** sources of data the value carries (see BehaviourFacts) */
  sources: Set<string>
  /** derived from a function parameter: what a caller passes */
  fromParams: boolean
  /** derived from the command line */
  argv: boolean
  cwd: boolean
  /** reads the clock */
  time: boolean
}

// ---------------------------------------------------------------------------------------------

class Analysis {
  readonly exec: ExecSite[] = []
  readonly network: NetworkSite[] = []
  readonly credentials: CredentialSite[] = []
  readonly writes: WriteSite[] = []
  readonly dynamicCode: DynamicCodeSite[] = []
  readonly requires: RequireEdge[] = []
  identifiers = 0
  hexIdentifiers = 0
  stringArray: { line: number; size: number } | undefined
  encoded: EncodedString[] = []

  private readonly scopeParent: number[] = [-1]
  private readonly bindings = new Map<string, Map<number, N[] | null>>()
  private bindingCount = 0
  /** too many bindings to track: values are then never resolved (unknown, not decoded) */
  private bindingsOverflow = false
  private readonly calls: { node: N; scope: number }[] = []
  private readonly decoderFns = new Map<N, string | null>()
  private readonly lines: LineIndex
  private readonly seen = new Set<string>()
  // behaviour
  readonly flows: FlowSite[] = []
  readonly identity: JsSite[] = []
  readonly hooks: HookSite[] = []
  readonly remoteCode: JsSite[] = []
  readonly moduleCompile: JsSite[] = []
  readonly walletTransfers: JsSite[] = []
  readonly destructive: DestructiveSite[] = []
  readonly chmods: JsSite[] = []
  hang: JsSite | undefined
  walletMarkers = 0
  fileWrites = 0
  checksum = false
  private readonly scopeOnLoad: boolean[] = [true]
  private readonly immediate = new Set<N>()
  private readonly networkCalls = new Set<N>()
  private readonly dynamicNodes: { node: N; api: string }[] = []
  private readonly gates: { start: number; end: number; kind: 'time' | 'geo' }[] = []
  private readonly requireAliases = new Set<string>()
  private readonly wipers = new Map<N, boolean>()
  private readonly rotations = new Map<string, number>()
  private readonly scopeOf = new Map<N, number>()
  private readonly browserStores: { offset: number; what: string }[] = []
  private readonly secretPatterns: number[] = []
  private reads = 0
  /** evaluation steps spent on this file, across every expression */
  private evalSteps = 0
  private gateChecks = 0
  private readonly text: string

  constructor(lines: LineIndex, text = '') {
    this.lines = lines
    this.text = text
  }

  /** Whether code in `scope` runs when the module is loaded (top level, or a callback started there). */
  onLoad(scope: number): boolean {
    return this.scopeOnLoad[scope] ?? false
  }

  site(offset: number, length = 0): JsSite {
    return { line: this.lines.lineAt(offset), evidence: this.lines.snippet(offset, length) }
  }

  /** Adds a site unless the list is full or the same kind of site is already on that line. */
  add<T extends JsSite>(list: T[], key: string, item: T): void {
    if (list.length >= MAX_SITES) return
    const detail = item as unknown as { api?: string; what?: string }
    const k = `${key}\u0000${item.line}\u0000${detail.api ?? ''}\u0000${detail.what ?? ''}`
    if (this.seen.has(k)) return
    this.seen.add(k)
    list.push(item)
  }

  private bind(name: string, scope: number, init: N | null): void {
    if (this.bindingCount >= MAX_BINDINGS) {
      this.bindingsOverflow = true
      return
    }
    this.bindingCount++
    let byScope = this.bindings.get(name)
    if (!byScope) {
      byScope = new Map()
      this.bindings.set(name, byScope)
    }
    const here = byScope.get(scope)
    // null (a parameter) shadows everything else bound in that scope
    if (here === undefined) byScope.set(scope, init === null ? null : [init])
    else if (here !== null && init !== null && here.length < 16) here.push(init)
    else if (init === null) byScope.set(scope, null)
  }

  /** The values a name may hold at a use in `scope`: the nearest scope that binds it. */
  private lookup(name: string, scope: number): { inits: N[]; scope: number } | undefined {
    if (this.bindingsOverflow) return undefined
    const byScope = this.bindings.get(name)
    if (!byScope) return undefined
    for (let s = scope; s >= 0; s = this.scopeParent[s] ?? -1) {
      const here = byScope.get(s)
      if (here === undefined) continue
      return { inits: here ?? [], scope: s }
    }
    return undefined
  }

  // -- the walk ------------------------------------------------------------------------------

  walk(program: N): void {
    const stack: N[] = [program]
    const scopes: number[] = [0]
    const children: N[] = []
    while (stack.length > 0) {
      const node = stack.pop() as N
      let scope = scopes.pop() ?? 0
      switch (node.type) {
        case 'Identifier':
          this.identifiers++
          if (node.name && node.name.startsWith('_0x') && HEX_ID.test(node.name)) this.hexIdentifiers++
          continue
        case 'FunctionDeclaration':
        case 'FunctionExpression':
        case 'ArrowFunctionExpression': {
          const outer = scope
          scope = this.scopeParent.push(outer) - 1
          if (this.scopeOf.size < MAX_BINDINGS) this.scopeOf.set(node, scope)
          this.scopeOnLoad[scope] = (this.scopeOnLoad[outer] ?? false) && node.type !== 'FunctionDeclaration' && this.immediate.has(node)
          if (node.type === 'FunctionDeclaration' && node.id?.name) this.bind(node.id.name, outer, node)
          for (const p of node.params ?? []) this.bindPattern(p, scope)
          break
        }
        case 'VariableDeclarator':
          this.declarator(node, scope)
          break
        case 'AssignmentExpression':
          if (node.left?.type === 'MemberExpression' && node.right) this.assignMember(node, node.left, node.right, scope)
          // an assignment adds a value to the variable where it is declared, not to the scope of the assignment
          if (isIdent(node.left) && node.left?.name && node.right) this.bind(node.left.name, this.lookup(node.left.name, scope)?.scope ?? scope, node.right)
          else if (node.left?.type === 'ObjectPattern' && node.right) this.destructure(node.left, node.right, scope)
          break
        case 'CatchClause': {
          // the caught value lives in the catch block only: `catch (r)` must not hide the function's `r`
          const param = (node as unknown as { param?: N | null }).param
          if (param) {
            const outer = scope
            scope = this.scopeParent.push(outer) - 1
            this.scopeOnLoad[scope] = this.scopeOnLoad[outer] ?? false
            this.bindPattern(param, scope)
          }
          break
        }
        case 'ImportDeclaration':
          this.importDeclaration(node)
          break
        case 'ExportNamedDeclaration':
        case 'ExportAllDeclaration':
          if (node.source && typeof node.source.value === 'string') this.edge(node.source.value, node.start, 'import')
          break
        case 'ImportExpression':
        case 'CallExpression':
        case 'NewExpression':
          this.calls.push({ node, scope })
          this.rotation(node)
          // `list.push(x)`: what is pushed is part of the list's value
          if (node.callee?.type === 'MemberExpression' && isIdent(node.callee.object) && node.callee.object?.name && /^(?:push|unshift)$/.test(propName(node.callee) ?? '') && node.arguments?.[0]) {
            const name = node.callee.object.name
            const found = this.lookup(name, scope)
            if (found && found.inits.length > 0) this.bind(name, found.scope, node.arguments[0])
          }
          // callbacks and immediately invoked functions run when their caller runs
          if (node.callee && isFunction(node.callee)) this.immediate.add(node.callee)
          for (const a of node.arguments ?? []) if (isFunction(a)) this.immediate.add(a)
          break
        case 'MemberExpression':
          if (isProcessEnv(node.object)) {
            const name = propName(node)
            if (name && SECRET_ENV.test(name)) this.add(this.credentials, 'env', { kind: 'env', what: `process.env.${name}`, ...this.site(node.start, node.end - node.start) })
          }
          break
        case 'IfStatement':
        case 'ConditionalExpression':
        case 'LogicalExpression': {
          const test = (node as unknown as { test?: N }).test ?? (node.type === 'LogicalExpression' ? node.left : undefined)
          if (test) this.gate(node, test, scope)
          break
        }
        case 'ForStatement':
        case 'WhileStatement':
        case 'DoWhileStatement':
          if (scope === 0) this.endlessLoop(node)
          break
        case 'ForOfStatement': {
          // `for (const p of paths)`: p holds the elements of paths
          const decl = node.left?.type === 'VariableDeclaration' ? node.left.declarations?.[0]?.id : node.left
          if (decl?.type === 'Identifier' && decl.name && node.right) this.bind(decl.name, this.lookup(decl.name, scope)?.scope ?? scope, node.right)
          break
        }
        case 'ForInStatement':
          if (isProcessEnv(node.right)) this.wholeEnv(node, 'enumerated with for…in')
          break
        case 'Literal':
          if (typeof node.value === 'string') {
            if (node.value.length >= 200) this.longString(node, node.value)
            else this.literalMarkers(node, node.value)
          } else if ((node as unknown as { regex?: { pattern: string } }).regex) {
            const pattern = (node as unknown as { regex: { pattern: string } }).regex.pattern
            if (SECRET_PATTERN.test(pattern)) this.secretPatterns.push(node.start)
            if (/0x\[a-fA-F0-9\]\{40\}|0x\[0-9a-fA-F\]\{40\}/.test(pattern)) this.walletMarkers++
          }
          continue
        case 'ArrayExpression': {
          const elements = node.elements ?? []
          if (elements.length >= 10 && (!this.stringArray || elements.length > this.stringArray.size)) {
            let strings = 0
            for (const e of elements) if (e && e.type === 'Literal' && typeof e.value === 'string') strings++
            if (strings >= elements.length * 0.9) this.stringArray = { line: this.lines.lineAt(node.start), size: elements.length }
          }
          break
        }
      }
      children.length = 0
      pushChildren(node, children)
      for (const c of children) {
        stack.push(c)
        scopes.push(scope)
      }
    }
    for (const { node, scope } of this.calls) this.call(node, scope)
    this.afterCalls()
  }

  private bindPattern(p: N, scope: number): void {
    if (p.type === 'Identifier' && p.name) this.bind(p.name, scope, null)
    else if (p.type === 'AssignmentPattern' && p.left) this.bindPattern(p.left, scope)
    else if (p.type === 'RestElement' && p.argument) this.bindPattern(p.argument, scope)
    else if (p.type === 'ArrayPattern') {
      for (const e of p.elements ?? []) if (e) this.bindPattern(e, scope)
    } else if (p.type === 'ObjectPattern') {
      for (const prop of p.properties ?? []) this.bindPattern(prop.type === 'Property' ? (prop.value as N) : prop, scope)
    }
  }

  private declarator(node: N, scope: number): void {
    const id = node.id
    if (!id) return
    if (id.type === 'Identifier' && id.name) {
      if (node.init) this.bind(id.name, scope, node.init)
    }
    else if (id.type === 'ObjectPattern' && node.init) this.destructure(id, node.init, scope)
    else this.bindPattern(id, scope)
  }

  /** `const { exec: run } = require('child_process')` binds `run` to `require('child_process').exec`. */
  private destructure(pattern: N, init: N, scope: number): void {
    for (const prop of pattern.properties ?? []) {
      const value = prop.value as N | undefined
      const key = prop.key ? (prop.key.type === 'Identifier' && !prop.computed ? prop.key.name : typeof prop.key.value === 'string' ? prop.key.value : undefined) : undefined
      if (prop.type === 'Property' && key && value) {
        const local = value.type === 'AssignmentPattern' ? value.left : value
        if (local?.type === 'Identifier' && local.name) {
          const synthetic: N = { type: 'MemberExpression', start: prop.start, end: prop.end, object: init, property: { type: 'Identifier', name: key, start: prop.start, end: prop.end }, computed: false }
          this.bind(local.name, scope, synthetic)
          if (isProcessEnv(init) && SECRET_ENV.test(key)) this.add(this.credentials, 'env', { kind: 'env', what: `process.env.${key}`, ...this.site(prop.start, prop.end - prop.start) })
        } else if (local) this.bindPattern(local, scope)
      } else this.bindPattern(prop, scope)
    }
  }

  private importDeclaration(node: N): void {
    const source = node.source?.value
    if (typeof source !== 'string') return
    if (isRelative(source)) this.edge(source, node.start, 'import')
    const req: N = { type: 'CallExpression', start: node.start, end: node.end, callee: { type: 'Identifier', name: 'require', start: node.start, end: node.start }, arguments: [node.source as N] }
    for (const s of node.specifiers ?? []) {
      const local = s.local?.name
      if (!local) continue
      if (s.type === 'ImportSpecifier' && s.imported) {
        const imported = s.imported.name ?? (typeof s.imported.value === 'string' ? s.imported.value : 'default')
        this.bind(local, 0, { type: 'MemberExpression', start: s.start, end: s.end, object: req, property: { type: 'Identifier', name: imported, start: s.start, end: s.end }, computed: false })
      } else this.bind(local, 0, req)
    }
  }

  private edge(specifier: string, offset: number, kind: RequireEdge['kind']): void {
    if (!isRelative(specifier) || this.requires.length >= MAX_REQUIRES) return
    const line = this.lines.lineAt(offset)
    if (this.requires.some((r) => r.specifier === specifier)) return
    this.requires.push({ specifier, line, kind })
  }

  private longString(node: N, value: string): void {
    const compact = value.length > 8192 ? value.slice(0, 8192) : value
    let encoding: 'base64' | 'hex' | undefined
    if (/^[0-9a-fA-F\s]+$/.test(compact)) encoding = 'hex'
    else if (/^[A-Za-z0-9+/=_\-\s]+$/.test(compact) && /[0-9]/.test(compact) && /[A-Z]/.test(compact) && /[a-z]/.test(compact)) encoding = 'base64'
    if (!encoding) return
    const item: EncodedString = { line: this.lines.lineAt(node.start), length: value.length, encoding, entropy: entropy(compact) }
    this.encoded.push(item)
    this.encoded.sort((a, b) => b.length - a.length)
    if (this.encoded.length > 3) this.encoded.length = 3
  }

  private wholeEnv(node: N, how: string): void {
    this.add(this.credentials, 'whole-env', { kind: 'whole-env', what: `process.env ${how}`, ...this.site(node.start, node.end - node.start) })
  }


  // -- behaviour -------------------------------------------------------------------------------

  /** A property name, computed ones resolved: `process['e'+'nv']`, `window[_0x1f('0x2')]`. */
  prop(member: N, scope: number): string | undefined {
    const direct = propName(member)
    if (direct !== undefined) return direct
    return member.computed ? this.evalString(member.property, scope) : undefined
  }

  /** `window.fetch`, `XMLHttpRequest.prototype.open`: a member chain with names resolved, when short. */
  memberPath(node: N | undefined, scope: number, depth = 0): string | undefined {
    if (!node || depth > 6) return undefined
    if (node.type === 'Identifier') return node.name
    if (node.type === 'ThisExpression') return 'this'
    if (node.type === 'MemberExpression') {
      const name = this.prop(node, scope)
      const obj = this.memberPath(node.object, scope, depth + 1)
      return name === undefined || obj === undefined ? undefined : `${obj}.${name}`
    }
    return undefined
  }

  /** javascript-obfuscator's `(function (arr, n) { … arr.push(arr.shift()) … })(strings, 0x1b3)`: rotation count read from the loop's argument. */
  private rotation(node: N): void {
    const fn = node.callee
    const arr = node.arguments?.[0]
    if (!fn || !isFunction(fn) || !isIdent(arr) || !arr?.name || (node.arguments?.length ?? 0) < 2) return
    const body = this.text.slice(fn.start, Math.min(fn.end, fn.start + 2000))
    if (!/push/.test(body) || !/shift/.test(body) || !/while\s*\(\s*--/.test(body)) return
    const n = this.evalValue(node.arguments?.[1], 0, undefined, { steps: 0 })
    // `f(++n)` with `while (--x)` turns n times; `f(n)` turns n − 1 times
    if (typeof n === 'number' && n > 0 && n < 1e6) this.rotations.set(arr.name, /\(\s*\+\+/.test(body) ? n : n - 1)
  }

  private gate(node: N, test: N, scope: number): void {
    if (this.gates.length >= 200 || ++this.gateChecks > 5000) return
    const src = this.text.slice(test.start, Math.min(test.end, test.start + 400))
    let kind: 'time' | 'geo' | undefined = GATE_TIME.test(src) ? 'time' : GATE_GEO.test(src) ? 'geo' : undefined
    if (!kind) {
      const f = this.valueFacts(test, scope)
      const words = f.strings.join(' ')
      kind = GATE_GEO.test(words) ? 'geo' : f.time ? 'time' : undefined
    }
    if (kind) this.gates.push({ start: node.start, end: node.end, kind })
  }

  private gateAt(offset: number): 'time' | 'geo' | undefined {
    let found: 'time' | 'geo' | undefined
    for (const g of this.gates) if (g.start <= offset && offset < g.end) found = found === 'geo' ? found : g.kind
    return found
  }

  /** `for (;;)`, `while (true)`, `i < Infinity` at the top level with no way out. */
  private endlessLoop(node: N): void {
    if (this.hang) return
    const test = (node as unknown as { test?: N | null }).test
    const endless = !test || (test.type === 'Literal' && test.value === true) || (test.type === 'BinaryExpression' && (isIdent(test.right, 'Infinity') || isIdent(test.left, 'Infinity')))
    if (!endless) return
    const body = this.text.slice(node.start, Math.min(node.end, node.start + 20000))
    if (/\b(?:break|return|throw|exit|await|yield)\b/.test(body)) return
    this.hang = this.site(node.start, Math.min(80, node.end - node.start))
  }

  private literalMarkers(node: N, value: string): void {
    if (WALLET_ADDRESS.test(value)) this.walletMarkers++
    if (value === 'eth_sendTransaction' || value === 'eth_signTransaction') this.walletMarkers++
    if (value.length < 200 && BROWSER_STORE.test(value) && this.browserStores.length < 8) this.browserStores.push({ offset: node.start, what: value })
  }

  /** Assignments to members: hooks on globals, `global.r = require` aliases. */
  private assignMember(node: N, left: N, right: N, scope: number): void {
    // `loot.key = read()`: what an object's members hold is part of the object's value
    if (isIdent(left.object) && left.object?.name && left.object.name !== 'module' && left.object.name !== 'exports' && !GLOBALS.has(left.object.name)) {
      const found = this.lookup(left.object.name, scope)
      if (found && found.inits.length > 0) this.bind(left.object.name, found.scope, right)
    }
    if (isIdent(right, 'require') || (right.type === 'MemberExpression' && propName(right) === 'require' && isIdent(right.object, 'module'))) {
      const name = this.prop(left, scope)
      if (name) this.requireAliases.add(name)
      return
    }
    if (this.hooks.length >= MAX_SITES) return
    const path = this.memberPath(left, scope)
    if (!path || !(isFunction(right) || right.type === 'CallExpression' || right.type === 'ClassExpression' || right.type === 'Identifier')) return
    for (const h of HOOK_TARGET) {
      if (!h.re.test(path)) continue
      // `window.fetch = window.fetch || polyfill` keeps what exists: a polyfill, not a hook
      if (right.type === 'Identifier' && !isFunction(this.lookup(right.name ?? '', scope)?.inits[0])) return
      this.hooks.push({ target: path, kind: h.kind, ...this.site(node.start, node.end - node.start) })
      return
    }
  }

  /** Sources a value carries: the environment, secrets, host identity, key material, credential files. */
  sourcesOf(args: readonly (N | null | undefined)[], scope: number): string[] {
    const out = new Set<string>()
    for (const a of args) {
      if (!a) continue
      const f = this.valueFacts(a, scope)
      for (const src of f.sources) out.add(src)
      if (out.size >= 4) break
    }
    return [...out]
  }

  private flow(node: N, sink: string, args: readonly (N | null | undefined)[], scope: number): void {
    if (this.flows.length >= MAX_SITES) return
    const sources = this.sourcesOf(args, scope)
    if (sources.length === 0) return
    this.flows.push({ source: sources.join(', '), sink, onLoad: this.onLoad(scope), ...this.site(node.start, node.end - node.start) })
  }

  /** Network streams: `req.write(x)`, `socket.send(x)`, `ws.onopen = () => ws.send(x)`. */
  private streamWrite(node: N, callee: N, args: readonly N[], scope: number): boolean {
    if (callee.type !== 'MemberExpression') return false
    const method = this.prop(callee, scope)
    if (method !== 'write' && method !== 'end' && method !== 'send' && method !== 'emit') return false
    let obj = callee.object
    for (let i = 0; i < 4 && obj?.type === 'Identifier' && obj.name; i++) {
      const found = this.lookup(obj.name, scope)
      const init = found?.inits[0]
      if (!init) return false
      if (this.networkCalls.has(init) || (init.type === 'NewExpression' && /^(?:WebSocket|Socket)$/.test(init.callee?.name ?? (init.callee ? (propName(init.callee) ?? '') : '')))) {
        this.flow(node, `${obj.name}.${method}()`, args, scope)
        return true
      }
      obj = init
    }
    return false
  }

  /** What is left once every call is seen: code run from network callbacks, recursive wipers called with fixed paths, browser stores read. */
  private afterCalls(): void {
    const ranges: { start: number; end: number }[] = []
    for (const call of this.networkCalls) for (const a of call.arguments ?? []) if (isFunction(a)) ranges.push({ start: a.start, end: a.end })
    for (const { node } of this.calls) {
      const callee = node.callee
      if (!callee || callee.type !== 'MemberExpression' || !/^(?:then|on|once|addEventListener|pipe)$/.test(propName(callee) ?? '')) continue
      let obj: N | undefined = callee.object
      for (let i = 0; i < 8 && obj; i++) {
        if (this.networkCalls.has(obj)) {
          for (const a of node.arguments ?? []) if (isFunction(a)) ranges.push({ start: a.start, end: a.end })
          break
        }
        obj = obj.type === 'CallExpression' ? (obj.callee?.type === 'MemberExpression' ? obj.callee.object : undefined) : obj.type === 'MemberExpression' ? obj.object : obj.type === 'AwaitExpression' ? (obj.argument ?? undefined) : undefined
      }
    }
    for (const d of this.dynamicNodes) {
      if (this.remoteCode.length >= MAX_SITES) break
      if (ranges.some((r) => r.start <= d.node.start && d.node.end <= r.end)) this.remoteCode.push({ ...this.site(d.node.start, d.node.end - d.node.start), evidence: `${d.api}: ${this.lines.snippet(d.node.start, d.node.end - d.node.start)}` })
    }
    if (this.reads > 0) {
      for (const b of this.browserStores.slice(0, 2)) this.add(this.credentials, 'file', { kind: 'file', what: clip(`${b.what} (browser or wallet store)`, 80), ...this.site(b.offset, b.what.length + 2) })
      for (const at of this.secretPatterns.slice(0, 1)) this.add(this.credentials, 'file', { kind: 'file', what: 'secrets found by scanning files (token patterns)', ...this.site(at, 20) })
    }
  }

  behaviour(): BehaviourFacts {
    const hasNet = this.network.length > 0
    // running the download: a program whose path is computed (not a named tool run on computed arguments), or detached
    const runsDownload = (e: ExecSite): boolean => (e.command === undefined && e.versionCheck !== true) || e.detached === true
    const runsSomething = this.exec.some(runsDownload)
    // …into a place outside the package, or started detached: an installer that fetches its own binary into the package and runs `--version` is not a dropper
    const dropped = this.writes.length > 0 || this.exec.some((e) => e.detached === true)
    const downloadExecute = hasNet && this.fileWrites > 0 && runsSomething && dropped && !this.checksum ? this.exec.find(runsDownload) : undefined
    return {
      flows: this.flows,
      identity: this.identity,
      hooks: this.hooks,
      remoteCode: this.remoteCode,
      moduleCompile: this.moduleCompile,
      walletTransfers: this.walletTransfers,
      walletMarkers: this.walletMarkers,
      destructive: this.destructive,
      ...(downloadExecute ? { downloadExecute: { line: downloadExecute.line, evidence: downloadExecute.evidence } } : {}),
      checksum: this.checksum,
      ...(this.hang ? { hang: this.hang } : {}),
    }
  }

  /** A function that walks a directory tree and removes or overwrites what it finds. */
  private isWiper(fn: N): boolean {
    const body = this.text.slice(fn.start, Math.min(fn.end, fn.start + 20000))
    const name = fn.id?.name
    return /\breaddir(?:Sync)?\b/.test(body) && /\b(?:writeFile|writeFileSync|unlink|unlinkSync|rmSync|rm|truncate|truncateSync)\s*\(/.test(body) && (name === undefined || new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\s*\\(`).test(body.slice(body.indexOf('{'))))
  }

  /** Calls that matter for behaviour rather than capability. Returns true when nothing else applies. */
  private behaviourCall(node: N, callee: N, t: { module?: string; member?: string; name?: string }, args: readonly N[], scope: number): boolean {
    // worker threads run a file of the package
    if (node.type === 'NewExpression' && (t.name === 'Worker' || (t.module === 'worker_threads' && t.member === 'Worker'))) {
      const file = this.evalString(args[0], scope)
      if (file !== undefined && /\.[cm]?js$/.test(file)) this.edge(file.startsWith('.') ? file : `./${file}`, node.start, 'spawn')
      return true
    }
    const member = callee.type === 'MemberExpression' ? this.prop(callee, scope) : undefined
    // code compiled into a module object by hand
    const newModule = node.type === 'NewExpression' && ((member === 'constructor' && isIdent(callee.object, 'module')) || (t.module === 'module' && !t.member) || (t.module === 'module' && t.member === 'Module'))
    if ((newModule || member === '_compile') && this.onLoad(scope) && this.moduleCompile.length < MAX_SITES) this.moduleCompile.push(this.site(node.start, node.end - node.start))
    if (t.module === 'os' && (t.member === 'hostname' || t.member === 'userInfo' || t.member === 'networkInterfaces') && this.identity.length < MAX_SITES) this.identity.push(this.site(node.start, node.end - node.start))
    if (t.member === 'createHash' || t.member === 'createHmac' || t.member === 'createVerify' || (member === 'digest' && callee.type === 'MemberExpression')) this.checksum = true
    if (member === 'request' && callee.type === 'MemberExpression' && /(?:^|\.)ethereum$/.test(this.memberPath(callee.object, scope) ?? '')) {
      const text = this.text.slice(node.start, Math.min(node.end, node.start + 2000))
      if (/eth_sendTransaction/.test(text) && /['"]0x[a-fA-F0-9]{40}['"]/.test(text) && this.walletTransfers.length < MAX_SITES) this.walletTransfers.push(this.site(node.start, node.end - node.start))
    }
    if (member === 'defineProperty' && isIdent(callee.object, 'Object') && this.hooks.length < MAX_SITES) {
      const obj = this.memberPath(args[0], scope)
      const key = this.evalString(args[1], scope)
      const path = obj !== undefined && key !== undefined ? `${obj}.${key}` : undefined
      const hook = path !== undefined ? HOOK_TARGET.find((h) => h.re.test(path)) : undefined
      if (hook && path) this.hooks.push({ target: path, kind: hook.kind, ...this.site(node.start, node.end - node.start) })
    }
    if (callee.type === 'Identifier' && callee.name && args[0]) {
      const fn = this.lookup(callee.name, scope)?.inits[0]
      if (fn && isFunction(fn)) {
        let wiper = this.wipers.get(fn)
        if (wiper === undefined) this.wipers.set(fn, (wiper = this.isWiper(fn)))
        if (wiper) this.destructiveCall(node, `${callee.name}() overwrites or deletes every file under a directory`, args[0], scope)
      }
    }
    this.streamWrite(node, callee, args, scope)
    return false
  }

  private destructiveCall(node: N, what: string, target: N | undefined, scope: number): void {
    if (!target || this.destructive.length >= MAX_SITES) return
    const f = this.valueFacts(target, scope)
    if (f.fromParams || f.argv) return
    if (f.strings.length === 0 && !f.homedir && !f.cwd) return
    // the package's own directory (`path.join(__dirname, 'build')`) is its own business
    const outside = f.homedir || f.cwd || f.tmpdir || f.strings.some((x) => /^(?:\/|~|[A-Za-z]:[\\/]|\.\.?(?:[\\/]|$))/.test(x))
    if (f.dirname && !f.homedir && !f.tmpdir && !f.strings.some((x) => /^(?:\/|~|[A-Za-z]:[\\/])/.test(x))) return
    const gate = this.gateAt(node.start)
    this.destructive.push({ what, onLoad: this.onLoad(scope), outside, ...(gate ? { gate } : {}), ...this.site(node.start, node.end - node.start) })
  }

  // -- values ----------------------------------------------------------------------------------

  /** Statically evaluates a string expression made of literals and decodings of literals. */
  evalString(node: N | null | undefined, scope: number, depth = 0): string | undefined {
    if (!node || depth > 12) return undefined
    switch (node.type) {
      case 'Literal':
        return typeof node.value === 'string' ? node.value : typeof node.value === 'number' ? String(node.value) : undefined
      case 'TemplateLiteral': {
        let out = ''
        const quasis = node.quasis ?? []
        const exprs = node.expressions ?? []
        for (let i = 0; i < quasis.length; i++) {
          const cooked = (quasis[i]?.value as { cooked?: string } | undefined)?.cooked
          if (cooked === undefined) return undefined
          out += cooked
          if (i < exprs.length) {
            const v = this.evalString(exprs[i], scope, depth + 1)
            if (v === undefined) return undefined
            out += v
          }
        }
        return out
      }
      case 'BinaryExpression': {
        if (node.operator !== '+') return undefined
        const l = this.evalString(node.left, scope, depth + 1)
        if (l === undefined) return undefined
        const r = this.evalString(node.right, scope, depth + 1)
        return r === undefined || l.length + r.length > 20000 ? undefined : l + r
      }
      case 'Identifier': {
        if (!node.name) return undefined
        const found = this.lookup(node.name, scope)
        if (!found || found.inits.length !== 1) return undefined
        return this.evalString(found.inits[0], found.scope, depth + 1)
      }
      case 'CallExpression': {
        const decoded = this.evalDecode(node, scope, depth)
        if (decoded !== undefined) return decoded
        const v = this.evalValue(node, scope, undefined, { steps: 0 }, depth + 1)
        return typeof v === 'string' ? v : undefined
      }
      default: {
        const v = this.evalValue(node, scope, undefined, { steps: 0 }, depth + 1)
        return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined
      }
    }
  }

  /**
   * A bounded partial evaluator for the values strings are built from: strings, numbers and
   * arrays of them, through literals, concatenation, templates, constant arrays and objects
   * indexed by constants, `join`/`split`/`reverse`/`replace`/`slice`/`charCodeAt`,
   * `String.fromCharCode`, `Buffer.from(…, enc).toString()`, `atob`, small user functions (decoders,
   * XOR loops, obfuscator.io lookups into rotated string arrays). Gives up (undefined) on anything
   * else, and after a fixed number of steps.
   */
  evalValue(node: N | null | undefined, scope: number, env: Map<string, Value> | undefined, budget: Budget, depth = 0): Value | undefined {
    if (!node || depth > 24 || ++budget.steps > EVAL_STEPS || ++this.evalSteps > EVAL_STEPS_PER_FILE) return undefined
    switch (node.type) {
      case 'Literal':
        return typeof node.value === 'string' || typeof node.value === 'number' ? node.value : typeof node.value === 'boolean' ? Number(node.value) : undefined
      case 'TemplateLiteral': {
        let out = ''
        const quasis = node.quasis ?? []
        for (let i = 0; i < quasis.length; i++) {
          const cooked = (quasis[i]?.value as { cooked?: string } | undefined)?.cooked
          if (cooked === undefined) return undefined
          out += cooked
          const e = node.expressions?.[i]
          if (e) {
            const v = this.evalValue(e, scope, env, budget, depth + 1)
            if (v === undefined || Array.isArray(v)) return undefined
            out += String(v)
          }
        }
        return out
      }
      case 'Identifier': {
        if (!node.name) return undefined
        if (env?.has(node.name)) return env.get(node.name)
        const found = this.lookup(node.name, scope)
        if (!found || found.inits.length !== 1) return undefined
        const init = found.inits[0] as N
        if (isFunction(init)) return undefined
        const v = this.evalValue(init, found.scope, undefined, budget, depth + 1)
        if (Array.isArray(v) && this.rotations.has(node.name)) budget.decoded ??= 'rotated string array'
        return Array.isArray(v) ? this.rotated(node.name, v) : v
      }
      case 'ArrayExpression': {
        const out: (string | number)[] = []
        for (const e of node.elements ?? []) {
          const v = e ? this.evalValue(e, scope, env, budget, depth + 1) : undefined
          if (v === undefined || Array.isArray(v)) return undefined
          out.push(v)
          if (out.length > 4096) return undefined
        }
        return out
      }
      case 'UnaryExpression': {
        const v = this.evalValue(node.argument, scope, env, budget, depth + 1)
        if (typeof v !== 'number') return node.operator === '!' && Array.isArray(v) ? 0 : undefined
        return node.operator === '-' ? -v : node.operator === '+' ? v : node.operator === '~' ? ~v : node.operator === '!' ? Number(!v) : undefined
      }
      case 'UpdateExpression': {
        const v = this.evalValue(node.argument, scope, env, budget, depth + 1)
        return typeof v === 'number' && (node as unknown as { prefix: boolean }).prefix ? v + (node.operator === '++' ? 1 : -1) : v
      }
      case 'BinaryExpression': {
        const l = this.evalValue(node.left, scope, env, budget, depth + 1)
        const r = this.evalValue(node.right, scope, env, budget, depth + 1)
        if (l === undefined || r === undefined || Array.isArray(l) || Array.isArray(r)) return undefined
        if (node.operator === '+') {
          if (typeof l === 'number' && typeof r === 'number') return l + r
          const out = String(l) + String(r)
          return out.length > MAX_VALUE_CHARS ? undefined : out
        }
        if (typeof l !== 'number' || typeof r !== 'number') {
          if (node.operator === '===' || node.operator === '==') return Number(l === r)
          if (node.operator === '!==' || node.operator === '!=') return Number(l !== r)
          // arithmetic coerces strings as JavaScript does: '0x1f' - 0 is 31
          const ln = Number(l)
          const rn = Number(r)
          if (Number.isNaN(ln) || Number.isNaN(rn)) return undefined
          const lit = (v: number): N => ({ type: 'Literal', start: node.start, end: node.start, value: v })
          return this.evalValue({ ...node, left: lit(ln), right: lit(rn) }, scope, env, budget, depth + 1)
        }
        switch (node.operator) {
          case '-': return l - r
          case '*': return l * r
          case '/': return r === 0 ? undefined : l / r
          case '%': return r === 0 ? undefined : l % r
          case '^': return l ^ r
          case '&': return l & r
          case '|': return l | r
          case '<<': return l << r
          case '>>': return l >> r
          case '>>>': return l >>> r
          case '<': return Number(l < r)
          case '>': return Number(l > r)
          case '<=': return Number(l <= r)
          case '>=': return Number(l >= r)
          case '===': case '==': return Number(l === r)
          case '!==': case '!=': return Number(l !== r)
          default: return undefined
        }
      }
      case 'MemberExpression': {
        const obj = node.object
        if (obj?.type === 'ObjectExpression' || (obj?.type === 'Identifier' && !env?.has(obj.name ?? '') && this.objectLiteral(obj, scope))) {
          const literal = obj.type === 'ObjectExpression' ? obj : this.objectLiteral(obj, scope)
          const key = node.computed ? this.evalValue(node.property, scope, env, budget, depth + 1) : node.property?.name
          if (key === undefined || Array.isArray(key)) return undefined
          const prop = literal?.properties?.find((p) => p.type === 'Property' && (p.key?.name === String(key) || p.key?.value === key || String(p.key?.value) === String(key)))
          return prop ? this.evalValue(prop.value as N, scope, env, budget, depth + 1) : undefined
        }
        const base = this.evalValue(obj, scope, env, budget, depth + 1)
        if (base === undefined) return undefined
        if (!node.computed && node.property?.name === 'length') return typeof base === 'number' ? undefined : base.length
        if (!node.computed) return undefined
        const index = this.evalValue(node.property, scope, env, budget, depth + 1)
        if (typeof index !== 'number' && typeof index !== 'string') return undefined
        const i = Number(index)
        if (Array.isArray(base)) return Number.isInteger(i) ? base[i] : undefined
        return typeof base === 'string' && Number.isInteger(i) ? base[i] : undefined
      }
      case 'SequenceExpression': {
        let v: Value | undefined
        for (const e of node.expressions ?? []) v = this.evalValue(e, scope, env, budget, depth + 1)
        return v
      }
      case 'ConditionalExpression':
      case 'LogicalExpression':
        return undefined
      case 'CallExpression':
        return this.evalCall(node, scope, env, budget, depth)
      default:
        return undefined
    }
  }

  private objectLiteral(id: N, scope: number): N | undefined {
    const found = id.name ? this.lookup(id.name, scope) : undefined
    const init = found?.inits.length === 1 ? found.inits[0] : undefined
    return init?.type === 'ObjectExpression' ? init : undefined
  }

  /** A string array as the obfuscator's rotation loop leaves it. */
  private rotated(name: string, values: (string | number)[]): (string | number)[] {
    const n = this.rotations.get(name)
    if (!n || values.length === 0) return values
    const out = [...values]
    for (let i = 0; i < n % out.length; i++) out.push(out.shift() as string | number)
    return out
  }

  private evalCall(node: N, scope: number, env: Map<string, Value> | undefined, budget: Budget, depth: number): Value | undefined {
    const callee = node.callee
    const args = node.arguments ?? []
    if (!callee) return undefined
    const arg = (i: number): Value | undefined => this.evalValue(args[i], scope, env, budget, depth + 1)
    if (callee.type === 'Identifier') {
      if (callee.name === 'atob') {
        const v = arg(0)
        budget.decoded ??= 'base64 (atob)'
        return typeof v === 'string' ? Buffer.from(v, 'base64').toString('latin1') : undefined
      }
      if (callee.name === 'parseInt') {
        const v = arg(0)
        const radix = args[1] ? arg(1) : 10
        return typeof v === 'string' || typeof v === 'number' ? parseInt(String(v), typeof radix === 'number' ? radix : 10) : undefined
      }
      if (callee.name === 'String') {
        const v = arg(0)
        return v === undefined || Array.isArray(v) ? undefined : String(v)
      }
      if (env?.has(callee.name ?? '')) return undefined
      return this.callUserFunction(callee.name ?? '', args, scope, env, budget, depth)
    }
    if (callee.type !== 'MemberExpression') return undefined
    const method = callee.computed ? this.evalValue(callee.property, scope, env, budget, depth + 1) : callee.property?.name
    if (typeof method !== 'string') return undefined
    const obj = callee.object
    if (method === 'from' && isIdent(obj, 'Buffer')) {
      // a Buffer is evaluated as the text it holds
      const data = arg(0)
      const enc = args[1] ? arg(1) : 'utf8'
      if (typeof enc !== 'string' || !Buffer.isEncoding(enc)) return undefined
      if (enc !== 'utf8' && enc !== 'utf-8') budget.decoded ??= enc
      if (typeof data === 'string') return Buffer.from(data, enc).toString('utf8')
      if (Array.isArray(data) && data.every((x) => typeof x === 'number')) {
        budget.decoded ??= 'byte-array'
        return Buffer.from(data as number[]).toString('utf8')
      }
      return undefined
    }
    if (method === 'fromCharCode' && isIdent(obj, 'String')) {
      budget.decoded ??= 'char-codes'
      const codes: number[] = []
      for (let i = 0; i < args.length && i < 4096; i++) {
        const c = arg(i)
        if (typeof c !== 'number') return undefined
        codes.push(c)
      }
      return String.fromCharCode(...codes)
    }
    if (method === 'toString' && obj?.type === 'CallExpression' && obj.callee?.type === 'MemberExpression' && propName(obj.callee) === 'from' && isIdent(obj.callee.object, 'Buffer')) {
      const data = this.evalValue(obj.arguments?.[0], scope, env, budget, depth + 1)
      const enc = obj.arguments?.[1] ? this.evalValue(obj.arguments[1], scope, env, budget, depth + 1) : 'utf8'
      const out = args[0] ? arg(0) : 'utf8'
      if (typeof data !== 'string' || typeof enc !== 'string' || typeof out !== 'string' || !Buffer.isEncoding(enc) || !Buffer.isEncoding(out)) return undefined
      if (enc !== 'utf8' && enc !== 'utf-8') budget.decoded ??= enc
      return Buffer.from(data, enc).toString(out)
    }
    const base = this.evalValue(obj, scope, env, budget, depth + 1)
    if (base === undefined) return undefined
    if (Array.isArray(base)) {
      if (method === 'join') {
        const sep = args[0] ? arg(0) : ','
        return typeof sep === 'string' ? base.join(sep) : undefined
      }
      if (method === 'reverse') {
        budget.decoded ??= 'reversed'
        return [...base].reverse()
      }
      if (method === 'slice') {
        const a = args[0] ? arg(0) : 0
        const b = args[1] ? arg(1) : undefined
        return typeof a === 'number' && (b === undefined || typeof b === 'number') ? base.slice(a, b) : undefined
      }
      return undefined
    }
    if (typeof base !== 'string') return method === 'toString' && args.length === 0 ? String(base) : method === 'toString' && typeof arg(0) === 'number' ? base.toString(arg(0) as number) : undefined
    switch (method) {
      case 'split': {
        const sep = arg(0)
        return typeof sep === 'string' ? base.split(sep).slice(0, 4096) : undefined
      }
      case 'replace':
      case 'replaceAll': {
        const from = args[0]?.type === 'Literal' && (args[0] as unknown as { regex?: { pattern: string; flags: string } }).regex ? (args[0] as unknown as { regex: { pattern: string; flags: string } }).regex : arg(0)
        const to = arg(1)
        if (typeof to !== 'string' || from === undefined || Array.isArray(from) || typeof from === 'number') return undefined
        try {
          return typeof from === 'string' ? (method === 'replace' ? base.replace(from, () => to) : base.split(from).join(to)) : base.replace(new RegExp(from.pattern, from.flags), to)
        } catch {
          return undefined
        }
      }
      case 'slice':
      case 'substring':
      case 'substr': {
        const a = arg(0)
        const b = args[1] ? arg(1) : undefined
        if (typeof a !== 'number' || (b !== undefined && typeof b !== 'number')) return undefined
        return method === 'substr' ? base.substr(a, b) : method === 'slice' ? base.slice(a, b) : base.substring(a, b)
      }
      case 'charCodeAt': {
        const i = args[0] ? arg(0) : 0
        return typeof i === 'number' ? base.charCodeAt(i) : undefined
      }
      case 'charAt': {
        const i = arg(0)
        return typeof i === 'number' ? base.charAt(i) : undefined
      }
      case 'toLowerCase': return base.toLowerCase()
      case 'toUpperCase': return base.toUpperCase()
      case 'trim': return base.trim()
      case 'toString': {
        const enc = args[0] ? arg(0) : undefined
        return enc === 'base64' || enc === 'hex' ? Buffer.from(base, 'utf8').toString(enc) : base
      }
      case 'concat': {
        const v = arg(0)
        return v === undefined || Array.isArray(v) ? undefined : base + String(v)
      }
      default: return undefined
    }
  }

  /** Runs a small user function on constant arguments: straight-line code and bounded loops. */
  private callUserFunction(name: string, args: readonly N[], scope: number, env: Map<string, Value> | undefined, budget: Budget, depth: number): Value | undefined {
    const found = this.lookup(name, scope)
    const fn = found?.inits.length === 1 ? found.inits[0] : undefined
    if (!fn || !isFunction(fn) || depth > 16) return undefined
    const local = new Map<string, Value>()
    const params = fn.params ?? []
    for (let i = 0; i < params.length; i++) {
      const p = params[i]
      if (p?.type !== 'Identifier' || !p.name) return undefined
      const v = args[i] ? this.evalValue(args[i], scope, env, budget, depth + 1) : undefined
      if (v !== undefined) local.set(p.name, v)
    }
    const body = fn.body
    if (!body) return undefined
    const fnScope = this.scopeOf.get(fn) ?? found?.scope ?? 0
    if (!Array.isArray(body) && (body as N).type !== 'BlockStatement') return this.evalValue(body as N, fnScope, local, budget, depth + 1)
    const result = this.runStatements(((body as N).body as readonly N[] | undefined) ?? [], fnScope, local, budget, depth + 1)
    return result.returned ? result.value : undefined
  }

  private runStatements(statements: readonly N[], scope: number, env: Map<string, Value>, budget: Budget, depth: number): { returned: boolean; value?: Value; failed?: boolean } {
    for (const st of statements) {
      if (++budget.steps > EVAL_STEPS || depth > 20) return { returned: false, failed: true }
      switch (st.type) {
        case 'ReturnStatement': {
          const v = this.evalValue(st.argument, scope, env, budget, depth + 1)
          return v === undefined ? { returned: false, failed: true } : { returned: true, value: v }
        }
        case 'VariableDeclaration':
          for (const d of st.declarations ?? []) {
            if (d.id?.type !== 'Identifier' || !d.id.name) return { returned: false, failed: true }
            const v = d.init ? this.evalValue(d.init, scope, env, budget, depth + 1) : undefined
            if (d.init && v === undefined) return { returned: false, failed: true }
            env.set(d.id.name, v ?? 0)
          }
          break
        case 'ExpressionStatement': {
          if (!this.assign((st as unknown as { expression: N }).expression, scope, env, budget, depth)) return { returned: false, failed: true }
          break
        }
        case 'BlockStatement': {
          const r = this.runStatements((st.body as readonly N[] | undefined) ?? [], scope, env, budget, depth + 1)
          if (r.returned || r.failed) return r
          break
        }
        case 'ForStatement': {
          const loop = st as unknown as { init: N | null; test: N | null; update: N | null; body: N }
          if (loop.init) {
            const r = loop.init.type === 'VariableDeclaration' ? this.runStatements([loop.init], scope, env, budget, depth + 1) : { returned: false, failed: !this.assign(loop.init, scope, env, budget, depth) }
            if (r.failed) return r
          }
          for (let i = 0; i < 100_000; i++) {
            if (loop.test) {
              const t = this.evalValue(loop.test, scope, env, budget, depth + 1)
              if (t === undefined) return { returned: false, failed: true }
              if (!t) break
            }
            const r = this.runStatements(loop.body.type === 'BlockStatement' ? ((loop.body.body as readonly N[] | undefined) ?? []) : [loop.body], scope, env, budget, depth + 1)
            if (r.returned || r.failed) return r
            if (loop.update && !this.assign(loop.update, scope, env, budget, depth)) return { returned: false, failed: true }
          }
          break
        }
        default:
          return { returned: false, failed: true }
      }
    }
    return { returned: false }
  }

  /** `x = e`, `x += e`, `x++`, `x -= e` on local variables. */
  private assign(expr: N, scope: number, env: Map<string, Value>, budget: Budget, depth: number): boolean {
    if (expr.type === 'UpdateExpression' && expr.argument?.type === 'Identifier' && expr.argument.name) {
      const v = env.get(expr.argument.name)
      if (typeof v !== 'number') return false
      env.set(expr.argument.name, v + (expr.operator === '++' ? 1 : -1))
      return true
    }
    if (expr.type === 'SequenceExpression') return (expr.expressions ?? []).every((e) => this.assign(e, scope, env, budget, depth))
    if (expr.type !== 'AssignmentExpression' || expr.left?.type !== 'Identifier' || !expr.left.name) return false
    const right = this.evalValue(expr.right, scope, env, budget, depth + 1)
    if (right === undefined || Array.isArray(right)) {
      if (right !== undefined && expr.operator === '=') {
        env.set(expr.left.name, right)
        return true
      }
      return false
    }
    const name = expr.left.name
    if (expr.operator === '=') env.set(name, right)
    else {
      const cur = env.has(name) ? env.get(name) : this.evalValue(expr.left, scope, env, budget, depth + 1)
      if (cur === undefined || Array.isArray(cur)) return false
      if (expr.operator === '+=') {
        const out = typeof cur === 'number' && typeof right === 'number' ? cur + right : String(cur) + String(right)
        if (typeof out === 'string' && out.length > MAX_VALUE_CHARS) return false
        env.set(name, out)
      } else if (typeof cur === 'number' && typeof right === 'number') {
        if (expr.operator === '-=') env.set(name, cur - right)
        else if (expr.operator === '^=') env.set(name, cur ^ right)
        else return false
      } else return false
    }
    return true
  }

  private evalDecode(node: N, scope: number, depth: number): string | undefined {
    const callee = node.callee
    const args = node.arguments ?? []
    if (!callee) return undefined
    try {
      if (isIdent(callee, 'atob')) {
        const s = this.evalString(args[0], scope, depth + 1)
        return s === undefined ? undefined : Buffer.from(s, 'base64').toString('latin1')
      }
      if (isIdent(callee, 'decodeURIComponent') || isIdent(callee, 'unescape')) {
        const s = this.evalString(args[0], scope, depth + 1)
        return s === undefined ? undefined : decodeURIComponent(s)
      }
      if (callee.type !== 'MemberExpression') return undefined
      const method = propName(callee)
      const obj = callee.object
      if (method === 'fromCharCode' && isIdent(obj, 'String')) {
        const codes = args.map((a) => (a.type === 'Literal' && typeof a.value === 'number' ? a.value : NaN))
        return codes.some(Number.isNaN) ? undefined : String.fromCharCode(...codes)
      }
      if (method === 'toString' && obj?.type === 'CallExpression' && obj.callee?.type === 'MemberExpression' && propName(obj.callee) === 'from' && isIdent(obj.callee.object, 'Buffer')) {
        const data = this.evalString(obj.arguments?.[0], scope, depth + 1)
        const enc = this.evalString(obj.arguments?.[1], scope, depth + 1)
        if (data === undefined || (enc !== 'base64' && enc !== 'hex' && enc !== 'base64url')) return undefined
        return Buffer.from(data, enc).toString('utf8')
      }
      if (method === 'join' && obj?.type === 'CallExpression' && obj.callee?.type === 'MemberExpression' && propName(obj.callee) === 'reverse') {
        const inner = obj.callee.object
        if (inner?.type === 'CallExpression' && inner.callee?.type === 'MemberExpression' && propName(inner.callee) === 'split') {
          const s = this.evalString(inner.callee.object, scope, depth + 1)
          const sep = this.evalString(args[0], scope, depth + 1) ?? ','
          return s === undefined ? undefined : [...s].reverse().join(sep)
        }
      }
      if ((method === 'join' || method === 'resolve') && (isIdent(obj, 'path') || this.moduleOf(obj, scope) === 'path') && args.length > 0 && isIdent(args[0], '__dirname')) {
        const rest = args.slice(1).map((a) => this.evalString(a, scope, depth + 1))
        if (rest.some((r) => r === undefined)) return undefined
        return `./${rest.join('/')}`.replace(/\/+/g, '/')
      }
    } catch {
      return undefined
    }
    return undefined
  }

  /** The module a value comes from: `require('x')`, an alias of it, an import. */
  moduleOf(node: N | null | undefined, scope: number, depth = 0): string | undefined {
    if (!node || depth > 6) return undefined
    if (node.type === 'CallExpression' && this.isRequire(node.callee, scope)) {
      const s = this.evalString(node.arguments?.[0], scope)
      return s === undefined ? undefined : moduleName(s)
    }
    if (node.type === 'Identifier' && node.name) {
      const found = this.lookup(node.name, scope)
      if (!found) return undefined
      for (const init of found.inits) {
        const m = this.moduleOf(init, found.scope, depth + 1)
        if (m) return m
      }
      return undefined
    }
    if (node.type === 'MemberExpression' && (propName(node) === 'default' || propName(node) === 'promises')) {
      const m = this.moduleOf(node.object, scope, depth + 1)
      return m && propName(node) === 'promises' ? `${m}/promises` : m
    }
    if (node.type === 'AwaitExpression' && node.argument?.type === 'ImportExpression') {
      const s = this.evalString(node.argument.source, scope)
      return s === undefined ? undefined : moduleName(s)
    }
    return undefined
  }

  private isRequire(callee: N | undefined, scope = 0, depth = 0): boolean {
    if (!callee || depth > 4) return false
    if (isIdent(callee, 'require')) return true
    if (callee.type === 'MemberExpression') {
      const name = this.prop(callee, scope)
      if (name === 'require') return true
      // `global['r'] = require; global['r']('fs')`
      return name !== undefined && this.requireAliases.has(name) && isIdent(callee.object) && GLOBALS.has(callee.object?.name ?? '')
    }
    if (callee.type === 'Identifier' && callee.name) {
      const found = this.lookup(callee.name, scope)
      return found?.inits.length === 1 && (isIdent(found.inits[0], 'require') || (found.inits[0]?.type === 'MemberExpression' && this.isRequire(found.inits[0], found.scope, depth + 1)))
    }
    return false
  }

  /** What a callee denotes: `{ module: 'child_process', member: 'exec' }`, or a bare global name. */
  target(callee: N | undefined, scope: number, depth = 0): { module?: string; member?: string; name?: string } {
    if (!callee || depth > 6) return {}
    if (callee.type === 'SequenceExpression') {
      const last = callee.expressions?.[callee.expressions.length - 1]
      return this.target(last, scope, depth + 1)
    }
    if (callee.type === 'MemberExpression') {
      const member = this.prop(callee, scope)
      const module = this.moduleOf(callee.object, scope)
      return { ...(module ? { module } : {}), ...(member ? { member } : {}) }
    }
    if (callee.type === 'Identifier' && callee.name) {
      const found = this.lookup(callee.name, scope)
      if (found) {
        for (const init of found.inits) {
          if (init.type === 'MemberExpression') {
            const t = this.target(init, found.scope, depth + 1)
            if (t.module) return t
          } else if (init.type === 'CallExpression' && init.callee && /promisify$/.test(propName(init.callee) ?? init.callee.name ?? '')) {
            const t = this.target(init.arguments?.[0], found.scope, depth + 1)
            if (t.module) return t
          } else {
            const m = this.moduleOf(init, found.scope, depth + 1)
            if (m) return { module: m }
          }
        }
        return { name: callee.name, ...(found.inits.length === 0 ? {} : {}) }
      }
      return { name: callee.name }
    }
    return {}
  }

  /** Facts about a value: the strings it is built from, whether it is decoded, home/tmp paths. */
  valueFacts(root: N | null | undefined, scope: number): ValueFacts {
    const facts: ValueFacts = { strings: [], decoder: undefined, homedir: false, tmpdir: false, dirname: false, env: [], literalOnly: true, sources: new Set(), fromParams: false, argv: false, cwd: false, time: false }
    if (!root) return facts
    const stack: { n: N; s: number; d: number }[] = [{ n: root, s: scope, d: 0 }]
    const visited = new Set<N>()
    let budget = 600
    let xor = false
    let charCodes = false
    const children: N[] = []
    while (stack.length > 0 && budget-- > 0) {
      const { n, s, d } = stack.pop() as { n: N; s: number; d: number }
      if (visited.has(n)) continue
      visited.add(n)
      switch (n.type) {
        case 'Literal':
          if (typeof n.value === 'string' && facts.strings.length < 16) facts.strings.push(n.value.length > 400 ? n.value.slice(0, 400) : n.value)
          continue
        case 'TemplateElement': {
          const cooked = (n.value as { cooked?: string } | undefined)?.cooked
          if (cooked && facts.strings.length < 16) facts.strings.push(cooked)
          continue
        }
        case 'Identifier': {
          if (n.name === '__dirname' || n.name === '__filename') {
            facts.dirname = true
            continue
          }
          if (n.name === 'undefined') continue
          if (n.name && KEY_MATERIAL.test(n.name)) facts.sources.add(`key material (${n.name})`)
          const found = n.name ? this.lookup(n.name, s) : undefined
          if (found && found.inits.length === 0 && found.scope !== 0) facts.fromParams = true
          if (!found || found.inits.length === 0 || d >= 4) {
            facts.literalOnly = false
            continue
          }
          for (const init of found.inits) {
            if (isFunction(init)) continue
            stack.push({ n: init, s: found.scope, d: d + 1 })
          }
          // `x += decode(...)` in a loop: the assignments are bindings too
          continue
        }
        case 'BinaryExpression':
          if (n.operator === '^') xor = true
          break
        case 'MemberExpression': {
          const member = this.prop(n, s)
          if (member !== undefined && KEY_MATERIAL.test(member)) facts.sources.add(`key material (${member})`)
          if (member !== undefined && /^(?:headers|body|query|cookies|params|rawHeaders)$/.test(member) && isIdent(n.object) && /^(?:req|request|ctx|context|event)$/.test(n.object?.name ?? '')) facts.sources.add('HTTP request data')
          if (isIdent(n.object, 'process') && (member === 'env' || member === 'argv')) {
            facts.literalOnly = false
            if (member === 'env') facts.sources.add('the whole environment')
            else facts.argv = true
            continue
          }
          if (isProcessEnv(n.object) || (n.object?.type === 'MemberExpression' && isIdent(n.object.object, 'process') && this.prop(n.object, s) === 'env')) {
            const name = member ?? '?'
            facts.literalOnly = false
            if (SECRET_ENV.test(name)) facts.sources.add(`process.env.${name}`)
            else if (/^(?:USER|USERNAME|LOGNAME|HOSTNAME|COMPUTERNAME|USERDOMAIN)$/.test(name)) facts.sources.add(`host identity (process.env.${name})`)
            if (name === 'HOME' || name === 'USERPROFILE' || name === 'APPDATA' || name === 'LOCALAPPDATA') facts.homedir = true
            else if (name === 'TMPDIR' || name === 'TEMP' || name === 'TMP') facts.tmpdir = true
            else if (facts.env.length < 8) facts.env.push(name)
            continue
          }
          if (!n.computed) {
            if (n.object) stack.push({ n: n.object, s, d })
            continue
          }
          break
        }
        case 'CallExpression':
        case 'NewExpression': {
          facts.literalOnly = false
          const decoder = this.decoderOf(n, s)
          if (decoder) facts.decoder ??= decoder
          const callee = n.callee
          // a module specifier is not data (`require('path').join(...)` must not add 'path' to the strings)
          if (n.type === 'CallExpression' && this.isRequire(callee, s)) continue
          const name = callee?.type === 'MemberExpression' ? this.prop(callee, s) : callee?.name
          // a digest or signature does not carry its input
          if (name === 'digest' || name === 'createHash' || name === 'createHmac' || name === 'sign' || name === 'createSign' || name === 'randomBytes' || name === 'randomUUID') continue
          if (name === 'hostname' || name === 'userInfo' || name === 'networkInterfaces') facts.sources.add(`host identity (os.${name})`)
          else if (name === 'cwd') facts.cwd = true
          else if (name === 'now' || name === 'getTime' || (n.type === 'NewExpression' && name === 'Date')) facts.time = true
          else if (name && FS_READ.has(name) && facts.sources.size < 8) {
            const cred = CREDENTIAL_PATH.exec(this.valueFacts(n.arguments?.[0], s).strings.join('/'))
            if (cred) facts.sources.add(`credential file (${cred[0].replace(/^[\\/'"`\s~$]/, '')})`)
          }
          if (n.type === 'CallExpression' && facts.strings.length < 16 && d < 3) {
            const evalBudget: Budget = { steps: 0 }
            const v = this.evalValue(n, s, undefined, evalBudget)
            if (typeof v === 'string') {
              facts.strings.push(v.length > 400 ? v.slice(0, 400) : v)
              if (evalBudget.decoded) facts.decoder ??= evalBudget.decoded
            }
          }
          if (callee?.type === 'Identifier' && callee.name && d < 3) {
            const fn = this.lookup(callee.name, s)?.inits[0]
            if (fn && isFunction(fn) && fn.body && !Array.isArray(fn.body)) stack.push({ n: fn.body as N, s: s, d: d + 1 })
          }
          if (name === 'homedir') facts.homedir = true
          else if (name === 'tmpdir') facts.tmpdir = true
          else if (name === 'charCodeAt') charCodes = true
          else if (name === 'fromCharCode') charCodes = true
          if (callee?.type === 'MemberExpression' && callee.object) stack.push({ n: callee.object, s, d })
          else if (callee?.type === 'Identifier' && callee.name && !facts.decoder) {
            const fnDecoder = this.userDecoder(callee.name, s)
            if (fnDecoder) facts.decoder = fnDecoder
          }
          // pushed last to first, so strings come out in argument order (`path.join(home, '.aws', 'credentials')`)
          const callArgs = n.arguments ?? []
          for (let i = callArgs.length - 1; i >= 0; i--) stack.push({ n: callArgs[i] as N, s, d })
          continue
        }
        case 'FunctionExpression':
        case 'ArrowFunctionExpression': {
          const body = n.body
          if (body && !Array.isArray(body)) stack.push({ n: body as N, s, d })
          continue
        }
      }
      children.length = 0
      pushChildren(n, children)
      for (const c of children) stack.push({ n: c, s, d })
    }
    if (xor && charCodes && (!facts.decoder || facts.decoder === 'char-codes')) facts.decoder = 'xor'
    return facts
  }

  /** The decoding a call performs, if it is one. */
  private decoderOf(n: N, _scope: number): string | undefined {
    const callee = n.callee
    if (!callee) return undefined
    const args = n.arguments ?? []
    if (callee.type === 'Identifier') {
      if (callee.name === 'atob') return 'base64 (atob)'
      if (callee.name === 'decodeURIComponent' || callee.name === 'unescape') {
        const lit = args[0]
        const s = lit?.type === 'Literal' && typeof lit.value === 'string' ? lit.value : undefined
        if (s === undefined || (s.match(/%[0-9a-f]{2}|%u[0-9a-f]{4}/gi)?.length ?? 0) >= 4) return `uri-escapes (${callee.name})`
      }
      if (callee.name === 'Buffer' && n.type === 'NewExpression') return this.bufferEncoding(args)
      return undefined
    }
    if (callee.type !== 'MemberExpression') return undefined
    const method = propName(callee)
    if (method === 'from' && isIdent(callee.object, 'Buffer')) return this.bufferEncoding(args)
    if (method === 'fromCharCode') return 'char-codes'
    if (method && ZLIB_DECODE.has(method)) return `zlib (${method})`
    if (method === 'join' && callee.object?.type === 'CallExpression' && callee.object.callee?.type === 'MemberExpression' && propName(callee.object.callee) === 'reverse') return 'reversed-string'
    if (method === 'decode' && callee.object?.type === 'NewExpression' && isIdent(callee.object.callee, 'TextDecoder')) {
      const inner = args[0]
      if (inner?.type === 'CallExpression') return this.decoderOf(inner, _scope)
    }
    return undefined
  }

  private bufferEncoding(args: readonly N[]): string | undefined {
    const enc = args[1]
    if (enc?.type === 'Literal' && (enc.value === 'base64' || enc.value === 'hex' || enc.value === 'base64url')) return String(enc.value)
    const first = args[0]
    if (first?.type === 'ArrayExpression' && (first.elements?.length ?? 0) >= 8 && first.elements?.every((e) => e?.type === 'Literal' && typeof e.value === 'number')) return 'byte-array'
    return undefined
  }

  /** A user function that decodes: `function d(s) { return Buffer.from(s, 'base64').toString() }`. */
  private userDecoder(name: string, scope: number): string | undefined {
    const found = this.lookup(name, scope)
    if (!found) return undefined
    for (const init of found.inits) {
      if (!isFunction(init)) continue
      let cached = this.decoderFns.get(init)
      if (cached === undefined) {
        this.decoderFns.set(init, null) // recursion guard
        const body = init.body
        cached = body && !Array.isArray(body) ? (this.valueFacts(body as N, found.scope).decoder ?? null) : null
        this.decoderFns.set(init, cached)
      }
      if (cached) return `${cached} via ${name}()`
    }
    return undefined
  }

  private argumentKind(arg: N | undefined, scope: number): { argument: ArgumentKind; decoder?: string } {
    if (!arg) return { argument: 'literal' }
    if (this.evalString(arg, scope) !== undefined) {
      // a literal, or a decoding of literals: still decoded
      const f = this.valueFacts(arg, scope)
      return f.decoder ? { argument: 'decoded', decoder: f.decoder } : { argument: 'literal' }
    }
    const f = this.valueFacts(arg, scope)
    if (f.decoder) return { argument: 'decoded', decoder: f.decoder }
    if (f.literalOnly) return { argument: 'literal' }
    if (f.dirname) return { argument: 'plugin-path' }
    return { argument: 'dynamic' }
  }

  // -- calls -----------------------------------------------------------------------------------

  private call(node: N, scope: number): void {
    const args = node.arguments ?? []
    if (node.type === 'ImportExpression') {
      const s = this.evalString(node.source, scope)
      if (s !== undefined && !this.decodedLiteral(node.source, scope)) this.edge(s, node.start, 'import')
      else this.dynamic(node, 'import()', node.source ?? undefined, scope)
      return
    }
    const callee = node.callee
    if (!callee) return
    // require
    if (node.type === 'CallExpression' && this.isRequire(callee, scope) && (callee.type === 'Identifier' || isIdent(callee.object, 'module') || propName(callee.object as N) === 'mainModule' || GLOBALS.has(callee.object?.name ?? ''))) {
      const s = this.evalString(args[0], scope)
      if (s !== undefined && !this.decodedLiteral(args[0], scope)) this.edge(s, node.start, 'require')
      else this.dynamic(node, 'require', args[0], scope)
      return
    }
    const t = this.target(callee, scope)
    const name = t.name
    // eval and Function
    if (name === 'eval' || (callee.type === 'MemberExpression' && t.member === 'eval' && (isIdent(callee.object) && GLOBALS.has(callee.object?.name ?? '')))) {
      this.dynamic(node, 'eval', args[0], scope)
      return
    }
    if (name === 'Function' || (callee.type === 'MemberExpression' && ((t.member === 'Function' && GLOBALS.has(callee.object?.name ?? '')) || (t.member === 'constructor' && callee.object?.type === 'MemberExpression' && propName(callee.object) === 'constructor')))) {
      this.functionConstructor(node, args, scope)
      return
    }
    if (t.member && (VM_ANY_OBJECT.has(t.member) || (t.module === 'vm' && VM_METHODS.has(t.member)))) {
      this.dynamic(node, `vm.${t.member}`, args[0], scope)
      return
    }
    if (t.module === 'vm' && !t.member && name === undefined) return
    if (this.behaviourCall(node, callee, t, args, scope)) return
    // processes
    if (t.module === 'child_process' && t.member && EXEC_METHODS.has(t.member)) {
      this.execSite(node, `child_process.${t.member}`, t.member, args, scope)
      return
    }
    if (callee.type === 'MemberExpression' && (t.member === 'binding' || t.member === '_linkedBinding') && isIdent(callee.object, 'process')) {
      const s = this.evalString(args[0], scope)
      if (s && /spawn_sync|process_wrap|pipe_wrap/.test(s)) this.add(this.exec, 'exec', { api: `process.binding('${s}')`, literal: false, ...this.site(node.start, node.end - node.start) })
      return
    }
    // network, also through the global object (`globalThis.fetch(…)`, `new window.WebSocket(…)`)
    const web = name ?? (callee.type === 'MemberExpression' && isIdent(callee.object) && GLOBALS.has(callee.object?.name ?? '') ? t.member : undefined)
    if ((t.module && NET_MODULES.has(t.module) && t.member && NET_METHODS.has(t.member)) || (t.module && HTTP_LIBS.has(t.module)) || web === 'fetch' || (node.type === 'NewExpression' && (web === 'XMLHttpRequest' || web === 'WebSocket'))) {
      const api = t.module ? `${t.module}${t.member ? `.${t.member}` : ''}` : (web ?? 'fetch')
      this.networkCalls.add(node)
      this.networkSite(node, api, args, scope)
      this.flow(node, api, args, scope)
      return
    }
    // files
    if (t.module && FS_MODULES.has(t.module) && t.member) {
      if (FS_WRITE.has(t.member)) {
        this.fileWrites++
        this.writeSite(node, `fs.${t.member}`, args[t.member.startsWith('copyFile') || t.member.startsWith('rename') || t.member.startsWith('symlink') ? 1 : 0], scope)
      }
      if (FS_READ.has(t.member)) {
        this.reads++
        this.readSite(node, args[0], scope)
      }
      if ((t.member === 'chmodSync' || t.member === 'chmod') && this.chmods.length < MAX_SITES) {
        const mode = args[1]
        if (!(mode?.type === 'Literal' && typeof mode.value === 'number' && (mode.value & 0o111) === 0)) this.chmods.push(this.site(node.start, node.end - node.start))
      }
      if (/^(?:rmSync|rm|rmdirSync|rmdir|remove|removeSync|emptyDirSync|emptyDir)$/.test(t.member) && (/^(?:remove|removeSync|emptyDir)/.test(t.member) || /recursive\s*:\s*(?:true|!0)/.test(this.text.slice(node.start, node.end)))) this.destructiveCall(node, `fs.${t.member} (recursive)`, args[0], scope)
      return
    }
    // the whole environment
    if (args.some((a) => isProcessEnv(a) || (a.type === 'ObjectExpression' && a.properties?.some((p) => p.type === 'SpreadElement' && isProcessEnv(p.argument))))) {
      const member = t.member ?? name ?? ''
      const objName = callee.type === 'MemberExpression' ? (callee.object?.name ?? '') : ''
      if (objName === 'Object' && (member === 'keys' || member === 'entries' || member === 'values' || member === 'getOwnPropertyNames')) this.wholeEnv(node, `enumerated with Object.${member}()`)
      else if (SERIALISERS.has(member) && !(objName === 'Object' && member === 'assign')) this.wholeEnv(node, `passed to ${objName ? `${objName}.` : ''}${member}()`)
    }
  }

  /** True when a literal-evaluable value was obtained by decoding (so it is hidden, not visible). */
  private decodedLiteral(node: N | null | undefined, scope: number): boolean {
    if (!node || node.type === 'Literal') return false
    return this.valueFacts(node, scope).decoder !== undefined
  }

  private dynamic(node: N, api: string, arg: N | null | undefined, scope: number): void {
    const kind = this.argumentKind(arg ?? undefined, scope)
    if (kind.argument === 'literal') return
    if (this.dynamicNodes.length < 200) this.dynamicNodes.push({ node, api })
    const site = this.site(node.start, node.end - node.start)
    // code taken from the requests a server receives: a backdoor in a middleware
    if (arg && this.remoteCode.length < MAX_SITES && this.valueFacts(arg, scope).sources.has('HTTP request data')) this.remoteCode.push({ ...site, evidence: `${api} of HTTP request data: ${site.evidence}` })
    this.add(this.dynamicCode, api, { api, argument: kind.argument, ...(kind.decoder ? { decoder: kind.decoder } : {}), ...site })
    if (kind.argument === 'decoded' && api !== 'require' && api !== 'import()') this.nested(arg, scope, site)
  }

  /** Code decoded from literals is data we can read: analyse it too, reporting at the call. */
  private nested(arg: N | null | undefined, scope: number, at: JsSite): void {
    if (nesting >= 2) return
    const code = this.evalString(arg, scope)
    if (code === undefined || code.length > 200_000) return
    nesting++
    try {
      const inner = analyseJavaScript('(decoded)', code)
      const relabel = <T extends JsSite>(s: T): T => ({ ...s, line: at.line, evidence: clip(`${at.evidence} ⇒ decoded: ${s.evidence}`, 320) })
      for (const s of inner.exec) this.add(this.exec, 'exec', relabel(s))
      for (const s of inner.network) this.add(this.network, 'net', relabel(s))
      for (const s of inner.credentials) this.add(this.credentials, s.kind, relabel(s))
      for (const s of inner.writes) this.add(this.writes, 'write', relabel(s))
      for (const s of inner.dynamicCode) this.add(this.dynamicCode, `${s.api}-nested`, relabel(s))
    } finally {
      nesting--
    }
  }

  private functionConstructor(node: N, args: readonly N[], scope: number): void {
    if (args.length === 0) return
    const body = args[args.length - 1]
    const kinds = args.map((a) => this.argumentKind(a, scope))
    const decoded = kinds.find((k) => k.argument === 'decoded')
    if (decoded) {
      this.add(this.dynamicCode, 'Function', { api: 'Function', argument: 'decoded', ...(decoded.decoder ? { decoder: decoded.decoder } : {}), ...this.site(node.start, node.end - node.start) })
      return
    }
    // `new Function('return this')()` and other literal bodies are plain code, visible to a reader
    if (kinds.every((k) => k.argument === 'literal')) return
    void body
    if (this.dynamicNodes.length < 200) this.dynamicNodes.push({ node, api: 'Function' })
    this.add(this.dynamicCode, 'Function', { api: 'Function', argument: 'dynamic', ...this.site(node.start, node.end - node.start) })
  }

  private execSite(node: N, api: string, method: string, args: readonly N[], scope: number): void {
    const command = this.evalString(args[0], scope)
    let literal = command !== undefined
    let full = command ?? ''
    if (method !== 'exec' && method !== 'execSync' && args[1]?.type === 'ArrayExpression') {
      const parts = (args[1].elements ?? []).map((e) => (e ? this.evalString(e, scope) : undefined))
      if (parts.some((p) => p === undefined)) literal = false
      full += ` ${parts.map((p) => p ?? '…').join(' ')}`
    } else if (method !== 'exec' && method !== 'execSync' && args[1] && args[1].type !== 'ObjectExpression' && args[1].type !== 'ArrowFunctionExpression' && args[1].type !== 'FunctionExpression') literal = false
    const site = this.site(node.start, node.end - node.start)
    const options = args.find((a, i) => i > 0 && a.type === 'ObjectExpression')
    const detached = options !== undefined && /\bdetached\s*:\s*(?:true|!0|!!\[\])/.test(this.text.slice(options.start, options.end))
    const program = command?.trim().split(/\s+/)[0] ?? ''
    const shellArgs = method === 'exec' || method === 'execSync' ? [] : (args[1]?.elements ?? []).map((e) => (e ? this.evalString(e, scope) : undefined))
    const interactiveShell = command !== undefined && method !== 'exec' && method !== 'execSync' && isShellProgram(program) && !shellArgs.some((x) => x !== undefined && /^[-/][ck]$|\.(?:sh|bat|cmd|ps1)$/i.test(x))
    const shell = command !== undefined ? analyseShellLine(full.trim()).signals : []
    const versionCheck = shellArgs.length > 0 && shellArgs.length <= 2 && shellArgs.every((x) => x !== undefined && /^(?:--?version|-v|-V|version|--help|-h)$/.test(x))
    this.add(this.exec, 'exec', { api, literal, ...(command !== undefined ? { command: clip(full.trim(), 200) } : {}), ...(shell.length > 0 ? { shell } : {}), ...(detached ? { detached } : {}), ...(interactiveShell ? { interactiveShell } : {}), ...(versionCheck ? { versionCheck } : {}), ...site })
    // `spawn(process.execPath, [path.join(__dirname, 'lib/x.js')])` and `exec('node lib/x.js')` run a file of the package
    for (const a of [...shellArgs, ...(command !== undefined ? command.trim().split(/\s+/).slice(1) : [])]) if (a && /^(?:\.{0,2}\/)?[\w./-]+\.[cm]?js$/.test(a)) this.edge(a.startsWith('.') ? a : `./${a}`, node.start, 'spawn')
    if (method === 'fork' && command !== undefined) this.edge(command.startsWith('.') ? command : `./${command}`, node.start, 'spawn')
    else if (command !== undefined && /^node(\.exe)?$/.test(command.trim()) && args[1]?.type === 'ArrayExpression') {
      const file = args[1].elements?.[0]
      const s = file ? this.evalString(file, scope) : undefined
      if (s && /\.[cm]?js$/.test(s)) this.edge(s.startsWith('.') ? s : `./${s}`, node.start, 'spawn')
    }
    const facts = this.valueFacts({ type: 'ArrayExpression', start: node.start, end: node.end, elements: args }, scope)
    const text = [full, ...facts.strings].join(' ')
    const download = /\b(curl|wget|Invoke-WebRequest|iwr|nc|ncat)\b/.exec(text)
    if (download) {
      const url = /https?:\/\/[^\s'"`|;)]+/.exec(text)?.[0]
      this.add(this.network, 'net', { api: `${api} (${download[1] ?? 'download'})`, ...(url ? { target: url } : {}), ...site })
    }
    const cred = CREDENTIAL_PATH.exec(text)
    if (cred) this.add(this.credentials, 'file', { kind: 'file', what: `${clip(cred[0].trim(), 60)} (in a command)`, ...site })
  }

  private networkSite(node: N, api: string, args: readonly N[], scope: number): void {
    let target: string | undefined
    const first = args[0]
    const s = this.evalString(first, scope)
    if (s !== undefined) target = s
    else if (first?.type === 'ObjectExpression') {
      for (const p of first.properties ?? []) {
        const key = p.key?.name ?? (typeof p.key?.value === 'string' ? p.key.value : undefined)
        if (key === 'host' || key === 'hostname' || key === 'url') {
          const v = this.evalString(p.value as N, scope)
          if (v !== undefined) target = v
        }
      }
    }
    if (target === undefined) {
      const f = this.valueFacts(first, scope)
      target = f.strings.find((x) => /^(https?|wss?):\/\//.test(x) || /^[\w-]+(\.[\w-]+)+$/.test(x))
    }
    this.add(this.network, 'net', { api, ...(target !== undefined ? { target: clip(target, 200) } : {}), ...this.site(node.start, node.end - node.start) })
  }

  private writeSite(node: N, api: string, arg: N | undefined, scope: number): void {
    if (!arg) return
    const f = this.valueFacts(arg, scope)
    const lit = this.evalString(arg, scope)
    let target: string | undefined
    const joined = f.strings.join('/')
    // another package's code file (not a cache under node_modules/.cache), or an Electron application archive
    if (/(?:^|\/)node_modules\/(?:@[^/.][^/]*\/)?[^/.][^/]*\/(?:[^/]+\/)*[^/]+\.[cm]?js$|\.asar$/.test(joined)) target = `code of another program: ${joined}`
    else if (f.homedir) target = `home directory${lit ? `: ${lit}` : `: ${joined}`}`
    else if (f.tmpdir) target = `temporary directory: ${joined}`
    else if (lit !== undefined && OUTSIDE_PREFIX.test(lit)) target = lit
    else {
      const outside = f.strings.find((x) => OUTSIDE_PREFIX.test(x) || /(^|\/)\.(bashrc|zshrc|profile|bash_profile|npmrc)$|authorized_keys/.test(x))
      if (outside !== undefined) target = outside
    }
    if (target === undefined) return
    const site = this.site(node.start, node.end - node.start)
    this.add(this.writes, 'write', { api, target: clip(target, 160), onLoad: this.onLoad(scope), ...site })
  }

  private readSite(node: N, arg: N | undefined, scope: number): void {
    if (!arg) return
    const f = this.valueFacts(arg, scope)
    const joined = f.strings.join('/')
    const m = CREDENTIAL_PATH.exec(joined)
    if (m) this.add(this.credentials, 'file', { kind: 'file', what: clip(m[0].replace(/^[\\/'"`\s~$]/, ''), 60), ...this.site(node.start, node.end - node.start) })
  }
}

// ---------------------------------------------------------------------------------------------
// Token-level scan: for files that do not parse, and for huge files.

interface TokenRule {
  readonly re: RegExp
  readonly apply: (m: RegExpExecArray, a: Analysis, text: string) => void
}

const DECODE_NEAR = /atob\(|Buffer\.from\([^)]*['"](?:base64|hex)['"]|fromCharCode|\.reverse\(\)\.join\(|inflateSync|gunzipSync|unescape\(|decodeURIComponent\(/

function tokenScan(text: string, a: Analysis): void {
  const hasChildProcess = /child_process|spawn_sync/.test(text)
  const rules: TokenRule[] = [
    {
      re: /\b(eval|Function|runInThisContext|runInNewContext|compileFunction)\s*\(\s*([^)]{0,200})/g,
      apply: (m, an) => {
        const argText = m[2] ?? ''
        if (/^\s*(['"`])[^'"`]*\1\s*\)?$/.test(argText) || /^\s*\)/.test(argText) || argText.trim() === '') return
        if (m[1] === 'Function' && /return this/.test(argText)) return
        const decoded = DECODE_NEAR.exec(argText)
        const api = m[1] === 'eval' || m[1] === 'Function' ? (m[1] ?? 'eval') : `vm.${m[1] ?? ''}`
        an.add(an.dynamicCode, api, { api, argument: decoded ? 'decoded' : 'dynamic', ...(decoded ? { decoder: decoded[0].replace(/\($/, '') } : {}), ...an.site(m.index, m[0].length) })
      },
    },
    {
      re: /\brequire\s*\(\s*(['"])([^'"\n]{1,200})\1\s*\)|\b(?:from|import)\s*(['"])(\.{1,2}\/[^'"\n]{1,200})\3/g,
      apply: (m, an) => {
        const spec = m[2] ?? m[4] ?? ''
        if (isRelative(spec) && an.requires.length < MAX_REQUIRES && !an.requires.some((r) => r.specifier === spec)) an.requires.push({ specifier: spec, line: an.site(m.index).line, kind: m[2] ? 'require' : 'import' })
      },
    },
    {
      re: /\b(execSync|execFileSync|spawnSync|execFile|spawn|exec|fork)\s*\(\s*([^,)]{0,200})/g,
      apply: (m, an, text) => {
        if (!hasChildProcess) return
        if (m[1] === 'exec' && text[m.index - 1] === '.' && !/(child_process|cp|childProcess)\.$/.test(text.slice(Math.max(0, m.index - 14), m.index))) return
        const arg = m[2] ?? ''
        const literal = /^(['"`])[^'"`$]*\1$/.test(arg.trim())
        an.add(an.exec, 'exec', { api: `child_process.${m[1] ?? ''}`, literal, ...(literal ? { command: clip(arg.trim().slice(1, -1), 200) } : {}), ...an.site(m.index, m[0].length) })
      },
    },
    {
      re: /process\.binding\(\s*['"](spawn_sync|process_wrap)['"]/g,
      apply: (m, an) => an.add(an.exec, 'exec', { api: `process.binding('${m[1] ?? ''}')`, literal: false, ...an.site(m.index, m[0].length) }),
    },
    {
      re: /require\(\s*['"](?:node:)?(https?|http2|net|tls|dgram|dns)['"]\s*\)|\bfetch\s*\(\s*(['"`]?)([^'"`),\s]{0,200})|new\s+(XMLHttpRequest|WebSocket)\b/g,
      apply: (m, an) => {
        const api = m[1] ?? m[4] ?? 'fetch'
        const target = m[2] ? m[3] : undefined
        an.add(an.network, 'net', { api, ...(target ? { target } : {}), ...an.site(m.index, m[0].length) })
      },
    },
    {
      re: /process\.env(?:\.([A-Za-z_][\w]*)|\[\s*['"]([^'"]+)['"]\s*\])/g,
      apply: (m, an) => {
        const name = m[1] ?? m[2] ?? ''
        if (SECRET_ENV.test(name)) an.add(an.credentials, 'env', { kind: 'env', what: `process.env.${name}`, ...an.site(m.index, m[0].length) })
      },
    },
    {
      re: /JSON\.stringify\(\s*process\.env\s*\)|Object\.(?:keys|entries|values)\(\s*process\.env\s*\)/g,
      apply: (m, an) => an.add(an.credentials, 'whole-env', { kind: 'whole-env', what: `process.env ${m[0].startsWith('JSON') ? 'serialised' : 'enumerated'}`, ...an.site(m.index, m[0].length) }),
    },
    {
      re: /(['"`])[^'"`\n]{0,120}?(\.npmrc|\.ssh\/|id_rsa|\.aws\/credentials|\.git-credentials|\.docker\/config\.json|\.kube\/config|Login Data|wallet\.dat)[^'"`\n]{0,80}\1/g,
      apply: (m, an, text) => {
        const around = text.slice(Math.max(0, m.index - 200), m.index)
        if (/readFile|createReadStream|readdir|homedir|HOME/.test(around)) an.add(an.credentials, 'file', { kind: 'file', what: m[2] ?? '', ...an.site(m.index, m[0].length) })
      },
    },
  ]
  for (const rule of rules) {
    rule.re.lastIndex = 0
    let count = 0
    for (let m = rule.re.exec(text); m && count < 2000; m = rule.re.exec(text), count++) {
      rule.apply(m, a, text)
      if (m[0].length === 0) rule.re.lastIndex++
    }
  }
  // long encoded literals
  const encoded = /(['"])([A-Za-z0-9+/=]{400,}|[0-9a-fA-F]{400,})\1/g
  let n = 0
  for (let m = encoded.exec(text); m && n < 50; m = encoded.exec(text), n++) {
    const v = m[2] ?? ''
    const enc: 'hex' | 'base64' = /^[0-9a-fA-F]+$/.test(v) ? 'hex' : 'base64'
    a.encoded.push({ line: a.site(m.index).line, length: v.length, encoding: enc, entropy: entropy(v) })
  }
  a.encoded.sort((x, y) => y.length - x.length)
  if (a.encoded.length > 3) a.encoded.length = 3
  // `_0x` identifiers
  if (text.includes('_0x')) {
    const hex = text.match(/\b_0x[0-9a-f]{4,}\b/gi)
    a.hexIdentifiers = hex?.length ?? 0
    a.identifiers = Math.max(a.hexIdentifiers, Math.round(text.length / 12))
  }
}

// ---------------------------------------------------------------------------------------------

/** Files without any of these tokens cannot hold a site the AST would find: they are only token-scanned. */
const INTERESTING =
  /\beval\b|\bFunction\s*\(|\bchild_process\b|spawn_sync|\bvm\b|runIn(?:This|New)?Context|compileFunction|\bfetch\s*\(|XMLHttpRequest|WebSocket|['"`](?:node:)?(?:https?|http2|net|tls|dgram|dns|axios|node-fetch|got|request|undici|superagent|needle|phin|ws|cross-fetch|isomorphic-fetch)['"`]|homedir|\.npmrc|\.ssh|id_rsa|\.aws|\.git-credentials|\.gitconfig|\.docker|\.kube|\.netrc|Login Data|wallet|keystore|\brequire\s*\(\s*[^'"`\s)]|\bimport\s*\(\s*[^'"`\s)]|_0x[0-9a-fA-F]{4}|\.constructor\s*\(|process\.env\s*[,)\]]|\.\.\.\s*process\.env|\bin\s+process\.env|writeFile|createWriteStream|appendFile|copyFile|process\.binding|_linkedBinding|\bimport\s*\(\s*['"`]\.|\bpush\b[^;]{0,40}\bshift\b|module\.constructor|_compile\b|\bethereum\b|prototype\.(?:open|send)\b|\breaddir|\brmSync\b|\brmdir|\bunlink|\bhostname\s*\(|\buserInfo\b|networkInterfaces|\bWorker\s*\(|\bexecPath\b|=\s*require\b|\b(?:global|globalThis|window)\s*\[|\bInfinity\b|\b(?:window|globalThis|global|self)\.fetch\b|while\s*\(\s*(?:true|1|!0)\s*\)|for\s*\(\s*;\s*;|authorized_keys|\bchmod|Buffer\.from\([^)]*['"`](?:base64|hex)|\batob\s*\(|fromCharCode/

const ROTATION = /\[\s*(['"])push\1\s*\]\s*\(\s*([\w$]+)\s*\[\s*(['"])shift\3\s*\]\s*\(\s*\)\s*\)|\b([\w$]+)\.push\(\s*\4\.shift\(\)\s*\)/

function parseProgram(text: string): { program?: N; mode: 'module' | 'script'; error?: string } {
  const base: Options = { ecmaVersion: 'latest', allowHashBang: true, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true }
  const moduleFirst = /\b(?:import|export)\b/.test(text)
  const order: ('module' | 'script')[] = moduleFirst ? ['module', 'script'] : ['script', 'module']
  let firstError: string | undefined
  for (const sourceType of order) {
    try {
      return { program: parse(text, { ...base, sourceType }) as unknown as N, mode: sourceType }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      if (err instanceof RangeError) return { mode: 'script', error: `too deeply nested: ${message}` }
      firstError ??= message
      // a plain syntax error fails in both modes: only strict-mode and module-only errors deserve a second parse
      if (/^(Unexpected token|Unexpected character|Unterminated)/.test(message) || (sourceType === 'module' && !moduleFirst)) break
    }
  }
  return { mode: 'script', error: firstError ?? 'unparsable' }
}

/**
 * Static facts about one JavaScript file. Never throws and never executes anything; files over
 * 5 MB and files that do not parse are token-scanned instead (`mode: 'tokens'`).
 * @example analyseJavaScript('node_modules/x/install.js', text).network
 */
export function analyseJavaScript(path: string, text: string): JsFacts {
  const lines = new LineIndex(text)
  const a = new Analysis(lines, text)
  let mode: JsFacts['mode'] = 'tokens'
  let parseError: string | undefined
  let skipped: string | undefined
  if (text.length > MAX_AST_CHARS) skipped = `${text.length} characters: over the ${MAX_AST_CHARS} limit for parsing, token-scanned`
  else if (!INTERESTING.test(text)) skipped = 'no dynamic-code, process, network, file-write or credential tokens: token-scanned'
  else {
    const parsed = parseProgram(text)
    if (parsed.program) {
      try {
        a.walk(parsed.program)
        mode = parsed.mode
      } catch (err) {
        parseError = `analysis failed: ${err instanceof Error ? err.message : String(err)}`
      }
    } else parseError = clip(parsed.error ?? 'unparsable', 200)
  }
  if (mode === 'tokens') {
    try {
      tokenScan(text, a)
    } catch {
      // a pathological input: keep what was found
    }
  }
  return { path, bytes: text.length, mode, ...(parseError ? { parseError } : {}), ...(skipped ? { skipped } : {}), exec: a.exec, network: a.network, credentials: a.credentials, writes: a.writes, dynamicCode: a.dynamicCode, requires: a.requires, obfuscation: obfuscation(path, text, lines, a), behaviour: a.behaviour() }
}

function obfuscation(path: string, text: string, lines: LineIndex, a: Analysis): ObfuscationFacts {
  const count = lines.count
  let maxLineLength = 0
  let prev = 0
  for (let i = text.indexOf('\n'); ; i = text.indexOf('\n', i + 1)) {
    const end = i === -1 ? text.length : i
    if (end - prev > maxLineLength) maxLineLength = end - prev
    if (i === -1) break
    prev = i + 1
  }
  const minified = text.length >= 3000 && (maxLineLength >= 5000 || text.length / count >= 400)
  let rotation: JsSite | undefined
  if (text.includes('shift')) {
    const window = text.length > 2_000_000 ? text.slice(0, 2_000_000) : text
    const m = ROTATION.exec(window)
    if (m) rotation = a.site(m.index, m[0].length)
  }
  const bracketRotation = rotation !== undefined && /\[\s*['"]push/.test(rotation.evidence)
  let signature: string | undefined
  let signatureLine: number | undefined
  const ratio = a.identifiers > 0 ? a.hexIdentifiers / a.identifiers : 0
  if (a.stringArray && rotation && (bracketRotation || a.hexIdentifiers >= 5 || a.stringArray.size >= 20)) {
    signature = `string array of ${a.stringArray.size} literals (line ${a.stringArray.line}) rotated by a push(shift()) loop (line ${rotation.line})`
    signatureLine = Math.min(a.stringArray.line, rotation.line)
  } else if (a.hexIdentifiers >= 20 && ratio >= 0.1) {
    signature = `${a.hexIdentifiers} of ${a.identifiers} identifiers (${Math.round(ratio * 100)}%) are _0x… hex names`
    const m = /\b_0x[0-9a-f]{4,}\b/i.exec(text)
    signatureLine = m ? lines.lineAt(m.index) : 1
  }
  return {
    identifiers: a.identifiers,
    hexIdentifiers: a.hexIdentifiers,
    ...(a.stringArray ? { stringArray: a.stringArray } : {}),
    ...(rotation ? { rotation } : {}),
    lines: count,
    maxLineLength,
    minified,
    buildOutput: isBuildOutput(path),
    encodedStrings: a.encoded,
    ...(signature ? { signature } : {}),
    ...(signatureLine !== undefined ? { signatureLine } : {}),
  }
}
