/**
 * @fileoverview Compiled Python (`.pyc`) read without running it: CPython's header (which source
 * it stands for, and how the interpreter checks that) and, through the marshal format, the names
 * and constants its code objects hold. Bytecode compiled from a source can only name what that
 * source names; a payload compiled in brings words of its own (`system`, `urlopen`, a host, an
 * encoded blob). Reading is bounded: nesting, object count and lengths are checked against the
 * bytes, and anything unexpected gives up (undefined), never throws.
 */
import type { Finding } from '../../model/finding.js'
import { basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import type { Judgement, TreeView } from './types.js'

export interface Bytecode {
  /** the CPython version whose magic number the header carries, `3.12` */
  readonly python: string
  /** how the interpreter decides the file is current: the source's size (and time), a hash of the source, or never */
  readonly checked: 'size' | 'hash' | 'never'
  /** the source size the header records, for `checked: 'size'` */
  readonly sourceSize?: number
  /** the names and the words of the string constants of every code object; undefined when the code cannot be read */
  readonly words?: ReadonlySet<string>
}

/** The first magic number of each CPython 3 version from 3.3 on: later ones are read with the layout of the last that is not above them. */
const VERSIONS: readonly (readonly [magic: number, version: string])[] = [
  [3190, '3.3'],
  [3250, '3.4'],
  [3320, '3.5'],
  [3360, '3.6'],
  [3390, '3.7'],
  [3400, '3.8'],
  [3420, '3.9'],
  [3430, '3.10'],
  [3450, '3.11'],
  [3500, '3.12'],
  [3550, '3.13'],
  [3600, '3.14'],
]
const LAST_KNOWN_MAGIC = 3699

const MAX_DEPTH = 200
const MAX_OBJECTS = 1_000_000

class Unreadable extends Error {}

/** A marshal stream, read for its strings where `collect` asks. */
class Marshal {
  #at: number
  #objects = 0
  readonly strings: string[] = []
  readonly bytes: Buffer
  readonly layout: 'py33' | 'py38' | 'py311'

  constructor(bytes: Buffer, at: number, layout: 'py33' | 'py38' | 'py311') {
    this.bytes = bytes
    this.#at = at
    this.layout = layout
  }

  #take(n: number): Buffer {
    if (n < 0 || this.#at + n > this.bytes.length) throw new Unreadable()
    const out = this.bytes.subarray(this.#at, this.#at + n)
    this.#at += n
    return out
  }

  #int32(): number {
    return this.#take(4).readInt32LE(0)
  }

  #byte(): number {
    return this.#take(1)[0] ?? 0
  }

  #text(n: number, collect: boolean, encoding: 'utf8' | 'latin1'): void {
    const bytes = this.#take(n)
    if (collect) this.strings.push(bytes.toString(encoding))
  }

  /** One object; its strings are kept when `collect` is set (constants and names, not instructions or line tables). */
  object(collect: boolean, depth = 0): void {
    if (depth > MAX_DEPTH || ++this.#objects > MAX_OBJECTS) throw new Unreadable()
    const type = String.fromCharCode(this.#byte() & 0x7f)
    switch (type) {
      case '0':
      case 'N':
      case 'F':
      case 'T':
      case 'S':
      case '.':
        return
      case 'i':
      case 'r':
        this.#take(4)
        return
      case 'I':
      case 'g':
        this.#take(8)
        return
      case 'y':
        this.#take(16)
        return
      case 'l':
        this.#take(2 * Math.abs(this.#int32()))
        return
      case 'f':
        this.#take(this.#byte())
        return
      case 'x':
        this.#take(this.#byte())
        this.#take(this.#byte())
        return
      case 's':
        this.#text(this.#int32(), collect, 'latin1')
        return
      case 't':
      case 'u':
        this.#text(this.#int32(), collect, 'utf8')
        return
      case 'a':
      case 'A':
        this.#text(this.#int32(), collect, 'latin1')
        return
      case 'z':
      case 'Z':
        this.#text(this.#byte(), collect, 'latin1')
        return
      case ')':
        this.#items(this.#byte(), collect, depth)
        return
      case '(':
      case '[':
      case '<':
      case '>':
        this.#items(this.#int32(), collect, depth)
        return
      case '{':
        for (;;) {
          if (this.bytes[this.#at] === 0x30) {
            this.#at += 1
            return
          }
          this.object(collect, depth + 1)
          this.object(collect, depth + 1)
        }
      case 'c':
        this.#code(depth)
        return
      default:
        throw new Unreadable()
    }
  }

  #items(count: number, collect: boolean, depth: number): void {
    if (count < 0 || count > this.bytes.length) throw new Unreadable()
    for (let i = 0; i < count; i++) this.object(collect, depth + 1)
  }

  /** A code object: its constants and names are kept; its instructions, file name and line tables are not. */
  #code(depth: number): void {
    const d = depth + 1
    this.#take(4 * (this.layout === 'py38' ? 6 : 5))
    this.object(false, d) // instructions
    this.object(true, d) // constants, nested code objects among them
    this.object(true, d) // names
    if (this.layout === 'py311') {
      this.object(true, d) // local, cell and free variable names
      this.object(false, d) // their kinds
    } else {
      this.object(true, d) // local variable names
      this.object(true, d) // free variables
      this.object(true, d) // cell variables
    }
    this.object(false, d) // file name, where it was compiled
    this.object(true, d) // name
    if (this.layout === 'py311') this.object(true, d) // qualified name
    this.#take(4) // first line
    this.object(false, d) // line table
    if (this.layout === 'py311') this.object(false, d) // exception table
  }
}

