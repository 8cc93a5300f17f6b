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

/** top-level shell scripts where projects keep their bootstrap: autogen.sh, bootstrap, … */
export const isBootstrapScript = (path: string): boolean => /^(?:[^/]*\.sh|autogen|bootstrap|autogen\.pl)$/.test(path)
