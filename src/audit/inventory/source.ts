/** @fileoverview Where a locked package comes from, and the lockfile hygiene findings that follow from it. */
import { posix } from 'node:path'
import type { Finding } from '../../model/finding.js'
import { StagelightError } from '../../errors.js'
import { redactSecrets } from '../redact.js'
import type { PackageRef, PackageSource } from '../types.js'
import type { LineIndex } from './lines.js'
import { INSECURE_URL, MISSING_INTEGRITY, NON_REGISTRY_SOURCE, RESOLVED_MISMATCH, UNEXPECTED_HOST, WEAK_INTEGRITY } from './rules.js'

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/'

/** A package as a parser read it, with what hygiene checks need beyond the {@link PackageRef}. */
export interface LockEntry {
  readonly ref: PackageRef
  /** where the entry starts in the file, for line numbers */
  readonly offset?: number
  /** shipped inside its parent's tarball (npm bundleDependencies): nothing of its own to check */
  readonly bundled?: boolean
  /** the lockfile records a hash for it even though it is not SRI integrity (yarn berry's checksum) */
  readonly hashed?: boolean
  /** link and file sources: the target path relative to the project directory, `/`-separated */
  readonly localPath?: string
}

const GIT_SPEC = /^(?:git\+[a-z+]+:|git:\/\/|ssh:\/\/|git@[^:/]+:|(?:github|gitlab|bitbucket|gist):)/i

/** Classifies a resolved URL or spec. Paths without a scheme are `file` (callers know when they are links). */
export function classifyResolved(resolved: string): PackageSource {
  const spec = resolved.trim()
  if (GIT_SPEC.test(spec)) return 'git'
  if (/^(?:link|portal|workspace):/i.test(spec)) return 'link'
  if (/^file:/i.test(spec)) return 'file'
  if (/^https?:\/\//i.test(spec)) {
    let url: URL
    try {
      url = new URL(spec)
    } catch {
      return 'unknown'
    }
    if (url.hostname === 'codeload.github.com') return 'git'
    if (/\.git$/i.test(url.pathname)) return 'git'
    if (/\/-\/[^/]+\.tgz$/i.test(url.pathname)) return 'registry'
    return 'tarball'
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec)) return 'unknown'
  return 'file'
}

/** Hosts a registry URL stands for; registry.yarnpkg.com is a front of registry.npmjs.org and the reverse. */
export function registryHosts(registry: string): string[] {
  let url: URL
  try {
    url = new URL(registry)
  } catch {
    throw new StagelightError('E_USAGE', `not a registry URL: ${registry}`)
  }
  const host = url.host.toLowerCase()
  if (host === 'registry.npmjs.org' || host === 'registry.yarnpkg.com') return ['registry.npmjs.org', 'registry.yarnpkg.com']
  return [host]
}

const hostOf = (u: string): string | undefined => {
  try {
    return new URL(u.replace(/^git\+/i, '')).host.toLowerCase() || undefined
  } catch {
    return undefined
  }
}

const isInsecure = (u: string): boolean => /^(?:git\+)?http:\/\//i.test(u) || /^git:\/\//i.test(u)

export interface HygieneContext {
  /** the inventory file relative to the directory the user gave */
  readonly file: string
  readonly lines: LineIndex
  /** the configured registry, for messages */
  readonly registry: string
  /** hosts registry packages may come from */
  readonly allowedHosts: ReadonlySet<string>
  /** SBOMs rarely carry hashes: do not report missing ones there */
  readonly checkIntegrity: boolean
}

const label = (ref: PackageRef): string => (ref.version === '' ? ref.name : `${ref.name}@${ref.version}`)

