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

export const debTarget = (name: string): TargetSpec => ({ key: `deb:${name}`, kind: 'deb', name, options: {} })