/** The version of CPython whose magic number `magic` is, or undefined outside CPython 3.3 and later. */
function versionOf(magic: number): string | undefined {
  if (magic < (VERSIONS[0]?.[0] ?? 0) || magic > LAST_KNOWN_MAGIC) return undefined
  return [...VERSIONS].reverse().find(([first]) => magic >= first)?.[1]
}

/** The header of a `.pyc`, and the names and words of its code when it can be read; undefined for anything that is not CPython 3 bytecode. */
export function readBytecode(bytes: Buffer): Bytecode | undefined {
  if (bytes.length < 12 || bytes[2] !== 0x0d || bytes[3] !== 0x0a) return undefined
  const magic = bytes.readUInt16LE(0)
  const python = versionOf(magic)
  if (!python) return undefined
  // PEP 552 (3.7) put a flags word after the magic: a checked hash, an unchecked one, or a time and size
  const flagged = magic >= 3390
  const flags = flagged ? bytes.readUInt32LE(4) : 0
  const checked = flags === 0 ? 'size' : flags & 2 ? 'hash' : 'never'
  const layout = magic >= 3450 ? 'py311' : magic >= 3400 ? 'py38' : 'py33'
  const header = { python, checked, ...(checked === 'size' ? { sourceSize: bytes.readUInt32LE(flagged ? 12 : 8) } : {}) } as const
  const marshal = new Marshal(bytes, flagged ? 16 : 12, layout)
  try {
    marshal.object(true)
  } catch (err) {
    if (err instanceof Unreadable) return header
    throw err
  }
  const words = new Set<string>()
  for (const s of marshal.strings) for (const w of wordsOf(s)) if (!COMPILER_NAMES.has(w)) words.add(w)
  return { ...header, words }
}

/** Names the compiler writes into code objects without the source spelling them. */
const COMPILER_NAMES: ReadonlySet<string> = new Set([
  '__name__',
  '__module__',
  '__qualname__',
  '__doc__',
  '__class__',
  '__classcell__',
  '__classdictcell__',
  '__annotations__',
  '__annotate__',
  '__conditional_annotations__',
  '__static_attributes__',
  '__firstlineno__',
  '__type_params__',
  '__build_class__',
  'module',
  'lambda',
  'listcomp',
  'dictcomp',
  'setcomp',
  'genexpr',
  'locals',
  '0',
  'return',
  // what `assert` loads before 3.9
  'AssertionError',
])

const wordsOf = (text: string): string[] => text.match(/[A-Za-z0-9_]+/g) ?? []

