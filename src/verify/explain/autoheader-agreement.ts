/**
 * @fileoverview Does a config.h.in that autoheader wrote say only what its inputs say? autoheader
 * writes an `#undef` template for each symbol configure may define, with its description as a
 * comment, and copies verbatim the text configure.ac and the macros it calls hand it (AH_VERBATIM,
 * AH_TOP, AH_BOTTOM, an old acconfig.h). Every C file of the project includes the header configure
 * makes from it, so a line of code there — an `#include` of a file from test data, a `#define`
 * that turns a check into a constant — reaches every compilation. A line whose words none of those
 * inputs hold was put there after autoheader ran. Reading only: nothing here runs autoheader.
 */
import { readFileSync } from 'node:fs'
import type { Finding } from '../../model/finding.js'
import { bundledList } from '../../util/bundled-data.js'
import { installedFiles } from '../../util/installed-files.js'
import { basenameOf, joinPath } from '../../util/paths.js'
import { disagreementFinding } from './automake-agreement.js'
import { configureInputOf, CONFIGURE_INPUTS } from './configure-outputs.js'
import { textForWords, type TreeView } from './types.js'

/** where an installed autoconf keeps its own macros, which hand autoheader text of their own */
const AUTOCONF_LIBRARY_DIRS = ['/usr/share/autoconf/autoconf', '/usr/local/share/autoconf/autoconf']
/** the words autoconf's macros of every release since 2.60 give autoheader (scripts/autoconf-header-words.ts) */
const AUTOCONF_WORDS_FILE = 'autoconf-header-words.txt'
/** inputs autoheader reads beside configure.ac, old and new */
const BESIDE_CONFIGURE = ['acconfig.h', 'acinclude.m4', 'aclocal.m4', 'config.h.top', 'config.h.bot']
/** a C string, a system header name, an identifier or a number */
const TOKEN = /"[^"\n]*"|<[^<>\n]*>|[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*/g
/**
 * what m4 joins a macro's arguments into names with (`[$1]_func`, `$1`, quadrigraphs), and the
 * `-D` of a compiler flag a macro turns into a `#define`
 */
const M4_JOINS = /\$\d+|@<:@|@:>@|@S\|@|@%:@|\[|\]|-D(?=[A-Za-z_])/g
/** the C lines of a macro's text: what AH_VERBATIM and friends hand autoheader */
const C_LINE = /^[ \t]*#[ \t]*(?:define|undef|include|if|ifdef|ifndef|elif|else|endif|pragma|error)\b.*$/gm
/** lines autoheader writes itself, or that only choose between other lines */
const TEMPLATE_LINE = /^#\s*(?:undef\s+\w+|if|ifdef|ifndef|elif|else|endif)\b/

export interface UnknownLine {
  readonly line: number
  readonly text: string
  /** its words no input holds */
  readonly words: readonly string[]
}

/** The words of the C lines of a macro file's text. */
export function headerWords(m4: string): Set<string> {
  const words = new Set<string>()
  for (const [line] of m4.matchAll(C_LINE)) for (const w of line.replace(M4_JOINS, ' ').match(TOKEN) ?? []) words.add(w)
  return words
}

/**
 * a word made of pieces, digits free (m4 counts: `format_func3` of `$1_func` and an argument
 * count); a piece of one character (`_` of `$1_$2`) would join any two words, so it joins only
 * digits (`x1`, `x2` of a macro that numbers parameters)
 */
function madeOfPieces(word: string, isPiece: (piece: string) => boolean): boolean {
  if (/^[A-Za-z_]\d+$/.test(word)) return isPiece(word.charAt(0))
  // ends[i]: the first i characters are pieces and digits
  const ends = [true, ...Array<boolean>(word.length).fill(false)]
  for (let i = 0; i < word.length; i++) {
    if (!ends[i]) continue
    for (let j = i + 1; j <= word.length; j++) if (/^\d+$/.test(word.slice(i, j)) || (j - i > 1 && isPiece(word.slice(i, j)))) ends[j] = true
  }
  return ends[word.length] === true
}

/** The words of some texts, and the pieces m4 may join into longer names; on top of another vocabulary. */
export class Vocabulary {
  readonly #words = new Set<string>()
  readonly #pieces = new Set<string>()
  readonly #base: Vocabulary | undefined

  constructor(base?: Vocabulary) {
    this.#base = base
  }

  add(text: string): this {
    for (const w of text.match(TOKEN) ?? []) this.#words.add(w)
    for (const w of text.replace(M4_JOINS, ' ').match(TOKEN) ?? []) this.#pieces.add(w)
    return this
  }

  addWords(words: Iterable<string>): this {
    for (const w of words) {
      this.#words.add(w)
      this.#pieces.add(w)
    }
    return this
  }

