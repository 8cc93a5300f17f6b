import type { Finding } from '../../model/finding.js'
import { basenameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

export interface HistoryText {
  /** every line (trimmed) of every commit message up to the tag */
  readonly messageLines: ReadonlySet<string>
  readonly people: ReadonlySet<string>
  readonly commitIds: readonly string[]
  /** every commit message as one line, whitespace collapsed: what git2cl and its kind wrap anew */
  readonly messages?: ReadonlySet<string>
}

export const emptyHistory = (): { messageLines: Set<string>; people: Set<string>; commitIds: string[]; messages: Set<string> } => ({
  messageLines: new Set(),
  people: new Set(),
  commitIds: [],
  messages: new Set(),
})

/**
 * Adds what a ChangeLog generator may print of one commit: its message lines, its subject as git
 * prints it (%s: the first paragraph on one line), its author and any Co-authored-by trailer.
 */
export function addCommit(history: ReturnType<typeof emptyHistory>, c: { readonly commit: string; readonly author: string; readonly email: string; readonly body: string }): void {
  history.people.add(c.author)
  history.people.add(c.email)
  history.commitIds.push(c.commit)
  for (const line of c.body.split('\n')) {
    const t = changelogLine(line)
    if (t) history.messageLines.add(t)
  }
  for (const m of c.body.matchAll(/^Co-authored-by:\s*(.+?)\s*<([^<>\s]+)>\s*$/gim)) {
    history.people.add(m[1] ?? '')
    history.people.add(m[2] ?? '')
  }
  // a paragraph on one line: git's %s for the first, and any a format like `%w(76,4,4)` rewraps
  for (const paragraph of c.body.split(/\n\s*\n/)) {
    const joined = changelogLine(paragraph.replace(/\n/g, ' '))
    if (joined) history.messageLines.add(joined)
  }
  for (const segment of gitWrapSegments(c.body)) {
    const t = changelogLine(segment)
    if (t) history.messageLines.add(t)
  }
  const flowed = c.body.replace(/\s+/g, ' ').trim()
  if (flowed) history.messages.add(flowed)
}

/**
 * The runs of lines git's `%w(…)` wraps as one text: it joins a line to the one before with a
 * space when it begins with a letter or digit, and keeps the break otherwise (a bullet, an
 * indented line, `(function)`, a blank line).
 */
function gitWrapSegments(text: string): string[] {
  const out: string[] = []
  let current: string[] = []
  for (const line of text.split('\n')) {
    if (current.length > 0 && !/^[\p{L}\p{N}]/u.test(line)) {
      out.push(current.join(' '))
      current = []
    }
    if (line.trim() !== '') current.push(line.trim())
  }
  if (current.length > 0) out.push(current.join(' '))
  return out.filter((segment) => segment.includes(' '))
}

/** Where a project keeps the rule that writes its ChangeLog at release time. */
const HISTORY_SCRIPTS = ['Makefile.am', 'GNUmakefile', 'maint.mk', 'cfg.mk', 'Makefile', 'maketgz', 'scripts/maketgz', 'release.sh', 'scripts/release.sh', 'autogen.sh', 'dist.sh', 'scripts/dist.sh', 'build-aux/gitlog-to-changelog', 'meson.build', 'CMakeLists.txt']

const CHANGELOG_NAME = /^(ChangeLog|CHANGELOG|Changelog|NEWS)$/
const GIT_LOG_COMMAND = /\bgit\s+(?:--no-pager\s+)?log\b|gitlog-to-changelog|git2cl|git2news|gitlog2changelog|git-log2\w*/

/** A dist-hook (or any rule of the top Makefile.am) that writes this file from git history, and the lines that may name what it pastes in. */
function declaresHistoryRewrite(makefileAm: string, name: string): { command: string; around: string } | undefined {
  const lines = makefileAm.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (GIT_LOG_COMMAND.test(line) && new RegExp(`\\b${name}\\b`).test(lines.slice(Math.max(0, i - 3), i + 4).join('\n'))) {
      // the rule may paste a footer or a fix-up list in with `cat`, anywhere in its recipe
      const pasting = lines.filter((l) => /^\s.*\bcat\b/.test(l))
      return { command: line.trim(), around: [...lines.slice(Math.max(0, i - 6), i + 7), ...recipeAround(lines, i), ...pasting].join('\n') }
    }
  }
  return undefined
}

/** at most this many lines of a make recipe around the command are read with it */
const RECIPE_LINES = 60

