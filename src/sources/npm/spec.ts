import { StagelightError } from '../../errors.js'

/** A package named on the command line: `npm:name@version`, `npm:@scope/name@range`, `npm:name@tag`. */
export interface PackageSpec {
  readonly name: string
  /** an exact version, a range or a dist-tag; 'latest' when none was given */
  readonly selector: string
}

const NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i

export const isPackageSpec = (text: string): boolean => text.startsWith('npm:')

/**
 * Parses `npm:<name>[@<version|range|tag>]`.
 * @example parsePackageSpec('npm:@scope/pkg@^1.2.0') // { name: '@scope/pkg', selector: '^1.2.0' }
 */
export function parsePackageSpec(text: string): PackageSpec {
  const body = text.replace(/^npm:/, '')
  const at = body.indexOf('@', 1)
  const name = at < 0 ? body : body.slice(0, at)
  const selector = at < 0 ? 'latest' : body.slice(at + 1)
  if (!NAME.test(name) || name.length > 214 || selector === '') {
    throw new StagelightError('E_USAGE', `not a package spec: ${JSON.stringify(text)} (expected npm:name@version, npm:@scope/name@range or npm:name@tag)`)
  }
  return { name, selector }
}