/** The `audit/lockfile-*` findings for the packages of one inventory file. */
export function hygieneFindings(entries: readonly LockEntry[], ctx: HygieneContext): Finding[] {
  const findings: Finding[] = []
  const registryHost = [...ctx.allowedHosts][0] ?? ''
  for (const entry of entries) {
    const { ref } = entry
    if (entry.bundled === true || ref.ecosystem !== 'npm') continue
    const at = locate(entry, ctx)
    const base = (ruleId: string, severity: Finding['severity'], confidence: Finding['confidence'], message: string, extra: Record<string, unknown> = {}): Finding => ({
      ruleId,
      severity,
      confidence,
      path: ctx.file,
      ...(at.line !== undefined ? { line: at.line, evidence: `${at.line}: ${redactSecrets(ctx.lines.lineText(at.line).trim())}` } : {}),
      message,
      data: {
        purl: ref.purl,
        name: ref.name,
        version: ref.version,
        source: ref.source,
        ...(ref.resolved !== undefined ? { resolved: ref.resolved } : {}),
        ...(ref.location !== undefined ? { location: ref.location } : {}),
        ...extra,
      },
    })
    const resolved = ref.resolved
    switch (ref.source) {
      case 'git':
        findings.push(base(NON_REGISTRY_SOURCE, 'medium', 'high', `${label(ref)} comes from a git repository: ${resolved ?? 'unknown URL'}`, { kind: 'git' }))
        break
      case 'tarball':
        findings.push(base(NON_REGISTRY_SOURCE, 'medium', 'high', `${label(ref)} comes from a tarball URL outside the registry: ${resolved ?? 'unknown URL'}`, { kind: 'remote-tarball' }))
        break
      case 'file':
        findings.push(base(NON_REGISTRY_SOURCE, 'low', 'high', `${label(ref)} comes from a local file: ${resolved ?? entry.localPath ?? 'unknown path'}`, { kind: 'file' }))
        break
      case 'link':
        if (entry.localPath !== undefined && escapes(entry.localPath))
          findings.push(base(NON_REGISTRY_SOURCE, 'low', 'high', `${label(ref)} is linked from a directory outside the project: ${entry.localPath}`, { kind: 'link-outside' }))
        break
      default:
        break
    }
    if (resolved !== undefined && isInsecure(resolved))
      findings.push(base(INSECURE_URL, 'high', 'high', `${label(ref)} is downloaded without transport security: ${resolved}`))
    if (ctx.checkIntegrity && (ref.source === 'registry' || ref.source === 'tarball') && ref.integrity === undefined && entry.hashed !== true)
      findings.push(base(MISSING_INTEGRITY, 'medium', 'high', `${label(ref)} has no integrity hash in ${ctx.file}`))
    if (ctx.checkIntegrity && (ref.source === 'registry' || ref.source === 'tarball') && ref.integrity !== undefined && isSha1Only(ref.integrity))
      findings.push(base(WEAK_INTEGRITY, 'medium', 'high', `${label(ref)} is protected only by a SHA-1 integrity hash in ${ctx.file}`, { integrity: ref.integrity }))
    if (ref.source === 'registry' && resolved !== undefined && ref.version !== '') {
      const named = tarballOf(resolved)
      if (named !== undefined && (named.name !== ref.name || named.version !== ref.version))
        findings.push(
          base(RESOLVED_MISMATCH, 'high', 'high', `${label(ref)} is resolved to the tarball of ${named.name}@${named.version}: ${resolved}`, { tarballName: named.name, tarballVersion: named.version }),
        )
    }
    if (ref.source === 'registry' && resolved !== undefined) {
      const host = hostOf(resolved)
      if (host !== undefined && !ctx.allowedHosts.has(host))
        findings.push(base(UNEXPECTED_HOST, 'medium', 'medium', `${label(ref)} is resolved from ${host}, not from the configured registry ${registryHost}`, { host, registry: ctx.registry }))
    }
  }
  return findings
}

/** Only sha1 digests: `sha1-…` alone (what yarn v1 derives from a `#<sha1>` URL fragment, or old npm lockfiles). */
const isSha1Only = (integrity: string): boolean => {
  const algorithms = integrity
    .trim()
    .split(/\s+/)
    .map((part) => /^([a-z0-9]+)-/i.exec(part)?.[1]?.toLowerCase())
  return algorithms.length > 0 && algorithms.every((a) => a === 'sha1')
}

/**
 * The package and version a registry tarball URL names: `<registry>/<name>/-/<basename>-<version>.tgz`
 * (a scoped name appears as `@scope/name` or `@scope%2fname`; the file carries the name without scope).
 */
export function tarballOf(resolved: string): { name: string; version: string } | undefined {
  let url: URL
  try {
    url = new URL(resolved)
  } catch {
    return undefined
  }
  const segments = url.pathname.split('/').map((s) => {
    try {
      return decodeURIComponent(s)
    } catch {
      return s
    }
  })
  const dash = segments.lastIndexOf('-')
  if (dash < 1 || dash !== segments.length - 2) return undefined
  const file = segments[dash + 1] ?? ''
  const before = segments[dash - 1] ?? ''
  // `/@scope/name/-/…` or `/@scope%2fname/-/…` (decoded to `@scope/name`)
  const name = before.includes('/') ? before : (segments[dash - 2] ?? '').startsWith('@') ? `${segments[dash - 2]}/${before}` : before
  const base = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name
  const m = /^(.+?)\.tgz$/i.exec(file)
  if (!m?.[1] || !m[1].startsWith(`${base}-`)) {
    // the file names another package: report what it names
    const other = /^(.+)-(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)\.tgz$/i.exec(file)
    return other?.[1] && other[2] ? { name: other[1], version: other[2] } : undefined
  }
  return { name, version: m[1].slice(base.length + 1) }
}

const escapes = (p: string): boolean => {
  if (p.startsWith('/') || /^[a-z]:[\\/]/i.test(p)) return true
  const n = posix.normalize(p.replace(/\\/g, '/'))
  return n === '..' || n.startsWith('../')
}

/** the line of the entry's resolved URL when it is near the entry start, else of the entry start */
function locate(entry: LockEntry, ctx: HygieneContext): { line?: number } {
  if (entry.offset === undefined) return {}
  const resolved = entry.ref.resolved
  if (resolved !== undefined) {
    const window = ctx.lines.text.slice(entry.offset, entry.offset + 8192)
    const i = window.indexOf(resolved)
    if (i !== -1) return { line: ctx.lines.lineAt(entry.offset + i) }
  }
  return { line: ctx.lines.lineAt(entry.offset) }
}
