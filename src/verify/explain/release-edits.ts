/**
 * @fileoverview Edits a project's own release step makes to tracked files: version, date and
 * placeholder stamps (`7.88.1-DEV` → `7.88.1`, `[unreleased]` → a date, `@VERSION@`, a man page's
 * `.TH` date, copyright years), and documentation trimmed for the tarball (lines removed, none
 * added). Each changed line must differ from the tag's only in such tokens; the release script
 * line that writes the file is cited where the source has one.
 */
import { lineDiff } from '../../util/line-diff.js'
import { basenameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { fileRole } from './role.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'
import { escapeRegExp } from '../../util/regexp.js'

const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)'
const DATES: readonly RegExp[] = [
  /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\s?(?:Z|UTC|[+-]\d{2}:?\d{2}))?)?\b/g,
  new RegExp(String.raw`\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?${MONTH}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b`, 'g'),
  new RegExp(String.raw`\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?\d{1,2}(?:st|nd|rd|th)?[\s-]+${MONTH}\.?,?[\s-]+\d{4}\b`, 'g'),
  new RegExp(String.raw`\b${MONTH}\s+\d{4}\b`, 'g'),
  /\b\d{4}\/\d{2}\/\d{2}\b/g,
  // `04/02/2022`, month or day first, as `date +%x` and `%D`-style stamps write it
  /\b\d{2}\/\d{2}\/\d{4}\b/g,
  /\b(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b/g,
]
// a placeholder may stand in a C comment (`/*@DIST_DATE@*/`), which the release replaces whole
const PLACEHOLDERS = /\/\*\s*@[A-Z_]*(?:VERSION|DATE|YEAR|MONTH|RELEASE)[A-Z_]*@\s*\*\/|@[A-Z_]*(?:VERSION|DATE|YEAR|MONTH|RELEASE)[A-Z_]*@|\[(?:unreleased|UNRELEASED|Unreleased|not released|in development)\]|\((?:unreleased|not yet released)\)|\bUNRELEASED\b|\b[Uu]nreleased\b|\bnot yet released\b|\bYYYY-MM-DD\b|%(?:VERSION|DATE)%/g
const VERSION = /\bv?\d+(?:\.\d+)+(?:[-.~+_]?(?:DEV|dev|devel|git|GIT|rc\d*|alpha\d*|beta\d*|pre\d*|snapshot|post\d*|[a-z](?![a-z])))*(?![\w.])/g
/** `#define FOO_VERSION_MINOR 9`, `FOO_TIMESTAMP "DEV"`: a line that names a version part or a release time */
const VERSION_NAMED = /\b\w*(?:VERSION|MAJOR|MINOR|PATCH|MICRO|REVISION|TIMESTAMP|RELEASE_DATE|BUILD_DATE)\w*\b/i
const TIME_NAMED = /\b\w*(?:TIMESTAMP|DATE)\w*\b/i
const COPYRIGHT_LINE = /copyright|\(c\)|©/i
const YEARS = /\b(?:19|20)\d{2}(?:\s*(?:[-–,]|and)\s*(?:19|20)?\d{2}(?:\d{2})?)*\b/g
const STAMP = '\u0000'
/** `m4_esyscmd([build-aux/git-version-gen .tarball-version])`: a version the tag computes when autoconf runs, which a release may write in */
const COMPUTED_AT_BOOTSTRAP = /\b(?:m4_)?esyscmd(?:_s)?\((?:\[[^[\]()]*\]|[^[\]()]*)\)/g

/**
 * A keyword CVS or Subversion expands on export (`$Id$` → `$Id: foo.c 5166 2021-01-15 user $`): the
 * value is plain (no quote, operator or bracket), so the expansion carries nothing that runs.
 */
const VCS_KEYWORD = /\$(Id|Revision|Rev|Date|Author|Header|Source|RCSfile|Name|State|Locker|LastChangedDate|LastChangedRevision|LastChangedBy|HeadURL|URL)(?::[\w .,:/+~@-]{0,300})?\$/g
const unexpanded = (line: string): string => line.replace(VCS_KEYWORD, '$$$1$$')
/** a hexadecimal word of commit-id length */
const HEX_WORD = /\b[0-9a-f]{7,40}\b/g
/** `/* #undef KRB5_RELDATE *\/` in the tag: a release-time define the release script fills in */
const UNDEFINED_STAMP = /^\/\*\s*#\s*undef\s+(\w+)\s*\*\/$/
const RELEASE_NAMED = (name: string): boolean => VERSION_NAMED.test(name) || /(?:^|_)[A-Z]*DATE$/i.test(name)

