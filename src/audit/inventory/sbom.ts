/** @fileoverview SBOMs: CycloneDX JSON (1.4–1.6) and SPDX JSON 2.x; npm and deb components. */
import { StagelightError } from '../../errors.js'
import { redactSecrets } from '../redact.js'
import type { PackageRef, PackageSource } from '../types.js'
import { SequentialFinder } from './lines.js'
import { debPurl, npmPurl, parsePurl, type ParsedPurl } from './purl.js'
import { classifyResolved, type LockEntry } from './source.js'
import { isJsonObject as isObject, type JsonObject as Json } from '../../util/json.js'

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** How deep CycloneDX components may nest (assemblies inside assemblies); deeper is hostile or broken. */
export const MAX_SBOM_NESTING = 1000

/** A list the schema requires to be an array: absent is empty, anything else makes the document unreadable (never "0 packages"). */
function list(value: unknown, what: string, fileName: string): unknown[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw new StagelightError('E_INPUT_INVALID', `${fileName}: ${what} is ${typeof value === 'object' ? 'an object' : `a ${typeof value}`}, not an array`)
  return value
}

export const isCycloneDx = (doc: Json): boolean => doc['bomFormat'] === 'CycloneDX'
export const isSpdx = (doc: Json): boolean => typeof doc['spdxVersion'] === 'string' || (Array.isArray(doc['@graph']) && JSON.stringify(doc['@context'] ?? '').includes('spdx'))

/** strongest first; CycloneDX spells `SHA-512`, SPDX `SHA512` */
const SRI_ALGS: readonly [RegExp, string][] = [
  [/^sha-?512$/i, 'sha512'],
  [/^sha-?384$/i, 'sha384'],
  [/^sha-?256$/i, 'sha256'],
  [/^sha-?1$/i, 'sha1'],
]

/** SRI integrity from hex digests, the strongest algorithm first */
export function integrityFromHex(hashes: readonly { alg: string; hex: string }[]): string | undefined {
  for (const [re, sri] of SRI_ALGS) {
    const hash = hashes.find((h) => re.test(h.alg) && /^[0-9a-f]+$/i.test(h.hex) && h.hex.length % 2 === 0)
    if (hash) return `${sri}-${Buffer.from(hash.hex, 'hex').toString('base64')}`
  }
  return undefined
}

interface ComponentFacts {
  readonly purl: ParsedPurl
  readonly version?: string | undefined
  readonly download?: string | undefined
  readonly integrity?: string | undefined
  readonly dev?: boolean
  readonly location?: string | undefined
}

/** a PackageRef from a purl and what else the SBOM says; undefined for ecosystems audit does not read */
function refFromPurl(f: ComponentFacts): PackageRef | undefined {
  const { purl } = f
  const version = purl.version ?? f.version ?? ''
  const common = {
    version,
    ...(f.integrity !== undefined ? { integrity: f.integrity } : {}),
    ...(f.dev === true ? { dev: true } : {}),
    ...(f.location !== undefined ? { location: f.location } : {}),
  }
  if (purl.type === 'npm') {
    const name = purl.namespace !== undefined ? `${purl.namespace}/${purl.name}` : purl.name
    const vcs = purl.qualifiers['vcs_url']
    const given = f.download ?? purl.qualifiers['download_url'] ?? vcs
    const resolved = given !== undefined ? redactSecrets(given) : undefined
    const source: PackageSource = given === undefined ? 'registry' : given === vcs ? 'git' : classifyResolved(given)
    return { ecosystem: 'npm', name, purl: npmPurl(name, version), source, ...(resolved !== undefined ? { resolved } : {}), ...common }
  }
  if (purl.type === 'deb') {
    return { ecosystem: 'deb', name: purl.name, purl: debPurl(purl.name, version, purl.qualifiers, purl.namespace ?? 'debian'), source: 'registry', ...common }
  }
  return undefined
}

