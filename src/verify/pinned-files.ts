/**
 * @fileoverview The verdict on a file only the release has, when what the tag pins accounts for
 * it: a file under a submodule or pinned fetch (compared with the pinned commit when its
 * repository was given), or a file gnulib-tool's list in the release names while the tag pins
 * gnulib. Not compared is said, and the caller still runs the rules on it.
 */
import type { Explained } from '../model/report.js'
import { basenameOf } from '../util/paths.js'
import type { Difference } from './compare.js'
import type { Pin, SubmoduleTree } from './submodules.js'

export interface PinnedVerdict {
  readonly explained: Explained
  /** not compared: the rules read it */
  readonly scan: boolean
}

export class PinnedFiles {
  private readonly pins: readonly Pin[]
  private readonly trees: readonly SubmoduleTree[]
  private readonly gnulibCopies: (pin: Pin) => ReadonlyMap<string, string>
  private readonly gnulib: Pin | undefined

  /** `gnulibCopies`: release paths gnulib-tool's list names, with where the list is */
  constructor(pins: readonly Pin[], trees: readonly SubmoduleTree[], gnulibCopies: (pin: Pin) => ReadonlyMap<string, string>) {
    this.pins = pins
    this.trees = trees
    this.gnulibCopies = gnulibCopies
    // with gnulib's repository given, copies are compared by their bytes instead (submodule-copies)
    this.gnulib = pins.find((p) => p.how === 'submodule' && basenameOf(p.path) === 'gnulib' && !trees.some((t) => t.path === p.path))
  }

  verdict(difference: Difference): PinnedVerdict | undefined {
    if (difference.status !== 'only-in-artifact') return undefined
    const path = difference.path
    const listedBy = this.gnulib ? this.gnulibCopies(this.gnulib).get(path) : undefined
    if (this.gnulib && listedBy) {
      const how = `copied by gnulib-tool from the submodule ${this.gnulib.path} at ${this.gnulib.commit.slice(0, 12)} (${listedBy} lists it); its repository was not given, so not compared`
      return { explained: { path, category: 'submodule', how, reproduced: false }, scan: true }
    }
    const pin = this.pins.find((m) => path.startsWith(`${m.path}/`))
    if (!pin) return undefined
    const what = pin.how === 'submodule' ? `the submodule ${pin.path}` : `${pin.path} (${pin.how})`
    const given = this.trees.find((t) => t.path === pin.path)
    if (!given) return { explained: { path, category: 'submodule', how: `from ${what} at ${pin.commit.slice(0, 12)}; its repository was not given, so not compared`, reproduced: false }, scan: true }
    const pinned = given.files.get(path.slice(pin.path.length + 1))
    if (pinned !== undefined && pinned === difference.artifact?.gitBlob) {
      return { explained: { path, category: 'submodule', how: `identical to ${what} at ${given.commit.slice(0, 12)} (${given.spec})`, reproduced: true }, scan: false }
    }
    // anything else under the pinned directory is judged like any file the tag lacks
    return undefined
  }

  /** the facts line: each pin, and whether it was compared */
  describe(): string | undefined {
    if (this.pins.length === 0) return undefined
    return this.pins
      .map((m) => {
        const given = this.trees.find((t) => t.path === m.path)
        return `${m.path} at ${m.commit.slice(0, 12)}${m.how === 'submodule' ? '' : `, ${m.how}`} (${given ? `compared with ${given.spec}` : `not compared: give its repository with --submodule ${m.path}=REPO`})`
      })
      .join(', ')
  }
}