/** The rest of the make recipe the command is in (its lines begin with a tab): where its format and echoes are. */
function recipeAround(lines: readonly string[], i: number): string[] {
  const inRecipe = (k: number): boolean => (lines[k] ?? '').startsWith('\t') || /\\$/.test(lines[k - 1] ?? '')
  if (!inRecipe(i)) return []
  let start = i
  while (start > 0 && i - start < RECIPE_LINES && inRecipe(start - 1)) start--
  let end = i
  while (end + 1 < lines.length && end - start < RECIPE_LINES && inRecipe(end + 1)) end++
  return lines.slice(start, end + 1)
}

/** Files of the tag the rule pastes in (`cat $(top_srcdir)/build-aux/git-log-footer`): their lines are the tag's. */
// any word may name one (`cat ChangeLog-2014-12-10`): only the words that are files of the tag count
const FILE_WORD = /(?:\$[({](?:top_)?srcdir[)}]\/)?([\w.+-]+(?:\/[\w.+-]+)*)/g
const filesNamed = (text: string, view: TreeView): string[] => [...new Set([...text.matchAll(FILE_WORD)].map((m) => m[1] ?? ''))].filter((p) => view.sourceHas(p))

const HEADER = [
  // gitlog-to-changelog, which marks a commit with `Copyright-paperwork-exempt: Yes` as a tiny change
  // an author with no address (`Launchpad Translations on behalf of … <>`) is written with an empty one
  // a format that sets the commit after the address (`%cd  %an  <%ae> [%H]`) names one of the history's
  /^\d{4}-\d{2}-\d{2}\s+(.+?)\s+<([^>]*)>(?:\s+\(tiny change\))?(?:\s+\[([0-9a-f]{7,64})\])?$/,
  /^Author:\s+(.+?)\s+<([^>]*)>$/, // git log
]
const COMMIT_LINE = /^(?:\+ )?commit ([0-9a-f]{7,64})\b|^(?:Hash|Commit|Revision): ([0-9a-f]{7,64})$/
/** git2news: `Daniel Stenberg (29 Aug 2021)` and `[Will Cosgrove brought this change]` */
const PERSON_DATE = /^(.+?) \((\d{1,2} \w{3} \d{4})\)$/
/** the generator's own first line: `Changelog for the foo project. Generated with git2news.pl` */
const BANNER = /\bgenerated\b.*\b(?:git|log|changelog|news)\w*/i
const BROUGHT = /^\[(.+?) brought this change\]$/
/** `git shortlog`: `Guus Sliepen (8):` above that person's subjects */
const SHORTLOG_HEADER = /^(.+?) \(\d+\):$/
/** a heading a release script puts above each release's entries: `Version 1.0.36   August 26 2019`, `refs/tags/1.0.23-android-1   March 11 2014` */
const RELEASE_HEADING = /^(?:[\w-]+ )?(?:refs\/tags\/)?[\w-]*?v?\d+(?:\.\d+)+[\w.~+-]* (?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\w*,? )?(?:[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4})$/
const RULER = /^[-=_*~]{3,}$/
/**
 * The Emacs settings GNU ChangeLogs end with. Only settings that change how the file is shown or
 * saved: `eval:` (which Emacs runs) and anything else are not part of such a footer.
 */
const EMACS_SETTING = /^(?:mode|coding|version-control|buffer-read-only|fill-column|indent-tabs-mode|left-margin|add-log-time-zone-rule|change-log-default-name):\s*[\w.-]+$/

/** The indexes of the lines of a `Local Variables:` … `End:` block that closes the file, when it holds only such settings. */
function emacsFooter(lines: readonly string[]): Set<number> {
  let end = lines.length - 1
  while (end >= 0 && (lines[end] ?? '').trim() === '') end--
  if (end < 0 || (lines[end] ?? '').trim() !== 'End:') return new Set()
  let start = end - 1
  while (start >= 0 && EMACS_SETTING.test((lines[start] ?? '').trim())) start--
  if (start < 0 || (lines[start] ?? '').trim() !== 'Local Variables:') return new Set()
  return new Set(Array.from({ length: end - start + 1 }, (_, k) => start + k))
}
const MERGE_LINE = /^Merge: ([0-9a-f]{7,64}) ([0-9a-f]{7,64})$/
const DATE_LINE = /^(?:Author)?Date:\s+/
/**
 * `git log --stat`: ` src/foo.c | 12 ++++--`, ` {old => new}/x.bin | Bin` and ` 3 files changed, 10
 * insertions(+), 2 deletions(-)`; a path without shell syntax, or one git shortened to its end
 * (`...> new.png} | Bin`, cut inside the `=>`)
 */
