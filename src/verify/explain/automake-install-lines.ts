/**
 * @fileoverview The rules automake writes to install and uninstall what a Makefile.am lists
 * (`install-binPROGRAMS`, `install-dist_docDATA`, `uninstall-man1`…) come line for line from its
 * templates (`lib/am/progs.am`, `data.am`, `mans.am`…), with the directory's name, the primary and
 * the man section put in. `make install` usually runs as root, so a line no template writes — a
 * `chmod 4755`, a copy into `/etc`, a document run — is a change made after automake ran.
 *
 * The templates of every automake release are known as hashes of their lines
 * (`data/automake-install-lines.txt`, made by `scripts/automake-install-lines.ts`), joined with the
 * templates of the automake installed here. A Makefile.in line is looked up the same way, with the
 * rule's own directory name put back as the placeholder. Reading only: nothing here runs automake.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { bundledDataPath } from '../../util/bundled-data.js'
import { escapeRegExp } from '../../util/regexp.js'
import { installedFiles } from '../../util/installed-files.js'
import { AUTOMAKE_CONDITION_PREFIX } from '../../rules/shell/make.js'
import type { UntemplatedRecipe } from './automake-recipes.js'

/** the list of hashed template lines of every automake release */
export const INSTALL_LINES_FILE = 'automake-install-lines.txt'
/** where an installed automake keeps its templates (`/usr/share/automake-1.16/am`) */
const INSTALLED_TEMPLATE_DIRS = ['/usr/share', '/usr/local/share'].flatMap((root) => ['1.18', '1.17', '1.16', '1.15', '1.14', '1.13', '1.12', '1.11', '1.10'].map((v) => `${root}/automake-${v}/am`))

/** the primaries of what is installed, each with the singular automake writes in `INSTALL_%ONE_PRIMARY%` */
const PRIMARIES: ReadonlyMap<string, string> = new Map([
  ['PROGRAMS', 'PROGRAM'],
  ['LTLIBRARIES', 'LTLIBRARY'],
  ['LIBRARIES', 'LIBRARY'],
  ['SCRIPTS', 'SCRIPT'],
  ['DATA', 'DATA'],
  ['HEADERS', 'HEADER'],
  ['LISP', 'LISP'],
  ['PYTHON', 'PYTHON'],
  ['JAVA', 'JAVA'],
])
/** the man sections automake knows (`man_MANS` pages go to `man1`…`man9`, `mann`, `manl`) */
const MAN_SECTIONS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'n', 'l']
/** a rule automake writes for one directory and primary: `install-nobase_dist_pkgdataDATA` */
const DIRECTORY_RULE = new RegExp(`^((?:install|uninstall|installcheck)-((?:nobase_|nodist_|dist_|notrans_)*)(\\w*?)(${[...PRIMARIES.keys()].join('|')})):(?![=:])`)
/** a rule automake writes for one man section: `install-man1` */
const MAN_RULE = /^((?:install|uninstall)-man[0-9nl]):(?![=:])/
/** what automake's conditions in a template put before a line: `?BASE?`, `?!EXEC?` */
const TEMPLATE_CONDITIONS = /^(?:\?!?[A-Z_-]+\?)+/
/** a choice in a template's line, `%LIBTOOL? || test -f $$p1%` or `%BASE?s|.*|.|:s|[^/]*$$||%`: the text when the condition holds, else the other */
const CHOICE = /%!?[A-Z_]+\?([^%:]*)(?::([^%]*))?%/
/** a placeholder of a template, filled by automake */
const PLACEHOLDER = /%[A-Za-z_?!]+%/g
/** the placeholder every filled-in name becomes on both sides */
const FILLED = '%X%'
/**
 * a list automake fills in with names and references (`list1='foo.1 bar.1'`, `l2='$(man_MANS)'`):
 * they are the Makefile.am's, not the template's; a make function (`$(shell …)`) is neither
 */
const FILLED_LIST = /\b(list\d?|l\d)='(?:[\w./+@%-]|\$\(\w+\)|[ \t])*'/g

/** a recipe line as both sides are compared: its end trimmed, a filled list emptied */
const normalised = (line: string): string => line.replace(/\s+$/, '').replace(FILLED_LIST, `$1='${FILLED}'`)

/** the key of a normalised line: 16 hexadecimal digits of its SHA-256 */
export const lineKey = (line: string): string => createHash('sha256').update(normalised(line)).digest('hex').slice(0, 16)

/**
 * The keys of a template's recipe lines, each with the primary and man section filled in every way
 * automake fills them and every other placeholder made one.
 */