/** The words of bytecode (its {@link Bytecode.words}) that its source does not have: empty when every name and constant comes from it. */
export function wordsNotInSource(words: ReadonlySet<string>, source: string): string[] {
  // `'a\nb'` in the source is the words a and b in the bytecode
  const have = new Set([...wordsOf(source), ...wordsOf(source.replace(/\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|N\{[^}]*\}|[0-7]{1,3}|.)/g, ' '))])
  // the compiler folds `'a' * 17` into one constant: a repeated word of the source is the source's
  const folded = (w: string): boolean => {
    const unit = /^(.+?)\1+$/.exec(w)?.[1]
    return unit !== undefined && have.has(unit)
  }
  return [...words].filter((w) => !have.has(w) && !folded(w))
}

const finding = (difference: Difference, severity: Finding['severity'], message: string, data: Record<string, unknown> = {}): Judgement => ({
  outcome: 'unexplained',
  scan: false,
  findings: [{ ruleId: 'verify/unexplained-file', severity, confidence: 'high', path: difference.path, message, data: { role: 'code', ...data } }],
})

/** How many of the words a source lacks the finding names. */
const MAX_WORDS_SHOWN = 12

/**
 * Compiled Python only the artifact has. CPython loads `__pycache__/NAME.TAG.pyc` in place of
 * `NAME.py` when the header matches the source (its size and time, or its hash), or always when
 * the header says not to check. Such bytecode is compared with the source it stands for by what it
 * names: low when every name and constant comes from the source (the instructions themselves are
 * not compared), critical when it holds words the source does not. Bytecode beside a source of
 * the same name outside `__pycache__`, without its source in `__pycache__`, or recording another
 * size than its source's, is never loaded by Python 3: low. Undefined (the role decides) for a
 * legacy `.pyc` without a source beside it, which Python 3 imports.
 */
export async function judgeBytecode(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
  const path = difference.path
  const cached = /(^|\/)__pycache__\/([^/]+?)\.[\w-]+\.py[co]$/.exec(path)
  const source = cached ? joinPath(dirnameOf(dirnameOf(path)), `${cached[2] ?? ''}.py`) : path.replace(/\.py[co]$/, '.py')
  if (!cached) return view.artifactHas(source) ? finding(difference, 'low', `compiled Python beside its source ${basenameOf(source)}, which Python 3 loads instead: never run`) : undefined
  if (!view.artifactHas(source)) return finding(difference, 'low', `compiled Python in __pycache__ without its source ${source}: Python never loads it`)
  const bytes = view.artifactBytes(path)
  const bytecode = bytes ? readBytecode(bytes) : undefined
  const sourceSize = view.artifactBytes(source)?.length ?? view.sourceEntry(source)?.size
  if (bytecode?.checked === 'size' && sourceSize !== undefined && bytecode.sourceSize !== sourceSize) {
    return finding(difference, 'low', `compiled Python of an older ${source} (compiled from ${bytecode.sourceSize ?? '?'} bytes; the release's source has ${sourceSize}): Python compiles the source again instead`)
  }
  // a source the release ships unchanged is read from the tag
  const sourceText = view.artifactText(source) ?? (await view.sourceText(source))
  if (!bytecode?.words || sourceText === undefined) return finding(difference, 'high', `compiled Python that the interpreter its name gives may load in place of ${source}, in a form stagelight cannot read to compare with that source`)
  const how = bytecode.checked === 'never' ? 'its header tells Python never to check it against the source' : bytecode.checked === 'hash' ? 'its header carries a hash of the source' : `its header records the size of ${source} as shipped`
  const foreign = wordsNotInSource(bytecode.words, sourceText)
  if (foreign.length > 0) {
    const shown = foreign.slice(0, MAX_WORDS_SHOWN).join(', ')
    return finding(difference, 'critical', `compiled Python that CPython ${bytecode.python} loads in place of ${source} (${how}) holds names or strings its source does not: ${shown}${foreign.length > MAX_WORDS_SHOWN ? ', …' : ''}`, { python: bytecode.python, wordsNotInSource: foreign })
  }
  return finding(difference, 'low', `compiled Python that CPython ${bytecode.python} loads in place of ${source} (${how}); every name and constant in it is in that source (its instructions are not compared)`, { python: bytecode.python })
}