const DIFFSTAT_LINE = /^(?:\.\.\.> ?)?[^\s$`;|&<>](?:[^$`;|&<>]|=>)* \| +(?:\d+ ?[+-]*|Bin(?: \d+ -> \d+ bytes)?)$|^\d+ files? changed(?:, \d+ insertions?\(\+\))?(?:, \d+ deletions?\(-\))?$/

/** the text a recipe's `echo` writes, quoted */
const ECHOED = /\becho\s+(?:-[ne]+\s+)?(?:'([^'\n]*)'|"([^"\n$`\\]*)")/g
/** an `echo "Changes in IBus $(IBUS_VERSION)"`: quoted text with make or shell variables in it */
const ECHOED_WITH_VARIABLES = /\becho\s+(?:-[ne]+\s+)?"([^"\n`\\]*\$[^"\n`\\]*)"/g
const VARIABLE = /\$\$?(?:\([A-Za-z_]\w*\)|\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)/g

/** the lines such echoes write, each variable standing for one word */
function echoedTemplates(rule: string): RegExp[] {
  return [...rule.matchAll(ECHOED_WITH_VARIABLES)].map((m) => {
    const parts = changelogLine(m[1] ?? '').split(VARIABLE)
    return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\S+')}$`)
  })
}

/** `    Klas Lindfors` or `    NIIBE Yutaka  <gniibe@fsij.org>` below an entry's header: a co-author, nothing that runs */
const PERSON_LINE = /^\p{Lu}[\p{L}\p{M}'.-]*(?:\s+\p{L}[\p{L}\p{M}'.-]*){0,5}(?:\s+<[^<>\s]+@[^<>\s]+>)?$|^<?[\w.+-]+@[\w.-]+>?$/u
/** at most this many neighbouring lines are joined to undo a rewrap */
const REWRAP = 3

/** A line as both the history and the ChangeLog are compared: trimmed, without a leading bullet. */
export const changelogLine = (line: string): string => line.trim().replace(/^[*-]\s+/, '').replace(/\s+/g, ' ').trim()

function accountedFor(line: string, history: HistoryText): boolean {
  const t = changelogLine(line)
  // gitlog-to-changelog variants end a subject with a full stop
  if (t === '' || history.messageLines.has(t) || history.messageLines.has(line.trim()) || (t.endsWith('.') && history.messageLines.has(t.slice(0, -1)))) return true
  const known = (id: string | undefined): boolean => id !== undefined && history.commitIds.some((c) => c.startsWith(id))
  const commit = COMMIT_LINE.exec(t)
  if (commit) return known(commit[1] ?? commit[2])
  const merge = MERGE_LINE.exec(t)
  if (merge) return known(merge[1]) && known(merge[2])
  if (DATE_LINE.test(t) || DIFFSTAT_LINE.test(t) || RULER.test(t) || RELEASE_HEADING.test(t)) return true
  const shortlog = SHORTLOG_HEADER.exec(t)
  if (shortlog) return history.people.has(shortlog[1] ?? '')
  // a header naming whoever committed and the day: structure, with nothing in it that could run
  const header = PERSON_DATE.exec(t)
  if (header) return (header[1] ?? '').split(' ').length <= 5
  const brought = BROUGHT.exec(t)
  if (brought) return history.people.has(brought[1] ?? '')
  for (const h of HEADER) {
    const m = h.exec(t)
    // an empty address names nobody: the name must be the history's
    if (m) return (history.people.has(m[1] ?? '') || (m[2] !== '' && history.people.has(m[2] ?? ''))) && (m[3] === undefined || known(m[3]))
  }
  // a co-author gitlog-to-changelog lists below the header, from a Co-authored-by trailer
  const person = CO_AUTHOR.exec(t)
  return person !== null && history.people.has(person[1] ?? '')
}

const CO_AUTHOR = /^[^<>]{1,100}?\s+<([^<>\s]+@[^<>\s]+)>$/

