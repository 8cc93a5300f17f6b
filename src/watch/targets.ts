/** @fileoverview What `watch add` accepts, turned into store targets with stable keys. */
import { resolve } from 'node:path'
import { StagelightError } from '../errors.js'
import type { TargetKind, TargetOptions } from './model.js'

const NPM_NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i
const URL_LIKE = /^(?:[\w+.-]+:\/\/|[\w.-]+@[\w.-]+:)/

export interface TargetSpec {
  readonly key: string
  readonly kind: TargetKind
  readonly name: string
  readonly options: TargetOptions
}

/** An npm package by name. */
export function npmTarget(name: string, options: TargetOptions = {}): TargetSpec {
  if (!NPM_NAME.test(name) || name.length > 214) throw new StagelightError('E_USAGE', `not an npm package name: ${JSON.stringify(name)}`)
  return { key: `npm:${name}`, kind: 'npm', name, options }
}

/** A git repository by URL or local path (made absolute, so the key does not depend on where the command ran). */
export function gitTarget(spec: string, cwd: string, options: TargetOptions = {}): TargetSpec {
  if (spec.trim() === '') throw new StagelightError('E_USAGE', 'no repository given')
  const name = URL_LIKE.test(spec) ? spec : resolve(cwd, spec)
  if (options.tarballs !== undefined && !options.tarballs.includes('{version}') && !options.tarballs.includes('{tag}')) {
    throw new StagelightError('E_USAGE', `--tarballs ${JSON.stringify(options.tarballs)} names no {version} or {tag}: every release would find the same file`)
  }
  return { key: `git:${name}`, kind: 'git', name, options }
}

/**
 * Release tarballs, by a pattern (`https://example.org/dist/foo-{version}.tar.gz`, a local path
 * works too) or a listing (`https://example.org/dist/`, whose files named `<file>` are releases;
 * `<file>` defaults to `<repository name>-{version}.tar.*`), verified against `source`.
 */
export function tarballTarget(spec: string, cwd: string, options: { source?: string; listing?: string; file?: string }): TargetSpec {
  if (!options.source) throw new StagelightError('E_USAGE', 'a release tarball target needs --source <git repository>: its releases are verified against their tags')
  const source = URL_LIKE.test(options.source) ? options.source : resolve(cwd, options.source)
  const absolute = (location: string): string => (/^https?:\/\//i.test(location) ? location : `${resolve(cwd, location.replace(/^file:\/\//, ''))}${location.endsWith('/') ? '/' : ''}`)
  if (/^[\w+.-]+:\/\//.test(spec) && !/^(?:https?|file):\/\//i.test(spec)) throw new StagelightError('E_USAGE', `release tarballs are found over http(s) or in a directory, not ${spec.split(':')[0]}:`)
  let pattern: string
  if (spec.includes('{version}')) {
    if (options.file) throw new StagelightError('E_USAGE', '--file is for a listing; the pattern already names the file')
    pattern = absolute(spec)
  } else {
    const listing = absolute(spec.endsWith('/') ? spec : `${spec}/`)
    const project = (source.replace(/\/+$/, '').split(/[/:]/).pop() ?? '').replace(/\.git$/, '')
    const file = options.file ?? `${project}-{version}.tar.*`
    if (!file.includes('{version}') || file.includes('/')) throw new StagelightError('E_USAGE', `--file ${JSON.stringify(file)} must be a file name with {version}, e.g. foo-{version}.tar.gz`)
    pattern = `${listing}${file}`
  }
  if (!pattern.slice(pattern.lastIndexOf('/') + 1).includes('{version}')) throw new StagelightError('E_USAGE', `${JSON.stringify(spec)}: {version} must be in the file name, e.g. https://example.org/dist/foo-{version}.tar.gz`)
  const listing = options.listing === undefined ? undefined : absolute(options.listing)
  return { key: `tarball:${pattern}`, kind: 'tarball', name: pattern, options: { source, ...(listing ? { listing } : {}) } }
}

const DEBIAN_NAME = /^[a-z0-9][a-z0-9+.-]+$/

/** A Debian source package in the archive whose Sources index is given; `source` is its upstream repository, to verify against. */
export function debianTarget(name: string, cwd: string, options: { index: string; source?: string }): TargetSpec {
  if (!DEBIAN_NAME.test(name)) throw new StagelightError('E_USAGE', `not a Debian source package name: ${JSON.stringify(name)}`)
  const index = /^https?:\/\//i.test(options.index) ? options.index : resolve(cwd, options.index.replace(/^file:\/\//, ''))
  if (!/\/dists\/[^/]+\/(?:[^/]+\/)*source\/Sources(?:\.(?:xz|gz|bz2|zst))?$/.test(index)) {
    throw new StagelightError('E_USAGE', `--index ${JSON.stringify(options.index)} is not a Sources index: expected …/dists/<suite>/<component>/source/Sources.xz`)
  }
  const source = options.source === undefined ? undefined : URL_LIKE.test(options.source) ? options.source : resolve(cwd, options.source)
  return { key: `debian:${name}:${index}`, kind: 'debian', name, options: { index, ...(source ? { source } : {}) } }
}

export const debTarget = (name: string): TargetSpec => ({ key: `deb:${name}`, kind: 'deb', name, options: {} })
