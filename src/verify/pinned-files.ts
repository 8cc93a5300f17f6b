/**
 * @fileoverview The verdict on a file only the release has, when what the tag pins accounts for
 * it: a file under a submodule or pinned fetch (compared with the pinned commit when its
 * repository was given), or a file gnulib-tool's list in the release names while the tag pins
 * gnulib, or records a gnulib import without pinning it (compared with every version in gnulib's
 * history when its repository was given). Not compared is said, and the caller still runs the
 * rules on it.
 */
import type { Finding } from '../model/finding.js'
import type { Explained } from '../model/report.js'
import { fileRole, QUIET_ROLES } from './explain/role.js'
import { basenameOf } from '../util/paths.js'
import type { Difference } from './compare.js'
import type { GnulibCopy } from './gnulib-list.js'
import type { GnulibHistory } from './gnulib-import.js'
import { isObjectId } from '../sources/git/object-id.js'
import { pinnedAt, type Pin, type SubmoduleTree } from './submodules.js'

/** gnulib's C sources and tests: what no catalog holds, so what a copy from an unpinned gnulib is left uncompared for */
const COPIED_CODE = /^(?:lib|tests)\//

/** A gnulib import the tag records (`record`: its gnulib-cache.m4 or bootstrap.conf) but does not pin. */
export interface UnpinnedGnulib {
  readonly record: string
  /** gnulib's history, when its repository was given */
  readonly history?: GnulibHistory
  readonly bytesOf: (path: string) => Buffer | undefined
}

export interface PinnedVerdict {
  readonly explained?: Explained
  /** a copy that no version of what it was copied from accounts for */
  readonly findings?: readonly Finding[]
  /** not compared: the rules read it */
  readonly scan: boolean
}

export class PinnedFiles {
  private readonly pins: readonly Pin[]
  private readonly trees: readonly SubmoduleTree[]
  private readonly gnulibCopies: () => ReadonlyMap<string, GnulibCopy>
  private readonly gnulib: Pin | undefined
  private readonly unpinned: UnpinnedGnulib | undefined
  /** copies from the unpinned gnulib left not compared, by the list that names them */
  private readonly uncompared = new Map<string, string[]>()
  /** files from a pin whose repository was not given, by the pin's path, and how many of them the build compiles or runs */
  private readonly notGiven = new Map<string, { readonly pin: Pin; readonly paths: string[]; code: number }>()

  /** `gnulibCopies`: release paths gnulib-tool's list names, with where the list is; `unpinned`: a gnulib import the tag records without a pin */
  constructor(pins: readonly Pin[], trees: readonly SubmoduleTree[], gnulibCopies: () => ReadonlyMap<string, GnulibCopy>, unpinned?: UnpinnedGnulib) {
    this.pins = pins
    this.trees = trees
    this.gnulibCopies = gnulibCopies
    // with gnulib's repository given, copies are compared by their bytes instead (submodule-copies)
    this.gnulib = pins.find((p) => p.how === 'submodule' && basenameOf(p.path) === 'gnulib' && !trees.some((t) => t.path === p.path))
    this.unpinned = pins.some((p) => basenameOf(p.path) === 'gnulib') ? undefined : unpinned
  }

