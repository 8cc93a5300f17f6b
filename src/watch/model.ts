/** @fileoverview The shapes `watch` stores and passes around: targets, releases, jobs, events. */
import type { Severity } from '../model/finding.js'

/**
 * npm packages, git repositories, release tarball locations and Debian source packages (`debian`,
 * from a Sources index) are polled; `deb` packages come from inventories and are only answered for.
 */
export type TargetKind = 'npm' | 'git' | 'tarball' | 'debian' | 'deb'

export interface TargetOptions {
  /** npm: the registry, overriding .npmrc */
  readonly registry?: string
  /** the git repository releases are verified against (npm tarballs, release tarballs) */
  readonly source?: string
  /** git: where release tarballs appear, `{version}` and `{tag}` replaced: a URL or a local path */
  readonly tarballs?: string
  /** tarball: the page (or directory) listing the release files, when it is not the pattern's directory */
  readonly listing?: string
  /** debian: the Sources index (`…/dists/<suite>/<component>/source/Sources.xz`, a URL or a path) */
  readonly index?: string
}

export interface TargetState {
  /** npm: the dist-tags at the last poll */
  readonly distTags?: Readonly<Record<string, string>>
}

export interface Target {
  /** `npm:<name>`, `git:<url or path>`, `tarball:<pattern>`, `debian:<source package>:<index>`, `deb:<name>` */
  readonly key: string
  readonly kind: TargetKind
  readonly name: string
  readonly options: TargetOptions
  readonly state: TargetState
  readonly addedAt: string
  readonly polledAt: string | undefined
  /** `manual`, or `inventory:<key>` for each inventory that brought it */
  readonly origins: readonly string[]
}

export const ANALYSES = ['scan', 'verify', 'signals', 'tagger'] as const
export type Analysis = (typeof ANALYSES)[number]

/** A release found by a poll: its version, and the git ref it was tagged as (git targets). */
export interface Release {
  readonly version: string
  readonly ref?: string
  readonly facts?: Readonly<Record<string, unknown>>
}

export interface JobSpec {
  readonly key: string
  readonly target: string
  readonly version: string
  readonly analysis: Analysis
}

export type JobStatus = 'queued' | 'running' | 'done' | 'dead'

export interface JobRecord extends JobSpec {
  readonly status: JobStatus
  readonly attempts: number
  readonly runAfter: string
  readonly lastError: string | undefined
  readonly worker: string | undefined
}

export interface WatchEvent {
  readonly id: string
  readonly job: string
  readonly target: string
  readonly version: string
  readonly analysis: string
  readonly severity: Severity
  readonly ruleId: string
  readonly message: string
  readonly evidence: string | undefined
  readonly createdAt: string
  readonly notifiedAt: string | undefined
}

/** An event before it is stored (its id and time are given by the store). */
export type NewEvent = Pick<WatchEvent, 'severity' | 'ruleId' | 'message' | 'evidence'>

export const jobKey = (target: string, version: string, analysis: Analysis): string => `${target}|${version}|${analysis}`
