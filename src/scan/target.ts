/**
 * @fileoverview What `scan` was pointed at, opened as one stream of tree entries: a directory, an
 * archive, a git repository at a ref, or an npm package from its registry.
 */
import { stat } from 'node:fs/promises'
import { isAbsolute, join, resolve } from 'node:path'
import { StagelightError } from '../errors.js'
import type { Fact } from '../model/report.js'
import type { ProgressCallback } from '../model/progress.js'
import type { TreeEntry } from '../model/tree.js'
import { openArtifact } from '../sources/archive/index.js'
import { linkEscape, linkLoop } from '../sources/archive/issues.js'
import { LinkResolver } from '../sources/archive/links.js'
import type { ArchiveIssue, ArtifactTree } from '../sources/archive/types.js'
import { openRepository, resolveRef } from '../sources/git/index.js'
import { readBlobs } from '../sources/git/blobs.js'
import { listTree, type ListedEntry } from '../sources/git/tree.js'
import type { Repository } from '../sources/git/types.js'
import { fetchTarball, isPackageSpec, loadRegistryConfig, parsePackageSpec, resolvePackage } from '../sources/npm/index.js'

export type TargetKind = 'directory' | 'archive' | 'git' | 'npm'

export interface ScanTarget {
  readonly kind: TargetKind
  readonly facts: readonly Fact[]
  entries(): AsyncGenerator<TreeEntry>
  /** hostile or odd entries met while reading (archives and directories) */
  readonly issues: readonly ArchiveIssue[]
  truncated(): boolean
}

export interface TargetOptions {
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  readonly cacheDir: string
  readonly offline?: boolean
  /** git: the ref to scan (also written `repo@ref`) */
  readonly ref?: string
  /** npm: the registry, overriding .npmrc */
  readonly registry?: string
  /** files up to this size are read into memory for analysis */
  readonly maxContentBytes: number
  readonly onProgress?: ProgressCallback
}

const GIT_URL = /^(?:[\w+.-]+:\/\/|[\w.-]+@[\w.-]+:)/

const exists = async (path: string): Promise<'file' | 'directory' | undefined> => {
  const info = await stat(path).catch(() => undefined)
  return info?.isDirectory() ? 'directory' : info?.isFile() ? 'file' : undefined
}

function fromArtifact(kind: TargetKind, tree: ArtifactTree, facts: Fact[]): ScanTarget {
  return {
    kind,
    facts: [...facts, { label: 'format', value: tree.format }],
    entries: () => tree.entries(),
    issues: tree.issues,
    truncated: () => tree.truncated(),
  }
}

const SYMLINK_MODE = 0o120000

function gitEntry(listed: ListedEntry): TreeEntry {
  const mode = Number.parseInt(listed.mode, 8)
  if (listed.type === 'commit') return { path: listed.path, kind: 'submodule', mode: 0, size: 0, gitBlob: listed.oid }
  if ((mode & 0o170000) === SYMLINK_MODE) return { path: listed.path, kind: 'symlink', mode: 0o777, size: listed.size, gitBlob: listed.oid }
  return { path: listed.path, kind: 'file', mode: mode & 0o111 ? 0o755 : 0o644, size: listed.size, gitBlob: listed.oid }
}

/** Symlinks of a committed tree that leave it, resolved through each other as a checkout would. */
function escapingLinks(links: LinkResolver, issues: ArchiveIssue[]): void {
  for (const path of links.paths()) {
    const landing = links.landing(path)
    if (landing.kind === 'outside') issues.push(linkEscape(path, 'symlink', links.target(path) ?? ''))
    else if (landing.kind === 'loop') issues.push(linkLoop(path, links.target(path) ?? ''))
  }
}

/** The tree of one commit, with the bytes of every file small enough to analyse, read in one batch. */
async function* gitEntries(repo: Repository, commit: string, maxContentBytes: number, issues: ArchiveIssue[]): AsyncGenerator<TreeEntry> {
  issues.length = 0
  const links = new LinkResolver()
  const listed: TreeEntry[] = []
  for await (const item of listTree(repo, commit)) listed.push(gitEntry(item))
  const byOid = new Map<string, TreeEntry[]>()
  for (const e of listed) {
    if ((e.kind === 'file' || e.kind === 'symlink') && e.size <= maxContentBytes && e.gitBlob) {
      const same = byOid.get(e.gitBlob)
      if (same) same.push(e)
      else byOid.set(e.gitBlob, [e])
    } else yield e
  }
  const oids = [...byOid.keys()]
  for await (const { oid, content } of readBlobs(repo, oids)) {
    for (const e of byOid.get(oid) ?? []) {
      if (e.kind === 'symlink') links.set(e.path, content.toString('utf8'))
      yield e.kind === 'symlink' ? { ...e, linkTarget: content.toString('utf8') } : { ...e, content }
    }
  }
  escapingLinks(links, issues)
}

