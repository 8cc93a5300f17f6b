/** @fileoverview The shapes every part of `audit` agrees on: packages from an inventory, and what is known about them. */
import type { Finding } from '../model/finding.js'

export type Ecosystem = 'npm' | 'deb'

/** Where a locked package comes from. */
export type PackageSource = 'registry' | 'tarball' | 'git' | 'link' | 'file' | 'unknown'

/** One package of the inventory, as the lockfile, SBOM or dpkg status file states it. */
export interface PackageRef {
  readonly ecosystem: Ecosystem
  readonly name: string
  readonly version: string
  /** package URL: `pkg:npm/%40scope/name@1.2.3`, `pkg:deb/debian/xz-utils@5.6.1-1?arch=amd64` */
  readonly purl: string
  readonly source: PackageSource
  /** the resolved URL or spec (tarball URL, git URL, link path), when the inventory has one */
  readonly resolved?: string
  /** SRI integrity (`sha512-…`) when the inventory has one */
  readonly integrity?: string
  /** only needed for development */
  readonly dev?: boolean
  /** where in the dependency tree it sits (`node_modules/a/node_modules/b`), when known */
  readonly location?: string
  /** the shortest chain of dependencies from the project to it (`['vitest', 'vite', 'esbuild']`), when the inventory records the graph */
  readonly dependencyPath?: readonly string[]
}

export interface Inventory {
  /** `package-lock.json v3`, `yarn.lock (berry)`, `pnpm-lock.yaml v9`, `CycloneDX 1.5`, `SPDX 2.3`, `dpkg status` */
  readonly format: string
  /** the file read */
  readonly path: string
  readonly packages: readonly PackageRef[]
  /** lockfile hygiene: `audit/lockfile-*` findings (non-registry sources, http: URLs, missing integrity, unexpected hosts) */
  readonly findings: readonly Finding[]
}
