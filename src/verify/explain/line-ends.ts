/**
 * @fileoverview A file shipped with other line ends than the tag's: a release packed from a
 * checkout that writes CR LF (git's `core.autocrlf` on Windows), or the reverse. Explained when the
 * artifact's bytes are exactly the tag's with every line end converted one way; any other change,
 * a single line ended otherwise, or a file with NUL bytes (binary data, which such a conversion
 * corrupts) is left to the other explainers. The shipped file is still scanned by the rules.
 */
import { explained, type Explainer } from './types.js'

const CR = 0x0d

/** The bytes with every LF ending a line as CR LF (lines already so ended kept). */
const toCrLf = (bytes: Buffer): string => bytes.toString('latin1').replace(/\r?\n/g, '\r\n')
/** The bytes with every CR LF ending a line as LF. */
const toLf = (bytes: Buffer): string => bytes.toString('latin1').replace(/\r\n/g, '\n')

export function lineEndsExplainer(): Explainer {
  return {
    name: 'line-ends',
    async judge(difference, view) {
      if (difference.status !== 'content-differs' || difference.artifact?.kind !== 'file') return undefined
      const after = view.artifactBytes(difference.path)
      if (after === undefined || after.includes(0)) return undefined
      const before = await view.sourceBytes(difference.path)
      if (before === undefined || before.includes(0) || (!after.includes(CR) && !before.includes(CR))) return undefined
      const shipped = after.toString('latin1')
      const how = shipped === toCrLf(before) ? 'CR LF' : shipped === toLf(before) ? 'LF' : undefined
      if (how === undefined) return undefined
      return explained(difference.path, 'line-ends', `the tag's bytes with every line ended by ${how} instead (a release packed from a checkout that converts line ends); nothing else differs`, true, true)
    },
  }
}