  verdict(difference: Difference): PinnedVerdict | undefined {
    if (difference.status !== 'only-in-artifact') return undefined
    const path = difference.path
    const copy = this.gnulib || this.unpinned ? this.gnulibCopies().get(path) : undefined
    if (this.gnulib && copy) {
      this.#notCompared(this.gnulib, difference)
      const how = `copied by gnulib-tool from the submodule ${this.gnulib.path} at ${this.gnulib.commit.slice(0, 12)} (${copy.list} lists it); its repository was not given, so not compared`
      return { explained: { path, category: 'submodule', how, reproduced: false }, scan: true }
    }
    if (this.unpinned && copy) return this.#fromUnpinnedGnulib(path, difference.artifact?.mode ?? 0o644, copy, this.unpinned)
    // the innermost pin: a submodule of a submodule holds its own files
    const pin = this.pins.filter((m) => path.startsWith(`${m.path}/`)).sort((a, b) => b.path.length - a.path.length)[0]
    if (!pin) return undefined
    const what = pin.how === 'submodule' ? `the submodule ${pin.path}` : `${pin.path} (${pin.how})`
    const given = this.trees.find((t) => t.path === pin.path)
    if (!given) {
      this.#notCompared(pin, difference)
      return { explained: { path, category: 'submodule', how: `from ${what}${pinnedAt(pin)}; its repository was not given, so not compared`, reproduced: false }, scan: true }
    }
    const inside = `${pin.from !== undefined ? `${pin.from}/` : ''}${path.slice(pin.path.length + 1)}`
    const pinned = given.files.get(inside)
    if (pinned !== undefined && pinned === difference.artifact?.gitBlob) {
      return { explained: { path, category: 'submodule', how: `identical to ${what} at ${given.commit.slice(0, 12)} (${given.spec})`, reproduced: true }, scan: false }
    }
    // a branch or tag name fixes no commit: any version the file had in that repository is the subproject's
    const version = difference.artifact?.gitBlob !== undefined ? given.history?.get(inside)?.get(difference.artifact.gitBlob) : undefined
    if (version) {
      return { explained: { path, category: 'submodule', how: `identical to ${inside} as of ${version.commit.slice(0, 12)} (${version.date}) in ${given.spec}, which ${what} names by a branch or tag`, reproduced: true }, scan: false }
    }
    // anything else under the pinned directory is judged like any file the tag lacks
    return undefined
  }

