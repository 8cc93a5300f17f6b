/**
 * @fileoverview The inventory of `stagelight audit`: every package a lockfile, SBOM or dpkg status
 * file names, as {@link PackageRef}s with purls, sources and integrity, plus lockfile hygiene findings.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join, sep } from 'node:path'
import { StagelightError } from '../../errors.js'
import type { Inventory } from '../types.js'
import { isDpkgStatus, readDpkgStatus } from './dpkg.js'
import { LineIndex } from './lines.js'
import { isNpmLock, readNpmLock } from './npm.js'
import { isPnpmLock, parseYaml, readPnpmLock } from './pnpm.js'
import { isCycloneDx, isSpdx, readCycloneDx, readSpdx } from './sbom.js'
import { DEFAULT_REGISTRY, hygieneFindings, registryHosts, type LockEntry } from './source.js'
import { isYarnBerry, isYarnClassic, readYarnBerry, readYarnClassic } from './yarn.js'
import { isJsonObject } from '../../util/json.js'

export { inventoryRules, INSECURE_URL, MISSING_INTEGRITY, NON_REGISTRY_SOURCE, RESOLVED_MISMATCH, UNEXPECTED_HOST, WEAK_INTEGRITY } from './rules.js'
export { debPurl, npmPurl, parsePurl, type ParsedPurl } from './purl.js'
export { debianSource } from './dpkg.js'
export { classifyResolved, DEFAULT_REGISTRY, tarballOf } from './source.js'

export interface ReadInventoryOptions {
  /** the configured registry URL (default https://registry.npmjs.org/) */
  readonly registry?: string
  /** further registries packages may be resolved from without an `audit/lockfile-unexpected-host` finding (scoped registries, policy) */
  readonly allowedRegistries?: readonly string[]
}

/** What a project directory is searched for, in order. */
export const LOCKFILE_NAMES = ['npm-shrinkwrap.json', 'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml'] as const

const errorCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code

async function statOrThrow(path: string): Promise<Awaited<ReturnType<typeof stat>>> {
  try {
    return await stat(path)
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') throw new StagelightError('E_INPUT_NOT_FOUND', `no such file or directory: ${path}`, { path })
    throw new StagelightError('E_INPUT_INVALID', `cannot read ${path}: ${errorCode(err) ?? (err as Error).message}`, { path }, { cause: err })
  }
}

const isFile = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined))?.isFile() === true

/** The inventory file of a project directory, relative to it. */
export async function findInventoryFile(dir: string): Promise<string> {
  for (const name of LOCKFILE_NAMES) if (await isFile(join(dir, name))) return name
  const names = (await readdir(dir).catch(() => [] as string[])).sort()
  if (await isFile(join(dir, 'bom.json'))) return 'bom.json'
  for (const suffix of ['.cdx.json', '.spdx.json']) {
    const name = names.find((n) => n.endsWith(suffix))
    if (name !== undefined && (await isFile(join(dir, name)))) return name
  }
  const hidden = join('node_modules', '.package-lock.json')
  if (await isFile(join(dir, hidden))) return hidden
  // a dpkg administrative directory (/var/lib/dpkg)
  if ((await isFile(join(dir, 'status'))) && (await stat(join(dir, 'info')).catch(() => undefined))?.isDirectory() === true) return 'status'
  const hasManifest = await isFile(join(dir, 'package.json'))
  throw new StagelightError(
    'E_INPUT_NOT_FOUND',
    hasManifest
      ? `no lockfile in ${dir}: package.json without package-lock.json, yarn.lock or pnpm-lock.yaml, and no node_modules/.package-lock.json (run \`npm install --package-lock-only\`)`
      : `no lockfile or SBOM in ${dir} (looked for ${LOCKFILE_NAMES.join(', ')}, bom.json, *.cdx.json, *.spdx.json)`,
    { path: dir },
  )
}

interface Parsed {
  readonly format: string
  readonly entries: LockEntry[]
  /** which hygiene checks apply: lockfiles all, SBOMs all but missing hashes, dpkg none */
  readonly hygiene: 'lockfile' | 'sbom' | 'none'
}

/**
 * The package.json beside a lockfile, when there is a readable one: a yarn v1 lockfile does not
 * record which entries the project itself depends on. Anything unreadable is simply not used.
 */