/** `src/a.c (fn)` or a rename `old.c => new.c`, `dir/{old.c => new.c}` */
const ENTRY_FILE = String.raw`[\w./+~{}@-]+(?:\s*=>\s*[\w./+~{}@-]+)?(?:\s*\([^()]*\))?`
/** `* src/a.c, b.h (fn): ` — a GNU-style entry names the files a commit changed (none for a merge) before its message */
const ENTRY_FILES = new RegExp(String.raw`^\*\s*(?:${ENTRY_FILE}(?:,\s*${ENTRY_FILE})*)?:\s*`)

const LOG_HEADER = /^commit ([0-9a-f]{7,64})(?: Merge: ([0-9a-f]{7,64}) ([0-9a-f]{7,64}))? Author: (.+?) <([^<>\s]+)> Date: [\w :+-]{10,60}$/

/** Is `text` a commit message, or its beginning up to a word's end (git2cl stops at what looks like a log of its own)? */
function messageOrStart(text: string, sorted: readonly string[]): boolean {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] ?? '') < text) lo = mid + 1
    else hi = mid
  }
  const next = sorted[lo]
  return next !== undefined && (next === text || (next.startsWith(text) && next[text.length] === ' '))
}

/** CVS's marker for a commit made without a message, kept by conversions to git */
const CVS_EMPTY_MESSAGE = '*** empty log message ***'
/** what git2cl writes in its place */
const GIT2CL_EMPTY_MESSAGE = '[no log message]'

/**
 * The lines of entries that are a commit message wrapped anew after the names of the files it
 * changed (`* NEWS, lib/x.c: message…`), as git2cl writes them: their indexes.
 */
function flowedEntries(lines: readonly string[], history: HistoryText, isHeader: (t: string) => boolean): Set<number> {
  const out = new Set<number>()
  const messages = history.messages
  if (!messages || messages.size === 0) return out
  const sorted = [...messages].sort()
  // git2cl may join a preformatted line to the next without a space: the same characters, in order
  const unspaced = new Set(sorted.map((m) => m.replace(/\s+/g, '')))
  // git2cl's text for a message that is CVS's empty-message marker
  const emptyMarked = sorted.some((m) => m.includes(CVS_EMPTY_MESSAGE))
  // a log header git2cl took for a message: a commit and an author of the history, and a date
  const misreadHeader = (t: string): boolean => {
    const m = LOG_HEADER.exec(t)
    const known = (id: string | undefined): boolean => id === undefined || history.commitIds.some((c) => c.startsWith(id))
    return m !== null && m[1] !== undefined && known(m[1]) && known(m[2]) && known(m[3]) && (history.people.has(m[4] ?? '') || history.people.has(m[5] ?? ''))
  }
  const isEntry = (k: number): boolean => /^\s*\*(?:\s|:)/.test(lines[k] ?? '')
  const endOfParagraph = (from: number): number => {
    let end = from + 1
    while (end < lines.length && (lines[end] ?? '').trim() !== '' && !isEntry(end) && !isHeader((lines[end] ?? '').trim())) end++
    return end
  }
  const accounted = (from: number, to: number): boolean => {
    const flowed = lines.slice(from, to).join(' ').replace(/\s+/g, ' ').trim().replace(ENTRY_FILES, '')
    return (
      flowed !== '' &&
      (messageOrStart(flowed, sorted) ||
        misreadHeader(flowed) ||
        (flowed.endsWith('.') && messageOrStart(flowed.slice(0, -1), sorted)) ||
        unspaced.has(flowed.replace(/\s+/g, '')) ||
        (emptyMarked && flowed === GIT2CL_EMPTY_MESSAGE))
    )
  }
  for (let i = 0; i < lines.length; i++) {
    if (!isEntry(i)) continue
    let end = endOfParagraph(i)
    // a message's own `* item` lines, flowed into its entry, may begin a line: still the same message
    while (end < lines.length && isEntry(end) && accounted(i, end)) {
      const further = endOfParagraph(end)
      if (!accounted(i, further)) break
      end = further
    }
    // git2cl sets a word longer than its line (a URL) in a paragraph of its own: the entry's later
    // paragraphs, up to the next entry or header, may be the rest of the same message
    let whole = end
    for (;;) {
      let next = whole
      while (next < lines.length && (lines[next] ?? '').trim() === '') next++
      if (next >= lines.length || isEntry(next) || isHeader((lines[next] ?? '').trim())) break
      whole = endOfParagraph(next)
    }
    const upTo = whole > end && accounted(i, whole) ? whole : accounted(i, end) ? end : i
    for (let k = i; k < upTo; k++) out.add(k)
    i = end - 1
  }
  return out
}