/** `greek=rc2` → `greek=`, `snapshot=1` → `snapshot=0`, `date="Unreleased developer copy"` → a date: a release's own settings */
// the value names no path and runs nothing: a word, a number, a date or a short phrase
const RELEASE_SETTING = /^((?:export )?([A-Za-z_][A-Za-z0-9_]*) ?= ?)("[^"$`\\/]*"|'[^'/]*'|[\w.+~:-]*)$/
/** the same in m4: `m4_define([ibus_released], [0])` → `[1]` */
const M4_RELEASE_SETTING = /^((?:m4_)?define\(\[?([A-Za-z_][A-Za-z0-9_]*)\]?, ?)(\[[\w.+~:-]*\]|[\w.+~:-]*)\)( ?dnl .*)?$/
const RELEASE_WORDS = new Set(['version', 'major', 'minor', 'patch', 'micro', 'revision', 'release', 'released', 'date', 'timestamp', 'greek', 'snapshot', 'prerelease', 'dev', 'devel', 'unreleased', 'nightly', 'rc', 'alpha', 'beta', 'stable', 'final'])
/** a variable of a release setting: a word of its name (`HWLOC_VERSION_GREEK`, `snapshot`) says so */
const isReleaseSetting = (name: string): boolean => name.toLowerCase().split('_').some((w) => RELEASE_WORDS.has(w))

/**
 * The line with every version, date and placeholder replaced by one marker (years too, on a
 * copyright line; the release's commit id, abbreviated or not, where it is given; on the tag's side, a version
 * computed by `m4_esyscmd` when autoconf runs).
 */
export function stampShape(line: string, commit?: string, side: 'tag' | 'release' = 'release'): string {
  let l = (COPYRIGHT_LINE.test(line) ? line.replace(YEARS, STAMP) : line).replace(/\s+/g, ' ').trim()
  // only the tag's line may compute its stamp: a release that runs a command instead of writing a value wrote no stamp
  if (side === 'tag') l = l.replace(COMPUTED_AT_BOOTSTRAP, `[${STAMP}]`)
  if (commit) l = l.replace(HEX_WORD, (w) => (commit.startsWith(w) ? STAMP : w))
  // a literal value of a release setting (no expansion, no command) is a stamp whatever it holds
  const setting = RELEASE_SETTING.exec(l)
  if (setting?.[2] && isReleaseSetting(setting[2])) return `${setting[1]}${STAMP}`
  const defined = M4_RELEASE_SETTING.exec(l)
  if (defined?.[2] && isReleaseSetting(defined[2])) return `${defined[1]}${STAMP})${defined[4] ?? ''}`
  const placeholder = UNDEFINED_STAMP.exec(l)
  if (placeholder?.[1] && RELEASE_NAMED(placeholder[1])) return `#define ${placeholder[1]} ${STAMP}`
  // whole dates and versions first: numbers taken one by one would leave `3.9.0` as three stamps and
  // its dots, never the shape of the one `@VERSION@` the tag held in its place (`Version: @VERSION@`)
  for (const d of DATES) l = l.replace(d, STAMP)
  l = l.replace(PLACEHOLDERS, STAMP).replace(VERSION, STAMP)
  // on a line that names a version or revision, `unknown` is what a build without the release's data writes
  if (VERSION_NAMED.test(l)) l = l.replace(/"[^"]*"/g, STAMP).replace(/\b0x[0-9a-fA-F]+\b|\b\d+\b|\bunknown\b/gi, STAMP)
  // `1.2.3-DEV` may leave `-DEV` beside a marker; a run of markers and joiners is one stamp
  // a quoted stamp is the stamp: `"20221111"` fills a define the tag left undefined
  return l
    .replace(new RegExp(`${STAMP}(?:[-~+ ]?(?:DEV|dev|devel|git|VCS|vcs|CVS|cvs|SVN|svn|dirty)\\b)?`, 'g'), STAMP)
    .replace(new RegExp(`${STAMP}+`, 'g'), STAMP)
    .replace(new RegExp(`"${STAMP}"`, 'g'), STAMP)
}

const releaseForms = (version: string): string[] => {
  const parts = version.split('.')
  const forms = [version, `v${version}`]
  for (let n = parts.length - 1; n >= 2; n--) forms.push(parts.slice(0, n).join('.'))
  return forms
}

/** `1.10.0` → `0x010a00`, the hex a C header encodes a version in */
const hexForm = (version: string): string => `0x${version.split('.').map((p) => Number(p).toString(16).padStart(2, '0')).join('')}`

/**
 * Versions and version numbers the new line brings in that the old one did not have must be the
 * release's own: its version, its parts, its hex form; a release-time field may take any date.
 */
