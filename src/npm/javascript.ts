/**
 * @fileoverview Static facts about one JavaScript file: what it can do (run processes, talk to
 * the network, read credentials, write outside its package), whether it runs code built from
 * decoded data, how obfuscated it is, and which relative files it loads. Nothing is executed:
 * the file is parsed with acorn (or, when it does not parse or is huge, scanned token by token)
 * and only compact facts are kept.
 */
import { parse, type Options } from 'acorn'
import { CREDENTIAL_PATH, LineIndex, SECRET_ENV, clip, entropy, isBuildOutput } from './text.js'

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
    if (key === 'type' || key === 'start' || key === 'end' || key === 'value' || key === 'regex' || key === 'raw') continue
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

  constructor(lines: LineIndex) {
    this.lines = lines
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
          if (node.type === 'FunctionDeclaration' && node.id?.name) this.bind(node.id.name, outer, node)
          for (const p of node.params ?? []) this.bindPattern(p, scope)
          break
        }
        case 'VariableDeclarator':
          this.declarator(node, scope)
          break
        case 'AssignmentExpression':
          if (isIdent(node.left) && node.left?.name && node.right) this.bind(node.left.name, scope, node.right)
          else if (node.left?.type === 'ObjectPattern' && node.right) this.destructure(node.left, node.right, scope)
          break
        case 'CatchClause': {
          const param = (node as unknown as { param?: N | null }).param
          if (param) this.bindPattern(param, scope)
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
          break
        case 'MemberExpression':
          if (isProcessEnv(node.object)) {
            const name = propName(node)
            if (name && SECRET_ENV.test(name)) this.add(this.credentials, 'env', { kind: 'env', what: `process.env.${name}`, ...this.site(node.start, node.end - node.start) })
          }
          break
        case 'ForInStatement':
          if (isProcessEnv(node.right)) this.wholeEnv(node, 'enumerated with for…in')
          break
        case 'Literal':
          if (typeof node.value === 'string' && node.value.length >= 200) this.longString(node, node.value)
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
      case 'CallExpression':
        return this.evalDecode(node, scope, depth)
      default:
        return undefined
    }
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
      if ((method === 'join' || method === 'resolve') && isIdent(obj, 'path') && args.length > 0 && isIdent(args[0], '__dirname')) {
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
    if (node.type === 'CallExpression' && this.isRequire(node.callee)) {
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

  private isRequire(callee: N | undefined): boolean {
    if (!callee) return false
    if (isIdent(callee, 'require')) return true
    return callee.type === 'MemberExpression' && propName(callee) === 'require'
  }

  /** What a callee denotes: `{ module: 'child_process', member: 'exec' }`, or a bare global name. */
  target(callee: N | undefined, scope: number, depth = 0): { module?: string; member?: string; name?: string } {
    if (!callee || depth > 6) return {}
    if (callee.type === 'SequenceExpression') {
      const last = callee.expressions?.[callee.expressions.length - 1]
      return this.target(last, scope, depth + 1)
    }
    if (callee.type === 'MemberExpression') {
      const member = propName(callee)
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
    const facts: ValueFacts = { strings: [], decoder: undefined, homedir: false, tmpdir: false, dirname: false, env: [], literalOnly: true }
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
          const found = n.name ? this.lookup(n.name, s) : undefined
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
        case 'MemberExpression':
          if (isProcessEnv(n.object)) {
            const name = propName(n) ?? '?'
            facts.literalOnly = false
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
        case 'CallExpression':
        case 'NewExpression': {
          facts.literalOnly = false
          const decoder = this.decoderOf(n, s)
          if (decoder) facts.decoder ??= decoder
          const callee = n.callee
          const name = callee?.type === 'MemberExpression' ? propName(callee) : callee?.name
          if (name === 'homedir') facts.homedir = true
          else if (name === 'tmpdir') facts.tmpdir = true
          else if (name === 'charCodeAt') charCodes = true
          else if (name === 'fromCharCode') charCodes = true
          if (callee?.type === 'MemberExpression' && callee.object) stack.push({ n: callee.object, s, d })
          else if (callee?.type === 'Identifier' && callee.name && !facts.decoder) {
            const fnDecoder = this.userDecoder(callee.name, s)
            if (fnDecoder) facts.decoder = fnDecoder
          }
          for (const a of n.arguments ?? []) stack.push({ n: a, s, d })
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
    if (node.type === 'CallExpression' && this.isRequire(callee) && (callee.type === 'Identifier' || isIdent(callee.object, 'module') || propName(callee.object as N) === 'mainModule')) {
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
    // network
    if ((t.module && NET_MODULES.has(t.module) && t.member && NET_METHODS.has(t.member)) || (t.module && HTTP_LIBS.has(t.module)) || name === 'fetch' || (node.type === 'NewExpression' && (name === 'XMLHttpRequest' || name === 'WebSocket'))) {
      this.networkSite(node, t.module ? `${t.module}${t.member ? `.${t.member}` : ''}` : (name ?? 'fetch'), args, scope)
      return
    }
    // files
    if (t.module && FS_MODULES.has(t.module) && t.member) {
      if (FS_WRITE.has(t.member)) this.writeSite(node, `fs.${t.member}`, args[t.member.startsWith('copyFile') || t.member.startsWith('rename') || t.member.startsWith('symlink') ? 1 : 0], scope)
      if (FS_READ.has(t.member)) this.readSite(node, args[0], scope)
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
    const site = this.site(node.start, node.end - node.start)
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
    this.add(this.exec, 'exec', { api, literal, ...(command !== undefined ? { command: clip(full.trim(), 200) } : {}), ...site })
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
    if (f.homedir) target = `home directory${lit ? `: ${lit}` : ''}`
    else if (lit !== undefined && OUTSIDE_PREFIX.test(lit)) target = lit
    else {
      const outside = f.strings.find((x) => OUTSIDE_PREFIX.test(x) || /(^|\/)\.(bashrc|zshrc|profile|bash_profile|npmrc)$|authorized_keys/.test(x))
      if (outside !== undefined) target = outside
    }
    if (target === undefined) return
    const site = this.site(node.start, node.end - node.start)
    this.add(this.writes, 'write', { api, target: clip(target, 160), ...site })
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
      re: /\brequire\s*\(\s*(['"])([^'"\n]{1,200})\1\s*\)|\bfrom\s*(['"])(\.{1,2}\/[^'"\n]{1,200})\3/g,
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
  /\beval\b|\bFunction\s*\(|\bchild_process\b|spawn_sync|\bvm\b|runIn(?:This|New)?Context|compileFunction|\bfetch\s*\(|XMLHttpRequest|WebSocket|['"`](?:node:)?(?:https?|http2|net|tls|dgram|dns|axios|node-fetch|got|request|undici|superagent|needle|phin|ws|cross-fetch|isomorphic-fetch)['"`]|homedir|\.npmrc|\.ssh|id_rsa|\.aws|\.git-credentials|\.gitconfig|\.docker|\.kube|\.netrc|Login Data|wallet|keystore|\brequire\s*\(\s*[^'"`\s)]|\bimport\s*\(\s*[^'"`\s)]|_0x[0-9a-fA-F]{4}|\.constructor\s*\(|process\.env\s*[,)\]]|\.\.\.\s*process\.env|\bin\s+process\.env|writeFile|createWriteStream|appendFile|copyFile|process\.binding|_linkedBinding|\bimport\s*\(\s*['"`]\.|\bpush\b[^;]{0,40}\bshift\b/

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
  const a = new Analysis(lines)
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
  return { path, bytes: text.length, mode, ...(parseError ? { parseError } : {}), ...(skipped ? { skipped } : {}), exec: a.exec, network: a.network, credentials: a.credentials, writes: a.writes, dynamicCode: a.dynamicCode, requires: a.requires, obfuscation: obfuscation(path, text, lines, a) }
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