  #holds(word: string): boolean {
    return this.#words.has(word) || this.#isPiece(word)
  }

  #isPiece(piece: string): boolean {
    return this.#pieces.has(piece) || (this.#base !== undefined && this.#base.#holds(piece))
  }

  /** held whole, or made of pieces a macro joins (`noreturn` and `_func` into `noreturn_func`) */
  has(word: string): boolean {
    if (this.#holds(word)) return true
    // strings and header names are copied whole
    return /^[A-Za-z_]/.test(word) && madeOfPieces(word, (piece) => this.#isPiece(piece))
  }
}

let autoconfVocabulary: Vocabulary | undefined
/**
 * What autoconf itself gives autoheader: the shipped words of every release since 2.60, and the
 * installed autoconf's own macros (a newer one than the list knows).
 */
function autoconfWords(): Vocabulary {
  if (autoconfVocabulary) return autoconfVocabulary
  const vocabulary = new Vocabulary()
  vocabulary.addWords(bundledList(AUTOCONF_WORDS_FILE, "list of autoconf's header words").entries)
  for (const path of installedFiles(AUTOCONF_LIBRARY_DIRS, '.m4')) vocabulary.addWords(headerWords(readFileSync(path, 'utf8')))
  return (autoconfVocabulary = vocabulary)
}

/** config.h.in's text with its comments blanked, each line where it was */
const withoutComments = (text: string): string => text.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, (c) => c.replace(/[^\n]/g, ' '))

/** The lines of a config.h.in that are neither autoheader's templates nor text its inputs hold. */
export function linesNotFromInputs(configHeader: string, vocabulary: Vocabulary): UnknownLine[] {
  const out: UnknownLine[] = []
  const lines = withoutComments(configHeader.replace(/\r\n/g, '\n')).split('\n')
  for (const [index, raw] of lines.entries()) {
    const text = raw.trim()
    if (text === '' || TEMPLATE_LINE.test(text)) continue
    const words = [...new Set((text.match(TOKEN) ?? []).filter((w) => !vocabulary.has(w)))]
    if (words.length > 0) out.push({ line: index + 1, text, words })
  }
  return out
}

/**
 * What autoheader may have copied from: the configure.ac it names (or the one that replaced a
 * configure.in) and the files beside it, every m4 file of the release and the tag, and autoconf's
 * own macros. Undefined when no configure.ac is in either tree.
 */
async function inputVocabulary(path: string, input: string, m4Paths: Iterable<string>, view: TreeView): Promise<Vocabulary | undefined> {
  const text = (p: string): Promise<string | undefined> => textForWords(view, p)
  // the name in the header is the one it had when the file was made: configure.in became configure.ac in many projects
  const configure = await configureInputOf(path, view, [input, ...CONFIGURE_INPUTS])
  if (configure === undefined) return undefined
  const vocabulary = new Vocabulary(autoconfWords()).add(configure.text)
  for (const name of BESIDE_CONFIGURE) vocabulary.add((await text(joinPath(configure.dir, name))) ?? '')
  for (const p of new Set(m4Paths)) vocabulary.add((await text(p)) ?? '')
  return vocabulary
}

const SHOWN_LINES = 5

/**
 * A high finding when a config.h.in autoheader wrote carries code its inputs never write;
 * undefined when every line is accounted for, or when its configure.ac cannot be read. The m4
 * files are listed only for a template that needs them.
 */
export async function configHeaderFinding(path: string, text: string, input: string | undefined, m4Paths: () => Iterable<string>, view: TreeView): Promise<Finding | undefined> {
  // most templates hold only what autoconf itself writes: the project's macros are read when they do not,
  // and asked only of the words autoconf does not write (the inputs' vocabulary holds autoconf's)
  const candidates = linesNotFromInputs(text, autoconfWords())
  if (candidates.length === 0) return undefined
  const vocabulary = await inputVocabulary(path, input ?? 'configure.ac', m4Paths(), view)
  if (vocabulary === undefined) return undefined
  const unknown = candidates.map((u) => ({ ...u, words: u.words.filter((w) => !vocabulary.has(w)) })).filter((u) => u.words.length > 0)
  const first = unknown[0]
  if (first === undefined) return undefined
  return disagreementFinding({
    path,
    line: first.line,
    message: `${basenameOf(path)} line ${first.line} (${first.text.length > 80 ? `${first.text.slice(0, 80)}…` : first.text}) names ${first.words.slice(0, 3).join(' ')}, which neither ${input ?? 'configure.ac'} nor any macro of the release or of autoconf writes${unknown.length > 1 ? ` (and ${unknown.length - 1} more line(s) likewise)` : ''}`,
    evidence: unknown
      .slice(0, SHOWN_LINES)
      .map((u) => `${path}:${u.line}: ${u.text}\n  in no input: ${u.words.join(' ')}`)
      .join('\n'),
    explanation:
      'autoheader writes only #undef templates and the text configure.ac and its macros give it. Every C file includes the header configure makes from this one, so a line added after autoheader ran changes every compilation.',
    data: { input: input ?? 'configure.ac', lines: unknown.map((u) => ({ line: u.line, words: u.words })) },
  })
}