/** Does joining the line with up to two neighbours give a line of the history (a message rewrapped at a width)? */
function rewrapped(lines: readonly string[], i: number, known: (t: string) => boolean): boolean {
  for (let start = Math.max(0, i - REWRAP + 1); start <= i; start++) {
    for (let end = i; end < Math.min(lines.length, start + REWRAP); end++) {
      if (end === start) continue
      const window = lines.slice(start, end + 1)
      if (window.some((l) => l.trim() === '')) continue
      if (known(window.map((l) => l.trim()).join(' '))) return true
    }
  }
  return false
}

/**
 * The lines that are a run of message lines git's `%w(…)` wrapped anew: within a paragraph, a run
 * starts at its first line and at every line that begins with anything but a letter or digit.
 */
function gitWrappedRuns(lines: readonly string[], known: (t: string) => boolean): Set<number> {
  const out = new Set<number>()
  for (let start = 0; start < lines.length; start++) {
    if ((lines[start] ?? '').trim() === '') continue
    let end = start
    while (end + 1 < lines.length && (lines[end + 1] ?? '').trim() !== '' && /^[\p{L}\p{N}]/u.test((lines[end + 1] ?? '').trim())) end++
    if (end > start && known(lines.slice(start, end + 1).map((l) => l.trim()).join(' '))) for (let k = start; k <= end; k++) out.add(k)
    start = end
  }
  return out
}

/** The lines of paragraphs that are a paragraph of a message rewrapped at another width (`%w(76,4,4)`): their indexes. */
function rewrappedParagraphs(lines: readonly string[], known: (t: string) => boolean): Set<number> {
  const out = new Set<number>()
  for (let start = 0; start < lines.length; start++) {
    if ((lines[start] ?? '').trim() === '') continue
    let end = start
    while (end + 1 < lines.length && (lines[end + 1] ?? '').trim() !== '') end++
    if (end > start && known(lines.slice(start, end + 1).map(changelogLine).join(' '))) for (let k = start; k <= end; k++) out.add(k)
    start = end
  }
  return out
}

const PATH = String.raw`[\w.+@~-]+(?:/[\w.+@~-]+)*`
/** `NEWS`, `src/a.c`, `M\tsrc/a.c`, `R099\told.c\tnew.c`: the files a commit changed as `git log --name-only` or `--name-status` lists them */
const NAME_LINE = new RegExp(String.raw`^(?:([AMDTUX]|[RC]\d{0,3})\s+)?(${PATH})$|^[RC]\d{0,3}\s+(${PATH})\s+(${PATH})$`)

/**
 * The literal labels of the rule's `--format`/`--pretty` string (`#Files affected:` in
 * `%b%n#Hash: %H%n#Files affected:`), as they stand on a line of their own once a sed has taken off
 * a leading marker (text between placeholders, with a letter in it), and those markers.
 */
function formatLabels(rule: string): { labels: string[]; markers: string[] } {
  const labels: string[] = []
  const markers = new Set<string>()
  for (const m of rule.matchAll(/--(?:format|pretty)=(?:format:|tformat:)?(?:'([^']*)'|"([^"]*)")/g)) {
    for (const piece of (m[1] ?? m[2] ?? '').split(/%(?:[a-zA-Z]{1,2}|[<>]\([^)]*\)|w\([^)]*\)|\([^)]*\))/)) {
      const marker = /^\s*([#*])/.exec(piece)?.[1]
      const label = changelogLine(piece.replace(/^[#*\s]+/, ''))
      if (!/\p{L}/u.test(label)) continue
      labels.push(label)
      if (marker) markers.add(marker)
    }
  }
  return { labels, markers: [...markers] }
}

type Field = 'id' | 'person' | 'date' | 'subject' | 'refs'
/** git's pretty-format placeholders a one-line format prints, by what their value must be found as */
const PLACEHOLDERS: ReadonlyArray<readonly [RegExp, Field | 'skip', string]> = [
  [/^%[HhPp]/, 'id', '([0-9a-f]{4,64})'],
  [/^%[Tt]/, 'skip', '[0-9a-f]{4,64}'],
  [/^%[ac][nNeElL]/, 'person', '([^()<>\\[\\]\\n]+?)'],
  [/^%[ac][dDrtiIsh]/, 'date', '([\\w :+,./-]*\\d[\\w :+,./-]*?)'],
  [/^%s/, 'subject', '(.+)'],
  [/^%d/, 'refs', '((?: ?\\([^()]*\\))?)'],
  [/^%D/, 'refs', '([^()]*?)'],
  [/^%(?:C(?:\([^)]*\)|red|green|blue|reset)|[<>]{1,2}\([^)]*\)|w\([^)]*\))/, 'skip', ''],
]