async function openGit(spec: string, ref: string | undefined, options: TargetOptions): Promise<ScanTarget> {
  const repo = await openRepository(spec, { cacheDir: options.cacheDir, offline: options.offline ?? false, ...(options.onProgress ? { onProgress: options.onProgress } : {}) })
  const { ref: resolved, commit } = await resolveRef(repo, ref ?? 'HEAD')
  const issues: ArchiveIssue[] = []
  return {
    kind: 'git',
    facts: [
      { label: 'repository', value: spec },
      { label: 'ref', value: `${resolved} → ${commit.slice(0, 12)}` },
    ],
    entries: () => gitEntries(repo, commit, options.maxContentBytes, issues),
    issues,
    truncated: () => false,
  }
}

/** `path@ref` where path is an existing directory: the ref part of a git target. */
async function splitRef(spec: string, options: TargetOptions): Promise<{ path: string; ref: string } | undefined> {
  const at = spec.lastIndexOf('@')
  if (at <= 0) return undefined
  const path = spec.slice(0, at)
  const ref = spec.slice(at + 1)
  if (!ref || ref.includes('/') && !ref.startsWith('refs/') && !/^[\w.-]+\/[\w./-]+$/.test(ref)) return undefined
  if (GIT_URL.test(path) || (await exists(resolve(options.cwd, path))) === 'directory') return { path, ref }
  return undefined
}

/**
 * Opens a scan target.
 * @example await openTarget('npm:left-pad@1.3.0', options)
 * @example await openTarget('../xz@v5.6.1', options)
 */
export async function openTarget(spec: string, options: TargetOptions): Promise<ScanTarget> {
  const limits = { maxContentBytes: options.maxContentBytes }
  const progress = options.onProgress
  const onBytes = progress ? (read: number, total: number | undefined) => progress({ label: 'reading', done: read, ...(total ? { total } : {}), unit: 'bytes' }) : undefined
  if (isPackageSpec(spec)) {
    const fetchOptions = {
      config: loadRegistryConfig(options.cwd, options.env, options.registry),
      cacheDir: options.cacheDir,
      offline: options.offline ?? false,
      ...(progress ? { onProgress: progress } : {}),
    }
    const pkg = await resolvePackage(parsePackageSpec(spec), fetchOptions)
    const file = await fetchTarball(pkg, fetchOptions)
    const tree = await openArtifact(file, { limits, ...(onBytes ? { onProgress: onBytes } : {}) })
    return fromArtifact('npm', tree, [
      { label: 'package', value: `${pkg.name}@${pkg.version}` },
      { label: 'registry', value: pkg.registry },
      { label: 'integrity', value: pkg.integrity ? `${pkg.integrity.slice(0, 24)}… (checked)` : 'none published' },
    ])
  }
  const split = options.ref ? undefined : await splitRef(spec, options)
  if (split) return openGit(GIT_URL.test(split.path) ? split.path : resolve(options.cwd, split.path), split.ref, options)
  if (GIT_URL.test(spec)) return openGit(spec, options.ref, options)
  const path = isAbsolute(spec) ? spec : resolve(options.cwd, spec)
  const kind = await exists(path)
  if (kind === 'directory' && options.ref) return openGit(path, options.ref, options)
  if (kind === undefined) throw new StagelightError('E_INPUT_NOT_FOUND', `${spec}: no such file or directory (scan takes a directory, an archive, a git repository[@ref] or npm:name@version)`, { path: spec })
  if (options.ref) throw new StagelightError('E_USAGE', `--ref needs a git repository, and ${spec} is a file`)
  // Only the working tree's own repository is left out, and the report says so; a `.git` anywhere
  // below is content like any other (a payload can hide in `m4/.git/`).
  const skipOwnGit = kind === 'directory' && (await exists(join(path, '.git'))) === 'directory'
  const tree = await openArtifact(path, { limits, ...(skipOwnGit ? { exclude: (p: string) => p === '.git' } : {}), ...(onBytes && kind === 'file' ? { onProgress: onBytes } : {}) })
  const facts: Fact[] = [{ label: 'path', value: spec }]
  if (skipOwnGit) facts.push({ label: 'not scanned', value: `.git/ (the repository of this working tree; scan ${spec}@HEAD to scan what is committed)` })
  return fromArtifact(kind === 'directory' ? 'directory' : 'archive', tree, facts)
}
