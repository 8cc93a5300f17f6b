/**
 * @fileoverview What explainers compute once per compared tree (an index of the tag's makefiles,
 * its bootstrap scripts' edits) and then consult for every difference.
 */
import type { TreeView } from './types.js'

/** `compute` run once per tree view, its result (a value or a promise) kept with the view. */
export function perTree<T>(compute: (view: TreeView) => T): (view: TreeView) => T {
  const results = new WeakMap<TreeView, { value: T }>()
  return (view) => {
    let result = results.get(view)
    if (!result) {
      result = { value: compute(view) }
      results.set(view, result)
    }
    return result.value
  }
}

/** where projects keep their bootstrap: a top-level file named like a script (autogen.sh, bootstrap, gitcompile) */
const BOOTSTRAP_NAME = /^(?:[^/.]+|[^/]*\.(?:sh|pl))$/
/**
 * a release or maintenance script kept one directory down: `release-tools/mktarball.sh`,
 * `scripts/dist.sh`, or one without an extension in a directory named for tools or releases
 * (`scripts/makesrcdist`); never the vendored helpers of a build-aux directory
 */
const TOOL_SCRIPT = /^[^/]+\/[^/]+\.sh$|^(?:scripts?|tools?|release[^/]*|maint[^/]*|admin|packaging|dist|utils?|dev-?tools)\/[^/.]+$/
const MAX_TOOL_SCRIPTS = 64

/** The tag's files whose path matches `name` (at most `max` read) that are scripts (a `#!` line), with their text. */
async function scriptsNamed(view: TreeView, name: RegExp, max = Infinity): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = []
  let read = 0
  for (const path of view.sourcePaths()) {
    if (!name.test(path) || read++ >= max) continue
    const text = await view.sourceText(path)
    if (text?.startsWith('#!')) out.push({ path, text })
  }
  return out
}

/** The tag's bootstrap scripts: top-level scripts (with a `#!` line) and their text, listed once per tree for every explainer that reads them. */
export const bootstrapScripts = perTree((view: TreeView): Promise<readonly { path: string; text: string }[]> => scriptsNamed(view, BOOTSTRAP_NAME))

/** The bootstrap scripts and the shell scripts one directory down: where a release step may write files. */
export const releaseScripts = perTree(async (view: TreeView): Promise<readonly { path: string; text: string }[]> => [
  ...(await bootstrapScripts(view)),
  ...(await scriptsNamed(view, TOOL_SCRIPT, MAX_TOOL_SCRIPTS)),
])