/**
 * One line of a `--pretty=format:'%s (%an) %h'` the rule writes, as a test: the line has the
 * format's shape, and each value in it is the history's (a subject, an author, a commit id, a date).
 * Formats with a placeholder not listed (a body, a note) are not compiled: their lines stay to be found otherwise.
 */
function formattedLines(rule: string, history: HistoryText, accounted: (t: string) => boolean): (t: string) => boolean {
  const tests: Array<(t: string) => boolean> = []
  for (const m of rule.matchAll(/--(?:format|pretty)=(?:format:|tformat:)?(?:'([^']*)'|"([^"]*)")/g)) {
    for (const piece of (m[1] ?? m[2] ?? '').split('%n')) {
      let source = ''
      const fields: Field[] = []
      let rest = piece.trim()
      let compiled = rest !== ''
      while (compiled && rest !== '') {
        if (rest.startsWith('%%')) {
          source += '%'
          rest = rest.slice(2)
          continue
        }
        if (rest.startsWith('%')) {
          const placeholder = PLACEHOLDERS.find(([re]) => re.test(rest))
          if (!placeholder) {
            compiled = false
            break
          }
          const [re, field, pattern] = placeholder
          if (field !== 'skip') fields.push(field)
          source += pattern
          rest = rest.slice(re.exec(rest)?.[0].length ?? 1)
          continue
        }
        const literal = /^[^%]+/.exec(rest)?.[0] ?? rest
        source += literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+')
        rest = rest.slice(literal.length)
      }
      if (!compiled || !fields.some((f) => f === 'subject' || f === 'id' || f === 'person')) continue
      const line = new RegExp(`^${source}$`)
      tests.push((t) => {
        const found = line.exec(t)
        if (!found) return false
        return fields.every((field, i) => {
          const value = (found[i + 1] ?? '').trim()
          if (field === 'id') return history.commitIds.some((c) => c.startsWith(value))
          if (field === 'person') return history.people.has(value) || [...history.people].some((p) => p.startsWith(`${value}@`))
          if (field === 'subject') return accounted(value)
          return true
        })
      })
    }
  }
  return (t) => tests.some((test) => test(t.trim()))
}

/** Is the line among the person lines right below an entry's header? */
function belowHeader(lines: readonly string[], i: number, isHeader: (t: string) => boolean): boolean {
  for (let j = i - 1; j >= 0 && j >= i - 8; j--) {
    const t = (lines[j] ?? '').trim()
    if (isHeader(t)) return true
    if (!PERSON_LINE.test(t)) return false
  }
  return false
}

/**
 * A line whose UTF-8 was encoded once more (`Â§` for `§`), as a script that reads the log as Latin-1
 * and writes UTF-8 leaves it, read back as written once; any other line as it is. A commit message
 * may hold such a line itself (xfce4-terminal's `Phan VÄ©nh`): the line as written is looked for too.
 */
function singlyEncoded(line: string): string {
  if (!/[\u00c2-\u00f4][\u0080-\u00bf]/.test(line) || /[^\u0000-\u00ff]/.test(line)) return line
  const decoded = Buffer.from(line, 'latin1').toString('utf8')
  return decoded.includes('\ufffd') ? line : decoded
}

const isChangelog = (difference: Difference): boolean =>
  difference.artifact?.kind === 'file' && difference.status !== 'mode-differs' && CHANGELOG_NAME.test(basenameOf(difference.path))

/** commit or author headers: the shape of a log, whatever wrote it */
const looksLikeLog = (text: string): boolean => text.split('\n').some((l) => COMMIT_LINE.test(l.trim()) || HEADER.some((h) => h.test(l.trim())))

/**
 * A ChangeLog that `make dist` writes from `git log`, as the project's Makefile.am declares:
 * explained when every line of it is found in the tag's history.
 */