async function siblingManifest(file: string): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(join(dirname(file), 'package.json'), 'utf8').catch(() => undefined)
  if (text === undefined || text.length > MAX_MANIFEST_BYTES) return undefined
  try {
    const doc: unknown = JSON.parse(text)
    return isJsonObject(doc) ? doc : undefined
  } catch {
    return undefined
  }
}

/** a project manifest larger than this is not one */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024

/** Detects the format from the content (the file name only tells npm-shrinkwrap.json from package-lock.json). */
export function parseInventoryText(text: string, fileName: string, manifest?: Record<string, unknown>): Parsed {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const head = body.trimStart()
  if (head === '') throw new StagelightError('E_INPUT_INVALID', `${fileName} is empty`)
  if (head.startsWith('{')) {
    let doc: unknown
    try {
      doc = JSON.parse(body)
    } catch (err) {
      throw new StagelightError('E_INPUT_INVALID', `${fileName}: not valid JSON: ${(err as Error).message}`, {}, { cause: err })
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new StagelightError('E_INPUT_INVALID', `${fileName}: not a lockfile or SBOM`)
    const json = doc as Record<string, unknown>
    if (isNpmLock(json)) return { ...readNpmLock(json, body, basename(fileName)), hygiene: 'lockfile' }
    if (isCycloneDx(json)) return { ...readCycloneDx(json, body, fileName), hygiene: 'sbom' }
    if (isSpdx(json)) return { ...readSpdx(json, body, fileName), hygiene: 'sbom' }
    throw new StagelightError('E_INPUT_INVALID', `${fileName}: a JSON document that is not a lockfile or SBOM (no lockfileVersion, bomFormat or spdxVersion)`)
  }
  if (head.includes('\0')) throw new StagelightError('E_INPUT_INVALID', `${fileName}: a binary file, not a lockfile, SBOM or dpkg status file`)
  if (isYarnClassic(body)) return { ...readYarnClassic(body, fileName, manifest), hygiene: 'lockfile' }
  if (isYarnBerry(body)) return { ...readYarnBerry(body, fileName), hygiene: 'lockfile' }
  if (isPnpmLock(body)) {
    const doc = parseYaml(body, fileName)
    if (isJsonObject(doc)) return { ...readPnpmLock(doc, body, fileName), hygiene: 'lockfile' }
  }
  if (isDpkgStatus(body)) return { ...readDpkgStatus(body), hygiene: 'none' }
  // a yarn v1 lockfile that lost its header comment
  if (/^[^\s#].*:\r?\n {2}version "/m.test(body.slice(0, 8192))) return { ...readYarnClassic(body, fileName, manifest), hygiene: 'lockfile' }
  throw new StagelightError(
    'E_INPUT_INVALID',
    `${fileName}: unknown format (expected package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, CycloneDX or SPDX JSON, or a dpkg status file)`,
  )
}

/**
 * Reads the packages of a project directory (its lockfile, SBOM or node_modules/.package-lock.json)
 * or of one lockfile, SBOM or dpkg status file, and checks the lockfile's hygiene.
 */
export async function readInventory(path: string, options: ReadInventoryOptions = {}): Promise<Inventory> {
  const registry = options.registry ?? DEFAULT_REGISTRY
  const allowedHosts = new Set([registry, ...(options.allowedRegistries ?? [])].flatMap(registryHosts))
  const info = await statOrThrow(path)
  let file: string
  let rel: string
  if (info.isDirectory()) {
    rel = await findInventoryFile(path)
    file = join(path, rel)
  } else {
    file = path
    rel = basename(path)
  }
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new StagelightError('E_INPUT_INVALID', `cannot read ${file}: ${errorCode(err) ?? (err as Error).message}`, { path: file }, { cause: err })
  }
  const label = rel.split(sep).join('/')
  const parsed = parseInventoryText(text, label, await siblingManifest(file))
  const findings =
    parsed.hygiene === 'none'
      ? []
      : hygieneFindings(parsed.entries, {
          file: label,
          lines: new LineIndex(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text),
          registry,
          allowedHosts,
          checkIntegrity: parsed.hygiene === 'lockfile',
        })
  return { format: parsed.format, path: file, packages: parsed.entries.map((e) => e.ref), findings }
}

