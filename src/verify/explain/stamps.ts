import { basenameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

const MAX_STAMP_BYTES = 512
const MAX_STAMP_LINES = 8
/** stamp-po, stamp-h.in, po-stamp: files make only uses for their modification time */
const MAKE_STAMP_NAME = /(^stamp-|-stamp$|^stamp$|\.stamp$)/
const MAKE_STAMP_CONTENT = /^(timestamp)?\s*$/
const DATE = /^(\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{4}|\d{4}-\d{2}-\d{2})$/

/** A line a version stamp may hold: the version itself, a date, or texinfo's `@set NAME value`. */
function stampLine(line: string, version: string): boolean {
  // texinfo's `@set VERSION 1.2`, a shell assignment `PACKAGE_VERSION="1.2"` sourced by the build,
  // an m4 definition `m4_define([VERSION_NUMBER], [1.2])` that configure.ac includes
  const value = line
    .replace(/^@set\s+[\w-]+\s+/, '')
    .replace(/^[A-Za-z_][A-Za-z0-9_]*=(["']?)(.*)\1$/, '$2')
    .replace(/^(?:m4_)?define\(\[?[A-Za-z_]\w*\]?,\s*\[?([^[\]()]*?)\]?\)$/, '$1')
    .trim()
  return value === version || value === `v${version}` || DATE.test(value)
}

/**
 * Version stamp files `make dist` writes (`.tarball-version`, `.version`, texinfo's version.texi and
 * stamp-vti) and make's timestamp markers: explained when tiny, never executed, and holding nothing but the release's version and dates.
 */
export function versionStampExplainer(version: string | undefined): Explainer {
  return {
    name: 'version-stamp',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const entry = difference.artifact
      if (!entry || entry.kind !== 'file' || entry.size > MAX_STAMP_BYTES || (entry.mode & 0o111) !== 0) return undefined
      const text = view.artifactText(difference.path)
      if (text === undefined) return undefined
      if (MAKE_STAMP_NAME.test(basenameOf(difference.path)) && MAKE_STAMP_CONTENT.test(text)) {
        return explained(difference.path, 'version-stamp', "make's timestamp marker: no content beyond the word 'timestamp'", true)
      }
      if (!version) return undefined
      const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '')
      if (lines.length === 0 || lines.length > MAX_STAMP_LINES) return undefined
      if (!lines.every((l) => stampLine(l, version))) return undefined
      return explained(difference.path, 'version-stamp', `${basenameOf(difference.path)} holds only the version ${version} or dates`, true)
    },
  }
}