export function readCycloneDx(doc: Json, text: string, fileName: string): { format: string; entries: LockEntry[] } {
  const specVersion = str(doc['specVersion'])
  if (specVersion === undefined || !/^1\.\d+$/.test(specVersion)) throw new StagelightError('E_INPUT_INVALID', `${fileName}: unsupported CycloneDX specVersion ${specVersion ?? '(none)'}`)
  const finder = new SequentialFinder(text)
  const entries: LockEntry[] = []
  // depth-first in document order, with an explicit stack: hostile nesting must not overflow the call stack
  const stack: { readonly items: unknown[]; index: number }[] = [{ items: list(doc['components'], 'components', fileName), index: 0 }]
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number]
    if (frame.index >= frame.items.length) {
      stack.pop()
      continue
    }
    const c = frame.items[frame.index++]
    if (!isObject(c)) continue
    const rawPurl = str(c['purl'])
    const offset = rawPurl !== undefined ? finder.find(JSON.stringify(rawPurl)) : undefined
    const purl = rawPurl !== undefined ? parsePurl(rawPurl) : undefined
    if (purl !== undefined && c['scope'] !== 'excluded') {
      const hashes = arr(c['hashes']).filter(isObject).map((h) => ({ alg: str(h['alg']) ?? '', hex: str(h['content']) ?? '' }))
      const distribution = arr(c['externalReferences']).filter(isObject).find((r) => r['type'] === 'distribution' && str(r['url']) !== undefined)
      const properties = new Map(arr(c['properties']).filter(isObject).map((p) => [str(p['name']) ?? '', str(p['value']) ?? '']))
      const ref = refFromPurl({
        purl,
        version: str(c['version']),
        download: distribution !== undefined ? str(distribution['url']) : undefined,
        integrity: integrityFromHex(hashes),
        dev: properties.get('cdx:npm:package:development') === 'true',
        location: properties.get('cdx:npm:package:path') || undefined,
      })
      if (ref !== undefined) entries.push({ ref, ...(offset !== undefined ? { offset } : {}) })
    }
    const nested = list(c['components'], `the components of ${rawPurl ?? str(c['name']) ?? 'a component'}`, fileName)
    if (nested.length > 0) {
      if (stack.length >= MAX_SBOM_NESTING) throw new StagelightError('E_INPUT_INVALID', `${fileName}: components nested deeper than ${MAX_SBOM_NESTING} levels, the limit for an SBOM`)
      stack.push({ items: nested, index: 0 })
    }
  }
  return { format: `CycloneDX ${specVersion}`, entries }
}

export function readSpdx(doc: Json, text: string, fileName: string): { format: string; entries: LockEntry[] } {
  const spdxVersion = str(doc['spdxVersion'])
  const m = spdxVersion !== undefined ? /^SPDX-(2\.\d+)$/.exec(spdxVersion) : null
  if (!m?.[1]) throw new StagelightError('E_INPUT_INVALID', `${fileName}: unsupported SPDX version ${spdxVersion ?? '(SPDX 3 JSON-LD)'}; SPDX 2.x JSON is supported`)
  // the packages the document describes are the subject (the project, the image), not its dependencies
  const described = new Set(arr(doc['documentDescribes']).filter((x): x is string => typeof x === 'string'))
  const devIds = new Set<string>()
  for (const r of arr(doc['relationships']).filter(isObject)) {
    const type = r['relationshipType']
    if (type === 'DESCRIBES' && r['spdxElementId'] === 'SPDXRef-DOCUMENT') described.add(str(r['relatedSpdxElement']) ?? '')
    if (type === 'DESCRIBED_BY' && r['relatedSpdxElement'] === 'SPDXRef-DOCUMENT') described.add(str(r['spdxElementId']) ?? '')
    if (type === 'DEV_DEPENDENCY_OF') devIds.add(str(r['spdxElementId']) ?? '')
  }
  const finder = new SequentialFinder(text)
  const entries: LockEntry[] = []
  for (const p of list(doc['packages'], 'packages', fileName).filter(isObject)) {
    const id = str(p['SPDXID']) ?? ''
    const ext = arr(p['externalRefs'])
      .filter(isObject)
      .find((r) => r['referenceType'] === 'purl' && str(r['referenceLocator']) !== undefined)
    const rawPurl = ext !== undefined ? str(ext['referenceLocator']) : undefined
    const offset = rawPurl !== undefined ? finder.find(JSON.stringify(rawPurl)) : undefined
    if (described.has(id) || rawPurl === undefined) continue
    const purl = parsePurl(rawPurl)
    if (purl === undefined) continue
    const download = str(p['downloadLocation'])
    const hashes = arr(p['checksums']).filter(isObject).map((h) => ({ alg: str(h['algorithm']) ?? '', hex: str(h['checksumValue']) ?? '' }))
    const ref = refFromPurl({
      purl,
      version: str(p['versionInfo']),
      download: download === undefined || download === 'NOASSERTION' || download === 'NONE' ? undefined : download,
      integrity: integrityFromHex(hashes),
      dev: devIds.has(id),
    })
    if (ref !== undefined) entries.push({ ref, ...(offset !== undefined ? { offset } : {}) })
  }
  return { format: `SPDX ${m[1]}`, entries }
}
