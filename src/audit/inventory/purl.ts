/** @fileoverview Package URLs (https://github.com/package-url/purl-spec) for the npm and deb packages of an inventory. */

const encodeSegment = (s: string): string => encodeURIComponent(s)
/** versions keep `:` (Debian epochs) readable, as packageurl-js does; everything else is percent-encoded */
const encodeVersion = (v: string): string => encodeURIComponent(v).replace(/%3A/gi, ':')

/**
 * `pkg:npm/%40scope/name@1.2.3`. The purl spec lowercases npm names; {@link PackageRef.name} keeps the
 * registry's spelling. The version is left out when unknown (empty).
 */
export function npmPurl(name: string, version: string, qualifiers: Readonly<Record<string, string>> = {}): string {
  const lower = name.toLowerCase()
  const slash = lower.startsWith('@') ? lower.indexOf('/') : -1
  const path = slash > 0 ? `${encodeSegment(lower.slice(0, slash))}/${encodeSegment(lower.slice(slash + 1))}` : encodeSegment(lower)
  return `pkg:npm/${path}${version === '' ? '' : `@${encodeVersion(version)}`}${encodeQualifiers(qualifiers)}`
}

/** `pkg:deb/debian/xz-utils@5.6.1-1?arch=amd64&upstream=xz-utils` */
export function debPurl(name: string, version: string, qualifiers: Readonly<Record<string, string>> = {}, namespace = 'debian'): string {
  return `pkg:deb/${encodeSegment(namespace)}/${encodeSegment(name)}${version === '' ? '' : `@${encodeVersion(version)}`}${encodeQualifiers(qualifiers)}`
}

function encodeQualifiers(q: Readonly<Record<string, string>>): string {
  const keys = Object.keys(q)
    .filter((k) => q[k] !== undefined && q[k] !== '')
    .sort()
  return keys.length === 0 ? '' : `?${keys.map((k) => `${k.toLowerCase()}=${encodeVersion(q[k] ?? '')}`).join('&')}`
}

export interface ParsedPurl {
  readonly type: string
  readonly namespace?: string
  readonly name: string
  readonly version?: string
  readonly qualifiers: Readonly<Record<string, string>>
  readonly subpath?: string
}

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Parses a package URL; undefined when it is not one. */
export function parsePurl(purl: string): ParsedPurl | undefined {
  const m = /^pkg:\/*([A-Za-z][A-Za-z0-9.+-]*)\/([^?#]+?)(?:\?([^#]*))?(?:#(.*))?$/.exec(purl.trim())
  if (!m) return undefined
  const [, rawType = '', rawPath = '', rawQuery, rawSubpath] = m
  let path = rawPath.replace(/\/+$/, '')
  let version: string | undefined
  const at = path.lastIndexOf('@')
  // `@` in the first segment of an unencoded scope (`pkg:npm/@scope/x`) is not the version separator
  if (at > 0 && at > path.lastIndexOf('/')) {
    version = decode(path.slice(at + 1))
    path = path.slice(0, at)
  }
  const segments = path.split('/').filter((s) => s !== '').map(decode)
  const name = segments.pop()
  if (name === undefined || name === '') return undefined
  const qualifiers: Record<string, string> = {}
  for (const pair of (rawQuery ?? '').split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    if (eq <= 0) continue
    qualifiers[pair.slice(0, eq).toLowerCase()] = decode(pair.slice(eq + 1))
  }
  return {
    type: rawType.toLowerCase(),
    ...(segments.length > 0 ? { namespace: segments.join('/') } : {}),
    name,
    ...(version !== undefined && version !== '' ? { version } : {}),
    qualifiers,
    ...(rawSubpath !== undefined && rawSubpath !== '' ? { subpath: decode(rawSubpath) } : {}),
  }
}