export function templateLineKeys(template: string): Set<string> {
  const keys = new Set<string>()
  for (const raw of template.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(TEMPLATE_CONDITIONS, '')
    if (!line.startsWith('\t')) continue
    for (const filled of chosen(line).flatMap(filledIn)) keys.add(lineKey(filled.replace(PLACEHOLDER, FILLED)))
  }
  return keys
}

/** the line with each choice made both ways */
function chosen(line: string): string[] {
  const choice = CHOICE.exec(line)
  if (choice === null) return [line]
  const [all, then, otherwise] = choice
  return [then ?? '', otherwise ?? ''].flatMap((text) => chosen(line.replace(all, () => text)))
}

function filledIn(line: string): string[] {
  const sections = line.includes('%SECTION%') ? MAN_SECTIONS.map((s) => line.split('%SECTION%').join(s)) : [line]
  if (!/%(?:ONE_)?PRIMARY%/.test(line)) return sections
  return sections.flatMap((l) => [...PRIMARIES].map(([many, one]) => l.split('%ONE_PRIMARY%').join(one).split('%PRIMARY%').join(many)))
}

let known: ReadonlySet<string> | undefined

/** the keys of every automake release's template lines and of the installed automake's */
export function knownTemplateLines(): ReadonlySet<string> {
  if (known) return known
  const keys = new Set(
    readFileSync(bundledDataPath(INSTALL_LINES_FILE, "list of automake's template lines"), 'utf8')
      .split('\n')
      .filter((l) => /^[0-9a-f]{16}$/.test(l)),
  )
  for (const path of installedFiles(INSTALLED_TEMPLATE_DIRS, '.am')) for (const key of templateLineKeys(readFileSync(path, 'utf8'))) keys.add(key)
  return (known = keys)
}

/** where a template puts a directory's name: not inside a word (`inst` of `$(instdir)`, not of `uninstall`), save `class%DIR%.stamp` */
const nameIn = (name: string): RegExp => new RegExp(`(?<=^|[^A-Za-z0-9_]|\\bclass)${escapeRegExp(name)}`, 'g')

interface InstallRule {
  readonly target: string
  /** the names automake put in for `%DIR%` and `%NDIR%`, longest first */
  readonly names: readonly string[]
}

function installRuleOf(header: string, makefileAm: readonly string[]): InstallRule | undefined {
  const directory = DIRECTORY_RULE.exec(header)
  const man = directory ? undefined : MAN_RULE.exec(header)
  const target = directory?.[1] ?? man?.[1]
  if (target === undefined) return undefined
  // the Makefile.am's own rule for the target replaces automake's
  const own = new RegExp(`^${escapeRegExp(target)}\\s*:`, 'm')
  if (makefileAm.some((text) => own.test(text))) return undefined
  const base = directory?.[3] ?? ''
  const names = directory ? [...new Set([`${directory[2] ?? ''}${base}`, base])].filter((n) => n !== '').sort((a, b) => b.length - a.length) : []
  return { target, names }
}

/**
 * The recipe lines of the install and uninstall rules automake wrote into a Makefile.in that none
 * of its templates writes. A rule the Makefile.am texts write for the same target is theirs.
 */
export function installLinesNotFromTemplates(makefileIn: string, makefileAm: readonly string[], templateLines: ReadonlySet<string> = knownTemplateLines()): UntemplatedRecipe[] {
  const out: UntemplatedRecipe[] = []
  const lines = makefileIn.split('\n')
  let rule: InstallRule | undefined
  // a line continued from a recipe line is recipe too, tab or none
  let continued = false
  for (let i = 0; i < lines.length; i++) {
    const written = lines[i] ?? ''
    const line = written.replace(AUTOMAKE_CONDITION_PREFIX, '').replace(/\r$/, '')
    const recipe: boolean = line.startsWith('\t') || (continued && rule !== undefined)
    continued = recipe && line.endsWith('\\')
    if (!recipe) {
      if (!/^\s*(?:#|$)/.test(line)) rule = installRuleOf(line, makefileAm)
      continue
    }
    if (rule === undefined) continue
    const asTemplate = rule.names.reduce((l, name) => l.replace(nameIn(name), FILLED), line.startsWith('\t') ? line : `\t${line}`)
    if (!templateLines.has(lineKey(asTemplate))) out.push({ target: rule.target, line: i + 1, text: written, words: [shown(line)] })
  }
  return out
}

/** at most this many characters of a line in a finding's message */
const SHOWN_LINE = 80
const shown = (line: string): string => {
  const text = line.trim().replace(/\s*\\$/, '')
  return text.length > SHOWN_LINE ? `${text.slice(0, SHOWN_LINE)}…` : text
}
