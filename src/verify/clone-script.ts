/**
 * @fileoverview A script of the tag that fills directories of the release from other repositories
 * it clones in a loop, at no version it fixes: libyal's `synclibs.sh`, `for LOCAL_LIB in
 * ${LOCAL_LIBS}; do git clone ${PREFIX}/${LOCAL_LIB}.git ${LOCAL_LIB}-$$; …; cp
 * ${LOCAL_LIB}-$$/${LOCAL_LIB}/*.[chly] ${LOCAL_LIB}; done`. Each directory the loop copies into is
 * another repository's files, not the tag's: one pin per directory, named by no commit.
 */
import { dirnameOf, joinPath } from '../util/paths.js'
import type { Pin } from './submodules.js'

/** `NAME=value`, `NAME="value with ${OTHER}"`: the script's variables, set to text */
const ASSIGNMENT = /^\s*([A-Za-z_]\w*)=(?:"([^"`]*)"|'([^']*)'|([^\s"'`;|&]*))\s*;?\s*$/
const FOR_LOOP = /^\s*for\s+([A-Za-z_]\w*)\s+in\s+([^;]+?)\s*(?:;\s*(?:do\b.*)?)?$/
const GIT_CLONE = /\bgit\s+clone\b((?:\s+-[-\w]+)*)\s+(\S+)(?:\s+([^\s;&|)]+))?/
const COPY = /(?:^|[;&|])\s*cp\s+(?:-\w+\s+)*(\S+)\s+(\S+?)\s*;?\s*$/
/** a name the loop may give a directory: no path, no expansion */
const NAME = /^[\w.+-]+$/

/** Expands `$NAME` and `${NAME}` for the variables known; others (`$$`, `$1`) stay as written. */
const expand = (text: string, vars: ReadonlyMap<string, string>): string =>
  text.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (all, braced: string | undefined, bare: string | undefined) => vars.get(braced ?? bare ?? '') ?? all)

const unquoted = (word: string): string => word.replace(/^["']|["']$/g, '')

/**
 * The directories of the release (each one of `dirs`, which hold files the tag lacks) that the loop
 * of a clone script fills from the repository it clones for each name, with the directory of that
 * repository the copy takes from.
 */
export function clonePins(text: string, script: string, dirs: ReadonlySet<string>): Pin[] {
  const vars = new Map<string, string>()
  const pins: Pin[] = []
  // outside a loop, a clone is of one repository
  const single = { variable: undefined, names: [''] }
  let loop: { variable: string | undefined; names: string[] } | undefined = single
  let clone: { url: string; into: string } | undefined
  const base = dirnameOf(script)
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*#.*$/, '')
    const assignment = ASSIGNMENT.exec(line)
    if (assignment) {
      vars.set(assignment[1] ?? '', expand(assignment[2] ?? assignment[3] ?? assignment[4] ?? '', vars))
      continue
    }
    const head = FOR_LOOP.exec(line)
    if (head) {
      // what follows the loop is read as the loop's until the next one: scripts of this kind end with it
      const names = expand(head[2] ?? '', vars).split(/\s+/).map(unquoted)
      loop = names.every((n) => NAME.test(n)) ? { variable: head[1] ?? '', names } : undefined
      clone = undefined
      continue
    }
    if (!loop) continue
    const cloning = GIT_CLONE.exec(expand(line, vars))
    if (cloning) {
      const url = unquoted(cloning[2] ?? '')
      clone = { url, into: unquoted(cloning[3] ?? url.replace(/\/+$/, '').replace(/\.git$/, '').replace(/^.*\//, '')) }
      continue
    }
    const copy = clone ? COPY.exec(expand(line, vars)) : null
    if (!copy || !clone) continue
    // the loop's variable, `${L}` or `$L` (never the start of `$LIBDIR`)
    const reference = loop.variable === undefined ? undefined : new RegExp(String.raw`\$\{${loop.variable}\}|\$${loop.variable}(?!\w)`, 'g')
    for (const name of loop.names) {
      const named = (word: string) => (reference === undefined ? unquoted(word) : unquoted(word).replace(reference, name))
      const into = named(clone.into)
      const from = named(copy[1] ?? '')
      const to = named(copy[2] ?? '').replace(/\/+$/, '')
      const path = joinPath(base, to)
      // a copy out of the clone, from where the script says, into a directory of the release that holds files the tag lacks
      if (!from.startsWith(`${into}/`) || from.slice(into.length).includes('$') || !dirs.has(path) || pins.some((p) => p.path === path)) continue
      const inside = dirnameOf(from.slice(into.length + 1))
      pins.push({ path, commit: 'HEAD', how: `copied by ${script} from ${named(clone.url)}, at no version the tag fixes`, ...(inside !== '' ? { from: inside } : {}) })
    }
  }
  return pins
}
