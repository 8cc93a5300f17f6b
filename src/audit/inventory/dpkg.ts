/** @fileoverview The dpkg status database (`/var/lib/dpkg/status`): the Debian packages installed on a system. */
import type { PackageRef } from '../types.js'
import { debPurl, parsePurl } from './purl.js'
import type { LockEntry } from './source.js'

/** a status file: paragraphs of `Field: value` with Package and Status fields */
export const isDpkgStatus = (text: string): boolean => /^Package:[ \t]*\S/m.test(text.slice(0, 8192)) && /^Status:[ \t]*\S/m.test(text.slice(0, 65536))

interface Paragraph {
  offset: number
  fields: Map<string, string>
}

/** the fields of each paragraph that audit needs; continuation lines (descriptions, conffiles) are skipped */
function* paragraphs(text: string): Generator<Paragraph> {
  let current: Paragraph | undefined
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const line = text.slice(start, end).replace(/\r$/, '')
    if (line.trim() === '') {
      if (current) yield current
      current = undefined
    } else if (line[0] !== ' ' && line[0] !== '\t' && line[0] !== '#') {
      const colon = line.indexOf(':')
      if (colon > 0) {
        current ??= { offset: start, fields: new Map() }
        current.fields.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
      }
    }
    start = end + 1
  }
  if (current) yield current
}

/**
 * Packages whose files are installed (state `installed`, whatever the selection: `install ok
 * installed`, `hold ok installed`). The source package goes to the `upstream` qualifier, as
 * Syft writes it: `upstream=xz-utils`, or `upstream=gcc-12%4012.2.0-14` when its version differs.
 */
export function readDpkgStatus(text: string): { format: string; entries: LockEntry[] } {
  const entries: LockEntry[] = []
  for (const p of paragraphs(text)) {
    const name = p.fields.get('package')
    const version = p.fields.get('version')
    const status = (p.fields.get('status') ?? '').split(/\s+/)
    if (name === undefined || version === undefined || status[2] !== 'installed') continue
    const arch = p.fields.get('architecture')
    const src = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(p.fields.get('source') ?? '')
    const qualifiers: Record<string, string> = {}
    if (arch !== undefined && arch !== '') qualifiers['arch'] = arch
    if (src?.[1] !== undefined && (src[1] !== name || (src[2] !== undefined && src[2] !== version)))
      qualifiers['upstream'] = src[2] !== undefined && src[2] !== version ? `${src[1]}@${src[2]}` : src[1]
    const ref: PackageRef = { ecosystem: 'deb', name, version, purl: debPurl(name, version, qualifiers), source: 'registry' }
    entries.push({ ref, offset: p.offset })
  }
  return { format: 'dpkg status', entries }
}

/** The source package of a deb PackageRef (from its `upstream` qualifier; the binary package itself when absent). */
export function debianSource(ref: PackageRef): { name: string; version: string } {
  const upstream = parsePurl(ref.purl)?.qualifiers['upstream']
  if (upstream === undefined || upstream === '') return { name: ref.name, version: ref.version }
  const at = upstream.indexOf('@')
  return at === -1 ? { name: upstream, version: ref.version } : { name: upstream.slice(0, at), version: upstream.slice(at + 1) }
}
