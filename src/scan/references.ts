/**
 * @fileoverview Which build, install and test files mention which file names, collected token by
 * token as the files stream past, so data files met anywhere in the tree can be tied to the steps
 * that read them.
 */

export interface Mention {
  readonly path: string
  readonly line: number
  readonly text: string
}

const NAME_TOKEN = /[\w.+@%-]*[\w+@%-]\.[\w.+-]*\w|[\w.+@%/-]+\/[\w.+@%-]+/g
const MAX_MENTIONS_PER_NAME = 8
/** automake/make variables that list files (to ship, install, clean or hand to the test driver) rather than run commands */
const LIST_VARIABLE = /^\s*(?:[\w$(){}]*_)?(?:EXTRA_DIST|DIST|DISTFILES|DATA|SOURCES|HEADERS|SCRIPTS|MANS|TEXINFOS|TESTS|XFAIL_TESTS|CLEANFILES|DISTCLEANFILES|MAINTAINERCLEANFILES|MOSTLYCLEANFILES|DEPENDENCIES|FILES|LTLIBRARIES|LIBRARIES|PROGRAMS)\s*[+:?]?=/
const MAX_LINE_CHARS = 240

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1)
/** `good-large_compressed.lzma` → `good-large_compressed`; names too short to be specific give undefined */
const stemOf = (name: string): string | undefined => {
  const dot = name.indexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  return stem.length >= 6 ? stem : undefined
}

/** File names mentioned in build and install steps, with the lines that mention them. */
export class MentionIndex {
  private readonly byName = new Map<string, Mention[]>()

  /**
   * Records every file-name-like token of a text under its base name. In Makefiles, lists that
   * only name files for distribution, installation or the test driver are not steps that read them.
   */
  add(path: string, text: string, makefile = false): void {
    let line = 0
    let inList = false
    for (const raw of text.split('\n')) {
      line++
      if (makefile) {
        const listStart = LIST_VARIABLE.test(raw)
        const skip: boolean = inList || listStart
        inList = skip && /\\\s*$/.test(raw)
        if (skip) continue
      }
      for (const match of raw.matchAll(NAME_TOKEN)) {
        const name = basename(match[0])
        if (name.length < 3) continue
        let list = this.byName.get(name)
        if (!list) this.byName.set(name, (list = []))
        if (list.length < MAX_MENTIONS_PER_NAME && list[list.length - 1]?.line !== line) {
          list.push({ path, line, text: raw.trim().slice(0, MAX_LINE_CHARS) })
        }
      }
    }
  }

  /** Lines that name this file (by its base name), other than the file itself. */
  mentionsOf(path: string): Mention[] {
    return (this.byName.get(basename(path)) ?? []).filter((m) => m.path !== path)
  }
}

/** Words of test files, kept only as a set: enough to say whether a test names a data file. */
export class TestWords {
  private readonly words = new Set<string>()
  private readonly globs = new Map<string, RegExp>()

  add(text: string): void {
    for (const match of text.matchAll(/[\w.+@%-]+/g)) if (match[0].length >= 3) this.words.add(match[0])
    // `for f in "$srcdir"/files/good-*.xz`, `glob("data/*")`: every file the pattern matches is read
    for (const match of text.matchAll(/([\w.+@%-]+)\/([\w.+@%*?[\]-]*[*?][\w.+@%*?[\]-]*)/g)) {
      const key = `${match[1]}/${match[2]}`
      if (this.globs.size < MAX_GLOBS && !this.globs.has(key)) this.globs.set(key, globToRegExp(match[1] ?? '', match[2] ?? ''))
    }
  }

  /** Does some test name this file, its stem, or a glob matching it? */
  mentions(path: string): boolean {
    const name = basename(path)
    const stem = stemOf(name)
    if (this.words.has(name) || (stem !== undefined && this.words.has(stem))) return true
    const tail = `${basename(path.slice(0, Math.max(0, path.lastIndexOf('/'))))}/${name}`
    for (const glob of this.globs.values()) if (glob.test(tail)) return true
    return false
  }
}

const MAX_GLOBS = 10_000

function globToRegExp(dir: string, pattern: string): RegExp {
  // a `[` or `]` left outside a bracket expression (`s/.*[$` in a sed script) is a literal
  const escape = (t: string): string => t.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  const body = pattern
    .split(/(\*|\?|\[[^\]]*\])/)
    .map((part) => (part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.startsWith('[') && part.endsWith(']') ? part.replace(/^\[!/, '[^') : escape(part)))
    .join('')
  return new RegExp(`^${escape(dir)}/${body}$`)
}