  /** A copy from a gnulib no commit pins: some version of gnulib's file, or (without gnulib's repository) not compared. */
  #fromUnpinnedGnulib(path: string, mode: number, copy: GnulibCopy, unpinned: UnpinnedGnulib): PinnedVerdict | undefined {
    const { record, history } = unpinned
    const bytes = history ? unpinned.bytesOf(path) : undefined
    const found = history && bytes ? history.versionOf(copy.name, bytes) : undefined
    if (history && found) {
      const how = `gnulib's ${copy.name} as of ${found.version.commit.slice(0, 12)} (${found.version.date}) in ${history.spec}${found.rewritten ? ', as gnulib-tool rewrites it (the config.h guard, the license notice)' : ''}`
      return { explained: { path, category: 'vendored', how, reproduced: true }, scan: false }
    }
    // gnulib's macros and helper scripts are in the catalog of known versions: what gnulib's history does not account for is judged there, with the lines it adds
    if (!COPIED_CODE.test(copy.name)) return undefined
    if (!history) {
      this.uncompared.set(copy.list, [...(this.uncompared.get(copy.list) ?? []), path])
      const how = `copied by gnulib-tool from a gnulib ${record} records but the tag does not pin (${copy.list} lists it as ${copy.name}); not compared: give gnulib's repository with --gnulib`
      return { explained: { path, category: 'submodule', how, reproduced: false }, scan: true }
    }
    if (!bytes) return undefined
    const { count, newest } = history.versionsOf(copy.name)
    const finding: Finding = {
      ruleId: 'verify/modified-vendored-file',
      severity: QUIET_ROLES.has(fileRole(path, mode, bytes)) ? 'low' : 'high',
      confidence: 'high',
      path,
      message: `${copy.list} lists it as gnulib's ${copy.name}, but ${count > 0 ? `none of the ${count} version(s) of that file in ${history.spec}${newest ? ` (the newest of ${newest})` : ''} has these bytes` : `${history.spec} never had that file`}`,
      explanation: 'gnulib-tool copies files out of gnulib unchanged (but for the config.h guard). A copy that no version of gnulib ever had was edited after the copy, or came from a gnulib that is not the one given: compare it with the newest version of the file.',
      data: { gnulibPath: copy.name, versions: count, list: copy.list },
    }
    return { findings: [finding], scan: true }
  }

  #notCompared(pin: Pin, difference: Difference): void {
    const entry = this.notGiven.get(pin.path) ?? { pin, paths: [], code: 0 }
    entry.paths.push(difference.path)
    const artifact = difference.artifact
    if (!QUIET_ROLES.has(fileRole(difference.path, artifact?.mode ?? 0o644, artifact?.content ?? ''))) entry.code += 1
    this.notGiven.set(pin.path, entry)
  }

  /**
   * One finding per gnulib list whose copies were left not compared: nothing pins them and nothing
   * checked them, and the build compiles them, so the release cannot pass on them (high); one line
   * says what would check them.
   */
  uncomparedFindings(): Finding[] {
    return [...this.#unpinnedGnulibFindings(), ...this.#notGivenFindings()]
  }

  /**
   * One finding per pin whose repository was not given. A commit id fixes what the files should
   * be, checkable by anyone with that repository: low, saying how many the build compiles or runs
   * and how to compare them. A branch or tag name (a meson wrap's `revision = v1`) fixes nothing:
   * medium when the build compiles or runs some of them.
   */
  #notGivenFindings(): Finding[] {
    return [...this.notGiven.values()].map(({ pin, paths, code }) => ({
      ruleId: 'verify/not-compared',
      severity: code > 0 && !isObjectId(pin.commit) ? 'medium' : 'low',
      confidence: 'high',
      path: pin.path,
      message: `${paths.length} file(s) from ${pin.how === 'submodule' ? 'the submodule ' : ''}${pin.path}${pinnedAt(pin)}${pin.how === 'submodule' ? '' : ` (${pin.how})`} were not compared${code > 0 ? ` (${code} compiled or run by the build; the rules read them)` : ''}: give its repository with --submodule ${pin.path}=REPO`,
      evidence: paths.slice(0, 20).join('\n') + (paths.length > 20 ? `\n… and ${paths.length - 20} more` : ''),
      explanation: isObjectId(pin.commit)
        ? 'The tag names the commit these files come from, but without that repository nobody compared them with it: a file changed in the release would pass unseen.'
        : 'The tag names a branch or tag of another repository, which moves: nothing says what these files should be, and without that repository nobody compared them with any version of it.',
      data: { files: paths.length, code, commit: pin.commit },
    }))
  }

  #unpinnedGnulibFindings(): Finding[] {
    return [...this.uncompared].map(([list, paths]) => ({
      ruleId: 'verify/not-compared',
      severity: 'high',
      confidence: 'high',
      path: list,
      message: `${paths.length} file(s) gnulib-tool copied from a gnulib ${this.unpinned?.record ?? 'the tag'} records but no commit pins were not compared (C sources and tests; the rules read them): give gnulib's repository with --gnulib REPO`,
      evidence: paths.slice(0, 20).join('\n') + (paths.length > 20 ? `\n… and ${paths.length - 20} more` : ''),
      explanation: 'A copy from a repository nobody pins is checked only against that repository; without it the copy is unverified code.',
      data: { files: paths.length },
    }))
  }

  /** the facts line: each pin, and whether it was compared; a gnulib import without a pin */
  describe(): string | undefined {
    const pins = this.pins.map((m) => {
      const given = this.trees.find((t) => t.path === m.path)
      return `${m.path}${pinnedAt(m)}${m.how === 'submodule' ? '' : `, ${m.how}`} (${given ? `compared with ${given.spec}` : `not compared: give its repository with --submodule ${m.path}=REPO`})`
    })
    if (this.unpinned && this.gnulibCopies().size > 0) {
      const { record, history } = this.unpinned
      pins.push(`gnulib, imported without a pin (${record}) (${history ? `copies compared with every version in ${history.spec}` : 'not compared: give its repository with --gnulib REPO'})`)
    }
    return pins.length > 0 ? pins.join(', ') : undefined
  }
}