export function changelogExplainer(history: () => Promise<HistoryText>): Explainer {
  return {
    name: 'changelog',
    prepare(differences: readonly Difference[], view: TreeView): void {
      const logs = differences.some((d) => isChangelog(d) && looksLikeLog(view.artifactText(d.path) ?? ''))
      // read now, beside the judging of other files; judge() meets the same promise and its failure
      if (logs) history().catch(() => undefined)
    },
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const name = basenameOf(difference.path)
      if (!isChangelog(difference)) return undefined
      let command: string | undefined
      let around = ''
      for (const script of HISTORY_SCRIPTS) {
        const found = declaresHistoryRewrite((await view.sourceText(script)) ?? '', name)
        if (found) {
          command = `${script}: \`${found.command}\``
          around = found.around
          break
        }
      }
      const text = view.artifactText(difference.path)
      if (text === undefined) return undefined
      // Without a rule, only a file shaped like a log (commit or author headers) is compared with the history.
      if (!command && !looksLikeLog(text)) return undefined
      const log = await history()
      const tagged = new Set(((await view.sourceText(difference.path)) ?? '').split('\n').map(changelogLine))
      for (const pasted of filesNamed(around, view)) for (const l of ((await view.sourceText(pasted)) ?? '').split('\n')) tagged.add(changelogLine(l))
      // and the lines the rule writes itself: `echo 'See ChangeLog.old for earlier changes.'`, a label of its log format
      for (const m of around.matchAll(ECHOED)) tagged.add(changelogLine(m[1] ?? m[2] ?? ''))
      const format = formatLabels(around)
      const formatted = formattedLines(around, log, (t) => accountedFor(t, log))
      const echoed = echoedTemplates(around)
      for (const label of format.labels) tagged.add(label)
      // `git log --name-only` lists the files each commit changed, one per line
      const namesFiles = /--name-(?:only|status)\b/.test(around)
      // a file the tag has, or had: a path, a name with an extension, or a README-style name in capitals
      const fileName = (name: string): boolean => view.sourceHas(name) || /[/.]/.test(name) || /^[A-Z][A-Z0-9_-]+$/.test(name)
      const fileLine = (t: string): boolean => {
        const m = NAME_LINE.exec(t.trim())
        if (!m) return false
        // with a status letter in front the line is --name-status's whatever the name; a rename or copy names where the file came from and where it went
        if (m[2] !== undefined) return m[1] !== undefined || fileName(m[2])
        return fileName(m[3] ?? '') && fileName(m[4] ?? '')
      }
      const written = text.split('\n')
      const lines = written.map(singlyEncoded)
      const known = (t: string): boolean =>
        tagged.has(changelogLine(t)) ||
        accountedFor(t, log) ||
        (namesFiles && fileLine(t)) ||
        formatted(t) ||
        echoed.some((e) => e.test(changelogLine(t))) ||
        // the rule's sed took off the marker its format puts before labels, from message lines that began with it too
        format.markers.some((m) => accountedFor(`${m}${changelogLine(t)}`, log))
      const isHeader = (t: string): boolean => HEADER.some((h) => h.test(changelogLine(t)))
      const flowed = flowedEntries(lines, log, isHeader)
      const paragraphs = rewrappedParagraphs(lines, known)
      const footer = emacsFooter(lines)
      const wrapped = gitWrappedRuns(lines, known)
      const stray = lines
        .map((line, i) => ({ line: i + 1, text: line }))
        .filter((l) => !flowed.has(l.line - 1) && !paragraphs.has(l.line - 1) && !wrapped.has(l.line - 1) && !footer.has(l.line - 1) && !known(l.text) && !known(written[l.line - 1] ?? '') && !(l.line <= 5 && BANNER.test(l.text)))
        .filter((l) => !rewrapped(lines, l.line - 1, known))
        .filter((l) => !(PERSON_LINE.test(l.text.trim()) && belowHeader(lines, l.line - 1, isHeader)))
      if (stray.length === 0) return explained(difference.path, 'dist-rewritten', `${command ? `written from git history by ${command}` : 'a log of the git history (no rule that writes it was found)'}; every line found in the history of the tag`, true)
      if (!command) return undefined
      const finding: Finding = {
        ruleId: 'verify/changelog-not-from-history',
        severity: 'medium',
        confidence: 'medium',
        path: difference.path,
        line: stray[0]?.line ?? 1,
        message: `${name} is declared to be written from git history, but ${stray.length} line(s) are not in the history of the tag`,
        evidence: stray.slice(0, 12).map((l) => `${l.line}: ${l.text}`).join('\n'),
      }
      return { outcome: 'unexplained', findings: [finding], scan: false }
    },
  }
}