function bringsOnlyTheRelease(before: string, after: string, version: string | undefined): boolean {
  const old = new Set(before.match(VERSION) ?? [])
  const forms = version ? releaseForms(version) : []
  if (!(after.match(VERSION) ?? []).every((v) => old.has(v) || forms.includes(v))) return false
  if (!VERSION_NAMED.test(after)) return true
  const timeNamed = TIME_NAMED.test(after)
  // a field named for a release time takes any date, quoted or not
  const unquoted = DATES.reduce((l, d) => (timeNamed ? l.replace(d, '') : l), after.replace(/"[^"]*"/g, (q) => (timeNamed ? '' : q.replace(VERSION, ''))))
  const parts = new Set(version ? version.split('.').map((p) => String(Number(p))) : [])
  const oldNumbers = new Set(before.match(/\b0x[0-9a-fA-F]+\b|\b\d+\b/g) ?? [])
  return (unquoted.match(/\b0x[0-9a-fA-F]+\b|\b\d+\b/g) ?? []).every((n) => oldNumbers.has(n) || (n.startsWith('0x') ? version !== undefined && n.toLowerCase() === hexForm(version) : parts.has(String(Number(n)))))
}

interface Edit {
  /** lines that differ only in stamps */
  readonly stamped: number
  /** every stamped line differs only in an expanded CVS or Subversion keyword */
  readonly keywordsOnly: boolean
  readonly removed: number
  readonly example?: { readonly before: string; readonly after: string }
}

/**
 * Replacements that only change stamps (and keywords CVS or Subversion expanded), and deletions;
 * undefined when any line was added or changed otherwise. `commit` is the release's commit id.
 */
export function releaseEdit(before: string, after: string, version: string | undefined, commit?: string): Edit | undefined {
  const changes = lineDiff(before.split('\n'), after.split('\n'))
  if (!changes) return undefined
  let stamped = 0
  let removed = 0
  let example: Edit['example']
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]
    if (!c || (!c.added && !c.removed)) continue
    const next = changes[i + 1]
    if (c.removed && next?.added) {
      if (next.value.length !== c.value.length) return undefined
      for (let k = 0; k < c.value.length; k++) {
        const b = unexpanded(c.value[k] ?? '')
        const a = unexpanded(next.value[k] ?? '')
        if (a === b) continue
        if (stampShape(a, commit) !== stampShape(b, commit, 'tag') || !bringsOnlyTheRelease(b, a, version)) return undefined
        example ??= { before: b.trim(), after: a.trim() }
      }
      stamped += c.value.length
      i++
    } else if (c.removed) removed += c.value.length
    else return undefined
  }
  if (stamped + removed === 0) return undefined
  return { stamped, removed, keywordsOnly: stamped > 0 && example === undefined, ...(example ? { example } : {}) }
}

/** Conventional places of a project's release script; the rule or line naming the file is the evidence. */
const RELEASE_SCRIPTS = ['Makefile.am', 'GNUmakefile', 'maint.mk', 'cfg.mk', 'maketgz', 'scripts/maketgz', 'release.sh', 'scripts/release.sh', 'scripts/release', 'build-aux/release.sh', 'dist.sh', 'scripts/dist.sh', 'make-dist.sh', 'make_release.sh', 'mkrelease.sh', 'scripts/mkrelease.sh', 'tools/release.sh', 'autogen.sh', 'CMakeLists.txt', 'meson.build', 'Makefile']

async function releaseScriptLine(view: TreeView, path: string): Promise<string | undefined> {
  const name = basenameOf(path)
  const pattern = new RegExp(`(^|[^\\w.-])${escapeRegExp(name)}($|[^\\w-])`)
  for (const script of RELEASE_SCRIPTS) {
    const text = await view.sourceText(script)
    if (!text) continue
    const lines = text.split('\n')
    const at = lines.findIndex((l) => pattern.test(l) && /\b(?:sed|perl|awk|tail|head|cat|echo|printf|date|git|>)/.test(l) && !/^\s*#/.test(l))
    if (at >= 0) return `${script}:${at + 1}: ${(lines[at] ?? '').trim().slice(0, 160)}`
  }
  return undefined
}

export function releaseEditsExplainer(version: string | undefined, commit?: string): Explainer {
  return {
    name: 'release-edits',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      if (difference.status !== 'content-differs' || difference.artifact?.kind !== 'file') return undefined
      const after = view.artifactText(difference.path)
      const before = await view.sourceText(difference.path)
      if (after === undefined || before === undefined) return undefined
      const edit = releaseEdit(before, after, version, commit)
      if (!edit) return undefined
      const role = fileRole(difference.path, difference.artifact.mode, view.artifactBytes(difference.path) ?? '')
      // Deleting lines from code or build logic can remove a check; only documentation is trimmed freely.
      if (edit.removed > 0 && role !== 'doc') return undefined
      const script = await releaseScriptLine(view, difference.path)
      const parts: string[] = []
      if (edit.keywordsOnly) parts.push(`${edit.stamped} line(s) differ only in keywords CVS or Subversion expanded on export ($Id$ and the like)`)
      else if (edit.stamped > 0) parts.push(`${edit.stamped} line(s) differ only in version, date, commit or placeholder stamps${edit.example ? ` (\`${edit.example.before.slice(0, 80)}\` → \`${edit.example.after.slice(0, 80)}\`)` : ''}`)
      if (edit.removed > 0) parts.push(`${edit.removed} line(s) removed, none added`)
      // only stamps changed: the tag's bytes, line for line, as the version-stamp explainer counts them; lines removed are not
      return explained(difference.path, edit.stamped > 0 ? 'release-stamp' : 'release-trimmed', `${parts.join('; ')}${script ? `; written by ${script}` : ''}`, edit.removed === 0)
    },
  }
}
