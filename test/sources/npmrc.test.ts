import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_REGISTRY, loadRegistryConfig } from '../../src/sources/npm/npmrc.js'

const dirs: string[] = []
const dir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'stagelight-npmrc-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('npm configuration', () => {
  it('takes the registry, scoped registries and tokens from the project and user .npmrc, the project winning', () => {
    const home = dir()
    const project = dir()
    writeFileSync(join(home, '.npmrc'), 'registry=https://user.example/npm/\n@corp:registry=https://user-corp.example/\n//user.example/npm/:_authToken=${USER_TOKEN}\n')
    writeFileSync(join(project, '.npmrc'), '@corp:registry=https://corp.example/registry\n//corp.example/registry/:_authToken=abc123\n')
    const config = loadRegistryConfig(project, { HOME: home, USER_TOKEN: 'from-env' })
    expect(config.registry).toBe('https://user.example/npm/')
    expect(config.registryFor('left-pad')).toBe('https://user.example/npm/')
    expect(config.registryFor('@corp/tool')).toBe('https://corp.example/registry/')
    expect(config.scopes()).toEqual({ '@corp': 'https://corp.example/registry/' })
    expect(config.authorizationFor('https://corp.example/registry/@corp%2ftool')).toBe('Bearer abc123')
    expect(config.authorizationFor('https://user.example/npm/left-pad')).toBe('Bearer from-env')
    expect(config.authorizationFor('https://elsewhere.example/x')).toBeUndefined()
  })

  it('falls back to the public registry, and --registry overrides everything but the list of scopes', () => {
    const empty = dir()
    expect(loadRegistryConfig(empty, { HOME: empty }).registryFor('x')).toBe(DEFAULT_REGISTRY)
    writeFileSync(join(empty, '.npmrc'), '@corp:registry=https://corp.example/\n')
    const forced = loadRegistryConfig(empty, { HOME: empty }, 'http://127.0.0.1:4873')
    expect(forced.registryFor('@corp/tool')).toBe('http://127.0.0.1:4873/')
    expect(forced.scopes()).toEqual({ '@corp': 'https://corp.example/' })
  })
})
